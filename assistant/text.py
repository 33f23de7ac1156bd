"""Text helpers shared by indexing, retrieval and answering: sentences and search terms.

Sentence splitting must be identical at index time (to pre-embed sentences) and at answer
time (to find them in the cache), so there is exactly one implementation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9\"„(])")
# a part ending like this continues in the next one: abbreviations, and day ordinals ("20. Mai").
# Titles matter most: a small model wrote "Prof. Dr. habil. <name> [1]", the split after
# "habil." cut the name off, and attribution kept "Prof. Dr. habil [1]". The index view stores
# the sentences it split, so a change here bumps ``retrieve.view.FORMAT``.
_ABBREVIATION = re.compile(
    r"(?:\b(?:z|d|u|e|v|ca|bzw|Dr|Prof|habil|Dipl|Ing|Univ|Mr|Mrs|Ms|Jr|vs|Nr|St|Abs|ggf|inkl"
    r"|vgl|etc|Mio|Mrd|e\.V|e\.g|i\.e)\.|\b\d{1,2}\."
    r"|\bu\. a\.|\bz\. B\.|\bo\. ä\.|\bu\. ä\.|\bi\. d\. R\.)$"
)
# "e.V." and "etc." end a phrase, and before a word that opens sentences they end the sentence:
# "... und der digitalHUB Aachen e.V. Dazu kommen ... Unternehmen, deren Namen aber nicht
# veröffentlicht sind." was one sentence, a statement of what is not known, so the founding
# partners were never quoted and "Oberbürgermeisterin Aachen Name?" abstained as "not known".
# Before a noun, a bracket or a number they do not ("der digitalHUB Aachen e.V. (DHA)", "ist
# der digitalHUB Aachen e.V. Gründungspartner").
_ENDS_PHRASE = re.compile(r"\b(?:e\.V|etc)\.$")
_OPENERS = frozenset(
    """
    Der Die Das Dazu Daneben Darüber Außerdem Auch Zudem Ebenso Es Er Sie Wir Ihr Ihre Sein
    Seine Seit Im In Mit Am Zum Zur Bei Für Nach Laut Diese Dieser Dieses Ein Eine So Dort Hier
    Heute Damit Dabei Weitere Viele Zahlreiche
    The This These It Its They Their Many Some Other On At Since For With As Also There We Our
    Further Furthermore Moreover Besides In
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_LIST_ITEM = re.compile(r"\n+[ \t]*(?:[-*+]|\d+\.)[ \t]+")
_TOKEN = re.compile(r"[0-9a-zäöüß]+", re.IGNORECASE)
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

