"""The Reports screen (SPEC §8, §9): one quarter's outcome figures, the per-specialist
table, the team's employment rate over the last quarters and referrals per year, with
export to CSV. Every figure comes from `ipstui.core.report`; this module only draws."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.visual import visualize
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static
from textual.worker import get_current_worker

from ipstui.core.i18n import N_, _, ngettext, percent
from ipstui.core.model import Settings
from ipstui.core.report import (
    RAPID_SEARCH_DAYS,
    Participants,
    Prepared,
    Quarter,
    QuarterOutcome,
    Report,
    compute,
    fmt_rate,
    prepare,
    prepare_loaded,
    quarter_of,
    rate_series,
)
from ipstui.core.service import ExportRefusal, export_target_refusal
from ipstui.core.termsafe import escape
from ipstui.core.vocab import PROBLEM, SYMBOL
from ipstui.ui.keys import TranslatedBindings
from ipstui.ui.messages import ExportRefused, ReportExported
from ipstui.ui.onapp import FollowsCaseload
from ipstui.ui.screens.forms.confirm import ConfirmDialog
from ipstui.ui.widgets.footer import KeysFooter
from ipstui.ui.widgets.inputs import OneLineInput

CHART_QUARTERS = 8
BAR_WIDTH = 16
FULL, TRACK, REST, EMPTY = "█", "░", "▒", "·"
# IPS Employment Center benchmarks for the quarterly employment rate (DOMAIN.md), shown
# in the language's percent format (`i18n.percent`), as every rate on the screen is.
BENCHMARKS = N_("IPS benchmarks: {minimal} minimal,\n{average} average, {excellent} excellent")
BENCHMARK_RATES = {"minimal": 0.31, "average": 0.41, "excellent": 0.50}


def bar(fraction: float | None, width: int = BAR_WIDTH) -> str:
    """A text bar `width` cells wide, filled to `fraction` (dots when there is no value)."""
    if fraction is None:
        return EMPTY * width
    filled = round(min(max(fraction, 0.0), 1.0) * width)
    return FULL * filled + TRACK * (width - filled)


TABLE_GAP = "  "
"""Between two columns of a `text_table`."""


MIN_CUT = 4
"""The fewest cells a left-aligned column of a `text_table` is cut down to (a year, or a
name's first letters and "…")."""


def table_widths(headers: Sequence[str], rows: Sequence[Sequence[Text]]) -> list[int]:
    """Each column's width in terminal cells (Rich's `cell_len`, not characters): its
    widest cell, the header included."""
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell.cell_len)
    return widths


def table_width(widths: Sequence[int]) -> int:
    """The cells a table's line takes with these column widths, the gaps included."""
    return sum(widths) + cell_len(TABLE_GAP) * max(len(widths) - 1, 0)


def fit(widths: Sequence[int], right: set[int], limit: int | None) -> list[int]:
    """`widths` narrowed until the table fits in `limit` cells: the widest left-aligned
    column (a name, a source, a text) loses a cell at a time, never below MIN_CUT; the
    right-aligned figures are never cut. Unchanged when it fits or `limit` is None."""
    out = list(widths)
    if limit is None:
        return out
    over = table_width(out) - limit
    while over > 0:
        cuttable = [i for i in range(len(out)) if i not in right and out[i] > MIN_CUT]
        if not cuttable:
            break
        widest = max(cuttable, key=lambda i: out[i])
        out[widest] -= 1
        over -= 1
    return out


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Text]],
    right: set[int],
    limit: int | None = None,
) -> Text:
    """A read-only table as lines of text: a bold header line, then one line per row,
    each column as wide (in terminal cells) as its widest cell, the columns numbered in
    `right` aligned right. Wider than `limit` cells, its left-aligned columns are narrowed
    (`fit`) and a cell that no longer fits ends in "…" (SPEC §9): a row is never wrapped
    onto a second line. Why not a `DataTable`: these tables never scroll, focus or
    select, and a DataTable's widgets and per-cell rendering made up a good part of the
    frame that draws the Reports screen at 20,000 participants (issue 13)."""
    widths = fit(table_widths(headers, rows), right, limit)
    out = Text(no_wrap=True, end="")

    def line(cells: Sequence[Text]) -> None:
        for i, cell in enumerate(cells):
            if cell.cell_len > widths[i]:
                cell = cell.copy()
                cell.truncate(widths[i], overflow="ellipsis")
            pad = " " * (widths[i] - cell.cell_len)
            if i:
                out.append(TABLE_GAP)
            if i in right:
                out.append(pad)
            out.append_text(cell)
            if i not in right and i < len(cells) - 1:
                out.append(pad)

    line([Text(h, style="bold") for h in headers])
    for row in rows:
        out.append("\n")
        line(row)
    return out


def text_width(text: Text | str) -> int:
    """The widest line of `text` in terminal cells (Rich's `cell_len`)."""
    plain = text.plain if isinstance(text, Text) else text
    return max((cell_len(line) for line in plain.splitlines()), default=0)


