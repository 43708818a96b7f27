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
