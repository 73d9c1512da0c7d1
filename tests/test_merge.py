"""The field-by-field merge driver: the pure merge, and git running it for real."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from sync_helpers import (
    apply_edit,
    check_nothing_lost,
    commit_participant,
    isolate_git,
    participant,
    read_participant,
    rounds_st,
    run,
)

from ipstui.core import storage
from ipstui.core.merge import driver_main, merge_texts
from ipstui.core.sync import driver_command, ensure_merge_driver
from ipstui.core.validate import errors_only, participant_content_problems

D = date


def enc(data: dict) -> bytes:
    return storage.dumps(data).encode()


def merged(base: dict | None, ours: dict, theirs: dict, commit: str = "abc1234") -> dict:
    raw = merge_texts(None if base is None else enc(base), enc(ours), enc(theirs), commit)
    data = storage.loads_bytes(raw)
    assert raw.decode() == storage.dumps(data), "output is not canonical"
    return data


def valid(data: dict) -> bool:
    rel = f"participants/{data['id']}.toml"
    return not errors_only(participant_content_problems(data, rel, storage.dumps(data)))


def edit(data: dict, **fields) -> dict:
    out = copy.deepcopy(data)
    out.update(fields)
    return out


def contact(day: int, kind: str = "phone", note: str = "") -> dict:
    c = {"on": D(2026, 10, day), "kind": kind, "by": "anna"}
    if note:
        c["note"] = note
    return c


BASE = participant()


# ------------------------------------------------------------------ scalars


def test_scalar_changed_on_one_side_takes_that_side() -> None:
    out = merged(BASE, BASE, edit(BASE, disclosure="yes"))
    assert out["disclosure"] == "yes" and "conflicts" not in out
    out = merged(BASE, edit(BASE, support_mode="behind_the_scenes"), BASE)
    assert out["support_mode"] == "behind_the_scenes"


def test_scalar_changed_identically_on_both_sides_is_no_conflict() -> None:
    out = merged(BASE, edit(BASE, disclosure="yes"), edit(BASE, disclosure="yes"))
    assert out["disclosure"] == "yes" and "conflicts" not in out


def test_scalar_changed_differently_keeps_ours_and_records_theirs() -> None:
    out = merged(BASE, edit(BASE, disclosure="yes"), edit(BASE, disclosure="no"), "3f2c9a1")
    assert out["disclosure"] == "yes"
    assert out["conflicts"] == {
        "disclosure": {
            "ours": "yes",
            "theirs": "no",
            "base": "undecided",
            "theirs_commit": "3f2c9a1",
        }
    }
    assert valid(out)
    text = storage.dumps(out)
    assert "[conflicts.disclosure]" in text


def test_first_and_latest_event_dates_need_no_decision() -> None:
    # No contact logged: the dates were set by hand (a logged contact would decide them,
    # tests/test_milestones.py).
    base = edit(BASE, contacts=[])
    ours = edit(base, first_contact_on=D(2026, 10, 1), benefits_counseling_on=D(2026, 9, 20))
    theirs = edit(base, first_contact_on=D(2026, 10, 3), benefits_counseling_on=D(2026, 9, 25))
    for a, b in ((ours, theirs), (theirs, ours)):
        out = merged(base, a, b)
        assert out["first_contact_on"] == D(2026, 10, 1)
        assert out["benefits_counseling_on"] == D(2026, 9, 25)
        assert "conflicts" not in out


def test_type_change_counts_as_change() -> None:
    base = edit(BASE, x_hours=1)
    out = merged(base, edit(base, x_hours=1.0), base)
    assert isinstance(out["x_hours"], float)


def test_conflict_without_base_omits_base() -> None:
    out = merged(None, edit(BASE, disclosure="yes"), edit(BASE, disclosure="no"))
    assert out["conflicts"]["disclosure"] == {
        "ours": "yes",
        "theirs": "no",
        "theirs_commit": "abc1234",
    }


def test_new_conflict_on_same_field_replaces_the_old_record() -> None:
    base = edit(
        BASE,
        disclosure="yes",
        conflicts={"disclosure": {"ours": "yes", "theirs": "no", "theirs_commit": "1111111"}},
    )
    out = merged(base, edit(base, disclosure="undecided"), edit(base, disclosure="no"), "2222222")
    assert out["disclosure"] == "undecided"
    assert out["conflicts"]["disclosure"] == {
        "ours": "undecided",
        "theirs": "no",
        "base": "yes",
        "theirs_commit": "2222222",
    }


def test_resolving_on_one_side_removes_the_record() -> None:
    base = edit(
        BASE,
        disclosure="yes",
        conflicts={"disclosure": {"ours": "yes", "theirs": "no", "theirs_commit": "1111111"}},
    )
    resolved = edit(base, disclosure="no")
    del resolved["conflicts"]
    other = edit(base, contacts=base["contacts"] + [contact(20)])
    out = merged(base, other, resolved)
    assert out["disclosure"] == "no" and "conflicts" not in out
    assert out["contacts"][-1] == contact(20)


_OPEN = {"ours": "no", "theirs": "yes", "theirs_commit": "1111111"}
_DECIDING = edit(BASE, disclosure="no", conflicts={"disclosure": _OPEN})


def _side(action: str) -> dict:
    """One side's change of a record in conflict (disclosure: kept "no", recorded "yes")."""
    if action == "untouched":
        return copy.deepcopy(_DECIDING)
    if action == "edit":  # the field set by hand, the record left
        return edit(_DECIDING, disclosure="undecided")
    value = {"keep": "no", "take": "yes", "value": "undecided"}[action]
    side = edit(_DECIDING, disclosure=value)
    del side["conflicts"]
    return side


