"""hvmctl/pool/etcd.py against a real etcd (no guests): the watch the HA manager wakes on."""

from __future__ import annotations

import asyncio
import time

from tests.integration.etcdcluster import EtcdCluster


def test_watch_sees_puts_and_a_lease_expiry_at_once_and_ends_when_etcd_goes() -> None:
    from hvmctl.pool import PoolError
    from hvmctl.pool.etcd import Etcd

    async def run(cluster: EtcdCluster) -> tuple[list[tuple[str, str]], float, str]:
        etcd = Etcd(tuple(cluster.endpoints.split(",")), timeout=1.0)
        seen: list[tuple[str, str]] = []
        expired = asyncio.Event()
        ended = asyncio.Event()
        why = ""

        async def watch() -> None:
            nonlocal why
            try:
                async for kind, key in etcd.watch("/w/"):
                    seen.append((kind, key))
                    if (kind, key) == ("DELETE", "/w/members/x"):
                        expired.set()
                why = "ended"
            except PoolError as exc:
                why = exc.message
            ended.set()

        task = asyncio.create_task(watch())
        while not seen:
            await asyncio.sleep(0.01)
        lease = await etcd.grant(2)
        await etcd.put("/w/members/x", "{}", lease=lease)
        await etcd.put("/other", "not watched")
        granted = time.monotonic()
        await asyncio.wait_for(expired.wait(), 10)
        after = time.monotonic() - granted
        for name in list(cluster.procs):
            cluster.stop_member(name)
        await asyncio.wait_for(ended.wait(), 15)
        await task
        await etcd.close()
        return seen, after, why

    with EtcdCluster.running(1) as cluster:
        seen, after, why = asyncio.run(run(cluster))
    assert seen == [("WATCHING", "/w/"), ("PUT", "/w/members/x"), ("DELETE", "/w/members/x")], seen
    assert 1.5 < after < 4.0, after  # the 2 s lease, and etcd's expiry check (every 0.5 s)
    assert why, why  # the stream's end is seen: the member polls until it watches again
