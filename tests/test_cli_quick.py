"""`ipstui due --json` in its plain form is read without argparse (issue 17: the parser
costs a warm `due` more than the answer). The quick reading takes only the forms it can
read exactly like the parser, and hands every other line to the parser; both print the
same bytes and exit the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipstui import cli

QUICK = [
    (["due", "--json"], {}),
    (["--json", "due"], None),  # --json before the command is the parser's usage error
    (["-C", "X", "due", "--json"], {"-C": "X"}),
    (["due", "--json", "-C", "X"], {"-C": "X"}),
    (["--today", "2026-11-16", "due", "--json"], {"--today": "2026-11-16"}),
    (["due", "--today=2026-11-16", "--json"], {"--today": "2026-11-16"}),
    (["--lang", "da", "due", "--json", "--specialist", "anna"],
     {"--lang": "da", "--specialist": "anna"}),
    (["due", "--json", "--specialist=anna"], {"--specialist": "anna"}),
    # everything else is the parser's
    (["due"], None),  # the table
    (["due", "--json", "--json"], None),
    (["due", "due", "--json"], None),
    (["--specialist", "anna", "due", "--json"], None),  # an option of `due` before it
    (["due", "--json", "--spec", "anna"], None),  # an abbreviation
    (["due", "--json", "--specialist"], None),  # no value
    (["due", "--json", "--specialist", "-x"], None),  # a value that looks like an option
    (["due", "--json", "-C", "a", "-C", "b"], None),  # twice
    (["due", "--json", "-CX"], None),
    (["due", "--json", "-C=X"], None),
    (["due", "--json", "--lang", "de"], None),  # not a language of ours
    (["due", "--json", "--lang="], None),
    (["due", "--json", "--today", "2026-1-16"], None),
    (["due", "--json", "--today", "26-11-16"], None),
    (["due", "--json", "--today", "1899-12-31"], None),  # outside the dates a file may hold
    (["due", "--json", "--today", "2026-W47-1"], None),
    (["due", "--json", "-h"], None),
    (["due", "--json", "--"], None),
    (["report", "--json"], None),
    ([], None),
]


@pytest.mark.parametrize(("argv", "expected"), QUICK, ids=[" ".join(a) or "-" for a, _ in QUICK])
def test_only_the_plain_forms_are_read_quickly(argv: list[str], expected: dict | None) -> None:
    assert cli._quick_due(argv) == expected


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--specialist", "anna"],
        ["--specialist", "nobody"],  # refused: one line, exit 1
        ["--today", "2026-02-30"],  # not a day: the quick reading hands it to the parser
        ["--lang", "it", "--specialist", "nobody"],  # the refusal in Italian
    ],
)
def test_the_quick_and_the_parsed_reading_answer_alike(
    sample_caseload: Path,
    extra: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same request, once in the quick form and once in a form only argparse reads
    (`--spec`, an abbreviation, and the options spelled --opt=VALUE where the quick form
    has them apart): the same output, errors and exit status."""
    from ipstui.core import i18n

    monkeypatch.setenv("IPSTUI_CONFIG", str(sample_caseload / "no-config.toml"))
    base = ["-C", str(sample_caseload), "due", "--json"]
    if "--today" not in extra:
        base += ["--today", "2026-11-16"]
    quick = base + extra
    parsed = base + [("--spec" if w == "--specialist" else w) for w in extra]
    outs = []
    for argv in (quick, parsed, quick):
        if "--today" in extra:
            assert cli._quick_due(argv) is not None or argv is parsed
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # the parser's usage error
            code = exc.code
        outs.append((code, *capsys.readouterr()))
        i18n.set_language("en")
    assert outs[0] == outs[1] == outs[2]
    code, out, err = outs[0]
    if extra == ["--specialist", "nobody"]:
        assert code == 1 and err.startswith("ipstui: error: unknown specialist 'nobody'")
    elif "--today" in extra:
        assert code == 2 and "2026-02-30" in err and not out
    elif "it" in extra:
        assert code == 1 and "nobody" in err and "unknown specialist" not in err
    else:
        assert code == 0 and out.startswith('[\n{"participant": ') and not err
