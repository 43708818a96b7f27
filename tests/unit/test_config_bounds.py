"""Bounds on what a profile can make the reader do, and files that are not profiles.

The catalogue (test_config_bad_profiles.py) holds the one-line errors; these are the cases
that need a generated profile, a file on disk, a time limit or a record from elsewhere.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hvmctl.config import DomainConfig, load_profile, parse_profile
from hvmctl.config.evaluator import MAX_SOURCE, looks_binary
from hvmctl.errors import ConfigError


def _fails_fast(text: str, limit: float = 2.0) -> str:
    start = time.process_time()
    with pytest.raises(ConfigError) as info:
        parse_profile(text, filename="/etc/xen/p", default_name="p")
    elapsed = time.process_time() - start
    assert elapsed < limit, f"took {elapsed:.2f}s"
    message = str(info.value)
    assert "\n" not in message
    return message


def test_3000_deep_list_through_variables_is_one_line_and_fast() -> None:
    # was: RecursionError from repr() after ~1 s of quadratic measuring
    text = "a = 1\n" + "a = [a]\n" * 3000 + "builder = 'hvm'\nextra = a\n"
    assert _fails_fast(text) == "/etc/xen/p:66: expression nested too deeply (more than 64 levels)"


def test_deep_tuple_and_dict_mix_is_bounded() -> None:
    text = "a = 1\n" + "a = ({'k': a},)\n" * 2000
    assert _fails_fast(text) == "/etc/xen/p:34: expression nested too deeply (more than 64 levels)"


def test_64_levels_are_still_allowed() -> None:
    text = "builder = 'hvm'\na = 1\n" + "a = [a]\n" * 64 + "b = str(a)\n"
    assert parse_profile(text, filename="/etc/xen/p", default_name="p").config.name == "p"


@pytest.mark.parametrize(
    "body",
    [
        "x = l * 1\n",  # a 1000-item list copied on every line
        "x = l[:]\n",
        "x = s.split(',')\n",  # 1000 new strings per line
        "x = t.replace('a', 'bb')\n",
    ],
)
def test_work_is_bounded_whatever_the_profile_repeats(body: str) -> None:
    head = "builder = 'hvm'\nl = ['x' * 200] * 1000\ns = 'a,' * 999\nt = 'a' * 30000\n"
    text = head + body * ((MAX_SOURCE - len(head)) // len(body))
    start = time.process_time()
    try:
        parse_profile(text, filename="/etc/xen/p", default_name="p")
    except ConfigError as exc:
        assert "profile too large to evaluate" in str(exc)
    assert time.process_time() - start < 3.0


def test_binary_file_is_not_a_profile(tmp_path: Path) -> None:
    image = tmp_path / "disk.qcow2"
    image.write_bytes(b"QFI\xfb\x00\x00\x00\x03" + bytes(range(256)) * 8)
    with pytest.raises(ConfigError) as info:
        load_profile(str(image), search_dirs=())
    assert str(info.value) == f"{image}: not a profile (binary data)"


def test_binary_without_nul_is_not_a_profile() -> None:
    data = bytes(b for b in range(1, 256) if b != 0x0A) * 4  # decodes as Latin-1
    text = data.decode("latin-1")
    assert looks_binary(text)
    assert _fails_fast(text) == "/etc/xen/p: not a profile (binary data)"


def test_one_stray_control_character_is_not_binary() -> None:
    text = "# old profile \x1b[0m\nbuilder = 'hvm'\nmemory = 256\n" + "# comment line\n" * 5
    assert not looks_binary(text)
    assert parse_profile(text, filename="/etc/xen/p", default_name="p").config.memory == 256


def test_empty_file_is_an_empty_profile(tmp_path: Path) -> None:
    path = tmp_path / "web1"
    path.write_bytes(b"")
    with pytest.raises(ConfigError) as info:
        load_profile(str(path), search_dirs=())
    assert str(info.value) == f"{path}: empty profile"


def test_comma_in_name_is_accepted() -> None:
    # commas are escaped in every QEMU option (',' -> ',,'), so the name stays a name
    cfg = parse_profile("builder='hvm'\nname = 'web,process=kworker'\n", filename="/etc/xen/p").config
    assert cfg.name == "web,process=kworker"


@pytest.mark.parametrize("name", [".", "..", "", "a/b", "a\x00", "a\x1b", "a b", "x" * 65, None, 7])
def test_record_from_elsewhere_with_a_bad_name_is_refused(name: object) -> None:
    data = DomainConfig(name="ok").to_dict()
    data["name"] = name
    with pytest.raises(ConfigError, match=r"^<record>: name: expected a domain name"):
        DomainConfig.from_dict(data)


def test_record_round_trip_keeps_good_names() -> None:
    for name in ("web,1", "Domain-1a2b", "é-ü", "a" * 64):
        assert DomainConfig.from_dict(DomainConfig(name=name).to_dict()).name == name


def test_record_with_control_characters_is_refused() -> None:
    data = DomainConfig(name="web", extra="console=ttyS0\n quiet\t").to_dict()
    assert DomainConfig.from_dict(data).extra == "console=ttyS0\n quiet\t"  # kernel whitespace
    data["disks"] = [{"target": "/srv/a.img\x00", "vdev": "hda"}]
    with pytest.raises(ConfigError, match=r"^<record>: disks: expected no control characters"):
        DomainConfig.from_dict(data)


def test_bad_record_is_also_a_value_error() -> None:
    # the daemon's start sets aside records that raise OSError/ValueError/KeyError/TypeError
    # and goes on; a record with a now-refused name must not stop it from starting
    data = DomainConfig(name="ok").to_dict()
    data["name"] = ".."
    with pytest.raises(ValueError):
        DomainConfig.from_dict(data)
