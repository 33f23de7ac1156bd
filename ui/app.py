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

    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[tuple[Any, str, str]]:
        asked = [message_text(m) for m in history if m.get("role") == "user"]
        try:
            for answer in assistant.ask_stream(message, asked):
                shown = history + [
                    {"role": "user", "content": message},
                    {"role": "assistant", "content": render_answer(answer)},
                ]
                yield shown, "", ""
        except QuestionError as exc:
            yield history, message, f"⚠️ {exc}"

    def ask(question: str, history: list[str] | None = None) -> dict[str, Any]:
        """Answer one question, optionally after earlier questions of the same user.

        Returns answer, citations, mode, abstained and lang (the ``ask --json`` contract).
        """
        try:
            return assistant.ask(question, history or []).contract()
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
        gr.Examples(EXAMPLES, inputs=box)
        for trigger in (box.submit, send.click):
            trigger(respond, [box, chatbot], [chatbot, box, status], api_visibility="private")
        gr.api(ask, api_name="ask")
    return demo


def launch(assistant: Assistant, host: str, port: int) -> None:
    """Serve the chat until interrupted."""
    build_ui(assistant).queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, show_error=True
    )
