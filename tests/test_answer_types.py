"""The cheap guards of extractive answering: expected answer types and "not known" sentences."""

import datetime as dt

import pytest

from assistant.answer.answer_types import (
    asked_noun,
    asks_for_contact,
    expected_type,
    has_expected_type,
    shares_number,
)
from assistant.text import is_gap_statement

TODAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wann wurde es gegründet?", "date"),
        ("In which year was the centre founded?", "date"),
        ("Wann ist das nächste Treffen?", "upcoming"),
        ("When is the next event?", "upcoming"),
        ("Wie viel Geld bekommt mein Unternehmen?", "amount"),
        ("How much funding can we get?", "amount"),
        ("How many members are there?", "number"),
        # written as one word, as often in chat
        ("wieviele nodes hat jupiter so ca?", "number"),
        ("Wieviel Fördergeld gibt es?", "amount"),
        ("What is the house number?", "number"),
        ("Wie lautet die Telefonnummer?", "phone"),
        ("Who is the managing director?", "role"),
        ("Wer leitet das Zentrum?", "role"),
        # a fee, a price or a budget is an amount of money; a prize is not a price
        ("How much is the annual membership fee?", "amount"),
        ("Wie hoch ist der jährliche Mitgliedsbeitrag?", "amount"),
        ("What is Forschungszentrum Jülich's annual budget?", "amount"),
        ("How many euros is a voucher worth?", "amount"),
        ("Was ist der Karlspreis?", None),
        ("Who spoke at the event?", None),
        ("Was macht das Zentrum?", None),
        # a typo in the word that asks does not hide what it asks for
        ("What is the e-mial adress of the office?", "email"),
        ("Wie lautet die Adrese vom OecherLab?", "address"),
        ("Welche Öfnungszeiten hat das Lab?", "hours"),
        # "address" the verb asks for no postal address
        ("Who is the director there, so I can address the invitation?", "role"),
        ("How should we address the mayor?", None),
        ("Can you address my concern?", None),
        ("Where should we address the invoice?", "address"),  # where to send it
        ("What address can I use for the OecherLab?", "address"),
        # asked in keywords or mid-sentence
        ("RWTH AI Week 2026 dates", "date"),
        ("Gründungsjahr KI-Center RWTH", "date"),
        ("An welchen Tagen findet die KI-Woche statt?", "date"),
        ("The drought hit the south in what year?", "date"),
        ("number of RWTH spin-offs in 2024", "number"),
        ("Gründungsveranstaltung Teilnehmerzahl", "number"),
        ("Welche Daten sammelt das Zentrum?", None),  # data, not dates
        ("It led to an increased number of students of what origin?", None),
        # keywords alone: the money, count or date word anywhere (gold_probes9)
        ("KI.Landkarte listing fee", "amount"),
        ("Zukunftszentrum KI NRW advice cost", "amount"),
        ("KI-Kooperation RWTH Eindhoven Leuven Budget", "amount"),
        ("Fördervolumen JUPITER AI Factory", "amount"),
        ("Mit welcher Summe wird die JUPITER AI Factory gefördert?", "amount"),
        ("Zukunftszentrum KI NRW number of partners", "number"),
        ("Forschungszentrum Jülich founding date", "date"),
        ("Karlspreis 2025 Preisträger", None),  # a prize
        ("JUPITER AI Factory Preise pro GPU-Stunde", "amount"),
        ("Welche Preise hat das RoboCup-Team gewonnen?", None),  # prizes
        ("Wer hatte einen Redebeitrag bei der Gründung?", None),
        # "when" opening a later sentence; "another" asks for the next one; "kostet"
        ("is there gonna be another AIxChange? when?", "upcoming"),
        ("kostet der eintrag in die ki landkarte was", "amount"),
        ("wo war nochmal die ausstellung im januar 2026?", None),  # "again": a past one
        # "another" beside a year is not the next one; a first name is not a fee
        ("The 2021 edition ran into September - was it combined with another event?", None),
        ("Fee Damm Unternehmen", None),
        ("KI.Landkarte Listing Fee Höhe", "amount"),
        ("Membership Fee For Companies", "amount"),
        # a longer message: what its question asks, not what its context tells (gold_probes10)
        (
            "Wir überlegen, ob wir eine künftige KI-Woche sponsern. "
            "Welches Unternehmen war Sponsor der KI-Woche 2025?",
            None,
        ),
        ("Ich plane die nächste Klassenfahrt. Wo fand der Familientag 2023 statt?", None),
        ("Ich plane die nächste Klassenfahrt. Wann war der Familientag?", "date"),
        ("Das digitalCHURCH liegt in Aachen. Wann ist die nächste KI-Woche?", "upcoming"),
        # a question asking in no words of its own is read whole
        ("Mir fehlt noch, wie hoch der Mitgliedsbeitrag ist. Weißt du das?", "amount"),
        # ... and so is a question pointing back to what the message told
        ("Die nächste KI-Woche interessiert mich. Wann findet sie statt?", "upcoming"),
        ("I need the phone number of the AI Center. Where can I find it?", "phone"),
        ("Der Mitgliedsbeitrag interessiert mich. Wie hoch ist er?", "amount"),
    ],
)
def test_expected_type_of_questions(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


def test_a_typo_in_a_mailbox_question_still_asks_how_to_reach_someone() -> None:
    """ "e-mial" kept the mailbox line of a profile out of the quotes (gold_probes5)."""
    assert asks_for_contact("What is the e-mial adress of the business development office?")
    assert asks_for_contact("whats the emial of the digitalhub")


def test_sentences_must_carry_the_expected_type() -> None:
    def ok(question: str, sentence: str) -> bool:
        return has_expected_type(question, [sentence], TODAY)

    assert ok("Wann wurde es gegründet?", "Es wurde am 3. März 2024 gegründet.")
    assert not ok("Wann wurde es gegründet?", "Es liegt im Ratssaal.")
    assert ok("Wann ist der Kurs?", "Der Kurs ist jeden Donnerstag.")
    assert not ok("What is the house number?", "It is on Jülicher Straße.")
    assert ok("How many members?", "It had 235 members in 2018.")
    assert ok("How much funding did it get?", "It was funded with €14.7 M.")
    assert not ok("Wie viel Geld gibt es genau?", "Seit 1. Januar 2026 gibt es Gutscheine.")
    assert ok("Wer leitet es?", "Prof. Hoos leitet es.")
    assert ok("What is the phone number?", "Call +49 241 432-0.")
    assert not ok("What is the phone number?", "The office opened on 1 December 2018.")
    assert not ok("Who is the managing director?", "It is a network of five partners.")
    assert ok("Who spoke?", "Anything goes for untyped questions.")
    # a count is not the digits of a date; a count written out is one
    assert not ok("How many guests attended?", "It was founded on 20 May 2025 in the hall.")
    assert not ok("Wie viele Mitarbeitende hat es?", "Es wurde am 23. August 2023 eröffnet.")
    assert ok("How many universities does Newcastle have?", "Newcastle has two universities.")
    assert ok("Wie viele Knoten hat JUPITER?", "Er hat rund 6.000 Knoten (Stand 2025).")
    # that something costs nothing answers what it costs
    assert ok("Was kostet die Beratung?", "Die Beratung ist kostenlos.")
    assert not ok("How much is the membership fee?", "The alliance was founded in May 2025.")


def test_a_date_count_or_amount_asked_for_a_year_must_stand_beside_that_year() -> None:
    def ok(question: str, sentence: str) -> bool:
        return has_expected_type(question, [sentence], TODAY)

    assert not ok("number of RWTH spin-offs in 2024", "RWTH counted 101 spin-offs in 2021.")
    assert ok("number of RWTH spin-offs in 2021", "RWTH counted 101 spin-offs in 2021.")
    assert not ok("RWTH AI Week 2026 dates", "In 2021 it ran from 31 August to 3 September.")
    assert ok("Wie viele Mitglieder hatte der Hub 2019?", "235 Mitglieder 2018, 290 in 2019.")
    # a decade is a date
    assert ok("In what year was the highway system created?", "Created in the 1950s.")


def test_next_means_on_or_after_today() -> None:
    def ok(sentence: str) -> bool:
        return has_expected_type("Wann ist das nächste Treffen?", [sentence], TODAY)

    assert not ok("Das Treffen fand am 20. Mai 2025 statt.")
    assert not ok("It took place in October 2026.")
    assert ok("Das nächste Treffen ist am 3. Dezember 2026.")
    assert ok("The next meeting is planned for November 2026.")  # read at the month's end
    assert ok("Die nächste KI-Woche ist 2027.")
    assert not ok("Seit 2017 trifft man sich in der digitalCHURCH.")


def test_shared_numbers() -> None:
    assert shares_number("Wie viele Mitglieder hatte er 2018?", "2018 zählte er 235 Mitglieder.")
    assert not shares_number("Wie viele Mitglieder hatte er 2018?", "2019 waren es 290.")
    assert not shares_number("Wie viele Mitglieder hat er?", "2019 waren es 290.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Eine Hausnummer nennen die Quellen nicht.",
        "Die aktuellen Förderbeträge sind nicht geprüft.",
        "Ein Beitrittsverfahren ist nicht veröffentlicht.",
        "Dazu gibt es keine Angaben.",
        "Das Gründungsjahr ist unbekannt.",
        "The sources give no house number.",
        "No joining procedure has been published.",
        "The public sources say nothing about the memorandum.",
        "The current amounts have not been verified.",
    ],
)
def test_gap_statements_are_recognised(sentence: str) -> None:
    assert is_gap_statement(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Die Teilnahme ist nicht kostenpflichtig.",
        "Die Allianz wurde am 20. Mai 2025 gegründet.",
        "The alliance is open to further actors.",
        "It was not until 2017 that the hub moved.",
    ],
)
def test_ordinary_sentences_are_not_gap_statements(sentence: str) -> None:
    assert not is_gap_statement(sentence)


