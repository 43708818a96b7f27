"""NetworkManager without root or QEMU: netlink calls and QMP are replaced by recorders, so
these tests pin the decisions (NAT or bridge, MAC keys, what a restart keeps, what is
cleaned up, which QMP commands a hotplug sends) rather than the kernel's behaviour."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hvmctl.config.model import DomainConfig, VifSpec
from hvmctl.daemon import netmgr as nm
from hvmctl.daemon.netmgr import (
    NetworkManager,
    NetworkSettings,
    format_nic_list,
    mac_key,
    parse_attach_words,
)
from hvmctl.daemon.state import DomainState, check_action
from hvmctl.errors import ConfigError, ConflictError, HostError, NotFoundError, QemuError, TimeoutError_
from hvmctl.network.bridge import BridgeInfo
from hvmctl.paths import Paths

UUID_A = "aaaaaaaa-0000-4000-8000-000000000001"
UUID_B = "bbbbbbbb-0000-4000-8000-000000000002"


# ---- fakes -----------------------------------------------------------------------------------
@dataclass
class FakeRuntime:
    domid: int
    nics: list[dict[str, Any]] = field(default_factory=list)


class FakeHost:
    def __init__(self) -> None:
        self.persisted = 0

    def persist(self, dom: Any) -> None:
        self.persisted += 1


class _FakeMonitor:
    """Only the fd passing: what was sent (the fd's target; the caller closes its fd)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_fd(self, fd: int) -> None:
        self.sent.append(os.readlink(f"/proc/self/fd/{fd}"))


class _FakeDomain:
    """The parts of Domain the network manager uses."""

    def __init__(self, name: str, uuid: str, vifs: tuple[VifSpec, ...] = (), domid: int | None = None) -> None:
        self.config = DomainConfig(name=name, uuid=uuid, vifs=vifs)
        self.runtime = FakeRuntime(domid) if domid is not None else None
        self.process: object | None = object() if domid is not None else None
        self.monitor: _FakeMonitor | None = _FakeMonitor() if domid is not None else None
        self.state = DomainState.RUNNING
        self.lock = asyncio.Lock()
        self.host = FakeHost()
        self.qmp_log: list[tuple[str, dict[str, Any] | None]] = []
        self.pci: set[str] = set()
        self.release_after_polls: int | None = 1  # query-pci answers before the guest lets a device go
        self.fail: dict[str, QemuError] = {}

    name = property(lambda self: self.config.name)
    uuid = property(lambda self: self.config.uuid)
    domid = property(lambda self: self.runtime.domid if self.runtime else None)

    def require(self, action: str) -> None:
        check_action(self.name, self.state, action)

    async def pass_fd(self, fd: int, command: str, args: dict[str, Any], timeout: float = 30.0) -> Any:
        assert self.monitor is not None
        self.monitor.send_fd(fd)
        return await self.qmp(command, args, timeout)

    async def qmp(self, command: str, args: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        self.qmp_log.append((command, args))
        if command in self.fail:
            raise self.fail[command]
        if command == "device_add":
            assert args is not None
            self.pci.add(args["id"])
        elif command == "device_del":
            assert args is not None
            self.deleting = args["id"]
        elif command == "query-pci":
            if getattr(self, "deleting", None) and self.release_after_polls is not None:
                self.release_after_polls -= 1
                if self.release_after_polls <= 0:
                    self.pci.discard(self.deleting)
            return [{"bus": 0, "devices": [{"qdev_id": i} for i in sorted(self.pci)]}]
        elif command == "human-monitor-command":
            return ""
        return {}


def FakeDomain(name: str, uuid: str, vifs: tuple[VifSpec, ...] = (), domid: int | None = None) -> Any:
    """A _FakeDomain, typed Any: it stands where the code expects a Domain."""
    return _FakeDomain(name, uuid, vifs, domid)


class FakeNetlink:
    """Stands in for hvmctl.network.{bridge,taps,vifscript}: records what would be done."""

    def __init__(self, bridges: tuple[str, ...] = ("xenbr0",)) -> None:
        self.bridges = list(bridges)
        self.taps: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[Any, ...]] = []
        self.carrier: set[str] = set()
        self.script_fails = False
        self.listed = 0  # tap listings asked of netlink

    def install(self, monkeypatch: pytest.MonkeyPatch) -> "FakeNetlink":
        import hvmctl.network.bridge as bridge
        import hvmctl.network.taps as taps
        import hvmctl.network.vifscript as vifscript

        monkeypatch.setattr(bridge, "list_bridges", lambda **kw: [BridgeInfo(b, "8000.0", False, ()) for b in self.bridges])
        monkeypatch.setattr(taps, "tap_info", lambda name, **kw: self.taps.get(name))
        monkeypatch.setattr(taps, "tap_carriers", self._carriers)
        monkeypatch.setattr(nm, "_interface_names", lambda: ["lo", *self.taps])  # /proc/net/dev
        monkeypatch.setattr(taps, "create_tap", self._create)
        monkeypatch.setattr(taps, "delete_tap", self._delete)
        monkeypatch.setattr(vifscript, "run_vif_script", self._script)
        monkeypatch.setattr(taps, "open_tap", self._open)
        return self

    def _open(self, name: str) -> int:
        """A tap the daemon opens for QEMU: one it made (a /dev/null fd stands for it)."""
        if name not in self.taps:
            raise NotFoundError(f"tap {name} does not exist")
        self.calls.append(("open", name))
        return os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)

    def _carriers(self, *, prefix: str | None = "vif", netns: str | None = None) -> dict[str, bool]:
        self.listed += 1
        return {n: n in self.carrier for n in self.taps if prefix is None or n.startswith(prefix)}

    def _create(self, name: str, **kw: Any) -> None:
        self.calls.append(("create", name, kw.get("bridge"), kw.get("guest_mac"), kw.get("rate")))
        self.taps[name] = kw

    def _delete(self, name: str, **kw: Any) -> bool:
        self.calls.append(("delete", name))
        return self.taps.pop(name, None) is not None

    def _script(self, script: str | None, action: str, **kw: Any) -> None:
        if script is None:
            return
        self.calls.append(("script", script, action, kw["vif"], kw["bridge"]))
        if self.script_fails and action == "add":
            raise HostError(f"vif script {script} add ({kw['vif']}) failed with exit code 1: boom")


