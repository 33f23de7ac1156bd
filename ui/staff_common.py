"""What every staff view shares: the login check and the messages staff see on failure.

Kept apart from ``ui.staff`` so the form and list modules use the same check and the same
wording without importing the tab that imports them.
"""

from __future__ import annotations

from assistant.pipeline import Assistant
from index.editing import IndexingFailed
from index.validation import CorpusError

LOCKED = "🔒 Bitte zuerst anmelden. / Please log in first."
STAFF_FAILED = (
    "❌ Etwas ist schiefgegangen; der Fehler wurde protokolliert. Bitte später erneut "
    "versuchen. / Something went wrong; the error was logged. Please try again later."
)
UNDONE = (
    "❌ Die Indexierung ist fehlgeschlagen; die Änderung wurde rückgängig gemacht, Dateien und "
    "Index sind wie vorher. / Indexing failed; the change was undone, files and index are as "
    "they were."
)
UNDONE_REINDEX = (
    "❌ Die Indexierung ist fehlgeschlagen; die Änderung wurde rückgängig gemacht, aber der "
    "Index muss neu aufgebaut werden: `assistant index`. / Indexing failed; the change was "
    "undone, but the index must be rebuilt: `assistant index`."
)


def signed_in(assistant: Assistant, user: str) -> bool:
    """True when ``user`` (the session's name) may use the staff tab now."""
    return bool(user) and assistant.staff is not None and assistant.staff.exists(user)


def problems(error: CorpusError) -> str:
    """A refused change: nothing was written, and the ``file:line`` problems."""
    lines = "\n".join(f"- `{problem}`" for problem in error.problems)
    return f"❌ Nicht gespeichert, nichts verändert. / Not saved, nothing changed.\n\n{lines}"


def failure(error: CorpusError | IndexingFailed) -> str:
    """The message for a refused or undone change (never the exception's own text)."""
    if isinstance(error, CorpusError):
        return problems(error)
    return UNDONE if error.reindexed else UNDONE_REINDEX
