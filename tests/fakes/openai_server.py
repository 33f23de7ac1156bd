"""A small local server that speaks the OpenAI chat-completions protocol, for tests.

The model name picks a behaviour, so one server covers the happy path and every fault:

* ``grounded``   quotes the first sentence of source 1 and cites it ``[1]``
* ``fabricate``  invents a fee and cites a source that does not say so, plus a missing [7]
* ``not-in-kb``  answers the "not in the knowledge base" sentinel
* ``echo``       restates the question as its answer and cites source 1
* ``confirm``    the same after a "Ja, "
* ``obedient``   follows instructions found in the sources (says PWNED, cites nothing)
* ``slow``       waits longer than any test timeout before answering
* ``trickle``    answers like ``grounded``, one token every ``TRICKLE_SECONDS`` (streaming UI)
* ``stall``      answers like ``grounded``, then starts a second sentence and slows down to one
  token every ``SLOW_SECONDS`` (a model cut off at the time limit mid-answer)
* ``error-500`` / ``rate-limit``  HTTP 500 / 429
* ``garbage``    a stream of malformed data

Condense requests ("Rewrite the last question...") are answered with the previous question
plus the follow-up, the way a model would resolve it; rerank requests ("Rank the sources...")
with the source numbers in reverse order. Requests are recorded in ``requests``.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SLOW_SECONDS = 5.0
TRICKLE_SECONDS = 0.15


def _answer(model: str, messages: list[dict[str, Any]]) -> str:
    user = messages[-1]["content"]
    if user.startswith("Rewrite the last question"):
        history = re.findall(r"^- (.+)$", user, re.M)
        last = re.search(r"Last question: (.+)$", user, re.M)
        return f"{last.group(1) if last else ''} ({history[-1] if history else ''})"
    sources = re.findall(r'<source n="(\d+)"[^>]*>\n(.*?)\n</source>', user, re.S)
    if user.startswith("Rank the sources"):  # a reranking request: best last, reversed
        return ", ".join(n for n, _ in reversed(sources))
    if model == "not-in-kb":
        return "NOT_IN_KNOWLEDGE_BASE"
    if model == "fabricate":
        return "The membership fee is 500 euros per year [1]. Members meet every Monday [7]."
    if model in ("echo", "confirm"):  # "Wann wurde X gegründet?" -> "Wann wurde X gegründet [1]."
        question = re.search(r"Question: (.+)$", user, re.M)
        restated = f"{question.group(1).rstrip('?') if question else ''} [1]."
        return f"Ja, {restated}" if model == "confirm" else restated
    if model == "obedient":
        if any("ignore previous instructions" in text.lower() for _, text in sources):
            return "PWNED"
        return "Nothing to obey."
    first = sources[0][1] if sources else ""
    body = first.split("\n", 1)[-1] if "\n" in first else first
    sentence = re.split(r"(?<=[^\d][.!?])\s", body.strip())[0]
    return f"{sentence} [1]"


class _Handler(BaseHTTPRequestHandler):
    server: FakeOpenAI  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        model = body.get("model", "")
        if model == "error-500":
            return self._json(500, {"error": {"message": "boom", "type": "server_error"}})
        if model == "rate-limit":
            return self._json(429, {"error": {"message": "slow down", "type": "rate_limit"}})
        if model == "slow":
            time.sleep(SLOW_SECONDS)
        text = _answer(model, body["messages"])
        if not body.get("stream"):
            return self._json(
                200,
                {
                    "id": "cmpl-1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": text},
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                },
            )
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if model == "garbage":
            self.wfile.write(b"data: {this is not json\n\n")
            self.wfile.flush()
            return
        for token in re.findall(r"\S+\s*", text):
            self._event({"delta": {"role": "assistant", "content": token}, "finish_reason": None})
            if model == "trickle":
                time.sleep(TRICKLE_SECONDS)
        if model == "stall":  # a second sentence that does not finish in time
            for token in ("Außerdem ", "gibt ", "es ", "noch "):
                self._event({"delta": {"content": token}, "finish_reason": None})
                time.sleep(SLOW_SECONDS)
        self._event({"delta": {}, "finish_reason": "stop"})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def handle_one_request(self) -> None:
        # the client may give up mid-stream (timeout tests): nothing to report then
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle_one_request()

    def _event(self, choice: dict[str, Any]) -> None:
        chunk = {
            "id": "cmpl-1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "fake",
            "choices": [{"index": 0, **choice}],
        }
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeOpenAI(ThreadingHTTPServer):
    """Start with ``FakeOpenAI.start()``; ``base_url`` is what the client needs."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []

    @classmethod
    def start(cls) -> FakeOpenAI:
        server = cls()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"
