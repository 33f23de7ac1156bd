"""Hybrid retrieval: dense candidates from Chroma and keyword candidates, reranked together.

Measured on XQuAD (German passages), the three signals are combined as
``score = a * passage_cosine + (1 - a) * best_sentence_cosine + w * keyword``:

* the best-sentence cosine (passage-window reranking) is what lifts English questions over
  German text: the answer usually sits in one sentence, and e5 matches a question to a
  sentence more sharply than to a whole passage;
* keywords only count where they can match: full weight when the query and the chunk are in
  the same language, none across languages (naive rank fusion drags English MRR from 0.90
  to 0.62 because German BM25 cannot match English words);
* keyword scores are divided by the best keyword score of the query, so the weight means the
  same for every query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.language import detect_language
from assistant.models import Lang
from assistant.retrieve import snapshot
from assistant.retrieve.hit import Hit
from assistant.retrieve.keyword import Bm25State, KeywordIndex
from assistant.retrieve.view import IndexView, ViewWriter, chunk_sentences
from index.store import chunk_ids

log = logging.getLogger(__name__)

PAGE = 5000
# a change larger than this share of the chunks rebuilds the view instead of updating it:
# updating never re-splits compounds of kept chunks by new words (``KeywordIndex.update``)
REBUILD_SHARE = 0.2


@dataclass(frozen=True)
class HybridWeights:
    """Fusion weights; defaults measured in ``benchmarks/`` (see README)."""

    passage: float = 0.4  # a: passage cosine; 1 - a goes to the best sentence
    keyword_same_language: float = 0.04
    keyword_cross_language: float = 0.0
    candidates: int = 30


def matches(metadata: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """Evaluate a Chroma-style equality filter (``{"k": v}``, ``$and``, ``$or``) in Python."""
    if not where:
        return True
    if "$and" in where:
        return all(matches(metadata, w) for w in where["$and"])
    if "$or" in where:
        return any(matches(metadata, w) for w in where["$or"])
    for key, expected in where.items():
        if isinstance(expected, dict):
            if "$eq" in expected and metadata.get(key) != expected["$eq"]:
                return False
            if "$in" in expected and metadata.get(key) not in expected["$in"]:
                return False
        elif metadata.get(key) != expected:
            return False
    return True


def embed_matrix(embeddings: Embeddings, texts: list[str]) -> np.ndarray:
    """Embed passages into one float32 matrix, through the array path when there is one."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    as_array = getattr(embeddings, "embed_documents_array", None)
    if as_array is not None:
        return np.asarray(as_array(texts), dtype=np.float32)
    parts = [
        np.asarray(embeddings.embed_documents(texts[i : i + 2048]), dtype=np.float32)
        for i in range(0, len(texts), 2048)
    ]
    return np.concatenate(parts)


def _matrix(rows: Any) -> np.ndarray:
    """Stack vectors into a float32 matrix (an empty list gives a 0x1 matrix)."""
    if len(rows) == 0:
        return np.zeros((0, 1), dtype=np.float32)
    return np.asarray(rows, dtype=np.float32)


