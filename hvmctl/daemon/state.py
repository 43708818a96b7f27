"""One state enum and one transition table for a domain's life.

A command illegal in the current state is refused here, in one place, with a message that
names the state.
"""

from __future__ import annotations

from enum import Enum

from hvmctl.errors import StateError


class DomainState(str, Enum):
    STARTING = "starting"
    RUNNING = "running"
    PAUSED = "paused"
    SHUTDOWN = "shutdown"  # the guest powered off or rebooted and the domain is preserved
    CRASHED = "crashed"  # the guest panicked or QEMU died, domain preserved
    DYING = "dying"  # being torn down
    SAVING = "saving"
    MIGRATING = "migrating"

    @property
    def flags(self) -> str:
        """xm's six-letter state column (rbpscd)."""
        letters = {
            DomainState.RUNNING: "r-----",
            DomainState.STARTING: "r-----",
            DomainState.PAUSED: "--p---",
            DomainState.SAVING: "--p---",
            DomainState.MIGRATING: "r-----",
            DomainState.SHUTDOWN: "---s--",
            DomainState.CRASHED: "----c-",
            DomainState.DYING: "-----d",
        }
        return letters[self]


S = DomainState
TRANSITIONS: dict[DomainState, frozenset[DomainState]] = {
    S.STARTING: frozenset({S.RUNNING, S.PAUSED, S.CRASHED, S.DYING}),
    S.RUNNING: frozenset({S.PAUSED, S.SHUTDOWN, S.CRASHED, S.DYING, S.SAVING, S.MIGRATING}),
    S.PAUSED: frozenset({S.RUNNING, S.SHUTDOWN, S.CRASHED, S.DYING, S.SAVING, S.MIGRATING}),
    S.SHUTDOWN: frozenset({S.DYING, S.RUNNING}),
    S.CRASHED: frozenset({S.DYING, S.RUNNING}),
    S.DYING: frozenset(),
    S.SAVING: frozenset({S.PAUSED, S.RUNNING, S.DYING, S.CRASHED}),
    S.MIGRATING: frozenset({S.RUNNING, S.PAUSED, S.DYING, S.CRASHED}),
}

# which user commands each state accepts
ACTIONS: dict[str, frozenset[DomainState]] = {
    "shutdown": frozenset({S.RUNNING, S.PAUSED}),
    "reboot": frozenset({S.RUNNING, S.PAUSED}),
    "destroy": frozenset(set(DomainState) - {S.DYING}),
    "pause": frozenset({S.RUNNING}),
    "unpause": frozenset({S.PAUSED}),
    "screenshot": frozenset({S.RUNNING, S.PAUSED, S.SHUTDOWN, S.CRASHED}),
    "console": frozenset({S.STARTING, S.RUNNING, S.PAUSED, S.SHUTDOWN, S.CRASHED}),
    "save": frozenset({S.RUNNING, S.PAUSED}),
    "migrate": frozenset({S.RUNNING, S.PAUSED}),
    "media": frozenset({S.RUNNING, S.PAUSED}),
    "hotplug": frozenset({S.RUNNING, S.PAUSED}),
    "trigger": frozenset({S.RUNNING, S.PAUSED}),
    "rename": frozenset({S.RUNNING, S.PAUSED, S.SHUTDOWN, S.CRASHED}),  # never mid-change
    "dump": frozenset({S.RUNNING, S.PAUSED}),
}


def check_transition(name: str, current: DomainState, new: DomainState) -> None:
    if new is not current and new not in TRANSITIONS[current]:
        raise StateError(f"domain '{name}' is {current.value}; cannot become {new.value}")


def check_action(name: str, current: DomainState, action: str) -> None:
    if current not in ACTIONS[action]:
        raise StateError(f"domain '{name}' is {current.value}; cannot {action} it")
