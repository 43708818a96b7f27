"""The CLI's fast paths import hvmctl.network freely: pyroute2 must load only when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["bridge", "mac", "nat", "netbridge", "netns", "netscript", "rate", "sandbox", "taps", "vifscript"]


def test_importing_network_modules_does_not_import_pyroute2() -> None:
    code = (
        "import sys\n"
        + "".join(f"import hvmctl.network.{m}\n" for m in MODULES)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pyroute2'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"
