"""A `[conflicts]` record describes the merged file, milestone dates included: the merge
settles the dates the contact log decides first, then makes each record's `ours` the value
the file holds (review of session 6: `resolve --ours` kept a date the record called
absent)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ipstui.core.merge import merge_data

BASE: dict[str, Any] = {
    "schema": 1,
    "id": "P-0001",
    "name": "A",
    "specialist": "anna",
    "phase": "engagement",
    "phase_since": date(2026, 1, 1),
    "referral_source": "CSM",
    "referred_on": date(2026, 1, 1),
    "notes": "",
    "first_contact_on": date(2026, 1, 5),
    "contacts": [{"on": date(2026, 1, 5), "by": "anna", "kind": "participant", "note": ""}],
}


def _with(**fields: Any) -> dict[str, Any]:
    out = dict(BASE)
    for key, value in fields.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


@pytest.mark.parametrize(
    ("ours", "theirs", "field_after", "record"),
    [
        # Ours cleared it, theirs set an earlier date: the log puts 01-05 back in ours.
        (
            _with(first_contact_on=None),
            _with(first_contact_on=date(2026, 1, 3)),
            date(2026, 1, 5),
            {"ours": date(2026, 1, 5), "theirs": date(2026, 1, 3)},
        ),
        # Theirs cleared it, ours set an earlier date (hand-set, before any contact).
        (
            _with(first_contact_on=date(2026, 1, 3)),
            _with(first_contact_on=None),
            date(2026, 1, 3),
            {"ours": date(2026, 1, 3), "theirs": {}},
        ),
    ],
)
def test_a_record_names_the_value_the_merged_file_holds(
    ours: dict[str, Any], theirs: dict[str, Any], field_after: date, record: dict[str, Any]
) -> None:
    out = merge_data(BASE, ours, theirs, "c0ffee")
    assert out.get("first_contact_on") == field_after
    rec = out["conflicts"]["first_contact_on"]
    # The record never calls absent what the file holds.
    assert rec["ours"] == out["first_contact_on"]
    assert {k: rec[k] for k in ("ours", "theirs")} == record
