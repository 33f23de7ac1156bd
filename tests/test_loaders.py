"""HTML main text (trafilatura) and Word files (python-docx): what is indexed, what is refused.

Every fixture is made here: a city news page with a cookie banner, a menu, a "more news" box
and a footer; Word files written by python-docx itself; bytes that only pretend to be Word.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.wiring import build_assistant
from index.chunking import chunk_document
from index.content import DOCX_MAX_DOCUMENT_XML
from index.html_extract import markdown_blocks, page_text, visible_text
from index.limits import Limits
from index.loaders import SourceDocument, load_corpus
from index.validation import CorpusError
from tests.conftest import ROOT, make_settings

SIDECAR = "title: Datei\nlanguage: de\nsources: [https://example.org/d]\ndate: 2025-01-01\n"
PAGE_ONLY_SIDECAR = "language: de\nsources: [https://www.aachen.de/ki-sprechstunde]\n"
META = {"title": "Word-Datei", "language": "de", "source": "https://example.org/w"}

ARTICLE = [
    "Die AI Alliance Aachen bietet ab Juli 2025 eine monatliche KI-Sprechstunde für kleine "
    "und mittlere Unternehmen an. Unternehmen können dort Fragen zum Einsatz künstlicher "
    "Intelligenz stellen und werden an passende Partner der Allianz vermittelt.",
    "Die Sprechstunde findet jeden ersten Dienstag im Monat im digitalHUB Aachen statt. Die "
    "Teilnahme ist kostenlos; eine Anmeldung ist über das Wirtschaftsportal der Stadt möglich.",
]
BOILERPLATE = [
    "Wir verwenden Cookies",
    "Alle akzeptieren",
    "Startseite",
    "Presse",
    "Weitere Meldungen",
    "Stadtfest 2025",
    "Impressum",
    "Folgen Sie uns auf Instagram",
]
PAGE = f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>KI-Sprechstunde startet | Stadt Aachen</title>
<meta property="og:title" content="KI-Sprechstunde für Unternehmen startet">
<meta property="article:published_time" content="2025-06-03T10:00:00+02:00">
</head><body>
<div id="cookie-banner" class="cookie-consent">Wir verwenden Cookies, um Ihnen das beste
Erlebnis zu bieten. <button>Alle akzeptieren</button> <a href="/datenschutz">Datenschutz</a></div>
<header><nav><ul><li><a href="/">Startseite</a></li><li><a href="/wirtschaft">Wirtschaft</a></li>
<li><a href="/kontakt">Kontakt</a></li><li><a href="/presse">Presse</a></li></ul></nav></header>
<main><article>
<h1>KI-Sprechstunde für Unternehmen startet</h1>
<p>{ARTICLE[0]}</p>
<h2>Ort und Termine</h2>
<p>{ARTICLE[1]}</p>
</article></main>
<aside><h3>Weitere Meldungen</h3><ul><li><a href="/a">Stadtfest 2025</a></li>
<li><a href="/b">Baustelle Theaterstraße</a></li></ul></aside>
<footer><p>© 2025 Stadt Aachen · Impressum · Datenschutz · Barrierefreiheit</p>
<p>Folgen Sie uns auf Instagram und LinkedIn</p></footer>
</body></html>
"""


def add(corpus: Path, name: str, data: bytes, sidecar: str | None = SIDECAR) -> str:
    path = corpus / "documents" / name
    path.write_bytes(data)
    if sidecar is not None:
        path.with_name(name + ".meta.yaml").write_text(sidecar)
    return f"documents/{name}"


def loaded(corpus: Path, rel: str, limits: Limits | None = None) -> SourceDocument:
    return next(d for d in load_corpus(corpus, limits).documents if d.source == rel)


def problems(corpus: Path, limits: Limits | None = None) -> list[str]:
    with pytest.raises(CorpusError) as err:
        load_corpus(corpus, limits)
    return [str(p) for p in err.value.problems]


# --- HTML: the article, not the page around it ---


