"""`ipstui import`: participants from a team's existing spreadsheet (SPEC §12).

A CSV (comma, semicolon or tab separated; UTF-8, a byte order mark allowed) or an XLSX
workbook (read with openpyxl) holds one participant per row under a header row. Team
spreadsheets often have a title, a date or blank rows above the header: the header row
is the first of the first `HEADER_SCAN_ROWS` non-empty rows with at least
`HEADER_MIN_KNOWN` recognised headers (else the first non-empty row, whose unknown
columns are then reported). A workbook is read from the first sheet with a recognised
header (or the sheet named with `--sheet`). Columns are matched by header in English, Italian, Danish or Swedish
(`HEADERS`; case, accents of the spreadsheet's own making, spaces, `_`, `*` and a final
`:` do not matter), or by a `--map` file for anything else:

```toml
[columns]                # header in the file = field (or "-" to skip the column)
"Nominativo" = "name"
"Telefono" = "-"

[values.specialist]      # optional: a value in the file = the value to store
"Anna B." = "anna"
```

Dates may be ISO (`2026-11-30`), day-first as Italian, Danish and Swedish spreadsheets
write them (`30/11/2026`, `30.11.2026`, `30-11-2026`, one or two digits for day and
month), or date cells of the workbook. A specialist is a team key or a team member's
name; a referral source must be one of the team's `referral_sources` when it lists
them (case aside); phases, disclosure and support mode accept their ids and the words
of `VALUE_WORDS`.

Every row is checked first — the values, then the whole record with the same
validation as an edit — and every problem is reported as `FILE:row:column: message`
(rows as the spreadsheet numbers them, title rows counted; columns count from 1). Only with no problem at all is anything
written: each participant one commit through `caseload.save`, as `ipstui new` makes.
Participants are imported in intake unless the file gives a phase; a closed one comes
with its closure date and reason (`closed_on`, `closure_reason`, as `ipstui export`
writes them), a suspended one with `suspended_since` and `suspension_reason`. The
export's summary columns (`SUMMARIES`: counts, the latest contact, the current job) are
read past and named on one line: they cannot give back the lists they count.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ipstui.core import storage
from ipstui.core.audit import visible
from ipstui.core.caseload import Caseload, CaseloadError, save, validate_data
from ipstui.core.edits import listed_source
from ipstui.core.erasures import hashes_on_disk, id_hash
from ipstui.core.export import CLOSURE_COLUMNS, SUMMARIES, SUSPENSION_COLUMNS, milestone_view
from ipstui.core.folder import UsageError
from ipstui.core.i18n import _, ngettext
from ipstui.core.merge import same
from ipstui.core.model import (
    CLOSURE_REASONS,
    DATE_FIELDS,
    DISCLOSURE,
    PHASE_LABELS,
    PHASES,
    SCHEMA_VERSION,
    SUPPORT_MODES,
    SUSPENSION_REASONS,
    device_name_refusal,
    is_valid_id,
)
from ipstui.core.resources import data_file
from ipstui.core.sheetsafe import from_csv_cell
from ipstui.core.vocab import CLOSURE_REASON_LABELS, SUSPENSION_REASON_LABELS, field_word

HEADERS: dict[str, tuple[str, ...]] = {
    # field: English, Italian, Danish, Swedish
    "id": ("id", "participant id", "code", "codice", "id partecipante", "deltager-id",
           "løbenummer", "deltagar-id", "löpnummer"),
    "name": ("name", "full name", "participant", "pseudonym", "nome", "nominativo",
             "nome e cognome", "partecipante", "navn", "deltager", "namn", "deltagare"),
    "specialist": ("specialist", "employment specialist", "ips specialist", "operatore",
                   "operatore ips", "specialista", "referente", "medarbejder", "konsulent",
                   "ips-konsulent", "jobkonsulent", "handledare", "ips-handledare",
                   "arbetsspecialist"),
    "referral_source": ("referral source", "referred by", "source", "inviante",
                        "servizio inviante", "fonte invio", "inviato da", "henviser",
                        "henvist af", "henvisende instans", "remittent", "remitterad av",
                        "remissinstans"),
    "referred_on": ("referred on", "referral date", "referred", "data invio",
                    "data di invio", "data segnalazione", "henvist", "henvisningsdato",
                    "dato for henvisning", "remiss", "remissdatum", "datum för remiss"),
    "phase": ("phase", "stage", "fase", "fas"),
    "phase_since": ("phase since", "in phase since", "fase dal", "in fase dal",
                    "fase siden", "fas sedan"),
    "first_contact_on": ("first contact", "first contact on", "primo contatto",
                         "data primo contatto", "første kontakt", "första kontakt"),
    "enrolled_on": ("enrolled on", "enrolled", "enrolment date", "enrollment date",
                    "data inserimento", "inserito il", "presa in carico",
                    "data presa in carico", "indskrevet", "indskrivningsdato", "inskriven",
                    "inskrivningsdatum"),
    "first_employer_contact_on": ("first employer contact", "first employer contact on",
                                  "primo contatto azienda", "primo contatto datore",
                                  "første virksomhedskontakt", "første arbejdsgiverkontakt",
                                  "första arbetsgivarkontakt"),
    "benefits_counseling_on": ("benefits counseling", "benefits counselling",
                               "benefits counseling on", "consulenza previdenziale",
                               "ydelsesvejledning", "förmånsrådgivning"),
    "career_profile_updated_on": ("career profile updated", "career profile",
                                  "career profile updated on", "profilo professionale",
                                  "karriereprofil", "karriärprofil", "yrkesprofil"),
    "disclosure": ("disclosure", "rivelazione", "åbenhed", "öppenhet"),
    "support_mode": ("support mode", "modalità supporto", "modalità di supporto",
                     "støtteform", "stödform"),
    "goals": ("goals", "job goals", "obiettivi", "mål", "jobmål"),
    "strengths": ("strengths", "punti di forza", "styrker", "ressourcer", "styrkor"),
    "notes": ("notes", "comments", "note", "noter", "bemærkninger", "anteckningar",
              "kommentarer"),
    # The closure and suspension columns of `ipstui export`: a whole export imports.
    "closed_on": ("closed on", "closure date", "data chiusura", "chiuso il",
                  "afsluttet", "afslutningsdato", "avslutad", "avslutsdatum"),
    "closure_reason": ("closure reason", "reason for closure", "motivo chiusura",
                       "afslutningsårsag", "avslutsorsak"),
    "suspended_since": ("suspended since", "sospeso dal", "pause siden", "pausad sedan"),
    "suspension_reason": ("suspension reason", "motivo sospensione", "pauseårsag",
                          "orsak till paus"),
}  # fmt: skip
"""Headers recognised for each field (compared after `normalize_header`); each field's
own name (`referred_on`, `referred on`) is recognised too."""

REQUIRED = ("name", "specialist", "referral_source", "referred_on")
"""Columns every row must fill. `referred_on` too: the first-contact deadline, the
referral counts and fidelity S1 all count from it (SPEC §4, §8, §10), so a participant
without it would silently drop out of the agenda and the figures."""
TEMPLATE = data_file("ipstui", "data/import_template.xlsx")
"""The template spreadsheet shipped in the package (tools/make_import_template.py)."""

VALUE_WORDS: dict[str, dict[str, str]] = {
    "disclosure": {
        "yes": "yes", "no": "no", "undecided": "undecided",
        "sì": "yes", "si": "yes", "indeciso": "undecided", "da decidere": "undecided",
        "ja": "yes", "nej": "no", "ved ikke": "undecided", "uafklaret": "undecided",
        "vet ej": "undecided", "osäker": "undecided",
    },
    "support_mode": {
        "direct": "direct", "behind the scenes": "behind_the_scenes",
        "diretto": "direct", "dietro le quinte": "behind_the_scenes",
        "direkte": "direct", "bag om": "behind_the_scenes",
        "direkt": "direct", "bakom kulisserna": "behind_the_scenes",
    },
}  # fmt: skip


_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
SKIP = "-"


class ImportFileError(CaseloadError):
    """The file or the map cannot be read at all (one line)."""


class UnknownSource(ValueError):
    """A referral source the team's `referral_sources` does not list (`source`: as the
    file writes it, stripped)."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem at a cell: `row` as the spreadsheet numbers it (the header's row for a
    column's problem); `column` counts from 1 (0: the whole row)."""

    file: str
    row: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


