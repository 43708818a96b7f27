"""API routes of the remote API's own actions: tokens (api/auth.py) and /metrics."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import Response
from hvmctl.daemon.service import Daemon


#: ``(?!\n)``: Python's ``$`` would let one trailing newline into a token's name
TokenName = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$(?!\n)")]


class TokenCreateRequest(msgspec.Struct, kw_only=True):
    role: Literal["viewer", "operator", "admin"]
    name: Annotated[TokenName | None, Meta(description="a name to revoke it by (default ROLE-N)")] = None


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()

    @act("token-create")
    async def token_create(req: TokenCreateRequest) -> dict[str, Any]:
        """The secret is in this answer only; the daemon keeps its SHA-256."""
        name, secret = await asyncio.to_thread(daemon.tokens.create, req.role, req.name)
        return {"name": name, "role": req.role, "token": secret}

    @act("token-list")
    async def token_list() -> dict[str, Any]:
        return {"tokens": await asyncio.to_thread(daemon.tokens.list)}

    @act("token-revoke")
    async def token_revoke(token: str) -> dict[str, Any]:
        """Calls with it fail from now on; the web sessions it opened end."""
        await asyncio.to_thread(daemon.tokens.revoke, token)
        return {"name": token, "result": "revoked"}

    @act("metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
    async def metrics() -> Response:
        from hvmctl.api import metrics as prom  # prometheus-client: loaded when first scraped

        body, content_type = await prom.render(daemon)
        return Response(body, media_type=content_type)

    return act
