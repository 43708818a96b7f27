"""The one module that talks to etcd (through aetcd, an asyncio gRPC client of etcd's v3
API; it works with Debian's etcd 3.4). Everything else in the pool uses :class:`Etcd`:
strings in, strings out, one error (:class:`PoolError`) whatever went wrong.

aetcd connects to one address; with several endpoints, a call that cannot reach its
member moves on to the next one (each is tried once per call), so losing one member of a
three-node cluster costs a call one timeout at most, once.

``https://`` endpoints are spoken to over TLS (aetcd itself only opens plaintext channels:
:class:`_TlsClient` puts its stubs on a gRPC TLS channel), with the pool's CA and, for an
etcd run with ``--client-cert-auth``, this member's client certificate and key.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

# Before grpc loads: its fork support (pthread_atfork handlers) makes a plain fork() child
# die before exec while gRPC threads run. The daemon forks -- not vforks -- every QEMU it
# starts as the guest's own uid, and those children were dying silently ("QEMU exited
# before its monitor answered", an empty QEMU log). We never use gRPC in a forked child.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "0")

import aetcd  # noqa: E402
import aetcd.rpc
import aetcd.watcher
import grpc

from hvmctl.pool import PoolError

log = logging.getLogger("hvmctl.pool.etcd")

T = TypeVar("T")


def _address(endpoint: str) -> tuple[bool, str, int]:
    """``http(s)://H:P`` (or ``H:P``) -> (TLS?, H, P)."""
    parts = urlsplit(endpoint if "//" in endpoint else f"http://{endpoint}")
    if parts.scheme not in ("http", "https", ""):
        raise PoolError(f"{endpoint}: etcd endpoints are http:// or https://")
    return parts.scheme == "https", parts.hostname or "127.0.0.1", parts.port or 2379


@dataclass(frozen=True)
class EtcdTls:
    """Files (paths) for ``https://`` endpoints: the CA that signed etcd's certificate
    (None: the system's roots) and this member's client certificate and key (both or
    neither; etcd with ``--client-cert-auth`` refuses a member without them)."""

    ca: str | None = None
    cert: str | None = None
    key: str | None = None

    def credentials(self) -> grpc.ChannelCredentials:
        def read(path: str | None, what: str) -> bytes | None:
            if path is None:
                return None
            try:
                with open(path, "rb") as f:
                    return f.read()
            except OSError as exc:
                raise PoolError(f"etcd TLS: cannot read the {what} {path}: {exc.strerror}") from None

        return grpc.ssl_channel_credentials(root_certificates=read(self.ca, "CA (pool_etcd_ca)"),
                                            private_key=read(self.key, "client key (pool_etcd_key)"),
                                            certificate_chain=read(self.cert, "client certificate (pool_etcd_cert)"))


class _TlsClient(aetcd.Client):  # type: ignore[misc]  # aetcd has no type hints
    """aetcd's client on a TLS channel: aetcd builds its stubs on a plaintext channel that
    has not been used yet; they are built again here on a TLS one to the same address."""

    def __init__(self, *, host: str, port: int, timeout: float, credentials: grpc.ChannelCredentials) -> None:
        super().__init__(host=host, port=port, timeout=timeout)
        self._credentials = credentials

    async def connect(self) -> None:
        if self._connected.is_set():
            return
        await super().connect()
        plain: Any = getattr(self, "channel")  # aetcd's plaintext one, never used
        channel = grpc.aio.secure_channel(f"{self._host}:{self._port}", self._credentials)
        rpc = aetcd.rpc  # the stubs aetcd's calls use, as its own connect makes them
        self.channel = channel
        self.kvstub, self.clusterstub = rpc.KVStub(channel), rpc.ClusterStub(channel)
        self.leasestub, self.maintenancestub = rpc.LeaseStub(channel), rpc.MaintenanceStub(channel)
        self._watcher = aetcd.watcher.Watcher(rpc.WatchStub(channel), timeout=self._timeout)
        await plain.close()