def manager(tmp_path: Path, **settings: Any) -> NetworkManager:
    paths = Paths(tmp_path / "state", tmp_path / "run", tmp_path / "sock", tmp_path / "log", tmp_path / "xen", "qemu")
    return NetworkManager(paths, NetworkSettings(**settings))


def run(coro: Any) -> Any:
    return asyncio.run(coro)


# ---- settings and parsing -------------------------------------------------------------------
def test_settings_from_env() -> None:
    s = NetworkSettings.from_env({"HVMCTL_NETWORK_SCRIPT": "my-network-script", "HVMCTL_SCRIPTS_DIR": "/x"})
    assert (s.network_script, s.scripts_dir, s.nat_fallback) == ("my-network-script", Path("/x"), False)
    s = NetworkSettings.from_env({})
    assert (s.network_script, s.scripts_dir, s.nat_fallback) == (None, Path("/etc/xen/scripts"), True)


def test_mac_key_is_the_uuid_only_when_recorded_under_it() -> None:
    assert mac_key("web", UUID_A, [UUID_A]) == UUID_A
    assert mac_key("web", UUID_A, []) == "name:web"


def test_parse_attach_words() -> None:
    vif, fwd = parse_attach_words(["bridge=xenbr1", "model=e1000", "mac=00:16:3E:00:00:01", "hostfwd=tcp::2222-:22"])
    assert (vif.bridge, vif.model, vif.mac) == ("xenbr1", "e1000", "00:16:3e:00:00:01")
    assert fwd == ("tcp:127.0.0.1:2222-:22",)
    assert parse_attach_words([]) == (VifSpec(), ())
    with pytest.raises(ConfigError, match="expected key=value"):
        parse_attach_words(["xenbr0"])
    with pytest.raises(ConfigError, match="NIC model"):
        parse_attach_words(["model=nosuch"])
    with pytest.raises(ConfigError, match="one key=value per argument"):
        parse_attach_words(["bridge=a,model=e1000"])
    with pytest.raises(ConfigError, match="backend=0"):
        parse_attach_words(["backend=3"])
    with pytest.raises(ConfigError, match="hostfwd"):
        parse_attach_words(["hostfwd=tcp:2222"])


