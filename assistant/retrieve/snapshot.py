"""Where index views live: one folder per index version, so a process starts without a rebuild.

Building the view (keyword index, sentence split and sentence vectors) reads every chunk and
analyses every word: 42 s at 100,000 chunks, paid by every process and every CLI ``ask``.
A view is written into a staging folder and then either published under
``<data>/derived/<collection>/<version>/`` (renamed into place, so a reader finds a whole
view or none) or, with no version or no data directory to keep it in, deleted right after it
was opened: its open files stay readable until the view is dropped. The version is the one
recorded in the store (``index.version``): a view of another version is never used, and older
ones are removed when a new one is published.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from assistant.retrieve.view import IndexView, open_view

log = logging.getLogger(__name__)

STALE_STAGING_SECONDS = 3600


def _safe(version: str) -> bool:
    return bool(version) and all(c.isalnum() or c in "-_" for c in version)


def staging(root: Path | None) -> Path:
    """A new, empty folder to write a view into: inside ``root`` (to be published) or temporary."""
    if root is None:
        return Path(tempfile.mkdtemp(prefix="assistant-view-"))
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".staging-", dir=root))


def publish(root: Path, folder: Path, version: str) -> None:
    """Make ``folder`` (from ``staging(root)``) the view of ``version``; drop older ones.

    A failure is logged, not raised: the view in use is complete, only the next process
    will build it again.
    """
    if not _safe(version):
        return
    target = root / version
    try:
        if target.exists():
            shutil.rmtree(target)
        os.replace(folder, target)
    except OSError:
        log.exception("could not publish the index view of version %s", version)
        return
    for other in root.iterdir():
        if other.name == version:
            continue
        try:
            fresh = time.time() - other.stat().st_mtime < STALE_STAGING_SECONDS
        except OSError:
            continue  # removed meanwhile by the process that made it
        if other.name.startswith(".staging-") and fresh:
            continue  # another process (the CLI beside the server) may be writing it
        shutil.rmtree(other, ignore_errors=True)


def discard(folder: Path) -> None:
    """Delete a staging folder (a view opened from it reads on from its open files)."""
    shutil.rmtree(folder, ignore_errors=True)


def load(root: Path, version: str) -> IndexView | None:
    """The view published for ``version``.

    ``None`` when there is none (or it cannot be read: it is then rebuilt, never trusted).
    """
    folder = root / version
    if not _safe(version) or not (folder / "view.json").is_file():
        return None
    try:
        return open_view(folder)
    except Exception:  # cut short by a crash (EOFError), damaged, of another format
        log.exception("could not read the index view of version %s; rebuilding", version)
        return None
