"""What the answer gate sees: a handful of signals about the question and its evidence.

Each signal is cheap (no extra model call) and means the same on any corpus, so the gate
can be fitted on the alliance questions and on public data together:

* how well the best chunk and sentence match (fused score, passage and sentence cosine), and
  how far the best stands out from the rest (margin, spread): an answer usually sits in one
  place, a near-miss matches many places a little;
* keyword coverage: the share of the question's rare words found in the best chunk and in the
  best sentence; only where question and chunk share a language, across languages it is 0 and
  ``cross`` says so;
* ``unseen``: the share of the question the corpus has never seen a word of ("weather");
* ``faq``: how close the question is to a curated FAQ question (question-to-question cosine);
* the answer type: a "when"/"how many"/"who heads" question whose chosen sentences carry no
  date, number or person in a role (``type_missing``);
* ``gap``: the best sentence says that something is not known; ``gap_focus``: how much of
  the question's focus a "not known" statement among the candidates covers ("Eine
  Hausnummer nennen die Quellen nicht." for "Welche Hausnummer ...?").
"""

from __future__ import annotations

import math
import re

from assistant.answer.evidence import Evidence
from assistant.answer.lexical import LexicalMatcher
from assistant.models import Lang
from assistant.retrieve.faq import FaqMatch
from assistant.text import fold

FEATURES = (
    "top",
    "sentence",
    "dense",
    "margin",
    "spread",
    "coverage",
    "best_coverage",
    "sentence_coverage",
    "focus",
    "focus_chunk",
    "unseen",
    "cross",
    "faq",
    "faq_coverage",
    "typed",
    "type_missing",
    "gap",
    "gap_focus",
    "terms",
    "named",
    "names",
    "names_sentence",
)


def gate_features(
    question: str,
    lang: Lang,
    evidence: Evidence,
    faq: FaqMatch | None,
    lexical: LexicalMatcher,
) -> dict[str, float]:
    """The gate's input for one question (every name in ``FEATURES``)."""
    keyword = lexical.keyword
    hits = evidence.hits
    if not hits:
        return dict.fromkeys(FEATURES, 0.0) | {"unseen": keyword.unseen_share(question)}
    top = hits[0]
    same = top.language == lang
    own = [h.text for h in hits if h.language == lang]  # where words can match at all
    coverages = [
        lexical.coverage(question, lang, h.text) if h.language == lang else 0.0 for h in hits[:3]
    ]
    best = evidence.chosen[0] if evidence.chosen else None  # the best quotable sentence
    sentence = best.sentence if best is not None and best.hit.language == lang else ""
    gaps = [c.sentence for c in evidence.candidates[:10] if c.states_gap and c.hit.language == lang]
    names = names_in(question)
    return {
        "top": top.score,
        "sentence": top.features.get("sentence", top.score),
        "dense": top.features.get("dense", top.score),
        "margin": top.score - hits[1].score if len(hits) > 1 else 0.1,
        "spread": top.score - hits[-1].score if len(hits) > 1 else 0.1,
        "coverage": coverages[0],
        "best_coverage": max(coverages),
        "sentence_coverage": lexical.coverage(question, lang, sentence),
        "focus": lexical.focus(question, lang, own, sentence),
        "focus_chunk": lexical.focus(question, lang, own, top.text if same else ""),
        "unseen": keyword.unseen_share(question),
        "cross": 0.0 if same else 1.0,
        "faq": faq.score if faq is not None else 0.0,
        "faq_coverage": faq.coverage if faq is not None else 0.0,
        "typed": float(evidence.expected is not None),
        "type_missing": float(not evidence.type_found),
        "gap": float(evidence.states_gap),
        "gap_focus": max((lexical.focus(question, lang, own, g) for g in gaps), default=0.0),
        "terms": math.log1p(len(keyword.analyzer.words(question))),
        "named": float(bool(names)),
        "names": _share_in(names, top.text),
        "names_sentence": _share_in(names, best.sentence if best is not None else ""),
    }


# names and numbers are written alike in German and English ("Tesla", "1066", "JUPITER"):
# the one lexical signal that also works for English questions over German passages
_NAME = re.compile(r"(?<![\w.])(?:\d[\d.,]*\d|\d|[A-ZÄÖÜ][\w-]{2,})")


def names_in(question: str) -> list[str]:
    """Numbers and capitalised words of a question, except its first word (folded)."""
    found = _NAME.findall(question)
    first = re.match(r"\W*(\w+)", question)
    words = [w for w in found if not (first and w == first.group(1))]
    return list(dict.fromkeys(fold(w) for w in words))


def _share_in(names: list[str], text: str) -> float:
    if not names or not text:
        return 0.0
    folded = fold(text)
    return sum(name in folded for name in names) / len(names)
