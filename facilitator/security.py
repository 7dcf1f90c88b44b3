"""Security headers on every response: Flask's own, and the Socket.IO transport's, which
its middleware answers before Flask sees the request (long-polling's GETs and POSTs).

The Content-Security-Policy allows scripts, styles, fonts and images from the app itself
only: no inline script, no CDN. Socket.IO connects back to the same host (ws/wss).
"""
from __future__ import annotations

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


# The pages and files of these blueprints hold people's data (the team's emails, the
# committee's in the internal plan and the exports, a phone's rejoin code): kept by no
# cache, shared or the browser's, unless a view says otherwise.
PRIVATE_BLUEPRINTS = {"archive", "auth", "console", "phone", "plan"}


def init_app(app: Flask) -> None:
    """Flask's responses get the headers (a view may have set its own first); whatever
    wraps the app later (Socket.IO) is wrapped in turn by `around_transport`."""
    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.blueprint in PRIVATE_BLUEPRINTS:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


def around_transport(app: Flask) -> None:
    """Call once the Socket.IO middleware is in place: its responses get the headers
    too, where they have none of their own."""
    inner = app.wsgi_app

    def with_headers(environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend((name, value) for name, value in HEADERS.items()
                           if name.lower() not in present)
            return start_response(status, headers, exc_info)
        return inner(environ, start)

    app.wsgi_app = with_headers
