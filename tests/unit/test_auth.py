"""Roles, tokens (hashed, re-read on change), sessions (expiry, revocation) and the principal
of a connection (Unix socket, bearer token, session cookie with CSRF)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from hvmctl.api import auth
from hvmctl.api.auth import Principal, SessionStore, TokenStore, principal_of, role_allows
from hvmctl.errors import ConfigError, ConflictError, NotFoundError


def test_role_order() -> None:
    assert role_allows("admin", "viewer") and role_allows("operator", "operator")
    assert not role_allows("viewer", "operator") and not role_allows("operator", "admin")
    assert not role_allows("root", "viewer") and not role_allows("admin", "god")


def test_token_secret_is_stored_hashed_and_verified(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    name, secret = store.create("operator", "ci")
    assert name == "ci" and secret.startswith("hvm_") and len(secret) > 40
    text = (tmp_path / "tokens.json").read_text()
    assert secret not in text and auth._digest(secret) in text
    assert os.stat(tmp_path / "tokens.json").st_mode & 0o777 == 0o600
    assert store.verify(secret) == Principal("ci", "operator", "token")
    assert store.verify(secret + "x") is None and store.verify("") is None
    assert store.list() == [{"name": "ci", "role": "operator", "created": store.list()[0]["created"]}]


def test_token_names_roles_and_revoke(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    assert store.create("viewer")[0] == "viewer-1"
    assert store.create("viewer")[0] == "viewer-2"
    with pytest.raises(ConflictError):
        store.create("admin", "viewer-1")
    with pytest.raises(ConfigError):
        store.create("root")
    with pytest.raises(ConfigError):
        store.create("viewer", "a b")
    with pytest.raises(NotFoundError):
        store.revoke("nope")
    store.revoke("viewer-1")
    assert [t["name"] for t in store.list()] == ["viewer-2"]


def test_revoke_by_another_process_takes_effect_at_once(tmp_path: Path) -> None:
    daemon_side = TokenStore(tmp_path / "tokens.json")
    cli_side = TokenStore(tmp_path / "tokens.json")
    name, secret = cli_side.create("admin")
    assert daemon_side.verify(secret) is not None
    seen: list[str] = []
    daemon_side.on_revoke.append(seen.append)
    cli_side.revoke(name)
    assert daemon_side.verify(secret) is None
    assert seen == [name]


def test_unreadable_file_fails_closed(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    _, secret = store.create("admin")
    (tmp_path / "tokens.json").write_text("{not json")
    assert store.verify(secret) is None


def test_session_expires_and_dies_with_its_token(tmp_path: Path) -> None:
    now = [1000.0]
    tokens = TokenStore(tmp_path / "tokens.json")
    sessions = SessionStore(tokens, ttl=60, clock=lambda: now[0])
    name, secret = tokens.create("operator", "web")
    assert sessions.open("wrong") is None
    s = sessions.open(secret)
    assert s is not None and s.principal == Principal("web", "operator", "session") and s.csrf != s.sid
    assert sessions.get(s.sid) is s
    now[0] += 61
    assert sessions.get(s.sid) is None
    s2 = sessions.open(secret)
    assert s2 is not None
    tokens.revoke(name)
    assert sessions.get(s2.sid) is None
    # a new token with the same name is not the old one: the old session stays dead
    _, again = tokens.create("operator", "web")
    s3 = sessions.open(again)
    assert s3 is not None
    sessions.close(s3.sid)
    assert sessions.get(s3.sid) is None


def scope(headers: dict[str, str], *, method: str = "GET", stores: Any = None, client: Any = ("1.2.3.4", 5),
          kind: str = "http") -> dict[str, Any]:
    sc: dict[str, Any] = {"type": kind, "method": method, "client": client,
                          "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    if stores is not None:
        sc[auth.SCOPE_STORES] = stores
    return sc


def test_principal_of_unix_token_and_nothing(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    sessions = SessionStore(tokens)
    _, secret = tokens.create("viewer", "v")
    assert principal_of(scope({}, client=None)) == auth.ROOT  # the Unix socket
    assert principal_of(scope({})) is None  # TCP without the listener's stores: no one
    stores = (tokens, sessions)
    assert principal_of(scope({}, stores=stores)) is None
    assert principal_of(scope({"Authorization": f"Bearer {secret}"}, stores=stores)) == Principal("v", "viewer",
                                                                                                    "token")
    assert principal_of(scope({"Authorization": f"Basic {secret}"}, stores=stores)) is None
    # a bearer token on the listener is never upgraded to root, even without a client address
    assert principal_of(scope({"Authorization": "Bearer x"}, stores=stores, client=None)) is None


def test_session_cookie_needs_csrf_to_change_state(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    sessions = SessionStore(tokens)
    _, secret = tokens.create("operator", "web")
    s = sessions.open(secret)
    assert s is not None
    stores = (tokens, sessions)
    cookie = {"Cookie": f"other=1; {auth.SESSION_COOKIE}={s.sid}"}
    assert principal_of(scope(cookie, stores=stores)) == s.principal
    assert principal_of(scope(cookie, method="POST", stores=stores)) is None
    assert principal_of(scope({**cookie, auth.CSRF_HEADER: "nope"}, method="POST", stores=stores)) is None
    assert principal_of(scope({**cookie, auth.CSRF_HEADER: s.csrf}, method="POST", stores=stores)) == s.principal
    # WebSockets: the cookie from a page of ours only
    ws = {**cookie, "Host": "h:8443"}
    assert principal_of(scope({**ws, "Origin": "https://h:8443"}, kind="websocket", stores=stores)) == s.principal
    assert principal_of(scope({**ws, "Origin": "https://evil.example"}, kind="websocket", stores=stores)) is None


def test_require_says_401_or_403(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    _, secret = tokens.create("viewer")
    stores = (tokens, SessionStore(tokens))
    with pytest.raises(auth.AuthError) as e401:
        auth.require(scope({}, stores=stores), "viewer")
    assert e401.value.http_status == 401
    with pytest.raises(auth.ForbiddenError) as e403:
        auth.require(scope({"Authorization": f"Bearer {secret}"}, stores=stores), "operator")
    assert e403.value.http_status == 403
    assert auth.require(scope({"Authorization": f"Bearer {secret}"}, stores=stores), "viewer").role == "viewer"


def test_tokens_file_shape(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.create("admin", "a")
    data = json.loads((tmp_path / "tokens.json").read_text())
    assert set(data["tokens"][0]) == {"name", "role", "sha256", "created"}
