"""The team's name and the specialists' names written by `ipstui init` follow the
single-line text rule (SPEC §2) and the names rule (core/names.py), as participants'
names do; and a joiner between Latin, Greek or Cyrillic letters is a look-alike, refused
everywhere a name is written, while Persian, Indic and emoji uses stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core import names, storage

TODAY = ["--today", "2026-11-30"]
ZWJ, ZWNJ = "\u200d", "\u200c"


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, *TODAY])
    out, err = capsys.readouterr()
    return code, out, err


BAD_TEAM_NAMES = [
    # (what, --name value, words in the refusal)
    ("right-to-left override", "Team\u202eA", "U+202E"),
    ("new line", "Team\nline", "U+000A"),
    ("tab", "Team\tA", "U+0009"),
    ("escape", "Team\x1b[2JA", "U+001B"),
    ("zero width space", "Team\u200bB", "U+200B"),
    ("joiner between Latin letters", f"Te{ZWJ}am", "U+200D"),
    ("blank", "   ", "is empty"),
]


@pytest.mark.parametrize(
    ("what", "value", "said"), BAD_TEAM_NAMES, ids=[b[0] for b in BAD_TEAM_NAMES]
)
@pytest.mark.parametrize("option", ["--name", "--specialist"])
def test_init_refuses_a_name_it_could_not_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, value: str, said: str, option: str
) -> None:
    if option == "--specialist" and what == "blank":
        pytest.skip("a blank specialist name is refused as KEY=Full Name already")
    target = tmp_path / "team"
    arg = value if option == "--name" else f"anna={value}"
    code, _out, err = _main(capsys, "init", str(target), option, arg)
    assert code != 0
    assert len(err.strip().splitlines()) == 1, err
    assert said in err and option in err
    assert not target.exists()  # nothing left behind


GOOD_TEAM_NAMES = [
    ("IPS Torino", "IPS Torino"),
    ("  IPS Torino  ", "IPS Torino"),  # trimmed
    ("Jose\u0301 team", "José team"),  # NFC
    ("تیم می\u200cخواهم", "تیم می\u200cخواهم"),  # ZWNJ in Persian
    ("👩\u200d🔧 team", "👩\u200d🔧 team"),  # emoji sequence
]


@pytest.mark.parametrize(("value", "stored"), GOOD_TEAM_NAMES)
def test_init_writes_a_good_team_name_that_validate_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, stored: str
) -> None:
    target = tmp_path / "team"
    code, _out, err = _main(
        capsys, "init", str(target), "--name", value, "--specialist", "anna=Anna Bianchi"
    )
    assert code == 0, err
    assert storage.read_file(target / "caseload.toml")[0]["name"] == stored
    code, out, _err = _main(capsys, "validate", "-C", str(target))
    assert code == 0 and "warning" not in out, out


JOINERS = [
    # (name, index of the first refused character or None)
    (f"Mo{ZWJ}hammad", 2),  # looks exactly like Mohammad
    (f"Mo{ZWNJ}hammad", 2),
    (f"Ива{ZWJ}н", 3),  # Cyrillic
    (f"Αλέ{ZWNJ}ξης", 3),  # Greek
    (f"Ax\u0301{ZWJ}y", 3),  # a combining mark counts as the letter it sits on
    (f"Ana 1{ZWJ}2", 5),  # ASCII digits
    ("می\u200cخواهم", None),  # Persian
    ("क्\u200dष", None),  # Devanagari conjunct
    ("👩\u200d🔧", None),  # emoji
    (f"Zoe{ZWJ}👍", None),  # one side is an emoji
]


@pytest.mark.parametrize(("name", "at"), JOINERS)
def test_a_joiner_between_latin_greek_or_cyrillic_letters_is_refused(
    name: str, at: int | None
) -> None:
    assert names.invisible_at(names.normal(name)) == at


def test_a_new_participant_with_a_latin_joiner_is_refused(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = git(caseload_dir, "rev-parse", "HEAD")
    code, _out, err = _main(
        capsys,
        "new",
        "-C",
        str(caseload_dir),
        "--name",
        f"Mo{ZWJ}hammad",
        "--specialist",
        "anna",
        "--referral-source",
        "CSM",
    )
    assert code != 0 and "U+200D" in err
    assert git(caseload_dir, "rev-parse", "HEAD") == before


def test_validate_warns_about_the_team_name_on_disk(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    (root / "participants" / "P-0001.toml").write_text(
        VALID_PARTICIPANT.format(pid="P-0001"), encoding="utf-8"
    )
    path = root / "caseload.toml"
    text = path.read_text(encoding="utf-8")
    data = storage.read_file(path)[0]
    path.write_text(
        text.replace(f'"{data["name"]}"', '"Team\u200bB"', 1), encoding="utf-8"
    )
    code, out, _err = _main(capsys, "validate", "-C", str(root))
    assert code == 0
    assert any(
        ln.startswith("caseload.toml:") and "warning: name: holds the invisible character U+200B" in ln
        for ln in out.splitlines()
    ), out