@pytest.mark.parametrize(
    ("ours", "theirs", "field", "record"),
    [
        # two decisions that differ: a new conflict, nothing lost without a word
        ("keep", "take", "no", ("no", "yes")),
        ("take", "keep", "yes", ("yes", "no")),
        ("value", "keep", "undecided", ("undecided", "no")),
        ("keep", "value", "no", ("no", "undecided")),
        ("value", "take", "undecided", ("undecided", "yes")),
        # a decision met by an edit of the field on the other side
        ("keep", "edit", "no", ("no", "undecided")),
        ("edit", "keep", "undecided", ("undecided", "no")),
        # the same decision on both sides, or one side did nothing: settled
        ("keep", "keep", "no", None),
        ("take", "take", "yes", None),
        ("keep", "untouched", "no", None),
        ("untouched", "keep", "no", None),
        ("take", "untouched", "yes", None),
        ("untouched", "take", "yes", None),
        ("value", "untouched", "undecided", None),
    ],
)
def test_decisions_on_one_conflict_meet(
    ours: str, theirs: str, field: str, record: tuple[str, str] | None
) -> None:
    out = merged(_DECIDING, _side(ours), _side(theirs), "2222222")
    assert out["disclosure"] == field
    got = out.get("conflicts", {}).get("disclosure")
    if record is None:
        assert got is None
    else:
        assert (got["ours"], got["theirs"]) == record
        assert got["base"] == "no"


def test_conflict_records_from_both_sides_are_kept() -> None:
    rec_o = {"ours": "a", "theirs": "b", "theirs_commit": "1111111"}
    rec_t = {"ours": "c", "theirs": "d", "theirs_commit": "2222222"}
    out = merged(
        BASE,
        edit(BASE, notes="a", conflicts={"notes": rec_o}),
        edit(BASE, name="c", conflicts={"name": rec_t}),
    )
    assert (out["notes"], out["name"]) == ("a", "c")
    assert out["conflicts"] == {"notes": rec_o, "name": rec_t}


SUSP = {"since": D(2026, 11, 1), "reason": "request"}


