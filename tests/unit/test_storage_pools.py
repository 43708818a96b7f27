"""Storage pools and the host-path rule: the pure check (tmp dirs as pools, symlink and ``..``
escapes, system files), then the API over the real HTTPS listener (an operator token) and the
Unix socket's root, with the fake backend."""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest

from hvmctl.api import auth, listen
from hvmctl.config import parse_profile
from hvmctl.config.model import DomainConfig
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConfigError
from hvmctl.storage import pools
from hvmctl.storage.pools import ALLOW_FLAG, Pool, PathRefusedError, check_paths, pools_from_env
from tests.unit import crashkit as ck
from tests.unit.test_remote_api import Env

REMOTE = auth.Principal("op", "operator", "token")
SESSION = auth.Principal("op", "operator", "session")
UUID3 = "8e2d3c4b-0000-4000-8000-00000000cccc"


def cfg_of(text: str, filename: str = "/srv/profiles/g") -> DomainConfig:
    return parse_profile(f'name = "g"\nbuilder = "hvm"\nmemory = 64\n{text}', filename=filename,
                         overrides=[], default_name="g").config


@pytest.fixture
def pool(tmp_path: Path) -> Path:
    d = tmp_path / "pool"
    d.mkdir()
    (d / "a.img").write_bytes(b"\0" * 512)
    return d


def refused(cfg: DomainConfig, who: auth.Principal, in_pools: tuple[Pool, ...], **kw: Any) -> str:
    with pytest.raises(PathRefusedError) as exc:
        check_paths(cfg, who, in_pools, **kw)
    return str(exc.value)


def test_remote_disks_only_inside_a_pool(tmp_path: Path, pool: Path) -> None:
    ps = (Pool("p", str(pool)),)
    check_paths(cfg_of(f"disk = ['file:{pool}/a.img,xvda,w']"), REMOTE, ps)
    outside = tmp_path / "b.img"
    outside.write_bytes(b"\0" * 512)
    msg = refused(cfg_of(f"\n\ndisk = ['file:{outside},xvda,w']"), SESSION, ps)
    assert msg.startswith("/srv/profiles/g:6: disk: xvda: ") and "outside the storage pools (p=" in msg
    assert "\n" not in msg and ALLOW_FLAG not in msg  # no override is offered remotely
    # the flag changes nothing remotely
    refused(cfg_of(f"disk = ['file:{outside},xvda,r']"), REMOTE, ps, allow_any_path=True)
    # the same profile is fine for local root
    check_paths(cfg_of(f"disk = ['file:{outside},xvda,w']"), auth.ROOT, ps)


def test_symlinks_and_dotdot_cannot_leave_a_pool(tmp_path: Path, pool: Path) -> None:
    ps = (Pool("p", str(pool)),)
    secret = tmp_path / "secret.img"
    secret.write_bytes(b"x")
    (pool / "link.img").symlink_to(secret)
    msg = refused(cfg_of(f"disk = ['file:{pool}/link.img,xvda,r']"), REMOTE, ps)
    assert f"resolves to {secret}" in msg
    refused(cfg_of(f"disk = ['file:{pool}/../secret.img,xvda,r']"), REMOTE, ps)
    refused(cfg_of(f"disk = ['file:{pool},xvda,r']"), REMOTE, ps)  # the pool itself is no image
    # a pool reached through a symlink still counts, and a link inside pointing inside is fine
    (tmp_path / "alias").symlink_to(pool)
    (pool / "ok.img").symlink_to(pool / "a.img")
    check_paths(cfg_of(f"disk = ['file:{tmp_path}/alias/ok.img,xvda,r']"), REMOTE, (Pool("q", str(tmp_path / "alias")),))
    # a sibling directory whose name starts with the pool's is not inside it
    (tmp_path / "pool2").mkdir()
    refused(cfg_of(f"disk = ['file:{tmp_path}/pool2/x.img,xvda,r']"), REMOTE, ps)


def test_remote_phy_serial_and_boot_files(tmp_path: Path, pool: Path) -> None:
    ps = (Pool("p", str(pool)),)
    assert "phy: devices" in refused(cfg_of("disk = ['phy:/dev/loop0,xvda,w']"), REMOTE, ps)
    check_paths(cfg_of("disk = ['phy:/dev/loop0,xvda,w']"), auth.ROOT, ps)
    msg = refused(cfg_of(f"serial = 'file:{tmp_path}/out.log'"), REMOTE, ps)
    assert msg.startswith("/srv/profiles/g:4: serial: /") and "outside the storage pools" in msg
    check_paths(cfg_of(f"serial = 'file:{pool}/out.log'"), REMOTE, ps)
    # kernel and ramdisk: outside a pool only when world-readable
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"k")
    kernel.chmod(0o644)
    check_paths(cfg_of(f"kernel = '{kernel}'\nramdisk = '{kernel}'"), REMOTE, ps)
    kernel.chmod(0o600)
    assert refused(cfg_of(f"kernel = '{kernel}'"), REMOTE, ps).startswith(f"/srv/profiles/g:4: kernel: {kernel} is")
    # an empty cdrom drive names no file
    check_paths(cfg_of("disk = [',hdc:cdrom,r']"), REMOTE, ps)


