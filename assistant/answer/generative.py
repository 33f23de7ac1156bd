"""LLM answer mode over any OpenAI-compatible endpoint, with checks and a safe fallback.

The model sees only the retrieved passages, fenced as data. Its answer streams to the user;
when the stream ends, citations are checked against the passages. Anything that goes wrong
(endpoint down, slow, rate-limited, garbage, unsupported citations) raises ``LlmFailure`` with
a short reason, and the pipeline answers extractively with a notice instead.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel

from assistant.answer.citations import CitationChecker
from assistant.answer.prompts import NOT_IN_KB, answer_messages, condense_messages
from assistant.models import Answer
from assistant.retrieve.hit import Hit

NOTICE = {
    "de": "Das Sprachmodell lieferte keine verwendbare Antwort ({reason}); "
    "hier die extraktive Antwort aus der Wissensbasis.",
    "en": "The language model gave no usable answer ({reason}); "
    "here is the extractive answer from the knowledge base.",
}


class LlmFailure(RuntimeError):
    """The LLM could not produce a usable answer; ``reason`` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe(exc: Exception) -> str:
    """A short, user-facing reason for an exception from the LLM client."""
    name = type(exc).__name__
    if "Timeout" in name:
        return "timeout"
    if "RateLimit" in name:
        return "rate limited"
    if "Connection" in name:
        return "endpoint unreachable"
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}" if status else name


class LlmAnswerer:
    """Streams a grounded answer from a chat model and checks it before it is final."""

    def __init__(self, model: BaseChatModel, checker: CitationChecker, timeout: float) -> None:
        self.model = model
        self.checker = checker
        self.timeout = timeout

    def stream(self, question: str, hits: list[Hit], lang: str) -> Iterator[str]:
        """Yield the answer text so far after every token; raise ``LlmFailure`` on problems."""
        deadline = time.monotonic() + self.timeout
        text = ""
        try:
            for chunk in self.model.stream(answer_messages(question, hits, lang)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if time.monotonic() > deadline:
                    raise LlmFailure("timeout")
                if piece:
                    text += piece
                    yield text
        except LlmFailure:
            raise
        except Exception as exc:  # the client's errors are many and version-dependent
            raise LlmFailure(describe(exc)) from exc

    def finish(self, text: str, hits: list[Hit], lang: str) -> Answer | None:
        """The checked final answer; None when the model said the sources do not cover it."""
        stripped = text.strip()
        if NOT_IN_KB in stripped:
            return None
        if len(stripped) < 2 or not any(ch.isalpha() for ch in stripped):
            raise LlmFailure("empty answer")
        checked = self.checker.check(stripped, hits)
        if not checked.citations:
            raise LlmFailure("no supported citation")
        return Answer(
            answer=checked.text,
            citations=checked.citations,
            mode="llm",
            lang=lang,  # type: ignore[arg-type]
        )

    def condense(self, question: str, history: list[str]) -> str:
        """Ask the model for a standalone version of a follow-up question."""
        try:
            reply = self.model.invoke(condense_messages(question, history))
        except Exception as exc:  # same boundary as above
            raise LlmFailure(describe(exc)) from exc
        text = reply.content if isinstance(reply.content, str) else ""
        text = " ".join(text.split())
        if not text or len(text) > 500:
            raise LlmFailure("unusable rewrite")
        return text