def test_format_nic_list() -> None:
    text = format_nic_list([
        {"index": 0, "mac": "00:16:3e:00:00:01", "model": "virtio", "kind": "bridge", "tap": "vif3.0",
         "bridge": "xenbr0", "ip": "192.0.2.5"},
        {"index": 1, "mac": "00:16:3e:00:00:02", "model": "e1000", "kind": "user", "tap": None, "bridge": None},
    ]).splitlines()
    assert text[0].split() == ["Idx", "BE", "MAC", "Addr.", "Model", "Kind", "Interface", "Bridge", "IP"]
    assert text[1].split() == ["0", "0", "00:16:3e:00:00:01", "virtio", "bridge", "vif3.0", "xenbr0", "192.0.2.5"]
    assert text[2].split() == ["1", "0", "00:16:3e:00:00:02", "e1000", "user", "-", "(NAT)", "-"]


# ---- MACs -----------------------------------------------------------------------------------
def test_macs_kept_by_name_without_uuid_and_by_uuid_with_one(tmp_path: Path) -> None:
    mgr = manager(tmp_path)
    two = (VifSpec(), VifSpec(mac="00:16:3e:01:02:03"))
    first = mgr.assign_macs(DomainConfig(name="web", uuid=UUID_A, vifs=two), keyed_by_uuid=False, known=[])
    # no uuid in the profile: the next create has another UUID, and the same MACs
    again = mgr.assign_macs(DomainConfig(name="web", uuid=UUID_B, vifs=two), keyed_by_uuid=False, known=[])
    assert [v.mac for v in again.vifs] == [v.mac for v in first.vifs]
    assert first.vifs[1].mac == "00:16:3e:01:02:03" and str(first.vifs[0].mac).startswith("00:16:3e:")
    # with a uuid: keyed by it, so a renamed profile keeps its MACs
    u1 = mgr.assign_macs(DomainConfig(name="db", uuid=UUID_A, vifs=(VifSpec(),)), keyed_by_uuid=True, known=[])
    u2 = mgr.assign_macs(DomainConfig(name="db2", uuid=UUID_A, vifs=(VifSpec(),)), keyed_by_uuid=True, known=[])
    assert u1.vifs[0].mac == u2.vifs[0].mac != first.vifs[0].mac
    # a registry entry exists even with no vifs, so hotplugged NICs are keyed alike
    mgr.assign_macs(DomainConfig(name="novif", uuid=UUID_B, vifs=()), keyed_by_uuid=True, known=[])
    assert mgr.key_of(FakeDomain("novif", UUID_B)) == UUID_B
    assert mgr.key_of(FakeDomain("other", "cccccccc-0000-4000-8000-000000000003")) == "name:other"


