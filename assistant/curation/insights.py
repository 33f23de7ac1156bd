"""What people ask: the numbers staff steer the knowledge base by.

From the question log (``assistant.feedback``): the most asked questions of the last 7 or 30
days, the share answered, the share of rated answers rated helpful, and which sources carry
the answers, including the documents no answer cited (candidates for a better text or for
retirement). The log itself can be exported as CSV.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.pipeline import Assistant

PERIODS = (7, 30)


@dataclass
class Insights:
    """The figures of one period; shares are None when there is nothing to divide by."""

    days: int
    questions: int = 0
    answered: int = 0
    rated: int = 0
    helpful: int = 0
    top: list[tuple[str, int, int]] = field(default_factory=list)  # question, times, answered
    by_source: list[tuple[str, int]] = field(default_factory=list)  # most cited first
    never_cited: list[str] = field(default_factory=list)

    @property
    def answered_share(self) -> float | None:
        """Answered questions / all questions of the period."""
        return self.answered / self.questions if self.questions else None

    @property
    def helpful_share(self) -> float | None:
        """Answers rated helpful / all rated answers of the period."""
        return self.helpful / self.rated if self.rated else None


def indexed_sources(assistant: Assistant) -> list[str]:
    """Every file in the index (FAQ entries count under their file)."""
    metas = assistant.collection.get(include=["metadatas"])["metadatas"] or []
    return sorted({str(m.get("source", "")).split("#")[0] for m in metas if m.get("source")})


def insights(assistant: Assistant, days: int, top: int = 10) -> Insights:
    """The figures of the last ``days`` days (an empty ``Insights`` without a log)."""
    found = Insights(days)
    if assistant.feedback is None:
        return found
    counts = assistant.feedback.period(days)
    found.questions, found.answered = counts["questions"], counts["answered"]
    found.rated, found.helpful = counts["rated"], counts["helpful"]
    found.top = [
        (r["question"], int(r["times"]), int(r["answered"]))
        for r in assistant.feedback.most_asked(days, top)
    ]
    cited = assistant.feedback.citations(days)
    found.by_source = sorted(cited.items(), key=lambda item: (-item[1], item[0]))
    found.never_cited = [s for s in indexed_sources(assistant) if s not in cited]
    return found


def export_csv(assistant: Assistant, folder: Path | None = None) -> Path | None:
    """Write the question log to a CSV file for download; None without a log."""
    if assistant.feedback is None:
        return None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = Path(folder or tempfile.mkdtemp(prefix="question-log-")) / f"fragen-{stamp}.csv"
    target.write_text(assistant.feedback.export_csv(), encoding="utf-8-sig")  # Excel reads it
    return target
