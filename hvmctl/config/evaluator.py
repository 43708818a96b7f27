"""A restricted evaluator for xm/xl profiles: it walks Python's ``ast`` and never executes it.

xm ran each profile with ``exec``, so a profile could run any code as root. Here a profile is
data: this module accepts the small part of Python that real profiles use (assignments,
literals, ``+``/``%`` on strings, ``os.uname()`` and ``re.search()`` for arch detection,
``if``/``else``, ``xm_vars`` declarations) and refuses everything else with a
:class:`~hvmctl.errors.ConfigError` naming file, line and construct. Every value it builds is
bounded (string length, list size, integer size, nesting, total work), so a hostile profile
can neither hang nor exhaust memory.

Two passes: a static pass over the whole tree (so a forbidden construct is refused even in a
branch that is never taken) and an evaluation pass that checks types and sizes.
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from hvmctl.errors import ConfigError

#: a profile value: str, int, float, bool, None, and lists/tuples/dicts of them
Value = Any

MAX_SOURCE = 1 << 16  # characters of profile text (real profiles are a few hundred)
MAX_STR = 1 << 16  # characters in one string
MAX_ITEMS = 1024  # elements in one list, tuple or dict
MAX_VALUE_SIZE = 1 << 18  # size units of one value (see _measure)
MAX_TOTAL = 1 << 20  # size units newly built while evaluating one profile (see _Evaluator._charge)
MAX_DEPTH = 64  # nesting of expressions
MAX_NODES = 100_000  # expression nodes evaluated
MAX_TREE = 60_000  # syntax tree nodes
MAX_INT_BITS = 64  # integers are bounded by 2**64 in magnitude
MAX_RE_PATTERN = 100  # characters in a re.search/re.match pattern
MAX_RE_SUBJECT = 256  # characters in the string it is matched against
MAX_RE_REPEATS = 2  # quantifiers in a pattern (each on a single atom)
MAX_RE_BRANCHES = 4  # '|' in a pattern

ALLOWED_MODULES = ("os", "re")
SAFE_FUNCTIONS = ("str", "int", "len")
STR_METHODS = (
    "upper", "lower", "strip", "lstrip", "rstrip", "split", "replace",
    "startswith", "endswith", "join",
)  # fmt: skip
UNAME_FIELDS = ("sysname", "nodename", "release", "version", "machine")
CALLABLE_ATTRS = frozenset(STR_METHODS) | {"uname", "search", "match", "var", "check"}

_NODE_NAMES: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda",
    ast.For: "'for' loop",
    ast.AsyncFor: "'for' loop",
    ast.While: "'while' loop",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.ClassDef: "class definition",
    ast.AsyncFunctionDef: "function definition",
    ast.With: "'with' statement",
    ast.AsyncWith: "'with' statement",
    ast.Try: "'try' statement",
    ast.Raise: "'raise' statement",
    ast.Assert: "'assert' statement",
    ast.Delete: "'del' statement",
    ast.Global: "'global' statement",
    ast.Nonlocal: "'nonlocal' statement",
    ast.Return: "'return' statement",
    ast.Break: "'break' statement",
    ast.Continue: "'continue' statement",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
    ast.Await: "'await'",
    ast.NamedExpr: "assignment expression ':='",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.Starred: "'*' unpacking",
    ast.Set: "set literal",
    ast.AnnAssign: "annotated assignment",
    ast.ImportFrom: "'from ... import'",
    ast.Match: "'match' statement",
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    _NODE_NAMES[ast.TryStar] = "'try' statement"

_OPERATORS: dict[type[ast.AST], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Mod: "%", ast.Pow: "**", ast.Div: "/",
    ast.FloorDiv: "//", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
    ast.BitAnd: "&", ast.MatMult: "@", ast.Invert: "~",
}  # fmt: skip
_ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Mod)

# Node types the static pass lets through (operators and contexts included).
_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.Import, ast.alias, ast.Expr, ast.Pass,
    ast.FunctionDef, ast.Name, ast.Load, ast.Store, ast.Constant, ast.List, ast.Tuple,
    ast.Dict, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Subscript,
    ast.Slice, ast.Call, ast.Attribute, ast.keyword, ast.Add, ast.Sub, ast.Mult, ast.Mod,
    ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
    ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)  # fmt: skip


class Uname(NamedTuple):
    """What ``os.uname()`` gives a profile: a plain tuple of strings (``[4]`` or ``.machine``)."""

    sysname: str
    nodename: str
    release: str
    version: str
    machine: str


def host_uname() -> Uname:
    """The host's uname as plain strings, read once per profile (a safe, fixed tuple)."""
    u = os.uname()
    return Uname(u.sysname, u.nodename, u.release, u.version, u.machine)


@dataclass(frozen=True)
class _Module:
    """Stands for ``os`` or ``re`` after ``import``: only a few calls are allowed on it."""

    name: str


@dataclass(frozen=True)
class _XmVars:
    """Stands for xm's ``xm_vars`` object (``xm_vars.var(...)``, ``xm_vars.check()``)."""


@dataclass(frozen=True)
class Evaluated:
    """What a profile assigned, in order of first assignment.

    ``values`` maps every top-level variable to (value, line of its last assignment);
    ``item_lines`` gives the line of each element when the value was written as a list
    literal (so an error in the third disk names the third disk's line); ``referenced`` holds
    every name read anywhere (helper variables used by other assignments are not keys);
    ``declared`` lists the variables declared with ``xm_vars.var``.
    """

    values: dict[str, tuple[Value, int]]
    item_lines: dict[str, tuple[int, ...]]
    referenced: frozenset[str]
    declared: tuple[str, ...]
    #: variables set afresh more than once (``name = 'a'`` ... ``name = 'b'``), with the
    #: line of each setting: the last wins, as under xm's exec. ``x = x + ...`` and ``+=``
    #: build on the value before, so they are not counted.
    repeated: dict[str, tuple[int, ...]] = field(default_factory=dict)


def evaluate(
    text: str,
    *,
    filename: str = "<profile>",
    variables: Mapping[str, Value] | None = None,
    uname: Uname | None = None,
) -> Evaluated:
    """Evaluate profile ``text`` safely; ``variables`` are given on the command line (xm's VAR=VAL)."""
    if len(text) > MAX_SOURCE:
        raise ConfigError(
            f"profile too large ({len(text)} characters; the limit is {MAX_SOURCE})", file=filename
        )
    if looks_binary(text):
        raise ConfigError("not a profile (binary data)", file=filename)
    if not text.strip():
        raise ConfigError("empty profile", file=filename)
    tree = parse_source(text, filename)
    check_fns = _check_functions(tree)
    _StaticCheck(filename, check_fns).run(tree)
    ev = _Evaluator(filename, dict(variables or {}), uname or host_uname(), check_fns)
    ev.run(tree)
    return Evaluated(
        values=ev.values,
        item_lines=ev.item_lines,
        referenced=frozenset(_referenced_names(tree, check_fns)),
        declared=tuple(ev.declared),
        repeated={k: tuple(v) for k, v in ev.fresh_lines.items() if len(v) > 1},
    )


