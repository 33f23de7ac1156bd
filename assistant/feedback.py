"""What staff need to keep the knowledge base current: unanswered questions and bad answers.

Every question asked in the chat (or through ``/ask``) is stored with its answer, and readers
can rate an answer helpful or not. Staff then see which questions the assistant abstained on
(most frequent first) and which answers got a thumbs-down, and fix the corpus accordingly.
Only the question, the answer and its sources are stored: no name, address or session.
"""

from __future__ import annotations

import datetime as dt
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
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _normalized(question: str) -> str:
    """The grouping key: the same question typed twice counts twice for one entry."""
    return " ".join(question.casefold().split()).rstrip("?!. ")


class FeedbackLog:
    """An SQLite file of asked questions and their ratings; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)

    def record(self, question: str, answer: Answer) -> int:
        """Store a question with its final answer; returns the id readers rate it by."""
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
            "  FROM questions WHERE abstained = 1 GROUP BY normalized"
            ") AS g JOIN questions AS q ON q.id = g.id"
            " ORDER BY g.times DESC, g.last_asked DESC LIMIT ?",
            (limit,),
        )
        return [dict(row) for row in rows]

    def disliked(self, limit: int = 100) -> list[dict[str, Any]]:
        """Answers rated unhelpful, newest rating first, with what they cited."""
        rows = self._query(
            "SELECT q.question, q.answer, q.sources, q.mode, r.comment, r.rated_at"
            " FROM ratings AS r JOIN questions AS q ON q.id = r.question_id"
            " WHERE r.helpful = 0 ORDER BY r.rated_at DESC, r.question_id DESC LIMIT ?",
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

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()
