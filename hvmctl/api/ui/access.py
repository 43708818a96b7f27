"""Who is on a console connection, and whether they still are (``api/auth.py`` decides).

A page or stream keeps its connection for long: ``still_valid`` asks the stores again (a
revoked token, a closed or expired session ends it), where ``auth.principal_of`` answers
once per connection (the listener caches its answer in the scope)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import HTTPConnection

from hvmctl.api import auth

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon


def stores(daemon: "Daemon", conn: HTTPConnection) -> tuple[auth.TokenStore, auth.SessionStore]:
    """The listener's stores when it put them in the scope, else the daemon's (the same ones)."""
    given = conn.scope.get(auth.SCOPE_STORES)
    if given is not None:
        tokens, sessions = given
        return tokens, sessions
    return daemon.tokens, daemon.sessions


def session_of(daemon: "Daemon", conn: HTTPConnection) -> auth.Session | None:
    sid = conn.cookies.get(auth.SESSION_COOKIE)
    return stores(daemon, conn)[1].get(sid) if sid else None


def still_valid(daemon: "Daemon", conn: HTTPConnection, principal: auth.Principal) -> bool:
    if principal.via == "unix":
        return True
    if principal.via == "token":
        secret = auth.bearer(conn.scope)
        return secret is not None and stores(daemon, conn)[0].verify(secret) is not None
    return session_of(daemon, conn) is not None


def describe(principal: Any) -> dict[str, str]:
    return {"name": principal.name, "role": principal.role, "via": principal.via}
