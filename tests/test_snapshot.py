"""The derived view saved per index version: a new process loads it instead of rebuilding it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings, EmbeddingCache
from assistant.pipeline import Assistant
from assistant.retrieve import hybrid, snapshot
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


@pytest.mark.parametrize(
    ("name", "cut"),
    [("bounds.npy", 0), ("postings_docs.bin", 4), ("sentences.bin", 3), ("spans.npy", 0)],
)
def test_a_view_cut_short_is_rebuilt_not_read(
    indexed: Assistant, embeddings: CachedEmbeddings, name: str, cut: int
) -> None:
    """A crash before the kernel wrote a file leaves it empty or short: the view is rebuilt,
    and questions never read past the end of a posting list or a sentence file."""
    target = snapshots(indexed) / indexed.seen_version / name
    short = target.with_name("short")
    short.write_bytes(target.read_bytes()[:cut])
    short.replace(target)  # a new file: the running process reads on from the one it opened
    started = build_assistant(indexed.settings, embeddings)
    assert ranking(started) == ranking(indexed)


def test_a_data_directory_that_cannot_be_written_still_serves(
    indexed: Assistant,
    embeddings: CachedEmbeddings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = snapshot.staging

    def full(root: Path | None) -> Path:
        if root is not None:
            raise OSError(28, "No space left on device")
        return real(root)

    for folder in snapshots(indexed).iterdir():
        shutil.rmtree(folder)
    monkeypatch.setattr(snapshot, "staging", full)
    started = build_assistant(indexed.settings, embeddings)
    assert ranking(started) == ranking(indexed)
    assert "using a temporary one" in caplog.text
    assert list(snapshots(indexed).iterdir()) == []  # nothing published


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


def test_a_change_is_applied_to_the_view_like_a_rebuild(
    indexed: Assistant, embeddings: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An added and a removed document update the view in place (only the new chunks are
    analysed); what retrieval returns is what a process rebuilding from scratch returns."""
    monkeypatch.setattr(hybrid, "REBUILD_SHARE", 1.0)  # the fixture corpus is tiny
    monkeypatch.setattr(hybrid.HybridRetriever, "_rebuild", lambda self, *_: pytest.fail("rebuilt"))
    docs = indexed.settings.corpus_dir / "documents"
    (docs / "testnetz.md").unlink()
    indexed.add_document(
        "akademie.txt",
        b"Die Testakademie Musterstadt bietet jeden Donnerstag einen Robotikkurs an.",
        {"title": "Testakademie", "language": "de", "source": "https://example.org/ak"},
    )
    assert "Donnerstag" in indexed.ask("Wann ist der Robotikkurs der Testakademie?").answer
    assert not any("testnetz" in i for i in indexed.retriever.ids)  # type: ignore[attr-defined]
    monkeypatch.undo()
    for folder in snapshots(indexed).iterdir():  # a new process without a snapshot rebuilds
        shutil.rmtree(folder)
    rebuilt = build_assistant(indexed.settings, embeddings)
    assert sorted(rebuilt.retriever.ids) == sorted(indexed.retriever.ids)  # type: ignore[attr-defined]
    # the same chunks in the same order with the same sentences; scores differ in the fourth
    # decimal at most: kept chunks keep the compound parts of the vocabulary they were added
    # under (KeywordIndex.update), a rebuild splits them by the final one
    for fresh, updated in zip(ranking(rebuilt), ranking(indexed), strict=True):
        assert [(i, s) for i, _, s in fresh] == [(i, s) for i, _, s in updated]
        assert all(abs(a[1] - b[1]) < 1e-3 for a, b in zip(fresh, updated, strict=True))


def test_chunks_written_without_a_new_version_are_caught_up(
    indexed: Assistant, embeddings: CachedEmbeddings
) -> None:
    """A snapshot is only trusted while the collection holds as many chunks as it does."""
    text = "Die Testakademie Musterstadt bietet jeden Freitag einen Schachkurs an."
    indexed.collection.add(
        ids=["written-aside"],
        documents=[text],
        metadatas=[{"language": "de", "kind": "document", "source": "documents/aside.md"}],
        embeddings=[embeddings.embed_documents([text])[0]],
    )
    started = build_assistant(indexed.settings, embeddings)
    assert started.seen_version == indexed.seen_version  # nobody recorded a new version
    assert "written-aside" in started.retriever.ids  # type: ignore[attr-defined]
    assert "Freitag" in started.ask("Wann ist der Schachkurs der Testakademie?").answer


def test_what_indexing_embeds_ahead_is_all_the_view_needs(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedding is done before the indexing lock; building or updating the view under it
    finds every sentence in the cache (one function says what the view embeds)."""
    fresh = CachedEmbeddings(
        embeddings.inner, EmbeddingCache(tmp_path / "fresh.sqlite"), embeddings.model_name
    )
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), fresh)
    under_lock: list[int] = []
    real = hybrid.embed_matrix

    def counted(model: CachedEmbeddings, texts: list[str]) -> object:
        before = model.misses
        matrix = real(model, texts)
        under_lock.append(model.misses - before)
        return matrix

    monkeypatch.setattr(hybrid, "embed_matrix", counted)
    assistant.index()  # the view is built
    assistant.add_document(
        "akademie.txt",
        b"Die Testakademie bietet jeden Donnerstag einen Robotikkurs an. Er ist kostenlos.",
        {"title": "Testakademie", "language": "de", "source": "https://example.org/ak"},
    )  # the view is updated
    assert fresh.misses > 0 and len(under_lock) >= 2
    assert under_lock == [0] * len(under_lock)


def test_a_view_kept_nowhere_leaves_no_files_behind(
    indexed: Assistant,
    embeddings: CachedEmbeddings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a data directory to publish in (``assistant eval``'s throw-away collections),
    the view is written to a temporary folder that is deleted once opened; it reads on."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    retriever = hybrid.HybridRetriever(indexed.collection, embeddings)
    retriever.refresh("some-version")
    assert list(scratch.iterdir()) == []
    hits = retriever.retrieve("Wann wurde das Testnetzwerk Musterstadt gegründet?", 3)
    assert any("3. März 2024" in s for s, _ in hits[0].sentences)
