"""A GGUF model inside the assistant: llama.cpp (``xllamacpp``) serving it on localhost.

``ASSISTANT_LLM_GGUF=/path/model.gguf`` gives generated answers with no API key, no download at
run time and no second process: llama.cpp's server runs in this process's threads and speaks
the same OpenAI-compatible protocol as Ollama or vLLM, so the rest of the LLM mode (the real
``openai`` client through ``langchain-openai``) is the same code for both.

``xllamacpp`` is the optional extra ``local-llm`` (``pip install -e '.[local-llm]'``): a
prebuilt CPU build of llama.cpp, 34 MB, from the package registry.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any


class LocalModelError(RuntimeError):
    """The GGUF model cannot be served (missing extra, missing or unreadable file)."""


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalModel:
    """A GGUF file served by llama.cpp in this process; ``base_url`` is for the client."""

    def __init__(self, path: Path, threads: int | None = None, context: int = 4096) -> None:
        if not path.is_file():
            raise LocalModelError(f"ASSISTANT_LLM_GGUF: no such file {path}")
        try:
            import xllamacpp
        except ImportError:
            raise LocalModelError(
                "ASSISTANT_LLM_GGUF needs the optional extra: pip install -e '.[local-llm]'"
            ) from None
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = context
        params.n_parallel = 1
        params.cpuparams.n_threads = threads or os.cpu_count() or 2
        params.cpuparams_batch.n_threads = params.cpuparams.n_threads
        params.hostnames = ["127.0.0.1"]
        params.port = free_port()
        params.verbosity = -1  # llama.cpp's per-request timing lines are not for the user
        self.path = path
        self.port = params.port
        self._server: Any = xllamacpp.Server(params)  # loads the model, starts serving

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible endpoint of the model."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def name(self) -> str:
        """The model's name for the UI and the ``model`` field of requests."""
        return self.path.stem
