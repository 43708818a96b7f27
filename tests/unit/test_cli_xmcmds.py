"""The xm commands added for issue 11 on the CLI side: help, --version, xl's cd-insert /
cd-eject names, vncviewer starting a viewer found on PATH."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from hvmctl import __version__
from hvmctl.cli import main as cli
from hvmctl.cli.table import ALIASES, COMMANDS


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"hvmctl (hvmctl) {__version__}\n"
    assert cli.main(["--version", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"program": "hvmctl", "version": __version__}


def test_help_lists_commands_or_explains_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: hvmctl [-h] COMMAND ...") and "  mem-set " in out and "cd-insert" in out
    assert cli.main(["help", "mem-set"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: hvmctl mem-set [-h] [--json] [--live] [--config] domain mib")
    assert cli.main(["help", "cd-eject"]) == 0  # an alias explains the command it runs
    assert "usage: hvmctl eject" in capsys.readouterr().out
    assert cli.main(["help", "lsit"]) == 1
    assert "did you mean 'list'?" in capsys.readouterr().err
    assert cli.main(["help", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)["commands"]) == set(COMMANDS)


def test_xl_cd_names_run_insert_and_eject(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[str, Any, str | None]] = []

    class Client:
        def act(self, name: str, body: Any = None, ref: str | None = None) -> Any:
            calls.append((name, body, ref))
            return {"vdev": "hdc", "medium": body.get("path")}

    monkeypatch.setattr(cli.Context, "client", property(lambda self: Client()))
    iso = tmp_path / "x.iso"
    assert cli.main(["cd-insert", "web", "hdc", str(iso)]) == 0
    assert cli.main(["cd-eject", "web", "hdc"]) == 0
    assert [(c[0], c[2]) for c in calls] == [("insert", "web"), ("eject", "web")]
    assert calls[0][1]["path"] == str(iso)
    assert set(ALIASES.values()) <= set(COMMANDS)


def test_unknown_command_may_be_an_alias(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["cd-insrt"]) == 2
    assert "did you mean 'cd-insert'?" in capsys.readouterr().err


@pytest.mark.parametrize(("tool", "expect"), [
    ("vncviewer", ["127.0.0.1::5901"]),
    ("gvncviewer", ["127.0.0.1:1"]),
    ("remmina", ["-c", "vnc://127.0.0.1:5901"]),
])
def test_vncviewer_execs_the_viewer_on_path(tool: str, expect: list[str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    exe = tmp_path / tool
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("DISPLAY", ":0")
    dom = {"name": "web", "vnc": "127.0.0.1:5901", "vnc_display": 1}
    monkeypatch.setattr(cli, "_get", lambda ctx, ref: dom)
    ran: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: ran.append(list(argv)))
    assert cli.main(["vncviewer", "web"]) == 0
    assert ran == [[str(exe), *expect]]
    assert cli.main(["vncviewer", "--print", "web"]) == 0  # --print: today's behaviour
    assert capsys.readouterr().out == "127.0.0.1:5901\n" and len(ran) == 1
    monkeypatch.setenv("PATH", str(tmp_path / "none"))
    assert cli.main(["vncviewer", "web"]) == 0  # no viewer: the address
    assert capsys.readouterr().out == "127.0.0.1:5901\n" and len(ran) == 1
