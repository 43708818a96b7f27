"""hvmctl's Python client: the daemon's actions, by name, from a program.

Every call is an action of the table (``hvmctl/api/wire.py``: name, path parameters, body)
and answers what the API answers; an error answer raises the matching
:class:`hvmctl.errors.HvmctlError` subclass (``NotFoundError``, ``StateError``...; HTTP 401
``UnauthorizedError``, 403 ``ForbiddenError``), with the daemon's message.

Local (the Unix socket; root or the daemon's user, no token)::

    from hvmctl.client import Client
    c = Client()
    print([d["name"] for d in c.act("list")["domains"]])
    c.act("shutdown", {"wait": True}, ref="web1")

Remote (the HTTPS listener of ``HVMCTL_LISTEN``, with a token)::

    c = Client("https://host:8443", token_file="/root/op.token")   # or token="hvm_..."
    async with AsyncClient("https://host:8443", token="hvm_...") as ac:
        info = await ac.act("host")

The server's certificate is checked as the CLI checks it (``hvmctl/cli/remote.py``): against
``ca=FILE`` when given, else pinned on first use in ``~/.config/hvmctl/known_hosts``. The
synchronous client *is* the CLI's (``hvmctl.cli.client.Client``, stdlib only); the
asynchronous one uses httpx, over the Unix socket or over TLS trusting exactly the
certificate that passed that check.
"""

from __future__ import annotations

import os
import ssl
from typing import Any

from hvmctl.api.wire import route
from hvmctl.cli import client as _cli
from hvmctl.cli.remote import Remote, read_token
from hvmctl.errors import HvmctlError
from hvmctl.locations import Locations

__all__ = ["AsyncClient", "Client"]


def _error(status: int, data: Any, text: str) -> HvmctlError:
    if isinstance(data, dict) and isinstance(data.get("error"), str) and isinstance(data.get("message"), str):
        return _cli.error_from(data["error"], data["message"])
    return HvmctlError(f"daemon answered {status}: {text[:200]}")


def _remote(url: str | None, token: str | None, token_file: str | None, ca: str | None,
            known_hosts: str | None) -> Remote | None:
    url = url or os.environ.get("HVMCTL_CONNECT") or None
    if not url:
        return None
    token_file = token_file or os.environ.get("HVMCTL_TOKEN_FILE") or None
    if token is None and token_file:
        token = read_token(token_file)
    return Remote(url, token, ca or os.environ.get("HVMCTL_CA") or None, known_hosts)


class Client:
    """Synchronous client: ``act(name, body, **params)`` and friends (see the module doc).
    No ``url`` (and no HVMCTL_CONNECT): the local daemon's Unix socket (``socket=`` or the
    usual place), started on demand as the CLI does."""

    def __init__(self, url: str | None = None, *, token: str | None = None, token_file: str | None = None,
                 ca: str | None = None, socket: str | None = None, known_hosts: str | None = None,
                 timeout: float = 3700.0, autostart: bool = True) -> None:
        self.remote = _remote(url, token, token_file, ca, known_hosts)
        env = dict(os.environ)
        if socket is not None:
            env["HVMCTL_SOCKET"] = socket
        self._client = _cli.Client(Locations(env), remote=self.remote, timeout=timeout, autostart=autostart)

    def act(self, name: str, body: Any = None, **params: str) -> Any:
        """Action ``name`` with its path parameters (``ref=``, ``job=``, ``token=``)."""
        return self._client.act(name, body, **params)

    def act_stream(self, name: str, body: Any = None, **params: str) -> Any:
        """The JSON lines of a streamed action (export, dump-core), each as it comes."""
        return self._client.act_stream(name, body, **params)

    def domains(self) -> list[dict[str, Any]]:
        return list(self.act("list")["domains"])


class AsyncClient:
    """Asynchronous client over httpx; use ``async with`` (or ``await close()``)."""

    def __init__(self, url: str | None = None, *, token: str | None = None, token_file: str | None = None,
                 ca: str | None = None, socket: str | None = None, known_hosts: str | None = None,
                 timeout: float = 3700.0) -> None:
        self.remote = _remote(url, token, token_file, ca, known_hosts)
        self.socket = socket or Locations().socket
        self.timeout = timeout
        self._http: Any = None

    async def _open(self) -> Any:
        import asyncio

        import httpx

        if self._http is not None:
            return self._http
        if self.remote is None:
            transport = httpx.AsyncHTTPTransport(uds=self.socket)
            self._http = httpx.AsyncClient(transport=transport, base_url="http://hvmctl", timeout=self.timeout)
            return self._http
        remote = self.remote
        if remote.ca:
            verify: ssl.SSLContext = ssl.create_default_context(cafile=remote.ca)
        else:
            # the CLI's check (pin, or first use), then trust exactly that certificate
            def checked_pem() -> str:
                sock = remote.connect(min(self.timeout, 30.0))
                try:
                    return ssl.DER_cert_to_PEM_cert(sock.getpeercert(binary_form=True) or b"")
                finally:
                    sock.close()

            verify = ssl.create_default_context(cadata=await asyncio.to_thread(checked_pem))
            verify.check_hostname = False
            verify.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a leaf may be its own anchor
        headers = {"Authorization": f"Bearer {remote.token}"} if remote.token else {}
        self._http = httpx.AsyncClient(base_url=f"https://{remote.where}", verify=verify, headers=headers,
                                       timeout=self.timeout)
        return self._http

    async def act(self, name: str, body: Any = None, **params: str) -> Any:
        """Action ``name`` with its path parameters (``ref=``, ``job=``, ``token=``)."""
        http = await self._open()
        method, path = route(name, **params)
        if body is None and method != "GET":
            body = {}
        resp = await http.request(method, path, json=body)
        try:
            data = resp.json()
        except ValueError:
            data = None
        if resp.status_code >= 400:
            raise _error(resp.status_code, data, resp.text)
        if resp.headers.get("content-type", "").startswith("application/json"):
            return data
        return resp.content

    async def domains(self) -> list[dict[str, Any]]:
        return list((await self.act("list"))["domains"])

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
