"""Processes the end-to-end tests start as a user would: ``assistant serve`` in its own process.

One helper instead of a start-and-wait loop in every test module that needs a real server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import ROOT


def free_port() -> int:
    """A port nothing listens on right now (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
