"""Naming partners' topics and kinds in questions, in German and English.

The topic vocabulary is ``corpus/topics.yaml`` (labels and synonyms per language); the kinds
of organisation are the profile schema's own, so their words live here. Matching is on folded,
stemmed words in order ("Robotern" finds "Roboter", "Supercomputers" finds "Supercomputer"), so
a multi-word synonym ("optische Qualitätsprüfung") matches only as a phrase, and a long single
word also inside a compound ("Bildverarbeitungssysteme").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.models import Lang
from assistant.text import fold, one_edit, stemmer
from index.schemas import Topic, TopicsFile

_WORD = re.compile(r"[0-9a-zäöüß]+(?:[.][0-9a-z]+)*", re.IGNORECASE)
MIN_COMPOUND_PART = 7  # a single-word term this long also matches inside a compound
# words this long may be one typo off a term; five let "kurze" pass for "Kurse" (a formal
# request "Für eine kurze Rückmeldung wären wir dankbar" became a search for courses)
MIN_TYPO_WORD = 6


@dataclass(frozen=True)
class Kind:
    """A kind of organisation: its labels and the words questions use for it."""

    id: str
    de: str
    en: str
    words: tuple[str, ...]


KINDS = (
    Kind(
        "university",
        "Hochschule",
        "University",
        (
            "hochschule",
            "hochschulen",
            "universität",
            "universitäten",
            "uni",
            "unis",
            "fachhochschule",
            "university",
            "universities",
        ),
    ),
    Kind(
        "research-centre",
        "Forschungszentrum",
        "Research centre",
        (
            "forschungszentrum",
            "forschungszentren",
            "forschungseinrichtung",
            "forschungseinrichtungen",
            "research centre",
            "research centres",
            "research center",
            "research centers",
            "research institution",
            "research institutions",
        ),
    ),
    Kind(
        "institute",
        "Institut",
        "Institute",
        (
            "institut",
            "institute",
            "instituten",
            "institutes",
            "forschungsinstitut",
            "forschungsinstitute",
            "forschungsinstituten",
            # research institutions in general: the centres and the institutes ("Welche
            # Forschungseinrichtungen arbeiten an maschinellem Lernen?" left out MASKOR, JSC
            # and Lamarr; partner probes kind recall 0.817 -> 0.917 on probes11, others same)
            "forschungseinrichtung",
            "forschungseinrichtungen",
            "research institution",
            "research institutions",
        ),
    ),
    Kind(
        "association",
        "Verein",
        "Association",
        ("verein", "vereine", "verband", "verbände", "association", "associations"),
    ),
    # KI.NRW is a "Kompetenzplattform": "Which statewide NRW programmes or platforms could
    # help us with AI?" missed it (partner probes 10 and 12)
    Kind(
        "network",
        "Netzwerk",
        "Network",
        (
            "netzwerk",
            "netzwerke",
            "network",
            "networks",
            "plattform",
            "plattformen",
            "platform",
            "platforms",
        ),
    ),
    Kind(
        "programme",
        "Programm",
        "Programme",
        (
            "programm",
            "programme",
            "landesprogramm",
            "landesprogramme",
            "förderprogramm",
            "förderprogramme",
            "programmes",
            "program",
            "programs",
        ),
    ),
    Kind(
        "infrastructure",
        "Infrastruktur",
        "Infrastructure",
        (
            "infrastruktur",
            "infrastrukturen",
            "forschungsinfrastruktur",
            "forschungsinfrastrukturen",
            "infrastructure",
            "infrastructures",
            "facility",
            "facilities",
            "campus",
        ),
    ),
    Kind(
        "city",
        "Stadt",
        "City",
        (
            "stadt",
            "städte",
            "stadtverwaltung",
            "stadtverwaltungen",
            "kommune",
            "kommunen",
            "behoerde",
            "behörden",
            "city",
            "cities",
            "municipality",
            "municipalities",
            "public body",
            "public bodies",
            "öffentliche stellen",
            "öffentlichen stellen",
            "öffentliche stelle",
            "öffentliche hand",
            "authority",
            "authorities",
        ),
    ),
    Kind(
        "company",
        "Unternehmen",
        "Company",
        ("unternehmen", "firma", "firmen", "company", "companies", "business", "businesses"),
    ),
)
KIND_LABELS = {kind.id: {"de": kind.de, "en": kind.en} for kind in KINDS}
_FOUNDING = re.compile(
    r"gründungs(partner|mitglied)\w*|gruendungs(partner|mitglied)\w*|founding (partner|member)s?"
    r"|co-?founders?|mitbegründer\w*",
    re.IGNORECASE,
)


@lru_cache(maxsize=20_000)
def stems(text: str) -> tuple[tuple[str, str], ...]:
    """Folded words of ``text``, each stemmed with the German and the English stemmer.

    Cached: profile sentences and vocabulary terms are matched against every list question.
    """
    words = [fold(w) for w in _WORD.findall(text)]
    return tuple((stemmer("de").stemWord(w), stemmer("en").stemWord(w)) for w in words)


@lru_cache(maxsize=20_000)
def _folded_words(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _WORD.findall(text))


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of ``text``, as ``TopicVocabulary.spans`` counts them."""
    return _folded_words(text)


