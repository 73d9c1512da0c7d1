"""The board's pure part: cards, urgency order, filters, caseload sizes."""

from __future__ import annotations

from datetime import date

from ipstui.core.board import by_phase, caseload_sizes, filtered, make_card, state_counts
from ipstui.core.model import Participant, Settings

TODAY = date(2026, 11, 16)
SETTINGS = Settings.from_dict(
    {"team": {"anna": {"name": "Anna"}, "mette": {"name": "Mette", "max_caseload": 1}}}
)


def _p(
    pid: str, phase: str, specialist: str, referred: date | None = None, name: str = ""
) -> Participant:
    data = {
        "schema": 1,
        "id": pid,
        "name": name or pid,
        "specialist": specialist,
        "phase": phase,
        "phase_since": date(2026, 1, 1),
    }
    if referred:
        data["referred_on"] = referred
    if phase == "closed":
        data["closure"] = {"on": date(2026, 2, 1), "reason": "moved"}
    return Participant(pid, data, f"participants/{pid}.toml", "0" * 40)


PEOPLE = [
    _p("P-1", "intake", "anna", date(2026, 11, 1), "Giulia R."),  # first contact due 11-08: overdue
    _p("P-2", "intake", "mette", date(2026, 11, 12), "Mads K."),  # due 11-19: due soon
    _p("P-3", "intake", "anna", None, "Elin S."),  # nothing due
    _p(
        "P-4", "intake", "anna", date(2026, 11, 5), "Saga M."
    ),  # due 11-12: overdue, more than P-1? no
    _p("P-5", "closed", "mette", date(2026, 1, 1), "Closed One"),
]
CARDS = [make_card(p, SETTINGS, TODAY) for p in PEOPLE]


def test_columns_sorted_by_urgency_and_closed_hidden() -> None:
    cols = filtered(by_phase(CARDS))
    assert "closed" not in cols
    assert [c.id for c in cols["intake"]] == ["P-1", "P-4", "P-2", "P-3"]
    assert [c.urgent.words(TODAY) for c in cols["intake"][:3]] == [
        "8d overdue",
        "4d overdue",
        "due in 3d",
    ]
    assert filtered(by_phase(CARDS), show_closed=True)["closed"][0].id == "P-5"


def test_filters_keep_order() -> None:
    sorted_cols = by_phase(CARDS)
    assert [c.id for c in filtered(sorted_cols, text="  SAGA ")["intake"]] == ["P-4"]
    assert [c.id for c in filtered(sorted_cols, text="p-")["intake"]] == [
        "P-1",
        "P-4",
        "P-2",
        "P-3",
    ]
    assert [c.id for c in filtered(sorted_cols, specialist="anna")["intake"]] == [
        "P-1",
        "P-4",
        "P-3",
    ]
    assert [c.id for c in filtered(sorted_cols, specialist="anna", text="elin")["intake"]] == [
        "P-3"
    ]
    assert filtered(sorted_cols, text="nobody")["intake"] == []


def test_caseload_sizes_and_counts() -> None:
    assert caseload_sizes(CARDS, SETTINGS) == {"anna": (3, 20), "mette": (1, 1)}
    assert state_counts(CARDS) == {"overdue": 2, "due_soon": 1}


def test_replacing_one_card_equals_a_full_sort() -> None:
    from ipstui.core.board import replace_card

    base = by_phase(CARDS)
    moved = make_card(
        _p("P-2", "engagement", "mette", date(2026, 11, 12), "Mads K."), SETTINGS, TODAY
    )
    later = make_card(_p("P-1", "intake", "anna", None, "Giulia R."), SETTINGS, TODAY)
    for old, new in ((CARDS[1], moved), (CARDS[0], later), (None, moved), (CARDS[3], None)):
        after = [c for c in CARDS if c is not old] + ([new] if new is not None else [])
        assert replace_card(base, old, new) == by_phase(after)
    assert by_phase(CARDS) == base  # the input lists are never changed in place
