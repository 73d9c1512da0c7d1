"""The words and marks a person reads, in one place for the app and the CLI: state
symbols and words, readable labels of stored codes, team options, and text fitted to
a width measured in terminal cells (SPEC §9: CJK and emoji are two cells wide).

No Textual here (the core stays headless); key hints read from the live bindings are
in `ipstui.ui.keys`.

One symbol per state, never colour alone (SPEC §9, STYLE "never colour alone"):

| state            | symbol | word             |
|------------------|--------|------------------|
| overdue          | ✖      | overdue          |
| due soon         | ▲      | due soon         |
| upcoming         | ·      | upcoming         |
| suspended        | ⏸      | suspended        |
| needs a decision | ⚑      | needs a decision |
| uncommitted edit | ✎      | uncommitted      |
| problem          | ⚠      | problem          |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from ipstui.core.i18n import N_, Labels, _, current_language, pgettext
from ipstui.core.model import PHASE_LABELS, RULE_LABELS
from ipstui.core.rules import DUE_SOON, OVERDUE, UPCOMING

SUSPENDED = "suspended"
NEEDS_DECISION = "needs_decision"
UNCOMMITTED = "uncommitted"
PROBLEM = "problem"

SYMBOL: Mapping[str, str] = {
    OVERDUE: "✖",
    DUE_SOON: "▲",
    UPCOMING: "·",
    SUSPENDED: "⏸",
    NEEDS_DECISION: "⚑",
    UNCOMMITTED: "✎",
    PROBLEM: "⚠",
}
"""The one mark of each state, in the app and in the CLI's human output."""

STATE_WORD: Labels = Labels(
    {
        OVERDUE: N_("overdue"),
        DUE_SOON: N_("due soon"),
        UPCOMING: N_("upcoming"),
        SUSPENDED: N_("suspended"),
        NEEDS_DECISION: N_("needs a decision"),
        UNCOMMITTED: N_("uncommitted"),
        PROBLEM: N_("problem"),
    }
)
"""The word of each state, shown beside its symbol."""

ELLIPSIS = "…"

# ------------------------------------------------------------------ readable labels

CONTACT_KIND_LABELS: Labels = Labels(
    {
        "meeting": N_("Meeting"),
        "phone": N_("Phone call"),
        "message": N_("Message (text, email)"),
        "outreach": N_("Outreach"),
        "employer": N_("Employer contact"),
        "team": N_("Team meeting"),
        "family": N_("Family"),
        "benefits": N_("Benefits counselling"),
    }
)
CLOSURE_REASON_LABELS: Labels = Labels(
    {
        "request": N_("At the participant's request"),
        "job_no_further_support": N_("Working, no further support needed"),
        "criteria_not_met": N_("Eligibility criteria not met"),
        "shared_decision": N_("Shared decision"),
        "moved": N_("Moved away"),
        "other": N_("Other"),
    }
)
SUSPENSION_REASON_LABELS: Labels = Labels(
    {
        "request": N_("At the participant's request"),
        "team_decision": N_("Team decision"),
        "relapse": N_("Relapse"),
        "other": N_("Other"),
    }
)
DISCLOSURE_LABELS: Labels = Labels(
    {
        "yes": N_("Yes: employers may be told"),
        "no": N_("No: employers are not told"),
        "undecided": N_("Undecided"),
    }
)
SUPPORT_MODE_LABELS: Labels = Labels(
    {
        "direct": N_("Direct: the specialist meets employers with the participant"),
        "behind_the_scenes": N_("Behind the scenes"),
    }
)

FIELD_LABELS: Labels = Labels(
    {
        "name": N_("Name (or pseudonym)"),
        "specialist": N_("Employment specialist"),
        "phase": N_("Phase"),
        "phase_since": N_("In this phase since"),
        "referral_source": N_("Referred by"),
        "referred_on": N_("Referred on"),
        "first_contact_on": N_("First contact on"),
        "enrolled_on": N_("Enrolled on (starts job-search clock)"),
        "first_employer_contact_on": N_("First employer contact on"),
        "benefits_counseling_on": N_("Latest benefits counselling"),
        "career_profile_updated_on": N_("Career profile updated on"),
        "disclosure": N_("Disclosure (the participant decides)"),
        "support_mode": N_("Type of support"),
        "goals": N_("Goals (comma-separated)"),
        "strengths": N_("Strengths (comma-separated)"),
        "notes": N_("Notes"),
    }
)
"""The label of each top-level field of a participant file (SPEC §2) a person edits:
the Details tab's labels, and the names dialogs and messages give a field."""

