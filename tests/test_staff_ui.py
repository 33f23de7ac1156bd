"""The staff tab's callbacks: nothing is shown or changed without the password."""

from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.wiring import build_assistant
from tests.conftest import make_settings
from ui import staff


@pytest.fixture
def staffed(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    settings = make_settings(tmp_path, corpus_copy, staff_password="geheim")
    assistant = build_assistant(settings, embeddings)
    assistant.index()
    return assistant


def test_password_is_checked(staffed: Assistant) -> None:
    assert staff.unlock(staffed, "geheim")[0] is True
    assert staff.unlock(staffed, "GEHEIM")[0] is False
    assert staff.unlock(staffed, "")[0] is False


def test_locked_callbacks_show_and_change_nothing(staffed: Assistant, tmp_path: Path) -> None:
    staffed.record("Wer ist die Geschäftsführerin?", Answer(answer="?", abstained=True))
    upload = tmp_path / "neu.txt"
    upload.write_text("Ein neues Dokument über das Testnetzwerk Musterstadt.", encoding="utf-8")
    before = staffed.corpus_file("faq/general.yaml")

    assert staff.feedback_view(staffed, False) == (staff.LOCKED, [], [])
    assert staff.add_document(staffed, False, str(upload), "Neu", "de", "https://x.org") == (
        staff.LOCKED
    )
    assert staff.load_file(staffed, False, "faq/general.yaml") == ""
    assert staff.save_file(staffed, False, "faq/general.yaml", "entries: []\n") == staff.LOCKED
    assert not (staffed.settings.corpus_dir / "documents" / "neu.txt").exists()
    assert staffed.corpus_file("faq/general.yaml") == before

    overview, unanswered, _ = staff.feedback_view(staffed, True)
    assert "**1** Fragen" in overview
    assert unanswered[0][0] == "Wer ist die Geschäftsführerin?"


def test_invalid_edit_reports_its_problems(staffed: Assistant) -> None:
    message = staff.save_file(staffed, True, "faq/general.yaml", "entries: [oops\n")
    assert message.startswith("❌") and "faq/general.yaml:" in message
    saved = staff.save_file(
        staffed,
        True,
        "faq/general.yaml",
        staffed.corpus_file("faq/general.yaml").replace("beitragsfrei", "kostenlos"),
    )
    assert saved.startswith("✅")
    assert "kostenlos" in staffed.ask("Was kostet die Mitgliedschaft im Testnetzwerk?").answer


def test_without_feedback_log_the_view_says_so(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    settings = make_settings(tmp_path, corpus_copy, staff_password="x", feedback=False)
    assistant = build_assistant(settings, embeddings)
    assert assistant.record("Frage?", Answer(answer="a")) is None
    assert "ASSISTANT_FEEDBACK=false" in staff.feedback_view(assistant, True)[0]
