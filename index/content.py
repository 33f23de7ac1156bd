"""Do a file's bytes match its extension? Checked before anything is parsed or indexed.

A PDF or an image saved as ``.md`` used to be decoded with replacement characters and indexed
as garbage that later turned up in answers. Markdown, text and YAML must be valid UTF-8 without
binary control characters; a PDF must start with ``%PDF-``; HTML must be text that looks like
HTML; a Word file must be a ZIP archive holding ``word/document.xml``, within size bounds on
what it unpacks to. Each check raises ``CorpusError`` with a message staff can act on.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

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
# What a Word file may unpack to. A .docx of 2,000,000 characters of text (the default
# ASSISTANT_MAX_DOCUMENT_CHARS) written by python-docx has a word/document.xml of 2.15 MB (and
# is read in 0.1 s); Word's own markup (runs, revision ids, spell-check marks) adds
# several times that. Beyond these bounds the file is a ZIP bomb or far over the text limit.
DOCX_MAX_DOCUMENT_XML = 64_000_000
DOCX_MAX_UNPACKED = 256_000_000
DOCX_MAX_MEMBERS = 5_000
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
    text = _decoded(data, "utf-8-sig", "UTF-8", rel, "save the file as UTF-8")
    # a PDF pasted behind front matter (an upload saved as .md gets front matter added)
    body, before = _body(text)
    kind = binary_kind(body[:PDF_HEADER_WITHIN].encode("utf-8", errors="replace"))
    if kind:
        raise CorpusError([Problem(rel, before + 1, f"this is {kind}, not {what}")])
    check_characters(text, rel)
    return text


def _decoded(data: bytes, codec: str, name: str, rel: str, advice: str) -> str:
    """``data`` decoded, or a problem naming the line and the first byte that is not ``name``."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"not {name} text (byte 0x{data[exc.start]:02x} at offset {exc.start}); {advice}"
        raise CorpusError([Problem(rel, line, message)]) from None


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


def _known_codec(charset: str | None) -> str | None:
    """The codec name of ``charset``; None when it is missing, unknown or UTF-16/32."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except LookupError:
        return None
    return None if name.startswith(("utf-16", "utf-32")) else name


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


def decode_html(data: bytes, rel: str, charset: str | None = None) -> tuple[str, str]:
    """HTML: text in its declared charset (else UTF-8) that looks like HTML; (text, codec).

    ``charset``: what the server said (HTTP ``Content-Type``), which wins over the page's own.
    """
    kind = binary_kind(data)
    if kind:
        raise CorpusError([Problem(rel, 1, f"this is {kind}, not HTML")])
    encoding = _known_codec(charset) or html_encoding(data)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    text = _decoded(data, codec, encoding, rel, "save the page as UTF-8")
    check_characters(text, rel)
    if not _HTML_TAG.search(text[:HTML_SNIFF]):
        message = "does not look like HTML (no <html>, <body>, <p> or similar tag at its start)"
        raise CorpusError([Problem(rel, 1, message)])
    return text, codec


def check_docx(data: bytes, rel: str) -> None:
    """A Word file: a ZIP archive with ``word/document.xml``, unpacking to a bounded size.

    Checked here, before the worker parses it, because a ZIP states its members' sizes in its
    directory (reading that is cheap) and python-docx would unpack everything it holds.
    """
    kind = binary_kind(data)
    if kind == "an old Office file (.doc, .xls)":
        message = (
            "not a .docx file: this is an old Word file (.doc) or a password-protected one; "
            "save it as .docx without a password"
        )
        raise CorpusError([Problem(rel, 1, message)])
    if not data.startswith(b"PK\x03\x04"):
        what = f" (this is {kind})" if kind else ""
        message = f"not a Word file{what}: a .docx is a ZIP archive and this is not one"
        raise CorpusError([Problem(rel, 1, message)])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        message = "not a Word file: the ZIP archive is damaged; save the document again"
        raise CorpusError([Problem(rel, 1, message)]) from None
    names = {member.filename: member for member in members}
    if "word/document.xml" not in names:
        message = "not a Word file: the ZIP archive holds no word/document.xml"
        raise CorpusError([Problem(rel, 1, message)])
    unpacked = sum(member.file_size for member in members)
    if (
        len(members) > DOCX_MAX_MEMBERS
        or unpacked > DOCX_MAX_UNPACKED
        or names["word/document.xml"].file_size > DOCX_MAX_DOCUMENT_XML
    ):
        message = (
            f"Word file unpacks to {unpacked / 1_000_000:,.0f} MB in {len(members):,} parts, "
            f"more than a document within the limits can (at most "
            f"{DOCX_MAX_UNPACKED // 1_000_000} MB, {DOCX_MAX_DOCUMENT_XML // 1_000_000} MB of "
            "text markup); split it"
        )
        raise CorpusError([Problem(rel, 1, message)])