STOPWORDS = frozenset(
    """
    der die das den dem des ein eine einer eines einem und oder aber ist sind war wurde
    wurden wer wie was wann wo welche welcher welches welchem welchen wem wen warum wieso
    weshalb gibt es ich wir sie ihr mich mir nicht mit von für auf bei aus zu zum zur im
    in am an nach über kann können hat haben auch noch nur als wenn dass sich man the a
    and or but is are were who how what when where which whom whose why there it i we you
    they me my our not with of for on at from to by can do does did has have had also only
    as if that this be about actually ans any aufs basically been beim being bin bist
    bitte could da dann dein deine denn dich dir doch dort du eben eigentlich etwas euch
    exactly fürn ganz genau gerne get gibts got hab habe halt ham hast haste here hey hi
    hier i'd i'm ihm ihn ihnen ins into irgendwas irgendwie isn it's its ja just kannst
    kinda know könnte könnten let like mal mein meine meinen muss möchte möchten müssen ne
    need nen nochmal please pls really sag sagen schon sehr seid sein should so sollte
    sollten some sort sowas stuff tell than thanks then there's theres thing uns unser
    unsere unseren us vom want we'd weiß werden what's whats will wird wissen wollen wolln
    would würde würden your yours übers viele viel vielen ungefähr ungefaehr etwa circa ca
    roughly approximately many much hoch lange oft weit gern hallo hello danke thank sure
    certainly natürlich klar okay ok
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def _opens_after(before: str, part: str) -> bool:
    """``part`` opens a new sentence after a phrase ending in "e.V." or "etc."."""
    return bool(_ENDS_PHRASE.search(before)) and part.split()[0] in _OPENERS


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping abbreviations, day ordinals and lists intact."""
    sentences: list[str] = []
    text = _LIST_ITEM.sub(" • ", text)  # a list stays with its lead-in line, as one unit
    for paragraph in text.split("\n"):
        merged: list[str] = []
        for part in _SENTENCE_END.split(paragraph):
            part = part.strip(" \t-*#>•")
            if not part:
                continue
            if merged and _ABBREVIATION.search(merged[-1]) and not _opens_after(merged[-1], part):
                merged[-1] = f"{merged[-1]} {part}"
            else:
                merged.append(part)
        sentences.extend(merged)
    return [s for s in sentences if len(s) > 1]


# Sentences that state what the sources do NOT say ("Eine Hausnummer nennen die Quellen nicht.",
# "Current amounts are not verified."). The knowledge base writes gaps down on purpose; an
# answer whose best sentence is one of them is an abstention, not an answer. Matched on folded
# text, so "veröffentlicht" and "veroeffentlicht" both count.
_GAP_STATEMENT = re.compile(
    r"\bnicht (?:oeffentlich |namentlich |eigens )?(?:bekannt|veroeffentlicht|genannt|"
    r"geprueft|dokumentiert|belegt|gefunden|ueberliefert)"
    r"|\bnennen\b[^.;]{0,60}\bnicht\b|\bkeine (?:oeffentlichen |naeheren |konkreten )?"
    r"(?:angaben|informationen|hinweise)\b|\bunbekannt\b"
    r"|\bnot (?:been )?(?:publicly |yet )?(?:known|published|named|verified|documented|"
    r"found|stated|disclosed)\b|\b(?:give|gives|say|says|name|names|mention|mentions) "
    r"(?:no|nothing)\b|\b(?:do|does) not (?:name|say|mention|give|state)\b"
    r"|\bno (?:public |further )?(?:information|details|figures)\b|\bunknown\b"
    r"|\bno\b[^.;]{0,60}\bha(?:s|ve) been (?:published|made public|named|documented)\b",
)


def is_gap_statement(sentence: str) -> bool:
    """True for a sentence saying that something is not known or not published."""
    return bool(_GAP_STATEMENT.search(fold(sentence)))


def fold(text: str) -> str:
    """Lower-case and fold umlauts/ß and accents, so "Jülich", "Juelich" and "Julich" meet."""
    text = text.lower().translate(_FOLD)
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


@lru_cache(maxsize=2)
def stemmer(language: str) -> Stemmer.Stemmer:
    """The Snowball stemmer of a language ("de" or anything else: English), built once."""
    return Stemmer.Stemmer("german" if language == "de" else "english")


# Words repeat (Zipf): building the keyword index of 20,000 synthetic chunks took 4.7 s, much
# of it folding the same words again. Folding each distinct word once (and
# keyword.KeywordIndex.build expanding each distinct stem once): 2.2 s, same posting lists.
_fold_word = lru_cache(maxsize=1 << 18)(fold)


def words(text: str, min_length: int = 1) -> list[str]:
    """Folded words without stop words: the one tokenizer of keyword search and answering."""
    return [
        _fold_word(w)
        for w in _TOKEN.findall(text.lower())
        if w not in STOPWORDS and len(w) >= min_length
    ]


def terms(text: str, language: str = "de") -> list[str]:
    """Search terms: folded, stemmed words without stop words."""
    return stemmer(language).stemWords(words(text))


def body_of(text: str, kind: str, known_gap: bool = False) -> str:
    """Return the quotable part of a chunk.

    Documents lose their "title — heading" line, partner profiles their name line (answers
    prefix the name anyway), FAQ entries their question variants: an answer must quote the
    answer, not the question.
    """
    if kind == "faq":
        return text.split("\n\n", 1)[-1]
    if known_gap and kind == "partner":
        return text  # a partner's "not publicly known" lines each name the partner
    return text.split("\n", 1)[1] if "\n" in text else text


def faq_questions(text: str, kind: str) -> list[str]:
    """The question variants of a FAQ chunk (the lines before its answer)."""
    if kind != "faq" or "\n\n" not in text:
        return []
    return [q for q in text.split("\n\n", 1)[0].split("\n") if q.strip()]


def answer_sentences(text: str, kind: str, known_gap: bool = False) -> list[str]:
    """Sentences of a chunk that may be quoted in an answer (the same at index and ask time)."""
    return [s for s in split_sentences(body_of(text, kind, known_gap)) if len(s) >= 15]


def one_edit(a: str, b: str, swap: bool = False) -> bool:
    """One insertion, deletion or substitution apart (with ``swap``: or two neighbours swapped)."""
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        neighbours = len(diff) == 2 and diff[1] == diff[0] + 1
        return swap and neighbours and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
