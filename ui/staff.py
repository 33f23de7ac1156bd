"""The staff tab: unanswered questions, thumbs-down answers, and keeping the corpus current.

Staff log in with a name and a password: their own account (``assistant staff add NAME``) or
the bootstrap account ``staff`` of ``ASSISTANT_STAFF_PASSWORD``. Logins are throttled and
locked out (``assistant.staff_accounts``); the messages never say whether a name exists. The
logged-in name lives in server-side session state and every callback checks it (and that the
account still exists), so the API cannot skip the login, and every corpus change is audited
under that name. Callbacks are module functions taking the assistant first, so they are tested
without a browser too. None of them shows the text of an unexpected exception: it is logged
and staff see ``STAFF_FAILED``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.curation import questions
from assistant.language import detect_language
from assistant.pipeline import Assistant
from assistant.staff_accounts import BOOTSTRAP_NAME
from index.editing import IndexingFailed, editable_files
from index.validation import CorpusError
from ui import staff_forms, staff_insights, staff_partner, staff_views
from ui.staff_common import (
    LOCKED,
    STAFF_FAILED,
    UNDONE,
    UNDONE_REINDEX,
    problems,
    signed_in,
)
from ui.url_import import import_page

log = logging.getLogger(__name__)

CHECK_SAVE_INDEX = "Prüfen, speichern, indexieren / check, save, index"
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
WRONG = "❌ Falscher Name oder falsches Passwort. / Wrong name or password."
TOO_MANY = (
    "🔒 Zu viele Fehlversuche. Bitte in {minutes} Minute(n) erneut versuchen. / "
    "Too many failed attempts. Please try again in {minutes} minute(s)."
)
LOGGED_OUT = "Abgemeldet. / Logged out."
UNANSWERED_HEADERS = [
    "Frage / question",
    "Anzahl / times",
    "zuletzt / last asked",
    "Sprache",
    "weitere Formulierungen / other wordings",
]
DISLIKED_HEADERS = ["Frage / question", "Antwort / answer", "Quellen / sources", "Kommentar"]
AUDIT_HEADERS = [
    "Zeit / when (UTC)",
    "Wer / who",
    "Aktion / action",
    "Datei / file",
    "SHA-256 vorher / before",
    "SHA-256 nachher / after",
    "Ergebnis / result",
]
AUDIT_ROWS = 50


def login(assistant: Assistant, name: str, secret: str, client: str = "") -> tuple[str, str]:
    """Check a login from ``client``: the session's new name ("" if refused) and a message.

    The message never says whether the name exists. An empty name is the bootstrap account
    ``staff`` (``ASSISTANT_STAFF_PASSWORD``), so its password alone still logs in as before.
    """
    if assistant.staff is None:
        return "", WRONG
    try:
        name = (name or "").strip() or BOOTSTRAP_NAME
        result = assistant.staff.login(name, secret or "", client)
    except Exception:
        log.exception("staff login failed with an error")
        return "", STAFF_FAILED
    if result.ok:
        return result.name, f"✅ Angemeldet als `{result.name}`. / Logged in as `{result.name}`."
    if result.status == "locked":
        return "", TOO_MANY.format(minutes=max(1, math.ceil(result.seconds_left / 60)))
    return "", WRONG


def feedback_view(assistant: Assistant, user: str) -> tuple[str, list[list[Any]], list[list[Any]]]:
    """Overview line, unanswered questions (wordings of one question grouped), thumbs-downs."""
    if not signed_in(assistant, user):
        return LOCKED, [], []
    if assistant.feedback is None:
        return "Fragen werden nicht gespeichert (ASSISTANT_FEEDBACK=false).", [], []
    try:
        counts = assistant.feedback.summary()
        unanswered = [
            [g.lead, g.times, g.last_asked, detect_language(g.lead), " · ".join(g.questions[1:])]
            for g in questions.unanswered_groups(assistant)
        ]
        disliked = [
            [r["question"], r["answer"], ", ".join(r["sources"]), r["comment"]]
            for r in assistant.feedback.disliked()
        ]
    except Exception:
        log.exception("the staff feedback view failed")
        return STAFF_FAILED, [], []
    overview = (
        f"**{counts['questions']}** Fragen / questions, davon **{counts['abstained']}** "
        f"unbeantwortet / unanswered; Bewertungen / ratings: 👍 {counts['helpful']} "
        f"👎 {counts['unhelpful']}"
    )
    return overview, unanswered, disliked


def audit_view(assistant: Assistant, user: str) -> list[list[Any]]:
    """The last ``AUDIT_ROWS`` corpus changes, newest first (empty when not logged in)."""
    if not signed_in(assistant, user) or assistant.staff is None:
        return []
    try:
        entries = assistant.staff.audit_log(AUDIT_ROWS)
    except Exception:
        log.exception("the staff audit view failed")
        return []
    return [
        [
            e["at"].replace("T", " ").removesuffix("+00:00"),
            e["who"],
            e["action"],
            e["path"],
            e["before_sha256"][:12] or "– (neu / new)",
            e["after_sha256"][:12],
            _outcome(e["ok"], e["detail"]),
        ]
        for e in entries
    ]


def _outcome(ok: bool | None, detail: str) -> str:
    if ok is None:
        return "⏳ unvollständig / unfinished"
    if ok:
        return "✅ ok"
    return f"❌ {detail}" if detail else "❌"


def add_document(
    assistant: Assistant,
    user: str,
    path: str | None,
    title: str,
    language: str,
    source: str,
) -> str:
    """Validate, save and index an uploaded document; the message says what happened."""
    if not signed_in(assistant, user):
        return LOCKED
    if not path:
        return "❌ Bitte eine Datei wählen. / Please choose a file."
    meta = {"title": title, "language": language, "source": source}
    try:
        report = assistant.add_document(Path(path).name, Path(path).read_bytes(), meta, who=user)
    except CorpusError as exc:
        return problems(exc)
    except IndexingFailed as exc:
        return UNDONE if exc.reindexed else UNDONE_REINDEX
    except Exception:
        log.exception("adding a document failed")
        return STAFF_FAILED
    return f"✅ {report.summary()}"


def load_file(assistant: Assistant, user: str, rel: str | None) -> str:
    """The text of the chosen FAQ or partner file, for the editor."""
    if not signed_in(assistant, user) or not rel:
        return ""
    try:
        return assistant.corpus_file(rel)
    except Exception:
        log.exception("loading %r for the editor failed", rel)
        return ""


def save_file(assistant: Assistant, user: str, rel: str | None, text: str) -> str:
    """Validate the edited file with the whole corpus, then save and index it.

    The editor drops the file's final newline; it is put back when the file had one.
    """
    if not signed_in(assistant, user):
        return LOCKED
    if not rel:
        return "❌ Bitte eine Datei wählen. / Please choose a file."
    try:
        text = text or ""
        if not text.endswith("\n") and assistant.corpus_file(rel).endswith("\n"):
            text += "\n"
        report = assistant.save_corpus_file(rel, text, who=user)
    except CorpusError as exc:
        return problems(exc)
    except IndexingFailed as exc:
        return UNDONE if exc.reindexed else UNDONE_REINDEX
    except Exception:
        log.exception("saving %r failed", rel)
        return STAFF_FAILED
    return f"✅ {report.summary()}"


def _client(request: gr.Request | None) -> str:
    """The connecting address (behind a reverse proxy: the proxy's, see SECURITY.md)."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "?")


def staff_tab(assistant: Assistant) -> None:
    """Add the staff tab to the Blocks being built: login, then five views."""
    with gr.Tab("Redaktion / Staff", id="staff", elem_id="staff-tab"):
        if assistant.staff is None or not assistant.staff.enabled:
            gr.Markdown(
                "Der Redaktionsbereich ist aus. Zum Einschalten ein Konto anlegen "
                "(`assistant staff add NAME`) und neu starten. / The staff area is off; add an "
                "account (`assistant staff add NAME`) and restart."
            )
            return
        user = gr.State("")  # the logged-in account's name; "" = logged out
        with gr.Row():
            name = gr.Textbox(
                label="Name",
                placeholder=BOOTSTRAP_NAME if assistant.staff.bootstrap else "",
                elem_id="staff-name",
                scale=2,
            )
            secret = gr.Textbox(
                type="password", label="Passwort / password", elem_id="staff-password", scale=3
            )
            enter = gr.Button("Anmelden / log in", elem_id="staff-login", scale=1)
        login_status = gr.Markdown(elem_id="staff-login-status")
        with gr.Column(visible=False) as area:
            leave = gr.Button("Abmelden / log out", elem_id="staff-logout", size="sm")
            with gr.Tabs(elem_id="staff-views") as views:
                with gr.Tab("Rückmeldungen / feedback", id="staff-feedback"):
                    parts = _feedback_view(assistant, user)
                audited = partial(audit_view, assistant)
                with gr.Tab("FAQ-Einträge / FAQ entries", id="staff-faq"):
                    faq = staff_views.faq_view(
                        assistant, user, audited, parts.audit, parts.question
                    )
                with gr.Tab("Partnerprofile / partner profiles", id="staff-partners"):
                    partner = staff_views.partner_view(
                        assistant, user, audited, parts.audit, parts.chooser
                    )
                with gr.Tab("Veraltet / stale", id="staff-stale-view"):
                    stale, stale_item, stale_edit = staff_views.stale_view(
                        assistant, user, audited, parts.audit
                    )
                with gr.Tab("Was gefragt wird / what people ask", id="staff-insights"):
                    insights, days = staff_views.insights_view(assistant, user)

        def enter_fn(name: str, secret: str, request: gr.Request) -> tuple[str, str, str]:
            who, message = login(assistant, name, secret, _client(request))
            return who, message, ""  # the password field is emptied either way

        def lists(who: str, period: int) -> tuple[Any, ...]:
            """Every view's lists, after login and on refresh."""
            text, rows, choices = staff_insights.stale_view(assistant, who)
            return (
                *feedback_view(assistant, who),
                gr.Dropdown(choices=staff_forms.question_choices(assistant, who), value=None),
                gr.Dropdown(choices=staff_forms.entry_choices(assistant, who), value=None),
                gr.Dropdown(choices=staff_partner.partner_choices(assistant, who), value=None),
                text,
                rows,
                gr.Dropdown(choices=choices, value=None),
                *staff_insights.insights_view(assistant, who, period),
                audit_view(assistant, who),
            )

        listed = [parts.overview, parts.unanswered, parts.disliked, parts.question, faq.picker]
        listed += [partner, *stale, *insights, parts.audit]
        enter.click(enter_fn, [name, secret], [user, login_status, secret], **PRIVATE).then(
            lambda who: gr.Column(visible=bool(who)), [user], [area], **PRIVATE
        ).then(lists, [user, days], listed, **PRIVATE)
        leave.click(
            lambda: ("", LOGGED_OUT, gr.Column(visible=False), "", [], [], "", [], None),
            None,
            [user, login_status, area, *listed[:3], parts.editor, parts.audit, parts.chooser],
            **PRIVATE,
        )
        parts.refresh.click(lists, [user, days], listed, **PRIVATE)

        def create(who: str, question: str | None, file: str | None) -> tuple[Any, ...]:
            form = staff_forms.open_question(assistant, who, question, file)
            # the edit picker is cleared (which leaves the form as filled here)
            return (*form.outputs(), gr.Tabs(selected="staff-faq"), gr.Dropdown(value=None))

        parts.create.click(
            create, [user, parts.question, faq.file], [*faq.outputs, views, faq.picker], **PRIVATE
        )

        def edit(key: str | None) -> tuple[Any, ...]:
            """Open the stale item in its form (the picker's change opens it)."""
            if key and key.startswith("faq/"):
                return gr.Dropdown(value=key), gr.Dropdown(), gr.Tabs(selected="staff-faq")
            rel = (key or "").partition("#")[0] or None
            return gr.Dropdown(), gr.Dropdown(value=rel), gr.Tabs(selected="staff-partners")

        stale_edit.click(edit, [stale_item], [faq.picker, partner, views], **PRIVATE)


@dataclass
class _Feedback:
    """The feedback view's components that the login, refresh and other views use."""

    overview: Any
    unanswered: Any
    disliked: Any
    refresh: Any
    question: Any
    create: Any
    audit: Any
    chooser: Any
    editor: Any


def _feedback_view(assistant: Assistant, user: gr.State) -> _Feedback:
    """The first view: feedback lists, "create FAQ entry", upload, YAML editor, audit log."""
    gr.Markdown("### Rückmeldungen / feedback")
    overview = gr.Markdown(elem_id="staff-overview")
    refresh = gr.Button("Aktualisieren / refresh", elem_id="staff-refresh")
    gr.Markdown("Unbeantwortete Fragen / unanswered questions")
    unanswered = gr.Dataframe(
        headers=UNANSWERED_HEADERS, interactive=False, elem_id="staff-unanswered", wrap=True
    )
    with gr.Row():
        question = gr.Dropdown(
            [],
            value=None,
            label="Frage (unbeantwortet oder 👎) / question (unanswered or 👎)",
            elem_id="staff-question",
            scale=4,
        )
        create = gr.Button(
            "FAQ-Eintrag anlegen / create FAQ entry", elem_id="staff-create-faq", scale=1
        )
    gr.Markdown("Negativ bewertete Antworten / answers rated unhelpful")
    disliked = gr.Dataframe(
        headers=DISLIKED_HEADERS, interactive=False, elem_id="staff-disliked", wrap=True
    )
    gr.Markdown("### Dokument hinzufügen / add a document (md, txt, pdf, html, docx)")
    # a button rather than Gradio's drop zone: the drop zone's accessible name does not
    # contain its visible text and its "- or -" is grey on white (axe-core, WCAG 2.1)
    with gr.Row():
        upload = gr.UploadButton(
            "Datei wählen / choose a file",
            file_types=[".md", ".txt", ".pdf", ".html", ".docx"],
            type="filepath",
            elem_id="staff-upload",
        )
        chosen = gr.Markdown(elem_id="staff-upload-name")
    with gr.Row():
        title = gr.Textbox(label="Titel / title", elem_id="staff-title")
        language = gr.Dropdown(["de", "en"], value="de", label="Sprache / language")
        source = gr.Textbox(label="Quelle (URL) / source", elem_id="staff-source")
    add = gr.Button(CHECK_SAVE_INDEX, elem_id="staff-add")
    add_status = gr.Markdown(elem_id="staff-add-status")
    gr.Markdown("### Webseite importieren / import a web page")
    with gr.Row():
        page_url = gr.Textbox(label="Adresse (URL) / address", elem_id="staff-import-url", scale=3)
        page_name = gr.Textbox(
            label="Dateiname (optional) / file name", elem_id="staff-import-name", scale=1
        )
    import_button = gr.Button(
        "Importieren, prüfen, indexieren / import, check, index", elem_id="staff-import"
    )
    import_status = gr.Markdown(elem_id="staff-import-status")
    gr.Markdown("### FAQ und Partnerprofile als YAML / FAQ and partner files as YAML")
    chooser = gr.Dropdown(
        editable_files(assistant.settings.corpus_dir),
        value=None,
        label="Datei / file",
        elem_id="staff-file",
    )
    editor = gr.Code(language="yaml", label="YAML", elem_id="staff-editor")
    save = gr.Button(CHECK_SAVE_INDEX, elem_id="staff-save")
    save_status = gr.Markdown(elem_id="staff-save-status")
    gr.Markdown(f"### Änderungsprotokoll / audit log (die letzten {AUDIT_ROWS} / last)")
    audit = gr.Dataframe(headers=AUDIT_HEADERS, interactive=False, elem_id="staff-audit", wrap=True)
    audited = partial(audit_view, assistant)
    upload.upload(
        lambda path: f"📄 {Path(path).name}" if path else "", [upload], [chosen], **PRIVATE
    )
    add.click(
        partial(add_document, assistant),
        [user, upload, title, language, source],
        [add_status],
        **PRIVATE,
    ).then(audited, [user], [audit], **PRIVATE)
    import_button.click(
        partial(import_page, assistant), [user, page_url, page_name], [import_status], **PRIVATE
    ).then(audited, [user], [audit], **PRIVATE)
    chooser.change(partial(load_file, assistant), [user, chooser], [editor], **PRIVATE)
    save.click(
        partial(save_file, assistant), [user, chooser, editor], [save_status], **PRIVATE
    ).then(audited, [user], [audit], **PRIVATE)
    return _Feedback(
        overview, unanswered, disliked, refresh, question, create, audit, chooser, editor
    )
