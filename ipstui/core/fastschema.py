"""A fast yes/no check compiled from the same JSON Schema files the `jsonschema`
library reads (one source of truth). Loading 20,000 files cannot afford jsonschema's
generic walk on every file, and almost every file is valid: this answers "valid?" in
a few microseconds, and only a file that fails it is handed to jsonschema, which
then produces the messages. Keywords it does not know make compilation refuse, so
the caller falls back to jsonschema for everything rather than guess.

The check takes a file's data as the TOML parser gives it, or as JSON: a date, time or
datetime counts as the ISO string `validate.to_json` would turn it into (so loading
need not convert every file before checking it, issue 17)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from typing import Any

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset(
    {"$id", "$schema", "$defs", "$comment", "description", "title", "examples", "default"}
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


_TEMPORAL = (date, time)  # datetime is a date
_STRINGY = (str, date, time)  # what JSON holds as a string


def _s(v: Any) -> Any:
    """A TOML date, time or datetime as the string JSON holds for it; anything else as is."""
    return v.isoformat() if isinstance(v, _TEMPORAL) else v


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true and 1 differ, 1 and 1.0 do not (dates as their ISO strings)."""
    a, b = _s(a), _s(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return a == b


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, _STRINGY)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, int | float)
    raise Unsupported(f"type {name!r}")


