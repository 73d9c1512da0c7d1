"""Every sentence a person reads is one whole message of the catalog (SPEC §13, issue 14):
no English fragment glued into a translated sentence ("a participant", "rise", "there is
no history to show"), no English word or stored code left outside the catalog (" days",
"4d", "unsigned", "first_employer_contact_on").

A test catalog marks each message it translates with «»: a text that is one whole
message comes out as exactly one «…» span with nothing outside it but the values put in
its placeholders; a sentence built of fragments shows two or more spans, an English
word left out of the catalog shows outside the marks. The expected texts below are the
right values, written out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from catalogs import Marked

from ipstui.core import audit, fidelity, i18n
from ipstui.core.board import card_of
from ipstui.core.caseload import (
    NotACaseload,
    NothingToSave,
    StaleEdit,
    UncommittedFile,
    ValidationFailed,
    find_root,
    load,
    transact,
)
from ipstui.core.employers import EMPLOYER
from ipstui.core.model import Problem, Settings
from ipstui.core.rules import OVERDUE, Deadline
from ipstui.core.service import CaseloadError, CaseloadService
from ipstui.ui.widgets.board import deadline_text

TODAY = date(2026, 11, 16)


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_translations", Marked())


def _refusal(call: Callable[[], Any]) -> str:
    with pytest.raises(CaseloadError) as info:
        call()
    return str(info.value)


def _new(pid: str, new_id: str | None = None) -> Callable[[str, Any], dict[str, Any]]:
    def build(_pid: str, _old: Any) -> dict[str, Any]:
        return {"id": new_id or pid, "name": "X"}

    return build


# (case, what is done to the caseload, the refusal a person reads)
REFUSALS: list[tuple[str, Callable[[Path], Any], str]] = [
    (
        "participant id not valid",
        lambda root: transact(load(root), "../x", _new("../x")),
        "«not a valid participant id: '../x'»",
    ),
    (
        "employer id not valid",
        lambda root: transact(load(root), "../x", _new("../x"), kind=EMPLOYER),
        "«not a valid employer id: '../x'»",
    ),
    (
        "no such employer",
        lambda root: transact(load(root), "E-0009", _new("E-0009"), kind=EMPLOYER),
        "«no employer with id 'E-0009'»",
    ),
    (
        "participant id changed",
        lambda root: transact(load(root), "P-0001", _new("P-0001", "P-0002"), create=True),
        "«a participant's id cannot be changed»",
    ),
    (
        "employer id changed",
        lambda root: transact(
            load(root), "E-0001", _new("E-0001", "E-0002"), create=True, kind=EMPLOYER
        ),
        "«an employer's id cannot be changed»",
    ),
    (
        "participant file is a folder",
        lambda root: (
            (root / "participants" / "P-0003.toml").mkdir(parents=True),
            transact(load(root), "P-0003", _new("P-0003"), create=True),
        ),
        "«participants/P-0003.toml is a folder, not a participant file; nothing was written»",
    ),
    (
        "employer file is a folder",
        lambda root: (
            (root / "employers" / "E-0003.toml").mkdir(parents=True),
            transact(load(root), "E-0003", _new("E-0003"), create=True, kind=EMPLOYER),
        ),
        "«employers/E-0003.toml is a folder, not an employer file; nothing was written»",
    ),
    (
        "employer folder is a file",
        lambda root: (
            (root / "employers").write_text("not a folder"),
            transact(load(root), "E-0003", _new("E-0003"), create=True, kind=EMPLOYER),
        ),
        "«employers is not a folder, so employers/E-0003.toml cannot be an employer file»",
    ),
]


@pytest.mark.parametrize(("case", "do", "says"), REFUSALS, ids=[c[0] for c in REFUSALS])
def test_a_refusal_is_one_message_per_record_kind(
    caseload_dir: Path, marked: None, case: str, do: Callable[[Path], Any], says: str
) -> None:
    assert _refusal(lambda: do(caseload_dir)) == says


def test_the_record_kinds_messages_are_in_the_catalog() -> None:
    """Each kind's refusals are marked for extraction (the template holds them whole)."""
    from babel.messages.pofile import read_po

    from ipstui.core.caseload import PARTICIPANT

    with (i18n.LOCALE_DIR / "ipstui.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    for kind in (PARTICIPANT, EMPLOYER):
        for name in kind.says.__slots__:
            assert getattr(kind.says, name) in template, (kind.folder, name)


def test_no_history_outside_git_is_one_message(tmp_path: Path, marked: None) -> None:
    (tmp_path / "caseload.toml").write_text('schema = 1\nname = "T"\n')
    says = _refusal(lambda: CaseloadService(tmp_path).history("P-0001"))
    assert says == f"«{tmp_path} is not a git repository, so there is no history to show»"


def test_not_a_caseload_is_one_message(tmp_path: Path, marked: None) -> None:
    with pytest.raises(NotACaseload) as info:
        find_root(tmp_path)
    text = str(info.value)
    assert text.startswith("«") and text.endswith("»") and text.count("«") == 1, text


def _problem(message: str) -> Problem:
    return Problem("participants/P-0001.toml", 1, 1, message)


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (NothingToSave, "«nothing changed; no commit made»"),
        (
            lambda: UncommittedFile("participants/P-0001.toml"),
            "«participants/P-0001.toml has changes that are not committed; commit them first "
            "(Problems screen in the app, or `git commit`), then edit again»",
        ),
        (
            lambda: StaleEdit("participants/P-0001.toml", None),
            "«participants/P-0001.toml was deleted since it was loaded (another terminal, a "
            "pull or a hand edit); your change was not saved — the fresh version is shown, "
            "apply your change again»",
        ),
        (
            lambda: ValidationFailed([_problem("bad phase"), _problem("bad date")]),
            "«bad phase (and 1 more); nothing was written»",
        ),
        (lambda: ValidationFailed([_problem("bad phase")]), "«bad phase; nothing was written»"),
    ],
    ids=["nothing to save", "uncommitted", "stale, deleted", "invalid, two", "invalid, one"],
)
def test_save_refusals_are_translated(
    marked: None, error: Callable[[], CaseloadError], says: str
) -> None:
    """Made in the test (the language is read when the error is made)."""
    assert str(error()) == says