PART_LABELS: Labels = Labels(
    {
        "schema": N_("Schema version"),
        "id": N_("Id"),
        "suspension": N_("Suspension"),
        "closure": N_("Closure"),
        "conflicts": N_("Decisions needed"),
        "contacts": N_("Contacts"),
        "jobs": N_("Jobs"),
        "tasks": N_("Tasks"),
    }
)
"""The label of every other key of a participant file ipstui writes (the tables and
lists of SPEC §2, the id and schema), as a message names it: "changed outside this
screen (Name, Contacts)" must say Contatti in Italian too (trial 7, item 11). With
FIELD_LABELS it covers `model.KNOWN_KEYS`; only a team's own `x_` keys fall back to the
key made readable."""

EMPLOYER_FIELD_LABELS: Labels = Labels(
    {
        "name": N_("Name"),
        "sector": N_("Sector"),
        "contact_person": N_("Contact person"),
        "notes": N_("Notes"),
    }
)
"""The label of each top-level field of an employer file (SPEC §11) a person edits."""

VALUE_LABELS: Mapping[str, Labels] = {
    "phase": PHASE_LABELS,
    "disclosure": DISCLOSURE_LABELS,
    "support_mode": SUPPORT_MODE_LABELS,
}
"""The label table of each coded top-level field, by field name."""


def field_label(name: str) -> str:
    """The label of field `name` in the current language (`FIELD_LABELS`, or
    `PART_LABELS` for a list or table such as `contacts`), else the name made readable
    (a team's own `x_hours` -> `X hours`)."""
    return readable(name, FIELD_LABELS if name in FIELD_LABELS else PART_LABELS)


def field_word(name: str) -> str:
    """The label of field `name` as a message names it: `field_label` without the hint
    in its final parentheses (`Enrolled on (starts job-search clock)` -> `Enrolled on`,
    in every language whose label keeps the hint in parentheses)."""
    label = field_label(name)
    if label.endswith(")") and " (" in label:
        label = label[: label.rindex(" (")]
    return label


def field_value(name: str, value: Any) -> Any:
    """`value` of field `name` as a person reads it: a stored code of a coded field
    (`VALUE_LABELS`) becomes its label in the current language; anything else is
    returned unchanged (for `show_value`)."""
    labels = VALUE_LABELS.get(name)
    if labels is not None and isinstance(value, str) and value in labels:
        return labels[value]
    return value


def readable(code: str, labels: Mapping[str, str] | None = None) -> str:
    """The label of a stored code in the current language: from `labels` (a `Labels`
    table, or a plain dict of `N_()`-marked English labels, translated here), else the
    code made readable (`team_decision` -> `Team decision`, untranslated: a code the
    tables do not know has no catalog entry)."""
    if labels and code in labels:
        return labels[code] if isinstance(labels, Labels) else _(labels[code])
    return code.replace("_", " ").capitalize()


def options(codes: Iterable[str], labels: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, code) pairs, in the order of `codes`, for a choice list."""
    return [(readable(c, labels), c) for c in codes]


def team_label(key: str, name: str | None) -> str:
    """`Anna Bianchi (anna)`, or just the key when the name adds nothing."""
    return f"{name} ({key})" if name and name != key else key


def team_options(team: Mapping[str, object]) -> list[tuple[str, str]]:
    """(label, key) for every specialist of `settings.team` (values with a `.name`),
    in the team's order: the one list every specialist chooser shows."""
    return [(team_label(k, getattr(s, "name", None)), k) for k, s in team.items()]


def state_mark(state: str) -> str:
    """`✖ overdue`: the symbol and the word together (for headers and legends)."""
    return f"{SYMBOL[state]} {STATE_WORD[state]}"


def short_words(due: date, today: date) -> str:
    """The day count alone, for narrow places: `8d late`, `today`, `in 2d`."""
    days = (due - today).days
    if days < 0:
        return _("{n}d late").format(n=-days)
    if days == 0:
        return _("today")
    return _("in {n}d").format(n=days)


