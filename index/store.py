"""Open the Chroma collection: embedded on disk by default, a Chroma server when configured.

The collection records which embedding model filled it; opening it with another model is
refused, because vectors of two models in one space give silently wrong neighbours.
"""

from __future__ import annotations

from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from assistant.settings import Settings


class StoreError(RuntimeError):
    """The vector store cannot be used as configured (unreachable, or built by another model)."""


def make_client(settings: Settings) -> Any:
    """Create the Chroma client: ``HttpClient`` for a server, else ``PersistentClient``."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except Exception as exc:  # chromadb raises bare Exception/ValueError on connect
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
                f" (ASSISTANT_CHROMA_HOST/ASSISTANT_CHROMA_PORT): {exc}"
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def open_collection(client: Any, name: str, model_name: str, dimension: int) -> Any:
    """Get or create the collection (cosine space) and check it belongs to this model."""
    collection = client.get_or_create_collection(
        name=name,
        metadata={"embedding_model": model_name, "embedding_dim": dimension},
        configuration={"hnsw": {"space": "cosine"}},
    )
    meta = collection.metadata or {}
    if meta.get("embedding_model") not in (None, model_name) or meta.get("embedding_dim") not in (
        None,
        dimension,
    ):
        raise StoreError(
            f"collection {name!r} was built with {meta.get('embedding_model')} "
            f"({meta.get('embedding_dim')} dims), not {model_name} ({dimension} dims); "
            "use another ASSISTANT_COLLECTION or delete the data directory and re-index"
        )
    return collection


def chunk_ids(collection: Any, page: int = 5000) -> list[str]:
    """Every id in the collection, in the store's order (paged, so large collections work)."""
    ids: list[str] = []
    while True:
        got = collection.get(include=[], limit=page, offset=len(ids))["ids"]
        ids += got
        if len(got) < page:
            return ids
