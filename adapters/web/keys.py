"""Where a request keeps what the sign-in check found (typed keys where aiohttp has them)."""

from aiohttp import web

_key = getattr(web, "RequestKey", None)
SESSION = _key("desk_session", object) if _key else "desk_session"
SECRET = _key("desk_secret", str) if _key else "desk_secret"