def inner_width(widget: Widget) -> int:
    """Cells across `widget`'s content as last laid out (its size less padding and
    border). Unlike `content_size`, also while it is hidden (`visible` false): Textual
    keeps a hidden widget's size but not its place on screen, and the Reports page is
    hidden while a quarter's figures are computed."""
    return max(widget.outer_size.width - widget.styles.gutter.width, 0)


def room(widget: Static, content: object) -> tuple[int | None, int] | None:
    """The room `content` takes in `widget` as laid out now, by Textual's own measure:
    (its width when the widget is as wide as its content, else None; its height at the
    widget's width). None while the widget has no width (not laid out yet)."""
    width = inner_width(widget)
    if width <= 0:
        return None
    visual = visualize(widget, content)
    rules = widget.styles
    auto = rules.width is not None and rules.width.is_auto
    parent = widget.parent
    room_across = inner_width(parent) if isinstance(parent, Widget) else width
    return (
        visual.get_optimal_width(rules, room_across) if auto else None,
        visual.get_height(rules, width),
    )


def put(
    widget: Static,
    text: Text,
    measure: Callable[[Static, object], tuple[int | None, int] | None] = room,
) -> None:
    """`widget.update(text)`, with no layout pass of the page when `text` takes the room
    the content it replaces takes (`room`, or the `measure` given, e.g. one that
    remembers). Why: back on the current quarter after another, a layout of the whole
    page made up half of the frame that shows it again (issue 13), and the figures of
    another quarter mostly keep their shape."""
    before = measure(widget, widget.content)
    same = before is not None and before == measure(widget, text)
    widget.update(text, layout=not same)


def chart_text(series: Sequence[QuarterOutcome], shown: Quarter) -> Text:
    """Lines like `▶ 2026Q3 ████████░░░░  43.9%  (18/41)` for a series of quarters'
    team figures (`rate_series`), oldest first, the `shown` quarter marked."""
    out = Text()
    for i, item in enumerate(series):
        current = item.quarter == shown
        o = item.outcome
        line = (
            f"{'▶' if current else ' '} {item.quarter}  {bar(o.rate)}  "
            f"{fmt_rate(o.rate):>6}  ({o.employed}/{o.active})"
        )
        out.append(line, style="bold" if current else "")
        if i < len(series) - 1:
            out.append("\n")
    return out


def series_yielding(
    prepared: Participants,
    settings: Settings,
    report: Report,
    known: dict[Quarter, QuarterOutcome],
) -> list[QuarterOutcome]:
    """`rate_series(prepared, settings, report.quarter, CHART_QUARTERS)`, for the report
    worker: the shown quarter's entry is the report's own team figures (what
    `rate_series` promises it equals), a quarter in `known` (the snapshot's quarters
    computed before) is not computed again and one computed is added to it, with a 1 ms
    sleep after each. Why: a quarter's figures are one pass over every participant
    (about 5 ms at 20,000), the chart has eight, and the seven it shares with the next
    quarter's chart were computed again on every `[`; and a sleep hands the interpreter
    lock to the UI thread for certain (see `prepare_yielding`)."""
    out = []
    for i in range(CHART_QUARTERS - 1, -1, -1):
        try:
            q = report.quarter.shift(-i)
        except ValueError:  # before year 1
            continue
        if q == report.quarter:
            item = QuarterOutcome(q, report.team)
        elif (item := known.get(q)) is None:
            item = known[q] = rate_series(prepared, settings, q, 1)[0]
            time.sleep(0.001)
        out.append(item)
    return out


def referrals_chart(report: Report) -> Text:
    """One bar per year: its length is the referrals, the solid part the hires."""
    years = report.referrals_by_year()
    if not years:
        return Text(_("No referrals up to {date}.").format(date=report.report_date.isoformat()))
    top = max(y.referred for y in years)
    out = Text(
        _("{full} hired (competitive job started by {date})").format(
            full=FULL, date=report.report_date.isoformat()
        )
        + "\n"
        + _("{rest} referred, not hired").format(rest=REST)
        + "\n"
    )
    for i, y in enumerate(years):
        length = round(y.referred / top * BAR_WIDTH) if top else 0
        hired = round(y.hired / top * BAR_WIDTH) if top else 0
        if y.hired and not hired:
            hired = 1
        drawn = FULL * hired + REST * max(length - hired, 0)
        hired_text = _("{hired}/{referred} hired").format(hired=y.hired, referred=y.referred)
        out.append(f"{y.year}  {drawn:<{BAR_WIDTH}}  {hired_text:>13}  {fmt_rate(y.rate):>6}")
        if i < len(years) - 1:
            out.append("\n")
    return out


