"""Processes the end-to-end tests start as a user would: ``assistant serve`` and ``chroma run``.

One helper each instead of a start-and-wait loop in every test module that needs a server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.answer.local_llm import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def chroma_run(path: Path, log_path: Path) -> Iterator[int]:
    """``chroma run`` (shipped with chromadb) on a free port over ``path``; yields the port."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                    break
                except httpx.TransportError:
                    if proc.poll() is not None:
                        pytest.fail(f"chroma run exited early; see {log_path}")
                    if time.monotonic() > deadline:
                        pytest.fail("chroma run did not start within 60 s")
                    time.sleep(0.3)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@dataclass
class Served:
    """A running ``assistant serve``: its base URL, and its output once it has stopped."""

    url: str
    process: subprocess.Popen[str]
    output: str = ""


@contextmanager
def assistant_serve(
    data_dir: Path, env: dict[str, str] | None = None, start_timeout: float = 120
) -> Iterator[Served]:
    """``python -m assistant.cli --data-dir DATA serve --no-index`` on a free port.

    Waits until ``/v1/models`` answers, yields, then terminates the process and keeps what
    it printed in ``Served.output``.
    """
    port = free_port()
    command = [sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir)]
    command += ["serve", "--no-index", "--port", str(port)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "ASSISTANT_FEEDBACK": "false", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read() if process.stdout else "exited")
            try:
                if httpx.get(f"{served.url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("assistant serve did not start")
            time.sleep(0.5)
        yield served
    finally:
        process.terminate()
        served.output, _ = process.communicate(timeout=30)
