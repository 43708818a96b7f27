"""--live / --config against a real managed guest (virsh's semantics): a --live vcpu-set
changes the guest and not its definition (its next start has the vCPUs it was defined
with); a --config vcpu-set leaves the running guest as it is and its next start has them."""

from __future__ import annotations

from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.test_livedef import ask, console_file

CPUS = "ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l"


def _start(hv: HvEnv, name: str) -> None:
    """Start it and wait for this boot (the console log is appended across starts)."""
    try:
        boots = console_file(hv, name).count("HVMCTL-READY")
    except FileNotFoundError:
        boots = 0
    hv.hv("start", name)
    hv.wait_for(lambda: console_file(hv, name).count("HVMCTL-READY") > boots, timeout=120,
                what=f"{name} booted")


def test_live_and_config_vcpu_set_on_a_managed_guest(hv: HvEnv) -> None:
    hv.write_profile("sc1", tiny_profile("sc1", vnc=False, more="maxvcpus = 2\n"))
    hv.hv("new", "sc1")
    _start(hv, "sc1")
    assert ask(hv, "sc1", CPUS) == "1"

    out = hv.hv("vcpu-set", "--json", "--live", "sc1", "2").json()
    assert (out["present"], out["scope"]) == (2, ["live"])
    hv.wait_for(lambda: ask(hv, "sc1", CPUS) == "2", timeout=30, what="the guest sees 2 vCPUs")
    hv.hv("destroy", "sc1")  # managed: back to its definition, which --live left alone
    assert hv.domain("sc1")["state"] == "inactive" and hv.domain("sc1")["vcpus"] == 1
    _start(hv, "sc1")
    assert ask(hv, "sc1", CPUS) == "1"

    out = hv.hv("vcpu-set", "--json", "--config", "sc1", "2").json()
    assert out["scope"] == ["config"] and "present" not in out
    assert ask(hv, "sc1", CPUS) == "1"  # the running guest is unchanged
    hv.hv("destroy", "sc1")
    assert hv.domain("sc1")["vcpus"] == 2
    _start(hv, "sc1")
    assert ask(hv, "sc1", CPUS) == "2"  # booted with the definition's vCPUs
    hv.hv("destroy", "sc1")

    bad = hv.hv("vcpu-set", "--live", "sc1", "1", check=False)
    assert bad.returncode != 0 and "vcpu-set --live: domain 'sc1' is not running (inactive)" in bad.stderr
    hv.hv("delete", "sc1")