def test_requested_mac_refused_while_its_holder_exists_taken_over_after(tmp_path: Path) -> None:
    mgr = manager(tmp_path)
    a = mgr.assign_macs(DomainConfig(name="a", uuid=UUID_A, vifs=(VifSpec(),)), keyed_by_uuid=False, known=[])
    mac = a.vifs[0].mac
    holder = FakeDomain("a", UUID_A, a.vifs, domid=1)
    want = DomainConfig(name="b", uuid=UUID_B, vifs=(VifSpec(mac=mac),))
    with pytest.raises(ConflictError, match=rf"mac {mac} is already used by domain 'a' \(vif 0\)"):
        mgr.assign_macs(want, keyed_by_uuid=False, known=[holder])
    # the same profile again while it runs: a name clash for the daemon to report, not a MAC one
    same = mgr.assign_macs(DomainConfig(name="a", uuid=UUID_B, vifs=(VifSpec(mac=mac),)), keyed_by_uuid=False,
                           known=[holder])
    assert same.vifs[0].mac == mac
    b = mgr.assign_macs(want, keyed_by_uuid=False, known=[])  # a is gone: b may have it
    assert b.vifs[0].mac == mac
    # and a, back, draws a new one rather than clashing with b
    a2 = mgr.assign_macs(DomainConfig(name="a", uuid=UUID_A, vifs=(VifSpec(),)), keyed_by_uuid=False, known=[])
    assert a2.vifs[0].mac != mac


# ---- launch: NAT or bridge, taps, scripts, cleanup ---------------------------------------------
def test_plan_bridge_and_nat_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = FakeNetlink(bridges=("xenbr0",)).install(monkeypatch)
    mgr = manager(tmp_path)
    vifs = (VifSpec(mac="00:16:3e:00:00:01", script="vif-log", rate="10Mb/s", model="virtio"),
            VifSpec(mac="00:16:3e:00:00:02", bridge="xenbr9"))
    dom = FakeDomain("g", UUID_A, vifs)
    plans = run(mgr.plan_nics(dom, 7))
    assert [(p.index, p.kind, p.tap, p.mac, p.model) for p in plans] == [
        (0, "bridge", "vif7.0", "00:16:3e:00:00:01", "virtio"), (1, "user", None, "00:16:3e:00:00:02", "rtl8139")]
    assert net.calls == [("create", "vif7.0", "xenbr0", "00:16:3e:00:00:01", "10Mb/s"),
                         ("script", "vif-log", "add", "vif7.0", "xenbr0")]
    dom.runtime = FakeRuntime(7, [{"index": p.index, "tap": p.tap, "mac": p.mac} for p in plans])
    assert mgr.notes(dom) == [
        "vif 0: vif7.0 on bridge xenbr0, mac 00:16:3e:00:00:01 (virtio)",
        "vif 1: bridge xenbr9 not found; using user-mode NAT (10.0.2.15), mac 00:16:3e:00:00:02 (rtl8139)",
    ]
    ledger = json.loads(mgr.ledger_path.read_text())["incarnations"]
    assert [n["tap"] for n in ledger["7"]["nics"]] == ["vif7.0", None]
    run(mgr.release(dom))
    assert net.calls[-2:] == [("script", "vif-log", "remove", "vif7.0", "xenbr0"), ("delete", "vif7.0")]
    assert net.taps == {} and mgr.ledger() == {}
    run(mgr.release(dom))  # idempotent
    assert net.calls.count(("delete", "vif7.0")) == 1


def test_missing_bridge_is_an_error_when_a_network_script_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = FakeNetlink(bridges=("xenbr0",)).install(monkeypatch)
    mgr = manager(tmp_path, network_script="my-network-script")
    dom = FakeDomain("g", UUID_A, (VifSpec(mac="00:16:3e:00:00:01"), VifSpec(mac="00:16:3e:00:00:02", bridge="xenbr1")))
    with pytest.raises(NotFoundError, match="vif 1: bridge xenbr1 not found"):
        run(mgr.plan_nics(dom, 3))
    assert net.taps == {} and ("delete", "vif3.0") in net.calls and mgr.ledger() == {}


