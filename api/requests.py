"""What every front door asks of the assistant, checked the same way for all of them.

The Gradio API (``/ask``, ``/partners``), the MCP tools and the website widget take the same
arguments and give the same JSON: the ``ask --json`` contract for a question, profile cards
for a partner search. Filter values are checked against what exists (a kind of source, a topic
of the profiles, a language), so nothing else reaches Chroma's ``where``.
"""

from __future__ import annotations

from typing import Any

from assistant.models import QuestionError
from assistant.partners.vocabulary import KINDS
from assistant.pipeline import Assistant
from assistant.retrieve.hit import as_lang
from assistant.retrieve.retriever import FILTER_KINDS, build_filter
from ui.partners import find_cards

MAX_SEARCH_CHARS = 200


def filter_problem(
    assistant: Assistant, kind: str | None, topic: str | None, language: str | None
) -> str:
    """What is wrong with the source filters of a question (empty: nothing)."""
    if kind and kind not in FILTER_KINDS:
        return f"kind: unknown {kind!r}; one of {', '.join(FILTER_KINDS)}"
    if topic and topic not in assistant.topics:
        return f"topic: unknown {topic!r}; one of {', '.join(assistant.topics)}"
    if language and language not in ("de", "en"):
        return "language: 'de' or 'en'"
    return ""


def ask_json(
    assistant: Assistant,
    question: str,
    history: list[str] | None = None,
    kind: str | None = None,
    topic: str | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Answer one question and record it for staff: the ``ask --json`` object, or ``error``."""
    if not isinstance(question, str):
        return {"error": "question: a text / eine Frage als Text"}
    if history is not None and not isinstance(history, list):
        return {"error": "history: a list of earlier questions"}
    for name, value in (("kind", kind), ("topic", topic), ("language", language)):
        if value is not None and not isinstance(value, str):
            return {"error": f"{name}: a text"}
    problem = filter_problem(assistant, kind, topic, language)
    if problem:
        return {"error": problem}
    earlier = [h for h in history or [] if isinstance(h, str)]  # bounded by the pipeline
    try:
        answer = assistant.ask(question, earlier, build_filter(kind, topic, language))
    except QuestionError as exc:
        return {"error": str(exc)}
    assistant.record(question, answer)
    return answer.contract()


def partners_json(
    assistant: Assistant,
    query: str = "",
    kind: str = "",
    topic: str = "",
    founding: bool = False,
    lang: str = "de",
) -> dict[str, Any]:
    """The directory's cards matching ``query`` and the filters, or ``error``."""
    problem = directory_problem(assistant, query, kind, topic, lang)
    if problem:
        return {"error": problem}
    cards = find_cards(assistant.directory, query, kind, topic, founding, as_lang(lang))
    return {"partners": cards}


def directory_problem(assistant: Assistant, query: str, kind: str, topic: str, lang: str) -> str:
    """What is wrong with a partner search (empty: nothing); only known values pass."""
    if len(query or "") > MAX_SEARCH_CHARS:
        return f"query: at most {MAX_SEARCH_CHARS} characters"
    if kind and kind not in {k.id for k in KINDS}:
        return f"kind: unknown {kind!r}; one of {sorted(k.id for k in KINDS)}"
    if topic and topic not in assistant.directory.vocabulary.topics:
        return f"topic: unknown {topic!r}; one of {sorted(assistant.directory.vocabulary.topics)}"
    if lang not in ("de", "en"):
        return "lang: 'de' or 'en'"
    return ""
