"""The state table and xm-shaped text output (golden)."""

from __future__ import annotations

import pytest

from hvmctl.cli import render
from hvmctl.daemon.state import ACTIONS, TRANSITIONS, DomainState, check_action, check_transition
from hvmctl.errors import StateError


def test_every_state_has_a_row_and_flags() -> None:
    assert set(TRANSITIONS) == set(DomainState)
    for state in DomainState:
        assert len(state.flags) == 6 and set(state.flags) <= set("rbpscd-")


def test_illegal_commands_are_refused_naming_the_state() -> None:
    with pytest.raises(StateError, match="domain 'x' is paused; cannot pause it"):
        check_action("x", DomainState.PAUSED, "pause")
    with pytest.raises(StateError, match="is shutdown; cannot unpause"):
        check_action("x", DomainState.SHUTDOWN, "unpause")
    check_action("x", DomainState.CRASHED, "destroy")
    with pytest.raises(StateError, match="is dying; cannot become running"):
        check_transition("x", DomainState.DYING, DomainState.RUNNING)


def test_dying_is_terminal_and_destroy_works_everywhere_else() -> None:
    assert TRANSITIONS[DomainState.DYING] == frozenset()
    # a managed domain that is not running has nothing to destroy (xm delete removes it)
    assert ACTIONS["destroy"] == frozenset(
        set(DomainState) - {DomainState.DYING, DomainState.INACTIVE, DomainState.SUSPENDED})
    with pytest.raises(StateError, match="is inactive; cannot destroy it"):
        check_action("x", DomainState.INACTIVE, "destroy")
    with pytest.raises(StateError, match="is running; cannot delete it"):
        check_action("x", DomainState.RUNNING, "delete")


ROWS = [
    {"name": "Domain-0", "id": 0, "memory": 24105, "vcpus": 2, "flags": "r-----", "cpu_time": 571.23},
    {"name": "SL50_64", "id": 3, "memory": 1024, "vcpus": 1, "flags": "-b----", "cpu_time": 12.0},
    {"name": "vista-enterprise", "id": 12, "memory": 2048, "vcpus": 1, "flags": "--p---", "cpu_time": 0.04},
    {"name": "old", "id": None, "memory": 96, "vcpus": 1, "flags": "----c-", "cpu_time": 0.0},
]

GOLDEN_LIST = """\
Name                                      ID   Mem VCPUs      State   Time(s)
Domain-0                                   0 24105     2     r-----    571.2
SL50_64                                    3  1024     1     -b----     12.0
vista-enterprise                          12  2048     1     --p---      0.0
old                                             96     1     ----c-      0.0"""


def test_list_table_is_xms() -> None:
    assert render.list_table(ROWS) == GOLDEN_LIST


def test_uptime_text() -> None:
    assert render.uptime_text(59) == " 0:00:59"
    assert render.uptime_text(3 * 86400 + 3661) == "3 days,  1:01:01"
    assert render.uptime_text(86400) == "1 day,  0:00:00"


def test_sxp_long_form() -> None:
    text = render.sxp({"name": "SL50_64", "id": 3, "nics": [{"mac": "00:16:3e:3f:a9:06"}], "vnc": None})
    assert "(name SL50_64)" in text and "(id 3)" in text and "(mac 00:16:3e:3f:a9:06)" in text
    assert "vnc" not in text


def test_top_rows_compute_cpu_percent_over_the_interval() -> None:
    before = {"g": {"name": "g", "flags": "r-----", "cpu_time": 10.0, "memory": 96, "vcpus": 1}}
    now = {"g": {"name": "g", "flags": "r-----", "cpu_time": 10.5, "memory": 96, "vcpus": 1}}
    rows = render.top_rows(before, now, 2.0, 960)
    assert rows == [{"name": "g", "flags": "r-----", "cpu_time": 10.5, "cpu_percent": 25.0,
                     "memory_kib": 98304, "memory_percent": 10.0, "vcpus": 1}]
    table = render.top_table(rows).splitlines()
    assert table[0].split() == ["NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)", "VCPUS"]
    assert table[1].split() == ["g", "r-----", "10", "25.0", "98304", "10.0", "1"]
