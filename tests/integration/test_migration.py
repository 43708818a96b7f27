"""xm migrate between two hvmctl daemons ("hosts" in their own network namespaces, joined by
a veth link) over the remote endpoint (TLS + token): the guest's processes carry on (counter,
uptime, no second boot) with shared and with copied storage; pre-flight refuses with every
problem listed; the endpoint refuses clients without the token; a destination killed or a
link cut mid-migration leaves the guest running at the source and nothing at the destination."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.migration_hosts import PORT, Hosts, two_hosts
from tests.integration.sockets import tcp_listeners

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")
MAC = "00:16:3e:6d:00:01"


def console(hv: HvEnv, name: str) -> str:
    try:
        return (hv.base / "state" / "log" / f"{name}.console.log").read_text(errors="replace")
    except FileNotFoundError:
        return ""


def counters(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^COUNTER (\d+)\r?$", text, re.M)]


def type_line(hv: HvEnv, name: str, line: str) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(hv.domain(name)["serial_socket"]))
        sock.sendall(line.encode() + b"\n")
        time.sleep(0.2)


def run_in_guest(hv: HvEnv, name: str, tag: str, command: str) -> str:
    """Type ``command`` and return what it printed after ``tag`` -- its whole line: the
    console log may end in the middle of a line still being written."""
    type_line(hv, name, f"echo {tag}=$({command})")
    found = hv.wait_for(lambda: re.findall(rf"^{tag}=(\S.*?)\r?\n", console(hv, name), re.M), timeout=30,
                        what=f"{tag} from the guest")
    return str(found[-1])


def counter_guest(hv: HvEnv, name: str, *, more: str = "", memory: int = 96) -> dict[str, object]:
    hv.write_profile(name, tiny_profile(name, extra="hvtest.counter=1", memory=memory,
                                        more=f'vif = ["mac={MAC}"]\n' + more))
    hv.hv("create", name)
    hv.wait_console(name, "COUNTER 2", timeout=120)
    return hv.domain(name)


def assert_continued(src: HvEnv, dst: HvEnv, name: str) -> None:
    """The guest on ``dst`` carries on the counter ``src`` saw, without booting again."""
    last = max(counters(console(src, name)))
    dst.wait_for(lambda: len(counters(console(dst, name))) >= 3, timeout=30, what="counter on the destination")
    after = console(dst, name)
    assert "HVMCTL-READY" not in after, "the guest booted again at the destination"
    assert last + 1 <= min(counters(after)) <= last + 2, (last, counters(after)[:5])


def test_live_migration_shared_storage_and_back(tmp_path: Path) -> None:
    with two_hosts(both_endpoints=True) as h:
        disk = h.src.base / "shared.img"  # the same path on both hosts: shared storage
        subprocess.run(["truncate", "-s", "16M", str(disk)], check=True, timeout=10)
        before = counter_guest(h.src, "lm1", more=f'disk = ["file:{disk},xvda,w"]\n')
        up_before = float(run_in_guest(h.src, "lm1", "UPA", "cut -d' ' -f1 /proc/uptime"))

        dry = h.migrate("--dry-run", "--json", "lm1", h.dst_addr).json()
        assert dry["ok"] and {c["check"] for c in dry["checks"]} >= {"identity", "memory", "qemu version",
                                                                    "machine type", "disk xvda"}
        assert h.dst.domains() == []  # a dry run moves nothing

        res = h.migrate("--live", "--json", "lm1", h.dst_addr).json()
        assert res["live"] and res["transport"] == "tls" and res["ram_bytes"] > 1 << 20
        assert res["stream"] == "tls"  # QEMU's TLS, verified against the pinned certificate
        assert 0 < res["downtime_ms"] < res["total_ms"]
        assert h.src.domains() == []
        moved = h.dst.domain("lm1")
        assert moved["state"] == "running" and moved["uuid"] == before["uuid"]
        assert [n["mac"] for n in moved["nics"]] == [MAC]
        assert_continued(h.src, h.dst, "lm1")
        assert float(run_in_guest(h.dst, "lm1", "UPB", "cut -d' ' -f1 /proc/uptime")) > up_before

        # and back, not live: paused first, then moved
        res = h.migrate("--json", "lm1", h.src_addr, src=h.dst).json()
        assert res["live"] is False and h.dst.domains() == []
        back = h.src.domain("lm1")
        assert back["state"] == "running" and back["uuid"] == before["uuid"]
        seen = max(counters(console(h.dst, "lm1")))
        h.src.wait_for(lambda: max(counters(console(h.src, "lm1"))) > seen + 2, timeout=30,
                       what="counter continuing after the way back")
        assert console(h.src, "lm1").count("HVMCTL-READY") == 1


def test_live_migration_copy_storage() -> None:
    with two_hosts(private_dir=True) as h:
        assert h.private is not None
        disk = h.private / "local.img"  # the destination has its own, empty, directory here
        subprocess.run(["truncate", "-s", "32M", str(disk)], check=True, timeout=10)
        counter_guest(h.src, "cs1", more=f'disk = ["file:{disk},xvda,w"]\n')
        stamp = f"HVDATA{os.getpid()}"
        type_line(h.src, "cs1", f"echo {stamp} | dd of=/dev/vda bs=512 seek=100 conv=fsync 2>/dev/null"
                                " && echo WROTE-$((40+2))")
        h.src.wait_console("cs1", "WROTE-42", timeout=30)
        assert stamp.encode() in disk.read_bytes()
        dst_disk = h.dst_root() / str(disk).lstrip("/")
        assert not dst_disk.exists()

        # without --copy-storage the destination lacks the image: refused before anything moves
        res = h.migrate("--live", "cs1", h.dst_addr, check=False)
        assert res.returncode == 1 and "does not exist here" in res.stderr and "--copy-storage" in res.stderr

        res = h.migrate("--live", "--copy-storage", "--json", "cs1", h.dst_addr).json()
        assert res["copy_storage"] and res["disk_bytes"] == 32 << 20
        assert_continued(h.src, h.dst, "cs1")
        data = dst_disk.read_bytes()
        assert len(data) == 32 << 20 and data[512 * 100: 512 * 100 + len(stamp)] == stamp.encode()
        # the guest reads its disk (not its page cache) at the destination and finds its data
        out = run_in_guest(h.dst, "cs1", "DISK",
                           "echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=512 skip=100 count=1 2>/dev/null"
                           " | head -c 20")
        assert out.startswith(stamp)


def test_preflight_lists_every_problem_and_endpoint_needs_token() -> None:
    with two_hosts() as h:
        disk = h.src.base / "pf.img"
        subprocess.run(["truncate", "-s", "8M", str(disk)], check=True, timeout=10)
        counter_guest(h.src, "pf1", more=f'disk = ["file:{disk},xvda,w"]\n')
        # the destination already runs a guest with that name and MAC
        h.dst.write_profile("pf1", tiny_profile("pf1", more=f'vif = ["mac={MAC}"]\n'))
        h.dst.hv("create", "pf1")
        dst_before = h.dst.domain("pf1")

        dry = h.migrate("--dry-run", "--json", "--copy-storage", "pf1", h.dst_addr, check=False)
        assert dry.returncode == 1
        problems = dry.json()["problems"]
        assert any("name 'pf1'" in p for p in problems) and any(MAC in p for p in problems)
        assert any("refusing to overwrite" in p for p in problems)  # same path: not a copy target
        res = h.migrate("--live", "--copy-storage", "pf1", h.dst_addr, check=False)
        assert res.returncode == 1 and "pre-flight" in res.stderr
        assert "name 'pf1'" in res.stderr and MAC in res.stderr and "refusing to overwrite" in res.stderr
        assert h.src.domain("pf1")["state"] == "running"
        assert [d["id"] for d in h.dst.domains()] == [dst_before["id"]]

        # the endpoint: wrong token, no token, no TLS -- all refused before any operation
        peers = h.src.base / "state" / "remote" / "peers" / h.dst_addr
        bad = peers.parent / "bad.token"
        bad.write_text("not-the-token-at-all\n")
        res = h.migrate("--live", "--token-file", str(bad), "pf1", h.dst_addr, check=False)
        assert res.returncode == 1 and "token" in res.stderr
        ca = (peers / "cert.pem").read_text()
        replies = asyncio.run(_raw_clients(h, ca))
        assert replies["no token"] == {"error": "auth", "message": "a valid token is required"}
        assert replies["preflight first"]["error"] == "auth"
        assert replies["plain tcp"] == "refused"
        assert replies["good token"]["ok"]["host"]
        assert h.src.domain("pf1")["state"] == "running"


async def _raw_clients(h: Hosts, ca: str) -> dict[str, object]:
    """Talk to the endpoint by hand, from inside the source's network namespace."""
    from hvmctl.network.netns import netns_preexec

    code = (
        "import asyncio, json, ssl, struct, sys\n"
        "async def ask(msg, tls=True):\n"
        "    ctx = ssl.create_default_context(cadata=sys.argv[1]); ctx.check_hostname = False\n"
        "    try:\n"
        "        r, w = await asyncio.wait_for(asyncio.open_connection(sys.argv[2], int(sys.argv[3]),"
        " ssl=ctx if tls else None), 10)\n"
        "    except Exception as e:\n"
        "        return 'refused'\n"
        "    body = json.dumps(msg).encode(); w.write(struct.pack('>I', len(body)) + body)\n"
        "    try:\n"
        "        n = struct.unpack('>I', await asyncio.wait_for(r.readexactly(4), 10))[0]\n"
        "        reply = json.loads(await r.readexactly(n))\n"
        "        if 'error' in reply and await asyncio.wait_for(r.read(1), 10) == b'': reply['closed'] = True\n"
        "        return reply\n"
        "    except Exception as e:\n"
        "        return 'refused'\n"
        "async def main():\n"
        "    tok = open(sys.argv[4]).read().strip()\n"
        "    out = {'no token': await ask({'op': 'hello', 'args': {}}),\n"
        "           'preflight first': await ask({'op': 'preflight', 'args': {}}),\n"
        "           'plain tcp': await ask({'op': 'hello', 'args': {'token': tok}}, tls=False),\n"
        "           'good token': await ask({'op': 'hello', 'args': {'token': tok}})}\n"
        "    print(json.dumps(out))\n"
        "asyncio.run(main())\n"
    )
    import sys

    token = h.src.base / "state" / "remote" / "peers" / h.dst_addr / "token"
    pre = netns_preexec(h.ns[0])
    try:
        proc = subprocess.run([sys.executable, "-c", code, ca, h.dst_addr, str(PORT), str(token)],
                              capture_output=True, text=True, timeout=60, preexec_fn=pre)
    finally:
        pre.close()
    out: dict[str, object] = json.loads(proc.stdout)
    for key in ("no token", "preflight first"):
        reply = out[key]
        assert isinstance(reply, dict) and reply.pop("closed", False), f"{key}: connection left open"
    return out


