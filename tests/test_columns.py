"""The view's columns on disk: what is written is read back, copied runs stay intact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.retrieve import columns
from assistant.retrieve.columns import (
    Blob,
    MatrixWriter,
    Postings,
    Records,
    Strings,
    StringsWriter,
    open_matrix,
    open_strings,
    runs,
)

WORDS = ["", "Größe", "Aachen €", "x" * 50, "Jülich\nzwei Zeilen", "ß" * 7, "end"]


def written(path: Path, strings: list[str]) -> Strings:
    writer = StringsWriter(path)
    writer.extend(strings)
    writer.close()
    return open_strings(path)


def test_strings_round_trip_by_index_slice_run_and_iteration(tmp_path: Path) -> None:
    packed = written(tmp_path / "words", WORDS)
    assert len(packed) == len(WORDS)
    assert [packed[i] for i in range(len(WORDS))] == WORDS
    assert packed[-1] == "end" and packed[1:4] == WORDS[1:4] and packed[::2] == WORDS[::2]
    assert packed.run(2, 5) == WORDS[2:5] and packed.run(3, 3) == []
    assert list(packed) == WORDS
    with pytest.raises(IndexError):
        packed[len(WORDS)]


def test_copied_runs_equal_the_source_across_block_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns, "BLOCK_BYTES", 16)  # many blocks, one string longer than one
    source = written(tmp_path / "source", WORDS * 3)
    assert list(source) == WORDS * 3
    writer = StringsWriter(tmp_path / "copy")
    writer.copy(source, 2, 9)
    writer.extend(["neu"])
    writer.copy(source, 15, 21)
    writer.close()
    assert list(open_strings(tmp_path / "copy")) == [*(WORDS * 3)[2:9], "neu", *(WORDS * 3)[15:21]]


def test_matrix_rows_copied_in_blocks_keep_their_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns, "BLOCK_BYTES", 20)  # 2 rows of 3 float32 per block
    rows = np.arange(30, dtype=np.float32).reshape(10, 3)
    first = MatrixWriter(tmp_path / "first", np.float32)
    first.append(rows)
    source = open_matrix(tmp_path / "first", first.close())
    assert np.array_equal(source.block(0, 10), rows) and np.array_equal(source.row(7), rows[7])
    copy = MatrixWriter(tmp_path / "copy", np.float16)
    copy.copy(source, 1, 8)
    copy.append(np.ones((1, 3)))
    copied = open_matrix(tmp_path / "copy", copy.close())
    assert copied.block(0, 8).dtype == np.float16
    assert np.array_equal(copied.block(0, 8), np.vstack([rows[1:8], np.ones((1, 3))]))
    with pytest.raises(ValueError, match="rows of 4 values"):
        copy.append(np.ones((1, 4)))


def test_a_short_file_is_refused_when_opened(tmp_path: Path) -> None:
    written(tmp_path / "words", WORDS)
    data = (tmp_path / "words.bin").read_bytes()
    (tmp_path / "words.bin").write_bytes(data[:-2])
    with pytest.raises(ValueError, match="expected"):
        open_strings(tmp_path / "words")
    matrix = MatrixWriter(tmp_path / "m", np.float32)
    matrix.append(np.ones((4, 2)))
    shape = matrix.close()
    (tmp_path / "m.bin").write_bytes(b"\0" * 8)
    with pytest.raises(ValueError, match="expected"):
        open_matrix(tmp_path / "m", shape)


def test_open_columns_stay_readable_after_their_files_are_deleted(tmp_path: Path) -> None:
    """A question holding the previous view reads on while a newer one replaces its folder."""
    packed = written(tmp_path / "words", WORDS)
    (tmp_path / "words.bin").unlink()
    assert packed[4] == "Jülich\nzwei Zeilen"


def test_records_and_postings() -> None:
    records = Records.of([{"kind": "partner", "title": "Jülich"}, {}])
    assert records[0] == {"kind": "partner", "title": "Jülich"} and records[1] == {}
    assert records[0] is not records[0]  # each read is a new dict: a caller may change it
    docs = np.array([0, 4, 2, 3], dtype=np.int32)
    counts = np.array([1, 2, 1, 5], dtype=np.float32)
    postings = Postings(
        {"robot": 0, "hpc": 1}, np.array([0, 2, 4]), Blob(docs.tobytes()), Blob(counts.tobytes())
    )
    assert "hpc" in postings and "wetter" not in postings and list(postings) == ["robot", "hpc"]
    found_docs, found_counts = postings["hpc"]
    assert found_docs.tolist() == [2, 3] and found_counts.tolist() == [1.0, 5.0]


def test_runs_of_positions() -> None:
    assert runs([1, 2, 3, 7, 9, 10]) == [(1, 4), (7, 8), (9, 11)]
    assert runs([]) == []
