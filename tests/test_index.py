from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.wiring import build_assistant
from index.store import StoreError, make_client, open_collection
from index.validation import CorpusError
from tests.conftest import make_settings


def all_ids(collection) -> set[str]:
    return set(collection.get(include=[])["ids"])


def test_index_writes_chunks_with_metadata(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    report = assistant.index()
    assert report.added == report.chunks > 0
    got = assistant.collection.get(include=["metadatas"])
    sources = {m["source"] for m in got["metadatas"]}
    assert "documents/testnetz.md" in sources
    assert "partners/beispiel-robotik.yaml" in sources
    assert "faq/general.yaml#faq-fee" in sources
    for meta in got["metadatas"]:
        assert meta["language"] in ("de", "en")
        assert len(meta["content_hash"]) == 64
        assert meta["title"]
        assert "url" in meta
    partner = [m for m in got["metadatas"] if m["kind"] == "partner"]
    assert all(m["topic_robotics"] is True for m in partner)


def test_reindexing_is_idempotent(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    first = assistant.index()
    before = all_ids(assistant.collection)
    second = assistant.index()
    assert second.added == 0 and second.removed == 0
    assert second.unchanged == first.chunks
    assert all_ids(assistant.collection) == before
    assert assistant.chunk_count() == first.chunks


def test_changed_and_removed_documents_are_replaced(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    doc = corpus_copy / "documents" / "testnetz.md"
    doc.write_text(doc.read_text().replace("seit 1998", "seit 2001"))
    report = assistant.index()
    assert report.added == 1 and report.removed == 1
    texts = assistant.collection.get(include=["documents"])["documents"]
    assert any("seit 2001" in t for t in texts)
    assert not any("seit 1998" in t for t in texts)
    (corpus_copy / "partners" / "beispiel-robotik.yaml").unlink()
    assistant.index()
    metas = assistant.collection.get(include=["metadatas"])["metadatas"]
    assert not any(m["source"].startswith("partners/") for m in metas)


def test_invalid_file_leaves_index_untouched(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    before = all_ids(assistant.collection)
    doc = corpus_copy / "documents" / "testnetz.md"
    doc.write_text(doc.read_text().replace("Wetterstation", "Messstation"))
    (corpus_copy / "partners" / "broken.yaml").write_text("id: broken\nname: [unclosed\n")
    with pytest.raises(CorpusError) as err:
        assistant.index()
    assert "partners/broken.yaml:2:" in str(err.value)
    assert all_ids(assistant.collection) == before


def test_broken_pdf_is_reported_not_indexed(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    (corpus_copy / "documents" / "flyer.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus_copy / "documents" / "flyer.pdf.meta.yaml").write_text(
        "title: Flyer\nlanguage: de\nsources: [https://example.org/f]\ndate: 2025-01-01\n"
    )
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    with pytest.raises(CorpusError, match=r"documents/flyer.pdf:1: cannot read PDF"):
        assistant.index()
    assert assistant.chunk_count() == 0


def test_collection_of_another_model_is_refused(tmp_path: Path, corpus_copy: Path) -> None:
    settings = make_settings(tmp_path, corpus_copy)
    client = make_client(settings)
    open_collection(client, settings.collection, "model-a", 384)
    with pytest.raises(StoreError, match="model-a"):
        open_collection(client, settings.collection, "model-b", 384)