@pytest.mark.parametrize(
    ("ours_fields", "theirs_fields", "field", "want"),
    [
        # theirs carries a stale record (its field was edited later, record left behind):
        # ours is what the merged field holds.
        (
            {},
            {
                "disclosure": "no",
                "conflicts": {"disclosure": {"ours": "undecided", "theirs": "yes"}},
            },
            "disclosure",
            {"ours": "no", "theirs": "yes"},
        ),
        # the merged field holds the record's theirs: the sides swap, and the other value
        # now comes from this merge's theirs commit.
        (
            {"disclosure": "yes"},
            {
                "conflicts": {
                    "disclosure": {"ours": "undecided", "theirs": "yes", "theirs_commit": "1111111"}
                }
            },
            "disclosure",
            {"ours": "yes", "theirs": "undecided", "theirs_commit": "abc1234"},
        ),
        # a record whose two values are the value in the field: nothing left to decide.
        (
            {},
            {"disclosure": "no", "conflicts": {"disclosure": {"ours": "no", "theirs": "no"}}},
            "disclosure",
            None,
        ),
        # a table: {} stands for "no table"; the merged file has a suspension now.
        (
            {"suspension": SUSP},
            {
                "conflicts": {
                    "suspension": {
                        "ours": {},
                        "theirs": {"since": D(2026, 10, 1), "reason": "relapse"},
                    }
                }
            },
            "suspension",
            {"ours": SUSP, "theirs": {"since": D(2026, 10, 1), "reason": "relapse"}},
        ),
        # a record that is up to date stays exactly as it is.
        (
            {},
            {
                "disclosure": "no",
                "conflicts": {
                    "disclosure": {"ours": "no", "theirs": "yes", "theirs_commit": "1111111"}
                },
            },
            "disclosure",
            {"ours": "no", "theirs": "yes", "theirs_commit": "1111111"},
        ),
    ],
)
def test_record_carried_in_never_keeps_a_stale_ours(
    ours_fields: dict, theirs_fields: dict, field: str, want: dict | None
) -> None:
    out = merged(BASE, edit(BASE, **ours_fields), edit(BASE, **theirs_fields))
    got = out.get("conflicts", {}).get(field)
    assert got == want
    if got is not None:
        assert got["ours"] == out.get(field, {})
    assert valid(out)


# A scalar removed on one side and changed on the other: tests/test_merge_clears.py.


def test_suspension_removed_against_edited_is_recorded() -> None:
    base = edit(BASE, suspension={"since": D(2026, 11, 1), "reason": "relapse"})
    resumed = copy.deepcopy(base)
    del resumed["suspension"]
    edited = edit(base, suspension={"since": D(2026, 11, 1), "reason": "request"})
    out = merged(base, resumed, edited)
    assert "suspension" not in out
    assert out["conflicts"]["suspension"]["ours"] == {}
    assert out["conflicts"]["suspension"]["theirs"] == edited["suspension"]
    assert valid(out)
    out = merged(base, edited, resumed)
    assert out["suspension"] == edited["suspension"]
    assert out["conflicts"]["suspension"]["theirs"] == {}


def test_phase_conflict_keeps_phase_date_and_closure_together() -> None:
    ours = edit(BASE, phase="follow_up", phase_since=D(2026, 11, 2))
    theirs = edit(
        BASE,
        phase="closed",
        phase_since=D(2026, 11, 5),
        closure={"on": D(2026, 11, 5), "reason": "moved"},
    )
    out = merged(BASE, ours, theirs)
    assert (out["phase"], out["phase_since"]) == ("follow_up", D(2026, 11, 2))
    assert "closure" not in out
    assert set(out["conflicts"]) == {"phase", "phase_since", "closure"}
    assert out["conflicts"]["closure"] == {
        "ours": {},
        "theirs": theirs["closure"],
        "theirs_commit": "abc1234",
    }
    assert valid(out)
    # And the other way round: ours closed, theirs moved on.
    out = merged(BASE, theirs, ours)
    assert out["phase"] == "closed" and out["closure"] == theirs["closure"]
    assert out["conflicts"]["phase"]["theirs"] == "follow_up"
    assert valid(out)


