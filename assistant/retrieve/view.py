"""The index view: what retrieval reads besides Chroma, as files in one folder.

A view is written once (``ViewWriter``: a rebuild writes every chunk, an update copies the
kept chunks' runs from the previous view and appends the new ones) and then only read
(``open_view``). The columns are read per question (``columns``); in memory a process holds
the chunk ids, their sentence spans, the keyword statistics and the offsets into the files.
``snapshot`` decides where the folder lives: published per index version for the next
process, or deleted right after opening (the open files stay readable).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieve.columns import (
    FileBlob,
    Matrix,
    MatrixWriter,
    Postings,
    Records,
    Strings,
    StringsWriter,
    encode_record,
    load_array,
    open_matrix,
    open_strings,
    runs,
)
from assistant.retrieve.keyword import Bm25State
from assistant.text import answer_sentences, faq_questions

# the layout of the files, and the sentence splitting they hold (``text.split_sentences``)
FORMAT = 6


@dataclass(frozen=True)
class IndexView:
    """What retrieval reads besides Chroma, built in one pass and swapped in whole.

    Questions take the current view once and never wait: re-indexing builds the next view
    (which includes embedding new sentences, seconds for a large upload) while questions are
    answered from the previous one, then swaps it in with one assignment. Before, a lock held
    across retrieval made every question wait for the whole rebuild.
    """

    ids: list[str] = field(default_factory=list)
    texts: Strings = field(default_factory=lambda: Strings.of([]))
    metadatas: Records = field(default_factory=lambda: Records.of([]))
    position: dict[str, int] = field(default_factory=dict)
    vectors: Matrix = field(default_factory=lambda: Matrix.of(np.zeros((0, 1), np.float32)))
    sentences: Strings = field(default_factory=lambda: Strings.of([]))
    # per chunk: its first sentence, the end of the quotable ones, the end of the matchable ones
    spans: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), dtype=np.int64))
    sentence_vectors: Matrix = field(
        default_factory=lambda: Matrix.of(np.zeros((0, 1), np.float16))
    )
    keyword: Bm25State = field(default_factory=Bm25State)


def chunk_sentences(
    texts: list[str], metas: list[dict[str, Any]]
) -> tuple[list[str], list[tuple[int, int, int]]]:
    """The sentences of each chunk and its span: start, end of quotable, end of matchable.

    FAQ question variants take part in matching but are never quoted: they come after the
    quotable sentences of their chunk, outside its quotable span.
    """
    sentences: list[str] = []
    spans: list[tuple[int, int, int]] = []
    for text, meta in zip(texts, metas, strict=True):
        kind = str(meta.get("kind", "document"))
        quotable = answer_sentences(text, kind, bool(meta.get("known_gap")))
        questions = faq_questions(text, kind)
        start = len(sentences)
        spans.append((start, start + len(quotable), start + len(quotable) + len(questions)))
        sentences += quotable + questions
    return sentences, spans


class ViewWriter:
    """Writes a view into ``folder``: kept chunks copied from a previous view, new ones added.

    Sentence vectors are stored in half precision: the largest structure (5 sentences per
    chunk), and only candidate rows are multiplied per query.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ids: list[str] = []
        self.texts = StringsWriter(folder / "texts")
        self.metadatas = StringsWriter(folder / "metadatas")
        self.sentences = StringsWriter(folder / "sentences")
        self.vectors = MatrixWriter(folder / "vectors", np.float32)
        self.sentence_vectors = MatrixWriter(folder / "sentence_vectors", np.float16)
        self.spans: list[np.ndarray] = []
        self.sentence_count = 0

    def copy(self, view: IndexView, keep: list[int]) -> None:
        """Append the chunks of ``view`` at positions ``keep`` (increasing), a run at a time."""
        for start, end in runs(keep):
            first, last = int(view.spans[start][0]), int(view.spans[end - 1][2])
            self.ids += view.ids[start:end]
            self.texts.copy(view.texts, start, end)
            self.metadatas.copy(view.metadatas.strings, start, end)
            self.vectors.copy(view.vectors, start, end)
            self.sentences.copy(view.sentences, first, last)
            self.sentence_vectors.copy(view.sentence_vectors, first, last)
            self.spans.append(view.spans[start:end] - first + self.sentence_count)
            self.sentence_count += last - first

    def add(
        self,
        ids: list[str],
        texts: list[str],
        metas: list[dict[str, Any]],
        vectors: np.ndarray,
        sentences: list[str],
        spans: list[tuple[int, int, int]],
        sentence_vectors: np.ndarray,
    ) -> None:
        """Append new chunks with their sentences (``chunk_sentences``) and all vectors."""
        self.ids += ids
        self.texts.extend(texts)
        self.metadatas.extend([encode_record(m) for m in metas])
        self.vectors.append(vectors)
        self.sentences.extend(sentences)
        self.sentence_vectors.append(sentence_vectors)
        self.spans.append(np.asarray(spans, dtype=np.int64).reshape(-1, 3) + self.sentence_count)
        self.sentence_count += len(sentences)

    def abort(self) -> None:
        """Close every file (a failed write; the folder is discarded)."""
        for writer in (
            self.texts,
            self.metadatas,
            self.sentences,
            self.vectors,
            self.sentence_vectors,
        ):
            writer.abort()

    def finish(self, keyword: Bm25State) -> IndexView:
        """Write the keyword index and the rest, and open the view (read from the files)."""
        folder = self.folder
        self.texts.close()
        self.metadatas.close()
        self.sentences.close()
        shapes = {
            "vectors": self.vectors.close(),
            "sentence_vectors": self.sentence_vectors.close(),
        }
        spans = np.concatenate(self.spans) if self.spans else np.zeros((0, 3), np.int64)
        np.save(folder / "spans.npy", spans)
        terms = list(keyword.postings)
        lists = [keyword.postings[t] for t in terms]
        with open(folder / "postings_docs.bin", "wb") as docs:
            for d, _ in lists:
                docs.write(np.asarray(d, dtype=np.int32).tobytes())
        with open(folder / "postings_tf.bin", "wb") as counts:
            for _, c in lists:
                counts.write(np.asarray(c, dtype=np.float32).tobytes())
        bounds = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum([len(d) for d, _ in lists], out=bounds[1:])
        np.save(folder / "bounds.npy", bounds)
        np.save(folder / "norm.npy", keyword.norm)
        np.save(folder / "lengths.npy", keyword.lengths)
        strings = {
            "format": FORMAT,
            "ids": self.ids,
            "shapes": shapes,
            "terms": terms,
            "idf": [keyword.idf[t] for t in terms],
            "stems": list(keyword.stems),
            "stem_chunks": list(keyword.stems.values()),
        }
        with open(folder / "view.json", "w", encoding="utf-8") as out:
            json.dump(strings, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        return open_view(folder)


def open_view(folder: Path) -> IndexView:
    """The view written into ``folder``.

    Every file is opened through one handle on the folder: a folder another process
    replaces meanwhile (publishing the same version) is read whole or fails, never half
    from each. Raises ``OSError`` or ``ValueError`` when the view is incomplete, damaged,
    cut short or of another format.
    """
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return _open_view(Path(), folder_fd)
    finally:
        os.close(folder_fd)


def _open_view(folder: Path, fd: int) -> IndexView:
    with os.fdopen(os.open("view.json", os.O_RDONLY, dir_fd=fd), encoding="utf-8") as source:
        strings = json.load(source)
    if strings.get("format") != FORMAT:
        raise ValueError(f"index view format {strings.get('format')}, expected {FORMAT}")
    ids: list[str] = strings["ids"]
    terms: list[str] = strings["terms"]
    bounds = load_array(folder / "bounds.npy", fd)
    postings = int(bounds[-1]) * 4  # int32 chunk positions, float32 counts
    keyword = Bm25State(
        ids=ids,
        postings=Postings(
            {t: n for n, t in enumerate(terms)},
            bounds,
            FileBlob(folder / "postings_docs.bin", fd, postings),
            FileBlob(folder / "postings_tf.bin", fd, postings),
        ),
        idf=dict(zip(terms, strings["idf"], strict=True)),
        norm=load_array(folder / "norm.npy", fd),
        lengths=load_array(folder / "lengths.npy", fd),
        stems=dict(zip(strings["stems"], strings["stem_chunks"], strict=True)),
    )
    shapes = strings["shapes"]
    view = IndexView(
        ids=ids,
        texts=open_strings(folder / "texts", fd),
        metadatas=Records(open_strings(folder / "metadatas", fd)),
        position={chunk_id: i for i, chunk_id in enumerate(ids)},
        vectors=open_matrix(folder / "vectors", shapes["vectors"], fd),
        sentences=open_strings(folder / "sentences", fd),
        spans=load_array(folder / "spans.npy", fd),
        sentence_vectors=open_matrix(folder / "sentence_vectors", shapes["sentence_vectors"], fd),
        keyword=keyword,
    )
    counts = {
        len(ids),
        len(view.texts),
        len(view.metadatas),
        len(view.vectors),
        len(view.spans),
        len(keyword.norm),
        len(keyword.lengths),
    }
    sentences = int(view.spans[-1][2]) if len(view.spans) else 0
    if len(counts) != 1 or not len(view.sentences) == len(view.sentence_vectors) == sentences:
        raise ValueError("index view is incomplete")
    return view
