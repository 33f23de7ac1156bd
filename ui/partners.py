"""The partner directory tab: every profile as a card, filters, search, "ask in the chat".

Cards are built as HTML from escaped profile text and ``http(s)`` links only
(``ui.format.safe_url``), no images, so nothing a profile contains can run or load in the
reader's browser. The search is the directory's own (``assistant.partners.directory``), the
same the ``/partners`` API and the chat's list answers use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from html import escape
from typing import Any

import gradio as gr

from assistant.models import Lang
from assistant.partners.directory import Directory
from assistant.partners.vocabulary import KINDS
from assistant.pipeline import Assistant
from ui.format import SOMETHING_WRONG, safe_url

log = logging.getLogger(__name__)

ALL = "alle / all"
LANGUAGES = [("Deutsch", "de"), ("English", "en")]
TEXT = {
    "de": {
        "founding": "Gründungspartner",
        "details": "Details",
        "website": "Website",
        "contact": "Kontakt",
        "unknown": "Nicht bekannt",
        "sources": "Quellen",
        "verified": "zuletzt geprüft",
        "ask": "Im Chat fragen",
        "question": "Was macht {name} und wie erreiche ich die Einrichtung?",
        "none": "Kein Partner passt zu dieser Suche. "
        "Fragen Sie im Chat nach einem Ansprechpartner.",
        "count": "{n} Partner",
    },
    "en": {
        "founding": "Founding partner",
        "details": "Details",
        "website": "Website",
        "contact": "Contact",
        "unknown": "Not known",
        "sources": "Sources",
        "verified": "last verified",
        "ask": "Ask in the chat",
        "question": "What does {name} do and how can I reach it?",
        "none": "No partner matches this search. Ask the chat whom to contact.",
        "count": "{n} partners",
    },
}


def _link(url: str | None, label: str | None = None) -> str:
    """An escaped link, for ``http(s)`` addresses only (anything else stays text)."""
    if not url:
        return ""
    text = escape(label or url)
    target = safe_url(url)
    if target is None:
        return text
    return (
        f'<a href="{escape(target, quote=True)}" rel="noopener noreferrer" '
        f'target="_blank">{text}</a>'
    )


def _element_id(card_id: str) -> str:
    """A card id as part of an element id: letters, digits, ``-`` and ``_`` only."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", card_id)


def card_summary(card: dict[str, Any], lang: Lang) -> str:
    """The always-visible part of a card: name, kind, founding partner, topics, description."""
    t = TEXT[lang]
    badges = [escape(card["kind_label"])]
    if card["founding_partner"]:
        badges.append(escape(t["founding"]))
    topics = "".join(f'<li class="topic">{escape(x["label"])}</li>' for x in card["topics"])
    return (
        f'<h3 class="partner-name">{escape(card["name"])}</h3>'
        f'<p class="partner-kind">{" · ".join(badges)} · {escape(card["location"])}</p>'
        f'<ul class="partner-topics" aria-label="Themen / topics">{topics}</ul>'
        f"<p>{escape(card['description'])}</p>"
    )


def card_details(card: dict[str, Any], lang: Lang) -> str:
    """The details of a card: website, contact routes, what is not known, sources, date."""
    t = TEXT[lang]
    routes = [
        f"<li>{escape(r['label'])}: {_link(r['url']) if r['url'] else escape(r['email'] or '')}"
        "</li>"
        for r in card["contact_routes"]
    ]
    unknown = [f"<li>{escape(u)}</li>" for u in card["unknown"]]
    sources = [f"<li>{_link(s)}</li>" for s in card["sources"]]
    parts = [f"<p>{t['website']}: {_link(card['website'])}</p>" if card["website"] else ""]
    if routes:
        parts.append(f"<p>{t['contact']}:</p><ul>{''.join(routes)}</ul>")
    if unknown:
        parts.append(f"<p>{t['unknown']}:</p><ul>{''.join(unknown)}</ul>")
    parts.append(f"<p>{t['sources']}:</p><ul>{''.join(sources)}</ul>")
    parts.append(
        f"<p>{t['verified']}: {escape(card['last_verified'])} · {escape(card['source'])}</p>"
    )
    return "".join(parts)


def find_cards(
    directory: Directory, query: str, kind: str, topic: str, founding: bool, lang: Lang
) -> list[dict[str, Any]]:
    """The cards the tab shows for its search box and filters."""
    matches = directory.search(
        query or "", kind or None, topic or None, True if founding else None, lang
    )
    return [directory.card(m.profile, lang) for m in matches]


def partners_tab(assistant: Assistant, ask_in_chat: Callable[[str], Any]) -> None:
    """Add the directory tab; ``ask_in_chat(question)`` wires a card's button to the chat."""
    directory = assistant.directory
    with gr.Tab("Partner / Partners", id="partners-tab", elem_id="partners-tab"):
        with gr.Row():
            query = gr.Textbox(
                label="Suche / search (Thema, Name, Stichwort / topic, name, keyword)",
                elem_id="partner-search",
                max_length=200,
            )
            lang = gr.Radio(
                LANGUAGES, value="de", label="Sprache / language", elem_id="partner-lang"
            )
        with gr.Row():
            kind = gr.Dropdown(
                [(ALL, "")] + [(f"{k.de} / {k.en}", k.id) for k in KINDS],
                value="",
                label="Art / kind",
                elem_id="partner-kind",
            )
            topic = gr.Dropdown(
                [(ALL, "")]
                + [(f"{t.de} / {t.en}", t.id) for t in directory.vocabulary.topics.values()],
                value="",
                label="Thema / topic",
                elem_id="partner-topic",
            )
            founding = gr.Checkbox(
                label="nur Gründungspartner / founding partners only", elem_id="partner-founding"
            )

        @gr.render(inputs=[query, kind, topic, founding, lang])
        def cards(query: str, kind: str, topic: str, founding: bool, lang: Lang) -> None:
            t = TEXT[lang]
            try:
                found = find_cards(directory, query, kind, topic, founding, lang)
            except Exception:
                log.exception("the partner search failed")
                gr.Markdown(f"⚠️ {SOMETHING_WRONG}", elem_id="partner-count")
                return
            gr.Markdown(
                t["count"].format(n=len(found)) if found else t["none"], elem_id="partner-count"
            )
            for card in found:
                with gr.Group(elem_classes=["partner-card"]):
                    key = _element_id(card["id"])
                    gr.HTML(card_summary(card, lang), elem_id=f"card-{key}")
                    with gr.Accordion(t["details"], open=False, elem_id=f"details-{key}"):
                        gr.HTML(card_details(card, lang))
                    button = gr.Button(
                        f"{t['ask']}: {card['short_name'] or card['name']}",
                        size="sm",
                        elem_id=f"ask-{key}",
                    )
                    question = t["question"].format(name=card["name"])
                    ask_in_chat(question)(button)
