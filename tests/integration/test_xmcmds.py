"""xm's other domain commands against real guests: what the guest saw (its kernel's log on
the console, its counter, /proc of its vCPU threads), not only what the command answered."""

from __future__ import annotations

import re

from tests.integration.hvenv import HvEnv, tiny_profile


def start(hv: HvEnv, name: str, *, memory: int = 96, more: str = "") -> None:
    hv.write_profile(name, tiny_profile(name, extra="hvtest.counter=1", memory=memory, vnc=False, more=more))
    hv.hv("create", name)
    hv.wait_console(name, "COUNTER 2", timeout=90)


def counters(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"COUNTER (\d+)\r?$", text, re.M)]


def test_trigger_nmi_reaches_the_guest_kernel_and_sysrq_its_keyboard(hv: HvEnv) -> None:
    start(hv, "trg")
    hv.hv("trigger", "trg", "nmi")
    hv.wait_console("trg", "NMI received", timeout=30)  # "Uhhuh. NMI received for unknown reason"
    refused = hv.hv("trigger", "trg", "init", check=False)
    assert refused.returncode == 1 and "INIT" in refused.stderr and "trigger reset" in refused.stderr
    hv.hv("sysrq", "trg", "h")
    hv.wait_console("trg", "sysrq: HELP", timeout=30)  # through the guest's i8042 and atkbd
    last = max(counters(hv.console_log("trg")))
    hv.wait_console("trg", f"COUNTER {last + 2}", timeout=30)  # and it carries on


def test_rename_keeps_the_guest_and_its_console_log(hv: HvEnv) -> None:
    start(hv, "rn1")
    hv.hv("rename", "rn1", "rn2")
    names = [d["name"] for d in hv.hv("list", "--json").json()]
    assert "rn2" in names and "rn1" not in names
    assert hv.hv("rename", "rn2", "Domain-0", check=False).returncode == 1
    last = max(counters(hv.hv("log", "rn2").stdout))
    hv.wait_for(lambda: max(counters(hv.hv("log", "rn2").stdout)) >= last + 2, timeout=30,
                what="the renamed guest's counter going on in its log")
    assert hv.domain("rn2")["console_log"].endswith("/rn2.console.log")
    hv.kill_daemon()  # persisted: a new daemon knows it by its new name
    hv.start_daemon()
    assert hv.domain("rn2")["state"] == "running"


def test_mem_max_is_the_ceiling_of_mem_set(hv: HvEnv) -> None:
    start(hv, "mm1", memory=96, more="maxmem = 160\n")
    lowered = hv.hv("mem-max", "--json", "mm1", "128").json()
    assert lowered["maxmem_mib"] == 128 and not lowered["next_start"]
    refused = hv.hv("mem-set", "mm1", "150", check=False)
    assert refused.returncode == 1 and "32..128" in refused.stderr
    done = hv.hv("mem-set", "--json", "mm1", "120").json()
    hv.wait_for(lambda: hv.hv("mem-set", "--json", "mm1", "120").json()["actual_mib"] == 120, timeout=30,
                what="the guest's balloon giving it 120 MiB")
    assert done["target_mib"] == 120
    raised = hv.hv("mem-max", "mm1", "256")
    assert "from its next start" in raised.stdout
    assert "32..160" in hv.hv("mem-set", "mm1", "200", check=False).stderr  # the QEMU's -m until then
    assert "maxmem = 256" in hv.hv("profile", "mm1").stdout
    assert hv.hv("mem-max", "mm1", "64", check=False).returncode == 1  # below what it has


def _allowed(hv: HvEnv, name: str) -> str:
    dom = hv.domain(name)
    row = hv.hv("vcpu-list", "--json", name).json()[0]
    status = open(f"/proc/{dom['pid']}/task/{row['thread']}/status").read()
    return re.search(r"^Cpus_allowed_list:\s*(\S+)", status, re.M).group(1)  # type: ignore[union-attr]


def test_vcpu_pin_and_the_profiles_cpus_on_the_vcpu_threads(hv: HvEnv) -> None:
    start(hv, "vp1", more='cpus = "1"\n')
    assert _allowed(hv, "vp1") == "1"  # the profile's cpus= at start
    row = hv.hv("vcpu-list", "--json", "vp1").json()[0]
    assert (row["vcpu"], row["affinity"]) == (0, "1") and row["cpu"] == 1
    hv.hv("vcpu-pin", "vp1", "0", "0")
    assert _allowed(hv, "vp1") == "0"
    table = hv.hv("vcpu-list", "vp1").stdout.splitlines()
    assert table[0].split() == ["Name", "ID", "VCPU", "CPU", "State", "Time(s)", "CPU", "Affinity"]
    assert table[1].split()[0] == "vp1" and table[1].split()[-1] == "0"
    old = hv.domain("vp1")["id"]
    hv.hv("trigger", "vp1", "reset")  # on_reboot = restart: a new incarnation keeps the pin
    hv.wait_for(lambda: hv.domain("vp1")["id"] != old and hv.domain("vp1")["state"] == "running", timeout=60,
                what="the restarted incarnation")
    assert _allowed(hv, "vp1") == "0"
    bad = hv.hv("vcpu-pin", "vp1", "0", "0-99", check=False)
    assert bad.returncode == 1 and "does not exist" in bad.stderr


def test_dump_core_writes_an_elf_and_the_guest_goes_on(hv: HvEnv) -> None:
    start(hv, "dc1")
    core = hv.base / "dc1.core"
    result = hv.hv("dump-core", "--json", "dc1", str(core)).json()
    assert core.read_bytes()[:4] == b"\x7fELF" and result["bytes"] == core.stat().st_size > 64 << 20
    assert not [p for p in hv.base.iterdir() if p.name.endswith(".dump.tmp")]
    refused = hv.hv("dump-core", "dc1", str(core), check=False)
    assert refused.returncode == 1 and "already exists" in refused.stderr
    assert hv.domain("dc1")["state"] == "running"
    last = max(counters(hv.console_log("dc1")))
    hv.wait_console("dc1", f"COUNTER {last + 2}", timeout=30)  # the guest's counter continues
    hv.hv("pause", "dc1")
    hv.hv("dump-core", "-L", "dc1", str(hv.base / "dc1.2.core"))
    assert hv.domain("dc1")["state"] == "paused"  # paused before, paused after


def test_sched_credit_puts_the_qemu_in_a_cpu_cgroup(hv: HvEnv) -> None:
    import os

    from hvmctl.daemon import cgroups

    ctl = cgroups.find()
    if ctl is None:
        import pytest

        pytest.skip("no cpu cgroup controller on this host")
    start(hv, "sc1", more="cpu_weight = 512\n")
    dom = hv.domain("sc1")
    group = ctl.group(dom["uuid"])
    try:
        assert dom["pid"] in cgroups.procs(ctl, dom["uuid"])  # at start, from the profile
        assert cgroups.read(ctl, dom["uuid"]) == {"weight": 512, "cap": 0}
        out = hv.hv("sched-credit", "-d", "sc1", "-c", "50").stdout.splitlines()
        assert out[0].split() == ["Name", "ID", "Weight", "Cap"] and out[1].split()[2:] == ["512", "50"]
        assert cgroups.read(ctl, dom["uuid"]) == {"weight": 512, "cap": 50}
        if ctl.version == 1:
            assert open(os.path.join(group, "cpu.cfs_quota_us")).read().strip() == "50000"
        assert hv.hv("sched-credit", "--json", "-d", "sc1").json()["cap"] == 50
    finally:
        hv.hv("destroy", "sc1", check=False)
    assert not os.path.exists(group)  # the group goes with the QEMU
