"""vtpm: the profile key, the argv (tpm-crb on the emulator backend), and the domain's swtpm
-- a real one, started before the (fake) QEMU, listed, ended with the domain, its state dir
kept while the domain is and removed with it."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.writer import write_xm
from hvmctl.daemon import managed, vtpm
from hvmctl.daemon.process import process_alive
from hvmctl.errors import ConfigError, HostError
from hvmctl.qemu.argv import HostFacts, LaunchPlan, build_argv
from tests.unit import crashkit as ck

GOLDEN = Path(__file__).parent / "golden" / "argv"
needs_swtpm = pytest.mark.skipif(shutil.which("swtpm") is None, reason="Debian's swtpm is not installed")

TPM_PROFILE = """
name = "tpm"
uuid = "6f1c2a3b-0000-4000-8000-00000000dddd"
builder = "hvm"
memory = 128
disk = ["file:/srv/tpm.img,hda,w"]
vtpm = ["backend=0"]
"""


def test_vtpm_argv_golden() -> None:
    cfg = parse_profile(TPM_PROFILE, filename="/etc/xen/tpm").config
    assert cfg.vtpm == "crb"
    plan = LaunchPlan(domid=4, run_dir=PurePath("/run/hvmctl/dom/6f1c2a3b"), log_dir=PurePath("/var/log/hvmctl"),
                      name=cfg.name)
    argv = build_argv(cfg, HostFacts(accel="tcg"), plan)
    i = argv.index("-tpmdev")
    assert argv[i - 1] == "socket,id=chrtpm,path=/run/hvmctl/dom/6f1c2a3b/swtpm.sock"
    assert argv[i + 1:i + 4] == ["emulator,id=tpm0,chardev=chrtpm", "-device", "tpm-crb,tpmdev=tpm0"]
    text = "\n".join(argv) + "\n"
    golden = GOLDEN / "vtpm.txt"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), "argv for vtpm changed; HVMCTL_UPDATE_GOLDEN=1 to accept"


@pytest.mark.parametrize("value,model", [
    ('["backend=0"]', "crb"), ('["instance=1,backend=0"]', "crb"), ('["model=tis"]', "tis"), ("[]", None),
])
def test_vtpm_forms(value: str, model: str | None) -> None:
    loaded = parse_profile(TPM_PROFILE.replace('["backend=0"]', value), filename="/etc/xen/tpm")
    assert loaded.config.vtpm == model
    assert not [w for w in loaded.warnings if w.key == "vtpm"]
    again = parse_profile(write_xm(loaded.config), filename="/etc/xen/tpm").config
    assert again.vtpm == model


@pytest.mark.parametrize("value,message", [
    ('["backend=0", "backend=1"]', "expected one vtpm entry"),
    ('["model=tis2"]', "expected model=crb or model=tis; got 'model=tis2'"),
    ('["colour=blue"]', "expected vtpm settings key=value with keys"),
])
def test_vtpm_mistakes(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_profile(TPM_PROFILE.replace('["backend=0"]', value), filename="/etc/xen/tpm")


def test_missing_swtpm_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HVMCTL_SWTPM", "/nonexistent/swtpm")
    with pytest.raises(HostError, match="vtpm: /nonexistent/swtpm not found"):
        vtpm.check(parse_profile(TPM_PROFILE, filename="/etc/xen/tpm").config)


def tpm(name: str = "demo") -> str:
    return ck.profile(name, more='vtpm = ["backend=0"]\n')


@needs_swtpm
def test_swtpm_lives_with_the_domain(tmp_path: Path) -> None:
    world = ck.FakeWorld()
    root = tmp_path / "h"
    paths = ck.make_paths(root)

    async def main() -> None:
        daemon = ck.new_daemon(root, world)
        await daemon.start()
        dry = await daemon.create(tpm(), filename="/etc/xen/demo", overrides=[], dry_run=True)
        assert "tpm-crb,tpmdev=tpm0" in dry["argv"]
        await daemon.create(tpm(), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        run_dir = Path(dom.runtime.run_dir)  # type: ignore[union-attr]
        pid = vtpm.running_pid(run_dir)
        assert pid is not None and (run_dir / "swtpm.sock").exists()
        assert vtpm.state_dir(paths, ck.UUID).is_dir()
        row, = vtpm.rows(paths, dom.config, run_dir)
        assert (row["state"], row["pid"], row["model"]) == ("running", pid, "tpm-crb")
        await dom.destroy()
        assert vtpm.running_pid(run_dir) is None and not process_alive(pid)  # a zombie until init reaps it
        assert not vtpm.state_dir(paths, ck.UUID).exists()  # a transient domain: gone with it

        managed.define(daemon, tpm(), filename="/etc/xen/demo", overrides=[])
        dom = await managed.start(daemon, daemon.lookup("demo"))
        (vtpm.state_dir(paths, ck.UUID) / "marker").write_text("kept")
        await dom.destroy()
        assert (vtpm.state_dir(paths, ck.UUID) / "marker").read_text() == "kept"  # kept with the definition
        await managed.delete(daemon, daemon.lookup("demo"))
        assert not vtpm.state_dir(paths, ck.UUID).exists()

    asyncio.run(main())
