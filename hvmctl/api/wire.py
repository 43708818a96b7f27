"""The action table: every action on a domain or the host, declared once.

Each action has a name, its HTTP method and path, the domain states it is allowed in (a key
of ``daemon.state.ACTIONS``, where the one state table lives; None = not a domain-state
action), the least role that may call it (viewer < operator < admin: the remote API's
tokens), and a one-line summary. Every front end comes from this table:
- the daemon's HTTP routes (``api/actions.py`` mounts each handler under its action's
  method and path, and refuses to start with an action missing or a handler undeclared);
- the CLI (``Client.act(name, ...)`` builds the request from the same entry);
- the remote API and web console (roles, and which buttons a domain's state allows).

Pure data and stdlib only: the CLI imports this on every run.
"""

from __future__ import annotations


class Wire:
    """One action's entry (a plain class: typing's NamedTuple costs the CLI an import)."""

    __slots__ = ("method", "path", "states", "role", "summary")

    def __init__(self, method: str, path: str, states: str | None, role: str, summary: str) -> None:
        self.method = method
        self.path = path
        self.states = states  # key of daemon.state.ACTIONS, or None
        self.role = role  # "viewer" | "operator" | "admin"
        self.summary = summary


ROLES = ("viewer", "operator", "admin")

_D = "/v1/domains/{ref}"