def test_reopen_on_one_side_and_closure_edit_on_the_other_stays_valid() -> None:
    closed = edit(
        BASE,
        phase="closed",
        phase_since=D(2026, 11, 5),
        closure={"on": D(2026, 11, 5), "reason": "moved"},
    )
    reopened = edit(closed, phase="job_search", phase_since=D(2026, 12, 1))
    del reopened["closure"]
    edited = edit(closed, closure={"on": D(2026, 11, 5), "reason": "request"})
    for ours, theirs in ((reopened, edited), (edited, reopened)):
        out = merged(closed, ours, theirs)
        assert valid(out)
        assert (out["phase"], out.get("closure")) == (ours["phase"], ours.get("closure"))
        assert out["conflicts"]["closure"]["theirs"] == theirs.get("closure", {})
    # Theirs' reopening (phase and its date) is recorded beside ours' closure.
    assert out["conflicts"]["phase"]["theirs"] == "job_search"
    assert out["conflicts"]["phase_since"]["theirs"] == D(2026, 12, 1)


def test_phase_move_on_one_side_and_contact_on_the_other() -> None:
    ours = edit(BASE, phase="follow_up", phase_since=D(2026, 11, 2))
    theirs = edit(BASE, contacts=BASE["contacts"] + [contact(20)])
    out = merged(BASE, ours, theirs)
    assert (out["phase"], out["phase_since"]) == ("follow_up", D(2026, 11, 2))
    assert out["contacts"] == theirs["contacts"]
    assert "conflicts" not in out


def test_unknown_keys_merge_like_scalars_and_keep_their_place() -> None:
    base = edit(BASE)
    ours = {}
    for k, v in base.items():
        ours[k] = v
        if k == "name":
            ours["x_pronouns"] = "she"
    theirs = {}
    for k, v in base.items():
        theirs[k] = v
        if k == "referred_on":
            theirs["refered_on"] = D(2026, 9, 2)
    out = merged(base, ours, theirs)
    keys = list(out)
    assert keys.index("x_pronouns") == keys.index("name") + 1
    assert keys.index("refered_on") == keys.index("referred_on") + 1
    out = merged(edit(base, x_a="1"), edit(base, x_a="2"), edit(base, x_a="3"))
    assert out["x_a"] == "2" and out["conflicts"]["x_a"]["theirs"] == "3"


# ------------------------------------------------------------------ lists


def test_contacts_added_on_both_sides_are_a_union_in_date_order() -> None:
    ours = edit(BASE, contacts=BASE["contacts"] + [contact(10, note="ours"), contact(30)])
    theirs = edit(BASE, contacts=BASE["contacts"] + [contact(20, "employer")])
    out = merged(BASE, ours, theirs)
    assert [c["on"].day for c in out["contacts"]] == [4, 10, 20, 30]
    assert out["contacts"][2]["kind"] == "employer"
    assert "conflicts" not in out


def test_same_day_entries_keep_ours_first() -> None:
    ours = edit(BASE, contacts=BASE["contacts"] + [contact(10, note="ours")])
    theirs = edit(BASE, contacts=BASE["contacts"] + [contact(10, note="theirs")])
    out = merged(BASE, ours, theirs)
    assert [c.get("note") for c in out["contacts"][1:]] == ["ours", "theirs"]


def test_equal_entries_added_on_both_sides_appear_once() -> None:
    ours = edit(BASE, contacts=BASE["contacts"] + [contact(10), contact(10)])
    theirs = edit(BASE, contacts=BASE["contacts"] + [contact(10), contact(12)])
    out = merged(BASE, ours, theirs)
    assert [c["on"].day for c in out["contacts"]] == [4, 10, 10, 12]


