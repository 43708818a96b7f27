"""Live migration of an idle 256 MiB guest over loopback: hvmctl (two daemons, the TLS
endpoint's transport) against raw QEMU migration of the same guest in the same run, rounds
alternating (the guest goes A -> B, then B -> A, ...; raw and hvmctl take turns going first).

raw: two QEMUs with the same argv, the destination ``-incoming defer`` + ``migrate-incoming
tcp:127.0.0.1:0``, the source ``migrate tcp:127.0.0.1:PORT``, same capabilities (events) and
parameters (no bandwidth cap, 30 ms downtime limit) as hvmctl sets. Two raw baselines:
``raw_tcp`` (plain TCP) and ``raw_tls`` (QEMU's TLS with the same kind of creds hvmctl's TLS
transport uses: like for like with hvmctl, whose TLS transport streams memory in TLS).

Figures (medians):
- ``downtime_ms``: end to end, the source QEMU's ``STOP`` event -> the destination QEMU's
  ``RESUME`` event (QEMU's own CLOCK_REALTIME timestamps; one host), for raw and hvmctl alike;
  ``qemu_downtime_ms``: QEMU's own (source-side) ``downtime`` figure;
- ``total``: raw ``migrate`` -> destination running (and raw incl. starting the destination
  QEMU, which hvmctl's total includes); hvmctl ``job``: its daemon-side total (prepare incl.
  destination QEMU start, memory, handover: job start -> guest running at the destination),
  ``api``: the request (connect, pre-flight, job, source teardown) as a client already
  running sees it, ``cli``: the `hvmctl migrate` command's wall time.
Goals: downtime <= 50 ms; total <= 1.1x raw.

Usage: python bench/bench_migrate.py [--memory 256] [--rounds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sys
import time
from typing import Any

from common import HvEnv, median, tiny_profile  # noqa: E402

PARAMS = {"max-bandwidth": 1 << 40, "downtime-limit": 30}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stamp(event: Any) -> float:
    t = event["timestamp"]
    return float(t["seconds"]) + float(t["microseconds"]) / 1e6


async def _raw_setup(vm: Any, tls_dir: str | None, endpoint: str) -> None:
    await vm.qmp.execute("migrate-set-capabilities", {"capabilities": [{"capability": "events", "state": True}]})
    params: dict[str, Any] = dict(PARAMS)
    if tls_dir is not None:
        try:
            await vm.qmp.execute("object-del", {"id": "tls0"})
        except Exception:  # noqa: BLE001 -- none yet
            pass
        obj: dict[str, Any] = {"qom-type": "tls-creds-x509", "id": "tls0", "dir": tls_dir, "endpoint": endpoint}
        if endpoint == "server":
            obj["verify-peer"] = False
        await vm.qmp.execute("object-add", obj)
        params |= {"tls-creds": "tls0", "tls-hostname": "127.0.0.1"}
    else:
        params |= {"tls-creds": "", "tls-hostname": ""}
    await vm.qmp.execute("migrate-set-parameters", params)


async def raw_rounds(memory: int, rounds: int, tls: bool) -> list[dict[str, float]]:
    """One guest, migrated back and forth between fresh QEMUs ``rounds`` times."""
    import tempfile
    from pathlib import Path

    from qemu.qmp import EventListener

    from hvmctl.migration.protocol import ensure_qemu_tls
    from tests.fixtures.guests import tiny_guest
    from tests.fixtures.rawqemu import RawQemu

    tls_dir = str(ensure_qemu_tls(Path(tempfile.mkdtemp(prefix="bench-tls-")), ["127.0.0.1"])) if tls else None

    guest = tiny_guest()
    args = ["-kernel", str(guest.kernel), "-initrd", str(guest.initrd), "-append", guest.cmdline]
    src = RawQemu(args, memory_mib=memory)
    await src.start()
    await src.wait_serial("HVMCTL-READY", timeout=120)
    await asyncio.sleep(2)  # idle
    out = []
    try:
        for _ in range(rounds):
            t_spawn = time.monotonic()
            dst = RawQemu(args + ["-incoming", "defer"], memory_mib=memory)
            await dst.start()  # its "cont" makes it run as soon as the stream is in
            await _raw_setup(dst, tls_dir, "server")
            resumes, stops = EventListener(["RESUME"]), EventListener(["STOP"])
            dst.qmp.register_listener(resumes)
            src.qmp.register_listener(stops)
            await dst.qmp.execute("migrate-incoming", {"uri": "tcp:127.0.0.1:0"})
            port = (await dst.qmp.execute("query-migrate"))["socket-address"][0]["port"]
            await _raw_setup(src, tls_dir, "client")
            t0 = time.monotonic()
            await src.qmp.execute("migrate", {"uri": f"tcp:127.0.0.1:{port}"})
            while (info := await src.qmp.execute("query-migrate"))["status"] not in ("completed", "failed"):
                await asyncio.sleep(0.001)
            assert info["status"] == "completed", info
            resumed = await asyncio.wait_for(resumes.get(), 30)
            t_end = time.monotonic()
            stopped = stops.clear()[0]
            dst.qmp.remove_listener(resumes)
            src.qmp.remove_listener(stops)
            out.append({"downtime_ms": (_stamp(resumed) - _stamp(stopped)) * 1000,
                        "qemu_downtime_ms": float(info["downtime"]), "total_s": t_end - t0,
                        "total_incl_spawn_s": t_end - t_spawn, "qemu_total_ms": float(info["total-time"]),
                        "ram_bytes": float(info["ram"]["transferred"])})
            await src.close()
            src = dst
            await asyncio.sleep(1)
    finally:
        await src.close()
    return out


class TwoDaemons:
    """Two hvmctl daemons in this network namespace, each with a TLS endpoint on loopback and
    the other's token and certificate where `migrate` looks for them."""

    def __init__(self) -> None:
        self.envs = [HvEnv.make(), HvEnv.make()]
        self.ports = [_free_port(), _free_port()]
        for env, port in zip(self.envs, self.ports):
            env.env["HVMCTL_REMOTE_LISTEN"] = f"127.0.0.1:{port}"
            env.start_daemon()
        for i, env in enumerate(self.envs):
            other = self.envs[1 - i]
            other.wait_for(lambda o=other: "remote endpoint: TLS" in o.daemon_log(), timeout=30)
            peers = env.base / "state" / "remote" / "peers" / "127.0.0.1"
            peers.mkdir(parents=True, exist_ok=True)
            for name in ("token", "cert.pem"):
                shutil.copy(other.base / "state" / "remote" / name, peers / name)

    def cleanup(self) -> None:
        for env in self.envs:
            env.cleanup()


