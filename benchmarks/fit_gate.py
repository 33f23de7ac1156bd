"""Fit the answer gate on the ``dev`` rows and write ``assistant/answer/gate_model.json``.

    python -m benchmarks.gate_data dev     # collect the rows (features, labels) first
    python -m benchmarks.fit_gate          # fit, choose the threshold, write the model

Only ``dev`` data is used: the alliance gold-dev and out-of-domain-dev questions over the
bundled corpus, the alliance holdouts once their first run is recorded (``probes``) and the
dev articles of XQuAD with every fifth passage removed. Rows a rule
decides (personal-data requests, stated unknowns) are left out of the fit and count as
abstentions in the figures.

* The answerable model is a logistic regression (scikit-learn, L2; C by grouped 5-fold
  cross-validation over families: the smallest C within ``TOLERANCE`` of the best) on
  standardised features (``COLUMNS``). Each data set weighs the
  same in the fit, whatever its size.
* The threshold maximises the mean of seven dev rates, each from cross-validated
  probabilities: gold and probes answerable answered with the key fact, gold and probes
  unanswerable abstained, out-of-domain abstained, XQuAD answerable answered, XQuAD orphans
  abstained (``rates``).

  The probes joined on 2026-11-29 (fifth round). Without them the model chose 0.56-0.61 and
  answered less than it could on every alliance holdout it had not seen. Leave-one-probe-
  file-out over the eight files, refitted each time with the other seven: key fact 0.744 ->
  0.798, abstained 0.887 -> 0.848 (mean 0.816 -> 0.823); XQuAD with the refit on all eight:
  English wrongly abstained 13.4% -> 12.0%, German 14.6% -> 12.6%, orphans abstained 67.3%
  -> 66.1%.
* The reason model tells out-of-domain questions from near-misses among unanswerable dev
  rows; it only labels an abstention, it never decides one.

The JSON keeps the cross-validated dev figures next to the parameters; the test splits are
measured with ``assistant eval`` and never read here.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from assistant.answer.features import FEATURES, REASON_FEATURES
from assistant.answer.gate import MODEL_PATH, column_value

ROOT = Path(__file__).resolve().parents[1]
ROWS = ROOT / "data" / "gate" / "rows-dev.jsonl"
# ``cross`` enters only through its own slope for the sentence similarity: e5 scores an English
# question against a German passage lower (backward elimination dropped the flag itself)
COLUMNS = (*(f for f in FEATURES if f != "cross"), "cross*sentence")
DATASETS = ("gold", "ood", "xquad", "probes")
ALLIANCE = frozenset({"gold", "probes"})  # answered counts only with the key fact
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
TOLERANCE = 0.003  # differences of mean dev rate below this are noise (a few questions)


def design(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> np.ndarray:
    """The model's input matrix: one row per question, one column per model column."""
    return np.array([[column_value(c, r["features"]) for c in columns] for r in rows])


def weights(rows: list[dict[str, Any]]) -> np.ndarray:
    """Each data set weighs the same in the fit, whatever its number of rows.

    The alliance holdouts (``probes``) weigh as one with the gold set: with a weight of their
    own the alliance questions outweighed XQuAD, whose English questions over German passages
    were then abstained on more (XQuAD English wrongly abstained 13.5% -> 18.4%).
    """

    def group(row: dict[str, Any]) -> str:
        return "gold" if row["dataset"] in ALLIANCE else row["dataset"]

    counts = Counter(group(r) for r in rows)
    return np.array([len(rows) / (len(counts) * counts[group(r)]) for r in rows])


def rates(rows: list[dict[str, Any]], p: np.ndarray, threshold: float) -> dict[str, float]:
    """The figures the gate is judged by, per data set, at ``threshold``.

    Alliance (gold, probes) answerable questions count when answered *with the key fact*
    (``correct``: the composed answer holds it), whether or not retrieval found the source;
    XQuAD answerable
    questions count when answered (its figure is the wrongly-abstained share); unanswerable
    questions count when abstained.
    """
    answered = p >= threshold
    out = {}
    for name in DATASETS:
        mine = [i for i, r in enumerate(rows) if r["dataset"] == name]
        positive = [i for i in mine if rows[i]["kind"] == "answerable"]
        negative = [i for i in mine if rows[i]["label"] == 0]
        if positive:
            right = [answered[i] and (name not in ALLIANCE or rows[i]["correct"]) for i in positive]
            out[f"{name}_answered"] = round(float(np.mean(right)), 4)
        if negative:
            out[f"{name}_abstained"] = round(float(np.mean(~answered[negative])), 4)
    return out


