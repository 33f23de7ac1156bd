"""The staff tab's callbacks: nothing is shown or changed without a login, logins are throttled,
changes are audited under the logged-in name, and no exception text reaches the browser."""

import datetime as dt
import logging
import stat
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.staff_accounts import StaffAccounts
from assistant.wiring import build_assistant
from tests.conftest import make_settings
from ui import staff, staff_forms, staff_insights, staff_partner
from ui.app import build_ui

PASSWORD = "korrekt-pferd-batterie"


def with_accounts(assistant: Assistant, bootstrap: str | None = "geheim") -> StaffAccounts:
    """Fast hashes for tests (the wiring's default is 12 rounds, ~0.2 s a check)."""
    accounts = StaffAccounts(assistant.settings.staff_path, 5, 15.0, bootstrap=bootstrap, rounds=4)
    assistant.staff = accounts
    return accounts


@pytest.fixture
def staffed(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    settings = make_settings(tmp_path, corpus_copy, staff_password="geheim")
    assistant = build_assistant(settings, embeddings)
    with_accounts(assistant).add("anna", PASSWORD)
    assistant.index()
    return assistant


def test_name_and_password_are_checked(staffed: Assistant) -> None:
    assert staff.login(staffed, "anna", PASSWORD, "10.0.0.1")[0] == "anna"
    assert staff.login(staffed, " anna ", PASSWORD, "10.0.0.1")[0] == "anna"
    assert staff.login(staffed, "staff", "geheim", "10.0.0.1")[0] == "staff"  # bootstrap
    assert staff.login(staffed, "", "geheim", "10.0.0.1")[0] == "staff"  # its password alone
    wrong = staff.login(staffed, "anna", "GEHEIM", "10.0.0.2")
    unknown = staff.login(staffed, "niemand", PASSWORD, "10.0.0.3")
    assert wrong == unknown == ("", staff.WRONG)  # the same answer: no names revealed
    assert staff.login(staffed, "", "", "10.0.0.4") == ("", staff.WRONG)
    assert staff.login(staffed, "", PASSWORD, "10.0.0.4") == ("", staff.WRONG)


def test_lockout_is_shown_in_both_languages(staffed: Assistant) -> None:
    for _ in range(5):
        assert staff.login(staffed, "anna", "falsch", "10.0.0.9") == ("", staff.WRONG)
    user, message = staff.login(staffed, "anna", PASSWORD, "10.0.0.9")
    assert user == ""
    assert "Zu viele Fehlversuche" in message and "Too many failed attempts" in message
    assert "15 Minute(n)" in message
    # an unknown name locks the same way, so the lock says nothing about existence either
    for _ in range(5):
        staff.login(staffed, "niemand", "falsch", "10.0.1.9")
    assert staff.login(staffed, "niemand", "falsch", "10.0.2.9")[1] == message


def test_locked_callbacks_show_and_change_nothing(staffed: Assistant, tmp_path: Path) -> None:
    staffed.record("Wer ist die Geschäftsführerin?", Answer(answer="?", abstained=True))
    upload = tmp_path / "neu.txt"
    upload.write_text("Ein neues Dokument über das Testnetzwerk Musterstadt.", encoding="utf-8")
    before = staffed.corpus_file("faq/general.yaml")

    for user in ["", "niemand"]:  # logged out, or a name the session could not have got
        assert staff.feedback_view(staffed, user) == (staff.LOCKED, [], [])
        assert staff.add_document(staffed, user, str(upload), "Neu", "de", "https://x.org") == (
            staff.LOCKED
        )
        assert staff.load_file(staffed, user, "faq/general.yaml") == ""
        assert staff.save_file(staffed, user, "faq/general.yaml", "entries: []\n") == staff.LOCKED
        assert staff.audit_view(staffed, user) == []
    assert not (staffed.settings.corpus_dir / "documents" / "neu.txt").exists()
    assert staffed.corpus_file("faq/general.yaml") == before

    overview, unanswered, _ = staff.feedback_view(staffed, "anna")
    assert "**1** Fragen" in overview
    assert unanswered[0][0] == "Wer ist die Geschäftsführerin?"


def test_a_removed_account_is_logged_out(staffed: Assistant) -> None:
    assert staff.signed_in(staffed, "anna")
    assert staffed.staff is not None and staffed.staff.remove("anna")
    assert staff.feedback_view(staffed, "anna") == (staff.LOCKED, [], [])


def test_invalid_edit_reports_its_problems(staffed: Assistant) -> None:
    message = staff.save_file(staffed, "anna", "faq/general.yaml", "entries: [oops\n")
    assert message.startswith("❌") and "faq/general.yaml:" in message
    saved = staff.save_file(
        staffed,
        "anna",
        "faq/general.yaml",
        staffed.corpus_file("faq/general.yaml").replace("beitragsfrei", "kostenlos"),
    )
    assert saved.startswith("✅")
    assert "kostenlos" in staffed.ask("Was kostet die Mitgliedschaft im Testnetzwerk?").answer


def test_changes_are_audited_under_the_logged_in_name(staffed: Assistant, tmp_path: Path) -> None:
    upload = tmp_path / "Kurs.txt"
    upload.write_text("Die Testakademie bietet donnerstags einen Robotikkurs an.", "utf-8")
    added = staff.add_document(staffed, "anna", str(upload), "Kurs", "de", "https://x.org/k")
    assert added.startswith("✅"), added
    text = staffed.corpus_file("faq/general.yaml").replace("beitragsfrei", "kostenlos")
    assert staff.save_file(staffed, "staff", "faq/general.yaml", text).startswith("✅")
    rows = staff.audit_view(staffed, "anna")
    assert [(r[1], r[2], r[3], r[6]) for r in rows] == [
        ("staff", "edit", "faq/general.yaml", "✅ ok"),
        ("anna", "add", "documents/kurs.txt.meta.yaml", "✅ ok"),
        ("anna", "add", "documents/kurs.txt", "✅ ok"),
    ]
    assert rows[2][4] == "– (neu / new)" and len(rows[0][4]) == len(rows[0][5]) == 12


def test_saving_keeps_the_final_newline_and_the_mode(staffed: Assistant) -> None:
    """The code editor drops the file's last newline; the saved file keeps it (and its mode)."""
    faq = staffed.settings.corpus_dir / "faq" / "general.yaml"
    faq.chmod(0o664)
    original = faq.read_bytes()
    assert original.endswith(b"\n")
    edited = original.decode().replace("beitragsfrei", "kostenlos").rstrip("\n")
    assert staff.save_file(staffed, "anna", "faq/general.yaml", edited).startswith("✅")
    assert faq.read_bytes() == (edited + "\n").encode()
    assert stat.S_IMODE(faq.stat().st_mode) == 0o664


def test_unexpected_errors_are_logged_not_shown(
    staffed: Assistant,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "/srv/geheim/pfad: database is locked"

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError(secret)

    upload = tmp_path / "neu.txt"
    upload.write_text("Ein Text.", encoding="utf-8")
    monkeypatch.setattr(staffed, "add_document", boom)
    monkeypatch.setattr(staffed, "save_corpus_file", boom)
    assert staffed.feedback is not None and staffed.staff is not None
    monkeypatch.setattr(staffed.feedback, "summary", boom)
    monkeypatch.setattr(staffed.staff, "login", boom)
    monkeypatch.setattr(staffed.staff, "audit_log", boom)
    with caplog.at_level(logging.ERROR, logger="ui.staff"):
        shown = [
            staff.add_document(staffed, "anna", str(upload), "Neu", "de", "https://x.org"),
            staff.save_file(staffed, "anna", "faq/general.yaml", "entries: []\n"),
            staff.feedback_view(staffed, "anna")[0],
            staff.login(staffed, "anna", PASSWORD)[1],
        ]
        assert staff.audit_view(staffed, "anna") == []
    assert shown == [staff.STAFF_FAILED] * 4
    assert "Etwas ist schiefgegangen" in staff.STAFF_FAILED and "went wrong" in staff.STAFF_FAILED
    assert secret in caplog.text  # for the operator, in the log


def test_failed_indexing_is_reported_without_its_cause(
    staffed: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import pipeline

    real = pipeline.index_corpus
    calls = []

    def once(*args: Any, **kwargs: Any) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("/srv/chroma: disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "index_corpus", once)
    text = staffed.corpus_file("faq/general.yaml").replace("beitragsfrei", "kostenlos")
    message = staff.save_file(staffed, "anna", "faq/general.yaml", text)
    assert message == staff.UNDONE and "disk full" not in message
    assert "beitragsfrei" in staffed.corpus_file("faq/general.yaml")
    assert staff.audit_view(staffed, "anna")[0][6].startswith("❌ indexing failed (OSError)")


def test_without_feedback_log_the_view_says_so(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    settings = make_settings(tmp_path, corpus_copy, staff_password="x", feedback=False)
    assistant = build_assistant(settings, embeddings)
    assert assistant.record("Frage?", Answer(answer="a")) is None
    assert "ASSISTANT_FEEDBACK=false" in staff.feedback_view(assistant, "staff")[0]


def test_tab_is_closed_without_accounts_and_opens_with_one(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)

    def ids(demo: gr.Blocks) -> set[str]:
        return {str(getattr(b, "elem_id", None)) for b in demo.blocks.values()}

    closed = ids(build_ui(assistant))
    assert "staff-password" not in closed
    assert not assistant.settings.staff_path.exists()  # nothing created for a closed tab
    with_accounts(assistant, bootstrap=None).add("anna", PASSWORD)
    opened = ids(build_ui(assistant))
    assert {"staff-name", "staff-password", "staff-logout", "staff-audit"} <= opened


def faq_fields(**changes: Any) -> list[Any]:
    """The FAQ form's inputs after the file (``save_faq``'s order), for a new entry."""
    fields: dict[str, Any] = {
        "ident": "newsletter",
        "audience": ["newcomer"],
        "questions_de": "Gibt es einen Newsletter des Testnetzwerks?",
        "questions_en": "Does the test network have a newsletter?",
        "answer_de": "Ja, monatlich.",
        "answer_en": "Yes, monthly.",
        "suggested": ["https://example.org/testnetz"],
        "sources": "",
        "owner": "anna",
        "valid_until": "2030-01-31",
        "known_gap": False,
        "closes": ["Gibt es einen Newsletter des Testnetzwerks?"],
    }
    fields.update(changes)
    return list(fields.values())


def test_the_new_views_show_and_change_nothing_without_a_login(staffed: Assistant) -> None:
    staffed.record("Gibt es einen Newsletter?", Answer(answer="?", abstained=True))
    faq = staffed.settings.corpus_dir / "faq" / "general.yaml"
    profile = staffed.settings.corpus_dir / "partners" / "beispiel-robotik.yaml"
    before = faq.read_bytes(), profile.read_bytes()
    for user in ["", "niemand"]:
        assert staff_forms.question_choices(staffed, user) == []
        assert staff_forms.entry_choices(staffed, user) == []
        assert staff_partner.partner_choices(staffed, user) == []
        assert staff_forms.open_question(
            staffed, user, "Gibt es einen Newsletter?", None
        ).status == (staff.LOCKED)
        assert (
            staff_forms.open_entry(staffed, user, "faq/general.yaml#faq-fee").status == staff.LOCKED
        )
        assert staff_partner.open_partner(staffed, user, "partners/beispiel-robotik.yaml")[-1] == (
            staff.LOCKED
        )
        saved = staff_forms.save_faq(staffed, user, "", "faq/general.yaml", *faq_fields())
        assert saved == (staff.LOCKED, "")
        assert (
            staff_forms.retire_faq(staffed, user, "faq-fee", "faq/general.yaml")[0] == staff.LOCKED
        )
        values = staff_partner.open_partner(staffed, "anna", "partners/beispiel-robotik.yaml")[:-1]
        assert staff_partner.save_partner(
            staffed, user, "partners/beispiel-robotik.yaml", *values
        ) == (staff.LOCKED)
        assert staff_insights.stale_view(staffed, user) == (staff.LOCKED, [], [])
        assert staff_insights.verify(staffed, user, "faq/general.yaml#faq-fee") == staff.LOCKED
        assert staff_insights.insights_view(staffed, user, 7)[0] == staff.LOCKED
        assert staff_insights.export_log(staffed, user) is None
    assert (faq.read_bytes(), profile.read_bytes()) == before


def test_a_faq_entry_from_the_form_closes_its_question_and_is_audited(staffed: Assistant) -> None:
    question = "Gibt es einen Newsletter des Testnetzwerks?"
    staffed.record(question, staffed.ask(question))
    assert staff_forms.question_choices(staffed, "anna")[0][1] == question
    form = staff_forms.open_question(staffed, "anna", question, "faq/general.yaml")
    assert form.questions_de == question and form.owner == "anna" and form.mode == ""
    assert form.closes == [question] and form.suggested  # passages offered as sources

    missing = staff_forms.save_faq(
        staffed, "anna", "", "faq/general.yaml", *faq_fields(questions_en="", suggested=[])
    )
    assert missing[0].startswith("❌") and "questions.en" in missing[0] and "sources" in missing[0]
    message, mode = staff_forms.save_faq(staffed, "anna", "", "faq/general.yaml", *faq_fields())
    assert message.startswith("✅") and mode == "newsletter"
    assert staffed.feedback is not None and staffed.feedback.unanswered() == []
    assert "monatlich" in staffed.ask(question).answer
    again = staff_forms.save_faq(staffed, "anna", "", "faq/general.yaml", *faq_fields())
    assert again[0].startswith("❌") and "newsletter" in again[0]  # the id is taken: refused
    edited = staff_forms.save_faq(
        staffed, "anna", "newsletter", "faq/general.yaml", *faq_fields(answer_de="Ja, jede Woche.")
    )
    assert edited[0].startswith("✅")
    assert staff_forms.open_entry(staffed, "anna", "faq/general.yaml#newsletter").answer_de == (
        "Ja, jede Woche."
    )
    assert staff_forms.retire_faq(staffed, "anna", "newsletter", "faq/general.yaml")[0].startswith(
        "✅"
    )
    outcomes = [(r[1], r[3], r[6][:9]) for r in staff.audit_view(staffed, "anna")[:4]]
    done, refused = (
        ("anna", "faq/general.yaml", "✅ ok"),
        ("anna", "faq/general.yaml", "❌ refused"),
    )
    assert outcomes == [done, done, refused, done]  # retire, edit, the taken id, the new entry


def test_stale_and_insights_views(staffed: Assistant) -> None:
    text, rows, choices = staff_insights.stale_view(staffed, "anna", dt.date(2030, 12, 20))
    assert "**3** veraltet" in text and [r[2] for r in rows][0].startswith("partners/")
    assert "faq/general.yaml#faq-fee" in [value for _, value in choices]
    assert staff_insights.verify(staffed, "anna", "partners/beispiel-robotik.yaml#x").startswith(
        "✅"
    )
    assert staff_insights.stale_view(staffed, "anna")[1] == []  # verified today: not stale
    staffed.record(
        "Wann wurde das Testnetzwerk gegründet?",
        staffed.ask("Wann wurde das Testnetzwerk gegründet?"),
    )
    numbers, top, chart, unused = staff_insights.insights_view(staffed, "anna", 7)
    assert "**1** Fragen" in numbers and top[0][1] == 1
    assert "<code>documents/testnetz.md</code></td><td>1</td>" in chart
    assert "partners/beispiel-robotik.yaml" in unused
    assert "<script>" not in staff_insights.chart_html([("<script>x</script>.md", 1)])
    path = staff_insights.export_log(staffed, "anna")
    assert path is not None and "gegründet" in Path(path).read_text(encoding="utf-8-sig")


def test_new_views_log_unexpected_errors_instead_of_showing_them(
    staffed: Assistant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant.curation import faq_forms, insights, stale

    secret = "/srv/geheim: disk I/O error"

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError(secret)

    monkeypatch.setattr(faq_forms, "add", boom)
    monkeypatch.setattr(stale, "mark_verified", boom)
    monkeypatch.setattr(stale, "stale_items", boom)
    monkeypatch.setattr(insights, "insights", boom)
    with caplog.at_level(logging.ERROR):
        shown = [
            staff_forms.save_faq(staffed, "anna", "", "faq/general.yaml", *faq_fields())[0],
            staff_insights.verify(staffed, "anna", "faq/general.yaml#faq-fee"),
            staff_insights.stale_view(staffed, "anna")[0],
            staff_insights.insights_view(staffed, "anna", 7)[0],
        ]
    assert shown == [staff.STAFF_FAILED] * 4
    assert secret in caplog.text


def test_profiles_are_added_edited_and_retired_through_the_form(staffed: Assistant) -> None:
    rel = "partners/beispiel-robotik.yaml"
    values = list(staff_partner.open_partner(staffed, "anna", rel)[:-1])
    assert values[0] == "beispiel-robotik" and values[8] == ["robotics"]
    assert ("Robotik / Robotics", "robotics") in staff_partner.topic_choices(staffed)
    renamed = [*values]
    renamed[0] = "anders"
    assert "keeps its id" in staff_partner.save_partner(staffed, "anna", rel, *renamed)
    new = [*values]
    new[0], new[1] = "beispiel-vision", "Beispiel Vision GmbH"
    new[11] = [["Vertrieb", "Sales office", "", "vertrieb@example.org"]]
    added = staff_partner.save_partner(staffed, "anna", None, *new)
    assert added.startswith("✅ `partners/beispiel-vision.yaml`"), added
    text = staffed.corpus_file("partners/beispiel-vision.yaml")
    assert text.startswith("id: beispiel-vision\nname: Beispiel Vision GmbH\nkind: company\n")
    picker = staff_partner.picker_after_save(staffed, "anna", "beispiel-vision", None)
    assert picker.value == "partners/beispiel-vision.yaml"
    assert staff_partner.save_partner(staffed, "anna", None, *new).startswith("❌")  # exists
    retired = staff_partner.retire_partner(staffed, "anna", "partners/beispiel-vision.yaml")
    assert retired.startswith("✅")
    assert not (staffed.settings.corpus_dir / "partners" / "beispiel-vision.yaml").exists()
    assert [(r[2], r[3], r[5]) for r in staff.audit_view(staffed, "anna")[:1]] == [
        ("retire", "partners/beispiel-vision.yaml", "")
    ]
    assert staff_partner.retire_partner(staffed, "", rel) == staff.LOCKED
    assert (staffed.settings.corpus_dir / rel).exists()


def test_the_unanswered_list_groups_wordings_of_one_question(staffed: Assistant) -> None:
    asked = [
        "Gibt es einen Newsletter des Testnetzwerks?",
        "Hat das Testnetzwerk einen Newsletter?",
    ]
    for question in [*asked, asked[0], "Wann ist die Weihnachtsfeier?"]:
        staffed.record(question, Answer(answer="?", abstained=True, lang="de"))
    _, rows, _ = staff.feedback_view(staffed, "anna")
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        (asked[0], 3, "de", asked[1]),
        ("Wann ist die Weihnachtsfeier?", 1, "de", ""),
    ]
    labels = [label for label, _ in staff_forms.question_choices(staffed, "anna")]
    assert labels[0].startswith(asked[0]) and "3×, 2 Formulierung(en)" in labels[0]


def test_a_thumbs_down_answer_becomes_a_faq_entry_and_leaves_the_list(staffed: Assistant) -> None:
    question = "Wann wurde das Testnetzwerk Musterstadt gegründet?"
    rated = staffed.record(question, staffed.ask(question))
    assert rated is not None
    staffed.rate(rated, helpful=False, comment="zu lang")
    assert (f"👎 {question}", question) in staff_forms.question_choices(staffed, "anna")
    form = staff_forms.open_question(staffed, "anna", question, "faq/general.yaml")
    assert form.closes == [question] and form.questions_de == question
    saved = staff_forms.save_faq(
        staffed,
        "anna",
        "",
        "faq/general.yaml",
        *faq_fields(
            ident="founding-date",
            questions_de=question,
            questions_en="When was the test network founded?",
            answer_de="Am 3. März 2024.",
            answer_en="On 3 March 2024.",
            closes=form.closes,
        ),
    )
    assert saved[0].startswith("✅"), saved
    assert staffed.feedback is not None and staffed.feedback.disliked() == []
    assert staffed.ask(question).answer.startswith("Am 3. März 2024")
