"""Convert XQuAD (SQuAD format) into the eval JSONL format of ``assistant eval``.

German paragraphs become the passages; every question is asked twice, in German and in its
parallel English translation (same id), so cross-lingual retrieval is measured too. A second
set in ``holdout/`` removes every fifth passage and marks its questions unanswerable, to
measure abstention on data the assistant was not tuned on.

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


def holdout(
    passages_path: Path, questions_path: Path, out_dir: Path, every: int = 5
) -> tuple[Path, Path]:
    """Build abstention cases: drop every ``every``-th passage from the index and mark its
    questions unanswerable (their answer is then nowhere in the corpus)."""
    passages = [json.loads(line) for line in passages_path.read_text(encoding="utf-8").splitlines()]
    removed = {p["id"] for i, p in enumerate(passages) if i % every == 0}
    out_dir.mkdir(parents=True, exist_ok=True)
    kept_path, asked_path = out_dir / "passages.jsonl", out_dir / "questions.jsonl"
    kept_path.write_text(
        "".join(
            json.dumps(p, ensure_ascii=False) + "\n" for p in passages if p["id"] not in removed
        ),
        encoding="utf-8",
    )
    rows = []
    for line in questions_path.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if set(q["passage_ids"]) & removed:
            q.update(passage_ids=[], answers=[], answerable=False)
        rows.append(json.dumps(q, ensure_ascii=False) + "\n")
    asked_path.write_text("".join(rows), encoding="utf-8")
    return kept_path, asked_path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    out = Path(sys.argv[2])
    for path in (
        *convert(Path(sys.argv[1]), out),
        *holdout(out / "passages.jsonl", out / "questions.jsonl", out / "holdout"),
    ):
        print(path)
