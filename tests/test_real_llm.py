"""The LLM mode with a real model: SmolLM2-135M served in-process by llama.cpp.

SmolLM2 is far too small to answer well (it rambles and invents), which is what these tests
need: real tokens from a real tokenizer, streamed over real HTTP through the real ``openai``
client, and real output for the attribution to check. They test the plumbing and the checks,
never the model's knowledge: whatever it writes, no sentence may reach the reader uncited.
The fake server (``tests/fakes``) stays for faults a real model cannot produce on demand.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.wiring import build_assistant
from tests.conftest import make_settings

QUESTION = "Wann wurde das Testnetzwerk Musterstadt gegründet?"
CITED = r"\[\d+\][.!?]?$"


@pytest.fixture(scope="module")
def corpus_for_llm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import FIXTURE_CORPUS

    target = tmp_path_factory.mktemp("llm") / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target


@pytest.fixture
def real_llm(
    smollm2_gguf: Path, corpus_for_llm: Path, tmp_path: Path, embeddings: CachedEmbeddings
) -> Iterator[object]:
    def make(timeout: float = 60.0) -> Assistant:
        settings = make_settings(
            tmp_path,
            corpus_for_llm,
            llm_gguf=smollm2_gguf,
            llm_timeout=timeout,
            llm_threads=2,
            llm_context=2048,
            llm_max_tokens=64,
        )
        assistant = build_assistant(settings, embeddings)
        assistant.index()
        return assistant

    yield make


def test_tokens_stream_and_the_final_answer_is_checked(real_llm) -> None:
    import re

    assistant = real_llm()
    assert assistant.mode == "llm"
    steps = list(assistant.ask_stream(QUESTION))
    partial = [s for s in steps[:-1] if s.mode == "llm" and not s.citations]
    assert len(partial) >= 2  # real tokens arrived one by one before the final answer
    assert all(len(a.answer) <= len(b.answer) for a, b in zip(partial, partial[1:], strict=False))
    final = steps[-1]
    generation = final.generation
    assert generation is not None and generation.tokens >= 2
    assert generation.first_token_ms is not None and generation.first_token_ms > 0
    if final.mode == "llm" and not final.abstained:
        # kept: every sentence ends with the citation of the source sentence supporting it
        segments = re.split(r"(?<=\])[.!?]?\s+", final.answer.strip())
        assert all(re.search(CITED, segment) for segment in segments), final.answer
        assert len(final.citations) == len(set(re.findall(r"\[(\d+)\]", final.answer)))
    else:  # or not used: then the extractive answer, and the reason says why
        assert final.mode == "extractive" and final.notice or final.abstained


def test_attribution_on_real_output_cites_only_what_the_sources_support(real_llm) -> None:
    assistant = real_llm()
    evidence, _ = assistant.judge(QUESTION, "de")
    from assistant.answer.prompts import compact_sources

    sources = compact_sources(evidence)
    assert sources
    assert assistant.llm is not None
    from assistant.models import Generation

    stats = Generation()
    text = list(assistant.llm.stream(QUESTION, sources, "de", stats))[-1]
    checked = assistant.llm.attributor.attribute(text, sources)
    shown = {s for source in sources for s in source.sentences}
    assert checked.supported <= checked.claims
    assert all(c.snippet in shown for c in checked.citations)  # cited what the model was shown
    assert all(removed not in checked.text for removed in checked.removed)


def test_a_follow_up_is_rewritten_by_the_model(real_llm) -> None:
    from assistant.conversation import condense

    assistant = real_llm()
    rewritten = assistant.standalone("und wo war das?", [QUESTION])
    assert rewritten and len(rewritten) <= 500
    assert rewritten != condense("und wo war das?", [QUESTION], assistant.names)  # the model's


def test_a_model_slower_than_the_timeout_gives_the_extractive_answer(real_llm) -> None:
    final = real_llm(timeout=0.05).ask(QUESTION)
    assert final.mode == "extractive" and "timeout" in (final.notice or "")
    assert "3. März 2024" in final.answer
