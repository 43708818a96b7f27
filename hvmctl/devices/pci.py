"""PCI addresses on bus pci.0: every PCI device gets an explicit slot, allocated once and
kept in the live definition (``DomainConfig.slots``), so the argv of a restore or migration
target places each device where the hot-plugged source has it (QEMU names the state of a
PCI device after its address: ``0000:00:04.0/virtio-blk``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hvmctl.errors import HostError

FIRST_SLOT = 3  # 0: host bridge, 1: PIIX3 (ISA, IDE, ACPI), 2: the VGA made by -vga
LAST_SLOT = 31
BUS = "pci.0"


def addr(slot: int) -> str:
    return f"0x{slot:x}"


def free_slot(slots: Mapping[str, int], where: str = "the guest") -> int:
    """The lowest slot no device holds."""
    taken = set(slots.values())
    for slot in range(FIRST_SLOT, LAST_SLOT + 1):
        if slot not in taken:
            return slot
    raise HostError(f"{where}: no free PCI slot on {BUS} (slots {FIRST_SLOT}..{LAST_SLOT} are all in use)")


def assign(slots: Mapping[str, int], ids: Iterable[str], where: str = "the guest") -> dict[str, int]:
    """``slots`` plus a slot for every id in ``ids`` that has none, in order, lowest first."""
    out = dict(slots)
    for dev_id in ids:
        if dev_id not in out:
            out[dev_id] = free_slot(out, where)
    return out


def bus_props(slots: Mapping[str, int], dev_id: str) -> dict[str, str]:
    """``bus``/``addr`` properties of a device that has a slot (none for one that has not)."""
    slot = slots.get(dev_id)
    return {} if slot is None else {"bus": BUS, "addr": addr(slot)}
