"""Read the corpus directory into validated ``SourceDocument``s, one loader per format.

Loading never writes anything: the indexer only touches Chroma after every file has loaded and
validated, so a broken file cannot leave the index half-updated. Every file is bounded
(``index.limits``): its bytes before it is read, its content against its extension
(``index.content``), PDF and HTML parsing by a timeout in a worker process
(``index.parsing``), and each document's characters and chunks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from index.content import check_docx, check_pdf, decode_html, decode_text
from index.limits import Limits, chunk_problems
from index.markdown import markdown_sections
from index.parsing import Extracted, ParseWorker, extract
from index.schemas import (
    ContactFile,
    DocumentMeta,
    FaqFile,
    PartnerProfile,
    TopicsFile,
)
from index.validation import CorpusError, Problem, line_of, parse_yaml, validate

DOCUMENT_SUFFIXES = (".md", ".txt", ".pdf", ".html", ".docx")
SIDECAR_SUFFIX = ".meta.yaml"


@dataclass
class SourceDocument:
    """One indexable unit (a document, or one language of a partner profile or FAQ entry)."""

    key: str  # unique within the corpus, e.g. "faq/join.yaml#faq-how-to-join@de"
    source: str  # corpus-relative path, what citations name
    title: str
    url: str | None
    language: str
    kind: str
    text: str
    extra: dict[str, Any] = field(default_factory=dict)
    gap_sections: tuple[str, ...] = ()  # headings whose text lists what is NOT known


@dataclass
class Corpus:
    """Everything loaded from a corpus directory."""

    documents: list[SourceDocument]
    topics: TopicsFile | None = None
    contact: ContactFile | None = None
    partners: dict[str, PartnerProfile] = field(default_factory=dict)
    faq: dict[str, Any] = field(default_factory=dict)  # id -> FaqEntry
    # the chunks validation made to count them, and the (chunk_chars, overlap) they were made
    # with: indexing the same corpus takes them instead of chunking it again
    chunked: tuple[tuple[int, int], list[Any]] | None = None


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Split ``---`` YAML front matter from a Markdown body; return (meta, body, body line)."""
    if not text.startswith("---"):
        raise CorpusError([Problem(path, 1, "missing YAML front matter (start the file with ---)")])
    end = text.find("\n---", 3)
    if end < 0:
        raise CorpusError([Problem(path, 1, "front matter is not closed with a --- line")])
    raw = text[3:end]
    data, node = parse_yaml(raw, path, line_offset=0)
    meta = validate(DocumentMeta, data, node, path)
    body_start = text.find("\n", end + 1) + 1 if text.find("\n", end + 1) >= 0 else len(text)
    body = text[body_start:]
    return meta.model_dump(mode="json"), body, text[:body_start].count("\n") + 1


def read_bytes(path: Path, rel: str, limits: Limits) -> bytes:
    """The bytes of a corpus file, refused before reading when it is larger than allowed."""
    size = os.stat(path).st_size
    if size > limits.max_bytes:
        message = (
            f"file has {size / 1_000_000:,.1f} MB, at most {limits.max_upload_mb} MB "
            "(ASSISTANT_MAX_UPLOAD_MB)"
        )
        raise CorpusError([Problem(rel, 1, message)])
    return path.read_bytes()


def _read_pdf(path: Path, rel: str, limits: Limits, worker: ParseWorker) -> str:
    data = read_bytes(path, rel, limits)
    check_pdf(data, rel)
    text = extract("pdf", path, rel, data, limits, worker).text
    if not text.strip():
        raise CorpusError([Problem(rel, 1, "PDF has no extractable text (scanned image?)")])
    return text


def _read_html(path: Path, rel: str, limits: Limits, worker: ParseWorker) -> Extracted:
    data = read_bytes(path, rel, limits)
    _, codec = decode_html(data, rel)
    return extract("html", path, rel, data, limits, worker, encoding=codec)


def _read_docx(path: Path, rel: str, limits: Limits, worker: ParseWorker) -> str:
    data = read_bytes(path, rel, limits)
    check_docx(data, rel)
    return extract("docx", path, rel, data, limits, worker).text