@dataclass(slots=True)
class Plan:
    """What an import would create, or why it cannot."""

    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """(row, the participant's record) in file order."""
    problems: list[Problem] = field(default_factory=list)
    header_row: int = 1
    """The row the header was found on."""
    sheet: str | None = None
    """The worksheet read (None for a CSV)."""
    sheets: tuple[str, ...] = ()
    """Every worksheet of the workbook."""
    skipped: list[str] = field(default_factory=list)
    """The headers of the columns read past (export summaries, `"-"` in the map), as
    the file writes them."""
    unknown_sources: list[str] = field(default_factory=list)
    """Referral sources of the file that the team's `referral_sources` does not list,
    each once, in file order."""
    already: list[tuple[int, str]] = field(default_factory=list)
    """(row, participant id) for the rows a participant of the caseload already holds
    value for value (`imported_as`): an earlier import of the same file, perhaps one
    stopped half-way. They are left out, and are no problem."""


def normalize_header(text: Any) -> str:
    """Case-folded, NFC, `_` as space, spaces collapsed, a trailing `:` or `*` dropped."""
    s = unicodedata.normalize("NFC", str(text or "")).casefold().replace("_", " ")
    s = re.sub(r"\s+", " ", s).strip().rstrip(":*").strip()
    return s


def _header_table() -> dict[str, str]:
    # The summary columns of `ipstui export` are known and skipped (and named, see
    # `Plan.skipped`), so an export of one caseload imports into another.
    out: dict[str, str] = {normalize_header(k): SKIP for k in SUMMARIES}
    for fieldname, names in HEADERS.items():
        for n in (fieldname, *names):
            out.setdefault(normalize_header(n), fieldname)
    return out


# ----------------------------------------------------------------------------- reading


HEADER_SCAN_ROWS = 10
"""The header row is looked for among this many first non-empty rows."""
HEADER_MIN_KNOWN = 2
"""A row is the header when at least this many of its cells are recognised headers."""


