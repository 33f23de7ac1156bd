"""Staff change the knowledge base from the chat page: valid changes are indexed at once,
invalid ones are refused with file:line problems and leave every file and the index as they were."""

import hashlib
import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant import pipeline
from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.wiring import build_assistant
from index.editing import IndexingFailed
from index.indexer import chunk_corpus
from index.loaders import load_corpus
from index.validation import CorpusError
from tests.conftest import ROOT, make_settings

QUESTION = "Wann wurde das Testnetzwerk Musterstadt gegründet?"
META = {"title": "Testakademie", "language": "de", "source": "https://example.org/akademie"}
ACADEMY = (
    b"Die Testakademie Musterstadt bietet jeden Donnerstag einen kostenlosen Kurs "
    b"zum Programmieren von Lernrobotern an."
)


@pytest.fixture
def staff_assistant(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    return assistant


def corpus_files(assistant: Assistant) -> dict[str, bytes]:
    root = assistant.settings.corpus_dir
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_uploaded_document_is_indexed_and_answers(staff_assistant: Assistant) -> None:
    report = staff_assistant.add_document("Test Akademie.txt", ACADEMY, META)
    assert report.added >= 1
    docs = staff_assistant.settings.corpus_dir / "documents"
    assert (docs / "test-akademie.txt").read_bytes() == ACADEMY
    assert "title: Testakademie" in (docs / "test-akademie.txt.meta.yaml").read_text()
    answer = staff_assistant.ask("Wann bietet die Testakademie den Robotikkurs an?")
    assert not answer.abstained
    assert "Donnerstag" in answer.answer
    assert answer.citations[0].source == "documents/test-akademie.txt"


def test_a_change_loads_and_chunks_the_corpus_once(
    staff_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation loads and chunks the corpus with the change; indexing takes that corpus and
    its chunks instead of loading and chunking every file again (at 100,000 chunks each
    load took 7 s and each chunking 5 s of a staff change)."""
    from index import chunking, editing, indexer, loaders

    loads: list[Path] = []
    real_load = editing.load_corpus

    def counted_load(root: Path, *args: Any) -> Any:
        loads.append(root)
        return real_load(root, *args)

    chunked: list[str] = []
    real_chunk = chunking.chunk_document

    def counted_chunk(doc: Any, *args: Any) -> Any:
        chunked.append(doc.key)
        return real_chunk(doc, *args)

    monkeypatch.setattr(editing, "load_corpus", counted_load)
    monkeypatch.setattr(pipeline, "load_corpus", counted_load)
    monkeypatch.setattr(chunking, "chunk_document", counted_chunk)
    monkeypatch.setattr(indexer, "chunk_document", counted_chunk)
    monkeypatch.setattr(loaders, "load_corpus", counted_load)
    staff_assistant.add_document("Test Akademie.txt", ACADEMY, META)
    assert len(loads) == 1
    monkeypatch.undo()
    documents = load_corpus(staff_assistant.settings.corpus_dir).documents
    assert sorted(chunked) == sorted(d.key for d in documents)  # every document once
    assert "Donnerstag" in staff_assistant.ask("Wann ist der Robotikkurs der Testakademie?").answer


def test_a_file_written_by_someone_else_meanwhile_is_indexed_too(
    staff_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation saw the corpus without it (another replica on a shared corpus directory
    wrote it meanwhile): indexing reads the directory again, so it is kept, not deleted."""
    from index import editing

    real_write = editing.write_changes
    other = staff_assistant.settings.corpus_dir / "documents" / "nebenan.md"

    def and_another(corpus_dir: Path, changes: list[Any]) -> None:
        other.write_text(
            "---\ntitle: Nebenan\nlanguage: de\nsources: [https://example.org/n]\n"
            "date: 2026-11-01\n---\n\n"
            "Das Nachbarprojekt Musterstadt trifft sich jeden Freitag im Ratssaal.\n",
            encoding="utf-8",
        )
        real_write(corpus_dir, changes)

    monkeypatch.setattr(editing, "write_changes", and_another)
    staff_assistant.add_document("Test Akademie.txt", ACADEMY, META)
    sources = {
        m["source"] for m in staff_assistant.collection.get(include=["metadatas"])["metadatas"]
    }
    assert {"documents/nebenan.md", "documents/test-akademie.txt"} <= sources


def test_broken_pdf_upload_is_refused_and_nothing_is_kept(staff_assistant: Assistant) -> None:
    before, chunks = corpus_files(staff_assistant), staff_assistant.chunk_count()
    with pytest.raises(CorpusError, match=r"documents/flyer.pdf:1: cannot read PDF"):
        staff_assistant.add_document("flyer.pdf", b"%PDF-1.4 not really a pdf", META)
    assert corpus_files(staff_assistant) == before
    assert staff_assistant.chunk_count() == chunks


@pytest.mark.parametrize(
    ("filename", "meta", "problem"),
    [
        ("notes.txt", {**META, "title": ""}, "title"),
        ("notes.txt", {**META, "source": "not a url"}, "sources"),
        ("notes.odt", META, "unsupported file type"),
        ("notes.docx", META, "not a Word file"),  # a supported type, but text bytes
        ("testnetz.md", META, "exists already"),
    ],
)
def test_upload_problems_are_named(
    staff_assistant: Assistant, filename: str, meta: dict[str, str], problem: str
) -> None:
    before = corpus_files(staff_assistant)
    with pytest.raises(CorpusError, match=problem):
        staff_assistant.add_document(filename, ACADEMY, meta)
    assert corpus_files(staff_assistant) == before


def test_faq_edit_changes_the_answer(staff_assistant: Assistant) -> None:
    text = staff_assistant.corpus_file("faq/general.yaml")
    edited = text.replace("ist beitragsfrei", "kostet 10 Euro im Jahr")
    staff_assistant.save_corpus_file("faq/general.yaml", edited)
    answer = staff_assistant.ask("Was kostet die Mitgliedschaft im Testnetzwerk?")
    assert "10 Euro im Jahr" in answer.answer


def test_invalid_faq_edit_is_refused_with_its_line(staff_assistant: Assistant) -> None:
    before = corpus_files(staff_assistant)
    text = staff_assistant.corpus_file("faq/general.yaml")
    broken = text.replace("    owner: Testteam\n", "    owner: Testteam\n    colour: blau\n", 1)
    with pytest.raises(CorpusError, match=r"faq/general.yaml:\d+: .*colour"):
        staff_assistant.save_corpus_file("faq/general.yaml", broken)
    assert corpus_files(staff_assistant) == before
    assert (
        "beitragsfrei"
        in staff_assistant.ask("Was kostet die Mitgliedschaft im Testnetzwerk?").answer
    )


@pytest.mark.parametrize("rel", ["../outside.yaml", "documents/testnetz.md", "contact.yaml"])
def test_only_faq_and_partner_files_can_be_edited(staff_assistant: Assistant, rel: str) -> None:
    with pytest.raises(CorpusError, match="not an editable"):
        staff_assistant.save_corpus_file(rel, "x: 1\n")


def test_questions_during_reindexing_see_a_whole_index(
    staff_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staff re-index from the running chat; answers meanwhile must neither fail nor mix.

    Rebuilding the in-memory indexes takes seconds on a large corpus; a pause inside the
    rebuild stands in for that, so a reader would meet a half-rebuilt index without the lock.
    """
    keyword = staff_assistant.gate.lexical.keyword
    assert keyword is not None
    build = keyword.build

    def slow_build(*args: Any) -> Any:
        state = build(*args)  # the new BM25 state, swapped in by the caller with its view
        time.sleep(0.3)
        return state

    monkeypatch.setattr(keyword, "build", slow_build)
    errors: list[BaseException] = []
    answers: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                answers.append(staff_assistant.ask(QUESTION).answer)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(3):  # each upload adds chunks: old and new index sizes differ
            text = ACADEMY + f" Kurs Nummer {n}.".encode() * 40
            staff_assistant.add_document(f"kurs-{n}.txt", text, META)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert len(answers) > 3 and all("3. März 2024" in a for a in answers)


def test_questions_are_answered_while_new_text_is_embedded(
    staff_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedding a large upload takes long; it happens before the indexing lock is taken."""
    embedding, release = threading.Event(), threading.Event()
    model = staff_assistant.embeddings.inner  # type: ignore[attr-defined]
    embed = model.embed_documents

    def paused_embed(texts: list[str]) -> list[list[float]]:
        embedding.set()
        release.wait(60)
        return embed(texts)

    monkeypatch.setattr(model, "embed_documents", paused_embed)
    fresh = ACADEMY + f" Kennung {uuid.uuid4().hex}.".encode()  # never embedded before
    upload = threading.Thread(target=staff_assistant.add_document, args=("kurs.txt", fresh, META))
    upload.start()
    try:
        assert embedding.wait(30), "the upload never reached the embedding model"
        answers: list[str] = []
        reader = threading.Thread(
            target=lambda: answers.append(staff_assistant.ask(QUESTION).answer)
        )
        reader.start()
        reader.join(30)
        assert not reader.is_alive(), "the question waited for the embedding of the upload"
        assert "3. März 2024" in answers[0]
    finally:
        release.set()
        upload.join()
    assert (
        "Donnerstag"
        in staff_assistant.ask("Wann gibt es den Kurs zum Programmieren von Lernrobotern?").answer
    )


# --- audit, rollback, file modes -------------------------------------------------------------


def index_ids(assistant: Assistant) -> set[str]:
    return set(assistant.collection.get(include=[])["ids"])


def agrees(assistant: Assistant) -> bool:
    """The index holds exactly the chunks of the corpus files, nothing more or less."""
    settings = assistant.settings
    corpus = load_corpus(settings.corpus_dir)
    wanted = {c.id for c in chunk_corpus(corpus, settings.chunk_chars, settings.chunk_overlap)}
    return index_ids(assistant) == wanted


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fail_once(monkeypatch: pytest.MonkeyPatch, name: str, before: Callable[..., Any]) -> None:
    """Make ``assistant.pipeline.<name>`` run ``before`` (which raises) on its first call only."""
    real = getattr(pipeline, name)
    calls = []

    def broken(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            before(real, *args, **kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, name, broken)


def embedding_dies(real: Any, *args: Any, **kwargs: Any) -> None:
    raise RuntimeError("embedding model crashed")


def chroma_dies_halfway(real: Any, corpus: Any, chunks: Any, collection: Any, *rest: Any) -> None:
    present = sorted(collection.get(include=[])["ids"])
    collection.delete(ids=present[: len(present) // 2])  # half of the index is gone
    raise OSError("disk full")


def dies_after_writing(real: Any, *args: Any, **kwargs: Any) -> None:
    real(*args, **kwargs)  # the index now holds the change
    raise RuntimeError("refresh crashed")


def limits_disagree(real: Any, *args: Any, **kwargs: Any) -> None:
    raise CorpusError([])


@pytest.mark.parametrize(
    ("where", "failure"),
    [
        ("embed_ahead", embedding_dies),
        ("index_corpus", chroma_dies_halfway),
        ("index_corpus", dies_after_writing),
    ],
)
def test_failed_indexing_undoes_an_upload(
    staff_assistant: Assistant,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    failure: Callable[..., Any],
) -> None:
    before, ids = corpus_files(staff_assistant), index_ids(staff_assistant)
    fail_once(monkeypatch, where, failure)
    with pytest.raises(IndexingFailed, match="change was undone and the index was rebuilt") as err:
        staff_assistant.add_document("kurs.txt", ACADEMY, META, who="anna")
    assert err.value.reindexed and err.value.__cause__ is not None
    assert corpus_files(staff_assistant) == before  # byte for byte, the upload removed
    assert index_ids(staff_assistant) == ids
    assert agrees(staff_assistant)
    assert "3. März 2024" in staff_assistant.ask(QUESTION).answer
    assert staff_assistant.staff is not None
    log = staff_assistant.staff.audit_log()
    assert {e["path"] for e in log} == {"documents/kurs.txt", "documents/kurs.txt.meta.yaml"}
    assert all(e["who"] == "anna" and e["ok"] is False and e["before_sha256"] == "" for e in log)
    assert all("indexing failed" in e["detail"] and "undone" in e["detail"] for e in log)
    assert sha(ACADEMY) in {e["after_sha256"] for e in log}


@pytest.mark.parametrize(
    ("where", "failure", "error"),
    [
        ("embed_ahead", embedding_dies, IndexingFailed),
        ("index_corpus", chroma_dies_halfway, IndexingFailed),
        ("index_corpus", dies_after_writing, IndexingFailed),
        ("embed_ahead", limits_disagree, CorpusError),
    ],
)
def test_failed_indexing_undoes_an_edit(
    staff_assistant: Assistant,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    failure: Callable[..., Any],
    error: type[Exception],
) -> None:
    faq = staff_assistant.settings.corpus_dir / "faq" / "general.yaml"
    faq.chmod(0o640)
    before, ids = corpus_files(staff_assistant), index_ids(staff_assistant)
    edited = faq.read_text(encoding="utf-8").replace("ist beitragsfrei", "kostet 10 Euro")
    fail_once(monkeypatch, where, failure)
    with pytest.raises(error):
        staff_assistant.save_corpus_file("faq/general.yaml", edited, who="bert")
    assert corpus_files(staff_assistant) == before
    assert stat.S_IMODE(faq.stat().st_mode) == 0o640
    assert index_ids(staff_assistant) == ids and agrees(staff_assistant)
    answer = staff_assistant.ask("Was kostet die Mitgliedschaft im Testnetzwerk?").answer
    assert "beitragsfrei" in answer
    assert staff_assistant.staff is not None
    [entry] = staff_assistant.staff.audit_log()
    assert (entry["who"], entry["action"], entry["path"], entry["ok"]) == (
        "bert",
        "edit",
        "faq/general.yaml",
        False,
    )
    assert entry["before_sha256"] == sha(before["faq/general.yaml"])
    assert entry["after_sha256"] == sha(edited.encode())


def test_when_reindexing_fails_too_the_files_are_still_restored(
    staff_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, ids = corpus_files(staff_assistant), index_ids(staff_assistant)
    real = pipeline.index_corpus

    def always_halfway(*args: Any) -> Any:
        chroma_dies_halfway(real, *args)

    monkeypatch.setattr(pipeline, "index_corpus", always_halfway)
    with pytest.raises(IndexingFailed, match="run `assistant index`") as err:
        staff_assistant.add_document("kurs.txt", ACADEMY, META, who="anna")
    assert not err.value.reindexed
    assert corpus_files(staff_assistant) == before
    assert staff_assistant.staff is not None
    assert "run `assistant index`" in staff_assistant.staff.audit_log()[0]["detail"]
    monkeypatch.setattr(pipeline, "index_corpus", real)
    staff_assistant.index()  # what the message says to do
    assert index_ids(staff_assistant) == ids and agrees(staff_assistant)


def test_an_interrupt_during_indexing_undoes_the_change_and_propagates(
    staff_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, ids = corpus_files(staff_assistant), index_ids(staff_assistant)

    def interrupted(real: Any, *args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        raise KeyboardInterrupt

    fail_once(monkeypatch, "index_corpus", interrupted)
    with pytest.raises(KeyboardInterrupt):
        staff_assistant.add_document("kurs.txt", ACADEMY, META, who="anna")
    assert corpus_files(staff_assistant) == before
    assert index_ids(staff_assistant) == ids


KILLED = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from assistant.staff_accounts import StaffAccounts
    from index.editing import change_corpus, document_files

    corpus, staff = Path(sys.argv[1]), StaffAccounts(Path(sys.argv[2]))
    files = document_files("kurs.txt", sys.argv[3].encode(), {"title": "Testakademie",
        "language": "de", "source": "https://example.org/akademie"})
    change_corpus(corpus, files, lambda: os._exit(9), who="anna", action="add", journal=staff)
    """
)


def test_a_change_killed_before_indexing_is_journaled_and_repaired_at_start(
    staff_assistant: Assistant,
) -> None:
    """SIGKILL between writing and indexing (``os._exit`` in a real process): the audit log
    shows the change unfinished, and the index at the next start (``assistant serve`` and
    ``assistant index`` re-index) agrees with the files again."""
    settings = staff_assistant.settings
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, str(settings.corpus_dir), str(settings.staff_path)]
        + [ACADEMY.decode()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 9, killed.stderr
    assert (settings.corpus_dir / "documents" / "kurs.txt").read_bytes() == ACADEMY
    assert not agrees(staff_assistant)  # written, not indexed: this is what a kill leaves
    assert staff_assistant.staff is not None
    assert [(e["path"], e["ok"]) for e in staff_assistant.staff.audit_log()] == [
        ("documents/kurs.txt.meta.yaml", None),
        ("documents/kurs.txt", None),
    ]
    restarted = build_assistant(settings, staff_assistant.embeddings)
    restarted.index()  # what `assistant serve` does at start
    assert agrees(restarted)


def test_successful_changes_are_audited_with_hashes(staff_assistant: Assistant) -> None:
    faq = staff_assistant.settings.corpus_dir / "faq" / "general.yaml"
    old = faq.read_bytes()
    edited = old.decode().replace("ist beitragsfrei", "kostet 10 Euro")
    staff_assistant.save_corpus_file("faq/general.yaml", edited, who="bert")
    staff_assistant.add_document("kurs.md", ACADEMY, META, who="anna")
    with pytest.raises(CorpusError):
        staff_assistant.add_document("leer.txt", ACADEMY, {**META, "title": ""}, who="carla")
    assert staff_assistant.staff is not None
    log = staff_assistant.staff.audit_log()
    rows = [(e["who"], e["action"], e["path"], e["ok"]) for e in log]
    assert rows == [
        ("carla", "add", "documents/leer.txt.meta.yaml", False),
        ("carla", "add", "documents/leer.txt", False),
        ("anna", "add", "documents/kurs.md", True),
        ("bert", "edit", "faq/general.yaml", True),
    ]
    assert log[0]["detail"].startswith("refused: ") and "title" in log[0]["detail"]
    kurs = (staff_assistant.settings.corpus_dir / "documents" / "kurs.md").read_bytes()
    assert (log[2]["before_sha256"], log[2]["after_sha256"]) == ("", sha(kurs))
    assert (log[3]["before_sha256"], log[3]["after_sha256"]) == (sha(old), sha(faq.read_bytes()))


def test_saving_keeps_the_file_mode_and_new_files_get_the_umask(
    staff_assistant: Assistant,
) -> None:
    faq = staff_assistant.settings.corpus_dir / "faq" / "general.yaml"
    faq.chmod(0o664)
    text = faq.read_text(encoding="utf-8").replace("ist beitragsfrei", "kostet 10 Euro")
    staff_assistant.save_corpus_file("faq/general.yaml", text)
    assert stat.S_IMODE(faq.stat().st_mode) == 0o664
    old = os.umask(0o027)
    try:
        staff_assistant.add_document("kurs.txt", ACADEMY, META)
    finally:
        os.umask(old)
    added = staff_assistant.settings.corpus_dir / "documents" / "kurs.txt"
    assert stat.S_IMODE(added.stat().st_mode) == 0o640  # as `open` makes it, not 0o600


def test_an_upload_over_the_chunk_limit_is_refused_before_writing(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    """Checked on the copy with the limits indexing applies, so it never gets written and then
    refused by the index (corpus and index would disagree)."""
    settings = make_settings(tmp_path, corpus_copy, max_document_chunks=4)
    assistant = build_assistant(settings, embeddings)
    assistant.index()
    before, ids = corpus_files(assistant), index_ids(assistant)
    long = b"\n\n".join((ACADEMY + f" Absatz {n}.".encode()) * 8 for n in range(12))
    with pytest.raises(CorpusError, match="ASSISTANT_MAX_DOCUMENT_CHUNKS"):
        assistant.add_document("lang.txt", long, META, who="anna")
    assert corpus_files(assistant) == before and index_ids(assistant) == ids
    assert assistant.staff is not None
    assert assistant.staff.audit_log()[0]["detail"].startswith("refused: ")  # never written
