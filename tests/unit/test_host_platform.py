"""The daemon's host facts name the platform as Python's platform.platform() does, without
running its `uname -p` subprocess inside the event loop."""

from __future__ import annotations

import os
import platform
import subprocess

import pytest

from hvmctl.daemon.service import _platform_string


def test_platform_string_matches_the_stdlib() -> None:
    assert _platform_string(os.uname()) == platform.platform()


def test_platform_string_runs_no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a subprocess was started")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    assert _platform_string(os.uname()).startswith(f"{os.uname().sysname}-{os.uname().release}-")
