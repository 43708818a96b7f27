"""Guest devices, one module per device class, each describing its device once.

A device is described as one ordered dict of QEMU properties (``driver`` first). The same
dict is rendered into a ``-device`` option for the argv (:func:`render`) and passed as it is
to QMP ``device_add`` for hot-plug, so a guest started from its live definition gets exactly
the device a hot-plug made (same id, same PCI address) and a migration stream fits it.
"""

from __future__ import annotations

from collections.abc import Mapping

Props = dict[str, "str | int | bool"]


def escape(value: str) -> str:
    """QEMU option values double their commas: a value can never add an option."""
    return value.replace(",", ",,")


def render(props: Mapping[str, "str | int | bool"], head: str = "driver") -> str:
    """``{"driver": "virtio-blk-pci", "id": "xvdb", ...}`` -> ``virtio-blk-pci,id=xvdb,...``."""
    parts = [escape(str(props[head]))] if head in props else []
    for key, value in props.items():
        if key == head:
            continue
        if isinstance(value, bool):
            text = "on" if value else "off"
        else:
            text = escape(str(value))
        parts.append(f"{key}={text}")
    return ",".join(parts)
