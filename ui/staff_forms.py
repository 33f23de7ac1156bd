"""The staff tab's FAQ form: a new entry from an unanswered question, or one to edit or retire.

Callbacks are module functions taking the assistant and the session's name first, so they are
tested without a browser; each checks the login, shows problems by field (or ``file:line``
from the whole-corpus check), and logs unexpected errors instead of showing them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.curation import faq_forms, questions
from assistant.curation.yaml_edit import NotEditable
from assistant.pipeline import Assistant
from index.editing import IndexingFailed
from index.validation import CorpusError
from ui.staff_common import LOCKED, STAFF_FAILED, failure, signed_in

log = logging.getLogger(__name__)

NEW_ENTRY = "Neuer Eintrag / new entry"
NOT_EDITABLE = (
    "❌ Diese Datei ist anders aufgebaut, als das Formular sie lesen kann; bitte im YAML-Editor "
    "bearbeiten. / This file is laid out in a way the form cannot follow; please use the YAML "
    "editor."
)


@dataclass
class FaqForm:
    """What the FAQ form shows; ``mode`` is "" for a new entry, else the id being edited."""

    mode: str = ""
    file: str | None = None
    id: str = ""
    audience: list[str] = field(default_factory=lambda: ["newcomer"])
    questions_de: str = ""
    questions_en: str = ""
    answer_de: str = ""
    answer_en: str = ""
    suggested: list[tuple[str, str]] = field(default_factory=list)  # (label, url) to tick
    suggestions: str = ""
    sources: str = ""
    owner: str = ""
    valid_until: str = ""
    known_gap: bool = False
    closes: list[str] = field(default_factory=list)  # the logged questions saving resolves
    status: str = ""

    def outputs(self) -> tuple[Any, ...]:
        """The values in the order of ``FAQ_OUTPUTS`` in ``ui.staff``."""
        return (
            self.mode,
            self.file,
            self.id,
            self.audience,
            self.questions_de,
            self.questions_en,
            self.answer_de,
            self.answer_en,
            gr.CheckboxGroup(choices=self.suggested, value=[]),
            self.suggestions,
            self.sources,
            self.owner,
            self.valid_until,
            self.known_gap,
            self.closes,
            self.status or gr.skip(),  # an opened entry keeps the message of the save before
        )


def _of_draft(draft: faq_forms.FaqDraft, mode: str) -> FaqForm:
    return FaqForm(
        mode=mode,
        file=draft.file,
        id=draft.id,
        audience=list(draft.audience),
        questions_de="\n".join(draft.questions_de),
        questions_en="\n".join(draft.questions_en),
        answer_de=draft.answer_de,
        answer_en=draft.answer_en,
        sources="\n".join(draft.sources),
        owner=draft.owner,
        valid_until=draft.valid_until,
        known_gap=draft.known_gap,
    )


def question_choices(assistant: Assistant, user: str) -> list[tuple[str, str]]:
    """The unanswered question groups and thumbs-down questions, as (label, question)."""
    if not signed_in(assistant, user) or assistant.feedback is None:
        return []
    try:
        choices = [
            (f"{g.lead} ({g.times}×, {len(g.questions)} Formulierung(en) / wordings)", g.lead)
            for g in questions.unanswered_groups(assistant)
        ]
        seen = {value for _, value in choices}
        for row in assistant.feedback.disliked():
            if row["question"] not in seen:
                seen.add(row["question"])
                choices.append((f"👎 {row['question']}", row["question"]))
    except Exception:
        log.exception("listing the questions for FAQ entries failed")
        return []
    return choices


def entry_choices(assistant: Assistant, user: str) -> list[tuple[str, str]]:
    """Every FAQ entry as (first German question, ``file#id``), for the edit picker."""
    if not signed_in(assistant, user):
        return []
    try:
        return [
            (
                f"{((e.get('questions') or {}).get('de') or [e['id']])[0]} ({e['id']})",
                f"{r}#{e['id']}",
            )
            for r, e in faq_forms.entries(assistant.settings.corpus_dir)
        ]
    except Exception:
        log.exception("listing the FAQ entries failed")
        return []


def open_question(
    assistant: Assistant, user: str, question: str | None, file: str | None
) -> FaqForm:
    """The "create FAQ entry" form for a logged question, prefilled from its wordings."""
    if not signed_in(assistant, user):
        return FaqForm(status=LOCKED)
    if not question:
        return FaqForm(status="❌ Bitte eine Frage wählen. / Please choose a question.")
    try:
        files = faq_forms.faq_files(assistant.settings.corpus_dir)
        target = file if file in files else files[0]
        opened = questions.prefill(assistant, question, user, target)
    except Exception:
        log.exception("prefilling a FAQ entry failed")
        return FaqForm(status=STAFF_FAILED)
    form = _of_draft(opened.draft, "")
    form.closes = list(opened.group.questions)
    form.suggested = [(f"{s.title} — {s.url}", s.url) for s in opened.suggestions if s.url]
    form.suggestions = "\n".join(
        f"{n}. **{s.title}** (`{s.source}`): {s.snippet}"
        for n, s in enumerate(opened.suggestions, 1)
    )
    missing = "Englisch / English" if not opened.draft.questions_en else "Deutsch / German"
    form.status = (
        f"Neuer Eintrag für {len(form.closes)} Formulierung(en); bitte Antworten, Quellen und "
        f"mindestens eine Frage auf {missing} ergänzen. / New entry for {len(form.closes)} "
        "wording(s); please add the answers, sources and a question in both languages."
    )
    return form


def open_entry(assistant: Assistant, user: str, key: str | None) -> FaqForm:
    """The form for a stored entry (``file#id``), to edit or retire it."""
    if not signed_in(assistant, user):
        return FaqForm(status=LOCKED)
    if not key:
        return FaqForm()
    try:
        rel, stored = faq_forms.find(assistant.settings.corpus_dir, key.partition("#")[2])
    except KeyError:
        return FaqForm(status="❌ Eintrag nicht gefunden. / Entry not found.")
    except Exception:
        log.exception("opening FAQ entry %r failed", key)
        return FaqForm(status=STAFF_FAILED)
    return _of_draft(faq_forms.draft_of(rel, stored), str(stored["id"]))


def save_faq(
    assistant: Assistant,
    user: str,
    mode: str,
    file: str | None,
    ident: str,
    audience: list[str],
    questions_de: str,
    questions_en: str,
    answer_de: str,
    answer_en: str,
    suggested: list[str] | None,
    sources: str,
    owner: str,
    valid_until: str,
    known_gap: bool,
    closes: list[str] | None,
) -> tuple[str, str]:
    """Check the form, then save (new entry or edit); the message and the form's new mode.

    The logged questions the entry now holds as variants leave the unanswered list.
    """
    if not signed_in(assistant, user):
        return LOCKED, mode
    if not file:
        return "❌ Bitte eine FAQ-Datei wählen. / Please choose a FAQ file.", mode
    draft = faq_forms.FaqDraft(
        file=file,
        id=ident or "",
        questions_de=faq_forms.lines(questions_de),
        questions_en=faq_forms.lines(questions_en),
        answer_de=answer_de or "",
        answer_en=answer_en or "",
        sources=[*(suggested or []), *faq_forms.lines(sources)],
        owner=owner or "",
        valid_until=valid_until or "",
        audience=list(audience or []),
        known_gap=bool(known_gap),
    )
    found = faq_forms.problems(draft)
    if found:
        lines = "\n".join(f"- `{p}`" for p in found)
        return (
            f"❌ Nicht gespeichert, nichts verändert. / Not saved, nothing changed.\n\n{lines}",
            mode,
        )
    try:
        if mode:
            report = faq_forms.edit(assistant, mode, draft, user)
        else:
            report = faq_forms.add(assistant, draft, user)
        variants = {" ".join(q.casefold().split()) for q in draft.questions_de + draft.questions_en}
        answered = [q for q in closes or [] if " ".join(q.casefold().split()) in variants]
        if answered and assistant.feedback is not None:
            assistant.feedback.resolve(answered, draft.id)
    except NotEditable:
        return NOT_EDITABLE, mode
    except (CorpusError, IndexingFailed) as exc:
        return failure(exc), mode
    except Exception:
        log.exception("saving FAQ entry %r failed", draft.id)
        return STAFF_FAILED, mode
    return f"✅ `{draft.file}#{draft.id}`: {report.summary()}", draft.id


def retire_faq(assistant: Assistant, user: str, mode: str, file: str | None) -> tuple[str, str]:
    """Remove the entry being edited from its file (validated and indexed like any change)."""
    if not signed_in(assistant, user):
        return LOCKED, mode
    if not mode or not file:
        return "❌ Erst einen gespeicherten Eintrag öffnen. / Open a saved entry first.", mode
    try:
        faq_forms.retire(assistant, file, mode, user)
    except (KeyError, NotEditable):
        return NOT_EDITABLE, mode
    except (CorpusError, IndexingFailed) as exc:
        return failure(exc), mode
    except Exception:
        log.exception("retiring FAQ entry %r failed", mode)
        return STAFF_FAILED, mode
    return f"✅ `{file}#{mode}` entfernt / retired.", ""
