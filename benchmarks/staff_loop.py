"""Save-to-live time of the staff loop on the bundled corpus: "create FAQ entry" to answered.

A copy of ``corpus/`` is indexed once (embeddings from ``data/embeddings.sqlite`` when it is
there, so the set-up does not re-embed everything). Then, ``ROUNDS`` times: a question the
corpus cannot answer is asked and logged; the FAQ form is prefilled from it
(``assistant.curation.questions.prefill``), answered and saved (``faq_forms.add``: the whole
corpus validated on a copy, the file written atomically, indexed, audited); the clock stops
when the same question, asked again, is answered from the new entry. The figure is the time
from save to that answer (target: at most 3 s). Whether another wording is answered from the
entry too is counted alongside (it depends on retrieval and the gate, not on the save)::

    .venv/bin/python -m benchmarks.staff_loop    # also writes benchmarks/results/staff_loop.json
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from assistant.curation import faq_forms, questions
from assistant.settings import load_settings
from assistant.staff_accounts import StaffAccounts
from assistant.wiring import build_assistant

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "benchmarks" / "results" / "staff_loop.json"
TARGET_S = 3.0
# (asked and not answered, another wording asked after the save, a word the answer has)
ROUNDS = [
    (
        "Gibt es einen Newsletter der AI Alliance Aachen?",
        "Verschickt die AI Alliance Aachen einen Newsletter?",
        "Rundbrief",
    ),
    (
        "Gibt es einen Stammtisch der AI Alliance Aachen?",
        "Trifft sich die AI Alliance Aachen regelmäßig zum Stammtisch?",
        "Stammtisch",
    ),
    (
        "Hat die AI Alliance Aachen ein Maskottchen?",
        "Gibt es ein Maskottchen der AI Alliance Aachen?",
        "Maskottchen",
    ),
]


def main() -> dict[str, object]:
    """Run the rounds and print one JSON object with the figures."""
    with tempfile.TemporaryDirectory(prefix="staff-loop-") as scratch:
        base = Path(scratch)
        shutil.copytree(ROOT / "corpus", base / "corpus")
        (base / "data").mkdir()
        cache = ROOT / "data" / "embeddings.sqlite"
        if cache.exists():
            shutil.copy(cache, base / "data" / "embeddings.sqlite")
        settings = load_settings(data_dir=base / "data", corpus_dir=base / "corpus")
        assistant = build_assistant(settings)
        assistant.staff = StaffAccounts(settings.staff_path, 5, 15.0, bootstrap="x", rounds=4)
        started = time.perf_counter()
        assistant.index()
        setup_s = time.perf_counter() - started
        saves, lives, other = [], [], 0
        for asked, again, word in ROUNDS:
            answer = assistant.ask(asked)
            assistant.record(asked, answer)
            opened = questions.prefill(assistant, asked, "benchmark", "faq/alliance.yaml")
            draft = opened.draft
            draft.questions_en = draft.questions_en or [f"(EN) {asked}"]
            draft.answer_de = (
                f"Dazu gibt es noch nichts Öffentliches ({word}); bitte im Büro fragen."
            )
            draft.answer_en = f"Nothing public about this yet ({word}); please ask the office."
            draft.sources = ["https://www.aachen.de/ai-alliance"]
            t0 = time.perf_counter()
            faq_forms.add(assistant, draft, "benchmark")
            t1 = time.perf_counter()
            live = assistant.ask(asked)
            t2 = time.perf_counter()
            if live.abstained or not any(draft.id in c.source for c in live.citations):
                cited = [c.source for c in live.citations]
                raise SystemExit(f"not answered from the new entry: {asked!r} -> {cited}")
            reworded = assistant.ask(again)
            other += any(draft.id in c.source for c in reworded.citations)
            saves.append(t1 - t0)
            lives.append(t2 - t0)
        result: dict[str, object] = {
            "corpus": "bundled",
            "chunks": assistant.chunk_count(),
            "setup_index_s": round(setup_s, 2),
            "rounds": len(ROUNDS),
            "save_s": {"median": round(statistics.median(saves), 3), "max": round(max(saves), 3)},
            "save_to_answer_s": {
                "median": round(statistics.median(lives), 3),
                "max": round(max(lives), 3),
            },
            "other_wording_from_entry": f"{other}/{len(ROUNDS)}",
            "target_s": TARGET_S,
            "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine
            "met": max(lives) <= TARGET_S,
        }
    print(json.dumps(result, indent=2))
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    sys.exit(0 if main()["met"] else 1)
