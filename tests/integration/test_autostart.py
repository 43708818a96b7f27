"""Guests that start and stop with the host (xendomains, S6): host-stop saves three running
guests and the next daemon start restores them -- processes continuing, each exactly once --
before any auto guest is created; auto guests start once per boot, never twice; with saving
off, host-stop shuts guests down by ACPI and forces the ones that do not go in time."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile


@pytest.fixture
def host() -> Iterator[HvEnv]:
    """An hvmctl whose xendomains settings file is ours (never the machine's)."""
    env = HvEnv.make()
    env.env["HVMCTL_XENDOMAINS"] = str(env.base / "xendomains")
    (env.base / "xendomains").write_text(
        "# like /etc/sysconfig/xendomains\n"
        f'XENDOMAINS_SAVE="{env.base}/save"\n'
        f"XENDOMAINS_AUTO={env.profile_dir}/auto\n"
        "XENDOMAINS_RESTORE=true\n"
        "XENDOMAINS_STOP_MAXWAIT=30\n"
    )
    env.start_daemon()
    try:
        yield env
    finally:
        env.cleanup()


def restart_daemon(hv: HvEnv, *, boot: bool) -> None:
    """Stop the daemon (guests stay) and start it again; ``boot`` also forgets that host
    start already ran, as a reboot clears /run."""
    hv.kill_daemon(signal.SIGTERM)
    if boot:
        (hv.base / "run" / "host-started").unlink(missing_ok=True)
    Path(hv.env["HVMCTL_SOCKET"]).unlink(missing_ok=True)
    hv.start_daemon()


def console_file(hv: HvEnv, name: str) -> str:
    return (hv.base / "state" / "log" / f"{name}.console.log").read_text(errors="replace")


def counters(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^COUNTER (\d+)\r?$", text, re.M)]


def test_host_stop_saves_three_guests_and_start_restores_them(host: HvEnv) -> None:
    hv = host
    names = ["hs1", "hs2", "hs3"]
    for name in names:
        hv.write_profile(name, tiny_profile(name, extra="hvtest.counter=1"))
        hv.hv("create", name)
    hv.hv("autostart", "enable", "hs1")  # an auto guest that is also saved: must not start twice
    for name in names:
        hv.wait_console(name, "COUNTER 1", timeout=120)
    uuids = {d["name"]: d["uuid"] for d in hv.domains()}

    report = hv.hv("host-stop", "--json").json()
    assert sorted(s["name"] for s in report["saved"]) == names and not report["errors"]
    assert hv.domains() == []
    assert sorted(p.name for p in (hv.base / "save").iterdir()) == names
    last = {n: max(counters(console_file(hv, n))) for n in names}

    restart_daemon(hv, boot=False)  # host-stop cleared the marker: this start is a boot
    hv.wait_for(lambda: len(hv.domains()) == 3, timeout=60, what="three restored guests")
    again = hv.hv("host-start", "--json").json()  # waits for the daemon's own run, then no-op
    assert again["restored"] == [] and again["started"] == []
    doms = {d["name"]: d for d in hv.domains()}
    assert sorted(doms) == names and all(d["state"] == "running" for d in doms.values())
    assert {n: d["uuid"] for n, d in doms.items()} == uuids
    assert list((hv.base / "save").iterdir()) == []  # restored files are consumed
    for name in names:
        hv.wait_console(name, f"COUNTER {last[name] + 3}", timeout=30)
        seq = counters(console_file(hv, name))
        assert seq[seq.index(last[name]) + 1] == last[name] + 1, (name, seq)
        assert console_file(hv, name).count("HVMCTL-READY") == 1, f"{name} booted again"


def test_autostart_once_per_boot_never_twice(host: HvEnv) -> None:
    hv = host
    hv.write_profile("as1", tiny_profile("as1"))
    out = hv.hv("autostart", "enable", "as1").stdout
    assert "enabled" in out and (hv.profile_dir / "auto" / "as1").is_symlink()
    listed = hv.hv("autostart", "list", "--json").json()
    assert [r["name"] for r in listed["links"]] == ["as1"] and listed["links"][0]["state"] is None

    restart_daemon(hv, boot=True)
    hv.wait_for(lambda: [d["name"] for d in hv.domains()] == ["as1"], timeout=30, what="as1 autostarted")
    hv.wait_console("as1", "HVMCTL-READY", timeout=90)
    first = hv.domain("as1")  # read once it runs: a launching domain has no id yet
    assert first["id"] is not None

    # a daemon restart within the same boot, and an explicit host-start: no second as1
    restart_daemon(hv, boot=False)
    report = hv.hv("host-start", "--json").json()
    assert report["started"] == [] and [s["name"] for s in report["skipped"]] == ["as1"]
    time.sleep(1)
    doms = hv.domains()
    assert [d["name"] for d in doms] == ["as1"] and doms[0]["id"] == first["id"]
    assert hv.hv("autostart", "list", "--json").json()["links"][0]["state"] == "running"

    # saving off: host-stop shuts guests down by ACPI; a paused one cannot react and is forced
    (hv.base / "xendomains").write_text('XENDOMAINS_SAVE=""\nXENDOMAINS_STOP_MAXWAIT=3\n'
                                        f"XENDOMAINS_AUTO={hv.profile_dir}/auto\n")
    hv.write_profile("as2", tiny_profile("as2"))
    hv.hv("create", "as2")
    hv.wait_console("as2", "HVMCTL-READY", timeout=90)
    hv.hv("pause", "as2")
    report = hv.hv("host-stop", "--json").json()
    assert [s["name"] for s in report["shutdown"]] == ["as1"]
    assert [s["name"] for s in report["forced"]] == ["as2"]
    assert report["saved"] == [] and hv.domains() == []
    assert "HVMCTL-POWERDOWN" in console_file(hv, "as1")

    hv.hv("autostart", "disable", "as1")
    assert hv.hv("autostart", "list", "--json").json()["links"] == []
