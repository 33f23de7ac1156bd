"""The staff's view of the chat: unanswered questions and answers readers rated unhelpful."""

import threading
from pathlib import Path

import pytest

from assistant.feedback import FeedbackLog
from assistant.models import Answer, Citation


def answered(text: str = "Am 3. März 2024 [1]") -> Answer:
    cite = Citation(n=1, source="documents/testnetz.md", title="Testnetz", snippet=text)
    return Answer(answer=text, citations=[cite], lang="de")


def abstained() -> Answer:
    return Answer(answer="Dazu finde ich nichts.", abstained=True, lang="de")


def test_unanswered_questions_are_grouped_and_counted(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.sqlite")
    log.record("Wann ist das nächste Treffen?", abstained())
    log.record("wann ist das  nächste Treffen", abstained())
    log.record("Gibt es eine Mitgliederliste?", abstained())
    log.record("Wann wurde es gegründet?", answered())
    rows = log.unanswered()
    assert [(r["question"], r["times"]) for r in rows] == [
        ("wann ist das  nächste Treffen", 2),
        ("Gibt es eine Mitgliederliste?", 1),
    ]
    assert log.summary() == {"questions": 4, "abstained": 3, "helpful": 0, "unhelpful": 0}


def test_thumbs_down_lists_the_answer_and_its_sources(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.sqlite")
    good = log.record("Wann wurde es gegründet?", answered())
    bad = log.record("Wer leitet es?", answered("Die Stadt [1]"))
    log.rate(good, helpful=True)
    log.rate(bad, helpful=True)
    log.rate(bad, helpful=False, comment="  nennt keine Person ")  # a changed mind replaces
    rows = log.disliked()
    assert len(rows) == 1
    assert rows[0]["question"] == "Wer leitet es?"
    assert rows[0]["answer"] == "Die Stadt [1]"
    assert rows[0]["sources"] == ["documents/testnetz.md"]
    assert rows[0]["comment"] == "nennt keine Person"
    assert log.summary()["helpful"] == 1 and log.summary()["unhelpful"] == 1


def test_rating_an_unknown_answer_is_an_error(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.sqlite")
    with pytest.raises(KeyError, match="no recorded answer"):
        log.rate(42, helpful=False)


def test_log_survives_a_restart_and_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    log = FeedbackLog(path)

    def ask(n: int) -> None:
        for i in range(20):
            log.record(f"Frage {n}-{i}?", abstained())

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert FeedbackLog(path).summary()["questions"] == 80
