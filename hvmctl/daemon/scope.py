"""``--live`` / ``--config`` of mem-set, vcpu-set, network-attach/-detach and
block-attach/-detach, as virsh's setmem/setvcpus/attach-interface have them.

``--live`` changes the running guest only, ``--config`` the managed definition only (also
allowed on a stopped managed domain), both flags change both. With neither flag the change
is what it always was: a running guest is changed, and a managed domain's definition
follows it (a stopped managed domain: the definition only).

A managed domain's definition is its live definition (``dom.config``) until a ``--live``
change makes the guest differ from it; from then on the definition is kept apart in
``dom.definition`` (persisted in the record) and it is what the domain goes back to when it
stops (daemon/managed.py ``deactivate``). An unmanaged domain has no definition: ``--config``
is refused for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hvmctl.config.model import DomainConfig
from hvmctl.daemon.state import ACTIONS
from hvmctl.errors import StateError

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain


@dataclass(frozen=True)
class Scope:
    """What one change touches: the running guest, the managed definition, or both."""

    live: bool
    config: bool

    def words(self) -> list[str]:
        return (["live"] if self.live else []) + (["config"] if self.config else [])


def running(dom: "Domain") -> bool:
    return dom.state in ACTIONS["hotplug"] and dom.runtime is not None


def resolve(dom: "Domain", action: str, *, live: bool = False, config: bool = False) -> Scope:
    """The flags given (or today's default) checked against what the domain is."""
    if not live and not config:
        # the default: the guest if it runs (else the hotplug check refuses it), and a
        # managed definition follows it
        return Scope(live=running(dom) or not dom.managed, config=dom.managed)
    if config and not dom.managed:
        raise StateError(f"{action} --config: domain '{dom.name}' is not managed (not made by xm new): "
                         "it has no definition to change")
    if live and not running(dom):
        raise StateError(f"{action} --live: domain '{dom.name}' is not running ({dom.state.value})")
    return Scope(live=live, config=config)


def definition(dom: "Domain") -> DomainConfig:
    """The managed definition as it is now."""
    return dom.definition if dom.definition is not None else dom.config


async def apply(dom: "Domain", scope: Scope, live_change: Callable[[], Awaitable[dict[str, Any]]],
                config_change: Callable[[DomainConfig], DomainConfig]) -> dict[str, Any]:
    """Run the live change and/or give the definition its change, as ``scope`` says.

    ``config_change`` maps a definition to the changed one (pure; it raises for a change the
    definition cannot take, before anything is written)."""
    if scope.live:
        if scope.config and dom.definition is not None:
            config_change(dom.definition)  # a definition that cannot take it: refused before the guest changes
        if not scope.config and dom.managed and dom.definition is None:
            dom.definition = dom.config  # the definition stays as it is; the guest moves on
        result = await live_change()
        if scope.config and dom.definition is not None:  # the kept definition changes too
            async with dom.lock:
                dom.definition = config_change(dom.definition)
                dom.host.persist(dom)
        return result | {"scope": scope.words()}
    async with dom.lock:
        if running(dom):
            dom.definition = config_change(definition(dom))
        else:
            dom.config = config_change(dom.config)
        dom.host.persist(dom)
    return {"name": dom.name, "scope": scope.words(), "result": "the definition changed; "
            + ("the running guest is unchanged" if running(dom) else "it applies at the next start")}
