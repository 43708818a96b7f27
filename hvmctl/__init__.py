"""hvmctl: run Xen xm/xl domain profiles as QEMU guests, driven by the xm commands."""

__version__ = "0.1.0"
