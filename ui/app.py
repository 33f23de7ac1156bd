"""The Gradio chat. Callbacks are thin: each calls one ``Assistant`` method and formats it.

Besides the page, the app exposes ``/ask`` for ``gradio_client``: it returns the same JSON
object as ``assistant ask --json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.models import QuestionError
from assistant.pipeline import Assistant
from assistant.retrieval import FILTER_KINDS, build_filter
from ui.format import mode_line, render_answer

TITLE = "AI Alliance Aachen – Assistent / Assistant"
EXAMPLES = [
    "Wann wurde die AI Alliance Aachen gegründet?",
    "Who founded the AI Alliance Aachen?",
    "Welche Organisationen sind Gründungspartner?",
    "How can I join the alliance?",
]


def message_text(message: dict[str, Any]) -> str:
    """Text of a chat message, whether Gradio gives a string or a list of content parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def build_ui(assistant: Assistant) -> gr.Blocks:
    """Create the chat page and the ``/ask`` API endpoint for ``assistant``."""

    def respond(
        message: str, history: list[dict[str, Any]], kind: str, topic: str, language: str
    ) -> Iterator[tuple[Any, str, str]]:
        asked = [message_text(m) for m in history if m.get("role") == "user"]
        where = build_filter(kind or None, topic or None, language or None)
        try:
            for answer in assistant.ask_stream(message, asked, where):
                shown = history + [
                    {"role": "user", "content": message},
                    {"role": "assistant", "content": render_answer(answer)},
                ]
                yield shown, "", ""
        except QuestionError as exc:
            yield history, message, f"⚠️ {exc}"

    def ask(
        question: str,
        history: list[str] | None = None,
        kind: str | None = None,
        topic: str | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        """Answer one question, optionally after earlier questions of the same user.

        ``kind``, ``topic`` and ``language`` filter the sources. Returns answer, citations,
        mode, abstained and lang (the ``ask --json`` contract).
        """
        try:
            where = build_filter(kind, topic, language)
            return assistant.ask(question, history or [], where).contract()
        except QuestionError as exc:
            return {"error": str(exc)}

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}")
        gr.Markdown(mode_line(assistant.mode, assistant.settings.llm_model), elem_id="mode-line")
        chatbot = gr.Chatbot(elem_id="chat", height=520, label="Chat")
        status = gr.Markdown(elem_id="status")
        with gr.Row():
            box = gr.Textbox(
                placeholder="Frage stellen / ask a question",
                show_label=False,
                scale=8,
                elem_id="question",
                max_length=assistant.settings.max_question_chars * 2,
            )
            send = gr.Button("Senden / Send", variant="primary", scale=1, elem_id="send")
        with (
            gr.Accordion(
                "Filter: Quellenart, Thema, Sprache / source kind, topic, language", open=False
            ),
            gr.Row(),
        ):
            kind = gr.Dropdown(
                [("alle / all", "")] + [(k, k) for k in FILTER_KINDS],
                value="",
                label="Art / kind",
                elem_id="filter-kind",
            )
            topic = gr.Dropdown(
                [("alle / all", "")] + [(t, t) for t in assistant.topics],
                value="",
                label="Thema / topic",
                elem_id="filter-topic",
            )
            language = gr.Dropdown(
                [("alle / all", ""), ("Deutsch", "de"), ("English", "en")],
                value="",
                label="Sprache / language",
            )
        gr.Examples(EXAMPLES, inputs=box)
        inputs = [box, chatbot, kind, topic, language]
        for trigger in (box.submit, send.click):
            trigger(respond, inputs, [chatbot, box, status], api_visibility="private")
        gr.api(ask, api_name="ask")
    return demo


def launch(assistant: Assistant, host: str, port: int) -> None:
    """Serve the chat until interrupted."""
    build_ui(assistant).queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, show_error=True
    )
