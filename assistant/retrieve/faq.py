"""Curated FAQ entries looked up by their question variants, word for word.

A variant is a promise of the staff who wrote it: asked in those words (case and punctuation
aside), the question gets that entry's curated answer, or for a "not known" entry its curated
abstention. Every other question goes through retrieval and the answer gate, where FAQ entries
are chunks like any other (their variants take part in matching, their answers are quoted).

Similarity-based FAQ matching (question-to-variant cosine with hand-set thresholds) is gone:
e5 rates near-misses that name the alliance closer to a FAQ question than colloquial
paraphrases of it ("What is the legal form of the AI Alliance Aachen?" 0.977 against "What is
the AI Alliance Aachen?"), and as a gate feature it earned a negative weight.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.retrieve.hit import Hit
from assistant.text import faq_questions, fold


class FaqMatcher:
    """The FAQ variants of the index, reloaded after each indexing run."""

    def __init__(self) -> None:
        self._exact: dict[str, Hit] = {}

    def __len__(self) -> int:
        return len(self._exact)

    def load(self, collection: Any) -> None:
        """Read every FAQ chunk of the collection and key it by its question variants."""
        page = collection.get(where={"kind": "faq"}, include=["documents", "metadatas"])
        exact: dict[str, Hit] = {}
        for chunk_id, text, meta in zip(
            page["ids"], page["documents"], page["metadatas"], strict=True
        ):
            hit = Hit.from_chunk(chunk_id, text, 1.0, dict(meta or {}))
            exact.update((normalise(q), hit) for q in faq_questions(text, hit.kind))
        self._exact = exact

    def lookup(self, question: str) -> Hit | None:
        """The FAQ entry that has ``question`` itself as a variant, if any."""
        return self._exact.get(normalise(question))


def normalise(question: str) -> str:
    """A question's words, folded, without punctuation: the key of an exact FAQ lookup."""
    return " ".join(re.findall(r"\w+", fold(question)))