def test_entry_edited_on_one_side_is_that_entry_not_a_duplicate() -> None:
    base = edit(BASE, tasks=[{"due": D(2026, 11, 30), "what": "Call the employer"}])
    done = edit(base, tasks=[dict(base["tasks"][0], done_on=D(2026, 11, 28))])
    more = edit(base, contacts=base["contacts"] + [contact(12)])
    out = merged(base, more, done)
    assert out["tasks"] == done["tasks"]
    assert len(out["contacts"]) == 2


def test_entry_edited_on_both_sides_in_different_fields_merges() -> None:
    job = {
        "employer": "Coop",
        "title": "Shelf stocker",
        "start": D(2026, 11, 2),
        "competitive": True,
    }
    base = edit(BASE, jobs=[job])
    ours = edit(base, jobs=[dict(job, end=D(2026, 12, 20), end_reason="contract ended")])
    theirs = edit(base, jobs=[dict(job, hours_per_week=20)])
    out = merged(base, ours, theirs)
    assert out["jobs"] == [
        dict(job, end=D(2026, 12, 20), end_reason="contract ended", hours_per_week=20)
    ]


def test_entry_edited_apart_on_both_sides_keeps_both_versions() -> None:
    base = edit(BASE, contacts=[contact(4, note="first")])
    ours = edit(base, contacts=[contact(4, note="first meeting, at the cafe")])
    theirs = edit(base, contacts=[contact(4, note="first meeting")])
    out = merged(base, ours, theirs)
    assert out["contacts"] == ours["contacts"] + theirs["contacts"]


def test_entry_removed_on_one_side() -> None:
    base = edit(BASE, contacts=[contact(4), contact(5, note="typo")])
    removed = edit(base, contacts=[contact(4)])
    out = merged(base, removed, base)
    assert out["contacts"] == [contact(4)]
    out = merged(base, removed, edit(base, contacts=[contact(4), contact(5, note="fixed typo")]))
    assert out["contacts"] == [contact(4), contact(5, note="fixed typo")]


def test_entries_matched_by_content_not_position() -> None:
    # Ours got a contact dated in the middle from an earlier sync: indices shifted.
    base = edit(BASE, contacts=[contact(4), contact(20, note="x")])
    ours = edit(base, contacts=[contact(4), contact(10), contact(20, note="x")])
    theirs = edit(base, contacts=[contact(4), contact(20, note="x, and more")])
    out = merged(base, ours, theirs)
    assert out["contacts"] == [contact(4), contact(10), contact(20, note="x, and more")]


def test_edit_is_matched_by_identity_not_by_looks() -> None:
    # Ours ended the Bar Roma job and added a Coop one that looks more like the open
    # Bar Roma job than the ended one does; theirs ended Bar Roma on another day.
    def job(employer: str, **more) -> dict:
        return {"employer": employer, "title": "Helper", "start": D(2026, 10, 1), **more}

    ended = {"end_reason": "contract ended"}
    base = edit(BASE, jobs=[job("Bar Roma", competitive=True)])
    ours = edit(
        base,
        jobs=[job("Bar Roma", competitive=True, end=D(2026, 10, 1), **ended)]
        + [job("Coop", competitive=True)],
    )
    theirs = edit(base, jobs=[job("Bar Roma", competitive=True, end=D(2026, 10, 2), **ended)])
    out = merged(base, ours, theirs)
    assert ours["jobs"][0] in out["jobs"] and ours["jobs"][1] in out["jobs"]
    assert theirs["jobs"][0] in out["jobs"]
    assert len(out["jobs"]) == 3


