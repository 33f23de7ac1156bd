"""Importing a web page, against a local HTTP server the tests start (http.server in a thread).

A good page is stored as a Markdown document with its source URL and fetch date and answered
from; a 404, a timeout, a page over the size limit, a PDF, a redirect to file:// and private
addresses are refused with a sentence, and nothing is written or indexed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.progress import ProgressBar
from assistant.wiring import build_assistant
from index.loaders import split_front_matter
from index.url_import import ImportRefused, check_url, default_name, import_url
from index.validation import CorpusError
from tests.conftest import make_settings, run_cli
from tests.test_staff_ui import PASSWORD, with_accounts
from ui import url_import as ui_import
from ui.staff import LOCKED

FACT = (
    "Die KI-Sprechstunde der AI Alliance Aachen findet jeden ersten Dienstag im Monat im "
    "digitalHUB Aachen statt; die Teilnahme ist für kleine und mittlere Unternehmen kostenlos."
)
PAGE = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>KI-Sprechstunde | Stadt Aachen</title>
<meta property="og:title" content="KI-Sprechstunde für Unternehmen">
<meta property="article:published_time" content="2025-06-03T10:00:00+02:00">
</head><body>
<div class="cookie-banner">Wir verwenden Cookies. <button>Alle akzeptieren</button></div>
<nav><a href="/">Startseite</a> <a href="/presse">Presse</a> <a href="/kontakt">Kontakt</a></nav>
<main><article><h1>KI-Sprechstunde für Unternehmen</h1>
<p>{FACT}</p>
<p>Fachleute der RWTH Aachen, der FH Aachen und des Forschungszentrums Jülich beantworten dort
Fragen zu maschinellem Lernen, Robotik und Datenanalyse und vermitteln passende Partner.</p>
</article></main>
<footer>© 2025 Stadt Aachen · Impressum · Datenschutz</footer></body></html>
""".encode()


class Handler(BaseHTTPRequestHandler):
    """The pages the tests fetch, by path."""

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.route()  # the client may stop reading, as it should

    def route(self) -> None:
        path = self.path
        if path == "/ki-sprechstunde.html":
            self.send(200, PAGE)
        elif path == "/weiter":
            self.send_response(302)
            self.send_header("Location", "/ki-sprechstunde.html")
            self.end_headers()
        elif path == "/zu-datei":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif path == "/langsam":
            time.sleep(3)
            self.send(200, PAGE)
        elif path == "/troepfelnd":  # a byte at a time: each wait is short, the whole is not
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for byte in PAGE[:40]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/gross":
            self.send(200, b"<html><body><p>" + b"Text. " * 250_000)
        elif path == "/gross-ohne-laenge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"<p>" + b"Text. " * 10_000 + b"</p>")
        elif path == "/bericht.pdf":
            self.send(200, b"%PDF-1.4 ...", "application/pdf")
        elif path == "/leer.html":
            self.send(200, b"<html><head><title>Leer</title></head><body></body></html>")
        else:
            self.send(404, b"<html><body><p>Nicht gefunden</p></body></html>")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def staffed(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy, max_upload_mb=1), embeddings)
    with_accounts(assistant).add("anna", PASSWORD)
    assistant.index()
    return assistant


def state(assistant: Assistant) -> tuple[dict[str, bytes], set[str]]:
    root = assistant.settings.corpus_dir
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return files, set(assistant.collection.get(include=[])["ids"])


def test_a_page_is_imported_with_its_source_and_fetch_date_and_answered_from(
    staffed: Assistant, server: str
) -> None:
    url = f"{server}/ki-sprechstunde.html"
    started = time.perf_counter()
    result = import_url(staffed, url, "anna", allow_private=True)
    seconds = time.perf_counter() - started
    assert seconds < 30  # measured: about 1.5 s (fetch, worker, validation, indexing)
    assert result.rel == "documents/ki-sprechstunde.md"
    assert (result.title, result.date, result.page_date_known) == (
        "KI-Sprechstunde für Unternehmen",
        "2025-06-03",
        True,
    )
    stored = (staffed.settings.corpus_dir / result.rel).read_text(encoding="utf-8")
    meta, body, _ = split_front_matter(stored, result.rel)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert meta["sources"] == [url] and meta["language"] == "de"
    assert meta["last_verified"] == today and today in meta["note"] and url in meta["note"]
    assert FACT in body
    for noise in ("Cookies", "Startseite", "Impressum"):
        assert noise not in body
    entries = staffed.staff.audit_log(5) if staffed.staff else []
    assert entries[0]["who"] == "anna" and entries[0]["path"] == result.rel and entries[0]["ok"]

    answer = staffed.ask("Wann findet die KI-Sprechstunde statt?")
    assert not answer.abstained
    cited = {c.source: c.url for c in answer.citations}
    assert cited.get(result.rel) == url


def test_a_redirect_within_http_is_followed_and_the_final_url_is_the_source(
    staffed: Assistant, server: str
) -> None:
    result = import_url(
        staffed, f"{server}/weiter", "anna", name="Sprechstunde", allow_private=True
    )
    assert result.rel == "documents/sprechstunde.md"
    assert result.url == f"{server}/ki-sprechstunde.html"
    stored = (staffed.settings.corpus_dir / result.rel).read_text(encoding="utf-8")
    sources = yaml.safe_load(stored.split("---")[1])["sources"]
    assert sources == [f"{server}/ki-sprechstunde.html", f"{server}/weiter"]


