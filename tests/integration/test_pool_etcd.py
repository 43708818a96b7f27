"""hvmctl/pool/etcd.py against a real etcd (no guests): the watch the HA manager wakes on,
and TLS with client certificates (etcd --client-cert-auth)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.integration.etcdcluster import EtcdCluster
from tests.integration.poolenv import member, new_prefix, wait_members


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


def test_tls_with_client_certificates_and_a_member_without_one_is_refused_in_one_line(tmp_path: Path) -> None:
    from hvmctl.pool import PoolError
    from hvmctl.pool.etcd import Etcd, EtcdTls

    async def run(cluster: EtcdCluster) -> tuple[str | None, list[str], str]:
        assert cluster.tls is not None
        ends = tuple(cluster.endpoints.split(","))
        good = Etcd(ends, timeout=1.0, tls=EtcdTls(str(cluster.tls.ca), str(cluster.tls.client_cert),
                                                   str(cluster.tls.client_key)))
        kinds: list[str] = []

        async def watch() -> None:
            async for kind, _ in good.watch("/t/"):
                kinds.append(kind)
                if len(kinds) == 2:
                    return

        task = asyncio.create_task(watch())
        while not kinds:
            await asyncio.sleep(0.01)
        await good.put("/t/k", "over TLS")
        got = await good.get("/t/k")
        await asyncio.wait_for(task, 5)
        await good.close()
        bare = Etcd(ends, timeout=1.0, tls=EtcdTls(ca=str(cluster.tls.ca)))  # no client certificate
        try:
            await bare.get("/t/k")
            raise AssertionError("etcd answered a client without a certificate")
        except PoolError as exc:
            refused = exc.message
        await bare.close()
        return got, kinds, refused

    with EtcdCluster.running(1, tls=True) as cluster:
        assert cluster.endpoints.startswith("https://")
        got, kinds, refused = asyncio.run(run(cluster))
        assert got == "over TLS" and kinds == ["WATCHING", "PUT"]
        assert "\n" not in refused and "requires a client certificate" in refused, refused
        assert "pool_etcd_cert" in refused, refused

        # daemons: one with the CA, certificate and key in its config file joins; one
        # without a certificate keeps its local commands and says why it is not in the pool
        assert cluster.tls is not None
        conf = tmp_path / "member.conf"
        conf.write_text(f"pool_etcd_ca = {cluster.tls.ca}\npool_etcd_cert = {cluster.tls.client_cert}\n"
                        f"pool_etcd_key = {cluster.tls.client_key}\n")
        prefix = new_prefix()
        hosts = []
        try:
            hosts.append(member(cluster, "ta", prefix=prefix, extra={"HVMCTL_CONFIG": str(conf)}))
            hosts.append(member(cluster, "tb", prefix=prefix, extra={"HVMCTL_POOL_ETCD_CA": str(cluster.tls.ca)}))
            ta, tb = hosts
            wait_members(ta, {"ta"})
            time.sleep(1)
            assert {m["host"] for m in ta.hv("pool", "status", "--json").json()["members"]} == {"ta"}
            res = tb.hv("pool", "status", check=False)
            assert res.returncode == 1, res.stdout
            line = res.stderr.strip()
            assert "\n" not in line and "etcd requires a client certificate" in line, line
            assert tb.hv("list", "--json").returncode == 0  # local commands go on
        finally:
            for hv in hosts:
                hv.cleanup()
