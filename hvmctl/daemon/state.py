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
    INACTIVE = "inactive"  # a managed domain defined (xm new) and not running
    SUSPENDED = "suspended"  # a managed domain whose state is in its managed save file

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
            # xend's halted/suspended domains: none of the six letters (xm 3.1 printed dashes)
            DomainState.INACTIVE: "------",
            DomainState.SUSPENDED: "------",
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
    # a managed domain is started (or resumed) from here; a stopped one comes back as a
    # fresh record in one of these states (Daemon.forget), not by a transition
    S.INACTIVE: frozenset({S.STARTING}),
    S.SUSPENDED: frozenset({S.STARTING, S.INACTIVE}),
}

# which user commands each state accepts
ACTIONS: dict[str, frozenset[DomainState]] = {
    "shutdown": frozenset({S.RUNNING, S.PAUSED}),
    "reboot": frozenset({S.RUNNING, S.PAUSED}),
    "destroy": frozenset(set(DomainState) - {S.DYING, S.INACTIVE, S.SUSPENDED}),
    "pause": frozenset({S.RUNNING}),
    "unpause": frozenset({S.PAUSED}),
    "screenshot": frozenset({S.RUNNING, S.PAUSED, S.SHUTDOWN, S.CRASHED}),
    "console": frozenset({S.STARTING, S.RUNNING, S.PAUSED, S.SHUTDOWN, S.CRASHED}),
    "save": frozenset({S.RUNNING, S.PAUSED}),
    "migrate": frozenset({S.RUNNING, S.PAUSED}),
    "media": frozenset({S.RUNNING, S.PAUSED}),
    "hotplug": frozenset({S.RUNNING, S.PAUSED}),
    # managed domains (xm new/start/delete/suspend/resume)
    "start": frozenset({S.INACTIVE, S.SUSPENDED}),
    "delete": frozenset({S.INACTIVE, S.SUSPENDED}),
    "suspend": frozenset({S.RUNNING, S.PAUSED}),
    "resume": frozenset({S.SUSPENDED}),
    "snapshot": frozenset({S.RUNNING, S.PAUSED}),
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
