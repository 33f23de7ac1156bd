"""Render answers as Markdown for the chat: the answer, then its numbered sources.

Everything that comes from the corpus or from a model (the answer text quotes corpus
sentences; titles, snippets, source paths, URLs) is *text*: Markdown and HTML in it are escaped
(``escape_markdown``), so a document cannot put an image (a tracking pixel), a link (a
"Passwort hier eingeben" page), a table, a heading or an HTML tag into the reader's chat. The
only links are the citations' own ``http(s)`` URLs (``safe_url``); any other URL is shown as
text. The escaping is plain Markdown (backslashes, three HTML entities), so chat clients of the
OpenAI-compatible API, which get the same Markdown, show the same text.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from assistant.models import Answer

SOURCES_HEADING = {"de": "Quellen", "en": "Sources"}
MODE_LINE = {
    "extractive": "Antwortmodus / answer mode: **extraktiv** – zitierte Auszüge aus der "
    "Wissensbasis, kein Sprachmodell / cited extracts from the knowledge base, no LLM",
    "llm": "Antwortmodus / answer mode: **LLM** ({model}) – generiert aus den gefundenen Quellen "
    "/ generated from the retrieved sources",
}
# what a reader sees when something unexpected failed; the server log keeps the detail
SOMETHING_WRONG = (
    "Etwas ist schiefgegangen – bitte versuchen Sie es später noch einmal. / "
    "Something went wrong – please try again later."
)


NO_ANSWER = {"de": "Keine Antwort aus der Wissensbasis", "en": "No answer from the knowledge base"}
REASONS = {
    "out_of_domain": {
        "de": "die Frage liegt außerhalb dessen, worüber die Wissensbasis Auskunft gibt",
        "en": "the question is outside what the knowledge base covers",
    },
    "nothing_relevant": {"de": "nichts Passendes gefunden", "en": "nothing relevant found"},
    "fact_missing": {
        "de": "das Thema ist da, die gefragte Angabe nicht",
        "en": "the topic is covered, the asked-for detail is not",
    },
    "stated_unknown": {
        "de": "laut den Quellen nicht bekannt",
        "en": "the sources say it is not known",
    },
    "personal_data": {
        "de": "persönliche Daten gibt der Assistent nicht heraus",
        "en": "the assistant does not give out personal data",
    },
}

# what opens or closes Markdown or HTML within a line: emphasis, code, links and images
# ("[", "]", "!" before "[" and "(" after a kept "]"), tables, strikethrough, LaTeX ($),
# attribute lists ({}), e-mail autolinks (@), tags (<, >) and entities ("&lt;" is text).
# An answer's "[n]" marker (group 1) stays: with every other "[" escaped and no "[n]:"
# (a link definition) possible, it is text. Parentheses, "!" and "&" in prose stay as
# they are: "(Stand 2020)", "R&D".
_SPECIAL = re.compile(r"(\[\d{1,9}\])|[\\`*_{}\[\]|~$@<>]|&(?=#?\w+;)|!(?=\[)|(?<=\])\(")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# the colon of a URL ("https://", a GFM autolink) and of "[n]:" (a link reference
# definition); "10:30" and "Kontakt: ..." stay as they are
_COLON = re.compile(r"(?<=\]):|:(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")  # GFM autolinks "www.example.org" without a scheme
# what makes a line a block at its start: headings, list items, setext underlines,
# thematic breaks, ordered lists ("1." / "1)"); ">", "*", "|", "`", "~" are escaped anywhere
_LINE_START = re.compile(r"^(?:[-+=:#]|\d{1,9}(?=[.)]))")
_OWN_LIST_ITEM = re.compile(r"^(?:- |\d{1,9}\. )")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(lt|gt|amp);")
_URL_SAFE = "!#$%&'*+,/:;=?@[]~"  # kept in a link's URL; the rest is percent-encoded
_PATH = re.compile(r"[\w./#-]+")  # a source path shown as code as it is


def _escape_inline(text: str) -> str:
    text = _SPECIAL.sub(lambda m: m[1] or _HTML.get(m[0]) or "\\" + m[0], text)
    return _WWW.sub(r"\1\\.", _COLON.sub(r"\\:", text))


def _escape_line(line: str) -> str:
    line = _escape_inline(line.strip())  # leading blanks: an indented code block
    start = _LINE_START.match(line)
    if not start:
        return line
    if start[0][0].isdigit():  # "1. x" / "1) x": an ordered list; "1\." is text
        return start[0] + "\\" + line[start.end() :]
    return "\\" + line


def escape_markdown(text: str, keep_lists: bool = False) -> str:
    """``text`` as Markdown that shows exactly this text: nothing in it is markup or HTML.

    Line breaks are kept (blank lines separate paragraphs); leading and trailing blanks of a
    line are dropped. With ``keep_lists``, a line starting ``- `` or ``1. `` (how the
    pipeline writes quotes and list answers) stays a list item whose text is escaped.
    """
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        own = _OWN_LIST_ITEM.match(stripped) if keep_lists else None
        if own:
            lines.append(own[0] + _escape_line(stripped[own.end() :]))
        else:
            lines.append(_escape_line(stripped))
    return "\n".join(lines)


def unescape_markdown(text: str) -> str:
    """The text ``escape_markdown`` was given (up to blanks at the ends of lines)."""
    return _UNESCAPE.sub(lambda m: m[1] or {"lt": "<", "gt": ">", "amp": "&"}[m[2]], text)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an ``http(s)`` address fit to be a link, else ``None``.

    Refused: other schemes (``javascript:``, ``data:``, ``mailto:``, ...), no host, blanks or
    control characters, and user names in the address (``https://bank.example@evil.example``).
    """
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return None
    return url


def _link(label: str, url: str | None) -> str:
    """A Markdown link with an escaped label to an ``http(s)`` URL; other URLs are text."""
    text = escape_markdown(" ".join(label.split()))
    target = safe_url(url)
    if target is None:
        return f"{text} ({escape_markdown(_quote(url, 200))})" if url else text
    # parentheses, blanks, backslashes, quotes, <> percent-encoded: the destination ends at ")"
    return f"[{text}]({quote(target, safe=_URL_SAFE)})"


def _code(path: str) -> str:
    """A source path as code when it is a plain path, else as escaped text."""
    return f"`{path}`" if _PATH.fullmatch(path) else escape_markdown(" ".join(path.split()))


def mode_line(mode: str, model: str | None = None) -> str:
    """The line under the title that says which answer mode is active."""
    return MODE_LINE[mode].format(model=escape_markdown(model or "?"))


def _quote(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_answer(answer: Answer) -> str:
    """Answer text followed by a numbered source list with the supporting snippet of each.

    The answer's ``[n]`` markers stay as they are (with every other bracket escaped and no
    link definitions possible they are text); everything from the corpus is escaped.
    """
    parts = [escape_markdown(answer.answer, keep_lists=True)]
    if answer.notice:
        parts.insert(0, f"*{escape_markdown(' '.join(answer.notice.split()))}*")
    if answer.abstained and answer.reason:
        why = REASONS[answer.reason][answer.lang]
        parts.append(f"*{NO_ANSWER[answer.lang]} – {why}.*")
    if answer.citations:
        lines = [f"**{SOURCES_HEADING[answer.lang]}:**"]
        for c in answer.citations:
            quoted = escape_markdown(_quote(c.snippet))
            lines.append(f"{c.n}. {_link(c.title, c.url)} — {_code(c.source)}\n   > {quoted}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
