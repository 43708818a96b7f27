"""Save/restore, live migration between hosts, and guests that start and stop with the host.

- ``savefile``  the save file format (a JSON header, then QEMU's migration stream)
- ``qmpmig``    driving one QEMU migration over QMP (capabilities, progress, outcome)
- ``saverestore`` ``xm save`` / ``xm restore``
- ``hoststart`` autostart links, xendomains settings, host-stop / host-start
- ``preflight``, ``live``, ``remote``: ``xm migrate`` between two daemons
"""