#: share of the text (after the first NUL) above which it is data, not a profile
_BINARY_SHARE = 0.05
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file in old files


def looks_binary(text: str) -> bool:
    """True for an image, an ELF file, a qcow2 header... given as a profile: it holds a NUL
    (no profile does, and Python refuses it) or is more than 5% control characters."""
    if "\0" in text:
        return True
    sample = text[:4096]
    controls = sum(1 for c in sample if (c < " " or "\x7f" <= c <= "\x9f") and c not in _TEXT_CONTROLS)
    return controls > _BINARY_SHARE * max(len(sample), 1)


def evaluate_literal(text: str) -> tuple[bool, Value]:
    """(True, value) when ``text`` is a plain Python literal, else (False, None).

    Used for ``xm create FILE key=value``: ``memory=512`` gives 512 but ``name=web1`` or
    ``uuid=1234-...`` stay strings. Only literals count: no names, no arithmetic.
    """
    if len(text) > MAX_STR:
        return False, None
    try:
        tree = _parse_quietly(text, "<command line>", "eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False, None
    assert isinstance(tree, ast.Expression)
    if not _is_literal(tree.body, 0):
        return False, None
    ev = _Evaluator("<command line>", {}, host_uname(), frozenset())
    try:
        return True, ev.eval(tree.body)
    except ConfigError:
        return False, None


def _is_literal(node: ast.AST, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, int, float, bool)) or node.value is None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float))
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_is_literal(e, depth + 1) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_literal(k, depth + 1) for k in node.keys) and all(
            _is_literal(v, depth + 1) for v in node.values
        )
    return False


# ---------------------------------------------------------------------------------------------
# parsing


