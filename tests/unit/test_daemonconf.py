"""The daemon's config file: keys, aliases, the environment winning, file:line errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hvmctl.daemonconf import KEYS, ConfigFileError, load, parse

ROOT = Path(__file__).resolve().parents[2]


def test_lines_comments_quotes_and_alias() -> None:
    text = "# a pool member\n\nlisten = 0.0.0.0:8443\n  POOL = http://h1:2379,http://h2:2379  \nhost_tags = 'ssd rack1'\n"
    assert parse(text, "f") == {"HVMCTL_LISTEN": "0.0.0.0:8443", "HVMCTL_POOL_ETCD": "http://h1:2379,http://h2:2379",
                                "HVMCTL_HOST_TAGS": "ssd rack1"}


@pytest.mark.parametrize("line,fragment", [
    ("lisen = x", "f:2: unknown key 'lisen'"),
    ("just words", "f:2: expected 'key = value'"),
    ("= value", "f:2: expected 'key = value'"),
    ("connect = https://h:8443", "f:2: unknown key 'connect'"),  # the CLI's, not the daemon's
    ("pool_etcd = a", "f:2: 'pool_etcd' is set twice"),
])
def test_bad_line_names_file_and_line(line: str, fragment: str) -> None:
    with pytest.raises(ConfigFileError) as err:
        parse(f"pool = http://h:2379\n{line}\n", "f")
    assert fragment in err.value.message
    assert "\n" not in err.value.message


def test_environment_wins_and_missing_default_is_nothing(tmp_path: Path) -> None:
    conf = tmp_path / "hvmctl.conf"
    conf.write_text("host_name = from-file\npool_ttl = 4\n")
    env = {"HVMCTL_CONFIG": str(conf), "HVMCTL_HOST_NAME": "from-env"}
    assert load(env) == {"HVMCTL_POOL_TTL": "4"}
    assert env["HVMCTL_HOST_NAME"] == "from-env" and env["HVMCTL_POOL_TTL"] == "4"
    with pytest.raises(ConfigFileError, match="no such file"):
        load({"HVMCTL_CONFIG": str(tmp_path / "nope")})


def test_every_key_is_read_by_the_daemon() -> None:
    """Each key names a variable some daemon-side module reads (no dead keys)."""
    sources = "".join(p.read_text() for p in (ROOT / "hvmctl").rglob("*.py") if p.name != "daemonconf.py")
    read = {m.lower() for m in re.findall(r"HVMCTL_([A-Z_]+)", sources)}
    assert KEYS <= read, KEYS - read


def test_bad_file_stops_the_daemon_on_stderr(tmp_path: Path) -> None:
    conf = tmp_path / "hvmctl.conf"
    conf.write_text("# ok\nlisten = 127.0.0.1:0\nbogus = 1\n")
    env = dict(os.environ, HVMCTL_CONFIG=str(conf), HVMCTL_STATE_DIR=str(tmp_path / "s"),
               HVMCTL_RUN_DIR=str(tmp_path / "r"), HVMCTL_SOCKET=str(tmp_path / "r" / "api.sock"),
               HVMCTL_LOG_DIR=str(tmp_path / "l"), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "hvmctl", "daemon"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert f"{conf}:3: unknown key 'bogus'" in proc.stderr
    assert not (tmp_path / "r" / "api.sock").exists()  # never served


def test_shipped_sample_parses_with_its_lines_uncommented() -> None:
    sample = (ROOT / "contrib/debian/hvmctl.conf").read_text()
    assert parse(sample, "sample") == {}  # all commented: installing it changes nothing
    lines = [ln[1:] for ln in sample.splitlines() if re.match(r"#[a-z_]+ = ", ln)]
    assert len(parse("\n".join(lines), "sample")) == len(lines) >= 8
