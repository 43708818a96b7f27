"""An isolated hvmctl installation for one test: its own state dir, runtime dir, socket and
profile dir (short paths: Unix sockets max 107 bytes), a daemon, and a CLI runner.

Tests drive hvmctl the way a user does -- through the `hvmctl`/`xm` command line -- and
assert on what the guest did (its serial console log, QMP state through the daemon).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CliResult:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class HvEnv:
    base: Path
    env: dict[str, str] = field(default_factory=dict)
    daemon: subprocess.Popen[bytes] | None = None
    # argv prefix for the daemon, e.g. ["ip", "netns", "exec", NS] to run it as another host
    wrap: list[str] = field(default_factory=list)
    netns: str | None = None  # the daemon (and so its QEMUs) runs in this network namespace

    @classmethod
    def make(cls, netns: str | None = None) -> "HvEnv":
        base = Path(tempfile.mkdtemp(prefix="hv", dir="/tmp"))
        env = dict(os.environ)
        env.update(
            HVMCTL_STATE_DIR=str(base / "state"),
            HVMCTL_RUN_DIR=str(base / "run"),
            HVMCTL_SOCKET=str(base / "run" / "api.sock"),
            HVMCTL_PROFILE_DIR=str(base / "xen"),
            # its own, not the caller's: tests and benches read the console logs from here
            HVMCTL_LOG_DIR=str(base / "state" / "log"),
            PYTHONPATH=str(ROOT),
        )
        env.setdefault("HVMCTL_CONFIG", "/dev/null")  # never the host's /etc/hvmctl/hvmctl.conf
        env.setdefault("HVMCTL_ACCEL", "tcg")  # the probe is tested on its own
        # QEMU uids of its own: two daemons of one test (migration) never hand out the same
        block = 1_900_000_000 + int.from_bytes(base.name.encode(), "big") % 9000 * 100
        env.setdefault("HVMCTL_QEMU_UIDS", f"{block}-{block + 99}")
        (base / "xen").mkdir(parents=True)
        if netns:  # a CLI call must never start a daemon outside the namespace
            env["HVMCTL_NO_AUTOSTART"] = "1"
        return cls(base, env, netns=netns)

    @property
    def profile_dir(self) -> Path:
        return self.base / "xen"

    def start_daemon(self, netns: str | None = None) -> None:
        """Start the daemon; inside ``netns`` (or the one given to make) when set."""
        from hvmctl.network.netns import netns_preexec

        self.netns = netns or self.netns
        log = open(self.base / "daemon.log", "ab")
        preexec = netns_preexec(self.netns) if self.netns else None
        try:
            self.daemon = subprocess.Popen(
                [*self.wrap, sys.executable, "-m", "hvmctl", "daemon"], env=self.env, stdout=log, stderr=log,
                start_new_session=True, preexec_fn=preexec,
            )
        finally:
            if preexec is not None:
                preexec.close()
        sock = Path(self.env["HVMCTL_SOCKET"])
        deadline = time.monotonic() + 20
        while not _listening(sock):  # not just exists: a killed daemon leaves its socket file
            if self.daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daemon did not start: {self.daemon_log()}")
            time.sleep(0.02)

    def kill_daemon(self, sig: int = signal.SIGKILL) -> None:
        assert self.daemon is not None
        self.daemon.send_signal(sig)
        self.daemon.wait(10)
        self.daemon = None

    def daemon_log(self) -> str:
        """The daemon's log tail, then each QEMU's own last lines (why a QEMU exited)."""
        try:
            text = (self.base / "daemon.log").read_text()[-3000:]
        except OSError:
            text = ""
        for qlog in sorted((self.base / "state" / "log").glob("*.qemu.log")):
            try:
                tail = qlog.read_text(errors="replace").splitlines()[-5:]
            except OSError:
                continue
            if tail:
                text += f"\n--- {qlog.name}:\n" + "\n".join(tail)
        return text

    def hv(self, *args: str, check: bool = True, timeout: float = 120, input: str | None = None) -> CliResult:
        argv = [sys.executable, "-m", "hvmctl", *args]
        proc = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=timeout, input=input)
        result = CliResult(list(args), proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(f"hvmctl {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}\n"
                                 f"daemon log:\n{self.daemon_log()}")
        return result

    def write_profile(self, name: str, text: str) -> Path:
        path = self.profile_dir / name
        path.write_text(text)
        return path

    def domain(self, ref: str) -> dict[str, Any]:
        return self.hv("list", "--json", ref).json()[0]  # type: ignore[no-any-return]

    def console_log(self, ref: str) -> str:
        return self.hv("log", ref).stdout

    def wait_console(self, ref: str, text: str, timeout: float = 60.0, count: int = 1) -> str:
        """Wait until the guest has printed ``text`` (``count`` times) on its serial console."""
        deadline = time.monotonic() + timeout
        log = ""
        while time.monotonic() < deadline:
            res = self.hv("log", ref, check=False)
            log = res.stdout
            if log.count(text) >= count:
                return log
            time.sleep(0.2)
        raise AssertionError(f"{ref}: {text!r} not seen on the console within {timeout} s; log tail:\n{log[-1500:]}"
                             f"\ndaemon log:\n{self.daemon_log()}")

    def wait_for(self, predicate: Any, timeout: float = 30.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}\ndaemon log:\n{self.daemon_log()}")

    def domains(self) -> list[dict[str, Any]]:
        return [r for r in self.hv("list", "--json").json() if r["name"] != "Domain-0"]

    def cleanup(self) -> None:
        """Kill every QEMU this environment started and the daemon; remove the dirs."""
        for pidfile in (self.base / "run").glob("dom/*/qemu.pid"):
            try:
                os.kill(int(pidfile.read_text().strip()), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        for record in (self.base / "state" / "domains").glob("*.json"):
            try:
                pid = (json.loads(record.read_text()).get("runtime") or {}).get("pid")
                if pid:
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
        if self.daemon is not None:
            self.daemon.kill()
            self.daemon.wait(10)
        else:  # a daemon the CLI started on demand: it left its pid in the run dir
            try:
                os.kill(int((self.base / "run" / "daemon.pid").read_text().strip()), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        shutil.rmtree(self.base, ignore_errors=True)


def _listening(path: Path) -> bool:
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def tiny_profile(name: str, *, extra: str = "", memory: int = 96, more: str = "", vnc: bool = True) -> str:
    """A seed-shaped HVM profile booting the tiny test guest directly."""
    from tests.fixtures.guests import tiny_guest

    guest = tiny_guest()
    vfb = 'vfb = ["type=vnc,vncunused=1"]\n' if vnc else ""
    return (
        f'name = "{name}"\n'
        'builder = "hvm"\n'
        f'memory = "{memory}"\n'
        f'kernel = "{guest.kernel}"\n'
        f'ramdisk = "{guest.initrd}"\n'
        f'extra = "{guest.cmdline} {extra}"\n'
        f"{vfb}"
        "vcpus = 1\n"
        f"{more}"
    )
