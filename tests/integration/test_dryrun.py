"""``xm create -n`` is the real run without its side effects (issue 9, broken case 9): the
same planning (a qcow2 image is qcow2), the same errors (a missing image), no MAC recorded,
and the argv it prints is the one the daemon hands QEMU on a real create (no guest boots:
the real create is paused, its vCPUs never run)."""

from __future__ import annotations

import json
import re
import subprocess

from tests.integration.hvenv import HvEnv, tiny_profile

UUID = "5eed0000-0000-4000-8000-00000000d1d1"


def _qcow2(hv: HvEnv, name: str) -> str:
    path = hv.base / name
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(path), "32M"], check=True, timeout=30)
    return str(path)


def _fds(argv: list[str]) -> list[str]:
    """The argv with its fd numbers blanked: a start's are the daemon's own open files."""
    return [re.sub(r"\bfd=\d+", "fd=N", a) for a in argv]


def test_dry_run_plans_checks_and_prints_what_create_runs(hv: HvEnv) -> None:
    img = _qcow2(hv, "data.qcow2")
    macs = hv.base / "state" / "macs.json"
    hv.write_profile("dry", tiny_profile("dry", more=f"uuid = '{UUID}'\ndisk = ['file:{img},hdb,w']\n"
                                                     "vif = ['model=e1000']\n"))
    dry = hv.hv("create", "-n", "-p", "dry").stdout.splitlines()
    # the image is passed as an fd, named in its fd set, its format detected as at start
    fdset = next(a for a in dry if a.endswith(f",opaque=disk:hdb={img}")).split(",set=")[1].split(",")[0]
    assert f"file=/dev/fdset/{fdset},if=none,id=drive-hdb,auto-read-only=off,format=qcow2" in dry, dry
    assert not macs.exists()  # the vif's MAC was planned, not recorded
    assert hv.domains() == []

    # a missing image: the error create gives, and still nothing written
    hv.write_profile("gone", tiny_profile("gone", more=f"disk = ['file:{hv.base / 'nope.img'},hdb,w']\n"))
    dry_err = hv.hv("create", "-n", "gone", check=False)
    real_err = hv.hv("create", "gone", check=False)
    assert dry_err.returncode == real_err.returncode == 1
    assert "nope.img: no such file or device" in dry_err.stderr and dry_err.stderr == real_err.stderr

    # the same profile for real (paused: nothing boots): QEMU got exactly the dry-run's argv.
    # The fresh MAC is the one thing a dry-run cannot know before the create draws it.
    hv.hv("create", "-p", "dry")
    record = json.loads((hv.base / "state" / "domains" / f"{UUID}.json").read_text())
    real = record["runtime"]["argv"]
    mac = json.loads(macs.read_text())["domains"][UUID]["vifs"]["0"]
    planned_mac = next(a for a in dry if ",mac=" in a).split(",mac=")[1].split(",")[0]
    assert [a.replace(planned_mac, mac) for a in _fds(dry)] == _fds(real)
    assert hv.domain("dry")["state"] == "paused"

    # and now the MAC is recorded, a dry-run of the running profile is refused like create
    again = hv.hv("create", "-n", "dry", check=False)
    assert again.returncode == 1 and "domain name 'dry' is already in use" in again.stderr
    hv.hv("destroy", "dry")
    # its MAC recorded now, nothing in the argv depends on the incarnation: exactly equal
    assert _fds(hv.hv("create", "-n", "-p", "dry").stdout.splitlines()) == _fds(real)
