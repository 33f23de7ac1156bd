"""Run every benchmark and write the figures to ``benchmarks/results/latest.json``.

* XQuAD (240 German passages, 1190 questions asked in German and in English) and the
  alliance gold test split, each with the hybrid retriever, dense-only and the LangChain
  baseline (RecursiveCharacterTextSplitter 1000/200 + Chroma similarity search);
* answers and abstention on the gold and out-of-domain dev and test splits, on XQuAD, and on
  XQuAD with every fifth passage removed (its orphaned questions must be abstained);
* warm retrieval latency and memory at 10,000 and 100,000 synthetic chunks;
* what ``/v1/chat/completions`` adds to ``Assistant.ask`` (``benchmarks/front_doors.py``).

    make bench          (or: python -m benchmarks.run_all [--skip-latency])
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant.evaluation import run_eval
from assistant.settings import load_settings
from benchmarks import front_doors
from benchmarks.xquad import convert, holdout

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT.parent / "shared" / "eval" / "xquad"
RESULTS = ROOT / "benchmarks" / "results"
RETRIEVERS = ("hybrid", "dense", "baseline")


def quality() -> dict[str, Any]:
    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    out: dict[str, Any] = {"gold": {}, "xquad": {}, "splits": {}}
    gold = ROOT / "corpus" / "eval" / "gold-test.jsonl"
    for name in RETRIEVERS:
        out["gold"][name] = run_eval(settings, gold, None, name)
    for stem in (
        "gold-dev",
        "gold-test",
        "out-of-domain-dev",
        "out-of-domain-test",
        "partners-dev",
        "partners-test",
    ):
        out["splits"][stem] = run_eval(settings, ROOT / "corpus" / "eval" / f"{stem}.jsonl")
    if XQUAD.exists():
        folder = Path(tempfile.mkdtemp(prefix="xquad-"))
        passages, questions = convert(XQUAD, folder)
        for name in RETRIEVERS:
            out["xquad"][name] = run_eval(settings, questions, passages, name)
        kept, asked = holdout(passages, questions, folder / "holdout")
        out["xquad_holdout"] = {"hybrid": run_eval(settings, asked, kept, "hybrid")}
    return out


def latency() -> list[dict[str, Any]]:
    rows = []
    for size in (10_000, 100_000):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.latency", str(size)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


def table(results: dict[str, Any]) -> str:
    lines = [
        "| data | retriever | lang | hit@1 | hit@5 | MRR@10 | p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for data in ("xquad", "gold"):
        for name, report in results["quality"][data].items():
            for lang, row in [("all", report), *sorted(report["by_lang"].items())]:
                lines.append(
                    f"| {data} | {name} | {lang} | {row['hit@1']:.3f} | {row['hit@5']:.3f} "
                    f"| {row['mrr@10']:.3f} | {report['latency_ms']['p95']} |"
                )
    for data in ("splits", "gold", "xquad", "xquad_holdout"):
        for name, report in results["quality"].get(data, {}).items():
            lines.append(
                f"\n{data} {name} answers: {report.get('answers')} "
                f"abstention: {report.get('abstention')}"
            )
    for row in results.get("latency", []):
        lines.append(f"\nlatency at {row['chunks']} chunks: {row}")
    return "\n".join(lines)


if __name__ == "__main__":
    results: dict[str, Any] = {"quality": quality()}
    previous = RESULTS / "latest.json"
    if "--skip-latency" not in sys.argv:
        results["latency"] = latency()
        results["front_doors"] = front_doors.main()
    elif previous.exists():  # keep the last latency run's figures
        kept = json.loads(previous.read_text(encoding="utf-8"))
        results["latency"] = kept.get("latency", [])
        results["front_doors"] = kept.get("front_doors", {})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