@dataclass(frozen=True, slots=True)
class Table:
    """The rows of one sheet under its header, numbered as the spreadsheet numbers them."""

    header_row: int
    """Row number of the header (1 when the file starts with it)."""
    header: list[Any]
    body: list[tuple[int, list[Any]]]
    """(row number, cells) of every non-empty row below the header."""
    sheet: str | None = None
    """The worksheet's title (None for a CSV)."""
    sheets: tuple[str, ...] = ()
    """Every worksheet of the workbook, in order (empty for a CSV)."""
    recognised: bool = True
    """False when no row near the top had `HEADER_MIN_KNOWN` recognised headers."""


def known_headers(cells: Sequence[Any], extra: Mapping[str, str] | None = None) -> int:
    """How many of `cells` are headers of a field (the built-in table, then `extra`, the
    `--map` columns): a column to skip does not count."""
    table = _header_table()
    table.update(extra or {})
    return sum(1 for c in cells if table.get(normalize_header(c), SKIP) != SKIP)


def find_header(
    rows: Sequence[Sequence[Any]], extra: Mapping[str, str] | None = None
) -> tuple[int, bool] | None:
    """Index in `rows` of the header row and whether it was recognised: the first of the
    first `HEADER_SCAN_ROWS` non-empty rows with `HEADER_MIN_KNOWN` known headers, else
    the first non-empty row (False). None when every row is empty."""
    filled = [i for i, r in enumerate(rows) if any(_present(c) for c in r)]
    if not filled:
        return None
    for i in filled[:HEADER_SCAN_ROWS]:
        if known_headers(rows[i], extra) >= HEADER_MIN_KNOWN:
            return i, True
    return filled[0], False


def read_table(
    path: Path, *, sheet: str | None = None, extra: Mapping[str, str] | None = None
) -> Table:
    """The participants' table of a CSV or XLSX file: its header row found as the module
    says, in the sheet named `sheet` (XLSX only; case aside) or else the first sheet
    whose header is recognised (else the first sheet). ImportFileError when the file
    cannot be read, is empty, names no such sheet, or `sheet` is given for a CSV."""
    suffix = path.suffix.casefold()
    try:
        if suffix in (".xlsx", ".xlsm"):
            sheets = _xlsx_sheets(path)
        elif suffix in (".csv", ".txt", ".tsv"):
            if sheet is not None:
                raise ImportFileError(
                    _("{file}: --sheet is for .xlsx workbooks; a CSV file has one table").format(
                        file=path.name
                    )
                )
            sheets = [(None, _csv_rows(path))]
        else:
            raise ImportFileError(_("{file}: not a .csv or .xlsx file").format(file=path.name))
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror or exc}") from None
    names = tuple(n for n, _rows in sheets if n is not None)
    if sheet is not None:
        chosen = [(n, r) for n, r in sheets if n == sheet] or [
            (n, r) for n, r in sheets if (n or "").casefold() == sheet.casefold()
        ]
        if not chosen:
            raise ImportFileError(
                _("{file}: no sheet named '{sheet}'; its sheets: {names}").format(
                    file=path.name, sheet=sheet, names=", ".join(repr(n) for n in names)
                )
            )
        sheets = chosen[:1]
    found = [(n, rows, find_header(rows, extra)) for n, rows in sheets]
    found = [(n, rows, h) for n, rows, h in found if h is not None]
    if not found:
        raise ImportFileError(_("{file}: the file is empty").format(file=path.name))
    name, rows, (at, recognised) = next((x for x in found if x[2][1]), found[0])
    body = [
        (i, list(r))
        for i, r in enumerate(rows[at + 1 :], start=at + 2)
        if any(_present(c) for c in r)
    ]
    return Table(at + 1, list(rows[at]), body, name, names, recognised)


def read_rows(path: Path) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """(header cells, [(row number, cells)]) of a CSV or XLSX file, as `read_table`
    finds them with no `--sheet` and no map. ImportFileError when it cannot be read."""
    table = read_table(path)
    return table.header, table.body


