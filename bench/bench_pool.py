"""The pool's figures on one machine: a 3-member etcd cluster on loopback, hvmctl daemons
as pool members, tiny guests under TCG.

- host failure -> HA guest running elsewhere: kill -9 of a member (daemon and QEMU) until
  the guest's QEMU runs on a survivor, and until it has booted there; with the default lease
  (10 s) and a fast one (3 s; the margin and grace scale with it);
- `xm list --pool` with 3 members x N guests vs a local `xm list` of N guests (guests
  started paused: the same lists without 2 cores booting them all);
- `hvmctl host evacuate` of M idle guests (started paused, 32 MiB; live migration over the
  members' TLS endpoints).

    python bench/bench_pool.py [--guests 20] [--evacuate 10] [--rounds 10] [--failovers 1] [--skip-failover] [--skip-evacuate] [--skip-lists]

The daemons cannot run the fake backend (it lives in one test process), so the list figure
uses real QEMUs started paused (``xm create -p``, 32 MiB, never booted): 60 of them fit in
memory and cost 2 cores nothing once started; `xm list` only reads the daemon's records.
"""

from __future__ import annotations

import argparse
import signal
import time

from common import HvEnv, median, tiny_profile

from tests.integration.etcdcluster import EtcdCluster, free_ports
from tests.integration.poolenv import kill_member, member, new_prefix, qemu_pids, wait_members


def failover(etcd: EtcdCluster, ttl: int) -> tuple[float, float]:
    prefix = new_prefix()
    hosts = [member(etcd, h, prefix=prefix, ttl=ttl) for h in ("b1", "b2")]
    try:
        b1, b2 = hosts
        wait_members(b1, {"b1", "b2"})
        b1.write_profile("ha", tiny_profile("ha", vnc=False, more="ha = 1\n"))
        b1.hv("create", "ha", "--host", "b2")
        b2.wait_console("ha", "HVMCTL-READY")
        t0 = time.monotonic()
        kill_member(b2)
        while not qemu_pids(b1):
            time.sleep(0.02)
        running = time.monotonic() - t0
        b1.wait_console("ha", "HVMCTL-READY", timeout=120)
        return running, time.monotonic() - t0
    finally:
        for hv in hosts:
            hv.cleanup()


def lists(etcd: EtcdCluster, guests: int, rounds: int) -> tuple[float, float, float, float]:
    """Medians of: local `xm list`, `xm list --pool`, `xm block-list` of a guest of this member,
    and of a guest of another member (forwarded to it over its remote API)."""
    prefix = new_prefix()
    hosts = [member(etcd, h, prefix=prefix, extra={"HVMCTL_LISTEN": f"127.0.0.1:{port}"})
             for h, port in zip(("l1", "l2", "l3"), free_ports(3))]
    try:
        wait_members(hosts[0], {"l1", "l2", "l3"})
        for hv in hosts:
            for i in range(guests):
                name = f"{hv.env['HVMCTL_HOST_NAME']}g{i}"
                hv.write_profile(name, tiny_profile(name, vnc=False, memory=32))
                hv.hv("create", "-p", name)
        want = 3 * guests
        hosts[0].wait_for(lambda: len(hosts[0].hv("list", "--pool", "--json").json()) == want, timeout=30,
                          what="every guest in the pool view")
        local, pool, here, there = [], [], [], []
        for _ in range(rounds):
            for took, argv in ((local, ("list",)), (pool, ("list", "--pool")), (here, ("block-list", "l1g0")),
                               (there, ("block-list", "l2g0"))):
                t = time.perf_counter()
                hosts[0].hv(*argv)
                took.append(time.perf_counter() - t)
        return median(local), median(pool), median(here), median(there)
    finally:
        for hv in hosts:
            hv.cleanup()


def evacuate(etcd: EtcdCluster, count: int) -> float:
    prefix = new_prefix()
    ports = free_ports(2)
    hosts: list[HvEnv] = []
    try:
        for name, port in zip(("v1", "v2"), ports):
            hosts.append(member(etcd, name, prefix=prefix, extra={"HVMCTL_REMOTE_LISTEN": f"127.0.0.1:{port}"}))
        v1, v2 = hosts
        wait_members(v1, {"v1", "v2"})
        v1.wait_for(lambda: all("endpoint" in m for m in v1.hv("pool", "status", "--json").json()["members"]),
                    timeout=15, what="endpoints")
        for i in range(count):
            v1.write_profile(f"e{i}", tiny_profile(f"e{i}", vnc=False, memory=32))
            v1.hv("create", "-p", f"e{i}")
        t = time.monotonic()
        moved = v1.hv("host", "evacuate", "v1", "--json", timeout=900).json()["moved"]
        took = time.monotonic() - t
        assert all(m["state"] == "completed" for m in moved), moved
        assert len(qemu_pids(v2)) == count and not qemu_pids(v1)
        return took
    finally:
        for hv in hosts:
            hv.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=int, default=20, help="guests per member for the list figure")
    parser.add_argument("--evacuate", type=int, default=10, help="guests to evacuate")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--failovers", type=int, default=1, help="host failures per lease setting (medians)")
    parser.add_argument("--skip-failover", action="store_true")
    parser.add_argument("--skip-evacuate", action="store_true")
    parser.add_argument("--skip-lists", action="store_true")
    args = parser.parse_args()
    etcd = EtcdCluster.start(3)
    try:
        if not args.skip_failover:
            for ttl in (10, 3):
                runs = [failover(etcd, ttl) for _ in range(args.failovers)]
                running, booted = median([r[0] for r in runs]), median([r[1] for r in runs])
                print(f"host failure -> HA guest elsewhere (lease {ttl} s): QEMU running {running:.1f} s, "
                      f"booted {booted:.1f} s (median of {len(runs)}; running: {', '.join(f'{r[0]:.1f}' for r in runs)})")
        if not args.skip_lists:
            local, pool, here, there = lists(etcd, args.guests, args.rounds)
            print(f"xm list ({args.guests} guests) {local * 1000:.0f} ms; xm list --pool (3 x {args.guests}) "
                  f"{pool * 1000:.0f} ms (median of {args.rounds})")
            print(f"xm block-list of a guest here {here * 1000:.0f} ms; of a guest on another member "
                  f"(forwarded) {there * 1000:.0f} ms")
        if not args.skip_evacuate:
            print(f"host evacuate of {args.evacuate} idle guests: {evacuate(etcd, args.evacuate):.1f} s")
    finally:
        etcd.stop()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
