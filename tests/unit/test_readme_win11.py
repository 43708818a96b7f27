"""The README's Windows 11-style profile is read whole: every key it shows is one hvmctl
takes (none dropped with an "ignored" warning), and it asks for what the README says."""

from __future__ import annotations

import re
from pathlib import Path

from hvmctl.config import parse_profile

README = Path(__file__).resolve().parents[2] / "README.md"


def win11_profile() -> str:
    text = README.read_text()
    at = text.index("A Windows 11-style guest")
    found = re.search(r"```python\n(.*?)```", text[at:], re.S)
    assert found, "the README's Windows 11-style profile block is missing"
    return found.group(1)


def test_readme_win11_profile_is_read_whole() -> None:
    loaded = parse_profile(win11_profile(), filename="/etc/xen/win11")
    assert [str(w) for w in loaded.warnings] == []
    cfg = loaded.config
    assert (cfg.name, cfg.bios, cfg.secure_boot, cfg.vtpm, cfg.memory) == ("win11", "ovmf", True, "crb", 4096)
    assert cfg.viridian and "+aes" in cfg.cpuid and cfg.usbdevices == ("tablet",)
