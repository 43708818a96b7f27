"""S8: a 32-bit and a 64-bit guest side by side on one 64-bit host.

Both run at once (one QEMU binary, qemu-system-x86_64), each says on its own console which
architecture it runs, both answer typed commands while the other is up, and `xm list`
shows the two as running.
"""

from __future__ import annotations

import os

from tests.fixtures.guests import Guest, i686_guest, tiny_guest
from tests.integration.hvenv import HvEnv
from tests.integration.seedprof import run_in_guest, wait_log


def _profile(name: str, guest: Guest, mac: str) -> str:
    return (
        f'name = "{name}"\nbuilder = "hvm"\nmemory = "256"\nvcpus = 1\n'
        f'kernel = "{guest.kernel}"\nramdisk = "{guest.initrd}"\nextra = "{guest.cmdline}"\n'
        f"vif = [ 'mac={mac}, bridge=xenbr0', ]\n"
        'vfb = ["type=vnc,vncunused=1"]\n'
        "on_reboot = 'restart'\non_crash = 'restart'\n"
    )


def test_32_and_64_bit_guests_at_once(hv: HvEnv) -> None:
    assert os.uname().machine == "x86_64"
    guests = {"guest32": (i686_guest(), "00:16:3e:00:32:01"), "guest64": (tiny_guest(), "00:16:3e:00:64:01")}
    assert guests["guest32"][0].arch == "i686" and guests["guest64"][0].arch == "x86_64"
    for name, (guest, mac) in guests.items():
        hv.write_profile(name, _profile(name, guest, mac))
        hv.hv("create", name)

    logs = {name: wait_log(hv, name, "HVMCTL-READY", timeout=180) for name in guests}
    assert "HVMCTL-READY arch=i686" in logs["guest32"] and "arch=x86_64" not in logs["guest32"]
    assert "HVMCTL-READY arch=x86_64" in logs["guest64"] and "arch=i686" not in logs["guest64"]

    # both at the same time: listed as running, and each answers while the other runs
    rows = {d["name"]: d for d in hv.domains()}
    assert set(rows) == set(guests)
    assert all(rows[n]["state"] == "running" for n in guests), rows
    assert rows["guest32"]["id"] != rows["guest64"]["id"]
    assert rows["guest32"]["pid"] != rows["guest64"]["pid"]
    table = hv.hv("list").stdout
    for name in guests:
        line = next(ln for ln in table.splitlines() if ln.startswith(name))
        assert line.split()[4] in ("r-----", "-b----"), table  # running or blocked (idle), as in xm
    # the 32-bit guest runs a 32-bit userspace on a 32-bit kernel
    answer32 = run_in_guest(hv, "guest32", "uname -m; od -An -tx1 -j4 -N1 /bin/busybox")
    answer64 = run_in_guest(hv, "guest64", "uname -m; od -An -tx1 -j4 -N1 /bin/busybox")
    assert answer32.split()[:2] == ["i686", "01"], answer32  # ELFCLASS32
    assert answer64.split()[:2] == ["x86_64", "02"], answer64  # ELFCLASS64
    assert {d["name"] for d in hv.domains() if d["state"] == "running"} == set(guests)
