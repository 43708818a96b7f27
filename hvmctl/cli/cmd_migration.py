"""CLI commands for the migration area (registered on import; keep imports stdlib-only here)."""

from __future__ import annotations
