import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CORPUS, run_cli

pytestmark = pytest.mark.e2e  # every test runs the command in a subprocess


def test_ask_json_answers_the_founding_date(real_data_dir: Path) -> None:
    result = run_cli(
        "ask",
        "--json",
        "Wann wurde die AI Alliance Aachen gegründet?",
        env={"ASSISTANT_DATA_DIR": str(real_data_dir)},
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "20. Mai 2025" in data["answer"]
    assert data["mode"] == "extractive"
    assert data["abstained"] is False
    assert data["lang"] == "de"
    assert data["citations"]
    assert all(
        (Path("corpus") / c["source"].split("#")[0]).exists()
        or (Path(__file__).parent.parent / "corpus" / c["source"].split("#")[0]).exists()
        for c in data["citations"]
    )


def test_ask_in_english_names_the_initiator(real_data_dir: Path) -> None:
    result = run_cli(
        "ask",
        "--json",
        "Who founded the AI Alliance Aachen?",
        env={"ASSISTANT_DATA_DIR": str(real_data_dir)},
    )
    data = json.loads(result.stdout)
    assert data["lang"] == "en"
    assert "City of Aachen" in data["answer"] or "Stadt Aachen" in data["answer"]
    assert data["citations"]


def test_bad_setting_exits_2_naming_the_variable(tmp_path: Path) -> None:
    result = run_cli("ask", "hello", env={"ASSISTANT_TOP_K": "lots"})
    assert result.returncode == 2
    assert "ASSISTANT_TOP_K" in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_question_exits_1_with_message(real_data_dir: Path) -> None:
    result = run_cli("ask", "  ", env={"ASSISTANT_DATA_DIR": str(real_data_dir)})
    assert result.returncode == 1
    assert "enter a question" in result.stderr


def test_index_reports_and_is_idempotent(tmp_path: Path) -> None:
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "d")}
    first = run_cli("index", "--corpus", str(FIXTURE_CORPUS), env=env)
    assert first.returncode == 0, first.stderr
    assert "0 removed" in first.stdout
    second = run_cli("index", "--corpus", str(FIXTURE_CORPUS), env=env)
    assert "0 added, 0 removed" in second.stdout


def test_corpus_check_passes_on_bundled_corpus() -> None:
    result = run_cli("corpus", "check")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_ask_with_topic_filter_names_a_matching_partner(real_data_dir: Path) -> None:
    result = run_cli(
        "ask",
        "--json",
        "--kind",
        "partner",
        "--topic",
        "hpc",
        "Who can help us with supercomputing?",
        env={"ASSISTANT_DATA_DIR": str(real_data_dir)},
    )
    data = json.loads(result.stdout)
    assert data["citations"]
    assert {c["source"] for c in data["citations"]} <= {
        "partners/juelich-supercomputing-centre.yaml",
        "partners/forschungszentrum-juelich.yaml",
        "partners/jupiter-ai-factory.yaml",
        "partners/rwth-ai-center.yaml",
    }
    assert "Jülich" in data["answer"]


def test_feedback_command_lists_unanswered_and_disliked(tmp_path: Path) -> None:
    from assistant.feedback import FeedbackLog
    from assistant.models import Answer

    log = FeedbackLog(tmp_path / "feedback.sqlite")
    log.record("Gibt es eine Mitgliederliste?", Answer(answer="?", abstained=True))
    rated = log.record("Wer leitet es?", Answer(answer="Die Stadt."))
    log.rate(rated, helpful=False, comment="falsch")
    env = {"ASSISTANT_DATA_DIR": str(tmp_path)}
    data = json.loads(run_cli("feedback", "--json", env=env).stdout)
    assert data["summary"] == {"questions": 2, "abstained": 1, "helpful": 0, "unhelpful": 1}
    assert data["unanswered"][0]["question"] == "Gibt es eine Mitgliederliste?"
    assert data["disliked"][0]["comment"] == "falsch"
    text = run_cli("feedback", env=env).stdout
    assert "Gibt es eine Mitgliederliste?" in text and "comment: falsch" in text


def test_ask_with_endpoint_down_says_why_it_is_extractive(real_data_dir: Path) -> None:
    env = {
        "ASSISTANT_DATA_DIR": str(real_data_dir),
        "ASSISTANT_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "ASSISTANT_LLM_MODEL": "any",
        "ASSISTANT_LLM_TIMEOUT": "5",
    }
    # an ordinary question (a list of the units of FH Aachen would not reach the model)
    result = run_cli("ask", "Woran forscht das MASKOR-Institut der FH Aachen?", env=env)
    assert result.returncode == 0, result.stderr
    assert "unreachable" in result.stderr
    assert "MASKOR" in result.stdout
