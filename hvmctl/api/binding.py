"""How a handler's arguments come from a request, read once from its signature.

``async def shutdown(ref: str, req: ShutdownRequest)``: a parameter named as a placeholder
of the action's path is that path parameter; the one parameter annotated with a
``msgspec.Struct`` is the JSON body, decoded and checked against it; one annotated
:class:`Request` is the request itself; any other is a query parameter (converted to its
type, its default when absent). A request that does not fit is an InvalidRequestError (422).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from hvmctl.api.messages import Request
from hvmctl.errors import InvalidRequestError

#: the default of a query parameter that has none: it must be given
REQUIRED = object()
_AT = re.compile(r"^(.*?)(?: - at `\$(.*)`)?$", re.S)


def _where(exc: msgspec.MsgspecError, root: str) -> str:
    """``<field>: <msgspec's message>``, the field as ``body.timeout`` / ``query.limit``."""
    found = _AT.match(str(exc))
    what, path = (found.group(1), found.group(2) or "") if found else (str(exc), "")
    return f"{root}{path}: {what}"


class Binding:
    """One handler and where each of its arguments comes from."""

    def __init__(self, handler: Callable[..., Awaitable[Any]], path_params: set[str]) -> None:
        self.handler = handler
        hints = typing.get_type_hints(handler)
        self.returns: Any = hints.get("return")
        code = handler.__code__
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        defaults = dict(zip(reversed(names[: code.co_argcount]), reversed(handler.__defaults__ or ())))
        defaults.update(handler.__kwdefaults__ or {})
        self.path: list[str] = []
        self.request: str | None = None
        self.body: tuple[str, type[msgspec.Struct], msgspec.json.Decoder[Any]] | None = None
        self.query: list[tuple[str, Any, Any]] = []  # name, type, default (or REQUIRED)
        for name in names:
            hint = hints.get(name, Any)
            if hint is Request:
                self.request = name
            elif isinstance(hint, type) and issubclass(hint, msgspec.Struct):
                if self.body is not None:
                    raise TypeError(f"{handler.__qualname__}: two body parameters ({self.body[0]}, {name})")
                self.body = (name, hint, msgspec.json.Decoder(hint))
            elif name in path_params:
                self.path.append(name)
            else:
                self.query.append((name, hint, defaults.get(name, REQUIRED)))
        missing = path_params - set(self.path)
        if missing:
            raise TypeError(f"{handler.__qualname__}: no parameter for path parameter(s) {sorted(missing)}")

    async def __call__(self, request: Request, path_params: dict[str, str]) -> Any:
        kwargs: dict[str, Any] = {name: path_params[name] for name in self.path}
        query = request.query_params if self.query else {}
        for name, hint, default in self.query:
            if name not in query:
                if default is REQUIRED:
                    raise InvalidRequestError(f"query.{name}: field required")
                kwargs[name] = default
                continue
            try:
                kwargs[name] = msgspec.convert(query[name], hint, strict=False)
            except msgspec.ValidationError as exc:
                raise InvalidRequestError(_where(exc, f"query.{name}")) from None
        if self.body is not None:
            name, _, decoder = self.body
            raw = await request.body()
            if not raw.strip():
                raise InvalidRequestError("body: field required (a JSON object)")
            try:
                kwargs[name] = decoder.decode(raw)
            except msgspec.MsgspecError as exc:
                raise InvalidRequestError(_where(exc, "body")) from None
        if self.request is not None:
            kwargs[self.request] = request
        return await self.handler(**kwargs)
