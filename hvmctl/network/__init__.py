"""Host networking: MACs, taps, bridges, Xen's network-bridge and vif scripts, user-mode NAT.

Everything that touches the kernel goes through netlink (pyroute2), imported lazily inside
functions so that the CLI's fast paths (``xm list``) never pay for it. Every function that
changes the host takes an optional ``netns`` name so tests and the daemon can work inside a
network namespace instead of the real host.
"""

from __future__ import annotations

from pathlib import Path

#: where Xen kept its hotplug and network scripts; vif ``script=`` and ``network-script``
#: names without a directory are looked up here
XEN_SCRIPTS_DIR = Path("/etc/xen/scripts")
