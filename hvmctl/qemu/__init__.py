"""Everything that speaks QEMU: the argv builder, the QMP monitor, the accelerator probe."""
