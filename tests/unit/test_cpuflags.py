"""viridian, cpuid, nestedhvm: xm/xl syntax to QEMU -cpu flags (golden argv for each), what
TCG leaves out said in one line, and mistakes refused with the key's line."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.cpuflags import parse_cpuid, parse_viridian
from hvmctl.config.writer import write_xl, write_xm
from hvmctl.devices import cpu
from hvmctl.errors import ConfigError
from hvmctl.qemu.accel import nested_flag
from hvmctl.qemu.argv import HostFacts, LaunchPlan, build_argv
from tests.unit import crashkit as ck

GOLDEN = Path(__file__).parent / "golden" / "argv"
BASE = 'name = "{name}"\nuuid = "6f1c2a3b-0000-4000-8000-00000000eeee"\ntype = "hvm"\nmemory = 512\n' \
       'disk = ["file:/srv/win11.img,hda,w"]\nvnc = 0\n'

CASES = {
    "viridian-kvm": ('viridian = 1\n', HostFacts(accel="kvm")),
    "viridian-tcg": ('viridian = ["defaults", "stimer"]\n', HostFacts(accel="tcg")),
    "cpuid-xl": ('cpuid = "host,aes=0,sse3=1,x2apic=0,tm=x"\n', HostFacts(accel="tcg")),
    "cpuid-xm": ('cpuid = ["0x00000001:ecx=xxxxxx0xxxxxxxxxxxxxxxxxxxxxxxx1,edx=xxxx1xxxxxxxxxxxxxxxxxxxxxxxxxxx"]\n',
                 HostFacts(accel="tcg")),
    "nestedhvm-kvm": ('nestedhvm = 1\n', HostFacts(accel="kvm", nested="vmx")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cpu_keys_golden_argv(case: str) -> None:
    more, facts = CASES[case]
    loaded = parse_profile(BASE.format(name=case) + more, filename=f"/etc/xen/{case}")
    assert not [w for w in loaded.warnings if w.key in ("viridian", "nestedhvm")]
    argv = build_argv(loaded.config, facts, LaunchPlan(domid=5, run_dir=PurePath("/run/hvmctl/dom/6f1c2a3b"),
                                                       log_dir=PurePath("/var/log/hvmctl"), name=case))
    text = "\n".join(argv) + "\n"
    golden = GOLDEN / f"{case}.txt"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"argv for {case} changed; HVMCTL_UPDATE_GOLDEN=1 to accept"


def test_cpu_models() -> None:
    def model(more: str, facts: HostFacts) -> str:
        cfg = parse_profile(BASE.format(name="m") + more, filename="/etc/xen/m").config
        return cpu.model(cfg, facts.accel, facts.nested)

    kvm = HostFacts(accel="kvm", nested="svm")
    assert model("viridian = 1\n", kvm) == \
        "qemu64,hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-frequencies,hv-time,hv-crash"
    assert model('viridian = ["stimer"]\n', kvm) == "qemu64,hv-vpindex,hv-synic,hv-time,hv-stimer"
    assert model("viridian = 1\n", HostFacts()) == "qemu64"  # TCG: left out (and said so)
    assert model("nestedhvm = 1\n", kvm) == "qemu64,+svm"
    assert model("nestedhvm = 1\n", HostFacts(accel="kvm")) == "qemu64"  # the host does not nest
    assert model('cpuid = "host,sse4_1=1,aes=0"\npae = 0\n', HostFacts()) == "qemu64,-pae,+sse4.1,-aes"


def test_left_out_notes() -> None:
    cfg = parse_profile(BASE.format(name="n") + "viridian = 1\nnestedhvm = 1\n", filename="/etc/xen/n").config
    assert cpu.left_out(cfg, "tcg") == [
        "viridian: Hyper-V enlightenments need KVM; left out under TCG: hv-relaxed hv-vapic hv-spinlocks=0x1fff "
        "hv-frequencies hv-time hv-crash",
        "nestedhvm: no VMX/SVM for the guest (under TCG); left out",
    ]
    assert cpu.left_out(cfg, "kvm", "vmx") == []
    assert cpu.left_out(cfg, "kvm", None) == ["nestedhvm: no VMX/SVM for the guest (the host's KVM module does "
                                              "not nest); left out"]


def test_viridian_groups() -> None:
    assert parse_viridian(0) == ()
    assert parse_viridian(["all", "!cpu_hotplug", "!stimer"])[-1] == "no_vp_limit"
    assert parse_viridian(["defaults", "!crash_ctl"]) == ("base", "freq", "time_ref_count", "apic_assist")


def test_cpuid_forms_and_notes() -> None:
    assert parse_cpuid("host,aes=1,aes=0") == (("-aes",), [])
    flags, notes = parse_cpuid(["0x00000007:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1"])
    assert flags == () and notes == ["0x7:ebx bit 0: no QEMU flag; left out"]
    loaded = parse_profile(BASE.format(name="w") + 'cpuid = "host,tm=k"\n', filename="/etc/xen/w")
    assert [str(w) for w in loaded.warnings if w.key == "cpuid"] == [
        "/etc/xen/w:7: warning: cpuid: tm=k: QEMU's default kept (no per-bit policy)"]


@pytest.mark.parametrize("more,message", [
    ('viridian = ["base", "turbo"]\n', r"/etc/xen/b:7: viridian: expected viridian groups: .*; got 'turbo'"),
    ('cpuid = "host,aes"\n', r"/etc/xen/b:7: cpuid: expected FEATURE=0\|1 \(or x, k, s\); got 'aes'"),
    ('cpuid = ["0x1:ecx=01"]\n', r"cpuid: expected REG=32 characters"),
    ("nestedhvm = 2\n", r"nestedhvm: expected a boolean"),
])
def test_cpu_key_mistakes(more: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_profile(BASE.format(name="b") + more, filename="/etc/xen/b")


@pytest.mark.parametrize("writer", [write_xm, write_xl])
def test_writers_give_cpu_keys_back(writer: object) -> None:
    more = 'viridian = ["base", "stimer"]\ncpuid = "host,aes=0,sse3=1"\nnestedhvm = 1\n'
    cfg = parse_profile(BASE.format(name="r") + more, filename="/etc/xen/r").config
    again = parse_profile(writer(cfg), filename="/etc/xen/r").config  # type: ignore[operator]
    assert (again.viridian, again.cpuid, again.nestedhvm) == (("base", "stimer"), ("-aes", "+pni"), True)
    assert again.to_dict() == cfg.to_dict() | {"source": again.source, "key_lines": again.key_lines}


def test_nested_flag_reads_the_kvm_module(tmp_path: Path) -> None:
    assert nested_flag(str(tmp_path)) is None
    (tmp_path / "kvm_amd" / "parameters").mkdir(parents=True)
    (tmp_path / "kvm_amd" / "parameters" / "nested").write_text("1\n")
    assert nested_flag(str(tmp_path)) == "svm"


def test_dry_run_says_what_tcg_leaves_out(tmp_path: Path) -> None:
    async def main() -> None:
        daemon = ck.new_daemon(tmp_path, ck.FakeWorld())
        await daemon.start()
        result = await daemon.create(ck.profile(more="viridian = 1\n"), filename="/etc/xen/demo", overrides=[],
                                     dry_run=True)
        assert any(a.startswith("qemu64") and "hv-" not in a for a in result["argv"])
        assert result["notes"] == ["viridian: Hyper-V enlightenments need KVM; left out under TCG: hv-relaxed "
                                   "hv-vapic hv-spinlocks=0x1fff hv-frequencies hv-time hv-crash"]

    asyncio.run(main())
