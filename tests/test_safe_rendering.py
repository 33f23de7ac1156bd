"""Corpus text is shown as text: no remote image, no foreign link, no HTML reaches a reader.

The chat's Markdown (``ui.format.render_answer``, also the OpenAI API's content) is rendered
by a Markdown parser and by Gradio's own pipeline in Chromium; the security headers
(``api.headers.SecurityHeaders``) are checked on a small app and on the whole page in the
browser; unexpected errors reach the reader as a message, never as exception text.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import re
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import gradio as gr
import pytest
import uvicorn
from gradio_client import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from api.headers import SecurityHeaders, content_security_policy, inline_script_hashes
from api.server import build_app
from assistant.embeddings import CachedEmbeddings
from assistant.models import Answer, Citation
from assistant.wiring import build_assistant
from tests.conftest import make_settings
from ui.app import build_ui, chat_display, message_text, user_message
from ui.format import (
    SOMETHING_WRONG,
    escape_markdown,
    render_answer,
    safe_url,
    unescape_markdown,
)
from ui.partners import card_details, card_summary
from ui.style import page_options

# --- what a document could carry ------------------------------------------------------------

PIXEL = "http://127.0.0.1:9/pixel.png"
EVIL = "https://evil.example"
# (name, text): each must show as exactly this text, loading and linking nothing
HOSTILE = [
    ("tracking pixel", f"Anmeldung ![pixel]({PIXEL}) im Büro"),
    ("phishing link", f"oder unter [Passwort hier eingeben]({EVIL}/login) anmelden"),
    ("image in a link", f"[![logo]({PIXEL})]({EVIL})"),
    ("html image", f'<img src="{PIXEL}" onerror="alert(1)"> Bild'),
    ("html link", f'<a href="{EVIL}">hier klicken</a>'),
    ("script", "<script>alert(1)</script>"),
    ("iframe", f'<iframe src="{EVIL}"></iframe>'),
    ("svg onload", "<svg onload=alert(1)><circle r=5></circle></svg>"),
    ("style tag", "<style>body{background:url(http://127.0.0.1:9/css.png)}</style>"),
    ("bare url", f"siehe {EVIL}/autolink jetzt"),
    ("www address", "siehe www.evil.example jetzt"),
    ("angle autolink", f"<{EVIL}/angle>"),
    ("email autolink", "schreiben Sie an passwort@evil.example"),
    ("mailto", "mailto:passwort@evil.example"),
    ("javascript text", "javascript:alert(document.cookie)"),
    ("javascript link", "[klick](javascript:alert(1))"),
    ("reference link", f"[Passwort][p] eingeben\n\n[p]: {EVIL}/ref"),
    ("marker definition", f"[1]: {EVIL}/marker\n\nSiehe [1]"),
    ("reference image", f"![x][img]\n\n[img]: {PIXEL}"),
    ("table", "| Name | Passwort |\n|------|----------|\n| a | b |"),
    ("heading", "# Überschrift\n\nTitel\n====="),
    ("emphasis", "**fett** _kursiv_ ~~durch~~ `code`"),
    ("fence", '```mermaid\ngraph TD; A-->B; click A "https://evil.example"\n```'),
    ("latex", "$$\\href{https://evil.example}{klick}$$ und $x$"),
    ("entities", "&lt;img src=x&gt; &amp; &#60;b&#62;"),
    ("html comment", "<!-- versteckt --> sichtbar"),
    ("list and quote", "- eins\n> zitat\n1. zwei"),
    ("indented code", "    eingerückt"),
]
ALLOWED_LINK = "https://example.org/quelle"
# url fields that must not become a link
BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:image/png;base64,iVBORw0KGgo=",
    "vbscript:msgbox(1)",
    "mailto:x@evil.example",
    "ftp://evil.example/file",
    "//evil.example/path",
    "http://",
    "https://bank.example@evil.example/",
    "https://evil.example/a b",
    "https://evil.example/\x00x",
    "evil.example",
]
TAGS_OF_MARKDOWN = {"p", "br", "ul", "ol", "li", "strong", "em", "blockquote", "code", "a"}

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


class Parsed(HTMLParser):
    """The tags, link targets, image sources and text of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]
        self.srcs += [v or "" for k, v in attrs if k == "src"]

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return squeeze("".join(self.parts))


