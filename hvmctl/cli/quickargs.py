"""Parse a command's arguments without argparse when the command line is plain.

argparse (with the `re`, `enum` and `gettext` it imports) costs ~10 ms per run here, more
than all the rest of `xm list`. A command's ArgSpec is recorded by :class:`Recorder`; a
command line made only of known options and one run of positionals parses here into the
same values argparse would give. Anything else -- ``-h``, an unknown, abbreviated or
bundled option, ``--``, a bad value, a missing argument, positionals split by options,
a spec using more than add_argument -- returns None, and the caller lets argparse parse
it, so help texts and error messages stay argparse's own.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


class Unsupported(Exception):
    """The spec uses a part of argparse this module does not mirror."""


class Args:
    """The parsed values, as attributes (what handlers read from an argparse Namespace)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Args({self.__dict__!r})"


_KEYS = frozenset({"action", "dest", "default", "type", "choices", "help", "metavar", "nargs", "required"})


class _Action:
    __slots__ = ("dest", "kind", "nargs", "default", "type", "choices", "required")

    def __init__(self, names: tuple[str, ...], kw: dict[str, Any]) -> None:
        if not names or set(kw) - _KEYS:
            raise Unsupported(names)
        self.kind = kw.get("action", "store")
        self.nargs = kw.get("nargs")
        self.type = kw.get("type")
        self.choices = kw.get("choices")
        self.required = bool(kw.get("required", False))
        if names[0].startswith("-"):
            if self.kind not in ("store", "store_true", "append") or self.nargs is not None:
                raise Unsupported(names)
            if self.kind == "store_true" and (self.type is not None or self.choices is not None):
                raise Unsupported(names)
            longs = [n for n in names if n.startswith("--")]
            self.dest = kw.get("dest") or (longs[0] if longs else names[0]).lstrip("-").replace("-", "_")
            self.default = kw.get("default", False if self.kind == "store_true" else None)
        else:
            if len(names) != 1 or self.kind != "store" or self.nargs not in (None, "?", "*", "+") \
                    or "dest" in kw or self.required:
                raise Unsupported(names)
            self.dest = names[0]
            self.default = kw.get("default")

    def convert(self, text: str) -> Any:
        """argparse's type call and choices check; ValueError when argparse would refuse."""
        try:
            value = self.type(text) if self.type is not None else text
        except (TypeError, ValueError, ArithmeticError):
            raise ValueError(text) from None
        if self.choices is not None and value not in self.choices:
            raise ValueError(text)
        return value


class Recorder:
    """Stands in for the ArgumentParser an ArgSpec is given, and keeps what it adds."""

    def __init__(self) -> None:
        self.options: dict[str, _Action] = {}
        self.positionals: list[_Action] = []
        self.actions: list[_Action] = []

    def add_argument(self, *names: str, **kw: Any) -> None:
        action = _Action(names, kw)
        self.actions.append(action)
        if names[0].startswith("-"):
            for name in names:
                if not name.startswith("-") or name in self.options or name in ("-h", "--help"):
                    raise Unsupported(names)
                self.options[name] = action
        else:
            self.positionals.append(action)

    def __getattr__(self, name: str) -> Any:
        raise Unsupported(name)  # add_subparsers, add_mutually_exclusive_group, set_defaults ...

    def parse(self, argv: Sequence[str]) -> Args | None:
        """The values argparse would give for ``argv``, or None: then ask argparse."""
        values: dict[str, Any] = {}
        seen: set[str] = set()
        run: list[str] = []
        runs = 0
        in_run = False
        i = 0
        while i < len(argv):
            tok = argv[i]
            i += 1
            if not tok.startswith("-") or tok == "-":
                runs += not in_run
                in_run = True
                run.append(tok)
                continue
            in_run = False
            name, eq, inline = tok.partition("=") if tok.startswith("--") else (tok, "", "")
            action = self.options.get(name)
            if action is None:
                return None
            seen.add(action.dest)
            if action.kind == "store_true":
                if eq:
                    return None
                values[action.dest] = True
                continue
            if eq:
                text = inline
            elif i < len(argv) and not argv[i].startswith("-"):
                text = argv[i]
                i += 1
            else:
                return None
            try:
                value = action.convert(text)
            except ValueError:
                return None
            if action.kind == "append":
                values[action.dest] = [*(values.get(action.dest) or action.default or []), value]
            else:
                values[action.dest] = value
        if runs > 1:
            return None
        counts = _assign([a.nargs for a in self.positionals], len(run))
        if counts is None:
            return None
        at = 0
        for action, count in zip(self.positionals, counts):
            words = run[at:at + count]
            at += count
            try:
                if action.nargs is None:
                    values[action.dest] = action.convert(words[0])
                elif action.nargs == "?":
                    values[action.dest] = action.convert(words[0]) if words else _default(action)
                elif words:
                    values[action.dest] = [action.convert(w) for w in words]
                else:
                    values[action.dest] = action.default if action.default is not None else []
            except ValueError:
                return None
        for action in self.options.values():
            if action.dest in seen:
                continue
            if action.required:
                return None
            try:
                values.setdefault(action.dest, _default(action))
            except ValueError:
                return None
        return Args(values)


def _default(action: _Action) -> Any:
    """argparse converts a str default through the type when the argument is absent."""
    if isinstance(action.default, str) and action.type is not None:
        return action.convert(action.default)
    return action.default


def _assign(nargs: list[str | None], n: int) -> list[int] | None:
    """How many of ``n`` words each positional takes, greedy left to right as argparse's
    patterns match; None when no split takes them all."""
    if not nargs:
        return [] if n == 0 else None
    first, rest = nargs[0], nargs[1:]
    low, high = {None: (1, 1), "?": (0, 1), "*": (0, n), "+": (1, n)}[first]
    for take in range(min(high, n), low - 1, -1):
        tail = _assign(rest, n - take)
        if tail is not None:
            return [take, *tail]
    return None
