"""Names of the pseudo-events our monitors put beside QEMU's own (no import of qemu.qmp:
the daemon's start-up path reads records and lists guests before any QMP connection)."""

MONITOR_CLOSED = "MONITOR_CLOSED"  # the QMP connection was lost