def _parse_quietly(text: str, filename: str, mode: str) -> ast.AST:
    """ast.parse without warnings on stderr (invalid escapes in old profiles are common)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=filename, mode=mode)


def parse_source(text: str, filename: str) -> ast.Module:
    """Parse profile text into a tree (no code object is ever made from it).

    xl files may indent ``key = value`` lines, which Python refuses; when that is the only
    problem (no compound statements, no triple-quoted strings) the lines are dedented and
    parsed again, line numbers unchanged.
    """
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark, as editors on Windows write it
    try:
        tree = _parse_quietly(text, filename, "exec")
    except SyntaxError:
        old = py2_source(text)
        if old is None:
            return _parse_py3(text, filename)
        try:
            tree = _parse_quietly(old, filename, "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return _parse_py3(text, filename)  # not Python 2 either: the first error says why
    except (RecursionError, MemoryError, ValueError, OverflowError):
        return _parse_py3(text, filename)
    assert isinstance(tree, ast.Module)
    return tree


def _parse_py3(text: str, filename: str) -> ast.Module:
    try:
        tree = _parse_quietly(text, filename, "exec")
    except IndentationError as exc:
        dedented = _dedent_xl(text)
        if dedented is None:
            raise _syntax_error(exc, filename) from None
        try:
            tree = _parse_quietly(dedented, filename, "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            raise _syntax_error(exc, filename) from None
    except SyntaxError as exc:
        raise _syntax_error(exc, filename) from None
    except (RecursionError, MemoryError):
        raise ConfigError("profile cannot be parsed: nested too deeply", file=filename) from None
    except (ValueError, OverflowError) as exc:
        msg = _one_line(str(exc)) or type(exc).__name__
        raise ConfigError(f"profile cannot be parsed: {msg}", file=filename) from None
    assert isinstance(tree, ast.Module)
    return tree


def py2_source(text: str) -> str | None:
    """The Python 3 spelling of a Python-2-era xm file (xend ran profiles under Python 2), or
    None when nothing needed rewriting: tabs in indentation count to the next multiple of 8
    (Python 2's rule for mixed tabs and spaces), ``0644`` is ``0o644``, ``10L`` is ``10``,
    and a ``print x`` statement becomes ``print((x))`` (which the evaluator then ignores).
    Line numbers are unchanged; strings and comments are never touched."""
    lines = text.splitlines(keepends=True)
    changed = False
    for i, line in enumerate(lines):
        body = line.lstrip(" \t")
        indent = line[: len(line) - len(body)]
        if "\t" in indent:
            lines[i] = indent.expandtabs(8) + body
            changed = True
    edits = _py2_token_edits("".join(lines))
    if edits is None:
        return None
    for row, col, end, new in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[end:]
    return "".join(lines) if (changed or edits) else None


def _py2_token_edits(text: str) -> list[tuple[int, int, int, str]] | None:
    """(row, start col, end col, replacement) for octal and long literals and print statements."""
    import io
    import tokenize

    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    edits: list[tuple[int, int, int, str]] = []
    line_start = True
    in_print = False
    last_end: tuple[int, int] = (0, 0)
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        adjacent = nxt is not None and nxt.start == tok.end
        if tok.type == tokenize.NUMBER and adjacent and nxt is not None:
            if tok.string == "0" and nxt.type == tokenize.NUMBER and nxt.string.isdigit():
                if not set(nxt.string) <= set("01234567"):
                    return None  # 089 was no number in Python 2 either
                edits.append((tok.start[0], tok.start[1], tok.end[1], "0o"))
            elif nxt.type == tokenize.NAME and nxt.string in ("L", "l"):
                edits.append((nxt.start[0], nxt.start[1], nxt.end[1], ""))
        if line_start and tok.type == tokenize.NAME and tok.string == "print" and nxt is not None:
            if nxt.type in (tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER):
                edits.append((tok.end[0], tok.end[1], tok.end[1], "()"))  # a bare print: an empty line
            elif not (nxt.type == tokenize.OP and nxt.string in ("(", "=", ".", "[", "+=")):
                edits.append((tok.end[0], tok.end[1], tok.end[1], "(("))
                in_print = True
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or (tok.type == tokenize.OP and tok.string == ";"):
            if in_print:
                edits.append((last_end[0], last_end[1], last_end[1], "))"))
                in_print = False
            line_start = True
        elif tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            line_start = False
            last_end = tok.end
    return edits


_COMPOUND = re.compile(r"^\s*(if|elif|else|def|for|while|class|with|try)\b")


def _dedent_xl(text: str) -> str | None:
    if '"""' in text or "'''" in text:
        return None
    lines = text.split("\n")
    if any(_COMPOUND.match(line) for line in lines):
        return None
    out: list[str] = []
    continued = False
    for line in lines:
        out.append(line if continued else line.lstrip(" \t"))
        continued = line.rstrip("\r").endswith("\\")
    return "\n".join(out)


def _syntax_error(exc: SyntaxError, filename: str) -> ConfigError:
    msg = _one_line(exc.msg or "invalid syntax")
    return ConfigError(f"syntax error: {msg}", file=filename, line=exc.lineno or None)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def describe(node: ast.AST) -> str:
    """Short source text of ``node`` for error messages (one line, at most 60 characters)."""
    try:
        src = _one_line(ast.unparse(node))
    except (RecursionError, ValueError, AttributeError, TypeError):
        src = type(node).__name__
    return src if len(src) <= 60 else src[:57] + "..."


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


# ---------------------------------------------------------------------------------------------
# static pass


def _check_functions(tree: ast.Module) -> frozenset[str]:
    """Names passed as ``check=`` to ``xm_vars.var``: their ``def`` is accepted and never run."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if _is_xm_vars_call(node, "var"):
            assert isinstance(node, ast.Call)
            for kw in node.keywords:
                if kw.arg == "check" and isinstance(kw.value, ast.Name):
                    names.add(kw.value.id)
    return frozenset(names)


def _is_xm_vars_call(node: ast.AST, method: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "xm_vars"
    )


def _children(node: ast.AST, check_fns: frozenset[str]) -> list[ast.AST]:
    """Child nodes to visit; the bodies of accepted xm_vars check functions are skipped."""
    if isinstance(node, ast.FunctionDef) and node.name in check_fns:
        return []
    return list(ast.iter_child_nodes(node))


def _referenced_names(tree: ast.Module, check_fns: frozenset[str]) -> set[str]:
    names: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        stack.extend(_children(node, check_fns))
    return names


#: exceptions a check function may raise (``raise ValueError('vmid must be > 0')``)
CHECK_EXCEPTIONS = ("ValueError", "TypeError", "Exception", "KeyError", "IndexError", "RuntimeError")


def _is_print(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


class _StaticCheck:
    """Refuses every construct outside the profile subset, wherever it appears."""

    def __init__(self, filename: str, check_fns: frozenset[str]) -> None:
        self.filename = filename
        self.check_fns = check_fns
        self.in_check: set[int] = set()  # ids of the nodes in the bodies of check functions

    def run(self, tree: ast.Module) -> None:
        """Refuse the first forbidden construct, in reading order; the innermost one when
        several start at the same place (``open('x').read()`` names ``open()``)."""
        problems: list[tuple[int, int, int, str]] = []
        stack: list[tuple[ast.AST, ast.AST | None, int]] = [(tree, None, 0)]
        seen = 0
        while stack:
            node, parent, depth = stack.pop()
            seen += 1
            if seen > MAX_TREE:
                at: int | None = getattr(node, "lineno", None) or getattr(parent, "lineno", None)
                raise ConfigError(
                    f"profile too large to evaluate (more than {MAX_TREE} syntax nodes)",
                    file=self.filename, line=at,
                )
            msg = self._problem(node, parent)
            if msg is not None:
                where = node if hasattr(node, "lineno") else parent  # operators have no line
                line, col = getattr(where, "lineno", 0), getattr(where, "col_offset", 0)
                problems.append((line, col, -depth, msg))
                if not isinstance(node, (ast.Call, ast.Attribute)):
                    continue  # look inside calls only, to name the innermost one
            if isinstance(node, ast.FunctionDef) and node.name in self.check_fns:
                self.in_check.update(id(n) for n in ast.walk(node) if n is not node)
            stack.extend((child, node, depth + 1) for child in ast.iter_child_nodes(node))
        if problems:
            line, _col, _depth, msg = min(problems)
            raise ConfigError(msg, file=self.filename, line=line or None)

    def _problem(self, node: ast.AST, parent: ast.AST | None) -> str | None:
        """Why ``node`` is not allowed, or None when it is."""
        if isinstance(node, ast.FunctionDef):
            if node.name in self.check_fns and id(node) not in self.in_check:
                return _check_fn_problem(node)
            return f"function definition 'def {node.name}' is not allowed in a profile"
        if id(node) in self.in_check:
            if isinstance(node, (ast.Return, ast.arguments, ast.arg)):
                return None
            if isinstance(node, ast.Raise):
                return _raise_problem(node)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CHECK_EXCEPTIONS:
                return None if not node.keywords else "keyword arguments in a raise are not allowed in a profile"
        if isinstance(node, ast.ClassDef):
            return f"class definition 'class {node.name}' is not allowed in a profile"
        if type(node) in _OPERATORS and not isinstance(node, _ALLOWED_BINOPS):
            return f"operator '{_OPERATORS[type(node)]}' is not allowed in a profile"
        if not isinstance(node, _ALLOWED_NODES):
            what = _NODE_NAMES.get(type(node), f"'{type(node).__name__}'")
            return f"{what} is not allowed in a profile"
        return self._shape_problem(node, parent)

    def _shape_problem(self, node: ast.AST, parent: ast.AST | None) -> str | None:
        if isinstance(node, ast.Name) and _is_dunder(node.id):
            if isinstance(parent, ast.Call) and parent.func is node:
                return None  # reported as a function call
            return f"name '{node.id}' is not allowed in a profile"
        if isinstance(node, ast.Import):
            return self._import_problem(node)
        if isinstance(node, ast.Call):
            if _is_print(node) and isinstance(parent, ast.Expr) and not node.keywords:
                return None  # print statements of old xm files: arguments checked, output ignored
            return self._call_problem(node)
        if isinstance(node, ast.Attribute):
            return self._attribute_problem(node, parent)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            return f"assignment to '{describe(node)}' is not allowed in a profile"
        if isinstance(node, ast.Constant) and not (
            node.value is None or isinstance(node.value, (str, int, float, bool))
        ):
            return f"literal {describe(node)} is not allowed in a profile"
        if isinstance(node, ast.Dict) and any(k is None for k in node.keys):
            return "'**' unpacking is not allowed in a profile"
        if isinstance(node, ast.AugAssign) and not isinstance(node.target, ast.Name):
            return f"assignment to '{describe(node.target)}' is not allowed in a profile"
        return None

    @staticmethod
    def _import_problem(node: ast.Import) -> str | None:
        for alias in node.names:
            if alias.name not in ALLOWED_MODULES and alias.name != "os.path":
                return f"import of '{alias.name}' is not allowed in a profile (only os and re)"
        return None

    @staticmethod
    def _call_problem(node: ast.Call) -> str | None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in SAFE_FUNCTIONS:
            pass
        elif isinstance(func, ast.Attribute) and func.attr in CALLABLE_ATTRS:
            pass
        else:
            return f"function call '{describe(func)}()' is not allowed in a profile"
        if node.keywords and not _is_xm_vars_call(node, "var"):
            return f"keyword arguments in '{describe(func)}()' are not allowed in a profile"
        for kw in node.keywords:
            if kw.arg not in ("use", "check"):
                return f"xm_vars.var() takes use= and check=, not {kw.arg or '**'}="
            if kw.arg == "check" and not isinstance(kw.value, (ast.Name, ast.Lambda)):
                return "xm_vars.var(): check= must name a function"
        return None

    @staticmethod
    def _attribute_problem(node: ast.Attribute, parent: ast.AST | None) -> str | None:
        if not isinstance(node.ctx, ast.Load):
            return f"assignment to '{describe(node)}' is not allowed in a profile"
        if isinstance(parent, ast.Call) and parent.func is node:
            return None  # checked with the call
        if node.attr in UNAME_FIELDS:
            return None  # os.uname().machine; the receiver type is checked when evaluated
        return f"attribute access '{describe(node)}' is not allowed in a profile"


def _check_fn_problem(node: ast.FunctionDef) -> str | None:
    """A check function is ``def f(var, val):`` -- two plain parameters, no defaults."""
    a = node.args
    if node.decorator_list or node.returns is not None:
        return f"check function 'def {node.name}' takes no decorators or annotations in a profile"
    if a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or a.defaults or len(a.args) != 2:
        return f"check function 'def {node.name}' must take two parameters (name, value) in a profile"
    if any(arg.annotation is not None for arg in a.args):
        return f"check function 'def {node.name}' takes no annotations in a profile"
    return None


def _raise_problem(node: ast.Raise) -> str | None:
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    if node.cause is not None or not (isinstance(exc, ast.Name) and exc.id in CHECK_EXCEPTIONS):
        return f"'raise' of anything but {', '.join(CHECK_EXCEPTIONS)} is not allowed in a profile"
    return None


class _Raised(Exception):
    """A check function raised: its message and line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


_NO_RETURN = object()

# ---------------------------------------------------------------------------------------------
# evaluation


def _measure(value: object, limit: int) -> int:
    """Size units of a value (1 per scalar or container, plus string lengths), capped at limit+1."""
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        total += 1
        if isinstance(v, str):
            total += len(v)
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        if total > limit:
            return limit + 1
    return total


def _type_name(value: object) -> str:
    if isinstance(value, _Module):
        return f"module {value.name}"
    if isinstance(value, _XmVars):
        return "xm_vars"
    if value is None:
        return "None"
    return type(value).__name__


def _reads(node: ast.expr, name: str) -> bool:
    """``node`` reads variable ``name`` (``x = x + [...]`` builds on x, it does not replace it)."""
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


class _Evaluator:
    """Evaluates a checked tree; every result is a bounded plain value."""

    def __init__(
        self, filename: str, env: dict[str, Value], uname: Uname, check_fns: frozenset[str]
    ) -> None:
        self.filename = filename
        self.env: dict[str, object] = {"xm_vars": _XmVars(), "xm_file": filename, "xm_help": 0}
        self.env.update(env)
        self.uname = uname
        self.check_fns = check_fns
        self.values: dict[str, tuple[Value, int]] = {}
        self.item_lines: dict[str, tuple[int, ...]] = {}
        self.fresh_lines: dict[str, list[int]] = {}  # see Evaluated.repeated
        self.declared: list[str] = []
        self.functions: dict[str, ast.FunctionDef] = {}
        self.pending: dict[str, tuple[str, ast.AST]] = {}  # variable -> (check function, var() call)
        self.in_function = False
        self.nodes = 0
        self.total = 0
        self._line = 0
        #: id -> (size, depth, the value itself) of every container already measured; the
        #: value is kept so its id cannot be reused. Values are never changed in place.
        self._shapes: dict[int, tuple[int, int, object]] = {}

    # -- errors and bookkeeping

    def fail(self, message: str, node: ast.AST | None = None) -> ConfigError:
        line = getattr(node, "lineno", None) if node is not None else None
        return ConfigError(message, file=self.filename, line=line or self._line or None)

    def _charge(self, value: object, node: ast.AST) -> object:
        """Bound a value just built: its size, its nesting depth, and the work of the profile.

        A container's size and depth are remembered, so ``a = [a]`` repeated costs one step
        each time, not a walk of ``a`` (which made 3,000 such lines quadratic); the profile's
        total counts only what each step newly allocates.
        """
        size, depth = self._shape(value, 0)
        if depth > MAX_DEPTH:
            raise self.fail(f"expression nested too deeply (more than {MAX_DEPTH} levels)", node)
        if size > MAX_VALUE_SIZE:
            raise self.fail(f"value too large (the limit is {MAX_VALUE_SIZE} units)", node)
        if isinstance(value, str):
            self.total += 1 + len(value)
        elif isinstance(value, (list, tuple, dict)):
            self.total += 1 + len(value) * (2 if isinstance(value, dict) else 1)
        else:
            self.total += 1
        if self.total > MAX_TOTAL:
            raise self.fail(f"profile too large to evaluate (it builds more than {MAX_TOTAL} units of data)", node)
        return value

    def _shape(self, value: object, level: int) -> tuple[int, int]:
        """(size units, nesting depth) of a value; stops counting past the limits."""
        if isinstance(value, str):
            return 1 + len(value), 0
        if not isinstance(value, (list, tuple, dict)):
            return 1, 0
        known = self._shapes.get(id(value))
        if known is not None and known[2] is value:
            return known[0], known[1]
        if level > MAX_DEPTH:  # a value from outside (command line), deeper than allowed
            return 1, level
        items: list[object] = [*value.keys(), *value.values()] if isinstance(value, dict) else list(value)
        size, depth = 1, 1 if items else 0
        for item in items:
            if isinstance(item, str):  # the common cases first, without a call
                size += 1 + len(item)
            elif not isinstance(item, (list, tuple, dict)):
                size += 1
            else:
                item_size, item_depth = self._shape(item, level + 1)
                size += item_size
                if item_depth >= depth:
                    depth = item_depth + 1
            if size > MAX_VALUE_SIZE or depth > MAX_DEPTH:
                break  # the caller refuses it; the exact figure does not matter
        self._shapes[id(value)] = (size, depth, value)
        return size, depth

    def _check_str(self, length: int, node: ast.AST) -> None:
        if length > MAX_STR:
            raise self.fail(
                f"string too long ({length} characters; the limit is {MAX_STR})", node
            )

    def _check_items(self, count: int, node: ast.AST) -> None:
        if count > MAX_ITEMS:
            raise self.fail(f"list too long ({count} items; the limit is {MAX_ITEMS})", node)

    def _check_int(self, value: int, node: ast.AST) -> int:
        if abs(value).bit_length() > MAX_INT_BITS:
            raise self.fail(f"integer too large (the limit is 2**{MAX_INT_BITS})", node)
        return value

    # -- statements

    def run(self, tree: ast.Module) -> None:
        self._exec_block(tree.body)
        self._run_checks()  # a profile that declares checks but never calls xm_vars.check()

    def _run_checks(self) -> None:
        """Run the check function of every declared variable not checked yet (xend's
        ``xm_vars.check()``): a raise refuses the value; a returned value replaces it."""
        pending, self.pending = self.pending, {}
        for var, (fn_name, call) in pending.items():
            fn = self.functions.get(fn_name)
            if fn is None:
                raise self.fail(f"xm_vars.var(): check function '{fn_name}' is not defined", call)
            value = self.env[var]
            saved, saved_line = self.env, self._line
            params = [a.arg for a in fn.args.args]
            self.env = {**saved, params[0]: var, params[1]: value}
            self.in_function = True
            try:
                result = self._run_body(fn.body)
            except _Raised as exc:
                why = f" ({exc.message})" if exc.message else ""
                raise ConfigError(f"expected a value {fn_name}() accepts; got {value!r}{why}",
                                  file=self.filename, line=exc.line, key=var) from None
            finally:
                self.env, self.in_function, self._line = saved, False, saved_line
            if result is not _NO_RETURN and result is not None:
                self.env[var] = self._data(result, call)

    def _run_body(self, body: Sequence[ast.stmt]) -> object:
        """Statements of a check function: no loops exist, so this ends."""
        for stmt in body:
            self._line = stmt.lineno
            if isinstance(stmt, ast.Return):
                return None if stmt.value is None else self.eval(stmt.value)
            if isinstance(stmt, ast.Raise):
                message = ""
                if isinstance(stmt.exc, ast.Call) and stmt.exc.args:
                    message = self._to_str(self._data(self.eval(stmt.exc.args[0]), stmt), stmt)
                raise _Raised(_one_line(message)[:200], stmt.lineno)
            if isinstance(stmt, ast.If):
                result = self._run_body(stmt.body if self._truth(self.eval(stmt.test)) else stmt.orelse)
                if result is not _NO_RETURN:
                    return result
            else:
                self._exec(stmt)
        return _NO_RETURN

    def _exec_block(self, body: Sequence[ast.stmt]) -> None:
        for stmt in body:
            self._line = stmt.lineno
            self._exec(stmt)

    def _exec(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            value = self.eval(stmt.value)
            for target in stmt.targets:
                self._bind(target, value, stmt, direct=True)
                if isinstance(target, ast.Name) and not self.in_function and not _reads(stmt.value, target.id):
                    self.fresh_lines.setdefault(target.id, []).append(stmt.lineno)
        elif isinstance(stmt, ast.AugAssign):
            assert isinstance(stmt.target, ast.Name)
            current = self._lookup(stmt.target.id, stmt.target)
            rhs = self.eval(stmt.value)
            self._bind(stmt.target, self._binop(stmt.op, current, rhs, stmt), stmt, direct=True)
        elif isinstance(stmt, ast.If):
            self._exec_block(stmt.body if self._truth(self.eval(stmt.test)) else stmt.orelse)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                top = alias.name.split(".")[0]
                self.env[alias.asname or top] = _Module(top if alias.asname is None else alias.name)
        elif isinstance(stmt, ast.Expr) and _is_print(stmt.value):
            assert isinstance(stmt.value, ast.Call)
            for arg in stmt.value.args:  # evaluated (bounded, names must exist), printed nowhere
                self.eval(arg)
        elif isinstance(stmt, ast.Expr):
            self.eval(stmt.value)
        elif isinstance(stmt, ast.FunctionDef):
            self.functions[stmt.name] = stmt  # a check function, run by xm_vars.check()
        # ast.Pass and accepted check-function definitions do nothing

    def _bind(self, target: ast.expr, value: object, stmt: ast.stmt, direct: bool = False) -> None:
        if isinstance(target, ast.Name) and self.in_function:
            self.env[target.id] = value  # a local of a check function, not a profile key
            return
        if isinstance(target, ast.Name):
            self.env[target.id] = value
            self.values.pop(target.id, None)  # re-inserted last: the mapping is in file order
            if _is_data(value):
                self.values[target.id] = (value, stmt.lineno)
            if direct and _is_data(value):
                self._record_items(target.id, stmt)
            else:
                self.item_lines.pop(target.id, None)
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            if not isinstance(value, (tuple, list)) or len(value) != len(target.elts):
                raise self.fail(f"cannot unpack {_type_name(value)} into {describe(target)}", stmt)
            for sub, item in zip(target.elts, value):
                self._bind(sub, item, stmt)
            return
        raise self.fail(f"assignment to '{describe(target)}' is not allowed in a profile", stmt)

    def _record_items(self, name: str, stmt: ast.stmt) -> None:
        rhs = stmt.value if isinstance(stmt, (ast.Assign, ast.AugAssign)) else None
        if isinstance(stmt, ast.Assign) and isinstance(rhs, (ast.List, ast.Tuple)):
            self.item_lines[name] = tuple(e.lineno for e in rhs.elts)
        elif isinstance(stmt, ast.AugAssign) and isinstance(rhs, (ast.List, ast.Tuple)):
            self.item_lines[name] = self.item_lines.get(name, ()) + tuple(e.lineno for e in rhs.elts)
        else:
            self.item_lines.pop(name, None)

    # -- expressions

    def eval(self, node: ast.expr, depth: int = 0) -> object:
        """Evaluate one expression node to a bounded value."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(f"profile too large to evaluate (more than {MAX_NODES} steps)", node)
        if depth > MAX_DEPTH:
            raise self.fail(f"expression nested too deeply (more than {MAX_DEPTH} levels)", node)
        handler = self._handlers.get(type(node))
        if handler is None:  # the static pass refuses these first
            raise self.fail(f"{describe(node)} is not allowed in a profile", node)
        return handler(self, node, depth + 1)

    def _constant(self, node: ast.Constant, depth: int) -> object:
        value = node.value
        if isinstance(value, str):
            self._check_str(len(value), node)
        elif isinstance(value, int) and not isinstance(value, bool):
            self._check_int(value, node)
        return self._charge(value, node)

    def _name(self, node: ast.Name, depth: int) -> object:
        return self._lookup(node.id, node)

    def _lookup(self, name: str, node: ast.AST) -> object:
        if name in self.env:
            return self.env[name]
        if name in SAFE_FUNCTIONS:
            raise self.fail(f"function '{name}' can only be called", node)
        raise self.fail(f"name '{name}' is not defined", node)

    def _sequence(self, node: ast.List | ast.Tuple, depth: int) -> object:
        self._check_items(len(node.elts), node)
        items = [self._data(self.eval(e, depth), e) for e in node.elts]
        result: object = items if isinstance(node, ast.List) else tuple(items)
        return self._charge(result, node)

    def _dict(self, node: ast.Dict, depth: int) -> object:
        self._check_items(len(node.keys), node)
        result: dict[object, object] = {}
        for k, v in zip(node.keys, node.values):
            assert k is not None
            key = self._data(self.eval(k, depth), k)
            if isinstance(key, (list, dict)):
                raise self.fail(f"a {_type_name(key)} cannot be a dict key", k)
            result[key] = self._data(self.eval(v, depth), v)
        return self._charge(result, node)

    def _data(self, value: object, node: ast.AST) -> object:
        if not _is_data(value):
            raise self.fail(f"{_type_name(value)} cannot be used as a value", node)
        return value

    def _binop_node(self, node: ast.BinOp, depth: int) -> object:
        left = self.eval(node.left, depth)
        right = self.eval(node.right, depth)
        return self._binop(node.op, left, right, node)

    def _binop(self, op: ast.operator, left: object, right: object, node: ast.AST) -> object:
        left = self._data(left, node)
        right = self._data(right, node)
        if isinstance(op, ast.Add):
            result = self._add(left, right, node)
        elif isinstance(op, ast.Mult):
            result = self._mult(left, right, node)
        elif isinstance(op, ast.Sub):
            result = self._numeric(left, right, node, "-", lambda a, b: a - b)
        elif isinstance(op, ast.Mod):
            result = self._mod(left, right, node)
        else:
            raise self.fail(f"operator '{_OPERATORS.get(type(op), '?')}' is not allowed", node)
        return self._charge(result, node)

    def _operand_error(self, sym: str, left: object, right: object, node: ast.AST) -> ConfigError:
        return self.fail(
            f"unsupported operand types for {sym}: '{_type_name(left)}' and '{_type_name(right)}'",
            node,
        )

    def _add(self, left: object, right: object, node: ast.AST) -> object:
        if isinstance(left, str) and isinstance(right, str):
            self._check_str(len(left) + len(right), node)
            return left + right
        if isinstance(left, list) and isinstance(right, list):
            self._check_items(len(left) + len(right), node)
            return left + right
        if isinstance(left, tuple) and isinstance(right, tuple):
            self._check_items(len(left) + len(right), node)
            return left + right
        return self._numeric(left, right, node, "+", lambda a, b: a + b)

    def _mult(self, left: object, right: object, node: ast.AST) -> object:
        if isinstance(left, int) and isinstance(right, (str, list, tuple)):
            left, right = right, left
        if isinstance(left, (str, list, tuple)) and isinstance(right, int):
            count = max(right, 0)
            if isinstance(left, str):
                self._check_str(len(left) * count, node)
            else:
                self._check_items(len(left) * count, node)
            return left * count
        if isinstance(left, int) and isinstance(right, int):
            if abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS + 1:
                raise self.fail(f"integer too large (the limit is 2**{MAX_INT_BITS})", node)
        return self._numeric(left, right, node, "*", lambda a, b: a * b)

    def _numeric(
        self, left: object, right: object, node: ast.AST, sym: str, fn: Callable[[Any, Any], Any]
    ) -> object:
        if not (isinstance(left, (int, float)) and isinstance(right, (int, float))):
            raise self._operand_error(sym, left, right, node)
        try:
            result = fn(left, right)
        except (ZeroDivisionError, OverflowError) as exc:
            raise self.fail(f"arithmetic error: {exc}", node) from None
        if isinstance(result, int):
            self._check_int(result, node)
        return result

    def _mod(self, left: object, right: object, node: ast.AST) -> object:
        if not isinstance(left, str):
            return self._numeric(left, right, node, "%", lambda a, b: a % b)
        padding = 0
        for m in _FORMAT_SPEC.finditer(left):
            width, precision = m.group(1), m.group(2)
            if "*" in (width, precision):
                raise self.fail("'*' width in a % format is not allowed in a profile", node)
            for n in (width, precision):
                if n is not None:
                    padding += int(n) if len(n) <= 6 else MAX_STR + 1
        if padding > MAX_STR:
            raise self.fail(f"string too long (the limit is {MAX_STR})", node)
        try:
            result = left % right
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise self.fail(f"string formatting failed: {_one_line(str(exc))}", node) from None
        self._check_str(len(result), node)
        return result

    def _unary(self, node: ast.UnaryOp, depth: int) -> object:
        operand = self._data(self.eval(node.operand, depth), node)
        if isinstance(node.op, ast.Not):
            return not self._truth(operand)
        if not isinstance(operand, (int, float)):
            sym = "-" if isinstance(node.op, ast.USub) else "+"
            raise self.fail(f"bad operand type for unary {sym}: '{_type_name(operand)}'", node)
        return -operand if isinstance(node.op, ast.USub) else +operand

    def _boolop(self, node: ast.BoolOp, depth: int) -> object:
        result: object = None
        for value_node in node.values:
            result = self.eval(value_node, depth)
            truth = self._truth(result)
            if isinstance(node.op, ast.And) and not truth:
                return result
            if isinstance(node.op, ast.Or) and truth:
                return result
        return result

    def _truth(self, value: object) -> bool:
        if isinstance(value, (_Module, _XmVars)):
            return True
        return bool(value)

    def _compare(self, node: ast.Compare, depth: int) -> object:
        left = self._data(self.eval(node.left, depth), node)
        for op, comparator in zip(node.ops, node.comparators):
            right = self._data(self.eval(comparator, depth), comparator)
            if not self._compare_one(op, left, right, node):
                return False
            left = right
        return True

    def _compare_one(self, op: ast.cmpop, left: object, right: object, node: ast.AST) -> bool:
        try:
            if isinstance(op, ast.Eq):
                return bool(left == right)
            if isinstance(op, ast.NotEq):
                return bool(left != right)
            if isinstance(op, (ast.Is, ast.IsNot)):
                same = left is None and right is None if None in (left, right) else left == right
                return same if isinstance(op, ast.Is) else not same
            if isinstance(op, (ast.In, ast.NotIn)):
                if isinstance(right, str) and not isinstance(left, str):
                    raise TypeError(f"'in <string>' requires string as left operand")
                found = left in right  # type: ignore[operator]
                return bool(found) if isinstance(op, ast.In) else not found
            if isinstance(op, ast.Lt):
                return bool(left < right)  # type: ignore[operator]
            if isinstance(op, ast.LtE):
                return bool(left <= right)  # type: ignore[operator]
            if isinstance(op, ast.Gt):
                return bool(left > right)  # type: ignore[operator]
            if isinstance(op, ast.GtE):
                return bool(left >= right)  # type: ignore[operator]
        except TypeError as exc:
            raise self.fail(f"cannot compare: {_one_line(str(exc))}", node) from None
        raise self.fail("comparison not allowed", node)

    def _ifexp(self, node: ast.IfExp, depth: int) -> object:
        branch = node.body if self._truth(self.eval(node.test, depth)) else node.orelse
        return self.eval(branch, depth)

    def _subscript(self, node: ast.Subscript, depth: int) -> object:
        container = self._data(self.eval(node.value, depth), node)
        if isinstance(node.slice, ast.Slice):
            return self._slice(container, node.slice, depth, node)
        index = self._data(self.eval(node.slice, depth), node)
        try:
            if isinstance(container, dict):
                if isinstance(index, (list, dict)):
                    raise TypeError(f"a {_type_name(index)} cannot be a dict key")
                return container[index]
            if isinstance(container, (str, list, tuple)) and isinstance(index, int):
                return container[index]
        except KeyError:
            raise self.fail(f"key {index!r} not found in {describe(node.value)}", node) from None
        except IndexError:
            raise self.fail(f"index {index!r} out of range in {describe(node)}", node) from None
        except TypeError as exc:
            raise self.fail(_one_line(str(exc)), node) from None
        raise self.fail(
            f"cannot index a {_type_name(container)} with a {_type_name(index)}", node
        )

    def _slice(self, container: object, sl: ast.Slice, depth: int, node: ast.AST) -> object:
        bounds: list[int | None] = []
        for part in (sl.lower, sl.upper, sl.step):
            value = None if part is None else self.eval(part, depth)
            if value is not None and not isinstance(value, int):
                raise self.fail(f"slice bounds must be integers, not {_type_name(value)}", node)
            bounds.append(value)
        if bounds[2] == 0:
            raise self.fail("slice step cannot be zero", node)
        if not isinstance(container, (str, list, tuple)):
            raise self.fail(f"cannot slice a {_type_name(container)}", node)
        return self._charge(container[bounds[0] : bounds[1] : bounds[2]], node)

    def _attribute(self, node: ast.Attribute, depth: int) -> object:
        receiver = self.eval(node.value, depth)
        if isinstance(receiver, Uname) and node.attr in UNAME_FIELDS:
            return getattr(receiver, node.attr)
        raise self.fail(f"attribute access '{describe(node)}' is not allowed in a profile", node)

    # -- calls

    def _call(self, node: ast.Call, depth: int) -> object:
        func = node.func
        if isinstance(func, ast.Name):
            return self._call_function(func.id, node, depth)
        assert isinstance(func, ast.Attribute)
        receiver = self.eval(func.value, depth)
        if isinstance(receiver, _XmVars):
            return self._call_xm_vars(func.attr, node, depth)
        args = [self._data(self.eval(a, depth), a) for a in node.args]
        if isinstance(receiver, _Module):
            return self._call_module(receiver, func.attr, args, node)
        if isinstance(receiver, str) and func.attr in STR_METHODS:
            return self._charge(self._call_str(receiver, func.attr, args, node), node)
        raise self.fail(f"function call '{describe(func)}()' is not allowed in a profile", node)

    def _call_function(self, name: str, node: ast.Call, depth: int) -> object:
        if name in self.env:  # a variable that shadows str/int/len is not callable
            raise self.fail(f"function call '{name}()' is not allowed in a profile", node)
        args = [self._data(self.eval(a, depth), a) for a in node.args]
        if name == "len":
            self._arity(name, args, 1, 1, node)
            if not isinstance(args[0], (str, list, tuple, dict)):
                raise self.fail(f"len() of a {_type_name(args[0])}", node)
            return len(args[0])
        if name == "str":
            self._arity(name, args, 0, 1, node)
            return self._charge(self._to_str(args[0] if args else "", node), node)
        self._arity(name, args, 1, 2, node)
        return self._to_int(args, node)

    def _arity(self, name: str, args: list[object], lo: int, hi: int, node: ast.AST) -> None:
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise self.fail(f"{name}() takes {want} arguments, not {len(args)}", node)

    def _to_str(self, value: object, node: ast.AST) -> str:
        if isinstance(value, str):
            return value
        if _measure(value, MAX_STR) > MAX_STR:
            raise self.fail(f"string too long (the limit is {MAX_STR})", node)
        text = str(value)
        self._check_str(len(text), node)
        return text

    def _to_int(self, args: list[object], node: ast.AST) -> int:
        value = args[0]
        base = args[1] if len(args) > 1 else None
        try:
            if base is not None:
                if not isinstance(value, str) or not isinstance(base, int):
                    raise TypeError("int() with a base takes a string and an integer")
                return self._check_int(int(value[:200], base), node)
            if isinstance(value, str):
                if len(value.strip()) > 40:
                    raise ValueError(f"invalid literal for int(): {value[:40]!r}...")
                return self._check_int(int(value), node)
            if isinstance(value, (int, float)):
                return self._check_int(int(value), node)
            raise TypeError(f"int() argument must be a string or a number, not {_type_name(value)}")
        except (ValueError, TypeError, OverflowError) as exc:
            raise self.fail(_one_line(str(exc)), node) from None

    def _call_module(self, module: _Module, attr: str, args: list[object], node: ast.Call) -> object:
        if module.name == "os" and attr == "uname":
            self._arity("os.uname", args, 0, 0, node)
            return self.uname
        if module.name == "re" and attr in ("search", "match"):
            self._arity(f"re.{attr}", args, 2, 2, node)
            pattern, subject = args
            if not isinstance(pattern, str) or not isinstance(subject, str):
                raise self.fail(f"re.{attr}() takes a pattern string and a string", node)
            self._check_pattern(pattern, node)
            if len(subject) > MAX_RE_SUBJECT:
                raise self.fail(
                    f"re.{attr}(): string too long (the limit is {MAX_RE_SUBJECT})", node
                )
            fn = re.search if attr == "search" else re.match
            try:
                return True if fn(pattern, subject) else None
            except re.error as exc:
                raise self.fail(f"bad regular expression {pattern!r}: {exc}", node) from None
        raise self.fail(
            f"function call '{module.name}.{attr}()' is not allowed in a profile", node
        )

    def _check_pattern(self, pattern: str, node: ast.AST) -> None:
        """Refuse patterns that could backtrack for long (ReDoS): see _pattern_problem."""
        problem = _pattern_problem(pattern)
        if problem:
            raise self.fail(f"regular expression {pattern[:40]!r} is not allowed: {problem}", node)

    def _call_str(self, s: str, method: str, args: list[object], node: ast.AST) -> object:
        if method in ("upper", "lower"):
            self._arity(method, args, 0, 0, node)
            return s.upper() if method == "upper" else s.lower()
        if method in ("strip", "lstrip", "rstrip"):
            self._arity(method, args, 0, 1, node)
            chars = self._str_arg(args, 0, method, node, optional=True)
            return getattr(s, method)(chars)
        if method in ("startswith", "endswith"):
            self._arity(method, args, 1, 1, node)
            prefix = args[0]
            if isinstance(prefix, tuple) and all(isinstance(p, str) for p in prefix):
                return getattr(s, method)(prefix)
            return getattr(s, method)(self._str_arg(args, 0, method, node))
        if method == "split":
            return self._split(s, args, node)
        if method == "replace":
            return self._replace(s, args, node)
        return self._join(s, args, node)

    def _str_arg(
        self, args: list[object], i: int, method: str, node: ast.AST, optional: bool = False
    ) -> str | None:
        if i >= len(args) or (optional and args[i] is None):
            return None
        if not isinstance(args[i], str):
            raise self.fail(f"{method}() argument must be a string, not {_type_name(args[i])}", node)
        return args[i]  # type: ignore[return-value]

    def _split(self, s: str, args: list[object], node: ast.AST) -> object:
        self._arity("split", args, 0, 2, node)
        sep = self._str_arg(args, 0, "split", node, optional=True)
        maxsplit = args[1] if len(args) > 1 else -1
        if not isinstance(maxsplit, int):
            raise self.fail("split() maxsplit must be an integer", node)
        if sep == "":
            raise self.fail("split() separator cannot be empty", node)
        parts = s.split(sep, maxsplit)
        self._check_items(len(parts), node)
        return parts

    def _replace(self, s: str, args: list[object], node: ast.AST) -> object:
        self._arity("replace", args, 2, 3, node)
        old = self._str_arg(args, 0, "replace", node) or ""
        new = self._str_arg(args, 1, "replace", node) or ""
        count = args[2] if len(args) > 2 else -1
        if not isinstance(count, int):
            raise self.fail("replace() count must be an integer", node)
        hits = s.count(old) if old else len(s) + 1
        if count >= 0:
            hits = min(hits, count)
        self._check_str(len(s) + hits * (len(new) - len(old)), node)
        return s.replace(old, new, count)

    def _join(self, s: str, args: list[object], node: ast.AST) -> object:
        self._arity("join", args, 1, 1, node)
        items = args[0]
        if isinstance(items, str):
            items = list(items)
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
            raise self.fail("join() takes a list of strings", node)
        self._check_str(sum(len(i) for i in items) + len(s) * max(len(items) - 1, 0), node)
        return s.join(items)

    def _call_xm_vars(self, attr: str, node: ast.Call, depth: int) -> object:
        """``xm_vars.var('vmid', use=..., check=...)`` declares a command-line variable."""
        if attr == "check":
            if node.args or node.keywords:
                raise self.fail("xm_vars.check() takes no arguments", node)
            self._run_checks()
            return None
        if attr != "var":
            raise self.fail(f"function call 'xm_vars.{attr}()' is not allowed in a profile", node)
        if len(node.args) != 1:
            raise self.fail("xm_vars.var() takes the variable name as its only argument", node)
        name = self.eval(node.args[0], depth)
        if not isinstance(name, str) or not name.isidentifier() or _is_dunder(name):
            raise self.fail(f"xm_vars.var(): expected a variable name; got {name!r}", node)
        for kw in node.keywords:
            if kw.arg == "use":
                self.eval(kw.value, depth)  # evaluated for safety, then ignored
        if name not in self.env:
            raise self.fail(
                f"variable '{name}' is declared with xm_vars.var() but not given; "
                f"add {name}=VALUE to the command line",
                node,
            )
        self.declared.append(name)
        for kw in node.keywords:
            if kw.arg == "check" and isinstance(kw.value, ast.Name):
                self.pending[name] = (kw.value.id, node)
        return None

    _handlers: dict[type[ast.AST], Callable[[Any, Any, int], object]] = {
        ast.Constant: _constant,
        ast.Name: _name,
        ast.List: _sequence,
        ast.Tuple: _sequence,
        ast.Dict: _dict,
        ast.BinOp: _binop_node,
        ast.UnaryOp: _unary,
        ast.BoolOp: _boolop,
        ast.Compare: _compare,
        ast.IfExp: _ifexp,
        ast.Subscript: _subscript,
        ast.Attribute: _attribute,
        ast.Call: _call,
    }


def _is_data(value: object) -> bool:
    """True for plain profile values (not the stand-ins for os, re and xm_vars)."""
    return not isinstance(value, (_Module, _XmVars))


_RE_SAFE_CHARS = re.compile(r"[A-Za-z0-9_\-.^$|()\[\]*+?\\/ :,=@]*")


def _pattern_problem(pattern: str) -> str | None:
    """Why a regular expression could be slow, or None.

    Profiles use simple patterns (``'64'``, ``'^i.86$'``, ``'(x86_64|amd64)'``). Allowed: at
    most two quantifiers, each on a single character or class, never on a group, at most
    four ``|``, no ``{m,n}``, no ``(?...)`` extensions, no back-references. Such a pattern
    backtracks at most about 16 * n**2 steps, and the subject is at most 256 characters.
    """
    if len(pattern) > MAX_RE_PATTERN:
        return f"longer than {MAX_RE_PATTERN} characters"
    if not _RE_SAFE_CHARS.fullmatch(pattern):
        return "only letters, digits, . ^ $ | ( ) [ ] * + ? and escapes are allowed"
    if "(?" in pattern:
        return "(?...) groups are not allowed"
    repeats = 0
    i = 0
    in_class = False
    prev = ""
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 < len(pattern) and pattern[i + 1].isdigit():
                return "back-references are not allowed"
            prev = "atom"
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            prev = "atom"
        elif ch == "[":
            in_class = True
        elif ch in "*+?":
            if prev == ")":
                return "a quantifier on a group is not allowed"
            if prev == "quant" and ch != "?":
                return "nested quantifiers are not allowed"
            repeats += 1
            prev = "quant"
            i += 1
            continue
        else:
            prev = ")" if ch == ")" else "atom"
        i += 1
    if repeats > MAX_RE_REPEATS:
        return f"more than {MAX_RE_REPEATS} quantifiers"
    if pattern.count("|") > MAX_RE_BRANCHES:
        return f"more than {MAX_RE_BRANCHES} alternatives"
    return None
