"""CLI commands for the media area (registered on import; keep imports stdlib-only here)."""

from __future__ import annotations
