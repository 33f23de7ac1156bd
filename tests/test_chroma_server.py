"""The multi-machine path: the same pipeline against a Chroma server started with `chroma run`."""

import shutil
import time
from pathlib import Path

import httpx
import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from index.store import StoreError
from tests.conftest import FIXTURE_CORPUS
from tests.servers import assistant_serve, free_port

pytestmark = pytest.mark.server


def test_index_and_answer_through_a_chroma_server(
    chroma_server: int, tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    settings = load_settings(
        data_dir=tmp_path / "d",
        corpus_dir=FIXTURE_CORPUS,
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
        collection="server_test",
    )
    assistant = build_assistant(settings, embeddings)
    report = assistant.index()
    assert report.added > 0
    assert not (tmp_path / "d" / "chroma").exists()  # nothing embedded on disk: the server holds it
    # a second replica of the app sees the same index
    replica = build_assistant(settings, embeddings)
    assert replica.index().added == 0
    answer = replica.ask("Wann wurde das Testnetzwerk Musterstadt gegründet?")
    assert "3. März 2024" in answer.answer


def test_a_change_through_one_replica_is_answered_by_the_other(
    chroma_server: int, tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    """Two app processes on one Chroma server: a document uploaded through one (here the
    in-process assistant, the staff upload's path) is answered from by the other, a real
    ``assistant serve``, without a restart: it notices the new index version and rebuilds."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    store = {
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(chroma_server),
        "ASSISTANT_COLLECTION": "replica_test",
        "ASSISTANT_CORPUS_DIR": str(corpus),
    }
    settings = load_settings(
        data_dir=tmp_path / "one",
        corpus_dir=corpus,
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
        collection="replica_test",
    )
    editor = build_assistant(settings, embeddings)
    editor.index()
    question = {"question": "Wann bietet die Testakademie den Robotikkurs an?"}
    env = {**store, "ASSISTANT_INDEX_POLL_SECONDS": "1", "ASSISTANT_RATE_LIMIT": "0"}
    with assistant_serve(tmp_path / "two", env) as other:
        before = httpx.post(f"{other.url}/widget/ask", json=question, timeout=60).json()
        assert "Donnerstag" not in before["answer"]
        editor.add_document(
            "Test Akademie.txt",
            b"Die Testakademie Musterstadt bietet jeden Donnerstag einen kostenlosen Kurs "
            b"zum Programmieren von Lernrobotern an.",
            {"title": "Testakademie", "language": "de", "source": "https://example.org/ak"},
        )
        deadline = time.monotonic() + 60  # the setting says 1 s; generous for a busy machine
        while True:
            reply = httpx.post(f"{other.url}/widget/ask", json=question, timeout=60).json()
            if "Donnerstag" in reply["answer"]:
                break
            assert time.monotonic() < deadline, "the other replica never saw the change"
            time.sleep(0.5)
        assert reply["citations"][0]["source"] == "documents/test-akademie.txt"


def test_unreachable_server_is_a_clear_error(tmp_path: Path, embeddings: CachedEmbeddings) -> None:
    settings = load_settings(
        data_dir=tmp_path / "d",
        corpus_dir=FIXTURE_CORPUS,
        chroma_host="127.0.0.1",
        chroma_port=free_port(),
    )
    with pytest.raises(StoreError, match="ASSISTANT_CHROMA_HOST"):
        build_assistant(settings, embeddings)
