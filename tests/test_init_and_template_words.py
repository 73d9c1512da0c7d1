"""Trial 8, item 14: `init` refuses a repeated `--specialist` key with one line (it kept
the last silently), its refusal of a control character reads as a sentence, the
caseload.toml it writes points at documentation the user has (not "SPEC §4"), and
`import --template` inside the caseload is refused for what the template will hold,
not because "an export holds personal data". Real CLI runs, real folders."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from ipstui import cli
from ipstui.core import resources

TODAY = "2026-11-30"

REFUSED = [
    # (init arguments, exit code, the one line's words)
    (
        ["--specialist", "anna=Anna Bianchi", "--specialist", "anna=Other Person"],
        2,
        "ipstui: --specialist 'anna=Other Person': anna is given twice (first as "
        "'anna=Anna Bianchi'); give each team member once (see `ipstui --help`)",
    ),
    (
        ["--specialist", "anna=Anna", "--specialist", "ANNA=Anna"],
        2,
        "ipstui: --specialist 'ANNA=Anna': anna is given twice (first as 'anna=Anna'); "
        "give each team member once (see `ipstui --help`)",
    ),
    (
        ["--name", "Bad\x1b[2J"],
        1,
        "ipstui: error: --name 'Bad\\x1b[2J': the team name holds the control character "
        "U+001B, which single-line text may not hold",
    ),
    (
        ["--name", "Team\u202eX"],
        1,
        "ipstui: error: --name 'Team\\u202eX': the team name holds the bidirectional "
        "override U+202E, which single-line text may not hold",
    ),
    (
        ["--specialist", "anna=An\x07na"],
        1,
        "ipstui: error: --specialist 'anna=An\\x07na': the name holds the control character "
        "U+0007, which single-line text may not hold",
    ),
]


@pytest.mark.parametrize(("args", "code", "line"), REFUSED, ids=[repr(r[0]) for r in REFUSED])
def test_init_refuses_with_one_line_and_writes_nothing(
    args: list[str], code: int, line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new"
    capsys.readouterr()
    try:
        got = cli.main(["init", str(target), *args, "--today", TODAY, "--lang", "en"])
    except SystemExit as exc:
        got = exc.code
    err = capsys.readouterr().err
    assert got == code, err
    assert err.strip().splitlines() == [line]
    assert not target.exists() or not any(target.iterdir())


def test_distinct_specialists_are_all_kept(tmp_path: Path) -> None:
    target = tmp_path / "new"
    argv = ["init", str(target), "--specialist", "anna=Anna B", "--specialist", "marco=Marco V"]
    assert cli.main([*argv, "--today", TODAY]) == 0
    team = tomllib.loads((target / "caseload.toml").read_text())["team"]
    assert team == {"anna": {"name": "Anna B"}, "marco": {"name": "Marco V"}}


def test_the_rules_comment_points_at_docs_the_user_has(tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert cli.main(["init", str(target), "--specialist", "anna=Anna B", "--today", TODAY]) == 0
    text = (target / "caseload.toml").read_text()
    assert "SPEC" not in text
    assert "ipstui's docs/deadlines.md (installed with ipstui\n# as ipstui/docs/deadlines.md)" in text
    # Both places hold it: the repository's docs/, and the installed package's docs.
    assert (Path(__file__).parents[1] / "docs" / "deadlines.md").is_file()
    installed = resources.data_dir("ipstui.docs") / "deadlines.md"
    assert "first_contact_days" in installed.read_text()


@pytest.mark.parametrize(
    ("where", "code", "words"),
    [
        ("inside", 1, "the import template is where participants' details get typed"),
        ("outside", 0, "template written to"),
    ],
)
def test_import_template_inside_is_refused_for_the_right_reason(
    where: str,
    code: int,
    words: str,
    sample_caseload: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = (sample_caseload if where == "inside" else tmp_path) / "t.xlsx"
    capsys.readouterr()
    got = cli.main(["import", "--template", str(out), "-C", str(sample_caseload), "--lang", "en"])
    err = capsys.readouterr().err
    assert got == code and words in err, err
    assert "personal data" not in err
    assert out.exists() == (where == "outside")
    status = subprocess.run(
        ["git", "-C", str(sample_caseload), "status", "--porcelain"], capture_output=True, text=True
    )
    assert status.stdout == ""
