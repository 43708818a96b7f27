"""The wire between two hvmctl daemons: length-prefixed JSON messages over a stream (TLS over
TCP, or an SSH channel), plus the TLS and token material of the remote endpoint.

A connection starts with ``{"op": "hello", "token": ...}``; a wrong or missing token gets
an ``auth`` error and the connection is closed -- nothing else is ever answered before.
Every later message is ``{"op": NAME, "args": {...}}`` answered by ``{"ok": RESULT}`` or
``{"error": KIND, "message": ONE_LINE}``. One connection carries one migration: if it drops
before ``finish``, the destination discards what it prepared.

Where the endpoint keeps its material (generated on first use, mode 0600):
``STATE_DIR/remote/token``, ``cert.pem`` (self-signed; give it to sources as their CA) and
``key.pem``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import struct
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl import tlsload
from hvmctl.errors import ERROR_KINDS, DaemonError, HostError, HvmctlError

if TYPE_CHECKING:
    import ssl

MAX_MESSAGE = 16 << 20
CONNECT_TIMEOUT = 10.0
CALL_TIMEOUT = 600.0


class AuthError(HvmctlError):
    """The remote endpoint refused us (no token, wrong token)."""

    kind = "auth"
    http_status = 403


async def read_msg(reader: asyncio.StreamReader, timeout: float | None = CALL_TIMEOUT) -> dict[str, Any]:
    head = await asyncio.wait_for(reader.readexactly(4), timeout)
    (size,) = struct.unpack(">I", head)
    if size > MAX_MESSAGE:
        raise DaemonError(f"peer sent a {size}-byte message (limit {MAX_MESSAGE})")
    data = json.loads(await asyncio.wait_for(reader.readexactly(size), timeout))
    if not isinstance(data, dict):
        raise DaemonError("peer sent a message that is not an object")
    return data


async def write_msg(writer: asyncio.StreamWriter, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode()
    writer.write(struct.pack(">I", len(body)) + body)
    await writer.drain()


def error_from(msg: dict[str, Any]) -> HvmctlError:
    cls = ERROR_KINDS.get(str(msg.get("error")), HvmctlError)
    if msg.get("error") == "auth":
        cls = AuthError
    return cls(f"destination: {msg.get('message', 'unknown error')}")


def token_ok(given: object, expected: str) -> bool:
    import hmac  # here, not at import: hmac loads libcrypto (3.6 MiB of RSS)

    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


class Channel:
    """The source's end of one connection to a destination daemon."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str) -> None:
        self.reader, self.writer, self.peer = reader, writer, peer
        self._lock = asyncio.Lock()

    @property
    def local_address(self) -> str | None:
        info = self.writer.get_extra_info("sockname")
        return str(info[0]) if isinstance(info, tuple) else None

    async def call(self, op: str, args: dict[str, Any] | None = None, timeout: float = CALL_TIMEOUT) -> Any:
        async with self._lock:
            try:
                await write_msg(self.writer, {"op": op, "args": args or {}})
                reply = await read_msg(self.reader, timeout)
            except asyncio.TimeoutError as exc:
                raise DaemonError(f"destination {self.peer} did not answer '{op}' within {timeout:.0f} s") from exc
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:  # ssl.SSLError is an OSError
                raise DaemonError(f"lost the connection to {self.peer} during '{op}': "
                                  f"{exc.__class__.__name__}: {exc}") from exc
        if "error" in reply:
            raise error_from(reply)
        return reply.get("ok")

    async def close(self) -> None:
        try:
            self.writer.close()
            await asyncio.wait_for(self.writer.wait_closed(), 2.0)
        except (OSError, asyncio.TimeoutError):  # ssl.SSLError included
            pass


async def hello(channel: Channel, token: str) -> dict[str, Any]:
    try:
        return await channel.call("hello", {"token": token}, timeout=CONNECT_TIMEOUT)  # type: ignore[no-any-return]
    except DaemonError as exc:
        # a server that drops us right after hello is one that refused the token
        raise AuthError(f"destination {channel.peer} refused the connection: {exc.message}") from exc


async def connect_tls(host: str, port: int, *, token: str, ca_pem: str | None) -> Channel:
    """TCP + TLS to a destination daemon's remote endpoint, authenticated by its token.

    The destination's certificate must verify against ``ca_pem`` (its self-signed cert, or
    the CA that signed it); the system trust store is used when none is given."""
    tlsload.load()
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if ca_pem:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=ca_pem)
        ctx.check_hostname = False  # the pinned certificate is the identity (addresses vary)
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ctx, limit=MAX_MESSAGE), CONNECT_TIMEOUT
        )
    except asyncio.TimeoutError as exc:
        raise DaemonError(f"cannot reach {host}:{port}: no answer within {CONNECT_TIMEOUT:.0f} s") from exc
    except ssl.SSLError as exc:
        raise AuthError(f"{host}:{port}: TLS failed ({exc.reason}); is --ca the destination's certificate?") from exc
    except OSError as exc:
        raise DaemonError(f"cannot reach {host}:{port}: {exc.strerror or exc}") from exc
    channel = Channel(reader, writer, f"{host}:{port}")
    await hello(channel, token)
    return channel


#: what a destination answers ``status`` (did the guest of a migration end up here?)
OWNER_ANSWERS = ("owns", "pending", "gone", "no")


