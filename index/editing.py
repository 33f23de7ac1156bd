"""Changes to the corpus made by staff from the chat page: add a document, edit a YAML file.

A change is first applied to a copy of the corpus and the whole copy is validated (a broken
PDF, a FAQ id used twice, a typo in a key, a document over the limits). Only a valid change is
written to the corpus, each file atomically and keeping its mode; an invalid one raises
``CorpusError`` and leaves every file as it was.

``change_corpus`` also indexes the change and records it in a journal (the staff audit log:
who, which file, SHA-256 before and after). When indexing fails, for any reason, the files are
put back byte for byte (added ones removed) and indexed again, so corpus and index agree; the
journal says so. A process killed between writing and indexing leaves its entry unfinished;
the next ``assistant index`` (``assistant serve`` runs it at start) makes the index agree with
the files again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

from index.limits import Limits
from index.loaders import DOCUMENT_SUFFIXES, SIDECAR_SUFFIX, Corpus, load_corpus
from index.validation import CorpusError, Problem

logger = logging.getLogger(__name__)
T = TypeVar("T")

EDITABLE_FOLDERS = ("faq", "partners")  # YAML files staff may edit in place
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")
MAX_STEM_CHARS = 100  # with suffix, ".meta.yaml" and a temporary name well under 255 bytes


def editable_files(corpus_dir: Path) -> list[str]:
    """Corpus-relative paths of the YAML files that can be edited (FAQ, partner profiles)."""
    return sorted(
        path.relative_to(corpus_dir).as_posix()
        for folder in EDITABLE_FOLDERS
        for path in (corpus_dir / folder).glob("*.yaml")
    )


def document_name(filename: str) -> str:
    """A safe file name for an uploaded document: lower case, no folders, no odd characters.

    A long name is shortened to ``MAX_STEM_CHARS`` before the suffix: file systems allow 255
    bytes, and the sidecar and the temporary file of an atomic write add to it.
    """
    base = Path(filename).name.lower().replace(" ", "-")
    stem, suffix = Path(base).stem, Path(base).suffix
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in DOCUMENT_SUFFIXES:
        raise CorpusError(
            [
                Problem(
                    base,
                    1,
                    f"unsupported file type {suffix or '(none)'!r}; "
                    f"use one of {', '.join(DOCUMENT_SUFFIXES)}",
                )
            ]
        )
    stem = _SAFE_NAME.sub("-", stem).strip("-.")[:MAX_STEM_CHARS].rstrip("-.") or "document"
    return stem + suffix


def document_files(
    filename: str, data: bytes, meta: dict[str, Any], today: dt.date | None = None
) -> dict[str, bytes]:
    """The files an upload becomes: the document, with front matter or a ``.meta.yaml``.

    ``meta`` holds title, language and source (one URL); a Markdown file that already has
    front matter keeps it.
    """
    name = document_name(filename)
    day = (today or dt.date.today()).isoformat()
    header = {
        "title": str(meta.get("title") or "").strip(),
        "language": meta.get("language"),
        "sources": [str(meta.get("source") or "").strip()],
        "date": day,
        "last_verified": day,
        "kind": meta.get("kind") or "document",
    }
    front = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
    rel = f"documents/{name}"
    if name.endswith(".md"):
        text = data.decode("utf-8", errors="replace")
        if not text.lstrip().startswith("---"):
            text = f"---\n{front}---\n\n{text}"
        return {rel: text.encode("utf-8")}
    return {rel: data, rel + SIDECAR_SUFFIX: front.encode("utf-8")}


@dataclass(frozen=True)
class FileChange:
    """One corpus file a change writes: its bytes before (None: new file) and after.

    ``after`` None removes the file (a retired partner profile, say).
    """

    rel: str
    before: bytes | None
    after: bytes | None

    @property
    def before_sha256(self) -> str:
        """SHA-256 of the file before the change ("" when it did not exist)."""
        return sha256(self.before)

    @property
    def after_sha256(self) -> str:
        """SHA-256 of the file as the change writes it ("" when the change removes it)."""
        return sha256(self.after)


class Journal(Protocol):
    """Where changes are recorded (``assistant.staff_accounts.StaffAccounts``)."""

    def audit(
        self,
        who: str,
        action: str,
        path: str,
        before_sha256: str,
        after_sha256: str,
        ok: bool | None = None,
        detail: str = "",
    ) -> int:
        """Record a change (``ok`` None: begun); returns the entry's id."""
        ...

    def finish(self, entry: int, ok: bool, detail: str = "") -> None:
        """Mark a begun entry done or failed."""
        ...


