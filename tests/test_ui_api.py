"""End to end through the Gradio API: start the real app, ask with gradio_client."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.feedback import FeedbackLog
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from tests.conftest import REAL_CORPUS
from ui.app import build_ui
from ui.style import page_options


@pytest.fixture(scope="module")
def app_url(real_data_dir: Path) -> Iterator[str]:
    settings = load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS)
    demo = build_ui(build_assistant(settings))
    _, url, _ = demo.queue().launch(
        prevent_thread_lock=True,
        server_name="127.0.0.1",
        server_port=None,
        quiet=True,
        **page_options(),
    )
    yield url
    demo.close()


def test_ask_endpoint_returns_the_contract(app_url: str) -> None:
    client = Client(app_url, verbose=False)
    data = client.predict("Wann wurde die AI Alliance Aachen gegründet?", api_name="/ask")
    assert "20. Mai 2025" in data["answer"]
    assert data["citations"][0]["source"].split("/")[0] in ("documents", "faq", "partners")
    assert data["mode"] == "extractive"


def test_ask_endpoint_reports_bad_input(app_url: str) -> None:
    client = Client(app_url, verbose=False)
    data = client.predict("", api_name="/ask")
    assert "enter a question" in data["error"]


def test_ask_endpoint_takes_the_conversation(app_url: str) -> None:
    client = Client(app_url, verbose=False)
    data = client.predict(
        "und wer leitet das?", ["Was ist das KI-Center der RWTH?"], api_name="/ask"
    )
    assert "Hoos" in data["answer"]


def test_ask_endpoint_filters_by_topic(app_url: str) -> None:
    client = Client(app_url, verbose=False)
    data = client.predict(
        "Wer arbeitet an diesem Thema in der Region?",
        [],
        "partner",
        "robotics",
        None,
        api_name="/ask",
    )
    assert data["citations"]
    assert all(c["source"].startswith("partners/") for c in data["citations"])


def test_api_questions_are_recorded_for_staff(app_url: str, real_data_dir: Path) -> None:
    question = "Wie lautet die Telefonnummer des Testlabors Nirgendwo?"
    data = Client(app_url, verbose=False).predict(question, api_name="/ask")
    assert data["abstained"]
    unanswered = FeedbackLog(real_data_dir / "feedback.sqlite").unanswered()
    assert question in [row["question"] for row in unanswered]


def test_partners_endpoint_searches_the_directory(app_url: str) -> None:
    client = Client(app_url, verbose=False)
    hpc = client.predict("Supercomputer", api_name="/partners")["partners"]
    assert "juelich-supercomputing-centre" in [c["id"] for c in hpc]
    card = hpc[0]
    assert {"name", "kind", "founding_partner", "topics", "description", "website"} <= set(card)
    assert {"contact_routes", "unknown", "sources", "last_verified", "source"} <= set(card)
    universities = client.predict("", "university", "", False, "en", api_name="/partners")
    assert {c["id"] for c in universities["partners"]} == {"rwth-aachen", "fh-aachen"}
    assert universities["partners"][0]["kind_label"] == "University"
    founders = client.predict("", "", "", True, "de", api_name="/partners")["partners"]
    assert len(founders) == 5 and all(c["founding_partner"] for c in founders)
    robotics = client.predict("", "", "robotics", False, "de", api_name="/partners")["partners"]
    assert {"rwth-aachen", "fh-aachen-maskor", "ai-village-huerth"} <= {c["id"] for c in robotics}
    assert client.predict("Bildverarbeitung", api_name="/partners")["partners"] == []
    bad = client.predict("", '{"$ne": 1}', api_name="/partners")
    assert "kind: unknown" in bad["error"]


def test_only_ask_and_partners_are_offered_as_an_api(app_url: str) -> None:
    """Chat, rating and staff callbacks are not endpoints a client can call."""
    api = Client(app_url, verbose=False).view_api(print_info=False, return_format="dict")
    assert sorted(api["named_endpoints"]) == ["/ask", "/partners"]
    assert not api["unnamed_endpoints"]
