"""Mend typos in a question with the words of the knowledge base, before it is retrieved.

"how much fundng does the lamar institute get til 2028?", "wie viel fördergeld hat das ai
vilage in hürt bekommen?": retrieval found the right chunk anyway (the keyword side is typo-
tolerant, e5 reads subwords), but the question's embedding lies further from its sentence,
and the gate, which weighs that similarity, abstained. A word is mended only when

* the knowledge base does not have it, nor does a German or English dictionary (pyspellchecker's
  word lists, inside its wheel): "Wetter" stays "Wetter", though "better" is one letter away;
* exactly one word of the knowledge base (seen at least twice) is one edit away (a letter added,
  dropped, changed, or two swapped), or one is three times as frequent as the next; an umlaut
  written without its dots counts ("julich" -> "Jülich"), another ending of the same word does
  not ("Instituts" stays);
* no word of the dictionaries one edit away is more common than the mend: "hous" is "house",
  not "Hoos" (a name in the corpus), and stays as written.

Measured through the chat on gold dev, gold_probes 1-8, out-of-domain dev and ood_probes 1-3
(1000 answerable, 1086 unanswerable questions): key fact 778 -> 788, abstained 993 -> 990
(the gate answering "temperature in julich tomorrow" once "julich" is "Jülich"). Without the
dictionaries' veto 789 / 991, but "hous number of the digitalchruch" became a question about
Prof. Hoos. Mending the retriever's query alone (not what the gate and the quotes read): 784 /
991.

Cost: the index's words are counted at each refresh, text by text (100,000 synthetic chunks:
3.5 s, counted beside serving above ``BACKGROUND_ABOVE`` chunks); a question's unknown word is
looked up as its ~600 one-edit variants in those counts, 0.03 ms a question on gold `test`. A
first version indexed every word's deletions: 14.7 s and 165 MB at 100,000 chunks.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache

from spellchecker import SpellChecker

from assistant.text import stemmer

# words of a question: letters only, with an apostrophe inside ("doesn't" is not "doesn" + "t")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CORPUS_WORD = re.compile(r"[^\W\d_]{4,}")
MIN_LENGTH = 4  # shorter words are too often another word one letter away
MIN_COUNT = 2  # a word the knowledge base has once may be a typo itself (OCR scans)
LEAD = 3  # the most frequent of several candidates must be this much more frequent
_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
# counting the words of a large index takes seconds (100,000 synthetic chunks: 3.5 s); above this
# many chunks it runs beside serving, and questions are taken as written until it is done
BACKGROUND_ABOVE = 20_000


@cache
def _dictionaries() -> tuple[SpellChecker, SpellChecker]:
    """The German and English word lists (loaded once: about 0.3 s)."""
    return SpellChecker(language="de"), SpellChecker(language="en")


def _one_edit_away(word: str) -> set[str]:
    """Every string one letter added, dropped, changed, or two neighbours swapped away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
        | {a + c + b for a, b in splits for c in _LETTERS}
    ) - {word}


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _same_word(a: str, b: str) -> bool:
    """Another ending of one word (the stems agree), but not an umlaut written plainly."""
    if _plain(a) == _plain(b):
        return False
    return any(stemmer(lang).stemWord(a) == stemmer(lang).stemWord(b) for lang in ("de", "en"))


def _cased_like(word: str, mended: str) -> str:
    if word.isupper():
        return mended.upper()
    if word[0].isupper():
        return mended[0].upper() + mended[1:]
    return mended


class QuerySpeller:
    """Mends the words of a question the knowledge base and the dictionaries do not know."""

    def __init__(self, texts: Sequence[str], background_above: int = BACKGROUND_ABOVE) -> None:
        self.counts: Counter[str] = Counter()  # swapped in whole once counted
        if len(texts) > background_above:
            threading.Thread(target=self._count, args=(texts,), daemon=True).start()
        else:
            self._count(texts)

    def _count(self, texts: Sequence[str]) -> None:
        counts: Counter[str] = Counter()
        for text in texts:  # text by text: the words of all at once took 1 GB at 100,000 chunks
            counts.update(_CORPUS_WORD.findall(text.lower()))
        self.counts = counts

    def mend(self, question: str) -> str:
        """The question with its mended words (as it was when none needs mending)."""
        return _WORD.sub(lambda m: self.mended(m.group(0)) or m.group(0), question)

    def mended(self, word: str) -> str | None:
        """The knowledge base's word meant by ``word``, or None to keep it."""
        lowered = word.lower()
        counts = self.counts  # taken once: a re-index swaps in new counts
        if len(lowered) < MIN_LENGTH or "'" in lowered or "’" in lowered:
            return None
        if not counts or lowered in counts:
            return None
        german, english = _dictionaries()
        if lowered in german or lowered in english:
            return None
        candidates = [
            c
            for c in _one_edit_away(lowered)
            if counts.get(c, 0) >= MIN_COUNT and not _same_word(lowered, c)
        ]
        if not candidates:
            return None
        candidates.sort(key=lambda c: (-counts[c], c))
        best = candidates[0]
        if len(candidates) > 1 and counts[best] < LEAD * counts[candidates[1]]:
            return None
        if _more_common_neighbour(lowered, best, (german, english)):
            return None
        return _cased_like(word, best)


def _more_common_neighbour(word: str, mended: str, dictionaries: Sequence[SpellChecker]) -> bool:
    """A dictionary word one edit from ``word`` is more common than ``mended``."""

    def frequency(w: str) -> int:
        return max(d.word_frequency[w] for d in dictionaries)

    own = frequency(mended)
    return any(
        frequency(other) > own
        for d in dictionaries
        for other in d.known(d.edit_distance_1(word))
        if other != mended and not _same_word(other, mended)
    )
