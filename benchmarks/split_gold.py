"""Split evaluation questions into ``dev`` and ``test`` by fact, once, reproducibly.

Every question carries a ``family``: the fact it asks (all its paraphrases share it). The split
depends only on the family name (a hash), so all paraphrases of one fact land on the same side,
nobody can move a question to flatter a figure, and ``tests/test_eval_sets.py`` checks the rule
on the committed files. Fit and choose on ``dev`` only; ``test`` is reported, never tuned on.

    python -m benchmarks.split_gold OUT_PREFIX INPUT.jsonl [INPUT.jsonl ...]

writes ``OUT_PREFIX-dev.jsonl`` and ``OUT_PREFIX-test.jsonl``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.evalsets import split_of


def split(inputs: list[Path], prefix: str) -> dict[str, int]:
    """Write the dev and test files; return how many questions each got."""
    rows = [
        json.loads(line)
        for path in inputs
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    out: dict[str, list[str]] = {"dev": [], "test": []}
    for row in rows:
        out[split_of(row["family"])].append(json.dumps(row, ensure_ascii=False))
    for name, lines in out.items():
        Path(f"{prefix}-{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {name: len(lines) for name, lines in out.items()}


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    print(split([Path(p) for p in sys.argv[2:]], sys.argv[1]))
