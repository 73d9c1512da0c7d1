"""Command line. Headless commands never import Textual; only opening the app does.

Start-up is most of what a command costs (issue 17), so this module imports argparse,
json and the core only when a command needs them; `ipstui due --json`, asked in its
plain form, does not even build a parser (`_quick_due`)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ipstui.core.i18n import LANGUAGES, _, ngettext, set_language
from ipstui.core.termsafe import SafeStream, escape

TYPE_CHECKING = False  # `typing` and `argparse` are not imported at run time for this
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _parser_class() -> type[argparse.ArgumentParser]:
    """The parser class of every `ipstui` parser (argparse imported on first use): a usage
    error is one clear line, exit 2."""
    global _PARSER
    if _PARSER is None:
        import argparse

        class _Parser(argparse.ArgumentParser):
            def error(self, message: str) -> None:  # one clear line, exit 2
                self.exit(EXIT_USAGE, _usage_line(message) + "\n")

            def _check_value(self, action: argparse.Action, value: Any) -> None:
                # An unknown command lists the commands, without the hidden ones.
                choices = action.choices
                if isinstance(choices, dict) and value not in choices:
                    import copy

                    action = copy.copy(action)
                    action.choices = [c for c in choices if c not in HIDDEN_COMMANDS]
                super()._check_value(action, value)  # type: ignore[misc]

        _PARSER = _Parser
    return _PARSER


_PARSER: type[argparse.ArgumentParser] | None = None
HIDDEN_COMMANDS = ("merge-driver",)
"""Commands for git, not people: callable, but listed nowhere (help, unknown command)."""


def _usage_line(message: str) -> str:
    """The one line of a usage error (SPEC §7: exit 2), from argparse or a check made
    after it (`UsageError`)."""
    return _("ipstui: {message} (see `ipstui --help`)").format(message=message)


def _date_arg(text: str) -> date:
    import argparse

    from ipstui.core.model import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _one_of(values: Sequence[str]) -> str:
    return _("one of: {values}").format(values=", ".join(values))


def _settable_fields_epilog() -> str:
    """The `set` command's list of fields, each with the kind of value it takes."""
    import textwrap

    from ipstui.core.model import DATE_FIELDS, ENUM_FIELDS, LIST_FIELDS, SETTABLE_FIELDS

    lines = [_("settable fields (an empty value removes an optional field):")]
    for field in SETTABLE_FIELDS:
        if field == "phase":
            kind = _("use `ipstui move ID PHASE`")
        elif field in DATE_FIELDS:
            kind = _("a date YYYY-MM-DD")
        elif field in ENUM_FIELDS:
            kind = _one_of(ENUM_FIELDS[field])
        elif field in LIST_FIELDS:
            kind = _('a comma-separated list, or JSON like ["a", "b"]')
        elif field == "specialist":
            kind = _("a team member's key")
        else:
            kind = _("text")
        lines.append(textwrap.fill(f"{field}: {kind}", 78, initial_indent="  ",
                                   subsequent_indent="      "))
    lines.append(_("example: {command}").format(
        command="ipstui set P-0007 enrolled_on=2026-11-20 disclosure=undecided"))
    return "\n".join(lines)


class _Skipped:
    """Stands in for the parser of a command that this run does not need: every call on
    it (add_argument, groups) is accepted and does nothing."""

    def __getattr__(self, _name: str) -> Any:
        return lambda *a, **kw: self


