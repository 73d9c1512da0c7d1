"""The Fidelity screen (SPEC §9, §10): each computable IPS-25 item with its value, score,
n and bands, the evidence-only items, the partial sum, and below the highlighted item
the participants, jobs or contacts behind it. Every figure comes from
`ipstui.core.fidelity` through the app's `CaseloadService`; this module only draws. The
records are read in a worker."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from ipstui.core import fidelity
from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.report import Quarter, quarter_of
from ipstui.core.service import CaseloadService
from ipstui.core.termsafe import escape
from ipstui.core.vocab import cells
from ipstui.ui.keys import TranslatedBindings
from ipstui.ui.messages import FidelityComputed, FidelityFailed
from ipstui.ui.onapp import FollowsCaseload
from ipstui.ui.screensafe import plain
from ipstui.ui.widgets.clamped import Clamped
from ipstui.ui.widgets.columns import Column, fill_table
from ipstui.ui.widgets.footer import KeysFooter

SCORE_MARK = {5: "●●●●●", 4: "●●●●○", 3: "●●●○○", 2: "●●○○○", 1: "●○○○○"}
"""Scores drawn as dots as well as digits, so they read without colour."""


ITEM_COLUMNS = (
    Column(N_("Item")),
    Column("", min=14),
    Column(N_("Value")),
    Column(N_("Score")),
    Column(N_("n"), justify="right"),
    Column(N_("Bands for 5 / 4 / 3 / 2"), N_("Bands 5/4/3/2"), min=12),
)
"""The items table. At 80 columns the titles and bands shrink (cut with `…`); the
highlighted item's title, measure and bands are written out in full under the table."""

ID_COLUMNS = frozenset({"participant", "employer", "id"})
"""Columns of the records behind an item that are never cut (what `enter` opens)."""


def _cell(value: Any) -> str:
    return escape(fidelity.readable_cell(value))


def record_columns(names: list[str]) -> list[Column]:
    """The columns of the records behind an item (`names`: the rows' keys), headed by
    their translated labels: ids whole, the rest shrinkable to their header's width (at
    least 8 cells)."""
    columns = []
    for name in names:
        header = fidelity.record_header(name)
        columns.append(
            Column(header) if name in ID_COLUMNS else Column(header, min=max(8, cells(header)))
        )
    return columns


