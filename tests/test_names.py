"""Names hold no invisible characters and have one Unicode spelling (core/names.py), so
two names that look the same are the same name: participants, employers, team members.

The rule, table-driven with right values; then every write path (CLI new/set, employer
new, import, init, the app's form check) refusing or normalising, with CJK and emoji
names still working; then `validate` warning about names already on disk."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, commit_count, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture

from ipstui import cli
from ipstui.core import names, storage

ZWSP = "\u200b"
TODAY = ["--today", "2026-11-30"]
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"

RULE = [
    # (name, index of the first refused character or None)
    ("Giulia R.", None),
    ("王小明", None),
    ("山田\u3000太郎", None),  # ideographic space: a space, not invisible
    ("Mette Kjærgaard", None),
    ("👩\u200d🔧 Ana", None),  # zero width joiner in an emoji sequence
    ("❤\ufe0f Bo", None),  # variation selector after a visible character
    ("❤\ufe0f\u200d🔥", None),  # heart, selector, joiner, fire
    ("می\u200cخواهم", None),  # zero width non-joiner inside a Persian word
    (SCOTLAND + " Alba", None),  # emoji tag sequence
    ("Zero\u200bWidth", 4),  # zero width space
    ("A\u2060B", 1),  # word joiner
    ("\ufeffX", 0),  # byte order mark
    ("A\u00adB", 1),  # soft hyphen
    ("A\u200eB", 1),  # left-to-right mark
    ("A\u061cB", 1),  # Arabic letter mark
    ("\u200dX", 0),  # a joiner at the start joins nothing
    ("X\u200d", 1),  # ... nor at the end
    ("A \u200d B", 2),  # ... nor between spaces
    ("\ufe0fA", 0),  # a variation selector with nothing before it
    ("A\U000e0067", 1),  # a tag character outside a flag
    ("\u3164", 0),  # Hangul filler: a letter that draws nothing
    ("A\u034fB", 1),  # combining grapheme joiner
]


@pytest.mark.parametrize(("name", "at"), RULE, ids=[repr(r[0]) for r in RULE])
def test_the_rule(name: str, at: int | None) -> None:
    assert names.invisible_at(name) == at
    problem = names.name_problem(name)
    if at is None:
        assert problem is None
    else:
        assert problem is not None and f"U+{ord(name[at]):04X}" in problem


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Cafe\u0301", "Caf\u00e9"),  # e + combining acute -> é
        ("Å\u0301", unicodedata.normalize("NFC", "Å\u0301")),
        ("ｆｕｌｌ", "ｆｕｌｌ"),  # full-width letters are kept (NFC, not NFKC)
        ("ﬁne", "ﬁne"),  # a ligature is kept
    ],
)
def test_names_are_written_in_nfc(typed: str, stored: str) -> None:
    assert names.normal(typed) == stored
    assert names.is_normal(stored)


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, *TODAY])
    out, err = capsys.readouterr()
    return code, out, err


def _new(capsys: pytest.CaptureFixture[str], root: Path, name: str) -> tuple[int, str, str]:
    return _main(
        capsys, "new", "--name", name, "--specialist", "anna", "--referral-source", "CSM",
        "-C", str(root),
    )  # fmt: skip


BAD = ["Zero\u200bWidth\u2060\ufeffX", "Ann\u00ada", "\u200dBo"]
GOOD = [("王小明", "王小明"), ("👩\u200d🔧 Ana", "👩\u200d🔧 Ana"), ("Cafe\u0301 Bo", "Caf\u00e9 Bo")]


@pytest.mark.parametrize("name", BAD)
def test_every_write_path_refuses_an_invisible_character(
    caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    root = caseload_dir
    before = commit_count(root)
    code, _out, err = _new(capsys, root, name)
    assert code == 1 and "invisible character" in err
    code, _out, err = _main(capsys, "employer", "new", "--name", name, "-C", str(root))
    assert code == 1 and "invisible character" in err
    assert commit_count(root) == before
    # An existing participant: `set name=` is refused, other fields still save.
    assert _new(capsys, root, "Plain Name")[0] == 0
    code, _out, err = _main(capsys, "set", "P-0001", f"name={name}", "-C", str(root))
    assert code == 1 and "invisible character" in err
    # The import reports the cell before writing anything.
    sheet = tmp_path / "people.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "specialist", "referral_source", "referred_on"])
        w.writerow(["Fine Person", "anna", "CSM", "2026-11-01"])
        w.writerow([name, "anna", "CSM", "2026-11-01"])
    n = commit_count(root)
    code, _out, err = _main(capsys, "import", str(sheet), "-C", str(root))
    assert code == 1 and "people.csv:3:1:" in err and "invisible character" in err
    assert commit_count(root) == n
    # init: a team member's name.
    code, _out, err = _main(capsys, "init", str(tmp_path / "new"), "--specialist", f"anna={name}")
    assert code == 1 and "invisible character" in err


@pytest.mark.parametrize(("typed", "stored"), GOOD, ids=[g[0] for g in GOOD])
def test_cjk_and_emoji_names_work_and_are_stored_in_nfc(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], typed: str, stored: str
) -> None:
    root = caseload_dir
    code, out, err = _new(capsys, root, typed)
    assert code == 0, err
    data = storage.loads_bytes((root / "participants" / "P-0001.toml").read_bytes())
    assert data["name"] == stored
    code, _out, err = _main(capsys, "employer", "new", "--name", typed, "-C", str(root))
    assert code == 0, err
    code, out, _err = _main(capsys, "validate", "-C", str(root))
    assert code == 0 and "warning" not in out


async def test_the_app_form_check_applies_the_same_rule() -> None:
    from textual.app import App
    from textual.widgets import Input

    from ipstui.ui.screens.forms.fields import check_text

    async with App().run_test():
        check = check_text(required=True, what="a name", name=True)
        assert check(Input(value="Cafe\u0301"))[0] == "Caf\u00e9"
        value, error = check(Input(value=f"Zero{ZWSP}Width"))
        assert value is None and error is not None and "U+200B" in error
        plain = check_text(required=True)  # not a name: the rule is for names
        assert plain(Input(value=f"Zero{ZWSP}Width"))[1] is None


def test_validate_warns_about_names_already_on_disk(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    text = VALID_PARTICIPANT.format(pid="P-0001").replace("Valid Person", f"Valid{ZWSP}Person")
    (root / "participants" / "P-0001.toml").write_text(text, encoding="utf-8")
    text = VALID_PARTICIPANT.format(pid="P-0002").replace("Valid Person", "Jose\u0301")
    (root / "participants" / "P-0002.toml").write_text(text, encoding="utf-8")
    settings = (root / "caseload.toml").read_text(encoding="utf-8")
    (root / "caseload.toml").write_text(
        settings.replace('"Anna Bianchi"', f'"Anna{ZWSP}Bianchi"'), encoding="utf-8"
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "hand edits")
    code, out, _err = _main(capsys, "validate", "-C", str(root))
    assert code == 0  # warnings: every file keeps working
    lines = out.splitlines()
    assert any(
        ln.startswith("participants/P-0001.toml:3:1: warning: name: holds the invisible character U+200B")
        for ln in lines
    ), lines
    assert any(
        ln.startswith("participants/P-0002.toml:3:1: warning: name is not in Unicode normal form NFC")
        for ln in lines
    ), lines
    assert any(
        ln.startswith("caseload.toml:") and "team.anna.name: holds the invisible character" in ln
        for ln in lines
    ), lines
    # The file still takes other edits; its name stays as it is until the name is edited.
    code, _out, err = _main(capsys, "set", "P-0001", "notes=x", "-C", str(root))
    assert code == 0, err
