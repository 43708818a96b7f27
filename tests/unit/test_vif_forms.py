"""vif forms as xend 3.x and xl read them (type=, vifname=, backend=, Open vSwitch bridges
with VLAN tags and trunks), profile-wide forms (duplicate keys, no name, a string where a
list belongs, a disk with no mode), each down to the argv or the host command it gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.model import DomainConfig, VifSpec
from hvmctl.config.specs import ovs_bridge
from hvmctl.daemon.domain import Domain, Runtime
from hvmctl.daemon.registry import LocalRegistry, claim_for_config, tap_claim
from hvmctl.daemon.service import Daemon
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConfigError, ConflictError, HostError, NotFoundError
from hvmctl.network import ovs
from hvmctl.network.nat import plan_vif
from hvmctl.paths import Paths
from hvmctl.qemu.argv import HostFacts, LaunchPlan, NicPlan, build_argv

HVM = 'builder = "hvm"\nname = "vm"\n'
XL = 'type = "hvm"\nname = "vm"\n'
FACTS = HostFacts(accel="tcg", qemu_binary="qemu-system-x86_64")


def load(text: str, filename: str = "/etc/xen/vm") -> tuple[DomainConfig, list[str]]:
    loaded = parse_profile(text, filename=filename, default_name="vm")
    return loaded.config, [str(w) for w in loaded.warnings]


def nic_devices(cfg: DomainConfig, *, ovs_bridges: frozenset[str] | None = None) -> list[str]:
    """The -device of every NIC, planned as the daemon plans them (xenbr0 exists)."""
    nics = []
    for i, vif in enumerate(cfg.vifs):
        plan = plan_vif(vif, i, 7, {"xenbr0"}.__contains__, mac=f"00:16:3e:00:00:{i:02x}", ovs_bridges=ovs_bridges)
        nics.append(NicPlan(i, plan.mac or "", plan.model, plan.kind, plan.tap))
    argv = build_argv(cfg, FACTS, LaunchPlan(domid=7, run_dir=PurePath("/run/hvmctl/dom/x"), nics=tuple(nics)))
    return [argv[i + 1] for i, a in enumerate(argv) if a == "-device" and "netdev=net" in argv[i + 1]]


# ---------------------------------------------------------------------------------------------
# type=


def test_type_ioemu_and_no_type_are_the_emulated_nic() -> None:
    cfg, _ = load(HVM + "vif = ['bridge=xenbr0', 'type=ioemu, model=e1000']\n")
    devices = nic_devices(cfg)
    assert devices[0].startswith("rtl8139,") and devices[1].startswith("e1000,")


@pytest.mark.parametrize("text", [HVM + "vif = ['type=netfront, bridge=xenbr0']\n",
                                  XL + "vif = ['type=vif, bridge=xenbr0']\n"])
def test_a_paravirtual_only_nic_is_virtio_net(text: str) -> None:
    cfg, warnings = load(text)
    assert nic_devices(cfg)[0].startswith("virtio-net-pci,netdev=net0,mac=00:16:3e:00:00:00")
    assert warnings == []


def test_model_of_a_paravirtual_only_nic_is_ignored_with_a_note() -> None:
    cfg, warnings = load(HVM + "vif = ['type=netfront, model=e1000']\n")
    assert cfg.vifs[0].model is None and cfg.vifs[0].nic_model == "virtio"
    assert warnings == ["/etc/xen/vm:3: warning: vif: vif option model='e1000' ignored: type=netfront is a "
                        "paravirtual-only NIC (virtio-net under QEMU)"]


def test_xl_refuses_netfront_as_xl_does() -> None:
    with pytest.raises(ConfigError, match=r"^/etc/xen/vm:3: vif: expected type=ioemu or type=vif"):
        load(XL + "vif = ['type=netfront']\n")


def test_model_virtio_net_pci_is_virtio_net() -> None:
    cfg, _ = load(XL + "vif = ['model=virtio-net-pci']\n")
    assert cfg.vifs[0].model == "virtio"
    assert nic_devices(cfg)[0].startswith("virtio-net-pci,")


# ---------------------------------------------------------------------------------------------
# vifname= and backend=


def test_vifname_names_the_tap() -> None:
    cfg, _ = load(HVM + "vif = ['vifname=web0.eth']\n")
    assert plan_vif(cfg.vifs[0], 0, 7, {"xenbr0"}.__contains__).tap == "web0.eth"


@pytest.mark.parametrize("vifname,why", [
    ("a" * 16, "1-15 letters"),
    ("web eth", "1-15 letters"),
    ("web/0", "1-15 letters"),
    ("vif3.0", "not of the form vifDOMID.N"),
])
def test_bad_vifnames_are_refused_with_file_and_line(vifname: str, why: str) -> None:
    with pytest.raises(ConfigError, match=rf"^/etc/xen/vm:4: vif: expected .*{why}"):
        load(HVM + f"memory = 64\nvif = ['vifname={vifname}']\n")


def test_the_same_vifname_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="expected each vifname once; got 'w0' again"):
        load(HVM + "vif = ['vifname=w0',\n       'vifname=w0']\n")


def _daemon(tmp: Path) -> Daemon:
    paths = Paths(state_dir=tmp / "state", run_dir=tmp / "run", socket=tmp / "run" / "api.sock",
                  log_dir=tmp / "log", profile_dir=tmp / "xen", qemu="/bin/false")
    return Daemon(paths, accel="tcg")


def test_a_vifname_another_guest_holds_is_a_conflict(tmp_path: Path) -> None:
    daemon = _daemon(tmp_path)
    web = Domain(daemon, DomainConfig(name="web", uuid="aaaaaaaa-0000-4000-8000-000000000001",
                                      vifs=(VifSpec(vifname="web0"), VifSpec())))
    web.state = DomainState.RUNNING
    web.runtime = Runtime(domid=3, run_dir="/nonexistent", argv=[],
                          nics=[{"index": 0, "tap": "web0"}, {"index": 1, "tap": "vif3.1"}])
    daemon.domains[web.uuid] = web
    reg = LocalRegistry(lambda: daemon.domains.values())
    cfg, _ = load(HVM + "vif = ['vifname=web0']\n")
    with pytest.raises(ConflictError, match=r"vifname web0 is already the host tap of a NIC of domain 'web' "
                                            r"\(/etc/xen/vm\)"):
        reg.check(claim_for_config(cfg))
    assert reg.conflicts(tap_claim(["vif3.1"])) == ["vifname vif3.1 is already the host tap of a NIC of domain 'web'"]
    assert reg.conflicts(tap_claim(["web1"])) == []
    assert reg.conflicts(tap_claim(["web0"]), exclude=web.uuid) == []


@pytest.mark.parametrize("backend", ["0", "Domain-0"])
def test_backend_domain_0_is_accepted(backend: str) -> None:
    assert load(HVM + f"vif = ['backend={backend}']\n")[0].vifs[0].backend == backend


@pytest.mark.parametrize("backend", ["1", "netdom", "dom0x"])
def test_another_backend_domain_is_refused_with_file_and_line(backend: str) -> None:
    with pytest.raises(ConfigError, match=rf"^/etc/xen/vm:4: vif: expected backend=0 or Domain-0 .*got '{backend}'"):
        load(HVM + f"memory = 64\nvif = ['backend={backend}']\n")


# ---------------------------------------------------------------------------------------------
# Open vSwitch


@pytest.mark.parametrize("bridge,parts", [
    ("ovsbr0.10", ("ovsbr0", 10, ())),
    ("ovsbr0.10:20:30", ("ovsbr0", 10, (20, 30))),
    ("ovsbr0:42:43", ("ovsbr0", None, (42, 43))),
    ("xenbr0", None),
])
def test_ovs_bridge_forms_split_as_vif_openvswitch_does(bridge: str, parts: object) -> None:
    assert ovs_bridge(bridge) == parts
    if parts is not None:
        assert load(HVM + f"vif = ['bridge={bridge}']\n")[0].vifs[0].bridge == bridge


@pytest.mark.parametrize("bridge", ["ovsbr0:x", "ovs br0.1", "ovsbr0.0:5", "ovsbr0:5000"])
def test_bad_ovs_forms_are_refused(bridge: str) -> None:
    with pytest.raises(ConfigError, match=r"^/etc/xen/vm:3: vif: expected (a bridge name|VLAN numbers)"):
        load(HVM + f"vif = ['bridge={bridge}']\n")


def test_a_vlan_tagged_ovs_bridge_plans_a_port() -> None:
    vif = VifSpec(bridge="ovsbr0.10:20:30")
    plan = plan_vif(vif, 1, 7, set().__contains__, mac="00:16:3e:00:00:01", ovs_bridges=frozenset({"ovsbr0"}))
    assert (plan.kind, plan.tap, plan.bridge) == ("bridge", "vif7.1", "ovsbr0")
    assert plan.ovs == ovs.OvsPort("ovsbr0", 10, (20, 30))
    assert plan.note == "vif 1: vif7.1 on Open vSwitch bridge ovsbr0 tag 10 trunks 20,30"
    assert plan.to_dict()["ovs"] == {"bridge": "ovsbr0", "tag": 10, "trunks": [20, 30]}
    plain = plan_vif(VifSpec(bridge="ovsbr1"), 0, 7, set().__contains__, ovs_bridges=frozenset({"ovsbr1"}))
    assert plain.ovs == ovs.OvsPort("ovsbr1") and plain.kind == "bridge"


def test_a_linux_bridge_of_that_name_wins_over_ovs() -> None:
    plan = plan_vif(VifSpec(bridge="br0.10"), 0, 7, {"br0.10"}.__contains__, ovs_bridges=frozenset({"br0"}))
    assert plan.ovs is None and plan.bridge == "br0.10"


def test_a_vlan_without_open_vswitch_is_a_clear_error_not_nat() -> None:
    with pytest.raises(HostError, match=r"bridge ovsbr0.10: an Open vSwitch bridge .*\(no ovs-vsctl on PATH"):
        plan_vif(VifSpec(bridge="ovsbr0.10"), 0, 7, set().__contains__, ovs_bridges=None)
    with pytest.raises(NotFoundError, match="Open vSwitch has no bridge ovsbr0"):
        plan_vif(VifSpec(bridge="ovsbr0:5"), 0, 7, set().__contains__, ovs_bridges=frozenset({"other"}))
    # a plain name OVS does not have either: user-mode NAT, as before
    assert plan_vif(VifSpec(bridge="xenbr9"), 0, 7, set().__contains__, ovs_bridges=None).kind == "user"


@pytest.fixture
def fake_ovs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ovs-vsctl on PATH that logs its argv, one line per call, and knows ovsbr0."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "ovs.log"
    script = bindir / "ovs-vsctl"
    script.write_text(f'#!/bin/sh\necho "$*" >> {log}\n'
                      'case "$*" in *list-br*) echo ovsbr0 ;; *add-port*bad*) echo "no such bridge" >&2; exit 1 ;; esac\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ.get('PATH', '')}")
    return log


def test_the_tap_is_added_with_ovs_vsctl(fake_ovs: Path) -> None:
    assert ovs.list_bridges() == frozenset({"ovsbr0"})
    ovs.add_port(ovs.OvsPort("ovsbr0", 10, (20, 30)), "vif7.1")
    ovs.add_port(ovs.OvsPort("ovsbr0"), "vif7.2")
    ovs.del_port("vif7.1")
    assert fake_ovs.read_text().splitlines() == [
        "--timeout=5 list-br",
        "--timeout=30 -- --if-exists del-port vif7.1 -- add-port ovsbr0 vif7.1 tag=10 trunks=20,30",
        "--timeout=30 -- --if-exists del-port vif7.2 -- add-port ovsbr0 vif7.2",
        "--timeout=30 --if-exists del-port vif7.1",
    ]


def test_an_ovs_vsctl_failure_names_its_last_line(fake_ovs: Path) -> None:
    with pytest.raises(HostError, match="^tap vif7.1 on Open vSwitch bridge bad: ovs-vsctl: no such bridge$"):
        ovs.add_port(ovs.OvsPort("bad"), "vif7.1")


def test_no_ovs_vsctl_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ovs.list_bridges() is None
    with pytest.raises(HostError, match="Open vSwitch is not installed"):
        ovs.add_port(ovs.OvsPort("ovsbr0", 10), "vif7.1")


# ---------------------------------------------------------------------------------------------
# profile-wide forms


def test_a_key_set_twice_warns_with_both_lines_and_the_last_wins() -> None:
    cfg, warnings = load(HVM + "memory = 64\nname = 'web'\n")
    assert cfg.name == "web"
    assert warnings == ["/etc/xen/vm:4: warning: name: set again (also at /etc/xen/vm:2); the last one wins, as under xm"]


def test_building_on_a_key_is_not_setting_it_twice() -> None:
    _, warnings = load(HVM + "disk = ['file:/a,hda,w']\ndisk += ['file:/b,hdb,w']\nextra = 'a'\n"
                       "extra = extra + ' b'\nif 0:\n    memory = 1\nmemory = 64\n")
    assert warnings == []


def test_a_profile_with_no_name_says_which_name_it_took() -> None:
    loaded = parse_profile('builder = "hvm"\n', filename="/etc/xen/web.cfg", default_name="web.cfg")
    assert loaded.config.name == "web.cfg"
    assert [str(w) for w in loaded.warnings] == [
        "/etc/xen/web.cfg: note: name: no name in the profile; the domain is named 'web.cfg', after its file name"]


@pytest.mark.parametrize("key,value", [("vif", "bridge=xenbr0"), ("disk", "file:/a,hda,w")])
def test_a_single_string_where_a_list_belongs_is_refused(key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"^/etc/xen/vm:3: {key}: expected a list, {key} = \[.*\]; got a single "
                                          rf"string '{value}' \(xm fails on it, xl ignores it\)"):
        load(HVM + f"{key} = '{value}'\n")


def test_on_the_command_line_a_string_is_one_entry() -> None:
    loaded = parse_profile(HVM, filename="/etc/xen/vm", overrides=["vif=bridge=xenbr0"])
    assert loaded.config.vifs == (VifSpec(bridge="xenbr0"),)


def test_a_disk_with_no_mode_follows_the_profile_s_tool() -> None:
    with pytest.raises(ConfigError, match=r"^/etc/xen/vm:3: disk: expected a mode after the device.*xm refuses"):
        load(HVM + "disk = ['file:/img/a.raw,hda']\n")
    cfg, _ = load(XL + "disk = ['file:/img/a.raw,hda']\n")  # xl: access defaults to rw
    assert (cfg.disks[0].target, cfg.disks[0].mode) == ("/img/a.raw", "w")