def test_local_root_system_files_refused_unless_allowed(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    kw: dict[str, Any] = {"state_dir": str(state)}
    msg = refused(cfg_of("\ndisk = ['file:/etc/shadow,xvdb,r']"), auth.ROOT, (), **kw)
    assert msg == ("/srv/profiles/g:5: disk: xvdb: /etc/shadow is a system file (not world-readable); "
                   "pass --allow-any-path to use it anyway")
    msg = refused(cfg_of("serial = 'file:/etc/shadow'"), auth.ROOT, (), **kw)
    assert msg.startswith("/srv/profiles/g:4: serial: /etc/shadow is a system file (opened for writing)")
    # world-readable and read-only is xm's freedom; writable is not
    check_paths(cfg_of("disk = ['file:/etc/hostname,xvdb,r']"), auth.ROOT, (), **kw)
    assert "opened for writing" in refused(cfg_of("disk = ['file:/etc/hostname,xvdb,w']"), auth.ROOT, (), **kw)
    # the state dir is a system directory; a symlink elsewhere into /etc is followed
    (state / "tokens.json").write_text("{}")
    refused(cfg_of(f"disk = ['file:{state}/tokens.json,xvdb,w']"), auth.ROOT, (), **kw)
    (tmp_path / "sh.img").symlink_to("/etc/shadow")
    refused(cfg_of(f"disk = ['file:{tmp_path}/sh.img,xvdb,r']"), auth.ROOT, (), **kw)
    # --allow-any-path passes; ordinary files anywhere are fine
    check_paths(cfg_of("disk = ['file:/etc/shadow,xvdb,w']"), auth.ROOT, (), allow_any_path=True, **kw)
    (tmp_path / "d.img").write_bytes(b"x")
    check_paths(cfg_of(f"disk = ['file:{tmp_path}/d.img,xvdb,w']"), auth.ROOT, (), **kw)


def test_pools_from_env() -> None:
    got = pools_from_env({pools.POOLS_ENV: "fast=/srv/fast::/data/isos"})
    assert [p.path for p in got[:3]] == ["/var/lib/hvmctl/images", "/var/lib/xen/images", "/xen"]
    assert got[3:] == (Pool("fast", "/srv/fast"), Pool("isos", "/data/isos"))
    assert pools_from_env({}) == got[:3]
    with pytest.raises(ConfigError, match="must be absolute"):
        pools_from_env({pools.POOLS_ENV: "x=rel/dir"})


# ---- the API: the real HTTPS listener (operator/admin tokens), the Unix socket (root) --------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(tmp_path: Path, body: Any) -> None:
    async def main() -> None:
        env = Env(tmp_path)
        await env.daemon.start()
        port = _free_port()
        listener = await listen.start_listener(env.daemon, env.app, f"127.0.0.1:{port}")
        try:
            assert listener.cert is not None
            ctx = ssl.create_default_context(cafile=listener.cert)
            clients = {role: httpx.AsyncClient(verify=ctx, base_url=f"https://127.0.0.1:{port}",
                                               headers={"Authorization": f"Bearer {env.tokens[role]}"})
                       for role in ("operator", "admin")}
            # the Unix socket's view: no listener stores, no client address -> root
            clients["root"] = httpx.AsyncClient(transport=httpx.ASGITransport(app=env.app, client=None),  # type: ignore[arg-type]
                                                base_url="http://hv")
            try:
                await body(env, clients)
            finally:
                for c in clients.values():
                    await c.aclose()
        finally:
            await listener.close()
            for dom in list(env.daemon.domains.values()):
                if dom.state in (DomainState.RUNNING, DomainState.PAUSED):
                    await dom.destroy()
            await env.daemon.shutdown_daemon()

    asyncio.run(main())


def _create_body(disk: str, name: str = "demo", uuid: str = ck.UUID) -> dict[str, Any]:
    return {"profile": ck.profile(name, uuid, more=f"disk = ['file:{disk},xvda,w', ',hdc:cdrom,r']\n"),
            "filename": "/etc/xen/demo", "overrides": []}


def test_api_outside_pools_refused_remotely_accepted_locally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = tmp_path / "pool"
    pool.mkdir()
    monkeypatch.setenv(pools.POOLS_ENV, f"t={pool}")
    outside = tmp_path / "outside.img"
    outside.write_bytes(b"\0" * 4096)
    inside = pool / "inside.img"
    inside.write_bytes(b"\0" * 4096)
    iso = pool / "media.iso"
    iso.write_bytes(b"\0" * 4096)

    async def body(env: Env, c: dict[str, httpx.AsyncClient]) -> None:
        r = await c["admin"].post("/v1/domains", json=_create_body(str(outside)) | {"allow_any_path": True})
        assert r.status_code == 403, r.text
        assert r.json()["error"] == "config" and r.json()["message"].startswith("/etc/xen/demo:")
        assert f"{outside} is outside the storage pools" in r.json()["message"]
        r = await c["admin"].post("/v1/definitions", json=_create_body(str(outside)))
        assert r.status_code == 403 and "outside the storage pools" in r.json()["message"], r.text
        assert env.daemon.domains == {}
        r = await c["admin"].post("/v1/domains", json=_create_body(str(inside)))
        assert r.status_code == 200, r.text
        # hot-plug, media, save and export paths: the same gate
        extra = tmp_path / "extra.img"
        extra.write_bytes(b"\0" * 4096)
        r = await c["operator"].post("/v1/domains/demo/block-attach", json={"uname": f"file:{extra}", "vdev": "xvdb",
                                                                          "mode": "w"})
        assert r.status_code == 403 and "block-attach: xvdb: " in r.json()["message"], r.text
        r = await c["operator"].post("/v1/domains/demo/block-attach", json={"uname": "phy:/dev/loop0", "vdev": "xvdb",
                                                                          "mode": "w"})
        assert r.status_code == 403 and "phy: devices" in r.json()["message"], r.text
        r = await c["operator"].post("/v1/domains/demo/media/insert", json={"vdev": "hdc", "path": str(extra)})
        assert r.status_code == 403 and r.json()["message"].startswith("insert: hdc: "), r.text
        r = await c["operator"].post("/v1/domains/demo/media/insert", json={"vdev": "hdc", "path": str(iso)})
        # past the gate (the fake QEMU has no blockdev-change-medium: its own error, not ours)
        assert r.json()["error"] == "qemu" and "blockdev-change-medium" in r.text, r.text
        r = await c["operator"].post("/v1/domains/demo/save", json={"file": str(tmp_path / "demo.save")})
        assert r.status_code == 403 and r.json()["message"].startswith("save: "), r.text
        r = await c["admin"].post("/v1/domains/demo/export", json={"bundle": str(tmp_path / "demo.tar"), "live": True})
        assert r.status_code == 403 and r.json()["message"].startswith("export: "), r.text
        r = await c["admin"].post("/v1/restore", json={"file": "/etc/passwd"})
        assert r.status_code == 403 and r.json()["message"].startswith("restore: "), r.text
        # local root: the same outside disk is accepted; /etc/shadow is refused with file:line
        r = await c["root"].post("/v1/domains", json=_create_body(str(outside), "local", UUID3))
        assert r.status_code == 200, r.text
        # a save file inside a pool whose record names a disk outside: refused remotely
        saved = pool / "local.save"
        r = await c["root"].post("/v1/domains/local/save", json={"file": str(saved), "checkpoint": True})
        assert r.status_code == 200 and saved.exists(), r.text
        r = await c["admin"].post("/v1/restore", json={"file": str(saved)})
        assert r.status_code == 403 and f"xvda: {outside} is outside the storage pools" in r.json()["message"], r.text
        attach = {"uname": "file:/etc/hostname", "vdev": "xvdc", "mode": "w"}
        r = await c["root"].post("/v1/domains/local/block-attach", json=attach)
        assert r.status_code == 403 and r.json()["message"].startswith(
            "block-attach: xvdc: /etc/hostname is a system file (opened for writing); pass --allow-any-path"), r.text
        r = await c["root"].post("/v1/domains/local/block-attach", json=attach | {"allow_any_path": True})
        # past the gate: the fake QEMU has no blockdev-add, so its own error answers
        assert r.json()["error"] == "qemu" and "blockdev-add" in r.text, r.text
        r = await c["root"].post("/v1/domains", json=_create_body("/etc/shadow", "other", ck.OTHER_UUID)
                                 | {"dry_run": True})
        assert r.status_code == 403, r.text
        assert r.json()["message"].endswith(": disk: xvda: /etc/shadow is a system file (opened for writing); "
                                            "pass --allow-any-path to use it anyway")
        r = await c["root"].post("/v1/domains", json=_create_body("/etc/shadow", "other", ck.OTHER_UUID)
                                 | {"dry_run": True, "allow_any_path": True})
        assert r.status_code == 200 and "/etc/shadow" in " ".join(r.json()["argv"]), r.text

    _run(tmp_path, body)


def test_api_routes_exist_for_the_gated_paths() -> None:
    """The paths the test above posts to are the table's (a renamed route would make it vacuous)."""
    from hvmctl.api.wire import ACTIONS

    paths = {a.path for a in ACTIONS.values()}
    for p in ("/v1/domains", "/v1/domains/{ref}/block-attach", "/v1/domains/{ref}/save",
              "/v1/domains/{ref}/export", "/v1/restore"):
        assert p in paths, p
    assert os.path.exists("/etc/shadow")