def deadline_line(
    symbol: str, words: str, short: str, rule: str, others: int, days: int, width: int
) -> str:
    """A deadline in at most `width` cells, worded by the width alone (issue 13, trial 9:
    cards side by side read `· due in 4d` and `· in 4d`, `✖ 4d late` and `✖ 4d`, as each
    card took the longest words its own text allowed).

    The wordings, longest first: `✖ 4d overdue · first contact`, `✖ 4d overdue`,
    `✖ 4d late`, `✖ 4d`. The width picks one for every deadline: the longest whose widest
    case fits (two-digit day counts; the rule's label gets what is left, cut with `…`,
    and at least `RULE_ROOM` cells), so cards of one width read alike; the count of
    other open deadlines (`+1`) follows where it fits. A deadline
    wider than its wording's widest case (a three-digit count) takes the next that fits.
    `words` is the long day phrase (`4d overdue`, `Deadline.words`), `short` the short
    one (`short_words`), `rule` the rule's label, `others` the number of other open
    deadlines, `days` the day count (negative: late)."""
    more = f" +{others}" if others > 0 else ""
    start = _form_for_width(width, current_language())
    if start == 0:
        head = f"{symbol} {words} · "
        room = width - cells(head) - cells(more)
        if room >= RULE_ROOM:  # the rule, cut with `…` (the status line has it whole)
            return head + fit(rule, room, pad=False) + more
        start = 1
    forms = (f"{symbol} {words}", f"{symbol} {short}", f"{symbol} {days_short(abs(days))}")
    for text in forms[start - 1 :]:
        if cells(text + more) <= width:
            return text + more
        if cells(text) <= width:
            return text
    return fit(forms[-1], width, pad=False)


def days_short(n: int) -> str:
    """A number of days at the narrowest: `4d`."""
    return pgettext("a number of days at the narrowest, e.g. 4d", "{n}d").format(n=n)


RULE_ROOM = 8
"""The fewest cells a card gives the rule's label (`deadline_line`); less: no rule."""


@lru_cache(maxsize=512)
def _form_for_width(width: int, language: str) -> int:
    """The index of the longest form of `deadline_line` whose widest case fits `width`
    in `language` (the current one; a key of the cache)."""
    sym = "✖"
    wide_words = max(
        cells(_("{n}d overdue").format(n=99)),
        cells(_("due in {n}d").format(n=99)),
        cells(_("due today")),
    )
    wide_short = max(
        cells(_("{n}d late").format(n=99)), cells(_("in {n}d").format(n=99)), cells(_("today"))
    )
    wide_rule = max((cells(RULE_LABELS.get(k, k).lower()) for k in RULE_LABELS), default=0)
    widest = (
        cells(sym) + 1 + wide_words + 3 + min(wide_rule, RULE_ROOM + 4),
        cells(sym) + 1 + wide_words,
        cells(sym) + 1 + wide_short,
    )
    for i, need in enumerate(widest):
        if need <= width:
            return i
    return len(widest)


# ------------------------------------------------------------------ widths in cells


def fit(text: str, width: int, *, pad: bool = True) -> str:
    """`text` in exactly `width` terminal cells (at most, with `pad=False`): cut with a
    final `…` when longer (right after the last character kept: never a space before
    it), padded with spaces when shorter.

    Widths are cells, not characters (a CJK character or an emoji is two cells; a family
    emoji joined by zero-width joiners is one grapheme and is never split). A wide
    character that does not fit beside the `…` is replaced by a space."""
    if width <= 0:
        return ""
    size = cell_len(text)
    if size <= width:
        return text + " " * (width - size) if pad else text
    t = Text(text, end="")
    t.truncate(width, overflow="ellipsis", pad=False)
    out = t.plain
    # A cut never leaves a space before the `…` ("Job …" reads as a word "Job" and an
    # unrelated mark): what the cut left at the end of the kept part goes, the `…` moves
    # up to the last letter kept (trial 8, item 11).
    if out.endswith("…"):
        kept = out[:-1].rstrip()
        out = kept + "…" if kept else "…"
    return out + " " * (width - cell_len(out)) if pad else out


def cells(text: str) -> int:
    """The width of `text` in terminal cells."""
    return cell_len(text)


def who(pid: str, name: str | None = None) -> str:
    """The participant a dialog acts on, as its title names them: `P-0007 Giulia R.`."""
    return f"{pid} {name}" if name else pid
