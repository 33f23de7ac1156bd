"""``assistant eval``: retrieval and answer quality on any passages/questions JSONL data.

The data is indexed into a throw-away in-memory Chroma collection with the same chunking and
embeddings as production, then every question is retrieved (and answered, for abstention and
fact scores). Embeddings come from the shared on-disk cache, so a second run is fast.
"""

from __future__ import annotations

import json
import re
import statistics
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

from assistant.language import detect_language
from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.retrieve.retriever import DenseRetriever, Hit, Retriever
from assistant.settings import Settings
from assistant.text import fold, split_sentences
from assistant.wiring import build_assistant, build_embeddings, dense_store
from index.loaders import Corpus, SourceDocument, load_corpus
from index.validation import CorpusError, Problem

RANK_DEPTH = 10


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


def ranked_sources(hits: list[Hit]) -> list[str]:
    """Distinct sources in rank order (several chunks of one passage count once)."""
    seen: list[str] = []
    for hit in hits:
        if hit.source not in seen:
            seen.append(hit.source)
    return seen


def gold_rank(gold: list[str], ranking: list[str]) -> int | None:
    """1-based rank of the first gold source within the ranking, or None."""
    for position, source in enumerate(ranking[:RANK_DEPTH], start=1):
        if source in gold:
            return position
    return None


def retrieval_scores(ranks: list[int | None]) -> dict[str, float | int]:
    """hit@1, hit@5 and MRR@10 from the gold ranks of a set of questions."""
    n = len(ranks)
    if not n:
        return {"n": 0, "hit@1": 0.0, "hit@5": 0.0, "mrr@10": 0.0}
    return {
        "n": n,
        "hit@1": round(sum(r == 1 for r in ranks) / n, 4),
        "hit@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4),
    }


def contains_fact(text: str, answers: list[str]) -> bool:
    """True when any expected answer string occurs in the text (case and umlaut folded)."""
    folded = fold(text)
    return any(fold(a) in folded for a in answers)


_ANSWER_LINE = re.compile(r"^(?:- )?(.*?)((?:\s*\[\d{1,2}\])+)\s*$")


def unsupported_citations(answer: Answer, source_texts: Callable[[str], str]) -> int:
    """Count cited lines whose quoted sentence does not occur in the cited source.

    Extractive answers quote; a quote must be found verbatim (up to whitespace) in a chunk
    of the source its marker names. An attribution prefix ("Name: ") may precede the quote.
    """
    bad = 0
    for line in answer.answer.splitlines():
        match = _ANSWER_LINE.match(line.strip())
        if not match:
            continue
        quote = " ".join(match.group(1).split())
        for n in (int(x) for x in re.findall(r"\d+", match.group(2))):
            if not 1 <= n <= len(answer.citations):
                bad += 1
                continue
            # sentences as the answerer sees them (lists joined with •, headings dropped)
            text = " ".join(split_sentences(source_texts(answer.citations[n - 1].source)))
            text = " ".join(text.split())
            if quote not in text and quote.split(": ", 1)[-1] not in text:
                bad += 1
    return bad


def evaluate(
    assistant: Assistant,
    questions: list[EvalQuestion],
    retriever: Retriever,
) -> dict[str, Any]:
    """Retrieve and answer every question; return the report of the design doc's contract."""
    ranks: dict[str, list[int | None]] = {"all": [], "de": [], "en": []}
    latencies, answer_latencies = [], []
    abstain = {"answerable": [0, 0], "unanswerable": [0, 0]}
    facts = [0, 0]
    cited_gold = [0, 0]
    unsupported = 0

    def source_texts(source: str) -> str:
        found = assistant.collection.get(where={"source": source}, include=["documents"])
        return " ".join(found["documents"])

    for q in questions:
        lang = q.lang or detect_language(q.question)
        started = time.perf_counter()
        hits = retriever.retrieve(q.question, RANK_DEPTH)
        latencies.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        top = hits[: assistant.settings.top_k]
        *_, answer = assistant.answer_stream(q.question, lang, hits=top)
        answer_latencies.append((time.perf_counter() - started) * 1000)
        unsupported += unsupported_citations(answer, source_texts)
        group = "answerable" if q.answerable else "unanswerable"
        abstain[group][0] += 1
        abstain[group][1] += answer.abstained
        if q.answerable and q.passage_ids:
            rank = gold_rank(q.passage_ids, ranked_sources(hits))
            ranks["all"].append(rank)
            ranks[lang].append(rank)
            cited_gold[0] += 1
            cited_gold[1] += bool({c.source for c in answer.citations} & set(q.passage_ids))
        if q.answerable and q.answers:
            facts[0] += 1
            facts[1] += (not answer.abstained) and contains_fact(answer.answer, q.answers)
    report: dict[str, Any] = dict(retrieval_scores(ranks["all"]))
    report["by_lang"] = {
        lang: retrieval_scores(ranks[lang]) for lang in ("de", "en") if ranks[lang]
    }
    report["latency_ms"] = _percentiles(latencies)
    report["answer_latency_ms"] = _percentiles(answer_latencies)  # FAQ match, compose/abstain
    whole = [r + a for r, a in zip(latencies, answer_latencies, strict=True)]
    report["ask_latency_ms"] = _percentiles(whole)  # the two together: a warm ask
    report["abstention"] = {
        "answerable": abstain["answerable"][0],
        "abstained_answerable": _share(abstain["answerable"]),
    }
    if abstain["unanswerable"][0]:
        report["abstention"]["unanswerable"] = abstain["unanswerable"][0]
        report["abstention"]["abstained_unanswerable"] = _share(abstain["unanswerable"])
    if facts[0]:
        report["answers"] = {"n": facts[0], "fact_hit": _share(facts)}
    if cited_gold[0]:
        report.setdefault("answers", {})["cited_gold_source"] = _share(cited_gold)
    report.setdefault("answers", {})["unsupported_citations"] = unsupported
    return report


def _share(pair: list[int]) -> float:
    return round(pair[1] / pair[0], 4) if pair[0] else 0.0


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


def run_eval(
    settings: Settings,
    questions_path: Path,
    passages_path: Path | None = None,
    retriever_name: str = "default",
) -> dict[str, Any]:
    """Index the data into a throw-away collection and evaluate; the CLI's ``eval`` command."""
    if retriever_name not in RETRIEVERS:
        raise ValueError(f"unknown retriever {retriever_name!r}; choose from {sorted(RETRIEVERS)}")
    questions = read_jsonl(questions_path, EvalQuestion)
    if passages_path:
        corpus = passages_corpus(read_jsonl(passages_path, EvalPassage))
    else:
        corpus = load_corpus(settings.corpus_dir)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    scratch = settings.model_copy(  # the extractive mode is measured, whatever is configured
        update={
            "collection": f"eval_{uuid.uuid4().hex[:12]}",
            "retriever": "hybrid",
            "llm_model": None,
            "llm_base_url": None,
        }
    )
    embeddings = build_embeddings(settings)
    embeddings.cache_queries = False  # latency figures include embedding the question
    assistant = build_assistant(scratch, embeddings=embeddings, client=client)
    started = time.perf_counter()
    assistant.index_documents(corpus)
    index_seconds = time.perf_counter() - started
    retriever = RETRIEVERS[retriever_name](assistant, corpus, client)
    report = evaluate(assistant, questions, retriever)
    report["retriever"] = retriever_name
    report["questions"] = len(questions)
    report["index_seconds"] = round(index_seconds, 2)
    return report
