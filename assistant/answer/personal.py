"""Requests for personal data about people: never answered, whatever the documents hold.

Public roles are fair game ("who heads the RWTH AI Center?"); private data is not: where
someone lives, their private or mobile number, private e-mail, birthday or age, family,
salary, health. This is a policy, not a relevance judgement, so it is a rule and not part of
the fitted gate: the gate learns what the knowledge base can answer, this says what it must
not, even when a document happens to contain it.

A question is such a request when it asks for a private attribute and its subject is a person,
not an organisation: "Handynummer von Holger Hoos" is refused, "Telefonnummer des digitalHUB"
is an ordinary (near-miss) question for the gate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.text import fold

# attributes only people have: where someone lives, their private lines, birth, marriage
_INHERENTLY_PERSONAL = re.compile(
    # "wohnen", but not the housing a department is for: "der Beigeordnete für Wohnen,
    # Soziales und Wirtschaft", "Bauen und Wohnen"
    r"(?<!fuer )(?<!für )(?<!und )\bwohnen\b(?!,| und)|"
    r"\b(wohnt|wohnort|wohnadresse|heimadresse|privatadresse|privatanschrift|privatnummer|"
    r"private (?:nummer|adresse|anschrift|e-?mail|mail\w*|handy\w*|telefon\w*)|"
    r"private? (?:number|address|e-?mail|phone|mobile|cell)|personal (?:number|address|"
    r"e-?mail|phone|mobile|cell\w*)|home address|home phone|does \w+( \w+)? live|who lives|"
    r"handynummer|mobilnummer|mobile number|cell ?phone|geburtstag|geburtsdatum|"
    r"birthday|date of birth|wann \w+( \w+)* geboren|when was \w+( \w+)* born)\b"
)
# attributes that are private when a person is their subject ("age of Prof. X", "salary of
# the mayor"), and ordinary questions otherwise ("address of the OecherLab")
_PERSONAL_IF_PERSON = re.compile(
    # "lives", "live on" only of a person: "orders still live on paper" is no address question
    r"\b(wie alt|how old|age|alter|familie|family|kinder|children|kids|gehalt|salary|lives|live on|"
    r"verheiratet|married|ehemann|ehefrau|husband|wife|"
    r"verdient|verdienen|earns?|einkommen|income|vermoegen|net worth|religion|konfession|"
    r"gesundheit|health|krank\w*|privat\w*|private|personal|adresse|anschrift|"
    # "address" the noun, not the verb: "Who is the director, so I can address the invitation?"
    r"address(?! (?:the|an?|it|this|that|our|my|your|them|him|her|these|those|us)\b)|"
    # a "Handy" is also what one views things with ("Porträts mitm Handy anschauen")
    r"nummer|number|telefon\w*|phone|handy|e-?mail|mail ?adresse)\b"
)
# words that make a person the subject: titles, roles, unambiguous pronouns ("Sie" and "ihr"
# are also the polite "you"/"your" in German, so they do not count)
_PERSON = re.compile(
    r"\b(prof|professor\w*|dr|frau|herr|mr|mrs|ms|seine[nmrs]?|she|he|her|his|him|"
    r"oberbuergermeister\w*|buergermeister\w*|mayor|beigeordnete\w*|ceo|"
    r"geschaeftsfuehrer\w*|chef\w*|boss|direktor\w*|director|leiter\w*|sprecher\w*|"
    r"minister\w*|inhaber\w*|owner)\b"
)
# frequent given names (German and English usage): "Sibylle Keupen", "holger hoos" name a
# person whatever the capitalisation; the surnames that follow them in the corpus are learnt
FIRST_NAMES = frozenset(
    """
    adam alexander alexandra alina andrea andreas angela angelika anja anke anna anne
    annette antje barbara bastian ben benjamin bernd bettina birgit bjoern brigitte
    carsten charlotte chris christian christiane christina christine christoph claudia
    clemens cornelia daniel daniela david dennis dieter dirk dominik doris elena elisabeth
    emily emma eric erik eva fabian fee felix florian frank franziska friedrich gabriele
    georg gerhard gregor guenter hannah hans hector heike heinz helga helmut hendrik
    henrik holger ina ines ingo irina jan jana jens joachim johanna johannes jonas joerg
    josef julia julian juergen kai karin karl katharina katja kathrin kerstin klaus
    konstantin kristina lars laura lea lena leon lisa lukas manfred manuel marc marcel
    marco marcus maria marie mario markus martin martina matthias max maximilian melanie
    michael michaela monika nadine nicole niklas nils nina norbert olaf oliver patrick
    paul peter petra philipp rainer ralf ralph regina reinhard robert roland rolf ruediger
    sabine sandra sarah sascha sebastian silke simon simone sibylle sonja stefan stefanie
    steffen stephan susanne sven swen tanja thomas thorsten tim tobias torsten ulrich
    ulrike ursula ute uwe volker walter werner wil wolfgang yvonne james john robert mary
    patricia jennifer linda elizabeth william richard joseph charles susan jessica karen
    nancy betty margaret steven kevin brian george edward ronald anthony kimberly donna
    emily michelle carol amanda melissa deborah rebecca laura helen
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_WORD = re.compile(r"[A-Za-zÄÖÜäöüßéè-]+")
# a capitalised word and the capitalised word right after it on the same line: "Holger Hoos".
# Not across punctuation or lines: "Is there a membership fee?\n\nThere is ..." once made
# "There" a surname ("Fee" is a given name), and every question with "there" and "e-mail"
# was refused as a personal-data request.
_NAME_PAIR = re.compile(r"(?=\b([A-ZÄÖÜ][a-zäöüßéè]+)[ \t]+([A-ZÄÖÜ][A-Za-zÄÖÜäöüßéè-]{2,}))")


def surnames(texts: Iterable[str]) -> set[str]:
    """Folded surnames of people named in ``texts``: the word after a known given name."""
    found: set[str] = set()
    for text in texts:
        for match in _NAME_PAIR.finditer(text):
            if fold(match.group(1)) in FIRST_NAMES:
                found.add(fold(match.group(2)))
    return found


class PersonalDataGuard:
    """Recognises requests for private data about people, given the corpus's organisations."""

    def __init__(self, organisations: Iterable[str] = (), people: Iterable[str] = ()) -> None:
        self.organisations = [fold(o) for o in organisations if o]
        self.people = {fold(p) for p in people if p}  # surnames known from the corpus

    def is_request(self, question: str) -> bool:
        """True when ``question`` asks for private data about a person."""
        folded = fold(question)
        person = self._names_person(folded)
        if _INHERENTLY_PERSONAL.search(folded):
            return person or not self._names_organisation(folded)
        return bool(_PERSONAL_IF_PERSON.search(folded)) and person

    def _names_person(self, folded: str) -> bool:
        if _PERSON.search(folded):
            return True
        words = [w.strip("-") for w in _WORD.findall(folded)]
        given = any(w in FIRST_NAMES for w in words[:-1] if words)
        return given or any(w in self.people for w in words)

    def names_organisation(self, question: str) -> bool:
        """The question names an organisation of the corpus."""
        return self._names_organisation(fold(question))

    def _names_organisation(self, folded: str) -> bool:
        return any(_word_in(o, folded) for o in self.organisations)


def _word_in(name: str, folded: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded) is not None
