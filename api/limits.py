"""Bounds at the HTTP edge: request body size and questions per client per minute.

Both run before a request reaches the assistant, as pure ASGI middleware (no buffering of
streamed answers). Limits are settings (``ASSISTANT_MAX_REQUEST_BYTES``,
``ASSISTANT_MAX_UPLOAD_MB``, ``ASSISTANT_RATE_LIMIT``); refusals are short bilingual JSON
messages with the status a client understands (413, 429 with ``Retry-After``).

The client is the connecting address. Behind a reverse proxy every user shares the proxy's
address: run the proxy's own per-client limit there, or raise ``ASSISTANT_RATE_LIMIT``
(SECURITY.md).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WINDOW_SECONDS = 60.0
UPLOAD_PATH = "/gradio_api/upload"
# the doors that ask a question (the chat and ``/ask`` check the limiter in their callbacks)
QUESTION_PATHS = ("/v1/chat/completions", "/widget/ask", "/mcp")
TOO_LARGE = "Die Anfrage ist zu groß. / The request is too large."
TOO_MANY = (
    "Zu viele Fragen in kurzer Zeit – bitte in {seconds} s noch einmal. / "
    "Too many questions in a short time – please try again in {seconds} s."
)
BUSY = (
    "Der Assistent ist gerade ausgelastet – bitte gleich noch einmal. / "
    "The assistant is busy right now – please try again in a moment."
)


class RateLimiter:
    """At most ``per_minute`` questions per client in any 60 seconds (0: no limit).

    A sliding window of the times of each client's recent questions; clients idle for a
    window are forgotten, so the table stays as small as the set of active clients.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._recent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def retry_after(self, client: str) -> float:
        """Record a question of ``client``: 0 when allowed, else seconds until it would be."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            self._sweep(now)
            times = self._recent.setdefault(client, deque())
            while times and now - times[0] >= WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(0.1, WINDOW_SECONDS - (now - times[0]))
            times.append(now)
            return 0.0

    def message(self, wait: float) -> str:
        """The bilingual refusal for a client that has to wait ``wait`` seconds."""
        return TOO_MANY.format(seconds=int(wait) + 1)

    def _sweep(self, now: float) -> None:
        if now - self._last_sweep < WINDOW_SECONDS:
            return
        self._last_sweep = now
        idle = [c for c, t in self._recent.items() if not t or now - t[-1] >= WINDOW_SECONDS]
        for client in idle:
            del self._recent[client]


def client_of(scope: Scope) -> str:
    """The connecting address of a request (``"?"`` when the server does not say)."""
    client = scope.get("client")
    return str(client[0]) if client else "?"


class EdgeLimits:
    """Refuse what would cost the server more than a question may.

    Oversized bodies get 413, too many questions from one client 429, and a question beyond
    ``max_waiting`` in flight on the machine doors 503 "busy" (the chat has Gradio's queue).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body: int,
        max_upload: int,
        limiter: RateLimiter,
        max_waiting: int = 64,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.limiter = limiter
        self.max_waiting = max_waiting
        self.in_flight = 0  # questions being answered or waiting on the machine doors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared size and the rate, then count the body as it arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.max_upload if path.startswith(UPLOAD_PATH) else self.max_body
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, 413, TOO_LARGE)
            return
        asking = scope["method"] == "POST" and path.startswith(QUESTION_PATHS)
        if asking:
            wait = self.limiter.retry_after(client_of(scope))
            if wait:
                headers = {"retry-after": str(int(wait) + 1)}
                await _refuse(send, 429, self.limiter.message(wait), headers)
                return
            if self.in_flight >= self.max_waiting:
                await _refuse(send, 503, BUSY, {"retry-after": "2"})
                return
            self.in_flight += 1  # one event loop runs this: no lock between check and count
        try:
            await self._counted(scope, receive, send, limit)
        finally:
            if asking:
                self.in_flight -= 1

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Run the app, stopping its body at ``limit`` bytes with a 413.

        Frameworks catch the exception a reader raises and answer for themselves (FastAPI
        and Gradio said 400 "error parsing the body"), so once the body has gone over, the
        app's own response is replaced by the 413 rather than passed on.
        """
        received = 0
        started = False
        too_large = False
        replaced = False  # the app's answer is being dropped for our 413

        async def counted_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return
            if message["type"] == "http.response.start":
                started = True
                if too_large:
                    replaced = True
                    await _refuse(send, 413, TOO_LARGE)
                    return
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, 413, TOO_LARGE)


class BodyTooLarge(Exception):
    """A body without a declared length grew past the limit while it was read."""


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(
    send: Send, status: int, message: str, headers: dict[str, str] | None = None
) -> None:
    await send_error(
        send, status, {"error": {"message": message, "type": "invalid_request_error"}}, headers
    )


async def send_error(
    send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """Answer a request from ASGI middleware with a JSON error ``body``."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    raw = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(data)).encode()),
        *((k.encode(), v.encode()) for k, v in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": data})
