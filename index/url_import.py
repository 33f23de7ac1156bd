"""Import a web page (a partner's or the city's) into the corpus: fetch, extract, store, index.

Staff give a URL; the page is fetched with bounds, its main text extracted as corpus HTML is
(trafilatura in the parse worker, with the timeout and character limit), and stored as a
Markdown document with the front matter every corpus document has: the page's title and date,
its URL as the source, the fetch date as ``last_verified`` and in the ``note``. It is added
through the staff upload's path (``Assistant.add_document``, i.e. ``index.editing``'s
``change_corpus``): the whole corpus is validated with it first, the change is audited under
the staff member's name, and undone if indexing fails. Anything refused writes nothing.

The fetch is the part a URL makes dangerous, so it is narrow: http and https only (also for
every redirect, at most ``MAX_REDIRECTS``), no addresses that are not public (loopback,
private networks, link-local cloud metadata) unless ``allow_private`` (an intranet, the
tests), a timeout on every network wait and on the whole download, at most
``ASSISTANT_MAX_UPLOAD_MB`` bytes (refused by ``Content-Length`` before reading, else when the
body grows past it), only ``text/html`` or ``application/xhtml+xml``, and no compressed
transfer (nothing is asked for, so nothing can unpack into a bomb). A host name is resolved
and checked before each request; a name whose address changes between the check and the
connection (DNS rebinding) is not caught, which matters only where private addresses hold
something staff must not reach.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import re
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, Protocol

import yaml

from index.content import decode_html
from index.editing import document_name
from index.indexer import IndexReport
from index.limits import Limits
from index.parsing import ParseWorker, extract

SCHEMES = ("http", "https")
HTML_TYPES = ("text/html", "application/xhtml+xml")
FETCH_TIMEOUT = 20.0  # seconds, for each network wait and for the whole download
MAX_REDIRECTS = 5
READ_CHUNK = 64 * 1024
USER_AGENT = "AllianceAssistant/0.1 (corpus import)"
_LANG = re.compile(rb"""<html[^>]*?\slang\s*=\s*["']?\s*([A-Za-z]{2})""", re.IGNORECASE)


