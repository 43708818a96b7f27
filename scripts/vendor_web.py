#!/usr/bin/env python3
"""Vendor the web console's two browser libraries, reproducibly, from the npm registry.

noVNC (VNC client) and xterm.js (terminal) are fetched with ``npm pack NAME@VERSION`` and
checked against the sha512 pinned here before anything is unpacked. Why npm rather than
Debian's ``novnc`` package: npm keeps every version's tarball immutable under a published
integrity hash (a Debian point release replaces the package and its old .deb leaves the
mirror), and xterm.js is not packaged for the browser in Debian at all: one source, one way.

noVNC's npm package ships CommonJS (``lib/``); the browser gets it as one file,
``novnc.js``, in which each module is wrapped, unchanged, in a function and ``require`` is
resolved against the package's own paths (a few lines of loader below, no bundler; one
line is rewritten, see TOP_LEVEL_AWAIT). The
output is deterministic: ``--check`` rebuilds into a temporary dir and compares with the
committed files (exit 1 on any difference).

    python scripts/vendor_web.py          # (re)write hvmctl/api/ui/static/vendor/
    python scripts/vendor_web.py --check  # the committed files are what the pins give
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import posixpath
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "hvmctl" / "api" / "ui" / "static" / "vendor"

PINS = {
    "@novnc/novnc": ("1.6.0", "sha512-CJrmdSe9Yt2ZbLsJpVFoVkEu0KICEvnr3njW25Nz0jodaiFJtg8AYLGZogRYy0/N5HUWkGUsCmegKXYBSqwygw=="),
    "@xterm/xterm": ("5.5.0", "sha512-hqJHYaQb5OptNunnyAnkHyM8aCjZ1MEIDTQu1iIbbTD/xops91NB5yq1ZK/dC2JDbVWtF23zUtl9JE2NqwT87A=="),
}

LOADER_HEAD = """/* noVNC {version} (npm @novnc/novnc, MPL-2.0: see LICENSE.novnc.txt), its CommonJS
 * modules wrapped for the browser by hvmctl's scripts/vendor_web.py. Generated: do not edit. */
(function () {{
  "use strict";
  var defs = {{}}, cache = {{}};
  function resolve(from, name) {{
    var parts = from.split("/").slice(0, -1).concat(name.split("/")), out = [];
    parts.forEach(function (p) {{ if (p === "..") out.pop(); else if (p !== "." && p !== "") out.push(p); }});
    var path = out.join("/");
    return path.slice(-3) === ".js" ? path : path + ".js";
  }}
  function load(path) {{
    if (cache[path]) return cache[path].exports;
    if (!defs[path]) throw new Error("novnc.js: no module " + path);
    var module = cache[path] = {{exports: {{}}}};
    defs[path](function (name) {{ return load(resolve(path, name)); }}, module.exports, module);
    return module.exports;
  }}
"""

LOADER_TAIL = """  window.noVNC = {{RFB: load("lib/rfb.js")["default"], version: "{version}"}};
}})();
"""


def npm_pack(name: str, version: str, integrity: str, work: Path) -> bytes:
    """The package's tarball, refused unless its sha512 is the pinned one."""
    proc = subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(work), f"{name}@{version}"],
                          capture_output=True, text=True, timeout=300, cwd=work, check=False)
    if proc.returncode != 0:
        sys.exit(f"npm pack {name}@{version} failed: {proc.stderr.strip()}")
    data = (work / proc.stdout.strip().splitlines()[-1]).read_bytes()
    got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got != integrity:
        sys.exit(f"{name}@{version}: sha512 {got} is not the pinned {integrity}")
    return data


def members(data: bytes) -> dict[str, bytes]:
    """Regular files of an npm tarball by path under package/."""
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for info in tar.getmembers():
            if info.isfile() and info.name.startswith("package/"):
                extracted = tar.extractfile(info)
                assert extracted is not None
                files[info.name.removeprefix("package/")] = extracted.read()
    return files


#: The one line of noVNC's CommonJS build that is not CommonJS: a top-level ``await`` (of a
#: probe for WebCodecs H.264, which QEMU's VNC server never sends). It becomes a promise that
#: sets the same flag when the probe answers (the flag starts false, as the module declares).
TOP_LEVEL_AWAIT = (
    "exports.supportsWebCodecsH264Decode = supportsWebCodecsH264Decode = await _checkWebCodecsH264DecodeSupport();",
    "_checkWebCodecsH264DecodeSupport().then(function (ok) {"
    " exports.supportsWebCodecsH264Decode = supportsWebCodecsH264Decode = ok; });",
)


def bundle_novnc(files: dict[str, bytes], version: str) -> bytes:
    parts = [LOADER_HEAD.format(version=version)]
    for path in sorted(p for p in files if p.startswith("lib/") and p.endswith(".js")):
        body = files[path].decode()
        if path == "lib/util/browser.js":
            if body.count(TOP_LEVEL_AWAIT[0]) != 1:
                sys.exit("noVNC's lib/util/browser.js changed: review TOP_LEVEL_AWAIT")
            body = body.replace(*TOP_LEVEL_AWAIT)
        parts.append(f"  defs[{json.dumps(posixpath.normpath(path))}] = function (require, exports, module) {{\n"
                     f"{body}\n  }};\n")
    parts.append(LOADER_TAIL.format(version=version))
    return "".join(parts).encode()


def build(out: Path, work: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    version, integrity = PINS["@novnc/novnc"]
    novnc = members(npm_pack("@novnc/novnc", version, integrity, work))
    (out / "novnc.js").write_bytes(bundle_novnc(novnc, version))
    (out / "LICENSE.novnc.txt").write_bytes(novnc["LICENSE.txt"] + b"\n" + novnc["docs/LICENSE.MPL-2.0"])
    version, integrity = PINS["@xterm/xterm"]
    xterm = members(npm_pack("@xterm/xterm", version, integrity, work))
    (out / "xterm.js").write_bytes(xterm["lib/xterm.js"].split(b"\n//# sourceMappingURL=")[0] + b"\n")
    (out / "xterm.css").write_bytes(xterm["css/xterm.css"])
    (out / "LICENSE.xterm.txt").write_bytes(xterm["LICENSE"])
    pins = {name: {"version": v, "integrity": i} for name, (v, i) in PINS.items()}
    (out / "PINS.json").write_text(json.dumps(pins, indent=2, sort_keys=True) + "\n")


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="vendor-web-") as tmp:
        work = Path(tmp)
        if "--check" not in argv:
            build(OUT, work)
            print(f"vendored into {OUT.relative_to(ROOT)}")
            return 0
        fresh = work / "out"
        build(fresh, work)
        differ = sorted({p.name for p in fresh.iterdir()} ^ {p.name for p in OUT.iterdir()} |
                        {p.name for p in fresh.iterdir() if (OUT / p.name).exists()
                         and (OUT / p.name).read_bytes() != p.read_bytes()})
        if differ:
            print(f"vendored files differ from the pins: {', '.join(differ)}", file=sys.stderr)
            return 1
        print("vendored files match the pins")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
