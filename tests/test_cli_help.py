"""`ipstui --version` and the help of every command: complete, with the choices the
files allow, and no internal command listed."""

from __future__ import annotations

import argparse

import pytest

import ipstui
from ipstui import cli
from ipstui.core.model import CLOSURE_REASONS, CONTACT_KINDS, PHASES, SETTABLE_FIELDS


def help_of(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        cli.main([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"ipstui {ipstui.__version__}"


def test_top_level_help_lists_the_commands_and_not_the_merge_driver(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = help_of(capsys=capsys)
    assert "SUPPRESS" not in text and "merge-driver" not in text
    for name in subcommands():
        if name != "merge-driver":
            assert f"\n    {name} " in text, name
    assert "--version" in text


def test_the_merge_driver_command_still_runs(tmp_path) -> None:
    """Hidden from the help, still reachable by git (`ipstui merge-driver O A B P`)."""
    args = cli.build_parser().parse_args(["merge-driver", "o", "a", "b", "p"])
    assert args.command == "merge-driver" and args.files == ["o", "a", "b", "p"]


@pytest.mark.parametrize(
    ("command", "must_list"),
    [
        ("move", PHASES + CLOSURE_REASONS),
        ("contact", CONTACT_KINDS),
        ("set", tuple(f for f in SETTABLE_FIELDS if f != "phase")),
        ("report", ("table", "csv", "json")),
    ],
)
def test_help_lists_every_choice(
    command: str, must_list: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_of(command, capsys=capsys)
    for value in must_list:
        assert value in text, f"{command} --help does not mention {value!r}"


def test_every_argument_of_every_command_has_help() -> None:
    """Every command and sub-command (`employer new`, ...) has a description and every
    argument a help text."""
    missing = []
    todo = [(name, p) for name, p in subcommands().items() if name != "merge-driver"]
    while todo:
        name, parser = todo.pop()
        if not parser.description:
            missing.append(f"{name}: no description")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo += [(f"{name} {n}", p) for n, p in action.choices.items()]
            elif not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
