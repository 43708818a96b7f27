"""Where every PCI device of a domain sits: the one list, in argv order, that slots are
allocated from, and :func:`pin`, which fixes a live definition's machine type and slots
before its first argv (and keeps them for every later one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from hvmctl.config.model import DomainConfig
from hvmctl.devices import disk, memory, nic, pci

SOUND_DEVICES: dict[str, list[str]] = {
    "ac97": ["AC97"],
    "es1370": ["ES1370"],
    "sb16": ["sb16"],
    "hda": ["intel-hda", "hda-duplex"],
}
PCI_SOUND = frozenset({"AC97", "ES1370", "intel-hda"})
USB_ID = "usb"


def sound_cards(cfg: DomainConfig) -> list[tuple[str, list[str]]]:
    """(device id, QEMU devices) of each ``soundhw`` card."""
    if not cfg.soundhw:
        return []
    cards = [c.strip() for c in cfg.soundhw.split(",") if c.strip()]
    return [(f"sound{i}", SOUND_DEVICES.get(c, [c])) for i, c in enumerate(cards)]


def pci_ids(cfg: DomainConfig, nic_indexes: Sequence[int]) -> list[str]:
    ids = disk.pci_ids(cfg) + nic.pci_ids(nic_indexes)
    if cfg.usb or cfg.usbdevices:
        ids.append(USB_ID)
    ids += [sid for sid, devs in sound_cards(cfg) if devs[0] in PCI_SOUND]
    return ids + memory.pci_ids(cfg) + [hostdev_id(bdf) for bdf in cfg.pci]


def hostdev_id(bdf: str) -> str:
    """A passed-through host function's device id, named after its host address so it stays
    the same when another one is hot-unplugged (its slot is allocated like any other)."""
    return "hostdev-" + bdf.replace(":", "-")


def slots_for(cfg: DomainConfig, nic_indexes: Sequence[int]) -> dict[str, int]:
    """The recorded slots plus one for every PCI device that has none yet."""
    return pci.assign(cfg.slots, pci_ids(cfg, nic_indexes), where=f"domain '{cfg.name}'")


def pin(cfg: DomainConfig, nic_indexes: Sequence[int] | None = None, machine: str | None = None) -> DomainConfig:
    """The live definition with its machine type and every PCI slot fixed (idempotent)."""
    if nic_indexes is None:
        nic_indexes = [n for n, _ in nic.numbered(cfg)]
    return replace(cfg, slots=slots_for(cfg, nic_indexes), machine=cfg.machine or machine)
