"""The pure parts of xm's other domain commands: trigger and sysrq mapped to QMP."""

from __future__ import annotations

import pytest

from hvmctl.daemon import guestops
from hvmctl.errors import ConfigError


def test_triggers_map_to_qmp() -> None:
    assert [guestops.trigger_command(t) for t in ("nmi", "reset", "power", "s3resume")] == [
        "inject-nmi", "system_reset", "system_powerdown", "system_wakeup"]
    with pytest.raises(ConfigError, match="INIT IPI; 'trigger reset'"):
        guestops.trigger_command("init")
    with pytest.raises(ConfigError, match="expected one of nmi"):
        guestops.trigger_command("boom")


def test_sysrq_is_alt_sysrq_key() -> None:
    assert guestops.sysrq_args("h")["keys"] == [
        {"type": "qcode", "data": "alt"}, {"type": "qcode", "data": "sysrq"}, {"type": "qcode", "data": "h"}]
    for bad in ("", "hh", "H", "-", "ret"):
        with pytest.raises(ConfigError, match="one letter or digit"):
            guestops.sysrq_args(bad)
