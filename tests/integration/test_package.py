"""The Debian package on a clean Debian 12: build it, lint it, `apt install` it into a fresh
debootstrap root, run `xm info`, create a guest from /etc/xen, emulate a host reboot by
running the systemd units' own ExecStop/ExecStart commands (hvmctl-guests' host-stop, the
daemon's stop and start, host-start) and check the guest came back as hvmctl-guests says
(restored from its save: its counter carries on, it did not boot again); then purge and
check that nothing is left but what the user keeps.

Slow (minutes on a cold cache). Everything reusable is cached under HVMCTL_DEB_CACHE
(/var/cache/hvmctl-deb): the debootstrap root as a tarball, the same root with the
package's dependencies installed (keyed by the Depends line), apt's lists and archives.
Skipped with HVMCTL_SKIP_DEB_TEST=1, or where debootstrap cannot run (not root, no tool).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.hvenv import ROOT, tiny_profile

CACHE = Path(os.environ.get("HVMCTL_DEB_CACHE", "/var/cache/hvmctl-deb"))
MIRROR = os.environ.get("HVMCTL_DEB_MIRROR", "http://deb.debian.org/debian")
LISTS_MAX_AGE = 12 * 3600
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

pytestmark = [
    pytest.mark.skipif(bool(os.environ.get("HVMCTL_SKIP_DEB_TEST")), reason="HVMCTL_SKIP_DEB_TEST is set"),
    pytest.mark.skipif(os.geteuid() != 0, reason="debootstrap, chroot and mounts need root"),
    pytest.mark.skipif(shutil.which("debootstrap") is None or shutil.which("dpkg-deb") is None,
                       reason="debootstrap/dpkg-deb not installed (scripts/setup.sh installs them)"),
]


def run(argv: list[str], *, timeout: float = 600, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{shlex.join(argv)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


@contextlib.contextmanager
def cache_lock() -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def base_tarball() -> Path:
    """A minbase Debian 12 root, made once by debootstrap and kept as a tarball."""
    tar = CACHE / "bookworm-minbase.tar"
    if not tar.exists():
        build = CACHE / "build-root"
        shutil.rmtree(build, ignore_errors=True)
        run(["debootstrap", "--variant=minbase", "bookworm", str(build), MIRROR], timeout=1800)
        run(["tar", "-C", str(build), "-cf", f"{tar}.partial", "."])
        os.replace(f"{tar}.partial", tar)
        shutil.rmtree(build, ignore_errors=True)
    return tar


def control_field(deb: Path, name: str) -> str:
    return run(["dpkg-deb", "-f", str(deb), name]).stdout.strip()


class Chroot:
    """A Debian root with /proc, /sys, /dev (for /dev/kvm and /dev/net/tun), /dev/pts and a
    fresh /run (a tmpfs, as at boot) mounted; apt's lists and archives from the cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.mounts: list[Path] = []

    def mount(self, *argv: str, target: str) -> None:
        path = self.root / target.lstrip("/")
        path.mkdir(parents=True, exist_ok=True)
        run(["mount", *argv, str(path)])
        self.mounts.append(path)

    def mount_all(self) -> None:
        self.mount("-t", "proc", "proc", target="/proc")
        self.mount("-t", "sysfs", "sysfs", target="/sys")
        self.mount("--bind", "/dev", target="/dev")
        self.mount("--bind", "/dev/pts", target="/dev/pts")
        self.mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", target="/run")
        for sub in ("lists", "archives"):
            (CACHE / sub / "partial").mkdir(parents=True, exist_ok=True)
        self.mount("--bind", str(CACHE / "lists"), target="/var/lib/apt/lists")
        self.mount("--bind", str(CACHE / "archives"), target="/var/cache/apt/archives")

    def reboot_run(self) -> None:
        """/run is cleared at boot: a new tmpfs."""
        run_dir = self.root / "run"
        run(["umount", str(run_dir)])
        self.mounts.remove(run_dir)
        self.mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", target="/run")

    def umount_all(self) -> None:
        for path in reversed(self.mounts):
            if run(["umount", str(path)], check=False).returncode != 0:
                run(["umount", "-l", str(path)], check=False)
        self.mounts.clear()

    def processes(self) -> list[int]:
        """Processes whose root is this chroot (the daemon and QEMU we started in it)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.readlink(entry / "root") == str(self.root):
                        pids.append(int(entry.name))
                except OSError:
                    pass
        return pids

    def kill_all(self) -> None:
        for pid in self.processes():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def sh(self, cmd: str, *, timeout: float = 600, check: bool = True,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        base = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive",
                "HVMCTL_NO_AUTOSTART": "1"}
        base.update(env or {})
        return run(["chroot", str(self.root), "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in base.items()],
                    "/bin/sh", "-c", cmd], timeout=timeout, check=check)

    def apt_update(self) -> None:
        stamp = CACHE / "lists" / ".updated"
        if not stamp.exists() or time.time() - stamp.stat().st_mtime > LISTS_MAX_AGE:
            self.sh("apt-get update -q", timeout=900)
            stamp.touch()


def unit_commands(unit: Path) -> dict[str, list[str]]:
    """Exec*, Environment*, *Directory lines of a systemd unit, as the unit says them."""
    out: dict[str, list[str]] = {}
    for line in unit.read_text().splitlines():
        m = re.match(r"^(Exec\w+|Environment\w*|\w+Directory)=(.*)$", line.strip())
        if m:
            out.setdefault(m.group(1), []).append(m.group(2))
    return out


def environment_file(root: Path, spec: str) -> dict[str, str]:
    optional = spec.startswith("-")
    path = root / spec.lstrip("-").lstrip("/")
    if not path.exists():
        assert optional, f"EnvironmentFile {spec} missing"
        return {}
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key.strip()] = " ".join(shlex.split(value))
    return env


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built from this tree (HVMCTL_DEB: test that one instead, e.g. when re-running)."""
    if os.environ.get("HVMCTL_DEB"):
        return Path(os.environ["HVMCTL_DEB"])
    out = tmp_path_factory.mktemp("deb")
    started = time.monotonic()
    env = {"DEB_COMPRESS": "gzip", **os.environ}  # xz costs ~30 s and tests nothing more
    proc = run([str(ROOT / "scripts" / "build-deb.sh"), str(out)], timeout=1800, env=env)
    path = Path(proc.stdout.strip().splitlines()[-1])
    print(f"build-deb: {time.monotonic() - started:.0f} s, {path.stat().st_size / 1e6:.1f} MB")
    assert path.name == f"hvmctl_{control_field(path, 'Version')}_amd64.deb"
    return path


