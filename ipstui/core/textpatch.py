"""Rewrite a record's TOML file by patching its lines, so a hand-kept layout survives
an edit (SPEC §2: "one field = one changed line"; unknown and `x_` keys "kept, in
place").

`patch(text, old, new, dumps)` turns the text of a file holding `old` into a text
holding `new` by changing only the statements whose values differ: a changed value is
replaced where it is written (its end-of-line comment stays), a removed key loses its
line, a new key gets a line after the key it follows in the canonical layout (`dumps`),
a new table is written in the canonical layout at its canonical place. An array of
tables is lined up entry by entry (`_align`: equal entries matched through a dict of
their frozen values, so it stays linear for thousands): a kept entry stays where it is,
an edited one has its own lines patched, a removed one loses its section (and the
comments above it), a new one is written before the kept entry that follows it (a merge
adds the other side's contacts in date order). Own-line comments, end-of-line comments, blank lines, dotted keys
(`x_custom.level = 3`), inline tables and the order of the keys stay as they were.

The result is parsed again and compared with `new`, values and types; a file whose
layout the patcher cannot follow (a value it would have to split between forms) gives
None, and the caller writes the canonical text instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ipstui.core.locate import Locator, _Stop
from ipstui.core.storage import BOM, FileText, decode_text
from ipstui.core.tomlvalues import freeze, same


class _CannotPatch(Exception):
    """The file writes a changed value in a form the patcher does not rewrite."""


@dataclass(slots=True)  # not frozen: a frozen one is slow to build, and files are long
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


# The common statement, `key = "text"` / `key = 2026-09-04` / `key = 3` on a line of
# its own, read by one regular expression (a merge driver reads files of 10,000
# contacts); anything else (quoted or dotted keys, arrays, inline tables, multi-line
# strings, a date and time with a space) goes through the scanner.
_SIMPLE_KEYVAL = re.compile(
    r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*"
    r"(\"(?:[^\"\\\n]|\\[^\n])*\"(?!\")|'[^'\n]*'(?!')|[A-Za-z0-9_:.+-]+)"
    r"[ \t]*(?:#[^\n]*)?\r?(?:\n|\Z)"
)


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
            simple = _SIMPLE_KEYVAL.match(self.text, self._i)
            if simple is not None:
                path = table + (simple.group(1),)
                vstart, vend = simple.span(2)
                self.spans.setdefault(path, (vstart, vend))
                self._i = simple.end()
                self.statements.append(Statement(path, table, False, start, self._i, vstart, vend))
                continue
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
        self.edits: list[tuple[int, int, str, int]] = []
        # Indexes, so that a change costs the statements it touches, not the file's
        # length (a merge adds thousands of entries to a file of thousands).
        self.under: dict[tuple, list[Statement]] = {}
        """Path prefix (the path itself included) -> the statements at or under it."""
        self.heads: dict[tuple, Statement] = {}
        """Header path -> its header (the first, for a table written twice)."""
        self.body: dict[int, list[Statement]] = {}
        """Offset of a header -> the keyvals of its section."""
        self.section_of: dict[int, Statement | None] = {}
        """Offset of a keyval -> the header of its section (None: the root)."""
        head: Statement | None = None
        for st in self.stmts:
            p = st.path
            for i in range(1, len(p) + 1):
                self.under.setdefault(p[:i], []).append(st)
            if st.header:
                head = st
                self.heads.setdefault(p, st)
                self.body[st.start] = []
            else:
                self.section_of[st.start] = head
                if head is not None:
                    self.body[head.start].append(st)
        self.entries_new: dict[tuple, Mapping[str, Any]] = {}
        """Path of an edited entry of a list of tables -> its new value."""
        # Canonical order of every table's keys, from the canonical text of `new` with
        # each list of tables cut to one entry of each shape (the order is per name).
        self.order: dict[tuple, list[Any]] = {}
        for st in Statements(dumps(_shapes(new))).statements:
            for i in range(len(st.path)):
                names = self.order.setdefault(_names(st.path[:i]), [])
                if isinstance(st.path[i], str) and st.path[i] not in names:
                    names.append(st.path[i])

    # ------------------------------------------------------------ edits

    def replace(self, start: int, end: int, text: str, rank: int = 1) -> None:
        """Replace text[start:end] by `text`. Insertions at one offset go in `rank`
        order, then in the order they were asked for: a new section (rank 0) goes
        before the entries added to the list whose first section follows it."""
        self.edits.append((start, end, text, rank))

    def result(self) -> str:
        """The text with every edit made; _CannotPatch when two edits overlap (an
        insertion strictly inside a replaced span counts)."""
        edits = self.edits
        order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], edits[i][3], i))
        pieces: list[str] = []
        at = 0
        for i in order:
            s, e, t, _rank = edits[i]
            if s < at:
                raise _CannotPatch
            pieces.append(self.text[at:s])
            pieces.append(t)
            at = e
        pieces.append(self.text[at:])
        return "".join(pieces)

    # ------------------------------------------------------------ the walk

    def table(self, tpath: tuple, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        if tpath and type(tpath[-1]) is int:
            self.entries_new[tpath] = new  # for its own key order, if a key is added
        for k in list(old) + [k for k in new if k not in old]:
            if k in old and k in new and same(old[k], new[k]):
                continue
            self.key(tpath + (k,), old.get(k, _MISSING), new.get(k, _MISSING))

    def key(self, kpath: tuple, old: Any, new: Any) -> None:
        at = self.under.get(kpath, [])
        exact = [s for s in at if not s.header and s.path == kpath]
        under = len(exact) < len(at) and any(len(s.path) > len(kpath) for s in at)
        own_header = kpath in self.heads
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
            if kpath in self.heads and _subtables(old) != _subtables(new):
                # A value moves between a [sub.table] of its own and `key = value` (a
                # conflict record's `ours` becoming `{}`): the table is written anew.
                self.rewrite_section(kpath, new)
            else:
                self.table(kpath, old, new)
            return
        if _is_aot(old) and _is_aot(new) and under:
            self.aot(kpath, old, new)
            return
        raise _CannotPatch

    def aot(self, kpath: tuple, old: list, new: list) -> None:
        """Patch an array of tables written as `[[name]]` sections: entries kept or
        edited stay where they are (an edit patches its own lines), a removed entry's
        section goes, a new entry is written in the canonical layout before the kept
        entry that follows it (after the last one at the end), so a comment above or
        inside an entry stays with it."""
        heads = [self.heads.get(kpath + (i,)) for i in range(len(old))]
        if any(h is None for h in heads) or kpath + (len(old),) in self.heads:
            raise _CannotPatch
        # Where each new entry goes: before the kept entry `i` that follows it, or at
        # the end (None); written in one canonical text (one `dumps` for thousands).
        places: list[tuple[int | None, Any]] = []
        pending: list[Any] = []
        for i, j in _align(old, new):
            if i is None:
                assert j is not None
                pending.append(new[j])
                continue
            if j is None:
                self.remove(kpath + (i,))
                continue
            places += [(i, item) for item in pending]
            pending = []
            if not same(old[i], new[j]):
                self.table(kpath + (i,), old[i], new[j])
        places += [(None, item) for item in pending]
        if not places:
            return
        blocks = self.entry_blocks(kpath, [item for _i, item in places])
        end = self.end_of(kpath + (len(old) - 1,))
        for (i, _item), block in zip(places, blocks, strict=True):
            if i is None:
                self.replace(end, end, "\n" + block + "\n")
            else:
                head = heads[i]
                assert head is not None
                at = self.attached_comments(head.start)
                self.replace(at, at, block + "\n\n")

    def entry_blocks(self, kpath: tuple, items: list) -> list[str]:
        """The canonical text of each of `items`, new entries of the array of tables at
        `kpath` (from its `[[name]]` line to its last line)."""
        lines = self.section(kpath, items)
        header = lines[0]
        blocks: list[list[str]] = []
        for line in lines:
            if line == header:
                blocks.append([])
            blocks[-1].append(line)
        if len(blocks) != len(items):
            raise _CannotPatch
        out = []
        for block in blocks:
            while block and not block[-1].strip():
                block.pop()
            out.append("\n".join(block))
        return out

    def rewrite_section(self, kpath: tuple, value: Mapping[str, Any]) -> None:
        """Replace the table at `kpath` and its sub-tables, written as consecutive
        sections, by their canonical text."""
        at = self.under.get(kpath, [])
        heads = [st for st in self.stmts if st.header]
        mine = [k for k, st in enumerate(heads) if _starts(st.path, kpath)]
        if not mine or mine != list(range(mine[0], mine[-1] + 1)):
            raise _CannotPatch
        first, last = heads[mine[0]], heads[mine[-1]]
        if any(not st.header and self.section_of.get(st.start) is None for st in at):
            raise _CannotPatch  # a dotted key at the root writes into it
        end = max([last.end] + [st.end for st in self.body[last.start]])
        self.replace(first.start, end, "\n".join(self.section(kpath, value)) + "\n")

    # ------------------------------------------------------------ inline arrays

    def inline_list(self, s: Statement, kpath: tuple, old: Any, new: Any) -> bool:
        """Patch an inline array `key = [ a, b ]` entry by entry: a changed entry is
        rewritten where it is written, a new entry is written before the kept entry
        that follows it, or appended in the array's own layout (SPEC §2: "a new contact
        is appended at the end of its list"). False when the change is not one of
        those (an entry removed, not a list), and the caller rewrites the whole value."""
        if not (isinstance(old, list) and isinstance(new, list)) or not old:
            return False
        if len(new) < len(old) or self.text[s.vend - 1 : s.vend] != "]":
            return False
        spans = [self.spans.get(kpath + (i,)) for i in range(len(old))]
        if any(sp is None for sp in spans):
            return False
        pairs = _align(old, new)
        if any(j is None for _i, j in pairs):
            return False
        pending: list[Any] = []
        for i, j in pairs:
            assert j is not None
            if i is None:
                pending.append(new[j])
                continue
            sp = spans[i]
            assert sp is not None
            if pending:
                self.insert_entries(sp[0], pending)
                pending = []
            if not same(old[i], new[j]):
                self.replace(sp[0], sp[1], _inline(new[j]))
        if pending:
            last = spans[-1]
            assert last is not None
            self.append_entries(last[0], last[1], s.vend - 1, pending)
        return True

    def insert_entries(self, at: int, items: list) -> None:
        """Write `items` before the array entry that starts at `at`: on lines of their
        own with its indentation when it is on a line of its own, else on its line."""
        t = self.text
        line = t.rfind("\n", 0, at) + 1
        texts = [_inline(item) for item in items]
        if not t[line:at].strip():
            indent = t[line:at]
            self.replace(at, at, "".join(x + ",\n" + indent for x in texts))
        else:
            self.replace(at, at, "".join(x + ", " for x in texts))

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
        done = False
        gone: set[int] = set()  # headers whose whole section goes
        for st in self.under.get(kpath, []):
            if st.header and st.start not in gone:
                gone.add(st.start)
                start = self.attached_comments(st.start)  # its comments go with it
                end = max([st.end] + [b.end for b in self.body[st.start]])
                before = self.text.rfind("\n", 0, max(start - 1, 0)) + 1
                if start > 0 and not self.text[before:start].strip():
                    start = before  # the blank line that set the section off
                self.replace(start, end, "")
                done = True
        for st in self.under.get(kpath, []):
            if st.header:
                continue
            head = self.section_of.get(st.start)
            if head is not None and head.start in gone:
                continue
            self.replace(st.start, st.end, "")
            done = True
        if not done:
            raise _CannotPatch

    def sections(self) -> list[tuple[Statement | None, list[Statement]]]:
        out: list[tuple[Statement | None, list[Statement]]] = [
            (None, [s for s in self.stmts if not s.header and self.section_of[s.start] is None])
        ]
        out += [(s, self.body[s.start]) for s in self.stmts if s.header]
        return out

    def end_of(self, tpath: tuple) -> int:
        """Past the last statement of the section whose header is `tpath`."""
        head = self.heads.get(tpath)
        if head is None:
            raise _CannotPatch
        return max([head.end] + [s.end for s in self.body[head.start]])

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
        names = self.entry_order(tpath) or self.order.get(_names(tpath), [])
        before = names[: names.index(name)] if name in names else names
        for prev in reversed(before):
            anchor = [
                s
                for s in self.under.get(tpath + (prev,), [])
                if not s.header and len(s.table) <= len(tpath) and _starts(tpath, s.table)
            ]
            if anchor:
                s = anchor[-1]
                self.replace(s.end, s.end, self.line(kpath[len(s.table) :], value, s.end))
                return
        head = self.heads.get(tpath)
        if head is not None:
            at = head.end
            self.replace(at, at, self.line((name,), value, at))
            return
        if tpath == ():
            first = next((s for s in self.stmts), None)
            at = first.start if first is not None else 0
            self.replace(at, at, self.line(kpath, value, at))
            return
        raise _CannotPatch

    def entry_order(self, tpath: tuple) -> list[Any]:
        """The canonical key order of the edited entry at `tpath` (its own, not the
        union of every entry's: a job with an `end` writes it before `competitive`);
        [] when `tpath` is not an entry of a list of tables."""
        new = self.entries_new.get(tpath)
        if new is None:
            return []
        lines = self.section(tpath[:-1], [new])
        names = [st.path[-1] for st in Statements("\n".join(lines) + "\n").statements]
        return [n for n in names if isinstance(n, str)]

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
                    self.replace(at, at, sep + "\n".join(lines) + "\n\n", rank=0)
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

# Above this many (old x new) pairs in a stretch between kept entries, edited entries
# are paired in order instead of by the closest content (the patch stays linear).
PAIRS_MAX = 64


def _align(old: list, new: list) -> list[tuple[int | None, int | None]]:
    """Line up two versions of a list, in order: (old index, new index) for an entry
    kept or edited, (old, None) for one removed, (None, new) for one added.

    Entries equal in both (tomlvalues.same) are matched first, in order, through a dict
    of their frozen values (linear); between two matched entries, the old and new ones
    left over are paired by position when there are as many of each (edits in place),
    else as edits when an old entry keeps more than half of its fields (TOML tables) or
    by position (anything else), the rest removed or added."""
    where: dict[Any, list[int]] = {}
    for j in range(len(new) - 1, -1, -1):
        where.setdefault(freeze(new[j]), []).append(j)
    anchors: list[tuple[int, int]] = []
    last = -1
    for i, item in enumerate(old):
        stack = where.get(freeze(item))
        while stack and stack[-1] <= last:
            stack.pop()
        if stack:
            last = stack.pop()
            anchors.append((i, last))
    out: list[tuple[int | None, int | None]] = []
    pi = pj = 0
    for ai, aj in [*anchors, (len(old), len(new))]:
        out += _pair(old, new, list(range(pi, ai)), list(range(pj, aj)))
        if ai < len(old):
            out.append((ai, aj))
        pi, pj = ai + 1, aj + 1
    return out


def _pair(
    old: list, new: list, olds: list[int], news: list[int]
) -> list[tuple[int | None, int | None]]:
    """The stretch between two kept entries: old entries `olds`, new ones `news`."""
    if not olds or not news:
        return [(i, None) for i in olds] + [(None, j) for j in news]
    out: list[tuple[int | None, int | None]] = []
    if (
        len(olds) == len(news)
        or len(olds) * len(news) > PAIRS_MAX
        or not all(isinstance(old[i], Mapping) for i in olds)
    ):
        # As many on each side: each one edited where it is (the common case of an
        # edit); otherwise too many to compare, or not tables: paired by position.
        k = min(len(olds), len(news))
        out += [(i, j) for i, j in zip(olds[:k], news[:k], strict=True)]
        return out + [(i, None) for i in olds[k:]] + [(None, j) for j in news[k:]]
    at = 0
    for i in olds:
        o = old[i]
        for pos in range(at, len(news)):
            n = new[news[pos]]
            kept = sum(1 for k in o if isinstance(n, Mapping) and k in n and same(o[k], n[k]))
            if 2 * kept > len(o):
                out += [(None, j) for j in news[at:pos]]
                out.append((i, news[pos]))
                at = pos + 1
                break
        else:
            out.append((i, None))
    return out + [(None, j) for j in news[at:]]


def _subtables(table: Mapping[str, Any]) -> set[str]:
    """Keys of `table` the canonical layout writes as tables of their own."""
    return {k for k, v in table.items() if (isinstance(v, Mapping) and v) or _is_aot(v)}


def _shapes(value: Any) -> Any:
    """`value` with every list of tables cut to the first entry of each set of keys:
    the same canonical key order, at a fraction of the cost of writing it all."""
    if isinstance(value, Mapping):
        return {k: _shapes(v) for k, v in value.items()}
    if _is_aot(value):
        seen: dict[tuple, Any] = {}
        for item in value:
            seen.setdefault(tuple(item), item)
        return [_shapes(item) for item in seen.values()]
    return value


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


def _patch_kept(
    text: str, old: Mapping[str, Any], new: Mapping[str, Any], dumps: Callable[..., str]
) -> str | None:
    """`patch`, with one shortcut: a `text` already canonical (`dumps(old)`) gives
    `dumps(new)`, as the canonical layout has nothing of its own to keep (and a long
    file is written faster than it is patched). What `patch_bytes` and `merge_layouts`
    keep of a file's layout."""
    if text == dumps(old):
        return dumps(new)
    return patch(text, old, new, dumps)


def patch_bytes(
    raw: bytes, old: Mapping[str, Any], new: Mapping[str, Any], dumps: Callable[..., str]
) -> tuple[bytes, bool]:
    """The bytes of a record file `raw` (which parses to `old`) changed to hold `new`:
    `patch` on its text, its byte order mark and CRLF line endings kept (SPEC §2;
    `storage.decode_text` reads them, `FileText.encode` puts them back).
    Returns (bytes, True), or (the canonical text `dumps(new)` in the file's line
    endings, False) when the file's own layout (one that is not already canonical)
    cannot be kept; the caller says so
    where a user sees it. Raises storage.ParseError for bytes that are not UTF-8."""
    from ipstui.core import toml10

    got = decode_text(raw)
    patched = _patch_kept(got.text, old, new, dumps)
    kept = patched is not None
    out = got.encode(patched if patched is not None else dumps(new))
    if kept and got.any_crlf:
        # A multi-line string written with CRLF inside: check the bytes as they will be.
        try:
            kept = same(toml10.loads(out.decode("utf-8").removeprefix(BOM)), new)
        except toml10.TomlError:
            kept = False
        if not kept:
            out = got.encode(dumps(new))
    return out, kept


def _lines(text: str) -> list[str]:
    """`text`'s lines, each with its "\n": TOML ends a line there only (`str.splitlines`
    also splits at U+2028, U+2029, U+0085 and other characters a comment or a string
    may hold, which would let a merge take half of a line from each side)."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


def _line_merges(ours: str, base: str, theirs: str) -> Iterator[tuple[str, bool]]:
    """Three-way line merges of three texts (`merge3`, in memory: a record's text is
    never written outside the caseload, SPEC §1), best first, as (text, True when it
    holds every change of theirs): the clean merge when no hunk was changed on both
    sides; else one with both sides' lines in such hunks (ours first), then one with
    ours' lines there. The lines are matched once for all of them."""
    from merge3 import Merge3

    b, o, t = (_lines(x) for x in (base, ours, theirs))
    regions = list(Merge3(b, o, t).merge_regions())
    clashes = any(r[0] == "conflict" for r in regions)
    for how in ("ours+theirs", "ours") if clashes else ("clean",):
        out: list[str] = []
        for region in regions:
            kind = region[0]
            if kind == "unchanged":
                out += b[region[1] : region[2]]
            elif kind in ("a", "same"):
                out += o[region[1] : region[2]]
            elif kind == "b":
                out += t[region[1] : region[2]]
            else:  # "conflict": base's, ours' and theirs' spans
                _zs, _ze, os_, oe, ts, te = region[1:]
                out += o[os_:oe] + (t[ts:te] if how == "ours+theirs" else [])
        yield "".join(out), how != "ours"


def merge_layouts(
    base: bytes,
    base_data: Mapping[str, Any],
    ours: bytes,
    theirs: bytes,
    theirs_data: Mapping[str, Any],
    new: Mapping[str, Any],
    dumps: Callable[..., str],
) -> tuple[bytes, bool]:
    """`ours` (the bytes of a merged record, which parse to `new`, in ours' layout) with
    the layout changes theirs made since base carried over as well: a comment, blank
    line, key order, quoting or dotted key changed only in theirs survives the merge as
    one changed only in ours does (SPEC §6: "nothing is lost").

    How: base and theirs are each patched to hold `new` in their own layout, so that
    the three texts differ only in layout; a three-way line merge of the three
    (`_line_merge`) then takes each side's layout changes. Hunks both sides changed keep
    both sides' lines when that still reads back as `new`, else ours'.
    The BOM and CRLF line endings follow the side that changed them. Every result is
    parsed again and must equal `new`.

    Returns (bytes, True) when every layout change of theirs is in the bytes (`ours`
    unchanged when theirs' layout is base's); (bytes, False) when some could not be
    carried: the lines both sides changed keep ours' layout, or, when
    theirs' layout cannot be patched or no line merge reads back as `new`, `ours`
    unchanged.
    Raises storage.ParseError for bytes that are not UTF-8."""
    from ipstui.core import toml10

    b, t, o = decode_text(base), decode_text(theirs), decode_text(ours)
    b_text, t_text, o_text = b.text, t.text, o.text
    bom = t.bom if o.bom == b.bom else o.bom
    crlf = t.crlf if o.crlf == b.crlf else o.crlf
    kind = FileText("", bom, crlf)
    b_new = _patch_kept(b_text, base_data, new, dumps)
    t_new = _patch_kept(t_text, theirs_data, new, dumps)
    if b_new is None or t_new is None:
        return ours, False
    if b_new == t_new and (bom, crlf) == (o.bom, o.crlf):
        return ours, True  # theirs kept base's layout: nothing of its own to carry
    # (text, True when it holds every layout change of theirs), tried in turn.
    candidates: Iterable[tuple[str, bool]]
    if b_new == t_new:
        candidates = [(o_text, True)]
    elif o_text == b_new:
        candidates = [(t_new, True)]
    else:
        candidates = _line_merges(o_text, b_new, t_new)
    for text, whole in candidates:
        out = kind.encode(text)
        try:
            # CRLF checked as written: a multi-line string holds its new lines.
            if not same(toml10.loads(out.decode("utf-8").removeprefix(BOM)), new):
                continue
        except toml10.TomlError:
            continue
        return out, whole
    return ours, False
