"""Word matching for the gate: forgiving of typos, inflection and compounds, strict on content.

BM25 stems words, which is right for ranking but too literal for asking "does this sentence
contain what the question asks about?": users write "Grundung", "gegruendet", "Gründungsdatum",
"aliance", and the sources say "gegründet", "Gründung", "Alliance". A question word matches a
text when one of its keys does: the Snowball stem, the stem without a German participle
prefix or "-ung" suffix ("gegrund", "grundung" -> "grund"), the OCR key for missing umlauts,
the known parts of a compound, and for words the corpus has never seen, a corpus word one
edit away (a typo).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from assistant.retrieve.keyword import KeywordIndex, ocr_key

_PREFIXES = ("ge",)
_SUFFIXES = ("ungen", "ung", "lich", "keit", "heit", "isch")
MIN_TYPO_LENGTH = 5
# BM25 IDF of a word in about a fifth of the bundled corpus's 167 chunks; "KI" 0.84, "AI" 0.30,
# "Aachen" 0.87, "NRW" 1.53, "Partner" 1.85, "Hochschule" 3.11
COMMON_IDF = 1.5


def derivation_key(stem: str) -> str:
    """The stem without a participle prefix or a noun-forming suffix (German)."""
    for prefix in _PREFIXES:
        if stem.startswith(prefix) and len(stem) - len(prefix) >= 4:
            stem = stem[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
            return stem[: -len(suffix)]
    return stem


class LexicalMatcher:
    """Question-to-text word matching over a keyword index's analyzer and vocabulary."""

    def __init__(self, keyword: KeywordIndex) -> None:
        self.keyword = keyword
        self._typo_vocabulary: set[str] | None = None  # the vocabulary the index below is of
        self._deletions: dict[str, set[str]] = {}
        self._keys_vocabulary: set[str] | None = None  # the vocabulary the cache below is of
        self._keys: dict[tuple[str, str], frozenset[str]] = {}

    def keys(self, text: str, language: str) -> frozenset[str]:
        """Every key of every word of ``text`` (the text side of a match).

        Cached per text until the next re-index: the same retrieved chunks are matched
        against the question a dozen times per answer.
        """
        analyzer = self.keyword.analyzer
        if self._keys_vocabulary is not analyzer.vocabulary or len(self._keys) > 20_000:
            self._keys_vocabulary, self._keys = analyzer.vocabulary, {}
        cached = self._keys.get((text, language))
        if cached is None:
            found: set[str] = set()
            for stem in analyzer.stems(analyzer.words(text), language):
                found.update(self._stem_keys(stem))
            cached = self._keys[(text, language)] = frozenset(found)
        return cached

    def word_keys(self, question: str, language: str) -> list[tuple[set[str], float]]:
        """Per distinct question word: its keys and its weight (corpus IDF, unseen = highest)."""
        analyzer = self.keyword.analyzer
        unseen = math.log(1 + (len(self.keyword) + 0.5) / 0.5)
        out = []
        for stem in dict.fromkeys(analyzer.stems(analyzer.words(question), language)):
            keys = self._stem_keys(stem)
            known = [self.keyword.idf(k) for k in keys if self.keyword.idf(k)]
            if not known:
                keys |= self._typo_keys(stem)
            out.append((keys, max(known) if known else unseen))
        return out

    def coverage(self, question: str, language: str, text: str) -> float:
        """IDF-weighted share of the question's words that ``text`` contains."""
        words = self.word_keys(question, language)
        total = sum(w for _, w in words)
        if not total or not text:
            return 0.0
        present = self.keys(text, language)
        return sum(w for keys, w in words if keys & present) / total

    def focus(
        self, question: str, language: str, texts: Sequence[str], text: str, topic: str = ""
    ) -> float:
        """Share of the question's *focus* in ``text``: its words that few of ``texts`` share.

        Words every retrieved chunk contains, or the chunks' titles name, are the topic ("AI
        Alliance Aachen", "Geschäftsstelle"); the words that set the question apart ("Budget",
        "Öffnungszeiten", "Hausnummer") are what it asks. Each word weighs its corpus IDF
        times its rarity among ``texts`` (a tenth for words of ``topic``); a near-miss matches
        the topic everywhere and its focus nowhere.
        """
        words = self.word_keys(question, language)
        if not words or not text or not texts:
            return 0.0
        in_texts = [self.keys(t, language) for t in texts]
        present = self.keys(text, language)
        titled = self.keys(topic, language)
        total = covered = 0.0
        for keys, idf in words:
            shared = sum(bool(keys & other) for other in in_texts)
            weight = idf * math.log((len(texts) + 1) / (shared + 0.5))
            weight *= 0.1 if keys & titled else 1.0
            total += weight
            covered += weight if keys & present else 0.0
        return covered / total if total > 0 else 0.0

    def noun_keys(self, word: str, language: str) -> frozenset[str]:
        """Keys of a noun asked for, strict: its stem and a compound's head, no typo neighbours.

        The gate's keys forgive (compound parts, word endings, typos); a bonus for naming the
        noun must not: "Arbeitsplätze" matched "arbeitet", "Internetseite" matched "seit",
        "Gründungspartner" every sentence on a founding. The head of a compound stays
        ("Forschungsgemeinschaft" -> "Helmholtz-Gemeinschaft"). A word in more than about a
        fifth of the chunks ("KI", "AI", "Aachen": IDF below ``COMMON_IDF``) names nothing in
        particular, and no keys are returned.
        """
        analyzer = self.keyword.analyzer
        keys: set[str] = set()
        for stem in analyzer.stems(analyzer.words(word), language):
            head = analyzer.split_compound(stem)[:1]
            idf = self.keyword.idf(stem) or max((self.keyword.idf(h) for h in head), default=0)
            if idf >= COMMON_IDF:
                keys |= _keys(stem, head)
        return frozenset(keys)

    def _stem_keys(self, stem: str) -> set[str]:
        return _keys(stem, self.keyword.analyzer.split_compound(stem) or self._tail(stem))

    def _tail(self, stem: str) -> list[str]:
        """A known word of four or more letters ending a compound ("rechenknot" -> "knot").

        Shorter than BM25's compound parts (five letters), which must not split by accident;
        here a false split only makes a question word match a little more easily.
        """
        vocabulary = self.keyword.analyzer.vocabulary
        for cut in range(4, len(stem) - 3):
            if stem[cut:] in vocabulary:
                return [stem[cut:]]
        return []

    def _typo_keys(self, stem: str) -> set[str]:
        """Corpus stems one edit (deletion, insertion, substitution) away from ``stem``."""
        if len(stem) < MIN_TYPO_LENGTH:
            return set()
        self._refresh_typos()
        found: set[str] = set()
        for variant in {stem, *_deletions(stem)}:
            found |= self._deletions.get(variant, set())
        found.discard(stem)
        return {k for word in found for k in self._stem_keys(word)}

    def _refresh_typos(self) -> None:
        vocabulary = self.keyword.analyzer.vocabulary  # a new set object after every rebuild
        if vocabulary is self._typo_vocabulary:
            return
        index: dict[str, set[str]] = {}
        for word in vocabulary:
            if len(word) >= MIN_TYPO_LENGTH:
                for variant in {word, *_deletions(word)}:
                    index.setdefault(variant, set()).add(word)
        self._typo_vocabulary, self._deletions = vocabulary, index


def _keys(stem: str, parts: Iterable[str]) -> set[str]:
    """The stem, its derivation key and the given compound parts, each with its OCR key."""
    base = {stem, derivation_key(stem), *parts}
    return base | {ocr_key(k) for k in base}


def _deletions(word: str) -> Iterable[str]:
    return (word[:i] + word[i + 1 :] for i in range(len(word)))
