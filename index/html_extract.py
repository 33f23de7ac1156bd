"""The main text of an HTML page, with its title and date, by trafilatura (in the parse worker).

The hand-written ``HTMLParser`` used before kept every text node: on a city news page with a
cookie banner, a menu, a "more news" box and a footer (``tests/test_loaders.py``), it kept 824
characters where trafilatura keeps the article's 485, and the extra ones (Startseite,
Impressum, "Wir verwenden Cookies") turned up in answers. trafilatura keeps the article, as Markdown
(headings become ``#`` lines, so the chunker splits on them), and reads the page's title and
date from its metadata (``<title>``, Open Graph, ``article:published_time``, htmldate).

When trafilatura finds no main text (a page that is only a list of links, or not really HTML),
the visible text is used as before, so a page that loaded before still loads. Runs only in the
worker process (``index/parse_worker.py``): both parsers are bounded there by the parse timeout,
and trafilatura never fetches anything (it is given the page, not a URL to download; the worker
has its sockets disabled on top).
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from typing import Any

_SKIPPED_TAGS = ("script", "style", "title", "template")  # code, and the title (metadata)
# Markdown escapes trafilatura writes ("3\. Juni"); kept out of the indexed text, except a
# "\#" that starts a line, which would turn the line into a heading
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
# lines that belong to the block above them: a table row after a row, a list item or an
# indented line after a list item
_ROW = re.compile(r"^\|")
_ITEM = re.compile(r"^([-*+] |\d{1,3}[.)] |\s)")


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


def visible_text(page: str) -> str:
    """Every visible text node of ``page`` (menus and footers too): the fallback."""
    parser = _HtmlText()
    parser.feed(page)
    parser.close()
    return "\n\n".join(parser.parts)


def _unescape(match: re.Match[str]) -> str:
    start = match.start()
    at_line_start = start == 0 or match.string[start - 1] == "\n"
    return match.group(0) if match.group(1) == "#" and at_line_start else match.group(1)


def markdown_blocks(text: str) -> str:
    """The Markdown of trafilatura with one blank line between blocks and without escapes.

    Its fallback extractors put paragraphs on single lines; the chunker and the quotable
    sentences read a blank line as the end of a paragraph, as in the rest of the corpus.
    """
    lines = [line.rstrip() for line in _ESCAPE.sub(_unescape, text).splitlines()]
    out: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if out:
            rows = _ROW.match(line) and _ROW.match(out[-1])
            items = _ITEM.match(line) and _ITEM.match(out[-1])
            if not (rows or items):
                out.append("")
        out.append(line)
    return "\n".join(out).strip()


def page_text(page: str, url: str | None = None) -> dict[str, Any]:
    """``{"text", "title", "date", "main"}`` of an HTML page; ``main`` False: the fallback.

    ``url`` only helps the metadata (a date in the address); nothing is fetched.
    """
    import trafilatura
    from trafilatura.xml import xmltotxt

    document = trafilatura.bare_extraction(
        page,
        url=url,
        output_format="markdown",
        with_metadata=True,
        include_formatting=True,
        include_comments=False,  # reader comments under an article are not the alliance's word
        include_tables=True,
        include_links=False,
        include_images=False,
    )
    text = ""
    title = date = None
    if document is not None and not isinstance(document, dict):  # a dict only if as_dict
        title, date = document.title or None, document.date or None
        if document.body is not None:
            text = xmltotxt(document.body, include_formatting=True)
    main = bool(text.strip())
    if not main:
        text = visible_text(page)
    return {
        "text": unicodedata.normalize("NFC", markdown_blocks(text)),
        "title": title,
        "date": date,
        "main": main,
    }
