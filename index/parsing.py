"""Extract PDF, HTML and Word text in a worker process with a timeout, and remember the results.

pypdf, trafilatura (with Python's HTML parser as its fallback) and python-docx run on files
staff upload; a hostile one took minutes (a 23 KB PDF: 233 s; 800 KB of ``</`` in HTML: a
minute) and held the server. Here they run in one worker process per corpus load
(``parse_worker.py``), started on the first PDF, HTML or Word file;
a file that takes longer than ``ASSISTANT_PARSE_TIMEOUT`` gets its worker killed and a problem,
and the next file gets a fresh worker. What went wrong inside the parser is logged; the
problem staff see is a sentence.

Every save of the corpus loads it twice (the staged copy, then the index) and used to parse
every PDF again each time; extracted text is kept in memory by content hash, so an unchanged
file is parsed once per process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from index.limits import Limits
from index.validation import CorpusError, Problem

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("parse_worker.py")
START_TIMEOUT = 60.0  # seconds for the worker to start (Python and pypdf), not parse time
CACHE_CHARS = 20_000_000  # extracted text kept in memory, at most
CACHE_ENTRIES = 256
_CACHED_ERRORS = ("pages", "chars", "encrypted", "unreadable")  # not timeouts: load may vary
LABELS = {"pdf": "PDF", "html": "HTML", "docx": "Word file"}


@dataclass(frozen=True)
class Extracted:
    """The text of a file, and what the file says its title and date are (HTML pages)."""

    text: str
    title: str | None = None
    date: str | None = None  # ISO date, as the page gives it
    main: bool = True  # False: an HTML page's main text was not found, all its text is here


class WorkerUnavailable(RuntimeError):
    """The worker process could not be started."""


class ParseWorker:
    """One worker process, started on first use and reused for the files of one load."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[bytes | None] = queue.Queue()
        self._busy = False  # a request is in flight (the caller was interrupted if closing)

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start(self) -> None:
        self._replies = queue.Queue()
        self._proc = subprocess.Popen(
            # -P: the worker's own folder (this package) does not shadow modules it imports
            [sys.executable, "-P", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # pypdf's warnings about a hostile file: noise
        )
        assert self._proc.stdout is not None
        threading.Thread(target=_pump, args=(self._proc.stdout, self._replies), daemon=True).start()
        try:
            ready = self._replies.get(timeout=START_TIMEOUT)
        except queue.Empty:
            ready = None
        if not ready or not json.loads(ready).get("ready"):
            self._kill()
            raise WorkerUnavailable(f"the parse worker did not start ({WORKER})")

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request; the reply, or ``{"error": "timeout" | "crashed"}``."""
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        assert self._proc is not None and self._proc.stdin is not None
        self._busy = True
        try:
            self._proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self._proc.stdin.flush()
            line = self._replies.get(timeout=self.timeout)
            self._busy = False
        except queue.Empty:
            self._kill()
            return {"error": "timeout"}
        except OSError as exc:  # the worker died before reading the request
            self._kill()
            return {"error": "crashed", "detail": f"{type(exc).__name__}: {exc}"}
        if line is None:
            code = self._kill()
            return {"error": "crashed", "detail": f"worker exited with code {code}"}
        reply: dict[str, Any] = json.loads(line)
        return reply

    def _kill(self) -> int | None:
        proc, self._proc = self._proc, None
        self._busy = False
        if proc is None:
            return None
        proc.kill()
        code = proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        return code

    def close(self) -> None:
        """Let the worker finish (it exits when its input closes); kill it if it does not."""
        if self._busy:  # interrupted while the worker parses: do not wait for it
            self._kill()
            return
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _pump(stream: IO[bytes], replies: queue.Queue[bytes | None]) -> None:
    """Move the worker's reply lines into ``replies``; None when the worker has gone."""
    try:
        for line in stream:
            replies.put(line)
    except (OSError, ValueError):
        pass  # closed while reading: the worker was killed
    replies.put(None)


_cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: tuple[Any, ...]) -> dict[str, Any] | None:
    with _cache_lock:
        reply = _cache.get(key)
        if reply is not None:
            _cache.move_to_end(key)
        return reply