def test_failing_vif_script_removes_everything_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = FakeNetlink(bridges=("xenbr0",)).install(monkeypatch)
    net.script_fails = True
    mgr = manager(tmp_path)
    dom = FakeDomain("g", UUID_A, (VifSpec(mac="00:16:3e:00:00:01"), VifSpec(mac="00:16:3e:00:00:02", script="bad")))
    with pytest.raises(HostError, match="boom"):
        run(mgr.plan_nics(dom, 4))
    assert net.taps == {} and mgr.ledger() == {}
    # "remove" never runs for a tap whose "add" failed
    assert ("script", "bad", "remove", "vif4.1", "xenbr0") not in net.calls


def test_stale_tap_replaced_but_one_in_use_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = FakeNetlink().install(monkeypatch)
    mgr = manager(tmp_path)
    net.taps["web0"] = {}
    dom = FakeDomain("g", UUID_A, (VifSpec(mac="00:16:3e:00:00:01", vifname="web0"),))
    run(mgr.plan_nics(dom, 5))
    assert net.calls[:2] == [("delete", "web0"), ("create", "web0", "xenbr0", "00:16:3e:00:00:01", None)]
    net.carrier.add("web0")
    with pytest.raises(ConflictError, match="web0 exists and is in use"):
        run(mgr.plan_nics(FakeDomain("h", UUID_B, (VifSpec(mac="00:16:3e:00:00:09", vifname="web0"),)), 6))
    assert "web0" in net.taps  # the one in use was not touched


def test_release_undoes_a_launch_that_failed_after_planning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dom.runtime is still the previous incarnation when launch fails after plan_nics."""
    net = FakeNetlink().install(monkeypatch)
    mgr = manager(tmp_path)
    dom = FakeDomain("g", UUID_A, (VifSpec(mac="00:16:3e:00:00:01"),), domid=2)
    dom.runtime.nics = [{"index": 0, "tap": "vif2.0", "mac": "00:16:3e:00:00:01"}]
    run(mgr.plan_nics(dom, 3))
    assert "vif3.0" in net.taps
    run(mgr.release(dom))
    assert "vif3.0" not in net.taps and mgr.ledger() == {}


def test_restart_gets_the_nics_of_the_live_definition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The config is the live definition: vif 1 was detached (gone from it), vif 2 was
    hot-attached (in it, with its devid); NAT forwards come from the incarnation before."""
    FakeNetlink(bridges=()).install(monkeypatch)
    mgr = manager(tmp_path)
    vifs = (VifSpec(mac="00:16:3e:00:00:01", devid=0), VifSpec(mac="00:16:3e:00:00:03", model="e1000", devid=2))
    dom = FakeDomain("g", UUID_A, vifs, domid=2)
    dom.runtime.nics = [
        {"index": 0, "kind": "user", "mac": "00:16:3e:00:00:01", "hostfwd": ["tcp:127.0.0.1:2222-:22"]},
        {"index": 2, "kind": "user", "mac": "00:16:3e:00:00:03", "hotplug": True,
         "vif": {"model": "e1000"}, "hostfwd": []},
    ]
    plans = run(mgr.plan_nics(dom, 3))
    assert [(p.index, p.mac, p.model, p.hostfwd) for p in plans] == [
        (0, "00:16:3e:00:00:01", "rtl8139", ("tcp:127.0.0.1:2222-:22",)), (2, "00:16:3e:00:00:03", "e1000", ())]
    restored = FakeDomain("g", UUID_A, vifs)  # a restore or migration target: no runtime before
    assert [(p.index, p.model) for p in run(mgr.plan_nics(restored, 4))] == [(0, "rtl8139"), (2, "e1000")]


