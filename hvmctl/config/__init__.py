"""Domain profiles: reading xm/xl files as data (never executing them), and writing them.

``parse_profile`` turns profile text into a validated :class:`DomainConfig` plus warnings;
``load_profile`` finds and reads the file first (``xm create SL50_64`` looks in the current
directory, then in /etc/xen); ``write_xm``/``write_xl`` give a config back as a profile.
Importing this package only imports the standard library (the CLI imports it on every run).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hvmctl.config.lookup import find_profile, read_profile_text

if TYPE_CHECKING:  # the heavy part (ast evaluator, key table) loads on first use
    from hvmctl.config.build import COMMAND_LINE, ConfigWarning
    from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec, VifSpec
    from hvmctl.config.profile import LoadedProfile, load_profile, parse_profile
    from hvmctl.config.writer import write_xl, write_xm

__all__ = [
    "COMMAND_LINE",
    "ConfigWarning",
    "DiskSpec",
    "DomainConfig",
    "LoadedProfile",
    "VfbSpec",
    "VifSpec",
    "find_profile",
    "load_profile",
    "parse_profile",
    "read_profile_text",
    "write_xl",
    "write_xm",
]


_HOMES = {
    "COMMAND_LINE": "build", "ConfigWarning": "build",
    "DiskSpec": "model", "DomainConfig": "model", "VfbSpec": "model", "VifSpec": "model",
    "LoadedProfile": "profile", "load_profile": "profile", "parse_profile": "profile",
    "write_xl": "writer", "write_xm": "writer",
}


def __getattr__(name: str) -> Any:
    """Load the parser only when something asks for it: `xm create` on the CLI side needs
    only find_profile/read_profile_text, and must start fast."""
    module = _HOMES.get(name)
    if module is not None:
        return getattr(importlib.import_module(f"hvmctl.config.{module}"), name)
    raise AttributeError(f"module 'hvmctl.config' has no attribute {name!r}")
