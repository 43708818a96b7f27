"""API routes for the network area."""

from __future__ import annotations

from fastapi import APIRouter

from hvmctl.daemon.service import Daemon


def router(daemon: Daemon) -> APIRouter:
    api = APIRouter()
    return api
