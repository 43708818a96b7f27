"""A domain reference that only looks numeric to str.isdigit() ("²", "٣") is a name that does
not exist, not an internal error (the remote API's schema fuzz found it)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hvmctl.daemon.service import Daemon
from hvmctl.errors import NotFoundError


def test_ids_are_ascii_digits_only() -> None:
    daemon = Daemon.__new__(Daemon)  # lookup reads only the domains table
    dom = SimpleNamespace(name="web", uuid="0" * 32, domid=2)
    daemon.domains = {"web": dom}  # type: ignore[dict-item]
    assert daemon.lookup("2") is dom and daemon.lookup("web") is dom
    for ref in ("²", "٢", "3"):
        with pytest.raises(NotFoundError):
            daemon.lookup(ref)
