"""json.loads and json.dumps for the CLI's start path, on the json module's C half.

``import json`` imports ``re`` (its decoder and encoder compile patterns at import), which
costs more start-up time here than the rest of `xm list`. These give the same values,
texts and errors as json.loads / json.dumps(value, indent=..., sort_keys=...) and hand
anything unusual (a decode error, a non-str key, a type JSON lacks) to the json module.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_WS = " \t\n\r"


class _ScanContext:
    """What json.JSONDecoder hands _json's scanner, with json.loads's defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


try:
    from _json import encode_basestring_ascii as _quote
    from _json import make_scanner as _make_scanner

    _context: Any = _ScanContext()  # typeshed's stub wants a scanner here; CPython reads these attributes
    _scan: Any = _make_scanner(_context)
except ImportError:  # not CPython: the json module does it all
    _scan = None


def loads(data: bytes | str) -> Any:
    """json.loads: the same values and errors (json is imported only to report one)."""
    text = data.decode() if isinstance(data, bytes) else data
    if _scan is not None:
        start = len(text) - len(text.lstrip(_WS))
        try:
            value, end = _scan(text, start)
        except StopIteration:
            pass
        else:
            if not text[end:].strip(_WS):
                return value
    import json

    return json.loads(text)


class _Unusual(Exception):
    """A value this encoder leaves to the json module."""


def dumps(value: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """json.dumps(value, indent=indent, sort_keys=sort_keys): the same text."""
    if _scan is not None:
        out: list[str] = []
        try:
            _write(value, out, None if indent is None else " " * indent, sort_keys, "\n")
        except _Unusual:
            pass
        else:
            return "".join(out)
    import json

    return json.dumps(value, indent=indent, sort_keys=sort_keys)


def _write(value: Any, out: list[str], pad: str | None, sort_keys: bool, newline: str) -> None:
    if isinstance(value, str):
        out.append(_quote(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value:
            out.append("NaN")
        elif value in (float("inf"), float("-inf")):
            out.append("Infinity" if value > 0 else "-Infinity")
        else:
            out.append(float.__repr__(value))
    elif isinstance(value, (list, tuple)):
        _write_items(value, None, "[", "]", out, pad, sort_keys, newline)
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise _Unusual  # json.dumps converts (and sorts) other keys its own way
        keys = sorted(value) if sort_keys else list(value)
        _write_items([value[k] for k in keys], keys, "{", "}", out, pad, sort_keys, newline)
    else:
        raise _Unusual


def _write_items(values: Any, keys: list[str] | None, open_: str, close: str, out: list[str], pad: str | None,
                 sort_keys: bool, newline: str) -> None:
    if not values:
        out.append(open_ + close)
        return
    inner = newline + pad if pad is not None else ""
    sep = "," + inner if pad is not None else ", "
    out.append(open_ + inner)
    for i, item in enumerate(values):
        if i:
            out.append(sep)
        if keys is not None:
            out.append(_quote(keys[i]) + ": ")
        _write(item, out, pad, sort_keys, inner)
    out.append((newline if pad is not None else "") + close)
