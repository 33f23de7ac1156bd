"""The gold question set: format, balance, and references only to sources that exist."""

import json
from collections import Counter

from index.loaders import load_corpus
from tests.conftest import REAL_CORPUS

GOLD = REAL_CORPUS / "eval" / "questions.jsonl"


def load_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def test_gold_set_size_and_balance() -> None:
    gold = load_gold()
    assert len(gold) >= 80
    langs = Counter(q["lang"] for q in gold)
    assert abs(langs["de"] - langs["en"]) <= 2
    assert {q["audience"] for q in gold} == {"newcomer", "company", "staff"}
    unanswerable = [q for q in gold if q["answerable"] is False]
    assert len(unanswerable) >= 20
    assert sum("near-miss" in q["unanswerable_kind"] for q in unanswerable) >= 15
    assert len({q["id"] for q in gold}) == len(gold)


def test_gold_set_references_only_existing_sources() -> None:
    sources = {d.source for d in load_corpus(REAL_CORPUS).documents}
    for q in load_gold():
        if q["answerable"]:
            assert q["passage_ids"], q["id"]
            assert q["answers"], q["id"]
        for pid in q["passage_ids"]:
            assert pid in sources, (q["id"], pid)
