"""What the board shows, computed without Textual: one card per participant with its
most urgent deadline, grouped by phase, sorted by urgency, filtered."""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from ipstui.core.model import PHASES, Participant, Roster, Settings, Summary
from ipstui.core.rules import STATE_RANK, Deadline, participant_raw, state_of

_FAR = date.max


Card = tuple
"""One participant on the board: a plain tuple of atoms (str, int, bool, date, None and
plain tuples of those), its fields at the positions `F` names:

    (id, name, specialist, phase, urgent, open_deadlines, suspended, conflicts,
     haystack, sort_key)

`urgent` is the most urgent open deadline as a plain tuple of `rules.Deadline`'s fields
(`deadline_of` gives the `Deadline`), or None; `haystack` the lower-case text the filter
searches (id, name, specialist); `sort_key` the board's order, most urgent first.

Why a plain tuple and not a class: the app keeps one card per participant for its whole
life, 20,000 at 20,000 participants. Every full garbage collection walks every object it
tracks, and an instance of a class (a dataclass, a named tuple too) stays tracked
forever; CPython stops tracking a plain tuple of atoms at the first collection it
survives. So the cards cost the collections that stall the UI nothing (issue 13)."""


class F:
    """The positions of a card's fields (`Card`)."""

    ID = 0
    NAME = 1
    SPECIALIST = 2
    PHASE = 3
    URGENT = 4
    OPEN_DEADLINES = 5
    SUSPENDED = 6
    CONFLICTS = 7
    HAYSTACK = 8
    SORT_KEY = 9


_U_STATE = Deadline._fields.index("state")
"""The position of the state in a card's `urgent` tuple."""


def deadline_of(card: Card) -> Deadline | None:
    """The card's most urgent open deadline as a `Deadline` (None when nothing is due)."""
    u = card[F.URGENT]
    return None if u is None else Deadline._make(u)


def urgent_state(card: Card) -> str | None:
    """The state of the card's most urgent deadline (`rules` states), None when none."""
    u = card[F.URGENT]
    return None if u is None else u[_U_STATE]


def card_of(
    pid: str,
    name: str,
    specialist: str,
    phase: str,
    urgent: Deadline | None,
    open_deadlines: int,
    suspended: bool,
    conflicts: bool,
) -> Card:
    """A card from its fields (the haystack and sort key are derived here)."""
    if urgent is None:
        key: tuple = (1, _FAR, 9, pid)
        u = None
    else:
        key = (0, urgent.due, STATE_RANK[urgent.state], pid)
        u = tuple(urgent)
    haystack = f"{pid}\0{name}\0{specialist}".lower()
    return (pid, name, specialist, phase, u, open_deadlines, suspended, conflicts, haystack, key)


def make_card(p: Participant, settings: Settings, today: date) -> Card:
    """The card of one participant as of `today` (its most urgent deadline by `rules`)."""
    return _card(p.id, p.summary, participant_raw(p, settings), settings, today)


def _card(pid: str, summary: Summary, raw: tuple, settings: Settings, today: date) -> Card:
    name, specialist, phase, suspended, conflicts = summary
    urgent = None
    if raw:
        # Only the most urgent deadline is shown: pick it without building them all.
        rule, due, ref, what = min(raw, key=lambda r: (r[1], r[0], r[2] or 0))
        state = state_of(due, today, settings.due_soon_days)
        urgent = Deadline(pid, specialist, rule, due, state, ref, what)
    return card_of(pid, name, specialist, phase, urgent, len(raw), suspended, conflicts)


def make_cards(
    participants: Iterable[Participant] | Mapping[str, Participant],
    settings: Settings,
    today: date,
) -> dict[str, Card]:
    """pid -> card for every participant (`make_card`), of loaded participants or a
    snapshot's id -> participant mapping (a `Roster`'s cached rows are read without
    making a `Participant` for each)."""
    if isinstance(participants, Roster):
        roster = participants
        return {
            pid: _card(
                pid,
                summary,
                raw if raw is not None else participant_raw(roster[pid], settings),
                settings,
                today,
            )
            for pid, summary, raw in roster.deadline_rows()
        }
    if isinstance(participants, Mapping):
        participants = participants.values()
    return {p.id: make_card(p, settings, today) for p in participants}


_sort_key = itemgetter(F.SORT_KEY)


def by_phase(cards: Iterable[Card]) -> dict[str, list[Card]]:
    """Every card per phase (all phases), most urgent first: sorted once per change."""
    out: dict[str, list[Card]] = {ph: [] for ph in PHASES}
    for c in sorted(cards, key=_sort_key):
        col = out.get(c[F.PHASE])
        if col is not None:
            col.append(c)
    return out


