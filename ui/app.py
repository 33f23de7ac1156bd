"""The Gradio chat. Callbacks are thin: each calls one ``Assistant`` method and formats it.

Besides the page, the app exposes ``/ask`` for ``gradio_client``: it returns the same JSON
object as ``assistant ask --json``.
"""

from __future__ import annotations

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


def build_ui(assistant: Assistant) -> gr.Blocks:
    """Create the chat page and the ``/ask`` API endpoint for ``assistant``."""

    def respond(message: str, history: list[dict[str, Any]]) -> tuple[Any, str, str]:
        try:
            answer = assistant.ask(message)
        except QuestionError as exc:
            return history, message, f"⚠️ {exc}"
        history = history + [
            {"role": "user", "content": message},
            {"role": "assistant", "content": render_answer(answer)},
        ]
        return history, "", ""

    def ask(question: str) -> dict[str, Any]:
        """Answer one question; returns answer, citations, mode, abstained and lang."""
        try:
            return assistant.ask(question).contract()
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
