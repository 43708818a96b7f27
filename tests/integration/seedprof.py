"""The seed's own profiles in tests, and what the walkthrough tests share.

Why: the seed's walkthroughs must run with the profiles a user copies from it, not with
look-alikes. Its profiles name ``/xen/domU/...``; tests put those files in their own
directory, so :func:`seed_profile` replaces that directory and nothing else -- and checks
that, path aside, every line is the seed's verbatim.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.integration.hvenv import ROOT, HvEnv
from tests.fixtures.seedfiles import SEED_PROFILES

SEED_DIR = SEED_PROFILES
SEED_DOMU = "/xen/domU/"
GIB = 1 << 30
SUBPROCESS_TIMEOUT = 60.0


def seed_text(name: str) -> str:
    """A seed profile's text, as the user saved it."""
    return (SEED_DIR / name).read_text()


def seed_profile(name: str, domu: Path, *, replace: dict[str, str] | None = None) -> str:
    """The seed profile ``name`` with ``/xen/domU/`` pointing at ``domu``, plus the exact
    ``replace`` substitutions a test declares (e.g. another NIC model); every other byte
    is the seed's, which is asserted here so a test cannot drift from the seed unnoticed."""
    original = seed_text(name)
    text = original.replace(SEED_DOMU, f"{domu}/")
    for old, new in (replace or {}).items():
        assert text.count(old) == 1, f"{name}: {old!r} must occur once in the seed profile"
        text = text.replace(old, new)
    back = text.replace(f"{domu}/", SEED_DOMU).splitlines()
    lines = original.splitlines()
    assert len(back) == len(lines), f"{name}: lines added or removed"
    for ours, theirs in zip(back, lines):
        assert ours == theirs or any(old in theirs for old in (replace or {})), (
            f"{name}: {ours!r} differs from the seed's {theirs!r} beyond the declared changes")
    return text


def console_log_path(hv: HvEnv, name: str) -> Path:
    """The console log outlives the domain (LOG_DIR/NAME.console.log, appended across runs)."""
    return Path(hv.env["HVMCTL_STATE_DIR"]) / "log" / f"{name}.console.log"


def read_console(hv: HvEnv, name: str) -> str:
    try:
        return console_log_path(hv, name).read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return ""


def wait_log(hv: HvEnv, name: str, text: str, *, after: int = 0, timeout: float = 120.0) -> str:
    """Wait until ``text`` appears in the console log past byte offset ``after`` (works
    after the domain is gone, unlike ``xm log``); returns the log from ``after`` on."""
    deadline = time.monotonic() + timeout
    tail = ""
    while time.monotonic() < deadline:
        tail = read_console(hv, name)[after:]
        if text in tail:
            return tail
        time.sleep(0.1)
    raise AssertionError(f"{name}: {text!r} not on the console within {timeout} s; log tail:\n{tail[-2000:]}"
                         f"\ndaemon log:\n{hv.daemon_log()}")


def log_size(hv: HvEnv, name: str) -> int:
    return len(read_console(hv, name))


def allocated(path: Path) -> int:
    """Bytes the file really occupies on the host's disk."""
    return os.stat(path).st_blocks * 512


def writable_copy(src: Path, dest: Path) -> Path:
    """A private, sparse copy of a shared disk image (IDE disks cannot be read-only)."""
    subprocess.run(["cp", "--sparse=always", str(src), str(dest)], check=True, timeout=SUBPROCESS_TIMEOUT)
    return dest


def link_media(domu: Path, names: dict[str, Path]) -> None:
    """Put shared media into the test's /xen/domU under the names the seed uses."""
    domu.mkdir(parents=True, exist_ok=True)
    for name, src in names.items():
        target = domu / name
        if target.exists() or target.is_symlink():
            target.unlink()
        os.symlink(src, target)


def type_line(hv: HvEnv, name: str, line: str) -> None:
    """Type one command line into the guest's serial shell."""
    hv.hv("console", name, input=line + "\n", timeout=30)


def run_in_guest(hv: HvEnv, name: str, command: str, *, timeout: float = 60.0) -> str:
    """Run a shell command in the guest; return what it printed (between unique markers)."""
    mark = f"M{time.monotonic_ns()}"
    before = log_size(hv, name)
    # the markers are built by the shell, so the echo of the typed line does not match them
    type_line(hv, name, f"echo {mark}-BEGIN; {command}; echo {mark}-''END")
    out = wait_log(hv, name, f"{mark}-END", after=before, timeout=timeout)
    begin = out.rfind(f"{mark}-BEGIN\r\n")
    if begin < 0:
        begin = out.rfind(f"{mark}-BEGIN\n")
    body = out[begin:].split("\n", 1)[1] if begin >= 0 else out
    return body.split(f"{mark}-END")[0].replace("\r", "")
