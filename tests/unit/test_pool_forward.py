"""Forwarding's pieces that need no pool: which requests name a domain, and the member's
own pool token (kept across restarts, remade when revoked)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from hvmctl.api.auth import TokenStore
from hvmctl.pool.forward import TOKEN_NAME, _ref, own_token


def test_only_actions_naming_a_domain_have_a_ref() -> None:
    assert _ref({"method": "POST", "path": "/v1/domains/web/pause"}) == "web"
    assert _ref({"method": "GET", "path": "/v1/domains/a%20b"}) == "a b"
    assert _ref({"method": "GET", "path": "/v1/domains"}) is None
    assert _ref({"method": "GET", "path": "/v1/host"}) is None


def test_own_token_is_kept_and_remade_when_revoked(tmp_path: Path) -> None:
    daemon = SimpleNamespace(paths=SimpleNamespace(state_dir=tmp_path), tokens=TokenStore(tmp_path / "tokens.json"))
    first = own_token(daemon)  # type: ignore[arg-type]
    assert own_token(daemon) == first  # type: ignore[arg-type]
    principal = daemon.tokens.verify(first)
    assert principal is not None and principal.role == "admin" and principal.name == TOKEN_NAME
    assert (tmp_path / "pool-forward.token").stat().st_mode & 0o077 == 0
    daemon.tokens.revoke(TOKEN_NAME)
    second = own_token(daemon)  # type: ignore[arg-type]
    assert second != first and daemon.tokens.verify(first) is None and daemon.tokens.verify(second) is not None


def _call(forward: object, method: str, path: str) -> tuple[int, bytes]:
    import asyncio

    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}
    asyncio.run(forward(scope, receive, send))  # type: ignore[operator]
    status = int(sent[0]["status"])  # type: ignore[call-overload]
    return status, b"".join(m.get("body", b"") for m in sent[1:])  # type: ignore[misc]


def test_local_domains_pass_and_a_member_without_an_api_is_named() -> None:
    from hvmctl.errors import NotFoundError
    from hvmctl.pool.forward import Forward

    seen: list[str] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        seen.append(str(scope["path"]))
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"local"})  # type: ignore[operator]

    copy = object()  # an idle local copy of a pool definition that runs on hb

    def lookup(ref: str) -> object:
        if ref not in ("here", "pd"):
            raise NotFoundError(f"domain '{ref}' does not exist")
        return copy if ref == "pd" else object()

    async def domains() -> dict[str, object]:
        return {"domains": [{"name": "web", "uuid": "u1", "host": "hb"}, {"name": "here", "uuid": "u2", "host": "ha"},
                            {"name": "pd", "uuid": "u3", "host": "hb"}]}

    async def members() -> dict[str, object]:
        return {"ha": {}, "hb": {}}  # hb publishes no API

    pool = SimpleNamespace(host="ha", domains=domains, members=members, runs={"u3": "hb"},
                           managed_defs=SimpleNamespace(shadowed=lambda dom: dom is copy))
    forward = Forward(app, SimpleNamespace(pool=pool, lookup=lookup))  # type: ignore[arg-type]
    assert _call(forward, "POST", "/v1/domains/here/pause") == (200, b"local")
    assert _call(forward, "GET", "/v1/domains") == (200, b"local")
    assert _call(forward, "POST", "/v1/domains/nosuch/pause") == (200, b"local")  # the local 404's path
    status, body = _call(forward, "POST", "/v1/domains/web/pause")
    assert status == 409 and b"pool member 'hb'" in body and b"HVMCTL_LISTEN" in body
    status, body = _call(forward, "POST", "/v1/domains/pd/start")  # shadowed here: goes to hb
    assert status == 409 and b"pool member 'hb'" in body
    assert seen == ["/v1/domains/here/pause", "/v1/domains", "/v1/domains/nosuch/pause"]