def replace_card(
    sorted_by_phase: Mapping[str, list[Card]], old: Card | None, new: Card | None
) -> dict[str, list[Card]]:
    """`by_phase` output with one card replaced: only the touched lists are copied, and
    the new card goes where a full sort would put it (an edit need not re-sort 20,000)."""
    out = dict(sorted_by_phase)
    if old is not None and old[F.PHASE] in out:
        col = list(out[old[F.PHASE]])
        old_key = old[F.SORT_KEY]
        i = bisect.bisect_left(col, old_key, key=_sort_key)
        while i < len(col) and col[i] is not old and col[i][F.SORT_KEY] == old_key:
            i += 1
        if i < len(col) and col[i] is old:
            del col[i]
        else:  # not where expected: fall back to a scan
            col = [c for c in col if c is not old]
        out[old[F.PHASE]] = col
    if new is not None and new[F.PHASE] in out:
        col = list(out[new[F.PHASE]])
        bisect.insort(col, new, key=_sort_key)
        out[new[F.PHASE]] = col
    return out


def filtered(
    sorted_by_phase: Mapping[str, list[Card]],
    *,
    show_closed: bool = False,
    specialist: str | None = None,
    text: str = "",
) -> dict[str, list[Card]]:
    """`columns` over the output of `by_phase`: filtering only, order kept (one keystroke)."""
    phases = PHASES if show_closed else PHASES[:-1]
    needle = text.strip().lower()
    out: dict[str, list[Card]] = {}
    for ph in phases:
        col = sorted_by_phase.get(ph, [])
        if specialist:
            col = [c for c in col if c[F.SPECIALIST] == specialist]
        if needle:
            col = [c for c in col if needle in c[F.HAYSTACK]]
        out[ph] = col
    return out


class Narrowing:
    """`filtered` for one set of sorted columns as the user types, without scanning every
    card on every keystroke.

    A card that contains `"ann"` contains `"an"`: the cards matching a needle are among
    those matching any shorter needle it contains. So a keystroke that extends the text
    filters the last (smallest) remembered result that can hold the answer, not all
    20,000 cards; a backspace finds its earlier result remembered. The results are
    the same lists `filtered` returns, in the same order (filtering keeps order).

    `sorted_by_phase` is `by_phase`'s output and must not change while this is used:
    make a new `Narrowing` for new cards. At most `keep` results are remembered."""

    def __init__(self, sorted_by_phase: Mapping[str, list[Card]], keep: int = 32) -> None:
        self.source = sorted_by_phase
        self._keep = keep
        # (specialist, needle) -> phase -> the matching cards, most recently used last.
        self._memo: OrderedDict[tuple[str | None, str], dict[str, list[Card]]] = OrderedDict()

    def __call__(
        self, *, show_closed: bool = False, specialist: str | None = None, text: str = ""
    ) -> dict[str, list[Card]]:
        """The shown columns, as `filtered(sorted_by_phase, ...)` returns them."""
        phases = PHASES if show_closed else PHASES[:-1]
        needle = text.strip().lower()
        key = (specialist or None, needle)
        memo = self._memo.get(key)
        if memo is None:
            memo = self._memo[key] = {}
            if len(self._memo) > self._keep:
                self._memo.popitem(last=False)
        else:
            self._memo.move_to_end(key)
        out: dict[str, list[Card]] = {}
        for ph in phases:
            col = memo.get(ph)
            if col is None:
                col = memo[ph] = self._column(ph, key)
            out[ph] = col
        return out

    def _column(self, phase: str, key: tuple[str | None, str]) -> list[Card]:
        specialist, needle = key
        # The smallest remembered result that holds every answer: same specialist filter
        # (or, for the no-text result, none yet) and a needle contained in this one.
        start: list[Card] | None = None
        for (spec, prev), cols in self._memo.items():
            if spec != specialist or prev not in needle or (spec, prev) == key:
                continue
            col = cols.get(phase)
            if col is not None and (start is None or len(col) < len(start)):
                start = col
        if start is None:
            start = self.source.get(phase, [])
            if specialist:
                start = [c for c in start if c[F.SPECIALIST] == specialist]
        if needle:
            col = [c for c in start if needle in c[F.HAYSTACK]]
            # Nothing left out: the same list, so the board sees at once it is unchanged.
            return start if len(col) == len(start) else col
        return start