class HybridRetriever:
    """Dense (Chroma) + keyword (in-process BM25) + sentence-window reranking."""

    def __init__(
        self,
        collection: Any,
        embeddings: Embeddings,
        weights: HybridWeights | None = None,
        keyword: KeywordIndex | None = None,
        snapshots: Path | None = None,
        detect: Callable[[str], Lang] = detect_language,
    ) -> None:
        self.collection = collection
        self.embeddings = embeddings
        self.weights = weights or HybridWeights()
        self.keyword = keyword if keyword is not None else KeywordIndex()
        self.detect = detect  # the question's language: its keyword matches count more
        self.view = IndexView()
        self.snapshots = snapshots  # where views are saved per index version (None: never)

    @property
    def texts(self) -> Sequence[str]:
        """The chunk texts of the current view (the personal-data guard learns names there)."""
        return self.view.texts

    @property
    def ids(self) -> list[str]:
        """The chunk ids of the current view."""
        return self.view.ids

    @staticmethod
    def sentences_of(texts: list[str], metas: list[dict[str, Any]]) -> list[str]:
        """The texts the view embeds for these chunks (indexing embeds them ahead)."""
        return chunk_sentences(texts, metas)[0]

    def refresh(self, version: str = "") -> None:
        """Bring the view up to the collection: load it, update it or rebuild it.

        Sentence embeddings come from the embedding cache; sentences not seen before are
        embedded now, which is why indexing calls this and answering never has to. With an
        index ``version`` and a snapshot directory, the view published for that version is
        loaded instead of rebuilt, and a new one is published (``snapshot``).
        """
        root = self.snapshots if version else None  # where this version's view is published
        if root is not None:
            loaded = snapshot.load(root, version)
            if loaded is not None:
                self._use(loaded)
                if self.collection.count() == len(loaded.ids):
                    return
                # chunks written under this version after the view was published (a release
                # without ``before_write``): caught up below and published again
        try:
            self._write(root, version)
        except OSError:
            if root is None:
                raise
            # the data directory is full or unwritable: serve the view from a temporary
            # folder instead; the next process builds it again
            log.exception("could not write the index view in %s; using a temporary one", root)
            self._write(None, version)

    def _write(self, root: Path | None, version: str) -> None:
        """Write the next view (into ``root`` to publish it as ``version``) and use it."""
        folder = snapshot.staging(root)
        writer = ViewWriter(folder)
        try:
            keyword = self._update(writer) if self.view.ids else self._rebuild(writer)
            if keyword is None and root is not None:  # unchanged, not yet published as version
                writer.copy(self.view, list(range(len(self.view.ids))))
                keyword = self.view.keyword
            if keyword is None:
                writer.abort()
                return
            self._use(writer.finish(keyword))
            if root is not None:
                snapshot.publish(root, folder, version)
        except BaseException:
            writer.abort()
            raise
        finally:
            snapshot.discard(folder)  # a published folder has moved away already

    def _use(self, view: IndexView) -> None:
        self.view = view
        self.keyword.use(view.keyword)

    def _rebuild(self, writer: ViewWriter) -> Bm25State:
        """Write every chunk of the collection into ``writer``; the new keyword index."""
        return self.keyword.build(*self._add(writer))

    def _update(self, writer: ViewWriter) -> Bm25State | None:
        """Write the current view with the collection's changes applied; ``None``: unchanged.

        Only new chunks are read, split, analysed and embedded; removed ones are dropped; the
        rest is copied over (a change above ``REBUILD_SHARE`` of the chunks rebuilds).
        """
        view = self.view
        present = chunk_ids(self.collection, PAGE)
        wanted = set(present)
        keep: list[int] = []
        gone: list[int] = []
        for i, chunk_id in enumerate(view.ids):
            (keep if chunk_id in wanted else gone).append(i)
        added = [chunk_id for chunk_id in present if chunk_id not in view.position]
        changed = len(view.ids) - len(keep) + len(added)
        if not changed:
            return None
        if changed > REBUILD_SHARE * len(view.ids):
            return self._rebuild(writer)
        writer.copy(view, keep)
        ids, texts, languages = self._add(writer, added)
        removed = (
            [view.texts[i] for i in gone],
            [view.metadatas[i].get("language", "de") for i in gone],
        )
        keep_at = np.array(keep, dtype=np.int64)
        return self.keyword.update(view.keyword, keep_at, removed, ids, texts, languages)

    def _add(
        self, writer: ViewWriter, only: list[str] | None = None
    ) -> tuple[list[str], list[str], list[str]]:
        """Write every chunk (or the chunks ``only``) with its sentences and their vectors.

        A page at a time; returns their ids, texts and languages for the keyword index.
        """
        ids: list[str] = []
        texts: list[str] = []
        languages: list[str] = []
        for page_ids, page_texts, metas, vectors in self._pages(only):
            sentences, spans = chunk_sentences(page_texts, metas)
            sentence_vectors = embed_matrix(self.embeddings, sentences)
            writer.add(
                page_ids, page_texts, metas, _matrix(vectors), sentences, spans, sentence_vectors
            )
            ids += page_ids
            texts += page_texts
            languages += [m.get("language", "de") for m in metas]
        return ids, texts, languages

    def _pages(
        self, only: list[str] | None = None
    ) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]], list[Any]]]:
        """Ids, texts, metadata and vectors of every chunk (or the chunks ``only``) by pages."""
        include = ["documents", "metadatas", "embeddings"]
        offset = 0
        while only is None or offset < len(only):
            if only is None:
                page = self.collection.get(include=include, limit=PAGE, offset=offset)
            else:
                page = self.collection.get(ids=only[offset : offset + PAGE], include=include)
            yield (
                page["ids"],
                page["documents"],
                [dict(m or {}) for m in page["metadatas"]],
                list(page["embeddings"]),
            )
            offset += PAGE
            if only is None and len(page["ids"]) < PAGE:
                break

    def _candidates(
        self,
        view: IndexView,
        query_vector: np.ndarray,
        keyword_scores: np.ndarray,
        where: dict[str, Any] | None,
    ) -> list[int]:
        n = min(self.weights.candidates, len(view.ids))
        dense = self.collection.query(
            query_embeddings=[query_vector.tolist()], n_results=n, where=where, include=[]
        )["ids"][0]
        # chunks Chroma has and the view not yet (being indexed) are left out
        chosen = [view.position[i] for i in dense if i in view.position]
        top = np.argpartition(-keyword_scores, n - 1)[:n] if n else np.zeros(0, dtype=int)
        for i in sorted(top.tolist(), key=lambda i: -keyword_scores[i]):
            if keyword_scores[i] > 0 and int(i) not in chosen and matches(view.metadatas[i], where):
                chosen.append(int(i))
        return chosen

    def retrieve(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """Return the ``k`` best chunks; ``Hit.score`` is the fused relevance."""
        view = self.view  # taken once: a re-index swaps in a new one meanwhile
        if not view.ids:
            return []
        query_vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        terms = self.keyword.analyzer.query_terms(query)
        keyword_scores = self.keyword.scores(terms, view.keyword)
        best_keyword = float(keyword_scores.max()) or 1.0
        language = self.detect(query)
        w = self.weights
        hits = []
        for i in self._candidates(view, query_vector, keyword_scores, where):
            start, quotable_end, end = (int(x) for x in view.spans[i])
            sentence_scores = view.sentence_vectors.block(start, end).astype(np.float32)
            sentence_scores = sentence_scores @ query_vector
            passage = float(view.vectors.row(i) @ query_vector)
            best_sentence = float(sentence_scores.max()) if end > start else passage
            metadata = view.metadatas[i]
            same = metadata.get("language") == language
            weight = w.keyword_same_language if same else w.keyword_cross_language
            keyword = float(keyword_scores[i]) / best_keyword
            score = w.passage * passage + (1 - w.passage) * best_sentence + weight * keyword
            hit = Hit.from_chunk(view.ids[i], view.texts[i], score, metadata)
            hit.features = {"dense": passage, "sentence": best_sentence, "keyword": keyword}
            quoted = view.sentences.run(start, quotable_end)
            hit.sentences = [
                (sentence, float(s))
                for sentence, s in zip(quoted, sentence_scores[: quotable_end - start], strict=True)
            ]
            hits.append(hit)
        hits.sort(key=lambda h: -h.score)
        for hit in hits[:k]:
            hit.features["coverage"] = self.keyword.coverage(query, hit.text, hit.language)
        return hits[:k]