@pytest.mark.parametrize(
    ("question", "lang", "noun"),
    [
        ("Welche Hochschule hängt beim AI Village in Hürth mit drin?", "de", "Hochschule"),
        ("Welche deutsche Hochschule ist dabei?", "de", "Hochschule"),
        ("welche partner gibt es in aachen?", "de", "partner"),  # lower case: the first word
        ("welche firmen machen mit?", "de", "firmen"),
        ("Welche Art von Partner sucht ihr?", "de", "Partner"),
        ("We are a company which builds robots. Which partner works on it?", "en", "partner"),
        ("Wie viele Arbeitsplätze entstehen in Bergheim?", "de", "Arbeitsplätze"),
        ("Was für eine Einrichtung ist das Lamarr-Institut?", "de", "Einrichtung"),
        ("how many jobs do the data centres bring?", "en", "jobs"),
        ("What kind of institution is Lamarr?", "en", "institution"),
        ("Which company sponsored the AI Week?", "en", "company"),
        # no noun asked for
        ("What makes JUPITER unique?", "en", None),
        ("What is the Lamarr Institute?", "en", None),
        ("Which of the partners works on robotics?", "en", None),
        ("Welche ist die größte?", "de", None),
        ("Wer leitet das KI-Center?", "de", None),
        ("Gründungsdatum AI Alliance Aachen", "de", None),
        ("In welchem Jahr wurde der digitalHUB gegründet?", "de", None),  # the date type asks
        ("Welche gibt es in Aachen?", "de", None),
    ],
)
def test_the_noun_a_question_word_asks_for(question: str, lang: str, noun: str | None) -> None:
    assert asked_noun(question, lang) == noun
