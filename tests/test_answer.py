import re
from pathlib import Path

import pytest

from assistant.answer.gate import GateModel
from assistant.embeddings import CachedEmbeddings
from assistant.models import QuestionError
from assistant.pipeline import Assistant
from assistant.wiring import build_assistant
from tests.conftest import make_settings


@pytest.fixture
def fixture_assistant(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    return assistant


@pytest.fixture
def open_assistant(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    """The fixture corpus with a gate that lets everything through: tests of composing.

    The fitted gate is calibrated on real corpora (hundreds of chunks); on three fixture
    files its probabilities are not what these tests are about.
    """
    settings = make_settings(tmp_path, corpus_copy)
    assistant = build_assistant(settings, embeddings, gate_model=GateModel.always())
    assistant.index()
    return assistant


def test_german_question_gets_cited_german_answer(fixture_assistant: Assistant) -> None:
    answer = fixture_assistant.ask("Wann wurde das Testnetzwerk Musterstadt gegründet?")
    assert not answer.abstained
    assert answer.lang == "de"
    assert "3. März 2024" in answer.answer
    assert answer.answer.startswith("Laut Wissensbasis")
    assert answer.citations[0].source == "documents/testnetz.md"
    assert "[1]" in answer.answer
    assert "3. März 2024" in answer.citations[0].snippet


def test_english_question_over_german_text_says_so(open_assistant: Assistant) -> None:
    answer = open_assistant.ask("When was the Musterstadt test network founded?")
    assert answer.lang == "en"
    assert not answer.abstained
    assert "3. März 2024" in answer.answer
    assert "German sources" in answer.answer


def test_faq_question_gets_curated_answer_in_user_language(fixture_assistant: Assistant) -> None:
    de = fixture_assistant.ask("Was kostet die Mitgliedschaft im Testnetzwerk?")
    assert "beitragsfrei" in de.answer
    assert de.citations[0].source == "faq/general.yaml#faq-fee"
    en = fixture_assistant.ask("How much does membership in the test network cost?")
    assert "free of charge" in en.answer


def test_unrelated_question_is_abstained_without_sources(fixture_assistant: Assistant) -> None:
    answer = fixture_assistant.ask("Wie backe ich einen Apfelkuchen mit Zimt?")
    assert answer.abstained
    assert answer.citations == []
    assert "Geschäftsstelle des Testnetzwerks" in answer.answer  # the route from contact.yaml


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question_is_a_clear_error(fixture_assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError, match="enter a question"):
        fixture_assistant.ask(question)


def test_huge_question_is_a_clear_error(fixture_assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="too long"):
        fixture_assistant.ask("Rechenzeit " * 1000)


def test_contract_has_the_documented_keys(fixture_assistant: Assistant) -> None:
    data = fixture_assistant.ask("Wer betreibt das Hochleistungsrechenzentrum?").contract()
    assert set(data) >= {"answer", "citations", "mode", "abstained", "lang"}
    assert data["mode"] == "extractive"
    for citation in data["citations"]:
        assert set(citation) >= {"source", "title", "url", "snippet"}


def test_follow_up_carries_the_topic_over(real_data_dir: Path) -> None:
    from assistant.settings import load_settings
    from tests.conftest import REAL_CORPUS

    assistant = build_assistant(load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS))
    leader = assistant.ask("und wer leitet das?", history=["Was ist das KI-Center der RWTH?"])
    assert "Hoos" in leader.answer
    other = assistant.ask(
        "what about FH Aachen?", history=["Which AI expertise does RWTH Aachen have?"]
    )
    assert "MASKOR" in other.answer
    assert all("rwth" not in c.source for c in other.citations)
    fresh = assistant.ask("Wann wurde die AI Alliance Aachen gegründet?", history=["Wo ist JSC?"])
    assert "20. Mai 2025" in fresh.answer  # a standalone question is not mixed with history


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("und wer leitet das?", True),
        ("what about FH Aachen?", True),
        ("Gibt es dort Kurse?", True),
        ("Wann gibt es einen Programmierkurs für Lernroboter?", False),
        ("Is there a membership fee?", False),
        ("Welche Organisationen sind Gründungspartner?", False),
    ],
)
def test_follow_up_detection(question: str, follow_up: bool) -> None:
    from assistant.conversation import is_follow_up

    assert is_follow_up(question) is follow_up


def test_condense_rules() -> None:
    from assistant.conversation import condense, is_follow_up

    names = ["RWTH", "FH Aachen", "RWTH AI Center"]
    assert is_follow_up("und wer leitet das?")
    assert is_follow_up("what about FH Aachen?")
    assert not is_follow_up("Welche Förderprogramme gibt es für kleine Unternehmen in NRW?")
    assert condense("und wer leitet das?", ["Was macht das RWTH AI Center?"], names) == (
        "und wer leitet das? Was macht das RWTH AI Center?"
    )
    assert condense("what about FH Aachen?", ["What does RWTH do in AI?"], names) == (
        "what about FH Aachen? What does do in AI?"
    )
    standalone = "und wer leitet das KI-Center der RWTH?"
    assert condense(standalone, ["Who founded the alliance?"], names) == standalone
    assert condense("und wer leitet das?", [], names) == "und wer leitet das?"


