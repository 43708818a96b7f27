from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.hvenv import HvEnv


@pytest.fixture
def hv() -> Iterator[HvEnv]:
    """A fresh, isolated hvmctl with its daemon running."""
    env = HvEnv.make()
    env.start_daemon()
    try:
        yield env
    finally:
        env.cleanup()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
