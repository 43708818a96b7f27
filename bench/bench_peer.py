"""hvmctl against its peer, Debian 12's libvirt 9.0, on the same tiny guest under TCG.

Every figure is measured for both in the same run, rounds interleaved (hvmctl, libvirt,
hvmctl, ...), and printed as one line: figure, hvmctl, libvirt, ratio (hvmctl / libvirt).
- `xm list` vs `virsh list` with 0, 1 and N guests; `xm --help` vs `virsh --help`;
- kill -9 the daemon with 5 and with N guests: from the new daemon's spawn until a list
  (issued at once, and again until it answers) shows every guest;
- daemon RSS with no guests, and per guest.
libvirt gets the same kernel, initrd, command line, memory, vCPUs, serial and VNC display as
the hvmctl guest. Guests 2..N are started paused on both sides (QEMU up, vCPUs stopped): the
same daemon and list work without 2 cores booting N guests.

    python bench/bench_peer.py --with-libvirt [--guests 50] [--rounds 15]

`--with-libvirt` installs Debian's libvirt if missing. libvirtd is started by this script on
a private socket directory and stopped at the end, with its guests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import HvEnv, tiny_profile

from hvmctl.daemon.process import rss_kib

LIBVIRT_PACKAGES = ["libvirt-daemon-system", "libvirt-clients", "libvirt-daemon-driver-qemu"]


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def wall(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
                          check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode})")
    return took


def kill_and_reap(pid: int) -> None:
    """SIGKILL, then wait until the process is really gone (reaping it if it is our child)."""
    os.kill(pid, signal.SIGKILL)
    while True:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:  # not ours: gone once /proc forgets it
            if not Path(f"/proc/{pid}").exists():
                return
        time.sleep(0.002)


def wait_listing(listed: Callable[[], int], who: str, count: int, timeout: float) -> float:
    """Seconds until ``listed()`` (a list command's count of our guests) says ``count``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if listed() == count:
            return time.monotonic() - start
        time.sleep(0.001)
    raise TimeoutError(f"{who} did not list {count} guests within {timeout} s")


def interleaved(a: Callable[[], float], b: Callable[[], float], rounds: int) -> tuple[float, float]:
    """Medians of a and b measured in turn, after one warm-up each."""
    a(), b()
    xs, ys = [], []
    for _ in range(rounds):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def line(figure: str, ours: float, theirs: float, unit: str) -> None:
    scale = 1000.0 if unit == "ms" else 1.0
    ratio = ours / theirs if theirs else float("inf")
    print(f"{figure:<44} {ours * scale:9.2f} {unit:<4} {theirs * scale:9.2f} {unit:<4} {ratio:6.2f}x", flush=True)


class Libvirt:
    """A libvirtd of our own (system driver, root), with transient guests."""

    def __init__(self, guest_kernel: str, guest_initrd: str, cmdline: str) -> None:
        self.kernel, self.initrd, self.cmdline = guest_kernel, guest_initrd, cmdline
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-libvirt-"))
        self.env = dict(os.environ, LIBVIRT_DEFAULT_URI="qemu:///system")
        self.names: list[str] = []

    @staticmethod
    def ensure_installed() -> None:
        if shutil.which("libvirtd") and shutil.which("virsh"):
            return
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *LIBVIRT_PACKAGES],
                       env=env, check=True, timeout=900, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        if run(["pgrep", "-x", "virtlogd"]).returncode != 0:
            subprocess.run(["virtlogd", "-d"], check=True, timeout=30)
        self.spawn()
        deadline = time.monotonic() + 60
        while self.listed() < 0:  # up and answering
            if time.monotonic() > deadline:
                raise TimeoutError("libvirtd did not answer within 60 s")
            time.sleep(0.01)
        for name in run(["virsh", "list", "--name"], self.env).stdout.split():
            if name.startswith("peer"):  # left by an earlier run that was killed
                run(["virsh", "destroy", name], self.env)
        self.wait_listing(0, timeout=30)

    def spawn(self) -> None:
        subprocess.Popen(["libvirtd"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def pid(self) -> int:
        out = run(["pgrep", "-x", "libvirtd"]).stdout.split()
        return int(out[0]) if out else 0

    def kill(self) -> None:
        pid = self.pid()
        if pid:
            kill_and_reap(pid)

    def listed(self) -> int:
        proc = run(["virsh", "list", "--name"], self.env, timeout=10)
        if proc.returncode != 0:
            return -1
        return len([n for n in proc.stdout.split() if n.startswith("peer")])

    def wait_listing(self, count: int, timeout: float = 60) -> float:
        return wait_listing(self.listed, "libvirt", count, timeout)

    def create(self, name: str, paused: bool) -> None:
        xml = self.tmp / f"{name}.xml"
        xml.write_text(f"""<domain type='qemu'>
  <name>{name}</name><memory unit='MiB'>96</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{self.kernel}</kernel>
      <initrd>{self.initrd}</initrd><cmdline>{self.cmdline}</cmdline></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <serial type='pty'/><console type='pty'/>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video><model type='cirrus'/></video>
    <memballoon model='none'/>
  </devices>
</domain>
""")
        argv = ["virsh", "create", str(xml)] + (["--paused"] if paused else [])
        proc = run(argv, self.env, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"virsh create {name}: {proc.stderr.strip()}")
        self.names.append(name)

    def close(self) -> None:
        for name in self.names:
            run(["virsh", "destroy", name], self.env)
        self.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Hvmctl:
    def __init__(self) -> None:
        self.hv = HvEnv.make()
        self.hv.env["HVMCTL_LOG_DIR"] = str(self.hv.base / "log")  # never the caller's
        self.hv.env["HVMCTL_NO_AUTOSTART"] = "1"  # a refused list must not start a second daemon
        xm = Path(sys.executable).with_name("xm")
        self.xm = [str(xm)] if xm.exists() else [sys.executable, "-m", "hvmctl"]
        self.names: list[str] = []

    def pid(self) -> int:
        return int((self.hv.base / "run" / "daemon.pid").read_text().strip())

    def spawn(self) -> None:
        subprocess.Popen([sys.executable, "-m", "hvmctl", "daemon"], env=self.hv.env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self) -> None:
        kill_and_reap(self.pid())
        self.hv.daemon = None

    def listed(self) -> int:
        proc = run([*self.xm, "list"], self.hv.env, timeout=10)
        if proc.returncode != 0:
            return -1
        return len([ln for ln in proc.stdout.splitlines()[1:] if ln.startswith("peer")])

    def wait_listing(self, count: int, timeout: float = 60) -> float:
        return wait_listing(self.listed, "hvmctl", count, timeout)

    def create(self, name: str, paused: bool) -> None:
        self.hv.write_profile(name, tiny_profile(name, memory=96))
        self.hv.hv("create", *(["--paused"] if paused else []), name)
        self.names.append(name)


def restart_figure(stack: Hvmctl | Libvirt, count: int) -> float:
    """kill -9 the daemon, spawn a new one, list until every guest shows: from the spawn."""
    stack.kill()
    start = time.monotonic()
    stack.spawn()
    stack.wait_listing(count)
    took = time.monotonic() - start
    print(f"  ({type(stack).__name__}: restart with {count} guests listed after {took:.3f} s)", file=sys.stderr)
    return took


def grow(ours: Hvmctl, theirs: Libvirt, total: int) -> None:
    while len(ours.names) < total:
        name = f"peer{len(ours.names):02d}"
        ours.create(name, paused=bool(ours.names))
        theirs.create(name, paused=bool(theirs.names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--with-libvirt", action="store_true", help="install Debian's libvirt if missing")
    parser.add_argument("--guests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    if args.with_libvirt:
        Libvirt.ensure_installed()
    if not shutil.which("libvirtd"):
        sys.exit("bench_peer: libvirt is not installed (run with --with-libvirt)")
    from tests.fixtures.guests import tiny_guest

    guest = tiny_guest()
    ours = Hvmctl()
    theirs = Libvirt(str(guest.kernel), str(guest.initrd), guest.cmdline)
    try:
        ours.hv.start_daemon()
        theirs.start()
        print(f"{'figure':<44} {'hvmctl':>14} {'libvirt':>14} {'ratio':>7}")
        ours_env, theirs_env = ours.hv.env, theirs.env
        line("--help", *interleaved(lambda: wall([*ours.xm, "--help"], ours_env),
                                    lambda: wall(["virsh", "--help"], theirs_env), args.rounds), "ms")
        rss0 = rss_kib(ours.pid()), rss_kib(theirs.pid())
        line("daemon RSS, no guests", rss0[0] / 1024, rss0[1] / 1024, "MiB")
        for count in sorted({0, 1, 5, args.guests}):
            grow(ours, theirs, count)
            if count == 1:
                ours.hv.wait_console("peer00", "HVMCTL-READY", timeout=120)
            ours.wait_listing(count)
            theirs.wait_listing(count)
            if count in (0, 1, args.guests):
                line(f"list, {count} guests", *interleaved(lambda: wall([*ours.xm, "list"], ours_env),
                                                           lambda: wall(["virsh", "list"], theirs_env),
                                                           args.rounds), "ms")
            if count == args.guests:  # before any restart: the daemon that started them all
                rss = rss_kib(ours.pid()), rss_kib(theirs.pid())
                line(f"daemon RSS per guest ({count} guests)", (rss[0] - rss0[0]) / 1024 / count,
                     (rss[1] - rss0[1]) / 1024 / count, "MiB")
            if count in (5, args.guests):
                line(f"kill -9 daemon -> all {count} listed", *interleaved(
                    lambda: restart_figure(ours, count), lambda: restart_figure(theirs, count), 3), "s")
    finally:
        theirs.close()
        for name in ours.names:
            ours.hv.hv("destroy", name, check=False)
        ours.hv.cleanup()


if __name__ == "__main__":
    main()
