"""The CLI's start path: the static command table, the argparse-free parsing, the lean
imports, and its errors (unknown command, --json, permission, a daemon gone mid-answer)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvmctl.cli import client as cli_client
from hvmctl.cli import fastjson
from hvmctl.cli import main as cli
from hvmctl.cli.quickargs import Recorder, Unsupported
from hvmctl.cli.table import COMMANDS, MODULES
from hvmctl.errors import DaemonError, HostError, NotFoundError
from hvmctl.locations import Locations

ROOT = Path(__file__).resolve().parents[2]


def _all_registered() -> dict[str, cli.Command]:
    for module in MODULES:
        __import__(module)
    return cli.REGISTERED


# ---- the static table ---------------------------------------------------------------------
def test_table_lists_every_registered_command_with_its_module_and_help() -> None:
    registered = _all_registered()
    assert sorted(COMMANDS) == sorted(registered)
    for name, cmd in registered.items():
        module, help = COMMANDS[name]
        assert cmd.handler.__module__ == module, name
        assert cmd.help == help, name


def test_whole_program_help_comes_from_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: hvmctl [-h] COMMAND ...\n")
    for name, (_, help) in COMMANDS.items():
        assert any(line.split(None, 1) == [name, help] for line in out.splitlines()), name


# ---- quick parsing agrees with argparse ---------------------------------------------------------
def _argparse_parser(cmd: cli.Command) -> argparse.ArgumentParser:
    class Quiet(argparse.ArgumentParser):
        def error(self, message: str) -> Any:
            raise ValueError(message)

        def exit(self, status: int = 0, message: str | None = None) -> Any:
            raise ValueError(message)

    parser = Quiet(prog=f"xm {cmd.name}")
    parser.add_argument("--json", action="store_true")
    if cmd.args is not None:
        cmd.args(parser)
    return parser


def _recorder(cmd: cli.Command) -> Recorder | None:
    rec = Recorder()
    rec.add_argument("--json", action="store_true")
    try:
        if cmd.args is not None:
            cmd.args(rec)  # type: ignore[arg-type]  # the Recorder stands in for the parser
    except Unsupported:
        return None
    return rec


def _words(cmd: cli.Command) -> list[str]:
    """Every option the command knows, a few it does not, and values of several kinds."""
    parser = _argparse_parser(cmd)
    options = [s for a in parser._actions for s in a.option_strings]
    return options + ["dom1", "7", "2.5", "a=b", "-", "", "--", "-x", "--jso", "-5", "--json=1", "start",
                      "enable", "tls", "raw", "--timeout=3", "-lw"]


def test_most_commands_parse_without_argparse() -> None:
    quick = [name for name, cmd in _all_registered().items() if _recorder(cmd) is not None]
    assert len(quick) >= len(COMMANDS) - 2  # image (subcommands) goes to argparse
    assert "list" in quick and "create" in quick and "migrate" in quick


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_quick_parse_gives_argparse_values_or_defers(name: str) -> None:
    cmd = _all_registered()[name]
    rec = _recorder(cmd)
    if rec is None:
        pytest.skip("argparse parses this command")
    words = _words(cmd)

    @settings(max_examples=150, deadline=None, database=None)
    @given(st.lists(st.sampled_from(words), max_size=6))
    def check(argv: list[str]) -> None:
        assert rec is not None
        quick = rec.parse(argv)
        try:
            expected: dict[str, Any] | None = vars(_argparse_parser(cmd).parse_args(argv))
        except ValueError:
            expected = None
        if quick is not None:
            assert expected is not None, f"{argv}: argparse refuses it, quick parsing took it"
            assert vars(quick) == expected, argv

    check()


@pytest.mark.parametrize("argv,values", [
    (["list"], {"json": False, "long": False, "pool": False, "domains": []}),
    (["list", "--json", "a", "b"], {"json": True, "long": False, "pool": False, "domains": ["a", "b"]}),
    (["create", "-n", "web", "memory=64", "vcpus=2"],
     {"json": False, "console": False, "dry_run": True, "paused": False, "host": None, "allow_any_path": False, "profile": "web",
      "overrides": ["memory=64", "vcpus=2"]}),
    (["shutdown", "--timeout", "5", "-w", "d"],
     {"json": False, "wait": True, "all": False, "timeout": 5.0, "force": False, "domain": "d"}),
    (["mem-set", "d", "256"], {"json": False, "domain": "d", "mib": 256, "live": False, "config": False}),
])
def test_plain_command_lines_parse_quickly(argv: list[str], values: dict[str, Any]) -> None:
    rec = _recorder(_all_registered()[argv[0]])
    assert rec is not None
    parsed = rec.parse(argv[1:])
    assert parsed is not None and vars(parsed) == values


# ---- lean imports -------------------------------------------------------------------------------
HEAVY = ("re", "pathlib", "enum", "typing", "socket", "urllib.parse", "shutil", "ipaddress", "argparse",
         "gettext", "json.decoder", "dataclasses", "hvmctl.paths", "hvmctl.cli.cmd_storage",
         "hvmctl.cli.cmd_network", "hvmctl.cli.cmd_migration", "hvmctl.cli.cmd_media")


class FakeDaemon:
    """A Unix socket answering each request with ``answer(request_bytes)`` (None: close)."""

    def __init__(self, path: str, answer: Callable[[bytes], bytes | None]) -> None:
        self.path = path
        self.answer = answer
        self.requests: list[bytes] = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(8)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + body)
                reply = self.answer(head + b"\r\n\r\n" + body)
                if reply:
                    conn.sendall(reply)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() (a close alone does not)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)
        os.unlink(self.path)


def _http(status: int, body: bytes, *, length: int | None = None, chunked: bool = False) -> bytes:
    if chunked:
        framed = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in body.split(b"|")) + b"0\r\n\r\n"
        return (b"HTTP/1.1 %d X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n" % status
                + framed)
    return (b"HTTP/1.1 %d X\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
            % (status, len(body) if length is None else length) + body)


LIST_ANSWER = json.dumps({"host": {"total_memory": 4096, "nr_cpus": 2, "cpu_time": 1.5, "boot_time": 1.0},
                          "domains": []}).encode()


@pytest.fixture
def where(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short run dir (socket paths max 107 bytes) with the CLI's variables pointing into it."""
    base = Path(tempfile.mkdtemp(prefix="cf", dir="/tmp"))
    monkeypatch.setenv("HVMCTL_RUN_DIR", str(base))
    monkeypatch.setenv("HVMCTL_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("HVMCTL_SOCKET", str(base / "api.sock"))
    monkeypatch.setenv("HVMCTL_NO_AUTOSTART", "1")
    yield base
    shutil.rmtree(base)


def _run_cli(argv: list[str], env: dict[str, str], probe: bool = True) -> subprocess.CompletedProcess[str]:
    code = ("import sys; from hvmctl.cli.main import main; rc = main(sys.argv[1:]); "
            f"print('LOADED', *sorted(m for m in {HEAVY!r} if m in sys.modules)); sys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **env, PYTHONPATH=str(ROOT)))


def test_list_and_help_import_nothing_heavy(where: Path) -> None:
    daemon = FakeDaemon(str(where / "api.sock"), lambda req: _http(200, LIST_ANSWER))
    try:
        env = {k: os.environ[k] for k in ("HVMCTL_RUN_DIR", "HVMCTL_STATE_DIR", "HVMCTL_SOCKET")}
        for argv in (["list"], ["--help"], ["destroy", "web"], ["list", "-l", "Domain-0"], ["list", "--json"]):
            out = _run_cli(argv, env)
            assert out.returncode == 0, out.stderr
            assert out.stdout.splitlines()[-1] == "LOADED", argv
        listed = _run_cli(["list"], env).stdout.splitlines()
        assert listed[1].split()[:2] == ["Domain-0", "0"]
    finally:
        daemon.close()


def test_command_modules_import_nothing_heavy() -> None:
    code = ("import sys, hvmctl.cli.cmd_storage, hvmctl.cli.cmd_network, hvmctl.cli.cmd_migration, "
            "hvmctl.cli.cmd_media; "
            f"print(sorted(m for m in {HEAVY[:12]!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.stdout.strip() == "[]", out.stderr


# ---- errors ---------------------------------------------------------------------------------------
def test_unknown_command_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lsit"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "hvmctl: error: unknown command 'lsit'; did you mean 'list'?"
    assert cli.main(["frobnicate", "--json"]) == 2
    out = capsys.readouterr()
    assert json.loads(out.out) == {"error": "usage", "message": "unknown command 'frobnicate'; see --help for the list"}
    assert out.err == ""


def test_json_errors_go_to_stdout_as_json(where: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer = json.dumps({"error": "not-found", "message": "domain 'web' does not exist"}).encode()
    daemon = FakeDaemon(str(where / "api.sock"), lambda req: _http(404, answer))
    try:
        assert cli.main(["destroy", "web", "--json"]) == 1
        out = capsys.readouterr()
        assert json.loads(out.out) == {"error": "not-found", "message": "domain 'web' does not exist"}
        assert out.err == ""
        assert cli.main(["destroy", "web"]) == 1
        out = capsys.readouterr()
        assert out.out == "" and out.err == "hvmctl: error: domain 'web' does not exist\n"
        with pytest.raises(SystemExit) as exc:  # argparse's own refusal, as JSON too
            cli.main(["mem-set", "web", "lots", "--json"])
        assert exc.value.code == 2
        assert json.loads(capsys.readouterr().out)["error"] == "usage"
    finally:
        daemon.close()
    assert cli.main(["list", "--json"]) == 1  # no daemon at all
    assert json.loads(capsys.readouterr().out)["error"] == "daemon"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to another user")
def test_a_user_without_access_is_told_who_may(where: Path) -> None:
    import grp  # noqa: F401 - loaded now: the child cannot read this interpreter's files under /root

    where.chmod(0o755)
    daemon = FakeDaemon(str(where / "api.sock"), lambda req: _http(200, LIST_ANSWER))
    os.chmod(where / "api.sock", 0o600)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nobody, with this process's modules already loaded
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                cli_client.Client(Locations(), autostart=True).get("/v1/domains")
                msg = "no error"
            except HostError as exc:
                msg = f"{exc.kind}: {exc.message}"
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                msg = f"{type(exc).__name__}: {exc}"
            os.write(write, msg.encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as fh:
        msg = fh.read().decode()
    daemon.close()
    assert msg == f"host: permission denied on {where / 'api.sock'} (run as root or join group root)"


@pytest.mark.parametrize("reply", [
    None,  # closed before answering
    b"HTTP/1.1 200 OK\r\ncontent-type: appl",  # closed in the head
    _http(200, LIST_ANSWER, length=len(LIST_ANSWER) + 100),  # closed in the body
    _http(200, b'[1|,2]', chunked=True)[:-5],  # closed before the last chunk
])
def test_a_daemon_dying_mid_answer_is_reported_as_that(where: Path, reply: bytes | None) -> None:
    daemon = FakeDaemon(str(where / "api.sock"), lambda req: reply)
    try:
        with pytest.raises(DaemonError) as exc:
            cli_client.Client(Locations()).get("/v1/domains")
    finally:
        daemon.close()
    assert exc.value.message == (f"the daemon closed the connection while answering GET /v1/domains "
                                 f"(see {where / 'daemon.log'})")


def test_a_malformed_answer_is_still_called_malformed(where: Path) -> None:
    daemon = FakeDaemon(str(where / "api.sock"), lambda req: b"SSH-2.0-OpenSSH_9.2\r\n")
    try:
        with pytest.raises(DaemonError, match="malformed answer to GET /v1/host"):
            cli_client.Client(Locations()).get("/v1/host")
    finally:
        daemon.close()


def test_streamed_lines_and_a_body_sent_as_json(where: Path) -> None:
    lines = b'{"done": 1, "total": 2}\n|{"done": 2, "total": 2}\n{"res|ult": {"ok": true}}\n'
    daemon = FakeDaemon(str(where / "api.sock"), lambda req: _http(200, lines, chunked=True))
    try:
        items = list(cli_client.Client(Locations()).stream("POST", "/v1/x", {"a": "é"}))
    finally:
        daemon.close()
    assert items == [{"done": 1, "total": 2}, {"done": 2, "total": 2}, {"result": {"ok": True}}]
    assert json.loads(daemon.requests[0].partition(b"\r\n\r\n")[2]) == {"a": "é"}


def test_a_streamed_error_answer_raises_its_kind(where: Path) -> None:
    answer = json.dumps({"error": "not-found", "message": "no such domain"}).encode()
    daemon = FakeDaemon(str(where / "api.sock"), lambda req: _http(404, answer))
    try:
        with pytest.raises(NotFoundError, match="no such domain"):
            list(cli_client.Client(Locations()).stream("POST", "/v1/x", {}))
    finally:
        daemon.close()


# ---- JSON without the json module -------------------------------------------------------------------
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)


@settings(max_examples=300, deadline=None, database=None)
@given(_json_values, st.sampled_from(["", " ", "\n", "\t\r\n "]), st.booleans())
def test_loads_is_json_loads(value: Any, pad: str, ascii: bool) -> None:
    text = pad + json.dumps(value, ensure_ascii=ascii) + pad
    assert fastjson.loads(text.encode()) == json.loads(text)


@settings(max_examples=300, deadline=None, database=None)
@given(_json_values, st.sampled_from([None, 0, 2, 4]), st.booleans())
def test_dumps_is_json_dumps(value: Any, indent: int | None, sort_keys: bool) -> None:
    assert fastjson.dumps(value, indent=indent, sort_keys=sort_keys) == json.dumps(value, indent=indent,
                                                                                   sort_keys=sort_keys)


def test_dumps_hands_the_unusual_to_json() -> None:
    for value in ({1: "a", "b": 2}, [float("nan"), float("inf"), -float("inf"), (1, 2)], {"s": {True: None}}):
        assert fastjson.dumps(value) == json.dumps(value)
    with pytest.raises(TypeError):
        fastjson.dumps({"x": object()})


@pytest.mark.parametrize("text", ["", "{", "[1,]", "1 2", "nul", '"\x01"', "{'a': 1}"])
def test_loads_refuses_what_json_loads_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        fastjson.loads(text)


def test_loads_keeps_the_constants() -> None:
    assert fastjson.loads(b'[NaN, Infinity, -Infinity]')[1:] == [float("inf"), float("-inf")]
