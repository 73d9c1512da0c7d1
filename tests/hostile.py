"""A caseload with hostile text in every text field a file, a file name or git can hold
(SPEC §13), for the tests that run every command and open every screen on it.

Which fields are text is read from the schemas (`schema/*.schema.json`: the `line` and
`text` definitions), not listed here, so a new text field is covered when it is added.
Every such field gets `HOSTILE` (a window-title OSC, a CSI colour, a C1 CSI, a
bidirectional override, DEL). The schemas refuse these characters, so the hostile
content lives where the app and the CLI still read it:

- caseload.toml (settings with errors are still used): the team's name, every
  member's name, a member's key, the referral sources;
- a participant file and an employer file with every text field hostile, committed by
  an author whose name is hostile with a hostile subject, then fixed (their history,
  `log`, `audit` and the History tab show the hostile version);
- the same files left hostile in a second participant and employer (left out: Problems
  quotes them) and uncommitted;
- a participant file and an employer file whose names hold escapes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import tomli_w

HOSTILE = "\x1b]0;OWNED\x07\x1b[31m\x9b1m\u202eevil\x7f"
"""Retitles the window, paints red (ESC and C1 CSI), reverses the text, a DEL."""

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal: C0 controls but the new line, DEL, C1, bidi."""

UNSAFE_BYTES = re.compile(
    rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
"""`UNSAFE` in UTF-8 bytes, for a process's output."""

SCHEMAS = Path(__file__).resolve().parents[1] / "schema"
TEXT_DEFS = ("#/$defs/line", "#/$defs/text")

HOSTILE_KEY = "\x1b[31mbad"
"""A team key (caseload.toml `[team."…"]`) that paints the line red."""

HOSTILE_FILES = ("participants/P-0002\x1b]0;OWNED\x07.toml", "employers/E\x1b[2J-0099.toml")
"""Hand-added files whose names hold escapes (copies of valid files)."""


def text_paths(schema_name: str) -> list[tuple[str, ...]]:
    """The paths of the text fields of a schema: ("name",), ("contacts", "*", "note"),
    ("goals", "*")... `*` stands for every item of an array."""
    schema = json.loads((SCHEMAS / schema_name).read_text())
    defs = schema.get("$defs", {})
    out: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...], seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if ref in TEXT_DEFS:
            out.append(path)
            return
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref not in seen:
            walk(defs[ref.removeprefix("#/$defs/")], path, seen | {ref})
        for key, sub in node.get("properties", {}).items():
            walk(sub, (*path, key), seen)
        if "items" in node:
            walk(node["items"], (*path, "*"), seen)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, path, seen)

    walk(schema, (), frozenset())
    return out


def _holders(data: Any, path: tuple[str, ...]) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every value at `path` in `data` (arrays expanded at `*`)."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                if rest:
                    yield from _holders(item, rest)
                else:
                    yield data, i
        return
    if isinstance(data, dict):
        if not rest:
            yield data, head
        elif head in data:
            yield from _holders(data[head], rest)


def poison(data: dict, schema_name: str) -> int:
    """Append HOSTILE to every text field of `data` (a parsed file) that the schema
    names and the file has; a missing one is added where its parent exists (a note on a
    contact without one). Returns how many fields were changed."""
    n = 0
    for path in text_paths(schema_name):
        for holder, key in _holders(data, path):
            old = holder[key] if isinstance(holder, list) or key in holder else ""
            if isinstance(old, str):
                holder[key] = old + HOSTILE
                n += 1
    return n


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        env=dict(os.environ, **(env or {})),
    )


def make_hostile(root: Path) -> None:
    """Turn the sample caseload at `root` (tests' `sample_caseload`) into the hostile
    one described in this module's docstring."""
    settings = tomllib.loads((root / "caseload.toml").read_text())
    settings["name"] = settings["name"] + HOSTILE
    for member in settings["team"].values():
        member["name"] = member["name"] + HOSTILE
    settings["team"][HOSTILE_KEY] = {"name": "Bad" + HOSTILE}
    settings["referral_sources"] = [*settings["referral_sources"], "Street" + HOSTILE]
    (root / "caseload.toml").write_text(tomli_w.dumps(settings))
    _git(root, "commit", "-qam", "settings")

    originals = {}
    for rel, schema in (
        ("participants/P-0002.toml", "participant.schema.json"),
        ("employers/E-0002.toml", "employer.schema.json"),
    ):
        path = root / rel
        originals[rel] = path.read_text()
        data = tomllib.loads(originals[rel])
        assert poison(data, schema) > 3, rel
        path.write_text(tomli_w.dumps(data))
    author = {"GIT_AUTHOR_NAME": "Eve" + HOSTILE, "GIT_COMMITTER_NAME": "Eve" + HOSTILE}
    _git(root, "commit", "-qam", "subject" + HOSTILE, env=author)
    for rel, text in originals.items():
        (root / rel).write_text(text)
    _git(root, "commit", "-qam", "fix" + HOSTILE, env=author)

    # Left hostile and uncommitted: Problems quotes them, the board counts them.
    for rel, schema in (
        ("participants/P-0004.toml", "participant.schema.json"),
        ("employers/E-0004.toml", "employer.schema.json"),
    ):
        path = root / rel
        data = tomllib.loads(path.read_text())
        poison(data, schema)
        path.write_text(tomli_w.dumps(data))
    (root / HOSTILE_FILES[0]).write_text((root / "participants/P-0005.toml").read_text())
    (root / HOSTILE_FILES[1]).write_text((root / "employers/E-0005.toml").read_text())
