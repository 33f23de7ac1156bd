"""The derived view saved per index version: a new process loads it instead of rebuilding it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.retrieve import hybrid
from assistant.retrieve.keyword import KeywordIndex
from assistant.wiring import build_assistant
from tests.conftest import make_settings

QUESTIONS = [
    "Wann wurde das Testnetzwerk Musterstadt gegründet?",
    "Which partner works on robotics?",
    "Hochleistungsrechenzentrum",
]


def ranking(assistant: Assistant) -> list[list[tuple[str, float, list[str]]]]:
    """Each question's hits: id, score and quoted sentences (what answers are made of)."""
    return [
        [(h.id, round(h.score, 5), [s for s, _ in h.sentences]) for h in assistant.retrieve(q, 5)]
        for q in QUESTIONS
    ]


def snapshots(assistant: Assistant) -> Path:
    return assistant.settings.data_dir / "derived" / assistant.settings.collection


@pytest.fixture
def indexed(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    return assistant


def forbid_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(*args: object, **kwargs: object) -> None:
        raise AssertionError("the view was rebuilt")

    monkeypatch.setattr(hybrid.HybridRetriever, "_rebuild", no)
    monkeypatch.setattr(KeywordIndex, "build", no)


def test_a_new_process_loads_the_saved_view_and_ranks_the_same(
    indexed: Assistant, embeddings: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = indexed.seen_version
    assert version and [p.name for p in snapshots(indexed).iterdir()] == [version]
    forbid_rebuild(monkeypatch)
    started = build_assistant(indexed.settings, embeddings)
    assert started.seen_version == version
    assert ranking(started) == ranking(indexed)
    assert started.gate.lexical.keyword.knows("Robotik")  # the keyword index came along
    answer = started.ask("Wann wurde das Testnetzwerk Musterstadt gegründet?")
    assert "3. März 2024" in answer.answer


def test_a_damaged_snapshot_is_rebuilt_not_trusted(
    indexed: Assistant, embeddings: CachedEmbeddings, caplog: pytest.LogCaptureFixture
) -> None:
    folder = snapshots(indexed) / indexed.seen_version
    view = folder / "view.json"
    view.write_bytes(view.read_bytes()[:100])
    started = build_assistant(indexed.settings, embeddings)
    assert ranking(started) == ranking(indexed)
    assert "rebuilding" in caplog.text
    assert len((folder / "view.json").read_bytes()) > 100  # and written anew


def test_a_change_writes_a_new_snapshot_and_drops_the_old(indexed: Assistant) -> None:
    old = indexed.seen_version
    indexed.add_document(
        "akademie.txt",
        b"Die Testakademie Musterstadt bietet jeden Donnerstag einen Robotikkurs an.",
        {"title": "Testakademie", "language": "de", "source": "https://example.org/ak"},
    )
    assert indexed.seen_version != old
    assert [p.name for p in snapshots(indexed).iterdir()] == [indexed.seen_version]
    unchanged = indexed.seen_version
    indexed.index()  # nothing changed: same version, same snapshot
    assert indexed.seen_version == unchanged
