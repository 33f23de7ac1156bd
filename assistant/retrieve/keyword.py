"""Keyword search with German-aware analysis: folding, stemming, compounds, OCR noise.

Chroma's own hybrid search runs only on hosted/distributed Chroma, so keyword search is an
in-process BM25 index rebuilt from the collection. The analyzer matters more than the ranking
formula here: "Jülich", "Juelich" and OCR's "Jilich" must meet, "Rechenzentrum" must find
"Hochleistungsrechenzentrum", and German and English stems must both be tried for a query
whose language is uncertain.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.text import stemmer, words

# frequent OCR confusions in the scanned corpus: "ü" read as "i" or "u" ("Jilich", "fir"),
# "ä"/"ö" without dots ("stadtischen"), "ö" as "é"
_UMLAUT_PAIRS = (("ue", "u"), ("ae", "a"), ("oe", "o"))
_OCR_FOLD = str.maketrans({"i": "u", "y": "u", "é": "o"})
MIN_PART = 4


def ocr_key(term: str) -> str:
    """A coarse key under which OCR variants of a word collide ("juelich" ~ "jilich")."""
    for pair, single in _UMLAUT_PAIRS:
        term = term.replace(pair, single)
    return "~" + term.translate(_OCR_FOLD)


class Analyzer:
    """Turns text into search terms; knows the corpus vocabulary for compound splitting."""

    def __init__(self) -> None:
        self.vocabulary: set[str] = set()

    def words(self, text: str) -> list[str]:
        """Folded words of two or more letters without stop words (hyphens split words)."""
        return words(text, min_length=2)

    def stems(self, words: Sequence[str], language: str) -> list[str]:
        """Snowball stems in the given language."""
        return list(stemmer(language).stemWords(list(words)))

    def split_compound(self, stem: str) -> list[str]:
        """Known-vocabulary parts of a long German compound ("hochleistungsrechenzentrum")."""
        if len(stem) < 2 * MIN_PART + 1:
            return []
        for cut in range(MIN_PART, len(stem) - MIN_PART + 1):
            head, tail = stem[:cut], stem[cut:]
            if tail in self.vocabulary and len(tail) >= MIN_PART + 1:
                heads = [head, head[:-1]] if head.endswith("s") else [head]
                return [tail] + [h for h in heads if h in self.vocabulary]
        return []

    def expand(self, stems: Sequence[str]) -> list[str]:
        """Stems plus compound parts plus OCR-tolerant keys (weak, but they find scans)."""
        parts = [part for s in stems for part in self.split_compound(s)]
        return [*stems, *parts, *(ocr_key(s) for s in stems)]

    def query_terms(self, text: str, languages: Iterable[str] = ("de", "en")) -> list[str]:
        """Distinct terms of a query under each language's stemmer (language may be unsure)."""
        words = self.words(text)
        terms: list[str] = []
        for language in languages:
            for term in self.expand(self.stems(words, language)):
                if term not in terms:
                    terms.append(term)
        return terms


@dataclass(frozen=True)
class Bm25State:
    """One built index: chunk ids, posting lists, IDF and length norms, always consistent.

    ``KeywordIndex`` swaps a whole new state in when it is rebuilt, and every reader takes the
    state once: a question asked during re-indexing scores against the old index or the new
    one, never against posting lists of one and length norms of the other.
    """

    ids: list[str] = field(default_factory=list)
    # a dict when built; read from the view's files when opened (``columns.Postings``)
    postings: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    norm: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # in how many chunks each plain stem occurs: the compound-splitting vocabulary, kept
    # exact when chunks are removed (``KeywordIndex.update``)
    stems: dict[str, int] = field(default_factory=dict)