class IndexingFailed(RuntimeError):
    """Indexing a written change failed; the files were put back.

    ``reindexed`` says whether indexing the restored files worked (corpus and index agree);
    if not, ``assistant index`` has to be run. The cause is chained (``__cause__``) and
    logged, never part of the message, which the staff page shows.
    """

    def __init__(self, files: list[str], reindexed: bool) -> None:
        self.files = files
        self.reindexed = reindexed
        then = (
            "the index was rebuilt from the restored files"
            if reindexed
            else "re-indexing the restored files failed too: run `assistant index`"
        )
        super().__init__(
            f"indexing failed after writing {', '.join(files)}; the change was undone and {then}"
        )


def sha256(data: bytes | None) -> str:
    """Hex SHA-256 of ``data``; "" for None (no file)."""
    return "" if data is None else hashlib.sha256(data).hexdigest()


def stage_change(
    corpus_dir: Path,
    files: dict[str, bytes],
    replace: bool = False,
    limits: Limits | None = None,
    remove: Sequence[str] = (),
) -> list[FileChange]:
    """Validate the corpus with ``files`` (corpus-relative paths) written; write nothing.

    New files must not exist yet unless ``replace``; edited files must exist already.
    ``remove`` names files the change deletes (they must exist). ``limits`` are those the
    index will apply (default: the settings' defaults), so a change accepted here is not
    refused by indexing. Returns the changes with the current bytes.
    """
    return validate_change(corpus_dir, files, replace, limits, remove)[0]


def corpus_state(corpus_dir: Path, leave_out: Sequence[str] = ()) -> dict[str, tuple[int, int]]:
    """Size and modification time of every corpus file but those ``leave_out`` names.

    Taken when a change is validated and again before its validated corpus is indexed: a
    file written meanwhile by someone else (another replica on a shared corpus directory,
    an edit by hand) makes indexing read the directory again instead.
    """
    state = {}
    for path in corpus_dir.rglob("*"):
        rel = path.relative_to(corpus_dir).as_posix()
        if rel not in leave_out and path.is_file():
            stat = path.stat()
            state[rel] = (stat.st_size, stat.st_mtime_ns)
    return state


def validate_change(
    corpus_dir: Path,
    files: dict[str, bytes],
    replace: bool = False,
    limits: Limits | None = None,
    remove: Sequence[str] = (),
) -> tuple[list[FileChange], Corpus, dict[str, tuple[int, int]]]:
    """``stage_change``, the corpus as it will be, and the files the change leaves alone.

    The corpus is what the directory will hold once the change is written; the state of the
    other files (``corpus_state``) tells later whether it still does.
    """
    problems = []
    changes = []
    for rel, data in files.items():
        target = _inside(corpus_dir, rel)
        try:
            exists = target.exists()
        except OSError as exc:  # a name too long for the file system, for one
            problems.append(Problem(rel, 1, f"unusable file name ({exc.strerror})"))
            continue
        if exists and not replace:
            problems.append(Problem(rel, 1, "a file of this name exists already; rename it"))
        if replace and not exists:
            problems.append(Problem(rel, 1, "no such file to edit"))
        before = target.read_bytes() if target.is_file() else None
        changes.append(FileChange(rel, before, data))
    for rel in remove:
        target = _inside(corpus_dir, rel)
        if not target.is_file():
            problems.append(Problem(rel, 1, "no such file to remove"))
            continue
        changes.append(FileChange(rel, target.read_bytes(), None))
    if problems:
        raise CorpusError(problems)
    untouched = corpus_state(corpus_dir, [*files, *remove])
    with tempfile.TemporaryDirectory(prefix="corpus-change-") as scratch:
        staged = Path(scratch) / "corpus"
        shutil.copytree(corpus_dir, staged)
        for rel, data in files.items():
            (staged / rel).parent.mkdir(parents=True, exist_ok=True)
            (staged / rel).write_bytes(data)
        for rel in remove:
            (staged / rel).unlink()
        corpus = load_corpus(staged, limits)  # raises CorpusError with file:line problems
    return changes, corpus, untouched


def write_changes(corpus_dir: Path, changes: list[FileChange]) -> None:
    """Write every change, each file atomically; if one fails, put back those written."""
    written: list[FileChange] = []
    try:
        for change in changes:
            target = _inside(corpus_dir, change.rel)
            if change.after is None:
                target.unlink()
            else:
                _write_atomically(target, change.after)
            written.append(change)
    except BaseException:
        undo_changes(corpus_dir, written)
        raise


def undo_changes(corpus_dir: Path, changes: list[FileChange]) -> None:
    """Put every changed file back as it was: old bytes (and mode) restored, new files removed."""
    for change in reversed(changes):
        target = _inside(corpus_dir, change.rel)
        if change.before is None:
            target.unlink(missing_ok=True)
        else:
            _write_atomically(target, change.before)