def page_meta(sidecar: Any, page: Extracted) -> Any:
    """The sidecar's metadata, with the page's own title and date where it gives none."""
    if not isinstance(sidecar, dict):
        return sidecar  # validation says what is wrong with it
    filled = dict(sidecar)
    if page.title and len(page.title) >= 3:
        filled.setdefault("title", page.title)
    if page.date:
        filled.setdefault("date", page.date)
    return filled


def load_document(
    path: Path, rel: str, limits: Limits | None = None, worker: ParseWorker | None = None
) -> SourceDocument:
    """Load one document file with its metadata (front matter or sidecar)."""
    limits = limits or Limits()
    if worker is None:
        with ParseWorker(limits.parse_timeout) as own:
            return load_document(path, rel, limits, own)
    if path.suffix == ".md":
        text = _read_text(path, rel, limits, "Markdown")
        meta, body, _ = split_front_matter(text, rel)
    else:
        sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
        if not sidecar.exists():
            raise CorpusError([Problem(rel, 1, f"missing metadata sidecar {sidecar.name}")])
        side_rel = rel + SIDECAR_SUFFIX
        data, node = parse_yaml(_read_text(sidecar, side_rel, limits, "YAML"), side_rel)
        if path.suffix == ".html":  # the page's title and date count, so it is read first
            page = _read_html(path, rel, limits, worker)
            data, body = page_meta(data, page), page.text
        meta = validate(DocumentMeta, data, node, side_rel).model_dump(mode="json")
        if path.suffix == ".pdf":
            body = _read_pdf(path, rel, limits, worker)
        elif path.suffix == ".docx":
            body = _read_docx(path, rel, limits, worker)
        elif path.suffix != ".html":
            body = _read_text(path, rel, limits)
    if not body.strip():
        raise CorpusError([Problem(rel, 1, "document has no text")])
    if len(body) > limits.max_document_chars:
        message = (
            f"document has {len(body):,} characters of text, at most "
            f"{limits.max_document_chars:,} (ASSISTANT_MAX_DOCUMENT_CHARS); split it"
        )
        raise CorpusError([Problem(rel, 1, message)])
    headings = {heading for heading, _ in markdown_sections(body)}
    for missing in set(meta["gap_sections"]) - headings:
        raise CorpusError([Problem(rel, 1, f"gap_sections: no heading {missing!r} in the text")])
    return SourceDocument(
        key=rel,
        source=rel,
        title=meta["title"],
        url=meta["sources"][0],
        language=meta["language"],
        kind=meta["kind"],
        text=body.strip(),
        extra={"date": meta["date"]},
        gap_sections=tuple(meta["gap_sections"]),
    )


def _read_text(path: Path, rel: str, limits: Limits, what: str = "text") -> str:
    """Markdown, text or YAML: bounded in size, strict UTF-8, no binary characters."""
    return decode_text(read_bytes(path, rel, limits), rel, what)


# how a profile's text states its website (the answer stage tells such lines apart by it)
WEBSITE_LINE = "Website: "


def route_lines(profile: PartnerProfile, lang: str) -> list[str]:
    """The profile's public contact routes as "label: mailbox or page" lines."""
    return [f"{getattr(r.label, lang)}: {r.email or r.url}" for r in profile.contact_routes]


def contact_route(profile: PartnerProfile, lang: str) -> str:
    """Where to reach the partner publicly: its contact routes, else its website."""
    return "; ".join(route_lines(profile, lang)) or str(profile.website or "")


