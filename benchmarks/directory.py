"""Warm latency of the partner directory's search and of list answers (bundled corpus).

python -m benchmarks.directory
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from assistant.settings import load_settings
from assistant.wiring import build_assistant

ROOT = Path(__file__).resolve().parents[1]
SEARCHES = [
    ("", None, None, None),
    ("Supercomputer", None, None, None),
    ("Bildverarbeitung", None, None, None),
    ("Robotik", "university", None, None),
    ("", None, "robotics", None),
    ("", None, None, True),
    ("start-up support", None, None, None),
    ("RWTH", None, None, None),
    ("machine learning", "institute", None, None),
    ("Mittelstand Beratung", None, None, None),
]
QUESTIONS = [
    "Which partners work on robotics?",
    "Welche Hochschulen forschen zu KI in der Medizin?",
    "Wer kann uns bei Hochleistungsrechnen helfen?",
    "I need a partner for computer vision",
]


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(round(0.95 * (len(ordered) - 1)))], 2),
    }


def main(rounds: int = 20) -> dict[str, object]:
    assistant = build_assistant(load_settings(data_dir=ROOT / "data", corpus_dir=ROOT / "corpus"))
    if assistant.chunk_count() == 0:
        assistant.index()
    directory = assistant.directory
    for query, kind, topic, founding in SEARCHES:  # warm up
        directory.search(query, kind, topic, founding)
    search_ms = []
    for _ in range(rounds):
        for query, kind, topic, founding in SEARCHES:
            started = time.perf_counter()
            found = directory.search(query, kind, topic, founding)
            [directory.card(m.profile, "de") for m in found]
            search_ms.append((time.perf_counter() - started) * 1000)
    list_ms = []
    for _ in range(rounds):
        for question in QUESTIONS:
            started = time.perf_counter()
            assistant.ask(question)
            list_ms.append((time.perf_counter() - started) * 1000)
    return {
        "partners": len(directory),
        "search_ms": percentiles(search_ms),
        "list_answer_ms": percentiles(list_ms),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
