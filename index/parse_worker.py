"""Extract the text of untrusted PDF and HTML files, in a process of its own.

Run as a script (``index/parsing.py`` starts it): one JSON request per line on stdin, one JSON
reply per line on stdout. A hostile file (a PDF whose pages share one huge content stream, HTML
that drives the parser quadratic) can only hold this process, which the parent kills after
``ASSISTANT_PARSE_TIMEOUT``. Imports nothing but the standard library and pypdf, so it starts
fast. Errors are replies with the exception class for the log, never a crash of the parent.

Request: ``{"kind": "pdf" | "html", "path": ..., "encoding": ..., "max_pages": n,
"max_chars": n}``. Reply: ``{"ok": true, "text": ..., "pages": n}`` or ``{"error":
"pages" | "chars" | "encrypted" | "unreadable", ...}``.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from html.parser import HTMLParser
from typing import Any

# control characters a broken font maps glyphs to; they would only be noise in the index
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SKIPPED_TAGS = ("script", "style")


class _HtmlText(HTMLParser):
    """The visible text of an HTML page, one paragraph per text node."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in _SKIPPED_TAGS

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in _SKIPPED_TAGS and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def html_text(page: str) -> str:
    """The visible text of ``page``."""
    parser = _HtmlText()
    parser.feed(page)
    parser.close()
    return "\n\n".join(parser.parts)


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


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """Answer one request; any exception (RecursionError too) becomes an ``unreadable`` reply."""
    try:
        if request["kind"] == "pdf":
            return pdf_text(request["path"], request["max_pages"], request["max_chars"])
        with open(request["path"], encoding=request["encoding"]) as handle_:
            text = _clean(html_text(handle_.read()))
        if len(text) > request["max_chars"]:
            return {"error": "chars", "chars": len(text)}
        return {"ok": True, "text": text}
    except Exception as exc:  # noqa: BLE001  the parent logs the class, the client sees a message
        return {"error": "unreadable", "detail": f"{type(exc).__name__}: {str(exc)[:500]}"}


def main() -> None:
    """Serve requests until stdin closes."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but replies on the reply channel
    # imported before "ready", so the timeout counts parse time only; if missing, a PDF
    # request answers "unreadable" with the import error
    with contextlib.suppress(ImportError):
        import pypdf  # noqa: F401
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        reply = handle(json.loads(line))
        out.write(json.dumps(reply).encode("ascii") + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
