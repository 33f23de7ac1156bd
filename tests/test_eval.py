"""`assistant eval` on any data in the documented format, and the XQuAD converter."""

import json
from pathlib import Path

import pytest

from assistant.retrieve.hit import Hit
from assistant.scoring import gold_rank, ranked_sources, retrieval_scores
from benchmarks.xquad import convert
from index.validation import CorpusError
from tests.conftest import run_cli

PASSAGES = [
    {
        "id": "p1",
        "title": "Rathaus",
        "text": "Das Rathaus von Musterstadt wurde 1350 gebaut. "
        "Im Ratssaal tagt der Stadtrat jeden Donnerstag.",
    },
    {
        "id": "p2",
        "title": "Hochschule",
        "text": "Die Hochschule Musterstadt betreibt ein "
        "Hochleistungsrechenzentrum mit Grafikprozessoren für das Training von Sprachmodellen.",
    },
    {
        "id": "p3",
        "title": "Bäckerei",
        "text": "Die Bäckerei am Markt backt jeden Morgen "
        "Roggenbrot und Brötchen aus regionalem Getreide.",
    },
]
QUESTIONS = [
    {
        "id": "q1",
        "question": "Wann wurde das Rathaus gebaut?",
        "passage_ids": ["p1"],
        "answers": ["1350"],
        "lang": "de",
    },
    {
        "id": "q2",
        "question": "Where are language models trained?",
        "passage_ids": ["p2"],
        "lang": "en",
    },
    {
        "id": "q3",
        "question": "Welche Brotsorte backt die Bäckerei?",
        "passage_ids": ["p3"],
        "answers": ["Roggenbrot"],
        "lang": "de",
    },
    {
        "id": "q4",
        "question": "Wie hoch ist der Mitgliedsbeitrag im Schachverein?",
        "answerable": False,
        "lang": "de",
    },
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def run_eval_cli(tmp_path: Path, *extra: str):
    """`assistant eval --json` on the small data above, as a user would run it."""
    passages = write_jsonl(tmp_path / "p.jsonl", PASSAGES)
    questions = write_jsonl(tmp_path / "q.jsonl", QUESTIONS)
    return run_cli(
        "eval",
        "--passages",
        str(passages),
        "--questions",
        str(questions),
        "--json",
        *extra,
        env={"ASSISTANT_DATA_DIR": str(tmp_path / "d")},
    )


@pytest.mark.e2e
def test_eval_json_has_the_documented_keys(tmp_path: Path) -> None:
    result = run_eval_cli(tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"n", "hit@1", "hit@5", "mrr@10", "by_lang", "latency_ms", "abstention"} <= set(report)
    assert report["n"] == 3
    assert set(report["by_lang"]) == {"de", "en"}
    assert {"n", "hit@1", "hit@5", "mrr@10"} <= set(report["by_lang"]["de"])
    assert {"p50", "p95"} <= set(report["latency_ms"])
    assert report["hit@1"] == 1.0  # three distinct topics: anything less is a real regression
    assert report["abstention"]["unanswerable"] == 1
    assert report["abstention"]["abstained_unanswerable"] == 1.0
    assert report["answers"]["fact_hit"] == 1.0
    assert report["answers"]["fact_cited"] == 1.0
    assert report["abstention"]["by_kind"] == {"unanswerable": {"n": 1, "abstained": 1.0}}
    assert sum(report["abstention"]["reasons"].values()) >= 1
    assert set(report["abstention"]["abstained_answerable_by_lang"]) == {"de", "en"}
    assert not (tmp_path / "d" / "derived").exists()  # a throw-away index leaves no snapshot


def test_a_fact_counts_as_cited_only_in_text_a_valid_marker_cites() -> None:
    from assistant.models import Answer, Citation
    from assistant.scoring import fact_cited

    cite = Citation(n=1, source="s", title="t", snippet="x")
    assert fact_cited(
        Answer(answer="Gegründet am 20. Mai 2025. [1]", citations=[cite]), ["20. Mai"]
    )
    assert not fact_cited(
        Answer(answer="A [1]. Gegründet am 20. Mai 2025.", citations=[cite]), ["20. Mai"]
    )
    assert not fact_cited(
        Answer(answer="Gegründet am 20. Mai 2025 [2]", citations=[cite]), ["20. Mai"]
    )


@pytest.mark.e2e
@pytest.mark.parametrize("retriever", ["dense", "baseline"])
def test_eval_compares_retrievers(tmp_path: Path, retriever: str) -> None:
    result = run_eval_cli(tmp_path, "--retriever", retriever)
    assert json.loads(result.stdout)["retriever"] == retriever


@pytest.mark.e2e
def test_bad_eval_line_is_reported_with_its_line(tmp_path: Path) -> None:
    passages = write_jsonl(tmp_path / "p.jsonl", PASSAGES)
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "q1", "question": "ok?", "passage_ids": ["p1"]}\n{"id": "q2"\n')
    result = run_cli(
        "eval",
        "--passages",
        str(passages),
        "--questions",
        str(bad),
        env={"ASSISTANT_DATA_DIR": str(tmp_path / "d")},
    )
    assert result.returncode == 1
    assert f"{bad}:2: invalid JSON" in result.stderr


def test_metrics_count_each_passage_once() -> None:
    hits = [
        Hit("a", "", 0.9, source="p2"),
        Hit("b", "", 0.8, source="p2"),
        Hit("c", "", 0.7, source="p1"),
    ]
    assert ranked_sources(hits) == ["p2", "p1"]
    assert gold_rank(["p1"], ranked_sources(hits)) == 2
    scores = retrieval_scores([1, 2, None, 6])
    assert scores == {
        "n": 4,
        "hit@1": 0.25,
        "hit@5": 0.5,
        "mrr@10": round((1 + 0.5 + 1 / 6) / 4, 4),
    }


def test_xquad_converter_asks_each_question_in_both_languages(tmp_path: Path) -> None:
    def squad(question: str, context: str, answer: str) -> dict:
        return {
            "data": [
                {
                    "title": "T",
                    "paragraphs": [
                        {
                            "context": context,
                            "qas": [
                                {
                                    "id": "x1",
                                    "question": question,
                                    "answers": [{"text": answer, "answer_start": 0}],
                                }
                            ],
                        }
                    ],
                }
            ]
        }

    src = tmp_path / "xquad"
    src.mkdir()
    (src / "xquad.de.json").write_text(json.dumps(squad("Wer?", "Anna baut.", "Anna")))
    (src / "xquad.en.json").write_text(json.dumps(squad("Who?", "Anna builds.", "Anna")))
    passages, questions = convert(src, tmp_path / "out")
    assert json.loads(passages.read_text()) == {
        "id": "xq-00-00",
        "title": "T",
        "text": "Anna baut.",
    }
    rows = [json.loads(line) for line in questions.read_text().splitlines()]
    assert [(r["id"], r["question"], r["lang"]) for r in rows] == [
        ("x1-de", "Wer?", "de"),
        ("x1-en", "Who?", "en"),
    ]
    assert all(r["passage_ids"] == ["xq-00-00"] for r in rows)


def test_read_jsonl_rejects_empty_files(tmp_path: Path) -> None:
    from assistant.evaluation import EvalQuestion, read_jsonl

    empty = tmp_path / "e.jsonl"
    empty.write_text("\n")
    with pytest.raises(CorpusError, match="no records"):
        read_jsonl(empty, EvalQuestion)


def test_unsupported_citations_are_counted() -> None:
    from assistant.evaluation import unsupported_citations
    from assistant.models import Answer, Citation

    texts = {"a.md": "Die Allianz wurde am 20. Mai 2025 gegründet. Sie ist offen."}
    cite = Citation(n=1, source="a.md", title="A", snippet="x")
    good = Answer(
        answer="Laut Wissensbasis:\n\n- Die Allianz wurde am 20. Mai 2025 "
        "gegründet. [1]\n- Partner X: Sie ist offen. [1]",
        citations=[cite],
    )
    assert unsupported_citations(good, lambda s: texts.get(s, "")) == 0
    bad = Answer(
        answer="- Die Mitgliedschaft kostet 500 Euro. [1]\n- Sie ist offen. [2]", citations=[cite]
    )
    assert unsupported_citations(bad, lambda s: texts.get(s, "")) == 2


def test_list_answer_lines_are_checked_against_their_profiles() -> None:
    from assistant.evaluation import unsupported_citations
    from assistant.models import Answer, Citation

    texts = {"p/x.yaml": "X (FH) baut Roboter. Sie forscht zu RoboCup."}
    cite = Citation(n=1, source="p/x.yaml", title="X", snippet="x")
    line = "1. X (FH) (Institut): {why}. Kontakt: https://x.example [1]"
    quoted = "X (FH) baut Roboter – Sie forscht zu RoboCup"

    def count(why: str) -> int:
        answer = Answer(answer=line.format(why=why), citations=[cite], partners=["x"])
        return unsupported_citations(answer, lambda s: texts.get(s, ""))

    assert count(quoted) == 0
    assert count("Themen: Robotik") == 0  # a listed topic, not a quote
    assert count("X (FH) baut Roboter – Sie hat 500 Mitarbeitende") == 1
    # a line naming no sentence, whose contact route holds "): ", quotes nothing
    kind_only = "1. X (Institut). Kontakt: Postfach (Stand 2020, bitte prüfen): x@example.org [1]"
    assert (
        unsupported_citations(
            Answer(answer=kind_only, citations=[cite], partners=["x"]), lambda s: texts.get(s, "")
        )
        == 0
    )