def test_what_the_knowledge_base_says_is_unknown_is_never_answered_as_known(
    open_assistant: Assistant,
) -> None:
    """Even with the gate open, a "not known" statement is never quoted as the answer.

    Whether the assistant then abstains is the gate's call (measured by ``assistant eval``);
    what it must never do is present the gap sentence as an answer or invent a number.
    """
    where = open_assistant.ask("Wo ist die Geschäftsstelle des Testnetzwerks?")
    assert not where.abstained
    assert "Hauptstraße" in where.answer
    evidence, _ = open_assistant.judge("Welche Hausnummer hat die Geschäftsstelle?", "de")
    assert evidence.states_gap or any(c.states_gap for c in evidence.candidates[:3])
    assert not any(c.states_gap for c in evidence.chosen)  # quoted sentences state facts
    number = open_assistant.ask("Welche Hausnummer hat die Geschäftsstelle des Testnetzwerks?")
    assert not re.search(r"Hauptstraße \d", number.answer)


def test_partner_gaps_are_abstained_in_both_languages(fixture_assistant: Assistant) -> None:
    for question in (
        "Wie viele Beschäftigte hat die Beispiel Robotik GmbH?",
        "How many employees does Beispiel Robotik GmbH have?",
    ):
        answer = fixture_assistant.ask(question)
        assert answer.abstained, (question, answer.answer)
        assert answer.citations == []


def test_a_past_date_does_not_answer_when_the_next_one_is(fixture_assistant: Assistant) -> None:
    founded = fixture_assistant.ask("Wann wurde das Testnetzwerk Musterstadt gegründet?")
    assert "3. März 2024" in founded.answer
    upcoming = fixture_assistant.ask("Wann ist das nächste Treffen des Testnetzwerks Musterstadt?")
    assert upcoming.abstained, upcoming.answer


def test_abstention_points_to_the_partner_the_question_is_about(
    fixture_assistant: Assistant,
) -> None:
    about_partner = fixture_assistant.ask("Wie viele Beschäftigte hat die Beispiel Robotik GmbH?")
    assert about_partner.abstained
    assert "Beispiel Robotik GmbH" in about_partner.answer
    assert "vertrieb@example.org" in about_partner.answer
    assert "Geschäftsstelle des Testnetzwerks" not in about_partner.answer
    unrelated = fixture_assistant.ask("Wie backe ich einen Apfelkuchen mit Zimt?")
    assert "vertrieb@example.org" not in unrelated.answer


def test_a_forged_history_is_bounded(fixture_assistant: Assistant) -> None:
    huge = "Wann wurde das Testnetzwerk gegründet? " * 50_000  # 2 MB
    history = ["x"] * 10_000 + [huge, "   "]
    kept = fixture_assistant.check_history(history)
    assert len(kept) <= 20
    assert all(len(h) <= fixture_assistant.settings.max_question_chars for h in kept)
    assert kept[-1].startswith("Wann wurde das Testnetzwerk")  # blank entries are dropped
    answer = fixture_assistant.ask("und wer leitet es?", history)
    query = fixture_assistant.standalone("und wer leitet es?", kept)
    assert len(query) <= 2 * fixture_assistant.settings.max_question_chars
    assert answer.answer


def test_questions_do_not_wait_for_a_reindex(
    fixture_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question asked while the derived indexes are rebuilt is answered from the old ones."""
    import threading

    from assistant.retrieve import hybrid

    before = fixture_assistant.ask("Wann wurde das Testnetzwerk Musterstadt gegründet?")
    entered, release = threading.Event(), threading.Event()
    embed = hybrid.embed_matrix

    def held(*args, **kwargs):  # the rebuild stops halfway, where it used to hold the lock
        entered.set()
        release.wait(60)
        return embed(*args, **kwargs)

    monkeypatch.setattr(hybrid, "embed_matrix", held)
    rebuild = threading.Thread(  # a real change: its new sentences are embedded into the view
        target=fixture_assistant.add_document,
        args=(
            "kurs.txt",
            b"Die Testakademie bietet montags einen Kurs an.",
            {"title": "Kurs", "language": "de", "source": "https://example.org/kurs"},
        ),
    )
    rebuild.start()
    try:
        assert entered.wait(30)
        answered: list = []
        asker = threading.Thread(
            target=lambda: answered.append(
                fixture_assistant.ask("Wann wurde das Testnetzwerk Musterstadt gegründet?")
            )
        )
        asker.start()
        asker.join(20)
        assert answered, "the question waited for the rebuild"
        assert answered[0].answer == before.answer
    finally:
        release.set()
        rebuild.join(60)
    assert fixture_assistant.ask("Wann wurde das Testnetzwerk Musterstadt gegründet?").answer


def test_typos_are_mended_with_the_index_s_words_before_retrieval(
    fixture_assistant: Assistant,
) -> None:
    """ "Musterstat" is the fixture's "Musterstadt": retrieval, the gate and the quotes read it
    mended; words the index and the dictionaries know stay as written."""
    seen: list[str] = []
    retrieve = fixture_assistant.retriever.retrieve

    def spy(query: str, k: int, where: dict | None = None) -> list:
        seen.append(query)
        return retrieve(query, k, where)

    fixture_assistant.retriever.retrieve = spy  # type: ignore[method-assign]
    fixture_assistant.ask("Wo sitzt die Geschäftstelle in Musterstat?")
    assert seen[-1] == "Wo sitzt die Geschäftsstelle in Musterstadt?"
    fixture_assistant.ask("Wie wird das Wetter in Musterstadt?")
    assert seen[-1] == "Wie wird das Wetter in Musterstadt?"
