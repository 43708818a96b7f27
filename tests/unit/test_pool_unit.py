"""The pool's pure parts and its watchdog (no etcd): placement, settings, the self-fence."""

from __future__ import annotations

import subprocess
from pathlib import Path
import sys
import time

import pytest

from hvmctl.config import parse_profile
from hvmctl.errors import ConfigError, ConflictError
from hvmctl.pool import settings
from hvmctl.pool.watchdog import Feeder, _start_ticks


def _members() -> dict[str, dict[str, object]]:
    return {"a": {"host": "a", "free_memory": 900, "tags": []},
            "b": {"host": "b", "free_memory": 500, "tags": ["ssd"]},
            "c": {"host": "c", "free_memory": 400, "tags": ["ssd", "rack1"]}}


def test_placement_by_free_memory_tags_and_what_the_round_already_placed() -> None:
    from hvmctl.pool.member import place

    m = _members()
    assert place({"name": "x", "memory": 100}, m, {}) == "a"
    assert place({"name": "x", "memory": 100}, m, {"a": 600}) == "b"  # a has 300 left now
    assert place({"name": "x", "memory": 100, "host_tags": ["ssd"]}, m, {}) == "b"
    assert place({"name": "x", "memory": 100, "host_tags": ["ssd", "rack1"]}, m, {}) == "c"
    assert place({"name": "x", "memory": 100}, m, {}, exclude="a") == "b"
    with pytest.raises(ConflictError, match="no pool member with host_tags gpu has 100 MiB free"):
        place({"name": "x", "memory": 100, "host_tags": ["gpu"]}, m, {})
    with pytest.raises(ConflictError, match="has 2000 MiB free"):
        place({"name": "x", "memory": 2000}, m, {})


def test_profile_keys_ha_and_host_tags() -> None:
    cfg = parse_profile('name = "a"\nbuilder = "hvm"\nha = 1\nhost_tags = "ssd, rack1 ssd"\n', filename="/etc/xen/a").config
    assert cfg.ha is True and cfg.host_tags == ("rack1", "ssd")
    assert type(cfg).from_dict(cfg.to_dict()) == cfg
    plain = parse_profile('name = "a"\nbuilder = "hvm"\n', filename="/etc/xen/a").config
    assert plain.ha is False and plain.host_tags == ()
    with pytest.raises(ConfigError, match="host_tags"):
        parse_profile('name = "a"\nbuilder = "hvm"\nhost_tags = "a;b"\n', filename="/etc/xen/a")


def test_settings_from_the_environment() -> None:
    assert settings({}) is None
    s = settings({"HVMCTL_POOL_ETCD": "http://x:1, http://y:2", "HVMCTL_HOST_NAME": "h1", "HVMCTL_POOL_TTL": "6"})
    assert s is not None and s.endpoints == ("http://x:1", "http://y:2") and s.host == "h1"
    assert s.ttl == 6 and s.margin == 2.0 and s.prefix == "/hvmctl/"
    with pytest.raises(ValueError, match="at least 2"):
        settings({"HVMCTL_POOL_ETCD": "http://x:1", "HVMCTL_POOL_TTL": "1"})


def test_etcd_tls_settings_and_endpoints() -> None:
    from hvmctl.pool.etcd import _address

    s = settings({"HVMCTL_POOL_ETCD": "https://x:1", "HVMCTL_POOL_ETCD_CA": "/ca.pem",
                  "HVMCTL_POOL_ETCD_CERT": "/c.pem", "HVMCTL_POOL_ETCD_KEY": "/c.key"})
    assert s is not None and (s.etcd_ca, s.etcd_cert, s.etcd_key) == ("/ca.pem", "/c.pem", "/c.key")
    with pytest.raises(ValueError, match="go together"):
        settings({"HVMCTL_POOL_ETCD": "https://x:1", "HVMCTL_POOL_ETCD_CERT": "/c.pem"})
    assert _address("https://h:2") == (True, "h", 2) and _address("h") == (False, "h", 2379)


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def _ticks(proc: subprocess.Popen[bytes]) -> int:
    ticks = _start_ticks(proc.pid)
    assert ticks is not None
    return ticks


