"""Write a loaded corpus into the Chroma collection, idempotently.

Chunk ids derive from content, so unchanged chunks are skipped, changed ones get new ids and
chunks of removed or edited documents are deleted. Everything that can fail (loading,
validating, embedding) happens before the first write.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from langchain_core.embeddings import Embeddings

from index.chunking import Chunk, chunk_document
from index.loaders import Corpus
from index.store import chunk_ids

WRITE_BATCH = 500
PROGRESS_BATCH = 64  # texts between two reports: 8-13 s at 5-8 passages/s on 2 cores

# on_progress(done, total, stage): stage "embed" (new chunks), "sentences" (their quotable
# sentences and FAQ variants) or "write"; called after each batch, never changes the outcome
Progress = Callable[[int, int, str], None]
_progress: ContextVar[Progress | None] = ContextVar("index_progress", default=None)


@contextmanager
def reporting_progress(on_progress: Progress) -> Iterator[None]:
    """Report the progress of indexing runs in this context (the CLI's progress bar).

    For callers that index through ``Assistant.index`` and cannot pass ``on_progress``.
    """
    token = _progress.set(on_progress)
    try:
        yield
    finally:
        _progress.reset(token)


def _embed_reporting(
    embeddings: Embeddings, texts: list[str], stage: str, on_progress: Progress | None
) -> list[list[float]]:
    """``embeddings.embed_documents(texts)``, in batches reported to ``on_progress``."""
    report = on_progress or _progress.get()
    if report is None or not texts:
        return embeddings.embed_documents(texts) if texts else []
    vectors: list[list[float]] = []
    report(0, len(texts), stage)
    for start in range(0, len(texts), PROGRESS_BATCH):
        vectors.extend(embeddings.embed_documents(texts[start : start + PROGRESS_BATCH]))
        report(len(vectors), len(texts), stage)
    return vectors


@dataclass
class IndexReport:
    """What one indexing run changed."""

    documents: int
    chunks: int
    added: int
    removed: int
    unchanged: int
    seconds: float

    def summary(self) -> str:
        """One line for the CLI and logs."""
        return (
            f"{self.documents} documents, {self.chunks} chunks: {self.added} added, "
            f"{self.removed} removed, {self.unchanged} unchanged ({self.seconds:.1f} s)"
        )


def chunk_corpus(corpus: Corpus, chunk_chars: int, overlap: int) -> list[Chunk]:
    """Chunk every document of the corpus; ids are unique by construction.

    Validation (``load_corpus``) chunks every document to count its chunks; made with the
    same sizes, those are taken (at 100,000 chunks, chunking takes 5 s).
    """
    if corpus.chunked is not None and corpus.chunked[0] == (chunk_chars, overlap):
        return list(corpus.chunked[1])
    chunks: list[Chunk] = []
    for doc in corpus.documents:
        chunks.extend(chunk_document(doc, chunk_chars, overlap))
    return chunks


def existing_ids(collection: Any) -> set[str]:
    """All ids currently in the collection."""
    return set(chunk_ids(collection))


def sync_chunks(
    collection: Any,
    chunks: list[Chunk],
    embeddings: Embeddings,
    on_progress: Progress | None = None,
    before_write: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Make the collection hold exactly ``chunks``; return (added, removed).

    New chunks are written before stale ones are deleted, so a run killed halfway leaves
    every previous chunk in place. ``before_write`` is called once before the first write
    (the index version is bumped there, so what a killed run wrote is never taken for the
    previous version: ``assistant.retrieve.snapshot``).
    """
    present = existing_ids(collection)
    wanted = {c.id for c in chunks}
    new = [c for c in chunks if c.id not in present]
    stale = sorted(present - wanted)
    vectors = embeddings.embed_documents([c.text for c in new]) if new else []
    report = on_progress or _progress.get()
    if before_write is not None and (new or stale):
        before_write()
    for start in range(0, len(new), WRITE_BATCH):
        batch = new[start : start + WRITE_BATCH]
        collection.upsert(
            ids=[c.id for c in batch],
            documents=[c.text for c in batch],
            metadatas=[c.metadata for c in batch],
            embeddings=vectors[start : start + WRITE_BATCH],
        )
        if report:
            report(start + len(batch), len(new), "write")
    for start in range(0, len(stale), WRITE_BATCH):
        collection.delete(ids=stale[start : start + WRITE_BATCH])
    return len(new), len(stale)


def embed_ahead(
    collection: Any,
    chunks: list[Chunk],
    embeddings: Embeddings,
    sentences: Callable[[list[str], list[dict[str, Any]]], list[str]] | None,
    on_progress: Progress | None = None,
) -> None:
    """Embed the chunks the collection does not hold yet into the embedding cache.

    Embedding is the slow, model-bound part. Done ahead, outside the lock that answering
    also takes, the indexing run itself only reads vectors from the cache. Chunks already
    indexed were embedded when they were added, so an unchanged corpus costs one id listing.
    ``sentences`` (texts and metadata of chunks -> the texts the retriever embeds for them:
    quotable sentences and FAQ variants) is the retriever's own function, so what is embedded
    ahead is what its refresh will ask for.
    """
    present = existing_ids(collection)
    new = [c for c in chunks if c.id not in present]
    if not new:
        return
    _embed_reporting(embeddings, [c.text for c in new], "embed", on_progress)
    if sentences is None:
        return
    texts = sentences([c.text for c in new], [c.metadata for c in new])
    _embed_reporting(embeddings, texts, "sentences", on_progress)


def index_corpus(
    corpus: Corpus,
    chunks: list[Chunk],
    collection: Any,
    embeddings: Embeddings,
    started: float,
    on_progress: Progress | None = None,
    before_write: Callable[[], None] | None = None,
) -> IndexReport:
    """Write the corpus's ``chunks`` (``chunk_corpus``); the collection ends up mirroring it.

    ``started`` is when the run began (``time.perf_counter``), embedding ahead included.
    """
    added, removed = sync_chunks(collection, chunks, embeddings, on_progress, before_write)
    return IndexReport(
        documents=len({d.source for d in corpus.documents}),
        chunks=len(chunks),
        added=added,
        removed=removed,
        unchanged=len(chunks) - added,
        seconds=time.perf_counter() - started,
    )