@pytest.mark.parametrize(
    ("path", "reason", "message"),
    [
        ("/fehlt", "status", "the server answered 404 Not Found"),
        ("/langsam", "timeout", "the page did not arrive within 1 s"),
        ("/troepfelnd", "timeout", "the page did not arrive within 1 s"),
        ("/gross", "too_large", "the page has 1.5 MB, at most 1 MB (ASSISTANT_MAX_UPLOAD_MB)"),
        ("/gross-ohne-laenge", "too_large", "the page has more than 1.0 MB, at most 1 MB"),
        ("/bericht.pdf", "content_type", "the address gives application/pdf, not an HTML page"),
        ("/zu-datei", "redirect", "the page redirects to file:///etc/passwd, which is refused"),
        ("/leer.html", "no_text", "no text found on the page"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(
    staffed: Assistant, server: str, path: str, reason: str, message: str
) -> None:
    before = state(staffed)
    started = time.perf_counter()
    with pytest.raises(ImportRefused) as err:
        import_url(staffed, server + path, "anna", allow_private=True, timeout=1.0)
    assert time.perf_counter() - started < 5
    assert err.value.reason == reason and message in err.value.message, err.value.message
    assert state(staffed) == before
    # the staff tab says it in both languages, and that nothing was saved
    shown = ui_import.import_page(staffed, "anna", server + path, allow_private=True, timeout=1.0)
    assert shown.startswith("❌") and " / " in shown and shown.endswith(ui_import.NOTHING)
    assert "Error" not in shown and "Traceback" not in shown


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.org/seite.html", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("www.aachen.de/seite", "scheme"),
        ("http://nutzer:geheim@example.org/", "address"),
        ("http://[::1", "address"),
        ("http://127.0.0.1:8080/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "private"),
        ("http://10.1.2.3/intranet", "private"),
        ("http://[::ffff:192.168.0.1]/", "private"),
        ("http://localhost/", "private"),
    ],
)
def test_urls_that_are_not_public_web_pages_are_refused_before_any_request(
    url: str, reason: str
) -> None:
    with pytest.raises(ImportRefused) as err:
        check_url(url)
    assert err.value.reason == reason


def test_public_address_passes_the_check_without_a_request() -> None:
    assert check_url("https://93.184.215.14/seite") == "https://93.184.215.14/seite"


def test_a_second_import_of_the_same_name_is_refused_and_keeps_the_first(
    staffed: Assistant, server: str
) -> None:
    url = f"{server}/ki-sprechstunde.html"
    import_url(staffed, url, "anna", allow_private=True)
    before = state(staffed)
    with pytest.raises(CorpusError) as err:
        import_url(staffed, url, "anna", allow_private=True)
    assert "a file of this name exists already" in str(err.value)
    assert state(staffed) == before


def test_the_staff_callback_needs_a_login_and_reports_in_both_languages(
    staffed: Assistant, server: str
) -> None:
    url = f"{server}/ki-sprechstunde.html"
    assert ui_import.import_page(staffed, "", url) == LOCKED
    assert ui_import.import_page(staffed, "niemand", url) == LOCKED
    assert ui_import.import_page(staffed, "anna", "  ") == ui_import.NO_URL
    # the staff tab refuses this server: it is on the loopback address
    refused = ui_import.import_page(staffed, "anna", url)
    assert "lokale oder private Adresse" in refused and "local or private address" in refused
    done = ui_import.import_page(staffed, "anna", url, "seite", allow_private=True)
    assert done.startswith("✅ `documents/seite.md` – KI-Sprechstunde für Unternehmen")


def test_default_names_come_from_the_url() -> None:
    assert default_name("https://www.aachen.de/presse/220525-pm-ai-alliance.html") == (
        "220525-pm-ai-alliance"
    )
    assert default_name("https://www.aachen.de/") == "www.aachen.de"


@pytest.mark.e2e  # the command in a subprocess
def test_cli_imports_a_page(tmp_path: Path, corpus_copy: Path, server: str) -> None:
    done = run_cli(
        "corpus",
        "import-url",
        f"{server}/ki-sprechstunde.html",
        "--name",
        "sprechstunde",
        "--allow-private",
        "--corpus",
        str(corpus_copy),
    )
    assert done.returncode == 0, done.stderr
    assert "-> documents/sprechstunde.md ('KI-Sprechstunde für Unternehmen'" in done.stdout
    assert (corpus_copy / "documents" / "sprechstunde.md").is_file()
    refused = run_cli("corpus", "import-url", "file:///etc/passwd", "--corpus", str(corpus_copy))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: only http and https addresses can be imported, not file: file:///etc/passwd; "
        "nothing was written"
    )


def test_progress_bar_draws_one_bar_per_stage() -> None:
    out = io.StringIO()
    bar = ProgressBar(file=out, disable=False)
    for done in (0, 64, 100):
        bar(done, 100, "embed")
    bar(200, 200, "sentences")
    bar(100, 100, "write")
    bar.close()
    text = out.getvalue()
    assert "embedding chunks: 100%" in text and "100/100" in text
    assert "embedding sentences: 100%" in text and "writing: 100%" in text
