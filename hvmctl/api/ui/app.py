"""The web console's routes: sign-in and sign-out, the two pages, their event stream and
the console relays. Who may do what comes from ``api/auth.py`` (tokens, sessions, roles)
and the action table (``api/wire.py``); nothing here decides an action's rules."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from hvmctl.api import auth
from hvmctl.api.ui import access, feed, relay
from hvmctl.api.ui.access import session_of
from hvmctl.api.wire import ACTIONS
from hvmctl.daemon.service import Daemon
from hvmctl.daemon.state import ACTIONS as STATE_ACTIONS

STATIC = Path(__file__).with_name("static")

#: the dashboard's buttons, in the order shown; each one's method, path, role and allowed
#: states are the action table's (served to the page by ``page_actions``)
BUTTONS = ("start", "shutdown", "reboot", "pause", "unpause", "resume", "destroy", "save")

LOGIN_BODY_LIMIT = 4096  # a sign-in form is a token, nothing more

#: what the pages may load and talk to: this origin only (xterm.js sets inline styles)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page_actions(role: str) -> dict[str, Any]:
    """The buttons' entries of the action table, with whether this role may press them."""
    out: dict[str, Any] = {}
    for name in (*BUTTONS, "create", "screenshot"):
        wire = ACTIONS[name]
        states = sorted(s.value for s in STATE_ACTIONS[wire.states]) if wire.states else None
        out[name] = {"method": wire.method, "path": wire.path, "role": wire.role, "states": states,
                     "summary": wire.summary, "allowed": auth.role_allows(role, wire.role)}
    return out


def render(name: str, boot: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A page of static/ with its boot data (a JSON script element: no inline script)."""
    data = json.dumps(boot).replace("<", "\\u003c")
    text = (STATIC / name).read_text().replace("{{boot}}", data)
    text = text.replace("{{title}}", html.escape(str(boot.get("title", "hvmctl"))))
    text = text.replace("{{error}}", html.escape(str(boot.get("error", ""))))
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def build(daemon: Daemon) -> Starlette:
    def boot_data(conn: HTTPConnection, principal: Any, **more: Any) -> dict[str, Any]:
        session = session_of(daemon, conn)
        return {"me": access.describe(principal),
                "csrf": session.csrf if session else "", "csrf_header": auth.CSRF_HEADER,
                "actions": page_actions(principal.role), "buttons": BUTTONS, "console_role": relay.CONSOLE_ROLE,
                "console_allowed": auth.role_allows(principal.role, relay.CONSOLE_ROLE), **more}

    def to_login(request: Request) -> Response:
        back = request.url.path if request.url.path.startswith("/ui/") else "/ui/"
        return RedirectResponse(f"/ui/login?next={quote(back)}", status_code=303, headers=HEADERS)

    async def dashboard(request: Request) -> Response:
        principal = auth.principal_of(request)
        if principal is None:
            return to_login(request)
        return render("dashboard.html", boot_data(request, principal, title="hvmctl"))

    async def domain_page(request: Request) -> Response:
        principal = auth.principal_of(request)
        if principal is None:
            return to_login(request)
        name = request.path_params["name"]
        return render("domain.html", boot_data(request, principal, title=f"{name} - hvmctl", domain=name))

    async def login_page(request: Request) -> Response:
        return render("login.html", {"title": "Sign in - hvmctl"})

    async def login(request: Request) -> Response:
        from hvmctl.api.listen import login_failed, login_wait  # the listener's per-IP backoff

        wait = login_wait(request)
        if wait > 0:
            return render("login.html", {"title": "Sign in - hvmctl",
                                         "error": f"Too many failed attempts: try again in {wait:.0f} s."}, 429)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > LOGIN_BODY_LIMIT:
                return render("login.html", {"title": "Sign in - hvmctl", "error": "request too large"}, 413)
        form = parse_qs(body.decode(errors="replace"), max_num_fields=4)
        secret = (form.get("token") or [""])[0].strip()
        session = access.stores(daemon, request)[1].open(secret) if secret else None
        if session is None:
            login_failed(request)
            return render("login.html", {"title": "Sign in - hvmctl", "error": "That token was not accepted."}, 401)
        target = (form.get("next") or ["/ui/"])[0]
        if not target.startswith("/ui/") or target.startswith("//"):
            target = "/ui/"
        response = RedirectResponse(target, status_code=303, headers=HEADERS)
        response.set_cookie(auth.SESSION_COOKIE, session.sid, max_age=max(1, int(session.expires - time.time())),
                            path="/", secure=True, httponly=True, samesite="strict")
        return response

    async def logout(request: Request) -> Response:
        session = session_of(daemon, request)
        if session is not None:
            if request.headers.get(auth.CSRF_HEADER) != session.csrf:
                return JSONResponse({"error": "forbidden", "message": "sign-out needs the page's CSRF token"}, 403)
            access.stores(daemon, request)[1].close(session.sid)
        response = JSONResponse({"result": "signed out"}, headers=HEADERS)
        response.delete_cookie(auth.SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return response

    routes = [
        Route("/", dashboard),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/events", feed.endpoint(daemon)),
        Route("/domain/{name}", domain_page),
        WebSocketRoute("/domain/{name}/vnc", relay.vnc_endpoint(daemon)),
        WebSocketRoute("/domain/{name}/serial", relay.serial_endpoint(daemon)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes)
