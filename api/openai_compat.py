"""The OpenAI-compatible API: ``GET /v1/models`` and ``POST /v1/chat/completions``.

Chat clients that speak the OpenAI API (Open WebUI, LibreChat, IDE plugins, the ``openai``
package, LangChain's ``ChatOpenAI``) get the chat's answer from the same ``Assistant``: the
last user message is the question, the earlier user messages are the conversation that
follow-ups are resolved against (the assistant's own earlier replies are not needed for that,
as in the chat). The content is the chat's Markdown (answer, numbered sources); the same
citations come as a structured ``citations`` field beside it, with ``abstained`` and, when it
abstained, ``reason``.

Streaming sends the *checked* answer. In LLM mode the model's draft is checked sentence by
sentence (citations added or corrected, unsupported sentences removed, or the extractive
answer instead) before anything is sent, so an API client never shows a sentence the
assistant later withdraws; the chat page can replace its draft, a stream cannot.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.auth import check_bearer, error_body
from api.requests import filter_problem
from assistant.models import Answer, QuestionError
from assistant.pipeline import Assistant
from assistant.retrieve.retriever import build_filter
from ui.format import render_answer

MODEL_ID = "alliance-assistant"
OWNER = "ai-alliance-aachen"
STREAM_PIECE_CHARS = 80  # a streamed answer arrives in pieces of about this many characters


class ContentPart(BaseModel):
    """One part of a message in the list form (``{"type": "text", "text": ...}``)."""

    model_config = ConfigDict(extra="allow")
    type: str = "text"
    text: str | None = None


class Message(BaseModel):
    """A chat message; only its role and text matter here (tool calls are not supported)."""

    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        """The message's text, whether given as a string or as content parts."""
        if isinstance(self.content, str):
            return self.content
        return " ".join(p.text or "" for p in self.content or [] if p.type == "text")


class Filters(BaseModel):
    """Optional source filters (an extra field of the request), as in the chat's filters."""

    model_config = ConfigDict(extra="forbid")
    kind: str | None = None
    topic: str | None = None
    language: str | None = None


class ChatRequest(BaseModel):
    """The fields of a chat-completions request the assistant uses; others are accepted."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    filters: Filters | None = None


def error(status: int, message: str, code: str) -> JSONResponse:
    """An error in the OpenAI format, which the clients turn into their own exceptions."""
    return JSONResponse(error_body(message, code), status_code=status)


def citations_field(answer: Answer) -> list[dict[str, Any]]:
    """The citations as a structured extra field (the ``ask --json`` contract's)."""
    return list(answer.contract()["citations"])


def completion(answer: Answer, completion_id: str, created: int) -> dict[str, Any]:
    """A ``chat.completion`` object carrying ``answer``."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": render_answer(answer)},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        **extra_fields(answer),
    }


def extra_fields(answer: Answer) -> dict[str, Any]:
    """What an OpenAI response lacks and this API adds: citations, abstention, reason."""
    fields: dict[str, Any] = {
        "citations": citations_field(answer),
        "abstained": answer.abstained,
        "lang": answer.lang,
        "mode": answer.mode,
    }
    if answer.reason:
        fields["reason"] = answer.reason
    return fields


def pieces(text: str, size: int = STREAM_PIECE_CHARS) -> Iterator[str]:
    """``text`` in consecutive pieces of about ``size`` characters, split after spaces."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        space = text.rfind(" ", start, end)
        if end < len(text) and space > start:
            end = space + 1
        yield text[start:end]
        start = end


def chunk_events(answer: Answer, completion_id: str, created: int) -> Iterator[str]:
    """Server-sent events of a streamed completion; the last chunk carries the extra fields."""

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for piece in pieces(render_answer(answer)):
        yield event({"content": piece})
    yield event({}, "stop", **extra_fields(answer))
    yield "data: [DONE]\n\n"


def openai_router(assistant: Assistant) -> APIRouter:
    """The ``/v1`` routes answering from ``assistant``."""
    router = APIRouter(prefix="/v1")
    tokens = assistant.settings.api_tokens

    @router.get("/models")
    def models(request: Request) -> Any:
        refused = check_bearer(request, tokens)
        if refused:
            return refused
        model = {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": OWNER}
        return {"object": "list", "data": [model]}

    @router.post("/chat/completions")
    async def chat_completions(request: Request) -> Any:
        refused = check_bearer(request, tokens)
        if refused:
            return refused
        try:
            chat = ChatRequest.model_validate(await request.json())
        except (ValidationError, ValueError) as exc:
            return error(400, f"invalid request: {_first_problem(exc)}", "invalid_request")
        if chat.messages[-1].role != "user":
            return error(400, "the last message must be the user's question", "invalid_request")
        question = chat.messages[-1].text
        history = [m.text for m in chat.messages[:-1] if m.role == "user"]
        filters = chat.filters or Filters()
        problem = filter_problem(assistant, filters.kind, filters.topic, filters.language)
        if problem:
            return error(400, f"filters.{problem}", "invalid_filter")
        where = build_filter(filters.kind, filters.topic, filters.language)
        try:
            answer = await _answer(assistant, question, history, where)
        except QuestionError as exc:
            return error(400, str(exc), "invalid_question")
        assistant.record(question, answer)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        if chat.stream:
            return StreamingResponse(
                chunk_events(answer, completion_id, created), media_type="text/event-stream"
            )
        return completion(answer, completion_id, created)

    return router


async def _answer(
    assistant: Assistant, question: str, history: list[str], where: dict[str, Any] | None
) -> Answer:
    """``Assistant.ask`` in a worker thread: retrieval and generation block."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(assistant.ask, question, history, where)


def _first_problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return f"{where}: {err['msg']}" if where else str(err["msg"])
    return "the body is not JSON"