def _command_in(argv: Sequence[str]) -> str | None:
    """The command word of `argv` when the global options before it are the plain ones
    (-C PATH, --today DATE, --lang CODE); None otherwise (no command, --help, --version, ...)."""
    it = iter(argv)
    for tok in it:
        if tok in ("-C", "--today", "--lang"):
            next(it, None)
        elif tok.startswith(("-C", "--today=", "--lang=")):
            continue
        elif tok.startswith("-"):
            return None
        else:
            return tok
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `ipstui` command line: global options, one subcommand per action (SPEC §7).

    Every choice the files allow (phases, contact kinds, reasons, settable fields) is
    listed in the help; checking a value stays with the code that applies it, so the
    CLI and the app refuse the same things with the same words.

    `only`: build just this command's parser (issue 17: the others' ~90 arguments cost
    every run ~10 ms); `ipstui --help` and a word that is no command get all of them.
    """
    import argparse
    import textwrap

    from ipstui import __version__
    from ipstui.core.model import CLOSURE_REASONS, CONTACT_KINDS, PHASES

    _Parser = _parser_class()
    common = _Parser(add_help=False)
    common.add_argument(
        "-C",
        dest="caseload",
        metavar=_("PATH"),
        default=argparse.SUPPRESS,
        help=_("caseload folder (default: $IPSTUI_CASELOAD, else the current folder)"),
    )
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=_("language of the output: %(choices)s (default: the config's lang, else "
               "the locale)"),
    )
    common.add_argument(
        "--today",
        type=_date_arg,
        metavar=_("DATE"),
        default=argparse.SUPPRESS,
        help=_("act as if today were DATE (YYYY-MM-DD)"),
    )
    p = _Parser(
        prog="ipstui",
        parents=[common],
        description=_("Terminal caseload tracker for IPS employment teams. Without a command, "
        "opens the app on the caseload."),
        epilog=_("`ipstui COMMAND --help` describes each command. Documentation: the docs/ "
        "folder of the project (the file format, phases, deadline rules, sync)."),
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"ipstui {__version__}",
        # Python 3.11's argparse writes this help as a plain string (later ones through
        # gettext), so it is given here, from our catalog.
        help=_("show program's version number and exit"),
    )
    sub = p.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)

    def wanted(name: str) -> bool:
        return only is None or name == only

    def command(name: str, summary: str, **kw) -> argparse.ArgumentParser:
        if not wanted(name):
            return _Skipped()  # type: ignore[return-value]
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
        _("open the app on a fresh demo caseload"),
        description=_("Create a demo caseload from the shipped sample (a new git repository, "
        "every date shifted so the sample looks current), print where it is and which git "
        "identity its commits use, then open the app on it. A local demo identity is set "
        "only if git has none."),
    )
    s.add_argument("dir", nargs="?", metavar=_("DIR"),
                   help=_("a new or empty folder for it (default: a new temporary folder)"))
    s.add_argument("--no-open", action="store_true",
                   help=_("only create it and print its path (for scripts)"))

    s = command("init", _("create an empty caseload in PATH"),
                description=_("Create an empty caseload: git init, caseload.toml, .gitattributes, "
                "the merge driver's config and a first commit."))
    s.add_argument("path", metavar=_("PATH"), help=_("a new or empty folder"))
    s.add_argument("--name", metavar=_("NAME"), default="IPS team", help=_("the team's name (default: %(default)s)"))
    s.add_argument(
        "--specialist",
        action="append",
        default=[],
        metavar=_("KEY=NAME"),
        help=_("a team member (repeatable); KEY in lowercase letters; default: you, "
        "from git's user.name"),
    )

    s = command("validate", _("check every file; exit 1 on any error"),
                description=_("Check caseload.toml and every participant file against the "
                "schema and the semantic rules; print path:line:col: message for each "
                "problem and exit 1 on any error."))
    s.add_argument(
        "--staged",
        action="store_true",
        help=_("check the copies staged for the next commit (automatic in a git pre-commit hook)"),
    )

    s = command("due", _("every open deadline, overdue first"))
    s.add_argument("--specialist", metavar=_("KEY"), help=_("only this team member's participants"))
    s.add_argument("--json", action="store_true",
                   help=_("print a JSON list of {participant, specialist, rule, due, state}"))

    s = command("log", _("one participant's field-level history"))
    s.add_argument("id", metavar=_("ID"), help=_("participant id, e.g. P-0007"))

    s = command("report", _("outcome report: caseload, employment rate, referrals"),
                description=_("Outcome report of one quarter: active caseload, employed, "
                "employment rate (team and per specialist), referrals and hires by source, "
                "rapid job search."))
    s.add_argument("--quarter", metavar=_("YYYYQN"),
                   help=_("e.g. 2026Q3 (default: the quarter containing today)"))
    s.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                   help=_("%(choices)s (default: %(default)s)"))
    s.add_argument("--output", metavar=_("FILE"), help=_("write there (needed for xlsx)"))

    command("sync", _("fetch, merge, validate and push"),
            description=_("Fetch from the configured remote, merge participant files field by "
            "field, check the merged caseload, and push. On any failure the repository is "
            "put back as it was."))

    s = command("new", _("add a participant in intake"),
                description=_("Add a participant in intake (one commit); prints the new id."))
    s.add_argument("--name", metavar=_("NAME"), required=True, help=_("display name (a pseudonym is fine)"))
    s.add_argument("--specialist", required=True, metavar=_("KEY"), help=_("a team member's key"))
    s.add_argument("--referral-source", required=True, metavar=_("SRC"),
                   help=_("who referred (one of the caseload's referral_sources, if it lists them)"))
    s.add_argument("--referred-on", type=_date_arg, metavar=_("DATE"), help=_("default: today"))
    s.add_argument("--id", dest="pid", metavar=_("ID"), help=_("default: the next free id"))

    s = command("move", _("move a participant to a phase"),
                description=_("Move a participant to a phase (one commit); sets phase and "
                "phase_since. Moving to closed needs a reason."),
                epilog=_("phases: {phases}\nreasons: {reasons}").format(
                    phases=", ".join(PHASES), reasons=", ".join(CLOSURE_REASONS)))
    s.add_argument("id", metavar=_("ID"), help=_("participant id"))
    s.add_argument("phase", metavar=_("PHASE"), help=_one_of(PHASES))
    s.add_argument("--reason", metavar=_("REASON"),
                   help=_("closure reason, needed for closed; {choices}").format(
                       choices=_one_of(CLOSURE_REASONS)))

    s = command("contact", _("log a contact"),
                description=_("Append a contact to a participant's log (one commit)."),
                epilog=_("kinds: {kinds}").format(kinds=", ".join(CONTACT_KINDS)))
    s.add_argument("id", metavar=_("ID"), help=_("participant id"))
    s.add_argument("--kind", required=True, metavar=_("KIND"), help=_one_of(CONTACT_KINDS))
    s.add_argument("--on", type=_date_arg, metavar=_("DATE"), help=_("default: today"))
    s.add_argument("--by", metavar=_("KEY"), help=_("key of the team member who made it (optional)"))
    s.add_argument("--note", metavar=_("NOTE"), default="", help=_("free text; never copied into the commit message"))
    s.add_argument("--employer", metavar=_("ID"), help=_("kind employer, optional: the employer met (E-0003), when it is in the register"))
    s.add_argument(
        "--face-to-face",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=_("kind employer: met in person (default); --no-face-to-face for a call"),
    )

    s = command("set", _("set scalar fields: FIELD=VALUE ..."),
                description=_("Set scalar fields of one participant (one commit); values are "
                "typed by the schema."),
                epilog=_settable_fields_epilog() if wanted("set") else None)
    s.add_argument("id", metavar=_("ID"), help=_("participant id"))
    s.add_argument("assignments", nargs="+", metavar=_("FIELD=VALUE"),
                   help=_("see the fields below"))

    s = command(
        "resolve",
        _("settle a field a sync left in conflict (one commit)"),
        description=_("Settle a field that a sync left in conflict ([conflicts] in the file): "
        "keep ours, take theirs, or put a new value; one commit."),
    )
    s.add_argument("id", metavar=_("ID"), help=_("participant (or employer) id"))
    s.add_argument("field", metavar=_("FIELD"), help=_("the field in conflict, e.g. disclosure"))
    side = s.add_mutually_exclusive_group(required=True)
    side.add_argument(
        "--ours",
        dest="side",
        action="store_const",
        const="ours",
        help=_("keep the value in the field"),
    )
    side.add_argument(
        "--theirs",
        dest="side",
        action="store_const",
        const="theirs",
        help=_("take the other side's value"),
    )
    side.add_argument("--value", metavar=_("V"), help=_("put V in the field"))

    s = command(
        "audit",
        _("changes across the caseload for a reviewer"),
        description=_("Every field-level change across the caseload — when, who, participant, "
        "field, old -> new (sensitive values hidden) — with each commit's signature status; "
        "--check verifies that the history follows the commit convention."),
    )
    s.add_argument(
        "--since",
        dest="since_rev",
        metavar=_("D"),
        help=_("from this date (YYYY-MM-DD); with --check, a revision: check REV..HEAD"),
    )
    s.add_argument("--until", metavar=_("D"), help=_("up to this date (YYYY-MM-DD), inclusive"))
    s.add_argument("--by", metavar=_("WHO"), help=_("a team key, or a pattern for author name/e-mail"))
    s.add_argument("--participant", metavar=_("ID"), help=_("one participant (or employer) id"))
    s.add_argument("--field", metavar=_("F"), help=_("one field (contacts matches contacts[3].note)"))
    s.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help=_("%(choices)s (default: %(default)s)"))
    s.add_argument("--check", action="store_true", help=_("verify the commit convention; exit 1"))
    s.add_argument(
        "--require-signed", action="store_true", help=_("with --check: every commit signed (good)")
    )

    s = command(
        "import",
        _("participants from a CSV or XLSX, one commit each"),
        description=_("Create participants from a team's spreadsheet (one row each, columns "
        "mapped by header); every problem is reported as FILE:row:column before anything "
        "is written, then each participant is one commit."),
    )
    s.add_argument("file", metavar=_("FILE.csv|FILE.xlsx"), nargs="?",
                   help=_("the spreadsheet to read"))
    s.add_argument("--template", metavar=_("OUT.xlsx"), help=_("copy the template spreadsheet there"))
    s.add_argument("--map", metavar=_("MAP.toml"), help=_("headers the built-in table does not know"))
    s.add_argument(
        "--sheet",
        metavar=_("NAME"),
        help=_("the worksheet to read (default: the first whose header is recognised)"),
    )
    s.add_argument("--dry-run", action="store_true", help=_("show what would be created"))
    s.add_argument("--allow-same", action="store_true", help=_(
        "import a row even when a participant with the same name and referral date exists"))

    s = command("export", _("the caseload as one table, one row per participant"))
    s.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv",
                   help=_("%(choices)s (default: %(default)s)"))
    s.add_argument("--output", metavar=_("FILE"), help=_("write there, outside the caseload"))

    s = command(
        "erase",
        _("remove a participant from the whole history (dry run)"),
        description=_("The erasure procedure: show every commit and file the participant "
        "appears in; with --yes, remove them from the whole history, verify nothing is "
        "left, record the erasure without personal data, and print the steps git cannot "
        "do from one clone (force-push, re-clone every other copy)."),
    )
    s.add_argument("id", metavar=_("ID"), help=_("participant id"))
    s.add_argument("--yes", action="store_true", help=_("rewrite the history (irreversible)"))
    s.add_argument("--request", metavar=_("REF"), help=_("the erasure request's reference, recorded"))

    if wanted("fidelity") or wanted("employer"):
        from ipstui.cli_fidelity import add_parsers

        add_parsers(sub, common, _date_arg)

    # git's merge driver entry (registered by init/sync): added without help= so that it
    # is not listed among the commands (help=SUPPRESS prints "==SUPPRESS==" there).
    if wanted("merge-driver"):
        s = sub.add_parser("merge-driver", add_help=False)
        s.add_argument("files", nargs=4)
    if only is not None and only not in sub.choices:
        return build_parser()  # not a command: the full parser says so, listing them
    return p


def _language(argv: Sequence[str] | None, quick: dict[str, str] | None = None) -> str:
    """The language of this run (SPEC §13): `--lang` (before the command or after it),
    then the user config's `lang`, then the locale; set before the parser is built, as
    its help is translated. A bad config value is one line on stderr (in English, the
    language not being known yet); a bad `--lang` is left to the parser's usage error.

    `quick`: the options `_quick_due` read, when it did; argparse is then neither
    imported nor translated."""
    from ipstui.core.i18n import choose_language

    if quick is not None:
        flag = quick.get("--lang")
    else:
        import argparse

        pre = argparse.ArgumentParser(add_help=False)
        pre.add_argument("--lang")
        known, _rest = pre.parse_known_args(argv)
        flag = known.lang if known.lang in LANGUAGES else None
    config = None
    if flag is None:
        from ipstui.core.config import load_lang

        config, problem = load_lang()
        if problem:
            print(escape(f"ipstui: warning: {problem}"), file=sys.stderr)
    if "argparse" in sys.modules:
        from ipstui.core.i18n import translate_argparse

        translate_argparse()
    return set_language(choose_language(flag, config))


_QUICK_OPTIONS = ("-C", "--today", "--lang", "--specialist")


def _quick_due(argv: Sequence[str]) -> dict[str, str] | None:
    """`ipstui due --json` in its plain form, read without argparse (issue 17: building
    the parser costs a warm `due` more than answering it): the words `due` and `--json`
    and the options -C PATH, --today DATE, --lang CODE and --specialist KEY (long ones
    also as --opt=VALUE), each at most once, -C, --today and --lang before or after
    `due`. Returns {option: value} ("-C", "--today", "--lang", "--specialist"), or None
    for anything else — then the full parser reads the line and says what is wrong, so
    the two readings can never differ: a value starting with "-", an abbreviation, an
    unknown language or a date `_date_arg` might refuse all go to argparse."""
    got: dict[str, str] = {}
    command = as_json = False
    it = iter(argv)
    for tok in it:
        if tok == "due" and not command:
            command = True
            continue
        if tok == "--json" and command and not as_json:
            as_json = True
            continue
        name, eq, value = tok.partition("=") if tok.startswith("--") else (tok, "", "")
        if name not in _QUICK_OPTIONS or name in got or (name == "--specialist" and not command):
            return None
        if not eq:
            value = next(it, "-")
        if not value or value.startswith("-"):
            return None
        got[name] = value
    if not (command and as_json):
        return None
    if "--lang" in got and got["--lang"] not in LANGUAGES:
        return None
    today = got.get("--today")
    if today is not None and not (
        len(today) == 10 and today[4] == today[7] == "-"
        and (today[:4] + today[5:7] + today[8:]).isdigit() and "1900" <= today[:4] <= "2199"
    ):
        return None
    return got


def main(argv: Sequence[str] | None = None) -> int:
    """The `ipstui` command: parse `argv` (default `sys.argv[1:]`), run, return the exit
    code. Everything it prints passes `termsafe.SafeStream` (SPEC §13): no control
    character from a file reaches the terminal, whichever line quotes it."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    quick = _quick_due(words)
    if quick is not None:
        try:
            given = quick.get("--today")
            today = date.fromisoformat(given) if given else date.today()
        except ValueError:  # not a day of the calendar: the parser says so
            quick = None
    _language(words, quick)
    for word in words:
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:  # bytes the locale could not decode (surrogateescape)
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            print(escape(_("ipstui: error: {argument} is not UTF-8 text; set the terminal or "
                           "the file to UTF-8").format(argument=shown)), file=sys.stderr)
            return EXIT_USAGE
    if quick is not None:
        q = quick

        def run() -> int:
            return _due_quick(q.get("-C"), today.toordinal(), q.get("--specialist"))
    else:
        args = build_parser(_command_in(words)).parse_args(words)
        # Imported after parsing: `--help` and usage errors never load the core.
        explicit = getattr(args, "today", None)
        day: date = explicit or date.today()

        def run() -> int:
            return _dispatch(args, getattr(args, "caseload", None), day, explicit_today=explicit)

    try:
        return run()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 — ours become one line; the rest is re-raised
        return _failed(exc)


