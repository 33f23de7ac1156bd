"""LLM answer mode over any OpenAI-compatible endpoint, with attribution and a safe fallback.

The model sees only compact sources (``prompts.compact_sources``), fenced as data. Its answer
streams to the user; when the stream ends, every sentence is attributed to the source sentence
that supports it (``attribution``). Anything that makes the answer unusable raises
``LlmFailure`` with a short reason, and the pipeline answers extractively with a notice: the
endpoint down, slow, rate-limited or sending garbage, an empty answer, or one whose central
claim no source supports, or a bare yes or no. A badly formatted but correct answer is kept and
cited; one that only repeats the question, like "not in the sources", is an abstention. A
model too slow to finish keeps the sentences it completed in time (``complete_sentences``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel

from assistant.answer.attribution import Attributor, repeats_question, says_yes_or_no
from assistant.answer.prompts import NOT_IN_KB, Source, answer_messages, condense_messages
from assistant.models import Answer, Generation, Lang
from assistant.text import is_gap_statement, split_sentences

CUT_NOTICE = {
    "de": "Das Sprachmodell brauchte länger als {seconds:g} s; gezeigt sind die Sätze, die es "
    "bis dahin vollständig geschrieben hatte.",
    "en": "The language model took longer than {seconds:g} s; shown are the sentences it had "
    "completed by then.",
}
_SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+\])*")
_TRAILING_MARKERS = re.compile(r"(?:\s*\[\d+\])+\s*$")
NOTICE = {
    "de": "Das Sprachmodell lieferte keine verwendbare Antwort ({reason}); "
    "hier die extraktive Antwort aus der Wissensbasis.",
    "en": "The language model gave no usable answer ({reason}); "
    "here is the extractive answer from the knowledge base.",
}
# ways small models say "not in the sources" instead of the sentinel
_SAYS_NOT_IN_SOURCES = re.compile(
    r"NOT_IN_KNOWLEDGE|not (in|contained in|mentioned in|found in) the (provided )?sources|"
    r"sources do not (contain|mention|say)|nicht in den quellen|quellen (enthalten|nennen) "
    r"(keine|nicht)|keine (angaben|informationen) (dazu|darüber)",
    re.IGNORECASE,
)


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


def complete_sentences(text: str) -> str:
    """``text`` up to the end of its last complete sentence ("" when there is none).

    A slow model past the time limit had often written its answer's first sentences:
    Qwen2.5-Coder-1.5B, sharing the two cores with other work, needed 13-16 s for its first
    token on three of 49 holdout questions and was cut off at 20 s mid-answer; the whole
    answer fell back. Its complete
    sentences are checked like any answer now, and the half-written one is dropped. A full
    stop ends a sentence where the sentence splitter would start a new one after it ("Prof.
    Dr." does not); the markers after it stay with it.
    """
    for end in reversed([m.end() for m in _SENTENCE_END.finditer(text)]):
        kept = text[:end].strip()
        core = _TRAILING_MARKERS.sub("", kept)
        if split_sentences(f"{core} Xx")[-1] == "Xx":
            return kept
    return ""


def says_not_in_sources(text: str) -> bool:
    """The model's reply is its way of saying the sources do not answer the question."""
    first = (split_sentences(text) or [text])[0]
    return bool(_SAYS_NOT_IN_SOURCES.search(text)) or is_gap_statement(first)


class LlmAnswerer:
    """Streams a grounded answer from a chat model and attributes it before it is final."""

    def __init__(self, model: BaseChatModel, attributor: Attributor, timeout: float) -> None:
        self.model = model
        self.attributor = attributor
        self.timeout = timeout

    def stream(
        self, question: str, sources: list[Source], lang: Lang, stats: Generation
    ) -> Iterator[str]:
        """Yield the answer text so far after every token; raise ``LlmFailure`` on problems."""
        started = time.monotonic()
        deadline = started + self.timeout
        text = ""
        try:
            for chunk in self.model.stream(answer_messages(question, sources, lang)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if time.monotonic() > deadline:
                    complete = complete_sentences(text)
                    if not complete:
                        raise LlmFailure("timeout")
                    stats.cut = True  # what it wrote in time is attributed like any answer
                    yield complete
                    return
                if piece:
                    if stats.first_token_ms is None:
                        stats.first_token_ms = (time.monotonic() - started) * 1000
                    stats.tokens += 1
                    text += piece
                    yield text
        except LlmFailure:
            raise
        except Exception as exc:  # the client's errors are many and version-dependent
            raise LlmFailure(describe(exc)) from exc
        finally:
            stats.total_ms = (time.monotonic() - started) * 1000

    def finish(
        self, question: str, text: str, sources: list[Source], lang: Lang, stats: Generation
    ) -> Answer | None:
        """The attributed final answer; None when the model says the sources do not cover it.

        It says so in words, or by saying nothing but the question again.
        """
        stripped = text.strip()
        if NOT_IN_KB in stripped or says_not_in_sources(stripped):
            return None
        if len(stripped) < 2 or not any(ch.isalpha() for ch in stripped):
            raise LlmFailure("empty answer")
        checked = self.attributor.attribute(stripped, sources)
        stats.claims, stats.supported = checked.claims, checked.supported
        stats.marked_right = checked.marked_right
        if not checked.supported:
            raise LlmFailure("no sentence supported by the sources")
        if not checked.central:
            raise LlmFailure("its main claim is not in the sources")
        if repeats_question(question, checked.text):
            if says_yes_or_no(checked.text):
                # "Ja, die Beratung ist kostenlos [1]." may well be right, but attribution
                # cannot tell a right yes from an invented one: the quotes show the source
                raise LlmFailure("a yes or no that the quotes should show")
            # the model found nothing to add to the question: its way of not knowing. On gold
            # dev (gate open, then 0.5): as an abstention 70.4% key fact / 91% unanswerable
            # abstained, as a fallback to the quotes 72.8% / 87% (benchmarks/llm.py rows)
            return None
        return Answer(answer=checked.text, citations=checked.citations, mode="llm", lang=lang)

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
