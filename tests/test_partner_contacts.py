"""Contact cards: a question naming a partner and asking how to reach it (unit + real corpus)."""

from pathlib import Path

import pytest

from assistant.answer.answer_types import asks_for_contact
from assistant.partners.contacts import ContactCards
from assistant.partners.directory import Directory
from assistant.partners.vocabulary import TopicVocabulary
from assistant.pipeline import Assistant
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from index.schemas import PartnerProfile, TopicsFile
from tests.conftest import REAL_CORPUS


def profile(id: str, name: str, **extra) -> PartnerProfile:
    return PartnerProfile.model_validate(
        {
            "id": id,
            "name": name,
            "kind": "institute",
            "topics": ["robotics"],
            "description": {"de": "Ein Institut.", "en": "An institute."},
            "location": "Musterweg 1, Aachen",
            "website": f"https://example.org/{id}",
            "sources": ["https://example.org"],
            "last_verified": "2026-11-27",
            **extra,
        }
    )


@pytest.fixture
def cards() -> ContactCards:
    directory = Directory()
    mailbox = {"label": {"de": "Postfach", "en": "Mailbox"}, "email": "info@example.org"}
    directory.profiles = {
        p.id: p
        for p in [
            profile("uni", "Musteruni Aachen", short_name="Musteruni"),
            profile("center", "Musteruni Center for AI (KI-Zentrum)", contact_routes=[mailbox]),
        ]
    }
    return ContactCards(directory)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Wie erreiche ich die Musteruni?", True),
        ("Kontakt Musteruni", True),
        ("How do I get in touch with the Musteruni?", True),
        ("An wen wende ich mich bei der Musteruni?", True),
        ("Welche Webseite hat die Musteruni?", True),
        ("Welche Leistung erreicht der Rechner?", False),  # "erreicht" is no way to reach
        ("What is the programme called?", False),
        ("Wann ist die Website online gegangen?", False),  # a date about it
        ("Which professor heads the institute, so we can contact them?", False),  # a person
        ("Wie heißt die Ansprechperson der Musteruni?", False),
        ("Wie heißt die Webseite der Musteruni?", True),
    ],
)
def test_contact_questions_are_told_from_questions_about_facts(question: str, asks: bool) -> None:
    assert asks_for_contact(question) is asks


def test_a_card_gives_routes_website_and_place_cited_to_the_profile(cards: ContactCards) -> None:
    answer = cards.answer("Wie erreiche ich das KI-Zentrum?", "de")
    assert answer is not None and answer.partners == ["center"]
    assert "Postfach: info@example.org" in answer.answer
    assert "Website: https://example.org/center" in answer.answer
    assert "Ort: Musterweg 1, Aachen" in answer.answer
    assert answer.citations[0].source == "partners/center.yaml"
    assert answer.answer.rstrip().endswith("[1]")


def test_a_partner_named_inside_another_name_is_not_carded_too(cards: ContactCards) -> None:
    answer = cards.answer("How do I contact the Musteruni Center for AI?", "en")
    assert answer is not None and answer.partners == ["center"]
    both = cards.answer("Kontakt Musteruni und KI-Zentrum", "de")
    assert both is not None and both.partners == ["uni", "center"]


def test_no_card_without_a_named_partner_or_without_the_asked_route(cards: ContactCards) -> None:
    assert cards.answer("Wie erreiche ich die Geschäftsstelle?", "de") is None
    assert cards.answer("Wie erreiche ich die Musteruni?", "de") is not None
    # a mailbox asked for and none published: the ordinary answer says so
    assert cards.answer("Welche E-Mail-Adresse hat die Musteruni?", "de") is None
    assert cards.answer("Welche E-Mail-Adresse hat das KI-Zentrum?", "de") is not None
    assert cards.answer("Telefonnummer der Musteruni?", "de") is None
    # "a mailbox or a website?": the website answers it
    assert cards.answer("Hat die Musteruni eine E-Mail-Adresse oder eine Website?", "de")
    # code asked for is out of scope, whoever's website it is about
    assert cards.answer("Python Skript Musteruni Webseite scrapen Beispielcode", "de") is None


@pytest.fixture(scope="module")
def real(real_data_dir: Path) -> Assistant:
    return build_assistant(load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS))


@pytest.mark.parametrize(
    ("question", "partner", "route"),
    [
        ("Kontakt MASKOR", "fh-aachen-maskor", "fh-aachen.de"),
        (
            "How do I contact the Jülich Supercomputing Centre?",
            "juelich-supercomputing-centre",
            "fz-juelich.de",
        ),
        ("Wen spreche ich beim digitalHUB an?", "digitalhub-aachen", "aachen.digital"),
    ],
)
def test_real_questions_naming_a_partner_get_its_card(
    real: Assistant, question: str, partner: str, route: str
) -> None:
    answer = real.ask(question)
    assert answer.partners == [partner] and not answer.abstained
    assert route in answer.answer