@pytest.fixture
def chroot(deb: Path) -> Iterator[Chroot]:
    """A clean Debian 12 root with the package's dependencies already installed (from the
    cache, keyed by the Depends line: they are what apt would pull in for the .deb)."""
    depends = control_field(deb, "Depends")
    key = hashlib.sha256(depends.encode()).hexdigest()[:16]
    root = Path(tempfile.mkdtemp(prefix="hvmctl-deb-root.", dir="/var/tmp"))
    ch = Chroot(root)
    try:
        with cache_lock():
            layer = CACHE / f"deps-{key}.tar"
            started = time.monotonic()
            run(["tar", "-C", str(root), "-xf", str(layer if layer.exists() else base_tarball())])
            (root / "etc" / "resolv.conf").write_text(Path("/etc/resolv.conf").read_text())
            policy = root / "usr" / "sbin" / "policy-rc.d"  # a chroot: no service starts from apt
            policy.write_text("#!/bin/sh\nexit 101\n")
            policy.chmod(0o755)
            ch.mount_all()
            if not layer.exists():
                ch.apt_update()
                names = [alt.split("|")[0].split("(")[0].strip() for alt in depends.split(",")]
                ch.sh("apt-get install -y -q --no-install-recommends " + " ".join(names), timeout=1800)
                ch.umount_all()
                run(["tar", "-C", str(root), "--exclude=./var/cache/apt/archives/*", "--exclude=./var/lib/apt/lists/*",
                     "-cf", f"{layer}.partial", "."])
                os.replace(f"{layer}.partial", layer)
                ch.mount_all()
            print(f"chroot ready in {time.monotonic() - started:.0f} s")
        yield ch
    finally:
        ch.kill_all()
        time.sleep(0.2)
        ch.umount_all()
        if not any(p.is_mount() for p in (root / "proc", root / "dev", root / "sys", root / "run")):
            shutil.rmtree(root, ignore_errors=True)


