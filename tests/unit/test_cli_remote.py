"""The CLI's remote connection: URLs, the token file, trust on first use, global options."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.cli import main as cli
from hvmctl.cli.remote import Remote, TrustError, parse_url, read_token
from hvmctl.errors import ConfigError


def test_parse_url() -> None:
    assert parse_url("https://h.example:9443") == ("h.example", 9443)
    assert parse_url("h.example") == ("h.example", 8443)
    assert parse_url("https://[::1]:8443/") == ("::1", 8443)
    for bad in ("http://h:80", "https://h:x", "https://h:1/path", ""):
        with pytest.raises(ConfigError):
            parse_url(bad)


def test_token_file(tmp_path: Path) -> None:
    (tmp_path / "t").write_text("hvm_abc\n")
    assert read_token(str(tmp_path / "t")) == "hvm_abc"
    (tmp_path / "two").write_text("a\nb\n")
    with pytest.raises(ConfigError):
        read_token(str(tmp_path / "two"))
    with pytest.raises(ConfigError):
        read_token(str(tmp_path / "none"))


def test_pin_on_first_use_then_insist(tmp_path: Path) -> None:
    known = tmp_path / "kh"
    r = Remote("https://h:1", "tok", known_hosts=str(known))
    r.check_pin(b"cert-one")
    assert known.read_text().split()[0] == "h:1"
    r.check_pin(b"cert-one")
    with pytest.raises(TrustError, match="certificate changed"):
        r.check_pin(b"cert-two")
    Remote("https://other:1", None, known_hosts=str(known)).check_pin(b"cert-two")  # its own line
    assert len(known.read_text().splitlines()) == 2
    assert "Authorization: Bearer tok" in r.headers() and "Host: h:1" in r.headers()


def test_global_options_before_the_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    seen = {}

    def handler(args: object, ctx: cli.Context) -> int:
        seen.update(ctx.connect, remote=ctx.remote)
        return 0

    monkeypatch.setitem(cli.REGISTERED, "zz-test", cli.Command("zz-test", "t", handler, None))
    assert cli.main(["-c", "https://h:1", "--token-file=/t", "--ca", "/ca", "zz-test"]) == 0
    assert seen == {"url": "https://h:1", "token_file": "/t", "ca": "/ca", "remote": True}
    assert cli.main(["-c"]) == 2
    monkeypatch.setenv("HVMCTL_CONNECT", "https://h:2")
    ctx = cli.Context("xm")
    assert ctx.remote
    with pytest.raises(Exception, match="own host only"):
        ctx.require_local("the console")
