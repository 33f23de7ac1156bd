"""Match a question against the curated FAQ question variants.

A FAQ answer is only returned when the user's question is a close paraphrase of one of its
variants. Comparing question with question (both with e5's ``query:`` prefix) separates
paraphrases (cosine >= about 0.95) from merely related questions (0.86-0.93) far better than
comparing the question with the whole FAQ chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.retrieval import Hit
from assistant.text import faq_questions


@dataclass
class FaqMatch:
    """The best FAQ entry for a question and how close its nearest variant is."""

    hit: Hit
    question: str
    score: float


class FaqMatcher:
    """In-memory matrix of FAQ question-variant embeddings, rebuilt after each indexing run."""

    def __init__(self, embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        self._vectors = np.zeros((0, 1), dtype=np.float32)
        self._rows: list[tuple[Hit, str]] = []

    def __len__(self) -> int:
        return len(self._rows)

    def load(self, collection: Any) -> None:
        """Read every FAQ chunk of the collection and embed its question variants (cached)."""
        page = collection.get(where={"kind": "faq"}, include=["documents", "metadatas"])
        rows: list[tuple[Hit, str]] = []
        for chunk_id, text, meta in zip(
            page["ids"], page["documents"], page["metadatas"], strict=True
        ):
            hit = Hit(id=chunk_id, text=text, score=1.0, metadata=dict(meta or {}))
            rows.extend((hit, q) for q in faq_questions(text, hit.metadata))
        vectors = [self.embeddings.embed_query(q) for _, q in rows]
        self._rows = rows
        self._vectors = np.asarray(vectors, dtype=np.float32) if rows else self._vectors

    def match(self, question: str) -> FaqMatch | None:
        """The FAQ entry whose variant is closest to ``question`` (None without FAQ entries)."""
        if not self._rows:
            return None
        query = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        scores = self._vectors @ query
        best = int(np.argmax(scores))
        hit, variant = self._rows[best]
        return FaqMatch(hit=hit, question=variant, score=float(scores[best]))
