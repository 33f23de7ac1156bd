"""Security headers on every HTTP response: a Content-Security-Policy, framing, sniffing, referrer.

``SecurityHeaders`` is a pure ASGI middleware (``app.add_middleware(SecurityHeaders,
frame_origins=settings.allowed_origins)``). The policy is the one the Gradio 6 page works
under with no violation (chat, partner directory, staff tab; checked in Chromium by
``tests/test_safe_rendering.py``):

* ``default-src 'self'``: whatever is not named below (manifest, media, workers, frames)
  comes from the server itself only.
* ``script-src 'self' 'sha256-…' 'unsafe-eval'``: Gradio's JavaScript is served by the app
  (``/assets``, ``/static``). Its page template has inline ``<script>`` blocks
  (``window.gradio_config = …`` differs with every configuration), so an HTML response is
  read whole and each of its inline scripts is allowed by its SHA-256 hash, never by
  ``'unsafe-inline'``: a ``<script>`` or an ``onerror=`` that got into the page any other way
  does not run. ``'unsafe-eval'``: ``gr.HTML`` (the partner cards) runs its template and its
  ``js_on_load`` through ``Function``; without it the cards stay empty.
* ``style-src 'self' 'unsafe-inline'``: Svelte and the theme set ``style`` attributes and
  ``<style>`` elements at run time (without it: ten violations, an unstyled page).
* ``img-src 'self' data: blob:``: icons are the server's own or ``data:`` SVG (the checkbox
  tick); ``blob:`` for uploaded files. No remote image: a tracking pixel in a document would
  not load even if it were ever rendered.
* ``font-src 'self'``: the theme's fonts are served by Gradio (no Google Fonts).
* ``connect-src 'self'``: the queue's server-sent events and API calls go to this server.
* ``object-src 'none'``, ``base-uri 'self'`` (the template's ``<base href>`` is its own),
  ``form-action 'self'``.
* ``frame-ancestors 'self' <frame_origins>``: the page may be framed by itself and by the
  website origins of ``ASSISTANT_WIDGET_ORIGINS``; with none listed also ``X-Frame-Options:
  SAMEORIGIN`` (for browsers without CSP 2; XFO cannot list origins).

Also ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy:
strict-origin-when-cross-origin``. No ``Cross-Origin-Resource-Policy`` is set: ``/widget.js``
is loaded by other sites' ``<script>`` tags (the CSP of a script response does not bind the
page that loads it). A header a route set itself is left as it is.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# an origin as a CSP source: scheme, host, optional port (nothing that could end the directive)
ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?")
MAX_HTML_BYTES = 8 * 1024 * 1024  # a page larger than this is not hashed (see ``_finish``)
_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(rb"\ssrc\s*=", re.IGNORECASE)


def content_security_policy(frame_origins: Iterable[str], scripts: Iterable[str] = ()) -> str:
    """The policy; ``scripts`` are extra ``script-src`` sources (the inline scripts' hashes)."""
    ancestors = " ".join(["'self'", *frame_origins])
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *scripts, "'unsafe-eval'"]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def inline_script_hashes(html: bytes) -> list[str]:
    """The CSP hash source (``'sha256-…'``) of every inline ``<script>`` in an HTML page.

    The hash is over the script's text as the browser sees it: UTF-8, line ends as LF.
    """
    found: list[str] = []
    for match in _SCRIPT.finditer(html):
        if _SRC.search(match[1]):
            continue
        text = match[2].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        digest = base64.b64encode(hashlib.sha256(text).digest()).decode()
        if f"'sha256-{digest}'" not in found:
            found.append(f"'sha256-{digest}'")
    return found


class SecurityHeaders:
    """Add the CSP and the other security headers to every HTTP response of ``app``."""

    def __init__(self, app: ASGIApp, frame_origins: list[str]) -> None:
        self.app = app
        self.frame_origins = []
        for origin in frame_origins:
            origin = origin.strip().rstrip("/")
            if ORIGIN.fullmatch(origin):
                self.frame_origins.append(origin)
            elif origin:
                log.warning("frame origin %r ignored: not scheme://host[:port]", origin)
        self.fixed = [
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ]
        if not self.frame_origins:
            self.fixed.append(("X-Frame-Options", "SAMEORIGIN"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to its response (HTML: once read whole)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.fixed:
                    headers.setdefault(name, value)
                if "content-security-policy" in headers or not _is_html(headers):
                    headers.setdefault(
                        "Content-Security-Policy", content_security_policy(self.frame_origins)
                    )
                    await send(message)
                    return
                start = message  # an HTML page: the policy needs its inline scripts
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False) and sum(map(len, body)) <= MAX_HTML_BYTES:
                return
            await self._finish(start, body, message.get("more_body", False), send)
            start = None

        await self.app(scope, receive, send_with_headers)

    async def _finish(self, start: Message, body: list[bytes], more: bool, send: Send) -> None:
        """Send a held HTML response: headers with its scripts' hashes, then what was read."""
        headers = MutableHeaders(scope=start)
        page = b"".join(body)
        if more or "content-encoding" in headers:
            # not readable whole (too large, compressed): no inline script may run
            log.warning("HTML response not hashed; its inline scripts are blocked")
            scripts: list[str] = []
        else:
            scripts = inline_script_hashes(page)
        headers["Content-Security-Policy"] = content_security_policy(self.frame_origins, scripts)
        await send(start)
        await send({"type": "http.response.body", "body": page, "more_body": more})


def _is_html(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").split(";")[0].strip().lower() == "text/html"
