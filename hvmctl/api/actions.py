"""The daemon's HTTP routes, mounted from the action table (``api/wire.py``).

A feature area declares its handlers with ``@act("name")``; the method, path, summary, role
and allowed states come from the table, so a route cannot drift from what the CLI calls or
what the remote API's roles allow. ``check_complete`` refuses a daemon whose table and
handlers disagree (an action with no handler, or one handler too many).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hvmctl.api.binding import Binding
from hvmctl.api.wire import ACTIONS
from hvmctl.errors import DaemonError

F = TypeVar("F", bound=Callable[..., Any])

_PARAM = re.compile(r"\{([a-z_]+)\}")


class Action:
    """One action's handler, bound from its signature once, and what its documentation
    adds (``response_class``, ``responses``: how a non-JSON answer is described)."""

    def __init__(self, name: str, handler: Callable[..., Any], options: dict[str, Any]) -> None:
        self.name = name
        self.wire = ACTIONS[name]
        self.handler = handler
        self.binding = Binding(handler, set(_PARAM.findall(self.wire.path)))
        self.options = options


class ActionRouter:
    """The handlers of one feature area, each a named action of the table."""

    def __init__(self) -> None:
        self.actions: list[Action] = []

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.actions]

    def __call__(self, name: str, **options: Any) -> Callable[[F], F]:
        ACTIONS[name]  # a KeyError here is a handler for an action nobody declared

        def register(handler: F) -> F:
            self.actions.append(Action(name, handler, options))
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