def test_html_keeps_the_article_and_drops_menus_footers_and_banners(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "sprechstunde.html", PAGE.encode())
    doc = loaded(corpus_copy, rel)
    for paragraph in ARTICLE:
        assert paragraph in doc.text
    for noise in BOILERPLATE:
        assert noise not in doc.text, noise
    # headings are Markdown headings, so the chunker cuts sections at them
    assert "## Ort und Termine" in doc.text
    headings = {c.metadata["heading"] for c in chunk_document(doc, 900, 150)}
    assert "Ort und Termine" in headings
    # the old parser kept everything: measured, 824 characters where trafilatura keeps 485
    everything = visible_text(PAGE)
    assert all(noise in everything for noise in BOILERPLATE)
    assert len(doc.text) < 0.7 * len(everything)


def test_html_title_and_date_come_from_the_page(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "sprechstunde.html", PAGE.encode(), PAGE_ONLY_SIDECAR)
    doc = loaded(corpus_copy, rel)
    assert doc.title == "KI-Sprechstunde für Unternehmen startet"
    assert doc.extra["date"] == "2025-06-03"
    assert doc.url == "https://www.aachen.de/ki-sprechstunde"


def test_html_sidecar_title_and_date_win_over_the_page(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "sprechstunde.html", PAGE.encode())
    doc = loaded(corpus_copy, rel)
    assert (doc.title, doc.extra["date"]) == ("Datei", "2025-01-01")


def test_html_without_title_or_date_anywhere_names_the_missing_field(corpus_copy: Path) -> None:
    page = "<html><body><p>Ein kurzer Absatz ohne Titel und ohne Datum.</p></body></html>"
    add(corpus_copy, "ohne.html", page.encode(), PAGE_ONLY_SIDECAR)
    assert problems(corpus_copy) == [
        "documents/ohne.html.meta.yaml:1: date: required field is missing",
        "documents/ohne.html.meta.yaml:1: title: required field is missing",
    ]


def test_page_without_main_text_falls_back_to_its_visible_text() -> None:
    """trafilatura finds nothing in this one; the old parser's text is kept, as before."""
    reply = page_text("<html><body><p>" + "</" * 50)
    assert reply["main"] is False
    assert reply["text"].startswith("</\n\n</")


def test_markdown_escapes_go_but_a_literal_hash_stays_no_heading() -> None:
    text = (
        "3\\. Juni 2025\nAI\\_Alliance \\*wichtig\\*\n\\# keine Überschrift\n| a | b |\n| c | d |"
    )
    assert markdown_blocks(text) == (
        "3. Juni 2025\n\nAI_Alliance *wichtig*\n\n\\# keine Überschrift\n\n| a | b |\n| c | d |"
    )