ACTIONS: dict[str, Wire] = {
    # ---- host and domains -------------------------------------------------------------
    "host": Wire("GET", "/v1/host", None, "viewer", "host facts (xm info)"),
    "list": Wire("GET", "/v1/domains", None, "viewer", "every domain, with the host (xm list)"),
    "create": Wire("POST", "/v1/domains", None, "admin", "create and start a domain from a profile (xm create)"),
    "get": Wire("GET", _D, None, "viewer", "one domain by name, ID or UUID"),
    "shutdown": Wire("POST", f"{_D}/shutdown", "shutdown", "operator", "ACPI power button (xm shutdown)"),
    "reboot": Wire("POST", f"{_D}/reboot", "reboot", "operator", "reset the guest (xm reboot)"),
    "destroy": Wire("POST", f"{_D}/destroy", "destroy", "operator", "stop at once (xm destroy)"),
    "pause": Wire("POST", f"{_D}/pause", "pause", "operator", "stop the vCPUs (xm pause)"),
    "unpause": Wire("POST", f"{_D}/unpause", "unpause", "operator", "resume the vCPUs (xm unpause)"),
    "mem-set": Wire("POST", f"{_D}/memory", "hotplug", "operator", "balloon target (xm mem-set)"),
    "vcpu-set": Wire("POST", f"{_D}/vcpus", "hotplug", "operator", "vCPU count (xm vcpu-set)"),
    "screenshot": Wire("GET", f"{_D}/screenshot", "screenshot", "viewer", "the guest's screen as PNG"),
    "profile": Wire("GET", f"{_D}/profile", None, "viewer", "the live definition as an xm profile (xm list -l)"),
    "console-log": Wire("GET", f"{_D}/console-log", None, "viewer", "everything the guest wrote on ttyS0 (xm log)"),
    # ---- storage ----------------------------------------------------------------------
    "block-attach": Wire("POST", f"{_D}/block-attach", "hotplug", "operator", "hot-plug a disk"),
    "block-detach": Wire("POST", f"{_D}/block-detach", "hotplug", "operator", "hot-unplug a disk"),
    "block-list": Wire("GET", f"{_D}/block-list", None, "viewer", "the domain's disks"),
    "export": Wire("POST", f"{_D}/export", None, "admin", "pack the domain into a bundle (progress lines)"),
    # ---- media ------------------------------------------------------------------------
    "media-list": Wire("GET", f"{_D}/media", None, "viewer", "removable media and what is in them"),
    "block-configure": Wire("POST", f"{_D}/media/block-configure", "media", "operator", "change a CD (xm)"),
    "eject": Wire("POST", f"{_D}/media/eject", "media", "operator", "eject a CD"),
    "insert": Wire("POST", f"{_D}/media/insert", "media", "operator", "insert a CD image"),
    # ---- network ----------------------------------------------------------------------
    "bridges": Wire("GET", "/v1/network/bridges", None, "viewer", "the host's bridges and their ports"),
    "network-bridge": Wire("POST", "/v1/network/bridge", None, "admin", "Xen's network-bridge start/stop"),
    "network-settings": Wire("GET", "/v1/network/settings", None, "viewer", "the daemon's network script"),
    "network-list": Wire("GET", f"{_D}/nics", None, "viewer", "the domain's NICs"),
    "network-attach": Wire("POST", f"{_D}/nics", "hotplug", "operator", "hot-plug a NIC"),
    "network-detach": Wire("POST", f"{_D}/nics/detach", "hotplug", "operator", "hot-unplug a NIC"),
    "network-forward": Wire("POST", f"{_D}/nics/forward", None, "operator", "a user-mode NIC's port forward"),
    # ---- save, migration, host start/stop ---------------------------------------------
    "save": Wire("POST", f"{_D}/save", "save", "operator", "save the guest's state to a file (xm save)"),
    "restore": Wire("POST", "/v1/restore", None, "admin", "bring a saved guest back (xm restore)"),
    "migrate": Wire("POST", f"{_D}/migrate", "migrate", "operator", "move the guest to another host"),
    "migration": Wire("GET", "/v1/migrations/{job}", None, "viewer", "a migration job's progress"),
    "autostart-list": Wire("GET", "/v1/autostart", None, "viewer", "domains started with the host"),
    "autostart-set": Wire("POST", "/v1/autostart", None, "admin", "start a domain with the host, or not"),
    "host-start": Wire("POST", "/v1/host/start", None, "admin", "xendomains start"),
    "host-stop": Wire("POST", "/v1/host/stop", None, "admin", "xendomains stop"),
    # ---- managed domains (xm new/start/delete/suspend/resume) ---------------------------
    "new": Wire("POST", "/v1/definitions", None, "admin", "define a domain from a profile, not started (xm new)"),
    "start": Wire("POST", f"{_D}/start", "start", "operator", "start a defined domain (xm start)"),
    "delete": Wire("POST", f"{_D}/delete", "delete", "admin", "remove a domain's definition (xm delete)"),
    "suspend": Wire("POST", f"{_D}/suspend", "suspend", "operator", "save into the managed save (xm suspend)"),
    "resume": Wire("POST", f"{_D}/resume", "resume", "operator", "restore from the managed save (xm resume)"),
    # ---- snapshots (internal qcow2: vm state and disks) -------------------------------
    "snapshot-create": Wire("POST", f"{_D}/snapshots", "snapshot", "operator", "snapshot memory and disks"),
    "snapshot-list": Wire("GET", f"{_D}/snapshots", None, "viewer", "the domain's snapshots"),
    "snapshot-revert": Wire("POST", f"{_D}/snapshots/revert", "snapshot", "operator", "go back to a snapshot"),
    "snapshot-delete": Wire("POST", f"{_D}/snapshots/delete", "snapshot", "operator", "delete a snapshot"),
    # ---- xm's other domain commands (api/routes_domain.py) -----------------------------
    "trigger": Wire("POST", f"{_D}/trigger", "trigger", "operator", "NMI, reset, power button, S3 wake (xm trigger)"),
    "mem-max": Wire("POST", f"{_D}/maxmem", "hotplug", "operator", "the ceiling of mem-set (xm mem-max)"),
    "vcpu-list": Wire("GET", f"{_D}/vcpus", None, "viewer", "vCPU threads: host CPU, state, affinity (xm vcpu-list)"),
    "vcpu-pin": Wire("POST", f"{_D}/vcpus/pin", "hotplug", "operator", "pin a vCPU to host CPUs (xm vcpu-pin)"),
    "dump-core": Wire("POST", f"{_D}/dump-core", "dump", "admin", "guest memory to an ELF file (progress lines)"),
    "sched-credit": Wire("POST", f"{_D}/sched-credit", "hotplug", "operator", "CPU weight and cap (xm sched-credit)"),
    "rename": Wire("POST", f"{_D}/rename", "rename", "admin", "give a domain a new name (xm rename)"),
    "sysrq": Wire("POST", f"{_D}/sysrq", "trigger", "operator", "Alt+SysRq+KEY on the keyboard (xm sysrq)"),
    # ---- remote API: tokens and metrics (api/routes_remote.py) --------------------------
    "token-create": Wire("POST", "/v1/tokens", None, "admin", "a new API token with a role (its secret shown once)"),
    "token-list": Wire("GET", "/v1/tokens", None, "admin", "the API tokens: name, role, when made"),
    "token-revoke": Wire("POST", "/v1/tokens/{token}/revoke", None, "admin", "revoke a token (its sessions too)"),
    "metrics": Wire("GET", "/metrics", None, "viewer", "Prometheus metrics: domains, host, API latencies"),
    # ---- the pool of hosts on etcd (hvmctl/pool, api/routes_pool.py) ---------------------
    "pool-status": Wire("GET", "/v1/pool", None, "viewer", "the pool's members, manager and etcd"),
    "pool-list": Wire("GET", "/v1/pool/domains", None, "viewer", "every domain of every member (xm list --pool)"),
    "pool-events": Wire("GET", "/v1/pool/events", None, "viewer", "what the pool did: joins, fencing, HA restarts"),
    "pool-leave": Wire("POST", "/v1/pool/leave", None, "admin", "this member leaves the pool"),
    "pool-migrate": Wire("POST", f"{_D}/pool-migrate", "migrate", "operator", "live-migrate to a pool member (job)"),
    "pool-evacuate": Wire("POST", "/v1/pool/evacuate", None, "admin", "live-migrate every guest off a member"),
    # ---- guests of today: TPM, passthrough ---------------------------------------------
    "pci-list": Wire("GET", f"{_D}/pci", None, "viewer", "host PCI devices passed through (xm pci-list)"),
    "pci-list-assignable-devices": Wire("GET", "/v1/host/pci-assignable", None, "viewer",
                                        "host PCI devices bound to vfio-pci (xm pci-list-assignable-devices)"),
    "pci-attach": Wire("POST", f"{_D}/pci", "hotplug", "admin", "hot-plug a host PCI device (xm pci-attach)"),
    "pci-detach": Wire("POST", f"{_D}/pci/detach", "hotplug", "admin", "hot-unplug a host PCI device (xm pci-detach)"),
    "pci-assignable-add": Wire("POST", "/v1/host/pci-assignable", None, "admin",
                               "bind a host PCI device to vfio-pci (xl pci-assignable-add)"),
    "pci-assignable-remove": Wire("POST", "/v1/host/pci-assignable/remove", None, "admin",
                                  "give a host PCI device back to its driver (xl pci-assignable-remove)"),
    "vtpm-list": Wire("GET", f"{_D}/vtpm", None, "viewer", "the domain's emulated TPM and its swtpm (xm vtpm-list)"),
    # ---- the serial console as actions (forwarded in a pool, usable remotely) -----------
    "serial-out": Wire("GET", f"{_D}/serial", "console", "operator", "the guest's ttyS0 output from now on, streamed"),
    "serial-in": Wire("POST", f"{_D}/serial", "console", "operator", "keys into the guest's ttyS0 (xm console)"),
}

#: The remote endpoint's operations (hvmctl/api/remote.py): the steps of one incoming
#: migration, within a session opened by a hello that carries the endpoint's token (admin).
REMOTE_OPS: dict[str, str] = {
    "ping": "keep the session alive; the source notices a dead destination early",
    "preflight": "every check the destination makes, all problems listed",
    "prepare": "start the receiving QEMU (and the NBD server for --copy-storage)",
    "finish": "the stream is in: report how it went; the guest lives here from now on",
    "abort": "discard the incoming guest (the source keeps it)",
    "status": "does the guest of a migration live here (a source whose handover answer was lost asks)",
}

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def segment(value: str) -> str:
    """One URL path segment (what urllib.parse.quote(value, safe="") gives, without its
    import cost on the CLI's start path)."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in value.encode())


def route(name: str, **params: str) -> tuple[str, str]:
    """(method, path) of action ``name`` with its path parameters filled in."""
    wire = ACTIONS[name]
    path = wire.path
    for key, value in params.items():
        path = path.replace("{" + key + "}", segment(value))
    if "{" in path:
        raise KeyError(f"action {name}: path parameter missing in {path}")
    return wire.method, path
