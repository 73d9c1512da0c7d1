"""`ipstui resolve E-0001 FIELD (--ours | --theirs | --value V)` settles an employer's
`[conflicts]` record (trial 8 item H: it said "no participant with id 'E-0001'", though
`resolve --help` and validate's advice name employer ids)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git

from ipstui import cli
from ipstui.core import employers, storage

TODAY = "2026-11-16"
RECORD = '\n[conflicts.sector]\nours = "retail"\ntheirs = "food"\ntheirs_commit = "abc1234"\n'


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main([*args, "-C", str(root), "--today", TODAY])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(
    ("eid", "args", "sector", "said"),
    [
        ("E-0001", ["--ours"], "retail", "committed"),
        ("E-0001", ["--theirs"], "food", "committed"),
        ("e-0001", ["--theirs"], "food", "committed"),
        ("E-0001", ["--value", "bakery"], "bakery", "committed"),
    ],
)
def test_resolve_settles_an_employer_conflict(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], eid, args, sector, said
) -> None:
    root = caseload_dir
    assert run(capsys, root, "employer", "new", "--name", "Coop", "--sector", "retail")[0] == 0
    path = root / "employers" / "E-0001.toml"
    path.write_text(path.read_text() + RECORD)
    git(root, "commit", "-qam", "E-0001: merge")
    code, out = run(capsys, root, "resolve", eid, "sector", *args)
    assert code == 0 and said in out, out
    data = storage.loads_bytes(path.read_bytes())
    assert data["sector"] == sector and "conflicts" not in data
    assert git(root, "status", "--porcelain") == ""
    assert not [p for p in employers.load(root, ["anna"]).problems if "decision" in p.message]


@pytest.mark.parametrize(
    ("eid", "field", "needle"),
    [
        ("E-0001", "name", "no conflict on 'name'"),
        ("E-0009", "sector", "E-0009"),
    ],
)
def test_resolve_refuses_without_an_employer_record(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], eid, field, needle
) -> None:
    root = caseload_dir
    run(capsys, root, "employer", "new", "--name", "Coop", "--sector", "retail")
    path = root / "employers" / "E-0001.toml"
    path.write_text(path.read_text() + RECORD)
    git(root, "commit", "-qam", "E-0001: merge")
    before = git(root, "rev-parse", "HEAD")
    for value in (["--theirs"], ["--value", "x"]):
        code, out = run(capsys, root, "resolve", eid, field, *value)
        assert code != 0 and needle in out and "participant" not in out, out
    assert git(root, "rev-parse", "HEAD") == before


@pytest.mark.parametrize(
    ("sides", "needle"),
    [
        ({"side": "sideways"}, "unknown side 'sideways'"),
        ({}, "say how to settle it"),
        ({"side": "ours", "value": "x"}, "say how to settle it"),
    ],
)
def test_resolve_employer_checks_the_side_as_decide_does(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], sides, needle
) -> None:
    """The service call (the CLI offers only --ours/--theirs): a side other than ours or
    theirs is refused with `decide`'s words, and nothing is committed."""
    from ipstui.core.caseload import CaseloadError, load
    from ipstui.core.resolve import resolve_employer

    root = caseload_dir
    run(capsys, root, "employer", "new", "--name", "Coop", "--sector", "retail")
    path = root / "employers" / "E-0001.toml"
    path.write_text(path.read_text() + RECORD)
    git(root, "commit", "-qam", "E-0001: merge")
    before = git(root, "rev-parse", "HEAD")
    with pytest.raises(CaseloadError, match=needle):
        resolve_employer(load(root), "E-0001", "sector", **sides)
    assert git(root, "rev-parse", "HEAD") == before