async def ask_owner(channel: Any, uuid: str, job: str, timeout: float = 30.0) -> dict[str, Any]:
    """Ask a destination whether it owns the guest ``uuid`` that migration ``job`` sent it:
    ``owns`` (it runs there, committed), ``pending`` (its arrival is not settled yet: ask
    again), ``gone`` (it ran there and has ended there), ``no`` (it never ran there). What a
    source whose handover answer was lost asks, on the same transport as the migration."""
    reply = await channel.call("status", {"uuid": uuid, "job": job}, timeout=timeout)
    if not isinstance(reply, dict) or reply.get("answer") not in OWNER_ANSWERS:
        raise DaemonError(f"destination {channel.peer}: unexpected answer to 'status': {reply!r}")
    return reply


# ---- the endpoint's material ----------------------------------------------------------------
def remote_dir(state_dir: Path) -> Path:
    return state_dir / "remote"


def ensure_token(state_dir: Path) -> str:
    path = remote_dir(state_dir) / "token"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            import secrets

            fh.write(secrets.token_urlsafe(32) + "\n")
    token = path.read_text().strip()
    if len(token) < 16:
        raise HostError(f"{path}: token too short (at least 16 characters)")
    return token


# the endpoint's warm-up and a first migration may both ask for the material (threads)
_MATERIAL_LOCK = threading.RLock()


def ensure_certificate(state_dir: Path, names: list[str]) -> tuple[Path, Path]:
    """A self-signed certificate for the endpoint (openssl CLI), made once."""
    with _MATERIAL_LOCK:
        return _ensure_certificate(state_dir, names)


def _subject_alt_names(names: list[str]) -> list[str]:
    """IP: or DNS: entries for the names a peer may use to reach this host."""
    sans = []
    for name in dict.fromkeys(names + [socket.gethostname(), "localhost", "127.0.0.1"]):
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in name else socket.AF_INET, name)
            sans.append(f"IP:{name}")
        except OSError:
            sans.append(f"DNS:{name}")
    return sans


def _ensure_certificate(state_dir: Path, names: list[str]) -> tuple[Path, Path]:
    cert, key = remote_dir(state_dir) / "cert.pem", remote_dir(state_dir) / "key.pem"
    if cert.exists() and key.exists():
        return cert, key
    cert.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    sans = _subject_alt_names(names)
    tmp_cert, tmp_key = cert.with_suffix(".tmp"), key.with_suffix(".tmp")
    argv = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(tmp_key), "-out", str(tmp_cert), "-days", "3650",
            "-subj", f"/CN=hvmctl {socket.gethostname()}", "-addext", "subjectAltName=" + ",".join(sans)]
    old = os.umask(0o077)
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise HostError(f"cannot make the remote endpoint's certificate with openssl: {exc}") from exc
    finally:
        os.umask(old)
    os.replace(tmp_key, key)
    os.replace(tmp_cert, cert)
    return cert, key


def ensure_qemu_tls(state_dir: Path, names: list[str]) -> Path:
    """QEMU's ``tls-creds-x509`` directory for the memory stream of TLS-transport migrations.

    Why not hand QEMU ``cert.pem`` itself: it is self-signed with ``CA:TRUE`` (so sources can
    pin it as their CA), and QEMU refuses a CA certificate as a server's. So a leaf
    (``CA:FALSE``, serverAuth, the same names) signed by ``key.pem`` is made once; a source
    that trusts ``cert.pem`` then verifies QEMU's stream endpoint with no new material."""
    with _MATERIAL_LOCK:
        return _ensure_qemu_tls(state_dir, names)


def _ensure_qemu_tls(state_dir: Path, names: list[str]) -> Path:
    cert, key = ensure_certificate(state_dir, names)
    out = remote_dir(state_dir) / "qemu-tls"
    if (out / "server-cert.pem").exists() and (out / "server-key.pem").exists():
        _ensure_dh_params(out)
        return out
    out.mkdir(mode=0o700, exist_ok=True)
    sans = _subject_alt_names(names)
    ext = out / "leaf.ext"
    ext.write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                   "extendedKeyUsage=serverAuth\nsubjectAltName=" + ",".join(sans) + "\n")
    tmp_key, csr, tmp_cert = out / "server-key.tmp", out / "server.csr", out / "server-cert.tmp"
    old = os.umask(0o077)
    try:
        for argv in (
            ["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(tmp_key), "-out", str(csr), "-subj", f"/CN=hvmctl migration {socket.gethostname()}"],
            ["openssl", "x509", "-req", "-in", str(csr), "-CA", str(cert), "-CAkey", str(key), "-CAcreateserial",
             "-out", str(tmp_cert), "-days", "3650", "-extfile", str(ext)],
        ):
            subprocess.run(argv, check=True, capture_output=True, timeout=30)
        (out / "ca-cert.pem").write_bytes(cert.read_bytes())
    except (OSError, subprocess.SubprocessError) as exc:
        raise HostError(f"cannot make the migration stream's certificate with openssl: {exc}") from exc
    finally:
        os.umask(old)
    os.replace(tmp_key, out / "server-key.pem")
    os.replace(tmp_cert, out / "server-cert.pem")
    csr.unlink(missing_ok=True)
    _ensure_dh_params(out)
    return out


def _ensure_dh_params(out: Path) -> None:
    """``dh-params.pem``: without it QEMU's TLS server generates 2048-bit DH parameters at
    ``object-add`` -- about a second of CPU in every incoming migration. The RFC 7919
    ``ffdhe2048`` group is a fixed, public, vetted choice: nothing to generate."""
    path = out / "dh-params.pem"
    if path.exists():
        return
    tmp = out / "dh-params.tmp"
    argv = ["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_param:ffdhe2048",
            "-out", str(tmp)]
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise HostError(f"cannot write the migration stream's DH parameters with openssl: {exc}") from exc
    os.replace(tmp, path)


def server_context(cert: Path, key: Path) -> "ssl.SSLContext":
    tlsload.load()
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx
