"""Match a question against the curated FAQ question variants.

A FAQ answer is only returned when the user's question is a close paraphrase of one of its
variants. Comparing question with question (both with e5's ``query:`` prefix) separates
paraphrases (cosine >= about 0.95) from merely related questions (0.86-0.93) far better than
comparing the question with the whole FAQ chunk, but e5 also rates "What is the legal form of
the AI Alliance Aachen?" 0.977 against "What is the AI Alliance Aachen?": shared names
dominate. So a paraphrase must also cover most of the question's rare words (``coverage``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.retrieve.hit import Hit
from assistant.retrieve.keyword import KeywordIndex
from assistant.text import body_of, faq_questions, fold, is_gap_statement, split_sentences


@dataclass
class FaqMatch:
    """The best FAQ entry for a question and how close its nearest variant is."""

    hit: Hit
    question: str
    score: float
    coverage: float = 1.0  # share of the question's rare words found in the FAQ entry


class FaqMatcher:
    """In-memory matrix of FAQ question-variant embeddings, rebuilt after each indexing run."""

    def __init__(self, embeddings: Embeddings, keyword: KeywordIndex | None = None) -> None:
        self.embeddings = embeddings
        self.keyword = keyword  # for the lexical check; the hybrid retriever's index
        self._vectors = np.zeros((0, 1), dtype=np.float32)
        self._rows: list[tuple[Hit, str]] = []
        self._exact: dict[str, Hit] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def load(self, collection: Any) -> None:
        """Read every FAQ chunk of the collection and embed its question variants (cached)."""
        page = collection.get(where={"kind": "faq"}, include=["documents", "metadatas"])
        rows: list[tuple[Hit, str]] = []
        for chunk_id, text, meta in zip(
            page["ids"], page["documents"], page["metadatas"], strict=True
        ):
            hit = Hit.from_chunk(chunk_id, text, 1.0, dict(meta or {}))
            rows.extend((hit, q) for q in faq_questions(text, hit.kind))
        vectors = [self.embeddings.embed_query(q) for _, q in rows]
        self._exact = {normalise(q): hit for hit, q in rows}
        self._rows = rows
        self._vectors = np.asarray(vectors, dtype=np.float32) if rows else self._vectors

    def lookup(self, question: str) -> Hit | None:
        """The FAQ entry that has ``question`` itself as a variant (case and punctuation aside).

        A variant is a promise of the staff who wrote it: asked in those words, the question
        gets that entry's curated answer. Anything less than the same words is for the gate.
        """
        return self._exact.get(normalise(question))

    def match(self, question: str, close: float = 0.95) -> FaqMatch | None:
        """The FAQ entry that best matches ``question`` (None without FAQ entries).

        Among the variants at least ``close`` to the question, the entry covering most of the
        question's rare words wins: "legal form of the alliance" must pick the legal-form
        entry, not "What is the alliance?", although e5 scores both above 0.97.
        """
        if not self._rows:
            return None
        query = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        scores = self._vectors @ query
        order = np.argsort(-scores)[:8]
        matches: dict[str, FaqMatch] = {}
        for i in order:
            hit, variant = self._rows[int(i)]
            if hit.id not in matches:
                matches[hit.id] = FaqMatch(
                    hit, variant, float(scores[i]), self._coverage(question, hit)
                )
        ranked = sorted(matches.values(), key=lambda m: -m.score)
        close_ones = [m for m in ranked if m.score >= close]
        return max(close_ones, key=lambda m: (m.coverage, m.score)) if close_ones else ranked[0]

    def _coverage(self, question: str, hit: Hit) -> float:
        if self.keyword is None or not len(self.keyword):
            return 1.0
        return self.keyword.coverage(question, _what_it_answers(hit), hit.language)


def _what_it_answers(hit: Hit) -> str:
    """The entry's question variants and the answer sentences that state something.

    "Where is the digitalCHURCH?" answers with the street and adds "The sources give no house
    number." The words "house number" occur in that entry only in a statement of what is not
    known, so they must not make "What is the house number?" count as this entry's question.
    An entry that is a gap as a whole (``known_gap``) keeps all its words: matching it is
    how such questions get their curated "not known" answer.
    """
    if hit.known_gap:
        return hit.text
    answer = body_of(hit.text, hit.kind)
    stated = [s for s in split_sentences(answer) if not is_gap_statement(s)]
    return "\n".join([*faq_questions(hit.text, hit.kind), *stated])


def normalise(question: str) -> str:
    """A question's words, folded, without punctuation: the key of an exact FAQ lookup."""
    return " ".join(re.findall(r"\w+", fold(question)))
