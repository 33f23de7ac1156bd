"""German or English: the language a question is answered in and matched against."""

from __future__ import annotations

import pytest

from assistant.language import LanguageDetector, detect_language


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        # no stop word at all: the n-gram model decides
        ("JUPITER supercomputer inauguration date", "en"),
        ("digitalHUB crowdfunding amount", "en"),
        ("MID vouchers first NRW.BANK lottery date", "en"),
        ("Gründungsdatum Forschungszentrum Jülich", "de"),
        ("Fördervolumen JUPITER AI Factory", "de"),
        # no clear vote ("was" counts for both), a German place name with an umlaut
        ("When was Europe's first exascale supercomputer in Jülich inaugurated?", "en"),
        ("was machen die vom maskor institut eigentlich so?", "de"),
        ("Hürth AI Village funding amount", "en"),
        # clear votes stay with the vote
        ("Wer leitet das Jülich Supercomputing Centre?", "de"),
        ("Who is the director of the Jülich Supercomputing Centre?", "en"),
        ("Wann war die Eröffnung in Hürth?", "de"),
        # in a text of a few words any lead decides
        ("Hallo", "de"),
        ("Thanks!", "en"),
    ],
)
def test_short_questions_and_german_names_are_read_in_their_language(
    question: str, lang: str
) -> None:
    assert detect_language(question) == lang


def test_text_without_words_or_known_n_grams_gets_the_default() -> None:
    assert detect_language("?!", default="en") == "en"
    assert detect_language("") == "de"
    assert detect_language("KI", default="en") == "en"  # the n-grams tie
    assert detect_language("KI") == "de"


def test_the_names_of_organisations_do_not_vote() -> None:
    """A German name in an English question read it as German (gold_probes2-9)."""
    detect = LanguageDetector(["Forschungszentrum Jülich", "Zukunftszentrum KI NRW", "OecherLab"])
    assert detect_language("When was Forschungszentrum Jülich fonded?") == "de"
    assert detect("When was Forschungszentrum Jülich fonded?") == "en"
    assert detect("Forschungszentrum Jülich founding date") == "en"
    assert detect("zukunftszentrum ki nrw number of partners") == "en"  # any case
    assert detect("Wann wurde das Forschungszentrum Jülich gegründet?") == "de"
    # with fewer than two words left the name stays in
    assert detect("OecherLab Adresse") == detect_language("OecherLab Adresse") == "de"
    # names are whole words: "Lab" of "OecherLab" is not taken out of "Laboratory"
    assert LanguageDetector(["Lab"])("Laboratory opening hours") == "en"
