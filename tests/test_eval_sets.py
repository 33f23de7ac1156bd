"""The evaluation sets: format, the dev/test split rule, frozen test files, real sources.

The test splits were frozen on 2026-11-27 before any tuning of the answer gate: their hashes
below may only change together with a note in ``corpus/eval/README.md`` saying why (a label
fixed after review, never a question moved or dropped to flatter a figure).
"""

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.evalsets import split_of
from index.loaders import load_corpus
from tests.conftest import REAL_CORPUS

EVAL = REAL_CORPUS / "eval"
SETS = ("gold", "out-of-domain", "partners")
FROZEN_TEST_SHA256 = {
    "gold-test.jsonl": "8d8033f6b1cabd90c9bcd4242d88e84ea50926aea9c2233f3f68ffaf6aa20de8",
    "out-of-domain-test.jsonl": "71a8d980db734f42581b35651e4b7198f027c361c7ccea6b10cd3ec2a98e2847",
    "partners-test.jsonl": "843cecb69fdade54abf4cea5d748d0729b5719362063709b124c7cb27d416668",
}


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("name", SETS)
def test_every_question_is_on_the_side_its_family_hashes_to(name: str) -> None:
    for split in ("dev", "test"):
        for q in rows(EVAL / f"{name}-{split}.jsonl"):
            assert split_of(q["family"]) == split, (name, q["id"])


@pytest.mark.parametrize("filename", sorted(FROZEN_TEST_SHA256))
def test_test_splits_are_frozen(filename: str) -> None:
    digest = hashlib.sha256((EVAL / filename).read_bytes()).hexdigest()
    assert digest == FROZEN_TEST_SHA256[filename]


def test_gold_set_size_balance_and_families() -> None:
    gold = rows(EVAL / "gold-dev.jsonl") + rows(EVAL / "gold-test.jsonl")
    assert len(gold) >= 300
    assert len({q["id"] for q in gold}) == len(gold)
    unanswerable = [q for q in gold if not q["answerable"]]
    assert len(unanswerable) >= 100
    kinds = Counter(q["unanswerable_kind"].split(":")[0] for q in unanswerable)
    assert kinds["near-miss"] >= 60 and kinds["personal data"] >= 20
    assert kinds["out of domain"] >= 20
    langs = Counter(q["lang"] for q in gold)
    assert min(langs.values()) >= 0.4 * len(gold)
    families = Counter(q["family"] for q in gold if q["answerable"])
    assert sum(n >= 3 for n in families.values()) >= 50  # each fact asked 3+ ways


def test_out_of_domain_set_size() -> None:
    ood = rows(EVAL / "out-of-domain-dev.jsonl") + rows(EVAL / "out-of-domain-test.jsonl")
    assert len(ood) >= 150
    assert not any(q["answerable"] for q in ood)
    assert {q["lang"] for q in ood} == {"de", "en"}


def test_eval_sets_reference_only_existing_sources() -> None:
    sources = {d.source for d in load_corpus(REAL_CORPUS).documents}
    partners = {p.stem for p in (REAL_CORPUS / "partners").glob("*.yaml")}
    for name in SETS:
        for split in ("dev", "test"):
            for q in rows(EVAL / f"{name}-{split}.jsonl"):
                if q["answerable"] and name == "gold":
                    assert q["passage_ids"] and q["answers"], q["id"]
                for pid in q["passage_ids"]:
                    assert pid in sources, (q["id"], pid)
                for pid in q.get("expected_partners", []) + q.get("acceptable_partners", []):
                    assert pid in partners, (q["id"], pid)
