"""How much one corpus file may cost: bytes, pages, characters, chunks and parse time.

Staff upload documents from the chat page; a 50 MB Markdown file or a 19 KB PDF whose pages
share one content stream must be refused with a message, not indexed for hours. ``Limits`` is
built from the settings (``Limits.from_settings``); its defaults equal the settings' defaults,
so ``load_corpus(root)`` without settings still applies sane limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from index.validation import Problem

MB = 1_000_000  # as the upload check of the server counts (api/server.py)


@dataclass(frozen=True)
class Limits:
    """The limits of one corpus file; each field is the setting ``ASSISTANT_<FIELD>``."""

    max_upload_mb: int = 20  # bytes of any one corpus file
    max_document_chars: int = 2_000_000  # text of one document (after extraction)
    max_pdf_pages: int = 500
    max_document_chunks: int = 3000  # chunks one file adds to the index
    parse_timeout: float = 30.0  # seconds to extract the text of one PDF, HTML or Word file
    chunk_chars: int = 900  # how documents are chunked, to count their chunks
    chunk_overlap: int = 150

    @property
    def max_bytes(self) -> int:
        """Largest corpus file, in bytes."""
        return self.max_upload_mb * MB

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The limits configured in ``settings`` (an ``assistant.settings.Settings``)."""
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


def corpus_file(source: str) -> str:
    """The corpus file a chunk's ``source`` comes from (a FAQ entry names ``file#id``)."""
    return source.split("#", 1)[0]


def chunk_problems(sources: Iterable[str], limits: Limits) -> list[Problem]:
    """A problem for every corpus file with more chunks than allowed.

    ``sources`` names the source of each chunk. Refused, not truncated: half a document would
    answer as if it were whole.
    """
    counts = Counter(corpus_file(s) for s in sources)
    most = limits.max_document_chunks
    return [
        Problem(
            rel,
            1,
            f"document makes {n:,} chunks, at most {most:,} (ASSISTANT_MAX_DOCUMENT_CHUNKS); "
            "split it into smaller documents",
        )
        for rel, n in sorted(counts.items())
        if n > most
    ]
