"""Convert XQuAD (SQuAD format) into the eval JSONL format of ``assistant eval``.

German paragraphs become the passages; every question is asked twice, in German and in its
parallel English translation (same id), so cross-lingual retrieval is measured too.

    python -m benchmarks.xquad ../shared/eval/xquad OUTDIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _paragraphs(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for a, article in enumerate(data["data"]):
        for p, paragraph in enumerate(article["paragraphs"]):
            out.append((f"xq-{a:02d}-{p:02d}", article.get("title", ""), paragraph))
    return out


def convert(xquad_dir: Path, out_dir: Path) -> tuple[Path, Path]:
    """Write ``passages.jsonl`` and ``questions.jsonl``; return their paths."""
    de = json.loads((xquad_dir / "xquad.de.json").read_text(encoding="utf-8"))
    en = json.loads((xquad_dir / "xquad.en.json").read_text(encoding="utf-8"))
    english = {qa["id"]: qa for _, _, paragraph in _paragraphs(en) for qa in paragraph["qas"]}
    out_dir.mkdir(parents=True, exist_ok=True)
    passages_path, questions_path = out_dir / "passages.jsonl", out_dir / "questions.jsonl"
    with (
        passages_path.open("w", encoding="utf-8") as passages,
        questions_path.open("w", encoding="utf-8") as questions,
    ):
        for pid, title, paragraph in _paragraphs(de):
            passages.write(
                json.dumps(
                    {"id": pid, "title": title, "text": paragraph["context"]}, ensure_ascii=False
                )
                + "\n"
            )
            for qa in paragraph["qas"]:
                for lang, item in (("de", qa), ("en", english[qa["id"]])):
                    questions.write(
                        json.dumps(
                            {
                                "id": f"{qa['id']}-{lang}",
                                "question": item["question"],
                                "passage_ids": [pid],
                                "answers": [a["text"] for a in qa["answers"]],
                                "lang": lang,
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
    return passages_path, questions_path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    for path in convert(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
