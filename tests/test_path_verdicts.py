"""One file's bytes under several names get each name's own verdict (SPEC §2).

The load cache keeps what a file's bytes yield by git blob id; whether those bytes are
valid also depends on where they are (the id equals the file name, the name is a safe
id, ids unique ignoring case). A copy of a valid participant under another name must be
an error at the copy's path only, whichever path was parsed first, cold or warm, and the
agenda, report, export and `validate --staged` must agree with it.

The quick run (issue 12) checks each kind of copy once, uncommitted and committed in
turn; the other pairs are `slow`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import git

from ipstui import cli
from ipstui.core import employers
from ipstui.core.loader import CACHE_NAME

TODAY = ["--today", "2026-11-16"]
IDS = ("P-0001", "P-0002", "P-0003")
VALID = """\
schema = 1
id = "{pid}"
name = "Person {pid}"
specialist = "anna"
phase = "intake"
phase_since = 2026-11-01
referral_source = "CSM"
referred_on = 2026-11-01
notes = ""

[[tasks]]
due = 2026-11-{day:02d}
what = "Call back"
"""


def mismatch(name: str) -> str:
    return f"participants/{name}:2:1: id 'P-0002' does not match the file name '{name}'"


def twin(a: str, b: str) -> str:
    return (
        f"participants/{a}.toml:1:1: id {a} differs from {b} only in case: on macOS and "
        "Windows they are one file (ids are unique ignoring case: docs/file-format.md)"
    )


@dataclass(frozen=True)
class Copy:
    """Copies of P-0002.toml's bytes under other names, and the right verdicts."""

    name: str
    copies: tuple[str, ...]
    problems: tuple[str, ...]
    """Every line `validate` prints (sorted)."""
    loaded: tuple[str, ...]
    """The participants the agenda, report and export hold."""


KINDS = [
    Copy("copy", ("P-0002b.toml",), (mismatch("P-0002b.toml"),), IDS),
    Copy("copy under a free id", ("P-0007.toml",), (mismatch("P-0007.toml"),), IDS),
    Copy(
        "several copies",
        ("P-0002b.toml", "P-0002c.toml", "X.toml"),
        (mismatch("P-0002b.toml"), mismatch("P-0002c.toml"), mismatch("X.toml")),
        IDS,
    ),
    Copy(
        "unsafe name",
        ("P 0002.toml",),
        (
            "participants/P 0002.toml:1:1: file name 'P 0002.toml' is not a safe participant id",
            mismatch("P 0002.toml"),
        ),
        IDS,
    ),
    Copy(
        "case variant",
        ("p-0002.toml",),
        (twin("P-0002", "p-0002"), twin("p-0002", "P-0002"), mismatch("p-0002.toml")),
        ("P-0001", "P-0003"),
    ),
]


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def answers(capsys: pytest.CaptureFixture[str], root: Path) -> dict[str, object]:
    """What validate, due, report and export say of the caseload."""
    code, out, _err = run(capsys, root, "validate")
    got: dict[str, object] = {"validate": (code, tuple(sorted(out.splitlines())))}
    code, out, err = run(capsys, root, *TODAY, "due", "--json")
    got["due"] = (code, tuple((d["participant"], d["due"]) for d in json.loads(out)))
    got["due stderr"] = tuple(sorted(err.splitlines()))
    code, out, _err = run(capsys, root, *TODAY, "report", "--format", "json")
    got["referred"] = (code, json.loads(out)["referrals"][0]["referred"])
    code, out, _err = run(capsys, root, *TODAY, "export", "--format", "json")
    got["export"] = (code, tuple(row["id"] for row in json.loads(out)))
    return got


def expected(kind: Copy) -> dict[str, object]:
    first: dict[str, str] = {}  # `due` names each file left out once: its first problem
    for line in sorted(kind.problems, key=lambda x: int(x.split(":")[1])):
        first.setdefault(line.split(":")[0], line)
    # Each participant: the first contact (a week after referral) and the task.
    due = [(pid, "2026-11-08") for pid in kind.loaded]
    due += [(pid, f"2026-11-{20 + IDS.index(pid)}") for pid in kind.loaded]
    return {
        "validate": (1, tuple(sorted(kind.problems))),
        "due": (3, tuple(sorted(due, key=lambda r: (r[1], r[0])))),
        "due stderr": tuple(sorted(first.values())),
        "referred": (3, len(kind.loaded)),
        "export": (3, kind.loaded),
    }


def make(root: Path) -> None:
    for i, pid in enumerate(IDS):
        (root / "participants" / f"{pid}.toml").write_text(VALID.format(pid=pid, day=20 + i))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "participants")


def cache_from(root: Path, present: list[str] | None) -> None:
    """Make the load cache from the participant files named `present` only (all: None):
    the others are moved out of the folder while `validate` loads, then put back."""
    (root / ".git" / CACHE_NAME).unlink(missing_ok=True)
    folder = root / "participants"
    aside = root.parent / "aside"
    aside.mkdir(exist_ok=True)
    moved = [p for p in folder.iterdir() if present is not None and p.name not in present]
    for p in moved:
        shutil.move(p, aside / p.name)
    cli.main(["-C", str(root), "validate"])
    for p in moved:
        shutil.move(aside / p.name, folder / p.name)
    assert (root / ".git" / CACHE_NAME).exists()


