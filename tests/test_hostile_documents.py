"""Hostile corpus files are refused with a message before anything is written or indexed.

Every fixture is generated here, small: a PDF whose pages share one content stream, a 2 KB PDF
that takes seconds to parse, a PDF whose resources nest deeper than Python's recursion limit,
binary bytes saved as Markdown, text with NUL bytes, HTML that is an image or drives the
HTML parser quadratic. Limits are made small through ``Limits(...)`` instead of writing 50 MB.
"""

from __future__ import annotations

import io
import logging
import random
import re
import time
import zlib
from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.wiring import build_assistant
from index import parsing
from index.limits import Limits
from index.loaders import Corpus, SourceDocument, load_corpus
from index.parse_worker import handle
from index.parsing import ParseWorker
from index.validation import CorpusError
from tests.conftest import REAL_CORPUS, make_settings

META = {"title": "Upload", "language": "de", "source": "https://example.org/upload"}
SIDECAR = "title: Datei\nlanguage: de\nsources: [https://example.org/d]\ndate: 2025-01-01\n"
FRONT = "---\ntitle: Notiz\nlanguage: de\nsources: [https://example.org/n]\ndate: 2025-01-01\n---\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
# raw exception text that must never reach staff or a client
RAW = re.compile(r"Error\b|Traceback|recursion|EOF marker|codec|0x[0-9a-f]{2} in position")


# --- PDFs built by hand: every structure exactly as a hostile file has it ---


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 is the catalog) with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def stream(data: bytes) -> bytes:
    packed = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)


def text_ops(lines: list[str]) -> bytes:
    shown = "\n".join(f"({line}) '" for line in lines)
    return f"BT /F1 10 Tf 40 800 Td 12 TL\n{shown}\nET".encode("latin-1")


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pages_pdf(contents: list[int], streams: list[bytes], resources: bytes = b"") -> bytes:
    """Pages drawing the given streams: ``contents[i]`` is the stream index of page ``i``.

    Objects: 1 catalog, 2 page tree, 3 font, 4 resources, then the streams, then the pages.
    """
    first_stream, first_page = 5, 5 + len(streams)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
        FONT,
        resources or b"<< /Font << /F1 3 0 R >> >>",
        *(stream(s) for s in streams),
        *(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Contents %d 0 R /Resources 4 0 R >>" % (first_stream + c)
            for c in contents
        ),
    ]
    return pdf(objects)


def text_pdf(pages: list[list[str]]) -> bytes:
    """An ordinary PDF: one content stream per page."""
    return pages_pdf(list(range(len(pages))), [text_ops(lines) for lines in pages])


def shared_stream_pdf(lines: int, pages: int) -> bytes:
    """The issue's 19 KB PDF: every page draws the same content stream."""
    body = [f"Zeile {i} des geteilten Inhalts ueber die KI-Region Aachen" for i in range(lines)]
    return pages_pdf([0] * pages, [text_ops(body)])


def slow_pdf(lines: int = 200_000) -> bytes:
    """2 KB that pypdf needs seconds for: one page showing ``lines`` one-letter lines."""
    return pages_pdf([0], [b"BT /F1 10 Tf 12 TL\n" + b"(x) '\n" * lines + b"ET"])