def squeeze(text: str) -> str:
    return " ".join(text.split())


def hostile_answer(text: str, url: str | None = ALLOWED_LINK) -> Answer:
    """``text`` everywhere corpus text goes: answer, notice, title, snippet, source path."""
    return Answer(
        answer=f"Laut Wissensbasis:\n\n- {text} [1]",
        notice=text,
        citations=[Citation(n=1, source=f"documents/{text}.md", title=text, url=url, snippet=text)],
    )


def assert_safe(markdown: str, links: set[str]) -> Parsed:
    """The rendered Markdown has only Markdown's own tags, no image, links to ``links`` only;
    and nothing in the source would become a GFM autolink (``://``, ``www.``, ``@``)."""
    html = Parsed(MD.render(markdown))
    assert set(html.tags) <= TAGS_OF_MARKDOWN, (markdown, html.tags)
    assert not html.srcs and "img" not in html.tags
    assert set(html.hrefs) <= links, (markdown, html.hrefs)
    outside_links = re.sub(r"\]\(https?://[^)\s]*\)", "]()", markdown)
    assert not re.search(r"(?<!\\)://|(?<!\\)@|(?i:www)\.", outside_links), outside_links
    return html


# --- the Markdown of an answer ---------------------------------------------------------------


@pytest.mark.parametrize("text", [t for _, t in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_corpus_text_is_shown_as_text_wherever_it_appears(text: str) -> None:
    markdown = render_answer(hostile_answer(text))
    html = assert_safe(markdown, {ALLOWED_LINK})
    assert html.hrefs == [ALLOWED_LINK]  # the citation's own link, nothing else
    literal = squeeze(text)
    # answer, notice, title, snippet and source path each show the text as it is; only a
    # line starting "- " or "1. " in an answer stays a list item (as the pipeline writes them)
    lists = bool(re.search(r"\n(- |\d+\. )", text))
    assert html.text.count(literal) >= 5 - lists, (literal, html.text)
    assert "\\" not in html.text.replace(literal, "")  # no escaping backslash shows


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_http_urls_become_links(url: str) -> None:
    markdown = render_answer(hostile_answer("Gründung", url=url))
    html = assert_safe(markdown, set())
    assert not html.hrefs
    assert safe_url(url) is None


def test_a_citation_url_is_linked_as_it_is() -> None:
    url = "https://example.org/a_(b)/c?q=1&x=[2]#teil"
    markdown = render_answer(hostile_answer("Titel [mit] *Sternen*", url=url))
    html = Parsed(MD.render(markdown))
    assert [unquote(h) for h in html.hrefs] == [url]
    assert "Titel [mit] *Sternen*" in html.text
    assert safe_url("HTTPS://Example.org/x") == "HTTPS://Example.org/x"


def test_an_ordinary_answer_keeps_its_look() -> None:
    """Prose is unchanged (dates, parentheses, "&", "!", colons, the [n] markers), and so is
    the look: sources list with a bold heading, linked title, path as code, quoted snippet."""
    answer = Answer(
        answer="Laut Wissensbasis:\n\n- Die Allianz wurde am 20. Mai 2025 gegründet. [1]\n"
        "- Sie hat 15 Partner (Stand: 2025, R&D inklusive)! Treffen um 10:30. [2]",
        citations=[
            Citation(
                n=1,
                source="documents/gruendung.md",
                title="Gründung",
                url="https://example.org/gruendung",
                snippet="Die Allianz wurde am 20. Mai 2025 gegründet.",
            ),
            Citation(n=2, source="faq/general.yaml#partner", title="FAQ", snippet="15 Partner."),
        ],
    )
    assert render_answer(answer) == (
        "Laut Wissensbasis:\n\n- Die Allianz wurde am 20. Mai 2025 gegründet. [1]\n"
        "- Sie hat 15 Partner (Stand: 2025, R&D inklusive)! Treffen um 10:30. [2]\n\n"
        "**Quellen:**\n"
        "1. [Gründung](https://example.org/gruendung) — `documents/gruendung.md`\n"
        "   > Die Allianz wurde am 20. Mai 2025 gegründet.\n"
        "2. FAQ — `faq/general.yaml#partner`\n"
        "   > 15 Partner."
    )
    html = Parsed(MD.render(render_answer(answer)))
    assert {"ul", "ol", "strong", "blockquote", "code", "a"} <= set(html.tags)
    assert "gegründet. [1]" in html.text and "um 10:30. [2]" in html.text


def test_a_list_answer_keeps_its_numbers_and_an_abstention_its_reason() -> None:
    listed = Answer(answer="2 Partner:\n\n1. RWTH *Aachen* [1]\n2. FH_Aachen [2]")
    html = Parsed(MD.render(render_answer(listed)))
    assert html.tags.count("li") == 2 and "em" not in html.tags
    assert "RWTH *Aachen* [1]" in html.text and "FH_Aachen [2]" in html.text
    abstained = Answer(answer="Dazu steht nichts <b>da</b>.", abstained=True, reason="fact_missing")
    html = Parsed(MD.render(render_answer(abstained)))
    assert "Dazu steht nichts <b>da</b>." in html.text and "fact_missing" not in html.text
    assert "Keine Antwort aus der Wissensbasis" in html.text and "b" not in html.tags


TEXT = st.text(
    alphabet=st.sampled_from(list("ab1 9.:/\\`*_{}[]()#+-!|~$@<>&=;\n\t'\"wx^%?")), max_size=60
) | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_any_text_renders_as_itself_and_nothing_else(text: str) -> None:
    """Whatever the text: one or more paragraphs of exactly its characters; and reversible."""
    html = Parsed(MD.render(escape_markdown(text)))
    assert set(html.tags) <= {"p", "br"}, (text, html.tags)
    assert "".join(html.text.split()) == "".join(text.split())
    assert unescape_markdown(escape_markdown(text)) == "\n".join(
        x.strip() for x in text.split("\n")
    )


def test_a_question_shows_as_text_and_is_read_back_as_asked() -> None:
    question = "Was macht ![x](http://127.0.0.1:9/p.png) <b>GmbH</b> [1] & Co?"
    shown = user_message(question)
    assert Parsed(MD.render(shown["content"])).text == question
    assert message_text(shown) == question
    assert message_text({"content": [{"type": "text", "text": shown["content"]}]}) == question


def test_partner_cards_escape_everything_and_link_http_only() -> None:
    card = {
        "name": f"<img src={PIXEL}>Evil",
        "kind_label": "<b>x</b>",
        "founding_partner": True,
        "topics": [{"label": "<script>alert(1)</script>"}],
        "description": f"![p]({PIXEL}) <a href='{EVIL}'>x</a>",
        "location": "<i>Aachen</i>",
        "website": "javascript:alert(1)",
        "contact_routes": [
            {"label": "<b>Mail</b>", "url": None, "email": "<img src=x>@evil.example"},
            {"label": "Web", "url": 'https://ok.example/"onmouseover="alert(1)', "email": None},
        ],
        "unknown": ["<img src=x>"],
        "sources": ["data:text/html,<script>alert(1)</script>", "https://ok.example/src"],
        "last_verified": "<b>2025</b>",
        "source": "partners/<x>.yaml",
    }
    html = Parsed(card_summary(card, "de") + card_details(card, "de"))
    assert set(html.tags) <= {"h3", "p", "ul", "li", "a"}
    assert html.hrefs == ['https://ok.example/"onmouseover="alert(1)', "https://ok.example/src"]
    assert not html.srcs
    assert f"![p]({PIXEL})" in html.text and "javascript:alert(1)" in html.text


# --- errors are messages ---------------------------------------------------------------------

SECRET = "'NoneType' object has no attribute 'encode'"


def broken(*_: Any, **__: Any) -> Any:
    raise AttributeError(SECRET)


@pytest.fixture
def broken_ui(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings, monkeypatch: Any
) -> Iterator[tuple[Any, gr.Blocks]]:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    monkeypatch.setattr(assistant, "ask_stream", broken)
    monkeypatch.setattr(assistant, "ask", broken)
    monkeypatch.setattr(assistant.directory, "search", broken)
    yield assistant, build_ui(assistant)


def test_a_failing_chat_shows_a_message_not_the_exception(broken_ui: Any, caplog: Any) -> None:
    _, demo = broken_ui
    respond = next(f.fn for f in demo.fns.values() if f.name == "respond")
    with caplog.at_level(logging.ERROR):
        shown = list(respond("Wann wurde das Netz gegründet?", [], "", "", "", {}))
    history, box, status, _ = shown[-1]
    assert history == [] and box == "Wann wurde das Netz gegründet?"  # kept, to ask again
    assert SOMETHING_WRONG in status and SECRET not in str(shown)
    assert SECRET in caplog.text and "Traceback" in caplog.text  # the log keeps the detail


def test_the_api_answers_an_error_message_not_the_exception(broken_ui: Any, caplog: Any) -> None:
    _, demo = broken_ui
    _, url, _ = demo.queue().launch(
        prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, **page_options()
    )
    try:
        client = Client(url, verbose=False)
        with caplog.at_level(logging.ERROR):
            asked = client.predict("Wann wurde das Netz gegründet?", api_name="/ask")
            searched = client.predict("Robotik", api_name="/partners")
    finally:
        demo.close()
    assert asked == {"error": SOMETHING_WRONG} and searched == {"error": SOMETHING_WRONG}
    assert caplog.text.count(SECRET) >= 2


def test_a_failing_record_keeps_the_answer_and_a_failing_rating_says_so(
    tmp_path: Path, corpus_copy: Path, embeddings: CachedEmbeddings, monkeypatch: Any
) -> None:
    assistant = build_assistant(make_settings(tmp_path, corpus_copy), embeddings)
    assistant.index()
    monkeypatch.setattr(assistant, "record", broken)
    monkeypatch.setattr(assistant, "rate", broken)
    demo = build_ui(assistant)
    fns = {f.name: f.fn for f in demo.fns.values()}
    *_, (history, box, status, rated) = fns["respond"](
        "Wann wurde das Testnetzwerk Musterstadt gegründet?", [], "", "", "", {}
    )
    assert "3. März 2024" in history[-1]["content"] and status == "" and rated == {}
    liked = gr.LikeData(None, {"index": 1, "value": "x", "liked": True})
    assert fns["rate"]({1: 7}, liked) == f"⚠️ {SOMETHING_WRONG}"


def test_a_question_error_is_still_shown(tmp_path: Path, corpus_copy: Path, embeddings) -> None:
    demo = build_ui(build_assistant(make_settings(tmp_path, corpus_copy), embeddings))
    respond = next(f.fn for f in demo.fns.values() if f.name == "respond")
    *_, (history, box, status, _) = respond("", [], "", "", "", {})
    assert "enter a question" in status and history == []


# --- security headers ------------------------------------------------------------------------

PAGE = (
    '<!doctype html><html><head><script>window.config = {"a": 1};</script>'
    '<script type="module" src="/assets/index.js"></script>\r\n'
    "<script>\r\n  const x = 'ä';\r\n</script></head><body>seite</body></html>"
)


def small_app(frame_origins: list[str]) -> TestClient:
    async def page(_: Request) -> Response:
        return HTMLResponse(PAGE)

    async def streamed(_: Request) -> Response:
        parts = [PAGE[:40].encode(), PAGE[40:].encode()]
        return StreamingResponse(iter(parts), media_type="text/html")

    async def data(_: Request) -> Response:
        return JSONResponse({"ok": True})

    async def script(_: Request) -> Response:
        return Response("console.log(1)", media_type="text/javascript; charset=utf-8")

    async def own(_: Request) -> Response:
        return HTMLResponse("<p>x</p>", headers={"Content-Security-Policy": "default-src 'none'"})

    routes = [
        Route("/", page),
        Route("/streamed", streamed),
        Route("/data", data),
        Route("/widget.js", script),
        Route("/own", own),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(SecurityHeaders, frame_origins=frame_origins)
    return TestClient(app)


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/", "/streamed"])
def test_a_page_allows_its_own_inline_scripts_by_hash_only(path: str) -> None:
    response = small_app([]).get(path)
    assert response.text == PAGE  # the body is passed on unchanged
    policy = directives(response.headers["content-security-policy"])
    scripts = [sha256('window.config = {"a": 1};'), sha256("\n  const x = 'ä';\n")]
    assert policy["script-src"] == ["'self'", *scripts, "'unsafe-eval'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]  # no remote image
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"] and policy["frame-ancestors"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_every_response_gets_the_headers_and_the_widget_stays_loadable() -> None:
    client = small_app([])
    for path in ("/data", "/widget.js", "/missing"):
        response = client.get(path)
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    script = client.get("/widget.js", headers={"Origin": "https://www.aachen.example"})
    assert script.headers["content-type"].startswith("text/javascript")  # nosniff accepts it
    assert "cross-origin-resource-policy" not in script.headers  # other sites may load it
    assert client.get("/own").headers["content-security-policy"] == "default-src 'none'"


def test_frame_origins_are_listed_and_replace_x_frame_options(caplog: Any) -> None:
    origins = ["https://www.aachen.example/", "http://localhost:8080", "https://x.example; a *"]
    with caplog.at_level(logging.WARNING):
        response = small_app(origins).get("/")
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == [
        "'self'",
        "https://www.aachen.example",
        "http://localhost:8080",
    ]
    assert "x-frame-options" not in response.headers
    assert "ignored" in caplog.text
    assert "frame-ancestors 'self' https://a.example" in content_security_policy(
        ["https://a.example"]
    )


def test_inline_script_hashes_skip_external_scripts() -> None:
    page = b'<script src="/a.js"></script><SCRIPT type="module">x()</SCRIPT><script>x()</script>'
    assert inline_script_hashes(page) == [sha256("x()")]


# --- in the browser: the whole page with the headers, a hostile document ------------------------

# every CSP violation and console error of a page, recorded from its first script on
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
QUESTION = "Wie melde ich mich für den Newsletter des Testnetzwerks an?"


class Elsewhere(ThreadingHTTPServer):
    """Another origin: serves images (recording every request) and a page with the widget."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ElsewhereHandler)
        self.requested: list[str] = []
        self.app_url = ""
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ElsewhereHandler(BaseHTTPRequestHandler):
    server: Elsewhere  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.requested.append(self.path)
        if self.path == "/site.html":
            script = f'<script src="{self.server.app_url}/widget.js"></script>'
            body = f"<!doctype html><title>site</title>{script}"
            data, kind = body.encode(), "text/html"
        else:  # a 1x1 GIF: what a tracking pixel is
            data, kind = base64.b64decode("R0lGODlhAQABAAAAACw="), "image/gif"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def elsewhere() -> Iterator[Elsewhere]:
    server = Elsewhere()
    yield server
    server.shutdown()


def hostile_document(corpus: Path, elsewhere: Elsewhere) -> None:
    """A document whose answering sentence carries a tracking pixel and a phishing link."""
    (corpus / "documents" / "newsletter.md").write_text(
        f"""---
title: "Newsletter ![t]({elsewhere.origin}/title.png) des Testnetzwerks"
language: de
sources: [https://example.org/newsletter]
date: 2025-02-01
---

# Newsletter

Für den Newsletter des Testnetzwerks Musterstadt meldet man sich im Bürgerbüro an \
![pixel]({elsewhere.origin}/pixel.png) oder unter [Passwort hier eingeben](https://evil.example) \
mit <img src="{elsewhere.origin}/raw.png"> Name und E-Mail.
""",
        encoding="utf-8",
    )


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve an ASGI app in a background thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.browser
def test_the_page_under_its_policy_shows_a_hostile_document_as_text(
    browser: Any,
    elsewhere: Elsewhere,
    tmp_path: Path,
    corpus_copy: Path,
    embeddings: CachedEmbeddings,
) -> None:
    """Chat, partner directory and staff tab work under the CSP with no violation; the
    document's pixel is never requested, its phishing link is no link, its text is shown."""
    hostile_document(corpus_copy, elsewhere)
    settings = make_settings(tmp_path, corpus_copy, staff_password="geheim")
    assistant = build_assistant(settings, embeddings)
    assistant.index()
    app = build_app(assistant)
    app.add_middleware(SecurityHeaders, frame_origins=[])
    with serving(app) as url:
        elsewhere.app_url = url
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.add_init_script(RECORD_VIOLATIONS)
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        response = page.goto(url)
        assert (
            response is not None
            and "frame-ancestors 'self'" in response.headers["content-security-policy"]
        )
        assert response.headers["x-frame-options"] == "SAMEORIGIN"

        chat = page.locator("#chat")
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#send").click()
        chat.get_by_text("Quellen").first.wait_for(timeout=60_000)
        shown = chat.inner_text()
        assert "![pixel](" in shown and "[Passwort hier eingeben](https://evil.example)" in shown
        assert f'<img src="{elsewhere.origin}/raw.png">' in shown
        assert "![t](" in shown  # the title's image, as text
        assert chat.locator("img").count() == 0
        hrefs = [a.get_attribute("href") for a in chat.locator("a").all()]
        assert hrefs == ["https://example.org/newsletter"], hrefs  # the citation only
        assert "\\" not in shown

        page.get_by_role("tab", name="Partner / Partners").click()
        page.locator("#card-beispiel-robotik").wait_for(timeout=30_000)
        page.locator("#details-beispiel-robotik").get_by_text("Details").click()
        page.locator("#details-beispiel-robotik").get_by_text("zuletzt geprüft").wait_for(
            timeout=30_000
        )
        page.locator("#ask-beispiel-robotik").click()  # the card's question, in the chat
        chat.get_by_text("Was macht Beispiel Robotik GmbH").first.wait_for(timeout=60_000)

        page.get_by_role("tab", name="Redaktion / Staff").click()
        page.locator("#staff-password input").fill("geheim")
        page.locator("#staff-login").click()
        page.locator("#staff-unanswered").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        violations = page.evaluate("window.__violations")
        page.close()

        site = browser.new_page()  # another site loads the widget script from the app
        site.goto(f"{elsewhere.origin}/site.html")
        site.wait_for_function("window.__aaaWidgetLoaded === true", timeout=30_000)
        site.close()
    assert not [p for p in elsewhere.requested if p.endswith(".png")], elsewhere.requested
    assert not [r for r in requested if r.startswith(elsewhere.origin) or "evil" in r]
    assert violations == [], violations
    assert not [c for c in console if "Content Security Policy" in c], console


@pytest.mark.browser
def test_gradio_renders_every_hostile_answer_as_text(browser: Any, elsewhere: Elsewhere) -> None:
    """Each hostile case through Gradio's own Markdown pipeline (marked, its sanitiser) in the
    chat's configuration: no image, no foreign link, no element but Markdown's own."""
    texts = [t.replace(PIXEL, f"{elsewhere.origin}/pixel.png") for _, t in HOSTILE]
    messages: list[dict[str, str]] = []
    for text in texts:
        messages += [
            user_message(text),
            {"role": "assistant", "content": render_answer(hostile_answer(text))},
        ]
    with gr.Blocks() as demo:
        chat_display(value=messages, elem_id="chat", height=20_000)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        page = browser.new_page()
        page.goto(url)
        page.locator("#chat .md").nth(len(messages) - 1).wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        found = page.evaluate(
            """() => [...document.querySelectorAll('#chat .md')].map(md => ({
                text: md.innerText,
                tags: [...new Set([...md.querySelectorAll('*')].map(e => e.localName))],
                hrefs: [...md.querySelectorAll('[href]')].map(e => e.getAttribute('href')),
                srcs: [...md.querySelectorAll('[src]')].map(e => e.getAttribute('src')),
            }))"""
        )
        page.close()
    finally:
        demo.close()
    assert len(found) == len(messages)
    for text, question, answer in zip(texts, found[::2], found[1::2], strict=True):
        literal = squeeze(text)
        assert squeeze(question["text"]) == literal
        assert literal in squeeze(answer["text"])
        assert "\\" not in squeeze(answer["text"]).replace(literal, "")
        assert set(question["tags"]) <= {"p", "br"}, (text, question["tags"])
        assert set(answer["tags"]) <= TAGS_OF_MARKDOWN, (text, answer["tags"])
        assert answer["hrefs"] == [ALLOWED_LINK] and not question["hrefs"], (text, answer)
        assert not answer["srcs"] and not question["srcs"]
    assert not [p for p in elsewhere.requested if p.endswith(".png")], elsewhere.requested
