"""The staff tab's lists: what has gone stale, and what people ask.

Thin callbacks over ``assistant.curation.stale`` and ``assistant.curation.insights``; each
checks the login and logs (never shows) an unexpected error.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from typing import Any

from assistant.curation import insights, stale
from assistant.curation.yaml_edit import NotEditable
from assistant.pipeline import Assistant
from index.editing import IndexingFailed
from index.validation import CorpusError
from ui.staff_common import LOCKED, STAFF_FAILED, failure, signed_in

log = logging.getLogger(__name__)

STALE_HEADERS = [
    "Verantwortlich / owner",
    "Eintrag / item",
    "Datei / file",
    "Datum / date",
    "Status",
]
TOP_HEADERS = ["Frage / question", "Anzahl / times", "beantwortet / answered"]
PERIOD_CHOICES = [("7 Tage / days", 7), ("30 Tage / days", 30)]


def stale_view(
    assistant: Assistant, user: str, today: dt.date | None = None
) -> tuple[str, list[list[Any]], list[tuple[str, str]]]:
    """A summary line, the stale items by owner, and the picker's choices (label, key)."""
    if not signed_in(assistant, user):
        return LOCKED, [], []
    settings = assistant.settings
    try:
        items = stale.stale_items(
            settings.corpus_dir,
            today or dt.date.today(),
            settings.stale_warn_days,
            settings.stale_after_months,
        )
    except Exception:
        log.exception("the stale list failed")
        return STAFF_FAILED, [], []
    rule = (
        f"FAQ-Einträge, die abgelaufen sind oder in {settings.stale_warn_days} Tagen ablaufen, "
        f"und Profile, die seit {settings.stale_after_months} Monaten nicht geprüft wurden. / "
        f"FAQ entries past or within {settings.stale_warn_days} days of valid-until, profiles "
        f"not verified for {settings.stale_after_months} months."
    )
    owners = sorted({item.owner for item in items})
    summary = f"**{len(items)}** veraltet / stale" + (
        " — " + ", ".join(f"{o}: {sum(i.owner == o for i in items)}" for o in owners)
        if owners
        else ""
    )
    rows = [
        [item.owner, item.title, item.key, item.date.isoformat(), stale.STATUS_LABEL[item.status]]
        for item in items
    ]
    choices = [(f"{item.title} ({item.key})", item.key) for item in items]
    return f"{rule}\n\n{summary}", rows, choices


def verify(assistant: Assistant, user: str, key: str | None) -> str:
    """Mark an item verified: only its one date line changes, then validated, indexed, audited."""
    if not signed_in(assistant, user):
        return LOCKED
    if not key:
        return "❌ Bitte einen Eintrag wählen. / Please choose an item."
    try:
        stale.mark_verified(assistant, key, user)
    except (KeyError, NotEditable):
        return "❌ Eintrag nicht gefunden oder nicht lesbar. / Item not found or not readable."
    except (CorpusError, IndexingFailed) as exc:
        return failure(exc)
    except Exception:
        log.exception("marking %r verified failed", key)
        return STAFF_FAILED
    return f"✅ `{key}` als geprüft markiert / marked verified."


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def insights_view(
    assistant: Assistant, user: str, days: int | None
) -> tuple[str, list[list[Any]], str, str]:
    """Figures, most asked questions, answers by source (for the chart), never-cited files."""
    if not signed_in(assistant, user):
        return LOCKED, [], "", ""
    if assistant.feedback is None:
        return "Fragen werden nicht gespeichert (ASSISTANT_FEEDBACK=false).", [], "", ""
    period = int(days or 30)
    try:
        found = insights.insights(assistant, period)
    except Exception:
        log.exception("the insights view failed")
        return STAFF_FAILED, [], "", ""
    numbers = (
        f"Letzte / last **{period}** Tage / days: **{found.questions}** Fragen / questions · "
        f"beantwortet / answered **{_share(found.answered_share)}** · "
        f"als hilfreich bewertet / rated helpful **{_share(found.helpful_share)}** "
        f"(von / of {found.rated} Bewertungen / ratings) · Aufbewahrung / kept "
        f"{assistant.settings.feedback_retention_days} Tage / days"
    )
    top = [[question, times, answered] for question, times, answered in found.top]
    chart = chart_html(found.by_source[:15])
    unused = (
        "**Nie zitiert / never cited:** " + ", ".join(f"`{s}`" for s in found.never_cited)
        if found.never_cited
        else "Jede Quelle wurde zitiert. / Every source was cited."
    )
    return numbers, top, chart, unused


def chart_html(by_source: list[tuple[str, int]]) -> str:
    """Answers by source as a table with a bar per row: read by screen readers as a table.

    Gradio's BarPlot draws unlabeled SVG marks (axe-core: svg-img-alt), so the chart is plain
    HTML; the bars are decorative (``aria-hidden``), the numbers are in the cells.
    """
    if not by_source:
        return "<p>Noch keine zitierten Antworten. / No cited answers yet.</p>"
    most = max(n for _, n in by_source)
    rows = "".join(
        f"<tr><td><code>{html.escape(source)}</code></td><td>{n}</td>"
        f'<td style="width:50%"><span aria-hidden="true" style="display:inline-block;'
        f'height:0.9em;background:#1d4ed8;width:{max(2, round(100 * n / most))}%"></span></td>'
        "</tr>"
        for source, n in by_source
    )
    return (
        '<table style="width:100%"><caption style="text-align:left;font-weight:600">'
        "Antworten nach Quelle / answers by source</caption><thead><tr>"
        '<th style="text-align:left">Quelle / source</th>'
        '<th style="text-align:left">Antworten / answers</th>'
        '<th style="text-align:left">Anteil / share</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def export_log(assistant: Assistant, user: str) -> str | None:
    """The question log as a CSV file to download (None when not allowed or on error)."""
    if not signed_in(assistant, user):
        return None
    try:
        path = insights.export_csv(assistant)
    except Exception:
        log.exception("exporting the question log failed")
        return None
    return str(path) if path else None
