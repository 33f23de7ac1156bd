"""Retrieval: find the passages that may answer a question.

``Retriever`` is the seam the answer stage depends on; ``DenseRetriever`` implements it over
any LangChain ``VectorStore`` (Chroma here). Hybrid keyword+dense retrieval plugs in behind
the same interface.
"""

from __future__ import annotations

from typing import Any, Protocol

from langchain_core.vectorstores import VectorStore

from assistant.retrieve.hit import Hit


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
            Hit.from_chunk(str(doc.id), doc.page_content, float(score), doc.metadata)
            for doc, score in results
        ]


FILTER_KINDS = ("document", "guide", "article", "article-scan", "partner", "faq")


def build_filter(
    kind: str | None = None,
    topic: str | None = None,
    language: str | None = None,
    partner: str | None = None,
) -> dict[str, Any] | None:
    """A Chroma ``where`` filter from the facets users can pick (None: no filter).

    Topics are stored as one boolean field per topic (``topic_robotics``) so that "who works on
    robotics?" is a plain equality filter that Chroma and the keyword stage both understand.
    """
    clauses: list[dict[str, Any]] = []
    if kind:
        clauses.append({"kind": kind})
    if topic:
        clauses.append({f"topic_{topic}": True})
    if language:
        clauses.append({"language": language})
    if partner:
        clauses.append({"partner_id": partner})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def filter_topics(where: dict[str, Any] | None) -> list[str]:
    """The topic ids a ``build_filter`` filter restricts to (``{"topic_robotics": True}``)."""
    if not where:
        return []
    clauses = where.get("$and", [where])
    return [key[len("topic_") :] for c in clauses for key in c if key.startswith("topic_")]
