"""`ipstui export`: the caseload as one table, one row per participant (SPEC §7).

Columns (`COLUMNS`) are the participant's scalar fields under their stored names — so
`ipstui import` reads an export back — then what the lists hold in one cell each:
suspension and closure, the number of contacts and the date of the last one, the
number of jobs and the current one (employer, start), and the number of open tasks.
`csv` and `json` go to stdout unless `--output FILE`; `xlsx` needs `--output` and
writes dates as date cells. An export is personal data: it is never written inside the
caseload's work tree, where a `git add -A` would commit it and a sync share it.

The first dates the contact log decides (`first_contact_on`,
`first_employer_contact_on`; `core/milestones.py`) are exported as the reports and
fidelity count them, not as the file last stored them: the earlier of the stored date
and the earliest qualifying contact (a contact typed in later with an earlier date moves
it back; `milestone_view`). An export does not carry the contacts, so the stored value
alone would give the importing caseload other figures than the exporting one's.
`benefits_counseling_on` is exported as stored: fidelity V1 counts any benefits session
near a job's start, the stored date among them, and the board's deadlines read the
stored date, so the latest logged session in its place would turn V1 from met to not met
in the importing caseload (a session after the start hiding the one before). An import
of an export stays value for value: the importer compares a row with the same view of
the participant (`importer.imported_as`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ipstui.core import storage
from ipstui.core.caseload import CaseloadError
from ipstui.core.folder import UsageError
from ipstui.core.i18n import _, ngettext
from ipstui.core.sheetsafe import csv_row, text_cells

FORMATS = ("csv", "xlsx", "json")
EXIT_PARTIAL = 3

SCALARS = (
    "id", "name", "specialist", "phase", "phase_since", "referral_source", "referred_on",
    "first_contact_on", "enrolled_on", "first_employer_contact_on", "benefits_counseling_on",
    "career_profile_updated_on", "disclosure", "support_mode", "goals", "strengths", "notes",
)  # fmt: skip
SUSPENSION_COLUMNS = ("suspended_since", "suspension_reason")
CLOSURE_COLUMNS = ("closed_on", "closure_reason")
SUMMARIES = (
    "contacts", "last_contact_on", "jobs", "current_employer", "current_job_start",
    "open_tasks",
)  # fmt: skip
"""The columns that summarise lists (counts, the latest contact, the current job): they
cannot give back the contacts, jobs and tasks themselves, so an import reads past them
and says which it left out."""
DERIVED = SUSPENSION_COLUMNS + CLOSURE_COLUMNS + SUMMARIES
COLUMNS: tuple[str, ...] = SCALARS + DERIVED


def milestone_view(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """`data` with its first dates (`milestones.FIRSTS`) as the reports count them
    (`milestones.first_on`) in a shallow copy; `data` itself when the log moves neither.
    A stored value that is not a plain date is left alone (the validator names it), and
    so is `benefits_counseling_on` (see the module docstring)."""
    from ipstui.core.milestones import FIRSTS, first_on

    moved = {}
    for field in FIRSTS:
        stored = data.get(field)
        if stored is not None and type(stored) is not date:
            continue
        counted = first_on(data, field)
        if counted != stored:
            moved[field] = counted
    return {**data, **moved} if moved else data


def row(data: Mapping[str, Any]) -> dict[str, Any]:
    """One participant's row: every column of COLUMNS (None where it has no value); the
    first dates as the reports count them (`milestone_view`)."""
    view = milestone_view(data)
    out: dict[str, Any] = {k: view.get(k) for k in SCALARS}
    sus = data.get("suspension") if isinstance(data.get("suspension"), Mapping) else {}
    clo = data.get("closure") if isinstance(data.get("closure"), Mapping) else {}
    contacts = [c for c in data.get("contacts") or [] if isinstance(c, Mapping)]
    jobs = [j for j in data.get("jobs") or [] if isinstance(j, Mapping)]
    tasks = [t for t in data.get("tasks") or [] if isinstance(t, Mapping)]
    dates = [c["on"] for c in contacts if isinstance(c.get("on"), date)]
    current = [j for j in jobs if "end" not in j]
    out.update(
        suspended_since=sus.get("since"),
        suspension_reason=sus.get("reason"),
        closed_on=clo.get("on"),
        closure_reason=clo.get("reason"),
        contacts=len(contacts),
        last_contact_on=max(dates) if dates else None,
        jobs=len(jobs),
        current_employer=current[-1].get("employer") if current else None,
        current_job_start=current[-1].get("start") if current else None,
        open_tasks=sum(1 for t in tasks if "done_on" not in t),
    )
    return out


def rows(participants: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows sorted by id."""
    return sorted((row(p) for p in participants), key=lambda r: str(r["id"]))


