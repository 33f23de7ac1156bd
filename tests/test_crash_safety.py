"""An indexing run killed with SIGKILL: the previous index keeps answering, the next run is exact.

A real ``assistant`` process indexes a changed corpus and is killed at a chosen point: while
embedding (nothing written yet) or right after the first batch of new chunks was written
(before stale chunks are deleted and before the new index version is recorded). Embedded
Chroma and a ``chroma run`` server are both tried.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.shared_system_client import SharedSystemClient

from assistant.embeddings import CachedEmbeddings
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from index.indexer import chunk_corpus, existing_ids
from index.loaders import load_corpus
from tests.conftest import ROOT

FOUNDING = "Wann wurde das Testnetzwerk Musterstadt gegründet?"

# the indexing run that gets killed: it stops at the first progress report of ``stage``
KILLED_RUN = """
import json, sys, time
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from index.indexer import reporting_progress

settings = load_settings(**json.loads(sys.argv[1]))
assistant = build_assistant(settings)

def stop_here(done, total, stage):
    if stage == sys.argv[2] and done:
        print("stopped", stage, done, total, flush=True)
        time.sleep(600)

with reporting_progress(stop_here):
    assistant.index()
print("finished", flush=True)
"""


def change_corpus(corpus: Path) -> None:
    """Edit the network's document (its chunks get new ids) and add a long new one."""
    testnetz = corpus / "documents" / "testnetz.md"
    testnetz.write_text(
        testnetz.read_text(encoding="utf-8")
        + "\n## Neuigkeiten\n\nDas Testnetzwerk Musterstadt hat einen Arbeitskreis Robotik.\n",
        encoding="utf-8",
    )
    sections = "\n\n".join(
        f"## Abschnitt {n}\n\n" + f"Der Arbeitskreis {n} trifft sich am Montag um {n} Uhr. " * 12
        for n in range(1, 12)
    )
    (corpus / "documents" / "arbeitskreise.md").write_text(
        "---\ntitle: Arbeitskreise\nlanguage: de\nsources: [https://example.org/ak]\n"
        f"date: 2025-01-01\n---\n\n# Arbeitskreise\n\n{sections}\n",
        encoding="utf-8",
    )


def kill_indexing_at(stage: str, settings_json: dict[str, Any]) -> str:
    """Run ``KILLED_RUN`` until it reports ``stage``, then SIGKILL it; return what it said."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, json.dumps(settings_json), stage],
        cwd=ROOT,
        env={**os.environ, "ASSISTANT_FEEDBACK": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # blocks until the run reaches the stage (or ends)
        lines.append(line)
        if line.startswith("stopped"):
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    said = "".join(lines)
    assert f"stopped {stage}" in said, said
    return said


@pytest.mark.parametrize("store", ["embedded", "server"])
@pytest.mark.parametrize("stage", ["embed", "write"])
def test_killed_indexing_leaves_the_previous_index_and_the_next_run_exact(
    stage: str,
    store: str,
    tmp_path: Path,
    corpus_copy: Path,
    embeddings: CachedEmbeddings,
    request: pytest.FixtureRequest,
) -> None:
    where: dict[str, Any] = {"data_dir": str(tmp_path / "data"), "corpus_dir": str(corpus_copy)}
    if store == "server":
        port = request.getfixturevalue("chroma_server")
        where |= {"chroma_host": "127.0.0.1", "chroma_port": port}
        where["collection"] = f"crash_{uuid.uuid4().hex[:8]}"
    before = build_assistant(load_settings(**where), embeddings)
    before.index()
    previous = existing_ids(before.collection)
    assert "3. März 2024" in before.ask(FOUNDING).answer

    change_corpus(corpus_copy)
    kill_indexing_at(stage, where)

    # a process started after the kill (embedded Chroma's clients are cached per process and
    # path: forget them, so this one reads the files as a new process would)
    SharedSystemClient.clear_system_cache()
    after_kill = build_assistant(load_settings(**where), embeddings)
    present = existing_ids(after_kill.collection)
    assert previous <= present
    if stage == "embed":
        assert present == previous  # nothing was written before the kill
    answer = after_kill.ask(FOUNDING)
    assert not answer.abstained and "3. März 2024" in answer.answer

    # the next run ends with exactly the corpus's chunks: no duplicates, no orphans
    report = after_kill.index()
    expected = chunk_corpus(load_corpus(corpus_copy), 900, 150)
    ids = after_kill.collection.get(include=[])["ids"]
    assert Counter(ids) == Counter(c.id for c in expected)
    assert report.chunks == len(expected)
    assert sorted(after_kill.retriever.ids) == sorted(c.id for c in expected)  # type: ignore[attr-defined]
    assert (
        "Arbeitskreis Robotik"
        in after_kill.ask("Hat das Testnetzwerk Musterstadt einen Arbeitskreis?").answer
    )