def _failed(exc: BaseException) -> int:
    """One line on stderr and exit 1 for a failure a person can act on, 2 for a usage
    error found after parsing (`UsageError`); anything else is a bug and raised again
    (called from an `except` clause)."""
    from ipstui.core.service import CaseloadError, GitError, UsageError, ValidationFailed

    if isinstance(exc, UsageError):  # a check made after parsing: as the parser says it
        print(escape(_usage_line(str(exc))), file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, ValidationFailed):
        # One line (SPEC §7); the positions would point into text that was never written.
        print(escape(_("ipstui: error: {where}: {problem}").format(
            where=exc.problems[0].path, problem=exc)), file=sys.stderr)
        return EXIT_FAIL
    if isinstance(exc, (CaseloadError, GitError, ValueError)):
        print(escape(_("ipstui: error: {problem}").format(problem=exc)), file=sys.stderr)
        return EXIT_FAIL
    if isinstance(exc, OSError):  # anything the commands did not turn into their own words
        where = f"{exc.filename}: " if exc.filename else ""
        problem = f"{where}{exc.strerror or exc}"
        print(escape(_("ipstui: error: {problem}").format(problem=problem)), file=sys.stderr)
        return EXIT_FAIL
    raise exc


def _due_quick(caseload: str | None, today_ordinal: int, specialist: str | None) -> int:
    """`ipstui due --json` from the agenda index, printed as `CaseloadService.due_json`
    gives it (no deadline objects, no JSON encoder)."""
    text, problems = _service(caseload).due_json(today_ordinal, specialist)
    sys.stdout.write(text)
    return _left_out_of(problems) if problems else EXIT_OK


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
        print(_("created caseload {path}").format(path=root))
        return EXIT_OK
    if cmd == "validate":
        return _validate(caseload, args.staged, today)
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


