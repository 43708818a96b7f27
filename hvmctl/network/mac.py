"""MAC addresses: validation, Xen-style random MACs, and a persistent per-host registry.

Xen gave guests MACs under its own OUI 00:16:3e. A guest must keep its MAC from one start
to the next (DHCP leases, Windows activation, udev rules inside the guest), and two guests
on one LAN must never share one, so assignments live in a JSON file in the state dir.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hvmctl.errors import ConfigError, ConflictError, HostError

from ._state import file_lock, read_json, write_json_atomic

XEN_OUI = "00:16:3e"
_MAC_RE = re.compile(r"^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$", re.IGNORECASE)


def normalise_mac(mac: str) -> str:
    """``00-16-3E-0A-0B-0C`` or ``00163e0a0b0c`` → ``00:16:3e:0a:0b:0c``.

    Refuses multicast and all-zero addresses: a NIC with one never receives its frames.
    """
    text = mac.strip()
    if not _MAC_RE.match(text):
        raise ConfigError(f"{mac!r} is not a MAC address (expected xx:xx:xx:xx:xx:xx)", key="mac")
    digits = re.sub(r"[:-]", "", text).lower()
    octets = [digits[i : i + 2] for i in range(0, 12, 2)]
    if int(octets[0], 16) & 1:
        raise ConfigError(f"{mac!r} is a multicast MAC; a NIC needs a unicast one", key="mac")
    if digits == "0" * 12:
        raise ConfigError(f"{mac!r} is the all-zero MAC", key="mac")
    return ":".join(octets)


def is_valid_mac(mac: str) -> bool:
    """True when :func:`normalise_mac` would accept it."""
    try:
        normalise_mac(mac)
    except ConfigError:
        return False
    return True


def is_xen_mac(mac: str) -> bool:
    """True for a MAC under Xen's OUI 00:16:3e."""
    return normalise_mac(mac).startswith(XEN_OUI + ":")


def random_xen_mac(rng: random.Random | None = None) -> str:
    """``00:16:3e:xx:yy:zz`` with xx ≤ 0x7f, as xend's randomMAC made them."""
    r = rng if rng is not None else random.SystemRandom()
    return f"{XEN_OUI}:{r.randint(0, 0x7F):02x}:{r.randint(0, 0xFF):02x}:{r.randint(0, 0xFF):02x}"


def host_side_mac(guest_mac: str) -> str:
    """MAC for the host end of a guest's tap: the guest's with the first octet 0xfe.

    A bridge takes the lowest MAC of its ports as its own; 0xfe keeps taps from ever
    winning, so the bridge's MAC (and the host's ARP identity) does not change when guests
    come and go. Xen used fe:ff:ff:ff:ff:ff for the same reason; libvirt does as we do.
    """
    return "fe:" + normalise_mac(guest_mac)[3:]


def _owner_text(domain: str, index: int) -> str:
    return f"domain {domain!r} (vif {index})"


def check_no_duplicates(running: Mapping[str, Sequence[str | None]]) -> None:
    """Refuse when one MAC appears twice among ``{domain name: [mac of vif 0, vif 1, ...]}``.

    The error names the *first* holder in iteration order, so a caller checking a new
    domain puts it last: ``check_no_duplicates({**running, new_name: new_macs})``.
    ``None`` entries (MAC not yet assigned) are skipped.
    """
    seen: dict[str, tuple[str, int]] = {}
    for domain, macs in running.items():
        for index, mac in enumerate(macs):
            if mac is None:
                continue
            norm = normalise_mac(mac)
            if norm in seen:
                holder, holder_index = seen[norm]
                raise ConflictError(
                    f"mac {norm}: already used by {_owner_text(holder, holder_index)}"
                )
            seen[norm] = (domain, index)


@dataclass(frozen=True)
class MacOwner:
    """Who holds a MAC in the registry."""

    uuid: str
    name: str | None
    index: int


