"""The evaluation sets' one rule for which questions may be tuned on.

A question belongs to ``test`` or ``dev`` by a hash of its ``family`` (the fact it asks), so
paraphrases of one fact never straddle the split and the split cannot be edited by hand to
flatter a figure. ``SALT`` was fixed before any tuning (2026-11-27) and must never change.
"""

from __future__ import annotations

import hashlib
from typing import Literal

SALT = "aaa-gold-2026-11-27"
Split = Literal["dev", "test"]


def split_of(family: str) -> Split:
    """``"test"`` for about half of all families, ``"dev"`` for the rest, fixed forever."""
    digest = hashlib.sha256(f"{SALT}:{family}".encode()).digest()
    return "test" if digest[0] % 2 else "dev"
