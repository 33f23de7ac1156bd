"""Sentence splitting: one implementation for indexing, answering, attribution, cut answers."""

from __future__ import annotations

import pytest

from assistant.answer.generative import complete_sentences
from assistant.text import split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "Das KI-Center leitet Prof. Dr. habil. Erika Muster [1].",
        "Geleitet von Dipl.-Ing. Max Muster, seit 2020.",
        "Campuses in Aachen (e.g. Eupener Straße and Goethestraße) and Jülich.",
        "Mr. Smith and Ms. Jones met on 20. Mai in Aachen.",
        "Es gibt u. a. Robotik, z. B. Greifer.",
    ],
)
def test_titles_and_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert split_sentences(text) == [text]


def test_sentences_still_end_at_a_full_stop_before_a_capital() -> None:
    assert split_sentences("Die Allianz wurde 2025 gegründet. Sie hat sechs Partner.") == [
        "Die Allianz wurde 2025 gegründet.",
        "Sie hat sechs Partner.",
    ]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "Partner ist der digitalHUB Aachen e.V. Dazu kommen Unternehmen.",
            "Partner ist der digitalHUB Aachen e.V.",
        ),
        ("Themen sind Robotik, NLP etc. Die Liste wächst.", "Themen sind Robotik, NLP etc."),
    ],
)
def test_e_v_and_etc_end_a_sentence_before_a_capital(text: str, first: str) -> None:
    assert split_sentences(text) == [first, text.removeprefix(first).strip()]


@pytest.mark.parametrize(
    "text",
    [
        "Der digitalHUB Aachen e.V. bringt Start-ups und KMU zusammen.",
        "Der digitalHUB Aachen e.V. (DHA) bringt Start-ups und KMU zusammen.",
        "Seit 2024 ist der digitalHUB Aachen e.V. Gründungspartner der Allianz.",
        "Der Verein digitalHUB Aachen e.V. 2016 gegründet, hat rund 100 Mitglieder.",
        "Themen wie Robotik, NLP etc. (siehe Website) sind dabei.",
    ],
)
def test_e_v_inside_a_sentence_stays(text: str) -> None:
    assert split_sentences(text) == [text]


def test_a_list_stays_with_its_lead_in_and_paragraphs_split() -> None:
    text = "Themen:\n- Robotik\n- HPC\n\nKontakt per E-Mail."
    assert split_sentences(text) == ["Themen: • Robotik • HPC", "Kontakt per E-Mail."]


@pytest.mark.parametrize(
    ("streamed", "kept"),
    [
        ("Gegründet am 20. Mai 2025 [1]. Sie hat sechs", "Gegründet am 20. Mai 2025 [1]."),
        ("Sentence one. [1] Außerdem gibt ", "Sentence one. [1]"),
        (
            "Geleitet von Prof. Dr. Holger Hoos [1]. Er ist",
            "Geleitet von Prof. Dr. Holger Hoos [1].",
        ),
        ("Es kostet 3.2 Mrd. Euro. Und", "Es kostet 3.2 Mrd. Euro."),
        ("Zwei Sätze. Drei Sätze! Vier", "Zwei Sätze. Drei Sätze!"),
        ("Geleitet von Prof. Dr.", ""),  # a title is no end
        ("Am 20.", ""),  # nor a day
        ("Nur ein halber Satz", ""),
    ],
)
def test_a_cut_off_answer_keeps_its_complete_sentences(streamed: str, kept: str) -> None:
    assert complete_sentences(streamed) == kept
