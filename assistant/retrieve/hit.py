"""``Hit``: the typed contract between retrieval and the answer stage.

Chroma stores chunk metadata as a flat dict of strings, numbers and booleans; the answer stage
must not read string keys out of it. ``Hit.from_chunk`` reads them once, here, into typed
fields. ``metadata`` keeps the raw dict for what is genuinely open-ended (metadata filters and
topic flags).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.models import Lang

LANGS: tuple[Lang, ...] = ("de", "en")


def as_lang(value: object, default: Lang = "de") -> Lang:
    """A stored language code as ``Lang`` (unknown values fall back to ``default``)."""
    return "en" if value == "en" else "de" if value == "de" else default


@dataclass
class Hit:
    """A retrieved chunk, its relevance and what the answer stage needs to know about it."""

    id: str
    text: str
    score: float  # fused relevance (cosine similarity for dense-only retrieval)
    source: str = ""  # corpus-relative path (plus "#entry" for FAQ entries): what citations name
    title: str = ""
    url: str | None = None
    language: Lang = "de"
    kind: str = "document"  # document, guide, article, article-scan, partner or faq
    heading: str = ""  # the section of a document the chunk comes from
    known_gap: bool = False  # the chunk states what is NOT known
    short_name: str = ""  # partners: the short name questions may use ("RWTH")
    contact: dict[Lang, str] = field(default_factory=dict)  # partners: public contact route
    curated: dict[Lang, str] = field(default_factory=dict)  # FAQ entries: the curated answers
    metadata: dict[str, Any] = field(default_factory=dict)  # raw: filters, topic flags
    features: dict[str, float] = field(default_factory=dict)  # the signals behind ``score``
    sentences: list[tuple[str, float]] = field(default_factory=list)  # quotable, with cosine

    @classmethod
    def from_chunk(cls, id: str, text: str, score: float, metadata: dict[str, Any]) -> Hit:
        """Build a hit from a stored chunk and its Chroma metadata."""
        meta = dict(metadata or {})
        return cls(
            id=id,
            text=text,
            score=score,
            source=str(meta.get("source", "")),
            title=str(meta.get("title") or meta.get("source", "")),
            url=str(meta.get("url") or "") or None,
            language=as_lang(meta.get("language")),
            kind=str(meta.get("kind", "document")),
            heading=str(meta.get("heading") or ""),
            known_gap=bool(meta.get("known_gap", False)),
            short_name=str(meta.get("short_name") or ""),
            contact={
                lang: str(meta[f"contact_{lang}"]) for lang in LANGS if meta.get(f"contact_{lang}")
            },
            curated={
                lang: str(meta[f"answer_{lang}"]) for lang in LANGS if meta.get(f"answer_{lang}")
            },
            metadata=meta,
        )

    @property
    def is_partner(self) -> bool:
        """A chunk of a partner profile."""
        return self.kind == "partner"

    @property
    def is_faq(self) -> bool:
        """A chunk of a curated FAQ entry."""
        return self.kind == "faq"
