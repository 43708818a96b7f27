"""Local root's foot-guns through the real CLI and daemon: `xm create` of a profile handing the
guest /etc/shadow (as a disk, or as a serial file QEMU would open for writing) is refused with
the profile's file:line; --allow-any-path passes it (dry run: no guest is needed to see the
argv QEMU would get). A disk in an ordinary directory stays xm's freedom."""

from __future__ import annotations

from tests.integration.hvenv import HvEnv, tiny_profile


def test_local_system_files_refused_unless_allowed(hv: HvEnv) -> None:
    path = hv.write_profile("shadow", tiny_profile("shadow", more="disk = ['file:/etc/shadow,xvdb,r']\n"))
    out = hv.hv("create", "-n", "shadow", check=False)
    assert out.returncode == 1, out.stdout
    assert out.stderr.strip() == (f"hvmctl: error: {path}:9: disk: xvdb: /etc/shadow is a system file (not world-readable); "
                                  "pass --allow-any-path to use it anyway")
    argv = hv.hv("create", "-n", "--allow-any-path", "shadow").stdout
    assert "/etc/shadow" in argv

    hv.write_profile("ser", tiny_profile("ser", more="serial = 'file:/etc/shadow'\n"))
    out = hv.hv("create", "-n", "ser", check=False)
    assert out.returncode == 1 and ":9: serial: /etc/shadow is a system file (opened for writing)" in out.stderr

    disk = hv.base / "plain.img"
    disk.write_bytes(b"\0" * (1 << 20))
    hv.write_profile("plain", tiny_profile("plain", more=f"disk = ['file:{disk},xvdb,w']\n"))
    assert str(disk) in hv.hv("create", "-n", "plain").stdout
    assert hv.domains() == []  # nothing of the above started a guest
