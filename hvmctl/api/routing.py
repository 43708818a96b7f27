"""Which action of the table (api/wire.py) a request is: its method and path matched against
every entry's template. The remote API's role check and the audit log both ask here, so a
request is judged and recorded as the same action the daemon runs."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from hvmctl.api.wire import ACTIONS

_PARAM = re.compile(r"\{([a-z_]+)\}")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    out = []
    for name, wire in ACTIONS.items():
        pattern = _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", re.escape(wire.path).replace(r"\{", "{")
                             .replace(r"\}", "}"))
        out.append((name, wire.method, re.compile(pattern + r"/?\Z")))
    return out


def match(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """(action name, path parameters) of a request, or None for a path no action has. A HEAD
    is judged as the GET it mirrors."""
    method = "GET" if method.upper() == "HEAD" else method.upper()
    for name, wanted, pattern in _patterns():
        if wanted != method:
            continue
        found = pattern.match(path)
        if found:
            return name, {k: unquote(v) for k, v in found.groupdict().items()}
    return None


def methods(path: str) -> list[str]:
    """The methods some action has at ``path`` (a request with another one is a 405)."""
    return sorted({wanted for _, wanted, pattern in _patterns() if pattern.match(path)})
