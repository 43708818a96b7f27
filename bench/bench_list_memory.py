"""`xm list` wall time and daemon memory with many guests running.

Figures, each with its baseline from the same run:
- `xm list` wall time with 1 and N guests running, and `xm --help`, each against the bare
  Python interpreter start-up (the floor any Python CLI pays), the two run in turn round by
  round so that both see the same machine (goal: the CLI's own cost <= 8 ms);
- the daemon's resident memory with 1 and with N guests (goal <= 0.5 MiB per guest;
  libvirtd +0.25-0.28 MiB), and a guest QEMU's RSS (libvirt's: ~196 MiB for a 96 MiB guest).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import HvEnv, median, timed, tiny_profile, wait_full_api

from hvmctl.daemon.process import rss_kib


def _once(argv: list[str], env: dict[str, str]) -> float:
    took, code = timed(argv, env)
    if code != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({code})")
    return took


def time_pair(argv: list[str], base: list[str], env: dict[str, str], rounds: int) -> tuple[float, float]:
    """Median wall times of ``argv`` and of ``base``, run alternately (after one warm-up each)."""
    _once(argv, env)
    _once(base, env)
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(rounds):
        pair = (argv, base) if i % 2 == 0 else (base, argv)  # neither always runs first
        for cmd in pair:
            times[cmd is base].append(_once(cmd, env))
    return median(times[0]), median(times[1])


def _line(label: str, figure: tuple[float, float]) -> str:
    cmd, base = figure
    return (f"{label:<30}{cmd * 1000:6.1f} ms  (python -c pass {base * 1000:.1f} ms in the same rounds: "
            f"+{(cmd - base) * 1000:.1f} ms; goal <= +8)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--paused", action="store_true",
                        help="start guests 2..N paused (QEMU up, vCPUs stopped): same daemon and list work, "
                             "no CPU spent booting 50 guests on a shared machine")
    args = parser.parse_args()
    hv = HvEnv.make()
    hv.start_daemon()
    xm = [str(Path(sys.executable).with_name("xm")), "list"]
    if not Path(xm[0]).exists():
        xm = [sys.executable, "-m", "hvmctl", "list"]
    python = [sys.executable, "-c", "pass"]
    try:
        assert hv.daemon is not None
        pid = hv.daemon.pid
        hv.hv("list")
        wait_full_api(hv.env["HVMCTL_SOCKET"])
        rss0 = rss_kib(pid)
        names = [f"g{i:02d}" for i in range(args.guests)]
        hv.write_profile(names[0], tiny_profile(names[0], memory=96))
        hv.hv("create", names[0])
        hv.wait_console(names[0], "HVMCTL-READY", timeout=120)
        rss1 = rss_kib(pid)
        qemu_rss = rss_kib(int(hv.domain(names[0])["pid"])) / 1024
        list1 = time_pair(xm, python, hv.env, args.rounds)
        helps = time_pair([*xm[:-1], "--help"], python, hv.env, args.rounds)
        for name in names[1:]:
            hv.write_profile(name, tiny_profile(name, memory=96))
            hv.hv("create", *(["--paused"] if args.paused else []), name)
        if not args.paused:
            for name in names[1:]:
                hv.wait_console(name, "HVMCTL-READY", timeout=600)
        time.sleep(2)
        rssn = rss_kib(pid)
        listn = time_pair(xm, python, hv.env, args.rounds)
        per_guest = (rssn - rss1) / 1024 / (args.guests - 1)
        print(f"guests: {len(hv.domains())} ({'1 booted, the rest paused' if args.paused else 'all booted'})")
        print(_line("xm --help:", helps))
        print(_line("xm list, 1 guest:", list1))
        print(_line(f"xm list, {args.guests} guests:", listn))
        print(f"daemon RSS idle / 1 / {args.guests}:        {rss0 / 1024:.1f} / {rss1 / 1024:.1f} / {rssn / 1024:.1f} MiB")
        print(f"daemon growth per guest:        {per_guest:.3f} MiB  (goal <= 0.5; libvirtd 0.25-0.28)")
        print(f"QEMU RSS, 96 MiB guest:         {qemu_rss:.1f} MiB  (libvirt's QEMU ~196 MiB)")
    finally:
        hv.cleanup()


if __name__ == "__main__":
    main()
