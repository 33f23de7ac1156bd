"""Partner questions of eight styles, written apart from the eval sets, against the list answers.

    python -m benchmarks.partner_probes

80 questions (``benchmarks/partner_probes.jsonl``, German and English, ten each of colloquial,
long, keyword, typo, indirect, kind, two topics, no partner) with the partners their profiles
say should be listed. Written by a helper that did not read ``corpus/eval``, and then used to
find which kinds of list question were missed: a dev figure, not a test one.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

from assistant.evaluation import load_eval_corpus, scratch_assistant
from assistant.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
PROBES = ROOT / "benchmarks" / "partner_probes.jsonl"


def main(probes: Path = PROBES) -> dict[str, object]:
    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    assistant, _ = scratch_assistant(settings)
    assistant.index_documents(load_eval_corpus(settings, None))
    recall: dict[str, list[float]] = defaultdict(list)
    listed: dict[str, list[bool]] = defaultdict(list)
    precision: list[float] = []
    for line in probes.read_text(encoding="utf-8").splitlines():
        probe = json.loads(line)
        expected = set(probe["expected"])
        answer = assistant.ask(probe["question"])
        got = set(answer.partners or [])
        if got:
            right = got & (expected | set(probe.get("acceptable", [])))
            precision.append(len(right) / len(got))
        if expected:
            share = len(got & expected) / len(expected)
        else:  # no partner covers it: nobody listed, and an abstention
            share = float(not got and answer.abstained)
        recall[probe["style"]].append(share)
        listed[probe["style"]].append(answer.partners is not None)
    every = [r for rs in recall.values() for r in rs]
    return {
        "questions": len(every),
        "recall": round(statistics.mean(every), 3),
        "precision": round(statistics.mean(precision), 3) if precision else None,
        "by_style": {
            style: {
                "recall": round(statistics.mean(rs), 3),
                "listed": round(statistics.mean(listed[style]), 3),
            }
            for style, rs in sorted(recall.items())
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=Path, default=PROBES, help="JSONL file of probes")
    print(json.dumps(main(parser.parse_args().probes)))
