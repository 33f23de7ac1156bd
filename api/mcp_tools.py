"""The MCP server: the assistant as tools for AI desktop assistants and agents.

Two tools over MCP's Streamable HTTP transport at ``/mcp`` on the same server as the chat:
``ask_alliance`` (a question -> the chat's answer with citations, or its abstention with the
reason and where to ask) and ``find_partners`` (a topic or keyword -> the partner directory's
cards). Both go through ``api.requests``, so they give exactly what ``/ask`` and
``/partners`` give. Stateless JSON responses: every call stands alone, nothing is kept per
session, and a replica behind a load balancer can answer any call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette

from api.requests import ask_json, partners_json
from assistant.pipeline import Assistant
from ui.format import SOMETHING_WRONG

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Answers questions about the AI Alliance Aachen (its partners, how to join, whom to "
    "contact) from a curated, sourced knowledge base, in German or English. Every answer names "
    "its sources; when the knowledge base does not hold the answer, the reply says so "
    "(abstained: true) and where to ask instead. Do not add facts the answer does not contain."
)


def build_mcp(assistant: Assistant) -> MCPServer:
    """An MCP server whose tools answer from ``assistant``."""
    server = MCPServer(name="ai-alliance-aachen", instructions=INSTRUCTIONS)

    @server.tool()
    def ask_alliance(question: str, earlier_questions: list[str] | None = None) -> dict[str, Any]:
        """Ask the AI Alliance Aachen assistant a question (German or English).

        Returns the answer text with [n] markers, the numbered citations (source, title, url,
        snippet), ``abstained`` (true when the knowledge base does not hold the answer; the
        text then says where to ask) and ``reason`` for an abstention. ``earlier_questions``
        are the user's previous questions, for follow-ups such as "and who leads it?".
        """
        return _checked(lambda: ask_json(assistant, question, earlier_questions))

    @server.tool()
    def find_partners(
        topic: str = "", kind: str = "", founding_only: bool = False, lang: str = "de"
    ) -> dict[str, Any]:
        """Find alliance partners by topic or keyword (e.g. "robotics", "Bildverarbeitung").

        ``kind`` narrows to a kind of organisation (university, institute, company, city,
        network, ...), ``founding_only`` to the founding partners, ``lang`` ("de" or "en")
        is the language of the cards. Returns ``partners``: one card per matching profile
        with name, kind, topics, description, website, public contact routes and sources.
        """
        return _checked(lambda: partners_json(assistant, topic, kind, "", founding_only, lang))

    return server


def _checked(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The tool's result, or a tool error (``isError``) with the message for bad input.

    The SDK would put an unexpected exception's own text into the tool error; here it goes
    to the log and the client gets the chat's "something went wrong".
    """
    try:
        result = call()
    except Exception:
        log.exception("MCP tool call failed")
        raise ToolError(SOMETHING_WRONG) from None
    if "error" in result:
        raise ToolError(str(result["error"]))
    return result


def mcp_app(server: MCPServer, host: str) -> Starlette:
    """The Streamable HTTP app of ``server`` with its one route at ``/mcp``.

    Its session manager must run for as long as the app serves (``server.session_manager.run()``
    in the enclosing app's lifespan). On loopback the SDK's DNS-rebinding protection admits only
    local Host and Origin headers; behind a public name, the host it listens on decides.
    """
    security = None
    if host not in ("127.0.0.1", "localhost", "::1"):
        security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    return server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=security,
        host=host,
    )