@pytest.mark.parametrize("n", [3, 40, 600])
def test_many_entries_sharing_an_identity_still_match_their_edits(n: int) -> None:
    # n contacts on one day with one kind: one identity group; with 600 the group is
    # paired in order (linear) rather than by scoring every pair.
    base_list = [contact(4, "phone", f"call {i}") | {"by": "anna"} for i in range(n)]
    base = edit(BASE, contacts=base_list)
    ours_list = copy.deepcopy(base_list)
    for i in range(0, n, 2):
        ours_list[i]["by"] = "marco"  # an edit of every other entry: one field of four
    theirs_list = copy.deepcopy(base_list)
    theirs_list[1]["note"] = "call 1, no answer"
    theirs_list.append(contact(30, "meeting", "new from theirs"))
    out = merged(base, edit(base, contacts=ours_list), edit(base, contacts=theirs_list))
    got = out["contacts"]
    assert len(got) == n + 1  # every edit matched its entry: no duplicates
    by_note = {c["note"]: c for c in got}
    for i in range(0, n, 2):
        assert by_note[f"call {i}" if i != 1 else "call 1, no answer"]["by"] == "marco"
    assert "call 1, no answer" in by_note and "call 1" not in by_note
    assert got[-1]["note"] == "new from theirs"


def test_lists_without_base() -> None:
    ours = edit(BASE, contacts=[contact(4), contact(6)])
    theirs = edit(BASE, contacts=[contact(4), contact(5)])
    out = merged(None, ours, theirs)
    assert [c["on"].day for c in out["contacts"]] == [4, 5, 6]


def test_list_only_one_side_changed_is_taken_verbatim() -> None:
    # Not re-sorted: one side's list wins as it is.
    unsorted = edit(BASE, contacts=[contact(9), contact(4)])
    out = merged(BASE, BASE, unsorted)
    assert out["contacts"] == unsorted["contacts"]


def test_identical_sides_give_ours() -> None:
    ours = edit(BASE, notes="hello")
    assert merge_texts(enc(BASE), enc(ours), enc(ours), "x") == enc(ours)


def test_unparseable_side_raises_parse_error() -> None:
    with pytest.raises(storage.ParseError):
        merge_texts(enc(BASE), b"id = = 1\n", enc(BASE), "x")
    with pytest.raises(storage.ParseError):
        merge_texts(enc(BASE), enc(BASE), b"[oops\n", "x")
    # An unparseable base only means "no common version".
    out = storage.loads_bytes(merge_texts(b"nonsense ==", enc(BASE), enc(BASE), "x"))
    assert out == BASE


MERGE_SEARCH = settings(deadline=None, database=None)


@settings(MERGE_SEARCH, max_examples=100)
@given(rounds=rounds_st)
def test_random_concurrent_edits_merge_without_loss(rounds: list) -> None:
    _merges_without_loss(rounds)


@pytest.mark.slow  # the same search, three times as long (.ci/run: -m slow)
@settings(MERGE_SEARCH, max_examples=300)
@given(rounds=rounds_st)
def test_random_concurrent_edits_merge_without_loss_long(rounds: list) -> None:
    _merges_without_loss(rounds)


def _merges_without_loss(rounds: list) -> None:
    """The merge alone, fast, on the same random edits the git property test uses."""
    current = storage.loads_bytes(enc(participant()))
    for ops_a, ops_b, a_first in rounds:
        sides = []
        for ops in (ops_a, ops_b):
            data = copy.deepcopy(current)
            for operation in ops:
                apply_edit(data, operation)
            sides.append(storage.loads_bytes(enc(data)))
        theirs, ours = sides if a_first else sides[::-1]
        out = merged(current, ours, theirs)
        check_nothing_lost(current, sides, out, Counter())
        current = out


# ------------------------------------------------------------------ git runs the driver


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    root = tmp_path / "repo"
    run(tmp_path, "init", "-q", str(root))
    (root / ".gitattributes").write_text("participants/*.toml merge=ipstui\n")
    run(root, "add", ".gitattributes")
    run(root, "commit", "-q", "-m", "attributes")
    commit_participant(root, BASE, "new participant")
    assert ensure_merge_driver(root) is True
    assert ensure_merge_driver(root) is False  # idempotent: reads first
    return root


