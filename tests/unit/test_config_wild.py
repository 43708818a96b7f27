"""Profiles as they are found in the wild: Python-2-era xm files, xm_vars check functions,
serial, vif and disk forms of xend 3.x and xl 4.x, read as xend or xl read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.config import load_profile, parse_profile
from hvmctl.config.evaluator import py2_source
from hvmctl.config.model import DomainConfig
from hvmctl.errors import ConfigError

HVM = 'builder = "hvm"\n'


def cfg_of(text: str, *overrides: str, name: str = "vm") -> DomainConfig:
    return parse_profile(text, filename=f"/etc/xen/{name}", overrides=overrides, default_name=name).config


def warnings_of(text: str, *overrides: str) -> list[str]:
    loaded = parse_profile(text, filename="/etc/xen/vm", overrides=overrides, default_name="vm")
    return [str(w) for w in loaded.warnings if w.kind == "warning"]  # not the name note


# ---------------------------------------------------------------------------------------------
# Python-2-era xm files


def test_octal_and_long_literals_read_as_python_2_did() -> None:
    cfg = cfg_of(HVM + "memory = 0400\nvcpus = 2L\nname = 'a%o' % 0644\n")
    assert (cfg.memory, cfg.vcpus, cfg.name) == (256, 2, "a644")


def test_octal_inside_strings_and_comments_is_untouched() -> None:
    assert py2_source("name = '0644' # 0755\n") is None
    assert cfg_of(HVM + "name = 'vm0644' # 0755\nmemory = 0400\n").name == "vm0644"


def test_print_statements_are_evaluated_and_ignored() -> None:
    text = HVM + 'memory = 256\nprint "memory is", memory\nprint\nprint("done")\nname = "p"\n'
    cfg = cfg_of(text)
    assert (cfg.name, cfg.memory) == ("p", 256)
    assert warnings_of(text) == []


def test_utf8_bom_crlf_and_mixed_tabs() -> None:
    text = '\ufeff' + HVM.replace("\n", "\r\n") + 'if 1:\r\n\tmemory = 384\r\n        vcpus = 2\r\nname = "t"\r\n'
    cfg = cfg_of(text)
    assert (cfg.name, cfg.memory, cfg.vcpus) == ("t", 384, 2)


def test_latin1_comments_read_by_xm_create(tmp_path: Path) -> None:
    path = tmp_path / "old"
    path.write_bytes(b"# Serveur de d\xe9veloppement\nbuilder = 'hvm'\nname = 'dev'\n")
    assert load_profile(str(path), search_dirs=[]).config.name == "dev"
    import argparse
    from types import SimpleNamespace

    from hvmctl.cli import main

    # xm create (and xm new) send the text to the daemon: read the same way, not strict UTF-8
    args = argparse.Namespace(profile=str(path), overrides=[])
    body = main.profile_body(args, SimpleNamespace(paths=SimpleNamespace(profile_dir=tmp_path)))  # type: ignore[arg-type]  # only .paths is read
    assert "Serveur de d\u00e9veloppement" in body["profile"] and body["filename"] == str(path)


# ---------------------------------------------------------------------------------------------
# xm_vars check functions (xmexample2)

XMEXAMPLE2 = '''
def vmid_check(var, val):
    val = int(val)
    if val <= 0:
        raise ValueError
    return val

xm_vars.var('vmid', use="Virtual machine id. Integer greater than 0.", check=vmid_check)
xm_vars.check()
builder = "hvm"
name = "VM%d" % vmid
disk = ['phy:sda%d,hda,w' % (7 + vmid)]
'''


def test_vmid_check_accepts_a_good_value_and_converts_it() -> None:
    cfg = cfg_of(XMEXAMPLE2, "vmid='3'")  # a string from the command line: int(val) makes it 3
    assert cfg.name == "VM3" and cfg.disks[0].target == "/dev/sda10"


@pytest.mark.parametrize("vmid", ["-5", "0"])
def test_vmid_check_refuses_a_bad_value(vmid: str) -> None:
    with pytest.raises(ConfigError) as info:
        cfg_of(XMEXAMPLE2, f"vmid={vmid}")
    assert str(info.value) == f"/etc/xen/vm:5: vmid: expected a value vmid_check() accepts; got {vmid}"


def test_a_check_runs_even_without_xm_vars_check() -> None:
    text = XMEXAMPLE2.replace("xm_vars.check()\n", "")
    with pytest.raises(ConfigError, match="vmid_check"):
        cfg_of(text, "vmid=-5")


def test_check_locals_are_not_profile_keys() -> None:
    assert not any("val" in w for w in warnings_of(XMEXAMPLE2, "vmid=1"))


# ---------------------------------------------------------------------------------------------
# serial


def test_serial_options_belong_to_the_chardev() -> None:
    from hvmctl.config.serial import Serial, parse_serial

    assert parse_serial("unix:/run/s,server,nowait") == Serial("unix", path="/run/s", server=True, wait=False)
    assert parse_serial("tcp:[::1]:4555,server") == Serial("tcp", host="::1", port=4555, server=True, wait=True)
    assert parse_serial("none") is None


def test_a_server_that_would_wait_warns() -> None:
    got = warnings_of(HVM + 'serial = "unix:/run/s,server"\n')
    assert got == ["/etc/xen/vm:2: warning: serial: 'unix:/run/s,server': the guest starts without waiting "
                   "for a client (qemu-dm waited); add ',nowait' to say so"]
    assert warnings_of(HVM + 'serial = "unix:/run/s,server,nowait"\n') == []


# ---------------------------------------------------------------------------------------------
# disks


@pytest.mark.parametrize("entry,target,backend,fmt", [
    ("tap:aio:/img/a.raw,hda,w", "/img/a.raw", "tap:aio", "raw"),
    ("tap:qcow:/img/a.qcow,hda,w", "/img/a.qcow", "tap:qcow", "qcow"),
    ("tap2:tapdisk:aio:/img/a.raw,hda,w", "/img/a.raw", "tap:aio", "raw"),
    ("format=raw,vdev=hda,access=rw,backendtype=phy,target=/dev/vg/a", "/dev/vg/a", "phy", "raw"),
])
def test_disk_forms_in_the_wild(entry: str, target: str, backend: str, fmt: str) -> None:
    disk = cfg_of(HVM + f"disk = ['{entry}']\n").disks[0]
    assert (disk.target, disk.backend, disk.format, disk.vdev) == (target, backend, fmt, "hda")


def test_empty_cdrom_and_network_target_refused() -> None:
    disk = cfg_of(HVM + "disk = [',hdc:cdrom,r']\n").disks[0]
    assert disk.empty and disk.devtype == "cdrom"
    with pytest.raises(ConfigError, match="network targets"):
        cfg_of(HVM + "disk = ['vdev=xvda,target=rbd:pool/image']\n")
