"""The staff tab's "import a web page" callback, with its messages in German and English.

Kept apart from ``ui/staff.py`` so the button can be wired there with one line:
``partial(import_page, assistant)`` with inputs ``[user, url, name]``. Like the other staff
callbacks it takes the assistant first, checks the login (``ui.staff.signed_in``) on every
call, and never shows the text of an unexpected exception (logged; staff see
``STAFF_FAILED``). What ``index.url_import`` refuses gets a sentence per reason. Whatever came
from the fetched page or its server (title, redirect target, content type) is shown escaped,
never as Markdown or HTML.
"""

from __future__ import annotations

import logging
from typing import Any

from assistant.pipeline import Assistant
from index.editing import IndexingFailed
from index.url_import import ImportRefused, import_url
from index.validation import CorpusError
from ui.format import escape_markdown
from ui.staff_common import LOCKED, STAFF_FAILED, UNDONE, UNDONE_REINDEX, signed_in

log = logging.getLogger(__name__)

NO_URL = "❌ Bitte eine Adresse (URL) angeben. / Please enter an address (URL)."
NOTHING = "Nichts gespeichert. / Nothing saved."
# German / English for each reason ``ImportRefused`` gives; {fields} from its params
REFUSED: dict[str, tuple[str, str]] = {
    "scheme": (
        "Nur http- und https-Adressen können importiert werden (nicht {scheme}).",
        "Only http and https addresses can be imported (not {scheme}).",
    ),
    "address": (
        "Das ist keine gültige Webadresse mit Rechnername.",
        "This is not a valid web address with a host name.",
    ),
    "private": (
        "{host} ist eine lokale oder private Adresse; importiert werden nur öffentliche Seiten.",
        "{host} is a local or private address; only public pages are imported.",
    ),
    "resolve": ("Den Rechner {host} gibt es nicht.", "The host {host} was not found."),
    "network": (
        "Die Seite war nicht erreichbar (keine Verbindung).",
        "The page could not be reached (no connection).",
    ),
    "timeout": (
        "Die Seite kam nicht innerhalb von {seconds:g} s an.",
        "The page did not arrive within {seconds:g} s.",
    ),
    "status": (
        "Der Server antwortete mit Fehler {status} (Seite nicht gefunden oder gesperrt).",
        "The server answered with error {status} (page not found or not allowed).",
    ),
    "too_large": (
        "Die Seite ist zu groß ({mb} MB, höchstens {most} MB).",
        "The page is too large ({mb} MB, at most {most} MB).",
    ),
    "content_type": (
        "Unter der Adresse liegt keine HTML-Seite, sondern {content_type}. PDF- und "
        "Word-Dateien bitte herunterladen und als Datei hinzufügen.",
        "The address gives {content_type}, not an HTML page. Please download PDF and Word "
        "files and add them as a file.",
    ),
    "redirect": (
        "Die Seite leitet an eine nicht erlaubte Adresse weiter ({target}).",
        "The page redirects to an address that is not allowed ({target}).",
    ),
    "no_text": ("Auf der Seite wurde kein Text gefunden.", "No text was found on the page."),
    "no_title": (
        "Die Seite hat keinen Titel; bitte einen angeben.",
        "The page has no title; please give one.",
    ),
}


def refused_message(error: ImportRefused) -> str:
    """The bilingual sentence for a refusal (the English message if a reason is unknown)."""
    german, english = REFUSED.get(error.reason, ("", error.message))
    params = {k: escape_markdown(v) if isinstance(v, str) else v for k, v in error.params.items()}
    try:
        german, english = german.format(**params), english.format(**params)
    except (KeyError, ValueError):
        log.warning("no message fields for %s: %s", error.reason, error.params)
        return f"❌ {NOTHING}"
    text = f"{german} / {english}" if german else escape_markdown(english)
    return f"❌ {text} {NOTHING}"


def _problems(error: CorpusError) -> str:
    lines = "\n".join(f"- {escape_markdown(str(problem))}" for problem in error.problems)
    return f"❌ Nicht gespeichert, nichts verändert. / Not saved, nothing changed.\n\n{lines}"


def import_page(assistant: Assistant, user: str, url: str, name: str = "", **options: Any) -> str:
    """Import the page at ``url`` as a corpus document (file name ``name``) and index it.

    ``options`` go to ``index.url_import.import_url`` (``allow_private``, ``timeout``); the
    staff tab passes none.
    """
    if not signed_in(assistant, user):
        return LOCKED
    url = (url or "").strip()
    if not url:
        return NO_URL
    try:
        result = import_url(assistant, url, user, name=(name or "").strip() or None, **options)
    except ImportRefused as exc:
        log.info("URL import refused (%s): %s", exc.reason, exc.message)
        return refused_message(exc)
    except CorpusError as exc:
        return _problems(exc)
    except IndexingFailed as exc:
        return UNDONE if exc.reindexed else UNDONE_REINDEX
    except Exception:
        log.exception("importing %r failed", url[:200])
        return STAFF_FAILED
    dated = "" if result.page_date_known else " (ohne Datum auf der Seite / no date on the page)"
    return (
        f"✅ `{result.rel}` – {escape_markdown(result.title)} ({result.date}{dated}), "
        f"{result.chars:,} Zeichen / characters: {result.report.summary()}"
    )