def partner_documents(
    profile: PartnerProfile, rel: str, topic_names: dict[str, Any]
) -> list[SourceDocument]:
    """Render a partner profile as one searchable text per language, plus its known gaps."""

    def contact(lang: str) -> str:
        return contact_route(profile, lang)

    base: dict[str, Any] = {
        "partner_id": profile.id,
        "contact_de": contact("de"),  # where to send questions the knowledge base cannot answer
        "contact_en": contact("en"),
        "partner_kind": profile.kind,
        "short_name": profile.short_name or "",
        "founding_partner": profile.founding_partner,
        # the whole profile, so the partner directory is built from the index itself (a
        # replica on a Chroma server has no corpus directory to read)
        "profile": profile.model_dump_json(),
    }

    def document(suffix: str, language: str, text: str, extra: dict[str, Any]) -> SourceDocument:
        return SourceDocument(
            key=f"{rel}@{suffix}",
            source=rel,
            title=profile.name,
            url=str(profile.website or profile.sources[0]),
            language=language,
            kind="partner",
            text=text,
            extra={**base, **extra},
        )

    topics = {f"topic_{t}": True for t in profile.topics}
    docs = []
    for lang in ("de", "en"):
        labels = [getattr(topic_names.get(t), lang, t) for t in profile.topics]
        head = "Themen" if lang == "de" else "Topics"
        where = "Ort" if lang == "de" else "Location"
        lines = [
            f"{profile.name}" + (f" ({profile.short_name})" if profile.short_name else ""),
            getattr(profile.description, lang),
            f"{head}: {', '.join(labels)}.",
            f"{where}: {profile.location}.",
        ]
        if profile.website:
            lines.append(f"{WEBSITE_LINE}{profile.website}")
        lines += route_lines(profile, lang)
        docs.append(document(lang, lang, "\n".join(lines), topics))
    if profile.unknown:
        # what the sources do NOT say about this partner: answers drawn from it abstain. One
        # sentence per gap, each naming the partner, so a gap can be matched on its own.
        for lang, lead in (("de", "Nicht öffentlich bekannt"), ("en", "Not publicly known")):
            gaps = [f"{profile.name} – {lead}: {getattr(g, lang)}" for g in profile.unknown]
            extra = {**topics, "known_gap": True}  # a topic filter must still see the gaps
            docs.append(document(f"unknown-{lang}", lang, "\n".join(gaps), extra))
    return docs


def faq_documents(entry: Any, rel: str) -> list[SourceDocument]:
    """Render a FAQ entry as one searchable text per language (questions, then answer)."""
    docs = []
    for lang in ("de", "en"):
        questions = getattr(entry.questions, lang)
        answer = getattr(entry.answer, lang)
        docs.append(
            SourceDocument(
                key=f"{rel}#{entry.id}@{lang}",
                source=f"{rel}#{entry.id}",
                title=questions[0],
                url=str(entry.sources[0]),
                language=lang,
                kind="faq",
                text="\n".join(questions) + "\n\n" + answer,
                extra={
                    "faq_id": entry.id,
                    "known_gap": entry.known_gap,
                    "answer_de": entry.answer.de,
                    "answer_en": entry.answer.en,
                },
            )
        )
    return docs


