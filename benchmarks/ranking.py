"""How quotable sentences are ranked: the grid behind ``assistant.answer.evidence.Ranking``.

For every answerable ``dev`` question (alliance gold-dev over the bundled corpus, XQuAD dev
articles over all German passages) the chunks are retrieved once; then each setting ranks
the sentences, composes the extractive answer with the gate open, and is scored by the share
of answers that contain a key fact. Only dev data is read.

    python -m benchmarks.ranking
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

from assistant.answer.evidence import Ranking, gather
from assistant.answer.gate import GateModel
from assistant.evaluation import load_eval_corpus, read_jsonl, scratch_assistant
from assistant.pipeline import Assistant
from assistant.scoring import contains_fact
from assistant.settings import load_settings
from benchmarks.gate_data import ROOT, XQUAD, GateQuestion, xquad_questions
from benchmarks.xquad import convert

GRID = {
    "chunk": (0.0, 0.5, 1.0, 2.0),
    "lexical": (0.0, 0.05, 0.15),
    "first": (0.0, 0.02),
    "max_sentences": (3, 4),
    "margin": (0.035, 0.06, 0.1),
}


def retrieved(assistant: Assistant, questions: list[GateQuestion]) -> list[tuple[Any, Any]]:
    """Each answerable question with its retrieved hits (retrieval does not depend on ranking)."""
    return [
        (q, assistant.retriever.retrieve(q.question, assistant.settings.top_k))
        for q in questions
        if q.answerable
    ]


def fact_share(assistant: Assistant, items: list[tuple[Any, Any]], ranking: Ranking) -> float:
    """Share of composed answers that contain a key fact."""
    right = 0
    for q, hits in items:
        evidence = gather(q.question, q.lang, hits, assistant.embeddings, ranking=ranking)
        answer = assistant.extractive.compose(q.question, q.lang, evidence)
        right += contains_fact(answer.answer, q.answers)
    return round(right / len(items), 4)


def main() -> list[dict[str, Any]]:
    """Score every setting of the grid on both dev sets."""
    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    gold, _ = scratch_assistant(settings, gate_model=GateModel.always())
    gold.index_documents(load_eval_corpus(settings, None))
    sets = [
        (
            "gold",
            gold,
            retrieved(gold, read_jsonl(ROOT / "corpus/eval/gold-dev.jsonl", GateQuestion)),
        )
    ]
    if XQUAD.exists():
        passages, questions = convert(XQUAD, Path(tempfile.mkdtemp(prefix="xquad-")))
        xquad, _ = scratch_assistant(settings, gate_model=GateModel.always())
        xquad.index_documents(load_eval_corpus(settings, passages))
        dev = xquad_questions(questions, passages, questions, "dev")
        sets.append(("xquad", xquad, retrieved(xquad, dev)))
    rows = []
    for values in itertools.product(*GRID.values()):
        ranking = Ranking(**dict(zip(GRID, values, strict=True)))  # type: ignore[arg-type]
        row = dict(zip(GRID, values, strict=True))
        row.update({name: fact_share(a, items, ranking) for name, a, items in sets})
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


if __name__ == "__main__":
    main()
