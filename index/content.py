"""Do a file's bytes match its extension? Checked before anything is parsed or indexed.

A PDF or an image saved as ``.md`` used to be decoded with replacement characters and indexed
as garbage that later turned up in answers. Markdown, text and YAML must be valid UTF-8 without
binary control characters; a PDF must start with ``%PDF-``; HTML must be text that looks like
HTML. Each check raises ``CorpusError`` with a message staff can act on.
"""

from __future__ import annotations

import codecs
import re

from index.validation import CorpusError, Problem

# what a file starts with when it is not text (after leading whitespace)
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (Word, Excel, OpenDocument, ...)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "a program (ELF)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc, .xls)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xff\xfe", "UTF-16 text (save it as UTF-8)"),
    (b"\xfe\xff", "UTF-16 text (save it as UTF-8)"),
)
WHITESPACE = b" \t\r\n\f"
PDF_HEADER_WITHIN = 1024  # real PDFs sometimes have whitespace before %PDF-
HTML_SNIFF = 4096
# C0 control characters other than tab, newline, carriage return and form feed; DEL; and the
# replacement character, which says the bytes were not UTF-8 before someone decoded them
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|meta|p|div|h[1-6]|section|article|main|"
    r"header|nav|table|ul|ol|span|a|br)[\s>/]",
    re.IGNORECASE,
)
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def binary_kind(data: bytes) -> str | None:
    """What a binary file is, from its first bytes; None when it does not look binary."""
    head = data[:PDF_HEADER_WITHIN].lstrip(WHITESPACE)
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


def check_characters(text: str, rel: str, line_offset: int = 0) -> None:
    """Refuse text holding binary control characters or replacement characters."""
    bad = _NOT_TEXT.search(text)
    if bad is None:
        return
    line = text.count("\n", 0, bad.start()) + 1 + line_offset
    char = bad.group()
    if char == "\ufffd":
        message = (
            "contains the replacement character U+FFFD: the file was not UTF-8 text "
            "(binary data?); upload the original file with its own extension"
        )
    else:
        message = (
            f"contains the control character U+{ord(char):04X}: this is binary data, not "
            "text; upload the original file with its own extension"
        )
    raise CorpusError([Problem(rel, line, message)])


def _body(text: str) -> tuple[str, int]:
    """The text after ``---`` front matter, and how many lines come before it."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end >= 0:
            start = text.find("\n", end + 1) + 1 or len(text)
            return text[start:], text.count("\n", 0, start)
    return text, 0


def decode_text(data: bytes, rel: str, what: str = "text") -> str:
    """Markdown, plain text or YAML: strict UTF-8 (a BOM is dropped), no binary characters."""
    kind = binary_kind(data)
    if kind:
        raise CorpusError(
            [Problem(rel, 1, f"this is {kind}, not {what}; upload it with its own extension")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = (
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        )
        raise CorpusError([Problem(rel, line, message)]) from None
    # a PDF pasted behind front matter (an upload saved as .md gets front matter added)
    body, before = _body(text)
    kind = binary_kind(body[:PDF_HEADER_WITHIN].encode("utf-8", errors="replace"))
    if kind:
        raise CorpusError([Problem(rel, before + 1, f"this is {kind}, not {what}")])
    check_characters(text, rel)
    return text


def check_pdf(data: bytes, rel: str) -> None:
    """A PDF must start with ``%PDF-`` (after at most 1 KB of whitespace)."""
    head = data[:PDF_HEADER_WITHIN].lstrip(WHITESPACE)
    if head.startswith(b"%PDF-"):
        return
    kind = binary_kind(data)
    if kind is None and data[:PDF_HEADER_WITHIN].isascii():
        kind = "text"
    what = f" (this is {kind})" if kind else ""
    raise CorpusError([Problem(rel, 1, f"not a PDF file{what}: it does not start with %PDF-")])


def html_encoding(data: bytes) -> str:
    """The charset an HTML file declares in a ``<meta>`` tag (UTF-8 when none or unknown)."""
    declared = _CHARSET.search(data[:HTML_SNIFF])
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            return "utf-8"
        # a page declaring UTF-16 in ASCII bytes contradicts itself: read it as UTF-8
        if not name.startswith("utf-16") and not name.startswith("utf-32"):
            return name
    return "utf-8"


def decode_html(data: bytes, rel: str) -> tuple[str, str]:
    """HTML: text in its declared charset (else UTF-8) that looks like HTML; (text, codec)."""
    kind = binary_kind(data)
    if kind:
        raise CorpusError([Problem(rel, 1, f"this is {kind}, not HTML")])
    encoding = html_encoding(data)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = (
            f"not {encoding} text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the page as UTF-8"
        )
        raise CorpusError([Problem(rel, line, message)]) from None
    check_characters(text, rel)
    if not _HTML_TAG.search(text[:HTML_SNIFF]):
        message = "does not look like HTML (no <html>, <body>, <p> or similar tag at its start)"
        raise CorpusError([Problem(rel, 1, message)])
    return text, codec