def _kinds_committed() -> list:
    """Every kind of copy, uncommitted and committed; the quick run keeps each kind once,
    the two states in turn (each kind and each state runs), the other half `slow`."""
    return [
        pytest.param(kind, committed, id=f"{kind.name}-{word}",
                     marks=() if i % 2 == j else pytest.mark.slow)
        for i, kind in enumerate(KINDS)
        for j, (committed, word) in enumerate([(False, "uncommitted"), (True, "committed")])
    ]  # fmt: skip


@pytest.mark.parametrize(("kind", "committed"), _kinds_committed())
def test_each_path_gets_its_own_verdict_cold_and_warm(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], kind: Copy, committed: bool
) -> None:
    root = caseload_dir
    make(root)
    original = (root / "participants" / "P-0002.toml").read_bytes()
    for name in kind.copies:
        (root / "participants" / name).write_bytes(original)
    if committed:
        git(root, "add", "-A")
        git(root, "commit", "-qm", "copies")
    want = expected(kind)
    others = [f"{pid}.toml" for pid in IDS if pid != "P-0002"]
    orders = {
        "cold": None,
        "original parsed first": [*others, "P-0002.toml"],
        **{f"{name} parsed first": [*others, name] for name in kind.copies},
    }
    for order, present in orders.items():
        if present is None:
            (root / ".git" / CACHE_NAME).unlink(missing_ok=True)
        else:
            cache_from(root, present)
        assert answers(capsys, root) == want, order
        assert answers(capsys, root) == want, f"{order}, warm"


def test_staged_validate_agrees_with_validate(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    make(root)
    original = (root / "participants" / "P-0002.toml").read_bytes()
    for name in ("P-0002b.toml", "p-0002.toml"):
        (root / "participants" / name).write_bytes(original)
    git(root, "add", "-A")
    cache_from(root, ["P-0001.toml", "P-0003.toml", "P-0002b.toml"])
    code, out, _err = run(capsys, root, "validate")
    code_staged, out_staged, _err = run(capsys, root, "validate", "--staged")
    assert (code, code_staged) == (1, 1)
    assert sorted(out.splitlines()) == sorted(out_staged.splitlines()) == sorted(
        [
            mismatch("P-0002b.toml"),
            mismatch("p-0002.toml"),
            twin("P-0002", "p-0002"),
            twin("p-0002", "P-0002"),
        ]
    )


EMPLOYER = 'schema = 1\nid = "E-0001"\nname = "Coop"\n'


@pytest.mark.parametrize(
    ("copies", "problems"),
    [
        (
            ("E-0002.toml",),
            ["employers/E-0002.toml:2:1: id 'E-0001' does not match the file name 'E-0002.toml'"],
        ),
        (
            ("e-0001.toml",),
            [
                "employers/E-0001.toml:1:1: id E-0001 differs from e-0001 only in case: on macOS"
                " and Windows they are one file (ids are unique ignoring case:"
                " docs/file-format.md)",
                "employers/e-0001.toml:1:1: id e-0001 differs from E-0001 only in case: on macOS"
                " and Windows they are one file (ids are unique ignoring case:"
                " docs/file-format.md)",
                "employers/e-0001.toml:2:1: id 'E-0001' does not match the file name"
                " 'e-0001.toml'",
            ],
        ),
    ],
    ids=["copy", "case variant"],
)
def test_employer_copies_get_their_own_verdict(
    caseload_dir: Path, copies: tuple[str, ...], problems: list[str]
) -> None:
    root = caseload_dir
    (root / "employers").mkdir(exist_ok=True)
    (root / "employers" / "E-0001.toml").write_text(EMPLOYER)
    for name in copies:
        (root / "employers" / name).write_text(EMPLOYER)
    loaded = "E-0001" if copies == ("E-0002.toml",) else None
    for _round in ("cold", "warm"):
        reg = employers.load(root, ["anna"])
        assert sorted(str(p) for p in reg.problems) == problems
        assert list(reg.employers) == ([loaded] if loaded else [])


@pytest.mark.parametrize("how", ["mv", "git mv", "git mv and commit"])
def test_a_renamed_file_is_judged_at_its_new_name(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    """The original was cached valid; renamed, its bytes are an error at the new name."""
    root = caseload_dir
    make(root)
    cache_from(root, None)  # P-0002.toml cached, valid
    old, new = root / "participants" / "P-0002.toml", root / "participants" / "P-0007.toml"
    if how == "mv":
        old.rename(new)
    else:
        git(root, "mv", "participants/P-0002.toml", "participants/P-0007.toml")
        if how.endswith("commit"):
            git(root, "commit", "-qm", "rename")
    kind = Copy("rename", (), (mismatch("P-0007.toml"),), ("P-0001", "P-0003"))
    want = expected(kind)
    assert answers(capsys, root) == want  # warm
    (root / ".git" / CACHE_NAME).unlink()
    assert answers(capsys, root) == want  # cold
