"""The staff loop in a real browser: from an unanswered question to a live FAQ answer, and the
stale list's "mark verified". Screenshots of each staff view go to docs/screenshots/."""

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.embeddings import CachedEmbeddings
from assistant.pipeline import Assistant
from assistant.wiring import build_assistant
from tests.conftest import make_settings
from tests.test_browser import AXE, RUN_AXE, SETTLED
from ui.app import build_ui
from ui.style import page_options

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ASKED = ["Gibt es einen Newsletter des Testnetzwerks?", "Hat das Testnetzwerk einen Newsletter?"]
ANOTHER_WORDING = "Verschickt das Testnetzwerk einen Newsletter?"
VIEWS = [
    "FAQ-Einträge / FAQ entries",
    "Partnerprofile / partner profiles",
    "Veraltet / stale",
    "Was gefragt wird / what people ask",
]


@pytest.fixture
def staffed(tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings) -> Assistant:
    faq = corpus_copy / "faq" / "general.yaml"
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text.replace("valid_until: 2030-12-31", "valid_until: 2020-01-31", 1), "utf-8")
    assistant = build_assistant(
        make_settings(tmp_path, corpus_copy, staff_password="geheim"), embeddings
    )
    assistant.index()
    return assistant


@pytest.fixture
def page_of(browser: Any, staffed: Assistant) -> Iterator[Any]:
    demo = build_ui(staffed)
    _, url, _ = demo.queue().launch(
        prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, **page_options()
    )
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url)
    try:
        yield page
    finally:
        page.close()
        demo.close()


def ask(page: Any, question: str, wait_for: str) -> None:
    """Ask, and wait until one more ``wait_for`` is in the chat (this answer's, not the last)."""
    count = f"document.querySelector('#chat').innerText.split({json.dumps(wait_for)}).length"
    page.locator("#chat").wait_for(timeout=30_000)
    before = page.evaluate(f"() => {count}")
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(f"() => {count} > {before}", timeout=60_000)


def log_in(page: Any) -> None:
    page.get_by_role("tab", name="Redaktion / Staff").click()
    page.locator("#staff-name textarea").fill("staff")
    page.locator("#staff-password input").fill("geheim")
    page.locator("#staff-login").click()
    page.locator("#staff-logout").wait_for(timeout=30_000)


def shot(page: Any, name: str) -> None:
    page.wait_for_timeout(500)  # let the last update paint
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_unanswered_question_becomes_a_live_faq_answer(page_of: Any, staffed: Assistant) -> None:
    page = page_of
    page.get_by_text("extraktiv").first.wait_for(timeout=30_000)
    for question in ASKED:
        ask(page, question, "Keine Antwort aus der Wissensbasis")

    log_in(page)
    unanswered = page.locator("#staff-unanswered")
    unanswered.get_by_text(ASKED[0]).filter(visible=True).first.wait_for(timeout=30_000)
    assert ASKED[1] in unanswered.inner_text()  # one row: the two wordings are grouped
    shot(page, "staff-feedback.png")

    page.locator("#staff-question input").click()
    page.get_by_role("option", name=re.compile("2 Formulierung")).click()
    page.locator("#staff-create-faq").click()
    questions_de = page.locator("#faq-questions-de textarea")
    questions_de.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('#faq-questions-de textarea')?.value.includes('Newsletter')",
        timeout=30_000,
    )
    assert set(questions_de.input_value().splitlines()) == set(ASKED)
    page.locator("#faq-suggestions").get_by_text("Testnetzwerk").first.wait_for(timeout=30_000)
    page.locator("#faq-questions-en textarea").fill("Does the test network have a newsletter?")
    page.locator("#faq-answer-de textarea").fill(
        "Ja, das Testnetzwerk verschickt monatlich einen Newsletter; die Anmeldung steht auf "
        "der Website."
    )
    page.locator("#faq-answer-en textarea").fill(
        "Yes, the test network sends a monthly newsletter; sign up on its website."
    )
    page.locator("#faq-sources textarea").fill("https://example.org/testnetz")
    shot(page, "staff-faq-form.png")
    page.locator("#faq-save").click()
    page.locator("#faq-status").get_by_text("✅").wait_for(timeout=60_000)

    page.get_by_role("tab", name="Chat").click()
    ask(page, ANOTHER_WORDING, "monatlich")
    chat = page.locator("#chat").inner_text()
    assert re.search(r"faq/general\.yaml#[\w-]*newsletter", chat), chat

    page.get_by_role("tab", name="Redaktion / Staff").click()
    page.get_by_role("tab", name="Was gefragt wird / what people ask").click()
    page.locator("#insights-days").get_by_text("7 Tage").click()
    page.locator("#insights-numbers").get_by_text("3").first.wait_for(timeout=30_000)
    top = page.locator("#insights-top").get_by_text(ANOTHER_WORDING)
    top.filter(visible=True).first.wait_for(timeout=30_000)
    page.locator("#insights-chart").get_by_text("faq/general.yaml").wait_for(timeout=30_000)
    page.locator("#insights-export").click()
    page.locator("#insights-csv").get_by_text(".csv").first.wait_for(timeout=30_000)
    shot(page, "staff-insights.png")

    page.get_by_role("tab", name="Partnerprofile / partner profiles").click()
    page.locator("#partner-edit input").click()
    page.get_by_role("option", name="Beispiel Robotik GmbH").click()
    page.wait_for_function(
        "() => document.querySelector('#partner-name textarea')?.value === 'Beispiel Robotik GmbH'",
        timeout=30_000,
    )
    shot(page, "staff-partner-form.png")

    assert staffed.feedback is not None
    assert staffed.feedback.unanswered() == []  # the entry closed both wordings
    entry = staffed.corpus_file("faq/general.yaml")
    assert "Does the test network have a newsletter?" in entry