def test_ensure_merge_driver_writes_local_config(repo: Path) -> None:
    got = run(repo, "config", "--local", "--get", "merge.ipstui.driver").stdout.strip()
    assert got == driver_command()
    assert "-m ipstui.core.merge %O %A %B %P" in got
    assert run(repo, "config", "--global", "--get", "merge.ipstui.driver", check=False).stdout == ""


def test_git_merge_runs_the_driver(repo: Path) -> None:
    run(repo, "checkout", "-q", "-b", "side")
    theirs = commit_participant(
        repo, edit(BASE, disclosure="no", contacts=BASE["contacts"] + [contact(20)])
    )
    run(repo, "checkout", "-q", "main")
    commit_participant(repo, edit(BASE, disclosure="yes", contacts=BASE["contacts"] + [contact(9)]))
    proc = run(repo, "merge", "--no-edit", "side", check=False)
    assert proc.returncode == 0, proc.stderr
    out = read_participant(repo)
    assert out["disclosure"] == "yes"
    assert out["conflicts"]["disclosure"]["theirs"] == "no"
    assert out["conflicts"]["disclosure"]["theirs_commit"] == theirs[:7]
    assert [c["on"].day for c in out["contacts"]] == [4, 9, 20]
    assert run(repo, "status", "--porcelain").stdout == ""


def test_employer_files_merge_field_by_field(repo: Path) -> None:
    # SPEC §11: employers/<ID>.toml merge like participants (.gitattributes names both).
    (repo / ".gitattributes").write_text(
        "participants/*.toml merge=ipstui\nemployers/*.toml merge=ipstui\n"
    )
    base = {
        "schema": 1,
        "id": "E-0003",
        "name": "Coop Adriatica",
        "sector": "retail",
        "notes": "",
        "contacts": [{"on": D(2026, 11, 3), "by": "anna", "purpose": "job_development"}],
    }
    rel = "employers/E-0003.toml"

    def commit(data: dict, msg: str) -> str:
        storage.atomic_write(repo / rel, storage.dumps(data))
        run(repo, "add", "-A")
        run(repo, "commit", "-q", "-m", msg)
        return run(repo, "rev-parse", "HEAD").stdout.strip()

    commit(base, "E-0003: new employer")
    run(repo, "checkout", "-q", "-b", "side")
    visit = {"on": D(2026, 11, 20), "by": "marco", "purpose": "placement"}
    theirs = commit(edit(base, sector="food", contacts=base["contacts"] + [visit]), "E-0003: side")
    run(repo, "checkout", "-q", "main")
    call = {"on": D(2026, 11, 10), "by": "anna", "purpose": "follow_along"}
    commit(edit(base, sector="grocery", contacts=base["contacts"] + [call]), "E-0003: main")
    proc = run(repo, "merge", "--no-edit", "side", check=False)
    assert proc.returncode == 0, proc.stderr
    out = storage.loads_bytes((repo / rel).read_bytes())
    assert out["contacts"] == base["contacts"] + [call, visit]
    assert out["sector"] == "grocery"
    assert out["conflicts"]["sector"] == {
        "ours": "grocery",
        "theirs": "food",
        "base": "retail",
        "theirs_commit": theirs[:7],
    }


def test_unparseable_side_falls_back_to_a_normal_conflict(repo: Path) -> None:
    rel = "participants/P-0001.toml"
    run(repo, "checkout", "-q", "-b", "side")
    (repo / rel).write_text(storage.dumps(edit(BASE, notes="side")) + "broken = = 1\n")
    run(repo, "commit", "-q", "-am", "break")
    run(repo, "checkout", "-q", "main")
    commit_participant(repo, edit(BASE, notes="main"))
    proc = run(repo, "merge", "--no-edit", "side", check=False)
    assert proc.returncode != 0
    assert f"ipstui merge: {rel}: theirs version is not valid TOML" in proc.stdout + proc.stderr
    assert "<<<<<<< ours:" in (repo / rel).read_text()
    run(repo, "merge", "--abort")


