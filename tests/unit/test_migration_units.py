"""Pure parts of the migration area: the save file header, the xendomains settings reader,
and the shipped systemd units (checked with systemd-analyze when it is installed)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from hvmctl.errors import ConfigError
from hvmctl.migration import savefile
from hvmctl.migration.hoststart import parse_settings_text

ROOT = Path(__file__).resolve().parents[2]


def test_save_header_round_trip(tmp_path: Path) -> None:
    data = {"format": 1, "record": {"config": {"name": "x"}}, "stream_offset": 0, "stream_bytes": 0}
    size = savefile.header_size(data)
    assert size % savefile.ALIGN == 0
    data["stream_offset"] = size
    buf = io.BytesIO()
    savefile.write_header(buf, data, size)  # type: ignore[arg-type]
    stream = b"QEVM" + b"\0" * 100
    data["stream_bytes"] = len(stream)
    savefile.write_header(buf, data, size)  # type: ignore[arg-type]  # rewritten in place at the end
    path = tmp_path / "s"
    path.write_bytes(buf.getvalue()[:size] + stream)
    head = savefile.read_header(path)
    assert head.stream_offset == size and head.stream_bytes == len(stream) and head.record["config"]["name"] == "x"
    path.write_bytes(buf.getvalue()[:size] + stream[:50])
    with pytest.raises(ConfigError, match="truncated"):
        savefile.read_header(path)
    path.write_bytes(b"QEVM" * 10)
    with pytest.raises(ConfigError, match="not an hvmctl save file"):
        savefile.read_header(path)


def test_settings_are_data_not_shell() -> None:
    values = parse_settings_text('# c\nXENDOMAINS_SAVE="/var/lib/x y"\nexport XENDOMAINS_AUTO=/etc/xen/auto # note\n'
                                 "XENDOMAINS_RESTORE=''\n")
    assert values == {"XENDOMAINS_SAVE": "/var/lib/x y", "XENDOMAINS_AUTO": "/etc/xen/auto",
                      "XENDOMAINS_RESTORE": ""}
    with pytest.raises(ConfigError, match="command substitution"):
        parse_settings_text("XENDOMAINS_SAVE=$(rm -rf /)\n")
    with pytest.raises(ConfigError, match="<settings>:2: expected KEY=value"):
        parse_settings_text("A=1\nnot a setting\n")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path: Path) -> None:
    fake = tmp_path / "hvmctl"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    units = []
    for unit in sorted((ROOT / "contrib" / "systemd").glob("*.s[eo]*")):  # .service and .socket
        text = unit.read_text().replace("/usr/bin/hvmctl", str(fake))
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    assert len(units) == 3
    res = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60)
    problems = [ln for ln in (res.stdout + res.stderr).splitlines() if any(u in ln for u in ("hvmctl.service",
                                                                                            "hvmctl-domains.service",
                                                                                            "hvmctl.socket"))]
    assert problems == [] and res.returncode == 0, res.stdout + res.stderr