class Daemon:
    """hvmctl.service as systemd would run it: its ExecStart, its environment, its dirs."""

    def __init__(self, ch: Chroot) -> None:
        self.ch = ch
        self.unit = unit_commands(ch.root / "lib/systemd/system/hvmctl.service")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {"PATH": PATH, "LANG": "C.UTF-8", "HOME": "/root"}
        for spec in self.unit.get("Environment", []):
            env.update(dict(word.split("=", 1) for word in shlex.split(spec)))
        for spec in self.unit.get("EnvironmentFile", []):
            env.update(environment_file(self.ch.root, spec))
        for key, base in (("RuntimeDirectory", "run"), ("StateDirectory", "var/lib"), ("LogsDirectory", "var/log")):
            for name in self.unit.get(key, []):
                (self.ch.root / base / name).mkdir(parents=True, exist_ok=True)
        [cmd] = self.unit["ExecStart"]
        log = open(self.ch.root / "var/log/hvmctl/daemon.stdout", "ab")
        self.proc = subprocess.Popen(["chroot", str(self.ch.root), "/usr/bin/env", "-i",
                                      *[f"{k}={v}" for k, v in env.items()], *shlex.split(cmd)],
                                     stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.ch.sh("xm list", check=False).returncode == 0:
                return
            assert self.proc.poll() is None, f"daemon exited {self.proc.returncode}: {self.log()}"
            time.sleep(0.2)
        raise AssertionError(f"daemon did not answer within 60 s: {self.log()}")

    def stop(self) -> None:
        """systemctl stop: SIGTERM to the main process only (KillMode=process)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
        self.proc = None

    def log(self) -> str:
        text = ""
        for name in ("daemon.stdout",):
            with contextlib.suppress(OSError):
                text += (self.ch.root / "var/log/hvmctl" / name).read_text()[-3000:]
        return text


def console(ch: Chroot, name: str) -> str:
    return (ch.root / f"var/log/hvmctl/{name}.console.log").read_text(errors="replace")


def counters(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^COUNTER (\d+)\r?$", text, re.M)]


def wait_for(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


def test_package_install_reboot_purge(deb: Path, chroot: Chroot) -> None:
    ch = chroot
    lint = run(["lintian", "--tag-display-limit", "0", str(deb)], check=False, timeout=900)
    errors = [ln for ln in lint.stdout.splitlines() if ln.startswith("E:")]
    assert errors == [], "\n".join(errors)

    # ---- install: apt resolves the dependencies (all there already) and configures it
    shutil.copy(deb, ch.root / "tmp" / deb.name)
    started = time.monotonic()
    ch.sh(f"apt-get install -y -q --no-install-recommends /tmp/{deb.name}", timeout=900)
    print(f"apt install: {time.monotonic() - started:.1f} s")
    owned = [p for p in ch.sh("dpkg -L hvmctl").stdout.splitlines() if p.startswith("/")]
    owned_files = [p for p in owned if not (ch.root / p.lstrip("/")).is_dir()]  # /lib is usrmerge's symlink
    for path in ("/usr/bin/xm", "/usr/bin/hvmctl", "/lib/systemd/system/hvmctl.socket",
                 "/lib/systemd/system/hvmctl.service", "/lib/systemd/system/hvmctl-guests.service",
                 "/usr/share/man/man1/xm.1.gz", "/usr/share/man/man1/hvmctl.1.gz",
                 "/usr/share/man/man8/hvmctl-daemon.8.gz", "/usr/share/man/man5/hvmctl.conf.5.gz",
                 "/usr/share/bash-completion/completions/xm", "/etc/xen/xmexample.hvm", "/etc/xen/auto"):
        assert path in owned and (ch.root / path.lstrip("/")).exists() or (ch.root / path.lstrip("/")).is_symlink(), path
    conffiles = ch.sh("dpkg-query -W -f='${Conffiles}' hvmctl").stdout
    for path in ("/etc/default/hvmctl", "/etc/default/hvmctl-guests", "/etc/xen/xmexample.hvm"):
        assert path in conffiles, path
    # enabled as on a systemd host (deb-systemd-helper's links), the old unit name an alias
    etc_units = ch.root / "etc/systemd/system"
    for link in ("multi-user.target.wants/hvmctl.service", "multi-user.target.wants/hvmctl-guests.service",
                 "sockets.target.wants/hvmctl.socket", "hvmctl-domains.service"):
        assert (etc_units / link).is_symlink(), link
    assert os.readlink(etc_units / "hvmctl-domains.service") == "/lib/systemd/system/hvmctl-guests.service"
    assert any((ch.root / "usr/lib/hvmctl/lib").rglob("__pycache__")), "postinst did not byte-compile"
    man = ch.sh("zcat /usr/share/man/man1/xm.1.gz").stdout
    for cmd in ("create", "list", "host-start", "host-stop", "migrate", "block-attach", "image create"):
        assert ".SS " + cmd.replace("-", "\\-") in man, cmd

    # ---- the daemon as hvmctl.service runs it; xm info says what the host can do
    daemon = Daemon(ch)
    daemon.start()
    wait_for("xm info's QEMU facts", lambda: "being asked" not in ch.sh("xm info").stdout, 30)
    info = dict((k.strip(), v.strip()) for k, _, v in
                (ln.partition(":") for ln in ch.sh("xm info").stdout.splitlines()))
    assert info["nr_cpus"] == str(os.cpu_count()) and int(info["total_memory"]) > 0
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["qemu_version"]), info
    assert " pc " in f" {info['qemu_machines']} " and " q35 " in f" {info['qemu_machines']} "
    assert info["virt_caps"] in ("vmx", "svm", "vmx svm", "none") and info["kvm_device"] in ("rw", "missing", "no access")
    assert "missing" in info and "kvm_works" in info and info["cgroup"]

    # ---- a guest from /etc/xen (the tiny test guest, its kernel copied in), autostarted
    from tests.fixtures.guests import tiny_guest

    guest = tiny_guest()
    images = ch.root / "var/lib/xen/images"
    images.mkdir(parents=True)
    shutil.copy(guest.kernel, images / "vmlinuz")
    shutil.copy(guest.initrd, images / "initrd.gz")
    profile = tiny_profile("pkgtest", extra="hvtest.counter=1", vnc=False)
    profile = profile.replace(str(guest.kernel), "/var/lib/xen/images/vmlinuz")
    profile = profile.replace(str(guest.initrd), "/var/lib/xen/images/initrd.gz")
    (ch.root / "etc/xen/pkgtest").write_text(profile)
    ch.sh("xm create pkgtest", timeout=180)
    ch.sh("hvmctl autostart enable pkgtest")
    wait_for("pkgtest boots", lambda: "COUNTER 3" in console(ch, "pkgtest"), 180)
    assert "pkgtest" in ch.sh("xm list").stdout
    completion = ch.sh(
        "bash -c '. /usr/share/bash-completion/completions/xm; COMP_WORDS=(xm console pk); COMP_CWORD=2; "
        "_hvmctl; echo ${COMPREPLY[@]}; COMP_WORDS=(xm create xm); _hvmctl; echo ${COMPREPLY[@]}; "
        "COMP_WORDS=(hvmctl host-s); COMP_CWORD=1; _hvmctl; echo ${COMPREPLY[@]}'")
    assert completion.stdout.splitlines() == ["pkgtest", "xmexample.hvm", "host-start host-stop"], completion.stdout

    # ---- reboot, as the units do it: hvmctl-guests stops (host-stop), then the daemon;
    # /run is a new tmpfs; the daemon starts, then hvmctl-guests (host-start)
    guests_unit = unit_commands(ch.root / "lib/systemd/system/hvmctl-guests.service")
    [stop_cmd] = guests_unit["ExecStop"]
    [start_cmd] = guests_unit["ExecStart"]
    before = counters(console(ch, "pkgtest"))[-1]
    stopped = ch.sh(f"{stop_cmd} --json", timeout=300)
    assert '"saved"' in stopped.stdout and "pkgtest" in stopped.stdout, stopped.stdout
    assert (ch.root / "var/lib/hvmctl/save/pkgtest").is_file()
    daemon.stop()
    wait_for("no process left in the chroot", lambda: not ch.processes(), 30)
    last = counters(console(ch, "pkgtest"))[-1]
    assert last >= before
    ch.reboot_run()
    daemon.start()
    started_report = ch.sh(start_cmd, timeout=300)
    wait_for("pkgtest restored and counting", lambda: f"COUNTER {last + 3}" in console(ch, "pkgtest"), 120)
    seq = counters(console(ch, "pkgtest"))
    assert seq[seq.index(last) + 1] == last + 1, "the guest was not restored where it stopped"
    assert console(ch, "pkgtest").count("HVMCTL-READY") == 1, "the guest booted again instead of being restored"
    listed = [ln.split()[0] for ln in ch.sh("xm list").stdout.splitlines()[1:]]
    assert listed.count("pkgtest") == 1, (listed, started_report.stdout)
    assert not (ch.root / "var/lib/hvmctl/save/pkgtest").exists()

    # ---- purge, after a last host-stop: the saved guest is what the user keeps (KEEP)
    ch.sh(stop_cmd, timeout=300)
    daemon.stop()
    wait_for("no process left in the chroot", lambda: not ch.processes(), 30)
    ch.sh("apt-get purge -y -q hvmctl", timeout=600)
    left = [p for p in owned_files if (ch.root / p.lstrip("/")).exists() or (ch.root / p.lstrip("/")).is_symlink()]
    assert left == [], left
    assert not (ch.root / "usr/lib/hvmctl").exists() and not (ch.root / "var/log/hvmctl").exists()
    state = sorted(str(p.relative_to(ch.root / "var/lib/hvmctl")) for p in (ch.root / "var/lib/hvmctl").rglob("*"))
    assert state == ["KEEP", "save", "save/pkgtest"], state
    assert not (ch.root / "etc/default/hvmctl").exists() and not (ch.root / "etc/xen/xmexample.hvm").exists()
    assert not [p for p in etc_units.rglob("hvmctl*")], "unit links left after purge"
    assert (ch.root / "etc/xen/pkgtest").is_file() and (ch.root / "etc/xen/auto/pkgtest").is_symlink()  # the user's