def hvmctl_rounds(memory: int, rounds: int) -> list[dict[str, float]]:
    from hvmctl.cli.client import Client
    from hvmctl.paths import Paths

    hosts = TwoDaemons()
    out = []
    try:
        a = hosts.envs[0]
        a.write_profile("bm", tiny_profile("bm", memory=memory, vnc=False))
        a.hv("create", "bm")
        a.wait_console("bm", "HVMCTL-READY", timeout=120)
        time.sleep(2)
        for i in range(rounds):
            src, dst_port = hosts.envs[i % 2], hosts.ports[1 - i % 2]
            if i % 2 == 0:  # the CLI as a user types it
                t0 = time.monotonic()
                res = src.hv("migrate", "-t", "tls", "--live", "--json", "bm", f"127.0.0.1:{dst_port}").json()
                wall = time.monotonic() - t0
                kind = "cli_s"
            else:  # the same request from a client already running: no CLI start-up
                for key in ("HVMCTL_STATE_DIR", "HVMCTL_RUN_DIR", "HVMCTL_SOCKET"):
                    os.environ[key] = src.env[key]
                client = Client(Paths.from_env(), autostart=False)
                peers = src.base / "state" / "remote" / "peers" / "127.0.0.1"
                body = {"host": "127.0.0.1", "port": dst_port, "transport": "tls", "live": True,
                        "token": (peers / "token").read_text().strip(), "ca_pem": (peers / "cert.pem").read_text()}
                t0 = time.monotonic()
                job = client.post("/v1/domains/bm/migrate", body)["job"]
                while (view := client.get(f"/v1/migrations/{job}"))["state"] == "running":
                    time.sleep(0.002)
                wall = time.monotonic() - t0
                assert view["state"] == "completed", view
                res, kind = view["result"], "api_s"
            row = {"downtime_ms": float(res["downtime_ms"]), "qemu_downtime_ms": float(res["qemu_downtime_ms"]),
                   "handover_ms": float(res["handover_ms"]), "job_s": res["total_ms"] / 1000,
                   "migrate_ms": float(res["migrate_ms"]), kind: wall, "ram_bytes": float(res["ram_bytes"])}
            row |= {f"src.{k}": float(v) for k, v in (res.get("steps") or {}).items()}
            row |= {f"dst.{k}": float(v) for k, v in (res.get("dest_steps") or {}).items()}
            out.append(row)
            time.sleep(1)
    finally:
        hosts.cleanup()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--memory", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=4)
    opts = ap.parse_args()
    raw: list[dict[str, float]] = []
    raw_tls: list[dict[str, float]] = []
    hvm: list[dict[str, float]] = []
    for i in range(2):  # two halves, who goes first alternating
        n = max(1, opts.rounds // 2)
        if i % 2:
            hvm += hvmctl_rounds(opts.memory, n)
            raw_tls += asyncio.run(raw_rounds(opts.memory, n, tls=True))
            raw += asyncio.run(raw_rounds(opts.memory, n, tls=False))
        else:
            raw += asyncio.run(raw_rounds(opts.memory, n, tls=False))
            raw_tls += asyncio.run(raw_rounds(opts.memory, n, tls=True))
            hvm += hvmctl_rounds(opts.memory, n)

    def med(rows: list[dict[str, float]], key: str) -> float | None:
        vals = [r[key] for r in rows if key in r]
        return round(median(vals), 4) if vals else None

    def meds(rows: list[dict[str, float]]) -> dict[str, float | None]:
        return {k: med(rows, k) for k in sorted({k for r in rows for k in r})}

    out: dict[str, Any] = {"memory_mib": opts.memory, "rounds": len(hvm), "load": os.getloadavg()[0],
                           "raw_tcp": meds(raw), "raw_tls": meds(raw_tls), "hvmctl": meds(hvm),
                           "samples": {"raw_tcp": raw, "raw_tls": raw_tls, "hvmctl": hvm}}
    r, rt, h = out["raw_tcp"], out["raw_tls"], out["hvmctl"]
    out["ratios"] = {
        "job/raw_tls_incl_spawn": round(h["job_s"] / rt["total_incl_spawn_s"], 2),
        "job/raw_tcp_incl_spawn": round(h["job_s"] / r["total_incl_spawn_s"], 2),
        "job/raw_tls_migrate_only": round(h["job_s"] / rt["total_s"], 2),
        "api/raw_tls_incl_spawn": round(h["api_s"] / rt["total_incl_spawn_s"], 2) if h.get("api_s") else None,
        "downtime hvmctl/raw_tls (end to end)": round(h["downtime_ms"] / max(rt["downtime_ms"], 0.1), 2),
    }
    out["goals"] = {"downtime_ms<=50": h["downtime_ms"] <= 50,
                    "total<=1.1x raw_tls (job vs raw incl. spawn)": out["ratios"]["job/raw_tls_incl_spawn"] <= 1.1,
                    "total<=1.1x raw_tcp (job vs raw incl. spawn)": out["ratios"]["job/raw_tcp_incl_spawn"] <= 1.1}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
