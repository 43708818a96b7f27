"""The command table: name -> (module, help line), static, so that `xm list` imports one
command module and `xm --help` none. tests/unit/test_cli_front.py checks it against the
modules' @command registrations (a command registered but missing here still runs, slowly)."""

# one line per module (a new module is a new line: parallel branches then merge cleanly)
_M = "hvmctl.cli.main"
_NET = "hvmctl.cli.cmd_network"
_STO = "hvmctl.cli.cmd_storage"
_MIG = "hvmctl.cli.cmd_migration"
_MED = "hvmctl.cli.cmd_media"
_MAN = "hvmctl.cli.cmd_managed"
_SNAP = "hvmctl.cli.cmd_snapshot"
_DOM = "hvmctl.cli.cmd_domain"
_TOK = "hvmctl.cli.cmd_token"
_POOL = "hvmctl.cli.cmd_pool"

MODULES = (
    _M,
    _NET,
    _STO,
    _MIG,
    _MED,
    _MAN,
    _SNAP,
    _DOM,
    _TOK,
    _POOL,
)

COMMANDS = {
    "create": (_M, "create a domain from a profile"),
    "list": (_M, "list domains"),
    "destroy": (_M, "terminate a domain immediately"),
    "pause": (_M, "pause a domain"),
    "unpause": (_M, "unpause a paused domain"),
    "shutdown": (_M, "ask a domain to shut down (ACPI power button)"),
    "reboot": (_M, "reboot a domain (its on_reboot action applies)"),
    "mem-set": (_M, "set a running domain's memory (MiB) through its balloon"),
    "vcpu-set": (_M, "set a running domain's number of vCPUs (hotplug up to maxvcpus)"),
    "profile": (_M, "print a domain as it is now (its live definition) as an xm profile, as xm list -l did"),
    "top": (_M, "domains' CPU and memory use, refreshed (xentop)"),
    "info": (_M, "information about the host"),
    "uptime": (_M, "uptime of domains"),
    "domid": (_M, "the ID of a domain, by name"),
    "domname": (_M, "the name of a domain, by ID"),
    "log": (_M, "a domain's console log (or the daemon's log)"),
    "dmesg": (_M, "the daemon's log (xm dmesg)"),
    "screenshot": (_M, "save a domain's screen as PNG"),
    "vncviewer": (_M, "open a VNC viewer on a domain's console (or print its address)"),
    "console": (_M, "attach to a domain's serial console (detach with Ctrl-])"),
    "daemon": (_M, "run the hvmctl daemon in the foreground"),
    "help": (_M, "the command list, or one command's arguments (xm help [CMD])"),
    "network-bridge": (_NET, "Xen's network-bridge: make (or undo) xenbrN on ethN, moving the host's addresses"),
    "bridges": (_NET, "the host's bridges, their ids, STP and interfaces (brctl show)"),
    "network-attach": (_NET, "hot-plug a network interface into a running domain"),
    "network-detach": (_NET, "hot-unplug a network interface from a running domain"),
    "network-list": (_NET, "a domain's network interfaces"),
    "network-forward": (_NET, "forward a host port to a guest on user-mode NAT (kept across restarts)"),
    "image": (_STO, "disk images: create, info"),
    "convert": (_STO, "port a PV profile to HVM (seed 2.3.2)"),
    "export": (_STO, "pack a domain's profile and images into a bundle for another host"),
    "import": (_STO, "unpack a bundle: images sparse, profile pointed at them, checksums verified"),
    "block-attach": (_STO, "hot-plug a disk into a running domain"),
    "block-detach": (_STO, "hot-unplug a disk from a running domain"),
    "block-list": (_STO, "list a domain's disks"),
    "save": (_MIG, "save a domain's state to a file (the domain stops)"),
    "restore": (_MIG, "restore a domain from a save file"),
    "autostart": (_MIG, "start domains with the host: links in the auto directory (/etc/xen/auto)"),
    "host-start": (_MIG, "host start (xendomains start): restore saved domains, then start auto ones"),
    "host-stop": (_MIG, "host stop (xendomains stop): save or shut down every running domain"),
    "migrate": (_MIG, "move a domain to another host's hvmctl daemon"),
    "migrate-receive": (_MIG, "(internal) the destination's end of `migrate` over ssh"),
    "block-configure": (_MED, "change the medium of a running domain's cdrom drive (as xm did)"),
    "eject": (_MED, "take the medium out of a running domain's cdrom drive"),
    "insert": (_MED, "put an image into a running domain's cdrom drive"),
    "media-list": (_MED, "the cdrom drives of a running domain and what is in them"),
    "new": (_MAN, "define a domain from a profile without starting it (xm start starts it)"),
    "start": (_MAN, "start a domain defined with xm new (a suspended one is resumed)"),
    "delete": (_MAN, "remove a managed domain's definition (and its managed save)"),
    "suspend": (_MAN, "save a managed domain into its managed state (xm resume brings it back)"),
    "resume": (_MAN, "resume a suspended managed domain from its managed state"),
    "snapshot-create": (_SNAP, "snapshot a running domain's memory and disks (qcow2, internal)"),
    "snapshot-list": (_SNAP, "a domain's snapshots"),
    "snapshot-revert": (_SNAP, "bring a running domain back to a snapshot (memory, disks, definition)"),
    "snapshot-delete": (_SNAP, "delete a domain's snapshot (from its images too)"),
    "trigger": (_DOM, "send a trigger to a domain: nmi, reset, init, power, s3resume"),
    "sysrq": (_DOM, "send Alt+SysRq+KEY to a domain's keyboard"),
    "mem-max": (_DOM, "set a domain's maximum memory (MiB): the ceiling of mem-set"),
    "vcpu-list": (_DOM, "the vCPUs of domains: host CPU, state, time, affinity"),
    "vcpu-pin": (_DOM, "pin a domain's vCPU to host CPUs (kept across restarts)"),
    "dump-core": (_DOM, "dump a domain's memory into an ELF core file"),
    "sched-credit": (_DOM, "show or set a domain's CPU weight and cap (a cgroup per domain)"),
    "rename": (_DOM, "rename a domain (its live definition; the console log follows)"),
    "token": (_TOK, "the remote API's tokens: create, list, revoke"),
    "pool": (_POOL, "the pool of hosts on etcd: status, events, leave"),
    "host": (_POOL, "a pool member: evacuate NAME (live-migrate every guest to the others)"),
    "pci-list": (_DOM, "host PCI devices passed through to a domain"),
    "pci-list-assignable-devices": (_DOM, "host PCI devices that can be passed through (bound to vfio-pci)"),
    "pci-attach": (_DOM, "hot-plug a host PCI device (vfio-pci) into a running domain"),
    "pci-detach": (_DOM, "hot-unplug a host PCI device from a running domain"),
    "pci-assignable-add": (_DOM, "bind a host PCI device to vfio-pci so guests can have it (xl)"),
    "pci-assignable-remove": (_DOM, "give a host PCI device back to the driver it had (xl)"),
    "vtpm-list": (_DOM, "a domain's emulated TPM 2.0 and its swtpm"),
}

#: other names for commands (xl's): name -> the command it runs, with the same arguments
ALIASES = {
    "pci-assignable-list": "pci-list-assignable-devices",  # xl pci-assignable-list
    "cd-insert": "insert",  # xl cd-insert DOM VDEV TARGET
    "cd-eject": "eject",  # xl cd-eject DOM VDEV
}