def _validate(caseload: str | None, staged: bool = False, today: date | None = None) -> int:
    """`ipstui validate`: every problem as `file:line:col: message`, escaped (SPEC §13).

    As a git pre-commit hook (`GIT_INDEX_FILE` set) or with `--staged` it checks the
    staged copies, which are what the commit will hold (SPEC §7). An event date after
    `today` (the command's: `--today`, else the real date) is a warning."""
    import os

    from ipstui.core.findings import tally
    from ipstui.core.termsafe import escape

    svc = _service(caseload)
    if staged or os.environ.get("GIT_INDEX_FILE"):
        from ipstui.core.staged import staged_problems

        problems, n, m = staged_problems(svc.root, today=today)
        summary = ngettext("{n} staged participant file checked",
                           "{n} staged participant files checked", n).format(n=n)
        if m:
            summary = _("{participants} and {employers} checked").format(
                participants=ngettext("{n} staged participant file",
                                      "{n} staged participant files", n).format(n=n),
                employers=ngettext("{n} employer file", "{n} employer files", m).format(n=m))
    else:
        cl = svc.load()
        reg = svc.employers(cl)
        problems = svc.problems(cl, reg, today=today)
        n = cl.stats.get("files", 0)
        summary = ngettext("{n} participant file checked",
                           "{n} participant files checked", n).format(n=n)
        if reg.known_ids:
            m = len(reg.known_ids)
            summary = _("{participants} and {employers} checked").format(
                participants=ngettext("{n} participant file", "{n} participant files",
                                      n).format(n=n),
                employers=ngettext("{n} employer file", "{n} employer files", m).format(n=m))
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.col)):
        print(escape(problem))
    errors, warnings = tally(problems)  # as the app's header and Problems count them
    print(validate_summary(summary, errors, warnings), file=sys.stderr)
    return EXIT_FAIL if errors else EXIT_OK


