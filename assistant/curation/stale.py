"""What has gone stale: FAQ entries past or near valid-until, profiles not verified lately.

Every FAQ entry has an owner and a valid-until date, every partner profile a last-verified
date; nothing looked at them. This lists what needs a look, by owner, and "mark verified"
moves only that one date: a targeted edit of its line, so the rest of the file (comments,
folded paragraphs, every other entry) stays byte for byte as staff or a text editor left it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from assistant.curation import yaml_edit
from assistant.curation.faq_forms import default_valid_until, entries
from assistant.curation.writes import rewrite
from assistant.pipeline import Assistant
from index.indexer import IndexReport

PARTNER_OWNER = "Partnerprofile / partner profiles"
Status = Literal["expired", "soon", "unverified"]
STATUS_LABEL: dict[str, str] = {
    "expired": "abgelaufen / expired",
    "soon": "läuft bald ab / expires soon",
    "unverified": "lange nicht geprüft / not verified lately",
}


@dataclass(frozen=True)
class StaleItem:
    """One FAQ entry or partner profile that needs a look."""

    kind: Literal["faq", "partner"]
    rel: str  # corpus-relative file
    ident: str  # entry or profile id
    title: str  # the entry's first German question, the profile's name
    owner: str
    date: dt.date  # valid_until (FAQ) or last_verified (profile)
    status: Status

    @property
    def key(self) -> str:
        """How the UI names the item: ``faq/general.yaml#faq-fee``, ``partners/x.yaml#x``."""
        return f"{self.rel}#{self.ident}"


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def months_ago(today: dt.date, months: int) -> dt.date:
    """The date ``months`` calendar months before ``today`` (day clamped to 28)."""
    month = today.month - 1 - months
    return dt.date(today.year + month // 12, month % 12 + 1, min(today.day, 28))


def stale_items(
    corpus_dir: Path, today: dt.date, warn_days: int, after_months: int
) -> list[StaleItem]:
    """Stale FAQ entries and profiles, by owner, then the oldest date first."""
    found: list[StaleItem] = []
    soon = today + dt.timedelta(days=warn_days)
    for rel, entry in entries(corpus_dir):
        until = _as_date(entry.get("valid_until"))
        if until is None or until > soon:
            continue
        questions = (entry.get("questions") or {}).get("de") or [entry["id"]]
        found.append(
            StaleItem(
                "faq",
                rel,
                str(entry["id"]),
                str(questions[0]),
                str(entry.get("owner") or "–"),
                until,
                "expired" if until < today else "soon",
            )
        )
    cutoff = months_ago(today, after_months)
    for path in sorted((corpus_dir / "partners").glob("*.yaml")):
        profile = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        verified = _as_date(profile.get("last_verified"))
        if verified is None or verified >= cutoff:
            continue
        rel = path.relative_to(corpus_dir).as_posix()
        name = str(profile.get("name") or path.stem)
        ident = str(profile.get("id") or path.stem)
        found.append(StaleItem("partner", rel, ident, name, PARTNER_OWNER, verified, "unverified"))
    found.sort(key=lambda item: (item.owner, item.date, item.key))
    return found


def verified_text(text: str, item_kind: str, ident: str, new_date: str) -> str:
    """The file's text with only the entry's valid-until (profile's last-verified) changed."""
    if item_kind == "faq":
        span = yaml_edit.entry_spans(text).get(ident)
        if span is None:
            raise KeyError(ident)
        return yaml_edit.set_line_value(text, span, "valid_until", new_date)
    return yaml_edit.set_line_value(text, yaml_edit.whole_file(text), "last_verified", new_date)


def mark_verified(
    assistant: Assistant, key: str, who: str, today: dt.date | None = None
) -> IndexReport:
    """Mark ``rel#ident`` verified: a profile today, a FAQ entry valid for another term.

    The FAQ term is ``ASSISTANT_FAQ_VALID_MONTHS``; the write is the usual validated,
    atomic, indexed and audited one.
    """
    rel, _, ident = key.partition("#")
    day = today or dt.date.today()
    if rel.startswith("faq/"):
        new_date = default_valid_until(assistant.settings.faq_valid_months, day)
        kind = "faq"
    else:
        new_date, kind = day.isoformat(), "partner"
    return rewrite(assistant, rel, lambda text: verified_text(text, kind, ident, new_date), who)
