"""The daemon's HTTP routes, mounted from the action table (``api/wire.py``).

A feature area declares its handlers with ``@act("name")``; the method, path, summary, role
and allowed states come from the table, so a route cannot drift from what the CLI calls or
what the remote API's roles allow. ``check_complete`` refuses a daemon whose table and
handlers disagree (an action with no handler, or one handler too many).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from fastapi import APIRouter

from hvmctl.api.wire import ACTIONS
from hvmctl.daemon.state import ACTIONS as STATE_ACTIONS
from hvmctl.errors import DaemonError

F = TypeVar("F", bound=Callable[..., Any])


class ActionRouter:
    """An APIRouter whose routes are named actions of the table."""

    def __init__(self) -> None:
        self.api = APIRouter()
        self.names: list[str] = []

    def __call__(self, name: str, **route: Any) -> Callable[[F], F]:
        wire = ACTIONS[name]  # a KeyError here is a handler for an action nobody declared

        def register(handler: F) -> F:
            extra: dict[str, Any] = {"x-hvmctl-action": name, "x-hvmctl-role": wire.role}
            description = f"Action `{name}` (role: {wire.role})."
            if wire.states is not None:
                states = sorted(s.value for s in STATE_ACTIONS[wire.states])
                extra["x-hvmctl-states"] = states
                description += f" Allowed while the domain is {', '.join(states)}."
            if handler.__doc__:
                description += " " + " ".join(handler.__doc__.split())
            self.api.add_api_route(wire.path, handler, methods=[wire.method], name=name, summary=wire.summary,
                                   description=description, openapi_extra=extra, **route)
            self.names.append(name)
            return handler

        return register


def check_complete(names: Iterable[str]) -> None:
    """Every action of the table has exactly one handler."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    missing = sorted(set(ACTIONS) - set(seen))
    twice = sorted(n for n, count in seen.items() if count > 1)
    if missing or twice:
        raise DaemonError(f"action table and handlers disagree: missing {missing or 'none'}, "
                          f"declared twice {twice or 'none'}")
