"""One server, every front door: the Gradio page and the machine interfaces beside it.

``build_app`` mounts the Gradio page (chat, partners, staff; ``/ask`` and ``/partners`` for
``gradio_client``) at ``/`` of a FastAPI app that also serves the OpenAI-compatible API
(``/v1``), the MCP server (``/mcp``) and the website widget (``/widget.js``, ``/widget/ask``).
All of them answer from the one ``Assistant`` passed in, so they give the same answers,
citations and abstentions.

Browsers may call the server only from its own origin and from ``ASSISTANT_WIDGET_ORIGINS``:
CORS headers are sent for those alone, and a request that carries any other ``Origin`` is
refused with 403 before it reaches the assistant (CORS alone only stops the browser from
*reading* the answer; the question would still be asked and recorded).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator, Iterator

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import bearer_ok, error_body
from api.headers import SecurityHeaders
from api.limits import EdgeLimits, RateLimiter, send_error
from api.mcp_tools import build_mcp, mcp_app
from api.openai_compat import openai_router
from api.widget import widget_router
from assistant.pipeline import Assistant
from ui.app import build_ui
from ui.style import page_options

# the paths a foreign page could call with a visitor's browser; the Gradio page has its own
GUARDED_PREFIXES = ("/v1/", "/mcp", "/widget/")
CONCURRENCY = 4  # answers computed at once by the Gradio queue (2 cores: more only queue up)


def build_app(assistant: Assistant) -> FastAPI:
    """The FastAPI app with the page at ``/`` and the machine front doors beside it."""
    settings = assistant.settings
    mcp = build_mcp(assistant)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()  # replicas: follow index changes other processes make
        follower = threading.Thread(target=assistant.follow_index, args=(stop,), daemon=True)
        follower.start()
        try:
            async with mcp.session_manager.run():
                yield
        finally:
            stop.set()

    app = FastAPI(title="AI Alliance Aachen assistant", lifespan=lifespan, docs_url=None)
    app.include_router(openai_router(assistant))
    app.include_router(widget_router(assistant))
    app.router.routes.extend(mcp_app(mcp, settings.host).routes)  # before the page's catch-all
    origins = settings.allowed_origins
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version"],
    )
    app.add_middleware(OriginGuard, allowed=origins, tokens=settings.api_tokens)
    limiter = RateLimiter(settings.rate_limit)
    max_upload = settings.max_upload_mb * 1_000_000
    # outermost: an oversized or one-too-many request costs nothing further
    app.add_middleware(
        EdgeLimits,
        max_body=settings.max_request_bytes,
        max_upload=max_upload,
        limiter=limiter,
        max_waiting=settings.queue_size,
    )
    app.add_middleware(SecurityHeaders, frame_origins=origins)
    app.state.limiter = limiter
    demo = build_ui(assistant).queue(
        default_concurrency_limit=CONCURRENCY, max_size=settings.queue_size
    )
    options = page_options()
    return gr.mount_gradio_app(
        app,
        demo,
        path="/",
        max_file_size=max_upload,
        show_error=False,  # exception text stays in the server log
        theme=options["theme"],
        css=options["css"],
        footer_links=options["footer_links"],
    )


class OriginGuard:
    """Refuse browser calls to the machine front doors from origins not allowed (403).

    Also the bearer check of ``/mcp`` (``/v1`` checks its own, to answer in OpenAI's format).
    """

    def __init__(self, app: ASGIApp, allowed: list[str], tokens: frozenset[str]) -> None:
        self.app = app
        self.allowed = set(allowed)
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 403/401 without reaching the assistant."""
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(GUARDED_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin", "").rstrip("/")
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        if origin and origin != own and origin not in self.allowed:
            if scope["method"] == "OPTIONS":  # CORSMiddleware answers preflights (400)
                await self.app(scope, receive, send)
                return
            await send_error(send, 403, error_body(f"origin {origin} is not allowed", "origin"))
            return
        if path.startswith("/mcp") and not bearer_ok(headers.get("authorization"), self.tokens):
            body = error_body("missing or invalid API key", "invalid_api_key")
            await send_error(send, 401, body)
            return
        await self.app(scope, receive, send)


def serve(assistant: Assistant, host: str, port: int) -> None:
    """Serve page and front doors until interrupted."""
    base = f"http://{host}:{port}"
    print(
        f"serving on {base}: chat {base}/, OpenAI API {base}/v1, MCP {base}/mcp, "
        f"widget {base}/widget.js",
        flush=True,
    )
    uvicorn.run(build_app(assistant), host=host, port=port, log_level="warning")


@contextlib.contextmanager
def running(assistant: Assistant, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve in a background thread (tests, benchmarks); yields the base URL, then stops."""
    config = uvicorn.Config(build_app(assistant), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
