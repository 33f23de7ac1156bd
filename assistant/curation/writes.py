"""One read-change-save at a time, so two staff saving forms at once lose nothing.

A form's save reads the file, changes its lines and writes it back; two saves interleaved
would each write their own change over the original and one would be lost. The lock spans
the read and the write (``Assistant.save_corpus_file`` validates, writes atomically, indexes,
audits and undoes on failure). It is per process: several replicas editing one corpus
directory are not a supported set-up for staff writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from assistant.pipeline import Assistant
from index.editing import change_corpus
from index.indexer import IndexReport
from index.limits import Limits

_LOCK = threading.Lock()


def rewrite(assistant: Assistant, rel: str, change: Callable[[str], str], who: str) -> IndexReport:
    """Save ``change(current text)`` as the new text of the editable file ``rel``."""
    with _LOCK:
        text = assistant.corpus_file(rel)
        return assistant.save_corpus_file(rel, change(text), who=who)


def change_files(
    assistant: Assistant,
    files: dict[str, bytes],
    who: str,
    action: str,
    remove: Sequence[str] = (),
) -> IndexReport:
    """Add (or remove) whole corpus files: a new or retired partner profile.

    ``Assistant.save_corpus_file`` only replaces existing files, so this calls the same
    ``change_corpus`` path (validation, atomic write, indexing, audit, undo) directly, under
    the assistant's own one-change-at-a-time lock as ``Assistant.add_document`` does.
    """
    settings = assistant.settings
    with _LOCK, assistant._lock:  # the lock add_document and edits take; no public handle
        return change_corpus(
            settings.corpus_dir,
            files,
            assistant.index,
            limits=Limits.from_settings(settings),
            who=who,
            action=action,
            journal=assistant.staff,
            remove=remove,
            index_validated=assistant.index_documents,
        )
