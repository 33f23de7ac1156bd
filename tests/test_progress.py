"""Indexing reports its progress (the CLI's bar) without changing what it indexes."""

from pathlib import Path

from assistant.embeddings import CachedEmbeddings
from assistant.wiring import build_assistant
from index.indexer import PROGRESS_BATCH, reporting_progress
from tests.conftest import make_settings


def test_indexing_reports_progress_per_stage_and_indexes_the_same(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings
) -> None:
    calls: list[tuple[int, int, str]] = []
    quiet = build_assistant(make_settings(tmp_path / "a", corpus_copy), embeddings)
    reporting = build_assistant(make_settings(tmp_path / "b", corpus_copy), embeddings)
    plain = quiet.index()
    with reporting_progress(lambda done, total, stage: calls.append((done, total, stage))):
        report = reporting.index()
    assert (report.added, report.chunks) == (plain.added, plain.chunks)
    ids = set(quiet.collection.get(include=[])["ids"])
    assert set(reporting.collection.get(include=[])["ids"]) == ids
    stages = [stage for _, _, stage in calls]
    assert stages.index("embed") < stages.index("sentences") < stages.index("write")
    for stage in ("embed", "sentences", "write"):
        seen = [(done, total) for done, total, s in calls if s == stage]
        totals = {total for _, total in seen}
        assert len(totals) == 1
        dones = [done for done, _ in seen]
        assert dones == sorted(dones) and dones[-1] == totals.pop()
        steps = [b - a for a, b in zip(dones, dones[1:], strict=False)]
        assert all(step <= max(PROGRESS_BATCH, 500) for step in steps)
    assert [t for _, t, s in calls if s == "embed"][0] == report.added
    # an unchanged corpus embeds nothing, and says nothing about embedding
    calls.clear()
    with reporting_progress(lambda done, total, stage: calls.append((done, total, stage))):
        again = reporting.index()
    assert again.added == 0 and calls == []