def test_the_parse_worker_extracts_with_the_network_switched_off(tmp_path: Path) -> None:
    """trafilatura is given the page, never a URL to fetch; the worker cannot connect at all."""
    page = tmp_path / "seite.html"
    page.write_text(PAGE, encoding="utf-8")
    script = (
        "import json, socket, sys\n"
        "from index.parse_worker import no_network, handle\n"
        "no_network()\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 9))\n"
        "    sys.exit('connected')\n"
        "except OSError as exc:\n"
        "    assert 'no network' in str(exc)\n"
        f"print(json.dumps(handle({{'kind': 'html', 'path': {str(page)!r}, 'encoding': 'utf-8',"
        " 'url': 'https://www.aachen.de/x', 'max_chars': 100000})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert '"ok": true' in done.stdout and "KI-Sprechstunde" in done.stdout


# --- Word files ---


def word_file(paragraphs: int = 0) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Jahresbericht der Allianz", level=1)
    document.add_paragraph("Die Allianz hat 2025 zwölf Workshops veranstaltet.")
    document.add_heading("Projekte", level=2)
    document.add_paragraph("Robotik in der Pflege", style="List Bullet")
    document.add_paragraph("Sprachmodelle für Behörden", style="List Bullet")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Partner"
    table.cell(0, 1).text = "Thema"
    table.cell(0, 2).text = "Jahr"
    table.cell(1, 0).text = "RWTH Aachen"
    table.cell(1, 1).text = "Robotik"
    table.cell(1, 2).text = "2025"
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "Gemeinsames Projekt aller Partner"
    document.add_heading("Ausblick", level=2)
    for i in range(paragraphs):
        document.add_paragraph(f"Absatz {i}: Die Allianz plant weitere Veranstaltungen.")
    document.add_paragraph("Für 2026 ist ein KI-Tag im Rathaus geplant.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_file_paragraphs_headings_lists_and_tables(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "bericht.docx", word_file())
    doc = loaded(corpus_copy, rel)
    assert doc.text == (
        "# Jahresbericht der Allianz\n\n"
        "Die Allianz hat 2025 zwölf Workshops veranstaltet.\n\n"
        "## Projekte\n\n"
        "- Robotik in der Pflege\n\n"
        "- Sprachmodelle für Behörden\n\n"
        "Partner | Thema | Jahr\nRWTH Aachen | Robotik | 2025\n"
        "Gemeinsames Projekt aller Partner\n\n"
        "## Ausblick\n\n"
        "Für 2026 ist ein KI-Tag im Rathaus geplant."
    )
    headings = [c.metadata["heading"] for c in chunk_document(doc, 900, 150)]
    assert headings == ["Jahresbericht der Allianz", "Projekte", "Ausblick"]


def test_word_file_over_the_text_limit_is_refused(corpus_copy: Path) -> None:
    rel = add(corpus_copy, "lang.docx", word_file(paragraphs=200))
    assert problems(corpus_copy, Limits(max_document_chars=5_000)) == [
        f"{rel}:1: Word file text is longer than 5,000 characters "
        "(ASSISTANT_MAX_DOCUMENT_CHARS); split it into smaller files"
    ]


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Nur Text, kein Word.", "not a Word file: a .docx is a ZIP archive and this is not one"),
        (b"%PDF-1.4 ...", "not a Word file (this is a PDF file)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Word file (.doc) or a password"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, "the ZIP archive is damaged"),
        (zip_of({"hallo.txt": b"Hallo"}), "the ZIP archive holds no word/document.xml"),
        (
            zip_of({"word/document.xml": b"<" * (DOCX_MAX_DOCUMENT_XML + 1)}),
            "Word file unpacks to 64 MB in 1 parts",
        ),
        (
            zip_of({"word/document.xml": b"<w:document>kaputt", "[Content_Types].xml": b""}),
            "cannot read Word file: the file is damaged",
        ),
    ],
)
def test_bytes_that_are_no_word_file_are_refused_with_a_sentence(
    corpus_copy: Path, data: bytes, message: str
) -> None:
    rel = add(corpus_copy, "kaputt.docx", data)
    found = problems(corpus_copy)
    assert len(found) == 1 and found[0].startswith(f"{rel}:1: "), found
    assert message in found[0], found[0]
    assert "Error" not in found[0] and "Traceback" not in found[0]


def test_word_upload_is_indexed_and_answers(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    report = assistant.add_document("Jahresbericht 2025.docx", word_file(), META, who="test")
    assert report.added >= 2
    assert (corpus_copy / "documents" / "jahresbericht-2025.docx.meta.yaml").is_file()
    answer = assistant.ask("Wie viele Workshops hat die Allianz 2025 veranstaltet?")
    assert not answer.abstained
    assert "documents/jahresbericht-2025.docx" in {c.source for c in answer.citations}


def with_body(docx: bytes, body: bytes) -> bytes:
    """``docx`` with its ``word/document.xml`` body replaced by ``body``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                head, _, rest = data.partition(b"<w:body>")
                data = head + b"<w:body>" + body + b"</w:body>" + rest.partition(b"</w:body>")[2]
            target.writestr(item, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_slow_word_file_is_stopped_at_the_timeout(corpus_copy: Path) -> None:
    """300,000 one-letter paragraphs: 10 MB of XML in a 66 KB file, 9.7 s of python-docx."""
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    rel = add(corpus_copy, "langsam.docx", with_body(word_file(), paragraph * 300_000))
    started = time.perf_counter()
    assert problems(corpus_copy, Limits(parse_timeout=0.5)) == [
        f"{rel}:1: Word file took longer than 0.5 s to parse and was stopped "
        "(ASSISTANT_PARSE_TIMEOUT)"
    ]
    assert time.perf_counter() - started < 0.5 + 5.0  # worker start is not parse time