def validate_summary(checked: str, errors: int, warnings: int) -> str:
    """`validate`'s last line: what was checked, then the counts, each in its own plural
    form ("1 error, 2 warnings"; Danish "1 fejl, 2 advarsler")."""
    return _("{summary}: {errors}, {warnings}").format(
        summary=checked,
        errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
    )


def _left_out(cl) -> int:
    """SPEC §7: name every file that could not be read on stderr, one line each, and
    exit 3 so that a cron job never takes a partial agenda or report for a whole one."""
    return _left_out_of(cl.problems)


def _left_out_of(problems) -> int:
    """`_left_out` of a load's problems."""
    from ipstui.core.model import left_out

    missing = left_out(problems)
    for problem in missing:
        print(escape(problem), file=sys.stderr)
    if any(p.path == "caseload.toml" for p in missing):
        print(
            _(
                "caseload.toml: the settings it could not give were replaced by the defaults (deadline rules, due-soon days, team); fix the file and run the command again"
            ),
            file=sys.stderr,
        )
    return EXIT_PARTIAL if missing else EXIT_OK


def _due(caseload: str | None, today: date, specialist: str | None, as_json: bool) -> int:
    svc = _service(caseload)
    items, problems = svc.due(today, specialist)
    if as_json:
        import json

        # One object per line: readable, and one call of the C encoder (indent= falls back
        # to Python). '}, {"' cannot occur inside a JSON string (its quote is escaped), so
        # it is exactly the boundary between two objects.
        text = json.dumps([d.to_json() for d in items])[1:-1].replace('}, {"', '},\n{"')
        sys.stdout.write("[\n" + text + "\n]\n")
        return _left_out_of(problems)
    from ipstui.core.model import RULE_LABELS
    from ipstui.core.vocab import SYMBOL, cells, fit

    # Columns in terminal cells: translated headings and rule labels may be longer in
    # Danish or Swedish, and the columns grow with them (nothing is cut).
    labels = [RULE_LABELS.get(d.rule, d.rule) for d in items]
    heads = (_("Due"), _("Participant"), _("Specialist"), _("Deadline"), _("When"))
    w_id = max([cells(heads[1])] + [cells(d.participant) for d in items])
    w_sp = max([cells(heads[2])] + [cells(d.specialist) for d in items])
    w_rule = max([26, cells(heads[3])] + [cells(label) for label in labels])
    lines = []
    if items:
        lines.append(
            f"  {fit(heads[0], 10)}  {fit(heads[1], w_id)} {fit(heads[2], w_sp)} "
            f"{fit(heads[3], w_rule)} {heads[4]}"
        )
    for d, label in zip(items, labels, strict=True):
        lines.append(
            f"{SYMBOL[d.state]} {d.due.isoformat()}  {fit(d.participant, w_id)} "
            f"{fit(d.specialist, w_sp)} {fit(label, w_rule)} {d.words(today)}"
        )
    if not items:
        from ipstui.core.model import left_out

        # Exit 3 says files were left out: "nothing due" alone would read as complete.
        skipped = [p for p in left_out(problems) if p.path != "caseload.toml"]
        if skipped:
            lines.append(
                ngettext(
                    "nothing due among the files that could be read ({n} file left out)",
                    "nothing due among the files that could be read ({n} files left out)",
                    len(skipped),
                ).format(n=len(skipped))
            )
        else:
            lines.append(_("nothing due"))
    sys.stdout.write("\n".join(escape(line) for line in lines) + "\n")
    return _left_out_of(problems)