def deep_pdf(depth: int = 5000) -> bytes:
    """A page whose resources are arrays nested ``depth`` deep: pypdf raises RecursionError."""
    return pages_pdf([0], [text_ops(["hallo"])], resources=b"[" * depth + b"]" * depth)


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(text_pdf([["Geheimer Bericht"]])))
    writer.encrypt(user_password="geheim", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- helpers ---


def add(corpus: Path, name: str, data: bytes, sidecar: bool = True) -> str:
    """Put ``data`` into the corpus as ``documents/name`` (with a sidecar unless Markdown)."""
    path = corpus / "documents" / name
    path.write_bytes(data)
    if sidecar and not name.endswith(".md"):
        path.with_name(name + ".meta.yaml").write_text(SIDECAR)
    return f"documents/{name}"


def problems(corpus: Path, limits: Limits | None = None) -> list[str]:
    """The problems ``load_corpus`` reports, as ``file:line: message`` lines."""
    with pytest.raises(CorpusError) as err:
        load_corpus(corpus, limits)
    lines = [str(p) for p in err.value.problems]
    for line in lines:
        assert not RAW.search(line), line  # a sentence for staff, not a parser's exception
    return lines


def corpus_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(autouse=True)
def fresh_parse_cache() -> None:
    """Every test parses for real (extracted text is cached per process by content hash)."""
    parsing.clear_cache()


# --- the limits are settings, with the settings' defaults ---


def test_limits_default_to_the_settings_defaults() -> None:
    defaults = Limits()
    for name in Limits.__dataclass_fields__:
        assert getattr(defaults, name) == Settings.model_fields[name].default, name


def test_limits_come_from_the_settings(tmp_path: Path, corpus_copy: Path) -> None:
    settings = make_settings(
        tmp_path,
        corpus_copy,
        max_upload_mb=3,
        max_document_chars=5000,
        max_pdf_pages=7,
        max_document_chunks=9,
        parse_timeout=1.5,
    )
    assert Limits.from_settings(settings) == Limits(3, 5000, 7, 9, 1.5, 900, 150)


def test_the_bundled_corpus_loads_with_the_default_limits() -> None:
    corpus = load_corpus(REAL_CORPUS, Limits())
    assert len(corpus.documents) > 100


def test_ordinary_pdf_and_html_still_load(corpus_copy: Path) -> None:
    add(corpus_copy, "bericht.pdf", text_pdf([["Seite eins ueber Robotik"], ["Seite zwei"]]))
    page = "<!DOCTYPE html><html><body><h1>Seite</h1><p>Die Lernroboter.</p></body></html>"
    add(corpus_copy, "seite.html", page.encode())
    texts = {d.source: d.text for d in load_corpus(corpus_copy).documents}
    assert "Seite eins ueber Robotik" in texts["documents/bericht.pdf"]
    assert texts["documents/seite.html"] == "Seite\n\nDie Lernroboter."


def test_unchanged_pdf_is_parsed_once(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every save loads the corpus twice; an unchanged PDF must not be parsed every time."""
    add(corpus_copy, "bericht.pdf", text_pdf([["Ein Bericht"]]))
    starts = []
    start = ParseWorker._start
    monkeypatch.setattr(ParseWorker, "_start", lambda self: starts.append(1) or start(self))
    first = load_corpus(corpus_copy)
    second = load_corpus(corpus_copy)
    assert len(starts) == 1
    assert [d.text for d in first.documents] == [d.text for d in second.documents]


# --- size, characters, pages, chunks ---


def test_oversized_markdown_is_refused_before_it_is_read(
    corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's 50 MB Markdown file, at a 1 MB limit: refused from its size alone."""
    rel = add(corpus_copy, "riesig.md", FRONT.encode() + b"Text. " * 170_000)
    read_bytes = Path.read_bytes

    def guarded(path: Path) -> bytes:
        assert path.name != "riesig.md", "an oversized file must not be read"
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    assert problems(corpus_copy, Limits(max_upload_mb=1)) == [
        f"{rel}:1: file has 1.0 MB, at most 1 MB (ASSISTANT_MAX_UPLOAD_MB)"
    ]


def test_document_with_too_much_text_is_refused(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "lang.md", FRONT.encode() + b"Ein Satz ueber Roboter. " * 100)
    assert problems(corpus_copy, Limits(max_document_chars=1000)) == [
        f"{rel}:1: document has 2,400 characters of text, at most 1,000 "
        "(ASSISTANT_MAX_DOCUMENT_CHARS); split it"
    ]


def test_pdf_with_too_many_pages_is_refused(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "dick.pdf", text_pdf([[f"Seite {i}"] for i in range(6)]))
    assert problems(corpus_copy, Limits(max_pdf_pages=5)) == [
        f"{rel}:1: PDF has 6 pages, at most 5 (ASSISTANT_MAX_PDF_PAGES); split it into "
        "smaller files"
    ]


def test_pdf_with_too_much_text_stops_early(corpus_copy: Path) -> None:
    pages = [[f"Seite {p} Zeile {i} mit etwas Text" for i in range(40)] for p in range(20)]
    rel = add(corpus_copy, "viel.pdf", text_pdf(pages))
    assert problems(corpus_copy, Limits(max_document_chars=2000)) == [
        f"{rel}:1: PDF text is longer than 2,000 characters (ASSISTANT_MAX_DOCUMENT_CHARS); "
        "split it into smaller files"
    ]


def test_document_with_too_many_chunks_is_refused_not_truncated(corpus_copy: Path) -> None:
    sections = "".join(f"\n## Abschnitt {i}\n\nText zum Abschnitt {i}.\n" for i in range(5))
    rel = add(corpus_copy, "abschnitte.md", (FRONT + sections).encode())
    assert problems(corpus_copy, Limits(max_document_chunks=4)) == [
        f"{rel}:1: document makes 5 chunks, at most 4 (ASSISTANT_MAX_DOCUMENT_CHUNKS); "
        "split it into smaller documents"
    ]
    assert load_corpus(corpus_copy, Limits(max_document_chunks=5))  # the limit is inclusive


def test_pages_sharing_one_content_stream_are_read_once(corpus_copy: Path) -> None:
    """The issue's 19 KB PDF: 30 pages draw one stream; it took 21 s and made 507 chunks."""
    data = shared_stream_pdf(lines=300, pages=30)
    assert len(data) < 20_000
    add(corpus_copy, "geteilt.pdf", data)
    started = time.perf_counter()
    corpus = load_corpus(corpus_copy)
    assert time.perf_counter() - started < 10
    text = next(d.text for d in corpus.documents if d.source == "documents/geteilt.pdf")
    assert text.count("Zeile 7 des geteilten") == 1


def test_heading_with_a_long_run_of_spaces_splits_in_linear_time(corpus_copy: Path) -> None:
    """5 KB of ``# x<spaces>y`` took the old heading pattern three minutes, in the server."""
    add(corpus_copy, "leer.md", (FRONT + "# x" + " " * 100_000 + "y\n\nText.\n").encode())
    started = time.perf_counter()
    corpus = load_corpus(corpus_copy)  # splits it twice: gap headings, and counting chunks
    assert time.perf_counter() - started < 5
    assert any(d.source == "documents/leer.md" for d in corpus.documents)


# --- parse time: a worker process, killed at the timeout ---


def test_slow_pdf_is_stopped_at_the_timeout(corpus_copy: Path) -> None:
    """2 KB that take pypdf seconds; the worker is killed after 0.5 s, the next PDF still loads."""
    rel = add(corpus_copy, "langsam.pdf", slow_pdf())
    add(corpus_copy, "normal.pdf", text_pdf([["Ein normaler Bericht"]]))
    limits = Limits(parse_timeout=0.5, max_document_chars=10_000_000)
    started = time.perf_counter()
    assert problems(corpus_copy, limits) == [
        f"{rel}:1: PDF took longer than 0.5 s to parse and was stopped (ASSISTANT_PARSE_TIMEOUT)"
    ]
    # worker start (Python and pypdf) is not parse time; kill and restart are quick
    assert time.perf_counter() - started < 0.5 + 4.0


def test_timed_out_worker_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "langsam.pdf"
    path.write_bytes(slow_pdf())
    request = {"kind": "pdf", "path": str(path), "max_pages": 10, "max_chars": 10**8}
    with ParseWorker(timeout=0.5) as worker:
        worker.request({"kind": "pdf", "path": str(path), "max_pages": 0, "max_chars": 1})
        proc = worker._proc
        assert proc is not None and proc.poll() is None
        started = time.perf_counter()
        assert worker.request(request) == {"error": "timeout"}
        assert time.perf_counter() - started < 0.5 + 1.0
        assert proc.poll() is not None  # the process is gone, not left parsing
        assert worker._proc is None


def test_html_that_drives_the_parser_quadratic_is_stopped(corpus_copy: Path) -> None:
    """400 KB of ``</`` keep Python's HTML parser busy for 13 s (800 KB: a minute)."""
    rel = add(corpus_copy, "seite.html", b"<html><body><p>" + b"</" * 200_000)
    assert problems(corpus_copy, Limits(parse_timeout=0.5)) == [
        f"{rel}:1: HTML took longer than 0.5 s to parse and was stopped (ASSISTANT_PARSE_TIMEOUT)"
    ]


# --- unreadable PDFs: a sentence for staff, the exception in the log ---


def test_recursion_in_pypdf_is_a_message_and_logged(
    corpus_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rel = add(corpus_copy, "tief.pdf", deep_pdf())
    with caplog.at_level(logging.WARNING, logger="index.parsing"):
        assert problems(corpus_copy) == [
            f"{rel}:1: cannot read PDF: the file is damaged or uses features the reader does "
            "not support"
        ]
    assert "RecursionError" in caplog.text


def test_any_exception_in_the_worker_is_a_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("index.parse_worker.pdf_text", explode)
    reply = handle({"kind": "pdf", "path": "x.pdf", "max_pages": 1, "max_chars": 1})
    assert reply == {
        "error": "unreadable",
        "detail": "RecursionError: maximum recursion depth exceeded",
    }


def test_damaged_and_encrypted_pdfs_are_messages(corpus_copy: Path) -> None:
    damaged = add(corpus_copy, "kaputt.pdf", b"%PDF-1.4 this is not really a pdf")
    locked = add(corpus_copy, "geheim.pdf", encrypted_pdf())
    assert problems(corpus_copy) == [
        f"{locked}:1: cannot read PDF: it is encrypted (password protected); upload an open copy",
        f"{damaged}:1: cannot read PDF: the file is damaged or uses features the reader does "
        "not support",
    ]


# --- the bytes must match the extension ---


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bild.md", PNG, "this is a PNG image, not Markdown; upload it with its own extension"),
        ("bericht.md", text_pdf([["x"]]), "this is a PDF file, not Markdown"),
        ("archiv.txt", b"PK\x03\x04\x14\x00\x06\x00", "this is a ZIP archive"),
        ("programm.txt", b"\x7fELF\x02\x01\x01\x00", "this is a program (ELF)"),
        ("foto.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF", "this is a JPEG image"),
        ("zufall.txt", random.Random(9).randbytes(4096), "not UTF-8 text"),
        ("windows.txt", "Grüße".encode("utf-16"), "UTF-16 text (save it as UTF-8)"),
        ("nul.txt", b"Zeile eins\nZeile zwei\x00\x00\n", "control character U+0000"),
        ("ersetzt.txt", "Text mit \ufffd\ufffd".encode(), "replacement character U+FFFD"),
        ("kein.pdf", b"Das ist nur Text, kein PDF.", "not a PDF file (this is text)"),
        ("bild.pdf", PNG, "not a PDF file (this is a PNG image)"),
        ("bild.html", PNG, "this is a PNG image, not HTML"),
        ("text.html", b"Nur ein Satz ohne jedes Tag.", "does not look like HTML"),
        ("binaer.html", b"<html><body>\x00\x01\x02</body></html>", "control character U+0000"),
    ],
)
def test_bytes_that_do_not_match_the_extension_are_refused(
    corpus_copy: Path, name: str, data: bytes, message: str
) -> None:
    rel = add(corpus_copy, name, data)
    found = problems(corpus_copy)
    assert len(found) == 1 and found[0].startswith(f"{rel}:"), found
    assert message in found[0]


def test_control_character_problem_names_its_line(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "nul.md", (FRONT + "\n# Titel\n\nText\x00mehr\n").encode())
    assert problems(corpus_copy)[0].startswith(f"{rel}:10: contains the control character U+0000")


def test_html_in_its_declared_charset_loads(corpus_copy: Path) -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Grüße</p></body></html>'
    add(corpus_copy, "latin.html", page.encode("latin-1"))
    texts = {d.source: d.text for d in load_corpus(corpus_copy).documents}
    assert texts["documents/latin.html"] == "Grüße"


# --- through the staff upload and the index: nothing written, the index unchanged ---


@pytest.fixture
def staff_assistant(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    return assistant


def ids(assistant: Assistant) -> set[str]:
    return set(assistant.collection.get(include=[])["ids"])


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("flyer.md", text_pdf([["Flyer"]]), "this is a PDF file, not Markdown"),
        ("bild.md", PNG, "replacement character U+FFFD"),
        ("zufall.md", random.Random(3).randbytes(2048), "replacement character U+FFFD"),
        ("zufall.txt", random.Random(4).randbytes(2048), "not UTF-8 text"),
        ("nul.txt", b"Ein Text\x00mit NUL", "control character U+0000"),
        ("bild.html", PNG, "this is a PNG image, not HTML"),
        ("kein.pdf", b"<html><body>kein PDF</body></html>", "not a PDF file"),
        ("tief.pdf", deep_pdf(), "cannot read PDF: the file is damaged"),
        ("dick.pdf", text_pdf([[f"Seite {i}"] for i in range(501)]), "PDF has 501 pages"),
        ("riesig.md", b"Text. " * 3_500_001, "file has 21.0 MB, at most 20 MB"),
    ],
)
def test_hostile_upload_writes_nothing_and_keeps_the_index(
    staff_assistant: Assistant, filename: str, data: bytes, message: str
) -> None:
    root = staff_assistant.settings.corpus_dir
    before, indexed = corpus_files(root), ids(staff_assistant)
    with pytest.raises(CorpusError) as err:
        staff_assistant.add_document(filename, data, META)
    assert len(err.value.problems) == 1 and message in str(err.value), str(err.value)
    assert not RAW.search(str(err.value))
    assert corpus_files(root) == before
    assert ids(staff_assistant) == indexed


