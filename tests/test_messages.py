"""Commit messages keep sensitive values out (SPEC §5): free text never, the values of
disclosure and suspension.reason never (the field is named), the fields that
`[privacy] message_values` names never, and a referral source only from the team's list."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ipstui.core.changes import commit_message
from ipstui.core.model import Settings

BASE: dict[str, Any] = {
    "schema": 1,
    "id": "P-0007",
    "name": "Giulia R.",
    "specialist": "anna",
    "phase": "job_search",
    "phase_since": date(2026, 10, 2),
    "referral_source": "CSM",
    "disclosure": "undecided",
    "notes": "",
    "jobs": [
        {"employer": "Coop", "start": date(2026, 11, 2), "hours_per_week": 20, "competitive": True}
    ],
}
TEAM = Settings.from_dict(
    {"schema": 1, "name": "T", "referral_sources": ["CSM", "Self"], "team": {"anna": {"name": "A"}}}
)


def with_(**fields: Any) -> dict[str, Any]:
    return {**BASE, **fields}


def privacy(*fields: str) -> Settings:
    return Settings.from_dict(
        {
            "schema": 1,
            "name": "T",
            "referral_sources": ["CSM"],
            "privacy": {"message_values": list(fields)},
        }
    )


SUSPENDED = with_(suspension={"since": date(2026, 11, 1), "reason": "relapse"})
ESCAPED = "Friend \x1b]0;pwned\x07"

# (case, old, new, settings, exact subject, lines the body holds, text never in the message)
CASES = [
    (
        "suspend",
        BASE,
        SUSPENDED,
        TEAM,
        "P-0007: suspend",
        ["suspension.since: (none) -> 2026-11-01", "suspension.reason: changed"],
        ["relapse"],
    ),
    (
        "resume",
        SUSPENDED,
        BASE,
        TEAM,
        "P-0007: resume",
        ["suspension.since: 2026-11-01 -> (none)", "suspension.reason: changed"],
        ["relapse"],
    ),
    (
        "suspension reason edited",
        SUSPENDED,
        with_(suspension={"since": date(2026, 11, 1), "reason": "request"}),
        TEAM,
        "P-0007: edit suspension",
        ["suspension.reason: changed"],
        ["relapse", "request"],
    ),
    (
        "disclosure",
        BASE,
        with_(disclosure="yes"),
        TEAM,
        "P-0007: set disclosure",
        ["disclosure: changed"],
        ["undecided", "yes"],
    ),
    (
        "listed referral source",
        BASE,
        with_(referral_source="Self"),
        TEAM,
        "P-0007: referral_source CSM -> Self",
        ["referral_source: CSM -> Self"],
        [],
    ),
    (
        "unlisted referral source is free text",
        BASE,
        with_(referral_source=ESCAPED),
        TEAM,
        "P-0007: set referral_source",
        ["referral_source: changed"],
        ["Friend", "\x1b", "CSM"],
    ),
    (
        "referral source without the team's settings",
        BASE,
        with_(referral_source="Self"),
        None,
        "P-0007: set referral_source",
        ["referral_source: changed"],
        ["Self"],
    ),
    (
        "message_values hides the phase",
        BASE,
        with_(phase="follow_up", phase_since=date(2026, 11, 20)),
        privacy("phase"),
        "P-0007: phase changed",
        ["phase: changed", "phase_since: 2026-10-02 -> 2026-11-20"],
        ["job_search", "follow_up"],
    ),
    (
        "message_values hides a list entry's field",
        BASE,
        with_(jobs=[{**BASE["jobs"][0], "hours_per_week": 30}]),
        privacy("jobs.hours_per_week"),
        "P-0007: edit job",
        ["jobs[0].hours_per_week: changed"],
        ["20", "30"],
    ),
    (
        "notes never",
        BASE,
        with_(notes="call back \x1b[2J"),
        TEAM,
        "P-0007: set notes",
        ["notes: changed"],
        ["call back", "\x1b"],
    ),
]


@pytest.mark.parametrize(
    "old, new, settings, subject, lines, never",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_sensitive_values_stay_out_of_messages(
    old: dict,
    new: dict,
    settings: Settings | None,
    subject: str,
    lines: list[str],
    never: list[str],
) -> None:
    message, _ = commit_message("P-0007", old, new, settings)
    body = message.splitlines()
    assert body[0] == subject
    for line in lines:
        assert line in body
    for text in never:
        assert text not in message


def test_new_participant_quotes_only_a_listed_source() -> None:
    listed, _ = commit_message("P-0007", None, BASE, TEAM)
    assert "referral_source: (none) -> CSM" in listed.splitlines()
    free, _ = commit_message("P-0007", None, with_(referral_source=ESCAPED), TEAM)
    assert "Friend" not in free and "\x1b" not in free
    assert "undecided" not in listed  # disclosure never
