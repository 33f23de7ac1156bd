"""The Gradio page: the chat and the staff tab.

Callbacks are thin: each calls one ``Assistant`` method and formats its result.

Besides the page, the app exposes ``/ask`` for ``gradio_client``: it returns the same JSON
object as ``assistant ask --json``.

Nothing a reader or an API client sees carries the text of an unexpected exception: the
``QuestionError`` messages are ours and shown; anything else is logged with its traceback
and the reader gets ``SOMETHING_WRONG``. Chat messages are escaped Markdown
(``ui.format``): what the corpus, a model or a partner card's question contains is shown as
text, never as an image, a link or HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from api.requests import ask_json, partners_json
from assistant.models import QuestionError
from assistant.pipeline import Assistant
from assistant.retrieve.retriever import FILTER_KINDS, build_filter
from ui.format import (
    SOMETHING_WRONG,
    escape_markdown,
    mode_line,
    render_answer,
    unescape_markdown,
)
from ui.partners import partners_tab
from ui.staff import staff_tab

log = logging.getLogger(__name__)

UPLOAD_CACHE = (3600, 3600)  # Gradio: sweep every hour, delete files older than an hour
TITLE = "AI Alliance Aachen – Assistent / Assistant"
THANKS = "Danke für die Rückmeldung! / Thanks for the feedback!"
EXAMPLES = [
    "Wann wurde die AI Alliance Aachen gegründet?",
    "Who founded the AI Alliance Aachen?",
    "Welche Organisationen sind Gründungspartner?",
    "How can I join the alliance?",
]


def message_text(message: dict[str, Any]) -> str:
    """Text of a chat message, whether Gradio gives a string or a list of content parts.

    The chat shows a question escaped (``user_message``); this is the question as asked.
    """
    content = message.get("content")
    if isinstance(content, list):
        content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return unescape_markdown(content) if isinstance(content, str) else ""


def user_message(question: str) -> dict[str, str]:
    """A question as a chat message, shown as text.

    A partner card's question holds corpus text (a name with Markdown in it), so a question is
    escaped like an answer.
    """
    return {"role": "user", "content": escape_markdown(question)}


def chat_display(**options: Any) -> gr.Chatbot:
    """The chat's message list, rendering only what ``ui.format`` escaped.

    Markdown (for bold headings, lists, quotes and the citations' links), sanitised HTML, no
    LaTeX and no custom tags.
    """
    return gr.Chatbot(
        render_markdown=True,
        sanitize_html=True,
        latex_delimiters=[],
        allow_tags=False,
        **options,
    )


def build_ui(assistant: Assistant) -> gr.Blocks:
    """Create the page (chat tab, staff tab) and the ``/ask`` API endpoint for ``assistant``."""

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
            return ask_json(assistant, question, history, kind, topic, language)
        except Exception:
            log.exception("/ask failed")
            return {"error": SOMETHING_WRONG}

    def partners(
        query: str = "",
        kind: str = "",
        topic: str = "",
        founding: bool = False,
        lang: str = "de",
    ) -> dict[str, Any]:
        """Search the partner directory: the profile cards matching ``query`` and the filters.

        ``kind`` is a kind of organisation (``university``, ``institute``, ...), ``topic`` a
        topic id of the vocabulary, ``founding`` keeps founding partners only, ``lang`` ("de"
        or "en") is the language of labels and descriptions. Returns ``{"partners": [...]}``.
        """
        try:
            return partners_json(assistant, query, kind, topic, founding, lang)
        except Exception:
            log.exception("/partners failed")
            return {"error": SOMETHING_WRONG}

    # uploaded files stay in Gradio's cache, fetchable by URL: swept hourly, kept at most an hour
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=UPLOAD_CACHE) as demo:
        gr.Markdown(f"# {TITLE}")
        with gr.Tabs(elem_id="tabs") as tabs:
            chat = chat_tab(assistant)
            partners_tab(assistant, chat.asker(tabs))
            staff_tab(assistant)
        gr.api(ask, api_name="ask")
        gr.api(partners, api_name="partners")
    return demo


@dataclass
class ChatWiring:
    """What other tabs need of the chat: its question box and the function answering it."""

    box: gr.Textbox
    respond: Callable[..., Any]
    inputs: list[Any]
    outputs: list[Any]

    def asker(self, tabs: gr.Tabs) -> Callable[[str], Callable[[gr.Button], None]]:
        """For a question: a function wiring a button to ask it in the chat tab."""

        def ask_in_chat(question: str) -> Callable[[gr.Button], None]:
            def wire(button: gr.Button) -> None:
                button.click(
                    lambda: (question, gr.Tabs(selected="chat-tab")),
                    None,
                    [self.box, tabs],
                    api_visibility="private",
                ).then(self.respond, self.inputs, self.outputs, api_visibility="private")

            return wire

        return ask_in_chat


def chat_tab(assistant: Assistant) -> ChatWiring:
    """The chat: mode line, conversation with thumbs up/down, question box, filters."""

    def respond(
        message: str,
        history: list[dict[str, Any]],
        kind: str,
        topic: str,
        language: str,
        rated: dict[int, int],
    ) -> Iterator[tuple[Any, str, str, dict[int, int]]]:
        shown, answer = history, None
        try:
            asked = [message_text(m) for m in history if m.get("role") == "user"]
            where = build_filter(kind or None, topic or None, language or None)
            for answer in assistant.ask_stream(message, asked, where):
                shown = history + [
                    user_message(message),
                    {"role": "assistant", "content": render_answer(answer)},
                ]
                yield shown, "", "", rated
        except QuestionError as exc:
            yield history, message, f"⚠️ {escape_markdown(str(exc))}", rated
            return
        except Exception:
            log.exception("the chat could not answer")
            yield history, message, f"⚠️ {SOMETHING_WRONG}", rated
            return
        try:
            question_id = assistant.record(message, answer) if answer else None
        except Exception:  # the reader keeps the answer; it just cannot be rated
            log.exception("the answer could not be recorded")
            question_id = None
        if question_id is not None:  # chat message index -> the recorded answer a thumb rates
            yield shown, "", "", {**rated, len(shown) - 1: question_id}

    def rate(rated: dict[int, int], feedback: gr.LikeData) -> str:
        index = feedback.index[0] if isinstance(feedback.index, list | tuple) else feedback.index
        question_id = rated.get(int(index))
        if question_id is None or not isinstance(feedback.liked, bool):
            return ""
        try:
            assistant.rate(question_id, feedback.liked)
        except Exception:
            log.exception("the rating could not be recorded")
            return f"⚠️ {SOMETHING_WRONG}"
        return THANKS

    with gr.Tab("Chat", id="chat-tab"):
        gr.Markdown(mode_line(assistant.mode, assistant.model_name), elem_id="mode-line")
        # no "share" button: it has an empty accessible name (axe-core, WCAG 2.1 button-name)
        chatbot = chat_display(
            elem_id="chat", height=520, label="Chat", buttons=["copy", "copy_all"]
        )
        status = gr.Markdown(elem_id="status")
        rated = gr.State({})  # chat message index -> recorded answer id
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
        inputs = [box, chatbot, kind, topic, language, rated]
        outputs = [chatbot, box, status, rated]
        for trigger in (box.submit, send.click):
            trigger(respond, inputs, outputs, api_visibility="private")
        chatbot.like(rate, [rated], [status], api_visibility="private")
    return ChatWiring(box, respond, inputs, outputs)
