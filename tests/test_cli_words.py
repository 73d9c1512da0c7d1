"""Every word a person reads from the CLI is in their language (issue 13 loose ends,
item 3; SPEC §13): each command's `--help` (our metavars and help, argparse's own words)
and each core error that reaches a user, under Italian, Danish and Swedish; and numbers
in the CLI's tables written as the language writes them (Babel, as the app does).

The check reads the catalogs, not a hand list of words: a shown text identical to its
English is allowed only when the catalog says so (the translator gave the same text,
e.g. `ID`); and no English message of the catalog (one with a different translation)
may appear in a translated text. Choices (`{en,it,da,sv}`, `{table,csv,json,xlsx}`) and
option names stay as typed: they are what the user writes (SPEC §13 "stored
identifiers")."""

from __future__ import annotations

import argparse
import re
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ipstui import cli
from ipstui.core import gitio, resolve, resources, storage
from ipstui.core.caseload import CaseloadError
from ipstui.core.fidelity import band_text
from ipstui.core.i18n import LOCALE_DIR, set_language, translate_argparse
from ipstui.core.report import _fmt_days

LANGS = ("it", "da", "sv")
PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[a-z]|%[a-z]")


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr of the language's catalog (singular messages without a context)."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "ipstui.po").open("rb") as f:
        po = read_po(f)
    return {m.id: m.string for m in po if isinstance(m.id, str) and m.id and not m.context}


@cache
def english_pieces(lang: str) -> tuple[str, ...]:
    """The literal runs (between placeholders) of every message whose translation in
    `lang` differs from its English, long enough (three words or more) that finding one
    in a text means the English message was shown."""
    pieces = set()
    for msgid, msgstr in catalog(lang).items():
        if msgstr == msgid:
            continue
        for run in PLACEHOLDER.split(msgid):
            run = run.strip(" ;:,.()—-`")
            if len(run.split()) >= 3:
                pieces.add(run)
    return tuple(sorted(pieces))


def untranslated(text: str, lang: str) -> list[str]:
    """The English messages of the catalog found in `text` (which should be in `lang`)."""
    flat = " ".join(text.split())  # argparse wraps help lines
    return [p for p in english_pieces(lang) if p in flat]


def in_language(lang: str) -> None:
    set_language(lang)
    translate_argparse()


def parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(name, parser) for `ipstui` and each command it lists, built in the language in use."""
    top = cli.build_parser()
    yield "ipstui", top
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, parser in action.choices.items():
                if name != "merge-driver":  # git's, never listed nor read by a person
                    yield name, parser


def shown(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each text of `parser` a person reads, by where it is: the description, each
    argument's help and placeholder (argparse's default placeholder too), each listed
    command's summary. Choices lists and option names are left out (typed as they are)."""
    out = {"description": parser.description or "", "epilog": parser.epilog or ""}
    for i, action in enumerate(parser._actions):
        where = "/".join(action.option_strings) or action.dest
        if action.help is not argparse.SUPPRESS and action.help:
            out[f"{i} {where} help"] = action.help
        if isinstance(action, argparse._SubParsersAction):
            for sub in action._choices_actions:
                out[f"command {sub.dest} help"] = sub.help or ""
        if action.nargs == 0 or action.choices is not None and action.metavar is None:
            continue
        metavar = action.metavar
        if metavar is None:  # argparse's own: the option's name in capitals
            metavar = action.dest.upper() if action.option_strings else action.dest
        for j, word in enumerate(metavar if isinstance(metavar, tuple) else (metavar,)):
            out[f"{i} {where} placeholder {j}"] = word
    return out


def everything_shown() -> dict[tuple[str, str], str]:
    return {(name, where): text for name, p in parsers() for where, text in shown(p).items()}


@pytest.mark.parametrize("lang", LANGS)
def test_every_help_text_and_placeholder_is_translated(lang: str) -> None:
    """A text that reads the same in English and in `lang` must be the catalog's choice."""
    english = everything_shown()
    in_language(lang)
    translated = everything_shown()
    assert translated.keys() == english.keys()
    same = [
        f"{name}: {where}: {text!r}"
        for (name, where), text in english.items()
        if text and translated[name, where] == text and catalog(lang).get(text) != text
    ]
    assert not same, "untranslated in " + lang + ":\n" + "\n".join(same)


