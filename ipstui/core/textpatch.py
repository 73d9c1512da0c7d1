"""Rewrite a record's TOML file by patching its lines, so a hand-kept layout survives
an edit (SPEC §2: "one field = one changed line"; unknown and `x_` keys "kept, in
place").

`patch(text, old, new, dumps)` turns the text of a file holding `old` into a text
holding `new` by changing only the statements whose values differ: a changed value is
replaced where it is written (its end-of-line comment stays), a removed key loses its
line, a new key gets a line after the key it follows in the canonical layout (`dumps`),
a new table or array-of-tables entry is written in the canonical layout at its
canonical place. Own-line comments, end-of-line comments, blank lines, dotted keys
(`x_custom.level = 3`), inline tables and the order of the keys stay as they were.

The result is parsed again and compared with `new`, values and types; a file whose
layout the patcher cannot follow (a value it would have to split between forms) gives
None, and the caller writes the canonical text instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ipstui.core.locate import Locator, _Stop


class _CannotPatch(Exception):
    """The file writes a changed value in a form the patcher does not rewrite."""


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a TOML document: a `key = value` line or a table header.

    `path`: the full key path (array-of-tables entries as indexes: ('contacts', 2,
    'on')); `table`: the path of the table the statement is written in (a header's own
    path for a header); `start`/`end`: offsets of the first character of its first line
    and just past the new line ending its last line; `vstart`/`vend`: the value's span
    (keyvals only, else -1)."""

    path: tuple
    table: tuple
    header: bool
    start: int
    end: int
    vstart: int = -1
    vend: int = -1


