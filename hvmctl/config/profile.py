"""The profile API proper: parse text into a DomainConfig, load from a file."""


from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from hvmctl.config.build import ConfigWarning, build_config, parse_overrides
from hvmctl.config.evaluator import evaluate
from hvmctl.config.keys import KEYS
from hvmctl.config.model import DomainConfig
from hvmctl.config.lookup import find_profile, read_profile_text


@dataclass(frozen=True)
class LoadedProfile:
    """A parsed profile: the config, what deserved a warning, and where it came from."""

    config: DomainConfig
    warnings: tuple[ConfigWarning, ...]
    path: str


def parse_profile(
    text: str,
    *,
    filename: str = "<profile>",
    overrides: Sequence[str] = (),
    default_name: str | None = None,
) -> LoadedProfile:
    """Parse profile text (xm or xl syntax) with ``key=value`` overrides from the command line.

    The name defaults to ``default_name``, else to the file name's basename. Raises
    ConfigError (one line: ``FILE:LINE: KEY: ...``) for anything wrong.
    """
    parsed = parse_overrides(overrides)
    variables = {key: value for key, value in parsed if key not in KEYS}
    evaluated = evaluate(text, filename=filename, variables=variables)
    config, warnings = build_config(
        evaluated, filename=filename, overrides=parsed, default_name=default_name
    )
    return LoadedProfile(config=config, warnings=warnings, path=filename)


def load_profile(
    ref: str, *, search_dirs: Sequence[Path], overrides: Sequence[str] = ()
) -> LoadedProfile:
    """Find, read and parse a profile; its name defaults to the file's basename."""
    path = find_profile(ref, search_dirs=search_dirs)
    text = read_profile_text(path)
    return parse_profile(
        text, filename=str(path), overrides=overrides, default_name=path.name
    )


