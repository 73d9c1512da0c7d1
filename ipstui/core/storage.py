"""Reading and writing participant files in the canonical layout of SPEC §2.

The writer emits table headers itself and uses tomli-w only for values, so the
layout never depends on a list's length: one field per line, `[[contacts]]`
blocks, arrays of values on one line. Keys the app does not know keep their
place relative to the known key they followed.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import tomli_w

try:  # optional accelerator for loading large caseloads
    import rtoml as _rtoml
except ImportError:  # pragma: no cover - the pure-Python path is complete on its own
    _rtoml = None

from ipstui.core.model import CONFLICT_KEYS, LIST_KEYS, SUB_KEYS, TABLE_KEYS, TOP_KEYS

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # used with fullmatch: "$" would allow a final newline


class StorageError(Exception):
    """A file could not be read or written as asked."""


class ParseError(StorageError):
    """A file is not valid TOML (or not UTF-8); it is never rewritten."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path, self.line, self.col, self.message = path, line, col, message


def blob_id(raw: bytes) -> str:
    """Git's object id for a blob with these bytes (what `git hash-object` prints)."""
    h = hashlib.sha1(b"blob %d\0" % len(raw))
    h.update(raw)
    return h.hexdigest()


_LOC = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_EOD = re.compile(r"\s*\(at end of document\)\s*$")


def loads_bytes(raw: bytes, path: str = "<string>") -> dict[str, Any]:
    """Parse TOML bytes; raise ParseError with a line and column on any failure."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(path, line, col, "file is not valid UTF-8") from None
    if not text.strip():
        raise ParseError(path, 1, 1, "file is empty")
    if _rtoml is not None and not text.startswith("\ufeff"):
        # rtoml parses the same documents to the same values ten times faster; anything
        # it refuses goes to tomllib, whose verdict and error position are the reference.
        try:
            return _rtoml.loads(text)
        except Exception:  # noqa: BLE001, S110 — tomllib below decides and explains
            pass
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _LOC.search(msg)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
            msg = msg[: m.start()]
        elif _EOD.search(msg):
            msg = _EOD.sub("", msg) + " (at end of file)"
            line = text.count("\n") + 1
            col = 1
        else:
            line, col = 1, 1
        if msg.startswith("Cannot overwrite a value") or msg.startswith("Cannot declare"):
            msg = f"duplicate key: {msg[0].lower()}{msg[1:]}"
        raise ParseError(path, line, col, f"TOML syntax error: {msg}") from None


def read_file(path: Path, rel: str | None = None) -> tuple[dict[str, Any], bytes]:
    """Read and parse one file; returns the data and the exact bytes read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StorageError(f"{rel or path}: file not found") from None
    except OSError as exc:
        raise StorageError(f"{rel or path}: cannot read: {exc.strerror}") from None
    return loads_bytes(raw, rel or str(path)), raw


# ---------------------------------------------------------------- writing


def _key(k: str) -> str:
    return k if _BARE_KEY.fullmatch(k) else tomli_w.dumps({k: 0}).split(" = ", 1)[0]


def format_value(v: Any) -> str:
    """One TOML value on one line (arrays and inline tables included)."""
    if isinstance(v, Mapping):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {format_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(format_value(x) for x in v) + "]"
    if isinstance(v, bool | int | float | str | date | datetime | time):
        return tomli_w.dumps({"v": v}).split(" = ", 1)[1].rstrip("\n")
    raise StorageError(f"cannot write a value of type {type(v).__name__}")


def _ordered(d: Mapping[str, Any], canonical: Iterable[str]) -> list[str]:
    """Keys of `d`: canonical ones in canonical order, the others after the key they followed."""
    canon = list(canonical)
    cset = set(canon)
    anchored: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for k in d:
        if k in cset:
            anchor = k
        else:
            anchored.setdefault(anchor, []).append(k)
    out = list(anchored.get(None, []))
    for k in canon:
        if k in d:
            out.append(k)
        out.extend(anchored.get(k, []))
    return out


def _is_table(v: Any) -> bool:
    return isinstance(v, Mapping)


def _is_aot(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _body(d: Mapping[str, Any], order: Iterable[str], prefix: str, out: list[str]) -> None:
    """Emit `key = value` lines for a table, then its sub-tables with dotted headers."""
    keys = list(order)
    subs = []
    for k in keys:
        v = d[k]
        if _is_table(v) and v:
            subs.append(k)
        elif _is_aot(v):
            subs.append(k)
        else:
            out.append(f"{_key(k)} = {format_value(v)}")
    for k in subs:
        v = d[k]
        name = f"{prefix}.{_key(k)}"
        if _is_table(v):
            if _needs_header(v):
                out.append("")
                out.append(f"[{name}]")
            _body(v, list(v), name, out)
        else:
            for item in v:
                out.append("")
                out.append(f"[[{name}]]")
                _body(item, list(item), name, out)


def _needs_header(v: Mapping[str, Any]) -> bool:
    """A table needs its own header unless it only holds sub-tables (TOML implies it)."""
    return not all((_is_table(x) and x) or _is_aot(x) for x in v.values())


def _sub_order(key: str, d: Mapping[str, Any]) -> list[str]:
    if key in SUB_KEYS:
        return _ordered(d, SUB_KEYS[key])
    return list(d)


def dumps(data: Mapping[str, Any]) -> str:
    """Canonical text of a participant file (SPEC §2)."""
    order = _ordered(data, TOP_KEYS + TABLE_KEYS + LIST_KEYS)
    scalars = [k for k in order if not (_is_table(data[k]) and data[k]) and not _is_aot(data[k])]
    tables = [k for k in order if _is_table(data[k]) and data[k]]
    aots = [k for k in order if _is_aot(data[k])]
    out: list[str] = [f"{_key(k)} = {format_value(data[k])}" for k in scalars]
    for k in tables:
        v = data[k]
        if k == "conflicts":
            # One [conflicts.<field>] table per field; keep the record's own order.
            for field, rec in v.items():
                out.append("")
                name = f"conflicts.{_key(field)}"
                if _is_table(rec):
                    out.append(f"[{name}]")
                    _body(rec, _ordered(rec, CONFLICT_KEYS), name, out)
                else:
                    out.append("[conflicts]")
                    out.append(f"{_key(field)} = {format_value(rec)}")
            continue
        if _needs_header(v):
            out.append("")
            out.append(f"[{_key(k)}]")
        _body(v, _sub_order(k, v), _key(k), out)
    for k in aots:
        for item in data[k]:
            out.append("")
            out.append(f"[[{_key(k)}]]")
            _body(item, _sub_order(k, item), _key(k), out)
    return "\n".join(out) + "\n"


def dumps_plain(data: Mapping[str, Any]) -> str:
    """Canonical-looking text of any TOML document (e.g. caseload.toml)."""
    scalars = [k for k in data if not (_is_table(data[k]) and data[k]) and not _is_aot(data[k])]
    rest = [k for k in data if k not in scalars]
    out = [f"{_key(k)} = {format_value(data[k])}" for k in scalars]
    sub: list[str] = []
    _body({k: data[k] for k in rest}, rest, "", sub)
    out.extend(
        line.replace("[.", "[", 1).replace("[[.", "[[", 1) if line.startswith("[") else line
        for line in sub
    )
    return "\n".join(out).lstrip("\n") + "\n"


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write a file so a reader sees either the old or the new content, never a mix."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
