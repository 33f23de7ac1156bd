"""The machine front doors on one real server: OpenAI-compatible API, LangChain, MCP.

Each is called by its own official client over HTTP (the ``openai`` package, LangChain's
``ChatOpenAI``, the ``mcp`` client over Streamable HTTP) and must give what the chat gives: a
cited answer to a founding question, an abstention for an out-of-scope one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import httpx2
import openai
import pytest
from langchain_openai import ChatOpenAI
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from api.auth import bearer_ok
from api.mcp_tools import build_mcp
from api.openai_compat import MODEL_ID, pieces
from api.server import running
from assistant.feedback import FeedbackLog
from assistant.pipeline import Assistant
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from tests.conftest import REAL_CORPUS
from tests.servers import assistant_serve
from ui.format import SOMETHING_WRONG, unescape_markdown

FOUNDING = "Wann wurde die AI Alliance Aachen gegründet?"
OUT_OF_SCOPE = "What is a good recipe for lasagna?"
TOKEN = "test-token-1"
ALLOWED = "https://www.aachen.example"


@pytest.fixture(scope="module")
def app_url(real_data_dir: Path) -> Iterator[str]:
    """The whole app on the bundled corpus, open (no API keys), no foreign origin allowed."""
    settings = load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS, rate_limit=0)
    with running(build_assistant(settings)) as url:
        yield url


@pytest.fixture(scope="module")
def locked_url(real_data_dir: Path) -> Iterator[str]:
    """The app with API keys set and one website origin allowed."""
    settings = load_settings(
        data_dir=real_data_dir,
        corpus_dir=REAL_CORPUS,
        api_keys=f"{TOKEN}, second-token",
        widget_origins=ALLOWED,
        rate_limit=0,
    )
    with running(build_assistant(settings)) as url:
        yield url


def client(url: str, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60)


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


# --- OpenAI-compatible API, with the official client ---------------------------------------


def test_models_lists_the_assistant(app_url: str) -> None:
    assert [m.id for m in client(app_url).models.list()] == [MODEL_ID]


def test_chat_completion_is_the_cited_answer(app_url: str) -> None:
    reply = client(app_url).chat.completions.create(model=MODEL_ID, messages=[user(FOUNDING)])
    content = reply.choices[0].message.content or ""
    assert "20. Mai 2025" in content
    assert "[1]" in content and "Quellen" in content  # the numbered sources list, in the text
    extra = reply.model_extra or {}
    assert extra["abstained"] is False
    assert extra["citations"][0]["n"] == 1
    assert extra["citations"][0]["source"].split("/")[0] in ("documents", "faq", "partners")
    assert reply.choices[0].finish_reason == "stop"


def test_out_of_scope_question_abstains(app_url: str) -> None:
    reply = client(app_url).chat.completions.create(model=MODEL_ID, messages=[user(OUT_OF_SCOPE)])
    extra = reply.model_extra or {}
    assert extra["abstained"] is True
    assert extra["reason"] in ("out_of_domain", "nothing_relevant")
    assert extra["citations"] == []
    assert "aachen.de" in (reply.choices[0].message.content or "")  # where to ask instead


def test_streamed_answer_equals_the_complete_one(app_url: str) -> None:
    api = client(app_url)
    whole = api.chat.completions.create(model=MODEL_ID, messages=[user(FOUNDING)])
    stream = api.chat.completions.create(model=MODEL_ID, messages=[user(FOUNDING)], stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3  # role, several pieces of text, the closing chunk
    assert text == whole.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["citations"] == (whole.model_extra or {})["citations"]


def test_earlier_user_turns_resolve_a_follow_up(app_url: str) -> None:
    messages = [
        user("Was ist das KI-Center der RWTH?"),
        {"role": "assistant", "content": "Das KI-Center ... [1]"},
        user("und wer leitet das?"),
    ]
    reply = client(app_url).chat.completions.create(model=MODEL_ID, messages=messages)
    assert "Hoos" in (reply.choices[0].message.content or "")


def test_content_parts_and_system_messages_are_accepted(app_url: str) -> None:
    messages: list[Any] = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": [{"type": "text", "text": FOUNDING}]},
    ]
    reply = client(app_url).chat.completions.create(model=MODEL_ID, messages=messages)
    assert "2025" in (reply.choices[0].message.content or "")


def test_filters_restrict_the_sources(app_url: str) -> None:
    reply = client(app_url).chat.completions.create(
        model=MODEL_ID,
        messages=[user("Wer arbeitet an diesem Thema in der Region?")],
        extra_body={"filters": {"kind": "partner", "topic": "robotics"}},
    )
    citations = (reply.model_extra or {})["citations"]
    assert citations and all(c["source"].startswith("partners/") for c in citations)


@pytest.mark.parametrize(
    ("messages", "extra", "expected"),
    [
        ([user("   ")], {}, "enter a question"),
        ([user(FOUNDING), {"role": "assistant", "content": "x"}], {}, "last message"),
        ([user(FOUNDING)], {"filters": {"kind": {"$ne": "faq"}}}, "filters"),
        ([user(FOUNDING)], {"filters": {"topic": "astrology"}}, "unknown 'astrology'"),
        ([user(FOUNDING)], {"filters": {"drop": "table"}}, "filters"),
    ],
)
def test_bad_requests_are_400_with_a_message(
    app_url: str, messages: list[Any], extra: dict[str, Any], expected: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client(app_url).chat.completions.create(model=MODEL_ID, messages=messages, extra_body=extra)
    assert expected in str(caught.value)


def test_a_body_that_is_not_json_is_400(app_url: str) -> None:
    response = httpx.post(f"{app_url}/v1/chat/completions", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_api_questions_are_recorded_for_staff(app_url: str, real_data_dir: Path) -> None:
    question = "Wie lautet die Faxnummer des Testlabors Irgendwo?"
    client(app_url).chat.completions.create(model=MODEL_ID, messages=[user(question)])
    unanswered = FeedbackLog(real_data_dir / "feedback.sqlite").unanswered()
    assert question in [row["question"] for row in unanswered]


def test_langchain_chat_openai_gets_the_answer(app_url: str) -> None:
    chat = ChatOpenAI(base_url=f"{app_url}/v1", api_key="unused", model=MODEL_ID, max_retries=0)
    message = chat.invoke(FOUNDING)
    assert "20. Mai 2025" in str(message.content)
    streamed = "".join(str(chunk.content) for chunk in chat.stream(OUT_OF_SCOPE))
    assert streamed == str(chat.invoke(OUT_OF_SCOPE).content)
    assert "Wissensbasis" in streamed or "knowledge base" in streamed


# --- API keys and origins ----------------------------------------------------------------


def test_without_a_key_the_locked_api_refuses(locked_url: str) -> None:
    with pytest.raises(openai.AuthenticationError):
        client(locked_url, "wrong").chat.completions.create(model=MODEL_ID, messages=[user("x?")])
    with pytest.raises(openai.AuthenticationError):
        client(locked_url, "wrong").models.list()
    response = httpx.post(f"{locked_url}/v1/chat/completions", json={"messages": [user(FOUNDING)]})
    assert response.status_code == 401


def test_with_a_key_the_locked_api_answers(locked_url: str) -> None:
    for key in (TOKEN, "second-token"):
        reply = client(locked_url, key).chat.completions.create(
            model=MODEL_ID, messages=[user(FOUNDING)]
        )
        assert "2025" in (reply.choices[0].message.content or "")


def test_bearer_check() -> None:
    tokens = frozenset({"abc"})
    assert bearer_ok(None, frozenset())
    assert bearer_ok("Bearer abc", tokens) and bearer_ok("bearer  abc ", tokens)
    assert not bearer_ok(None, tokens)
    assert not bearer_ok("Bearer ab", tokens) and not bearer_ok("Basic abc", tokens)
    assert not bearer_ok("Bearer", tokens)


def test_calls_from_an_unlisted_origin_are_refused(locked_url: str) -> None:
    body = {"messages": [user(FOUNDING)]}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    refused = httpx.post(
        f"{locked_url}/v1/chat/completions",
        json=body,
        headers={**auth, "Origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    preflight = httpx.options(
        f"{locked_url}/v1/chat/completions",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_calls_from_the_listed_origin_pass_with_cors_headers(locked_url: str) -> None:
    preflight = httpx.options(
        f"{locked_url}/v1/chat/completions",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED
    answered = httpx.post(
        f"{locked_url}/v1/chat/completions",
        json={"messages": [user(FOUNDING)]},
        headers={"Authorization": f"Bearer {TOKEN}", "Origin": ALLOWED},
        timeout=60,
    )
    assert answered.status_code == 200
    assert answered.headers["access-control-allow-origin"] == ALLOWED


def test_the_page_and_gradio_api_still_work_beside_the_front_doors(app_url: str) -> None:
    from gradio_client import Client as GradioClient

    assert "<gradio-app" in httpx.get(app_url).text or httpx.get(app_url).status_code == 200
    data = GradioClient(app_url, verbose=False).predict(FOUNDING, api_name="/ask")
    assert "20. Mai 2025" in data["answer"]


def test_stream_pieces_rebuild_the_text() -> None:
    text = "Die AI Alliance Aachen wurde am 20. Mai 2025 gegründet. " * 9
    parts = list(pieces(text, 40))
    assert "".join(parts) == text
    assert all(len(p) <= 40 for p in parts) and len(parts) > 5
    assert list(pieces("x" * 100, 40)) == ["x" * 40, "x" * 40, "x" * 20]  # no space: hard cut


# --- MCP, with the mcp client over Streamable HTTP ---------------------------------------


def call_tools(url: str, calls: list[tuple[str, dict[str, Any]]], token: str = "") -> list[Any]:
    async def run() -> list[Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
            transport = streamable_http_client(f"{url}/mcp", http_client=http)
            async with Client(transport) as mcp:
                tools = await mcp.list_tools()
                results = [sorted(t.name for t in tools.tools)]
                for name, arguments in calls:
                    results.append(await mcp.call_tool(name, arguments))
                return results

    return asyncio.run(run())


def test_mcp_tools_answer_like_the_chat(app_url: str) -> None:
    names, founding, lasagna, robots, bad = call_tools(
        app_url,
        [
            ("ask_alliance", {"question": FOUNDING}),
            ("ask_alliance", {"question": OUT_OF_SCOPE}),
            ("find_partners", {"topic": "Robotik", "lang": "en"}),
            ("find_partners", {"kind": "spaceship"}),
        ],
    )
    assert names == ["ask_alliance", "find_partners"]
    answer = founding.structured_content
    assert not founding.is_error and "20. Mai 2025" in answer["answer"]
    assert answer["citations"][0]["n"] == 1 and answer["abstained"] is False
    assert lasagna.structured_content["abstained"] is True
    partners = robots.structured_content["partners"]
    assert partners and all(card["id"] for card in partners)
    assert all("robotics" in [t["id"] for t in card["topics"]] for card in partners[:2])
    assert bad.is_error and "spaceship" in bad.content[0].text


def test_mcp_follow_up_uses_earlier_questions(app_url: str) -> None:
    _, reply = call_tools(
        app_url,
        [
            (
                "ask_alliance",
                {
                    "question": "und wer leitet das?",
                    "earlier_questions": ["Was ist das KI-Center der RWTH?"],
                },
            )
        ],
    )
    assert "Hoos" in reply.structured_content["answer"]


def test_mcp_needs_the_key_when_keys_are_set(locked_url: str) -> None:
    refused = httpx.post(f"{locked_url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert refused.status_code == 401
    _, founding = call_tools(locked_url, [("ask_alliance", {"question": FOUNDING})], TOKEN)
    assert "2025" in founding.structured_content["answer"]


# --- every door, the same answer ---------------------------------------------------------


def test_mcp_tool_failure_shows_no_exception_text(caplog: pytest.LogCaptureFixture) -> None:
    """An unexpected failure inside a tool reaches the client as the chat's generic message;
    the detail (here a path) stays in the server log."""

    class Broken:
        def __getattr__(self, name: str) -> Any:
            raise RuntimeError("cannot open /srv/assistant/data/feedback.sqlite")

    async def run() -> list[Any]:
        async with Client(build_mcp(cast(Assistant, Broken()))) as mcp:
            return [
                await mcp.call_tool("ask_alliance", {"question": FOUNDING}),
                await mcp.call_tool("find_partners", {"topic": "Robotik"}),
            ]

    for result in asyncio.run(run()):
        text = result.content[0].text
        assert result.is_error and SOMETHING_WRONG in text and "/srv" not in text
    assert "/srv/assistant" in caplog.text


@pytest.mark.parametrize(
    "question",
    [FOUNDING, OUT_OF_SCOPE, "Which partners work on robotics?", "Wie kann ich beitreten?"],
)
def test_every_door_gives_the_same_answer(app_url: str, question: str) -> None:
    from gradio_client import Client as GradioClient

    chat = GradioClient(app_url, verbose=False).predict(question, api_name="/ask")
    completion = client(app_url).chat.completions.create(model=MODEL_ID, messages=[user(question)])
    extra = completion.model_extra or {}
    _, tool = call_tools(app_url, [("ask_alliance", {"question": question})])
    widget = httpx.post(f"{app_url}/widget/ask", json={"question": question}, timeout=60).json()
    for other in (tool.structured_content, widget):
        assert other["answer"] == chat["answer"]
        assert other["citations"] == chat["citations"]
        assert other["abstained"] == chat["abstained"]
    content = unescape_markdown(completion.choices[0].message.content or "")  # shown as text
    assert content.startswith(chat["answer"])
    assert extra["citations"] == chat["citations"] and extra["abstained"] == chat["abstained"]


def test_assistant_serve_serves_every_door(real_data_dir: Path) -> None:
    """``assistant serve`` as a user starts it: the page, ``/v1`` and ``/mcp`` on one port."""
    with assistant_serve(real_data_dir) as served:
        url = served.url
        assert httpx.get(url, timeout=10).status_code == 200
        reply = client(url).chat.completions.create(model=MODEL_ID, messages=[user(FOUNDING)])
        assert "20. Mai 2025" in (reply.choices[0].message.content or "")
        _, tool = call_tools(url, [("ask_alliance", {"question": OUT_OF_SCOPE})])
        assert tool.structured_content["abstained"] is True
    assert f"serving on {url}" in served.output
