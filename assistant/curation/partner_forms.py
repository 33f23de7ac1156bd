"""Partner profiles as forms: the schema's fields in, a minimal edit of the profile out.

Descriptions side by side in German and English, topics picked from the controlled vocabulary
(``corpus/topics.yaml``), contact routes and "not known" items as small tables. Only the
changed keys' lines of the profile are rewritten (``yaml_edit``); the write is the validated,
atomic, indexed and audited ``Assistant.save_corpus_file``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml

from assistant.curation import yaml_edit
from assistant.curation.writes import change_files, rewrite
from assistant.pipeline import Assistant
from index.indexer import IndexReport
from index.schemas import PartnerKind

KINDS: tuple[str, ...] = get_args(PartnerKind)  # the schema's kinds, in its order
ROUTE_COLUMNS = ["Bezeichnung DE / label DE", "Bezeichnung EN / label EN", "URL", "E-Mail"]
UNKNOWN_COLUMNS = ["Nicht bekannt (DE) / not known (DE)", "Nicht bekannt (EN) / not known (EN)"]


@dataclass
class PartnerDraft:
    """The fields of the profile form (lists one item per line, tables as rows)."""

    rel: str
    id: str
    name: str
    kind: str
    description_de: str
    description_en: str
    topics: list[str]
    location: str
    sources: list[str]
    last_verified: str
    short_name: str = ""
    parent: str = ""
    founding_partner: bool = False
    website: str = ""
    routes: list[list[str]] = field(default_factory=list)  # label de, label en, url, email
    unknown: list[list[str]] = field(default_factory=list)  # de, en

    def profile(self) -> dict[str, Any]:
        """The profile as its file stores it, keys in the schema's order; empty ones left out."""
        routes = []
        for row in self.routes:
            de, en, url, email = [str(c or "").strip() for c in [*row, "", "", "", ""][:4]]
            if not any((de, en, url, email)):
                continue
            route: dict[str, Any] = {"label": {"de": de, "en": en}}
            if url:
                route["url"] = url
            if email:
                route["email"] = email
            routes.append(route)
        unknown = [
            {"de": str(row[0] or "").strip(), "en": str(row[1] or "").strip()}
            for row in self.unknown
            if len(row) >= 2 and (str(row[0] or "").strip() or str(row[1] or "").strip())
        ]
        profile: dict[str, Any] = {
            "id": self.id.strip(),
            "name": self.name.strip(),
            "short_name": self.short_name.strip() or None,
            "kind": self.kind,
            "founding_partner": self.founding_partner or None,
            "parent": self.parent.strip() or None,
            "description": {"de": self.description_de.strip(), "en": self.description_en.strip()},
            "topics": list(self.topics),
            "location": self.location.strip(),
            "website": self.website.strip() or None,
            "contact_routes": routes or None,
            "unknown": unknown or None,
            "sources": [s for s in (x.strip() for x in self.sources) if s],
            "last_verified": _date(self.last_verified),
        }
        return profile


def _date(text: str) -> Any:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return str(text).strip()


def profiles(corpus_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every partner profile with its corpus-relative file, read from the YAML."""
    found = []
    for path in sorted((corpus_dir / "partners").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict):
            found.append((path.relative_to(corpus_dir).as_posix(), data))
    return found


def stored_id(corpus_dir: Path, rel: str) -> str:
    """The id the profile file ``rel`` holds now."""
    return str(dict(profiles(corpus_dir))[rel].get("id", ""))


def draft_of(rel: str, stored: dict[str, Any]) -> PartnerDraft:
    """The form's fields for a stored profile."""
    description = stored.get("description") or {}
    routes = [
        [
            str((r.get("label") or {}).get("de", "")),
            str((r.get("label") or {}).get("en", "")),
            str(r.get("url") or ""),
            str(r.get("email") or ""),
        ]
        for r in stored.get("contact_routes") or []
    ]
    unknown = [[str(u.get("de", "")), str(u.get("en", ""))] for u in stored.get("unknown") or []]
    return PartnerDraft(
        rel=rel,
        id=str(stored.get("id", "")),
        name=str(stored.get("name", "")),
        kind=str(stored.get("kind", "company")),
        description_de=str(description.get("de", "")),
        description_en=str(description.get("en", "")),
        topics=[str(t) for t in stored.get("topics") or []],
        location=str(stored.get("location", "")),
        sources=[str(s) for s in stored.get("sources") or []],
        last_verified=str(stored.get("last_verified", "")),
        short_name=str(stored.get("short_name") or ""),
        parent=str(stored.get("parent") or ""),
        founding_partner=bool(stored.get("founding_partner", False)),
        website=str(stored.get("website") or ""),
        routes=routes,
        unknown=unknown,
    )


def edited_text(text: str, draft: PartnerDraft) -> str:
    """The profile's text with the changed keys rewritten, every other line as it was."""
    stored = yaml.safe_load(text) or {}
    return yaml_edit.update_mapping(text, yaml_edit.whole_file(text), stored, draft.profile())


def edit(assistant: Assistant, draft: PartnerDraft, who: str) -> IndexReport:
    """Save the form: validated with the whole corpus, written atomically, indexed, audited."""
    return rewrite(assistant, draft.rel, lambda text: edited_text(text, draft), who)


def profile_text(draft: PartnerDraft) -> str:
    """A new profile file in the corpus's layout (keys in the schema's order)."""
    return "".join(
        yaml_edit.render(key, value, 0)
        for key, value in draft.profile().items()
        if value is not None and value != [] and value != ""
    )


def add(assistant: Assistant, draft: PartnerDraft, who: str) -> IndexReport:
    """Write a new profile ``partners/<id>.yaml``, validated with the whole corpus, indexed."""
    rel = f"partners/{draft.id.strip()}.yaml"
    draft.rel = rel
    return change_files(assistant, {rel: profile_text(draft).encode("utf-8")}, who, "add")


def retire(assistant: Assistant, rel: str, who: str) -> IndexReport:
    """Remove a profile file; refused (``CorpusError``) if another profile names it as parent."""
    if rel not in {r for r, _ in profiles(assistant.settings.corpus_dir)}:
        raise KeyError(rel)
    return change_files(assistant, {}, who, "retire", remove=[rel])
