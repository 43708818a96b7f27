"""The integration tests' environment is its own: nothing of the caller's hvmctl setup leaks in."""

from __future__ import annotations

import shutil

import pytest

from tests.integration.hvenv import HvEnv


def test_make_sets_its_own_dirs_over_the_callers(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("HVMCTL_LOG_DIR", "HVMCTL_STATE_DIR", "HVMCTL_RUN_DIR", "HVMCTL_SOCKET", "HVMCTL_PROFILE_DIR"):
        monkeypatch.setenv(key, "/elsewhere")
    env = HvEnv.make()
    try:
        for key in ("HVMCTL_LOG_DIR", "HVMCTL_STATE_DIR", "HVMCTL_RUN_DIR", "HVMCTL_SOCKET", "HVMCTL_PROFILE_DIR"):
            assert env.env[key].startswith(str(env.base) + "/"), key
        assert env.env["HVMCTL_LOG_DIR"] == str(env.base / "state" / "log")  # where bench_boot reads
    finally:
        shutil.rmtree(env.base)
