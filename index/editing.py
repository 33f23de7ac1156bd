"""Changes to the corpus made by staff from the chat page: add a document, edit a YAML file.

A change is first applied to a copy of the corpus and the whole copy is validated (a broken
PDF, a FAQ id used twice, a typo in a key). Only a valid change is written to the corpus, each
file atomically; an invalid one raises ``CorpusError`` and leaves every file as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from index.loaders import DOCUMENT_SUFFIXES, SIDECAR_SUFFIX, load_corpus
from index.validation import CorpusError, Problem

EDITABLE_FOLDERS = ("faq", "partners")  # YAML files staff may edit in place
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


def editable_files(corpus_dir: Path) -> list[str]:
    """Corpus-relative paths of the YAML files that can be edited (FAQ, partner profiles)."""
    return sorted(
        path.relative_to(corpus_dir).as_posix()
        for folder in EDITABLE_FOLDERS
        for path in (corpus_dir / folder).glob("*.yaml")
    )


def document_name(filename: str) -> str:
    """A safe file name for an uploaded document: lower case, no folders, no odd characters."""
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
    stem = _SAFE_NAME.sub("-", stem).strip("-.") or "document"
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


def apply_change(corpus_dir: Path, files: dict[str, bytes], replace: bool = False) -> None:
    """Validate the corpus with ``files`` (corpus-relative paths) written, then write them.

    New files must not exist yet unless ``replace``; edited files must exist already.
    """
    problems = []
    for rel in files:
        target = _inside(corpus_dir, rel)
        if target.exists() and not replace:
            problems.append(Problem(rel, 1, "a file of this name exists already; rename it"))
        if replace and not target.exists():
            problems.append(Problem(rel, 1, "no such file to edit"))
    if problems:
        raise CorpusError(problems)
    with tempfile.TemporaryDirectory(prefix="corpus-change-") as scratch:
        staged = Path(scratch) / "corpus"
        shutil.copytree(corpus_dir, staged)
        for rel, data in files.items():
            (staged / rel).parent.mkdir(parents=True, exist_ok=True)
            (staged / rel).write_bytes(data)
        load_corpus(staged)  # raises CorpusError with file:line problems
    for rel, data in files.items():
        _write_atomically(_inside(corpus_dir, rel), data)


def _inside(corpus_dir: Path, rel: str) -> Path:
    target = (corpus_dir / rel).resolve()
    if not target.is_relative_to(corpus_dir.resolve()):
        raise CorpusError([Problem(rel, 1, "path leaves the corpus directory")])
    return target


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
