"""The gate on the bundled corpus: the cases the issue names, in both languages.

The gate's rates are measured by ``assistant eval`` on the frozen test splits; these are
behaviours a reader would notice at once if they broke.
"""

from pathlib import Path

import pytest

from assistant.pipeline import Assistant
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from tests.conftest import REAL_CORPUS


@pytest.fixture(scope="module")
def real(real_data_dir: Path) -> Assistant:
    return build_assistant(load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS))


@pytest.mark.parametrize(
    "question",
    [
        "Wie wird das Wetter morgen in Aachen?",
        "What will the weather be like in Aachen tomorrow?",
        "Wie backe ich einen Apfelkuchen?",
        "Write me a Python function that sorts a list.",
    ],
)
def test_out_of_domain_questions_are_abstained_as_such(real: Assistant, question: str) -> None:
    answer = real.ask(question)
    assert answer.abstained and answer.reason == "out_of_domain", answer
    assert answer.citations == []


@pytest.mark.parametrize(
    ("earlier", "question", "fact"),
    [
        (
            "Wann wurde die AI Alliance Aachen gegründet?",
            "Wie wird das Wetter morgen in Aachen?",
            "",
        ),
        ("Wann wurde die AI Alliance Aachen gegründet?", "is it snowing in aachen atm?", ""),
        ("Was ist das KI-Center der RWTH?", "und wer leitet das?", "Hoos"),
        ("Wann wurde die AI Alliance Aachen gegründet?", "und wo?", "Rathaus"),
    ],
)
def test_a_follow_up_shaped_question_about_something_else_stands_alone(
    real: Assistant, earlier: str, question: str, fact: str
) -> None:
    """Shaped like a follow-up ("das", "it", short), but out of domain on its own: not merged
    with the alliance question before it. Real follow-ups still are."""
    answer = real.ask(question, [earlier])
    if fact:
        assert not answer.abstained and fact in answer.answer, answer
    else:
        assert answer.abstained and answer.reason == "out_of_domain", answer


@pytest.mark.parametrize(
    "question",
    [
        "What is the home address of Sibylle Keupen?",
        "Wie lautet die private Handynummer von Holger Hoos?",
    ],
)
def test_personal_data_is_never_given(real: Assistant, question: str) -> None:
    answer = real.ask(question)
    assert answer.abstained and answer.reason == "personal_data"
    assert answer.citations == []
    assert "Keupen" not in answer.answer.split(".")[0]  # no quote about the person


def test_a_paraphrase_of_the_founding_question_is_answered(real: Assistant) -> None:
    answer = real.ask("Wann wurde die AI Alliance Aachen ins Leben gerufen?")
    assert not answer.abstained
    assert "20. Mai 2025" in answer.answer
    assert answer.citations and answer.confidence is not None


def test_a_figure_from_a_partner_profile_is_answered(real: Assistant) -> None:
    answer = real.ask("How many compute nodes does JUPITER have, roughly?")
    assert not answer.abstained
    assert "6,000" in answer.answer or "6.000" in answer.answer


def test_abstentions_say_why_and_where_to_ask(real: Assistant) -> None:
    answer = real.ask("Wie hoch ist der jährliche Mitgliedsbeitrag der AI Alliance Aachen?")
    assert answer.abstained and answer.reason in ("stated_unknown", "fact_missing")
    assert "aachen.de/wirtschaft" in answer.answer  # the alliance's contact route
    assert "reason" in answer.contract()


def test_an_english_question_naming_a_german_organisation_is_answered_in_english(
    real: Assistant,
) -> None:
    """The partners' names are left out when telling the language (``LanguageDetector``):
    read as German, this was judged against the German profile and abstained on."""
    assert real.detect("Forschungszentrum Jülich founding date") == "en"
    answer = real.ask("Forschungszentrum Jülich founding date")
    assert not answer.abstained and answer.lang == "en", answer
    assert "11 December 1956" in answer.answer
