"""Boot every test-guest artefact under raw QEMU (TCG) and check what the rest of the suite relies on.

Why raw QEMU and not hvmctl: these tests pin down the guests themselves (serial
markers, ACPI power button, pvpanic, reboot, the serial shell, boot media), so
a later hvmctl failure can be told apart from a broken guest.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) does not put the repo on sys.path
    sys.path.insert(0, str(ROOT))

from tests.fixtures import guests  # noqa: E402
from tests.fixtures.rawqemu import RawQemu  # noqa: E402

pytestmark = pytest.mark.integration

T = TypeVar("T")
#: Generous: CI may run two TCG guests per core; the measured figure is ~2.6 s alone.
READY_TIMEOUT = 60.0
READY_LIMIT = 20.0


def run(coro: Coroutine[Any, Any, T], timeout: float = 180.0) -> T:
    """Run one test scenario with an overall deadline."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


@pytest.fixture
def vm() -> Iterator[Callable[..., RawQemu]]:
    """Factory for RawQemu objects; every QEMU it made is killed at teardown, whatever happened."""
    made: list[RawQemu] = []

    def make(args: list[str], **kw: Any) -> RawQemu:
        q = RawQemu(args, **kw)
        made.append(q)
        return q

    yield make
    for q in made:
        q.kill()


@pytest.fixture(scope="session")
def tiny() -> guests.Guest:
    return guests.tiny_guest()


# --------------------------------------------------------------------------- tiny