def test_personal_data_about_a_named_partner_gets_no_card(real: Assistant) -> None:
    for question in (
        "Wie erreiche ich Sibylle Keupen privat bei der Stadt Aachen?",
        "How do I contact Holger Hoos of the RWTH AI Center privately?",
    ):
        answer = real.ask(question)
        assert answer.abstained and answer.reason == "personal_data" and not answer.partners


def test_whom_to_contact_to_join_gets_the_starting_point_and_its_card(cards: ContactCards) -> None:
    cards.starting_point = "uni"
    question = "Wen spreche ich an, wenn ich bei der AI Alliance Aachen mitmachen möchte?"
    answer = cards.for_joining(question, "de", "Erster Ansprechpartner ist die Musteruni.")
    assert answer is not None and answer.partners == ["uni"]
    assert answer.answer.startswith("Erster Ansprechpartner ist die Musteruni.")
    assert "Musteruni Aachen" in answer.answer and answer.citations[0].source.endswith("uni.yaml")
    english = cards.for_joining("Whom do I contact to join the alliance?", "en", "Ask the uni.")
    assert english is not None and english.partners == ["uni"]
    # joining without asking whom to contact is for the FAQ; contact without joining is not this
    assert cards.for_joining("Wie kann ich der AI Alliance Aachen beitreten?", "de", "") is None
    assert cards.for_joining("An wen wende ich mich bei der Musteruni?", "de", "") is None
    # ... unless the gate abstained on it (``how``); not what joining costs, nor others joining
    how = cards.for_joining(
        "Wie kann sich unser Unternehmen an der AAA beteiligen?", "de", "", True
    )
    assert how is not None and how.partners == ["uni"]
    small = cards.for_joining("Can we participate in the alliance as a small firm?", "en", "", True)
    assert small is not None and small.partners == ["uni"]
    assert cards.for_joining("Was kostet es, der Allianz beizutreten?", "de", "", True) is None
    assert cards.for_joining("Which networks take part in the alliance?", "en", "", True) is None
    cards.starting_point = None  # contact.yaml names no profile
    assert cards.for_joining(question, "de", "") is None


def test_naming_the_product_a_route_is_for_gets_its_partner_s_card() -> None:
    directory = Directory()
    listing = {
        "label": {"de": "Eintrag in die Muster.Karte beantragen", "en": "Request a listing"},
        "url": "https://example.org/karte/eintrag",
    }
    directory.profiles = {
        "net": profile("net", "Musternetz NRW", contact_routes=[listing]),
        "uni": profile("uni", "Musteruni Aachen"),
    }
    cards = ContactCards(directory)
    for question in (
        "How can I get my company listed on the Muster.Karte?",
        "Wer ist Ansprechpartner für einen Eintrag in die Muster.Karte?",
    ):
        answer = cards.answer(question, "en")
        assert answer is not None and answer.partners == ["net"], question
        assert "https://example.org/karte/eintrag" in answer.answer
    assert cards.answer("Wie viele Einträge hat die Muster.Karte?", "de") is None  # a fact
    assert cards.answer("Was ist die Muster.Karte?", "de") is None  # not how to get in
    assert cards.answer("Muster.Karte listing fee", "en") is None  # an amount, in keywords
    # an address to apply at is a way in
    address = cards.answer(
        "Unter welcher Adresse kann ich mich für die Muster.Karte eintragen?", "de"
    )
    assert address is not None and address.partners == ["net"]
    assert cards.answer("Whom can I contact about research?", "en") is None  # no product named


def test_a_unit_of_the_named_partner_working_on_the_asked_topic_gets_a_card_first() -> None:
    topics = TopicsFile.model_validate(
        {
            "topics": [
                {
                    "id": "robotics",
                    "de": "Robotik",
                    "en": "Robotics",
                    "synonyms": {"de": ["RoboCup"], "en": ["RoboCup"]},
                }
            ]
        }
    )
    directory = Directory(TopicVocabulary(topics))
    directory.profiles = {
        "uni": profile("uni", "Musteruni Aachen"),
        "lab": profile("lab", "Roboterlabor Muster", parent="uni"),
        "other": profile("other", "Anderes Labor", parent="uni", topics=["hpc"]),
    }
    cards = ContactCards(directory)
    answer = cards.answer("Whom can I contact about the RoboCup work at Musteruni Aachen?", "en")
    assert answer is not None and answer.partners == ["lab", "uni"]
    plain = cards.answer("How do I contact Musteruni Aachen?", "en")
    assert plain is not None and plain.partners == ["uni"]  # no topic asked: the named one only
