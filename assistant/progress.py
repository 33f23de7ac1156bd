"""The progress bar of long indexing runs (``assistant index``), drawn with tqdm.

Embedding is the slow part of indexing (5-8 passages a second on 2 cores, ARCHITECTURE.md):
10,000 new chunks are 20 to 35 minutes of it, before their sentences. The indexer reports
``on_progress(done, total, stage)`` (``index.indexer``); this turns it into one bar per stage.
"""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm

STAGES = {"embed": "embedding chunks", "sentences": "embedding sentences", "write": "writing"}


class ProgressBar:
    """``on_progress(done, total, stage)`` of the indexer as one tqdm bar per stage.

    On stderr, and only at a terminal unless ``disable`` says otherwise (a log file gets
    the one summary line, not a bar redrawn a hundred times).
    """

    def __init__(self, file: Any = None, disable: bool | None = None) -> None:
        self.file = file if file is not None else sys.stderr
        self.disable = disable
        self._bar: Any = None
        self._stage = ""

    def __call__(self, done: int, total: int, stage: str) -> None:
        """Move the bar of ``stage`` to ``done`` of ``total`` (a new stage: a new bar)."""
        if self._bar is None or stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = tqdm(
                total=total,
                desc=STAGES.get(stage, stage),
                unit=" texts" if stage != "write" else " chunks",
                file=self.file,
                disable=self.disable,
                leave=True,
            )
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        """End the current bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
