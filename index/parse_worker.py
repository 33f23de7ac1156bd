"""Extract the text of untrusted PDF, HTML and Word files, in a process of its own.

Run as a script (``index/parsing.py`` starts it): one JSON request per line on stdin, one JSON
reply per line on stdout. A hostile file (a PDF whose pages share one huge content stream, HTML
that drives the parser quadratic, a Word file of nested tables) can only hold this process,
which the parent kills after ``ASSISTANT_PARSE_TIMEOUT``. The parsers (pypdf, trafilatura,
python-docx) are imported before the worker says it is ready, so the timeout counts parse time
only (start-up: 0.3 s warm on 2 cores, 0.12 s with pypdf alone). The process has no network:
its sockets are disabled before anything is imported, so no parser can fetch what a hostile
page points to.
Errors are replies with the exception class for the log, never a crash of the parent.

Request: ``{"kind": "pdf" | "html" | "docx", "path": ..., "encoding": ..., "url": ...,
"max_pages": n, "max_chars": n}``. Reply: ``{"ok": true, "text": ..., "pages": n}`` (HTML:
also ``"title"``, ``"date"``, ``"main"``) or ``{"error": "pages" | "chars" | "encrypted" |
"unreadable", ...}``.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from typing import Any

# control characters a broken font maps glyphs to; they would only be noise in the index
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    # no lone surrogates (they cannot be stored as UTF-8) and no control characters
    return _CONTROL.sub(" ", text.encode("utf-8", errors="replace").decode("utf-8"))


def _page_key(page: Any) -> Any:
    """What a page draws: its content streams and resources, as object numbers.

    Two pages with the same key have the same text. A 19 KB PDF whose 30 pages all point to
    one content stream used to be extracted 30 times (21 s) and indexed as 507 chunks.
    """
    from pypdf.generic import ArrayObject, IndirectObject

    contents = page.raw_get("/Contents") if "/Contents" in page else None
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    refs = [s for s in streams if isinstance(s, IndirectObject)]
    if not refs or len(refs) != len(streams):
        return None
    resources = page.raw_get("/Resources") if "/Resources" in page else None
    if isinstance(resources, IndirectObject):
        drawn_with: Any = ("ref", resources.idnum, resources.generation)
    else:
        drawn_with = repr(resources)
        if len(drawn_with) > 10_000:
            return None
    return (tuple((s.idnum, s.generation) for s in refs), drawn_with)


def pdf_text(path: str, max_pages: int, max_chars: int) -> dict[str, Any]:
    """The text of a PDF, page by page; stops at the first limit it exceeds."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        return {"error": "encrypted"}
    pages = len(reader.pages)
    if pages > max_pages:
        return {"error": "pages", "pages": pages}
    parts: list[str] = []
    seen: set[Any] = set()
    total = repeated = 0
    for page in reader.pages:
        key = _page_key(page)
        if key is not None and key in seen:
            repeated += 1
            continue
        if key is not None:
            seen.add(key)
        text = _clean(page.extract_text() or "")
        total += len(text) + 2
        if total > max_chars + 2:
            return {"error": "chars", "chars": total}
        parts.append(text)
    return {"ok": True, "text": "\n\n".join(parts), "pages": pages, "repeated": repeated}


def html_reply(path: str, encoding: str, max_chars: int, url: str | None) -> dict[str, Any]:
    """The main text of an HTML file with its title and date (``index.html_extract``)."""
    from index.html_extract import page_text

    with open(path, encoding=encoding) as page:
        reply = page_text(page.read(), url)
    text = _clean(reply["text"])
    if len(text) > max_chars:
        return {"error": "chars", "chars": len(text)}
    title = _clean(reply["title"]).strip() if reply["title"] else None
    return {"ok": True, "text": text, "title": title, "date": reply["date"], "main": reply["main"]}


def docx_reply(path: str, max_chars: int) -> dict[str, Any]:
    """The text of a Word file (``index.docx_text``)."""
    from index.docx_text import docx_text

    reply = docx_text(path, max_chars)
    if reply.get("ok"):
        reply["text"] = _clean(reply["text"])
    return reply


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """Answer one request; any exception (RecursionError too) becomes an ``unreadable`` reply."""
    try:
        if request["kind"] == "pdf":
            return pdf_text(request["path"], request["max_pages"], request["max_chars"])
        if request["kind"] == "docx":
            return docx_reply(request["path"], request["max_chars"])
        return html_reply(
            request["path"], request["encoding"], request["max_chars"], request.get("url")
        )
    except Exception as exc:  # noqa: BLE001  the parent logs the class, the client sees a message
        return {"error": "unreadable", "detail": f"{type(exc).__name__}: {str(exc)[:500]}"}


def no_network() -> None:
    """Make every connection attempt of this process fail (it only ever reads local files)."""
    import socket

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("the parse worker has no network")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def main() -> None:
    """Serve requests until stdin closes."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but replies on the reply channel
    no_network()
    # imported before "ready", so the timeout counts parse time only; if one is missing, its
    # requests answer "unreadable" with the import error
    with contextlib.suppress(ImportError):
        import pypdf  # noqa: F401
    with contextlib.suppress(ImportError):
        import trafilatura  # noqa: F401

        import index.html_extract  # noqa: F401
    with contextlib.suppress(ImportError):
        import docx  # noqa: F401
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        reply = handle(json.loads(line))
        out.write(json.dumps(reply).encode("ascii") + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