class ExportCsvScreen(TranslatedBindings, ModalScreen[Path | None]):
    """Asks where to write the CSV; returns the path, or None when cancelled. A path
    that cannot be written (a folder, a missing folder) is refused in the dialog, with
    what was typed kept; cancelling a typed path asks first (SPEC §9)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="export_cancel")]

    def __init__(self, quarter: Quarter, default_path: str) -> None:
        super().__init__()
        self._quarter = quarter
        self._default = default_path

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Export the {quarter} report as CSV to:").format(quarter=self._quarter))
            yield OneLineInput(value=self._default, id="export-path")
            yield Static("", id="export-error", markup=False)
            with Horizontal():
                yield Button(_("Export"), variant="primary", id="export-ok")
                yield Button(_("Cancel"), id="export-cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self.notify(_("Type a file path for the CSV."), severity="warning")
            return
        path = Path(text).expanduser()
        refusal = export_target_refusal(path)
        if refusal is not None:
            self.query_one("#export-error", Static).update(str(refusal))
            return
        self.dismiss(path)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        """Close without a path; when a path was typed, ask first."""
        if self.query_one("#export-path", Input).value == self._default:
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                _("Close the export and discard the path you typed?"),
                yes=_("Discard"),
                no=_("Keep editing"),
                title=_("Unsaved edits"),
            ),
            answer,
        )


def default_export_dir(caseload_root: Path | None, cwd: Path | None = None) -> Path:
    """The folder the CSV export proposes: the current folder, unless that is inside the
    caseload (a file written there would sit in the team's repository, untracked, and
    be swept into the next `git add -A`); then the home folder, or failing that the
    folder that holds the caseload."""
    here = (cwd or Path.cwd()).resolve()
    if caseload_root is None or not inside(here, caseload_root):
        return here
    home = Path.home().resolve()
    return home if not inside(home, caseload_root) else caseload_root.resolve().parent


def inside(path: Path, root: Path) -> bool:
    """Whether `path` (resolved, symlinks followed) is `root` or lies under it."""
    return path.resolve().is_relative_to(root.resolve())


YIELD_EVERY = 100
"""Records parsed by the report worker between two pauses that let the UI thread run."""


class Records:
    """The participants of one loaded snapshot (`model.Participant`s, or the snapshot's
    id -> participant mapping as it is), for the report worker: it reads the report facts
    cached with each one's summary (`report.prepare_loaded`), and a record's file only
    when it has none (an edited one, whose record is in memory). Never iterated on the
    UI thread: a mapping is kept as given, so opening Reports makes no object per
    participant."""

    def __init__(self, participants: Mapping[str, Any] | Iterable[Any]) -> None:
        self.participants: Mapping[str, Any] | tuple[Any, ...] = (
            participants if isinstance(participants, Mapping) else tuple(participants)
        )


def prepare_yielding(participants: Participants | Records) -> Prepared:
    """`report.prepare_loaded` for `Records` (the facts rows the load cached: no file
    read, no new object per participant); `report.prepare` for dicts, in batches of
    YIELD_EVERY with a 1 ms sleep between them.

    Why the cached rows: parsing all 20,000 files instead made millions of objects, and
    the full garbage collections they set off stopped every thread, the UI's included,
    for 0.1-1 s (issue 13). Why the sleeps: the worker is a thread; parsing many records
    in one go keeps the interpreter lock long enough for the UI thread to miss frames
    (Python hands the lock over only when asked, every 5 ms, and a busy machine delays
    the hand-over further). Sleeping gives it up for certain."""
    if isinstance(participants, Prepared):
        return participants
    if isinstance(participants, Records):
        return prepare_loaded(participants.participants)
    facts: list[Any] = []
    batch: list[Any] = []
    for record in participants:
        batch.append(record)
        if len(batch) >= YIELD_EVERY:
            facts.extend(prepare(batch).facts)
            batch.clear()
            time.sleep(0.001)
    facts.extend(prepare(batch).facts)
    return Prepared(tuple(facts))


Source = Participants | Records
"""What the Reports screen is given: participant dicts, a `Prepared`, or `Records`."""


@dataclass
class ReportComputed(Message):
    """A quarter's figures were computed off the UI thread, ready to draw."""

    quarter: Quarter
    report: Report
    rate_chart: Text
    referrals_chart: Text
    source: Source
    """The records the worker was given."""
    prepared: Participants
    """The same, read once (`report.prepare`): reused for the next quarter."""
    shown: int = 0
    """The screen's `_show` count when the worker started: an older one's figures are stale."""

    def can_replace(self, message: Message) -> bool:
        """Only the latest quarter's figures are drawn."""
        return isinstance(message, ReportComputed)


@dataclass
class Page:
    """One quarter's figures as the Reports page's texts (`build_page`)."""

    title: Text
    team: Text
    tables: dict[str, tuple[list[str], list[list[Text]], set[int]]]
    """Headers, rows and right-aligned columns of each table, by widget id."""
    rapid: Text
    fitted: dict[tuple[str, int | None], Text] = field(default_factory=dict)
    """Each table as drawn (`text_table`), by widget id and width limit (cells)."""
    wide_need: int | None = None
    """Cells the wide layout needs for these figures (`ReportsScreen._set_layout`)."""


