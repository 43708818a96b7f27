"""hvmctl against its peer, Debian 12's libvirt 9.0, on the same tiny guest under TCG.

Every figure is measured for both in the same run, rounds interleaved (hvmctl, libvirt,
hvmctl, ...), and printed as one line: figure, hvmctl, libvirt, ratio (hvmctl / libvirt).
- `xm list` vs `virsh list` with 0, 1 and N guests; `xm --help` vs `virsh --help`;
- kill -9 the daemon with 5 and with N guests: from the new daemon's spawn until a list
  (issued at once, and again until it answers) shows every guest;
- daemon RSS with no guests, and per guest;
- one guest's life, each round a fresh guest on each side: create -> its serial console shows
  the ready line (and raw QEMU with hvmctl's very argv as a third column); save (`xm save` vs
  `virsh save`, same guest memory, both files in one directory on one disk); restore (`xm
  restore` vs `virsh restore`: both return once the guest runs again); shutdown (ACPI power
  button, until the QEMU process is gone). Boot and restore also print each side's time from
  the command to its QEMU's exec (where libvirtd re-probes QEMU before a start, that shows).
libvirt gets the same kernel, initrd, command line, memory, vCPUs, serial and VNC display as
the hvmctl guest. Guests 2..N are started paused on both sides (QEMU up, vCPUs stopped): the
same daemon and list work without 2 cores booting N guests.

    python bench/bench_peer.py --with-libvirt [--guests 50] [--rounds 15] [--figures save,restore]

`--with-libvirt` installs Debian's libvirt if missing. libvirtd is started by this script on
a private socket directory and stopped at the end, with its guests.
"""

from __future__ import annotations

import argparse
import json
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

from bench_boot import MARKER, _process_started, _since_boot, run_raw
from common import HvEnv, timed, tiny_profile, wait_for_text, wait_full_api

from hvmctl.daemon.process import rss_kib

LIBVIRT_PACKAGES = ["libvirt-daemon-system", "libvirt-clients", "libvirt-daemon-driver-qemu"]
FIGURES = ("help", "rss", "list", "restart", "boot", "save", "restore", "shutdown")
LIFE = ("boot", "save", "restore", "shutdown")  # measured together: one guest's life per round


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def wall(argv: list[str], env: dict[str, str] | None = None) -> float:
    took, code = timed(argv, env)
    if code != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({code})")
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


def line(figure: str, ours: float, theirs: float, unit: str, extra: str = "") -> None:
    scale = 1000.0 if unit == "ms" else 1.0
    ratio = ours / theirs if theirs else float("inf")
    print(f"{figure:<44} {ours * scale:9.2f} {unit:<4} {theirs * scale:9.2f} {unit:<4} {ratio:6.2f}x{extra}",
          flush=True)


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its parent counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_gone(pid: int, who: str, start: float, timeout: float = 120) -> float:
    """Seconds from ``start`` until process ``pid`` is gone (1 ms polling)."""
    while not gone(pid):
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{who}: QEMU {pid} still there after {timeout} s")
        time.sleep(0.001)
    return time.monotonic() - start


