r"""Split Markdown into (heading, text) sections, in time linear in the text.

The heading pattern used before (``^(#{1,6})\s+(.+?)\s*#*\s*$``) backtracks cubically on a
heading line with a long run of spaces: 2 KB of ``# x<spaces>y`` took 9 s, 5 KB three minutes,
in the server process and with no timeout. Here the pattern cannot backtrack (whitespace, then
a non-space, then the rest of the line) and closing ``#``s are stripped in Python; headings
come out as before (the bundled corpus splits identically).
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(#{1,6})[^\S\n]+(\S[^\n]*)$", re.MULTILINE)


def heading_title(raw: str) -> str:
    """``Title ##`` -> ``Title``: closing hashes and spaces go; ``# ##`` keeps one ``#``."""
    return raw.rstrip().rstrip("#").rstrip() or raw[0]


def markdown_sections(body: str) -> list[tuple[str, str]]:
    """Return (heading, text) pairs; text before the first heading has an empty heading."""
    sections: list[tuple[str, str]] = []
    matches = list(_HEADING.finditer(body))
    first = body[: matches[0].start()] if matches else body
    if first.strip():
        sections.append(("", first.strip()))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        text = body[match.end() : end].strip()
        if text:
            sections.append((heading_title(match.group(2)), text))
    return sections