def _remember(key: tuple[Any, ...], reply: dict[str, Any]) -> None:
    if len(reply.get("text", "")) > CACHE_CHARS // 4:
        return
    with _cache_lock:
        _cache[key] = reply
        while len(_cache) > CACHE_ENTRIES or (
            sum(len(r.get("text", "")) for r in _cache.values()) > CACHE_CHARS
        ):
            _cache.popitem(last=False)


def clear_cache() -> None:
    """Forget all extracted text (tests measure real parsing)."""
    with _cache_lock:
        _cache.clear()


def extract(
    kind: str,
    path: Path,
    rel: str,
    data: bytes,
    limits: Limits,
    worker: ParseWorker,
    encoding: str = "utf-8",
    url: str | None = None,
) -> Extracted:
    """The text of a PDF, HTML or Word file (``data``: its bytes, checked by ``index.content``).

    With it, the title and date an HTML page gives (``url``: where it is from). Raises
    ``CorpusError`` naming the limit that was exceeded, or saying the file cannot be read;
    never the parser's own exception text.
    """
    digest = hashlib.sha256(data).hexdigest()
    key = (kind, digest, encoding, url, limits.max_pdf_pages, limits.max_document_chars)
    reply = _cached(key)
    if reply is None:
        request = {
            "kind": kind,
            "path": str(path),
            "encoding": encoding,
            "url": url,
            "max_pages": limits.max_pdf_pages,
            "max_chars": limits.max_document_chars,
        }
        try:
            reply = worker.request(request)
        except WorkerUnavailable as exc:
            log.error("%s: %s", rel, exc)
            reply = {"error": "unavailable"}
        if reply.get("ok") or reply.get("error") in _CACHED_ERRORS:
            _remember(key, reply)
    if reply.get("ok"):
        if reply.get("repeated"):
            log.info(
                "%s: %d pages repeat earlier pages; their text is kept once", rel, reply["repeated"]
            )
        if kind == "html" and not reply.get("main", True):
            log.info("%s: no main text found; all visible text is indexed", rel)
        return Extracted(
            text=str(reply["text"]),
            title=reply.get("title") or None,
            date=reply.get("date") or None,
            main=bool(reply.get("main", True)),
        )
    raise CorpusError([Problem(rel, 1, _message(kind, rel, reply, limits))])


def _message(kind: str, rel: str, reply: dict[str, Any], limits: Limits) -> str:
    label = LABELS[kind]
    error = reply.get("error")
    if error == "timeout":
        log.warning("%s: parsing stopped after %g s", rel, limits.parse_timeout)
        return (
            f"{label} took longer than {limits.parse_timeout:g} s to parse and was stopped "
            "(ASSISTANT_PARSE_TIMEOUT)"
        )
    if error == "pages":
        return (
            f"PDF has {reply['pages']:,} pages, at most {limits.max_pdf_pages:,} "
            "(ASSISTANT_MAX_PDF_PAGES); split it into smaller files"
        )
    if error == "chars":
        return (
            f"{label} text is longer than {limits.max_document_chars:,} characters "
            "(ASSISTANT_MAX_DOCUMENT_CHARS); split it into smaller files"
        )
    if error == "encrypted":
        return f"cannot read {label}: it is encrypted (password protected); upload an open copy"
    if error == "unavailable":
        return f"cannot read {label}: the document parser did not start (see the server log)"
    log.warning("%s: cannot read %s: %s", rel, label, reply.get("detail", error))
    if error == "crashed":
        return f"cannot read {label}: the parser stopped on this file"
    return f"cannot read {label}: the file is damaged or uses features the reader does not support"
