"""The website widget on someone else's page: one ``<script>`` tag, a bubble, a cited answer.

The app runs on one port; "the alliance's website" (``tests/fixtures/widget-demo``) runs on
another and includes nothing but ``<script src="{app}/widget.js" defer>``. Headless Chromium
opens the website, clicks the bubble and talks to the assistant across origins, as a visitor
would. A site whose origin is not in ``ASSISTANT_WIDGET_ORIGINS`` gets the bubble but no
answers. Crafted answers (``page.route``) show that server text is never run as HTML.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.server import running
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from tests.conftest import FIXTURES, REAL_CORPUS

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / ".cache" / "node" / "node_modules" / "axe-core"
DEMO_PAGE = FIXTURES / "widget-demo" / "index.html"

FOUNDING = "Wann wurde die AI Alliance Aachen gegründet?"
OUT_OF_SCOPE = "What is a good recipe for lasagna?"

# the widget's parts, inside its (open) shadow root; Playwright's CSS locators pierce it
BUBBLE = ".aaa-widget-bubble"
PANEL = ".aaa-widget-panel"
INPUT = "#aaa-widget-input"
SEND = ".aaa-widget-send"
ANSWERS = ".aaa-widget-bot:not(.aaa-widget-pending)"  # the first one is the greeting
ERRORS = ".aaa-widget-error"
PENDING = "[data-pending]"

IN_WIDGET = """(selector) => [...document.querySelector('aaa-widget-root').shadowRoot
    .querySelectorAll(selector)].map(e => e.outerHTML)"""
FOCUSED = """() => {
    const active = document.querySelector('aaa-widget-root').shadowRoot.activeElement;
    return active ? (active.id || active.className) : null;
}"""
RUN_AXE = """async () => {
    const result = await axe.run(document.querySelector('aaa-widget-root'), {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    });
    return {
        violations: result.violations.map(
            v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target).join(', ')}`),
        checked: result.passes.reduce((n, v) => n + v.nodes.length, 0),
    };
}"""


class DemoSite:
    """The alliance's website on its own port: the demo page with the widget's script tag."""

    def __init__(self, lang: str = "de", attrs: str = "") -> None:
        self.app_url = ""  # set once the app runs (the app needs this site's origin first)
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                page = (
                    DEMO_PAGE.read_text(encoding="utf-8")
                    .replace("__APP_URL__", site.app_url)
                    .replace("__LANG__", lang)
                    .replace("__ATTRS__", attrs)
                )
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sites(real_data_dir: Path) -> Iterator[tuple[DemoSite, DemoSite]]:
    """The alliance's website (allowed) and a stranger's (not), both embedding the app."""
    allowed, stranger = DemoSite(), DemoSite(lang="en", attrs=' data-lang="en"')
    settings = load_settings(
        data_dir=real_data_dir,
        corpus_dir=REAL_CORPUS,
        widget_origins=f"https://www.aachen.example, {allowed.origin}",
        feedback=False,
    )
    try:
        with running(build_assistant(settings)) as url:
            allowed.app_url = stranger.app_url = url
            yield allowed, stranger
    finally:
        allowed.close()
        stranger.close()


def open_widget(browser: Any, site: DemoSite) -> Any:
    """A fresh page of ``site`` with the widget's panel opened by clicking the bubble."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site.origin)
    page.locator(BUBBLE).click(timeout=30_000)
    page.locator(PANEL).wait_for(state="visible", timeout=10_000)
    return page


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, wait for what comes back; the newest message."""
    before = page.locator(f"{ANSWERS}, {ERRORS}").count()
    page.locator(INPUT).fill(question)
    page.locator(INPUT).press("Enter")
    newest = page.locator(f"{ANSWERS}, {ERRORS}").nth(before)
    newest.wait_for(timeout=60_000)
    page.locator(PENDING).wait_for(state="detached", timeout=10_000)
    return newest


def test_the_website_gets_cited_answers_and_abstentions(browser: Any, sites: Any) -> None:
    site, _ = sites
    page = open_widget(browser, site)
    # the page's rude CSS (``button {display: none}`` ...) does not reach into the widget
    assert page.locator(BUBBLE).is_visible()
    assert page.locator(BUBBLE).get_attribute("aria-label").startswith("Chat")
    assert page.get_by_role("dialog", name="AI Alliance Aachen – Assistent").is_visible()
    assert page.evaluate(FOCUSED) == "aaa-widget-input"  # focus moved into the panel
    font = page.locator(INPUT).evaluate("e => getComputedStyle(e).fontFamily")
    assert "Comic" not in font

    with page.expect_request(f"{site.app_url}/widget/ask") as sent:
        answer = ask(page, FOUNDING)
    assert json.loads(sent.value.post_data or "{}") == {"question": FOUNDING, "history": []}
    assert "20. Mai 2025" in answer.inner_text()
    source = answer.locator(".aaa-widget-sources a").first
    assert source.get_attribute("href").startswith(("https://", "http://"))
    assert source.get_attribute("target") == "_blank"
    assert source.get_attribute("rel") == "noopener noreferrer"
    assert answer.locator(".aaa-widget-snippet").first.inner_text()

    # a follow-up: the earlier questions go along, so "das" is understood
    ask(page, "Was ist das KI-Center der RWTH?")
    with page.expect_request(f"{site.app_url}/widget/ask") as sent:
        follow_up = ask(page, "und wer leitet das?")
    history = json.loads(sent.value.post_data or "{}")["history"]
    assert history == [FOUNDING, "Was ist das KI-Center der RWTH?"]
    assert "Hoos" in follow_up.inner_text()

    abstention = ask(page, OUT_OF_SCOPE)
    assert abstention.get_attribute("data-abstained") == "true"
    assert "No answer in the knowledge base" in abstention.inner_text()  # the answer's language
    contact = [
        a.get_attribute("href") for a in abstention.locator("a").all()
    ]  # where to ask instead, clickable
    assert any(h.startswith(("https://", "http://", "mailto:")) for h in contact), contact
    assert not abstention.locator(".aaa-widget-sources").count()

    too_long = ask(page, "Warum? " * 400)  # the server refuses it (400) and says why
    assert "aaa-widget-error" in too_long.get_attribute("class")
    assert "Frage konnte nicht beantwortet werden" in too_long.inner_text()
    assert len(too_long.inner_text()) > 60  # the server's own message is shown

    if not (AXE / "axe.min.js").exists():
        if os.environ.get("ASSISTANT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE / 'axe.min.js'} missing: `make test` installs axe-core with npm")
    else:
        page.add_script_tag(path=str(AXE / "axe.min.js"))
        found = page.evaluate(RUN_AXE)
        assert found["checked"] > 10  # the shadow root was looked into
        assert not found["violations"], found["violations"]

    page.keyboard.press("Escape")
    page.locator(PANEL).wait_for(state="hidden", timeout=10_000)
    assert "aaa-widget-bubble" in page.evaluate(FOCUSED)  # focus back on the bubble
    assert page.locator(BUBBLE).get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")  # the bubble is a real button: the keyboard reopens it
    page.locator(PANEL).wait_for(state="visible", timeout=10_000)
    assert page.locator(ANSWERS).count() == 5  # the conversation is still there
    page.close()


HOSTILE = {
    "answer": (
        'Siehe <img src=x onerror="window.__pwned=1"> und <script>window.__pwned=2</script> '
        "[1]. Mehr unter https://example.org/a?b=1&c=<b>fett</b>, www.aachen.de/wirtschaft; "
        "oder per Mail an info@example.org."
    ),
    "citations": [
        {
            "n": 1,
            "source": "documents/evil.md",
            "title": "<img src=x onerror=window.__pwned=3>Böse",
            "url": "javascript:window.__pwned=4",
            "snippet": "<b>fett</b>",
        },
        {
            "n": 2,
            "source": "documents/good.md",
            "title": "Gute Quelle",
            "url": "https://example.org/quelle",
            "snippet": "Ein langer Auszug. " * 40,
        },
    ],
    "abstained": False,
    "lang": "de",
    "mode": "extractive",
}


def test_server_text_is_shown_never_run(browser: Any, sites: Any) -> None:
    """A crafted answer with markup and a ``javascript:`` URL: text, not elements or links."""
    site, _ = sites
    page = open_widget(browser, site)
    held: list[Any] = []
    page.route(f"{site.app_url}/widget/ask", lambda route: held.append(route))  # answered below
    page.locator(INPUT).fill("Irgendwas")
    page.locator(INPUT).press("Enter")
    page.locator(PENDING).wait_for(timeout=10_000)
    assert page.locator(PENDING).inner_text().strip().endswith("...")
    assert page.locator(SEND).is_disabled()  # no second question while one is open
    page.locator(INPUT).fill("Noch eine")
    page.locator(INPUT).press("Enter")
    page.wait_for_timeout(300)
    assert page.locator(".aaa-widget-user").count() == 1
    assert len(held) == 1
    held[0].fulfill(
        status=200,
        json=HOSTILE,
        headers={"Access-Control-Allow-Origin": site.origin},
    )
    answer = page.locator(ANSWERS).nth(1)
    answer.wait_for(timeout=10_000)
    assert page.locator(SEND).is_enabled()

    text = answer.inner_text()
    assert '<img src=x onerror="window.__pwned=1">' in text  # shown as the text it is
    assert "<script>" in text and "Böse" in text
    assert page.evaluate(IN_WIDGET, "img, script, b, iframe, [onerror]") == []
    assert page.evaluate("window.__pwned") is None
    links = {a.inner_text(): a.get_attribute("href") for a in answer.locator("a").all()}
    assert links == {
        "https://example.org/a?b=1&c=": "https://example.org/a?b=1&c=",
        "www.aachen.de/wirtschaft": "https://www.aachen.de/wirtschaft",
        "info@example.org": "mailto:info@example.org",
        "Gute Quelle": "https://example.org/quelle",
    }
    assert not any(h.startswith("javascript:") for h in page.evaluate(IN_WIDGET, "a[href]"))
    sources = answer.locator(".aaa-widget-sources li")
    assert sources.nth(0).locator("a").count() == 0  # javascript: is no link
    snippet = sources.nth(1).locator(".aaa-widget-snippet").inner_text()
    assert len(snippet) < 200 and snippet.rstrip("“").endswith("…")
    page.close()


def test_a_site_not_allowed_gets_the_bubble_but_no_answers(browser: Any, sites: Any) -> None:
    allowed, stranger = sites
    page = open_widget(browser, stranger)
    assert page.get_by_role("dialog", name="AI Alliance Aachen – Assistant").is_visible()
    refused = ask(page, "When was the AI Alliance Aachen founded?")
    assert "aaa-widget-error" in refused.get_attribute("class")
    assert "cannot be reached right now" in refused.inner_text()
    page.close()

    url = f"{stranger.app_url}/widget/ask"
    body = {"question": FOUNDING, "history": []}
    direct = httpx.post(url, json=body, headers={"Origin": stranger.origin}, timeout=60)
    assert direct.status_code == 403
    preflight = {"Access-Control-Request-Method": "POST"}
    foreign = httpx.options(url, headers={"Origin": stranger.origin, **preflight}, timeout=60)
    assert "access-control-allow-origin" not in foreign.headers
    own = httpx.options(url, headers={"Origin": allowed.origin, **preflight}, timeout=60)
    assert own.headers["access-control-allow-origin"] == allowed.origin
    answered = httpx.post(url, json=body, headers={"Origin": allowed.origin}, timeout=60)
    assert answered.status_code == 200 and "2025" in answered.json()["answer"]