def apply_change(
    corpus_dir: Path, files: dict[str, bytes], replace: bool = False, limits: Limits | None = None
) -> list[FileChange]:
    """Validate the corpus with ``files`` (corpus-relative paths) written, then write them.

    New files must not exist yet unless ``replace``; edited files must exist already.
    """
    changes = stage_change(corpus_dir, files, replace, limits)
    write_changes(corpus_dir, changes)
    return changes


def change_corpus(
    corpus_dir: Path,
    files: dict[str, bytes],
    index: Callable[[], T],
    *,
    replace: bool = False,
    limits: Limits | None = None,
    who: str = "",
    action: str = "change",
    journal: Journal | None = None,
    remove: Sequence[str] = (),
    index_validated: Callable[[Corpus], T] | None = None,
) -> T:
    """Validate, write and index a change (``index`` re-indexes the corpus), all or nothing.

    ``remove`` names files the change deletes (put back like the others on failure).
    ``index_validated`` indexes the corpus validation loaded (the same files, so the same
    corpus) instead of loading it again: at 100,000 chunks that halves the time of a change.

    Every file is recorded in ``journal``: refused, begun, then done or failed. If ``index``
    raises anything, the files are put back, indexed again, and the error is raised: a
    ``CorpusError`` as it is (its problems name the file), any other exception as
    ``IndexingFailed`` (``KeyboardInterrupt`` and the like as themselves).
    """
    try:
        changes, corpus, untouched = validate_change(corpus_dir, files, replace, limits, remove)
    except CorpusError as exc:
        first = str(exc.problems[0]) if exc.problems else "invalid"
        after: dict[str, bytes | None] = {**files, **dict.fromkeys(remove)}
        for rel, data in after.items():
            _record(
                journal,
                who,
                action,
                rel,
                _current_sha256(corpus_dir, rel),
                sha256(data),
                False,
                f"refused: {first}"[:300],
            )
        raise
    entries = [
        _record(journal, who, action, c.rel, c.before_sha256, c.after_sha256, None, "")
        for c in changes
    ]
    try:
        write_changes(corpus_dir, changes)
    except BaseException as exc:
        _finish(journal, entries, False, f"not written ({type(exc).__name__})")
        raise
    try:
        if index_validated is not None and untouched == corpus_state(
            corpus_dir, [c.rel for c in changes]
        ):
            report = index_validated(corpus)
        else:
            del corpus  # not held while ``index`` loads it again
            report = index()
    except BaseException as exc:
        logger.exception("indexing failed after writing %s; undoing", [c.rel for c in changes])
        undo_changes(corpus_dir, changes)
        try:
            index()
            reindexed = True
        except Exception:
            logger.exception("re-indexing the restored corpus failed too")
            reindexed = False
        detail = f"indexing failed ({type(exc).__name__}); undone" + (
            "" if reindexed else ", re-indexing failed: run `assistant index`"
        )
        _finish(journal, entries, False, detail)
        if (isinstance(exc, CorpusError) and reindexed) or not isinstance(exc, Exception):
            raise
        raise IndexingFailed([c.rel for c in changes], reindexed) from exc
    _finish(journal, entries, True, "")
    return report


def _record(journal: Journal | None, *fields: Any) -> int:
    return journal.audit(*fields) if journal is not None else 0


def _finish(journal: Journal | None, entries: list[int], ok: bool, detail: str) -> None:
    """Close the entries; a failing journal must not turn the change's outcome around.

    The entries then stay unfinished, which the log shows.
    """
    if journal is None:
        return
    try:
        for entry in entries:
            journal.finish(entry, ok, detail)
    except Exception:
        logger.exception("could not finish audit entries %s", entries)


def _current_sha256(corpus_dir: Path, rel: str) -> str:
    try:
        target = _inside(corpus_dir, rel)
        return sha256(target.read_bytes()) if target.is_file() else ""
    except (CorpusError, OSError, ValueError):
        return ""


def _inside(corpus_dir: Path, rel: str) -> Path:
    target = (corpus_dir / rel).resolve()
    if not target.is_relative_to(corpus_dir.resolve()):
        raise CorpusError([Problem(rel, 1, "path leaves the corpus directory")])
    return target


def _write_atomically(target: Path, data: bytes) -> None:
    """Replace ``target`` in one step, keeping its mode (``mkstemp`` alone makes 0o600).

    A new file gets what ``open`` would give it: 0o666 minus the umask.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            os.fchmod(out.fileno(), mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask, read without changing it (``os.umask`` would, for all threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022
