"""The answer structure shared by CLI, UI and API, whatever mode produced it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Mode = Literal["extractive", "llm"]
Lang = Literal["de", "en"]
# why the assistant did not answer (``assistant.answer.gate``)
Reason = Literal[
    "out_of_domain", "nothing_relevant", "fact_missing", "stated_unknown", "personal_data"
]


class Citation(BaseModel):
    """A source behind a numbered claim in the answer, with the passage that supports it."""

    n: int = Field(ge=1, description="The number used as [n] in the answer text.")
    source: str
    title: str
    url: str | None = None
    snippet: str
    language: Lang = "de"


class Generation(BaseModel):
    """How one generated answer went: timing, tokens, attribution (for ``assistant eval``)."""

    first_token_ms: float | None = None
    total_ms: float = 0.0
    tokens: int = 0  # streamed chunks: one token each on llama.cpp, vLLM and OpenAI
    claims: int = 0  # sentences with content
    supported: int = 0  # of them, supported by a source and cited
    marked_right: int = 0  # of them, the model's own marker was the right one
    fallback: str | None = None  # why the answer was not used, if it was not
    cut: bool = False  # past the time limit: only the sentences completed by then were used


class Answer(BaseModel):
    """One answer: text with [n] markers, its citations, and how it was produced."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    mode: Mode = "extractive"
    abstained: bool = False
    lang: Lang = "de"
    notice: str | None = None
    reason: Reason | None = None  # set when abstained: why there is no answer
    confidence: float | None = None  # the gate's probability that the sources answer it
    partners: list[str] | None = None  # a list answer: the ids of the partners it lists
    # LLM mode: timing and attribution of the generated answer (not part of the contract)
    generation: Generation | None = Field(default=None, exclude=True)

    def contract(self) -> dict[str, Any]:
        """The JSON object of the ``assistant ask --json`` contract (design doc)."""
        data = self.model_dump()
        data["citations"] = [
            {"source": c.source, "title": c.title, "url": c.url, "snippet": c.snippet, "n": c.n}
            for c in self.citations
        ]
        for optional in ("notice", "reason", "confidence", "partners"):
            if data[optional] is None:
                data.pop(optional)
        return data


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, too long); the message says why."""
