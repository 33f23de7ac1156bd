"""The assistant as one object: the pipeline corpus -> index -> retrieve -> answer.

CLI commands, UI callbacks and tests all go through ``Assistant``; it owns no construction
logic (that is ``assistant.wiring``), only the order of the stages and input checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.extractive import ExtractiveAnswerer
from assistant.models import Answer, QuestionError
from assistant.retrieval import Retriever
from assistant.settings import Settings
from index.indexer import IndexReport, index_corpus
from index.loaders import Corpus, load_corpus


class Assistant:
    """Answers questions from the indexed corpus and keeps that index current."""

    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings,
        collection: Any,
        retriever: Retriever,
        extractive: ExtractiveAnswerer,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.collection = collection
        self.retriever = retriever
        self.extractive = extractive

    @property
    def mode(self) -> str:
        """Which answer mode is active: ``"llm"`` when an endpoint is configured."""
        return "llm" if self.settings.llm_configured else "extractive"

    def check_question(self, question: str) -> str:
        """Return the cleaned question or raise ``QuestionError`` saying what is wrong."""
        cleaned = " ".join((question or "").split())
        if not cleaned:
            raise QuestionError("Please enter a question. / Bitte geben Sie eine Frage ein.")
        limit = self.settings.max_question_chars
        if len(cleaned) > limit:
            raise QuestionError(
                f"The question is too long ({len(cleaned)} characters, at most {limit}). "
                f"/ Die Frage ist zu lang ({len(cleaned)} Zeichen, höchstens {limit})."
            )
        return cleaned

    def ask(self, question: str) -> Answer:
        """Answer one question with citations, or abstain."""
        cleaned = self.check_question(question)
        hits = self.retriever.retrieve(cleaned, self.settings.top_k)
        return self.extractive.answer(cleaned, hits)

    def index(self, corpus_dir: Path | None = None) -> IndexReport:
        """Validate and (re-)index a corpus; invalid corpora leave the index untouched."""
        corpus = load_corpus(corpus_dir or self.settings.corpus_dir)
        report = self.index_documents(corpus)
        if corpus.contact:
            self.extractive.route = corpus.contact.fallback.model_dump()
        return report

    def index_documents(self, corpus: Corpus) -> IndexReport:
        """Make the index mirror ``corpus`` (also used by ``assistant eval`` for its data)."""
        report = index_corpus(
            corpus,
            self.collection,
            self.embeddings,
            self.settings.chunk_chars,
            self.settings.chunk_overlap,
        )
        self.refresh()
        return report

    def refresh(self) -> None:
        """Reload what is derived from the index: keyword/sentence indexes, FAQ variants."""
        refresh = getattr(self.retriever, "refresh", None)
        if refresh:
            refresh()
        self.extractive.faq.load(self.collection)

    def chunk_count(self) -> int:
        """Number of chunks in the index (0 means: run ``assistant index`` first)."""
        return int(self.collection.count())
