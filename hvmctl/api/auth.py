"""Who is calling: roles, API tokens, browser sessions, and the principal of a connection.

- Roles are ordered: viewer < operator < admin (``api/wire.py`` names the least role of
  each action; ``role_allows`` is the one comparison).
- Tokens (``TokenStore``) live in ``STATE_DIR/tokens.json``, each as the SHA-256 of its
  secret (a secret is shown once, at creation, and never stored). The file is re-read
  whenever it changes on disk, so a revoke takes effect on the next request.
- Sessions (``SessionStore``) are the web console's: opened with a token, kept in memory,
  ended by expiry, by sign-out, or by the revocation of the token that opened them.
- ``principal_of`` answers for one ASGI connection. A connection on the Unix socket (mode
  0600: root, or the daemon's user) is ``root``/admin and needs no token; on the TCP
  listener (``api/listen.py``, which puts its stores into the scope) a request carries
  ``Authorization: Bearer SECRET`` or the session cookie, and a state-changing request with
  the cookie must also carry the session's CSRF token in ``X-CSRF-Token``.

Stdlib only, imported lazily by the daemon (its start must stay fast).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hvmctl.atomic import write_json_atomic
from hvmctl.errors import ConfigError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError


# hashlib, hmac and secrets load libcrypto (3.6 MiB of the daemon's RSS): imported when a
# token or session is checked or made, not by a daemon that only serves its Unix socket


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _same(a: Any, b: Any) -> bool:
    import hmac

    return hmac.compare_digest(a, b)


def _random_text() -> str:
    import secrets

    return secrets.token_urlsafe(32)

ROLES = ("viewer", "operator", "admin")
SESSION_COOKIE = "hvmctl_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_TTL_ENV = "HVMCTL_SESSION_TTL"
DEFAULT_SESSION_TTL = 8 * 3600.0  # seconds: a working day, then sign in again
MAX_SESSIONS = 1024  # an attacker with one token cannot fill the daemon's memory with sessions
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: scope keys the TCP listener sets (api/listen.py): its stores, and the principal it found
SCOPE_STORES = "hvmctl.auth"
SCOPE_PRINCIPAL = "hvmctl.principal"
TOKEN_PREFIX = "hvm_"
Entries = list[dict[str, Any]]  # the file's token entries (a name: TokenStore.list shadows list)
_NAME_OK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.@")


def role_allows(have: str, need: str) -> bool:
    """True when role ``have`` may do what needs role ``need`` (unknown roles allow nothing)."""
    if have not in ROLES or need not in ROLES:
        return False
    return ROLES.index(have) >= ROLES.index(need)


AuthError = UnauthorizedError  # 401: no, wrong or revoked credentials (re-exported for the web console)


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    via: str  # "unix" | "token" | "session" | "peer" (a host holding the migration token)


ROOT = Principal("root", "admin", "unix")


def _digest(secret: str) -> str:
    return _sha256(secret.encode("utf-8", "surrogatepass"))


def check_name(name: str) -> str:
    if not name or len(name) > 64 or not set(name) <= _NAME_OK:
        raise ConfigError(f"token name {name!r}: expected 1-64 of letters, digits and -_.@")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    return role


class TokenStore:
    """The API tokens of this host (``STATE_DIR/tokens.json``, secrets hashed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._tokens: list[dict[str, Any]] = []
        #: called with a token's name when it is found revoked (by us or by another process)
        self.on_revoke: list[Callable[[str], None]] = []

    # ---- reading ----------------------------------------------------------------------
    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load(self) -> list[dict[str, Any]]:
        """The tokens as on disk now (one stat per call; the file is read only when it changed)."""
        stamp = self._file_stamp()
        with self._lock:
            if stamp == self._stamp and (stamp is not None or not self._tokens):
                return self._tokens
            before = {t["name"] for t in self._tokens}
            tokens: list[dict[str, Any]] = []
            if stamp is not None:
                try:
                    data = json.loads(self.path.read_text())
                except (OSError, ValueError):
                    data = {}  # unreadable: no token is valid (fail closed), the file is kept
                raw = data.get("tokens") if isinstance(data, dict) else None
                for entry in raw if isinstance(raw, list) else []:
                    if (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                            and entry.get("role") in ROLES and isinstance(entry.get("sha256"), str)):
                        tokens.append(entry)
            self._tokens, self._stamp = tokens, stamp
            gone = before - {t["name"] for t in tokens}
        for name in sorted(gone):
            self._revoked(name)
        return tokens

    def _revoked(self, name: str) -> None:
        for listener in list(self.on_revoke):
            try:
                listener(name)
            except Exception:  # a listener's bug must not keep a revoke from happening
                pass

    def list(self) -> list[dict[str, Any]]:
        """Name, role and creation time of each token (never its hash)."""
        return [{"name": t["name"], "role": t["role"], "created": t.get("created")} for t in self._load()]

    def verify(self, secret: str) -> Principal | None:
        """The principal of ``secret``, or None. Every stored hash is compared, in constant time."""
        if not isinstance(secret, str) or not secret or len(secret) > 256:
            return None
        given = _digest(secret)
        found: dict[str, Any] | None = None
        for entry in self._load():
            if _same(given, str(entry["sha256"])):
                found = entry
        return Principal(str(found["name"]), str(found["role"]), "token") if found else None

    def alive(self, name: str, sha256: str) -> bool:
        """True while the token ``name`` with this hash exists (sessions and WebSockets ask)."""
        return any(t["name"] == name and _same(str(t["sha256"]), sha256) for t in self._load())

    # ---- changing (read-modify-write under a file lock: the CLI and the daemon may both) -
    def _change(self, edit: Callable[[Entries], Entries]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._stamp = None  # read it again under the lock
            tokens = edit([dict(t) for t in self._load()])
            write_json_atomic(self.path, {"tokens": tokens}, mode=0o600)
        finally:
            os.close(fd)
        self._load()

    def create(self, role: str, name: str | None = None) -> tuple[str, str]:
        """A new token: (name, secret). The secret is returned once and only its hash is kept."""
        check_role(role)
        if name is not None:
            check_name(name)
        secret = TOKEN_PREFIX + _random_text()
        chosen: list[str] = []

        def add(tokens: list[dict[str, Any]]) -> Entries:
            names = {t["name"] for t in tokens}
            new = name
            if new is None:
                n = len(tokens) + 1
                while f"{role}-{n}" in names:
                    n += 1
                new = f"{role}-{n}"
            elif new in names:
                raise ConflictError(f"token {new!r} already exists (revoke it first)")
            chosen.append(new)
            return tokens + [{"name": new, "role": role, "sha256": _digest(secret), "created": int(time.time())}]

        self._change(add)
        return chosen[0], secret

    def revoke(self, name: str) -> None:
        """Remove token ``name``: requests, sessions and WebSockets using it stop at once."""

        def remove(tokens: list[dict[str, Any]]) -> Entries:
            kept = [t for t in tokens if t["name"] != name]
            if len(kept) == len(tokens):
                raise NotFoundError(f"no token named {name!r} (see `hvmctl token list`)")
            return kept

        self._change(remove)

    def hash_of(self, secret: str) -> str:
        return _digest(secret)


@dataclass
class Session:
    sid: str
    csrf: str
    principal: Principal
    expires: float
    token_sha256: str = field(default="", repr=False)


def session_ttl(environ: Mapping[str, str] | None = None) -> float:
    text = (os.environ if environ is None else environ).get(SESSION_TTL_ENV, "")
    try:
        value = float(text) if text else DEFAULT_SESSION_TTL
    except ValueError:
        raise ConfigError(f"{SESSION_TTL_ENV}={text!r}: expected seconds") from None
    return value if value > 0 else DEFAULT_SESSION_TTL


class SessionStore:
    """The web console's sessions, in memory (a daemon restart signs everyone out)."""

    def __init__(self, tokens: TokenStore, ttl: float | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.tokens = tokens
        self.ttl = session_ttl() if ttl is None else ttl
        self.clock = clock
        self._sessions: dict[str, Session] = {}

    def open(self, secret: str) -> Session | None:
        """A new session for a valid token (None for an invalid one)."""
        principal = self.tokens.verify(secret)
        if principal is None:
            return None
        self._prune()
        if len(self._sessions) >= MAX_SESSIONS:  # the oldest goes
            oldest = min(self._sessions.values(), key=lambda s: s.expires)
            self._sessions.pop(oldest.sid, None)
        session = Session(sid=_random_text(), csrf=_random_text(),
                          principal=Principal(principal.name, principal.role, "session"),
                          expires=self.clock() + self.ttl, token_sha256=self.tokens.hash_of(secret))
        self._sessions[session.sid] = session
        return session

    def get(self, sid: str) -> Session | None:
        """The live session ``sid``: None once it expired or its token was revoked."""
        session = self._sessions.get(sid) if isinstance(sid, str) else None
        if session is None:
            return None
        if session.expires <= self.clock() or not self.tokens.alive(session.principal.name, session.token_sha256):
            self._sessions.pop(sid, None)
            return None
        return session

    def close(self, sid: str) -> None:
        self._sessions.pop(sid, None)

    def _prune(self) -> None:
        now = self.clock()
        for sid in [s.sid for s in self._sessions.values() if s.expires <= now]:
            self._sessions.pop(sid, None)


# ---- the principal of one connection ----------------------------------------------------
def _scope(conn: Any) -> Mapping[str, Any]:
    """An ASGI scope, from a scope or anything that has one (Request, WebSocket)."""
    scope = getattr(conn, "scope", conn)
    return scope if isinstance(scope, Mapping) else {}


def _header(scope: Mapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _cookie(scope: Mapping[str, Any], name: str) -> str | None:
    raw = _header(scope, b"cookie")
    for part in (raw or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return None


def bearer(scope: Mapping[str, Any]) -> str | None:
    value = _header(scope, b"authorization")
    if value is None:
        return None
    kind, _, secret = value.strip().partition(" ")
    return secret.strip() if kind.lower() == "bearer" and secret.strip() else None


def _same_origin(scope: Mapping[str, Any]) -> bool:
    """A WebSocket opened with the cookie must come from a page of ours (no cross-site hijack)."""
    origin = _header(scope, b"origin")
    if origin is None:
        return True  # not a browser: a browser always sends Origin on a WebSocket
    host = _header(scope, b"host") or ""
    return origin.split("://", 1)[-1].rstrip("/") == host


def credentials_given(conn: Any) -> bool:
    """Whether the connection presents any credentials at all (401 vs 403, and rate limits)."""
    scope = _scope(conn)
    return bearer(scope) is not None or _cookie(scope, SESSION_COOKIE) is not None


def principal_of(conn: Any) -> Principal | None:
    """Who is on this connection (a scope, Request or WebSocket), or None.

    The Unix socket's connections are root; a TCP connection is whoever its bearer token or
    session cookie says (the listener puts its stores into the scope). With the cookie, a
    request that changes state must carry the session's CSRF token, else None."""
    scope = _scope(conn)
    cached = scope.get(SCOPE_PRINCIPAL)
    if isinstance(cached, Principal):
        return cached
    stores = scope.get(SCOPE_STORES)
    if stores is None:
        # no TCP listener in front: the Unix socket (uvicorn and the early server give no
        # client address there); any other connection without the listener's stores: no one
        return ROOT if scope.get("client") is None else None
    tokens, sessions = stores
    secret = bearer(scope)
    if secret is not None:
        return tokens.verify(secret) if isinstance(tokens, TokenStore) else None
    sid = _cookie(scope, SESSION_COOKIE)
    if sid is None or not isinstance(sessions, SessionStore):
        return None
    session = sessions.get(sid)
    if session is None:
        return None
    if scope.get("type") == "websocket":
        return session.principal if _same_origin(scope) else None
    if str(scope.get("method", "GET")).upper() not in SAFE_METHODS:
        given = _header(scope, CSRF_HEADER.lower().encode()) or ""
        if not _same(given.encode(), session.csrf.encode()):
            return None
    return session.principal


def require(conn: Any, need: str) -> Principal:
    """The connection's principal if its role allows ``need``; else AuthError (401, no or bad
    credentials) or ForbiddenError (403, a lower role)."""
    principal = principal_of(conn)
    if principal is None:
        raise AuthError("a valid token is required (Authorization: Bearer TOKEN, or sign in)")
    if not role_allows(principal.role, need):
        raise ForbiddenError(f"{principal.name} has role {principal.role}; this needs {need}")
    return principal
