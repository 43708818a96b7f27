"""vif script=: Xen's hotplug calling convention, argv only, errors that say what failed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from hvmctl.errors import HostError, HvmctlError, NotFoundError, TimeoutError_
from hvmctl.network.vifscript import resolve_vif_script, run_vif_script, vif_script_env


def _script(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


RECORDER = """out="$(dirname "$0")/record.json"
printf '{"argv": ["%s", "%s"], "vif": "%s", "bridge": "%s", "mac": "%s", "ip": "%s", "xenbus": "%s", "home": "%s"}' \\
  "$0" "$1" "$vif" "$bridge" "$mac" "$ip" "$XENBUS_PATH" "${HOME:-unset}" > "$out"
echo done
"""


def test_runs_with_xen_hotplug_argv_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/root-should-not-leak")
    script = _script(tmp_path, "my-vif", RECORDER)
    result = run_vif_script(
        "my-vif", "online", vif="vif3.0", bridge="xenbr0", mac="00:16:3e:00:00:01",
        ip="192.0.2.9", domid=3, devid=0, scripts_dir=tmp_path,
    )
    assert result is not None and result.returncode == 0 and result.stdout == "done\n"
    record = json.loads((tmp_path / "record.json").read_text())
    assert record == {
        "argv": [str(script), "online"],
        "vif": "vif3.0",
        "bridge": "xenbr0",
        "mac": "00:16:3e:00:00:01",
        "ip": "192.0.2.9",
        "xenbus": "backend/vif/3/0",
        "home": "unset",  # a clean environment: nothing of the daemon's leaks in
    }


def test_absolute_path_and_offline(tmp_path: Path) -> None:
    script = _script(tmp_path, "hook", RECORDER)
    run_vif_script(str(script), "offline", vif="vif3.0", scripts_dir=Path("/nonexistent"))
    assert json.loads((tmp_path / "record.json").read_text())["argv"] == [str(script), "offline"]


def test_failure_names_script_exit_code_and_last_stderr_line(tmp_path: Path) -> None:
    script = _script(tmp_path, "bad", 'echo "first problem" >&2\necho "brctl: bridge xenbr9 does not exist" >&2\nexit 3\n')
    with pytest.raises(HostError) as err:
        run_vif_script("bad", "online", vif="vif1.0", scripts_dir=tmp_path)
    assert str(err.value) == (
        f"vif script {script} online (vif1.0) failed with exit code 3: brctl: bridge xenbr9 does not exist"
    )


def test_failure_without_stderr(tmp_path: Path) -> None:
    _script(tmp_path, "quiet", "exit 1\n")
    with pytest.raises(HostError, match=r"exit code 1: \(no stderr\)"):
        run_vif_script("quiet", "online", vif="vif1.0", scripts_dir=tmp_path)


def test_timeout(tmp_path: Path) -> None:
    _script(tmp_path, "slow", "exec sleep 5\n")
    with pytest.raises(TimeoutError_, match="did not finish in 0.3 s"):
        run_vif_script("slow", "online", vif="vif1.0", scripts_dir=tmp_path, timeout=0.3)


def test_builtin_vif_bridge_runs_nothing(tmp_path: Path) -> None:
    assert run_vif_script("vif-bridge", "online", vif="vif1.0", scripts_dir=tmp_path) is None
    assert run_vif_script("/etc/xen/scripts/vif-bridge", "online", vif="vif1.0") is None
    assert run_vif_script(None, "online", vif="vif1.0") is None
    assert resolve_vif_script("vif-route", tmp_path) == tmp_path / "vif-route"


def test_missing_not_executable_no_shebang(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        run_vif_script("nope", "online", vif="vif1.0", scripts_dir=tmp_path)
    (tmp_path / "plain").write_text("#!/bin/sh\n")
    with pytest.raises(HostError, match="not executable"):
        run_vif_script("plain", "online", vif="vif1.0", scripts_dir=tmp_path)
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\x7fELF\x00\x00")
    garbage.chmod(0o755)
    with pytest.raises(HostError, match="could not run"):
        run_vif_script("garbage", "online", vif="vif1.0", scripts_dir=tmp_path)


def test_bad_action(tmp_path: Path) -> None:
    with pytest.raises(HvmctlError, match="online, offline, add, remove"):
        run_vif_script("x", "up", vif="vif1.0", scripts_dir=tmp_path)


def test_env_without_domain() -> None:
    env = vif_script_env(vif="tap0")
    assert env["vif"] == "tap0" and "XENBUS_PATH" not in env and "bridge" not in env
    assert env["PATH"].startswith("/usr/local/sbin")
    assert set(env) <= {"PATH", "vif", "dev", "type_if", "XENBUS_TYPE"}
    assert os.environ.get("vif") is None