def caseload_sizes(cards: Iterable[Card], settings: Settings) -> dict[str, tuple[int, int]]:
    """specialist -> (non-closed participants, max_caseload), team order first."""
    counts: dict[str, int] = {k: 0 for k in settings.team}
    for c in cards:
        if c[F.PHASE] != "closed":
            counts[c[F.SPECIALIST]] = counts.get(c[F.SPECIALIST], 0) + 1
    return {k: (n, settings.max_for(k)) for k, n in counts.items()}


def state_counts(cards: Iterable[Card]) -> Mapping[str, int]:
    out = {"overdue": 0, "due_soon": 0}
    for c in cards:
        u = c[F.URGENT]
        if u is not None and u[_U_STATE] in out and c[F.PHASE] != "closed":
            out[u[_U_STATE]] += 1
    return out


def needs_decision(cards: Iterable[Card]) -> int:
    """How many of `cards` need a decision after a sync (the ones the board marks ⚑)."""
    return sum(1 for c in cards if c[F.CONFLICTS])


@dataclass(frozen=True, slots=True)
class BoardSummary:
    """What the board shows that depends only on the cards, not on the filters.

    `counts` are **participants**, not deadlines: each open participant is counted once,
    by the state of their most urgent deadline (a participant with one overdue and one
    due-soon deadline counts as overdue). The agenda counts deadlines; the two screens
    say which they count."""

    of: Mapping[str, Card]
    """The cards this summary was computed from (identity tells whether it is current)."""
    by_phase: Mapping[str, list[Card]]
    """Every card per phase, most urgent first (`by_phase`)."""
    counts: Mapping[str, int]
    """Open participants by the state of their most urgent deadline (`state_counts`)."""
    sizes: Mapping[str, tuple[int, int]]
    """specialist -> (open participants, max_caseload) (`caseload_sizes`)."""
    open: int
    """Participants not closed."""
    conflicts: int = 0
    """Participants whose record needs a decision after a sync (the cards marked ⚑),
    closed ones included (`needs_decision`)."""


def summarize(cards: Mapping[str, Card], settings: Settings) -> BoardSummary:
    """The summary of every card, computed in full (one sort)."""
    values = list(cards.values())
    return BoardSummary(
        of=cards,
        by_phase=by_phase(values),
        counts=state_counts(values),
        sizes=caseload_sizes(values, settings),
        open=sum(1 for c in values if c[F.PHASE] != "closed"),
        conflicts=needs_decision(values),
    )


def resummarize(
    before: BoardSummary, cards: Mapping[str, Card], pid: str, settings: Settings
) -> BoardSummary:
    """`before` updated for one participant whose card changed (or appeared, or went):
    `cards` is `before.of` with only `pid` replaced. No re-sort of the other cards."""
    old, new = before.of.get(pid), cards.get(pid)
    counts = dict(before.counts)
    sizes = dict(before.sizes)
    opened = before.open
    conflicts = before.conflicts
    for sign, card in ((-1, old), (1, new)):
        if card is None:
            continue
        conflicts += sign * needs_decision([card])
        for k, n in state_counts([card]).items():
            counts[k] += sign * n
        if card[F.PHASE] != "closed":
            spec = card[F.SPECIALIST]
            n, mx = sizes.get(spec, (0, settings.max_for(spec)))
            sizes[spec] = (n + sign, mx)
            opened += sign
    return BoardSummary(
        of=cards,
        by_phase=replace_card(before.by_phase, old, new),
        counts=counts,
        sizes=sizes,
        open=opened,
        conflicts=conflicts,
    )


def resolve_id(text: str, ids: Iterable[str]) -> str | None:
    """The participant id a person typed to go to one: the exact id, the id in another
    case (`p-0007`), or the number alone (`60` and `0060` find `P-0060`; `7` finds
    `P-0007`). None when nothing matches, or when a number matches more than one id
    (`60` with both `P-0060` and `E-0060`): the caller then says so.

    The number is compared as a number, so leading zeros never matter."""
    text = text.strip()
    if not text:
        return None
    pool = list(ids)
    if text in pool:
        return text
    low = text.lower()
    for pid in pool:
        if pid.lower() == low:
            return pid
    if text.isdigit():
        want = int(text)
        hits = [pid for pid in pool if _number(pid) == want]
        if len(hits) == 1:
            return hits[0]
    return None


def _number(pid: str) -> int | None:
    """The trailing number of an id (`P-0060` -> 60), None without one."""
    digits = ""
    for ch in reversed(pid):
        if not ch.isdigit():
            break
        digits = ch + digits
    return int(digits) if digits else None
