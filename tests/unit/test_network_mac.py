"""MACs: validation, Xen-style generation, duplicate checks, the persistent registry."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
from pathlib import Path

import pytest

from hvmctl.errors import ConfigError, ConflictError, HostError
from hvmctl.network import mac as macmod
from hvmctl.network.mac import (
    MacRegistry,
    check_no_duplicates,
    host_side_mac,
    is_valid_mac,
    is_xen_mac,
    normalise_mac,
    random_xen_mac,
)


@pytest.mark.parametrize(
    "text",
    ["00:16:3e:0a:0b:0c", "00:16:3E:0A:0B:0C", "00-16-3e-0a-0b-0c", "00163e0a0b0c", " 00:16:3e:0a:0b:0c "],
)
def test_normalise_accepts_common_spellings(text: str) -> None:
    assert normalise_mac(text) == "00:16:3e:0a:0b:0c"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "00:16:3e:0a:0b",  # five octets
        "00:16:3e:0a:0b:0c:0d",
        "00:16:3e:0a:0b:0g",
        "00:16-3e:0a:0b:0c",  # mixed separators
        "01:00:5e:00:00:01",  # multicast
        "ff:ff:ff:ff:ff:ff",  # broadcast is multicast too
        "00:00:00:00:00:00",
        "0:16:3e:a:b:c",
    ],
)
def test_normalise_refuses(text: str) -> None:
    with pytest.raises(ConfigError) as err:
        normalise_mac(text)
    assert err.value.key == "mac"
    assert not is_valid_mac(text)


def test_random_xen_mac_shape_and_determinism() -> None:
    rng = random.Random(42)
    macs = [random_xen_mac(rng) for _ in range(2000)]
    for m in macs:
        assert is_xen_mac(m)
        assert normalise_mac(m) == m
        assert int(m.split(":")[3], 16) <= 0x7F  # as xend's randomMAC
    assert len(set(macs)) > 1990
    assert [random_xen_mac(random.Random(7)) for _ in range(2)] == [random_xen_mac(random.Random(7))] * 2


def test_random_xen_mac_default_rng() -> None:
    assert random_xen_mac().startswith("00:16:3e:")


def test_host_side_mac_never_wins_bridge_election() -> None:
    assert host_side_mac("00:16:3E:01:02:03") == "fe:16:3e:01:02:03"


def test_check_no_duplicates_names_first_holder() -> None:
    running = {"web": ["00:16:3e:00:00:01", "00:16:3e:00:00:02"], "db": ["00:16:3e:00:00:03"]}
    check_no_duplicates(running)
    with pytest.raises(ConflictError) as err:
        check_no_duplicates({**running, "new": [None, "00:16:3E:00:00:02"]})
    assert str(err.value) == "mac 00:16:3e:00:00:02: already used by domain 'web' (vif 1)"


def test_check_no_duplicates_within_one_domain() -> None:
    with pytest.raises(ConflictError, match=r"domain 'a' \(vif 0\)"):
        check_no_duplicates({"a": ["00:16:3e:00:00:01", "00-16-3e-00-00-01"]})


class _Rigged(random.Random):
    """Draws a scripted sequence of MACs (three randint calls each), then repeats the last."""

    def __init__(self, macs: list[str]) -> None:
        super().__init__(0)
        self._octets = [int(o, 16) for m in macs for o in m.split(":")[3:]]
        self._i = 0

    def randint(self, a: int, b: int) -> int:
        n = len(self._octets)
        i = self._i if self._i < n else n - 3 + (self._i - n) % 3  # then the last MAC again
        self._i += 1
        return self._octets[i]


def test_registry_gives_the_same_mac_on_later_starts(tmp_path: Path) -> None:
    first = MacRegistry(tmp_path).assign("uuid-a", 0, name="a")
    again = MacRegistry(tmp_path).assign("uuid-a", 0, name="a")  # a new process, say
    assert first == again and is_xen_mac(first)
    assert MacRegistry(tmp_path).get("uuid-a", 0) == first
    assert MacRegistry(tmp_path).assign("uuid-a", 1) != first


def test_registry_never_hands_out_a_held_mac(tmp_path: Path) -> None:
    taken = "00:16:3e:11:22:33"
    MacRegistry(tmp_path, rng=_Rigged([taken])).assign("uuid-a", 0, name="a")
    rigged = _Rigged([taken, taken, "00:16:3e:44:55:66"])
    assert MacRegistry(tmp_path, rng=rigged).assign("uuid-b", 0, name="b") == "00:16:3e:44:55:66"


def test_registry_gives_up_when_every_draw_collides(tmp_path: Path) -> None:
    taken = "00:16:3e:11:22:33"
    MacRegistry(tmp_path, rng=_Rigged([taken])).assign("uuid-a", 0)
    with pytest.raises(HostError, match="no free MAC"):
        MacRegistry(tmp_path, rng=_Rigged([taken])).assign("uuid-b", 0)


def test_registry_requested_mac_is_recorded_and_defended(tmp_path: Path) -> None:
    reg = MacRegistry(tmp_path)
    assert reg.assign("uuid-a", 0, name="web", requested="00:16:3E:AA:BB:CC") == "00:16:3e:aa:bb:cc"
    assert reg.assign("uuid-a", 0, requested="00:16:3e:aa:bb:cc") == "00:16:3e:aa:bb:cc"  # same holder: fine
    with pytest.raises(ConflictError) as err:
        reg.assign("uuid-b", 0, name="db", requested="00:16:3e:aa:bb:cc")
    assert str(err.value) == "mac 00:16:3e:aa:bb:cc: already used by domain 'web' (vif 0)"
    owner = reg.owner("00:16:3e:aa:bb:cc")
    assert owner is not None and (owner.uuid, owner.name, owner.index) == ("uuid-a", "web", 0)


def test_registry_requested_mac_replaces_a_random_one(tmp_path: Path) -> None:
    reg = MacRegistry(tmp_path)
    old = reg.assign("uuid-a", 0)
    reg.assign("uuid-a", 0, requested="00:16:3e:00:00:09")
    assert reg.owner(old) is None
    assert reg.get("uuid-a", 0) == "00:16:3e:00:00:09"


def test_registry_assign_all_two_vifs_same_requested_mac(tmp_path: Path) -> None:
    with pytest.raises(ConflictError, match=r"vif 0"):
        MacRegistry(tmp_path).assign_all(
            "uuid-a", {0: "00:16:3e:00:00:01", 1: "00:16:3e:00:00:01"}, name="a"
        )


def test_registry_random_draw_avoids_macs_requested_in_the_same_call(tmp_path: Path) -> None:
    wanted = "00:16:3e:01:01:01"
    rigged = _Rigged([wanted, "00:16:3e:02:02:02"])
    got = MacRegistry(tmp_path, rng=rigged).assign_all("uuid-a", {0: None, 1: wanted})
    assert got == {0: "00:16:3e:02:02:02", 1: wanted}


def test_registry_release(tmp_path: Path) -> None:
    reg = MacRegistry(tmp_path)
    a0, a1 = reg.assign("uuid-a", 0), reg.assign("uuid-a", 1)
    reg.release("uuid-a", index=1)
    assert reg.domains() == {"uuid-a": {0: a0}}
    assert reg.owner(a1) is None
    reg.release("uuid-a")
    reg.release("uuid-missing")
    assert reg.domains() == {}


def test_registry_file_is_json_and_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = MacRegistry(tmp_path)
    kept = reg.assign("uuid-a", 0, name="a")
    before = reg.path.read_bytes()
    assert json.loads(before)["domains"]["uuid-a"] == {"name": "a", "vifs": {"0": kept}}

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(HostError, match="No space left on device"):
        reg.assign("uuid-b", 0)
    monkeypatch.undo()
    assert reg.path.read_bytes() == before  # the old file is whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["macs.json", "macs.json.lock"]  # no temp left
    assert reg.get("uuid-b", 0) is None


def test_registry_refuses_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "macs.json").write_text("{not json")
    with pytest.raises(HostError, match="corrupt"):
        MacRegistry(tmp_path).assign("uuid-a", 0)


def _assign_many(args: tuple[str, int]) -> list[str]:
    state_dir, worker = args
    reg = MacRegistry(Path(state_dir), rng=random.Random(1))  # same seed: maximal collisions
    return [reg.assign(f"uuid-{worker}-{i}", 0) for i in range(15)]


def test_registry_unique_across_concurrent_processes(tmp_path: Path) -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.map(_assign_many, [(str(tmp_path), w) for w in range(4)])
    macs = [m for chunk in results for m in chunk]
    assert len(macs) == 60 and len(set(macs)) == 60
    assert sum(len(v) for v in MacRegistry(tmp_path).domains().values()) == 60


def test_module_exposes_xen_oui() -> None:
    assert macmod.XEN_OUI == "00:16:3e"
