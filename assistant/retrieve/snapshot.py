"""The derived index view on disk, per index version: a process starts without rebuilding it.

Building the view (keyword index, sentence split and sentence vectors) reads every chunk and
analyses every word; every process paid that at start and every CLI ``ask`` too. A snapshot
holds exactly what ``IndexView`` holds, under ``<data>/derived/<collection>/<version>/``,
written to a temporary directory and renamed into place, so a reader finds a whole snapshot
or none. The version is the one recorded in the store (``index.version``): a snapshot of
another version is never used, and older ones are removed when a new one is written.

Strings go to JSON, arrays to ``.npy``; the chunk and sentence vectors (the largest parts:
154 MB, and 384 MB in half precision, at 100,000 chunks) are opened memory-mapped, so only
the rows of retrieved chunks are ever read.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieve.keyword import Bm25State

log = logging.getLogger(__name__)

FORMAT = 3
MAPPED = ("vectors", "sentence_vectors")
ARRAYS = ("vectors", "spans", "sentence_vectors", "postings_docs", "postings_tf", "bounds")


def _safe(version: str) -> bool:
    return bool(version) and all(c.isalnum() or c in "-_" for c in version)


def save(root: Path, version: str, view: Any) -> None:
    """Write ``view`` (an ``IndexView``) as the snapshot of ``version``; drop older ones."""
    if not _safe(version):
        return
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        keyword: Bm25State = view.keyword
        terms = list(keyword.postings)
        lengths = [len(keyword.postings[t][0]) for t in terms]
        bounds = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(lengths, out=bounds[1:])
        empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0, np.float32)
        arrays: dict[str, np.ndarray] = {
            "vectors": np.asarray(view.vectors, dtype=np.float32),
            "spans": np.asarray(view.spans, dtype=np.int64).reshape(-1, 3),
            "sentence_vectors": np.asarray(view.sentence_vectors, dtype=np.float16),
            "postings_docs": np.concatenate([keyword.postings[t][0] for t in terms] or [empty_i]),
            "postings_tf": np.concatenate([keyword.postings[t][1] for t in terms] or [empty_f]),
            "bounds": bounds,
        }
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", array)
        np.save(staging / "norm.npy", keyword.norm)
        np.save(staging / "lengths.npy", keyword.lengths)
        strings = {
            "format": FORMAT,
            "ids": view.ids,
            "texts": view.texts,
            "metadatas": view.metadatas,
            "sentences": view.sentences,
            "keyword_ids": keyword.ids,
            "terms": terms,
            "idf": [keyword.idf[t] for t in terms],
            "stems": list(keyword.stems),
            "stem_chunks": list(keyword.stems.values()),
        }
        with open(staging / "view.json", "w", encoding="utf-8") as out:
            json.dump(strings, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        target = root / version
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except OSError:
        log.exception("could not write the index snapshot %s", version)
        shutil.rmtree(staging, ignore_errors=True)
        return
    for other in root.iterdir():
        if other.name == version:
            continue
        if other.name.startswith(".staging-") and time.time() - other.stat().st_mtime < 3600:
            continue  # another process (the CLI beside the server) may be writing it
        shutil.rmtree(other, ignore_errors=True)


def load(root: Path, version: str) -> dict[str, Any] | None:
    """The fields of the ``IndexView`` saved for ``version``.

    ``None`` when there is none (or it cannot be read: it is then rebuilt, never trusted).
    """
    folder = root / version
    if not _safe(version) or not (folder / "view.json").is_file():
        return None
    try:
        with open(folder / "view.json", encoding="utf-8") as source:
            strings = json.load(source)
        if strings.get("format") != FORMAT:
            return None
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r" if name in MAPPED else None)
            for name in ARRAYS
        }
        norm = np.load(folder / "norm.npy")
        lengths = np.load(folder / "lengths.npy")
    except (OSError, ValueError):
        log.exception("could not read the index snapshot %s; rebuilding", version)
        return None
    bounds, docs, tf = arrays["bounds"], arrays["postings_docs"], arrays["postings_tf"]
    terms = strings["terms"]
    keyword = Bm25State(
        ids=strings["keyword_ids"],
        postings={
            t: (docs[bounds[i] : bounds[i + 1]], tf[bounds[i] : bounds[i + 1]])
            for i, t in enumerate(terms)
        },
        idf=dict(zip(terms, strings["idf"], strict=True)),
        norm=norm,
        lengths=lengths,
        stems=dict(zip(strings["stems"], strings["stem_chunks"], strict=True)),
    )
    ids = strings["ids"]
    fields = {
        "ids": ids,
        "texts": strings["texts"],
        "metadatas": strings["metadatas"],
        "position": {chunk_id: i for i, chunk_id in enumerate(ids)},
        "vectors": arrays["vectors"],
        "sentences": strings["sentences"],
        "spans": [tuple(int(x) for x in row) for row in arrays["spans"]],
        "sentence_vectors": arrays["sentence_vectors"],
        "keyword": keyword,
    }
    return fields
