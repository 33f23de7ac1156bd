"""The layout of the staff views beyond the feedback lists: forms, stale list, insights.

Each builder adds its components and its own events and returns what ``ui.staff`` wires
across views (the refresh after login, "create FAQ entry", "edit" from the stale list).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import gradio as gr

from assistant.curation import faq_forms
from assistant.curation.faq_forms import AUDIENCES
from assistant.curation.partner_forms import KINDS, ROUTE_COLUMNS, UNKNOWN_COLUMNS
from assistant.pipeline import Assistant
from index.editing import editable_files
from ui import staff_forms, staff_insights, staff_partner

CHECK_SAVE_INDEX = "Prüfen, speichern, indexieren / check, save, index"
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


@dataclass
class FaqView:
    """The FAQ form's components that other views fill or refresh."""

    outputs: list[Any]  # in the order of ``FaqForm.outputs``
    picker: gr.Dropdown  # edit an entry: ``file#id``
    file: gr.Dropdown


def faq_view(
    assistant: Assistant, user: gr.State, audited: Any, audit: Any, question: gr.Dropdown
) -> FaqView:
    """The FAQ entry form: new (from a question or empty), edit, retire."""
    files = faq_forms.faq_files(assistant.settings.corpus_dir)
    mode = gr.State("")  # "" = a new entry, else the id of the entry being edited
    closes = gr.State([])  # logged questions this entry answers
    with gr.Row():
        picker = gr.Dropdown(
            [], value=None, label="Eintrag bearbeiten / edit an entry", elem_id="faq-entry", scale=4
        )
        fresh = gr.Button("Neuer Eintrag / new entry", elem_id="faq-new", scale=1)
    with gr.Row():
        ident = gr.Textbox(label="ID (a-z, 0-9, -)", elem_id="faq-id")
        file = gr.Dropdown(
            files, value=files[0] if files else None, label="FAQ-Datei / file", elem_id="faq-file"
        )
        audience = gr.CheckboxGroup(
            list(AUDIENCES),
            value=["newcomer"],
            label="Zielgruppe / audience",
            elem_id="faq-audience",
        )
    with gr.Row():
        q_de = gr.Textbox(
            label="Fragen Deutsch, eine pro Zeile / questions in German, one per line",
            lines=3,
            elem_id="faq-questions-de",
        )
        q_en = gr.Textbox(
            label="Fragen Englisch, eine pro Zeile / questions in English, one per line",
            lines=3,
            elem_id="faq-questions-en",
        )
    with gr.Row():
        a_de = gr.Textbox(
            label="Antwort Deutsch / answer in German", lines=4, elem_id="faq-answer-de"
        )
        a_en = gr.Textbox(
            label="Antwort Englisch / answer in English", lines=4, elem_id="faq-answer-en"
        )
    gr.Markdown("Vorgeschlagene Quellen (beste Treffer) / suggested sources (best passages)")
    suggestions = gr.Markdown(elem_id="faq-suggestions")
    suggested = gr.CheckboxGroup(
        [], label="Als Quelle übernehmen / use as source", elem_id="faq-suggested"
    )
    sources = gr.Textbox(
        label="Weitere Quellen (URL), eine pro Zeile / more sources (URL), one per line",
        lines=2,
        elem_id="faq-sources",
    )
    with gr.Row():
        owner = gr.Textbox(label="Verantwortlich / owner", elem_id="faq-owner")
        valid = gr.Textbox(label="Gültig bis / valid until (JJJJ-MM-TT)", elem_id="faq-valid-until")
        gap = gr.Checkbox(
            label="Antwort sagt: nicht bekannt / answer says: not known", elem_id="faq-gap"
        )
    with gr.Row():
        save = gr.Button(CHECK_SAVE_INDEX, variant="primary", elem_id="faq-save")
        retire = gr.Button("Eintrag entfernen / retire entry", elem_id="faq-retire")
    status = gr.Markdown(elem_id="faq-status")
    outputs = [mode, file, ident, audience, q_de, q_en, a_de, a_en, suggested, suggestions]
    outputs += [sources, owner, valid, gap, closes, status]
    fields = [mode, file, ident, audience, q_de, q_en, a_de, a_en, suggested, sources, owner]
    fields += [valid, gap, closes]

    def entries(who: str, rel: str | None, ident: str) -> gr.Dropdown:
        choices = staff_forms.entry_choices(assistant, who)
        key = f"{rel}#{ident}"
        return gr.Dropdown(choices=choices, value=key if key in {v for _, v in choices} else None)

    def opened(who: str, key: str | None) -> tuple[Any, ...]:
        if not key:  # the picker was cleared: the form stays as it is
            return tuple(gr.skip() for _ in outputs)
        return staff_forms.open_entry(assistant, who, key).outputs()

    picker.change(opened, [user, picker], outputs, **PRIVATE)
    fresh.click(
        lambda who: staff_forms.FaqForm(
            file=files[0] if files else None, owner=who, status=staff_forms.NEW_ENTRY
        ).outputs(),
        [user],
        outputs,
        **PRIVATE,
    ).then(lambda: gr.Dropdown(value=None), None, [picker], **PRIVATE)

    def questions(who: str) -> gr.Dropdown:
        return gr.Dropdown(choices=staff_forms.question_choices(assistant, who), value=None)

    # after a save the picker shows the saved entry (its change reloads the form from the file,
    # keeping the save's message); after retiring, none
    save.click(
        partial(staff_forms.save_faq, assistant), [user, *fields], [status, mode], **PRIVATE
    ).then(entries, [user, file, mode], [picker], **PRIVATE).then(
        questions, [user], [question], **PRIVATE
    ).then(audited, [user], [audit], **PRIVATE)
    retire.click(
        partial(staff_forms.retire_faq, assistant), [user, mode, file], [status, mode], **PRIVATE
    ).then(entries, [user, file, mode], [picker], **PRIVATE).then(
        audited, [user], [audit], **PRIVATE
    )
    return FaqView(outputs, picker, file)


