"""An entry appended to (or changed in) an inline array of tables keeps the array's own
layout (SPEC §2: "a new contact is appended at the end of its list", "one field = one
changed line"; re-test item 6).

Table-driven over the layouts a person writes by hand: one entry a line with or
without a trailing comma, the `]` on the last entry's line, everything on one line
(decided: the new entry goes on that same line, so the file stays one line per
field), nested in an array-of-tables entry. The re-parse safety net stays: every
patched text parses to the data it must hold.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from conftest import git

from ipstui import cli
from ipstui.core import storage
from ipstui.core.textpatch import patch

A = '{ on = 2026-11-02, kind = "phone" }'
B = '{ on = 2026-11-05, kind = "meeting" }'
NEW = {"on": date(2026, 11, 12), "kind": "phone", "note": "hi"}
N = '{ on = 2026-11-12, kind = "phone", note = "hi" }'

APPEND = [
    # (name, text before, text after appending NEW to `contacts`)
    (
        "one a line, trailing comma, comments",
        f"schema = 1\ncontacts = [\n  {A},  # first\n  {B},\n]\nnotes = \"\"\n",
        f"schema = 1\ncontacts = [\n  {A},  # first\n  {B},\n  {N},\n]\nnotes = \"\"\n",
    ),
    (
        "one a line, no trailing comma",
        f"schema = 1\ncontacts = [\n    {A},\n    {B}\n]\n",
        f"schema = 1\ncontacts = [\n    {A},\n    {B},\n    {N}\n]\n",
    ),
    (
        "no trailing comma, a comment after the last entry",
        f"schema = 1\ncontacts = [\n  {A},\n  {B}  # last\n]\n",
        f"schema = 1\ncontacts = [\n  {A},\n  {B},  # last\n  {N}\n]\n",
    ),
    (
        "the ] on the last entry's line",
        f"schema = 1\ncontacts = [ {A},\n             {B} ]\n",
        f"schema = 1\ncontacts = [ {A},\n             {B},\n             {N} ]\n",
    ),
    (
        "all on one line",
        f"schema = 1\ncontacts = [ {A}, {B} ]\n",
        f"schema = 1\ncontacts = [ {A}, {B}, {N} ]\n",
    ),
    (
        "all on one line, trailing comma",
        f"schema = 1\ncontacts = [{A},]\n",
        f"schema = 1\ncontacts = [{A}, {N},]\n",
    ),
    (
        "first entry on the key's line, ] below",
        f"schema = 1\ncontacts = [ {A},\n]\n",
        f"schema = 1\ncontacts = [ {A}, {N},\n]\n",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in APPEND], ids=[c[0] for c in APPEND])
def test_append_keeps_the_arrays_layout(text: str, expected: str) -> None:
    old = tomllib.loads(text)
    new = {**old, "contacts": [*old["contacts"], NEW]}
    out = patch(text, old, new, storage.dumps)
    assert out == expected
    assert tomllib.loads(out) == new


def test_a_task_appended_inside_a_job_entry() -> None:
    text = (
        'schema = 1\n\n[[jobs]]\nemployer = "Coop"\ntasks = [\n'
        '  { text = "a", due = 2026-11-20 },\n]\n'
    )
    old = tomllib.loads(text)
    job = {**old["jobs"][0], "tasks": [*old["jobs"][0]["tasks"], {"text": "b"}]}
    new = {**old, "jobs": [job]}
    out = patch(text, old, new, storage.dumps)
    assert out == text.removesuffix("]\n") + '  { text = "b" },\n]\n'
    assert tomllib.loads(out) == new


CHANGE = [
    # (name, text, contacts after, expected text)
    (
        "a changed entry is rewritten on its own line only",
        f"schema = 1\ncontacts = [\n  {A},\n  {B},  # keep\n]\n",
        [tomllib.loads(f"x = {A}")["x"], {"on": date(2026, 11, 6), "kind": "meeting"}],
        f"schema = 1\ncontacts = [\n  {A},\n  {B.replace('11-05', '11-06')},  # keep\n]\n",
    ),
    (
        "an entry removed: the array is written again, on one line",
        f"schema = 1\ncontacts = [\n  {A},\n  {B},\n]\n",
        [tomllib.loads(f"x = {A}")["x"]],
        f"schema = 1\ncontacts = [{A}]\n",
    ),
]


@pytest.mark.parametrize(
    ("text", "contacts", "expected"), [c[1:] for c in CHANGE], ids=[c[0] for c in CHANGE]
)
def test_other_changes_to_an_inline_array(text: str, contacts: list, expected: str) -> None:
    old = tomllib.loads(text)
    new = {**old, "contacts": contacts}
    out = patch(text, old, new, storage.dumps)
    assert out == expected
    assert tomllib.loads(out) == new


HAND = """\
schema = 1
id = "P-0009"
name = "Valid Person"
specialist = "anna"
phase = "intake"
phase_since = 2026-11-01
referral_source = "CSM"
referred_on = 2026-11-01
first_contact_on = 2026-11-02
notes = ""
contacts = [
  { on = 2026-11-02, kind = "phone", by = "anna" },
  { on = 2026-11-05, kind = "meeting", by = "anna", note = "cafe" },
]
"""


@pytest.mark.parametrize(
    ("by", "added"),
    [
        ((), '  { on = 2026-11-16, kind = "phone", note = "hi" },'),
        (("--by", "anna"), '  { on = 2026-11-16, kind = "phone", by = "anna", note = "hi" },'),
    ],
    ids=["no --by: no by key (optional, the CLI's default)", "--by anna"],
)
def test_cli_contact_adds_one_line(caseload_dir: Path, by: tuple, added: str) -> None:
    rel = "participants/P-0009.toml"
    (caseload_dir / rel).write_text(HAND)
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "hand edit")
    args = ["contact", "P-0009", "--kind", "phone", "--note", "hi", *by]
    assert cli.main(["-C", str(caseload_dir), "--today", "2026-11-16", *args]) == 0
    diff = git(caseload_dir, "show", "--format=", "-U0", "HEAD", "--", rel)
    lines = [x for x in diff.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]
    assert lines == ["+" + added]
