"""Fit the partner intent models and write ``assistant/partners/intent_model.json``.

    python -m benchmarks.fit_partner_intent

Only ``dev`` data is read: never ``corpus/eval/*-test.jsonl``, nor a holdout set before its
first run is recorded.

* ``asks`` (is it a search for partners?): positives are the partner questions of
  ``partners-dev`` and the probe sets ``ASKS_POSITIVE``; negatives the gold ``dev`` questions,
  ``gold_probes`` 1-4, the out-of-domain ``dev`` questions and 200 questions about a topic
  that search nobody (``partner_intent/not_searches.jsonl``, written by a helper from
  ``topics.yaml`` only: definitions, how-tos, opinions, facts, homework). C and the
  threshold come from leave-one-file-out predictions (each probe set was written by someone
  else, so a left-out file is a new way of asking): the pair with the highest recall among
  those firing on at most ``MAX_FALSE_FIRE`` of the left-out negatives.
* ``topics`` (which topic does the need point to?): one logistic model per topic over the
  labels, synonyms and need words of ``corpus/topics.yaml``; the examples in
  ``benchmarks/partner_intent/need_examples.jsonl``, written by helpers from ``topics.yaml``
  and the profiles only (24 problems told in everyday words per topic, 160 needs no topic
  covers, and 190 everyday requests next to a topic, "near", that no partner serves: a
  torn conveyor belt, a first-aid course; these two labelled none); the ``dev`` partner
  questions whose topics the vocabulary names; and the non-partner ``dev`` questions naming
  no topic (none: "Is the alliance open to new partners?" asks to join, it names no need).
  The threshold maximises F1 of the per-topic decisions over 5-fold cross-validated
  probabilities; C is the one chosen for ``asks`` (not chosen for the topics themselves).
* ``technical`` (is it a need for technology or research at all?): one logistic model over
  the same examples, any topic against none; C and threshold from 5-fold cross-validated
  probabilities, the highest recall among those passing at most ``MAX_FALSE_PASS`` of the
  needs nobody covers.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from assistant.partners.intent import MODEL_PATH
from assistant.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "corpus" / "eval"
BENCH = ROOT / "benchmarks"
ASKS_POSITIVE = (
    EVAL / "partners-dev.jsonl",
    *(BENCH / f"partner_probes{n}.jsonl" for n in ("", *map(str, range(2, 12)))),
)
ASKS_NEGATIVE = (
    EVAL / "gold-dev.jsonl",
    *(BENCH / f"gold_probes{n}.jsonl" for n in ("", "2", "3", "4")),
    EVAL / "out-of-domain-dev.jsonl",
    BENCH / "partner_intent" / "not_searches.jsonl",
)
NEED_EXAMPLES = BENCH / "partner_intent" / "need_examples.jsonl"
C_GRID = (1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.5, 0.96, 0.05))
# at most this share of left-out non-partner questions may be read as partner searches: such a
# question gets a list instead of its answer only when the need is one for technology and a
# topic is found as well. Measured end to end on the dev questions that are no searches
# (gold-dev, gold_probes 1-3, out-of-domain-dev, each asked through the pipeline): at 0.07
# (threshold 0.75, held-out false fires 6.7%) none of them got a list that it did not get at
# 0.02 (threshold 0.85), while held-out recall went 0.679 -> 0.793; needs told as stories
# ("Who gives advice to companies like ours?", 0.82) now pass.
MAX_FALSE_FIRE = 0.07
# at most this share of needs no topic covers may pass as needs for technology
MAX_FALSE_PASS = 0.05


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def asks_rows() -> tuple[list[str], np.ndarray, np.ndarray]:
    """Questions, labels (1: partner search) and the file each came from."""
    texts, labels, files = [], [], []
    for label, paths in ((1, ASKS_POSITIVE), (0, ASKS_NEGATIVE)):
        for path in paths:
            for row in read_jsonl(path):
                texts.append(row["question"])
                labels.append(label)
                files.append(path.name)
    return texts, np.array(labels), np.array(files)


def fit_binary(
    vectors: np.ndarray, labels: np.ndarray, folds: list[np.ndarray], max_false: float, label: str
) -> dict:
    """One logistic model; C and threshold from held-out probabilities, then fit on everything.

    ``folds`` are the index arrays held out in turn; the chosen pair has the highest recall
    among those passing at most ``max_false`` of the held-out negatives.
    """
    best: tuple[float, float, float, float] | None = None  # (recall, false, C, threshold)
    report = {}
    for c in C_GRID:
        held_out = np.zeros(len(labels))
        for test in folds:
            train = np.setdiff1d(np.arange(len(labels)), test)
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
            model.fit(vectors[train], labels[train])
            held_out[test] = model.predict_proba(vectors[test])[:, 1]
        for t in THRESHOLDS:
            false = float((held_out[labels == 0] >= t).mean())
            recall = float((held_out[labels == 1] >= t).mean())
            report[f"C={c} t={t}"] = {"recall": round(recall, 3), "false": round(false, 3)}
            if false <= max_false and (best is None or recall > best[0]):
                best = (recall, false, c, t)
    assert best is not None, f"no threshold keeps the false {label} rate low enough"
    recall, false, c, t = best
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(vectors, labels)
    return {
        "labels": [label],
        "coef": model.coef_.round(6).tolist(),
        "intercept": model.intercept_.round(6).tolist(),
        "threshold": t,
        "C": c,
        "held_out_recall": round(recall, 3),
        "held_out_false": round(false, 3),
        "grid": report,
    }


def fit_asks(vectors: np.ndarray, labels: np.ndarray, files: np.ndarray) -> dict:
    """A partner search or not; each question file held out in turn."""
    folds = [np.flatnonzero(files == name) for name in np.unique(files)]
    return fit_binary(vectors, labels, folds, MAX_FALSE_FIRE, "partner_search")


def topic_rows(topic_ids: list[str]) -> tuple[list[str], np.ndarray]:
    """Texts and their topic matrix (rows with no topic are needs nobody covers)."""
    from assistant.partners.vocabulary import TopicVocabulary
    from assistant.wiring import load_topics

    vocabulary: TopicVocabulary = load_topics(ROOT / "corpus")
    texts, matrix = [], []
    for topic in vocabulary.topics.values():  # the vocabulary's own words, as short texts
        for term in dict.fromkeys(topic.question_terms()):
            texts.append(term)
            matrix.append([t == topic.id for t in topic_ids])
    for row in read_jsonl(NEED_EXAMPLES):
        texts.append(row["text"])
        matrix.append([t in row["topics"] for t in topic_ids])
    for path in ASKS_POSITIVE:
        for row in read_jsonl(path):
            named = vocabulary.find(row["question"])
            expected = row.get("expected", row.get("expected_partners"))
            if named or expected == []:
                texts.append(row["question"])
                matrix.append([t in named for t in topic_ids])
    for path in ASKS_NEGATIVE:  # questions about the alliance, not needs: no topic
        for row in read_jsonl(path):
            if not vocabulary.find(row["question"]):
                texts.append(row["question"])
                matrix.append([False] * len(topic_ids))
    return texts, np.array(matrix, dtype=int)


def fit_topics(vectors: np.ndarray, matrix: np.ndarray, topic_ids: list[str], c: float) -> dict:
    """One model per topic; the threshold maximises micro-F1 of cross-validated decisions."""
    held_out = np.zeros(matrix.shape, dtype=float)
    for train, test in KFold(5, shuffle=True, random_state=0).split(vectors):
        for j in range(len(topic_ids)):
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
            model.fit(vectors[train], matrix[train, j])
            held_out[test, j] = model.predict_proba(vectors[test])[:, 1]
    scores = {}
    for t in THRESHOLDS:
        chosen = held_out >= t
        tp = int((chosen & (matrix == 1)).sum())
        precision = tp / max(1, int(chosen.sum()))
        recall = tp / max(1, int(matrix.sum()))
        none_kept = float((~chosen[matrix.sum(1) == 0]).all(1).mean())
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        scores[t] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "none_kept_empty": round(none_kept, 3),
        }
    threshold = max(scores, key=lambda t: scores[t]["f1"])
    coef, intercept = [], []
    for j in range(len(topic_ids)):
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        model.fit(vectors, matrix[:, j])
        coef.append(model.coef_[0].round(6).tolist())
        intercept.append(round(float(model.intercept_[0]), 6))
    return {
        "labels": topic_ids,
        "coef": coef,
        "intercept": intercept,
        "threshold": threshold,
        "C": c,
        "cross_validated": scores[threshold],
        "grid": {str(t): s for t, s in scores.items()},
        "examples": int(len(matrix)),
    }


def fit_technical(vectors: np.ndarray, labels: np.ndarray) -> dict:
    """Any topic against none; 5-fold cross-validation."""
    folds = [test for _, test in KFold(5, shuffle=True, random_state=0).split(vectors)]
    return fit_binary(vectors, labels, folds, MAX_FALSE_PASS, "needs_technology")


def main(out: Path = MODEL_PATH) -> dict:
    from assistant.wiring import build_embeddings, load_topics

    settings = load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus")
    embeddings = build_embeddings(settings)
    embed = lambda texts: np.array([embeddings.embed_query(t) for t in texts])  # noqa: E731
    texts, labels, files = asks_rows()
    asks = fit_asks(embed(texts), labels, files)
    topic_ids = list(load_topics(ROOT / "corpus").topics)
    topic_texts, matrix = topic_rows(topic_ids)
    topic_vectors = embed(topic_texts)
    topics = fit_topics(topic_vectors, matrix, topic_ids, asks["C"])
    examples = read_jsonl(NEED_EXAMPLES)
    technical = fit_technical(
        embed([row["text"] for row in examples]),
        np.array([int(bool(r["topics"])) for r in examples]),
    )
    model = {
        "fitted": dt.date.today().isoformat(),
        "by": "benchmarks/fit_partner_intent.py",
        "embedding_model": embeddings.model_name,
        "asks": asks,
        "topics": topics,
        "technical": technical,
    }
    out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    return model


if __name__ == "__main__":
    fitted = main(Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL_PATH)
    for part in ("asks", "topics", "technical"):
        summary = {k: v for k, v in fitted[part].items() if k not in ("coef", "intercept", "grid")}
        print(part, json.dumps(summary))