def test_watchdog_kills_its_targets_when_not_fed_in_time() -> None:
    fed, starved = _sleeper(), _sleeper()
    dog = Feeder()
    try:
        dog.arm(0.6, [(starved.pid, _ticks(starved))])
        for _ in range(8):  # fed every 0.2 s for 1.6 s: longer than the first deadline
            dog.arm(0.6, [(fed.pid, _ticks(fed))])
            time.sleep(0.2)
        assert fed.poll() is None, "a fed watchdog must not fire"
        assert starved.poll() is None, "a target no longer named is not killed"
        began = time.monotonic()
        assert fed.wait(3) == -9  # no more feeding: killed at the deadline
        assert time.monotonic() - began < 1.0
    finally:
        dog.stop()
        for p in (fed, starved):
            p.kill()
            p.wait()


def test_watchdog_stands_down_and_keeps_its_deadline_after_the_daemon_went() -> None:
    kept, spared = _sleeper(), _sleeper()
    dog, other = Feeder(), Feeder()
    try:
        dog.arm(0.5, [(spared.pid, _ticks(spared))])
        dog.disarm()
        other.arm(0.5, [(kept.pid, _ticks(kept))])
        other.detach()  # the daemon stopped: its watchdog still fires, then exits
        assert kept.wait(3) == -9
        time.sleep(0.3)
        assert spared.poll() is None  # disarmed: its deadline is gone
    finally:
        dog.stop()
        for p in (kept, spared):
            p.kill()
            p.wait()


def test_watchdog_ignores_a_reused_pid() -> None:
    target = _sleeper()
    dog = Feeder()
    try:
        dog.arm(0.3, [(target.pid, _ticks(target) + 1)])  # not the process it names
        time.sleep(0.8)
        assert target.poll() is None
    finally:
        dog.stop()
        target.kill()
        target.wait()


def test_the_etcd_client_is_imported_only_for_a_pool_member() -> None:
    code = ("import sys, hvmctl.api.app, hvmctl.daemon.main, hvmctl.cli.main, hvmctl.cli.cmd_pool; "
            "from hvmctl.pool import settings; assert settings({}) is None; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aetcd', 'grpc')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_watchdog_finds_a_guest_spawned_after_its_last_feed_by_its_uuid() -> None:
    """The daemon froze between taking the run lock and reporting the new QEMU's pid: the
    watchdog still kills it, found by ``-uuid`` in its command line."""
    uuid = "0b1d2e3f-aaaa-4bbb-8ccc-123456789abc"
    other = _sleeper()
    dog = Feeder()
    try:
        dog.arm(0.8, [])
        dog.include(uuid)  # claim_run, before the spawn
        late = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "-uuid", uuid.upper()])
        assert late.wait(3) == -9
        assert other.poll() is None
    finally:
        dog.stop()
        other.kill()
        other.wait()


def test_fence_agent_is_given_the_host_and_its_exit_status_decides(tmp_path: Path) -> None:
    import asyncio

    from hvmctl.pool.member import run_fence_agent

    agent = tmp_path / "fence"
    agent.write_text("#!/bin/sh\necho \"fenced $1\" >> \"$(dirname \"$0\")/calls\"\n"
                     "[ \"$1\" = good ] && { echo off; exit 0; }\necho \"no BMC for $1\"; exit 1\n")
    agent.chmod(0o755)
    assert asyncio.run(run_fence_agent(str(agent), "good")) == (True, "off")
    assert asyncio.run(run_fence_agent(str(agent), "bad")) == (False, "no BMC for bad")
    assert (tmp_path / "calls").read_text() == "fenced good\nfenced bad\n"
    assert asyncio.run(run_fence_agent(str(tmp_path / "missing"), "x"))[0] is False
    slow = tmp_path / "slow"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    assert asyncio.run(run_fence_agent(str(slow), "x", timeout=0.3)) == (False, "timed out after 0 s")
