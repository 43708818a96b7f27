"""The main job, shown end to end: a small guest from a seed-shaped profile, as a user of
the seed would run it -- xm create, xm list, its console, a screenshot, xm shutdown."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
XM = str(ROOT / ".venv" / "bin" / "xm")
NAME = "hvmctl-demo"


def xm(*args: str, check: bool = True) -> str:
    print(f"\n# xm {' '.join(args)}", flush=True)
    proc = subprocess.run([XM, *args], capture_output=True, text=True, timeout=300)
    out = (proc.stdout + proc.stderr).rstrip()
    if out:
        print(out, flush=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"demo: xm {' '.join(args)} failed")
    return proc.stdout


def main() -> None:
    from tests.fixtures.guests import tiny_guest

    print("# building the test guest (Debian kernel + busybox; cached after the first run)", flush=True)
    guest = tiny_guest()
    profile_dir = Path(os.environ.get("HVMCTL_PROFILE_DIR", "/etc/xen"))
    profile_dir.mkdir(parents=True, exist_ok=True)
    profile = profile_dir / NAME
    profile.write_text(
        f'# hvmctl demo profile, shaped like the seed\'s\nname = "{NAME}"\nbuilder = "hvm"\nmemory = "96"\n'
        f'kernel = "{guest.kernel}"\nramdisk = "{guest.initrd}"\nextra = "{guest.cmdline}"\n'
        "vif = [ 'bridge=xenbr0' ]\n"
        'vfb = ["type=vnc,vncunused=1"]\nvcpus = 1\n'
        "on_reboot = 'restart'\non_crash = 'restart'\non_shutdown = 'destroy'\n"
    )
    print(f"\n# {profile}:\n{profile.read_text()}")
    xm("destroy", NAME, check=False) if NAME in xm("list") else None
    xm("create", str(profile))

    def console() -> str:
        return subprocess.run([XM, "log", NAME], capture_output=True, text=True, timeout=30).stdout

    # the console log keeps earlier boots (QEMU appends to it): wait for this boot's ready line
    earlier = console().count("HVMCTL-READY")
    xm("list")
    deadline = time.monotonic() + 120
    log = ""
    while log.count("HVMCTL-READY") <= earlier and time.monotonic() < deadline:
        time.sleep(0.5)
        log = console()
    print("\n# the guest's serial console (xm log):")
    print("\n".join(log.splitlines()[-6:]))
    if log.count("HVMCTL-READY") <= earlier:
        raise SystemExit("demo: the guest did not reach userspace in time")
    xm("screenshot", NAME, "/tmp/hvmctl-demo.png")
    xm("vncviewer", "--print", NAME)
    xm("shutdown", "-w", NAME)
    xm("list")
    print("\ndemo: done -- the guest booted, was listed, showed its console and screen, and powered off")


if __name__ == "__main__":
    main()
