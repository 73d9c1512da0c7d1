"""One parser for every date a user types (SPEC §2): `YYYY-MM-DD` only, 1900-01-01 to
2199-12-31, on every input path: CLI options, `ipstui set`, the app's forms, and the
save itself for dates that arrive as date objects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, git

from ipstui import cli
from ipstui.core import edits
from ipstui.core.caseload import ValidationFailed, load
from ipstui.core.model import parse_date
from ipstui.ui.screens.forms import parse_date_text

REFUSED = [
    ("2026-W01-1", "is not a date like 2026-11-20 (YYYY-MM-DD)"),  # ISO week date
    ("2026W011", "is not a date like 2026-11-20 (YYYY-MM-DD)"),
    ("2026-001", "is not a date like 2026-11-20 (YYYY-MM-DD)"),  # ordinal date
    ("20261120", "is not a date like 2026-11-20 (YYYY-MM-DD)"),
    ("2026-11-20T10:00", "is not a date like 2026-11-20 (YYYY-MM-DD)"),
    ("２０２６-11-20", "is not a date like 2026-11-20 (YYYY-MM-DD)"),  # full-width digits
    ("2026-02-30", "is not a date of the calendar"),
    ("9999-12-31", "is outside the dates ipstui accepts (1900-01-01 to 2199-12-31)"),
    ("1899-12-31", "is outside the dates ipstui accepts (1900-01-01 to 2199-12-31)"),
    ("2200-01-01", "is outside the dates ipstui accepts (1900-01-01 to 2199-12-31)"),
]


@pytest.mark.parametrize("text, why", REFUSED)
def test_parse_date_refuses(text: str, why: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_date(text)
    assert str(exc.value) == f"{text!r} {why}"
    with pytest.raises(ValueError, match="^" + repr(text).replace("(", r"\(")):
        parse_date_text(text)  # the app's forms: the same parser


@pytest.mark.parametrize(
    "text, day",
    [
        ("2026-11-20", date(2026, 11, 20)),
        (" 1900-01-01 ", date(1900, 1, 1)),
        ("2199-12-31", date(2199, 12, 31)),
    ],
)
def test_parse_date_accepts(text: str, day: date) -> None:
    assert parse_date(text) == day == parse_date_text(text)


@pytest.fixture
def one(caseload_dir: Path) -> Path:
    edits.new_participant(
        load(caseload_dir),
        name="Giulia R.",
        specialist="anna",
        referral_source="CSM",
        today=date(2026, 11, 1),
        referred_on=date(2026, 11, 1),
    )
    return caseload_dir


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("text, why", [REFUSED[0], REFUSED[2], REFUSED[7]])
@pytest.mark.parametrize(
    "path",
    ["contact --on", "--today", "new --referred-on", "set referred_on", "set a date in a list"],
)
def test_every_cli_path_refuses_the_same_dates(
    one: Path, capsys: pytest.CaptureFixture[str], text: str, why: str, path: str
) -> None:
    before = commit_count(one)
    argv = {
        "contact --on": ["contact", "P-0001", "--kind", "phone", "--on", text],
        "--today": ["--today", text, "contact", "P-0001", "--kind", "phone"],
        "new --referred-on": [
            "new",
            "--name",
            "B",
            "--specialist",
            "anna",
            "--referral-source",
            "CSM",
            "--referred-on",
            text,
        ],
        "set referred_on": ["set", "P-0001", f"referred_on={text}"],
        "set a date in a list": ["set", "P-0001", f"enrolled_on={text}"],
    }[path]
    code, err = _run(capsys, "-C", str(one), *argv)
    assert code in (1, 2)
    assert len(err.strip().splitlines()) == 1 and why in err
    assert commit_count(one) == before


def test_a_date_object_out_of_range_is_refused_by_the_save(one: Path) -> None:
    """The app passes date objects (a date picker, a computed date): the save's
    validation holds the range too, so nothing past 2199 is ever written."""
    before = commit_count(one)
    with pytest.raises(ValidationFailed, match="outside the dates ipstui accepts"):
        edits.add_contact(load(one), "P-0001", kind="phone", on=date(9999, 12, 31), by="anna")
    assert commit_count(one) == before
    assert git(one, "status", "--porcelain") == ""