def _dst_qemu_pids(dst: HvEnv) -> list[int]:
    pids = []
    for record in (dst.base / "state" / "domains").glob("*.json"):
        pid = (json.loads(record.read_text()).get("runtime") or {}).get("pid")
        if pid:
            pids.append(int(pid))
    return pids


def _start_slow_migration(h: Hosts, name: str, *extra: str) -> subprocess.Popen[str]:
    """A migration throttled to ~3 MB/s (xm's -r, in Mbit/s) so a fault can hit mid-way."""
    import sys

    argv = [sys.executable, "-m", "hvmctl", "migrate", "-t", "tls", "--live", "-r", "24",
            "--stall-timeout", "3", *extra, name, h.dst_addr]
    return subprocess.Popen(argv, env=h.src.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_prepared(h: Hosts, name: str) -> None:
    h.dst.wait_for(lambda: any(d["name"] == name for d in h.dst.domains()), timeout=30,
                   what="the incoming guest at the destination")
    time.sleep(2)  # well into the memory phase


def test_destination_killed_mid_migration() -> None:
    with two_hosts() as h:
        counter_guest(h.src, "fk1")
        proc = _start_slow_migration(h, "fk1")
        _wait_prepared(h, "fk1")
        pids = _dst_qemu_pids(h.dst)
        # mid-stream: no QEMU listens on a port of its own (the daemons made the connection;
        # each QEMU holds only its daemon's VNC listening socket)
        assert h.src.daemon is not None and h.dst.daemon is not None
        assert pids and all(tcp_listeners(pid, besides=h.dst.daemon.pid) == [] for pid in pids)
        assert tcp_listeners(h.src.domain("fk1")["pid"], besides=h.src.daemon.pid) == []
        assert h.dst.daemon is not None
        h.dst.daemon.kill()  # the destination host dies: daemon and its QEMU
        h.dst.daemon.wait(10)
        h.dst.daemon = None
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "failed" in err and "keeps running here" in err, err
        dom = h.src.domain("fk1")
        assert dom["state"] == "running"
        seen = max(counters(console(h.src, "fk1")))
        h.src.wait_console("fk1", f"COUNTER {seen + 3}", timeout=30)
        # the destination comes back with nothing half-created
        Path(h.dst.env["HVMCTL_SOCKET"]).unlink(missing_ok=True)
        h.dst.start_daemon()
        assert h.dst.domains() == []  # its first list already (from disk, before re-attach)
        # re-attach then removes what the killed daemon half-made (it answers lists before that)
        h.dst.wait_for(lambda: not list((h.dst.base / "state" / "domains").glob("*.json")), timeout=30,
                       what="the incoming record removed")
        assert list((h.dst.base / "state" / "migration").glob("incoming-*")) == []
        assert h.dst.domains() == []


def test_link_cut_mid_copy_storage_migration() -> None:
    with two_hosts(private_dir=True) as h:
        assert h.private is not None
        disk = h.private / "cut.img"  # small: the cut comes in the memory phase (see the report)
        subprocess.run(["truncate", "-s", "1M", str(disk)], check=True, timeout=10)
        counter_guest(h.src, "lc1", more=f'disk = ["file:{disk},xvda,w"]\n')
        proc = _start_slow_migration(h, "lc1", "--copy-storage")
        _wait_prepared(h, "lc1")
        dst_disk = h.dst_root() / str(disk).lstrip("/")
        assert dst_disk.exists()  # the copy target was created...
        h.link(False)
        try:
            _, err = proc.communicate(timeout=90)
            assert proc.returncode == 1 and "keeps running here" in err, err
            assert re.search(r"stalled|no data moved|lost the connection|did not answer", err), err
            assert h.src.domain("lc1")["state"] == "running"
            seen = max(counters(console(h.src, "lc1")))
            h.src.wait_console("lc1", f"COUNTER {seen + 3}", timeout=30)
            # ...and the destination discards the guest and the copy once it notices
            h.dst.wait_for(lambda: h.dst.domains() == [], timeout=90, what="the destination discarding it")
            assert not dst_disk.exists()
        finally:
            h.link(True)


# ---- the ssh transport (the default) ----------------------------------------------------------
def test_ssh_live_migration_shared_storage_and_refusals() -> None:
    with two_hosts(sshd=True) as h:
        assert h.ssh is not None
        disk = h.src.base / "sshared.img"  # the same path on both hosts: shared storage
        subprocess.run(["truncate", "-s", "16M", str(disk)], check=True, timeout=10)
        before = counter_guest(h.src, "sm1", more=f'disk = ["file:{disk},xvda,w"]\n')
        up_before = float(run_in_guest(h.src, "sm1", "UPA", "cut -d' ' -f1 /proc/uptime"))

        # a key the destination does not authorize: ssh's own reason, on one line; nothing moved
        res = h.migrate_ssh("--live", "sm1", h.dst_addr, key=h.ssh.dir / "other_key", check=False)
        assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert "ssh to 10.98.0.2 refused" in res.stderr and "Permission denied" in res.stderr, res.stderr
        assert h.src.domain("sm1")["state"] == "running" and h.dst.domains() == []
        # the same for a host key that does not match (StrictHostKeyChecking, never a prompt)
        (h.ssh.dir / "known_hosts").write_text(
            f"[{h.dst_addr}]:{h.ssh.port} " + " ".join((h.ssh.dir / "other_key.pub").read_text().split()[:2]) + "\n")
        res = h.migrate_ssh("--live", "sm1", h.dst_addr, check=False)
        assert res.returncode == 1 and "Host key verification failed" in res.stderr, res.stderr
        host_pub = (h.ssh.dir / "host_key.pub").read_text().split()
        (h.ssh.dir / "known_hosts").write_text(f"[{h.dst_addr}]:{h.ssh.port} {host_pub[0]} {host_pub[1]}\n")
        assert h.src.domain("sm1")["state"] == "running" and h.dst.domains() == []

        dry = h.migrate_ssh("--dry-run", "--json", "sm1", h.dst_addr).json()
        assert dry["ok"] and h.dst.domains() == []

        res = h.migrate_ssh("--live", "--json", "sm1", h.dst_addr).json()  # no -t: ssh is the default
        assert res["transport"] == "ssh" and res["stream"] == "ssh" and res["live"] and res["ram_bytes"] > 1 << 20
        assert 0 < res["downtime_ms"] < res["total_ms"]
        assert h.src.domains() == []
        moved = h.dst.domain("sm1")
        assert moved["state"] == "running" and moved["uuid"] == before["uuid"]
        assert_continued(h.src, h.dst, "sm1")
        assert float(run_in_guest(h.dst, "sm1", "UPB", "cut -d' ' -f1 /proc/uptime")) > up_before
        # both sessions really went through sshd (control + the -W memory stream)
        log = h.ssh.log()
        assert log.count("Accepted publickey for root") >= 3, log[-2000:]
        assert "direct-tcpip" in log or "Connection from" in log


def test_ssh_live_migration_copy_storage() -> None:
    with two_hosts(private_dir=True, sshd=True) as h:
        assert h.private is not None and h.ssh is not None
        disk = h.private / "sslocal.img"
        subprocess.run(["truncate", "-s", "32M", str(disk)], check=True, timeout=10)
        counter_guest(h.src, "sc1", more=f'disk = ["file:{disk},xvda,w"]\n')
        up_before = float(run_in_guest(h.src, "sc1", "UPA", "cut -d' ' -f1 /proc/uptime"))
        stamp = f"HVSSH{os.getpid()}"
        type_line(h.src, "sc1", f"echo {stamp} | dd of=/dev/vda bs=512 seek=200 conv=fsync 2>/dev/null"
                                " && echo WROTE-$((40+3))")
        h.src.wait_console("sc1", "WROTE-43", timeout=30)
        dst_disk = h.dst_root() / str(disk).lstrip("/")
        assert not dst_disk.exists()

        res = h.migrate_ssh("--live", "--copy-storage", "--json", "sc1", h.dst_addr).json()
        assert res["transport"] == "ssh" and res["copy_storage"] and res["disk_bytes"] == 32 << 20
        assert h.src.domains() == []
        assert_continued(h.src, h.dst, "sc1")
        data = dst_disk.read_bytes()
        assert len(data) == 32 << 20 and data[512 * 200: 512 * 200 + len(stamp)] == stamp.encode()
        out = run_in_guest(h.dst, "sc1", "DISK",
                           "echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=512 skip=200 count=1 2>/dev/null"
                           " | head -c 20")
        assert out.startswith(stamp)
        assert float(run_in_guest(h.dst, "sc1", "UPB", "cut -d' ' -f1 /proc/uptime")) > up_before
