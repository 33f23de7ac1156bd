"""Multi-turn: make a follow-up question retrievable on its own.

Follow-ups look like "und wer leitet das?" or "what about FH Aachen?".

Extractive mode has no model to rewrite questions, so it carries the topic over by rule: a
follow-up is short or starts like one; it is searched together with the previous question,
and when it names a new organisation, the organisation of the previous question is dropped
("What AI expertise does RWTH have?" + "what about FH Aachen?" must not find RWTH).
LLM mode asks the model to rewrite and falls back to this rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_STARTS_LIKE_FOLLOW_UP = re.compile(
    r"^\W*(und|and|what about|how about|und was ist mit|was ist mit|wie ist es mit|"
    r"wie sieht es mit|and what about|also|auch)\b",
    re.IGNORECASE,
)
_REFERRING = re.compile(
    r"\b(das|dies|diese|dieser|dort|dafür|dazu|davon|er|sie|es|ihn|ihm|ihr|deren|dessen|"
    r"it|its|they|them|their|there|this|that|these|those|he|she|him|her)\b",
    re.IGNORECASE,
)
# "es"/"there" that refer to nothing: "Gibt es einen Kurs?", "Is there a fee?" stand alone
_EXPLETIVE = re.compile(
    r"\b(gibt es|es gibt|gab es|es gab|is there|are there|there is|there are|was there|"
    r"were there)\b",
    re.IGNORECASE,
)
MAX_FOLLOW_UP_WORDS = 7
STANDALONE_WITH_NAME = 5  # a question this long that names an organisation needs no history


def is_follow_up(question: str) -> bool:
    """A question that only makes sense with the previous one."""
    if _STARTS_LIKE_FOLLOW_UP.search(question):
        return True
    words = question.split()
    referring = _REFERRING.search(_EXPLETIVE.sub(" ", question))
    return len(words) <= MAX_FOLLOW_UP_WORDS and bool(referring)


def mentioned(text: str, names: Iterable[str]) -> list[str]:
    """Organisation names (or short names) that occur in ``text``."""
    lowered = text.lower()
    return [n for n in names if re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", lowered)]


def condense(question: str, history: list[str], names: Iterable[str]) -> str:
    """The query to retrieve with: the question itself, or it plus the previous topic."""
    if not history or not is_follow_up(question):
        return question
    names = list(names)
    previous = history[-1]
    own = mentioned(question, names)
    if own and len(question.split()) >= STANDALONE_WITH_NAME:
        return question  # "und wer leitet das KI-Center der RWTH?" says what it is about
    if own:
        for name in sorted(mentioned(previous, names), key=len, reverse=True):
            previous = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", previous, flags=re.I)
    previous = " ".join(previous.split())
    return f"{question} {previous}".strip()