def _log(caseload: str | None, pid: str) -> int:
    from ipstui.core.service import show_value

    out = []
    for rev in _service(caseload).history(pid):
        head = f"{rev.commit[:7]}  {rev.when:%Y-%m-%d %H:%M}  {rev.author}"
        if rev.note:
            out.append(f"{head}  ({rev.note})")
        for ch in rev.changes:
            out.append(f"{head}  {ch.field}: {show_value(ch.old)} -> {show_value(ch.new)}")
    sys.stdout.write("\n".join(escape(line) for line in out)
                     + ("\n" if out else _("no history") + "\n"))
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
        print(_("committed {commit}: {subject}").format(commit=res.commit[:7],
                                                         subject=res.subject), file=sys.stderr)
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
            today=today,
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
                from ipstui.core.service import UsageError

                raise UsageError(_("{item} is not FIELD=VALUE").format(item=repr(item)))
            pairs[field.strip()] = value
        res = svc.set_fields(None, pid, pairs, today=today)
    elif cmd == "resolve":
        res = svc.resolve(None, pid, args.field, side=args.side, value=args.value)
    else:  # pragma: no cover - argparse restricts commands
        raise ValueError(f"unknown command {cmd}")
    print(_("committed {commit}: {subject}").format(commit=res.commit[:7], subject=res.subject))
    _warn(res.warnings)
    return EXIT_OK


def _warn(warnings: Sequence[str]) -> None:
    for line in warnings:
        print(_("ipstui: warning: {problem}").format(problem=line), file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
