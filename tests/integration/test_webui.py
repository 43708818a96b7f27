"""The web console in a real browser (Playwright driving Debian's chromium, headless) against
a daemon serving HTTPS on HVMCTL_LISTEN, with a real guest: sign in with a token, see the
guest running, its screen on the noVNC canvas (the same pixels as `xm screenshot`), type
into the serial console and read the guest's answer (and `xm console`'s, sharing the port),
lose the consoles when the token is revoked, create with a bad profile and see the reader's
FILE:LINE, Pause/Unpause by the buttons the state allows, press Shutdown and see the guest go. Each page's screenshot is kept under the test's tmp dir (paths printed)."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hvmctl.api.auth import TokenStore
from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.screen import decode_png

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
READY = "HVMCTL-READY"

#: the noVNC canvas as RGB, base64 (what the browser drew from the relayed RFB stream)
CANVAS_RGB = """() => {
  const c = document.querySelector('#screen canvas');
  if (!c || !c.width) return null;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const rgb = new Uint8Array(d.length / 4 * 3);
  for (let i = 0, j = 0; i < d.length; i += 4) { rgb[j++] = d[i]; rgb[j++] = d[i + 1]; rgb[j++] = d[i + 2]; }
  let s = '';
  for (let i = 0; i < rgb.length; i += 32768) s += String.fromCharCode.apply(null, rgb.subarray(i, i + 32768));
  return {width: c.width, height: c.height, rgb: btoa(s)};
}"""

TERMINAL_TEXT = """() => {
  const b = window.hvTerm.buffer.active, out = [];
  for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));
  return out.join('\\n');
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def web() -> Iterator[tuple[HvEnv, str]]:
    """A daemon with its HTTPS listener on a free loopback port."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    env = HvEnv.make()
    port = _free_port()
    env.env["HVMCTL_LISTEN"] = f"127.0.0.1:{port}"
    env.start_daemon()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no listener on {port}: {env.daemon_log()}") from None
                time.sleep(0.1)
        yield env, f"https://127.0.0.1:{port}"
    finally:
        env.cleanup()


def _token(hv: HvEnv, role: str, name: str) -> str:
    """A token made the way `hvmctl token create` makes one (the daemon re-reads the file)."""
    return TokenStore(hv.base / "state" / "tokens.json").create(role, name)[1]


def _shot(page: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def _sign_in(browser: Any, base: str, secret: str, shots: Path | None = None) -> Any:
    # bypass_csp: the pages allow no eval, and Playwright's wait_for_function evaluates strings
    context = browser.new_context(ignore_https_errors=True, bypass_csp=True, viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/ui/")
    assert "/ui/login" in page.url  # not signed in: the sign-in page
    if shots is not None:
        _shot(page, shots, "sign-in")
    page.fill("input[name=token]", secret)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/ui/")
    return page


def _canvas_matches_screenshot(hv: HvEnv, page: Any, name: str) -> tuple[float, int]:
    """(share of pixels equal to `xm screenshot`'s, colours on the canvas) once they agree."""
    best = (0.0, 0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        drawn = page.evaluate(CANVAS_RGB)
        png = hv.base / "screen.png"
        hv.hv("screenshot", name, str(png))
        want = decode_png(png.read_bytes())
        if drawn and (drawn["width"], drawn["height"]) == (want.width, want.height):
            rgb = base64.b64decode(drawn["rgb"])
            same = sum(rgb[i:i + 3] == want.rgb[i:i + 3] for i in range(0, len(rgb), 3)) / (len(rgb) // 3)
            colours = len({rgb[i:i + 3] for i in range(0, len(rgb), 3)})
            best = max(best, (same, colours))
            if same > 0.99 and colours > 1:
                return best
        time.sleep(0.5)
    return best


def test_web_console_in_a_browser(web: tuple[HvEnv, str], tmp_path: Path) -> None:
    hv, base = web
    hv.write_profile("web1", tiny_profile("web1"))
    hv.hv("create", "web1")
    hv.wait_console("web1", READY, timeout=120)
    operator = _token(hv, "operator", "op")
    admin = _token(hv, "admin", "boss")

    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            # ---- an operator signs in and sees the guest running, with its buttons ----------
            page = _sign_in(browser, base, operator, tmp_path)
            row = page.locator('tr[data-domain="web1"]')
            row.locator('[data-state="running"]').wait_for(timeout=20000)
            assert row.locator("button[data-action=shutdown]").is_visible()
            assert row.locator("button[data-action=unpause]").count() == 0  # not while running
            assert page.locator("#create-panel").is_hidden()  # create is the admin's
            assert page.locator('#host dd[data-key="CPUs"]').inner_text().strip().isdigit()
            page.wait_for_function("document.querySelector('tr[data-domain=web1] img.thumb')?.naturalWidth > 0")
            _shot(page, tmp_path, "dashboard")

            # ---- its console page: the screen over noVNC, the serial console in xterm.js ---
            console = page.context.new_page()
            console.goto(f"{base}/ui/domain/web1")
            console.wait_for_function("window.hvVncConnected === true", timeout=20000)
            same, colours = _canvas_matches_screenshot(hv, console, "web1")
            assert same > 0.99 and colours > 1, f"canvas vs xm screenshot: {same:.3f} equal, {colours} colours"
            console.click("#serial")
            console.keyboard.type("echo WEB-$((40+2))\n")
            hv.wait_console("web1", "WEB-42")
            console.wait_for_function(f"({TERMINAL_TEXT})().includes('WEB-42')", timeout=10000)
            # `xm console` shares the port with the open page: its line reaches the guest and
            # the answer shows in the browser too
            hv.hv("console", "web1", input="echo CLI-$((6*7))\n", timeout=30)
            hv.wait_console("web1", "CLI-42")
            console.wait_for_function(f"({TERMINAL_TEXT})().includes('CLI-42')", timeout=10000)
            _shot(console, tmp_path, "console")

            # ---- the token is revoked: its consoles close at once, the dashboard signs out --
            TokenStore(hv.base / "state" / "tokens.json").revoke("op")
            console.wait_for_function("document.getElementById('serial-status').textContent.includes('4401')",
                                      timeout=5000)
            console.wait_for_function("window.hvVncConnected === false", timeout=5000)
            page.wait_for_url(f"{base}/ui/login", timeout=15000)

            # ---- an admin: a bad profile's FILE:LINE shown inline, then Shutdown -------------
            page = _sign_in(browser, base, admin)
            page.fill("#profile", 'name = "bad"\nmemory = "lots"\n')
            page.fill("#filename", "bad.cfg")
            page.click("#create button[type=submit]")
            page.locator("#create-error[data-line='2']").wait_for(timeout=10000)
            assert page.locator("#create-error").inner_text().startswith("bad.cfg:2: ")
            _shot(page, tmp_path, "create-error")
            # buttons follow the state: Pause gives way to Unpause, and back
            page.locator('tr[data-domain="web1"] button[data-action=pause]').click()
            page.locator('tr[data-domain="web1"] [data-state="paused"]').wait_for(timeout=20000)
            assert hv.domain("web1")["state"] == "paused"
            assert page.locator('tr[data-domain="web1"] button[data-action=pause]').count() == 0
            page.locator('tr[data-domain="web1"] button[data-action=unpause]').click()
            page.locator('tr[data-domain="web1"] [data-state="running"]').wait_for(timeout=20000)
            page.locator('tr[data-domain="web1"] button[data-action=shutdown]').click()
            page.locator('tr[data-domain="web1"]').wait_for(state="detached", timeout=60000)
            _shot(page, tmp_path, "after-shutdown")
        finally:
            browser.close()
    assert [d["name"] for d in hv.domains()] == []
    assert "HVMCTL-POWERDOWN" in (hv.base / "state" / "log" / "web1.console.log").read_text()
