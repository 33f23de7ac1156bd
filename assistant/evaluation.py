"""``assistant eval``: retrieval and answer quality on any passages/questions JSONL data.

The data is indexed into a throw-away in-memory Chroma collection with the same chunking and
embeddings as production, then every question is retrieved (and answered, for abstention and
fact scores). Embeddings come from the shared on-disk cache, so a second run is fast.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.answer.gate import GateModel
from assistant.language import detect_language
from assistant.models import Mode
from assistant.pipeline import Assistant
from assistant.retrieve.hybrid import HybridRetriever
from assistant.retrieve.retriever import DenseRetriever, Retriever
from assistant.scoring import RANK_DEPTH, Tally, unsupported_citations
from assistant.settings import Settings
from assistant.wiring import build_assistant, build_embeddings, dense_store
from index.loaders import Corpus, SourceDocument, load_corpus
from index.validation import CorpusError, Problem


class EvalPassage(BaseModel):
    """One passage line: ``{"id", "title", "text"}``."""

    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1)
    title: str = ""
    text: str = Field(min_length=1)


class EvalQuestion(BaseModel):
    """One question line of the eval format in the design doc."""

    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    passage_ids: list[str] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list)
    answerable: bool = True
    lang: Literal["de", "en"] | None = None
    unanswerable_kind: str = ""  # "near-miss: fees", "personal data", "out of domain: ..."
    expected_partners: list[str] | None = None  # partner questions: who must be listed
    acceptable_partners: list[str] = Field(default_factory=list)  # ... and who may be


def read_jsonl(path: Path, model: type[BaseModel]) -> list[Any]:
    """Read and validate a JSONL file; every bad line is reported as ``file:line``."""
    items, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), number, f"invalid JSON: {exc.msg}"))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(line)"
            problems.append(Problem(str(path), number, f"{field}: {first['msg']}"))
    if problems:
        raise CorpusError(problems)
    if not items:
        raise CorpusError([Problem(str(path), 1, "file holds no records")])
    return items


def passages_corpus(passages: list[EvalPassage]) -> Corpus:
    """Wrap eval passages as corpus documents (language detected from the text)."""
    return Corpus(
        documents=[
            SourceDocument(
                key=p.id,
                source=p.id,
                title=p.title or p.id,
                url=None,
                language=detect_language(p.text),
                kind="document",
                text=p.text,
            )
            for p in passages
        ]
    )


def baseline_retriever(assistant: Assistant, corpus: Corpus, client: Any) -> Retriever:
    """The plain LangChain recipe: 1000/200 character splits, Chroma similarity search."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    store = Chroma(
        client=client,
        collection_name=f"baseline_{uuid.uuid4().hex[:8]}",
        embedding_function=assistant.embeddings,
        collection_configuration={"hnsw": {"space": "cosine"}},
    )
    texts, metas = [], []
    for doc in corpus.documents:
        for piece in splitter.split_text(doc.text):
            texts.append(piece)
            metas.append(
                {
                    "source": doc.source,
                    "title": doc.title,
                    "language": doc.language,
                    "kind": doc.kind,
                    "url": doc.url or "",
                }
            )
    store.add_texts(texts, metadatas=metas)
    return DenseRetriever(store)


def dense_retriever(assistant: Assistant, corpus: Corpus, client: Any) -> Retriever:
    """Dense similarity search alone over the same chunks (the hybrid's first stage)."""
    return DenseRetriever(dense_store(client, assistant.collection.name, assistant.embeddings))


RETRIEVERS: dict[str, Callable[[Assistant, Corpus, Any], Retriever]] = {
    "default": lambda assistant, corpus, client: assistant.retriever,
    "hybrid": lambda assistant, corpus, client: assistant.retriever,
    "dense": dense_retriever,
    "baseline": baseline_retriever,
}


def evaluate(
    assistant: Assistant,
    questions: list[EvalQuestion],
    retriever: Retriever,
) -> dict[str, Any]:
    """Retrieve and answer every question; return the report of the design doc's contract."""
    tally = Tally()

    def source_texts(source: str) -> str:
        found = assistant.collection.get(where={"source": source}, include=["documents"])
        return " ".join(found["documents"])

    for q in questions:
        lang = q.lang or detect_language(q.question)
        started = time.perf_counter()
        hits = retriever.retrieve(assistant.mend(q.question), RANK_DEPTH)
        retrieved = time.perf_counter()
        *_, answer = assistant.answer_stream(
            q.question, lang, hits=hits[: assistant.settings.top_k]
        )
        answered = time.perf_counter()
        tally.latencies.append((1000 * (retrieved - started), 1000 * (answered - retrieved)))
        tally.add(q, lang, hits, answer, unsupported_citations(answer, source_texts))
        if q.expected_partners is not None:
            route = assistant.extractive.routes.fallback[lang]
            tally.add_partners(q.expected_partners, q.acceptable_partners, answer, route)
    return tally.report()


def load_eval_corpus(settings: Settings, passages_path: Path | None) -> Corpus:
    """The passages of an eval data set as a corpus, or the configured corpus itself."""
    if passages_path:
        return passages_corpus(read_jsonl(passages_path, EvalPassage))
    return load_corpus(settings.corpus_dir)


def scratch_assistant(
    settings: Settings,
    cache_queries: bool = True,
    gate_model: GateModel | None = None,
    mode: Mode = "extractive",
) -> tuple[Assistant, Any]:
    """An assistant over a throw-away in-memory Chroma collection, and its client.

    ``mode="extractive"`` measures the offline answers whatever LLM is configured; ``"llm"``
    keeps the configured endpoint (or GGUF model). ``cache_queries=False`` keeps question
    embeddings out of the cache, so latency figures include embedding the question.
    """
    if mode == "llm" and not settings.llm_configured:
        raise ValueError("--mode llm needs an LLM: ASSISTANT_LLM_MODEL or ASSISTANT_LLM_GGUF")
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    update: dict[str, Any] = {"collection": f"eval_{uuid.uuid4().hex[:12]}", "retriever": "hybrid"}
    if mode == "extractive":
        update.update(llm_model=None, llm_base_url=None, llm_gguf=None)
    scratch = settings.model_copy(update=update)
    embeddings = build_embeddings(settings)
    embeddings.cache_queries = cache_queries
    assistant = build_assistant(scratch, embeddings, client, gate_model)
    if isinstance(assistant.retriever, HybridRetriever):
        # nothing starts from a throw-away collection again: every run left a snapshot of its
        # uniquely named collection under DATA_DIR/derived
        assistant.retriever.snapshots = None
    return assistant, client


def run_eval(
    settings: Settings,
    questions_path: Path,
    passages_path: Path | None = None,
    retriever_name: str = "default",
    mode: Mode = "extractive",
) -> dict[str, Any]:
    """Index the data into a throw-away collection and evaluate; the CLI's ``eval`` command."""
    if retriever_name not in RETRIEVERS:
        raise ValueError(f"unknown retriever {retriever_name!r}; choose from {sorted(RETRIEVERS)}")
    questions = read_jsonl(questions_path, EvalQuestion)
    corpus = load_eval_corpus(settings, passages_path)
    assistant, client = scratch_assistant(settings, cache_queries=False, mode=mode)
    started = time.perf_counter()
    assistant.index_documents(corpus)
    index_seconds = time.perf_counter() - started
    retriever = RETRIEVERS[retriever_name](assistant, corpus, client)
    report = evaluate(assistant, questions, retriever)
    report["retriever"] = retriever_name
    report["mode"] = mode
    report["questions"] = len(questions)
    report["index_seconds"] = round(index_seconds, 2)
    return report
