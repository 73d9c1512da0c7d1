"""Command line. Headless commands never import Textual; only opening the app does."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ipstui.core.termsafe import escape

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2
        self.exit(EXIT_USAGE, f"ipstui: {message} (see `ipstui --help`)\n")


def _date_arg(text: str) -> date:
    from ipstui.core.model import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _one_of(values: Sequence[str]) -> str:
    return "one of: " + ", ".join(values)


def _settable_fields_epilog() -> str:
    """The `set` command's list of fields, each with the kind of value it takes."""
    from ipstui.core.model import DATE_FIELDS, ENUM_FIELDS, LIST_FIELDS, SETTABLE_FIELDS

    lines = ["settable fields (an empty value removes an optional field):"]
    for field in SETTABLE_FIELDS:
        if field == "phase":
            kind = "use `ipstui move ID PHASE`"
        elif field in DATE_FIELDS:
            kind = "a date YYYY-MM-DD"
        elif field in ENUM_FIELDS:
            kind = _one_of(ENUM_FIELDS[field])
        elif field in LIST_FIELDS:
            kind = 'a comma-separated list, or JSON like ["a", "b"]'
        elif field == "specialist":
            kind = "a team member's key"
        else:
            kind = "text"
        lines.append(textwrap.fill(f"{field}: {kind}", 78, initial_indent="  ",
                                   subsequent_indent="      "))
    lines.append('example: ipstui set P-0007 enrolled_on=2026-11-20 disclosure=undecided')
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The `ipstui` command line: global options, one subcommand per action (SPEC §7).

    Every choice the files allow (phases, contact kinds, reasons, settable fields) is
    listed in the help; checking a value stays with the code that applies it, so the
    CLI and the app refuse the same things with the same words.
    """
    from ipstui import __version__
    from ipstui.core.model import CLOSURE_REASONS, CONTACT_KINDS, PHASES

    common = _Parser(add_help=False)
    common.add_argument(
        "-C",
        dest="caseload",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="caseload folder (default: $IPSTUI_CASELOAD, else the current folder)",
    )
    common.add_argument(
        "--today",
        type=_date_arg,
        metavar="DATE",
        default=argparse.SUPPRESS,
        help="act as if today were DATE (YYYY-MM-DD)",
    )
    p = _Parser(
        prog="ipstui",
        parents=[common],
        description="Terminal caseload tracker for IPS employment teams. Without a command, "
        "opens the app on the caseload.",
        epilog="`ipstui COMMAND --help` describes each command. Documentation: the docs/ "
        "folder of the project (the file format, phases, deadline rules, sync).",
    )
    p.add_argument("--version", action="version", version=f"ipstui {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, summary: str, **kw) -> argparse.ArgumentParser:
        description = kw.pop("description", summary[0].upper() + summary[1:] + ".")
        return sub.add_parser(
            name,
            parents=[common],
            help=summary,
            description=textwrap.fill(description, 78),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            **kw,
        )

    s = command(
        "demo",
        "open the app on a fresh demo caseload",
        description="Create a demo caseload from the shipped sample (a new git repository, "
        "every date shifted so the sample looks current), print where it is and which git "
        "identity its commits use, then open the app on it. A local demo identity is set "
        "only if git has none.",
    )
    s.add_argument("dir", nargs="?", metavar="DIR",
                   help="a new or empty folder for it (default: a new temporary folder)")
    s.add_argument("--no-open", action="store_true",
                   help="only create it and print its path (for scripts)")

    s = command("init", "create an empty caseload in PATH",
                description="Create an empty caseload: git init, caseload.toml, .gitattributes, "
                "the merge driver's config and a first commit.")
    s.add_argument("path", metavar="PATH", help="a new or empty folder")
    s.add_argument("--name", default="IPS team", help="the team's name (default: %(default)s)")
    s.add_argument(
        "--specialist",
        action="append",
        default=[],
        metavar="KEY=NAME",
        help="a team member (repeatable); KEY in lowercase letters; default: you, "
        "from git's user.name",
    )

    s = command("validate", "check every file; exit 1 on any error",
                description="Check caseload.toml and every participant file against the "
                "schema and the semantic rules; print path:line:col: message for each "
                "problem and exit 1 on any error.")
    s.add_argument(
        "--staged",
        action="store_true",
        help="check the copies staged for the next commit (automatic in a git pre-commit hook)",
    )

    s = command("due", "every open deadline, overdue first")
    s.add_argument("--specialist", metavar="KEY", help="only this team member's participants")
    s.add_argument("--json", action="store_true",
                   help="print a JSON list of {participant, specialist, rule, due, state}")

    s = command("log", "one participant's field-level history")
    s.add_argument("id", metavar="ID", help="participant id, e.g. P-0007")

    s = command("report", "outcome report: caseload, employment rate, referrals",
                description="Outcome report of one quarter: active caseload, employed, "
                "employment rate (team and per specialist), referrals and hires by source, "
                "rapid job search.")
    s.add_argument("--quarter", metavar="YYYYQN",
                   help="e.g. 2026Q3 (default: the quarter containing today)")
    s.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                   help="%(choices)s (default: %(default)s)")
    s.add_argument("--output", metavar="FILE", help="write there (needed for xlsx)")

    command("sync", "fetch, merge, validate and push",
            description="Fetch from the configured remote, merge participant files field by "
            "field, check the merged caseload, and push. On any failure the repository is "
            "put back as it was.")

    s = command("new", "add a participant in intake",
                description="Add a participant in intake (one commit); prints the new id.")
    s.add_argument("--name", required=True, help="display name (a pseudonym is fine)")
    s.add_argument("--specialist", required=True, metavar="KEY", help="a team member's key")
    s.add_argument("--referral-source", required=True, metavar="SRC",
                   help="who referred (one of the caseload's referral_sources, if it lists them)")
    s.add_argument("--referred-on", type=_date_arg, metavar="DATE", help="default: today")
    s.add_argument("--id", dest="pid", metavar="ID", help="default: the next free id")

    s = command("move", "move a participant to a phase",
                description="Move a participant to a phase (one commit); sets phase and "
                "phase_since. Moving to closed needs a reason.",
                epilog=f"phases: {', '.join(PHASES)}\nreasons: {', '.join(CLOSURE_REASONS)}")
    s.add_argument("id", metavar="ID", help="participant id")
    s.add_argument("phase", metavar="PHASE", help=_one_of(PHASES))
    s.add_argument("--reason", metavar="REASON",
                   help="closure reason, needed for closed; " + _one_of(CLOSURE_REASONS))

    s = command("contact", "log a contact",
                description="Append a contact to a participant's log (one commit).",
                epilog=f"kinds: {', '.join(CONTACT_KINDS)}")
    s.add_argument("id", metavar="ID", help="participant id")
    s.add_argument("--kind", required=True, metavar="KIND", help=_one_of(CONTACT_KINDS))
    s.add_argument("--on", type=_date_arg, metavar="DATE", help="default: today")
    s.add_argument("--by", metavar="KEY", help="key of the team member who made it (optional)")
    s.add_argument("--note", default="", help="free text; never copied into the commit message")
    s.add_argument("--employer", metavar="ID", help="kind employer: the employer met (E-0003)")
    s.add_argument(
        "--face-to-face",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="kind employer: met in person (default); --no-face-to-face for a call",
    )

    s = command("set", "set scalar fields: FIELD=VALUE ...",
                description="Set scalar fields of one participant (one commit); values are "
                "typed by the schema.",
                epilog=_settable_fields_epilog())
    s.add_argument("id", metavar="ID", help="participant id")
    s.add_argument("assignments", nargs="+", metavar="FIELD=VALUE",
                   help="see the fields below")

    s = command(
        "resolve",
        "settle a field a sync left in conflict (one commit)",
        description="Settle a field that a sync left in conflict ([conflicts] in the file): "
        "keep ours, take theirs, or put a new value; one commit.",
    )
    s.add_argument("id", metavar="ID", help="participant (or employer) id")
    s.add_argument("field", metavar="FIELD", help="the field in conflict, e.g. disclosure")
    side = s.add_mutually_exclusive_group(required=True)
    side.add_argument(
        "--ours",
        dest="side",
        action="store_const",
        const="ours",
        help="keep the value in the field",
    )
    side.add_argument(
        "--theirs",
        dest="side",
        action="store_const",
        const="theirs",
        help="take the other side's value",
    )
    side.add_argument("--value", metavar="V", help="put V in the field")

    s = command(
        "audit",
        "changes across the caseload for a reviewer",
        description="Every field-level change across the caseload — when, who, participant, "
        "field, old -> new (sensitive values hidden) — with each commit's signature status; "
        "--check verifies that the history follows the commit convention.",
    )
    s.add_argument(
        "--since",
        dest="since_rev",
        metavar="D",
        help="from this date (YYYY-MM-DD); with --check, a revision: check REV..HEAD",
    )
    s.add_argument("--until", metavar="D", help="up to this date (YYYY-MM-DD), inclusive")
    s.add_argument("--by", metavar="WHO", help="a team key, or a pattern for author name/e-mail")
    s.add_argument("--participant", metavar="ID", help="one participant (or employer) id")
    s.add_argument("--field", metavar="F", help="one field (contacts matches contacts[3].note)")
    s.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="%(choices)s (default: %(default)s)")
    s.add_argument("--check", action="store_true", help="verify the commit convention; exit 1")
    s.add_argument(
        "--require-signed", action="store_true", help="with --check: every commit signed (good)"
    )

    s = command(
        "import",
        "participants from a CSV or XLSX, one commit each",
        description="Create participants from a team's spreadsheet (one row each, columns "
        "mapped by header); every problem is reported as FILE:row:column before anything "
        "is written, then each participant is one commit.",
    )
    s.add_argument("file", metavar="FILE.csv|FILE.xlsx", nargs="?",
                   help="the spreadsheet to read")
    s.add_argument("--template", metavar="OUT.xlsx", help="copy the template spreadsheet there")
    s.add_argument("--map", metavar="MAP.toml", help="headers the built-in table does not know")
    s.add_argument("--dry-run", action="store_true", help="show what would be created")

    s = command("export", "the caseload as one table, one row per participant")
    s.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv",
                   help="%(choices)s (default: %(default)s)")
    s.add_argument("--output", metavar="FILE", help="write there, outside the caseload")

    s = command(
        "erase",
        "remove a participant from the whole history (dry run)",
        description="The erasure procedure: show every commit and file the participant "
        "appears in; with --yes, remove them from the whole history, verify nothing is "
        "left, record the erasure without personal data, and print the steps git cannot "
        "do from one clone (force-push, re-clone every other copy).",
    )
    s.add_argument("id", metavar="ID", help="participant id")
    s.add_argument("--yes", action="store_true", help="rewrite the history (irreversible)")
    s.add_argument("--request", metavar="REF", help="the erasure request's reference, recorded")

    from ipstui.cli_fidelity import add_parsers

    add_parsers(sub, common, _date_arg)

    # git's merge driver entry (registered by init/sync): added without help= so that it
    # is not listed among the commands (help=SUPPRESS prints "==SUPPRESS==" there).
    s = sub.add_parser("merge-driver", add_help=False)
    s.add_argument("files", nargs=4)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Imported after parsing: `--help` and usage errors never load the core (start-up cost).
    from ipstui.core.service import CaseloadError, GitError, ValidationFailed

    today: date = getattr(args, "today", None) or date.today()
    caseload = getattr(args, "caseload", None)
    try:
        return _dispatch(args, caseload, today, explicit_today=getattr(args, "today", None))
    except ValidationFailed as exc:
        # One line (SPEC §7); the positions would point into text that was never written.
        print(escape(f"ipstui: error: {exc.problems[0].path}: {exc}"), file=sys.stderr)
        return EXIT_FAIL
    except (CaseloadError, GitError, ValueError) as exc:
        print(escape(f"ipstui: error: {exc}"), file=sys.stderr)
        return EXIT_FAIL
    except OSError as exc:  # anything the commands did not turn into their own words
        where = f"{exc.filename}: " if exc.filename else ""
        print(escape(f"ipstui: error: {where}{exc.strerror or exc}"), file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130


def _service(caseload: str | None):
    from ipstui.core.service import CaseloadService

    return CaseloadService.find(caseload)


def _load(caseload: str | None):
    return _service(caseload).load()


def _dispatch(
    args: argparse.Namespace, caseload: str | None, today: date, explicit_today: date | None
) -> int:
    cmd = args.command
    if cmd is None:
        root = _service(caseload).root
        from ipstui.ui.app import run

        return run(root, today=explicit_today)
    if cmd == "merge-driver":
        from ipstui.core.merge import driver_main

        return driver_main(list(args.files))
    if cmd == "demo":
        from ipstui.core.demo import describe, make_demo

        root = make_demo(Path(args.dir) if args.dir else None, today=today)
        info = describe(root)
        print("\n".join(info.lines()), file=sys.stderr)  # said before the app takes the screen
        if args.no_open:
            print(root)
            return EXIT_OK
        from ipstui.ui.app import run

        return run(root, today=explicit_today, banner=info.title())
    if cmd == "init":
        from ipstui.core.init import init_caseload

        root = init_caseload(Path(args.path), name=args.name, specialists=args.specialist)
        print(f"created caseload {root}")
        return EXIT_OK
    if cmd == "validate":
        return _validate(caseload, args.staged)
    if cmd == "due":
        return _due(caseload, today, args.specialist, args.json)
    if cmd == "log":
        return _log(caseload, args.id)
    if cmd == "report":
        from ipstui.core.termsafe import escape_lines

        svc = _service(caseload)
        if args.format == "xlsx" or args.output:
            from ipstui.core.export import report_to_file

            return report_to_file(svc.load(), args, today)
        cl = svc.load()
        text = svc.report(cl, quarter=args.quarter, today=today, fmt=args.format)
        sys.stdout.write(text if args.format == "json" else escape_lines(text))
        return _left_out(cl)
    if cmd == "audit":
        from ipstui.core.audit import run_cli

        return run_cli(_service(caseload).root, args)
    if cmd == "erase":
        from ipstui.core.erase import run_cli as run_erase

        return run_erase(_service(caseload).root, args, today)
    if cmd == "import":
        from ipstui.core.importer import run_cli as run_import

        return run_import(_service(caseload), args, today)
    if cmd == "export":
        from ipstui.core.export import run_cli as run_export

        svc = _service(caseload)
        return run_export(svc.root, args, lambda _root: svc.load())
    if cmd in ("fidelity", "employer"):
        from ipstui.cli_fidelity import run

        return run(args, _service(caseload), today)
    if cmd == "sync":
        result = _service(caseload).sync(progress=lambda m: print(m, file=sys.stderr))
        print(result.message)
        return EXIT_OK
    return _edit(args, caseload, today)


def _validate(caseload: str | None, staged: bool = False) -> int:
    """`ipstui validate`: every problem as `file:line:col: message`, escaped (SPEC §13).

    As a git pre-commit hook (`GIT_INDEX_FILE` set) or with `--staged` it checks the
    staged copies, which are what the commit will hold (SPEC §7)."""
    import os

    from ipstui.core.termsafe import escape

    svc = _service(caseload)
    if staged or os.environ.get("GIT_INDEX_FILE"):
        from ipstui.core.staged import staged_problems

        problems, n = staged_problems(svc.root)
        summary = f"{n} staged participant files checked"
    else:
        cl = svc.load()
        reg = svc.employers(cl)
        problems = svc.problems(cl, reg)
        n = cl.stats.get("files", 0)
        summary = f"{n} participant files checked"
        if reg.known_ids:
            summary = f"{n} participant and {len(reg.known_ids)} employer files checked"
    errors = 0
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.col)):
        print(escape(problem))
        errors += problem.severity == "error"
    warnings = len(problems) - errors
    print(f"{summary}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_FAIL if errors else EXIT_OK


def _left_out(cl) -> int:
    """SPEC §7: name every file that could not be read on stderr, one line each, and
    exit 3 so that a cron job never takes a partial agenda or report for a whole one."""
    from ipstui.core.termsafe import escape
    from ipstui.core.validate import left_out

    missing = left_out(cl.problems)
    for problem in missing:
        print(escape(problem), file=sys.stderr)
    return EXIT_PARTIAL if missing else EXIT_OK


def _due(caseload: str | None, today: date, specialist: str | None, as_json: bool) -> int:
    svc = _service(caseload)
    cl = svc.load()
    items = svc.agenda(cl, today, specialist)
    if as_json:
        # One object per line: readable, and one call of the C encoder (indent= falls back
        # to Python). '}, {"' cannot occur inside a JSON string (its quote is escaped), so
        # it is exactly the boundary between two objects.
        text = json.dumps([d.to_json() for d in items])[1:-1].replace('}, {"', '},\n{"')
        sys.stdout.write("[\n" + text + "\n]\n")
        return _left_out(cl)
    from ipstui.core.vocab import SYMBOL

    lines = []
    for d in items:
        lines.append(
            f"{SYMBOL[d.state]} {d.due.isoformat()}  {d.participant:<10} {d.specialist:<10} "
            f"{d.rule:<26} {d.words(today)}"
        )
    if not items:
        lines.append("nothing due")
    sys.stdout.write("\n".join(escape(line) for line in lines) + "\n")
    return _left_out(cl)


def _log(caseload: str | None, pid: str) -> int:
    from ipstui.core.service import show_value

    out = []
    for rev in _service(caseload).history(pid):
        head = f"{rev.commit[:7]}  {rev.when:%Y-%m-%d %H:%M}  {rev.author}"
        if rev.note:
            out.append(f"{head}  ({rev.note})")
        for ch in rev.changes:
            out.append(f"{head}  {ch.field}: {show_value(ch.old)} -> {show_value(ch.new)}")
    sys.stdout.write("\n".join(escape(line) for line in out) + ("\n" if out else "no history\n"))
    return EXIT_OK


def _edit(args: argparse.Namespace, caseload: str | None, today: date) -> int:
    cmd = args.command
    svc = _service(caseload)
    if cmd == "new":
        res = svc.new_participant(
            None,
            name=args.name,
            specialist=args.specialist,
            referral_source=args.referral_source,
            today=today,
            referred_on=args.referred_on,
            pid=args.pid,
        )
        assert res.participant is not None
        print(res.participant.id)
        print(f"committed {res.commit[:7]}: {res.subject}", file=sys.stderr)
        _warn(res.warnings)
        return EXIT_OK
    pid = args.id
    if cmd == "move":
        res = svc.move(None, pid, args.phase, today=today, reason=args.reason)
    elif cmd == "contact":
        res = svc.add_contact(
            None,
            pid,
            kind=args.kind,
            on=args.on or today,
            by=args.by,
            note=args.note,
            employer_id=args.employer,
            face_to_face=args.face_to_face,
        )
    elif cmd == "set":
        pairs: dict[str, str] = {}
        for item in args.assignments:
            field, eq, value = item.partition("=")
            if not eq or not field:
                from ipstui.core.service import CaseloadError

                raise CaseloadError(f"{item!r} is not FIELD=VALUE")
            pairs[field.strip()] = value
        res = svc.set_fields(None, pid, pairs, today=today)
    elif cmd == "resolve":
        res = svc.resolve(None, pid, args.field, side=args.side, value=args.value)
    else:  # pragma: no cover - argparse restricts commands
        raise ValueError(f"unknown command {cmd}")
    print(f"committed {res.commit[:7]}: {res.subject}")
    _warn(res.warnings)
    return EXIT_OK


def _warn(warnings: Sequence[str]) -> None:
    for line in warnings:
        print(f"ipstui: warning: {line}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
