"""Edits to hand-written YAML files that change only the lines of what was edited.

A dump of the whole file (PyYAML) would drop its comments, its folded paragraphs and its flow
lists, and reorder nothing but reformat everything: a one-field change would show as a rewrite
in review and in the audit log. So a form's save finds the lines of the changed field (by
indentation, which block YAML is made of) and replaces those lines only; every other byte of
the file stays as it was. Files these functions cannot follow (a flow-style entry, tabs) raise
``NotEditable`` and are left to the YAML editor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

_ITEM = re.compile(r"^(?P<lead> *- +)id:\s*(?P<id>.*?)\s*(#.*)?$")
_KEY = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(\s|$)")
WIDTH = 10**6  # long answers stay on one line, as the corpus writes them


class NotEditable(ValueError):
    """The file's layout is not one these targeted edits can follow safely."""


@dataclass(frozen=True)
class Span:
    """Lines ``start`` (inclusive) to ``end`` (exclusive) of a file, and the column of its keys."""

    start: int
    end: int
    col: int


class _Dumper(yaml.SafeDumper):
    """Block sequences indented under their key, as people write them, not at its column."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Never indentless: PyYAML's default puts ``- a`` at the key's own column."""
        super().increase_indent(flow, False)


def _indent(line: str) -> int | None:
    """Column of the first character, None for blank and comment lines (they end nothing)."""
    stripped = line.lstrip(" ")
    if not stripped.strip() or stripped.startswith("#"):
        return None
    if line[: len(line) - len(stripped)].count("\t") or stripped.startswith("\t"):
        raise NotEditable("tab characters in indentation")
    return len(line) - len(stripped)


def _trim(lines: list[str], start: int, end: int) -> int:
    """``end`` moved back over trailing blank and comment lines (they belong to what follows)."""
    while end > start + 1 and _indent(lines[end - 1]) is None:
        end -= 1
    return end


def _block_end(lines: list[str], start: int, col: int, limit: int) -> int:
    """Where the block starting at line ``start`` whose keys sit at ``col`` ends.

    A line ends it when it starts left of ``col``, or at ``col`` with anything but ``- `` (an
    indentless sequence continues the key above it).
    """
    for number in range(start + 1, limit):
        column = _indent(lines[number])
        if column is None:
            continue
        if column < col or (column == col and not lines[number].lstrip(" ").startswith("- ")):
            return _trim(lines, start, number)
    return _trim(lines, start, limit)


def entry_spans(text: str) -> dict[str, Span]:
    """The lines of each item of a list of ``- id: ...`` mappings (FAQ entries), by id."""
    lines = text.splitlines(keepends=True)
    spans: dict[str, Span] = {}
    for number, line in enumerate(lines):
        match = _ITEM.match(line.rstrip("\n"))
        if not match:
            if re.match(r"^ *- *\{", line):
                raise NotEditable(f"line {number + 1}: a flow-style entry")
            continue
        col = len(match.group("lead"))
        end = len(lines)
        for later in range(number + 1, len(lines)):
            column = _indent(lines[later])
            if column is not None and column < col:
                end = later
                break
        ident = str(yaml.safe_load(match.group("id")) or "")
        spans[ident] = Span(number, _trim(lines, number, end), col)
    return spans


def key_spans(lines: list[str], block: Span) -> dict[str, Span]:
    """The lines of each key of the mapping in ``block`` (keys at ``block.col``)."""
    spans: dict[str, Span] = {}
    for number in range(block.start, block.end):
        line = lines[number]
        if number != block.start and _indent(line) != block.col:
            continue
        match = _KEY.match(line[block.col :])
        if match:
            spans[match.group("key")] = Span(
                number, _block_end(lines, number, block.col, block.end), block.col
            )
    return spans


def whole_file(text: str) -> Span:
    """The span of a file whose top level is one mapping (a partner profile)."""
    lines = text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if _indent(line) is not None), 0)
    return Span(start, _trim(lines, start, len(lines)) if lines else 0, 0)


def render(key: str, value: Any, col: int, flow: bool | None = None) -> str:
    """``key: value`` as block YAML at column ``col``; short lists of scalars in flow style.

    ``flow`` None decides by the value: a list of plain scalars that fits on a line is
    written ``[a, b]``, as the corpus writes audiences, topics and single sources.
    """
    if flow is None:
        flow = _short_scalar_list(value)
    dumped = yaml.dump(
        {key: value},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=WIDTH,
        default_flow_style=None if flow else False,
    )
    pad = " " * col
    return "".join(pad + line + "\n" for line in dumped.splitlines())