def test_reconcile_removes_what_no_live_qemu_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = FakeNetlink().install(monkeypatch)
    mgr = manager(tmp_path)
    live = FakeDomain("live", UUID_A, (VifSpec(mac="00:16:3e:00:00:01"),))
    dead = FakeDomain("dead", UUID_B, (VifSpec(mac="00:16:3e:00:00:02"),))
    run(mgr.plan_nics(live, 3))
    run(mgr.plan_nics(dead, 4))
    live.runtime, live.process = FakeRuntime(3), object()
    dead.runtime, dead.process = FakeRuntime(4), None  # its QEMU died while the daemon was away
    net.taps.update({"vif99.0": {}, "vif98.0": {}, "other0": {}})
    net.carrier.add("vif98.0")  # untracked but held open: someone else's, hands off
    removed = run(NetworkManager(mgr.paths, mgr.settings).reconcile([live, dead]))  # a new daemon
    assert sorted(removed) == ["vif4.0", "vif99.0"]
    assert sorted(net.taps) == ["other0", "vif3.0", "vif98.0"]
    assert list(mgr._load_ledger()) == ["3"]


def test_reconcile_asks_netlink_nothing_when_no_tap_of_ours_exists(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A host with no vif* interface: the start's reconcile neither lists taps nor (so) loads
    pyroute2; one vif* interface and it does."""
    net = FakeNetlink().install(monkeypatch)
    mgr = manager(tmp_path)
    net.taps.update({"tap0": {}})
    assert run(NetworkManager(mgr.paths, mgr.settings).reconcile([])) == []
    assert net.listed == 0
    net.taps.update({"vif7.0": {}})
    assert run(NetworkManager(mgr.paths, mgr.settings).reconcile([])) == ["vif7.0"]
    assert net.listed == 1


def test_interface_names_are_this_netns_interfaces() -> None:
    assert "lo" in nm._interface_names()


# ---- hotplug: the QMP conversation ---------------------------------------------------------------
def _running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[NetworkManager, Any, FakeNetlink]:
    net = FakeNetlink(bridges=("xenbr0", "xenbr1")).install(monkeypatch)
    mgr = manager(tmp_path)
    cfg = mgr.assign_macs(DomainConfig(name="g", uuid=UUID_A, vifs=(VifSpec(model="virtio"),)),
                          keyed_by_uuid=True, known=[])
    dom = FakeDomain("g", UUID_A, cfg.vifs)
    plans = run(mgr.plan_nics(dom, 5))
    dom.runtime = FakeRuntime(5, [vars(p) | {"hostfwd": list(p.hostfwd)} for p in plans])
    dom.process, dom.monitor = object(), _FakeMonitor()
    return mgr, dom, net


def test_attach_creates_tap_then_netdev_then_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr, dom, net = _running(tmp_path, monkeypatch)
    nic = run(mgr.attach(dom, ["bridge=xenbr1", "model=e1000"], [dom]))
    assert (nic["index"], nic["tap"], nic["bridge"], nic["hotplug"]) == (1, "vif5.1", "xenbr1", True)
    assert dom.qmp_log == [  # the tap opened by the daemon and passed (never by name)
        ("getfd", {"fdname": "hvmctl-tap1"}),
        ("netdev_add", {"id": "net1", "type": "tap", "fd": "hvmctl-tap1"}),
        ("device_add", {"driver": "e1000", "netdev": "net1", "mac": nic["mac"], "id": "nic1", "bus": "pci.0",
                        "addr": "0x4", "romfile": ""}),
    ]
    assert dom.monitor.sent == ["/dev/null"] and ("open", "vif5.1") in net.calls
    assert dom.runtime.nics[-1] == nic and dom.host.persisted == 1
    # the live definition has it, with the number, MAC and slot the hot-plug used
    live = dom.config.vifs[-1]
    assert (live.devid, live.mac, live.bridge, live.model) == (1, nic["mac"], "xenbr1", "e1000")
    assert dom.config.slots == {"nic0": 3, "nic1": 4}
    assert mgr.macs.get(UUID_A, 1) == nic["mac"]
    user = run(mgr.attach(dom, ["bridge=none0", "hostfwd=tcp::8080-:80"], [dom]))
    assert user["kind"] == "user" and dom.qmp_log[-2] == (
        "netdev_add", {"id": "net2", "type": "user", "hostfwd": [{"str": "tcp:127.0.0.1:8080-:80"}]})
    assert [n["index"] for n in mgr.nics(dom)] == [0, 1, 2]


def test_attach_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr, dom, net = _running(tmp_path, monkeypatch)
    dom.fail["device_add"] = QemuError("g: device_add: GenericError: no free slot")
    with pytest.raises(QemuError, match="no free slot"):
        run(mgr.attach(dom, ["bridge=xenbr1"], [dom]))
    assert dom.qmp_log[-1] == ("netdev_del", {"id": "net1"})
    assert sorted(net.taps) == ["vif5.0"] and len(dom.runtime.nics) == 1
    assert mgr.macs.get(UUID_A, 1) is None and [n["index"] for n in mgr.ledger()["5"]["nics"]] == [0]


def test_attach_refuses_duplicate_mac_and_wrong_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr, dom, _ = _running(tmp_path, monkeypatch)
    with pytest.raises(ConflictError, match="already used by domain 'g' \\(vif 0\\)"):
        run(mgr.attach(dom, [f"mac={dom.config.vifs[0].mac}"], [dom]))
    dom.state = DomainState.SHUTDOWN
    with pytest.raises(Exception, match="is shutdown; cannot hotplug"):
        run(mgr.attach(dom, [], [dom]))


def test_detach_waits_for_the_guest_then_removes_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr, dom, net = _running(tmp_path, monkeypatch)
    nic = run(mgr.attach(dom, ["bridge=xenbr1"], [dom]))
    dom.qmp_log.clear()
    dom.release_after_polls = 3
    run(mgr.detach(dom, nic["mac"].upper()))
    commands = [c for c, _ in dom.qmp_log]
    assert commands == ["device_del", "query-pci", "query-pci", "query-pci", "netdev_del"]
    assert "vif5.1" not in net.taps and [n["index"] for n in dom.runtime.nics] == [0]
    assert len(dom.config.vifs) == 1 and "nic1" not in dom.config.slots  # gone from the live definition
    assert mgr.macs.get(UUID_A, 1) is None  # a hotplugged NIC's MAC is released with it
    with pytest.raises(NotFoundError, match="no network device 1"):
        run(mgr.detach(dom, "1"))


def test_detach_timeout_and_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr, dom, net = _running(tmp_path, monkeypatch)
    run(mgr.attach(dom, ["bridge=xenbr1"], [dom]))
    dom.release_after_polls = None  # a guest without ACPI hotplug
    with pytest.raises(TimeoutError_, match="did not release network device 1"):
        run(mgr.detach(dom, "1", timeout=0.2))
    assert "vif5.1" in net.taps  # nothing removed under a device the guest still uses
    run(mgr.detach(dom, "1", timeout=0.2, force=True))
    assert "vif5.1" not in net.taps and dom.qmp_log[-1] == ("netdev_del", {"id": "net1"})


def test_forward_only_on_user_mode_nics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr, dom, _ = _running(tmp_path, monkeypatch)
    with pytest.raises(ConfigError, match="user-mode NAT"):
        run(mgr.forward(dom, "tcp::8080-:80"))
    run(mgr.attach(dom, ["bridge=none0"], [dom]))
    nic = run(mgr.forward(dom, "tcp::8080-:80"))
    assert nic["hostfwd"] == ["tcp:127.0.0.1:8080-:80"]
    assert dom.qmp_log[-1] == ("human-monitor-command", {"command-line": "hostfwd_add net1 tcp:127.0.0.1:8080-:80"})


def test_network_script_failure_is_logged_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mgr = manager(tmp_path, network_script="no-such-script", scripts_dir=tmp_path)
    run(mgr.start())
    assert mgr.script_error is not None and "no-such-script" in mgr.script_error


def test_module_does_not_import_pyroute2_at_top() -> None:
    import subprocess
    import sys

    code = "import sys, hvmctl.daemon.netmgr, hvmctl.cli.cmd_network; print('pyroute2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=str(Path(nm.__file__).parents[2]))
    assert out.stdout.strip() == "False", out.stderr
