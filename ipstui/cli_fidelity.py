"""`ipstui fidelity` and `ipstui employer ...`: the fidelity self-review (SPEC §10) and
the employer register (SPEC §11) on the command line. Headless: never imports Textual.

cli.py adds these subcommands with `add_parsers` and hands them to `run`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from ipstui.core.i18n import _

if TYPE_CHECKING:
    from ipstui.core.model import Problem
    from ipstui.core.service import CaseloadService, JobAt, Register

EXIT_OK, EXIT_PARTIAL = 0, 3

# Copies of `fidelity.FORMATS`, `fidelity.ITEMS` and `employers.PURPOSES` (a test keeps
# them equal): building the parser must not import the core, or `ipstui --help` pays for
# all of it (issue 17: start-up within 3x of `python -c pass`).
FORMATS: tuple[str, ...] = ("table", "csv", "json")
ITEMS: tuple[str, ...] = ("S1", "V4", "V6", "V8", "V9", "V10", "V1", "V3", "V12")
PURPOSES: tuple[str, ...] = ("job_development", "placement", "follow_along", "other")


def add_parsers(
    sub: argparse._SubParsersAction,
    common: argparse.ArgumentParser,
    date_arg: Callable[[str], date],
) -> None:
    """The `fidelity` and `employer` subcommands (with `new`, `contact`, `list`)."""

    s = sub.add_parser(
        "fidelity",
        parents=[common],
        help=_("fidelity self-review: the IPS-25 items the records can show"),
        description=_(
            "The IPS fidelity self-review: the items of the IPS-25 scale that the "
            "records can show, scored as of the quarter's report date; a self-check for the "
            "team, not a fidelity review."
        ),
    )
    s.add_argument("--quarter", metavar=_("YYYYQN"), help=_("default: the quarter containing today"))
    s.add_argument(
        "--format", choices=FORMATS, default="table", help=_("%(choices)s (default: %(default)s)")
    )
    s.add_argument(
        "--explain",
        metavar=_("ITEM"),
        type=str.upper,
        choices=ITEMS,
        help=_("list the records behind one item: {items}").format(items=", ".join(ITEMS)),
    )

    e = sub.add_parser(
        "employer",
        parents=[common],
        help=_("the employer register and job-development log"),
        description=_(
            "The employer register (employers/<ID>.toml) and its job-development "
            "log: new, contact, set, list."
        ),
    )
    esub = e.add_subparsers(
        dest="employer_command", metavar=_("ACTION"), required=True, parser_class=type(common)
    )
    s = esub.add_parser(
        "new",
        parents=[common],
        help=_("add an employer; prints its id"),
        description=_("Add an employer to the register (one commit); prints its id."),
    )
    s.add_argument("--name", metavar=_("NAME"), required=True, help=_("the employer's name"))
    s.add_argument("--sector", metavar=_("SECTOR"), default="", help=_("free choice of the team, e.g. retail"))
    s.add_argument(
        "--contact-person",
        default="",
        metavar=_("ROLE"),
        help=_("a role such as 'store manager', not a private person's details"),
    )
    s.add_argument("--id", dest="eid", metavar=_("ID"), help=_("default: the next free E-NNNN"))
    s = esub.add_parser(
        "contact",
        parents=[common],
        help=_("log a contact with an employer"),
        description=_("Append a job-development contact to an employer's log (one commit)."),
    )
    s.add_argument("id", metavar=_("ID"), help=_("employer id, e.g. E-0003"))
    s.add_argument("--by", required=True, metavar=_("KEY"), help=_("specialist key"))
    s.add_argument("--on", type=date_arg, metavar=_("DATE"), help=_("default: today"))
    s.add_argument(
        "--purpose",
        choices=PURPOSES,
        default="job_development",
        help=_("%(choices)s (default: %(default)s)"),
    )
    s.add_argument(
        "--face-to-face",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=_("met in person (default); --no-face-to-face for a call or e-mail"),
    )
    s.add_argument("--note", metavar=_("NOTE"), default="", help=_("free text; never copied into the commit message"))
    s = esub.add_parser(
        "set",
        parents=[common],
        help=_("set fields: FIELD=VALUE ..."),
        description=_("Set fields of one employer (one commit)."),
    )
    s.add_argument("id", metavar=_("ID"), help=_("employer id, e.g. E-0003"))
    s.add_argument(
        "assignments",
        nargs="+",
        metavar=_("FIELD=VALUE"),
        help=_("name, sector, contact_person, notes; an empty value removes one"),
    )
    esub.add_parser(
        "list",
        parents=[common],
        help=_("every employer with its last contact and the jobs held there"),
        description=_("Every employer with its last contact and the jobs held there."),
    )


def _left_out(problems: Iterable[Problem]) -> int:
    """Name every file left out (an error that kept it from loading) on stderr, once
    each; caseload.toml counts, with the line `report` prints too: the settings it
    could not give (deadline rules, due-soon days, team, name) were the defaults, so
    the review is partial (SPEC §7, exit 3)."""
    from ipstui.core.termsafe import escape

    n = 0
    seen = set()
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.col)):
        if p.severity != "error" or p.path in seen:
            continue
        seen.add(p.path)
        print(escape(_("ipstui: left out: {problem}").format(problem=p)), file=sys.stderr)
        n += 1
    if "caseload.toml" in seen:
        print(
            _(
                "caseload.toml: the settings it could not give were replaced by the defaults (deadline rules, due-soon days, team); fix the file and run the command again"
            ),
            file=sys.stderr,
        )
    return n


def run(args: argparse.Namespace, svc: CaseloadService, today: date) -> int:
    """Run `fidelity` or `employer ...` on the caseload `svc`; CaseloadError / ValueError
    go to cli.main."""
    if args.command == "employer" and args.employer_command != "list":
        return _edit(args, svc, today)
    cl = svc.load()
    reg = svc.employers(cl)
    if args.command == "fidelity":
        sys.stdout.write(
            svc.fidelity_text(
                cl,
                reg,
                quarter=args.quarter,
                today=today,
                fmt=args.format,
                explain_item=args.explain,
            )
        )
    else:
        sys.stdout.write(employer_list(reg, svc.employer_jobs(reg, cl)))
    missing = _left_out([*cl.problems, *reg.problems])
    return EXIT_PARTIAL if missing else EXIT_OK


def employer_list(reg: Register, jobs: Mapping[str, list[JobAt]]) -> str:
    """`ipstui employer list`: id, name, sector, last contact (date, by), contacts, jobs
    held there (current / all) — one employer a line, by id."""
    rows = []
    for eid in sorted(reg.employers):
        e = reg.employers[eid]
        last = e.last_contact()
        held = jobs.get(eid, [])
        rows.append(
            (
                eid,
                e.name,
                str(e.data.get("sector", "")),
                f"{last['on'].isoformat()} {last.get('by', '')}".strip() if last else "—",
                str(len(e.contacts)),
                f"{sum(j.current for j in held)}/{len(held)}",
            )
        )
    if not rows:
        return _("no employers; add one with `ipstui employer new --name NAME`") + "\n"
    head = (_("id"), _("name"), _("sector"), _("last contact"), _("contacts"), _("jobs now/all"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def _edit(args: argparse.Namespace, svc: CaseloadService, today: date) -> int:
    if args.employer_command == "new":
        res = svc.new_employer(
            name=args.name,
            sector=args.sector,
            contact_person=args.contact_person,
            eid=args.eid,
        )
        print(res.employer.id)
        print(
            _("committed {commit}: {subject}").format(commit=res.commit[:7], subject=res.subject),
            file=sys.stderr,
        )
        _warn(res.warnings)
        return EXIT_OK
    if args.employer_command == "set":
        pairs: dict[str, str] = {}
        for item in args.assignments:
            name, eq, value = item.partition("=")
            if not eq or not name.strip():
                from ipstui.core.service import UsageError

                raise UsageError(_("{item} is not FIELD=VALUE").format(item=repr(item)))
            pairs[name.strip()] = value
        res = svc.set_employer_fields(None, args.id, pairs)
        print(_("committed {commit}: {subject}").format(commit=res.commit[:7], subject=res.subject))
        _warn(res.warnings)
        return EXIT_OK
    res = svc.add_employer_contact(
        None,
        args.id,
        by=args.by,
        on=args.on or today,
        purpose=args.purpose,
        face_to_face=args.face_to_face,
        note=args.note,
    )
    print(_("committed {commit}: {subject}").format(commit=res.commit[:7], subject=res.subject))
    _warn(res.warnings)
    return EXIT_OK


def _warn(warnings: tuple[str, ...]) -> None:
    for line in warnings:
        print(_("ipstui: warning: {problem}").format(problem=line), file=sys.stderr)