def _short_scalar_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str | int | dt.date) and not isinstance(v, bool) for v in value)
        and not any(isinstance(v, str) and re.search(r"[:,#\[\]{}'\"]", v) for v in value)
        and sum(len(str(v)) + 2 for v in value) <= 90
    )


def _was_flow(lines: list[str], span: Span) -> bool | None:
    """Keep a list's style: flow if it was written ``[...]`` on the key's line, else block."""
    after = lines[span.start].split(":", 1)[1].strip()
    if after.startswith("["):
        return True
    return False if span.end - span.start > 1 else None


def update_mapping(text: str, block: Span, old: dict[str, Any], new: dict[str, Any]) -> str:
    """``text`` with the keys of ``block`` whose value differs in ``new`` rewritten.

    Keys absent from ``new`` (or None there) are removed; keys new to the mapping go after
    its last key. Unchanged keys, comments and everything outside the block stay byte for byte.
    """
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    spans = key_spans(lines, block)
    replacements: list[tuple[int, int, str]] = []
    for key, span in spans.items():
        value = new.get(key)
        if value is None or value == [] or value == "":
            if old.get(key) not in (None, [], ""):  # an empty list written out stays
                replacements.append((span.start, span.end, ""))
        elif _normal(value) != _normal(old.get(key)):
            rendered = render(key, value, span.col, _was_flow(lines, span))
            lead = lines[span.start][: span.col]
            replacements.append((span.start, span.end, lead + rendered[span.col :]))
    if not spans:
        raise NotEditable("no keys found")
    last = max(span.end for span in spans.values())
    added = "".join(
        render(key, value, block.col)
        for key, value in new.items()
        if key not in spans and value is not None and value != [] and value != ""
    )
    if added:
        replacements.append((last, last, added))
    for start, end, replacement in sorted(replacements, key=lambda r: (r[0], r[1]), reverse=True):
        lines[start:end] = [replacement] if replacement else []
    return "".join(lines)


def _normal(value: Any) -> Any:
    """Values as YAML would read them back (dates as dates, strings stripped)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def set_line_value(text: str, block: Span, key: str, value: str) -> str:
    """Replace the one-line value of ``key`` in ``block``, keeping the rest of that line.

    The targeted edit behind "mark verified": the date changes, its key, spacing and any
    trailing comment do not, nor does any other line.
    """
    lines = text.splitlines(keepends=True)
    span = key_spans(lines, block).get(key)
    if span is None or span.end - span.start != 1:
        raise NotEditable(f"{key} is not a one-line value here")
    line = lines[span.start]
    match = re.match(
        r"^(?P<head>.*?" + re.escape(key) + r":[ ]*)(?P<value>[^#\n]*?)(?P<tail>[ ]*(#.*)?\n?)$",
        line,
    )
    if not match:
        raise NotEditable(f"cannot read the line of {key}")
    lines[span.start] = match.group("head") + value + match.group("tail")
    return "".join(lines)


def append_entry(text: str, entry: dict[str, Any]) -> str:
    """``text`` with ``entry`` added as the last item of its list, in the file's layout."""
    spans = entry_spans(text)
    col = next(iter(spans.values())).col if spans else 4
    separated = _separated(text, spans)
    body = "".join(render(key, value, col) for key, value in entry.items())
    body = " " * (col - 2) + "- " + body[col:]
    if text and not text.endswith("\n"):
        text += "\n"
    return text + ("\n" if separated and spans else "") + body


def _separated(text: str, spans: dict[str, Span]) -> bool:
    """Whether the file puts a blank line between entries (the default when it has one)."""
    lines = text.splitlines()
    starts = sorted(span.start for span in spans.values())
    return len(starts) < 2 or not lines[starts[1] - 1].strip()


def remove_entry(text: str, ident: str) -> str:
    """``text`` without the entry ``ident`` and the blank lines that set it apart."""
    span = entry_spans(text).get(ident)
    if span is None:
        raise KeyError(ident)
    lines = text.splitlines(keepends=True)
    start, end = span.start, span.end
    while end < len(lines) and not lines[end].strip():
        end += 1
    if end == len(lines):  # the last entry: take the blank lines before it instead
        while start > 0 and not lines[start - 1].strip():
            start -= 1
    return "".join(lines[:start] + lines[end:])
