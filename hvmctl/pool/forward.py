"""Forwarding: a command naming a domain that lives on another pool member is relayed there.

One place for every action: an ASGI wrapper around the daemon's app (both listeners). A
request whose action names a domain (``/v1/domains/{ref}...``) that this daemon does not
have is looked up in the pool view (``domains/HOST`` in etcd); when another member has it,
the same method, path, query and body go to that member's remote API (HVMCTL_LISTEN, as
published in its facts: address, certificate, and a pool token it made for itself), and its
answer (status, body, streamed) comes back as is. The caller was already authorised here
(the Guard, or the Unix socket); etcd is the pool's root of trust, as for migrations.
A forwarded request carries ``x-hvmctl-forwarded`` and is never forwarded again.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl import tlsload
from hvmctl.api import routing

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.pool")

HEADER = b"x-hvmctl-forwarded"
TOKEN_NAME = "pool-forward"
HOP_HEADERS = {b"host", b"content-length", b"transfer-encoding", b"connection", b"authorization", b"cookie"}


def own_token(daemon: "Daemon") -> str:
    """The secret of the token this member publishes for its peers (admin: a peer relays
    calls its own guard or socket already allowed). Kept across restarts while valid."""
    from hvmctl.atomic import write_bytes_atomic

    path: Path = daemon.paths.state_dir / "pool-forward.token"
    try:
        secret = path.read_text().strip()
        if daemon.tokens.verify(secret) is not None:
            return secret
    except OSError:
        pass
    if any(t["name"] == TOKEN_NAME for t in daemon.tokens.list()):
        daemon.tokens.revoke(TOKEN_NAME)  # its secret is lost: a new one
    _, secret = daemon.tokens.create("admin", TOKEN_NAME)
    write_bytes_atomic(path, secret.encode() + b"\n", 0o600, durable=True)
    return secret


def _ref(scope: "Scope") -> str | None:
    found = routing.match(str(scope.get("method", "GET")), str(scope.get("path", "")))
    return None if found is None else found[1].get("ref")


class Forward:
    """ASGI wrapper: relays requests for domains of other members (see the module doc)."""

    def __init__(self, app: "ASGIApp", daemon: "Daemon") -> None:
        self.app = app
        self.daemon = daemon

    async def __call__(self, scope: "Scope", receive: "Receive", send: "Send") -> None:
        member = getattr(self.daemon, "pool", None)
        ref = _ref(scope) if scope["type"] == "http" and member is not None else None
        if ref is None or any(k == HEADER for k, _ in scope.get("headers", [])) or self._local(ref):
            await self.app(scope, receive, send)
            return
        target = await self._owner(ref)
        if target is None:
            await self.app(scope, receive, send)  # nowhere in the pool either: the local 404
            return
        host, api = target
        if api is None:
            why = (f"domain '{ref}' is on pool member '{host}', which publishes no remote API to forward to "
                   f"(set HVMCTL_LISTEN there, or run the command on {host})")
            await _answer(send, 409, "pool", why)
            return
        await self._relay_until_gone(scope, receive, send, host, api)

    async def _relay_until_gone(self, scope: "Scope", receive: "Receive", send: "Send", host: str,
                                api: dict[str, Any]) -> None:
        """The relay, ended when the caller goes away: a streamed answer (``xm console``'s
        serial-out) would otherwise hold the owner's stream open for ever."""
        import asyncio

        body_done = asyncio.Event()
        gone = asyncio.Event()

        async def tracked() -> Any:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
            if not message.get("more_body"):
                body_done.set()
            return message

        async def watch() -> None:
            await body_done.wait()
            while not gone.is_set():
                if (await receive())["type"] == "http.disconnect":
                    gone.set()

        relay = asyncio.ensure_future(self._relay(scope, tracked, send, host, api))
        watcher = asyncio.ensure_future(watch())
        waiter = asyncio.ensure_future(gone.wait())
        try:
            await asyncio.wait({relay, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (relay, watcher, waiter):
                task.cancel()
            await asyncio.gather(relay, watcher, waiter, return_exceptions=True)
        if relay.done() and not relay.cancelled() and relay.exception() is not None:
            raise relay.exception()  # type: ignore[misc]

    def _local(self, ref: str) -> bool:
        from hvmctl.errors import NotFoundError

        try:
            dom = self.daemon.lookup(ref)
        except NotFoundError:
            return False
        return not self.daemon.pool.managed_defs.shadowed(dom)  # an idle copy of one running elsewhere

    async def _owner(self, ref: str) -> tuple[str, dict[str, Any] | None] | None:
        """(host, its published API endpoint or None) of the member that has domain ``ref``."""
        from hvmctl.errors import HvmctlError

        member: Any = self.daemon.pool
        try:
            rows = (await member.domains())["domains"]
            named = [r for r in rows if ref in (r.get("name"), r.get("uuid")) and r["host"] != member.host]
            hosts = {r["host"] for r in named}
            running = {member.runs.get(str(r.get("uuid"))) for r in named} & hosts
            if len(hosts) > 1 and len(running) == 1:
                hosts = running  # copies of one pool definition: the member that runs it
            if len(hosts) != 1:
                return None
            host = hosts.pop()
            api = (await member.members()).get(host, {}).get("api")
        except HvmctlError as exc:
            log.info("pool: not forwarding %s: %s", ref, exc.message)
            return None
        return host, (api or None)

    async def _relay(self, scope: "Scope", receive: "Receive", send: "Send", host: str, api: dict[str, Any]) -> None:
        tlsload.load()  # before httpx, which imports ssl itself
        import ssl

        import httpx

        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in HOP_HEADERS]
        headers += [(HEADER, str(self.daemon.pool.host).encode()),
                    (b"authorization", f"Bearer {api['token']}".encode())]
        verify = ssl.create_default_context(cadata=str(api["cert"]))
        verify.check_hostname = False  # pinned: the certificate etcd says the member has
        verify.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
        address = str(api["address"])
        url = f"https://{'[' + address + ']' if ':' in address else address}:{int(api['port'])}{scope['path']}"
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode()
        started = False
        try:
            async with httpx.AsyncClient(verify=verify, timeout=httpx.Timeout(30.0, read=None)) as client:
                request = client.build_request(str(scope["method"]), url, headers=headers, content=body)
                response = await client.send(request, stream=True)
                try:
                    out = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_HEADERS]
                    await send({"type": "http.response.start", "status": response.status_code,
                                "headers": out + [(HEADER, host.encode())]})
                    started = True
                    async for chunk in response.aiter_raw():
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    await send({"type": "http.response.body", "body": b""})
                finally:
                    await response.aclose()
        except httpx.HTTPError as exc:
            if started:  # cut off mid-answer: the client sees a truncated body
                log.warning("pool: forwarding to %s cut off: %s", host, exc)
                await send({"type": "http.response.body", "body": b""})
                return
            why = f"pool member '{host}' has this domain and cannot be reached at {url}: {exc or type(exc).__name__}"
            await _answer(send, 502, "pool", why)


async def _answer(send: "Send", status: int, kind: str, message: str) -> None:
    """An error in the API's one shape, from this wrapper."""
    data = json.dumps({"error": kind, "message": " ".join(message.split())}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": data})