def _is_date(value: Any) -> bool:
    if isinstance(value, _TEMPORAL):
        return type(value) is date  # a datetime's or time's ISO string is no date
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function value -> bool, True exactly when `schema` accepts the value."""
    defs = schema.get("$defs", {})
    return _compile(schema, defs, 0)


def _compile(node: Any, defs: dict[str, Any], depth: int) -> Check:
    if depth > 60:
        raise Unsupported("schema too deep (recursive?)")
    if node is True:
        return lambda v: True
    if node is False:
        return lambda v: False
    if not isinstance(node, dict):
        raise Unsupported(f"schema node {node!r}")
    checks: list[Check] = []
    object_keys = {"properties", "patternProperties", "additionalProperties"}
    if object_keys & node.keys():
        checks.append(_object(node, defs, depth))
    for key, arg in node.items():
        if key in ANNOTATIONS or key in object_keys:
            continue
        checks.append(_keyword(key, arg, node, defs, depth))
    return _all_of([c for c in checks if c is not None])


def _all_of(checks: list[Check]) -> Check:
    """One function that is True when every check is: a flat `and` of up to four calls
    (faster than nested pairs or all() over a generator), then a loop."""
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda v: a(v) and b(v)
    if len(checks) == 3:
        a, b, c = checks
        return lambda v: a(v) and b(v) and c(v)
    if len(checks) == 4:
        a, b, c, d = checks
        return lambda v: a(v) and b(v) and c(v) and d(v)
    every = tuple(checks)

    def each(v: Any) -> bool:
        for check in every:
            if not check(v):
                return False
        return True

    return each


def _prefix_of(pattern: str) -> str | None:
    """'^x_' -> 'x_': a pattern that only anchors a literal prefix."""
    if pattern.startswith("^") and re.fullmatch(r"\^[A-Za-z0-9_-]*", pattern):
        return pattern[1:]
    return None


def _object(node: dict, defs: dict, depth: int) -> Check:
    """properties + patternProperties + additionalProperties in one pass over the keys."""
    props = {k: _compile(s, defs, depth + 1) for k, s in node.get("properties", {}).items()}
    pats: list[tuple[Callable[[str], bool], Check]] = []
    for pat, sch in node.get("patternProperties", {}).items():
        prefix = _prefix_of(pat)
        if prefix is not None:
            test = lambda k, prefix=prefix: k.startswith(prefix)  # noqa: E731
        else:
            rx = re.compile(pat)
            test = lambda k, rx=rx: rx.search(k) is not None  # noqa: E731
        pats.append((test, _compile(sch, defs, depth + 1)))
    extra = (
        _compile(node["additionalProperties"], defs, depth + 1)
        if "additionalProperties" in node
        else None
    )

    # Which checks apply to a key depends on the key alone, and files use few keys:
    # worked out once per key (issue 17: this was a pattern test per key per file).
    plans: dict[Any, tuple[Check, ...]] = {}

    def plan(k: Any) -> tuple[Check, ...]:
        c = props.get(k)
        checks = [c] if c is not None else []
        for test, pc in pats:
            if test(k):
                checks.append(pc)
        if not checks and extra is not None:
            checks.append(extra)
        got = tuple(checks)
        if isinstance(k, str) and len(plans) < 10_000:
            plans[k] = got
        return got

    def check(v: Any) -> bool:
        if type(v) is not dict:
            return not isinstance(v, dict) or check(dict(v))
        for k, x in v.items():
            todo = plans.get(k)
            if todo is None:
                todo = plan(k)
            for c in todo:
                if not c(x):
                    return False
        return True

    return check


def _keyword(key: str, arg: Any, node: dict, defs: dict, depth: int) -> Check | None:  # noqa: C901
    sub = lambda s: _compile(s, defs, depth + 1)  # noqa: E731
    if key == "$ref":
        if not (isinstance(arg, str) and arg.startswith("#/$defs/") and arg[8:] in defs):
            raise Unsupported(f"$ref {arg!r}")
        return sub(defs[arg[8:]])
    if key == "type":
        names = arg if isinstance(arg, list) else [arg]
        for n in names:
            _is_type(None, n)  # validates the name
        if len(names) == 1:
            simple = {
                "string": (str, *_TEMPORAL),
                "object": dict,
                "array": list,
                "boolean": bool,
            }.get(names[0])
            if simple is not None:
                return lambda v: isinstance(v, simple)
            n0 = names[0]
            return lambda v: _is_type(v, n0)
        return lambda v: any(_is_type(v, n) for n in names)
    if key == "enum":
        if all(isinstance(x, str) for x in arg):
            strings = frozenset(arg)
            return lambda v: (
                v in strings
                if isinstance(v, str)
                else isinstance(v, _TEMPORAL) and _s(v) in strings
            )
        return lambda v: any(_equal(v, x) for x in arg)
    if key == "const":
        return lambda v: _equal(v, arg)
    if key == "pattern":
        rx = re.compile(arg)
        seen: dict[Any, bool] = {}  # dates repeat across files: their ISO text once each

        def pattern(v: Any) -> bool:
            if isinstance(v, str):
                return rx.search(v) is not None
            if not isinstance(v, _TEMPORAL):
                return True
            got = seen.get(v)
            if got is None or type(v) is not date:
                got = rx.search(_s(v)) is not None
                if type(v) is date and len(seen) < 100_000:
                    seen[v] = got
            return got

        return pattern
    if key == "format":
        if arg == "date":
            return _is_date
        if arg == "email":  # as jsonschema's FormatChecker checks it
            return lambda v: not isinstance(v, _STRINGY) or "@" in _s(v)
        raise Unsupported(f"format {arg!r}")
    if key == "minLength":
        return lambda v: not isinstance(v, _STRINGY) or len(_s(v)) >= arg
    if key == "maxLength":
        return lambda v: not isinstance(v, _STRINGY) or len(_s(v)) <= arg
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {
            "minimum": lambda v: v >= arg,
            "maximum": lambda v: v <= arg,
            "exclusiveMinimum": lambda v: v > arg,
            "exclusiveMaximum": lambda v: v < arg,
        }[key]
        return lambda v: isinstance(v, bool) or not isinstance(v, int | float) or op(v)
    if key == "required":
        return lambda v: not isinstance(v, dict) or all(k in v for k in arg)
    if key == "dependentRequired":
        return lambda v: (
            not isinstance(v, dict)
            or all(all(r in v for r in reqs) for k, reqs in arg.items() if k in v)
        )
    if key == "minItems":
        return lambda v: not isinstance(v, list) or len(v) >= arg
    if key == "maxItems":
        return lambda v: not isinstance(v, list) or len(v) <= arg
    if key == "uniqueItems":
        if not arg:
            return None
        return lambda v: (
            not isinstance(v, list)
            or all(not _equal(v[i], v[j]) for i in range(len(v)) for j in range(i + 1, len(v)))
        )
    if key == "items":
        item = sub(arg)

        def items(v: Any) -> bool:
            if not isinstance(v, list):
                return True
            for x in v:
                if not item(x):
                    return False
            return True

        return items
    if key == "not":
        inner = sub(arg)
        return lambda v: not inner(v)
    if key == "propertyNames":
        name = sub(arg)
        return lambda v: not isinstance(v, dict) or all(name(k) for k in v)
    raise Unsupported(f"keyword {key!r}")
