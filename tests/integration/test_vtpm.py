"""A guest with ``vtpm``: it sees a TPM 2.0 (/dev/tpm0 through tpm_crb), a PCR it extends
keeps its value across a save and a restore, across a kill -9 of the daemon (whose
successor finds the swtpm still serving the guest) and across a live migration to another
host (QEMU's stream carries the TPM's state to the destination's fresh swtpm), and after
destroy no swtpm is left."""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from hvmctl.daemon.process import process_alive
from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.migration_hosts import two_hosts
from tests.integration.test_migration import run_in_guest, type_line

pytestmark = pytest.mark.skipif(shutil.which("swtpm") is None, reason="needs Debian's swtpm")
PCR = "/sys/class/tpm/tpm0/pcr-sha256/16"
# TPM2_PCR_Extend(PCR 16, sha256 = the 32 bytes "HVMCTL-PCR-EXTEND-0123456789abcd"), empty password session
EXTEND = (r'exec 3<>/dev/tpm0; printf "\200\002\000\000\000\101\000\000\001\202\000\000\000\020\000\000\000\011'
          r'\100\000\000\011\000\000\000\000\000\000\000\000\001\000\013HVMCTL-PCR-EXTEND-0123456789abcd" >&3; '
          r'dd bs=64 count=1 <&3 2>/dev/null | od -An -tx1 | tr -d " \n"; exec 3>&-')
EXTENDED = "65581DB1B030B02EF0A0F9D542A58C2FEFD4DA217906A3AFE6BBD0EB5452CC4B"
EXTENDED_TWICE = "F57226A0C3623540940794ED88223BF920E329CBBA4B43D5B1668E1DB6D9AF21"  # sha256(EXTENDED || digest)


def swtpms_of(run_dir: str) -> list[int]:
    """Processes whose command line names this run dir's swtpm socket."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        prog = cmdline.split(b"\0")[0].rsplit(b"/", 1)[-1]
        if prog == b"swtpm" and f"{run_dir}/swtpm.sock".encode() in cmdline and process_alive(int(proc.name)):
            pids.append(int(proc.name))
    return pids


def test_tpm_guest_keeps_its_pcr_and_leaves_nothing(hv: HvEnv, tmp_path: Path) -> None:
    hv.write_profile("tpm", tiny_profile("tpm", more='vtpm = ["backend=0"]\n'))
    hv.hv("create", "tpm")
    hv.wait_console("tpm", "HVMCTL-READY", timeout=120)
    dom = hv.domain("tpm")
    run_dir = str(Path(dom["serial_socket"]).parent)
    rows = hv.hv("vtpm-list", "tpm", "--json").json()
    assert [(r["model"], r["state"]) for r in rows] == [("tpm-crb", "running")]
    assert swtpms_of(run_dir) == [rows[0]["pid"]]
    assert run_in_guest(hv, "tpm", "DEV", "ls /dev/tpm0 && cat /sys/class/tpm/tpm0/tpm_version_major") \
        .split() == ["/dev/tpm0", "2"]
    assert run_in_guest(hv, "tpm", "PCR0", f"cat {PCR}") == "0" * 64
    answer = run_in_guest(hv, "tpm", "EXT", EXTEND)
    assert answer.startswith("8002000000130000000000"), answer  # TPM_RC_SUCCESS
    assert run_in_guest(hv, "tpm", "PCR1", f"cat {PCR}") == EXTENDED

    save = tmp_path / "tpm.save"
    hv.hv("save", "tpm", str(save))
    hv.wait_for(lambda: not swtpms_of(run_dir), timeout=30, what="the saved guest's swtpm ended")
    hv.hv("restore", str(save))
    assert run_in_guest(hv, "tpm", "PCR2", f"cat {PCR}") == EXTENDED  # the TPM's state came in the stream

    pid = hv.hv("vtpm-list", "tpm", "--json").json()[0]["pid"]
    hv.kill_daemon(signal.SIGKILL)
    hv.start_daemon()
    rows = hv.hv("vtpm-list", "tpm", "--json").json()
    assert (rows[0]["state"], rows[0]["pid"]) == ("running", pid)  # the same swtpm, found again
    assert run_in_guest(hv, "tpm", "PCR3", f"cat {PCR}") == EXTENDED

    state_dir = Path(rows[0]["state_dir"])
    assert state_dir.is_dir() and any(state_dir.iterdir())
    hv.hv("destroy", "tpm")
    hv.wait_for(lambda: not swtpms_of(run_dir), timeout=10, what="no swtpm left")
    assert not state_dir.exists()
    text = hv.hv("vtpm-list", "tpm", check=False)
    assert text.returncode != 0 and re.search(r"does not exist", text.stderr)


@pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")
def test_tpm_pcr_survives_a_live_migration() -> None:
    with two_hosts() as h:
        h.src.write_profile("tlm", tiny_profile("tlm", more='vtpm = ["backend=0"]\n'))
        h.src.hv("create", "tlm")
        h.src.wait_console("tlm", "HVMCTL-READY", timeout=120)
        dom = h.src.domain("tlm")
        src_run = str(Path(dom["serial_socket"]).parent)
        src_state = h.src.base / "state" / "tpm" / dom["uuid"]
        assert src_state.is_dir()
        answer = run_in_guest(h.src, "tlm", "EXT", EXTEND)
        assert answer.startswith("8002000000130000000000"), answer  # TPM_RC_SUCCESS
        assert run_in_guest(h.src, "tlm", "PCR1", f"cat {PCR}") == EXTENDED

        res = h.migrate("--live", "--json", "tlm", h.dst_addr).json()
        assert res["live"] and h.src.domains() == []
        h.src.wait_for(lambda: not swtpms_of(src_run), timeout=30, what="the source's swtpm ended")
        assert not src_state.exists()  # the TPM left with the guest: nothing of it stays at the source
        rows = h.dst.hv("vtpm-list", "tlm", "--json").json()
        assert [(r["model"], r["state"]) for r in rows] == [("tpm-crb", "running")]
        dst_run = str(Path(h.dst.domain("tlm")["serial_socket"]).parent)
        assert swtpms_of(dst_run) == [rows[0]["pid"]]
        # the guest did not boot again, and its TPM answers with the PCR it extended at the source
        assert "HVMCTL-READY" not in h.dst.console_log("tlm")
        assert run_in_guest(h.dst, "tlm", "PCR2", f"cat {PCR}") == EXTENDED
        answer = run_in_guest(h.dst, "tlm", "EXT2", EXTEND)  # and keeps working: a second extend
        assert answer.startswith("8002000000130000000000"), answer
        assert run_in_guest(h.dst, "tlm", "PCR3", f"cat {PCR}") == EXTENDED_TWICE
        h.dst.hv("destroy", "tlm")
        h.dst.wait_for(lambda: not swtpms_of(dst_run), timeout=10, what="no swtpm left at the destination")
