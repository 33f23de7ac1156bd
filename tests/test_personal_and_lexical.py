"""Two pieces of the gate that are rules and word matching, not fitted: unit tests."""

import pytest

from assistant.answer.lexical import LexicalMatcher, derivation_key
from assistant.answer.personal import PersonalDataGuard, surnames
from assistant.retrieve.keyword import KeywordIndex

ORGS = ["RWTH Aachen University", "RWTH", "digitalHUB Aachen e.V.", "OecherLab", "Stadt Aachen"]
CORPUS = [
    "Oberbürgermeisterin Sibylle Keupen betonte den Austausch.",
    "Prof. Holger Hoos leitet das KI-Center.",
    "Das OecherLab liegt am Kapuzinergraben 19.",
]


@pytest.fixture
def guard() -> PersonalDataGuard:
    return PersonalDataGuard(ORGS, surnames(CORPUS))


def test_surnames_are_learnt_from_the_corpus() -> None:
    assert surnames(CORPUS) == {"keupen", "hoos"}


def test_a_given_name_ending_a_sentence_makes_no_surname(guard: PersonalDataGuard) -> None:
    """ "Fee" is a given name; "fee?" before a new line is not the start of a person's name."""
    faq = "Is there a membership fee?\n\nThere is no public information. Bis Max. Drei"
    assert surnames([*CORPUS, faq]) == {"keupen", "hoos"}
    learnt = PersonalDataGuard(ORGS, surnames([*CORPUS, faq]))
    assert not learnt.is_request("Is there a generic mailbox of the city I could e-mail?")


@pytest.mark.parametrize(
    "question",
    [
        "Wo wohnt Sibylle Keupen?",
        "wo wohnt keupen",  # no capitals, no title: the surname is known from the corpus
        "What is Holger Hoos's private mobile number?",
        "Hast du die Handynummer von Prof. Hoos?",
        "Ich will Frau Keupen direkt aufs Handy anrufen.",  # "Handy" of a person
        "Wann hat Frau Keupen Geburtstag?",
        "How old is the mayor?",
        "Wie viel verdient der Geschäftsführer?",
        "Is Holger Hoos married?",
        "What is her home address?",
        "What is the address of the director?",
        "What street does Holger Hoos live on?",
        "Where does the mayor live?",
        "Who lives at Kapuzinergraben 19?",
        "Wo genau wohnen der Bürgermeister und seine Frau?",
        "In welcher Straße wohnen Herr und Frau Hoos?",
        "Wohnen Sie in Aachen, Herr Hoos?",
    ],
)
def test_requests_for_private_data_about_people_are_recognised(
    guard: PersonalDataGuard, question: str
) -> None:
    assert guard.is_request(question)


@pytest.mark.parametrize(
    "question",
    [
        "Wie lautet die Adresse des OecherLab?",
        "What is the phone number of the digitalHUB?",
        "Wer leitet das KI-Center der RWTH?",
        "Who is the mayor of Aachen?",
        "Welche Partner arbeiten an Medizinrobotik für die Gesundheit?",
        "Hat der Rektor persönlich unterschrieben?",
        "Where was Halford Mackinder born?",  # a birthplace in a history text is not private
        "What's the average salary of an ML engineer?",
        "Our orders still live on paper and in Excel files. Who could help us?",
        "Who is the director there, so I can address the invitation correctly?",  # the verb
        # "Wohnen" is the housing department a public official heads
        "Wie heißt der Beigeordnete der Stadt für Wohnen, Soziales und Wirtschaft?",
        # a "Handy" is also what one looks at things with
        "wo konnte man die oecher people ki-porträts mitm handy anschauen?",
    ],
)
def test_ordinary_questions_are_not_taken_for_personal_data(
    guard: PersonalDataGuard, question: str
) -> None:
    assert not guard.is_request(question)


def matcher() -> LexicalMatcher:
    texts = [
        "Die AI Alliance Aachen wurde im Mai 2025 gegründet.",
        "Gründung des Hochleistungsrechenzentrums in Jülich.",
        "JUPITER hat rund 6.000 Knoten.",
    ]
    index = KeywordIndex()
    index.build(["a", "b", "c"], texts, ["de", "de", "de"])
    return LexicalMatcher(index)


def test_derivation_keys_meet_across_inflection() -> None:
    assert derivation_key("gegrund") == derivation_key("grundung") == "grund"


def test_typos_umlauts_and_compounds_still_match() -> None:
    lexical = matcher()
    text = "Die AI Alliance Aachen wurde im Mai 2025 gegründet."
    assert lexical.coverage("Gruendung der aliance", "de", text) == 1.0
    assert (
        lexical.coverage("Wie viele Rechenknoten?", "de", "JUPITER hat rund 6.000 Knoten.") == 1.0
    )
    assert lexical.coverage("Wetter morgen", "de", text) == 0.0


def test_focus_weighs_what_sets_the_question_apart() -> None:
    lexical = matcher()
    texts = ["Die AI Alliance Aachen ist ein Netzwerk.", "Die AI Alliance Aachen hat Partner."]
    question = "Wie hoch ist das Budget der AI Alliance Aachen?"
    # the alliance's name is in every text: matching it says little, "Budget" is the focus
    assert lexical.focus(question, "de", texts, texts[0]) < 0.2
    assert lexical.focus(question, "de", texts, "Das Budget beträgt 5 Mio. Euro.") > 0.8
