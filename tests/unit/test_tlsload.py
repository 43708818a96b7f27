"""ssl loads only when asked: asyncio imported with ssl blocked still does real TLS after
``tlsload.load()`` (asyncio's modules get the module they saw as None at their import)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = r"""
import sys
from hvmctl import tlsload

assert tlsload.block()
import asyncio
tlsload.defer()
import http.client  # noqa: F401  (imports ssl inside try/except, as asyncio does)
import qemu.qmp.protocol  # `from ssl import SSLContext`, for annotations
import pyroute2.netlink.rtnl.probe_msg  # `import ssl`, for a function the daemon never calls
assert "_ssl" not in sys.modules and not tlsload.loaded(), "ssl got loaded"
import asyncio.sslproto
assert asyncio.sslproto.ssl is None and not hasattr(asyncio.sslproto, "SSLAgainErrors")

tlsload.load()
import ssl
assert asyncio.base_events.ssl is ssl and asyncio.selector_events.ssl is ssl and asyncio.sslproto.ssl is ssl
assert qemu.qmp.protocol.SSLContext is ssl.SSLContext and pyroute2.netlink.rtnl.probe_msg.ssl is ssl
cert, key = sys.argv[1], sys.argv[2]

async def main():
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)

    async def echo(reader, writer):
        writer.write(b"got " + await reader.readline())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    client_ctx = ssl.create_default_context(cafile=cert)
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client_ctx, server_hostname="localhost")
    writer.write(b"hello\n")
    await writer.drain()
    answer = await reader.read()
    version = writer.get_extra_info("ssl_object").version()
    writer.close()
    server.close()
    print(answer.decode().strip(), version)

asyncio.run(main())
"""


def test_blocked_asyncio_does_a_real_tls_handshake_after_load(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=30)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(cert), str(key)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[:2] == ["got", "hello"] and proc.stdout.split()[2].startswith("TLSv1.")


USE_LOADS = r"""
import sys
from hvmctl import tlsload

tlsload.block()
import asyncio
tlsload.defer()
import ssl as early  # what a library imported now gets
assert not tlsload.loaded()
assert early.PROTOCOL_TLS_CLIENT  # any use loads the real module
assert tlsload.loaded() and "_ssl" in sys.modules and asyncio.sslproto.ssl is sys.modules["ssl"]
print("ok")
"""


def test_using_the_stand_in_loads_the_real_module() -> None:
    proc = subprocess.run([sys.executable, "-c", USE_LOADS], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_block_is_refused_once_ssl_is_loaded() -> None:
    """In a process that has ssl already (the CLI, this test run), block() changes nothing."""
    import ssl  # noqa: F401

    from hvmctl import tlsload

    assert not tlsload.block()
    assert sys.modules["ssl"] is not None and tlsload.load() is sys.modules["ssl"]