@pytest.mark.parametrize("lang", LANGS)
def test_every_command_help_reads_in_the_language(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ipstui [COMMAND] --help --lang LANG` as printed: argparse's words (`usage:`,
    `options`, `show this help message and exit`) and ours, none left in English."""
    names = [name for name, _p in parsers()]
    said = {}
    for name in names:
        argv = ([] if name == "ipstui" else [name]) + ["--lang", lang, "--help"]
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 0
        said[name] = capsys.readouterr().out
        set_language("en")
    english_words = [catalog(lang)[w] != w for w in ("usage: ", "options")]
    assert all(english_words)  # the catalog translates both, so they must not show
    for name, text in said.items():
        assert not text.startswith("usage: "), (name, text[:40])
        assert "\noptions:\n" not in text, name
        assert not untranslated(text, lang), (name, untranslated(text, lang))


@pytest.mark.parametrize(
    ("env", "word"),
    [
        ({"LANG": "it_IT.UTF-8"}, "uso: "),
        ({"LANG": "da_DK.UTF-8"}, "brug: "),
        ({"LC_ALL": "sv_SE.UTF-8"}, "användning: "),
    ],
)
def test_the_locale_chooses_the_help_language(
    env: dict[str, str],
    word: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no user config's `lang`
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit):
        cli.main(["resolve", "--help"])
    out = capsys.readouterr().out
    assert out.startswith(word), out[:60]
    lang = next(iter(v[:2] for v in env.values()))
    assert not untranslated(out, lang)


# ---------------------------------------------------------------- core errors


def _message(raises: Callable[[], object]) -> str:
    with pytest.raises(Exception) as info:  # noqa: PT011 — each row names its own
        raises()
    return str(info.value)


def _settle(conflicts: dict) -> Callable[[], object]:
    data = {"id": "P-0001", "notes": "x", "conflicts": conflicts}
    return lambda: resolve.settle(data, "P-0001", "notes", side="ours")


def _git_failure(root: Path) -> Callable[[], object]:
    # `rev-parse -q --verify` fails without a word: the fallback message is shown.
    return lambda: gitio.git(root, "rev-parse", "-q", "--verify", "no-such-ref")


def _no_identity() -> object:
    proc = subprocess.CompletedProcess(["git", "var", "GIT_AUTHOR_IDENT"], 128, "", "")
    return gitio._ident(proc, "author", "author.name/author.email")


CORE_ERRORS: list[tuple[str, Callable[[Path], Callable[[], object]], type]] = [
    ("resolve: no conflict on the field", lambda _r: _settle({}), CaseloadError),
    (
        "resolve: no conflict there, others open",
        lambda _r: _settle({"disclosure": {"theirs": "yes"}}),
        CaseloadError,
    ),
    ("file is empty", lambda _r: lambda: storage.loads_bytes(b"", "a.toml"), storage.ParseError),
    (
        "file is not UTF-8",
        lambda _r: lambda: storage.loads_bytes(b'name = "\xff"\n', "a.toml"),
        storage.ParseError,
    ),
    (
        "duplicate key",
        lambda _r: lambda: storage.loads_bytes(b"a = 1\na = 2\n", "a.toml"),
        storage.ParseError,
    ),
    ("git failed without a word", _git_failure, gitio.GitError),
    ("no git identity", lambda _r: _no_identity, gitio.IdentityMissing),
    (
        "shipped data missing",
        lambda _r: lambda: resources.data_dir("ipstui.no_such_data"),
        resources.ResourceMissing,
    ),
]
"""Errors of the core a person reads (the CLI prints them, the app shows them), each
made to happen for real: (name, make the call that raises, the exception class)."""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("name", "make", "kind"), CORE_ERRORS, ids=[row[0] for row in CORE_ERRORS]
)
def test_core_errors_reach_the_user_translated(
    lang: str, name: str, make, kind: type, tmp_path: Path
) -> None:
    gitio.git(tmp_path, "init", "-q")
    raises = make(tmp_path)
    english = _message(raises)
    set_language(lang)
    said = _message(raises)
    with pytest.raises(kind):
        raises()
    assert said != english, (name, said)
    assert not untranslated(said, lang), (name, said, untranslated(said, lang))


def test_the_resolve_refusal_reads_whole_in_italian() -> None:
    """The item's own example, word for word (a sentence, not glued fragments)."""
    set_language("it")
    said = _message(_settle({"disclosure": {"theirs": "yes"}}))
    assert said == (
        "P-0001 non ha un conflitto su 'notes' da risolvere; campi da decidere: disclosure"
    )


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("lang", "show", "expected"),
    [
        ("en", lambda: band_text("V8", [Fraction(85, 100), Fraction(7, 10)]), ">= 85% / >= 70%"),
        ("it", lambda: band_text("V6", [Fraction(6), Fraction(45, 10)]), ">= 6 / >= 4,5"),
        ("da", lambda: band_text("V10", [Fraction(625, 1000), Fraction(6, 10)]), ">= 62,5\u00a0% / >= 60\u00a0%"),
        ("sv", lambda: band_text("S1", [Fraction(20), Fraction(25)]), "<= 20 / <= 25"),
        ("en", lambda: _fmt_days(12.5), "12.5"),
        ("it", lambda: _fmt_days(12.5), "12,5"),
        ("sv", lambda: _fmt_days(12.5), "12,5"),
        ("da", lambda: _fmt_days(15), "15"),
        ("da", lambda: _fmt_days(None), "—"),
    ],
)
def test_numbers_in_cli_tables_follow_the_language(lang: str, show, expected: str) -> None:
    set_language(lang)
    assert show() == expected


def test_report_and_fidelity_tables_write_decimals_in_the_language(
    sample_caseload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ipstui report` and `ipstui fidelity` in Italian: every decimal number has a comma
    (rates, days, the fidelity bands), none a point; dates keep ISO's hyphens."""
    today = date(2026, 11, 16).isoformat()
    for command in ("report", "fidelity"):
        code = cli.main([command, "-C", str(sample_caseload), "--today", today, "--lang", "it"])
        out = capsys.readouterr().out
        set_language("en")
        assert code == 0, out
        assert re.search(r"\d,\d", out), (command, out)
        points = re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", out)
        assert not points, (command, points)
