"""A swtpm that dies under its running guest is noticed: the cause logged, the guest stopped
(as libvirt does) and on_crash applied -- restart: a new QEMU with a new swtpm on the same
state; destroy: the domain is gone. A destroy's own swtpm stop is no news."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import pytest

from hvmctl.daemon import vtpm, vtpmwatch
from tests.unit import crashkit as ck
from tests.unit.test_vtpm import needs_swtpm


async def _until(cond: object, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not cond():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@needs_swtpm
def test_swtpm_death_stops_the_guest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(vtpmwatch, "INTERVAL", 0.05)
    world = ck.FakeWorld()
    caplog.set_level(logging.INFO)

    async def main() -> None:
        daemon = ck.new_daemon(tmp_path / "h", world)
        await daemon.start()
        await daemon.create(ck.profile(more='vtpm = ["backend=0"]\n'), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        assert dom.runtime is not None and dom.process is not None
        run_dir, domid, qemu = Path(dom.runtime.run_dir), dom.domid, dom.process.pid
        pid = vtpm.running_pid(run_dir)
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        # on_crash = "restart": a new incarnation, with its own swtpm again
        await _until(lambda: dom.domid not in (None, domid) and dom.state.value == "running"
                     and dom.runtime is not None and vtpm.running_pid(Path(dom.runtime.run_dir)) is not None)
        assert not world.guests[qemu].alive
        assert any("its swtpm (TPM 2.0) died; stopping the guest, on_crash applies" in r.getMessage()
                   for r in caplog.records)
        # a destroy stops swtpm on purpose: nothing else happens
        caplog.clear()
        await dom.destroy()
        await asyncio.sleep(0.3)
        assert not any("swtpm (TPM 2.0) died" in r.getMessage() for r in caplog.records)
        with pytest.raises(Exception):
            daemon.lookup("demo")

        # on_crash = "destroy": the domain is gone with its swtpm
        text = ck.profile(more='vtpm = ["backend=0"]\n').replace('on_crash = "restart"', 'on_crash = "destroy"')
        await daemon.create(text, filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        assert dom.runtime is not None
        pid = vtpm.running_pid(Path(dom.runtime.run_dir))
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        await _until(lambda: "demo" not in {d.name for d in daemon.all()})

    asyncio.run(main())