def build_page(message: ReportComputed) -> Page:
    """The texts of one quarter's figures: title, team line, the two tables' cells and
    the rapid job search line (the charts come drawn with the figures). Names and
    sources from the files pass through `escape`."""
    q = message.quarter
    report = message.report
    team = report.team
    name = f"{escape(report.team_name)} · " if report.team_name else ""
    title = Text(
        name
        + _("Outcome report {quarter}  ({start} – {end}, as of {date})").format(
            quarter=q,
            start=q.start.isoformat(),
            end=q.end.isoformat(),
            date=report.report_date.isoformat(),
        )
    )
    team_line = Text(
        ngettext(
            "Team {rate}: {employed} of {active} active participant worked a competitive job",
            "Team {rate}: {employed} of {active} active participants worked a competitive job",
            team.active,
        ).format(rate=fmt_rate(team.rate), employed=team.employed, active=team.active)
    )
    sizes = {c.specialist: c for c in report.caseload}
    rows: list[list[Text]] = []
    for key, o in report.by_specialist.items():
        c = sizes[key]
        over = ngettext("{n} over max", "{n} over max", c.over).format(n=c.over)
        caseload = f"{c.current:>3} / {c.maximum}" + (
            "  " + SYMBOL[PROBLEM] + " " + over if c.over else ""
        )
        rows.append(
            [
                Text(escape(report.specialist_names.get(key, key))),
                Text(str(o.active)),
                Text(str(o.employed)),
                Text(fmt_rate(o.rate)),
                Text(caseload, style="bold" if c.over else ""),
            ]
        )
    tables: dict[str, tuple[list[str], list[list[Text]], set[int]]] = {}
    headers = [_("Specialist"), _("Active"), _("Employed"), _("Rate"), _("Caseload today")]
    tables["#report-specialists"] = (headers, rows, {1, 2, 3})
    headers = [_("Year"), _("Source"), _("Referred"), _("Hired"), _("Hire rate")]
    rows = [
        [
            Text(str(r.year)),
            Text(escape(r.source or _("(none)"))),
            Text(str(r.referred)),
            Text(str(r.hired)),
            Text(fmt_rate(r.rate)),
        ]
        for r in report.referrals
    ]
    tables["#report-referrals"] = (headers, rows, {2, 3, 4})
    rs = report.rapid_search
    rapid = (
        ngettext(
            "{n} participant with a first employer contact: median {median} days after "
            "enrolment; {share} ({within}/{n}) within {days} days",
            "{n} participants with a first employer contact: median {median} days after "
            "enrolment; {share} ({within}/{n}) within {days} days",
            rs.participants,
        ).format(
            n=rs.participants,
            median=rs.median_days,
            share=fmt_rate(rs.share_within_30),
            within=rs.within_30,
            days=RAPID_SEARCH_DAYS,
        )
        if rs.participants
        else _("No participant with both an enrolment and a first employer contact yet.")
    )
    return Page(title, team_line, tables, Text(rapid))


