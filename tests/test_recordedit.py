"""The rules of editing a record in a form (`core.recordedit`) and of deciding several
conflicts at once (`resolve.decide`), without Textual: what the participant screen
delegates to the core."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import commit_count, git
from test_resolve import CONFLICTS, current, record

from ipstui.core import recordedit, storage
from ipstui.core.caseload import CaseloadError, StaleEdit, load
from ipstui.core.resolve import decide

TODAY = date(2026, 11, 16)


# ---------------------------------------------------------------- rebase of unsaved edits


@pytest.mark.parametrize(
    ("old", "new", "mine", "set_to", "kept", "collided"),
    [
        # untouched field follows the newer version
        ({"a": "1"}, {"a": "2"}, {"a": "1"}, {"a": "2"}, [], []),
        # edited field the newer version left alone: the edit is kept
        ({"a": "1"}, {"a": "1"}, {"a": "x"}, {}, ["a"], []),
        # both changed it, differently: the user's value stays, both are reported
        ({"a": "1"}, {"a": "2"}, {"a": "x"}, {}, [], [("a", "x", "2")]),
        # both changed it to the same value: nothing lost, nothing to report
        ({"a": "1"}, {"a": "2"}, {"a": "2"}, {}, [], []),
        # nothing moved at all
        ({"a": "1", "b": None}, {"a": "1", "b": None}, {"a": "1", "b": None}, {}, [], []),
        # a select cleared by the newer version (None), kept edit elsewhere
        (
            {"a": "yes", "b": ""},
            {"a": None, "b": ""},
            {"a": "yes", "b": "typed"},
            {"a": None},
            ["b"],
            [],
        ),
    ],
)
def test_rebase_keeps_every_edit_and_reports_collisions(
    old: dict, new: dict, mine: dict, set_to: dict, kept: list, collided: list
) -> None:
    out = recordedit.rebase(old, new, mine)
    assert (out.set_to, out.kept, out.collided) == (set_to, kept, collided)


def test_changed_tops_names_each_top_level_key_once() -> None:
    old = {"name": "A", "contacts": [{"on": TODAY, "kind": "meeting"}], "goals": ["x"]}
    new = {"name": "B", "contacts": [{"on": TODAY, "kind": "phone"}, {"on": TODAY}], "goals": ["x"]}
    assert recordedit.changed_tops(old, new) == ["name", "contacts"]


# ---------------------------------------------------------------- phase and closure rules


@pytest.mark.parametrize(
    ("old_phase", "data", "edited", "want_since", "closing", "closure_kept"),
    [
        ("intake", {"phase": "intake"}, {"name"}, None, False, None),  # no phase change
        ("intake", {"phase": "job_search"}, {"phase"}, TODAY, False, None),  # starts today
        (  # the user also set the date: theirs
            "intake",
            {"phase": "job_search", "phase_since": date(2026, 11, 2)},
            {"phase", "phase_since"},
            date(2026, 11, 2),
            False,
            None,
        ),
        (  # reopening drops the closure
            "closed",
            {"phase": "job_search", "closure": {"on": TODAY, "reason": "moved"}},
            {"phase"},
            TODAY,
            False,
            False,
        ),
        ("job_search", {"phase": "closed"}, {"phase"}, TODAY, True, None),  # asks why
    ],
)
def test_prepare_details_save_applies_the_phase_rules(
    old_phase: str,
    data: dict[str, Any],
    edited: set[str],
    want_since: date | None,
    closing: bool,
    closure_kept: bool | None,
) -> None:
    plan = recordedit.prepare_details_save(old_phase, dict(data), edited, today=TODAY)
    assert plan.data.get("phase_since") == want_since
    assert plan.needs_closure_reason is closing
    if closure_kept is False:
        assert "closure" not in plan.data
    if closing:
        assert "closure" not in plan.data  # not before the reason is given
        assert plan.check["closure"] == {"on": TODAY, "reason": "other"}


def test_close_data_ends_a_suspension() -> None:
    data = {"phase": "closed", "suspension": {"since": TODAY, "reason": "health"}}
    out = recordedit.close_data(data, today=TODAY, reason="moved")
    assert out["closure"] == {"on": TODAY, "reason": "moved"} and "suspension" not in out


@pytest.mark.parametrize(
    ("phase", "suspended", "want"),
    [
        ("job_search", False, recordedit.SUSPEND_OK),
        ("job_search", True, recordedit.SUSPEND_ALREADY),
        ("closed", False, recordedit.SUSPEND_CLOSED),
        ("closed", True, recordedit.SUSPEND_CLOSED),
    ],
)
def test_why_not_suspend(phase: str, suspended: bool, want: str) -> None:
    assert recordedit.why_not_suspend(phase, suspended) == want


# ---------------------------------------------------------------- deciding conflicts


@pytest.fixture
def cl(caseload_dir: Path) -> Path:
    storage.atomic_write(caseload_dir / "participants" / "P-0001.toml", storage.dumps(record()))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001: after a sync")
    return caseload_dir


@pytest.mark.parametrize(
    ("sides", "want", "left"),
    [
        ({"disclosure": "theirs"}, {"disclosure": "yes"}, ["enrolled_on"]),
        ({"disclosure": "ours"}, {"disclosure": "no"}, ["enrolled_on"]),
        (
            {"disclosure": "theirs", "enrolled_on": "theirs"},
            {"disclosure": "yes", "enrolled_on": date(2026, 9, 12)},
            [],
        ),
    ],
)
def test_decide_settles_the_chosen_fields_in_one_commit(
    cl: Path, sides: dict[str, str], want: dict[str, Any], left: list[str]
) -> None:
    before = commit_count(cl)
    decide(load(cl), "P-0001", sides)
    assert commit_count(cl) == before + 1
    data = current(cl)
    assert {k: data[k] for k in want} == want
    assert list(data.get("conflicts", {})) == left


@pytest.mark.parametrize(
    ("sides", "fault"),
    [
        ({}, "at least one"),
        ({"disclosure": "mine"}, "unknown side"),
        ({"notes": "ours"}, "no conflict on 'notes'"),
    ],
)
def test_decide_refusals_write_nothing(cl: Path, sides: dict[str, str], fault: str) -> None:
    before = commit_count(cl)
    with pytest.raises(CaseloadError, match=fault):
        decide(load(cl), "P-0001", sides)
    assert commit_count(cl) == before


def test_decide_on_a_stale_snapshot_is_refused_like_set_and_move(cl: Path) -> None:
    seen = load(cl)
    storage.atomic_write(
        cl / "participants" / "P-0001.toml", storage.dumps(record(notes="changed elsewhere"))
    )
    git(cl, "commit", "-qam", "P-0001: another terminal")
    before = commit_count(cl)
    with pytest.raises(StaleEdit) as err:
        decide(seen, "P-0001", {"disclosure": "theirs"})
    assert err.value.fresh is not None and err.value.fresh.data["notes"] == "changed elsewhere"
    assert commit_count(cl) == before
    assert list(current(cl)["conflicts"]) == list(CONFLICTS)


def test_decide_settles_the_phase_group_once(caseload_dir: Path) -> None:
    closure = {"on": date(2026, 11, 1), "reason": "moved"}
    data = record(
        conflicts={
            "phase": {"ours": "job_search", "theirs": "closed"},
            "phase_since": {"ours": date(2026, 10, 2), "theirs": date(2026, 11, 1)},
            "closure": {"ours": {}, "theirs": closure},
        }
    )
    storage.atomic_write(caseload_dir / "participants" / "P-0001.toml", storage.dumps(data))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001: after a sync")
    decide(load(caseload_dir), "P-0001", {"phase": "theirs", "phase_since": "theirs"})
    out = current(caseload_dir)
    assert (out["phase"], out["phase_since"], out["closure"]) == (
        "closed",
        date(2026, 11, 1),
        closure,
    )
    assert "conflicts" not in out