class KeywordIndex:
    """BM25 over chunk texts, with OCR-tolerant fallback keys for unknown query terms."""

    def __init__(self, analyzer: Analyzer | None = None, k1: float = 1.2, b: float = 0.75):
        self.analyzer = analyzer or Analyzer()
        self.k1, self.b = k1, b
        self.state = Bm25State()

    @property
    def ids(self) -> list[str]:
        """The chunk ids of the current index, in position order."""
        return self.state.ids

    @property
    def _idf(self) -> dict[str, float]:
        return self.state.idf

    def __len__(self) -> int:
        return len(self.ids)

    def build(
        self, ids: Sequence[str], texts: Sequence[str], languages: Sequence[str]
    ) -> Bm25State:
        """(Re)build the index from chunk ids, texts and their languages; swap it in whole.

        The vocabulary (for compound splitting) is swapped first, since building needs it;
        a query meanwhile only splits its compounds by the new words.
        """
        plain = self._plain(texts, languages)
        stems = Counter(stem for words in plain for stem in set(words))
        docs = self._expanded(plain, set(stems))
        lengths = np.array([max(len(d), 1) for d in docs], dtype=np.float32)
        return self.use(self._state(list(ids), self._postings(docs, 0), lengths, dict(stems)))

    def use(self, state: Bm25State) -> Bm25State:
        """Swap ``state`` in (built, updated or loaded from a snapshot) with its vocabulary."""
        self.analyzer.vocabulary = set(state.stems)
        self.state = state
        return state

    def update(
        self,
        state: Bm25State,
        keep: np.ndarray,
        removed: tuple[Sequence[str], Sequence[str]],
        ids: Sequence[str],
        texts: Sequence[str],
        languages: Sequence[str],
    ) -> Bm25State:
        """A new state: ``state``'s chunks at positions ``keep`` (in order), then new ones.

        Swapped in whole like ``build``. Only the new chunks are analysed, so a small change to
        a large index costs what the change costs (100,000 chunks: a full build takes 10-15 s).
        ``removed`` are the texts and languages of the chunks not kept: their stems leave the
        compound-splitting vocabulary. Unlike ``build``, kept chunks keep the compound parts
        they were split into when they were added.
        """
        remap = np.full(len(state.ids), -1, dtype=np.int32)
        remap[keep] = np.arange(len(keep), dtype=np.int32)
        postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (docs, tf) in state.postings.items():
            moved = remap[docs]
            kept = moved >= 0
            if kept.all():
                postings[term] = (moved, tf)
            elif kept.any():
                postings[term] = (moved[kept], tf[kept])
        stems = Counter(state.stems)
        for gone in self._plain(*removed):
            stems.subtract(set(gone))
        plain = self._plain(texts, languages)
        for added in plain:
            stems.update(set(added))
        vocabulary = {stem: count for stem, count in stems.items() if count > 0}
        new_docs = self._expanded(plain, set(vocabulary))
        for term, (docs, tf) in self._postings(new_docs, len(keep)).items():
            if term in postings:
                old_docs, old_tf = postings[term]
                postings[term] = (np.concatenate([old_docs, docs]), np.concatenate([old_tf, tf]))
            else:
                postings[term] = (docs, tf)
        lengths = np.concatenate(
            [
                np.asarray(state.lengths, dtype=np.float32)[keep],
                np.array([max(len(d), 1) for d in new_docs], dtype=np.float32),
            ]
        )
        all_ids = [state.ids[i] for i in keep.tolist()] + list(ids)
        return self.use(self._state(all_ids, postings, lengths, vocabulary))

    def _plain(self, texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
        """The stems of each text, in its language."""
        analyzer = self.analyzer
        return [
            analyzer.stems(analyzer.words(t), lang)
            for t, lang in zip(texts, languages, strict=True)
        ]

    def _expanded(self, plain: list[list[str]], vocabulary: set[str]) -> list[list[str]]:
        """The index terms of each text's stems, compounds split by ``vocabulary``.

        The vocabulary is swapped in first, since splitting needs it; a query meanwhile only
        splits its compounds by the new words.
        """
        analyzer = self.analyzer
        analyzer.vocabulary = vocabulary
        # the terms of ``analyzer.expand``, each distinct stem expanded once (same multiset)
        extra: dict[str, tuple[str, ...]] = {}

        def expanded(stems: list[str]) -> list[str]:
            terms = list(stems)
            for stem in stems:
                more = extra.get(stem)
                if more is None:
                    more = extra[stem] = (*analyzer.split_compound(stem), ocr_key(stem))
                terms.extend(more)
            return terms

        return [expanded(stems) for stems in plain]

    @staticmethod
    def _postings(docs: list[list[str]], first: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Posting lists of ``docs``, numbered from position ``first``."""
        postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for doc_id, terms in enumerate(docs, start=first):
            for term, count in Counter(terms).items():
                postings[term][0].append(doc_id)
                postings[term][1].append(count)
        return {
            t: (np.array(d, dtype=np.int32), np.array(c, dtype=np.float32))
            for t, (d, c) in postings.items()
        }

    def _state(
        self,
        ids: list[str],
        postings: dict[str, tuple[np.ndarray, np.ndarray]],
        lengths: Any,
        stems: dict[str, int],
    ) -> Bm25State:
        n = len(ids)
        average = float(lengths.mean()) if n else 1.0
        return Bm25State(
            ids=ids,
            postings=postings,
            idf={
                t: math.log(1 + (n - len(d) + 0.5) / (len(d) + 0.5))
                for t, (d, _) in postings.items()
            },
            norm=self.k1 * (1 - self.b + self.b * lengths / max(average, 1.0)),
            lengths=lengths,
            stems=stems,
        )

    def idf(self, term: str) -> float:
        """Inverse document frequency of an index term (0 for unknown terms)."""
        return self._idf.get(term, 0.0)

    def scores(self, terms: Sequence[str], state: Bm25State | None = None) -> np.ndarray:
        """BM25 score of every chunk of ``state`` (default: the current one) for the terms."""
        state = state or self.state
        scores = np.zeros(len(state.ids), dtype=np.float32)
        for term in dict.fromkeys(terms):
            if term in state.postings:
                docs, tf = state.postings[term]
                weight = state.idf[term] * tf * (self.k1 + 1) / (tf + state.norm[docs])
                scores[docs] += weight  # a posting list holds each chunk once: no add.at needed
        return scores

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top ``k`` chunk positions and BM25 scores for a query."""
        state = self.state
        if not state.ids:
            return []
        scores = self.scores(self.analyzer.query_terms(query), state)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda x: -x[1])
        return [(i, s) for i, s in ranked if s > 0]

    def coverage(self, query: str, text: str, language: str) -> float:
        """Share of the query's IDF mass whose terms occur in ``text`` (best query language).

        Words the corpus has never seen get the highest IDF: "weather" or "Apfelkuchen" in a
        question are the clearest sign that the knowledge base is not about it.
        """
        analyzer = self.analyzer
        present = set(analyzer.expand(analyzer.stems(analyzer.words(text), language)))
        state = self.state
        unseen = math.log(1 + (len(state.ids) + 0.5) / 0.5)
        best = 0.0
        words = analyzer.words(query)
        for query_language in ("de", "en"):
            stems = list(dict.fromkeys(analyzer.stems(words, query_language)))
            weights = {t: state.idf.get(t) or unseen for t in stems}
            total = sum(weights.values())
            if total:
                best = max(best, sum(w for t, w in weights.items() if t in present) / total)
        return best

    def unseen_share(self, query: str) -> float:
        """Share of the query's content words that the corpus has never seen.

        A word counts as seen when its German or English stem (or its OCR key) is indexed.
        "Wetter", "Apfelkuchen", "Aktienkurs": the more of a question the corpus has never
        seen, the less likely it is about what the corpus covers.
        """
        analyzer = self.analyzer
        words = [w for w in dict.fromkeys(analyzer.words(query)) if len(w) >= 3]
        if not words:
            return 0.0
        unseen = 0
        for word in words:
            keys = [
                key
                for language in ("de", "en")
                for stem in analyzer.stems([word], language)
                for key in (stem, ocr_key(stem))
            ]
            unseen += not any(key in self._idf for key in keys)
        return unseen / len(words)

    def knows(self, word: str) -> bool:
        """Whether the corpus has a word (its German or English stem, or its OCR key)."""
        analyzer = self.analyzer
        return any(
            key in self._idf
            for language in ("de", "en")
            for stem in analyzer.stems(analyzer.words(word), language)
            for key in (stem, ocr_key(stem))
        )