def test_upload_of_shared_stream_pdf_adds_its_text_once(staff_assistant: Assistant) -> None:
    started = time.perf_counter()
    report = staff_assistant.add_document("geteilt.pdf", shared_stream_pdf(100, 30), META)
    assert time.perf_counter() - started < 30
    assert report.added <= 15  # one page of text, not thirty copies


def test_index_applies_the_limits_of_the_settings(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    settings = make_settings(tmp_path, corpus_copy, max_pdf_pages=2, max_document_chunks=4)
    assistant = build_assistant(settings, embeddings)
    assistant.index()
    indexed = ids(assistant)
    add(corpus_copy, "drei.pdf", text_pdf([["eins"], ["zwei"], ["drei"]]))
    sections = "".join(f"\n## Teil {i}\n\nText {i}.\n" for i in range(5))
    add(corpus_copy, "teile.md", (FRONT + sections).encode())
    with pytest.raises(CorpusError) as err:
        assistant.index()
    assert [str(p) for p in err.value.problems] == [
        "documents/drei.pdf:1: PDF has 3 pages, at most 2 (ASSISTANT_MAX_PDF_PAGES); split it "
        "into smaller files",
        "documents/teile.md:1: document makes 5 chunks, at most 4 "
        "(ASSISTANT_MAX_DOCUMENT_CHUNKS); split it into smaller documents",
    ]
    assert ids(assistant) == indexed


def test_index_documents_checks_chunks_of_a_corpus_built_elsewhere(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    """``assistant eval`` indexes passages it wraps itself; they are bounded all the same."""
    settings = make_settings(tmp_path, corpus_copy, max_document_chunks=2)
    assistant = build_assistant(settings, embeddings)
    text = "\n\n".join(f"## Teil {i}\n\nText {i}." for i in range(3))
    doc = SourceDocument("p1", "p1", "Passage", None, "de", "document", text)
    with pytest.raises(CorpusError, match=r"p1:1: document makes 3 chunks, at most 2"):
        assistant.index_documents(Corpus(documents=[doc]))
    assert assistant.chunk_count() == 0