def _cell(v: Any) -> Any:
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    return v


def to_csv(table: list[dict[str, Any]]) -> str:
    """Header row of COLUMNS, ISO dates, lists joined with `; `, empty for no value;
    text a spreadsheet would run as a formula guarded (`sheetsafe.csv_cell`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in table:
        w.writerow(csv_row("" if r[k] is None else _cell(r[k]) for k in COLUMNS))
    return buf.getvalue()


def to_json(table: list[dict[str, Any]]) -> str:
    """A list of objects with the keys of COLUMNS; dates ISO, lists as lists."""
    conv = [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()} for r in table]
    return json.dumps(conv, ensure_ascii=False, indent=1) + "\n"


def write_xlsx(table: list[dict[str, Any]], path: Path) -> None:
    """A workbook with one sheet `participants`: header row, dates as date cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "participants"
    ws.append(list(COLUMNS))
    for r in table:
        ws.append([_cell(r[k]) for k in COLUMNS])
    for col in ws.iter_cols(min_row=2):
        for cell in col:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B2"
    text_cells(ws)
    save_workbook(wb, path)


def save_workbook(wb: Any, path: Path) -> None:
    """An openpyxl workbook written with `storage.write_output` (whole, or to a pipe)."""
    buf = io.BytesIO()
    wb.save(buf)
    storage.write_output(path, buf.getvalue())


def check_output(root: Path, output: Path, *, template: bool = False) -> Path:
    """`output` resolved; CaseloadError when it lies inside the caseload's work tree
    (or its git directory), where it would be committed and shared, is a directory, or
    its directory does not exist. An existing device, pipe or socket (`/dev/stdout`) is
    returned as named: nothing is stored there. `template`: `output` is for the empty
    import template, refused inside the caseload for what it will hold (`inside_caseload`)."""
    output = output.expanduser()
    try:
        mode = os.stat(output).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise CaseloadError(_("{target} is a directory; name a file").format(target=output))
    if mode is not None and not stat.S_ISREG(mode):
        return output
    target = output.resolve()
    inside = inside_caseload(root, target, template=template)
    if inside is not None:
        raise CaseloadError(inside)
    if not target.parent.is_dir():
        raise CaseloadError(_("{parent} does not exist").format(parent=target.parent))
    return target


def inside_caseload(root: Path, target: Path, *, template: bool = False) -> str | None:
    """Why an export may not be written at `target`, when it lies inside the caseload at
    `root` (its work tree, or the git work tree holding it), links resolved: the sentence
    to show; None when it lies outside.

    The one rule for every export, the CLI's and the app's (issue 13, trial 9: the CLI
    refused, the app asked "Write it there anyway?" and wrote): an export holds personal
    data, and a file inside the work tree is swept into the next commit and shared with
    the team's remote (SPEC §1: the caseload's files are the records, nothing else).
    `template`: the empty import template, which holds no personal data yet but is where
    participants' details get typed, so it is refused for that reason (trial 8, item 14)."""
    target = target.expanduser().resolve()
    from ipstui.core import gitio

    info = gitio.repo_info(root)
    tops = [root.resolve()]
    if info is not None:
        prefix_depth = len([p for p in info.prefix.split("/") if p])
        top = root.resolve()
        for _unused in range(prefix_depth):
            top = top.parent
        tops.append(top)
    for top in tops:
        if template and (target == top or top in target.parents):
            return _(
                "{target} is inside the caseload ({top}); the import template is where participants' details get typed, and a file there would be committed and shared from there — write it outside the caseload"
            ).format(target=target, top=top)
        if target == top or top in target.parents:
            return _(
                "{target} is inside the caseload ({top}); an export holds personal data and would be committed and shared from there — write it outside the caseload"
            ).format(target=target, top=top)
    return None


