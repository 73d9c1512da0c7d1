"""The board's pure part: cards, urgency order, filters, caseload sizes."""

from __future__ import annotations

from datetime import date

from ipstui.core.board import (
    F,
    Narrowing,
    by_phase,
    caseload_sizes,
    deadline_of,
    filtered,
    make_card,
    state_counts,
)
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
    assert [c[F.ID] for c in cols["intake"]] == ["P-1", "P-4", "P-2", "P-3"]
    assert [deadline_of(c).words(TODAY) for c in cols["intake"][:3]] == [
        "8d overdue",
        "4d overdue",
        "due in 3d",
    ]
    assert filtered(by_phase(CARDS), show_closed=True)["closed"][0][F.ID] == "P-5"


def test_filters_keep_order() -> None:
    sorted_cols = by_phase(CARDS)
    assert [c[F.ID] for c in filtered(sorted_cols, text="  SAGA ")["intake"]] == ["P-4"]
    assert [c[F.ID] for c in filtered(sorted_cols, text="p-")["intake"]] == [
        "P-1",
        "P-4",
        "P-2",
        "P-3",
    ]
    assert [c[F.ID] for c in filtered(sorted_cols, specialist="anna")["intake"]] == [
        "P-1",
        "P-4",
        "P-3",
    ]
    assert [c[F.ID] for c in filtered(sorted_cols, specialist="anna", text="elin")["intake"]] == [
        "P-3"
    ]
    assert filtered(sorted_cols, text="nobody")["intake"] == []


# What a person types, one state per keystroke: (text, specialist, show_closed).
TYPING = [
    ("", None, False),
    ("p", None, False),
    ("p-", None, False),  # extends: narrowed from "p"
    ("p-4", None, False),
    ("p-", None, False),  # backspace: remembered
    ("p-", "anna", False),  # another specialist filter: not narrowed from the others
    ("p-3", "anna", False),
    ("p-3", None, False),
    ("saga", None, False),  # not an extension of the last text
    ("SAGA ", None, True),  # case and spaces; the closed column appears
    ("o", None, True),
    ("on", None, True),
    ("one", None, True),
    ("nobody", None, True),
    ("", "mette", True),
    ("", None, True),
    ("", None, False),
]


def test_narrowing_gives_what_filtering_everything_gives_at_every_keystroke() -> None:
    """The incremental filter of a typed text (each keystroke narrowing the last result,
    a backspace going back to a remembered one) shows exactly what filtering every card
    shows, in the same order."""
    cols = by_phase(CARDS)
    narrowing = Narrowing(cols, keep=4)  # small: the forgetting is exercised too
    for text, specialist, closed in TYPING:
        want = filtered(cols, show_closed=closed, specialist=specialist, text=text)
        got = narrowing(show_closed=closed, specialist=specialist, text=text)
        assert {ph: [c[F.ID] for c in col] for ph, col in got.items()} == {
            ph: [c[F.ID] for c in col] for ph, col in want.items()
        }, (text, specialist, closed)


def test_narrowing_searches_the_last_result_not_every_card() -> None:
    """Extending the text filters the previous result: a card that did not match "p-4"
    is never looked at again for "p-4x" (counted by a haystack that records reads)."""
    cols = by_phase(CARDS)
    narrowing = Narrowing(cols)
    narrowing(text="p-4")
    again = narrowing(text="p-4")
    assert again["intake"] is narrowing(text="p-4")["intake"]  # remembered, same list
    read: list[str] = []

    class Spy(str):
        def __contains__(self, needle: object) -> bool:
            read.append(str(self))
            return super().__contains__(needle)

    for ph, col in narrowing._memo[(None, "p-4")].items():
        narrowing._memo[(None, "p-4")][ph] = [
            (*c[: F.HAYSTACK], Spy(c[F.HAYSTACK]), *c[F.HAYSTACK + 1 :]) for c in col
        ]
    narrowing(text="p-4 ")  # spaces are stripped: the same needle, remembered
    narrowing(text="p-4s")
    assert len(read) == 1  # only P-4's card was searched


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


def test_cards_cost_a_full_garbage_collection_nothing() -> None:
    """The app keeps one card per participant for its whole life: each must be a plain
    tuple of atoms, which CPython stops tracking once it survives a collection (a class
    instance, a named tuple too, is walked by every full collection: issue 13)."""
    import gc

    data = dict(_p("P-6", "job_search", "anna", date(2026, 11, 1), "Sus P.").data)
    data["suspension"] = {"since": date(2026, 10, 1), "reason": "request"}
    people = [*PEOPLE, Participant("P-6", data, "participants/P-6.toml", "0" * 40)]
    cards = [make_card(p, SETTINGS, TODAY) for p in people]
    assert any(c[F.URGENT] is None for c in cards) and any(c[F.URGENT] for c in cards)
    assert cards[-1][F.SUSPENDED]
    for _ in range(3):  # one collection per level of nested tuples (card, urgent)
        gc.collect()
    for p, card in zip(people, cards, strict=True):
        assert type(card) is tuple and not gc.is_tracked(card), p.id
