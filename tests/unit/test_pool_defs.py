"""PoolDefs (hvmctl/pool/defs.py): which local managed copies are published, which are
dropped as deleted elsewhere (remembered across restarts), and what xm delete refuses."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConflictError
from hvmctl.pool.defs import PoolDefs


class FakeEtcd:
    def __init__(self) -> None:
        self.kv: dict[str, str] = {}

    async def put(self, key: str, value: str) -> None:
        self.kv[key] = value

    async def get(self, key: str) -> str | None:
        return self.kv.get(key)

    async def delete(self, key: str) -> None:
        self.kv.pop(key, None)


def _dom(uuid: str, state: DomainState = DomainState.INACTIVE) -> Any:
    return SimpleNamespace(uuid=uuid, name=f"d-{uuid}", managed=True, state=state, lock=asyncio.Lock(),
                           config=SimpleNamespace(uuid=uuid))


def _member(tmp_path: Path) -> Any:
    domains: dict[str, Any] = {}
    daemon = SimpleNamespace(paths=SimpleNamespace(state_dir=tmp_path), domains=domains,
                             undefine=lambda dom: domains.pop(dom.uuid))
    events: list[str] = []

    async def event(text: str) -> None:
        events.append(text)

    async def ready() -> None:
        pass

    return SimpleNamespace(daemon=daemon, host="ha", defs={}, runs={}, etcd=FakeEtcd(), events=events, event=event,
                           key=lambda *parts: "/p/" + "/".join(parts), ready=ready,
                           _definition=lambda cfg, owner, want: {"uuid": cfg.uuid, "owner": owner, "want": want,
                                                                 "managed": True, "config": {}})


def test_publish_unseen_drop_deleted_elsewhere_and_remember_it(tmp_path: Path) -> None:
    m = _member(tmp_path)
    m.daemon.domains.update(u1=_dom("u1"), u2=_dom("u2", DomainState.RUNNING))
    defs = PoolDefs(m)
    asyncio.run(defs.sync())
    assert "/p/defs/u1" in m.etcd.kv and "/p/defs/u2" not in m.etcd.kv  # a running one: its start claims it
    # deleted from etcd by another member: this member's idle copy goes, and not back
    del m.etcd.kv["/p/defs/u1"]
    m.defs.clear()
    again = PoolDefs(m)  # a daemon restart: the file says u1 was in the pool
    asyncio.run(again.sync())
    assert "u1" not in m.daemon.domains and "/p/defs/u1" not in m.etcd.kv
    assert any("deleted from the pool" in e for e in m.events)


def test_delete_refused_while_another_member_runs_it(tmp_path: Path) -> None:
    m = _member(tmp_path)
    dom = _dom("u1")
    m.defs["u1"] = {"managed": True}
    m.etcd.kv.update({"/p/defs/u1": "{}", "/p/run/u1": "hb"})
    defs = PoolDefs(m)
    with pytest.raises(ConflictError, match="hb"):
        asyncio.run(defs.delete(dom))
    assert "/p/defs/u1" in m.etcd.kv
    del m.etcd.kv["/p/run/u1"]
    asyncio.run(defs.delete(dom))
    assert "/p/defs/u1" not in m.etcd.kv and "u1" not in m.defs


def test_hidden_and_shadowed(tmp_path: Path) -> None:
    m = _member(tmp_path)
    defs = PoolDefs(m)
    dom = _dom("u1")
    m.defs["u1"] = {"managed": True, "owner": "hb"}
    assert defs.hidden(dom) and not defs.shadowed(dom)
    m.runs["u1"] = "hb"
    assert defs.shadowed(dom)
    m.defs["u1"]["owner"] = "ha"
    assert not defs.hidden(dom)