class Statements(Locator):
    """The statements of a TOML text that the parser accepted, in file order."""

    def __init__(self, text: str) -> None:
        self.statements: list[Statement] = []
        # (start, end) offsets of every value, array elements included: ('contacts', 1)
        # is the second entry of an inline `contacts = [ … ]`.
        self.spans: dict[tuple, tuple[int, int]] = {}
        super().__init__(text)

    def _value(self, path: tuple, depth: int) -> None:
        start = self._i
        super()._value(path, depth)
        self.spans.setdefault(path, (start, self._i))

    def _line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def _line_end(self) -> int:
        """Past the comment and the new line after the current offset."""
        self._skip_ws()
        t = self.text
        if self._peek() == "#":
            j = t.find("\n", self._i)
            self._i = len(t) if j < 0 else j
        if self._peek() == "\r":
            self._i += 1
        if self._peek() == "\n":
            self._i += 1
        return self._i

    def _document(self) -> None:
        table: tuple = ()
        n = len(self.text)
        while True:
            self._skip_blank()
            if self._i >= n:
                return
            start = self._line_start(self._i)
            if self._peek() == "[":
                table = self._header()
                self.statements.append(Statement(table, table, True, start, self._line_end()))
            else:
                names = self._key()
                path = table + tuple(name for name, _off in names)
                self._skip_ws()
                if self._peek() != "=":
                    raise _Stop
                self._i += 1
                self._skip_ws()
                vstart = self._i
                self._value(path, 1)
                vend = self._i
                self.statements.append(
                    Statement(path, table, False, start, self._line_end(), vstart, vend)
                )


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down (True is not 1, a date is not a
    datetime, 1.0 is not 1)."""
    if type(a) is not type(b):
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            pass
        elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
            pass
        else:
            return False
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def _is_aot(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _starts(path: tuple, prefix: tuple) -> bool:
    return path[: len(prefix)] == prefix


class _Patcher:
    def __init__(self, text: str, new: Mapping[str, Any], dumps: Callable[..., str]) -> None:
        self.text = text
        self.dumps = dumps
        scan = Statements(text)
        self.stmts = scan.statements
        self.spans = scan.spans
        self.edits: list[tuple[int, int, str]] = []
        # Canonical order of every table's keys, from the canonical text of `new`.
        self.order: dict[tuple, list[Any]] = {}
        for s in Statements(dumps(new)).statements:
            for i in range(len(s.path)):
                names = self.order.setdefault(_names(s.path[:i]), [])
                if isinstance(s.path[i], str) and s.path[i] not in names:
                    names.append(s.path[i])

    # ------------------------------------------------------------ edits

    def replace(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, text))

    def result(self) -> str:
        spans = sorted((s, e) for s, e, _t in self.edits if e > s)
        for (_s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                raise _CannotPatch
        text = self.text
        order = sorted(range(len(self.edits)), key=lambda i: (self.edits[i][0], i), reverse=True)
        for i in order:
            s, e, t = self.edits[i]
            text = text[:s] + t + text[e:]
        return text

    # ------------------------------------------------------------ the walk

    def table(self, tpath: tuple, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        for k in list(old) + [k for k in new if k not in old]:
            if k in old and k in new and same(old[k], new[k]):
                continue
            self.key(tpath + (k,), old.get(k, _MISSING), new.get(k, _MISSING))

    def key(self, kpath: tuple, old: Any, new: Any) -> None:
        exact = [s for s in self.stmts if not s.header and s.path == kpath]
        under = [s for s in self.stmts if len(s.path) > len(kpath) and _starts(s.path, kpath)]
        own_header = [s for s in self.stmts if s.header and s.path == kpath]
        if exact:
            if len(exact) > 1 or under or own_header:
                raise _CannotPatch
            s = exact[0]
            if _is_aot(new) and isinstance(old, list) and not old:
                self.replace(s.start, s.end, "")  # `contacts = []` before the first one
                self.insert_section(kpath, new)
            elif new is _MISSING:
                self.replace(s.start, s.end, "")
            elif not self.inline_list(s, kpath, old, new):
                self.replace(s.vstart, s.vend, _inline(new))
            return
        if old is _MISSING:
            if own_header or under:
                raise _CannotPatch
            self.insert(kpath, new)
            return
        if new is _MISSING:
            self.remove(kpath)
            return
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            self.table(kpath, old, new)
            return
        if _is_aot(old) and _is_aot(new) and under:
            self.aot(kpath, old, new)
            return
        raise _CannotPatch

    def aot(self, kpath: tuple, old: list, new: list) -> None:
        headers = [s for s in self.stmts if s.header and len(s.path) == len(kpath) + 1]
        headers = [s for s in headers if _starts(s.path, kpath)]
        if len(headers) != len(old):
            raise _CannotPatch
        for i in range(min(len(old), len(new))):
            if not same(old[i], new[i]):
                self.table(kpath + (i,), old[i], new[i])
        for i in range(len(new), len(old)):
            self.remove(kpath + (i,))
        if len(new) > len(old):
            end = self.end_of(kpath + (len(old) - 1,))
            lines = []
            for item in new[len(old) :]:
                lines += ["", *self.section(kpath, [item])]
            self.replace(end, end, "\n".join(lines) + "\n")

    # ------------------------------------------------------------ inline arrays

    def inline_list(self, s: Statement, kpath: tuple, old: Any, new: Any) -> bool:
        """Patch an inline array `key = [ a, b ]` entry by entry: a changed entry is
        rewritten where it is written, new entries are appended in the array's own
        layout (SPEC §2: "a new contact is appended at the end of its list"). False
        when the change is not one of those (an entry removed, not a list), and the
        caller rewrites the whole value."""
        if not (isinstance(old, list) and isinstance(new, list)) or not old:
            return False
        if len(new) < len(old) or self.text[s.vend - 1 : s.vend] != "]":
            return False
        spans = [self.spans.get(kpath + (i,)) for i in range(len(old))]
        if any(sp is None for sp in spans):
            return False
        for i, sp in enumerate(spans):
            assert sp is not None
            if not same(old[i], new[i]):
                self.replace(sp[0], sp[1], _inline(new[i]))
        if len(new) > len(old):
            last = spans[-1]
            assert last is not None
            self.append_entries(last[0], last[1], s.vend - 1, new[len(old) :])
        return True

    def append_entries(self, last_start: int, last_end: int, close: int, items: list) -> None:
        """Write `items` after the array's last entry (`last_start`..`last_end`), the
        closing `]` being at `close`.

        Layouts kept: one entry a line (a new line before the `]` line, with the last
        entry's indentation, a trailing comma when the file writes one), and entries
        sharing a line (appended on the last entry's line, `, ` between)."""
        t = self.text
        k = last_end  # past blanks and comments to the comma after the last entry
        while k < close:
            if t[k] in " \t\r\n":
                k += 1
            elif t[k] == "#":
                j = t.find("\n", k)
                k = close if j < 0 else j
            else:
                break
        comma = k < close and t[k] == ","
        line = t.rfind("\n", 0, last_start) + 1
        own_line = not t[line:last_start].strip()
        texts = [_inline(item) for item in items]
        if not own_line:
            if comma:
                self.replace(k + 1, k + 1, "".join(" " + x + "," for x in texts))
            else:
                self.replace(last_end, last_end, "".join(", " + x for x in texts))
            return
        indent = t[line:last_start]
        close_line = t.rfind("\n", 0, close) + 1
        if close_line > last_end and not t[close_line:close].strip():
            # `]` on a line of its own: the new entries go on lines just before it.
            if not comma:
                self.replace(last_end, last_end, ",")
            tail = "," if comma else ""
            body = ",\n".join(indent + x for x in texts) + tail + "\n"
            self.replace(close_line, close_line, body)
            return
        # `]` right after the last entry, on its line.
        if comma:
            self.replace(k + 1, k + 1, "".join("\n" + indent + x + "," for x in texts))
        else:
            self.replace(last_end, last_end, "".join(",\n" + indent + x for x in texts))

    # ------------------------------------------------------------ removing

    def remove(self, kpath: tuple) -> None:
        """Remove every statement of `kpath`: keyvals under it and whole sections."""
        sections = self.sections()
        done = False
        for head, body in sections:
            if head is not None and _starts(head.path, kpath):
                start = head.start
                end = max([head.end] + [s.end for s in body])
                before = self.text.rfind("\n", 0, max(start - 1, 0)) + 1
                if start > 0 and not self.text[before:start].strip():
                    start = before  # the blank line that set the section off
                self.replace(start, end, "")
                done = True
                continue
            for s in body:
                if _starts(s.path, kpath):
                    self.replace(s.start, s.end, "")
                    done = True
        if not done:
            raise _CannotPatch

    def sections(self) -> list[tuple[Statement | None, list[Statement]]]:
        out: list[tuple[Statement | None, list[Statement]]] = [(None, [])]
        for s in self.stmts:
            if s.header:
                out.append((s, []))
            else:
                out[-1][1].append(s)
        return out

    def end_of(self, tpath: tuple) -> int:
        """Past the last statement of the section whose header is `tpath`."""
        for head, body in self.sections():
            if head is not None and head.path == tpath:
                return max([head.end] + [s.end for s in body])
        raise _CannotPatch

    # ------------------------------------------------------------ adding

    def section(self, kpath: tuple, value: Any) -> list[str]:
        """The canonical lines of `value` at `kpath` (a table, or a list of tables),
        without the blank line before them."""
        if any(not isinstance(p, str) for p in kpath):
            raise _CannotPatch
        wrapped: Any = value
        for name in reversed(kpath):
            wrapped = {name: wrapped}
        lines = self.dumps(wrapped).split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines or not lines[0].startswith("["):
            raise _CannotPatch
        return lines

    def insert(self, kpath: tuple, value: Any) -> None:
        tpath, name = kpath[:-1], kpath[-1]
        if (isinstance(value, Mapping) and value) or _is_aot(value):
            self.insert_section(kpath, value)
            return
        names = self.order.get(_names(tpath), [])
        before = names[: names.index(name)] if name in names else names
        for prev in reversed(before):
            anchor = [
                s
                for s in self.stmts
                if not s.header
                and _starts(s.path, tpath + (prev,))
                and len(s.table) <= len(tpath)
                and _starts(tpath, s.table)
            ]
            if anchor:
                s = anchor[-1]
                self.replace(s.end, s.end, self.line(kpath[len(s.table) :], value, s.end))
                return
        heads = [s for s in self.stmts if s.header and s.path == tpath]
        if heads:
            at = heads[0].end
            self.replace(at, at, self.line((name,), value, at))
            return
        if tpath == ():
            first = next((s for s in self.stmts), None)
            at = first.start if first is not None else 0
            self.replace(at, at, self.line(kpath, value, at))
            return
        raise _CannotPatch

    def line(self, dotted: tuple, value: Any, at: int) -> str:
        from ipstui.core.storage import _key

        if at > 0 and self.text[at - 1] != "\n":
            prefix = "\n"
        else:
            prefix = ""
        return f"{prefix}{'.'.join(_key(str(p)) for p in dotted)} = {_inline(value)}\n"

    def insert_section(self, kpath: tuple, value: Any) -> None:
        lines = self.section(kpath, value)
        # Before the first section of a key that follows in the canonical layout, at
        # this level or, failing that, at each level above it.
        for depth in range(len(kpath) - 1, -1, -1):
            tpath, name = kpath[:depth], kpath[depth]
            names = self.order.get(_names(tpath), [])
            after = names[names.index(name) + 1 :] if name in names else []
            for head, _body in self.sections():
                if head is None or len(head.path) <= depth or not _starts(head.path, tpath):
                    continue
                if head.path[depth] in after:
                    at = self.attached_comments(head.start)
                    prev = self.text.rfind("\n", 0, max(at - 1, 0)) + 1
                    sep = "\n" if at > 0 and self.text[prev:at].strip() else ""
                    self.replace(at, at, sep + "\n".join(lines) + "\n\n")
                    return
        at = len(self.text)
        sep = "" if not self.text or self.text.endswith("\n") else "\n"
        self.replace(at, at, sep + "\n" + "\n".join(lines) + "\n")

    def attached_comments(self, start: int) -> int:
        """The start of the comment lines written right above offset `start`."""
        while start > 0:
            prev = self.text.rfind("\n", 0, start - 1) + 1
            if self.text[prev:start].lstrip(" \t").startswith("#"):
                start = prev
            else:
                break
        return start


_MISSING = object()


def _names(path: tuple) -> tuple:
    """A path without its array-of-tables indexes (the canonical order is per table
    name, not per entry)."""
    return tuple(p for p in path if isinstance(p, str))


def _inline(value: Any) -> str:
    from ipstui.core.storage import format_value

    return format_value(value)


def patch(
    text: str, old: Mapping[str, Any], new: Mapping[str, Any], dumps: Callable[..., str]
) -> str | None:
    """`text` (a file's text, new lines "\\n", no byte order mark, which parses to `old`)
    changed to hold `new`, touching only the lines of the values that differ; None when
    its layout cannot be kept (the caller writes `dumps(new)`, the canonical text).

    `dumps` gives the canonical text of a record of this kind; it decides where a new
    key or table goes and how a new table is written."""
    from ipstui.core import toml10

    try:
        patcher = _Patcher(text, new, dumps)
        patcher.table((), old, new)
        out = patcher.result()
    except (_CannotPatch, RecursionError, ValueError):
        return None
    try:
        if not same(toml10.loads(out), new):
            return None
    except toml10.TomlError:
        return None
    return out
