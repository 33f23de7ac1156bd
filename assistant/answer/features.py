"""What the answer gate sees: a few signals about the question and its evidence.

Each signal is cheap (no extra model call) and means the same on any corpus, so the gate
can be fitted on the alliance questions and on public data together:

* ``sentence``: how close the best sentence of the best chunk is to the question (e5 cosine),
  with its own slope when question and evidence are in different languages (``cross``);
* ``coverage``: the share of the question's rare words (IDF-weighted, typo-, inflection- and
  compound-tolerant) that the best chunk contains; 0 across languages;
* ``type_missing``: a "when"/"how many"/"which e-mail" question whose quotes carry no date,
  number or address;
* ``gap``: the best sentence says that something is not known; ``gap_focus``: how much of the
  question's focus (the words that set it apart from what all retrieved chunks share) a "not
  known" statement among the candidates covers ("Eine Hausnummer nennen die Quellen nicht."
  for "Welche Hausnummer ...?").

``focus`` (the same focus coverage for the best quotable sentence) and ``unseen`` (the share of
the question's words the corpus has never seen, "weather") are computed too, only to name the
reason of an abstention (``REASON_FEATURES``).

Chosen on dev by backward elimination (``benchmarks/fit_gate.py``'s cross-validation, mean of
the five dev rates): from 22 candidate signals, these six columns score 0.831 against 0.818
for all of them. Left out: the fused and passage scores, margins between the best chunks
(they depend on how many sources repeat a fact: an alliance fact stands in a FAQ entry and
two documents, an XQuAD fact in one passage), the similarity to the nearest FAQ question (it
earned a negative weight: near-misses name the alliance as FAQ questions do), coverage of
other chunks and sentences, focus coverage, the share of words the corpus never saw, and the
names and numbers matched: each added nothing once these were in.

A pair model was measured too: ``nanoranker`` (multilingual USE plus a learned scorer, raw
scores) on the question against the top chunk, the best of the top three and the best
sentence. As extra columns the mean dev rate went 0.8307 -> 0.8313 (top chunk), 0.8301,
0.8303; all three 0.8288; within noise, for 42 ms more per question on 2 cores. Not adopted.
Nor a pair head learnt on the e5 vectors themselves (logistic over q*s and |q-s| for the best
sentence and the top chunk, nested cross-validation): 0.8310 -> 0.8333, noise again.
"""

from __future__ import annotations

from assistant.answer.evidence import Evidence, FocusScorer
from assistant.answer.lexical import LexicalMatcher
from assistant.models import Lang

FEATURES = ("sentence", "coverage", "cross", "type_missing", "gap", "gap_focus")
# what the reason of an abstention is told from (out of domain or a near-miss)
REASON_FEATURES = ("sentence", "coverage", "cross", "unseen", "focus")


def gate_features(
    question: str, lang: Lang, evidence: Evidence, lexical: LexicalMatcher
) -> dict[str, float]:
    """The gate's input for one question: ``FEATURES`` and ``REASON_FEATURES``."""
    hits = evidence.hits
    unseen = lexical.keyword.unseen_share(question)
    if not hits:
        return dict.fromkeys((*FEATURES, *REASON_FEATURES), 0.0) | {"unseen": unseen}
    top = hits[0]
    same = top.language == lang
    focus = FocusScorer(question, lang, hits, lexical)
    best = evidence.chosen[0] if evidence.chosen else None  # the best quotable sentence
    sentence = best.sentence if best is not None and best.hit.language == lang else ""
    gaps = [c.sentence for c in evidence.candidates[:10] if c.states_gap and c.hit.language == lang]
    return {
        "sentence": top.features.get("sentence", top.score),
        "coverage": lexical.coverage(question, lang, top.text) if same else 0.0,
        "cross": 0.0 if same else 1.0,
        "type_missing": float(not evidence.type_found),
        "gap": float(evidence.states_gap),
        "gap_focus": max((focus(g) for g in gaps), default=0.0),
        "focus": focus(sentence),
        "unseen": unseen,
    }