def cross_validated(rows: list[dict[str, Any]], c: float) -> np.ndarray:
    """Out-of-fold probabilities (folds by family), rule-decided rows at 0."""
    x, w = design(rows, COLUMNS), weights(rows)
    y = np.array([-1 if r["label"] is None else r["label"] for r in rows])
    groups = [f"{r['dataset']}:{r['family']}" for r in rows]
    ruled = np.array([r["rule"] is not None for r in rows])
    p = np.zeros(len(rows))
    for train, held in GroupKFold(5).split(x, y, groups):
        train = train[~ruled[train] & (y[train] >= 0)]
        scaler = StandardScaler().fit(x[train])
        model = LogisticRegression(C=c, max_iter=5000)
        model.fit(scaler.transform(x[train]), y[train], sample_weight=w[train])
        p[held] = model.predict_proba(scaler.transform(x[held]))[:, 1]
    p[ruled] = 0.0
    return p


SMOOTHING = 2  # grid steps on either side averaged when choosing the threshold


def best_threshold(rows: list[dict[str, Any]], p: np.ndarray) -> tuple[float, float]:
    """The threshold with the best smoothed mean of the five dev rates, and that smoothed mean
    (C is chosen on it too).

    The mean is flat near its top: 0.840-0.842 from 0.54 to 0.58 (2026-11-29), and the single
    best grid point jumped 0.56 -> 0.58 when retrieval changed for a few short English
    questions. Each point is judged by the average over ``SMOOTHING`` steps on either side,
    which picks the middle of the plateau and does not follow one row.
    """
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    means = np.array([float(np.mean(list(rates(rows, p, t).values()))) for t in grid])
    smoothed = [
        float(np.mean(means[max(0, i - SMOOTHING) : i + SMOOTHING + 1])) for i in range(len(grid))
    ]
    best = int(np.argmax(smoothed))
    return float(grid[best]), smoothed[best]


def fit_logistic(
    rows: list[dict[str, Any]], labels: np.ndarray, columns: tuple[str, ...], c: float
) -> dict[str, Any]:
    """Fit on all given rows; return the JSON form ``assistant.answer.gate.Logistic`` reads."""
    x = design(rows, columns)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit((x - scaler.mean_) / scale, labels, sample_weight=weights(rows))
    return {
        "columns": list(columns),
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "C": c,
    }


def main(rows_path: Path = ROWS, out: Path = MODEL_PATH) -> dict[str, Any]:
    """Fit both models on the dev rows and write the gate model file."""
    rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines()]
    tried = {}
    for c in C_GRID:
        p = cross_validated(rows, c)
        tried[c] = (*best_threshold(rows, p), p)
    best = max(score for _, score, _ in tried.values())
    # the strongest regularisation within noise of the best: the coverage features are
    # correlated, and weakly regularised fits flip the sign of some of them (unstable on
    # families the fit has not seen)
    c = min(key for key, (_, score, _) in tried.items() if score >= best - TOLERANCE)
    threshold, score, p = tried[c]
    fitted = [r for r in rows if r["rule"] is None and r["label"] is not None]
    answerable = fit_logistic(fitted, np.array([r["label"] for r in fitted]), COLUMNS, c)
    negatives = [r for r in rows if r["label"] == 0 and r["rule"] is None]
    is_ood = np.array([r["kind"].startswith("out of domain") for r in negatives], dtype=int)
    model = {
        "fitted": dt.date.today().isoformat(),
        "by": "benchmarks/fit_gate.py on data/gate/rows-dev.jsonl (benchmarks/gate_data.py dev)",
        "rows": dict(Counter(f"{r['dataset']}:{r['label']}" for r in rows)),
        "threshold": threshold,
        "answerable": answerable,
        "out_of_domain": fit_logistic(negatives, is_ood, REASON_FEATURES, 1.0),
        "dev_cross_validated": {
            "C": {str(k): round(v[1], 4) for k, v in tried.items()},  # smoothed means
            "mean_rate": round(float(np.mean(list(rates(rows, p, threshold).values()))), 4),
            **rates(rows, p, threshold),
        },
    }
    if out.exists():  # the LLM mode's threshold is chosen by benchmarks/llm.py: rerun it after
        previous = json.loads(out.read_text(encoding="utf-8")).get("llm_threshold")
        if previous:
            model["llm_threshold"] = {**previous, "fitted_for": "an earlier fit: rerun llm.py"}
    out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    return model


if __name__ == "__main__":
    fitted = main(*(Path(a) for a in sys.argv[1:3]))
    print(json.dumps({"threshold": fitted["threshold"], **fitted["dev_cross_validated"]}))