class Libvirt:
    """A libvirtd of our own (system driver, root), with transient guests."""

    def __init__(self, guest_kernel: str, guest_initrd: str, cmdline: str) -> None:
        self.kernel, self.initrd, self.cmdline = guest_kernel, guest_initrd, cmdline
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-libvirt-"))
        self.tmp.chmod(0o755)  # QEMU may run as libvirt-qemu: it opens the serial log in here
        self.env = dict(os.environ, LIBVIRT_DEFAULT_URI="qemu:///system")
        self.names: list[str] = []
        self.spawned = 0.0  # the last boot's or restore's time from the command to QEMU's exec

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
        deadline = time.monotonic() + 300
        while self.listed() < 0:  # up and answering
            if time.monotonic() > deadline:
                raise TimeoutError("libvirtd did not answer within 300 s")
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

    def create(self, name: str, paused: bool, memory: int = 96, serial_log: Path | None = None) -> None:
        xml = self.tmp / f"{name}.xml"
        serial = (f"<serial type='file'><source path='{serial_log}'/></serial>" if serial_log
                  else "<serial type='pty'/><console type='pty'/>")
        xml.write_text(f"""<domain type='qemu'>
  <name>{name}</name><memory unit='MiB'>{memory}</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{self.kernel}</kernel>
      <initrd>{self.initrd}</initrd><cmdline>{self.cmdline}</cmdline></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <devices>
    {serial}
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

    def boot(self, name: str, memory: int) -> float:
        """virsh create -> the ready line on the guest's serial (a file QEMU writes)."""
        log = self.tmp / f"{name}.serial.log"
        start, since_boot = time.monotonic(), _since_boot()
        self.create(name, paused=False, memory=memory, serial_log=log)
        took = wait_for_text(log, MARKER, start=start)
        self.spawned = _process_started(self.qemu_pid(name)) - since_boot
        return took

    def qemu_pid(self, name: str) -> int:
        return int(Path(f"/run/libvirt/qemu/{name}.pid").read_text())

    def save(self, name: str, path: Path) -> float:
        return wall(["virsh", "save", name, str(path)], self.env)

    def restore(self, name: str, path: Path) -> float:
        since_boot = _since_boot()
        took = wall(["virsh", "restore", str(path)], self.env)  # returns with the guest running
        self.spawned = _process_started(self.qemu_pid(name)) - since_boot
        return took

    def shutdown(self, name: str) -> float:
        pid = self.qemu_pid(name)
        start = time.monotonic()
        wall(["virsh", "shutdown", "--mode", "acpi", name], self.env)
        took = wait_gone(pid, "libvirt", start)
        self.names.remove(name)  # transient: gone with its QEMU
        return took

    def close(self) -> None:
        for name in self.names:
            run(["virsh", "destroy", name], self.env)
        self.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


HARNESS_ONLY = frozenset({"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"})


class Hvmctl:
    def __init__(self) -> None:
        self.hv = HvEnv.make()
        self.hv.env["HVMCTL_LOG_DIR"] = str(self.hv.base / "log")  # never the caller's
        self.hv.env["HVMCTL_NO_AUTOSTART"] = "1"  # a refused list must not start a second daemon
        # what a user's shell has: the test harness's PYTHONPATH and PYTHONDONTWRITEBYTECODE
        # (no .pyc written, so a module new since the last write is compiled at every start)
        # cost each interpreter start ~5-15 ms that virsh and libvirtd do not pay
        self.env = {k: v for k, v in self.hv.env.items() if k not in HARNESS_ONLY}
        xm = Path(sys.executable).with_name("xm")
        self.xm = [str(xm)] if xm.exists() else [sys.executable, "-m", "hvmctl"]
        self.names: list[str] = []
        self.raw: tuple[list[str], Path, Path] = ([], Path(), Path())  # the last boot's argv, run dir, log
        self.spawned = 0.0  # the last boot's or restore's time from the command to QEMU's exec

    def pid(self) -> int:
        return int((self.hv.base / "run" / "daemon.pid").read_text().strip())

    def spawn(self) -> None:
        subprocess.Popen([sys.executable, "-m", "hvmctl", "daemon"], env=self.env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self) -> None:
        kill_and_reap(self.pid())
        self.hv.daemon = None

    def wait_full_api(self) -> None:
        wait_full_api(self.hv.env["HVMCTL_SOCKET"])

    def listed(self) -> int:
        proc = run([*self.xm, "list"], self.env, timeout=10)
        if proc.returncode != 0:
            return -1
        return len([ln for ln in proc.stdout.splitlines()[1:] if ln.startswith("peer")])

    def wait_listing(self, count: int, timeout: float = 60) -> float:
        return wait_listing(self.listed, "hvmctl", count, timeout)

    def create(self, name: str, paused: bool) -> None:
        self.hv.write_profile(name, tiny_profile(name, memory=96))
        self.hv.hv("create", *(["--paused"] if paused else []), name)
        self.names.append(name)

    def boot(self, name: str, memory: int) -> float:
        """xm create -> the ready line in the console log; keeps the argv for the raw QEMU run."""
        self.hv.write_profile(name, tiny_profile(name, memory=memory))
        log = Path(self.hv.env["HVMCTL_LOG_DIR"]) / f"{name}.console.log"
        start, since_boot = time.monotonic(), _since_boot()
        wall([*self.xm, "create", name], self.env)
        took = wait_for_text(log, MARKER, start=start)
        self.spawned = _process_started(int(self.hv.domain(name)["pid"])) - since_boot
        for path in (self.hv.base / "state" / "domains").glob("*.json"):
            record = json.loads(path.read_text())
            if record["runtime"] and record["runtime"].get("console_log") == str(log):
                self.raw = record["runtime"]["argv"], Path(record["runtime"]["run_dir"]), log
        return took

    def save(self, name: str, path: Path) -> float:
        return wall([*self.xm, "save", name, str(path)], self.env)

    def restore(self, name: str, path: Path) -> float:
        since_boot = _since_boot()
        took = wall([*self.xm, "restore", str(path)], self.env)  # answers once the guest runs
        self.spawned = _process_started(int(self.hv.domain(name)["pid"])) - since_boot
        return took

    def shutdown(self, name: str) -> float:
        pid = int(self.hv.domain(name)["pid"])
        start = time.monotonic()
        wall([*self.xm, "shutdown", name], self.env)
        return wait_gone(pid, "hvmctl", start)


def restart_figure(stack: Hvmctl | Libvirt, count: int) -> float:
    """kill -9 the daemon, spawn a new one, list until every guest shows: from the spawn."""
    stack.kill()
    start = time.monotonic()
    stack.spawn()
    stack.wait_listing(count, timeout=300)  # libvirtd may re-probe QEMU first (see README)
    took = time.monotonic() - start
    print(f"  ({type(stack).__name__}: restart with {count} guests listed after {took:.3f} s)", file=sys.stderr)
    return took


def life_round(stack: Hvmctl | Libvirt, name: str, memory: int, directory: Path) -> dict[str, float]:
    """One guest's life: create -> ready, save, restore, ACPI shutdown -> QEMU gone."""
    path = directory / f"{name}.save"
    out = {"boot": stack.boot(name, memory)}
    out["boot_spawn"] = stack.spawned
    out["save"] = stack.save(name, path)
    out["restore"] = stack.restore(name, path)
    out["restore_spawn"] = stack.spawned
    out["shutdown"] = stack.shutdown(name)
    path.unlink()
    return out


def life_figures(ours: Hvmctl, theirs: Libvirt, rounds: int, memory: int, wanted: list[str]) -> None:
    """Rounds alternate who goes first (the machine's load drifts); raw QEMU runs hvmctl's argv
    after each hvmctl round, when its guest is gone. Round 0 is a warm-up."""
    rows: dict[str, list[dict[str, float]]] = {"hvmctl": [], "libvirt": []}
    raw: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-peer-save-", dir="/var/tmp") as tmp:
        for i in range(rounds + 1):
            order: list[tuple[Hvmctl | Libvirt, str]] = [(ours, "hvmctl"), (theirs, "libvirt")]
            for stack, who in order if i % 2 else order[::-1]:
                rows[who].append(life_round(stack, f"life{i:02d}", memory, Path(tmp)))
                if stack is ours:
                    raw.append(run_raw(*ours.raw))
            shown = {who: " ".join(f"{k} {v:.3f}" for k, v in rows[who][-1].items()) for who in rows}
            print(f"  (round {i}: hvmctl {shown['hvmctl']}; libvirt {shown['libvirt']}; raw {raw[-1]:.3f};"
                  f" load {os.getloadavg()[0]:.2f})", file=sys.stderr)

    def med(who: str, key: str) -> float:
        return statistics.median(r[key] for r in rows[who][1:])

    for key in wanted:
        h, v = med("hvmctl", key), med("libvirt", key)
        extra = ""
        if key in ("boot", "restore"):  # /proc start times: 10 ms resolution
            extra = (f"   command -> QEMU exec: hvmctl {med('hvmctl', key + '_spawn') * 1000:.0f} ms,"
                     f" libvirt {med('libvirt', key + '_spawn') * 1000:.0f} ms")
        if key == "boot":
            r = statistics.median(raw[1:])
            paired = statistics.median(x["boot"] / y for x, y in zip(rows["hvmctl"][1:], raw[1:]))
            extra += (f"; raw QEMU {r * 1000:.0f} ms: hvmctl {h / r:.3f}x ({paired:.3f}x paired per round),"
                      f" libvirt {v / r:.3f}x raw")
        label = {"boot": "create -> ready line on serial", "save": f"save ({memory} MiB guest)",
                 "restore": "restore -> guest running", "shutdown": "shutdown (ACPI) -> QEMU gone"}[key]
        line(label, h, v, "ms", extra)


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
    parser.add_argument("--figures", default=",".join(FIGURES),
                        help=f"comma-separated subset of {','.join(FIGURES)} (default: all)")
    parser.add_argument("--memory", type=int, default=96, help="MiB of the boot/save/restore/shutdown guest")
    args = parser.parse_args()
    wanted = args.figures.split(",")
    if unknown := set(wanted) - set(FIGURES):
        parser.error(f"unknown figures: {','.join(sorted(unknown))}")
    if args.with_libvirt:
        Libvirt.ensure_installed()
    if not shutil.which("libvirtd"):
        sys.exit("bench_peer: libvirt is not installed (run with --with-libvirt)")
    from tests.fixtures.guests import tiny_guest

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # kill PID still stops libvirtd and the guests
    guest = tiny_guest()
    ours = Hvmctl()
    theirs = Libvirt(str(guest.kernel), str(guest.initrd), guest.cmdline)
    try:
        ours.hv.start_daemon()
        theirs.start()
        print(f"{'figure':<44} {'hvmctl':>14} {'libvirt':>14} {'ratio':>7}   "
              f"(load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, rounds {args.rounds})")
        ours_env, theirs_env = ours.env, theirs.env
        if "help" in wanted:
            line("--help", *interleaved(lambda: wall([*ours.xm, "--help"], ours_env),
                                        lambda: wall(["virsh", "--help"], theirs_env), args.rounds), "ms")
        ours.wait_full_api()
        rss0 = rss_kib(ours.pid()), rss_kib(theirs.pid())
        if "rss" in wanted:
            line("daemon RSS, no guests", rss0[0] / 1024, rss0[1] / 1024, "MiB")
        if set(LIFE) & set(wanted):  # before the N guests: one guest booting on 2 cores
            life_figures(ours, theirs, args.rounds, args.memory, [f for f in LIFE if f in wanted])
        counts = sorted({0, 1, 5, args.guests}) if {"list", "rss", "restart"} & set(wanted) else []
        for count in counts:
            grow(ours, theirs, count)
            if count == 1:
                ours.hv.wait_console("peer00", "HVMCTL-READY", timeout=120)
            ours.wait_listing(count)
            theirs.wait_listing(count)
            if count in (0, 1, args.guests) and "list" in wanted:
                line(f"list, {count} guests", *interleaved(lambda: wall([*ours.xm, "list"], ours_env),
                                                           lambda: wall(["virsh", "list"], theirs_env),
                                                           args.rounds), "ms")
            if count == args.guests and "rss" in wanted:  # before any restart: the daemon that started them all
                ours.wait_full_api()
                rss = rss_kib(ours.pid()), rss_kib(theirs.pid())
                line(f"daemon RSS per guest ({count} guests)", (rss[0] - rss0[0]) / 1024 / count,
                     (rss[1] - rss0[1]) / 1024 / count, "MiB")
            if count in (5, args.guests) and "restart" in wanted:
                line(f"kill -9 daemon -> all {count} listed", *interleaved(
                    lambda: restart_figure(ours, count), lambda: restart_figure(theirs, count), 3), "s")
    finally:
        theirs.close()
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        for name in ours.names:
            ours.hv.hv("destroy", name, check=False)
        ours.hv.cleanup()


if __name__ == "__main__":
    main()
