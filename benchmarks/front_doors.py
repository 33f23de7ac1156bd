"""What the front doors add to an answer: ``/v1/chat/completions`` (and MCP) over ``ask``.

Warm, extractive, bundled corpus, loopback. Each question of the gold dev split is asked
directly (``Assistant.ask``) and through the OpenAI-compatible API (one kept-alive HTTP
connection, non-streaming), after one pass over all questions has warmed the caches (query
embeddings are cached: without it, whichever path goes first pays the embedding), in
alternating order; the overhead of a question is the difference of its two times. The API
also records the question for staff (one SQLite insert), which the direct call does not:
that is part of what it costs.

python -m benchmarks.front_doors [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from api.server import running
from assistant.pipeline import Assistant
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from benchmarks.directory import percentiles

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "corpus" / "eval" / "gold-dev.jsonl"


def main(rounds: int = 2) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix="front-doors-"))
    settings = load_settings(data_dir=data_dir, corpus_dir=ROOT / "corpus")
    assistant = build_assistant(settings)
    assistant.index()
    questions = [json.loads(line)["question"] for line in QUESTIONS.open(encoding="utf-8")]
    direct_ms: list[float] = []
    api_ms: list[float] = []
    overhead_ms: list[float] = []
    with running(assistant) as url, httpx.Client(base_url=url, timeout=60) as http:
        for question in questions:  # warm up both paths and the query-embedding cache
            assistant.ask(question)
        for question in questions[:10]:
            _api(http, question)
        for _ in range(rounds):
            for number, question in enumerate(questions):
                if number % 2:
                    through_api = _api(http, question)
                    direct = _direct(assistant, question)
                else:
                    direct = _direct(assistant, question)
                    through_api = _api(http, question)
                direct_ms.append(direct)
                api_ms.append(through_api)
                overhead_ms.append(through_api - direct)
    return {
        "questions": len(direct_ms),
        "ask_ms": percentiles(direct_ms),
        "chat_completions_ms": percentiles(api_ms),
        "overhead_ms": percentiles(overhead_ms),
        "overhead_mean_ms": round(statistics.fmean(overhead_ms), 2),
    }


def _direct(assistant: Assistant, question: str) -> float:
    started = time.perf_counter()
    assistant.ask(question)
    return (time.perf_counter() - started) * 1000


def _api(http: httpx.Client, question: str) -> float:
    body = {"model": "alliance-assistant", "messages": [{"role": "user", "content": question}]}
    started = time.perf_counter()
    http.post("/v1/chat/completions", json=body).raise_for_status()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    print(json.dumps(main(parser.parse_args().rounds)))