class MacRegistry:
    """MACs handed out on this host, one per (domain UUID, vif index), kept across starts.

    Every operation takes an exclusive lock on ``macs.json.lock`` and rewrites
    ``macs.json`` atomically, so several processes (daemon, CLI, tests) can share it.
    """

    FILENAME = "macs.json"
    VERSION = 1
    #: give up after this many random draws that all collided (a nearly full OUI space)
    MAX_DRAWS = 1000

    def __init__(self, state_dir: Path, *, rng: random.Random | None = None) -> None:
        self.path = Path(state_dir) / self.FILENAME
        self.lock_path = self.path.with_name(self.FILENAME + ".lock")
        self._rng = rng

    # -- reading -------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        data = read_json(self.path)
        if data is None:
            return {"version": self.VERSION, "domains": {}}
        if not isinstance(data, dict) or not isinstance(data.get("domains"), dict):
            raise HostError(f"{self.path}: not a MAC registry")
        return data

    def _save(self, data: dict[str, Any]) -> None:
        data["version"] = self.VERSION
        write_json_atomic(self.path, data)

    @staticmethod
    def _owners(data: dict[str, Any]) -> dict[str, MacOwner]:
        owners: dict[str, MacOwner] = {}
        for uuid, entry in data["domains"].items():
            for index, mac in entry.get("vifs", {}).items():
                owners[mac] = MacOwner(uuid, entry.get("name"), int(index))
        return owners

    def get(self, uuid: str, index: int) -> str | None:
        """The MAC recorded for this vif, or None."""
        entry = self._load()["domains"].get(uuid, {})
        mac = entry.get("vifs", {}).get(str(index))
        return str(mac) if mac is not None else None

    def owner(self, mac: str) -> MacOwner | None:
        """Which domain holds ``mac``, or None."""
        return self._owners(self._load()).get(normalise_mac(mac))

    def domains(self) -> dict[str, dict[int, str]]:
        """Everything recorded: ``{uuid: {vif index: mac}}``."""
        return {
            uuid: {int(i): str(m) for i, m in entry.get("vifs", {}).items()}
            for uuid, entry in self._load()["domains"].items()
        }

    # -- changing ------------------------------------------------------------------------

    def assign(
        self,
        uuid: str,
        index: int,
        *,
        name: str | None = None,
        requested: str | None = None,
        active: Collection[str] | None = None,
    ) -> str:
        """The MAC of vif ``index`` of domain ``uuid``: the profile's, the recorded one, or new."""
        return self.assign_all(uuid, {index: requested}, name=name, active=active)[index]

    def assign_all(
        self,
        uuid: str,
        vifs: Mapping[int, str | None],
        *,
        name: str | None = None,
        active: Collection[str] | None = None,
    ) -> dict[int, str]:
        """Assign every vif of one domain under one lock (``{index: requested mac or None}``).

        A requested MAC (the profile's ``mac=``) wins over a recorded one but is refused
        when another domain, or another vif of this one, holds it. Without one, the
        recorded MAC is given back, else a fresh random 00:16:3e MAC no one holds.

        ``active`` names the keys of the domains that exist now (running or preserved). When
        given, a requested MAC recorded for a domain *not* among them is taken over (that
        domain draws a new one next time): xm refused duplicates only among live guests, and
        a profile's explicit ``mac=`` must not be blocked forever by a guest long gone.
        An empty entry is kept even for ``vifs={}`` so later hotplugs find the key.
        """
        with file_lock(self.lock_path):
            data = self._load()
            result = self._decide(data, uuid, vifs, name=name, active=active)
            self._save(data)
            return result

    def preview_all(
        self,
        uuid: str,
        vifs: Mapping[int, str | None],
        *,
        name: str | None = None,
        active: Collection[str] | None = None,
    ) -> dict[int, str]:
        """What :meth:`assign_all` would give (and refuse), writing nothing (dry-run). A
        fresh MAC is drawn at random, so only that one may differ from the real run."""
        # no lock: taking it would create the lock file; the file is replaced atomically
        return self._decide(self._load(), uuid, vifs, name=name, active=active)

    def _decide(
        self,
        data: dict[str, Any],
        uuid: str,
        vifs: Mapping[int, str | None],
        *,
        name: str | None,
        active: Collection[str] | None,
    ) -> dict[int, str]:
        """assign_all's choices, made on ``data`` (changed in place; the caller saves it)."""
        entry = data["domains"].setdefault(uuid, {"name": name, "vifs": {}})
        if name is not None:
            entry["name"] = name
        recorded: dict[str, str] = entry.setdefault("vifs", {})
        owners = self._owners(data)
        result: dict[int, str] = {}
        # requested MACs first, so a random draw can never take one of them
        for index, requested in sorted(vifs.items(), key=lambda kv: kv[1] is None):
            key = str(index)
            if requested is not None:
                mac = normalise_mac(requested)
                holder = owners.get(mac)
                if holder is not None and (holder.uuid, holder.index) != (uuid, index):
                    if active is not None and holder.uuid != uuid and holder.uuid not in active:
                        gone = data["domains"][holder.uuid].get("vifs", {})
                        gone.pop(str(holder.index), None)
                        owners.pop(mac)
                    else:
                        who = holder.name or holder.uuid
                        raise ConflictError(
                            f"mac {mac}: already used by {_owner_text(who, holder.index)}"
                        )
            elif key in recorded:
                mac = recorded[key]
            else:
                mac = self._fresh(owners)
            old = recorded.get(key)
            if old is not None and old != mac:
                owners.pop(old, None)
            recorded[key] = mac
            owners[mac] = MacOwner(uuid, entry.get("name"), index)
            result[index] = mac
        return result

    def _fresh(self, owners: Mapping[str, MacOwner]) -> str:
        for _ in range(self.MAX_DRAWS):
            mac = random_xen_mac(self._rng)
            if mac not in owners:
                return mac
        raise HostError(f"no free MAC found under {XEN_OUI} after {self.MAX_DRAWS} tries")

    def release(self, uuid: str, *, index: int | None = None) -> None:
        """Forget a domain's MACs (it was deleted), or one vif's (network-detach)."""
        with file_lock(self.lock_path):
            data = self._load()
            entry = data["domains"].get(uuid)
            if entry is None:
                return
            if index is None:
                del data["domains"][uuid]
            else:
                entry.get("vifs", {}).pop(str(index), None)
            self._save(data)
