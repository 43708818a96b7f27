"""NICs: the ``-netdev``/``-device`` pair of the argv and the ``netdev_add``/``device_add``
pair of ``network-attach``, from one description.

A NIC's number (``netN``/``nicN``, tap ``vifD.N``) is its vif's ``devid`` when the live
definition recorded one (hot-plugged NICs, and NICs kept when an earlier one left), else the
vif's position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hvmctl.config.model import DomainConfig, VifSpec
from hvmctl.devices import Props, escape, render
from hvmctl.devices import pci

# profile NIC model -> QEMU device (all PCI)
NIC_DEVICES: dict[str, str] = {
    "rtl8139": "rtl8139",
    "e1000": "e1000",
    "ne2k_pci": "ne2k_pci",
    "virtio": "virtio-net-pci",
    "pcnet": "pcnet",
    "i82559er": "i82559er",
    "vmxnet3": "vmxnet3",
}


def device_id(index: int) -> str:
    return f"nic{index}"


def netdev_id(index: int) -> str:
    return f"net{index}"


def numbered(cfg: DomainConfig) -> list[tuple[int, VifSpec]]:
    """(NIC number, vif) of every NIC of the live definition."""
    return [(v.devid if v.devid is not None else i, v) for i, v in enumerate(cfg.vifs)]


def next_index(cfg: DomainConfig, taken: Sequence[int] = ()) -> int:
    return max([n for n, _ in numbered(cfg)] + list(taken) + [-1]) + 1


def pci_ids(indexes: Sequence[int]) -> list[str]:
    return [device_id(i) for i in indexes]


def device_props(index: int, model: str, mac: str, slots: Mapping[str, int],
                 bootindex: int | None = None) -> Props:
    """The guest NIC (one description for argv and hot-plug). No PXE ROM unless the NIC is
    a boot device: a hot-added NIC never boots the guest."""
    props: Props = {"driver": NIC_DEVICES[model], "netdev": netdev_id(index), "mac": mac, "id": device_id(index),
                    **pci.bus_props(slots, device_id(index))}
    if bootindex is not None:
        props["bootindex"] = bootindex
    else:
        props["romfile"] = ""
    return props


def netdev_props(index: int, kind: str, tap: str | None, hostfwd: Sequence[str],
                 fd: int | str | None = None) -> dict[str, Any]:
    """The host side: a tap the daemon opened (``fd``: its number at start, its ``getfd``
    name on hot-plug), a tap opened by name, or user-mode NAT with its port forwards."""
    if kind == "bridge" and fd is not None:
        return {"type": "tap", "id": netdev_id(index), "fd": str(fd)}
    if kind == "bridge":
        return {"type": "tap", "id": netdev_id(index), "ifname": tap or "", "script": "no", "downscript": "no"}
    props: dict[str, Any] = {"type": "user", "id": netdev_id(index)}
    if hostfwd:
        props["hostfwd"] = list(hostfwd)
    return props


def netdev_opts(props: Mapping[str, Any]) -> str:
    """``-netdev`` text of :func:`netdev_props` (hostfwd repeats, as QEMU wants it)."""
    flat = {k: v for k, v in props.items() if k != "hostfwd"}
    text = render(flat, head="type")
    return text + "".join(f",hostfwd={escape(f)}" for f in props.get("hostfwd", ()))


def netdev_add_args(props: Mapping[str, Any]) -> dict[str, Any]:
    """QMP ``netdev_add`` arguments of :func:`netdev_props` (hostfwd as a String list)."""
    args = dict(props)
    if "hostfwd" in args:
        args["hostfwd"] = [{"str": f} for f in args["hostfwd"]]
    return args