def _why(exc: BaseException, tls: "EtcdTls") -> str:
    """One line for a failed call; a TLS session etcd refused says what this member lacks.
    (With TLS 1.3 etcd's refusal of a client certificate arrives after the handshake, as an
    alert gRPC reports only as undecryptable data.)"""
    text = str(exc)
    refused = any(s in text for s in ("TSI_DATA_CORRUPTED", "CERTIFICATE_REQUIRED", "BAD_CERTIFICATE", "UNKNOWN_CA"))
    if refused and tls.cert is None:
        return ("etcd requires a client certificate (--client-cert-auth) and this member has none: "
                "set pool_etcd_cert and pool_etcd_key (HVMCTL_POOL_ETCD_CERT, HVMCTL_POOL_ETCD_KEY)")
    if refused:
        return f"etcd refused this member's client certificate {tls.cert} (not signed by a CA etcd trusts?)"
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return "etcd's certificate is not signed by the CA given (pool_etcd_ca, HVMCTL_POOL_ETCD_CA)"
    if "handshake" in text.lower() or "WRONG_VERSION_NUMBER" in text:
        return "the TLS handshake with etcd failed (an https:// endpoint that speaks plain http, or the reverse?)"
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


class Etcd:
    """A client of the pool's etcd cluster."""

    def __init__(self, endpoints: tuple[str, ...], *, timeout: float = 2.0, tls: EtcdTls | None = None) -> None:
        if not endpoints:
            raise PoolError("no etcd endpoint given (HVMCTL_POOL_ETCD)")
        self.endpoints = endpoints
        self.timeout = timeout
        self.tls = tls or EtcdTls()
        self._index = 0
        self._client: Any = None

    def _new_client(self) -> Any:
        secure, host, port = _address(self.endpoint)
        if secure:
            return _TlsClient(host=host, port=port, timeout=self.timeout, credentials=self.tls.credentials())
        return aetcd.Client(host=host, port=port, timeout=self.timeout)

    @property
    def endpoint(self) -> str:
        return self.endpoints[self._index]

    async def _connected(self) -> Any:
        if self._client is None:
            client = self._new_client()
            await client.connect()
            self._client = client
        return self._client

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await asyncio.wait_for(client.close(), 1.0)
            except Exception:  # noqa: BLE001  (a dead channel may fail to close: it is gone)
                pass

    async def _call(self, what: str, fn: Callable[[Any], Awaitable[T]]) -> T:
        """``fn(client)``, on each endpoint in turn until one answers."""
        last: BaseException | None = None
        for _ in range(len(self.endpoints)):
            try:
                client = await self._connected()
                return await asyncio.wait_for(fn(client), self.timeout + 0.5)
            except (aetcd.exceptions.ConnectionFailedError, aetcd.exceptions.ConnectionTimeoutError,
                    asyncio.TimeoutError, OSError) as exc:
                last = exc
                log.debug("etcd %s: %s failed: %s", self.endpoint, what, exc)
                await self._drop()
                self._index = (self._index + 1) % len(self.endpoints)
            except aetcd.exceptions.ClientError as exc:
                raise PoolError(f"etcd: {what}: {exc}") from exc
            except grpc.RpcError as exc:  # from the calls aetcd leaves unwrapped (lease keep-alive)
                last = exc
                await self._drop()
                self._index = (self._index + 1) % len(self.endpoints)
        why = _why(last, self.tls) if last is not None else "no endpoint answered"
        state = "refused this member" if "client certificate" in why else "unreachable"
        raise PoolError(f"etcd {state} ({', '.join(self.endpoints)}): {what}: {why}")

    async def close(self) -> None:
        await self._drop()

    # ---- keys ---------------------------------------------------------------------------
    async def get(self, key: str) -> str | None:
        async def run(c: Any) -> str | None:
            got = await c.get(key.encode())
            return None if got is None else bytes(got.value).decode()

        return await self._call(f"get {key}", run)

    async def get_prefix(self, prefix: str) -> list[tuple[str, str, int]]:
        """Every (key, value, lease) under ``prefix``, in key order."""
        async def run(c: Any) -> list[tuple[str, str, int]]:
            got = await c.get_prefix(prefix.encode())
            return [(bytes(kv.key).decode(), bytes(kv.value).decode(), int(kv.lease)) for kv in got]

        return await self._call(f"list {prefix}", run)

    async def put(self, key: str, value: str, *, lease: int | None = None) -> None:
        async def run(c: Any) -> None:
            await c.put(key.encode(), value.encode(), lease=lease or 0)

        await self._call(f"put {key}", run)

    async def delete(self, key: str) -> None:
        async def run(c: Any) -> None:
            await c.delete(key.encode())

        await self._call(f"delete {key}", run)

    async def create(self, key: str, value: str, *, lease: int | None = None,
                     also: dict[str, str] | None = None) -> tuple[bool, str | None]:
        """Put ``key`` (and the ``also`` keys, no lease) only if ``key`` does not exist: one
        transaction. (True, None), or (False, the value that is there)."""
        async def run(c: Any) -> tuple[bool, str | None]:
            t = c.transactions
            ops = [t.put(key.encode(), value.encode(), lease=lease or 0)]
            ops += [t.put(k.encode(), v.encode()) for k, v in (also or {}).items()]
            ok, responses = await c.transaction(compare=[t.version(key.encode()) == 0], success=ops,
                                                failure=[t.get(key.encode())])
            if ok:
                return True, None
            found = responses[0] if responses else []
            return False, (bytes(found[0][0]).decode() if found else None)

        return await self._call(f"create {key}", run)

    async def replace(self, key: str, old: str, value: str, *, lease: int | None = None) -> bool:
        """Put ``key`` only if its value is ``old`` (compare-and-swap)."""
        async def run(c: Any) -> bool:
            t = c.transactions
            ok, _ = await c.transaction(compare=[t.value(key.encode()) == old.encode()],
                                        success=[t.put(key.encode(), value.encode(), lease=lease or 0)], failure=[])
            return bool(ok)

        return await self._call(f"replace {key}", run)

    async def delete_if(self, key: str, value: str) -> bool:
        """Delete ``key`` only if it still holds ``value`` (a lock released by its holder)."""
        async def run(c: Any) -> bool:
            t = c.transactions
            ok, _ = await c.transaction(compare=[t.value(key.encode()) == value.encode()],
                                        success=[t.delete(key.encode())], failure=[])
            return bool(ok)

        return await self._call(f"delete {key}", run)

    # ---- watches ------------------------------------------------------------------------
    async def watch(self, prefix: str) -> AsyncIterator[tuple[str, str]]:
        """("WATCHING", prefix) once the watch is set up (what happened before is not told),
        then ("PUT"|"DELETE", key) of every change under ``prefix``; on a connection of its
        own (an endpoint switch of the calls does not end it). It ends, or raises PoolError,
        when the stream breaks: the caller watches again."""
        where = self.endpoint
        client = self._new_client()
        try:
            try:
                await asyncio.wait_for(client.connect(), self.timeout)
                stream = await asyncio.wait_for(client.watch_prefix(prefix.encode()), self.timeout + 0.5)
            except Exception as exc:  # noqa: BLE001  (not set up: tried again, on the next endpoint)
                self._index = (self._index + 1) % len(self.endpoints)  # the next watch tries another
                raise PoolError(f"etcd {where}: cannot watch {prefix}: {_why(exc, self.tls)}") from exc
            yield "WATCHING", prefix  # set up: changes from here on are seen
            try:
                async for event in stream:
                    yield str(event.kind), bytes(event.kv.key).decode()
            except Exception as exc:  # noqa: BLE001  (whatever ended the stream: watched again)
                raise PoolError(f"etcd {where}: the watch of {prefix} broke: {_why(exc, self.tls)}") from exc
        finally:
            try:
                await asyncio.wait_for(client.close(), 1.0)
            except Exception:  # noqa: BLE001  (a dead channel may fail to close: it is gone)
                pass

    # ---- leases -------------------------------------------------------------------------
    async def grant(self, ttl: int) -> int:
        async def run(c: Any) -> int:
            return int((await c.lease(ttl)).id)

        return await self._call("grant a lease", run)

    async def refresh(self, lease: int) -> int:
        """Renew ``lease``; its TTL now, 0 when it has expired (etcd no longer knows it)."""
        async def run(c: Any) -> int:
            reply = await c.refresh_lease(lease)
            return int(reply.TTL) if reply is not None else 0

        return await self._call("renew the lease", run)

    async def revoke(self, lease: int) -> None:
        async def run(c: Any) -> None:
            await c.revoke_lease(lease)

        await self._call("revoke the lease", run)

    # ---- the cluster --------------------------------------------------------------------
    async def cluster(self) -> dict[str, Any]:
        """The answering member's view: its etcd version, the raft leader, the members."""
        async def run(c: Any) -> dict[str, Any]:
            status = await c.status()
            members = [{"name": m.name, "id": m.id, "client_urls": list(m.client_urls)}
                       async for m in c.members()]
            return {"version": status.version, "leader": status.leader.name if status.leader else None,
                    "members": members, "endpoint": self.endpoint}

        return await self._call("status", run)