class ImportRefused(Exception):
    """The URL or what it answered is refused; ``reason`` is a code, ``params`` fill messages.

    Reasons: ``scheme``, ``address``, ``private``, ``resolve``, ``network``, ``timeout``,
    ``status``, ``too_large``, ``content_type``, ``redirect``, ``no_text``, ``no_title``.
    The message (English, for the CLI and the log) never holds an exception's text.
    """

    def __init__(self, reason: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.params = params


@dataclass(frozen=True)
class FetchedPage:
    """What a URL answered: its final address (after redirects) and body."""

    requested: str
    url: str
    data: bytes
    charset: str | None
    fetched_at: dt.datetime


@dataclass(frozen=True)
class ImportResult:
    """A page imported into the corpus and indexed."""

    rel: str  # the corpus file it became
    url: str
    title: str
    date: str  # the page's date, else the fetch date
    chars: int  # characters of main text kept
    seconds: float  # fetch, extraction, validation and indexing
    report: IndexReport
    page_date_known: bool = True  # False: the page gives no date, ``date`` is the fetch date

    def summary(self) -> str:
        """One line for the CLI and the staff tab."""
        return (
            f"{self.url} -> {self.rel} ({self.title!r}, {self.date}, {self.chars:,} characters, "
            f"{self.seconds:.1f} s): {self.report.summary()}"
        )


class Corpus(Protocol):
    """What importing needs of the assistant (``assistant.pipeline.Assistant``)."""

    settings: Any

    def add_document(
        self, filename: str, data: bytes, meta: dict[str, Any], who: str = "(unknown)"
    ) -> IndexReport:
        """Validate, write, index and audit one new document (all or nothing)."""
        ...


def shown(url: str) -> str:
    """``url`` for a message: cut (a hostile one may be long), unprintable characters as ``?``."""
    url = "".join(c if c.isprintable() else "?" for c in url[:201])
    return url if len(url) <= 200 else url[:200] + "…"


def check_url(url: str, allow_private: bool = False) -> str:
    """``url`` if it may be fetched: http(s), a host, no credentials, a public address."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ImportRefused("address", f"not a valid address: {shown(url)}") from None
    if parts.scheme.lower() not in SCHEMES:
        scheme = parts.scheme or "(none)"
        message = f"only http and https addresses can be imported, not {scheme}: {shown(url)}"
        raise ImportRefused("scheme", message, scheme=scheme)
    if not parts.hostname or parts.username or parts.password:
        message = f"not a web address with a host name (and no password in it): {shown(url)}"
        raise ImportRefused("address", message)
    if not allow_private:
        _check_public(parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80))
    return urllib.parse.urlunsplit(parts)


def _check_public(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ImportRefused("resolve", f"the host {host!r} was not found", host=host) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global:
            message = f"{host} is a local or private address ({address}); only public pages"
            raise ImportRefused("private", message, host=host)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most ``MAX_REDIRECTS`` redirects, each to an address ``check_url`` allows."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        target = headers.get("location") or headers.get("uri") or ""
        new_url = urllib.parse.urljoin(req.full_url, target)
        try:
            check_url(new_url, self.allow_private)
        except ImportRefused as exc:
            fp.close()
            message = f"the page redirects to {shown(new_url)}, which is refused: {exc.message}"
            raise ImportRefused("redirect", message, target=shown(new_url)) from None
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(allow_private: bool) -> urllib.request.OpenerDirector:
    """http(s) only: no file:, ftp: or data: handler exists to be redirected to."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(allow_private),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch(
    url: str, max_bytes: int, timeout: float = FETCH_TIMEOUT, allow_private: bool = False
) -> FetchedPage:
    """Download an HTML page within the bounds above; raise ``ImportRefused`` otherwise."""
    checked = check_url(url, allow_private)
    request = urllib.request.Request(
        checked, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    )
    deadline = time.monotonic() + timeout
    try:
        with _opener(allow_private).open(request, timeout=timeout) as response:
            final = response.geturl()
            _check_type(response.headers.get_content_type(), final)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(int(declared), max_bytes)
            data = _read(response, max_bytes, deadline)
            charset = response.headers.get_content_charset()
    except ImportRefused:
        raise
    except urllib.error.HTTPError as exc:  # the standard phrase, not the server's own text
        phrase = HTTPStatus(exc.code).phrase if exc.code in HTTPStatus._value2member_map_ else ""
        message = f"the server answered {exc.code} {phrase}: {shown(url)}".replace(" :", ":")
        raise ImportRefused("status", message, status=exc.code) from None
    except TimeoutError:
        raise _timed_out(url, timeout) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(url, timeout) from None
        message = f"the page could not be fetched (no connection): {shown(url)}"
        raise ImportRefused("network", message) from None
    except (OSError, http.client.HTTPException, ValueError):
        message = f"the page could not be fetched (the connection failed): {shown(url)}"
        raise ImportRefused("network", message) from None
    return FetchedPage(checked, final, data, charset, dt.datetime.now(dt.UTC))


def _read(response: Any, max_bytes: int, deadline: float) -> bytes:
    """The body, at most ``max_bytes``, by ``deadline``.

    ``read1`` returns what has arrived (one receive): ``read(n)`` would wait for all ``n``
    bytes, and a server trickling a byte a second stays within every socket timeout.
    """
    parts: list[bytes] = []
    size = 0
    while chunk := response.read1(READ_CHUNK):
        size += len(chunk)
        if size > max_bytes:  # how far past the limit depends on how the bytes arrived
            raise _too_large(max_bytes, max_bytes, at_least=True)
        if time.monotonic() > deadline:
            raise TimeoutError
        parts.append(chunk)
    return b"".join(parts)


def _check_type(content_type: str, url: str) -> None:
    if content_type not in HTML_TYPES:
        message = f"the address gives {content_type}, not an HTML page: {shown(url)}"
        raise ImportRefused("content_type", message, content_type=content_type)


