"""Staff change the knowledge base from the chat page: valid changes are indexed at once,
invalid ones are refused with file:line problems and leave every file and the index as they were."""

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.wiring import build_assistant
from index.validation import CorpusError
from tests.conftest import make_settings

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
        ("notes.docx", META, "unsupported file type"),
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

    def slow_build(*args: Any) -> None:
        build(*args)
        time.sleep(0.3)

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
