"""The daemon's HTTP API fuzzed from its own OpenAPI schema (schemathesis): every answer is
documented, none is a server error, and errors keep the one JSON shape. No guests run: the
daemon is real but has no domains, so every domain route must answer 404/409/422 cleanly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from hvmctl.api.app import create_app  # noqa: E402
from hvmctl.daemon.service import Daemon  # noqa: E402
from hvmctl.paths import Paths  # noqa: E402

_base = Path(tempfile.mkdtemp(prefix="hvapi"))
_paths = Paths(
    state_dir=_base / "state", run_dir=_base / "run", socket=_base / "run" / "api.sock",
    log_dir=_base / "log", profile_dir=_base / "xen", qemu="/bin/false",
)
app = create_app(Daemon(_paths, accel="tcg"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.exclude(method="POST", path="/v1/domains").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "message"} and "\n" not in body["message"]
