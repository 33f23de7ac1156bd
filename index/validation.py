"""Turn schema errors into ``file:line: what is wrong`` messages staff can act on.

pydantic reports an error location as a path of keys (``contact_routes.0.email``); YAML keeps
the line of every node. Walking the composed YAML tree along that path gives the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one corpus file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CorpusError(ValueError):
    """The corpus has problems; indexing refuses to touch the index."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int:
    """Follow ``loc`` into the YAML node tree; return the 1-based line of the deepest match."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            key_node = next((k for k, _ in node.value if k.value == part), None)
            if match is None:
                return line
            line = (key_node or match).start_mark.line + 1
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, yaml.Node | None]:
    """Parse YAML, raising ``CorpusError`` with the line of a syntax error.

    Aliases (``*name``) are refused: the corpus never needs them, and nine nested ones in 444
    bytes stand for 387 million strings, which anything walking the data would expand.
    libyaml parses when PyYAML has it, and the data is constructed from the composed node
    rather than parsed again: the bundled corpus's 21 files took 0.47 s, parsed three times
    in pure Python (every staff save validates them all).
    """
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                line = (mark.line + 1 if mark else 1) + line_offset
                problem = "YAML aliases (*name) are not allowed in the corpus; write the value out"
                raise CorpusError([Problem(path, line, problem)])
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.SafeLoader("").construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or str(exc)
        mark = getattr(exc, "problem_mark", None)
        at_end = mark is not None and mark.line >= text.count("\n")  # libyaml's way to say it
        if ("<stream end>" in reason or at_end) and getattr(exc, "context_mark", None):
            mark = getattr(exc, "context_mark")  # noqa: B009  unclosed bracket: where it opened
            reason = f"{getattr(exc, 'context', '')}: {reason} (never closed)"
        line = (mark.line + 1 if mark else 1) + line_offset
        raise CorpusError([Problem(path, line, f"YAML syntax error: {reason}")]) from None
    return data, node


def validate(
    model: type[ModelT], data: Any, node: yaml.Node | None, path: str, line_offset: int = 0
) -> ModelT:
    """Validate ``data`` against ``model``; errors carry the YAML line of the offending key."""
    if not isinstance(data, dict):
        raise CorpusError([Problem(path, 1 + line_offset, "expected a mapping of keys to values")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if isinstance(p, int | str)]
            field = ".".join(str(p) for p in loc) or "(file)"
            message = err["msg"]
            if err["type"] == "missing":
                message = "required field is missing"
            elif err["type"] == "extra_forbidden":
                message = "unknown field (check the spelling)"
            problems.append(Problem(path, _line_of(node, loc) + line_offset, f"{field}: {message}"))
        raise CorpusError(problems) from None


def line_of(node: yaml.Node | None, loc: Sequence[int | str], line_offset: int = 0) -> int:
    """Public form of the line lookup, for cross-file checks done after validation."""
    return _line_of(node, loc) + line_offset