def partner_view(
    assistant: Assistant, user: gr.State, audited: Any, audit: Any, chooser: gr.Dropdown
) -> gr.Dropdown:
    """The profile form: every field of the schema, topics from the vocabulary."""
    with gr.Row():
        picker = gr.Dropdown(
            [], value=None, label="Profil / profile", elem_id="partner-edit", scale=4
        )
        fresh = gr.Button("Neues Profil / new profile", elem_id="partner-new", scale=1)
    with gr.Row():
        ident = gr.Textbox(label="ID (a-z, 0-9, -)", elem_id="partner-id")
        name = gr.Textbox(label="Name", elem_id="partner-name")
        short = gr.Textbox(label="Kurzname / short name", elem_id="partner-short")
    with gr.Row():
        kind = gr.Dropdown(list(KINDS), value="company", label="Art / kind", elem_id="partner-kind")
        founding = gr.Checkbox(
            label="Gründungspartner / founding partner", elem_id="partner-founding"
        )
        parent = gr.Textbox(label="Gehört zu (ID) / part of (id)", elem_id="partner-parent")
    with gr.Row():
        de = gr.Textbox(
            label="Beschreibung Deutsch / description in German", lines=5, elem_id="partner-de"
        )
        en = gr.Textbox(
            label="Beschreibung Englisch / description in English", lines=5, elem_id="partner-en"
        )
    topics = gr.Dropdown(
        staff_partner.topic_choices(assistant),
        multiselect=True,
        label="Themen / topics",
        elem_id="partner-topics",
    )
    with gr.Row():
        where = gr.Textbox(label="Ort / location", elem_id="partner-location")
        web = gr.Textbox(label="Website (URL)", elem_id="partner-website")
    routes = gr.Dataframe(
        headers=ROUTE_COLUMNS,
        column_count=4,
        type="array",
        interactive=True,
        label="Kontaktwege (Funktionspostfach oder Seite) / contact routes (role mailbox or page)",
        elem_id="partner-routes",
    )
    unknown = gr.Dataframe(
        headers=UNKNOWN_COLUMNS,
        column_count=2,
        type="array",
        interactive=True,
        label="Was die Quellen nicht sagen / what the sources do not say",
        elem_id="partner-unknown",
    )
    with gr.Row():
        sources = gr.Textbox(
            label="Quellen (URL), eine pro Zeile / sources, one per line",
            lines=3,
            elem_id="partner-sources",
        )
        verified = gr.Textbox(
            label="Zuletzt geprüft / last verified (JJJJ-MM-TT)", elem_id="partner-verified"
        )
    with gr.Row():
        save = gr.Button(CHECK_SAVE_INDEX, variant="primary", elem_id="partner-save")
        retire = gr.Button("Profil entfernen / retire profile", elem_id="partner-retire")
    status = gr.Markdown(elem_id="partner-status")
    fields = [ident, name, short, kind, founding, parent, de, en, topics, where, web, routes]
    fields += [unknown, sources, verified]
    picker.change(
        partial(staff_partner.open_partner, assistant), [user, picker], [*fields, status], **PRIVATE
    )
    fresh.click(lambda: gr.Dropdown(value=None), None, [picker], **PRIVATE).then(
        lambda: (*staff_partner.PARTNER_EMPTY, staff_partner.NEW_PROFILE),
        None,
        [*fields, status],
        **PRIVATE,
    )
    after = partial(staff_partner.picker_after_save, assistant)

    def files() -> gr.Dropdown:
        """The YAML editor's file list, which a new or retired profile changes."""
        return gr.Dropdown(choices=editable_files(assistant.settings.corpus_dir))

    save.click(
        partial(staff_partner.save_partner, assistant), [user, picker, *fields], [status], **PRIVATE
    ).then(after, [user, ident, picker], [picker], **PRIVATE).then(
        files, None, [chooser], **PRIVATE
    ).then(audited, [user], [audit], **PRIVATE)
    retire.click(
        partial(staff_partner.retire_partner, assistant), [user, picker], [status], **PRIVATE
    ).then(after, [user, ident, picker], [picker], **PRIVATE).then(
        files, None, [chooser], **PRIVATE
    ).then(audited, [user], [audit], **PRIVATE)
    return picker


