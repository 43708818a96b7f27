"""Finding and reading profile files: stdlib only, cheap to import (the CLI does it)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from hvmctl.errors import ConfigError, NotFoundError

MAX_PROFILE_BYTES = 1 << 18  # UTF-8 bytes: 4x the evaluator's 64 Ki-character cap


def find_profile(ref: str, *, search_dirs: Sequence[Path]) -> Path:
    """Where ``xm create REF`` finds its profile: REF as a path, then ./REF, then DIR/REF."""
    if not ref or "\0" in ref:
        raise NotFoundError(f"profile {ref!r} not found")
    try:
        home = Path(ref).expanduser()
    except RuntimeError:  # ~user with no such user (or no home): the name as it is
        home = Path(ref)
    candidates = [home, Path.cwd() / ref]
    candidates += [Path(d) / ref for d in search_dirs]
    looked: list[str] = []
    for path in candidates:
        if str(path) in looked:
            continue
        looked.append(str(path))
        if path.is_file():
            return path
    raise NotFoundError(f"profile {ref!r} not found; looked in: {', '.join(looked)}")


def read_profile_text(path: Path) -> str:
    """The text of a profile file: UTF-8, or Latin-1 for old files (bounded in size)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(f"cannot read profile: {reason}", file=str(path), cause=exc) from None
    if len(data) > MAX_PROFILE_BYTES:
        raise ConfigError(
            f"profile too large (more than {MAX_PROFILE_BYTES} bytes)", file=str(path)
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
