"""How to reach a partner the question names: its public contact routes, from its profile.

"Wie erreiche ich den digitalHUB?", "Kontakt MASKOR", "How do I contact the Jülich
Supercomputing Centre?" name a partner and ask how to reach it. Retrieval answered them with
whatever sentence was closest: the JSC question got the FAQ on computing time, the digitalHUB
one a statement that its member count is unpublished, "Kontakt MASKOR" an abstention. The
profile holds the answer as data (contact routes, website, location), so it is given from
there: one card per named partner, cited to its profile, never a route the profile lacks.

Only for a question that names a partner and asks how to reach it. A question for a date,
an amount or a duration ("Wann ist die Website online gegangen?") is a question about a fact
and goes to the ordinary answer; so does personal data (the pipeline asks the guard first).
"""

from __future__ import annotations

import re

from assistant.answer.answer_types import asks_for_contact, expected_type
from assistant.answer.scope import out_of_scope
from assistant.models import Answer, Citation, Lang
from assistant.partners.directory import SOURCE, Directory
from assistant.partners.listing import CONTACT, asks_a_fact, joins_alliance, kind_label
from assistant.text import fold
from index.loaders import route_lines
from index.schemas import PartnerProfile

# a mailbox or a telephone number asked for: a card without one is no answer to it
_ASKS_MAIL = re.compile(r"e-?mail|emial|mailadresse|postfach|mailbox")
_ASKS_PHONE = re.compile(r"telefon|phone|anruf|anrufen|hotline|\bcall\b")
_ASKS_PAGE = re.compile(r"webseite|website|homepage|internetseite|web ?adresse|\burl\b|web ?page")
# the kinds of answer that ask a fact about getting in, not the way in
_FACTS = ("amount", "date", "upcoming", "number", "hours")
# getting onto something a route is for: listed, registered, applied for, "rein"
_GETS_IN = re.compile(
    r"\b(listed|listing|get (in|on|onto)|register\w*|sign up|apply|application|eintrag\w*|"
    r"eingetragen|registrier\w*|anmeld\w*|beantrag\w*|aufgenommen|rein)\b"
)
# how to join, asked: "Wie kann sich unser Unternehmen an der AI Alliance Aachen beteiligen?",
# "Can we participate in the alliance as a small company?" (abstained on: the member list is
# not published); not what joining costs or when
_ASKS_HOW = re.compile(
    r"\b(wie|how|was muss|was muessen|what do|what does|can (i|we|our|my|a|small)|could (i|we)|"
    r"koennen wir|kann (ich|man|unser\w*|mein\w*)|duerfen wir|darf (ich|man)|is it possible|"
    r"ist es moeglich|moechte\w*|wollen|want|would like|wuerde\w* gern)\b"
)
_ASKS_TERMS = re.compile(
    r"\b(fees?|beitrag\w*|\w*beitraege|gebuehr\w*|kosten|kostet|costs?|price|preis)\b"
)
# a product's name as brands are written: "KI.Landkarte", "digitalCHURCH"
_PRODUCT = re.compile(r"\b\w+\.\w+\b|\b[a-z]+[A-Z]+\w*\b")
HEADING = {
    "de": "Öffentliche Kontaktwege laut Wissensbasis:",
    "en": "Public contact routes from the knowledge base:",
}
WEBSITE = {"de": "Website", "en": "Website"}
PLACE = {"de": "Ort", "en": "Location"}


