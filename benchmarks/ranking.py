"""How quotable sentences are ranked: the grid behind ``assistant.answer.evidence.Ranking``.

For every answerable ``dev`` question (alliance gold-dev over the bundled corpus, XQuAD dev
articles over all German passages) the chunks are retrieved once; then each setting ranks
the sentences, composes the extractive answer with the gate open, and is scored by the share
of answers that contain a key fact. Only dev data is read.

    python -m benchmarks.ranking
    python -m benchmarks.ranking --cross-gap   # e5's score gap across languages (XQuAD dev)
    python -m benchmarks.ranking --quoting     # the ranking that chooses the quotes after the gate
    python -m benchmarks.ranking --quoting --asked  # ... and the bonus for the noun asked for
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer.evidence import Ranking, gather
from assistant.answer.gate import GateModel
from assistant.evaluation import load_eval_corpus, read_jsonl, scratch_assistant
from assistant.pipeline import Assistant
from assistant.scoring import contains_fact
from assistant.settings import load_settings
from assistant.text import split_sentences
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


def cross_gap(pairs: int = 400) -> dict[str, float]:
    """How much closer e5 puts an XQuAD answer sentence to the German question than to its
    English twin: the offset ``Ranking.cross_language`` gives sentences in the other language.
    """
    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    assistant, _ = scratch_assistant(settings)
    passages, questions = convert(XQUAD, Path(tempfile.mkdtemp(prefix="xquad-")))
    texts = {p["id"]: p["text"] for p in map(json.loads, passages.read_text().splitlines())}
    dev = xquad_questions(questions, passages, questions, "dev")
    twins: dict[str, dict[str, Any]] = {}
    for q in dev:
        twins.setdefault(q.id.rsplit("-", 1)[0], {})[q.lang] = q
    gaps = []
    for twin in [t for t in twins.values() if {"de", "en"} <= set(t)][:pairs]:
        german, english = twin["de"], twin["en"]
        text = texts[german.passage_ids[0]]
        holding = [s for s in split_sentences(text) if any(a in s for a in german.answers)]
        if not holding:
            continue
        sentence = np.asarray(assistant.embeddings.embed_documents(holding[:1])[0])
        de = np.asarray(assistant.embeddings.embed_query(german.question)) @ sentence
        en = np.asarray(assistant.embeddings.embed_query(english.question)) @ sentence
        gaps.append(float(de - en))
    result = {"pairs": len(gaps), "median": round(float(np.median(gaps)), 4)}
    result["mean"] = round(float(np.mean(gaps)), 4)
    print(json.dumps(result))
    return result


QUOTING_GRID = [
    {},
    {"typed_any": True},
    *({"focus": f} for f in (0.02, 0.04, 0.07, 0.1)),
    *({"focus": f, "typed_any": True} for f in (0.02, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1)),
]
# the eighth round: the noun asked for, on top of the choice above (``--quoting --asked``)
ASKED_GRID = [{"focus": 0.07, "typed_any": True, "asked": a} for a in (0.0, 0.03, 0.05, 0.08)]


def quoting() -> list[dict[str, Any]]:
    """``evidence.QUOTING`` chosen: answers with the key fact for each setting, asked through
    the chat (gold ``dev`` and the ``gold_probes`` sets, answerable questions), and the share
    of composed answers with it on XQuAD dev with the gate open. The gate decides before the
    quotes are chosen, so abstentions do not depend on the setting.
    """
    import assistant.pipeline as pipeline

    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    gold, _ = scratch_assistant(settings)
    gold.index_documents(load_eval_corpus(settings, None))
    files = [
        ROOT / "corpus/eval/gold-dev.jsonl",
        *sorted(ROOT.glob("benchmarks/gold_probes*.jsonl")),
    ]
    questions = [q for f in files for q in read_jsonl(f, GateQuestion) if q.answerable]
    xquad_items: list[tuple[Any, Any]] = []
    if XQUAD.exists():
        passages, converted = convert(XQUAD, Path(tempfile.mkdtemp(prefix="xquad-")))
        xquad, _ = scratch_assistant(settings, gate_model=GateModel.always())
        xquad.index_documents(load_eval_corpus(settings, passages))
        xquad_items = retrieved(xquad, xquad_questions(converted, passages, converted, "dev"))
    rows = []
    for values in ASKED_GRID if "--asked" in sys.argv else QUOTING_GRID:
        ranking = Ranking(**values)  # type: ignore[arg-type]
        pipeline.QUOTING = ranking  # what ``Assistant.judge`` quotes with
        right = sum(
            contains_fact((a := gold.ask(q.question)).answer, q.answers) and not a.abstained
            for q in questions
        )
        row = {**values, "gold_chat": right, "of": len(questions)}
        if xquad_items:
            facts = 0
            for q, hits in xquad_items:
                evidence = gather(
                    q.question,
                    q.lang,
                    hits,
                    xquad.embeddings,
                    ranking=ranking,
                    lexical=xquad.gate.lexical,
                )
                answer = xquad.extractive.compose(q.question, q.lang, evidence)
                facts += contains_fact(answer.answer, q.answers)
            row["xquad_dev"] = round(facts / len(xquad_items), 4)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


if __name__ == "__main__":
    if "--cross-gap" in sys.argv:
        cross_gap()
    elif "--quoting" in sys.argv:
        quoting()
    else:
        main()
