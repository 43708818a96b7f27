"""One action table for every front end: the daemon's routes are mounted from it, the CLI
calls actions by its names, and a handler or an entry missing on either side is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hvmctl.api.actions import ActionRouter, check_complete
from hvmctl.api.wire import ACTIONS, ROLES, route, segment
from hvmctl.daemon.state import ACTIONS as STATE_ACTIONS
from hvmctl.errors import DaemonError

ROOT = Path(__file__).resolve().parents[2]


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    from hvmctl.api.app import create_app
    from hvmctl.daemon.service import Daemon
    from hvmctl.paths import Paths

    paths = Paths(state_dir=tmp_path / "state", run_dir=tmp_path / "run", socket=tmp_path / "run" / "api.sock",
                  log_dir=tmp_path / "log", profile_dir=tmp_path / "xen", qemu="qemu-system-x86_64")
    return create_app(Daemon(paths))


def test_every_route_is_an_action_of_the_table(tmp_path: Path) -> None:
    schema = _app(tmp_path).openapi()
    mounted = {}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            name = op.get("x-hvmctl-action")
            assert name is not None, f"{method.upper()} {path} is not in the action table"
            mounted[name] = (method.upper(), path)
            assert op["x-hvmctl-role"] == ACTIONS[name].role
    assert mounted == {name: (w.method, w.path) for name, w in ACTIONS.items()}


def test_table_entries_are_well_formed() -> None:
    for name, wire in ACTIONS.items():
        assert wire.method in ("GET", "POST"), name
        assert wire.role in ROLES, name
        assert wire.states is None or wire.states in STATE_ACTIONS, name
        assert wire.summary and "\n" not in wire.summary, name
        assert wire.method == "GET" or wire.role != "viewer", f"{name}: a viewer never changes anything"


def test_route_fills_and_escapes_parameters() -> None:
    assert route("pause", ref="web 1/x") == ("POST", "/v1/domains/web%201%2Fx/pause")
    assert route("migration", job="ab12") == ("GET", "/v1/migrations/ab12")
    assert segment("ü,") == "%C3%BC%2C"
    with pytest.raises(KeyError):
        route("pause")


def test_a_missing_or_doubled_handler_is_refused() -> None:
    with pytest.raises(DaemonError, match="missing \\['unpause'\\]"):
        check_complete([n for n in ACTIONS if n != "unpause"])
    with pytest.raises(DaemonError, match="declared twice \\['pause'\\]"):
        check_complete([*ACTIONS, "pause"])
    act = ActionRouter()
    with pytest.raises(KeyError):
        act("no-such-action")


def test_the_cli_reaches_the_daemon_only_through_named_actions() -> None:
    sources = {p: p.read_text() for p in (ROOT / "hvmctl" / "cli").glob("*.py")}
    for path, text in sources.items():
        for line in text.splitlines():
            assert '"/v1/' not in line or "wire" in line, f"{path.name}: a literal API path: {line.strip()}"
    used = {m for text in sources.values() for m in re.findall(r'\.act(?:_stream|_progress)?\("([a-z-]+)"', text)}
    assert used <= set(ACTIONS), used - set(ACTIONS)
    assert {"create", "list", "shutdown", "reboot", "save", "migrate", "export", "block-attach"} <= used


def test_the_remote_endpoint_dispatches_exactly_the_tables_operations() -> None:
    from types import SimpleNamespace

    from hvmctl.api.remote import _remote_handlers
    from hvmctl.api.wire import REMOTE_OPS

    async def op(args: object) -> object:
        return args

    session = SimpleNamespace(preflight=op, prepare=op, finish=op, abort=op)
    assert set(_remote_handlers(session)) == set(REMOTE_OPS)  # type: ignore[arg-type]  # a stand-in session
