"""Check that every [n] in a generated answer points to a source that supports its sentence.

A citation survives only if its number exists and the cited passage shares the sentence's
content: most of the sentence's rarer words (same language) or a close embedding match
(across languages). Unsupported markers are removed; the caller decides what an answer left
without any supported citation is worth (here: nothing, it falls back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.language import detect_language
from assistant.models import Citation
from assistant.retrieve.hit import Hit
from assistant.retrieve.keyword import KeywordIndex
from assistant.text import split_sentences

_MARKER = re.compile(r"\s*\[(\d{1,2})\]")


@dataclass
class CheckedAnswer:
    """The answer text with only supported markers (renumbered) and its citations."""

    text: str
    citations: list[Citation]
    removed: int


class CitationChecker:
    """Verifies generated citations against the retrieved passages."""

    def __init__(
        self,
        embeddings: Embeddings,
        keyword: KeywordIndex,
        min_coverage: float = 0.5,
        min_similarity: float = 0.86,
    ) -> None:
        self.embeddings = embeddings
        self.keyword = keyword
        self.min_coverage = min_coverage
        self.min_similarity = min_similarity

    def supports(self, sentence: str, hit: Hit) -> tuple[bool, str]:
        """Whether ``hit`` supports ``sentence``; also the passage sentence that does."""
        claim = _MARKER.sub("", sentence).strip()
        if not claim:
            return False, ""
        candidates = [s for s, _ in hit.sentences] or split_sentences(hit.text) or [hit.text]
        coverages = [self.keyword.coverage(claim, c, hit.language) for c in candidates]
        best = int(np.argmax(coverages))
        if coverages[best] >= self.min_coverage and detect_language(claim) == hit.language:
            return True, candidates[best]
        query = np.asarray(self.embeddings.embed_query(claim))
        vectors = np.asarray(self.embeddings.embed_documents(candidates))
        similarities = vectors @ query
        best = int(np.argmax(similarities))
        return bool(similarities[best] >= self.min_similarity), candidates[best]

    def check(self, text: str, hits: list[Hit]) -> CheckedAnswer:
        """Drop markers that point nowhere or to a passage that does not support them.

        Kept markers are renumbered in order of first use and moved to the end of their
        sentence; the citations list holds exactly the sources that remain cited.
        """
        numbers: dict[int, int] = {}  # source position (1-based) -> citation number
        citations: list[Citation] = []
        removed = 0
        out = []
        for sentence in split_sentences(text):  # a trailing [n] stays with its sentence
            claim = _MARKER.sub("", sentence).strip()
            kept: list[int] = []
            for n in dict.fromkeys(int(m) for m in _MARKER.findall(sentence)):
                ok, snippet = (
                    self.supports(claim, hits[n - 1]) if 1 <= n <= len(hits) else (False, "")
                )
                if not ok:
                    removed += 1
                    continue
                if n not in numbers:
                    numbers[n] = len(numbers) + 1
                    citations.append(self._citation(numbers[n], hits[n - 1], snippet))
                kept.append(numbers[n])
            out.append(claim + "".join(f" [{k}]" for k in kept))
        return CheckedAnswer(" ".join(out).strip(), citations, removed)

    @staticmethod
    def _citation(number: int, hit: Hit, snippet: str) -> Citation:
        return Citation(
            n=number,
            source=hit.source,
            title=hit.title or hit.source,
            url=hit.url,
            snippet=snippet,
            language=hit.language,
        )