def stale_view(
    assistant: Assistant, user: gr.State, audited: Any, audit: Any
) -> tuple[list[Any], gr.Dropdown, gr.Button]:
    """The stale list by owner, with "mark verified" and "edit"."""
    summary = gr.Markdown(elem_id="stale-summary")
    table = gr.Dataframe(
        headers=staff_insights.STALE_HEADERS, interactive=False, wrap=True, elem_id="staff-stale"
    )
    item = gr.Dropdown([], value=None, label="Eintrag / item", elem_id="stale-item")
    with gr.Row():
        verify = gr.Button("Als geprüft markieren / mark verified", elem_id="stale-verify")
        edit = gr.Button("Bearbeiten / edit", elem_id="stale-edit")
    status = gr.Markdown(elem_id="stale-status")
    outputs = [summary, table, item]

    def listed(who: str) -> tuple[Any, ...]:
        text, rows, choices = staff_insights.stale_view(assistant, who)
        return text, rows, gr.Dropdown(choices=choices, value=None)

    verify.click(partial(staff_insights.verify, assistant), [user, item], [status], **PRIVATE).then(
        listed, [user], outputs, **PRIVATE
    ).then(audited, [user], [audit], **PRIVATE)
    return outputs, item, edit


def insights_view(assistant: Assistant, user: gr.State) -> tuple[list[Any], gr.Radio]:
    """What people ask: figures, most asked, answers by source (chart), CSV export."""
    days = gr.Radio(
        staff_insights.PERIOD_CHOICES, value=30, label="Zeitraum / period", elem_id="insights-days"
    )
    numbers = gr.Markdown(elem_id="insights-numbers")
    top = gr.Dataframe(
        headers=staff_insights.TOP_HEADERS, interactive=False, wrap=True, elem_id="insights-top"
    )
    chart = gr.HTML(elem_id="insights-chart")
    unused = gr.Markdown(elem_id="insights-unused")
    with gr.Row():
        export = gr.Button(
            "Fragenprotokoll als CSV / question log as CSV", elem_id="insights-export"
        )
        # hidden until there is a file: an empty File is an unnamed region to axe-core
        download = gr.File(label="CSV", elem_id="insights-csv", interactive=False, visible=False)
    outputs = [numbers, top, chart, unused]
    days.change(partial(staff_insights.insights_view, assistant), [user, days], outputs, **PRIVATE)
    export.click(
        lambda who: gr.File(value=staff_insights.export_log(assistant, who), visible=True),
        [user],
        [download],
        **PRIVATE,
    )
    return outputs, days
