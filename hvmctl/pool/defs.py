"""Managed domains (``xm new``) in the pool: their definitions live in etcd (``defs/UUID``,
``managed: true``) so that ``xm start NAME`` works on any member that reaches their disks.

Each member, every step: publishes its own inactive managed domains that etcd does not have
yet (made while etcd was away, or before the pool); shows every pool definition it does not
have as an inactive managed domain of its own (a *mirror*, in memory only: etcd has it);
drops the local copy of a definition deleted elsewhere. Which local copy was once in etcd
is remembered in STATE_DIR/pool-defs.json, so "deleted elsewhere" is never mistaken for
"not published yet". Starting any copy takes the domain's run lock first (member.claim_run):
two members never run it at once. ``xm delete`` removes the definition from etcd first,
refused while another member runs it.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from hvmctl.atomic import write_bytes_atomic
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConflictError, HvmctlError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.pool.member import PoolMember

log = logging.getLogger("hvmctl.pool")

IDLE = (DomainState.INACTIVE,)


class PoolDefs:
    """This member's side of the pool's managed definitions."""

    def __init__(self, member: "PoolMember") -> None:
        self.m = member
        self.path = member.daemon.paths.state_dir / "pool-defs.json"
        self.seen: set[str] = self._load()
        self.mirrors: set[str] = set()
        self._configs: dict[str, str] = {}  # uuid -> the definition's config as last applied
        self._refused: set[str] = set()

    def _load(self) -> set[str]:
        try:
            return set(json.loads(self.path.read_text()))
        except (OSError, ValueError, TypeError):
            return set()

    def _save(self) -> None:
        try:
            write_bytes_atomic(self.path, json.dumps(sorted(self.seen)).encode(), 0o600, durable=True)
        except OSError as exc:
            log.warning("pool: %s: cannot record the published definitions: %s", self.path, exc.strerror)

    def hidden(self, dom: "Domain") -> bool:
        """An idle copy of a pool definition another member owns: not in this member's
        published view, so ``xm list --pool`` shows each definition once."""
        d = self.m.defs.get(dom.uuid)
        return bool(dom.managed and dom.state in IDLE and d and d.get("managed") and d.get("owner") != self.m.host)

    def shadowed(self, dom: "Domain") -> bool:
        """An idle local copy of a domain that runs on another member: commands go there."""
        holder = self.m.runs.get(dom.uuid)
        return dom.managed and dom.state in IDLE and holder not in (None, self.m.host)

    async def sync(self) -> None:
        """One step (after member._reconcile read ``defs`` and ``run``)."""
        daemon = self.m.daemon
        before = set(self.seen)
        pool = {u: d for u, d in self.m.defs.items() if d.get("managed")}
        for uuid, d in pool.items():
            self.seen.add(uuid)
            local = daemon.domains.get(uuid)
            text = json.dumps(d.get("config"), sort_keys=True)
            if local is None:
                self._mirror(d)
            elif self._configs.get(uuid, text) != text and local.managed and local.state in IDLE \
                    and not local.lock.locked():
                self._replace(local, d)  # changed elsewhere (it ran there, its definition came back)
            self._configs[uuid] = text
        for dom in list(daemon.domains.values()):
            if not dom.managed or dom.uuid in pool or dom.state not in IDLE or dom.lock.locked():
                continue
            if dom.uuid in self.seen:  # it was in the pool and is not any more: deleted elsewhere
                daemon.undefine(dom)
                self.seen.discard(dom.uuid)
                self.mirrors.discard(dom.uuid)
                await self.m.event(f"dropped the definition of {dom.name}: deleted from the pool")
            else:
                await self.publish(dom)
        if self.seen != before:
            self._save()

    async def publish(self, dom: "Domain") -> None:
        definition = self.m._definition(dom.config, owner=self.m.host, want="stopped")
        await self.m.etcd.put(self.m.key("defs", dom.uuid), json.dumps(definition))
        self.m.defs[dom.uuid] = definition
        self.seen.add(dom.uuid)
        self._save()

    async def delete(self, dom: "Domain") -> None:
        """``xm delete`` of a pool definition: out of etcd before the local record goes."""
        if dom.uuid not in self.m.defs and dom.uuid not in self.seen:
            return
        await self.m.ready()
        holder = await self.m.etcd.get(self.m.key("run", dom.uuid))
        if holder not in (None, self.m.host):
            raise ConflictError(f"domain '{dom.name}' runs on pool member '{holder}'; stop it there first")
        await self.m.etcd.delete(self.m.key("defs", dom.uuid))
        await self.m.etcd.delete(self.m.key("storage", dom.uuid))  # where its copied disks were
        self.m.defs.pop(dom.uuid, None)
        self.seen.discard(dom.uuid)
        self.mirrors.discard(dom.uuid)
        self._save()

    def _new(self, d: dict[str, Any]) -> "Domain | None":
        from hvmctl.config.model import DomainConfig
        from hvmctl.daemon.domain import Domain
        from hvmctl.daemon.registry import claim_for_config

        cfg = DomainConfig.from_dict(d["config"])
        try:
            self.m.daemon.registry.check(claim_for_config(cfg), exclude=cfg.uuid)
        except HvmctlError as exc:
            if str(cfg.uuid) not in self._refused:
                self._refused.add(str(cfg.uuid))
                log.warning("pool: not showing the definition of %s here: %s", cfg.name, exc.message)
            return None
        dom = Domain(self.m.daemon, cfg, None)
        dom.managed = True
        dom.state = DomainState.INACTIVE
        return dom

    def _mirror(self, d: dict[str, Any]) -> None:
        dom = self._new(d)
        if dom is not None:
            self.m.daemon.domains[dom.uuid] = dom  # memory only: etcd has it
            self.mirrors.add(dom.uuid)
            self.m.daemon.changes.notify()

    def _replace(self, local: "Domain", d: dict[str, Any]) -> None:
        dom = self._new(d)
        if dom is None:
            return
        dom.autostart = local.autostart
        daemon = self.m.daemon
        daemon.domains[dom.uuid] = dom
        if dom.uuid in self.mirrors:
            daemon.changes.notify()
        else:
            daemon.persist(dom)
