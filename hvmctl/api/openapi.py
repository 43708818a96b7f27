"""``/openapi.json`` (OpenAPI 3.1) from the action table and the handlers' body models.

Each action is one operation: ``operationId`` is its name, summary and role from the table,
the domain states it is allowed in (``x-hvmctl-states``), its path and query parameters
and its body's schema (``msgspec.json.schema_components``), and the one error shape for
every 4xx/5xx. Built once, on the first request for it: a daemon nobody asks never pays.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from hvmctl.api.actions import Action
from hvmctl.api.binding import REQUIRED
from hvmctl.api.messages import Response
from hvmctl.daemon.state import ACTIONS as STATE_ACTIONS

REF = "#/components/schemas/{name}"


class ErrorBody(msgspec.Struct):
    """Every refusal and failure: what kind, and one line saying what and where."""

    error: str
    message: str


def description(action: Action) -> str:
    wire = action.wire
    text = f"Action `{action.name}` (role: {wire.role})."
    if wire.states is not None:
        text += f" Allowed while the domain is {', '.join(states(action))}."
    if action.handler.__doc__:
        text += " " + " ".join(action.handler.__doc__.split())
    return text


def states(action: Action) -> list[str]:
    key = action.wire.states
    return sorted(s.value for s in STATE_ACTIONS[key]) if key is not None else []


def _answer(action: Action) -> dict[str, Any]:
    given = action.options.get("responses", {}).get(200)
    if given is not None:
        return {"description": "Successful Response", **given}
    returns = action.binding.returns
    response_class = action.options.get("response_class")
    if isinstance(returns, type) and issubclass(returns, Response):
        response_class = response_class or returns
    if response_class is not None:
        media = response_class.media_type or "application/octet-stream"
        return {"description": "Successful Response", "content": {media: {"schema": {"type": "string"}}}}
    schema = msgspec.json.schema(returns) if returns is not None else {}
    return {"description": "Successful Response", "content": {"application/json": {"schema": schema}}}


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": {"$ref": REF.format(name="ErrorBody")}}}}


def _operation(action: Action, body_ref: dict[str, Any] | None) -> dict[str, Any]:
    binding = action.binding
    params: list[dict[str, Any]] = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                                    for name in binding.path]
    for name, hint, default in binding.query:
        schema = msgspec.json.schema(hint)
        required = default is REQUIRED
        if not required:
            schema["default"] = default
        params.append({"in": "query", "name": name, "required": required, "schema": schema})
    op: dict[str, Any] = {"operationId": action.name, "summary": action.wire.summary,
                          "description": description(action)}
    if params:
        op["parameters"] = params
    if body_ref is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_ref}}}
    op["responses"] = {"200": _answer(action), "422": _error("the request does not fit the action's parameters"),
                       "4XX": _error("refused: the one error shape"), "5XX": _error("failed: the one error shape")}
    op["x-hvmctl-action"] = action.name
    op["x-hvmctl-role"] = action.wire.role
    if action.wire.states is not None:
        op["x-hvmctl-states"] = states(action)
    return op


def document(actions: Iterable[Action], title: str, version: str) -> dict[str, Any]:
    actions = list(actions)
    models = sorted({a.binding.body[1] for a in actions if a.binding.body is not None},
                    key=lambda t: (t.__module__, t.__qualname__))
    refs, components = msgspec.json.schema_components([*models, ErrorBody], ref_template=REF)
    ref_of = dict(zip(models, refs))
    paths: dict[str, dict[str, Any]] = {}
    for action in actions:
        body = action.binding.body
        op = _operation(action, ref_of[body[1]] if body is not None else None)
        paths.setdefault(action.wire.path, {})[action.wire.method.lower()] = op
    return {"openapi": "3.1.0", "info": {"title": title, "version": version}, "paths": paths,
            "components": {"schemas": components}}
