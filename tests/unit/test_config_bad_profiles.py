"""The catalogue of bad profiles: each one fails with exactly its one-line error.

The cases live in one data file (bad_profiles/catalogue.txt) so that adding a case is adding
a few lines of text. Hostile profiles are in it too: none of them may run code, hang or
exhaust memory, and each gets a ConfigError naming the file, the line and the construct.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from hvmctl.config import parse_profile
from hvmctl.errors import ConfigError

CATALOGUE = Path(__file__).parent / "bad_profiles" / "catalogue.txt"


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    overrides: tuple[str, ...]
    expect: str


def load_catalogue(path: Path = CATALOGUE) -> list[Case]:
    """Sections: '### NAME', profile lines, optional '--- overrides' lines, '--- expect' line."""
    cases: list[Case] = []
    name: str | None = None
    part = "text"
    text: list[str] = []
    overrides: list[str] = []
    expect: list[str] = []

    def flush() -> None:
        if name is not None:
            assert len(expect) == 1, f"{name}: exactly one expected line, got {expect}"
            cases.append(Case(name, "\n".join(text) + "\n", tuple(overrides), expect[0]))

    for raw in path.read_text(encoding="utf-8").split("\n"):
        if raw.startswith("### "):
            flush()
            name, part, text, overrides, expect = raw[4:].strip(), "text", [], [], []
        elif name is None:
            continue  # the header comment
        elif raw == "--- overrides":
            part = "overrides"
        elif raw == "--- expect":
            part = "expect"
        elif part == "text":
            text.append(raw)
        elif raw.strip():
            (overrides if part == "overrides" else expect).append(raw)
    flush()
    return cases


CASES = load_catalogue()


def test_catalogue_is_large_and_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) >= 60
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_profile(case: Case) -> None:
    start = time.monotonic()
    with pytest.raises(ConfigError) as info:
        parse_profile(
            case.text,
            filename=f"/etc/xen/{case.name}",
            overrides=case.overrides,
            default_name=case.name,
        )
    assert time.monotonic() - start < 2.0, "a bad profile must fail fast"
    message = str(info.value)
    assert "\n" not in message
    assert message == case.expect