def _team(bands: dict[str, list[float]]) -> tuple[Settings, dict[str, Any]]:
    data: dict[str, Any] = {"schema": 1, "name": "T", "team": {"anna": {"name": "Anna"}}}
    settings = Settings.from_dict(data)
    data["fidelity"] = bands
    return settings, data


@pytest.mark.parametrize(
    ("bands", "says"),
    [
        (
            {"S1": [25, 20, 30, 40]},
            "«caseload.toml [fidelity] S1: the edges for scores 5, 4, 3, 2 must rise "
            "(25, 20, 30, 40)»",
        ),
        (
            {"V9": [0.5, 0.6, 0.7, 0.85]},
            "«caseload.toml [fidelity] V9: the edges for scores 5, 4, 3, 2 must fall "
            "(0.5, 0.6, 0.7, 0.85)»",
        ),
    ],
    ids=["rise", "fall"],
)
def test_fidelity_band_direction_is_one_message(
    marked: None, bands: dict[str, list[float]], says: str
) -> None:
    with pytest.raises(ValueError) as info:
        fidelity.settings_from(*_team(bands))
    assert str(info.value) == says


@pytest.mark.parametrize(
    ("value", "english", "marked_text"),
    [
        (Fraction(1), "1 day", "«1 day»"),
        (Fraction(30), "30 days", "«30 days»"),
        (Fraction(85, 2), "42.5 days", "«42.5 days»"),
    ],
    ids=["one", "many", "a fraction"],
)
def test_rapid_job_search_days_are_plural_aware(
    monkeypatch: pytest.MonkeyPatch, value: Fraction, english: str, marked_text: str
) -> None:
    item = fidelity.Item("V4", value, None, 1, {})
    assert fidelity.fmt_value(item) == english
    monkeypatch.setattr(i18n, "_translations", Marked())
    assert fidelity.fmt_value(item) == marked_text


def test_fidelity_records_have_translated_headers_and_words(marked: None) -> None:
    rows = (
        {"participant": "P-1", "job": 1, "start": date(2026, 10, 1), "benefits_on": None,
         "met": False},
    )  # fmt: skip
    item = fidelity.Item("V1", None, None, 1, {"met": 0}, rows, scored=False)
    head = fidelity.explain(item, "table").splitlines()[1].split()
    assert head == ["«Participant»", "«Job»", "«Start»", "«Benefits", "counselling»", "«Met»"]
    assert fidelity.explain(item, "table").splitlines()[2].split()[-1] == "«no»"
    # CSV keeps the keys and the machine words.
    csv_text = fidelity.explain(item, "csv").splitlines()
    assert csv_text == ["participant,job,start,benefits_on,met", "P-1,1,2026-10-01,,no"]
    assert set(fidelity.RECORD_HEADERS) >= {k for r in rows for k in r}


def test_every_signature_status_has_a_label_and_the_table_shows_it(marked: None) -> None:
    assert set(audit.SIGNATURES.values()) <= set(audit.SIGNATURE_LABELS)
    change = audit.Change(
        "a" * 40, datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "Anna", "a@x", "unsigned",
        "P-0001", "phase", "intake", "engage", "intake -> engage",
    )  # fmt: skip
    assert "«unsigned»" in audit.render([change], "table")
    assert '"signature": "unsigned"' in audit.render([change], "json")  # the code


def test_the_narrowest_card_deadline_is_translated(marked: None) -> None:
    due = Deadline("P-0001", "anna", "first_contact", date(2026, 11, 12), OVERDUE)
    card = card_of("P-0001", "X", "anna", "intake", due, 1, False, False)
    # Six cells: the marks «» take two, and a wording never overflows its width since
    # deadline_line worded deadlines by the width alone (at five it is cut: `✖ «4…`).
    assert deadline_text(card, TODAY, 6) == "✖ «4d»"
