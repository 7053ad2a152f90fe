"""What every dashboard response carries, and how a request proves it is who it says."""

from __future__ import annotations

import hmac

from aiohttp import web

COOKIE = "corridor_session"
CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The sign-in link carries its secret in the address; no other site may see it as a referrer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def protect(response: web.StreamResponse, *, static: bool = False) -> None:
    response.headers.update(HEADERS)
    response.headers["Cache-Control"] = "no-cache" if static else "no-store"


def set_session_cookie(response: web.StreamResponse, secret: str, max_age: int, *, secure: bool) -> None:
    # Lax, not Strict: the link is opened from Slack or Teams, another site, and the redirect
    # that follows must carry the new cookie. Every change still needs the form's CSRF token.
    response.set_cookie(
        COOKIE, secret, max_age=max_age, path="/admin/", httponly=True, samesite="Lax", secure=secure
    )


def clear_session_cookie(response: web.StreamResponse, *, secure: bool) -> None:
    response.del_cookie(COOKIE, path="/admin/", httponly=True, samesite="Lax", secure=secure)


def same_token(given: object, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())
