"""The staff tab: unanswered questions, thumbs-down answers, and keeping the corpus current.

It opens only with ``ASSISTANT_STAFF_PASSWORD``; the unlocked flag lives in server-side
session state and every callback checks it, so the API cannot skip the password. Callbacks
are module functions taking the assistant first, so they are tested without a browser too.
"""

from __future__ import annotations

import hmac
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.pipeline import Assistant
from index.editing import editable_files
from index.validation import CorpusError

CHECK_SAVE_INDEX = "Prüfen, speichern, indexieren / check, save, index"
LOCKED = "🔒 Bitte zuerst anmelden. / Please log in first."
UNANSWERED_HEADERS = ["Frage / question", "Anzahl / times", "zuletzt / last asked", "Sprache"]
DISLIKED_HEADERS = ["Frage / question", "Antwort / answer", "Quellen / sources", "Kommentar"]


def unlock(assistant: Assistant, secret: str) -> tuple[bool, str]:
    """Check the staff password; returns the new unlocked flag and a message."""
    expected = assistant.settings.staff_password
    if expected and hmac.compare_digest(secret.encode(), expected.get_secret_value().encode()):
        return True, "✅ Angemeldet. / Logged in."
    return False, "❌ Falsches Passwort. / Wrong password."


def feedback_view(
    assistant: Assistant, unlocked: bool
) -> tuple[str, list[list[Any]], list[list[Any]]]:
    """Overview line, unanswered questions and thumbs-down answers."""
    if not unlocked:
        return LOCKED, [], []
    if assistant.feedback is None:
        return "Fragen werden nicht gespeichert (ASSISTANT_FEEDBACK=false).", [], []
    counts = assistant.feedback.summary()
    overview = (
        f"**{counts['questions']}** Fragen / questions, davon **{counts['abstained']}** "
        f"unbeantwortet / unanswered; Bewertungen / ratings: 👍 {counts['helpful']} "
        f"👎 {counts['unhelpful']}"
    )
    unanswered = [
        [r["question"], r["times"], r["last_asked"], r["lang"]]
        for r in assistant.feedback.unanswered()
    ]
    disliked = [
        [r["question"], r["answer"], ", ".join(r["sources"]), r["comment"]]
        for r in assistant.feedback.disliked()
    ]
    return overview, unanswered, disliked


def add_document(
    assistant: Assistant,
    unlocked: bool,
    path: str | None,
    title: str,
    language: str,
    source: str,
) -> str:
    """Validate, save and index an uploaded document; the message says what happened."""
    if not unlocked:
        return LOCKED
    if not path:
        return "❌ Bitte eine Datei wählen. / Please choose a file."
    meta = {"title": title, "language": language, "source": source}
    try:
        report = assistant.add_document(Path(path).name, Path(path).read_bytes(), meta)
    except CorpusError as exc:
        return _problems(exc)
    return f"✅ {report.summary()}"


def load_file(assistant: Assistant, unlocked: bool, rel: str | None) -> str:
    """The text of the chosen FAQ or partner file, for the editor."""
    if not unlocked or not rel:
        return ""
    return assistant.corpus_file(rel)


def save_file(assistant: Assistant, unlocked: bool, rel: str | None, text: str) -> str:
    """Validate the edited file with the whole corpus, then save and index it."""
    if not unlocked:
        return LOCKED
    if not rel:
        return "❌ Bitte eine Datei wählen. / Please choose a file."
    try:
        report = assistant.save_corpus_file(rel, text)
    except CorpusError as exc:
        return _problems(exc)
    return f"✅ {report.summary()}"


def _problems(error: CorpusError) -> str:
    lines = "\n".join(f"- `{problem}`" for problem in error.problems)
    return f"❌ Nicht gespeichert, nichts verändert. / Not saved, nothing changed.\n\n{lines}"


def staff_tab(assistant: Assistant) -> None:
    """Add the staff tab to the Blocks being built."""
    with gr.Tab("Redaktion / Staff", id="staff", elem_id="staff-tab"):
        if assistant.settings.staff_password is None:
            gr.Markdown(
                "Der Redaktionsbereich ist aus. Zum Einschalten `ASSISTANT_STAFF_PASSWORD` "
                "setzen. / The staff area is off; set `ASSISTANT_STAFF_PASSWORD` to open it."
            )
            return
        unlocked = gr.State(False)
        with gr.Row():
            secret = gr.Textbox(
                type="password", label="Passwort / password", elem_id="staff-password", scale=4
            )
            enter = gr.Button("Anmelden / log in", elem_id="staff-login", scale=1)
        login_status = gr.Markdown(elem_id="staff-login-status")
        with gr.Column(visible=False) as area:
            gr.Markdown("### Rückmeldungen / feedback")
            overview = gr.Markdown(elem_id="staff-overview")
            refresh = gr.Button("Aktualisieren / refresh", elem_id="staff-refresh")
            gr.Markdown("Unbeantwortete Fragen / unanswered questions")
            unanswered = gr.Dataframe(
                headers=UNANSWERED_HEADERS, interactive=False, elem_id="staff-unanswered"
            )
            gr.Markdown("Negativ bewertete Antworten / answers rated unhelpful")
            disliked = gr.Dataframe(
                headers=DISLIKED_HEADERS, interactive=False, elem_id="staff-disliked", wrap=True
            )
            gr.Markdown("### Dokument hinzufügen / add a document (md, txt, pdf, html)")
            # a button rather than Gradio's drop zone: the drop zone's accessible name does not
            # contain its visible text and its "- or -" is grey on white (axe-core, WCAG 2.1)
            with gr.Row():
                upload = gr.UploadButton(
                    "Datei wählen / choose a file",
                    file_types=[".md", ".txt", ".pdf", ".html"],
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
            gr.Markdown("### FAQ und Partnerprofile bearbeiten / edit FAQ and partner files")
            chooser = gr.Dropdown(
                editable_files(assistant.settings.corpus_dir),
                value=None,
                label="Datei / file",
                elem_id="staff-file",
            )
            editor = gr.Code(language="yaml", label="YAML", elem_id="staff-editor")
            save = gr.Button(CHECK_SAVE_INDEX, elem_id="staff-save")
            save_status = gr.Markdown(elem_id="staff-save-status")

        view = partial(feedback_view, assistant)
        lists = [overview, unanswered, disliked]
        enter.click(
            partial(unlock, assistant), [secret], [unlocked, login_status], api_visibility="private"
        ).then(lambda ok: gr.Column(visible=ok), [unlocked], [area], api_visibility="private").then(
            view, [unlocked], lists, api_visibility="private"
        )
        refresh.click(view, [unlocked], lists, api_visibility="private")
        upload.upload(
            lambda path: f"📄 {Path(path).name}" if path else "",
            [upload],
            [chosen],
            api_visibility="private",
        )
        add.click(
            partial(add_document, assistant),
            [unlocked, upload, title, language, source],
            [add_status],
            api_visibility="private",
        )
        chooser.change(
            partial(load_file, assistant), [unlocked, chooser], [editor], api_visibility="private"
        )
        save.click(
            partial(save_file, assistant),
            [unlocked, chooser, editor],
            [save_status],
            api_visibility="private",
        )
