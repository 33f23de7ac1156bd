"""The staff tab's partner profile form: every field of the schema, topics from the vocabulary.

Callbacks take the assistant and the session's name first (tested without a browser), check
the login, and log unexpected errors instead of showing them (``ui.staff_common``).
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr
import yaml

from assistant.curation import faq_forms, partner_forms
from assistant.curation.yaml_edit import NotEditable
from assistant.pipeline import Assistant
from index.editing import IndexingFailed
from index.validation import CorpusError
from ui.staff_common import LOCKED, STAFF_FAILED, failure, signed_in
from ui.staff_forms import NOT_EDITABLE

log = logging.getLogger(__name__)

NEW_PROFILE = (
    "Neues Profil: Felder ausfüllen, dann speichern (wird `partners/<ID>.yaml`). / New "
    "profile: fill in the fields, then save (becomes `partners/<id>.yaml`)."
)


def topic_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """The controlled vocabulary (``topics.yaml``) as ("Robotik / Robotics", "robotics")."""
    path = assistant.settings.corpus_dir / "topics.yaml"
    try:
        topics = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("topics") or []
    except (OSError, yaml.YAMLError):
        log.exception("reading the topic vocabulary failed")
        return []
    return [(f"{t['de']} / {t['en']}", str(t["id"])) for t in topics if isinstance(t, dict)]


def partner_choices(assistant: Assistant, user: str) -> list[tuple[str, str]]:
    """Every profile as (name, file)."""
    if not signed_in(assistant, user):
        return []
    try:
        return [
            (str(p.get("name") or rel), rel)
            for rel, p in partner_forms.profiles(assistant.settings.corpus_dir)
        ]
    except Exception:
        log.exception("listing the partner profiles failed")
        return []


PARTNER_EMPTY: tuple[Any, ...] = (
    "",
    "",
    "",
    "company",
    False,
    "",
    "",
    "",
    [],
    "",
    "",
    [],
    [],
    "",
    "",
)


def open_partner(assistant: Assistant, user: str, rel: str | None) -> tuple[Any, ...]:
    """The profile form's values (order of ``partner_view``'s fields) and a status.

    The status is left as it is (``gr.skip()``) unless opening fails: the picker also changes
    after a save, and the save's message should stay.
    """
    if not signed_in(assistant, user):
        return (*PARTNER_EMPTY, LOCKED)
    if not rel:
        return (*PARTNER_EMPTY, gr.skip())
    try:
        stored = dict(partner_forms.profiles(assistant.settings.corpus_dir))[rel]
        d = partner_forms.draft_of(rel, stored)
    except Exception:
        log.exception("opening profile %r failed", rel)
        return (*PARTNER_EMPTY, STAFF_FAILED)
    return (
        d.id,
        d.name,
        d.short_name,
        d.kind,
        d.founding_partner,
        d.parent,
        d.description_de,
        d.description_en,
        d.topics,
        d.location,
        d.website,
        d.routes,
        d.unknown,
        "\n".join(d.sources),
        d.last_verified,
        gr.skip(),
    )


def save_partner(assistant: Assistant, user: str, rel: str | None, *values: Any) -> str:
    """Save the profile form (values in the order of ``open_partner``, without the status).

    With no profile chosen it is a new profile, ``partners/<id>.yaml``.
    """
    if not signed_in(assistant, user):
        return LOCKED
    (
        ident,
        name,
        short,
        kind,
        founding,
        parent,
        de,
        en,
        topics,
        where,
        web,
        routes,
        unknown,
        sources,
        verified,
    ) = values
    draft = partner_forms.PartnerDraft(
        rel=rel or "",
        id=ident or "",
        name=name or "",
        kind=kind or "company",
        description_de=de or "",
        description_en=en or "",
        topics=list(topics or []),
        location=where or "",
        sources=faq_forms.lines(sources),
        last_verified=verified or "",
        short_name=short or "",
        parent=parent or "",
        founding_partner=bool(founding),
        website=web or "",
        routes=_rows(routes),
        unknown=_rows(unknown),
    )
    try:
        if not rel:
            report = partner_forms.add(assistant, draft, user)
        elif partner_forms.stored_id(assistant.settings.corpus_dir, rel) != draft.id.strip():
            return (
                "❌ Die ID eines Profils bleibt; für eine neue ID ein neues Profil anlegen. / "
                "A profile keeps its id; create a new profile for a new id."
            )
        else:
            report = partner_forms.edit(assistant, draft, user)
    except NotEditable:
        return NOT_EDITABLE
    except (CorpusError, IndexingFailed) as exc:
        return failure(exc)
    except Exception:
        log.exception("saving profile %r failed", rel)
        return STAFF_FAILED
    return f"✅ `{draft.rel}`: {report.summary()}"


def _rows(table: Any) -> list[list[str]]:
    """A Dataframe's value (list of rows, or a pandas frame) as rows of strings."""
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):
        table = table.values.tolist()
    return [["" if c is None else str(c) for c in row] for row in table]


def retire_partner(assistant: Assistant, user: str, rel: str | None) -> str:
    """Remove the chosen profile (refused with the reason if another profile names it)."""
    if not signed_in(assistant, user):
        return LOCKED
    if not rel:
        return "❌ Bitte ein Profil wählen. / Please choose a profile."
    try:
        partner_forms.retire(assistant, rel, user)
    except KeyError:
        return "❌ Profil nicht gefunden. / Profile not found."
    except (CorpusError, IndexingFailed) as exc:
        return failure(exc)
    except Exception:
        log.exception("retiring profile %r failed", rel)
        return STAFF_FAILED
    return f"✅ `{rel}` entfernt / retired."


def picker_after_save(assistant: Assistant, user: str, ident: str, rel: str | None) -> Any:
    """The profile picker after a save or retire: current choices, the saved profile chosen."""
    choices = partner_choices(assistant, user)
    saved = f"partners/{(ident or '').strip()}.yaml"
    value = (
        rel
        if rel in {v for _, v in choices}
        else saved
        if saved in {v for _, v in choices}
        else None
    )
    return gr.Dropdown(choices=choices, value=value)
