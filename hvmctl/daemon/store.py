"""Atomic JSON files: a crash mid-write leaves the old file or the new one, never half."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hvmctl.atomic import write_json_atomic as write_json_atomic  # re-exported


def read_json(path: Path) -> Any:
    with open(path) as fh:
        return json.load(fh)
