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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.language import detect_language
from assistant.retrieve import snapshot
from assistant.retrieve.hit import Hit
from assistant.retrieve.keyword import Bm25State, KeywordIndex
from assistant.text import answer_sentences, faq_questions

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


@dataclass(frozen=True)
class IndexView:
    """What retrieval reads besides Chroma, built in one pass and swapped in whole.

    Questions take the current view once and never wait: re-indexing builds the next view
    (which includes embedding new sentences, seconds for a large upload) while questions are
    answered from the previous one, then swaps it in with one assignment. Before, a lock held
    across retrieval made every question wait for the whole rebuild.
    """

    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    metadatas: list[dict[str, Any]] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))
    sentences: list[str] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # quotable, matchable ends
    sentence_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float16))
    keyword: Bm25State = field(default_factory=Bm25State)


def _stacked(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    """Row blocks one under the other (none: the empty 0x1 matrix of an empty view)."""
    if not parts:
        return np.zeros((0, 1), dtype=dtype)
    return np.concatenate(parts).astype(dtype, copy=False)


def _sentences(
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


class HybridRetriever:
    """Dense (Chroma) + keyword (in-process BM25) + sentence-window reranking."""

    def __init__(
        self,
        collection: Any,
        embeddings: Embeddings,
        weights: HybridWeights | None = None,
        keyword: KeywordIndex | None = None,
        snapshots: Path | None = None,
    ) -> None:
        self.collection = collection
        self.embeddings = embeddings
        self.weights = weights or HybridWeights()
        self.keyword = keyword if keyword is not None else KeywordIndex()
        self.view = IndexView()
        self.snapshots = snapshots  # where views are saved per index version (None: never)

    @property
    def texts(self) -> list[str]:
        """The chunk texts of the current view (the personal-data guard learns names there)."""
        return self.view.texts

    @property
    def ids(self) -> list[str]:
        """The chunk ids of the current view."""
        return self.view.ids

    @staticmethod
    def sentences_of(texts: list[str], metas: list[dict[str, Any]]) -> list[str]:
        """The texts the view embeds for these chunks (indexing embeds them ahead)."""
        return _sentences(texts, metas)[0]

    def refresh(self, version: str = "") -> None:
        """Reload chunks from the collection and rebuild keyword and sentence indexes.

        Sentence embeddings come from the embedding cache; sentences not seen before are
        embedded now, which is why indexing calls this and answering never has to. With an
        index ``version`` and a snapshot directory, the view saved for that version is
        loaded instead of rebuilt, and a rebuilt one is saved (``snapshot``).
        """
        if self.snapshots is not None and version:
            loaded = snapshot.load(self.snapshots, version)
            if loaded is not None:
                self.keyword.use(loaded["keyword"])
                self.view = IndexView(**loaded)
                if self.collection.count() == len(self.view.ids):
                    return
                # chunks written under this version after the snapshot (a release without
                # ``before_write``): caught up below and saved again
        if self.view.ids:
            self._update()
        else:
            self._rebuild()
        if self.snapshots is not None and version:
            snapshot.save(self.snapshots, version, self.view)

    def _rebuild(self) -> None:
        """Build the view from every chunk of the collection."""
        ids, texts, metas, vectors = self._read()
        keyword = self.keyword.build(ids, texts, [m.get("language", "de") for m in metas])
        sentences, spans = _sentences(texts, metas)
        # float16 halves the largest structure (5 sentences per chunk); only candidate rows
        # are multiplied per query, so the slower half-precision product costs nothing
        self.view = IndexView(
            ids=ids,
            texts=texts,
            metadatas=metas,
            position={chunk_id: i for i, chunk_id in enumerate(ids)},
            vectors=_matrix(vectors),
            sentences=sentences,
            spans=spans,
            sentence_vectors=embed_matrix(self.embeddings, sentences).astype(np.float16),
            keyword=keyword,
        )

    def _update(self) -> None:
        """Apply the collection's changes to the current view.

        Only new chunks are read, split, analysed and embedded; removed ones are dropped; the
        rest is carried over (a change above ``REBUILD_SHARE`` of the chunks rebuilds).
        """
        view = self.view
        present: list[str] = []
        while True:
            page = self.collection.get(include=[], limit=PAGE, offset=len(present))["ids"]
            present += page
            if len(page) < PAGE:
                break
        wanted = set(present)
        keep: list[int] = []
        gone: list[int] = []
        for i, chunk_id in enumerate(view.ids):
            (keep if chunk_id in wanted else gone).append(i)
        added = [chunk_id for chunk_id in present if chunk_id not in view.position]
        changed = len(view.ids) - len(keep) + len(added)
        if not changed:
            return
        if changed > REBUILD_SHARE * len(view.ids):
            self._rebuild()
            return
        ids, texts, metas, vectors = self._read(added)
        sentences, spans = _sentences(texts, metas)
        rows = [np.arange(view.spans[i][0], view.spans[i][2]) for i in keep]
        kept_rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        kept_spans, at = [], 0
        for i in keep:
            start, quotable_end, end = view.spans[i]
            kept_spans.append((at, at + quotable_end - start, at + end - start))
            at += end - start
        shifted = [(s + at, q + at, e + at) for s, q, e in spans]
        new_vectors = embed_matrix(self.embeddings, sentences).astype(np.float16)
        parts = [np.asarray(view.sentence_vectors)[kept_rows], new_vectors]
        sentence_vectors = _stacked([p for p in parts if len(p)], np.float16)
        keep_at = np.array(keep, dtype=np.int64)
        languages = [m.get("language", "de") for m in metas]
        removed = (
            [view.texts[i] for i in gone],
            [view.metadatas[i].get("language", "de") for i in gone],
        )
        all_ids = [view.ids[i] for i in keep] + ids
        parts = [np.asarray(view.vectors)[keep_at], _matrix(vectors)]
        chunk_vectors = _stacked([p for p in parts if len(p)], np.float32)
        self.view = IndexView(
            ids=all_ids,
            texts=[view.texts[i] for i in keep] + texts,
            metadatas=[view.metadatas[i] for i in keep] + metas,
            position={chunk_id: i for i, chunk_id in enumerate(all_ids)},
            vectors=chunk_vectors,
            sentences=[view.sentences[r] for r in kept_rows.tolist()] + sentences,
            spans=kept_spans + shifted,
            sentence_vectors=sentence_vectors,
            keyword=self.keyword.update(view.keyword, keep_at, removed, ids, texts, languages),
        )

    def _read(
        self, only: list[str] | None = None
    ) -> tuple[list[str], list[str], list[dict[str, Any]], list[Any]]:
        """Ids, texts, metadata and vectors of every chunk, or of the chunks ``only``."""
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        vectors: list[Any] = []
        include = ["documents", "metadatas", "embeddings"]
        offset = 0
        while only is None or offset < len(only):
            if only is None:
                page = self.collection.get(include=include, limit=PAGE, offset=offset)
            else:
                page = self.collection.get(ids=only[offset : offset + PAGE], include=include)
            ids += page["ids"]
            texts += page["documents"]
            metas += [dict(m or {}) for m in page["metadatas"]]
            vectors += list(page["embeddings"])
            offset += PAGE
            if only is None and len(page["ids"]) < PAGE:
                break
        return ids, texts, metas, vectors

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
        language = detect_language(query)
        w = self.weights
        hits = []
        for i in self._candidates(view, query_vector, keyword_scores, where):
            start, quotable_end, end = view.spans[i]
            sentence_scores = view.sentence_vectors[start:end].astype(np.float32) @ query_vector
            passage = float(view.vectors[i] @ query_vector)
            best_sentence = float(sentence_scores.max()) if end > start else passage
            same = view.metadatas[i].get("language") == language
            weight = w.keyword_same_language if same else w.keyword_cross_language
            keyword = float(keyword_scores[i]) / best_keyword
            score = w.passage * passage + (1 - w.passage) * best_sentence + weight * keyword
            hit = Hit.from_chunk(view.ids[i], view.texts[i], score, view.metadatas[i])
            hit.features = {"dense": passage, "sentence": best_sentence, "keyword": keyword}
            hit.sentences = [
                (view.sentences[start + j], float(s))
                for j, s in enumerate(sentence_scores[: quotable_end - start])
            ]
            hits.append(hit)
        hits.sort(key=lambda h: -h.score)
        for hit in hits[:k]:
            hit.features["coverage"] = self.keyword.coverage(query, hit.text, hit.language)
        return hits[:k]
