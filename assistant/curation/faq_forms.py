"""FAQ entries as forms: a draft's fields in, a minimal edit of the FAQ file out.

Staff fill fields (variants and answers in German and English side by side, sources, owner,
valid-until); this module turns them into an entry in the schema's key order and into the
new text of its FAQ file, changing only that entry's lines (``yaml_edit``). The write itself
is ``Assistant.save_corpus_file``: the whole corpus is validated with the new text, the file
replaced atomically, the index updated, the change audited, and undone if indexing fails.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.curation import yaml_edit
from assistant.curation.writes import rewrite
from assistant.pipeline import Assistant
from index.indexer import IndexReport
from index.schemas import FaqEntry

AUDIENCES = ("newcomer", "company", "staff")


@dataclass
class FaqDraft:
    """The fields of the FAQ form; lists are one item per line in the form."""

    file: str
    id: str
    questions_de: list[str]
    questions_en: list[str]
    answer_de: str = ""
    answer_en: str = ""
    sources: list[str] = field(default_factory=list)
    owner: str = ""
    valid_until: str = ""
    audience: list[str] = field(default_factory=lambda: ["newcomer"])
    known_gap: bool = False

    def entry(self) -> dict[str, Any]:
        """The entry as the FAQ file stores it, keys in the order the corpus writes them."""
        entry: dict[str, Any] = {
            "id": self.id.strip(),
            "audience": list(self.audience),
        }
        if self.known_gap:
            entry["known_gap"] = True
        entry["questions"] = {"de": _clean(self.questions_de), "en": _clean(self.questions_en)}
        entry["answer"] = {"de": self.answer_de.strip(), "en": self.answer_en.strip()}
        entry["sources"] = _clean(self.sources)
        entry["owner"] = self.owner.strip()
        entry["valid_until"] = _date(self.valid_until)
        return entry


def _clean(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        text = " ".join(str(item).split())
        if text and text not in seen:
            seen.append(text)
    return seen


def _date(text: str) -> dt.date | str:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return str(text).strip()  # the schema check names the field


def lines(text: str | None) -> list[str]:
    """A form's multi-line field as a list, one item per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def problems(draft: FaqDraft) -> list[str]:
    """What the form must fix before the corpus is even tried, named by field."""
    try:
        FaqEntry.model_validate(draft.entry())
    except ValidationError as exc:
        return [
            f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
            for err in exc.errors()
        ]
    return []


def faq_files(corpus_dir: Path) -> list[str]:
    """Corpus-relative paths of the FAQ files, where a new entry can go."""
    return sorted(p.relative_to(corpus_dir).as_posix() for p in (corpus_dir / "faq").glob("*.yaml"))


def entries(corpus_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every FAQ entry with the file it lives in, as read from the YAML (not the index)."""
    found = []
    for rel in faq_files(corpus_dir):
        data = yaml.safe_load((corpus_dir / rel).read_text(encoding="utf-8")) or {}
        for entry in data.get("entries") or []:
            if isinstance(entry, dict) and entry.get("id"):
                found.append((rel, entry))
    return found


def find(corpus_dir: Path, ident: str) -> tuple[str, dict[str, Any]]:
    """The file and stored fields of entry ``ident`` (KeyError if there is none)."""
    for rel, entry in entries(corpus_dir):
        if str(entry["id"]) == ident:
            return rel, entry
    raise KeyError(ident)


def draft_of(rel: str, entry: dict[str, Any]) -> FaqDraft:
    """The form's fields for a stored entry (to edit it)."""
    questions = entry.get("questions") or {}
    answer = entry.get("answer") or {}
    return FaqDraft(
        file=rel,
        id=str(entry.get("id", "")),
        questions_de=[str(q) for q in questions.get("de") or []],
        questions_en=[str(q) for q in questions.get("en") or []],
        answer_de=str(answer.get("de") or ""),
        answer_en=str(answer.get("en") or ""),
        sources=[str(s) for s in entry.get("sources") or []],
        owner=str(entry.get("owner") or ""),
        valid_until=str(entry.get("valid_until") or ""),
        audience=[str(a) for a in entry.get("audience") or []],
        known_gap=bool(entry.get("known_gap", False)),
    )


def new_id(text: str, taken: set[str]) -> str:
    """A readable, unused entry id from a question: ``how-much-does-membership-cost``."""
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:7]
    base = "-".join(words)[:60].strip("-") or "faq-entry"
    if len(base) < 2:
        base = f"faq-{base}"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def default_valid_until(months: int, today: dt.date | None = None) -> str:
    """Today plus ``months`` (the day clamped to 28 so every month has it), ISO format."""
    day = today or dt.date.today()
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28)).isoformat()


def added_text(text: str, draft: FaqDraft) -> str:
    """The FAQ file's text with the draft appended as its last entry."""
    return yaml_edit.append_entry(text, draft.entry())


def edited_text(text: str, old_id: str, draft: FaqDraft) -> str:
    """The FAQ file's text with entry ``old_id`` changed to the draft, field by field."""
    span = yaml_edit.entry_spans(text).get(old_id)
    if span is None:
        raise KeyError(old_id)
    stored = next(
        e for e in (yaml.safe_load(text) or {}).get("entries", []) if str(e.get("id")) == old_id
    )
    return yaml_edit.update_mapping(text, span, stored, draft.entry())


def add(assistant: Assistant, draft: FaqDraft, who: str) -> IndexReport:
    """Validate the new entry with the whole corpus, write its file, index (or undo)."""
    return rewrite(assistant, draft.file, lambda text: added_text(text, draft), who)


def edit(assistant: Assistant, old_id: str, draft: FaqDraft, who: str) -> IndexReport:
    """Save changed fields of entry ``old_id``; the rest of its file stays byte for byte."""
    return rewrite(assistant, draft.file, lambda text: edited_text(text, old_id, draft), who)


def retire(assistant: Assistant, rel: str, ident: str, who: str) -> IndexReport:
    """Remove entry ``ident`` from its file (a file's last entry cannot go: the schema)."""
    return rewrite(assistant, rel, lambda text: yaml_edit.remove_entry(text, ident), who)
