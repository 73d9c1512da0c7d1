"""Wrong usage exits 2 with one line, whether argparse sees it or a check after it does
(SPEC §7: 0 done, 1 problems found or refused, 2 wrong usage; trial 9 item 4).

Every check of the command line made after parsing (options that need or exclude each
other, an option's value in the wrong shape) raises `UsageError`, which the CLI turns
into the parser's own line: `ipstui: MESSAGE (see `ipstui --help`)`, exit 2, nothing
written or committed. A refusal of a well-formed command stays 1 (the last rows)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ipstui import cli

TODAY = "2026-11-30"

CASES = [
    # (arguments, exit code, words of the one line)
    (["report", "--format", "xlsx"], 2, "--format xlsx needs --output FILE"),
    (["export", "--format", "xlsx"], 2, "--format xlsx needs --output FILE"),
    (["import"], 2, "name the file to import (FILE.csv or FILE.xlsx), or use --template"),
    (["audit", "--since", "2026-13-01"], 2, "--since: '2026-13-01' is not a date"),
    (["audit", "--until", "yesterday"], 2, "--until: 'yesterday' is not a date"),
    (["move", "P-0001", "closed"], 2, "closing needs a reason"),
    (["move", "P-0001", "job_search", "--reason", "moved"], 2, "--reason is only for moving"),
    (["set", "P-0001", "notes"], 2, "'notes' is not FIELD=VALUE"),
    (["employer", "set", "E-0001", "sector"], 2, "'sector' is not FIELD=VALUE"),
    (["report", "--quarter", "2026Q5"], 2, "'2026Q5' is not a quarter"),
    (["report", "--quarter", "2026Q5", "--format", "xlsx", "--output", "OUT/r.xlsx"], 2,
     "'2026Q5' is not a quarter"),
    (["fidelity", "--quarter", "2026Q5"], 2, "'2026Q5' is not a quarter"),
    (["init", "NEW", "--specialist", "anna"], 2, "--specialist 'anna': use KEY=Full Name"),
    # argparse's own, for the same line
    (["bogus"], 2, "invalid choice: 'bogus'"),
    (["move", "P-0001"], 2, "the following arguments are required: PHASE"),
    (["report", "--format", "pdf"], 2, "invalid choice: 'pdf'"),
    (["fidelity", "--explain", "bogus"], 2, "invalid choice: 'BOGUS'"),
    # well-formed, refused: 1
    (["move", "P-0001", "closed", "--reason", "bogus"], 1, "unknown closure reason 'bogus'"),
    (["set", "P-9999", "notes=x"], 1, "P-9999"),
    (["export", "--output", "CASELOAD/x.csv"], 1, "inside the caseload"),
]  # fmt: skip


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(("args", "code", "words"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_errors_exit_2_with_one_line(
    args: list[str],
    code: int,
    words: str,
    sample_caseload: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    places = {"NEW": str(tmp_path / "new"), "OUT": str(out_dir), "CASELOAD": str(sample_caseload)}
    argv = [places.get(a, a) for a in args]
    argv = [
        a.replace("OUT/", f"{out_dir}/").replace("CASELOAD/", f"{sample_caseload}/") for a in argv
    ]
    before = (
        _git(sample_caseload, "rev-parse", "HEAD"),
        _git(sample_caseload, "status", "--porcelain"),
    )
    capsys.readouterr()
    try:
        got = cli.main([*argv, "-C", str(sample_caseload), "--today", TODAY])
    except SystemExit as exc:  # argparse's own errors
        got = exc.code
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert got == code, err
    assert len(lines) == 1 and words in lines[0], err
    if code == 2:
        assert lines[0].startswith("ipstui: ") and lines[0].endswith("(see `ipstui --help`)")
        assert out == ""
    assert (
        _git(sample_caseload, "rev-parse", "HEAD"),
        _git(sample_caseload, "status", "--porcelain"),
    ) == before
    assert list(out_dir.iterdir()) == [] and not (tmp_path / "new").exists()


def test_the_hidden_merge_driver_is_not_offered(capsys: pytest.CaptureFixture[str]) -> None:
    """`ipstui bogus` lists the commands a person can use; git's `merge-driver` stays
    callable (it is registered in every caseload's git config) but is not among them."""
    with pytest.raises(SystemExit) as done:
        cli.main(["bogus"])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "'sync'" in err and "merge-driver" not in err
    with pytest.raises(SystemExit) as done:
        cli.main(["merge-driver"])  # still a command: it wants its four files
    assert done.value.code == 2 and "required: files" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "merge-driver" not in capsys.readouterr().out
