"""What every tab of the participant screen shares: a `Pane` draws one participant and
owns the keys that act on what it shows; a `ListPane` is a summary line over a table; a
`RowPane` is a list whose rows stand for entries of one of the record's lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from ipstui.core.i18n import _
from ipstui.core.model import Participant
from ipstui.core.service import show_value
from ipstui.ui.keys import TranslatedBindings, allow_letter_action, key_for
from ipstui.ui.onapp import OnIpsApp
from ipstui.ui.widgets.columns import Column, fill_table, translated

if TYPE_CHECKING:
    from ipstui.ui.screens.participant.screen import ParticipantScreen


def cell(value: Any, width: int = 50) -> str:
    """A stored value as one table cell: '' for None, else `show_value` cut to `width`."""
    return "" if value is None else show_value(value, width)


class Pane(OnIpsApp, TranslatedBindings, TabPane):
    """One tab of the participant screen (its id is `tab-<TAB>`).

    A pane draws the participant it is given and owns the bindings of what it shows
    (they apply while focus is in the pane, or on the tab bar while it is the tab shown:
    see `ParticipantScreen._binding_chain`)."""

    TAB: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    """The tab's title, English source marked with `N_()`; translated when shown."""

    def __init__(self) -> None:
        super().__init__(_(self.TITLE) if self.TITLE else "", id=f"tab-{self.TAB}")

    @property
    def owner(self) -> ParticipantScreen:
        """The participant screen this pane is on."""
        return self.screen  # type: ignore[return-value]

    @property
    def participant(self) -> Participant | None:
        """The version the screen shows (None when it is not in the caseload)."""
        return self.owner.participant

    def key(self, binding_id: str, default: str) -> str:
        """The key the user has for `binding_id` (the live bindings, keymap included)."""
        return key_for(self, binding_id, default)

    def draw(self, p: Participant) -> None:
        """Show `p` (a new version of the record)."""

    def redraw_for_day(self, p: Participant) -> None:
        """Show what depends on the date only (the record is unchanged)."""

    def set_label(self, label: str) -> None:
        """The tab's title (counts), e.g. `Contacts (3)`."""
        try:
            tabs = self.owner.query_one("#p-tabs", TabbedContent)
            tabs.get_tab(f"tab-{self.TAB}").label = label
        except Exception:  # noqa: BLE001 — a label is cosmetic
            pass

    def focus_content(self) -> None:
        """Put focus in the pane (its list), so its keys apply."""


class ListPane(Pane):
    """A summary line over a table of rows (`#<TAB>-summary`, `#<TAB>-table`)."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    """The table's column titles, marked with `N_()`; translated when shown."""
    FIT: ClassVar[tuple[Column, ...]] = ()
    """Instead of COLUMNS: columns whose rows (`show_rows`) are fitted to the pane's
    width, again on every resize: free text shrinks and a cut cell ends in `…`
    (SPEC §9), rather than running off the screen's edge."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[list[str]] = []
        self._keys: list[str] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="tab-summary", markup=False, id=f"{self.TAB}-summary")
        yield DataTable(id=f"{self.TAB}-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        if self.FIT:
            self._fit()
        else:
            self.table.add_columns(*(_(c) if c else c for c in self.COLUMNS))

    def show_rows(self, rows: list[list[str]], keys: list[str] | None = None) -> None:
        """Put `rows` (plain strings, escaped where they come from files) in the table,
        fitted to its width (`FIT`); `keys` are the row keys."""
        self._rows, self._keys = rows, keys
        self._fit()

    def _fit(self) -> None:
        table = self.table
        row = table.cursor_row
        fill_table(table, translated(self.FIT), self._rows, keys=self._keys)
        if self._rows:
            table.move_cursor(row=min(max(row, 0), len(self._rows) - 1))

    def on_resize(self) -> None:
        """Fit the rows to the new width."""
        if self.FIT and self.is_mounted:
            self._fit()

    @property
    def table(self) -> DataTable:
        """The pane's table."""
        return self.query_one(f"#{self.TAB}-table", DataTable)

    @property
    def summary(self) -> Static:
        """The line above the table."""
        return self.query_one(f"#{self.TAB}-summary", Static)

    def focus_content(self) -> None:
        """Focus the table."""
        self.table.focus()


class RowPane(ListPane):
    """A list whose rows stand for entries of one of the record's lists (`jobs`,
    `tasks`): `_refs` holds the list index of each row, and the pane's letter keys act on
    the selected row only while a participant is shown and no field is being typed in."""

    def __init__(self) -> None:
        super().__init__()
        self._refs: list[int] = []
        """The index in the record's list of each table row (set by `draw`)."""

    def selected(self) -> int | None:
        """The index in the record's list of the selected row, or None."""
        refs, table = self._refs, self.table
        if not refs or not 0 <= table.cursor_row < len(refs):
            return None
        return refs[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The pane's keys only with a participant shown, and not while typing in a field."""
        if not allow_letter_action(self, action):
            return None
        return self.participant is not None