def test_driver_main_exit_codes(tmp_path: Path) -> None:
    o, a, b = tmp_path / "o", tmp_path / "a", tmp_path / "b"
    o.write_bytes(enc(BASE))
    a.write_bytes(enc(edit(BASE, notes="a")))
    b.write_bytes(enc(edit(BASE, disclosure="yes")))
    assert driver_main([str(o), str(a), str(b), "participants/P-0001.toml"]) == 0
    assert storage.loads_bytes(a.read_bytes()) == edit(BASE, notes="a", disclosure="yes")
    a.write_bytes(b"not toml = = \n")
    assert driver_main([str(o), str(a), str(b), "participants/P-0001.toml"]) == 1
    # A side that cannot be parsed is a conflict even where git's line merge is clean.
    a.write_bytes(enc(BASE) + b"x_broken = = 1\n")
    b.write_bytes(enc(BASE))
    assert driver_main([str(o), str(a), str(b), "participants/P-0001.toml"]) == 1
    assert a.read_bytes() == enc(BASE) + b"x_broken = = 1\n"  # both sides still there
    # A version that cannot be read (here: a folder) is a conflict, not a crash.
    assert driver_main([str(o), str(tmp_path), str(b), "participants/P-0001.toml"]) == 1
    assert driver_main(["only-one"]) == 2


def test_module_entry_point(tmp_path: Path) -> None:
    o, a, b = tmp_path / "o", tmp_path / "a", tmp_path / "b"
    o.write_bytes(enc(BASE))
    a.write_bytes(enc(BASE))
    b.write_bytes(enc(edit(BASE, notes="b")))
    # This interpreter (the test venv's), never whatever `python3` is first on PATH; run
    # from a folder outside the source tree so the installed package is what is tested.
    proc = subprocess.run(
        [sys.executable, "-m", "ipstui.core.merge", str(o), str(a), str(b), "p.toml"],
        cwd=tmp_path,
        capture_output=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert storage.loads_bytes(a.read_bytes())["notes"] == "b"


# A side (or the base) that ipstui cannot read, for any reason: git's own conflict with
# both sides in it, never a merge that silently keeps one side (issue 10).
UNREADABLE_SIDES = {
    "nested_600": "x_deep = " + "[" * 600 + "]" * 600 + "\n",
    "syntax": "broken = = 1\n",
    "not_utf8": 'x_bad = "Caf\xe9"\n',
}


@pytest.mark.parametrize("kind", list(UNREADABLE_SIDES))
@pytest.mark.parametrize("where", ["theirs", "ours", "base"])
def test_git_merge_of_an_unreadable_version_is_gits_conflict(
    repo: Path, kind: str, where: str
) -> None:
    rel = "participants/P-0001.toml"
    tail = UNREADABLE_SIDES[kind].encode("latin-1")

    def write(data: dict, broken: bool) -> None:
        (repo / rel).write_bytes(enc(data) + (tail if broken else b""))
        run(repo, "commit", "-q", "-am", "edit")

    if where == "base":
        write(BASE, True)
    run(repo, "checkout", "-q", "-b", "side")
    write(edit(BASE, notes="from side"), where == "theirs")
    run(repo, "checkout", "-q", "main")
    write(edit(BASE, notes="from main"), where == "ours")
    proc = run(repo, "merge", "--no-edit", "side", check=False)
    assert proc.returncode != 0, proc.stdout
    assert f"ipstui merge: {rel}: {where} version" in proc.stderr
    text = (repo / rel).read_bytes()
    assert b"<<<<<<< ours:" in text and b">>>>>>> theirs:" in text
    assert b"from side" in text and b"from main" in text  # neither side dropped
    assert rel in run(repo, "diff", "--name-only", "--diff-filter=U").stdout
    run(repo, "merge", "--abort")
