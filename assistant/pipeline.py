"""The assistant as one object: the pipeline corpus -> index -> retrieve -> answer.

CLI commands, UI callbacks and tests all go through ``Assistant``; it owns no construction
logic (that is ``assistant.wiring``), only the order of the stages and input checks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.answer.evidence import QUOTING, Evidence, gather
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.gate import AnswerGate, Decision
from assistant.answer.generative import CUT_NOTICE, NOTICE, LlmAnswerer, LlmFailure
from assistant.answer.personal import surnames
from assistant.answer.prompts import NOT_IN_KB, compact_sources
from assistant.conversation import condense, is_follow_up
from assistant.feedback import FeedbackLog
from assistant.language import LanguageDetector
from assistant.models import Answer, Generation, Lang, QuestionError, Reason
from assistant.partners.contacts import ContactCards
from assistant.partners.directory import Directory
from assistant.partners.intent import PartnerIntent
from assistant.partners.listing import PartnerLister
from assistant.retrieve.faq import FaqMatcher
from assistant.retrieve.hit import Hit
from assistant.retrieve.rerank import LlmReranker
from assistant.retrieve.retriever import Retriever, filter_topics
from assistant.retrieve.speller import QuerySpeller
from assistant.settings import Settings
from assistant.staff_accounts import StaffAccounts
from assistant.text import fold
from index.editing import change_corpus, document_files, editable_files
from index.indexer import IndexReport, chunk_corpus, embed_ahead, index_corpus
from index.limits import Limits, chunk_problems
from index.loaders import Corpus, load_corpus
from index.validation import CorpusError, Problem
from index.version import IndexVersion

log = logging.getLogger(__name__)

# names every question may use whatever its language, left out when telling the language
ALLIANCE_NAMES = ("AI Alliance Aachen", "AAA", "Aachen")


class Assistant:
    """Answers questions from the indexed corpus and keeps that index current."""

    # staff accounts and the audit log of corpus changes (set by ``assistant.wiring``)
    staff: StaffAccounts | None = None
    # the index version in the store, shared by replicas (set by ``assistant.wiring``)
    version: IndexVersion | None = None

    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings,
        collection: Any,
        retriever: Retriever,
        faq: FaqMatcher,
        directory: Directory,
        gate: AnswerGate,
        extractive: ExtractiveAnswerer,
        llm: LlmAnswerer | None = None,
        reranker: LlmReranker | None = None,
        feedback: FeedbackLog | None = None,
        intent: PartnerIntent | None = None,
        detect: LanguageDetector | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.collection = collection
        self.retriever = retriever
        self.faq = faq
        self.directory = directory
        self.lister = PartnerLister(directory, gate.lexical.keyword.knows, intent)
        self.contacts = ContactCards(directory)
        self.gate = gate
        self.extractive = extractive
        self.llm = llm
        self.reranker = reranker
        self.feedback = feedback  # None: questions and ratings are not stored
        # one indexing run at a time (staff re-index from the running chat); questions never
        # take it: the derived indexes are swapped in whole (``Assistant.retrieve``)
        self._lock = threading.RLock()
        self.names: list[str] = []  # organisation names, for follow-up questions
        # tells German from English without counting those names (shared with the retriever)
        self.detect = detect or LanguageDetector()
        self.topics: list[str] = []  # competence topics present in partner profiles
        self.seen_version = ""  # the index version the derived indexes were built from
        self.speller = QuerySpeller(())  # the words of the index, for typos in questions

    @property
    def model_name(self) -> str | None:
        """The LLM's name for the UI: the configured model, or the GGUF file's."""
        settings = self.settings
        return settings.llm_model or (settings.llm_gguf.stem if settings.llm_gguf else None)

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

    def ask(
        self,
        question: str,
        history: list[str] | None = None,
        where: dict[str, Any] | None = None,
    ) -> Answer:
        """Answer one question (with the user's earlier questions), or abstain."""
        *_, final = self.ask_stream(question, history, where)  # always ends with one
        return final

    def ask_stream(
        self,
        question: str,
        history: list[str] | None = None,
        where: dict[str, Any] | None = None,
    ) -> Iterator[Answer]:
        """Yield growing partial answers (LLM mode), then the final checked answer.

        ``where`` restricts retrieval to chunks with matching metadata (``build_filter``);
        a filtered question gets no curated FAQ answer unless the filter is for FAQ entries.
        """
        cleaned = self.check_question(question)
        lang = self.detect(cleaned)
        query = self.standalone(cleaned, self.check_history(history or []))
        yield from self.answer_stream(query, lang, where)

    def check_history(self, history: list[str]) -> list[str]:
        """The earlier questions that matter, bounded like a question.

        Every front door passes the client's history on; a forged one (thousands of entries,
        megabytes each) must cost no more than a question: only the last ``max_history``
        entries are kept, each cut to ``max_question_chars`` after collapsing whitespace.
        """
        limit, count = self.settings.max_question_chars, self.settings.max_history
        kept = [" ".join(str(h).split())[:limit] for h in history[-count:]] if count else []
        return [h for h in kept if h]

    def answer_stream(
        self,
        query: str,
        lang: Lang,
        where: dict[str, Any] | None = None,
        hits: list[Hit] | None = None,
    ) -> Iterator[Answer]:
        """The one answering order, the same in every mode.

        A FAQ variant asked word for word gets its curated answer; a question for partners
        ("which partners work on robotics?") gets the list of them from the profiles; every
        other question is retrieved, gated, then composed, generated or abstained on.
        ``hits`` skips retrieval: ``assistant eval`` passes those of the retriever it measures.
        """
        curated = self.faq.lookup(query) if not where or where == {"kind": "faq"} else None
        if curated is not None:  # asked in the very words of a FAQ variant
            yield self.extractive.curated(query, lang, curated)
            return
        # a topic filter says what the question is about ("who works on this?" + robotics)
        query = " ".join([query, *self.filter_labels(where)])
        listing = self.list_partners(query, lang, where)
        if listing is not None and listing.partners:
            # the question may ask a fact besides (or instead of) the partners: quoted after
            # them when the gate would answer it. Gold dev and gold_probes 1-6 through the
            # chat: 620 -> 626 of 796 answers with the key fact, no abstention changed; 171 of
            # the 656 list answers and cards of the partner probes get quotes
            evidence, decision = self.judge(query, lang, where, hits)
            if decision.answer:
                listing = self.extractive.with_quotes(listing, evidence)
        if listing is not None:
            yield listing
            return
        evidence, decision = self.judge(query, lang, where, hits)
        if not decision.answer:
            reason = decision.reason or "nothing_relevant"
            yield self._after_abstaining(query, lang, where, reason) or self.extractive.abstain(
                query, lang, reason, evidence, decision
            )
        elif self.llm is None:
            yield _confident(self.extractive.compose(query, lang, evidence), decision)
        else:
            yield from self._generate(query, lang, evidence, decision)

    def judge(
        self,
        query: str,
        lang: Lang,
        where: dict[str, Any] | None = None,
        hits: list[Hit] | None = None,
        rerank: bool = True,
    ) -> tuple[Evidence, Decision]:
        """Retrieve (unless ``hits`` are given), gather the evidence and let the gate decide.

        ``rerank=False``: only the decision is wanted, so neither the optional LLM reranker
        nor the quoting ranking runs (the evidence is what the gate judged).
        Typos are mended first (``mend``), for retrieval, the gate and the quotes alike.
        """
        query = self.mend(query)
        if hits is None:
            hits = self.retrieve(query, self.settings.top_k, where)
        evidence = gather(query, lang, hits, self.embeddings)
        decision = self.gate.decide(query, lang, evidence)
        if not decision.answer or not rerank:
            return evidence, decision
        if self.reranker is not None:
            # the model's order decides what is quoted first, never whether to answer: the
            # gate was fitted on the retriever's order and scores
            hits = self.reranker.rerank(query, hits)
        # the gate judged the default ranking; the quotes favour the question's focus
        quoted = gather(
            query, lang, hits, self.embeddings, ranking=QUOTING, lexical=self.gate.lexical
        )
        return quoted, decision

    def mend(self, question: str) -> str:
        """The question with its typos mended by the index's words (``QuerySpeller``)."""
        return self.speller.mend(question)

    def retrieve(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The retriever's hits (the ``Retriever`` protocol), for the answer and for LangChain.

        No lock: re-indexing builds the derived indexes aside and swaps each in whole
        (``IndexView``, ``Bm25State``, the FAQ, route and directory tables), so a question never
        waits for indexing and never sees an index half-rebuilt.
        """
        return self.retriever.retrieve(query, k, where)

    def filter_labels(self, where: dict[str, Any] | None) -> list[str]:
        """The German and English names of the topics a filter restricts to."""
        vocabulary = self.directory.vocabulary
        return [vocabulary.label(t, lang) for t in filter_topics(where) for lang in ("de", "en")]

    def list_partners(
        self, query: str, lang: Lang, where: dict[str, Any] | None = None
    ) -> Answer | None:
        """The list answer when the question asks for partners (None otherwise).

        A question asking how to reach a partner it names gets that partner's contact card.
        Only without a filter, or with one for partners: a filter for FAQ entries or documents
        asks for those. Requests for personal data never get one.
        """
        if not _partners_under(where) or self.gate.guard.is_request(query):
            return None
        fallback = self.extractive.routes.fallback[lang]
        return (
            self.contacts.for_joining(query, lang, fallback)
            or self.contacts.answer(query, lang)
            or self.lister.answer(query, lang, fallback)
        )

    def _after_abstaining(
        self, query: str, lang: Lang, where: dict[str, Any] | None, reason: Reason
    ) -> Answer | None:
        """What serves the asker better than "not known", if anything.

        How to join the alliance: where to start; the partners of a need for technology; or,
        for a partner question whose topic no profile names, the topics they do name (not after
        the knowledge base said itself that the fact is unknown). Never for a request for
        personal data.
        """
        if not _partners_under(where) or self.gate.guard.is_request(query):
            return None
        fallback = self.extractive.routes.fallback[lang]
        joining = self.contacts.for_joining(query, lang, fallback, how=True)
        if joining is not None:
            return joining
        listed = self.lister.need_answer(query, lang, fallback)
        if listed is not None or reason == "stated_unknown":
            return listed
        return self.lister.no_topic(query, lang, fallback)

    def _generate(
        self, query: str, lang: Lang, evidence: Evidence, decision: Decision
    ) -> Iterator[Answer]:
        assert self.llm is not None
        sources = compact_sources(evidence)
        stats = Generation()
        text = ""
        try:
            for text in self.llm.stream(query, sources, lang, stats):
                if NOT_IN_KB not in text:
                    yield Answer(answer=text, mode="llm", lang=lang)
            final = self.llm.finish(query, text, sources, lang, stats)
        except LlmFailure as failure:
            stats.fallback = failure.reason
            fallback = _confident(self.extractive.compose(query, lang, evidence), decision)
            fallback.notice = NOTICE[lang].format(reason=failure.reason)
            fallback.generation = stats
            yield fallback
            return
        if final is None:  # the model found no answer in the sources the gate let through
            abstained = self.extractive.abstain(query, lang, "fact_missing", evidence, decision)
            abstained.mode = "llm"
            abstained.generation = stats
            yield abstained
        else:
            final.generation = stats
            if stats.cut:
                final.notice = CUT_NOTICE[lang].format(seconds=self.llm.timeout)
            yield _confident(final, decision)

    def record(self, question: str, answer: Answer) -> int | None:
        """Store a question the chat or API answered, for staff; the id is for rating it.

        What is stored is the question as answered (whitespace collapsed, at most
        ``max_question_chars``), never the raw request: 20 MB of padding around a short
        question used to be stored whole and shipped to the staff view.
        """
        if not self.feedback:
            return None
        cleaned = " ".join((question or "").split())[: self.settings.max_question_chars]
        return self.feedback.record(cleaned, answer)

    def rate(self, question_id: int, helpful: bool, comment: str = "") -> None:
        """A reader's thumbs up or down on a recorded answer."""
        if self.feedback:
            self.feedback.rate(question_id, helpful, comment)

    def standalone(self, question: str, history: list[str]) -> str:
        """The question to retrieve with, resolving follow-ups against the history.

        A question shaped like a follow-up ("is it snowing atm?", "who won this season?")
        that the gate finds out of domain on its own is not one: merged with an alliance
        question before it, it was answered from that question's sources. On the dev splits'
        out-of-domain questions asked after an alliance question, 2 of 180 were answered
        that way; the check costs follow-ups one more retrieval (about 15 ms).
        """
        if not history or not is_follow_up(question):
            return question
        _, alone = self.judge(question, self.detect(question), rerank=False)
        if alone.reason == "out_of_domain":
            return question
        if self.llm is not None:
            try:
                return self.llm.condense(question, history)
            except LlmFailure:
                pass  # the rule below still resolves the common cases
        return condense(question, history, self.names)

    def index(self, corpus_dir: Path | None = None) -> IndexReport:
        """Validate and (re-)index a corpus; invalid corpora leave the index untouched.

        Every file is bounded by the limits of the settings (``index.limits``).
        """
        limits = Limits.from_settings(self.settings)
        return self.index_documents(load_corpus(corpus_dir or self.settings.corpus_dir, limits))

    def index_documents(self, corpus: Corpus) -> IndexReport:
        """Make the index mirror ``corpus`` and take its contact route (``assistant eval`` too).

        New text is embedded first, then written and the derived indexes rebuilt under the
        indexing lock (one run at a time); questions meanwhile are answered from the previous
        indexes and never wait (``Assistant.retrieve``).
        """
        started = time.perf_counter()
        chunks = chunk_corpus(corpus, self.settings.chunk_chars, self.settings.chunk_overlap)
        # load_corpus counted them too; a corpus built otherwise (eval passages) is checked here
        limits = Limits.from_settings(self.settings)
        too_many = chunk_problems((c.metadata["source"] for c in chunks), limits)
        if too_many:
            raise CorpusError(too_many)
        sentences = getattr(self.retriever, "sentences_of", None)  # what its view embeds
        embed_ahead(self.collection, chunks, self.embeddings, sentences=sentences)
        version = self.version

        def bump() -> None:
            if version is not None:
                version.bump()

        with self._lock:
            # bumped before the first write and after the last: other replicas update when
            # they see it, and a run killed in between leaves a version no snapshot is of
            report = index_corpus(
                corpus, chunks, self.collection, self.embeddings, started, before_write=bump
            )
            if report.added or report.removed:
                bump()
            self.refresh()
        if corpus.contact:
            self.extractive.routes.fallback = corpus.contact.fallback.model_dump()
            self.contacts.starting_point = corpus.contact.partner
        return report

    def refresh(self) -> None:
        """Reload what is derived from the index: keyword/sentence indexes, FAQ variants."""
        with self._lock:
            self._refresh()

    def follow_index(self, stop: threading.Event) -> None:
        """Until ``stop`` is set, follow index changes made by other processes.

        Replicas on one Chroma server: when the recorded version differs from the one the
        derived indexes were built from, they are rebuilt; checked every
        ``index_poll_seconds``. A failed check is logged and tried again next time.
        """
        interval = self.settings.index_poll_seconds
        if self.version is None or interval <= 0:
            return
        while not stop.wait(interval):
            try:
                if self.version.read() != self.seen_version:
                    self.refresh()
            except Exception:
                log.exception("checking the index version failed")

    def _refresh(self) -> None:
        if self.version is not None:
            # read first: a change landing during the rebuild is picked up on the next check
            self.seen_version = self.version.read()
        refresh = getattr(self.retriever, "refresh", None)
        if refresh:
            refresh(self.seen_version)
        self.faq.load(self.collection)
        partners = self.collection.get(where={"kind": "partner"}, include=["metadatas"])
        metas = partners["metadatas"]
        self.extractive.routes.load(metas)
        self.directory.load(metas)
        names = {str(m.get(k)) for m in metas for k in ("title", "short_name")}
        self.names = sorted(n for n in names if n and n != "None")
        self.gate.guard.organisations = [fold(n) for n in self.names]
        self.detect.set_names([*self.directory.spellings(), *ALLIANCE_NAMES])
        # whose private data is never given out, whatever a document says: the people named
        texts = getattr(self.retriever, "texts", None)
        if texts is None:
            texts = self.collection.get(include=["documents"])["documents"]
        self.gate.guard.people = surnames(texts)
        self.speller = QuerySpeller(texts)
        self.topics = sorted(
            {k[len("topic_") :] for m in metas for k in m if k.startswith("topic_")}
        )

    def add_document(
        self, filename: str, data: bytes, meta: dict[str, Any], who: str = "(unknown)"
    ) -> IndexReport:
        """Add an uploaded document (title, language, source in ``meta``) and index it.

        The whole corpus is validated with the new file first: a broken PDF or missing
        metadata raises ``CorpusError`` and nothing is written or indexed. If indexing fails,
        the file is removed again (``index.editing.change_corpus``). ``who`` is audited.
        """
        files = document_files(filename, data, meta)
        with self._lock:  # one change at a time: undoing one must not undo another
            return change_corpus(
                self.settings.corpus_dir,
                files,
                self.index,
                limits=Limits.from_settings(self.settings),
                who=who,
                action="add",
                journal=self.staff,
                index_validated=self.index_documents,
            )

    def corpus_file(self, rel: str) -> str:
        """The text of an editable corpus file (FAQ file or partner profile)."""
        self._check_editable(rel)
        return (self.settings.corpus_dir / rel).read_text(encoding="utf-8")

    def save_corpus_file(self, rel: str, text: str, who: str = "(unknown)") -> IndexReport:
        """Replace an editable corpus file and re-index, only if the corpus stays valid.

        If indexing fails, the old bytes are put back; ``who`` is audited.
        """
        self._check_editable(rel)
        with self._lock:
            return change_corpus(
                self.settings.corpus_dir,
                {rel: text.encode("utf-8")},
                self.index,
                replace=True,
                limits=Limits.from_settings(self.settings),
                who=who,
                action="edit",
                journal=self.staff,
                index_validated=self.index_documents,
            )

    def _check_editable(self, rel: str) -> None:
        if rel not in editable_files(self.settings.corpus_dir):
            raise CorpusError([Problem(rel, 1, "not an editable FAQ or partner file")])

    def chunk_count(self) -> int:
        """Number of chunks in the index (0 means: run ``assistant index`` first)."""
        return int(self.collection.count())


def _confident(answer: Answer, decision: Decision) -> Answer:
    """The answer with the gate's probability that the sources answer the question."""
    answer.confidence = round(decision.probability, 3)
    return answer


def _partners_under(where: dict[str, Any] | None) -> bool:
    """Whether a filter leaves partners to list: none, or one for partners or their topics.

    A filter for FAQ entries or documents asks for those, not for partners. A language filter
    leaves them all: every profile is there in both languages, and a list answer is written in
    the question's language whatever filter is set (with one, "Which partners work on
    robotics?" used to get the ordinary answer).
    """
    clauses = (where or {}).get("$and", [where] if where else [])
    return all(
        key.startswith("topic_") or key == "language" or (key == "kind" and value == "partner")
        for clause in clauses
        for key, value in clause.items()
    )
