"""The alliance retrieval as a LangChain ``BaseRetriever``.

The assistant answers through its own pipeline, but its retrieval (hybrid dense + keyword +
sentence reranking over the alliance corpus) is useful on its own: wrapped as a LangChain
retriever it drops into anyone's chains (``retriever | prompt | model``), agents and
evaluation tools, with the same hits, scores and filters the assistant itself uses.

``AllianceRetriever`` wraps any object with the ``Retriever`` protocol; each ``Hit`` becomes a
``Document`` whose metadata carries the hit's typed fields (source, title, url, score, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import Field, PlainValidator

from assistant.retrieve.hit import Hit
from assistant.retrieve.retriever import Retriever

if TYPE_CHECKING:
    from assistant.pipeline import Assistant


def _check_retriever(value: Any) -> Retriever:
    """Accept any object with a ``retrieve(query, k, where)`` method (the protocol)."""
    if not callable(getattr(value, "retrieve", None)):
        raise ValueError(f"expected a Retriever with a retrieve() method, got {type(value)!r}")
    retriever: Retriever = value
    return retriever


def hit_metadata(hit: Hit) -> dict[str, Any]:
    """The ``Document`` metadata of a hit: the stored chunk metadata, overlaid with typed fields.

    Stored metadata comes first (topic flags ``topic_<id>``, ``partner_id``, ``date``, ...,
    what ``where`` filters match on); the typed ``Hit`` fields override it, normalised
    (``url`` is None rather than empty, ``language`` is "de" or "en"). All values are flat
    scalars, so the documents can be stored in a vector store again.
    """
    meta: dict[str, Any] = dict(hit.metadata)
    meta.update(
        id=hit.id,
        score=float(hit.score),
        source=hit.source,
        title=hit.title,
        url=hit.url,
        language=hit.language,
        kind=hit.kind,
        heading=hit.heading,
        known_gap=hit.known_gap,
    )
    if hit.short_name:
        meta["short_name"] = hit.short_name
    for lang, route in hit.contact.items():
        meta[f"contact_{lang}"] = route  # partners: their public contact route
    for lang, answer in hit.curated.items():
        meta[f"answer_{lang}"] = answer  # FAQ entries: the curated answer
    for name, value in hit.features.items():
        meta[f"score_{name}"] = float(value)  # the signals behind ``score`` (dense, keyword, ...)
    return meta


def hit_document(hit: Hit) -> Document:
    """A retrieval hit as a LangChain ``Document`` (text as content, see ``hit_metadata``)."""
    return Document(id=hit.id, page_content=hit.text, metadata=hit_metadata(hit))


class AllianceRetriever(BaseRetriever):
    """The alliance retrieval behind LangChain's retriever interface.

    ``k`` and ``where`` set the defaults; both can also be given per call::

        retriever = AllianceRetriever.from_assistant(assistant, k=5)
        docs = retriever.invoke("Wann wurde die Allianz gegründet?", k=3)
        faq = retriever.invoke("Mitgliedsbeitrag?", where=build_filter(kind="faq"))
    """

    retriever: Annotated[Retriever, PlainValidator(_check_retriever)]
    """The wrapped retriever (``HybridRetriever``, ``DenseRetriever`` or any ``Retriever``)."""
    k: int = Field(default=5, ge=1)
    """How many documents to return, best first."""
    where: dict[str, Any] | None = None
    """A metadata filter on the chunks (``build_filter(kind="faq")``); None: no filter.

    A ``where`` given per call replaces this one; ``where={}`` lifts it for that call.
    """

    @classmethod
    def from_assistant(
        cls, assistant: Assistant, k: int = 5, where: dict[str, Any] | None = None, **kwargs: Any
    ) -> AllianceRetriever:
        """Retrieve from an ``Assistant``'s index (``build_assistant(settings)``).

        ``Assistant.retrieve`` holds the index lock, so this is safe while staff re-index.
        ``kwargs`` go to the constructor (``tags``, ``metadata``).
        """
        return cls(retriever=assistant, k=k, where=where, **kwargs)

    def _search(self, query: str, k: int | None, where: dict[str, Any] | None) -> list[Document]:
        count = self.k if k is None else k
        if count < 1:
            raise ValueError(f"k must be at least 1, got {count}")
        if where is None:
            where = self.where
        hits = self.retriever.retrieve(query, count, where or None)
        return [hit_document(hit) for hit in hits]

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        where: dict[str, Any] | None = None,
    ) -> list[Document]:
        """Return up to ``k`` documents for ``query``, best first (``k``, ``where``: per call)."""
        return self._search(query, k, where)

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        where: dict[str, Any] | None = None,
    ) -> list[Document]:
        """Like ``_get_relevant_documents``, in a worker thread (retrieval is CPU-bound)."""
        return await run_in_executor(None, self._search, query, k, where)
