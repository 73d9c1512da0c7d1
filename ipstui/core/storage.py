"""Reading and writing participant files in the canonical layout of SPEC §2.

The writer emits table headers itself and uses tomli-w only for values, so the
layout never depends on a list's length: one field per line, `[[contacts]]`
blocks, arrays of values on one line. Keys the app does not know keep their
place relative to the known key they followed.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

# tomli_w, toml10 (the TOML parsers) and tempfile are imported where they are used: a
# command answered from the load cache (`ipstui due`) reads no TOML (issue 17).
from ipstui.core.i18n import _
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


BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class FileText:
    """A record file's bytes as text (`decode_text`): `text` with "\\n" line ends and
    no byte order mark, `bom` (the file starts with the UTF-8 byte order mark), `crlf`
    (its first line ends in CRLF: the file's line ending, SPEC §2 "kept") and, for a file
    whose lines end in both ways, `mixed`: per line of `text` (but the last, which has no
    ending), True where it ended in CRLF (empty: every line ends in the file's ending)."""

    text: str
    bom: bool
    crlf: bool
    mixed: tuple[bool, ...] = ()

    @property
    def any_crlf(self) -> bool:
        """Some line of the file ends in CRLF."""
        return self.crlf or any(self.mixed)

    def encode(self, text: str) -> bytes:
        """`text` ("\\n" line ends, no byte order mark) as bytes in this file's way:
        its byte order mark and line endings put back. In a mixed file each line the
        same as one of `self.text` (matched in order, `difflib.SequenceMatcher`) keeps
        that line's own ending, and a new or changed line takes the file's (its first
        line's), so a one-field save changes one line's bytes (SPEC §2)."""
        if not self.mixed:
            if self.crlf:
                text = text.replace("\n", "\r\n")
            return ((BOM if self.bom else "") + text).encode("utf-8")
        import difflib

        was, now = self.text.split("\n"), text.split("\n")
        ends = [self.crlf] * (len(now) - 1)
        matcher = difflib.SequenceMatcher(None, was, now, autojunk=False)
        for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    if j1 + k < len(ends) and i1 + k < len(self.mixed):
                        ends[j1 + k] = self.mixed[i1 + k]
        out = "".join(line + ("\r\n" if end else "\n") for line, end in zip(now, ends, strict=False))
        return ((BOM if self.bom else "") + out + now[-1]).encode("utf-8")


def decode_text(raw: bytes, path: str = "<string>") -> FileText:
    """Decode a record file's bytes: the one place that reads a byte order mark and a
    line ending (loading, saving, merging and renumbering all call it).

    UTF-8 only (SPEC §2). A leading byte order mark is taken off (`bom`). Every CRLF
    becomes "\\n"; the first line's ending is the file's (`crlf`), and a file whose
    lines end in both ways keeps each line's (`mixed`); a lone CR is not a line ending
    in TOML and is left for the parser to report. A last line without a line ending
    keeps none. Raises ParseError ("file is not valid UTF-8", with the line and column of
    the first bad byte, 1-based) for bytes that are not UTF-8."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = (
            len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        )
        raise ParseError(path, line, col, _("file is not valid UTF-8")) from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    if "\r" not in text:
        return FileText(text, bom, False)
    ends = tuple(line.endswith("\r") for line in text.split("\n")[:-1])
    crlf = bool(ends) and ends[0]
    text = text.replace("\r\n", "\n")
    return FileText(text, bom, crlf, ends if len(set(ends)) > 1 else ())


MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger files are refused unread: a participant file is a few kilobytes."""


def loads_bytes(raw: bytes, path: str = "<string>") -> dict[str, Any]:
    """Parse TOML 1.0 bytes exactly as `tomllib` does (SPEC §2).

    A leading UTF-8 byte order mark is skipped (validation reports it as a warning).
    Raises ParseError with a line and column for bytes that are not UTF-8, text that
    is not TOML 1.0, a document without keys ("file is empty") and values nested
    deeper than `toml10.MAX_DEPTH` levels (valid TOML, but not a file ipstui reads)."""
    text = decode_text(raw, path).text
    from ipstui.core import toml10

    try:
        data = toml10.loads(text)
    except toml10.TomlError as exc:
        msg, col = exc.message, exc.col
        if msg.startswith("Cannot overwrite a value") or msg.startswith("Cannot declare"):
            msg = _("duplicate key: {detail}").format(detail=f"{msg[0].lower()}{msg[1:]}")
            # The parser stops after the statement; the key (or header) starts the line.
            lines = text.split("\n")
            if exc.line <= len(lines):
                line_text = lines[exc.line - 1]
                col = len(line_text) - len(line_text.lstrip(" \t")) + 1
        if exc.syntax:
            msg = _("TOML syntax error: {detail}").format(detail=msg)
        raise ParseError(path, exc.line, col, msg) from None
    if not data and not text.strip(" \t\r\n"):
        raise ParseError(path, 1, 1, _("file is empty"))
    return data


def read_bytes(path: Path, rel: str | None = None) -> bytes:
    """The bytes of a regular file, read without blocking or following a final symlink.

    Raises StorageError naming `rel` (or the path) when the file is missing, a folder,
    a symbolic link, a pipe or device, larger than MAX_FILE_BYTES, or unreadable."""
    name = rel or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise StorageError(_("{name}: file not found").format(name=name)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StorageError(linked_file(name)) from None
        if exc.errno == errno.ENXIO:  # a socket (or a device without its driver)
            raise StorageError(_("{name}: is not a regular file").format(name=name)) from None
        raise StorageError(
            _("{name}: cannot read: {value}").format(name=name, value=exc.strerror or exc)
        ) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise StorageError(_("{name}: is a folder, not a file").format(name=name))
        if not stat.S_ISREG(st.st_mode):
            raise StorageError(_("{name}: is not a regular file").format(name=name))
        if st.st_size > MAX_FILE_BYTES:
            raise StorageError(
                _("{name}: file is larger than {value} MiB").format(
                    name=name, value=MAX_FILE_BYTES >> 20
                )
            )
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise StorageError(
            _("{name}: cannot read: {value}").format(name=name, value=exc.strerror or exc)
        ) from None
    finally:
        os.close(fd)


def read_file(path: Path, rel: str | None = None) -> tuple[dict[str, Any], bytes]:
    """Read and parse one file; returns the data and the exact bytes read.

    Raises StorageError (see `read_bytes`) or its subclass ParseError (`loads_bytes`)."""
    raw = read_bytes(path, rel)
    return loads_bytes(raw, rel or str(path)), raw


# ---------------------------------------------------------------- writing


def _key(k: str) -> str:
    if _BARE_KEY.fullmatch(k):
        return k
    import tomli_w

    return tomli_w.dumps({k: 0}).split(" = ", 1)[0]


def format_value(v: Any) -> str:
    """One TOML value on one line (arrays and inline tables included)."""
    if isinstance(v, Mapping):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {format_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(format_value(x) for x in v) + "]"
    if isinstance(v, float):  # not cached: -0.0 == 0.0 would share one entry
        return _scalar(v)
    if isinstance(v, bool | int | str | date | datetime | time):
        return _cached_scalar(type(v), v)
    raise StorageError(_("cannot write a value of type {name}").format(name=type(v).__name__))


def _scalar(v: Any) -> str:
    import tomli_w

    return tomli_w.dumps({"v": v}).split(" = ", 1)[1].rstrip("\n")


@functools.lru_cache(maxsize=4096)
def _cached_scalar(kind: type, v: Any) -> str:
    """`_scalar(v)`, remembered: a file's values recur in every version of it (the type
    is part of the key, so True and 1, a date and a datetime never share an entry)."""
    return _scalar(v)


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


def write_output(path: Path, data: str | bytes) -> None:
    """Write an export, report or template the user asked for at `path` (a file outside
    the caseload, never a record): a regular file or a new name gets the whole content
    at once (`atomic_write`, mode 0600 for a new file: exports hold personal data); a
    device, pipe or socket that already exists (`/dev/stdout`, a named pipe, `>(...)`)
    is written to as it is, since nothing can be renamed over it. Raises OSError."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        special = False
    if special:
        with open(path, "wb") as fh:
            fh.write(raw)
    else:
        atomic_write(path, raw, new_mode=0o600)


def write_new(path: Path, data: str | bytes, new_mode: int = 0o600) -> Path:
    """Write `data` to a file made afresh at `path`, or, when that name is taken (a file,
    a folder, anything), at the first free `<stem>-2<suffix>`, `-3`, ...: never over
    what is there (two screenshots in one second keep both). Each name is created
    exclusively (`O_EXCL`), so one made meanwhile by another program is not overwritten
    either; mode `new_mode` (0600: the file shows personal data). Returns the path
    written; a write cut short leaves no file. Raises OSError."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    n = 1
    while True:
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            fd = os.open(target, flags, new_mode)
        except FileExistsError:
            n += 1
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target


def atomic_write(path: Path, text: str | bytes, new_mode: int = 0o644) -> None:
    """Write a file so a reader sees either the old or the new content, never a mix: a
    temporary file beside it, fsync, rename over it, fsync of the directory. An existing
    file keeps its mode; a new one gets `new_mode`. Raises OSError."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    import tempfile

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
            os.chmod(tmp, new_mode)
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


def linked_file(name: str) -> str:
    """The refusal for a file that is a symbolic link (`name`: caseload-relative, e.g.
    `participants/P-0001.toml`, `caseload.toml`): nothing is read through it (SPEC §1)."""
    if name.startswith("employers/"):
        return _("{name}: is a symbolic link; employer files must be plain files").format(name=name)
    if name.startswith("participants/"):
        return _("{name}: is a symbolic link; participant files must be plain files").format(
            name=name
        )
    return _(
        "{name}: is a symbolic link: ipstui never reads or writes through links, so the file it points to was not read; put the file itself in its place"
    ).format(name=name)


def linked_folder(root: Path, rel_folder: str) -> str | None:
    """The error for a record folder (`participants`, `employers`) of the caseload at
    `root` that is a symbolic link, or None when it is not one. SPEC §1: a symlinked
    folder is refused, and nothing in it is read (a link committed to the team would
    point into each colleague's own disk)."""
    if not os.path.islink(root / rel_folder):
        return None
    return linked_folder_message(rel_folder)


def linked_folder_message(rel_folder: str) -> str:
    """The error for the record folder `rel_folder` (`participants`, `employers`) being
    a symbolic link: the one rule of `linked_folder` (the work tree) and of
    `staged.staged_problems` (a link staged in the index, mode 120000)."""
    return _(
        "{folder} is a symbolic link, not a folder: ipstui never reads or writes through links, so none of the files it points to were read; put the folder itself in its place"
    ).format(folder=rel_folder)


def odd_entries(folder: Path, rel_folder: str) -> list[str]:
    """Caseload-relative paths of the entries of `folder` named like a record file
    (`*.toml`) that are not regular files: a folder, a symbolic link (dangling or not),
    a pipe, a socket, a device. git does not list most of them (an empty folder, a pipe
    or a socket is invisible to `git status`), so every load looks for them: reading one
    with `read_bytes` gives the problem to show (SPEC §2: shown, never silently left
    out). Empty when `folder` cannot be read. Uses the entries' types from the folder
    listing, so it costs no stat per file."""
    try:
        with os.scandir(folder) as it:
            return sorted(
                f"{rel_folder}/{e.name}"
                for e in it
                if e.name.endswith(".toml") and not e.is_file(follow_symlinks=False)
            )
    except OSError:
        return []
