"""Bounds at the HTTP edge: body size, questions per client, what is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.limits import RateLimiter
from api.server import running
from assistant.feedback import FeedbackLog
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from tests.conftest import REAL_CORPUS

FOUNDING = "Wann wurde die AI Alliance Aachen gegründet?"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_per_minute_then_asks_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock)
    assert [limiter.retry_after("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.retry_after("a")
    assert 59 < wait <= 60
    assert limiter.retry_after("b") == 0.0  # per client
    clock.now += 30
    assert 29 < limiter.retry_after("a") <= 30  # a refused question does not count
    clock.now += 30.5
    assert limiter.retry_after("a") == 0.0  # the window has moved on
    assert "Too many questions" in limiter.message(wait) and "61 s" in limiter.message(wait)


def test_rate_limiter_off_and_forgets_idle_clients() -> None:
    assert all(RateLimiter(0).retry_after("a") == 0.0 for _ in range(1000))
    clock = Clock()
    limiter = RateLimiter(5, clock)
    for number in range(100):
        limiter.retry_after(f"client-{number}")
    clock.now += 120
    limiter.retry_after("late")
    assert list(limiter._recent) == ["late"]


@pytest.fixture(scope="module")
def strict_app(real_data_dir: Path) -> Iterator[str]:
    settings = load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS, rate_limit=3)
    with running(build_assistant(settings)) as url:
        yield url


@pytest.fixture(scope="module")
def small_bodies_app(real_data_dir: Path) -> Iterator[str]:
    settings = load_settings(
        data_dir=real_data_dir,
        corpus_dir=REAL_CORPUS,
        rate_limit=0,
        max_request_bytes=20_000,
        max_upload_mb=1,
    )
    with running(build_assistant(settings)) as url:
        yield url


def test_too_many_questions_get_429_with_retry_after(strict_app: str) -> None:
    statuses = []
    for _ in range(5):
        response = httpx.post(f"{strict_app}/widget/ask", json={"question": FOUNDING}, timeout=60)
        statuses.append(response.status_code)
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert int(response.headers["retry-after"]) >= 1
    assert "Too many questions" in response.json()["error"]["message"]
    assert httpx.get(f"{strict_app}/v1/models").status_code == 200  # reading is not asking


def test_oversized_bodies_get_413(small_bodies_app: str) -> None:
    url = small_bodies_app
    padded = {"question": FOUNDING + " " * 50_000}
    declared = httpx.post(f"{url}/widget/ask", json=padded)
    assert declared.status_code == 413
    assert "too large" in declared.json()["error"]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
        yield b'{"question": "'
        for _ in range(100):
            yield b" " * 1000
        yield b'"}'

    for door in ("/v1/chat/completions", "/widget/ask", "/gradio_api/call/ask"):
        streamed = httpx.post(
            f"{url}{door}", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413, door
        assert "too large" in streamed.json()["error"]["message"]
    upload = httpx.post(
        f"{url}/gradio_api/upload",
        files={"files": ("big.md", b"x" * 1_500_000, "text/markdown")},
    )
    assert upload.status_code == 413
    small = httpx.post(
        f"{url}/gradio_api/upload",
        files={"files": ("small.md", b"# ok\n", "text/markdown")},
    )
    assert small.status_code == 200


def test_whitespace_padding_is_not_stored(real_data_dir: Path) -> None:
    settings = load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS)
    assistant = build_assistant(settings)
    question = "Wer   leitet das\n\n\n KI-Center der Stadt Nirgendwo?" + " " * 100_000
    answer = assistant.ask(question)
    question_id = assistant.record(question, answer)
    assert question_id is not None
    log = FeedbackLog(real_data_dir / "feedback.sqlite")
    stored = [r["question"] for r in log.unanswered() if "Stadt Nirgendwo" in r["question"]]
    assert stored == ["Wer leitet das KI-Center der Stadt Nirgendwo?"]


def test_questions_beyond_the_queue_are_told_busy(real_data_dir: Path) -> None:
    """With one question in flight allowed, a second one at the same time gets 503."""
    import threading

    settings = load_settings(
        data_dir=real_data_dir, corpus_dir=REAL_CORPUS, rate_limit=0, queue_size=1
    )
    assistant = build_assistant(settings)
    entered, release = threading.Event(), threading.Event()
    ask = assistant.ask

    def slow_ask(*args, **kwargs):
        entered.set()
        release.wait(30)
        return ask(*args, **kwargs)

    assistant.ask = slow_ask  # type: ignore[method-assign]
    with running(assistant) as url:
        first: list[httpx.Response] = []
        asker = threading.Thread(
            target=lambda: first.append(
                httpx.post(f"{url}/widget/ask", json={"question": FOUNDING}, timeout=60)
            )
        )
        asker.start()
        assert entered.wait(30)
        busy = httpx.post(f"{url}/widget/ask", json={"question": FOUNDING}, timeout=60)
        release.set()
        asker.join(60)
        after = httpx.post(f"{url}/widget/ask", json={"question": FOUNDING}, timeout=60)
    assert busy.status_code == 503 and "busy" in busy.json()["error"]["message"]
    assert busy.headers["retry-after"] == "2"
    assert first[0].status_code == 200 and after.status_code == 200
