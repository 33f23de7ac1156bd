"""What staff need to keep the knowledge base current: unanswered questions and bad answers.

Every question asked in the chat (or through ``/ask``) is stored with its answer, and readers
can rate an answer helpful or not. Staff then see which questions the assistant abstained on
(most frequent first) and which answers got a thumbs-down, and fix the corpus accordingly.
Only the question, the answer and its sources are stored: no name, address or session.

Questions a FAQ entry now answers are marked resolved (their earlier askings leave the
unanswered list; asked and unanswered again, they come back). The log keeps
``retention_days`` (``ASSISTANT_FEEDBACK_RETENTION_DAYS``, default 180): older questions and
their ratings are deleted when the log opens and then at most once a day, as questions come in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from assistant.models import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    question TEXT NOT NULL,
    normalized TEXT NOT NULL,
    lang TEXT NOT NULL,
    mode TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    answer TEXT NOT NULL,
    sources TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_abstained ON questions (abstained, normalized);
CREATE TABLE IF NOT EXISTS ratings (
    question_id INTEGER PRIMARY KEY REFERENCES questions (id),
    rated_at TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS resolved (
    normalized TEXT PRIMARY KEY,
    faq_id TEXT NOT NULL,
    resolved_at TEXT NOT NULL,
    up_to_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_asked ON questions (asked_at);
"""
# question rows not closed by a FAQ entry: asked after the entry (a higher id), or never closed
_OPEN = (
    "NOT EXISTS (SELECT 1 FROM resolved AS r WHERE r.normalized = {q}.normalized"
    " AND r.up_to_id >= {q}.id)"
)
CSV_COLUMNS = ["asked_at", "question", "lang", "mode", "abstained", "answer", "sources", "rating"]
DAY = dt.timedelta(days=1)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _since(days: int, now: dt.datetime | None = None) -> str:
    return ((now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)).isoformat(
        timespec="seconds"
    )


def normalized(question: str) -> str:
    """The grouping key of a question (case, spacing and final punctuation aside)."""
    return _normalized(question)


def _normalized(question: str) -> str:
    """The grouping key: the same question typed twice counts twice for one entry."""
    return " ".join(question.casefold().split()).rstrip("?!. ")


