"""Render answers as Markdown for the chat: the answer, then its numbered sources."""

from __future__ import annotations

from assistant.models import Answer

SOURCES_HEADING = {"de": "Quellen", "en": "Sources"}
MODE_LINE = {
    "extractive": "Antwortmodus / answer mode: **extraktiv** – zitierte Auszüge aus der "
    "Wissensbasis, kein Sprachmodell / cited extracts from the knowledge base, no LLM",
    "llm": "Antwortmodus / answer mode: **LLM** ({model}) – generiert aus den gefundenen Quellen "
    "/ generated from the retrieved sources",
}


def mode_line(mode: str, model: str | None = None) -> str:
    """The line under the title that says which answer mode is active."""
    return MODE_LINE[mode].format(model=model or "?")


def _quote(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_answer(answer: Answer) -> str:
    """Answer text followed by a numbered source list with the supporting snippet of each."""
    parts = [answer.answer]
    if answer.notice:
        parts.insert(0, f"*{answer.notice}*")
    if answer.citations:
        lines = [f"**{SOURCES_HEADING[answer.lang]}:**"]
        for c in answer.citations:
            title = f"[{c.title}]({c.url})" if c.url else c.title
            lines.append(f"{c.n}. {title} — `{c.source}`\n   > {_quote(c.snippet)}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
