"""The question log for staff curation: resolved questions, retention, analytics, CSV export."""

import csv
import datetime as dt
import io
import sqlite3
from pathlib import Path

from assistant.feedback import FeedbackLog
from assistant.models import Answer, Citation


def answered(source: str = "documents/testnetz.md") -> Answer:
    cite = Citation(n=1, source=source, title="T", snippet="s")
    return Answer(answer="Am 3. März 2024 [1]", citations=[cite], lang="de")


def abstained() -> Answer:
    return Answer(answer="Dazu finde ich nichts.", abstained=True, lang="de")


def backdate(path: Path, question: str, days: int) -> None:
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE questions SET asked_at = ? WHERE question = ?", (when, question))


def test_resolved_questions_leave_the_lists_until_asked_again(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "f.sqlite")
    log.record("Gibt es einen Newsletter?", abstained())
    bad = log.record("Wer leitet es?", answered())
    log.rate(bad, helpful=False)
    log.record("Wann ist das Treffen?", abstained())
    log.resolve(["gibt es einen newsletter", "Wer leitet es?"], "newsletter")
    assert [r["question"] for r in log.unanswered()] == ["Wann ist das Treffen?"]
    assert log.disliked() == []
    log.record("Gibt es einen Newsletter?", abstained())  # the entry did not help this time
    assert {r["question"] for r in log.unanswered()} == {
        "Gibt es einen Newsletter?",
        "Wann ist das Treffen?",
    }


def test_retention_deletes_old_questions_and_their_ratings(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite"
    log = FeedbackLog(path, retention_days=180)
    old = log.record("Alte Frage?", answered())
    log.rate(old, helpful=True)
    log.record("Neue Frage?", answered())
    backdate(path, "Alte Frage?", 200)
    assert log.apply_retention() == 1
    assert log.summary() == {"questions": 1, "abstained": 0, "helpful": 0, "unhelpful": 0}
    backdate(path, "Neue Frage?", 200)
    FeedbackLog(path, retention_days=180)  # applied when the log opens, i.e. at start
    assert log.summary()["questions"] == 0
    kept = FeedbackLog(tmp_path / "g.sqlite")  # no retention: kept
    kept.record("Frage?", answered())
    backdate(tmp_path / "g.sqlite", "Frage?", 5000)
    assert kept.apply_retention() == 0 and kept.summary()["questions"] == 1


def test_retention_runs_at_most_daily_as_questions_come_in(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite"
    log = FeedbackLog(path, retention_days=30)
    log.record("Alt?", answered())
    backdate(path, "Alt?", 40)
    log.record("Neu?", answered())  # pruned less than a day ago: not yet
    assert log.summary()["questions"] == 2
    log._pruned_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1, seconds=1)
    log.record("Neuer?", answered())
    assert log.summary()["questions"] == 2


def test_most_asked_shares_and_citations_by_period(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite"
    log = FeedbackLog(path)
    for _ in range(3):
        log.record("Wann wurde es gegründet?", answered())
    helpful = log.record("Wo ist das Büro?", answered("faq/general.yaml#faq-office"))
    log.rate(helpful, helpful=True)
    unhelpful = log.record("Wo ist das Büro?", answered("faq/general.yaml#faq-office"))
    log.rate(unhelpful, helpful=False)
    log.record("Gibt es Kekse?", abstained())
    log.record("Sehr alte Frage?", answered("documents/alt.md"))
    backdate(path, "Sehr alte Frage?", 20)
    top = log.most_asked(7)
    assert [(r["question"], r["times"], r["answered"]) for r in top] == [
        ("Wann wurde es gegründet?", 3, 3),
        ("Wo ist das Büro?", 2, 2),
        ("Gibt es Kekse?", 1, 0),
    ]
    assert log.period(7) == {"questions": 6, "answered": 5, "rated": 2, "helpful": 1}
    assert log.period(30)["questions"] == 7
    assert log.citations(7) == {"documents/testnetz.md": 3, "faq/general.yaml": 2}
    assert log.citations(30)["documents/alt.md"] == 1


def test_csv_export_has_every_question_and_defuses_formulas(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "f.sqlite")
    rated = log.record("Wann wurde es gegründet?", answered())
    log.rate(rated, helpful=True)
    log.record('=HYPERLINK("http://x")', abstained())
    rows = list(csv.reader(io.StringIO(log.export_csv())))
    assert rows[0] == [
        "asked_at",
        "question",
        "lang",
        "mode",
        "abstained",
        "answer",
        "sources",
        "rating",
    ]
    assert rows[1][1] == "Wann wurde es gegründet?" and rows[1][6] == "documents/testnetz.md"
    assert rows[1][7] == "helpful" and rows[2][7] == ""
    assert rows[2][1].startswith("'=")