class FidelityScreen(FollowsCaseload, TranslatedBindings, Screen):
    """The fidelity self-review of one quarter (default: the one containing today)."""

    BINDINGS = [
        Binding(
            "left_square_bracket",
            "previous_quarter",
            N_("Prev quarter"),
            key_display="[",
            id="fidelity_previous_quarter",
        ),
        Binding(
            "right_square_bracket",
            "next_quarter",
            N_("Next quarter"),
            key_display="]",
            id="fidelity_next_quarter",
        ),
        Binding("tab", "switch_table", N_("Items / records"), id="fidelity_switch", show=False),
        Binding("escape", "app.pop_screen", N_("Back"), id="back"),
    ]

    def __init__(self, quarter: Quarter | None = None) -> None:
        super().__init__()
        self.quarter = quarter
        self.review: fidelity.Review | None = None
        """The review on screen (None while it is computed)."""
        self.settings: fidelity.FidelitySettings | None = None
        self.left_out = 0
        """Files that could not be read and are not counted (named on the Problems screen)."""
        self._item_rows: list[list[str]] = []
        self._item_ids: list[str] = []
        self._rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Clamped(
            _("Fidelity self-review — reading the records…"),
            id="fidelity-title",
            classes="screen-title",
        )
        yield DataTable(id="fidelity-items", cursor_type="row", zebra_stripes=True)
        yield Static("", id="fidelity-sum")
        yield Static(
            _(
                "A self-check against the IPS Fidelity Scale (IPS-25), not a fidelity review: "
                "items that need a reviewer's judgement are not here; V1, V3 and V12 are "
                "evidence only."
            ),
            classes="fidelity-note",
        )
        yield Label("", id="fidelity-behind")
        yield DataTable(id="fidelity-rows", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        items = self.query_one("#fidelity-items", DataTable)
        self._fill_items()
        self.follow_caseload(lambda _cl: self.recompute())
        items.focus()

    # ------------------------------------------------------------ computing

    def recompute(self) -> None:
        cl = getattr(self.app, "caseload", None)
        if cl is not None:
            self._compute(cl, self.quarter or quarter_of(self.app.today))

    @work(
        thread=True,
        exclusive=True,
        group="fidelity",
        exit_on_error=False,
        description=N_("fidelity"),
    )
    def _compute(self, cl: Any, quarter: Quarter) -> None:
        service: CaseloadService = self.app.service  # type: ignore[attr-defined]
        try:
            view = service.fidelity(cl, quarter=quarter, today=self.app.today)
        except (ValueError, OSError) as exc:
            self.post_message(FidelityFailed(str(exc)))
            return
        self.post_message(FidelityComputed(view.review, view.settings, view.left_out))

    @on(FidelityComputed)
    def _computed(self, message: FidelityComputed) -> None:
        self._show(message.review, message.settings, message.left_out)

    @on(FidelityFailed)
    def _compute_failed(self, message: FidelityFailed) -> None:
        self._failed(message.reason)

    def _failed(self, message: str) -> None:
        self.query_one("#fidelity-title", Static).update(
            plain(_("Fidelity: {message}").format(message=message))
        )
        self.notify(message, title=_("Fidelity"), severity="error", timeout=10)

    # ------------------------------------------------------------ drawing

    def _show(
        self, review: fidelity.Review, settings: fidelity.FidelitySettings, left_out: int
    ) -> None:
        self.review, self.settings, self.left_out = review, settings, left_out
        q, r = review.quarter, review.report_date
        name = f"{review.team_name} · " if review.team_name else ""
        warn = (
            "   ✖ "
            + ngettext(
                "{n} unreadable file left out: see Problems",
                "{n} unreadable files left out: see Problems",
                left_out,
            ).format(n=left_out)
            if left_out
            else ""
        )
        head = _(
            "Fidelity self-review {quarter}, as of {date} (12 months to {date})   [ ]: quarter"
        ).format(quarter=q, date=r.isoformat())
        self.query_one("#fidelity-title", Static).update(plain(f"{name}{head}{warn}"))
        self.sub_title = _("Fidelity {quarter}").format(quarter=q)
        table = self.query_one("#fidelity-items", DataTable)
        keep = table.cursor_row
        rows: list[list[str]] = []
        for it in review.items:
            score = "—" if it.score is None else f"{it.score} {SCORE_MARK[it.score]}"
            rows.append(
                [
                    it.id,
                    _(it.title),
                    fidelity.fmt_value(it, settings.bands[it.id]),
                    score,
                    str(it.n),
                    fidelity.band_text(it.id, settings.bands[it.id]),
                ]
            )
        for it in review.evidence:
            met = it.detail.get("met", 0)
            rows.append(
                [
                    it.id,
                    _(it.title),
                    fidelity.fmt_value(it),
                    _("evidence"),
                    str(it.n),
                    _("{met} of {n}: {measure}").format(
                        met=met, n=it.n, measure=_(fidelity.MEASURES[it.id])
                    ),
                ]
            )
        self._item_rows = rows
        self._item_ids = [it.id for it in review.items + review.evidence]
        self._fill_items()
        if 0 <= keep < table.row_count:
            table.move_cursor(row=keep)
        scored = sum(i.score is not None for i in review.items)
        self.query_one("#fidelity-sum", Static).update(
            Text(
                _(
                    "Partial sum: {total} out of {out_of} "
                    "({scored} of {items} computable items scored)"
                ).format(
                    total=review.total,
                    out_of=review.out_of,
                    scored=scored,
                    items=len(review.items),
                )
            )
        )
        self._show_rows()

    def current_item(self) -> fidelity.Item | None:
        if self.review is None:
            return None
        table = self.query_one("#fidelity-items", DataTable)
        all_items = self.review.items + self.review.evidence
        row = table.cursor_row
        return all_items[row] if 0 <= row < len(all_items) else None

    def _fill_items(self) -> None:
        table = self.query_one("#fidelity-items", DataTable)
        columns = [
            Column(
                _(c.header) if c.header else "",
                _(c.short) if c.short else "",
                c.min,
                c.drop,
                c.justify,
            )
            for c in ITEM_COLUMNS
        ]
        fill_table(table, columns, self._item_rows, keys=self._item_ids or None)

    def _show_rows(self) -> None:
        it = self.current_item()
        rows_table = self.query_one("#fidelity-rows", DataTable)
        if it is None:
            fill_table(rows_table, [], [])
            return
        rows = fidelity.explain_rows(it)
        cols = list(dict.fromkeys(k for r in rows for k in r))
        bands = (
            "  "
            + _("Bands for 5 / 4 / 3 / 2: {bands}.").format(
                bands=fidelity.band_text(it.id, self.settings.bands[it.id])
            )
            if self.settings is not None and it.id in self.settings.bands
            else ""
        )
        self.query_one("#fidelity-behind", Label).update(
            Text(
                ngettext(
                    "Behind {id} {title}: {n} record — {measure}",
                    "Behind {id} {title}: {n} records — {measure}",
                    len(rows),
                ).format(
                    id=it.id,
                    title=_(it.title),
                    n=len(rows),
                    measure=_(fidelity.MEASURES[it.id]),
                )
                + ("   " + _("(enter opens a participant)") if "participant" in cols else "")
                + bands
            )
        )
        self._rows = rows
        fill_table(
            rows_table,
            record_columns(cols),
            [[_cell(r.get(c)) for c in cols] for r in rows],
            keys=[str(i) for i in range(len(rows))],
        )

    def on_resize(self) -> None:
        """Fit the tables to the new width (columns shrink; SPEC §9)."""
        table = self.query_one("#fidelity-items", DataTable)
        row = table.cursor_row
        self._fill_items()
        if 0 <= row < table.row_count:
            table.move_cursor(row=row)
        self._show_rows()

    @on(DataTable.RowHighlighted, "#fidelity-items")
    def _item_highlighted(self) -> None:
        self._show_rows()

    @on(DataTable.RowSelected, "#fidelity-items")
    def _item_selected(self) -> None:
        rows_table = self.query_one("#fidelity-rows", DataTable)
        if rows_table.row_count:
            rows_table.focus()

    @on(DataTable.RowSelected, "#fidelity-rows")
    def _record_selected(self, event: DataTable.RowSelected) -> None:
        row = self._rows[event.cursor_row] if event.cursor_row < len(self._rows) else {}
        pid = row.get("participant")
        if isinstance(pid, str) and hasattr(self.app, "open_participant"):
            self.app.open_participant(pid)

    # ------------------------------------------------------------ actions

    def action_switch_table(self) -> None:
        items = self.query_one("#fidelity-items", DataTable)
        rows = self.query_one("#fidelity-rows", DataTable)
        (rows if items.has_focus else items).focus()

    def action_previous_quarter(self) -> None:
        q = self.quarter or quarter_of(self.app.today)
        if (q.year, q.q) > (1, 1):
            self.quarter = q.previous()
            self.recompute()

    def action_next_quarter(self) -> None:
        q = self.quarter or quarter_of(self.app.today)
        if q >= quarter_of(self.app.today):
            self.notify(
                _("{quarter} is the current quarter; there is no later one yet.").format(quarter=q)
            )
            return
        self.quarter = q.next()
        self.recompute()
