"""scripts/manpages.py: man pages and completion from the CLI's --help output (parsed, never
imported), hvmctl.conf(5) from the installed settings files, and the package's sample profile."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("manpages", ROOT / "scripts" / "manpages.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["manpages"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


mp = _load()

TOP_ARGPARSE = """usage: hvmctl [-h] COMMAND ...

Run Xen xm/xl domain profiles as QEMU guests.

positional arguments:
  COMMAND
    create         create a domain from a profile
    vcpu-set       set a running domain's number of vCPUs (hotplug up to
                   maxvcpus)
    network-bridge
                   Xen's network-bridge: make (or undo) xenbrN on ethN, moving
                   the host's addresses

options:
  -h, --help       show this help message and exit
"""

TOP_TABLE = """usage: hvmctl [-h] COMMAND ...

Run Xen xm/xl domain profiles as QEMU guests.

commands:
  create           create a domain from a profile
  vcpu-set         set a running domain's number of vCPUs (hotplug up to
                   maxvcpus)
  network-bridge
                   Xen's network-bridge: make (or undo) xenbrN on ethN, moving
                   the host's addresses
"""

CONVERT = """usage: hvmctl convert [-h] [--json] --to-hvm [-n] [-o OUTPUT] [--force]
                      profile

port a PV profile to HVM (seed 2.3.2)

positional arguments:
  profile               profile path, or name in the profile directory
                        (/etc/xen)

options:
  -h, --help            show this help message and exit
  -o OUTPUT, --output OUTPUT
                        write the HVM profile here (default: in place,
                        PROFILE.bak kept)
  --force               replace an existing --output file
"""

IMAGE = """usage: hvmctl image [-h] [--json] SUBCOMMAND ...

disk images: create, info

positional arguments:
  SUBCOMMAND
    create    create a disk image (raw sparse, or qcow2)
    info      what an image is: format, size, data held, in use

options:
  -h, --help  show this help message and exit
  --json      machine-readable output
"""


@pytest.mark.parametrize("text", [TOP_ARGPARSE, TOP_TABLE], ids=["argparse", "table"])
def test_top_level_commands_with_wrapped_descriptions(text: str) -> None:
    top = mp.parse_help(text)
    assert top.usage == "hvmctl [-h] COMMAND ..."
    assert top.description == "Run Xen xm/xl domain profiles as QEMU guests."
    cmds = [(c.term, c.desc) for c in mp.commands_of(top)]
    assert cmds == [
        ("create", "create a domain from a profile"),
        ("vcpu-set", "set a running domain's number of vCPUs (hotplug up to maxvcpus)"),
        ("network-bridge", "Xen's network-bridge: make (or undo) xenbrN on ethN, moving the host's addresses"),
    ]


def test_command_usage_positionals_and_options() -> None:
    cmd = mp.parse_help(CONVERT)
    assert cmd.usage == "hvmctl convert [-h] [--json] --to-hvm [-n] [-o OUTPUT] [--force] profile"
    assert mp.positionals(cmd) == ["profile"]
    opts = cmd.section("options")
    assert [o.term for o in opts] == ["-h, --help", "-o OUTPUT, --output OUTPUT", "--force"]
    assert opts[1].desc == "write the HVM profile here (default: in place, PROFILE.bak kept)"
    assert mp.option_words(cmd) == ["-h", "--help", "-o", "--output", "--force"]


def test_subcommands_under_the_placeholder() -> None:
    image = mp.parse_help(IMAGE)
    assert mp.positionals(image) == []
    assert [(s.term, s.indent) for s in mp.commands_of(image)] == [("create", 4), ("info", 4)]


def test_roff_escapes_what_roff_would_eat() -> None:
    assert mp.roff(".hidden -x \\n") == "\\&.hidden \\-x \\en"


def test_completion_knows_commands_options_and_argument_kinds() -> None:
    cmds = [mp.Command("create", "", mp.parse_help(CONVERT.replace("convert", "create"))),
            mp.Command("console", "", mp.parse_help("usage: hvmctl console domain\n\npositional arguments:\n"
                                                    "  domain      domain name, ID or UUID\n")),
            mp.Command("image", "", mp.parse_help(IMAGE),
                       [mp.Command("image create", "", mp.parse_help("usage: x\n")),
                        mp.Command("image info", "", mp.parse_help("usage: x\n"))])]
    script = mp.completion_script(cmds)
    assert "compgen -W 'create console image'" in script
    assert "create) opts='-h --help -o --output --force'; kind='profile' ;;" in script
    assert "console) opts=''; kind='domain' ;;" in script
    assert "image) opts='-h --help --json'; kind='words:image create image info' ;;" in script
    assert "complete -o filenames -F _hvmctl xm hvmctl" in script
    if shutil.which("bash"):
        res = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, timeout=30)
        assert res.returncode == 0, res.stderr


def test_conf_page_from_the_installed_settings_files() -> None:
    header, items = mp.parse_settings_doc((ROOT / "contrib/debian/default-hvmctl-guests").read_text())
    assert header.startswith("/etc/default/hvmctl-guests -- Xen's /etc/sysconfig/xendomains")
    keys = {k: (v, why) for k, v, why in items}
    assert list(keys) == ["XENDOMAINS_AUTO", "XENDOMAINS_SAVE", "XENDOMAINS_RESTORE", "XENDOMAINS_STOP_MAXWAIT",
                          "XENDOMAINS_AUTO_ONLY"]
    assert keys["XENDOMAINS_STOP_MAXWAIT"] == ("300", "Seconds an ACPI shutdown may take before the guest is destroyed.")
    _, daemon_items = mp.parse_settings_doc((ROOT / "contrib/debian/default-hvmctl").read_text())
    assert ("HVMCTL_XENDOMAINS", "/etc/default/hvmctl-guests") in [(k, v) for k, v, _ in daemon_items]
    assert "HVMCTL_ACCEL" in [k for k, _, _ in daemon_items]
    page = mp.conf_page([("/etc/default/hvmctl-guests", (ROOT / "contrib/debian/default-hvmctl-guests").read_text())],
                        "1.0", "2026-01-01")
    assert page.splitlines()[1] == '.TH HVMCTL.CONF 5 "2026-01-01" "hvmctl 1.0" "hvmctl manual"'
    assert "\\fBXENDOMAINS_STOP_MAXWAIT=300\\fR" in page


def test_the_real_cli_help_still_parses() -> None:
    """The CLI is being restructured: its --help must keep a shape this parser reads."""
    top = mp.parse_help(mp.run_help(sys.executable))
    names = [c.term for c in mp.commands_of(top)]
    assert {"create", "list", "info", "daemon", "host-start", "host-stop", "image"} <= set(names)
    create = mp.parse_help(mp.run_help(sys.executable, "create"))
    assert mp.positionals(create)[0] == "profile" and "--dry-run" in mp.option_words(create)
    page = mp.cli_page("xm", top, [mp.Command("create", "", create)], "1.0", "2026-01-01")
    assert ".SS create" in page and "\\fBxm create [\\-h]" in page


def test_sample_profile_is_a_valid_profile() -> None:
    from hvmctl.config import parse_profile

    text = (ROOT / "contrib/debian/xmexample.hvm").read_text()
    cfg = parse_profile(text, filename="xmexample.hvm", default_name="xmexample.hvm").config
    assert cfg.name == "ExampleHVMDomain" and [d.vdev for d in cfg.disks] == ["hda", "hdc"]
