"""Moving a guest (seed 2.3.2): `hvmctl export`/`import` of a 20 GiB sparse image holding
100 MiB of data, against GNU tar of the same file with gzip (`tar -cSzf`) and with zstd
(`tar -cS --zstd`), interleaved in the same run. Goal: <= 0.5x tar+gzip's time each way, no
slower than tar+zstd (the same compressor as our bundle), and a bundle no larger than the data.

The data: 100 chunks of 1 MiB spread over the image; by default half random (binaries,
compressed files) and half text (logs, configs), like a real root filesystem; ``--data
random`` makes it all incompressible. Both tools run as commands, start-up included.

hvmctl runs from byte-compiled modules, as an installed package does (pip compiles them at
install): they are compiled once, untimed, into a cache in the work directory. Without this,
a shell with PYTHONDONTWRITEBYTECODE=1 recompiles hvmctl's modules on every run (~30 ms of
CPU, a tenth of an import); ``--cold-bytecode`` measures that way.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, median

GIB = 1 << 30
MIB = 1 << 20


def make_image(path: Path, size: int, data_mib: int, kind: str, seed: int = 42) -> None:
    rng = random.Random(seed)
    words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz ") for _ in range(rng.randint(3, 12))) for _ in range(2000)]
    step = size // data_mib
    with path.open("wb") as fh:
        for i in range(data_mib):
            if kind == "random" or i % 2 == 0:
                chunk = os.urandom(MIB)
            else:
                text = b" ".join(rng.choice(words) for _ in range(MIB // 6))
                chunk = (text + b"\n" * MIB)[:MIB]
            fh.seek(i * step + (rng.randrange(64) * 4096))
            fh.write(chunk)
        fh.truncate(size)


CPU: dict[str, list[float]] = {}


def timed(argv: list[str], env: dict[str, str], cwd: Path | None = None, name: str = "") -> float:
    """Wall seconds of one command; its CPU seconds (user + system) go to CPU[name]: on a
    shared machine the wall clock measures the neighbours too, CPU time much less so."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(argv, env=env, cwd=cwd, check=True, timeout=900, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(name, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size-gib", type=int, default=20)
    ap.add_argument("--data-mib", type=int, default=100)
    ap.add_argument("--data", choices=("mixed", "random"), default="mixed")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--format", default="tar.zst", help="bundle suffix: tar.zst, tar, tar.gz")
    ap.add_argument("--dir", default=None, help="work directory (default: a temporary one in /tmp)")
    ap.add_argument("--cold-bytecode", action="store_true", help="compile hvmctl's modules on every run")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-export-", dir=args.dir or "/tmp"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), HVMCTL_NO_AUTOSTART="1",
               HVMCTL_STATE_DIR=str(work / "state"), HVMCTL_RUN_DIR=str(work / "run"))
    if not args.cold_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "hvmctl")], env=env, check=True,
                       timeout=300, stdout=subprocess.DEVNULL)
    hv = [sys.executable, "-m", "hvmctl"]
    try:
        image = work / "lists.img"
        make_image(image, args.size_gib * GIB, args.data_mib, args.data)
        data = sum(n for _, n in _extents(image))
        profile = work / "lists"
        profile.write_text(f'name = "lists"\nbuilder = "hvm"\nmemory = 96\ndisk = [ "file:{image},hda,w" ]\n')
        # the baselines: GNU tar with gzip (the seed's habit) and with zstd (what hvmctl's bundle
        # uses), both sparse-aware (-S); every tool's runs interleave, in a rotating order
        tars = {"tar_gz": ("lists.img.tar.gz", ["-z"]), "tar_zst": ("lists.img.tar.zst", ["--zstd"])}
        tools = ["hvmctl", *tars]
        results: dict[str, list[float]] = {f"{t}_{way}": [] for t in tools for way in ("export", "import")}
        bundle = work / f"lists.{args.format}"
        for r in range(args.rounds):
            bundle.unlink(missing_ok=True)
            shutil.rmtree(work / "imp", ignore_errors=True)
            for name, (file, _) in tars.items():
                (work / file).unlink(missing_ok=True)
                shutil.rmtree(work / f"{name}-imp", ignore_errors=True)
                (work / f"{name}-imp").mkdir()
            order = tools[r % len(tools):] + tools[:r % len(tools)]
            for way in ("export", "import"):
                for tool in order:
                    if tool == "hvmctl":
                        argv = hv + (["export", "-q", str(profile), str(bundle)] if way == "export"
                                     else ["import", "-q", str(bundle), str(work / "imp")])
                        cwd = None
                    else:
                        file, flag = tars[tool]
                        argv = (["tar", "-cS", *flag, "-f", str(work / file), "lists.img"] if way == "export"
                                else ["tar", "-xS", *flag, "-f", str(work / file)])
                        cwd = work if way == "export" else work / f"{tool}-imp"
                    results[f"{tool}_{way}"].append(timed(argv, env, cwd, f"{tool}_{way}"))
        _check_same(image, work / "imp" / "lists.img")
        for name in tars:
            _check_same(image, work / f"{name}-imp" / "lists.img")
        med = {k: round(median(v), 3) for k, v in results.items()}
        cpu = {k: median(v) for k, v in CPU.items()}
        ratios = {f"{way}_ratio_vs_{t}": round(med[f"hvmctl_{way}"] / med[f"{t}_{way}"], 3)
                  for t in tars for way in ("export", "import")}
        cpu_ratios = {f"{way}_cpu_ratio_vs_{t}": round(cpu[f"hvmctl_{way}"] / cpu[f"{t}_{way}"], 3)
                      for t in tars for way in ("export", "import")}
        report = {
            "image": {"apparent_bytes": args.size_gib * GIB, "data_bytes": data, "data": args.data},
            "bundle_bytes": bundle.stat().st_size,
            **{f"{t}_bytes": (work / file).stat().st_size for t, (file, _) in tars.items()},
            "median_seconds": med,
            "runs": {k: [round(x, 3) for x in v] for k, v in results.items()},
            **ratios,
            "median_cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
            **cpu_ratios,
            "load_average": os.getloadavg(),
            "bytecode": "cold (compiled every run)" if args.cold_bytecode else "cached, as installed",
            "bundle_vs_data": round(bundle.stat().st_size / data, 3),
            "imported_allocated_bytes": (work / "imp" / "lists.img").stat().st_blocks * 512,
            "goal": "ratios vs tar_gz <= 0.5, vs tar_zst <= 1.0, bundle_vs_data <= 1.0",
        }
        print(json.dumps(report, indent=2))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _extents(path: Path) -> list[tuple[int, int]]:
    from hvmctl.storage.sparse import data_extents

    with path.open("rb") as fh:
        return data_extents(fh.fileno())


def _check_same(a: Path, b: Path) -> None:
    """Both copies hold the same bytes where the original has data, and are as large."""
    assert a.stat().st_size == b.stat().st_size, (a, b)
    with a.open("rb") as fa, b.open("rb") as fb:
        for offset, length in _extents(a):
            fa.seek(offset)
            fb.seek(offset)
            assert fa.read(length) == fb.read(length), f"{b} differs at {offset}"


if __name__ == "__main__":
    raise SystemExit(main())
