"""The website widget: one ``<script>`` tag gives another site a chat bubble to this server.

``GET /widget.js`` is served by the app itself (no CDN); the script calls ``POST
/widget/ask`` on the origin it was loaded from. Browsers may call from the server's own origin
and from ``ASSISTANT_WIDGET_ORIGINS`` only (``api.server.OriginGuard``). The widget needs no
API key (a key in a public page is no secret); what protects it is the origin list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.requests import ask_json
from assistant.pipeline import Assistant

SCRIPT = Path(__file__).with_name("static") / "widget.js"


class WidgetQuestion(BaseModel):
    """What the widget sends: the question and the visitor's earlier questions."""

    question: str  # checked by the pipeline, like every door's (length, blank)
    history: list[str] = Field(default_factory=list)  # bounded by the pipeline


def widget_router(assistant: Assistant) -> APIRouter:
    """``/widget.js`` and ``/widget/ask``."""
    router = APIRouter()

    @router.get("/widget.js", include_in_schema=False)
    def script() -> Response:
        return Response(
            SCRIPT.read_text(encoding="utf-8"),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300"},
        )

    @router.post("/widget/ask")
    def ask(body: WidgetQuestion) -> Any:
        result = ask_json(assistant, body.question, body.history)
        if "error" in result:
            return JSONResponse(result, status_code=400)
        return result

    return router
