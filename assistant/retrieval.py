"""Retrieval: find the passages that may answer a question.

``Retriever`` is the seam the answer stage depends on; ``DenseRetriever`` implements it over
any LangChain ``VectorStore`` (Chroma here). Hybrid keyword+dense retrieval plugs in behind
the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.vectorstores import VectorStore


@dataclass
class Hit:
    """A retrieved chunk with a relevance score (cosine similarity for dense retrieval)."""

    id: str
    text: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)
    features: dict[str, float] = field(default_factory=dict)  # the signals behind ``score``
    sentences: list[tuple[str, float]] = field(default_factory=list)  # quotable, with cosine

    @property
    def source(self) -> str:
        """Corpus-relative source the chunk came from."""
        return str(self.metadata.get("source", ""))


class Retriever(Protocol):
    """Anything that returns the best ``k`` hits for a question, best first."""

    def retrieve(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """Return up to ``k`` hits, best first; ``where`` filters on chunk metadata."""
        ...


class DenseRetriever:
    """Nearest neighbours of the question embedding in the vector store."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store

    def retrieve(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """Return the ``k`` most similar chunks with their cosine similarity."""
        results = self.store.similarity_search_with_relevance_scores(query, k=k, filter=where)
        return [
            Hit(id=str(doc.id), text=doc.page_content, score=float(score), metadata=doc.metadata)
            for doc, score in results
        ]