def _present(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


def _csv_rows(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _("{name}:{line}:1: not UTF-8 text; save the file as CSV UTF-8").format(
                name=path.name, line=line
            )
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    # A cell `ipstui export` guarded against running as a formula reads back as it was.
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[from_csv_cell(c) for c in r] for r in rows]


def _xlsx_sheets(path: Path) -> list[tuple[str | None, list[list[Any]]]]:
    """(title, rows) of every worksheet (chart sheets have no rows and are left out)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(
            _("{name}: not a readable .xlsx workbook ({exc})").format(name=path.name, exc=exc)
        ) from None
    except Exception as exc:  # noqa: BLE001 — zipfile.BadZipFile and other corrupt files
        raise ImportFileError(
            _("{name}: not a readable .xlsx workbook ({exc})").format(name=path.name, exc=exc)
        ) from None
    try:
        return [
            (ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets
        ]
    finally:
        wb.close()


# ----------------------------------------------------------------------------- values


def parse_date(value: Any) -> date:
    """A date from a workbook date cell, ISO text or day-first text (`30/11/2026`,
    `30.11.2026`, `30-11-2026`). ValueError with a message otherwise."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError(
                _("{isoformat} has a time of day; a date is expected").format(
                    isoformat=value.isoformat(" ")
                )
            )
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            _("{value} is a number, not a date (format the cell as a date)").format(
                value=repr(value)
            )
        )
    text = str(value).strip()
    if _ISO.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("{text} is not a date").format(text=repr(text))) from None
    m = _DAY_FIRST.fullmatch(text)
    if m:
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(
                _("{text} is not a date (day {day}, month {month})").format(
                    text=repr(text), day=day, month=month
                )
            ) from None
    raise ValueError(
        _("{text} is not a date; write 2026-11-30, 30/11/2026, 30.11.2026 or 30-11-2026").format(
            text=repr(text)
        )
    )


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def load_map(path: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """`[columns]` (normalised header → field or "-") and `[values.<field>]` of a map
    file. ImportFileError for a file that is not TOML or names an unknown field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(
            _("{path}: cannot read the map ({exc})").format(path=path, exc=exc)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ImportFileError(
            _("{name}: not valid TOML: {exc}").format(name=path.name, exc=exc)
        ) from None
    columns = data.get("columns", {})
    values = data.get("values", {})
    if not isinstance(columns, dict) or not isinstance(values, dict):
        raise ImportFileError(
            _("{name}: [columns] and [values.<field>] must be tables").format(name=path.name)
        )
    out: dict[str, str] = {}
    for header, target in columns.items():
        if target != SKIP and target not in HEADERS:
            raise ImportFileError(
                _(
                    '{name}: column {header} maps to unknown field {target}; fields: {values} (or "-" to skip)'
                ).format(
                    name=path.name,
                    header=repr(header),
                    target=repr(target),
                    values=", ".join(HEADERS),
                )
            )
        out[normalize_header(header)] = str(target)
    vmaps: dict[str, dict[str, str]] = {}
    for fieldname, table in values.items():
        if fieldname not in HEADERS or not isinstance(table, dict):
            raise ImportFileError(
                _("{name}: [values.{fieldname}] names no known field").format(
                    name=path.name, fieldname=fieldname
                )
            )
        vmaps[fieldname] = {normalize_header(k): str(v) for k, v in table.items()}
    return out, vmaps


def map_columns(
    file: str,
    header: Sequence[Any],
    extra: Mapping[str, str] | None = None,
    header_row: int = 1,
) -> tuple[dict[int, str | None], list[Problem]]:
    """Column index (0-based) → field, from the header row (on row `header_row`, where
    its problems are reported); problems for a column no one recognises, a field given
    twice and a required field missing."""
    table = _header_table()
    table.update(extra or {})
    fields: dict[int, str | None] = {}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = normalize_header(cell)
        if not key:
            fields[i] = None
            continue
        target = table.get(key)
        if target is None:
            problems.append(
                Problem(
                    file,
                    header_row,
                    i + 1,
                    f"column {_text(cell)!r} is not recognised; name the "
                    'field it holds with --map ("-" to skip it)',
                )  # fmt: skip
            )
            fields[i] = None
        elif target == SKIP:
            fields[i] = None
        elif target in seen:
            problems.append(
                Problem(
                    file,
                    header_row,
                    i + 1,
                    _("column {header} is {field} again (column {n} already is)").format(
                        header=repr(_text(cell)), field=field_word(target), n=seen[target] + 1
                    ),
                )  # fmt: skip
            )
            fields[i] = None
        else:
            seen[target] = i
            fields[i] = target
    for req in REQUIRED:
        if req not in seen:
            problems.append(
                Problem(
                    file,
                    header_row,
                    0,
                    _("no column for {field} (a header such as {header} or {key})").format(
                        field=field_word(req), header=repr(HEADERS[req][0]), key=repr(req)
                    ),
                )
            )
    return fields, problems


def _convert(fieldname: str, value: Any, cl: Caseload, vmap: Mapping[str, str]) -> Any:
    """The stored value for a cell; ValueError with a message when it cannot be one."""
    text = _text(value)
    mapped = vmap.get(normalize_header(text))
    if mapped is not None:
        value = text = mapped
    if fieldname in DATE_FIELDS or fieldname in ("closed_on", "suspended_since"):
        return parse_date(value)
    if fieldname in ("closure_reason", "suspension_reason"):
        closing = fieldname == "closure_reason"
        codes = CLOSURE_REASONS if closing else SUSPENSION_REASONS
        labels = CLOSURE_REASON_LABELS if closing else SUSPENSION_REASON_LABELS
        words = {normalize_header(c): c for c in codes}
        for code in codes:  # the label in English and in the current language
            words.setdefault(normalize_header(labels.source[code]), code)
            words.setdefault(normalize_header(labels[code]), code)
        hit = words.get(normalize_header(text))
        if hit is None:
            raise ValueError(
                _("{fieldname} {text}: use one of {values}").format(
                    fieldname=_("Closure reason") if closing else _("Suspension reason"),
                    text=repr(text),
                    values=", ".join(codes),
                )
            )
        return hit
    if fieldname == "specialist":
        team = cl.settings.team
        if text in team:
            return text
        by_name = {normalize_header(getattr(m, "name", "") or ""): k for k, m in team.items()}
        by_key = {normalize_header(k): k for k in team}
        key = by_key.get(normalize_header(text)) or by_name.get(normalize_header(text))
        if key is None:
            raise ValueError(
                _("unknown specialist {text}; team: {values}").format(
                    text=repr(text), values=", ".join(team)
                )
            )
        return key
    if fieldname == "referral_source":
        sources = list(cl.settings.referral_sources)
        if sources:
            hit = listed_source(sources, text)  # the one rule `new` and `set` use too
            if hit not in sources:
                raise UnknownSource(
                    hit,
                    _("referral source {text} is not in the team's list: {values}").format(
                        text=repr(text), values=", ".join(sources)
                    ),
                )
            return hit
        return text
    if fieldname == "phase":
        words = {normalize_header(p): p for p in PHASES}
        words.update({normalize_header(v): k for k, v in PHASE_LABELS.items()})
        phase = words.get(normalize_header(text))
        if phase is None:
            raise ValueError(
                _("unknown phase {text}; use one of {values}").format(
                    text=repr(text), values=", ".join(PHASES)
                )
            )
        return phase
    if fieldname in VALUE_WORDS:
        hit = VALUE_WORDS[fieldname].get(normalize_header(text))
        allowed = DISCLOSURE if fieldname == "disclosure" else SUPPORT_MODES
        if hit is None:
            raise ValueError(
                _("{fieldname} {text}: use one of {values}").format(
                    fieldname=field_word(fieldname), text=repr(text), values=", ".join(allowed)
                )
            )
        return hit
    if fieldname in ("goals", "strengths"):
        return [x.strip() for x in re.split(r"[;,\n]", text) if x.strip()]
    if fieldname == "id":
        if not is_valid_id(text):
            raise ValueError(
                device_name_refusal(text)
                or _("{text} is not a valid id (letters, digits, _ and -, up to 64)").format(
                    text=repr(text)
                )
            )
        return text
    if fieldname == "name":
        if "\n" in text:
            raise ValueError(_("a name is one line"))
        from ipstui.core import names

        text = names.normal(text)
        problem = names.name_problem(text)
        if problem:
            raise ValueError(problem)
    return text


# ----------------------------------------------------------------------------- planning


def plan(
    path: Path,
    cl: Caseload,
    *,
    today: date,
    map_path: Path | None = None,
    sheet: str | None = None,
    allow_same: bool = False,
    existing: Mapping[str, Any] | None = None,
) -> Plan:
    """Read `path` (the worksheet `sheet` of a workbook, else the one `read_table`
    chooses) and build every participant it describes, checking everything; writes
    nothing. ImportFileError when the file, the sheet or the map cannot be read at all.

    A row that a participant of the caseload already holds value for value (by its id,
    or by name and referral date) was imported before: it is left out and listed in
    `Plan.already`, so an import stopped half-way (killed, a power cut) is finished by
    running it again. A row with the name and referral date of a participant already in
    the caseload but other values, or of an earlier row, is a problem (the same sheet
    imported twice would otherwise make everyone twice; a changed row is for a person
    to look at) unless `allow_same`: two people may share a pseudonym and a date.
    `existing` (id -> Participant) are the participants to compare with; default
    `cl.participants` (empty for a caseload loaded for an edit only)."""
    name = path.name
    extra, vmaps = load_map(map_path) if map_path is not None else ({}, {})
    table = read_table(path, sheet=sheet, extra=extra)
    body = table.body
    columns, problems = map_columns(name, table.header, extra, table.header_row)
    out = Plan(
        problems=problems, header_row=table.header_row, sheet=table.sheet, sheets=table.sheets
    )
    if problems and any(p.column == 0 for p in problems):
        return out  # without the required columns, every row would say the same
    skip = _header_table()
    skip.update(extra)
    out.skipped = [
        _text(c)
        for i, c in enumerate(table.header)
        if columns.get(i) is None and skip.get(normalize_header(c)) == SKIP
    ]
    taken = {x.casefold() for x in (*cl.participants, *cl.known_ids, *_ids_in_use(cl.root))}
    in_file: dict[str, int] = {}
    col_of = {f: i for i, f in columns.items() if f}
    # Who is already here, by folded name (the summary, no file read); a row whose name
    # matches reads those participants' referral dates.
    by_name: dict[str, list[Any]] = {}
    here = cl.participants if existing is None else existing
    for p in () if allow_same else here.values():
        by_name.setdefault(_fold(p.name), []).append(p)
    named = {k: list(v) for k, v in by_name.items()}  # by_name is used up as rows match
    # (folded name, referral date) -> who has it first: a participant's id, or a row.
    first_seen: dict[tuple[str, Any], str | int] = {}
    for rownum, cells in body:
        record: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for i, fieldname in columns.items():
            if fieldname is None or i >= len(cells) or not _present(cells[i]):
                continue
            try:
                record[fieldname] = _convert(fieldname, cells[i], cl, vmaps.get(fieldname, {}))
            except UnknownSource as exc:
                if exc.source not in out.unknown_sources:
                    out.unknown_sources.append(exc.source)
                row_problems.append(Problem(name, rownum, i + 1, str(exc)))
            except ValueError as exc:
                row_problems.append(Problem(name, rownum, i + 1, str(exc)))
        row_problems += _closure_problems(name, rownum, record, col_of, today)
        for req in REQUIRED:
            if req not in record and not any(p.column == col_of[req] + 1 for p in row_problems):
                row_problems.append(
                    Problem(
                        name,
                        rownum,
                        col_of[req] + 1,
                        _("{field} is empty").format(field=field_word(req)),
                    )
                )
        pid = record.get("id")
        if not row_problems and not allow_same:
            twin = _imported_before(record, here, named, today)
            if twin is not None:
                out.already.append((rownum, twin))
                if isinstance(pid, str):
                    in_file.setdefault(pid.casefold(), rownum)
                continue
        if isinstance(pid, str):
            if pid.casefold() in taken:
                row_problems.append(
                    Problem(
                        name,
                        rownum,
                        col_of["id"] + 1,
                        _("participant {id} already exists").format(id=pid),
                    )
                )
            elif pid.casefold() in in_file:
                row_problems.append(
                    Problem(
                        name,
                        rownum,
                        col_of["id"] + 1,
                        _("id {id} is also on row {row}").format(
                            id=pid, row=in_file[pid.casefold()]
                        ),
                    )
                )
            else:
                in_file[pid.casefold()] = rownum
        if not row_problems and not allow_same:
            who = (_fold(record.get("name", "")), record.get("referred_on"))
            for p in by_name.pop(who[0], ()):
                first_seen.setdefault((who[0], p.data.get("referred_on")), p.id)
            earlier = first_seen.get(who)
            if earlier is None:
                first_seen[who] = rownum
            else:
                message = (
                    _(
                        "row {row} has the same name and referral date; leave this row out, "
                        "or import with --allow-same if this is another person"
                    ).format(row=earlier)
                    if isinstance(earlier, int)
                    else _(
                        "{id} has the same name and referral date; leave the row out, "
                        "or import with --allow-same if this is another person"
                    ).format(id=earlier)
                )
                row_problems.append(Problem(name, rownum, col_of["name"] + 1, message))
        if row_problems:
            out.problems += row_problems
            continue
        out.records.append((rownum, record))
    # Ids for the rows without one, after every id the file names.
    used = taken | set(in_file)
    built: list[tuple[int, dict[str, Any]]] = []
    erased = hashes_on_disk(cl.root)
    for rownum, record in out.records:
        if "id" not in record:
            record["id"] = _next_id(used)
            while id_hash(record["id"]) in erased:  # never give an erased person's id
                used.add(record["id"].casefold())
                record["id"] = _next_id(used)
        used.add(record["id"].casefold())
        data = _record(record, today)
        for problem in validate_data(cl, data, erased=erased):
            fieldname = _field_in(problem.message, col_of)
            col = col_of[fieldname] + 1 if fieldname else 0
            out.problems.append(Problem(name, rownum, col, problem.message))
        built.append((rownum, data))
    out.records = built
    out.problems.sort(key=lambda p: (p.row, p.column))
    return out


def _imported_before(
    record: Mapping[str, Any],
    here: Mapping[str, Any],
    by_name: Mapping[str, list[Any]],
    today: date,
) -> str | None:
    """The id of the participant that already holds `record` (a row's converted values)
    value for value: the one with the row's id, else one with its name and referral
    date (`by_name`: folded name -> participants); None when there is none."""
    pid = record.get("id")
    if isinstance(pid, str):
        p = here.get(pid)
        return p.id if p is not None and imported_as(record, p.data, today) else None
    for p in by_name.get(_fold(record.get("name", "")), ()):
        if imported_as(record, p.data, today):
            return p.id
    return None


def imported_as(record: Mapping[str, Any], data: Mapping[str, Any], today: date) -> bool:
    """True when participant `data` holds every value the import would write for
    `record` (a row's converted values): the fields the row gives, and the defaults it
    implies (phase intake), but not the ones an import fills in on the day it runs
    (`phase_since`, when the row has none) nor an empty `notes`. Contacts, jobs and tasks
    added since are not compared: an import writes none. The milestone dates are
    compared as `ipstui export` writes them (`export.milestone_view`: as the reports
    count them), so an export imports back into its own caseload value for value."""
    data = milestone_view(data)
    built = _record({**record, "id": data.get("id")}, today)
    for key, value in built.items():
        if key == "phase_since" and "phase_since" not in record:
            continue
        if key == "notes" and "notes" not in record and not data.get("notes"):
            continue
        if key not in data or not same(data[key], value):
            return False
    return True


def _closure_problems(
    file: str, rownum: int, record: Mapping[str, Any], col_of: Mapping[str, int], today: date
) -> list[Problem]:
    """A closure or a suspension comes whole, as `ipstui export` writes it: a closed
    row with its date and reason (SPEC §2: phase closed iff [closure]), a suspension
    with its start and reason, and neither dated after `today`."""
    out: list[Problem] = []

    def col(fieldname: str) -> int:
        return col_of[fieldname] + 1 if fieldname in col_of else 0

    closed = record.get("phase") == "closed"
    given = [k for k in CLOSURE_COLUMNS if k in record]
    if closed and len(given) < 2:
        out.append(Problem(file, rownum, col("phase"), _(
            "a closed participant needs the closure date (closed_on) and reason "
            "(closure_reason)")))  # fmt: skip
    elif given and not closed:
        out.append(Problem(file, rownum, col(given[0]), _(
            "a closure is given but the phase is not closed")))  # fmt: skip
    sus = [k for k in SUSPENSION_COLUMNS if k in record]
    if len(sus) == 1:
        out.append(Problem(file, rownum, col(sus[0]), _(
            "a suspension needs both its start (suspended_since) and its reason "
            "(suspension_reason)")))  # fmt: skip
    elif sus and closed:
        out.append(Problem(file, rownum, col(sus[0]), _(
            "a closed participant cannot be suspended")))  # fmt: skip
    for k, what in (("closed_on", _("Closure date")), ("suspended_since", _("Suspended since"))):
        when = record.get(k)
        if isinstance(when, date) and when > today:
            out.append(Problem(file, rownum, col(k), _(
                "{field}: {when} is after today ({today}); record an event once it has "
                "happened").format(
                    field=what, when=when.isoformat(), today=today.isoformat())))  # fmt: skip
    return out


def _fold(name: Any) -> str:
    """A name folded for case and spaces: with the referral date, how a second copy of a
    person is recognised."""
    return " ".join(str(name).split()).casefold()


def _ids_in_use(root: Path) -> set[str]:
    """Ids of the files in participants/ and of those git tracks there (a file deleted
    but not committed still holds its id)."""
    from ipstui.core import gitio

    pdir = root / "participants"
    names = set(os.listdir(pdir)) if pdir.is_dir() else set()
    tracked = gitio.git(root, "ls-files", "-z", "--", "participants", check=False).stdout
    names |= {Path(x).name for x in tracked.split("\0") if x}
    return {n[:-5] for n in names if n.endswith(".toml")}


def _next_id(used: Iterable[str], prefix: str = "P-") -> str:
    used = set(used)
    n = 1
    for x in used:
        tail = x[len(prefix) :] if x.startswith(prefix.casefold()) else ""
        if tail.isdigit():
            n = max(n, int(tail) + 1)
    while f"{prefix}{n:04d}".casefold() in used:
        n += 1
    return f"{prefix}{n:04d}"


def _field_in(message: str, columns: Mapping[str, int]) -> str | None:
    for fieldname in sorted(columns, key=len, reverse=True):
        if re.search(rf"\b{re.escape(fieldname)}\b", message):
            return fieldname
    return None


def _record(values: Mapping[str, Any], today: date) -> dict[str, Any]:
    """A participant record in canonical key order from the converted cells."""
    phase = values.get("phase", "intake")
    referred = values.get("referred_on")
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "id": values["id"],
        "name": values["name"],
        "specialist": values["specialist"],
        "phase": phase,
        "phase_since": values.get("phase_since")
        or (referred if phase == "intake" and referred else today),
        "referral_source": values["referral_source"],
    }
    for k in ("referred_on", "first_contact_on", "enrolled_on", "first_employer_contact_on",
              "benefits_counseling_on", "career_profile_updated_on", "disclosure",
              "support_mode", "goals", "strengths"):  # fmt: skip
        if k in values and values[k] != []:
            data[k] = values[k]
    data["notes"] = values.get("notes", "")
    if "suspended_since" in values and "suspension_reason" in values:
        data["suspension"] = {
            "since": values["suspended_since"],
            "reason": values["suspension_reason"],
        }
    if "closed_on" in values and "closure_reason" in values:
        data["closure"] = {"on": values["closed_on"], "reason": values["closure_reason"]}
    return data


# ----------------------------------------------------------------------------- writing


def run(plan_: Plan, cl: Caseload, progress: Any = None) -> list[tuple[str, str]]:
    """Create every planned participant, one commit each; [(id, commit)]. A failure
    stops the import with a CaseloadError naming the row and what was already made."""
    if plan_.problems:
        raise CaseloadError(_("the import has problems; nothing was written"))
    made: list[tuple[str, str]] = []
    for rownum, data in plan_.records:
        try:
            res = save(cl, None, data)
        except CaseloadError as exc:
            done = (
                f"{len(made)} participant(s) were created before it"
                if made
                else "nothing was written"
            )
            raise CaseloadError(
                _("row {rownum} ({id}): {exc}; {done}").format(
                    rownum=rownum, id=data["id"], exc=exc, done=done
                )
            ) from None
        assert res.participant is not None
        cl = cl.with_participant(res.participant, res.problems)
        made.append((data["id"], res.commit))
        if progress is not None:
            progress(data["id"], res.commit)
    return made


def run_cli(svc: Any, args: Any, today: date) -> int:
    """`ipstui import FILE [--sheet NAME] [--map MAP] [--dry-run] | --template OUT`, on the caseload of
    the service `svc`: problems to stderr (exit 1), else the planned rows (dry run) or
    one line per committed participant."""
    import sys

    root = svc.root
    if args.template:
        from ipstui.core.export import check_output

        target = check_output(root, Path(args.template), template=True)
        storage.write_output(target, TEMPLATE.read_bytes())
        print(_("template written to {target}").format(target=target), file=sys.stderr)
        return 0
    if not args.file:
        raise UsageError(_("name the file to import (FILE.csv or FILE.xlsx), or use --template"))
    cl = svc.load_for_edit()
    path = Path(args.file)
    map_path = Path(args.map) if args.map else None
    sheet = getattr(args, "sheet", None)
    allow = bool(getattr(args, "allow_same", False))
    here = {} if allow else svc.load().participants
    if not args.dry_run:
        if cl.repo is None:
            raise CaseloadError(
                _("{root} is not a git repository; importing needs git").format(root=root)
            )
        from ipstui.core.caseload import caseload_lock

        # The whole import under the caseload's save lock (re-entrant for each save):
        # no `ipstui new` elsewhere can take an id between the plan and its commit.
        with caseload_lock(cl.repo.git_dir):
            p = plan(path, cl, today=today, map_path=map_path, sheet=sheet, allow_same=allow, existing=here)
            return _report(p, cl, path.name, dry_run=False)
    p = plan(path, cl, today=today, map_path=map_path, sheet=sheet, allow_same=allow, existing=here)
    return _report(p, cl, path.name, dry_run=True)


def where_read(p: Plan, file: str) -> str | None:
    """One line saying which sheet and header row were read, when it is not simply the
    first row of the only sheet (None then)."""
    if p.sheet is not None and len(p.sheets) > 1:
        return _("{file}: read sheet '{sheet}', header on row {row}").format(
            file=file, sheet=p.sheet, row=p.header_row
        )
    if p.header_row != 1:
        return _("{file}: header on row {row}").format(file=file, row=p.header_row)
    return None


def skipped_line(p: Plan, file: str) -> str:
    """One line naming the columns the import read past (`Plan.skipped`)."""
    return ngettext(
        "{file}: column not imported: {columns}",
        "{file}: columns not imported: {columns}",
        len(p.skipped),
    ).format(file=file, columns=", ".join(p.skipped))


def unknown_sources_line(p: Plan) -> str:
    """One line naming the referral sources the team does not list and how to add them.
    They are refused, not added: `referral_sources` is the team's list in caseload.toml
    (SPEC §2), changed by the team in its own commit, and an import writes participant
    files only; a spreadsheet's spelling ("C.S.M.") would otherwise become a source."""
    return ngettext(
        "Referral source {sources} is not in caseload.toml's referral_sources: add it "
        "there and commit, or map it to a listed source in a --map file "
        "([values.referral_source]), then import again",
        "Referral sources {sources} are not in caseload.toml's referral_sources: add them "
        "there and commit, or map them to listed sources in a --map file "
        "([values.referral_source]), then import again",
        len(p.unknown_sources),
    ).format(sources=", ".join(repr(x) for x in p.unknown_sources))


def already_line(p: Plan, most: int = 10) -> str:
    """One line naming the rows left out as imported before (`Plan.already`), their ids
    (the first `most`, then "…")."""
    ids = ", ".join(pid for _row, pid in p.already[:most])
    if len(p.already) > most:
        ids += ", …"
    return ngettext(
        "{n} row is already in the caseload, value for value, and was left out: {ids}",
        "{n} rows are already in the caseload, value for value, and were left out: {ids}",
        len(p.already),
    ).format(n=len(p.already), ids=ids)


def _report(p: Plan, cl: Caseload, file: str, *, dry_run: bool) -> int:
    import sys

    where = where_read(p, file)
    if where is not None:
        print(visible(where), file=sys.stderr)
    if p.skipped:
        print(visible(skipped_line(p, file)), file=sys.stderr)
    if p.already:
        print(visible(already_line(p)), file=sys.stderr)
    if p.problems:
        for problem in p.problems:
            print(visible(str(problem)), file=sys.stderr)
        if p.unknown_sources:
            print(visible(unknown_sources_line(p)), file=sys.stderr)
        n = len(p.problems)
        print(
            ngettext(
                "{n} problem; nothing was imported", "{n} problems; nothing was imported", n
            ).format(n=n),
            file=sys.stderr,
        )
        return 1
    if dry_run:
        for rownum, data in p.records:
            print(
                visible(
                    _("row {row}: would create {id}").format(row=rownum, id=data["id"])
                    + f"  {data['name']}  {data['specialist']}  {data['phase']}  "
                    f"{data['referral_source']}  {data.get('referred_on', '')}"
                )
            )
        print(
            ngettext(
                "{n} participant would be created (dry run)",
                "{n} participants would be created (dry run)",
                len(p.records),
            ).format(n=len(p.records)),
            file=sys.stderr,
        )
        return 0
    made = run(
        p, cl, progress=lambda pid, c: print(_("{pid} committed {c}").format(pid=pid, c=c[:7]))
    )
    print(
        ngettext(
            "{n} participant imported, one commit each",
            "{n} participants imported, one commit each",
            len(made),
        ).format(n=len(made)),
        file=sys.stderr,
    )
    return 0