class ContactCards:
    """Contact answers for the partners a question names, from the directory's profiles."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.starting_point: str | None = None  # ``corpus/contact.yaml``'s partner

    def for_joining(
        self, question: str, lang: Lang, route: str, how: bool = False
    ) -> Answer | None:
        """Whom to ask to join the alliance (``how``: or how to join): the starting point, its card.

        "Wen spreche ich an, wenn ich mit meinem Unternehmen bei der AI Alliance Aachen
        mitmachen möchte?" was abstained on ("a contact point is not published"), and a
        company asking it needs the city department that initiated the alliance: its route
        (``route``, the fallback text saying so) and the card of its profile.

        How to join is the FAQ's; when the gate abstains on it, the card is asked for with
        ``how`` ("Wie kann sich unser Unternehmen an der AI Alliance Aachen beteiligen?" and
        "Can we participate in the alliance as a small company?" met the gap statement that
        the member list is not published). Not for what joining costs or when.
        """
        profile = self.directory.profiles.get(self.starting_point or "")
        if profile is None or not joins_alliance(question):
            return None
        folded = fold(question)
        if not asks_for_contact(question) and not (
            how
            and _ASKS_HOW.search(folded)
            # a fee, a date, a number: the ordinary answer says what is known
            and expected_type(question) is None
            and not _ASKS_TERMS.search(folded)
        ):
            return None
        card = self._cards([profile], lang)
        card.answer = f"{route}\n\n{card.answer}"
        return card

    def answer(self, question: str, lang: Lang) -> Answer | None:
        """One card per named partner, or None when the question is not of that kind.

        A question naming what one of a profile's routes is for gets that profile's card too:
        "How can I get my company listed on the KI.Landkarte?", "Wer ist Ansprechpartner für
        einen Eintrag in die KI.Landkarte?" (KI.NRW's route "Eintrag in die KI.Landkarte
        beantragen"); four of the partner probe sets asked it (8, 9, 10 and 14), and got the
        ordinary answer without the partner.
        """
        if not self.directory or out_of_scope(question, names_us=True):
            return None  # "Python Skript RWTH Webseite scrapen Beispielcode" asks for code
        contact = asks_for_contact(question)
        if contact:
            named = self.directory.named_most_specific(question)
            profiles = [self.directory.profiles[i] for i in named if i in self.directory.profiles]
            if profiles and any(self._has_asked_route(question, p) for p in profiles):
                return self._cards(self._units_first(question, profiles), lang)
        folded = fold(question)
        # getting in, unless a date, an amount, a count or a duration is asked about it, also
        # in keywords ("KI.Landkarte listing fee", gold_probes9); an address or a website to
        # apply at is a way in
        gets_in = _GETS_IN.search(folded) and not asks_a_fact(question)
        if contact or (gets_in and expected_type(question) not in _FACTS):
            profiles = self._by_route(folded)
            if profiles:
                return self._cards(profiles, lang)
        return None

    def _units_first(self, question: str, named: list[PartnerProfile]) -> list[PartnerProfile]:
        """The named partners, after their units (``parent``) listing a topic the question names.

        "Whom can I contact about the RoboCup work at FH Aachen?" is for MASKOR too.
        """
        topics = self.directory.vocabulary.find(question)
        ids = {p.id for p in named}
        units = [
            p
            for p in self.directory.profiles.values()
            if p.parent in ids and p.id not in ids and set(topics) & set(p.topics)
        ]
        return units + named

    def _by_route(self, folded: str) -> list[PartnerProfile]:
        """The profiles one of whose routes is for a product the question names.

        A product is named in a route's label the way brands are written, with a dot or a
        capital inside ("Eintrag in die KI.Landkarte beantragen"), and is not the partner's own
        name ("Website des digitalHUB").
        """
        found = []
        for profile in self.directory.profiles.values():
            own = fold(f"{profile.name} {profile.short_name or ''}")
            labels = " ".join(f"{r.label.de} {r.label.en}" for r in profile.contact_routes)
            products = {fold(m) for m in _PRODUCT.findall(labels)} - set(own.split())
            if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", folded) for p in products):
                found.append(profile)
        return found

    def _cards(self, profiles: list[PartnerProfile], lang: Lang) -> Answer:
        """The contact cards of ``profiles``, numbered and cited to their profiles."""
        lines, citations = [], []
        for n, profile in enumerate(profiles, start=1):
            lines.append(f"{n}. {self._line(profile, lang)} [{n}]")
            citations.append(
                Citation(
                    n=n,
                    source=SOURCE.format(id=profile.id),
                    title=profile.name,
                    url=str(profile.website) if profile.website else None,
                    snippet=self._routes(profile, lang),
                    language=lang,
                )
            )
        return Answer(
            answer=HEADING[lang] + "\n\n" + "\n".join(lines),
            citations=citations,
            lang=lang,
            partners=[p.id for p in profiles],
            confidence=1.0,
        )

    @staticmethod
    def _has_asked_route(question: str, profile: PartnerProfile) -> bool:
        """The profile has the kind of route asked for (any, unless a mailbox or a phone).

        "Wie lautet die E-Mail-Adresse der JUPITER AI Factory?" is not answered by its website:
        that none is published is for the ordinary answer (a near-miss, abstained with the
        partner's route).
        """
        folded = fold(question)
        if _ASKS_PAGE.search(folded):  # "an e-mail address or a website?"
            return True
        if _ASKS_MAIL.search(folded):
            return any(route.email for route in profile.contact_routes)
        # profiles hold no telephone numbers: their routes are mailboxes and web pages
        return not _ASKS_PHONE.search(folded)

    def _line(self, profile: PartnerProfile, lang: Lang) -> str:
        """The line "Name (kind). Contact: routes", in the list answers' form (nothing quoted)."""
        kind = kind_label(profile, lang)
        return f"{profile.name} ({kind}). {CONTACT[lang]}: {self._routes(profile, lang)}"

    def _routes(self, profile: PartnerProfile, lang: Lang) -> str:
        """The contact routes, the website unless a route gives it, and the location."""
        parts = route_lines(profile, lang)
        website = str(profile.website) if profile.website else ""
        if website and not any(website.rstrip("/") in p for p in parts):
            parts.append(f"{WEBSITE[lang]}: {website}")
        parts.append(f"{PLACE[lang]}: {profile.location}")
        return "; ".join(parts)
