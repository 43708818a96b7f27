"""Waiting for QEMU's background jobs (block-commit, snapshot-save/-load/-delete): one loop
for every job the daemon starts, so each ends the same way -- completed once ready, its
error (if any) raised in one line, and dismissed so QEMU forgets it."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from hvmctl.errors import QemuError, TimeoutError_

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

JOB_TIMEOUT = 600.0
POLL = 0.05


async def finish_job(dom: "Domain", job: str, timeout: float = JOB_TIMEOUT, *, what: str | None = None) -> None:
    """Wait for job ``job`` (query-jobs): complete it once ready, then check how it ended and
    dismiss it. ``what`` names the job in errors (default: its ID)."""
    label = what or job
    deadline = time.monotonic() + timeout
    completed = False
    while time.monotonic() < deadline:
        jobs = {j["id"]: j for j in await dom.qmp("query-jobs")}
        info = jobs.get(job)
        if info is None:
            return
        status = info.get("status")
        if status == "ready" and not completed:
            await dom.qmp("job-complete", {"id": job})
            completed = True
        elif status == "concluded":
            await dom.qmp("job-dismiss", {"id": job})
            if info.get("error"):
                raise QemuError(f"{label}: {info['error']}")
            return
        await asyncio.sleep(POLL)
    raise TimeoutError_(f"{label} did not finish within {timeout:.0f} s")
