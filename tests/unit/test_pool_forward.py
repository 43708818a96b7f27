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
