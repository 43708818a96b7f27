"""The one QEMU-version probe and the pruned migration-job table."""

from __future__ import annotations

import asyncio
import shutil
from typing import Any

import pytest

from hvmctl.errors import NotFoundError, QemuError
from hvmctl.migration.live import MigrationJobs
from hvmctl.qemu import version


def test_binary_version_of_the_installed_qemu() -> None:
    qemu = shutil.which("qemu-system-x86_64")
    if qemu is None:
        pytest.skip("no QEMU here")
    got = version.binary_version(qemu)
    assert version.version_tuple(got) >= (7, 0), got
    assert "pc" in version.binary_machines(qemu)


def test_binary_version_of_something_else_is_unknown() -> None:
    assert version.binary_version("/nonexistent/qemu") == version.UNKNOWN
    assert version.binary_machines("/nonexistent/qemu") == frozenset()
    assert version.version_tuple(version.UNKNOWN) == (0,)
    assert version.version_tuple("7.2.9") == (7, 2)


def test_running_version_over_qmp() -> None:
    async def answer(cmd: str) -> Any:
        assert cmd == "query-version"
        return {"qemu": {"major": 7, "minor": 2, "micro": 11}, "package": ""}

    async def broken(cmd: str) -> Any:
        raise QemuError("gone")

    assert asyncio.run(version.running_version(answer)) == "7.2.11"
    assert asyncio.run(version.running_version(broken)) == version.UNKNOWN


class _Job:
    def __init__(self, ident: str, finished: float | None) -> None:
        self.id, self.finished = ident, finished


def test_finished_jobs_are_pruned_running_ones_kept() -> None:
    jobs = MigrationJobs()
    running = _Job("run", None)
    old = _Job("old", 0.0)
    fresh = _Job("fresh", 1000.0)
    for job in (running, old, fresh):
        jobs._jobs[job.id] = job  # type: ignore[assignment]  # stand-ins with the two fields used
    jobs.prune(now=1000.0 + 1)
    assert set(jobs._jobs) == {"run", "fresh"}
    jobs.prune(now=1000.0 + MigrationJobs.KEEP_FINISHED + 1)
    assert set(jobs._jobs) == {"run"}
    with pytest.raises(NotFoundError):
        jobs.get("old")


def test_at_most_max_finished_jobs_stay() -> None:
    jobs = MigrationJobs()
    for i in range(MigrationJobs.MAX_FINISHED + 10):
        jobs._jobs[str(i)] = _Job(str(i), float(i))  # type: ignore[assignment]  # stand-ins
    jobs.prune(now=float(MigrationJobs.MAX_FINISHED + 10))
    assert len(jobs) == MigrationJobs.MAX_FINISHED
    assert "0" not in jobs._jobs and str(MigrationJobs.MAX_FINISHED + 9) in jobs._jobs