def _collect(problems: list[Problem], fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn``; on ``CorpusError`` record its problems and return None, to report all."""
    try:
        return fn(*args)
    except CorpusError as exc:
        problems.extend(exc.problems)
        return None


def _load_yaml_model(
    path: Path, rel: str, model: Any, limits: Limits
) -> tuple[Any, yaml.Node | None]:
    data, node = parse_yaml(_read_text(path, rel, limits, "YAML"), rel)
    return validate(model, data, node, rel), node


def vocabulary_problems(topics: TopicsFile, node: yaml.Node | None) -> list[Problem]:
    """Duplicate topic ids, and words that name two topics (a question could not tell them)."""
    problems = []
    owner: dict[str, str] = {}
    seen_ids: set[str] = set()
    for i, topic in enumerate(topics.topics):
        line = line_of(node, ["topics", i])
        if topic.id in seen_ids:
            problems.append(Problem("topics.yaml", line, f"id: duplicate {topic.id!r}"))
        seen_ids.add(topic.id)
        for term in dict.fromkeys(" ".join(t.casefold().split()) for t in topic.question_terms()):
            if term in owner and owner[term] != topic.id:
                message = f"{topic.id}: {term!r} already names topic {owner[term]!r}"
                problems.append(Problem("topics.yaml", line, message))
            owner.setdefault(term, topic.id)
    return problems


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.is_file()) if folder.is_dir() else []


def _load_partners(root: Path, corpus: Corpus, problems: list[Problem], limits: Limits) -> None:
    topic_names = {t.id: t for t in corpus.topics.topics} if corpus.topics else {}
    nodes: dict[str, tuple[str, yaml.Node | None]] = {}
    for path in _files(root / "partners", "*.yaml"):
        rel = path.relative_to(root).as_posix()
        loaded = _collect(problems, _load_yaml_model, path, rel, PartnerProfile, limits)
        if not loaded:
            continue
        profile, node = loaded
        if profile.id in corpus.partners:
            problems.append(Problem(rel, line_of(node, ["id"]), f"id: duplicate {profile.id!r}"))
            continue
        corpus.partners[profile.id] = profile
        nodes[profile.id] = (rel, node)
        for i, topic in enumerate(profile.topics):
            if topic_names and topic not in topic_names:
                message = f"topics.{i}: {topic!r} is not in topics.yaml"
                problems.append(Problem(rel, line_of(node, ["topics", i]), message))
        corpus.documents.extend(partner_documents(profile, rel, topic_names))
    for pid, (rel, node) in nodes.items():
        parent = corpus.partners[pid].parent
        if parent and parent not in corpus.partners:
            message = f"parent: unknown partner {parent!r}"
            problems.append(Problem(rel, line_of(node, ["parent"]), message))


def _load_faq(root: Path, corpus: Corpus, problems: list[Problem], limits: Limits) -> None:
    for path in _files(root / "faq", "*.yaml"):
        rel = path.relative_to(root).as_posix()
        loaded = _collect(problems, _load_yaml_model, path, rel, FaqFile, limits)
        if not loaded:
            continue
        faq_file, node = loaded
        for i, entry in enumerate(faq_file.entries):
            if entry.id in corpus.faq:
                message = f"entries.{i}.id: duplicate FAQ id {entry.id!r}"
                problems.append(Problem(rel, line_of(node, ["entries", i, "id"]), message))
                continue
            corpus.faq[entry.id] = entry
            corpus.documents.extend(faq_documents(entry, rel))


def _chunked(corpus: Corpus, limits: Limits) -> list[Any]:
    """Chunk every document as ``limits`` say (``index.chunking``), kept on the corpus."""
    from index.chunking import chunk_document  # chunking imports this module

    made = (limits.chunk_chars, limits.chunk_overlap)
    chunks = [c for doc in corpus.documents for c in chunk_document(doc, *made)]
    corpus.chunked = (made, chunks)
    return chunks


def load_corpus(root: Path, limits: Limits | None = None) -> Corpus:
    """Load and validate the whole corpus; raise ``CorpusError`` listing every problem found.

    ``limits`` bound every file (default: the settings' defaults).
    """
    limits = limits or Limits()
    if not root.is_dir():
        raise CorpusError([Problem(str(root), 1, "corpus directory does not exist")])
    problems: list[Problem] = []
    corpus = Corpus(documents=[])
    if (root / "topics.yaml").exists():
        loaded = _collect(
            problems, _load_yaml_model, root / "topics.yaml", "topics.yaml", TopicsFile, limits
        )
        corpus.topics = loaded[0] if loaded else None
        if loaded:
            problems.extend(vocabulary_problems(*loaded))
    if (root / "contact.yaml").exists():
        loaded = _collect(
            problems, _load_yaml_model, root / "contact.yaml", "contact.yaml", ContactFile, limits
        )
        corpus.contact = loaded[0] if loaded else None
    with ParseWorker(limits.parse_timeout) as worker:  # one per load, for PDF, HTML and Word
        for path in _files(root / "documents", "**/*"):
            if path.suffix in DOCUMENT_SUFFIXES:
                rel = path.relative_to(root).as_posix()
                doc = _collect(problems, load_document, path, rel, limits, worker)
                if doc:
                    corpus.documents.append(doc)
    _load_partners(root, corpus, problems, limits)
    if corpus.contact and corpus.contact.partner and corpus.contact.partner not in corpus.partners:
        message = f"partner: unknown partner {corpus.contact.partner!r}"
        problems.append(Problem("contact.yaml", 1, message))
    _load_faq(root, corpus, problems, limits)
    chunks = _chunked(corpus, limits)
    problems.extend(chunk_problems((c.metadata["source"] for c in chunks), limits))
    if problems:
        raise CorpusError(problems)
    if not corpus.documents:
        raise CorpusError([Problem(str(root), 1, "corpus holds no documents")])
    return corpus
