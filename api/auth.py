"""The optional bearer-token check of the machine front doors (``/v1``, ``/mcp``).

Off when ``ASSISTANT_API_KEYS`` is unset, as for a server on loopback; tokens are compared in
constant time so that the response time says nothing about how much of a guess was right.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse


def bearer_ok(header: str | None, tokens: frozenset[str]) -> bool:
    """Whether an ``Authorization`` header carries one of ``tokens`` (always, when none)."""
    if not tokens:
        return True
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    given = given.strip()
    return any(hmac.compare_digest(given.encode(), token.encode()) for token in tokens)


def check_bearer(request: Request, tokens: frozenset[str]) -> JSONResponse | None:
    """None when the request may pass, else the 401 response in the OpenAI error format."""
    if bearer_ok(request.headers.get("authorization"), tokens):
        return None
    body = error_body("missing or invalid API key (Authorization: Bearer ...)", "invalid_api_key")
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


def error_body(message: str, code: str) -> dict[str, Any]:
    """An error in the OpenAI format, which OpenAI clients turn into their own exceptions."""
    return {
        "error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    }