def _too_large(size: int, max_bytes: int, at_least: bool = False) -> ImportRefused:
    mb, most = size / 1_000_000, max_bytes // 1_000_000
    more = "more than " if at_least else ""
    message = f"the page has {more}{mb:,.1f} MB, at most {most} MB (ASSISTANT_MAX_UPLOAD_MB)"
    return ImportRefused("too_large", message, mb=round(mb, 1), most=most)


def _timed_out(url: str, timeout: float) -> ImportRefused:
    message = f"the page did not arrive within {timeout:g} s: {shown(url)}"
    return ImportRefused("timeout", message, seconds=timeout)


def default_name(url: str) -> str:
    """A file name from the URL's last path segment, else its host."""
    parts = urllib.parse.urlsplit(url)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    segment = re.sub(r"\.(html?|php|aspx?|jsp)$", "", segment, flags=re.IGNORECASE)
    return segment or parts.hostname or "page"


def page_language(data: bytes, text: str) -> str:
    """The page's ``<html lang>`` if German or English, else what its text reads as."""
    declared = _LANG.search(data[:4096])
    if declared and declared.group(1).lower() in (b"de", b"en"):
        return declared.group(1).lower().decode("ascii")
    from assistant.language import detect_language

    return detect_language(text)


def page_document(
    page: FetchedPage,
    limits: Limits,
    title: str | None = None,
    language: str | None = None,
) -> tuple[dict[str, Any], str, bool]:
    """The front matter and main text a fetched page becomes; and whether it gave a date."""
    _, codec = decode_html(page.data, page.url, page.charset)
    with tempfile.TemporaryDirectory(prefix="url-import-") as scratch:
        path = Path(scratch) / "page.html"
        path.write_bytes(page.data)
        with ParseWorker(limits.parse_timeout) as worker:
            found = extract("html", path, page.url, page.data, limits, worker, codec, page.url)
    if not found.text.strip():
        raise ImportRefused("no_text", f"no text found on the page: {shown(page.url)}")
    fetched = page.fetched_at.date().isoformat()
    title = " ".join((title or found.title or "").split())
    if len(title) < 3:
        message = f"the page has no title; give one (--title): {shown(page.url)}"
        raise ImportRefused("no_title", message)
    when = page.fetched_at.strftime("%Y-%m-%d %H:%M UTC")
    header = {
        "title": title,
        "language": language or page_language(page.data, found.text),
        "sources": list(dict.fromkeys([page.url, page.requested])),
        "date": found.date or fetched,
        "last_verified": fetched,
        "kind": "document",
        "note": f"Imported from {page.url} on {when}"
        + ("" if found.date else " (the page gives no date: the date is the fetch date)"),
    }
    return header, found.text.strip(), found.date is not None


def markdown_document(header: dict[str, Any], body: str) -> str:
    """A corpus Markdown document: YAML front matter, a blank line, the text."""
    front = yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n{body}\n"


def import_url(
    assistant: Corpus,
    url: str,
    user: str,
    *,
    name: str | None = None,
    title: str | None = None,
    language: str | None = None,
    allow_private: bool = False,
    timeout: float = FETCH_TIMEOUT,
) -> ImportResult:
    """Fetch ``url``, store its main text as a corpus document and index it, for ``user``.

    Raises ``ImportRefused`` (the URL or its answer), ``CorpusError`` (the document would break
    the corpus: a file of that name exists, too much text, ...) or ``IndexingFailed`` (undone);
    in every case nothing is written.
    """
    started = time.perf_counter()
    limits = Limits.from_settings(assistant.settings)
    page = fetch(url, limits.max_bytes, timeout, allow_private)
    header, body, dated = page_document(page, limits, title, language)
    stem = re.sub(r"\.md$", "", (name or "").strip(), flags=re.IGNORECASE)
    filename = document_name(f"{stem or default_name(page.url)}.md")
    data = markdown_document(header, body).encode("utf-8")
    report = assistant.add_document(filename, data, {}, who=user)
    return ImportResult(
        rel=f"documents/{filename}",
        url=page.url,
        title=header["title"],
        date=header["date"],
        chars=len(body),
        seconds=time.perf_counter() - started,
        report=report,
        page_date_known=dated,
    )