def test_tiny_ready_fast(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    async def scenario() -> float:
        async with vm(tiny.qemu_args()) as q:
            secs = await q.wait_ready(READY_TIMEOUT)
            text = q.serial_text()
            assert re.search(r"^HVMCTL-READY arch=x86_64 kernel=\S+-cloud-amd64$", text, re.M), text
            assert len(re.findall(r"^HVMCTL-READY", text, re.M)) == 1
            assert re.search(r"^HVMCTL-PCI 8086:7010 \S+ class=\S+ driver=ata_piix$", text, re.M), text
            return secs

    secs = run(scenario())
    print(f"tiny guest READY {secs:.2f} s after the vCPU started")
    assert secs < READY_LIMIT


def test_tiny_acpi_powerdown(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    async def scenario() -> None:
        async with vm(tiny.qemu_args()) as q:
            await q.wait_ready(READY_TIMEOUT)
            await q.execute("system_powerdown")
            ev = await q.wait_event("SHUTDOWN", 10)
            assert ev["data"]["guest"] is True
            assert ev["data"]["reason"] == "guest-shutdown"
            await q.wait_serial(r"^HVMCTL-POWERDOWN$", 15)  # the CI runs two tests per core
            await q.wait_exit(10)

    run(scenario())


def test_tiny_panic_reaches_pvpanic(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    async def scenario() -> None:
        async with vm(["-action", "panic=pause", *tiny.qemu_args("hvtest.do=panic")]) as q:
            await q.wait_ready(READY_TIMEOUT)
            ev = await q.wait_event("GUEST_PANICKED", 10)
            assert ev["data"]["action"] == "pause"
            status = await q.execute("query-status")
            assert status["status"] == "guest-panicked"

    run(scenario())


def test_tiny_reboot_emits_reset(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    async def scenario() -> None:
        async with vm(tiny.qemu_args("hvtest.do=reboot")) as q:
            await q.wait_ready(READY_TIMEOUT)
            ev = await q.wait_event("RESET", 10)
            assert ev["data"]["guest"] is True
            # The same kernel boots again (and reboots again: the option is on its command line).
            await q.wait_serial(r"HVMCTL-READY(?s:.*)^HVMCTL-READY", READY_TIMEOUT)

    run(scenario())


def test_tiny_serial_shell(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    async def scenario() -> None:
        async with vm(tiny.qemu_args()) as q:
            await q.wait_ready(READY_TIMEOUT)
            await q.run("echo MARK-$((40+2))", r"^MARK-42\r?$")
            await q.run("uname -m; cat /proc/sys/kernel/panic", r"^x86_64\n-1$")
            await q.type("poweroff -f\n")
            ev = await q.wait_event("SHUTDOWN", 10)
            assert ev["data"]["reason"] == "guest-shutdown"

    run(scenario())


def test_tiny_typed_reboot_and_panic(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    async def scenario() -> None:
        async with vm(["-action", "panic=pause", *tiny.qemu_args()]) as q:
            await q.wait_ready(READY_TIMEOUT)
            await q.type("reboot -f\n")
            await q.wait_event("RESET", 10)
            await q.wait_serial(r"HVMCTL-READY(?s:.*)^HVMCTL-READY", READY_TIMEOUT)
            await q.type("echo c > /proc/sysrq-trigger\n")
            await q.wait_event("GUEST_PANICKED", 10)

    run(scenario())


def test_tiny_counter(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    async def scenario() -> None:
        async with vm(tiny.qemu_args("hvtest.counter=1")) as q:
            await q.wait_ready(READY_TIMEOUT)
            await q.wait_serial(r"COUNTER 5$", 15)
            counts = [int(n) for n in re.findall(r"COUNTER (\d+)$", q.serial_text(), re.M)]
            assert counts[:6] == list(range(6))

    run(scenario())


def test_tiny_dhcp_on_virtio_net(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    args = ["-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56",
            *tiny.qemu_args("hvtest.net=1")]

    async def scenario() -> None:
        async with vm(args) as q:
            await q.wait_ready(READY_TIMEOUT)
            text = q.serial_text()
            assert re.search(r"^HVMCTL-IP 10\.0\.2\.15 dev=eth0$", text, re.M), text
            assert re.search(r"^HVMCTL-NIC eth0 driver=virtio_net mac=52:54:00:12:34:56$", text, re.M), text
            assert re.search(r"^HVMCTL-PCI 1af4:1000 \S+ class=0x020000 driver=virtio-pci$", text, re.M), text

    run(scenario())


def test_tiny_static_ip_two_guests_ping(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    """hvtest.ip gives eth0 a static address (for bridge tests without DHCP); two guests on one wire."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    a = ["-netdev", f"socket,id=n0,listen=127.0.0.1:{port}", "-device", "e1000,netdev=n0,mac=52:54:00:00:00:01"]
    b = ["-netdev", f"socket,id=n0,connect=127.0.0.1:{port}", "-device", "e1000,netdev=n0,mac=52:54:00:00:00:02"]
    nics = guests.nics_guest()  # the cloud kernel has no e1000; virtio-net would do as well

    async def scenario() -> None:
        async with vm(a + nics.qemu_args("hvtest.ip=10.9.0.1/24")) as qa:
            await asyncio.sleep(0.3)  # let A listen before B connects
            async with vm(b + nics.qemu_args("hvtest.ip=10.9.0.2/24")) as qb:
                await asyncio.gather(qa.wait_ready(READY_TIMEOUT * 2), qb.wait_ready(READY_TIMEOUT * 2))
                assert re.search(r"^HVMCTL-IP 10\.9\.0\.2 dev=eth0$", qb.serial_text(), re.M)
                await qb.run("ping -c 1 -W 10 10.9.0.1", r"1 packets received", 30)

    run(scenario())


def test_tiny_virtio_disk_and_driver_cd(tiny: guests.Guest, vm: Callable[..., RawQemu]) -> None:
    iso = guests.installer_iso()
    cd = guests.driver_cd()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        disk = Path(tmp) / "vd.img"
        with disk.open("wb") as f:
            f.truncate(8 << 20)
        args = ["-drive", f"file={iso.path},media=cdrom,if=ide,index=0,readonly=on",
                "-drive", f"file={cd.path},media=cdrom,if=ide,index=1,readonly=on",
                "-drive", f"file={disk},format=raw,if=virtio", *tiny.qemu_args()]

        async def scenario() -> None:
            async with vm(args) as q:
                await q.wait_ready(READY_TIMEOUT)
                await q.run("mount -t iso9660 /dev/sr1 /mnt && cat /mnt/DRIVER.TXT", r"^HVMCTL-DRIVER-CD\r?$")
                await q.run("cat /sys/block/vda/size", r"^16384\r?$")

        run(scenario())


# --------------------------------------------------------------------------- other kernels


def test_nics_guest_binds_emulated_nics(vm: Callable[..., RawQemu]) -> None:
    g = guests.nics_guest()
    args = ["-device", "e1000", "-device", "ne2k_pci", "-device", "rtl8139", "-device", "pcnet",
            *g.qemu_args()]

    async def scenario() -> str:
        async with vm(args) as q:
            await q.wait_ready(READY_TIMEOUT * 2)
            return q.serial_text()

    text = run(scenario())
    for ids, driver in (("8086:100e", "e1000"), ("10ec:8029", "ne2k-pci"), ("10ec:8139", "8139cp"),
                        ("1022:2000", "pcnet32")):
        assert re.search(rf"^HVMCTL-PCI {ids} \S+ class=0x020000 driver={driver}$", text, re.M), text
    assert len(re.findall(r"^HVMCTL-NIC eth\d ", text, re.M)) == 4, text


def test_i686_guest(vm: Callable[..., RawQemu]) -> None:
    g = guests.i686_guest()
    assert g.arch == "i686"

    async def scenario() -> None:
        async with vm(g.qemu_args()) as q:
            await q.wait_ready(READY_TIMEOUT * 2)
            assert re.search(r"^HVMCTL-READY arch=i686 kernel=\S+-686$", q.serial_text(), re.M)
            await q.run("echo MARK-$((40+2))", r"^MARK-42\r?$")
            await q.execute("system_powerdown")
            await q.wait_event("SHUTDOWN", 10)

    run(scenario())


# --------------------------------------------------------------------------- boot media


def test_boot_disk_boots_without_kernel(vm: Callable[..., RawQemu]) -> None:
    disk = guests.boot_disk()
    args = ["-drive", f"file={disk.path},format=raw,if=ide,snapshot=on", "-boot", "c"]

    async def scenario() -> None:
        async with vm(args) as q:
            await q.wait_ready(READY_TIMEOUT * 2)
            assert re.search(r"^HVMCTL-BOOTED-FROM disk$", q.serial_text(), re.M)

    run(scenario())


def test_installer_iso_installs_a_bootable_disk(vm: Callable[..., RawQemu]) -> None:
    iso = guests.installer_iso()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        disk = Path(tmp) / "hda.img"
        with disk.open("wb") as f:
            f.truncate(64 << 20)

        async def scenario() -> None:
            install = ["-drive", f"file={disk},format=raw,if=ide,index=0",
                       "-drive", f"file={iso.path},media=cdrom,if=ide,index=2,readonly=on",
                       "-boot", "order=d", "-vga", "std"]
            async with vm(install) as q:
                await q.wait_serial(r"^HVMCTL-BOOTED-FROM cdrom$", READY_TIMEOUT * 2)
                m = await q.wait_serial(r"^HVMCTL-INSTALL-(DONE|FAILED.*)$", 60)
                assert m.group(1) == "DONE", m.group(0)
                ev = await q.wait_event("SHUTDOWN", 20)
                assert ev["data"]["reason"] == "guest-shutdown"
            async with vm(["-drive", f"file={disk},format=raw,if=ide,index=0", "-boot", "c"]) as q:
                await q.wait_ready(READY_TIMEOUT * 2)
                assert re.search(r"^HVMCTL-BOOTED-FROM disk$", q.serial_text(), re.M)

        run(scenario(), 300)


def test_installer_shows_banner_on_vga(vm: Callable[..., RawQemu]) -> None:
    iso = guests.installer_iso()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        disk = Path(tmp) / "hda.img"
        with disk.open("wb") as f:
            f.truncate(64 << 20)
        shot = Path(tmp) / "screen.ppm"

        async def scenario() -> None:
            args = ["-drive", f"file={disk},format=raw,if=ide,index=0",
                    "-drive", f"file={iso.path},media=cdrom,if=ide,index=2,readonly=on",
                    "-boot", "order=d", "-vga", "std", "-action", "shutdown=pause"]
            async with vm(args) as q:
                m = await q.wait_serial(r"^HVMCTL-INSTALL-(DONE|FAILED.*)$", READY_TIMEOUT * 3)
                assert m.group(1) == "DONE", m.group(0)
                await q.wait_event("SHUTDOWN", 20)
                await q.execute("screendump", {"filename": str(shot)})
            data = shot.read_bytes()
            pixels = data[data.index(b"255\n") + 4:]
            assert len(set(pixels)) > 1, "the VGA screen is blank"

        run(scenario(), 300)


# --------------------------------------------------------------------------- the cache


def test_cached_artefacts_are_reused() -> None:
    first = guests.tiny_guest()
    assert guests.tiny_guest() == first
    assert first.kernel.exists() and first.initrd.exists()
    assert "console=ttyS0" in first.cmdline and "panic=-1" in first.cmdline


def test_cli_prints_json(tmp_path: Path) -> None:
    import json
    import subprocess

    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "tests.fixtures.guests", "build", "--what", "tiny,drivercd", "-q"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True)
    out = json.loads(proc.stdout)
    assert Path(out["tiny"]["kernel"]) == guests.tiny_guest().kernel
    assert Path(out["drivercd"]["path"]) == guests.driver_cd().path