def test_stale_entry_is_marked_verified_changing_only_its_date(
    page_of: Any, staffed: Assistant
) -> None:
    page = page_of
    faq = staffed.settings.corpus_dir / "faq" / "general.yaml"
    before = faq.read_bytes()
    log_in(page)
    page.get_by_role("tab", name="Veraltet / stale").click()
    stale = page.locator("#staff-stale")
    stale.get_by_text("Was kostet die Mitgliedschaft").filter(visible=True).first.wait_for(
        timeout=30_000
    )
    assert "abgelaufen / expired" in stale.inner_text()
    shot(page, "staff-stale.png")

    page.locator("#stale-item input").click()
    page.get_by_role("option", name=re.compile("faq-fee")).click()
    page.locator("#stale-verify").click()
    page.locator("#stale-status").get_by_text("✅").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('#staff-stale').innerText.includes('Mitgliedschaft')",
        timeout=30_000,
    )
    after = faq.read_bytes()
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1 and changed[0][0] == b"    valid_until: 2020-01-31"
    assert re.fullmatch(rb"    valid_until: \d{4}-\d\d-\d\d", changed[0][1])
    assert after.replace(changed[0][1], changed[0][0]) == before  # every other byte the same

    page.locator("#stale-item input").click()
    page.get_by_role("option", name=re.compile("beispiel-robotik")).click()
    page.locator("#stale-edit").click()  # "edit" opens the profile in its form
    page.wait_for_function(
        "() => document.querySelector('#partner-name textarea')?.value === 'Beispiel Robotik GmbH'",
        timeout=30_000,
    )


def test_every_staff_view_meets_wcag_21_aa(page_of: Any, staffed: Assistant) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation in the forms, the stale list, the figures."""
    if not (AXE / "axe.min.js").exists():
        if os.environ.get("ASSISTANT_REQUIRE_BROWSER") == "1":
            pytest.fail("axe-core missing: `make test` installs it with npm")
        pytest.skip("axe-core not installed (`make test` installs it with npm)")
    page = page_of
    staffed.record(ASKED[0], staffed.ask(ASKED[0]))
    log_in(page)
    found = {}
    for view in VIEWS:
        page.get_by_role("tab", name=view).click()
        page.wait_for_timeout(300)
        page.wait_for_function(SETTLED, timeout=30_000)
        page.add_script_tag(path=str(AXE / "axe.min.js"))
        found[view] = page.evaluate(RUN_AXE)
    assert not any(found.values()), found


def test_a_new_partner_profile_from_the_form(page_of: Any, staffed: Assistant) -> None:
    """Staff add a profile in the form (topics from the vocabulary) and the chat knows it."""
    page = page_of
    log_in(page)
    page.get_by_role("tab", name="Partnerprofile / partner profiles").click()
    page.locator("#partner-new").click()
    page.locator("#partner-status").get_by_text("Neues Profil").wait_for(timeout=30_000)
    page.locator("#partner-id textarea").fill("beispiel-vision")
    page.locator("#partner-name textarea").fill("Beispiel Vision GmbH")
    page.locator("#partner-de textarea").fill(
        "Fiktives Unternehmen, das Kameras für die Qualitätsprüfung baut."
    )
    page.locator("#partner-en textarea").fill(
        "Fictional company that builds cameras for quality inspection."
    )
    page.locator("#partner-topics input").click()
    page.get_by_role("option", name="Robotik / Robotics").click()
    page.keyboard.press("Escape")
    page.locator("#partner-location textarea").fill("Musterstadt")
    page.locator("#partner-sources textarea").fill("https://example.org/vision")
    page.locator("#partner-verified textarea").fill("2026-11-01")
    page.locator("#partner-save").click()
    page.locator("#partner-status").get_by_text("✅").wait_for(timeout=60_000)
    saved = staffed.corpus_file("partners/beispiel-vision.yaml")
    assert saved.startswith("id: beispiel-vision\nname: Beispiel Vision GmbH\nkind: company\n")
    assert "topics: [robotics]\n" in saved
    answer = staffed.ask("Was baut die Beispiel Vision GmbH?")
    assert "partners/beispiel-vision.yaml" in [c.source for c in answer.citations]