class FeedbackLog:
    """An SQLite file of asked questions and their ratings; safe to share between threads."""

    def __init__(self, path: Path, retention_days: int | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self.retention_days = retention_days  # None: kept for ever
        self._pruned_at: dt.datetime | None = None
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)
        self.apply_retention()

    def apply_retention(self, now: dt.datetime | None = None) -> int:
        """Delete questions (and their ratings) older than ``retention_days``; how many went."""
        now = now or dt.datetime.now(dt.UTC)
        self._pruned_at = now
        if self.retention_days is None:
            return 0
        cutoff = _since(self.retention_days, now)
        with self._lock, self._conn:
            self._conn.execute(
                "DELETE FROM ratings WHERE question_id IN"
                " (SELECT id FROM questions WHERE asked_at < ?)",
                (cutoff,),
            )
            gone = self._conn.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,))
            self._conn.execute("DELETE FROM resolved WHERE resolved_at < ?", (cutoff,))
        return int(gone.rowcount or 0)

    def _daily_retention(self) -> None:
        now = dt.datetime.now(dt.UTC)
        if self._pruned_at is None or now - self._pruned_at >= DAY:
            self.apply_retention(now)

    def record(self, question: str, answer: Answer) -> int:
        """Store a question with its final answer; returns the id readers rate it by."""
        self._daily_retention()
        sources = json.dumps([c.source for c in answer.citations])
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "INSERT INTO questions (asked_at, question, normalized, lang, mode, abstained,"
                " answer, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    question,
                    _normalized(question),
                    answer.lang,
                    answer.mode,
                    int(answer.abstained),
                    answer.answer,
                    sources,
                ),
            )
        return int(cursor.lastrowid or 0)

    def rate(self, question_id: int, helpful: bool, comment: str = "") -> None:
        """Rate a recorded answer; a second rating of the same answer replaces the first."""
        with self._lock, self._conn:
            known = self._conn.execute(
                "SELECT 1 FROM questions WHERE id = ?", (question_id,)
            ).fetchone()
            if not known:
                raise KeyError(f"no recorded answer with id {question_id}")
            self._conn.execute(
                "INSERT INTO ratings (question_id, rated_at, helpful, comment) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (question_id) DO UPDATE SET rated_at = excluded.rated_at,"
                " helpful = excluded.helpful, comment = excluded.comment",
                (question_id, _now(), int(helpful), comment.strip()),
            )

    def unanswered(self, limit: int = 100) -> list[dict[str, Any]]:
        """Abstained questions, most often asked first (the latest wording of each)."""
        rows = self._query(
            "SELECT q.question, g.times, g.last_asked, q.lang FROM ("
            "  SELECT normalized, COUNT(*) AS times, MAX(asked_at) AS last_asked, MAX(id) AS id"
            "  FROM questions WHERE abstained = 1 AND "
            + _OPEN.format(q="questions")
            + "  GROUP BY normalized"
            ") AS g JOIN questions AS q ON q.id = g.id"
            " ORDER BY g.times DESC, g.last_asked DESC, g.id DESC LIMIT ?",
            (limit,),
        )
        return [dict(row) for row in rows]

    def disliked(self, limit: int = 100) -> list[dict[str, Any]]:
        """Answers rated unhelpful, newest rating first, with what they cited."""
        rows = self._query(
            "SELECT q.question, q.answer, q.sources, q.mode, r.comment, r.rated_at"
            " FROM ratings AS r JOIN questions AS q ON q.id = r.question_id"
            " WHERE r.helpful = 0 AND "
            + _OPEN.format(q="q")
            + " ORDER BY r.rated_at DESC, r.question_id DESC LIMIT ?",
            (limit,),
        )
        return [{**dict(row), "sources": json.loads(row["sources"])} for row in rows]

    def summary(self) -> dict[str, int]:
        """Counts for the staff overview."""
        row = self._query(
            "SELECT COUNT(*) AS questions, COALESCE(SUM(abstained), 0) AS abstained,"
            " (SELECT COUNT(*) FROM ratings WHERE helpful = 1) AS helpful,"
            " (SELECT COUNT(*) FROM ratings WHERE helpful = 0) AS unhelpful FROM questions",
            (),
        )[0]
        return {key: int(value) for key, value in dict(row).items()}

    def resolve(self, questions: list[str], faq_id: str) -> None:
        """Mark the questions asked so far as answered by FAQ entry ``faq_id``.

        Askings recorded later count as open again: if the entry does not answer them, staff
        see the question come back.
        """
        now = _now()
        with self._lock, self._conn:
            last = self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM questions").fetchone()[0]
            self._conn.executemany(
                "INSERT INTO resolved (normalized, faq_id, resolved_at, up_to_id)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (normalized) DO UPDATE SET"
                " faq_id = excluded.faq_id, resolved_at = excluded.resolved_at,"
                " up_to_id = excluded.up_to_id",
                [(_normalized(q), faq_id, now, int(last)) for q in questions if q.strip()],
            )

    def most_asked(self, days: int, limit: int = 10) -> list[dict[str, Any]]:
        """The most asked questions of the last ``days`` days (latest wording of each)."""
        rows = self._query(
            "SELECT q.question, g.times, g.answered FROM ("
            "  SELECT normalized, COUNT(*) AS times, MAX(id) AS id,"
            "  SUM(1 - abstained) AS answered FROM questions WHERE asked_at >= ?"
            "  GROUP BY normalized"
            ") AS g JOIN questions AS q ON q.id = g.id"
            " ORDER BY g.times DESC, g.id DESC LIMIT ?",
            (_since(days), limit),
        )
        return [dict(row) for row in rows]

    def period(self, days: int) -> dict[str, int]:
        """Counts of the last ``days`` days: questions, answered, rated, rated helpful."""
        row = self._query(
            "SELECT COUNT(*) AS questions, COALESCE(SUM(1 - q.abstained), 0) AS answered,"
            " COUNT(r.question_id) AS rated, COALESCE(SUM(r.helpful), 0) AS helpful"
            " FROM questions AS q LEFT JOIN ratings AS r ON r.question_id = q.id"
            " WHERE q.asked_at >= ?",
            (_since(days),),
        )[0]
        return {key: int(value) for key, value in dict(row).items()}

    def citations(self, days: int) -> dict[str, int]:
        """How many answers of the last ``days`` days cited each source (path, no ``#entry``)."""
        counts: dict[str, int] = {}
        for row in self._query(
            "SELECT sources FROM questions WHERE abstained = 0 AND asked_at >= ?", (_since(days),)
        ):
            for source in {str(s).split("#")[0] for s in json.loads(row["sources"])}:
                counts[source] = counts.get(source, 0) + 1
        return counts

    def export_csv(self) -> str:
        """The whole question log as CSV (one row per question, its rating if any)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in self._query(
            "SELECT q.asked_at, q.question, q.lang, q.mode, q.abstained, q.answer, q.sources,"
            " CASE r.helpful WHEN 1 THEN 'helpful' WHEN 0 THEN 'unhelpful' ELSE '' END"
            " AS rating FROM questions AS q LEFT JOIN ratings AS r ON r.question_id = q.id"
            " ORDER BY q.id",
            (),
        ):
            values = dict(row)
            values["sources"] = " ".join(json.loads(values["sources"]))
            writer.writerow([_cell(values[c]) for c in CSV_COLUMNS])
        return out.getvalue()

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
