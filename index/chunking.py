"""Split source documents into chunks that carry their own context.

Markdown is split along its headings first, so a chunk never mixes two topics; each chunk text
starts with "title — heading", which helps both the embedding and the reader of a citation.
Partner profiles and FAQ entries are short and stay whole.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.loaders import SourceDocument
from index.markdown import markdown_sections


@dataclass(frozen=True)
class Chunk:
    """A piece of a document as stored in the index."""

    id: str
    text: str
    metadata: dict[str, Any]


def content_hash(text: str) -> str:
    """Hash used for chunk identity and the embedding cache."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunk_document(doc: SourceDocument, chunk_chars: int, overlap: int) -> list[Chunk]:
    """Split one document into chunks with stable, content-derived ids."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_chars,
        chunk_overlap=overlap,
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    if doc.kind in ("partner", "faq"):
        pieces = [("", doc.text)]
    else:
        pieces = [
            (heading, part)
            for heading, text in markdown_sections(doc.text)
            for part in splitter.split_text(text)
        ]
    chunks = []
    for position, (heading, body) in enumerate(pieces):
        header = doc.title if not heading else f"{doc.title} — {heading}"
        text = body if doc.kind in ("partner", "faq") else f"{header}\n{body.strip()}"
        digest = content_hash(text)
        metadata: dict[str, Any] = {
            "source": doc.source,
            "doc_key": doc.key,
            "title": doc.title,
            "heading": heading,
            "url": doc.url or "",
            "language": doc.language,
            "kind": doc.kind,
            "position": position,
            "content_hash": digest,
            "known_gap": heading in doc.gap_sections,
        }
        metadata.update(doc.extra)
        # the id covers the metadata too: a changed title, URL or flag must re-index the chunk
        fingerprint = json.dumps(metadata, sort_keys=True, ensure_ascii=False)
        chunk_id = content_hash(f"{doc.key}\x00{position}\x00{fingerprint}")[:32]
        chunks.append(Chunk(id=chunk_id, text=text, metadata=metadata))
    return chunks