# a model trained, not people: "train a large model", "one training run", "Training unseres
# Modells"; "train our staff", "AI training courses" stay education
_TRAINING = re.compile(r"(train|trainier)\w*|\w+training")
_MODEL_OR_RUN = re.compile(r"models?|modell(s|e|en)?|runs?|laeufe")  # not "rund", "laufen"


def _trains_a_model(text: str) -> set[int]:
    """Positions of the words of ``text`` (``words_of``) that train a model, not people.

    "Our company trains its own large model ...: one training run takes weeks" asked for
    compute and got the partners that list compute and training courses both (one), and
    "GPU time to train a large model" got the education partners too. A training word counts
    as a model's when a model or a run follows within four words.
    """
    folded = _folded_words(text)
    return {
        i
        for i, word in enumerate(folded)
        if _TRAINING.fullmatch(word)
        and any(_MODEL_OR_RUN.fullmatch(w) for w in folded[i + 1 : i + 5])
    }


def _same(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Two stem pairs name the same word when their German or their English stems agree."""
    return a[0] == b[0] or a[1] == b[1]


# Cached: the terms (about 300) and the profile sentences are fixed between index refreshes,
# and every directory search matched all of them again: "Supercomputer" took 56 ms warm
# (p95 of `python -m benchmarks.directory` 57 ms), 490,000 stem comparisons per search.
@lru_cache(maxsize=200_000)
def span(
    term: str, text: str, rough: bool = False, spelled: frozenset[str] = frozenset()
) -> tuple[int, int] | None:
    """Where in ``text`` (word positions) ``term`` is named, or None.

    Words match by their German or English stem; with ``rough``, a word of ``MIN_TYPO_WORD``
    or more letters may also be one edit off ("robotk", "lerning"), unless it is one of the
    words ``spelled`` as meant. A single long word also matches inside a compound
    ("Bildverarbeitungssysteme"), spanning that word.
    """
    if rough:
        return _window(
            _folded_words(term),
            _folded_words(text),
            lambda a, b: a == b or (b not in spelled and _close(a, b)),
        )
    wanted = stems(term)
    found = _window(wanted, stems(text), _same)
    if found:
        return found
    single = fold(term)
    if len(wanted) == 1 and len(single) >= MIN_COMPOUND_PART:
        for i, word in enumerate(_folded_words(text)):
            if single in word:
                return (i, i + 1)
    return None


def _window(
    wanted: tuple[Any, ...], words: tuple[Any, ...], same: Callable[[Any, Any], bool]
) -> tuple[int, int] | None:
    """The first run of ``words`` that matches ``wanted`` word by word under ``same``."""
    n = len(wanted)
    if not n:
        return None
    for i in range(len(words) - n + 1):
        if all(same(wanted[j], words[i + j]) for j in range(n)):
            return (i, i + n)
    return None


@lru_cache(maxsize=200_000)
def written(term: str, text: str) -> tuple[int, int] | None:
    """Where ``text`` has the words of ``term`` as written (case and umlauts aside), or None.

    How need words are found: no stems, no compounds, no typos. "cars" is not "care",
    "Heizung" not "Heizungsanlage", "reach" not "teach".
    """
    return _window(_folded_words(term), _folded_words(text), str.__eq__)


def _term_spans(
    topic: Topic, text: str, rough: bool, spelled: frozenset[str]
) -> list[tuple[int, int] | None]:
    """Where ``text`` names ``topic`` (with ``rough``: a name with a typo) or states its need."""
    if rough:
        return [span(x, text, True, spelled) for x in topic.terms()]
    return [span(x, text) for x in topic.terms()] + [written(x, text) for x in topic.need_terms()]


def mentions(term: str, text: str) -> bool:
    """Whether ``text`` names ``term`` (a phrase of stemmed words, or inside a compound)."""
    return span(term, text) is not None


def _close(a: str, b: str) -> bool:
    """Equal, or one typo apart when both are long enough.

    One insertion, deletion or substitution, or two neighbours swapped ("Technologietranfser").
    """
    return a == b or (min(len(a), len(b)) >= MIN_TYPO_WORD and one_edit(a, b, swap=True))


class TopicVocabulary:
    """The competence topics, to find in questions and profile texts."""

    def __init__(self, topics: TopicsFile | None = None) -> None:
        self.topics: dict[str, Topic] = {t.id: t for t in topics.topics} if topics else {}

    def __len__(self) -> int:
        return len(self.topics)

    def label(self, topic_id: str, lang: Lang) -> str:
        """The topic's name in ``lang`` (its id when the vocabulary does not know it)."""
        topic = self.topics.get(topic_id)
        return getattr(topic, lang) if topic else topic_id

    def find(self, text: str) -> list[str]:
        """The topics ``text`` names, in vocabulary order."""
        return list(self.spans(text))

    def spans(self, text: str) -> dict[str, tuple[int, int]]:
        """The topics ``text`` names, in vocabulary order, with the words naming each.

        Each topic is found by its longest matching term: a name by its stems, exactly or else
        with a typo, or a need word as written (``written``); a topic
        found only inside another's phrase is not named ("medical robotics" is medical AI, not
        robotics as well), nor one found only as a part of a word another topic names whole
        ("Gründungsberatung" is start-up advice, not SME advice as well). Positions count the
        words of ``words_of(text)``. Words that name a kind of organisation or the founding
        partners are not typos of a topic's words: "founding" is not "funding" mistyped.
        """
        spelled = frozenset(w for w in _folded_words(text) if _names_kind_or_founding(w))
        found: dict[str, tuple[int, int]] = {}
        for rough in (False, True):
            for topic in self.topics.values():
                if topic.id in found:
                    continue
                spans = [x for x in _term_spans(topic, text, rough, spelled) if x]
                if spans:
                    found[topic.id] = max(spans, key=lambda s: s[1] - s[0])
        said = stems(text)
        whole: dict[str, set[int]] = {}  # the words each topic names by whole words
        for t in found:
            needs = [written(x, text) for x in self.topics[t].need_terms()]
            for at in [_window(stems(x), said, _same) for x in self.topics[t].terms()] + needs:
                if at:
                    whole.setdefault(t, set()).update(range(*at))
        inside = {
            t
            for t, (a, b) in found.items()
            for u, (c, d) in found.items()
            if u != t
            and (
                (c <= a and b <= d and (d - c) > (b - a))
                or (not whole.get(t) and set(range(a, b)) <= whole.get(u, set()))
            )
        }
        machine = _trains_a_model(text)
        return {
            t: found[t]
            for t in self.topics
            if t in found and t not in inside and not set(range(*found[t])) <= machine
        }

    def by_one_need_word(self, text: str, found: Iterable[str] | None = None) -> set[str]:
        """The topics ``text`` points to by a single need word, naming none of their terms.

        ``found``: the topics ``find`` gave for ``text``, when the caller has them already.
        "Faxe" alone may be a broken fax machine; "fax, paper forms and spreadsheets" is a
        company wanting to go digital, and a phrase ("their own company", "flying taxis") says
        more than one everyday word.
        """
        spelled = frozenset(w for w in _folded_words(text) if _names_kind_or_founding(w))
        vague = set()
        for t in self.spans(text) if found is None else found:
            topic = self.topics[t]
            if any(span(x, text) or span(x, text, True, spelled) for x in topic.terms()):
                continue
            needs = (written(x, text) for x in topic.need_terms())
            said = {i for at in needs if at for i in range(*at)}
            if len(said) <= 1:
                vague.add(t)
        return vague

    def naming_words(self, text: str, found: dict[str, tuple[int, int]]) -> set[int]:
        """Positions of the words of ``text`` naming the ``found`` topics by any of their terms.

        ``found`` is what ``spans`` returned: there, each topic has only its longest term; in
        "KMU Förderung Beratung" all three words name SME support.
        """
        positions: set[int] = set()
        for topic_id, longest in found.items():
            positions.update(range(*longest))
            topic = self.topics[topic_id]
            named = [span(x, text) or span(x, text, True) for x in topic.terms()]
            for where in named + [written(x, text) for x in topic.need_terms()]:
                if where:
                    positions.update(range(*where))
        return positions

    def named_in(self, topic_id: str, text: str) -> bool:
        """Whether ``text`` names the topic by one of its labels or synonyms."""
        topic = self.topics.get(topic_id)
        return topic is not None and any(mentions(x, text) for x in topic.terms())


_KIND_WORDS = frozenset(fold(w) for kind in KINDS for w in kind.words)


def _names_kind_or_founding(word: str) -> bool:
    """A folded word that names a kind of organisation or the founding partners."""
    return word in _KIND_WORDS or word.startswith(
        ("gruendungs", "founding", "founder", "cofounder", "co-founder", "mitbegruend")
    )


_ASKING = (
    r"(?:welche\w*|which|what|alle|all|any|list of|liste der|gibt es|are there|is there|"
    r"ist ein|ist eine|sind auch|are also|are any|"
    # "List the institutes among the partners", "Nenne alle Vereine"
    r"(?:list|liste|nenne|nenn mir|zeig mir|zeige mir|show me)(?: (?:the|die|all|alle))?|"
    # "Which of the partners are associations?", "Welche der Partner sind Programme?"
    r"(?:which|welche) (?:of (?:the |your )?|der |von den )?"
    r"(?:partners?|organisations?|organizations?|members?|mitglieder\w*|einrichtungen) "
    r"(?:are|is|count as|sind|ist|zaehlen als)|"
    # "Are any of the partners registered associations?", "Ist einer der Partner ein Verein?"
    r"(?:are|is) (?:any|some|one) of (?:the |your )?(?:partners?|organisations?|members?)|"
    r"(?:sind|ist) (?:welche|einige|einer|eine|eins) (?:der|von den) (?:partner\w*|mitglieder\w*)"
    r"(?: (?:ein|eine|auch))?)"
)
# the words between the asking word and the kind: not a verb or preposition making the kind
# the ones helped ("Which partners help companies with ...?" asks for no company)
_FILLER = (
    r"(?:(?!(?:help|helps|helping|support|supports|advise|advises|serve|serves|for|with|"
    r"helfen|hilft|unterstuetz\w*|berat\w*|fuer|mit)\b)\w+\W+)"
)


def find_kinds(text: str) -> list[str]:
    """The kinds of organisation a question asks for ("Welche Hochschulen ...").

    Only a kind word a question asks about counts ("welche", "which", "alle", "gibt es" up to
    two words before it, not "im"/"in" right before it): "smart city", "Forschungszentren im
    Netzwerk" or "our company" name no kind but the one asked for.
    """
    folded = fold(text)
    every = "|".join(re.escape(fold(w)) for kind in KINDS for w in kind.words)
    found = []
    for kind in KINDS:
        words = "|".join(re.escape(fold(w)) for w in kind.words)
        asked = rf"\b{_ASKING}\W+{_FILLER}{{0,2}}(?<!\bim )(?<!\bin )"
        # or named beside an asked kind: "welche Programme und Netzwerke", "which X or Y"
        beside = rf"{asked}(?:{every})\W+(?:und|oder|sowie|and|or)\W+(?:\w+\W+)?"
        if re.search(rf"(?:{asked}|{beside})(?:{words})(?!\w)", folded):
            found.append(kind.id)
    return found


def asks_for_founding(text: str) -> bool:
    """The question is about the founding partners."""
    return bool(_FOUNDING.search(text))