class ReportsScreen(FollowsCaseload, TranslatedBindings, Screen[None]):
    """Outcome figures of one quarter; `[`/`]` change the quarter, `e` exports CSV.

    The figures are computed by a thread worker (at 20,000 participants that reads every
    record); the screen shows "Computing…" meanwhile and draws on `ReportComputed`.

    The app keeps one instance, installed, and shows it again on every open (`reopen`):
    building the widget tree anew on every open made some 17,000 objects that outlived
    a collection (so the next full collection came sooner and walked them), and every
    closed screen stayed alive until the next caseload change, held by its watcher of the
    app's snapshot (issue 13)."""

    NARROW = 110
    """Before any figures were drawn (so before their tables' widths are known), below
    this width (cells) the charts go under the tables instead of beside them."""
    PAGE_DRAWN_WAIT = 1.0
    """Seconds the report worker waits at most for the page to be drawn (`_show`)."""
    MEASURES_KEPT = 4
    """Texts whose measure `_measure` keeps per widget: the current quarter's, the one
    shown, and two looked at before."""
    LOADING_AFTER = 0.25
    """Seconds of computing before the loading indicator shows. At 20,000 participants
    the figures take about 0.1 s; mounting and animating the indicator for that long
    cost the UI thread more than the figures cost the worker (issue 13)."""

    BINDINGS = [
        Binding(
            "left_square_bracket,left",
            "previous_quarter",
            N_("Prev quarter"),
            id="reports_previous_quarter",
            priority=True,
        ),
        Binding(
            "right_square_bracket,right",
            "next_quarter",
            N_("Next quarter"),
            id="reports_next_quarter",
            priority=True,
        ),
        Binding(
            "e",
            "export",
            N_("Export CSV"),
            id="reports_export",
            tooltip=N_("Write this quarter's report as CSV"),
        ),
        Binding("escape", "back", N_("Back"), id="back", tooltip=N_("Back to the board")),
    ]

    quarter: reactive[Quarter] = reactive(Quarter(2000, 1), init=False, repaint=False)
    """The quarter shown; at most the quarter containing today. Its watcher computes
    and draws the figures; the screen itself has nothing to repaint."""

    def __init__(
        self,
        participants: Source,
        settings: Settings,
        today: date,
        *,
        quarter: Quarter | None = None,
        export_dir: Path | None = None,
        caseload_root: Path | None = None,
    ) -> None:
        """Show `quarter` (default: the one containing `today`); `export_dir` is the folder
        the CSV export proposes (default: `default_export_dir`, never inside the caseload
        at `caseload_root`; a path the user types there is written only once confirmed)."""
        super().__init__()
        self._participants: Source = participants
        self._snapshot: Source = participants
        """The records as given (`_participants` becomes their `Prepared` once read)."""
        self._rates: tuple[Source | None, dict[Quarter, QuarterOutcome]] = (None, {})
        """Team figures by quarter, computed from the snapshot named (`series_yielding`)."""
        self._settings = settings
        self._today = today
        self._export_dir = export_dir
        self._caseload_root = caseload_root
        self.report: Report | None = None
        """The report on screen; the export writes exactly this one."""
        self._loading_timer: Timer | None = None
        self._shown = 0
        """How many times `_show` asked for figures; a worker's figures are drawn only when
        no later `_show` asked again (`ReportComputed.shown`)."""
        self._stale = False
        """A newer snapshot arrived while the screen was hidden: compute on `reopen`."""
        self._current: ReportComputed | None = None
        """The figures of the quarter containing today, as last drawn from the snapshot
        held now (None once another snapshot or day arrives): `reopen` draws them again
        after another quarter was looked at, with no worker and no hidden page."""
        self._tables: dict[str, tuple[list[str], list[list[Text]], set[int]]] = {}
        """The tables drawn last (headers, rows, right-aligned columns) by widget id:
        fitted again to the room a resize leaves."""
        self._wide_need: int | None = None
        """Cells the wide layout needs for the figures drawn last (tables beside
        charts, in the language shown); None before any were drawn."""
        self._pages: list[tuple[ReportComputed, Page]] = []
        """The texts of the figures drawn last and of the current quarter's (`_page`)."""
        self._shown_page: Page | None = None
        self._measures: dict[str, list[tuple[tuple[int, int, int], object, Any]]] = {}
        """Each widget's last measured texts (`_measure`), newest first."""
        self._drawn: ReportComputed | None = None
        """The figures every widget of the page shows now (`_fill`)."""
        self._drawn_width = 0
        """The terminal width (cells) they were fitted to."""
        self._styled: tuple[object, ...] | None = None
        """What the page's styles were last applied from (`_styles_from`); None before."""
        self.set_reactive(ReportsScreen.quarter, quarter or quarter_of(today))

    def compose(self) -> ComposeResult:
        # Headings are Statics, not Labels: the page's styles are applied again each time
        # it is shown, and a Label (its variant rules) costs three times a Static there.
        yield Static(id="report-title", classes="screen-title")
        with VerticalScroll(id="report-body"):
            with Vertical(id="report-content"):
                with Horizontal(classes="report-row"):
                    with Vertical(classes="report-col"):
                        yield Static(_("Employment rate by specialist"), classes="report-heading")
                        yield Static(id="report-team")
                        yield Static(id="report-specialists", classes="report-table")
                    with Vertical(classes="report-chart-col"):
                        yield Static(
                            _("Team employment rate, last {n} quarters").format(n=CHART_QUARTERS),
                            classes="report-heading",
                        )
                        yield Static(id="report-rate-chart", classes="report-chart")
                        yield Static(
                            _(BENCHMARKS).format(
                                **{k: percent(v, least=0) for k, v in BENCHMARK_RATES.items()}
                            ),
                            classes="report-note",
                        )
                with Horizontal(classes="report-row"):
                    with Vertical(classes="report-col"):
                        yield Static(_("Referrals by year and source"), classes="report-heading")
                        yield Static(id="report-referrals", classes="report-table")
                        yield Static(_("Rapid job search"), classes="report-heading")
                        yield Static(id="report-rapid")
                    with Vertical(classes="report-chart-col"):
                        yield Static(_("Referrals per year"), classes="report-heading")
                        yield Static(id="report-referrals-chart", classes="report-chart")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        # Narrow or not before the first layout, so the page is laid out once, not wide
        # first and then narrow.
        self._set_layout(self.app.size.width)
        # Focus the page now, every time: left to auto-focus, whether it got focus hung on
        # whether the report was still computing at that moment (a loading widget cannot
        # take focus); without focus, typed keys such as `q` and `?` are refused.
        self.query_one("#report-body").focus()
        # Every node was styled as it was mounted, just now: the first show needs no
        # restyle either (`on_screen_resume`).
        self._styled = self._styles_from()
        self._show()
        # Inside ipstui's app, follow its caseload snapshot (saves, syncs, pulls).
        if hasattr(self.app, "caseload_replaced"):
            self.follow_caseload(self._app_caseload_changed, init=False)

    def _app_caseload_changed(self, caseload: Any) -> None:
        if caseload is None:
            return
        today = getattr(self.app, "today", self._today)
        if self in self.app.screen_stack:  # shown, or under a dialog of its own
            self.set_caseload(Records(caseload.participants), caseload.settings, today)
        else:
            # Hidden (installed, not shown): remember the snapshot, compute when reopened;
            # no figures computed for every save made on the board meanwhile.
            self._participants = self._snapshot = Records(caseload.participants)
            self._settings = caseload.settings
            self._today = today
            self._stale = True
            self._current = None

    def reopen(self, today: date) -> None:
        """Before this screen is shown again: the quarter containing `today` (as a new
        screen would open on), its figures computed again only when something changed
        since they were drawn (the quarter, the day or the caseload snapshot)."""
        quarter = quarter_of(today)
        changed = self._stale or today != self._today
        self._stale = False
        self._today = today
        if changed:
            self._current = None
        current = self._current
        if not self.is_mounted:
            self.set_reactive(ReportsScreen.quarter, quarter)
        elif quarter != self.quarter and current is not None and current.quarter == quarter:
            self.set_reactive(ReportsScreen.quarter, quarter)
            self._draw(current)  # back from another quarter: drawn as before, not computed
        elif quarter != self.quarter:
            self.quarter = quarter  # the watcher computes
        elif changed or self.report is None:
            self._show()

    def _styles_from(self) -> tuple[object, ...]:
        """What the CSS of this page is computed from, app-wide: the stylesheet's rules
        (a new list object after every parse: a theme change, a stylesheet read or
        reloaded, `Stylesheet.reparse`), the theme, ANSI colour mode and whether the
        terminal has focus (`:focus`). A node's own classes and pseudo-classes need no
        key: Textual restyles a node when they change, shown or not."""
        app = self.app
        return (app.stylesheet.rules, app.theme, app.ansi_color, app.app_focus)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown again: Textual's restyle of the whole page (every node matched against
        the stylesheet again, `Screen._on_screen_resume`) only when something it depends
        on changed since the styles were last applied (`_styles_from`). Why: at 160×50
        that restyle was a third of the UI thread's work of a later open at 20,000
        participants (issue 13, round 9). This handler runs before Screen's. What this
        relies on of Textual's internals (handler order, Screen's handler honouring
        `refresh_styles`, a new `rules` list per parse, the app-level pseudo-classes)
        is pinned by source hash in tests/test_frames.py, and pyproject bounds Textual
        to that series (8.2.x).

        A resume that asks no restyle (a dialog or the palette closed over the page)
        records nothing: the page's styles were not applied again then, so what they
        were last applied from stays as it was."""
        if not event.refresh_styles:
            return
        styled = self._styles_from()
        if self._styled is not None and all(
            a is b or a == b for a, b in zip(styled, self._styled, strict=True)
        ):
            event.refresh_styles = False
        self._styled = styled

    def watch_quarter(self) -> None:
        self._show()

    def on_resize(self) -> None:
        self._set_layout(self.size.width)
        self._fit_tables(self.size.width)

    def _room(self, width: int) -> int:
        """Cells across the page's content at a terminal `width`: the body's padding and
        border and its vertical scrollbar (counted whether shown or not) left out."""
        body = self.query_one("#report-body")
        return width - body.styles.gutter.width - body.styles.scrollbar_size_vertical

    def _set_layout(self, width: int) -> None:
        """Tables beside the charts when they fit in a terminal `width` cells wide as the
        figures drawn last need (`_wide_need`), else the charts under the tables. Why not
        the width alone: the tables' widths depend on the language's words and the names
        (Italian's "Tasso di assunzione" and "2 oltre il max" wrapped at 120 cells)."""
        need = self._wide_need
        narrow = width < self.NARROW if need is None else self._room(width) < need
        self.set_class(narrow, "-narrow")

    def _fit_tables(self, width: int) -> None:
        """Draw the tables again, each fitted (`text_table`'s limit) to the page's room at
        a terminal `width`: in the stacked layout a table wider than the page has its
        text cells cut with "…" rather than wrapped."""
        limit = self._room(width)
        page = (
            self._shown_page
            if self._shown_page and self._shown_page.tables is self._tables
            else None
        )
        for selector, (headers, rows, right) in self._tables.items():
            text = None if page is None else page.fitted.get((selector, limit))
            if text is None:
                text = text_table(headers, rows, right, limit)
                if page is not None:
                    page.fitted[(selector, limit)] = text
            self._put(self.query_one(selector, Static), text)
        self._drawn_width = width

    def set_caseload(self, participants: Source, settings: Settings, today: date) -> None:
        """Show the figures of a new caseload snapshot (after a save or a sync)."""
        self._participants = self._snapshot = participants
        self._settings = settings
        self._today = today
        self._current = None
        quarter = min(self.quarter, quarter_of(today))
        if not self.is_mounted:
            self.set_reactive(ReportsScreen.quarter, quarter)
        elif quarter != self.quarter:
            self.quarter = quarter  # the watcher redraws
        else:
            self._show()

    # ------------------------------------------------------------ drawing

    def _show(self) -> None:
        """Compute the shown quarter's figures in a worker; say so (after LOADING_AFTER,
        so a quick computation draws no loading indicator) until they arrive. The
        figures on screen meanwhile are hidden: never a stale quarter's.

        Hidden, not removed from the layout (`visible`, not `display`): every widget
        keeps its size, so only the figures that change are drawn again, not the whole
        page twice (each drawn line is a dozen objects for the garbage collector).

        The worker computes once the screen has drawn the page without the figures
        (it waits for `call_after_refresh`), not at once. Why: it is a thread, and at
        20,000 participants it holds the interpreter lock for about 50 ms of computing;
        the frame that builds and lays out the page on the first open (some 20 ms of the
        UI thread) then got the lock only every other switch interval and stalled 38-51
        ms (issue 13, round 6). Drawn first, the page frame has the lock to itself; the
        figures follow as before, in the frame after the worker's message. The worker
        itself starts at once, so whoever waits for the app's workers waits for it."""
        self.report = None
        self.query_one("#report-content").visible = False
        if self._loading_timer is not None:
            self._loading_timer.stop()
        self._loading_timer = self.set_timer(self.LOADING_AFTER, self._say_loading)
        self._shown += 1
        drawn = threading.Event()
        self.call_after_refresh(drawn.set)
        if self._rates[0] is not self._snapshot:
            self._rates = (self._snapshot, {})
        self._compute(
            self.quarter,
            self._participants,
            self._settings,
            self._today,
            self._shown,
            drawn,
            self._rates[1],
        )

    def _say_loading(self) -> None:
        self._loading_timer = None
        content = self.query_one("#report-content")
        content.visible = True
        content.loading = True

    @work(
        thread=True,
        exclusive=True,
        group="report",
        exit_on_error=False,
        description=N_("computing the report"),
    )
    def _compute(
        self,
        q: Quarter,
        participants: Source,
        settings: Settings,
        today: date,
        shown: int,
        drawn: threading.Event,
        rates: dict[Quarter, QuarterOutcome] | None = None,
    ) -> None:
        """The figures of `q`, posted as ReportComputed; computing starts once `drawn` is
        set (the page drawn, see `_show`) or after PAGE_DRAWN_WAIT seconds, and not at
        all when a newer `_show` has replaced this worker meanwhile (`exclusive`).
        `rates`: the team figures of quarters computed before from the same snapshot
        (`series_yielding`), added to."""
        drawn.wait(self.PAGE_DRAWN_WAIT)
        if get_current_worker().is_cancelled:
            return
        prepared = prepare_yielding(participants)
        report = compute(prepared, settings, q, today)
        chart = chart_text(
            series_yielding(prepared, settings, report, {} if rates is None else rates), q
        )
        self.post_message(
            ReportComputed(q, report, chart, referrals_chart(report), participants, prepared, shown)
        )

    def on_report_computed(self, message: ReportComputed) -> None:
        if message.source is not self._participants and message.source is not self._snapshot:
            return  # computed from a caseload snapshot replaced since the worker started
        if message.source is self._participants:
            self._participants = message.prepared  # every record read once, not per quarter
        if message.quarter != self.quarter or message.shown != self._shown:
            # The user has moved on (another quarter), or a newer computation was asked
            # for (`_show` since this worker started): these figures are stale.
            return
        self._draw(message)

    def _draw(self, message: ReportComputed) -> None:
        """Put the figures on screen in one batch (one layout, one frame)."""
        self.report = message.report
        if message.prepared is self._participants and message.quarter == quarter_of(self._today):
            self._current = message
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        with self.app.batch_update():
            self._fill(message)

    def _page(self, message: ReportComputed) -> Page:
        """The texts `message` is drawn with, built once per message (`_pages`): the
        current quarter's figures, kept and drawn again on every open, are not turned
        into text again, and the same text objects let `_put` skip measuring them."""
        for kept, page in self._pages:
            if kept is message:
                return page
        page = build_page(message)
        self._pages = [(message, page), *[(m, p) for m, p in self._pages if m is self._current]][:2]
        return page

    def _put(self, widget: Static, text: Text) -> None:
        """`put`, with each measure of a text in `widget` remembered (`_measures`, by
        the text object and the widths it was measured at): drawing kept figures again
        measures nothing twice (issue 13, round 9: `room` was most of the UI thread's
        work of putting the current quarter back on a later open)."""
        put(widget, text, self._measure)

    def _measure(self, widget: Static, content: object) -> tuple[int | None, int] | None:
        """`room(widget, content)`, remembered for the last MEASURES_KEPT texts per widget
        (not while the widget has no width: `room` is then None at no cost)."""
        width = inner_width(widget)
        if width <= 0:
            return None
        parent = widget.parent
        key = (id(content), width, inner_width(parent) if isinstance(parent, Widget) else 0)
        kept = self._measures.setdefault(widget.id or "", [])
        for known, text, measured in kept:
            if known == key and text is content:
                return measured
        measured = room(widget, content)
        kept.insert(0, (key, content, measured))
        del kept[self.MEASURES_KEPT :]
        return measured

    def _fill(self, message: ReportComputed) -> None:
        page = self._page(message)
        content = self.query_one("#report-content")
        content.loading = False
        content.visible = True
        # No header shows it on this screen: set without repainting the whole page.
        self.set_reactive(Screen.sub_title, _("Reports {quarter}").format(quarter=message.quarter))
        if self._drawn is message and self._drawn_width == self.size.width:
            return  # every widget shows these figures already, fitted to this width
        self._put(self.query_one("#report-title", Static), page.title)
        self._put(self.query_one("#report-team", Static), page.team)
        self._tables = page.tables
        self._shown_page = page
        self._put(self.query_one("#report-rate-chart", Static), message.rate_chart)
        self._put(self.query_one("#report-referrals-chart", Static), message.referrals_chart)
        # Wide or stacked from the widths these tables and charts take in the language
        # shown (a measure of cells, no layout), then the tables fitted to the room.
        if page.wide_need is None:
            tables = max(table_width(table_widths(h, r)) for h, r, _right in page.tables.values())
            charts = max(
                text_width(static.content if isinstance(static.content, (Text, str)) else "")
                for static in self.query(".report-chart-col > Static").results(Static)
            )
            column_gap = self.query_one(".report-col").styles.padding.right
            page.wide_need = tables + column_gap + charts
        self._wide_need = page.wide_need
        self._set_layout(self.size.width)
        self._fit_tables(self.size.width)
        self._put(self.query_one("#report-rapid", Static), page.rapid)
        self._drawn = message
        self._drawn_width = self.size.width

    # ------------------------------------------------------------ actions

    def action_previous_quarter(self) -> None:
        """Show the quarter before."""
        if self.quarter.year == 1 and self.quarter.q == 1:
            return
        self.quarter = self.quarter.previous()

    def action_next_quarter(self) -> None:
        """Show the quarter after, up to the one containing today."""
        if self.quarter >= quarter_of(self._today):
            self.notify(
                _("{quarter} is the current quarter; there is no later one yet.").format(
                    quarter=self.quarter
                )
            )
            return
        self.quarter = self.quarter.next()

    def action_back(self) -> None:
        """Back to the board."""
        self.app.pop_screen()

    def action_export(self) -> None:
        """Ask where, and write the shown quarter's report as CSV (in a worker)."""
        report = self.report
        if report is None:
            return
        name = f"ipstui-report-{report.quarter}.csv"
        folder = self._export_dir or default_export_dir(self._caseload_root)

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._export(report, path)

        self.app.push_screen(ExportCsvScreen(report.quarter, str(folder / name)), chosen)

    @work(thread=True, group="export", exit_on_error=False, description=N_("exporting"))
    def _export(self, report: Report, path: Path, *, overwrite: bool = False) -> None:
        """Write the CSV through the service; posts ReportExported or ExportRefused."""
        try:
            written = self.app.service.export_report_csv(report, path, overwrite=overwrite)
        except ExportRefusal as refusal:
            self.post_message(ExportRefused(report, path, refusal))
            return
        self.post_message(ReportExported(report, written))

    @on(ReportExported)
    def _exported(self, message: ReportExported) -> None:
        self.notify(
            _("Exported the {quarter} report to {path}").format(
                quarter=message.report.quarter, path=message.path
            )
        )

    @on(ExportRefused)
    def _export_refused(self, message: ExportRefused) -> None:
        """A refusal that is a question (an existing file) is asked, and the export tried
        again when the answer is yes; any other is said (inside the caseload: never
        written, as the CLI, `export.inside_caseload`)."""
        report, path, refusal = message.report, message.path, message.refusal
        if refusal.reason == ExportRefusal.EXISTS:
            yes, no = _("Overwrite"), _("Keep the file")
            declined = _("Not exported: {path} was kept as it is.").format(path=path)
            retry = partial(self._export, report, path, overwrite=True)
        else:
            self.notify(str(refusal), severity="error")
            return

        def answer(ok: bool | None) -> None:
            if ok:
                retry()
            else:
                self.notify(declined)

        self.app.push_screen(ConfirmDialog(str(refusal), yes=yes, no=no, title=_("Export")), answer)