def run_cli(root: Path, args: Any, load: Any) -> int:
    """`ipstui export [--format csv|xlsx|json] [--output FILE]`; exit 3 (SPEC §7) when
    some participant files could not be read, each named on stderr."""
    fmt = args.format
    if fmt == "xlsx" and not args.output:
        raise UsageError(_("--format xlsx needs --output FILE (a workbook is not text)"))
    target = check_output(root, Path(args.output)) if args.output else None
    cl = load(root)
    table = rows(p.data for p in cl.participants.values())
    if target is not None and fmt == "xlsx":
        write_xlsx(table, target)
    else:
        text = to_csv(table) if fmt == "csv" else to_json(table)
        if target is None:
            sys.stdout.write(text)
        else:
            storage.write_output(target, text)
    if target is not None:
        print(
            _("exported {n} participant(s) to {target}").format(n=len(table), target=target),
            file=sys.stderr,
        )
    broken = sorted((p for p in cl.problems if p.severity == "error"), key=lambda p: p.path)
    for problem in broken:
        print(str(problem), file=sys.stderr)
    if broken:
        print(
            ngettext(
                "{n} file could not be read and was left out",
                "{n} files could not be read and were left out",
                len({p.path for p in broken}),
            ).format(n=len({p.path for p in broken})),
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    return 0


def report_to_file(cl: Any, args: Any, today: date) -> int:
    """`ipstui report --output FILE [--format table|csv|json|xlsx]`: the report of SPEC §8
    written to FILE (never inside the caseload); xlsx has one sheet per table."""
    from ipstui.core import report as rep

    if not args.output:
        raise UsageError(_("--format xlsx needs --output FILE (a workbook is not text)"))
    target = check_output(cl.root, Path(args.output))
    data = [p.data for p in cl.participants.values()]
    if args.format == "xlsx":
        q = rep.quarter_of(today) if args.quarter is None else rep.parse_quarter(args.quarter)
        rep.write_xlsx(rep.compute(data, cl.settings, q, today), target)
    else:
        text = rep.render(data, cl.settings, quarter=args.quarter, today=today, fmt=args.format)
        storage.write_output(target, text)
    print(_("report written to {target}").format(target=target), file=sys.stderr)
    return 0


class ExportRefusal(CaseloadError):
    """A report export that was not written; `reason` says which (one of the constants
    below) and the message is the sentence to show. `EXISTS` is a question for the
    person: the same export with `overwrite` writes."""

    FOLDER = "folder"
    """The path is a folder."""
    NO_FOLDER = "no_folder"
    """The path's folder does not exist."""
    INSIDE = "inside"
    """The file would sit inside the caseload (issue 12: an untracked file the next
    `git add -A` sweeps in); never written there (`inside_caseload`)."""
    EXISTS = "exists"
    """A file is there already."""
    UNWRITABLE = "unwritable"
    """The system refused the write (permissions, a read-only or full disk)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def target_refusal(path: Path) -> ExportRefusal | None:
    """Why no file can be written at `path` (user-expanded): a folder is there
    (`FOLDER`), or its folder does not exist (`NO_FOLDER`); None when one can be. The
    export dialog asks it as the path is typed, and `write_report_csv` again as it writes."""
    if path.is_dir():
        return ExportRefusal(
            ExportRefusal.FOLDER,
            _("Not exported: {path} is a folder; give a file name.").format(path=path),
        )
    if not path.parent.is_dir():
        return ExportRefusal(
            ExportRefusal.NO_FOLDER,
            _("Not exported: there is no folder {folder}.").format(folder=path.parent),
        )
    return None


def write_report_csv(root: Path, report: Any, path: Path, *, overwrite: bool = False) -> Path:
    """Write `report` (`report.Report`) as CSV (`report.to_csv`) to `path`, for the app's
    Reports screen; returns the path written, resolved.

    Refuses (ExportRefusal, nothing written) a folder, a missing folder, a path inside
    the caseload at `root` (`inside_caseload`: never), an existing file unless `overwrite` (the
    file is created exclusively, so one made meanwhile is never overwritten unasked), and
    a write the system refuses."""
    from ipstui.core.report import to_csv

    path = path.expanduser()
    refusal = target_refusal(path)
    if refusal is not None:
        raise refusal
    inside = inside_caseload(root, path)
    if inside is not None:
        raise ExportRefusal(ExportRefusal.INSIDE, inside)
    try:
        with path.open("w" if overwrite else "x", encoding="utf-8", newline="") as fh:
            fh.write(to_csv(report))
    except FileExistsError:
        raise ExportRefusal(
            ExportRefusal.EXISTS, _("{path} already exists. Overwrite it?").format(path=path)
        ) from None
    except OSError as exc:
        raise _refused_write(_("Not exported: cannot write {path}: {reason}"), path, exc) from None
    return path.resolve()


def screenshot_folder(home: Path | None = None) -> Path:
    """Where the app's Screenshot command saves: the user's Downloads folder when there
    is one, else the home folder (Textual's own choice, Downloads only, failed on a
    machine without one: trial 8, item 8). `home`: the home folder (default: the user's)."""
    home = Path.home() if home is None else home
    downloads = home / "Downloads"
    return downloads if downloads.is_dir() else home


def write_screenshot(root: Path, svg: str, path: Path) -> Path:
    """Write the screen's picture `svg` (SVG text) to `path`, for the app's Screenshot
    command; returns the path written, resolved. A screenshot shows participants'
    names and deadlines, so it is an export: never inside the caseload at `root`
    (`inside_caseload`), never over a file already there: a taken name gets `-2`, `-3`
    (`storage.write_new`: two screenshots in one second keep both), mode 0600.

    Raises ExportRefusal (nothing written) with the one line to show: the folder does
    not exist, the path is inside the caseload, or the system refused the write (its
    reason: permission, a read-only or full disk)."""
    path = path.expanduser()
    if not path.parent.is_dir():
        raise ExportRefusal(
            ExportRefusal.NO_FOLDER,
            _("The screenshot was not saved: there is no folder {folder}.").format(
                folder=path.parent
            ),
        )
    if inside_caseload(root, path) is not None:
        raise ExportRefusal(
            ExportRefusal.INSIDE,
            _(
                "The screenshot was not saved: {path} is inside the caseload, and a screenshot shows participants' details, which would be committed and shared from there."
            ).format(path=path),
        )
    try:
        written = storage.write_new(path, svg)
    except OSError as exc:
        raise _refused_write(
            _("The screenshot was not saved: cannot write {path}: {reason}."), path, exc
        ) from None
    return written.resolve()


def _refused_write(message: str, path: Path, exc: OSError) -> ExportRefusal:
    """The `UNWRITABLE` refusal of a write the system refused with `exc`: `message`
    (translated, with `{path}` and `{reason}`) filled with `path` and the system's
    reason (`strerror`: "Permission denied", "No space left on device")."""
    return ExportRefusal(
        ExportRefusal.UNWRITABLE,
        message.format(path=path, reason=exc.strerror or str(exc)),
    )
