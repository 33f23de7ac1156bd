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


NO_ANSWER = {"de": "Keine Antwort aus der Wissensbasis", "en": "No answer from the knowledge base"}
REASONS = {
    "out_of_domain": {
        "de": "die Frage liegt außerhalb dessen, worüber die Wissensbasis Auskunft gibt",
        "en": "the question is outside what the knowledge base covers",
    },
    "nothing_relevant": {"de": "nichts Passendes gefunden", "en": "nothing relevant found"},
    "fact_missing": {
        "de": "das Thema ist da, die gefragte Angabe nicht",
        "en": "the topic is covered, the asked-for detail is not",
    },
    "stated_unknown": {
        "de": "laut den Quellen nicht bekannt",
        "en": "the sources say it is not known",
    },
    "personal_data": {
        "de": "persönliche Daten gibt der Assistent nicht heraus",
        "en": "the assistant does not give out personal data",
    },
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
    if answer.abstained and answer.reason:
        why = REASONS[answer.reason][answer.lang]
        parts.append(f"*{NO_ANSWER[answer.lang]} – {why}.*")
    if answer.citations:
        lines = [f"**{SOURCES_HEADING[answer.lang]}:**"]
        for c in answer.citations:
            title = f"[{c.title}]({c.url})" if c.url else c.title
            lines.append(f"{c.n}. {title} — `{c.source}`\n   > {_quote(c.snippet)}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
