"""One read-change-save at a time, so two staff saving forms at once lose nothing.

A form's save reads the file, changes its lines and writes it back; two saves interleaved
would each write their own change over the original and one would be lost. The lock spans
the read and the write (``Assistant.save_corpus_file`` validates, writes atomically, indexes,
audits and undoes on failure). It is per process: several replicas editing one corpus
directory are not a supported set-up for staff writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from assistant.pipeline import Assistant
from index.indexer import IndexReport

_LOCK = threading.Lock()


def rewrite(assistant: Assistant, rel: str, change: Callable[[str], str], who: str) -> IndexReport:
    """Save ``change(current text)`` as the new text of the editable file ``rel``."""
    with _LOCK:
        text = assistant.corpus_file(rel)
        return assistant.save_corpus_file(rel, change(text), who=who)
