"""Where to send people when the knowledge base holds no answer.

An abstention is only useful with a next step. When the question is about one partner ("When
was the RWTH AI Center founded?"), that partner's public contact route is the best next step;
otherwise it is the alliance's documented starting point from ``corpus/contact.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.retrieve.hit import Hit
from assistant.text import fold

DEFAULT_ROUTE = {
    "de": "Bitte wenden Sie sich an die Partner der AI Alliance Aachen.",
    "en": "Please ask the partners of the AI Alliance Aachen directly.",
}
PARTNER_ROUTE = {
    "de": "Fragen Sie am besten direkt bei {name} nach ({contact}).",
    "en": "Please ask {name} directly ({contact}).",
}


@dataclass(frozen=True)
class PartnerRoute:
    """A partner's public contact route and the names a question may call it by."""

    name: str
    aliases: tuple[str, ...]  # folded full and short name
    contact: dict[str, str]  # per language: "label: mailbox or page; ..."


class Routes:
    """The fallback route plus every partner's contact route, reloaded after indexing."""

    def __init__(self, fallback: dict[str, str] | None = None) -> None:
        self.fallback = fallback or DEFAULT_ROUTE
        self.partners: list[PartnerRoute] = []

    def load(self, partner_metadatas: Iterable[dict[str, Any]]) -> None:
        """Read the contact routes from the metadata of indexed partner chunks."""
        routes: dict[str, PartnerRoute] = {}
        for meta in partner_metadatas:
            name = str(meta.get("title") or "")
            contact = {lang: str(meta.get(f"contact_{lang}") or "") for lang in ("de", "en")}
            if not name or name in routes or not all(contact.values()):
                continue
            aliases = tuple(fold(a) for a in (name, meta.get("short_name")) if a)
            routes[name] = PartnerRoute(name, aliases, contact)
        self.partners = list(routes.values())

    def partner_for(self, question: str, hits: Sequence[Hit] = ()) -> PartnerRoute | None:
        """The partner a question names (the longest name wins), else that of the best hit."""
        folded = fold(question)
        named = [
            (len(alias), partner)
            for partner in self.partners
            for alias in partner.aliases
            if re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", folded)
        ]
        if named:
            return max(named, key=lambda pair: pair[0])[1]
        if hits and hits[0].is_partner:
            return next((p for p in self.partners if p.name == hits[0].title), None)
        return None

    def text(self, lang: str, question: str = "", hits: Sequence[Hit] = ()) -> str:
        """The sentence that tells the user where to ask instead."""
        partner = self.partner_for(question, hits) if question or hits else None
        if partner is None:
            return self.fallback[lang]
        return PARTNER_ROUTE[lang].format(name=partner.name, contact=partner.contact[lang])
