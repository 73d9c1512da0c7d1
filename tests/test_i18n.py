"""Languages (SPEC §13): how the language is chosen, the catalogs' completeness and
placeholders, the committed `.mo` against the `.po`, and the CLI speaking Danish."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ipstui.cli import main
from ipstui.core import i18n
from ipstui.core.config import load_lang
from ipstui.core.i18n import LANGUAGES, LOCALE_DIR, choose_language, normalise, set_language

TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")
PO = {lang: LOCALE_DIR / lang / "LC_MESSAGES" / "ipstui.po" for lang in TRANSLATED}


def catalog(lang: str):
    with PO[lang].open("rb") as f:
        return read_po(f, locale=lang)


# ------------------------------------------------------------------ choosing the language

CHOICES = [
    # (flag, config, environment, expected, why)
    (
        "sv",
        "it",
        {"LANGUAGE": "da", "LC_ALL": "da_DK.UTF-8", "LANG": "da_DK.UTF-8"},
        "sv",
        "the flag wins over everything",
    ),
    (
        None,
        "it",
        {"LANGUAGE": "da", "LC_ALL": "sv_SE.UTF-8", "LANG": "sv_SE.UTF-8"},
        "it",
        "the config wins over the locale",
    ),
    (
        None,
        None,
        {"LANGUAGE": "da", "LC_ALL": "sv_SE.UTF-8", "LANG": "it_IT.UTF-8"},
        "da",
        "LANGUAGE first among the locale variables",
    ),
    (
        None,
        None,
        {"LANGUAGE": "de:sv:it", "LANG": "da_DK.UTF-8"},
        "sv",
        "LANGUAGE is a list: its first supported entry",
    ),
    (None, None, {"LC_ALL": "sv_SE.UTF-8", "LANG": "it_IT.UTF-8"}, "sv", "LC_ALL before LANG"),
    (None, None, {"LANG": "da_DK.UTF-8"}, "da", "LANG with territory and codeset"),
    (None, None, {"LANG": "sv-SE"}, "sv", "a BCP 47 tag"),
    (None, None, {"LANG": "C"}, "en", "the C locale is English"),
    (None, None, {"LANG": "de_DE.UTF-8"}, "en", "an unsupported language falls to English"),
    (
        None,
        None,
        {"LC_ALL": "C.UTF-8", "LANG": "da_DK.UTF-8"},
        "en",
        "a set LC_ALL decides, as in gettext, even when it names no catalog",
    ),
    (None, None, {}, "en", "nothing set: English"),
]


@pytest.mark.parametrize(
    ("flag", "config", "env", "expected", "why"), CHOICES, ids=[c[-1] for c in CHOICES]
)
def test_language_choice_order(flag, config, env, expected, why) -> None:
    assert choose_language(flag, config, env) == expected, why


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("da_DK.UTF-8", "da"),
        ("sv-SE", "sv"),
        ("IT", "it"),
        ("it_IT@euro", "it"),
        ("C", None),
        ("POSIX", None),
        ("de_DE", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise(code, expected) -> None:
    assert normalise(code) == expected


def test_set_language_refuses_an_unknown_code() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        set_language("de")


@pytest.mark.parametrize(
    ("text", "lang", "problem"),
    [
        ('lang = "da"\n', "da", None),
        ('[keys]\nagenda = "A"\n', None, None),
        ('lang = "de"\n', None, "lang: 'de' is not one of en, it, da, sv"),
        ("lang = 3\n", None, "lang: 3 is not one of"),
        ('lang = "da_DK"\n', None, "lang: 'da_DK' is not one of"),
        ("lang = \n", None, "not a TOML file"),
    ],
    ids=[
        "valid",
        "absent",
        "unknown language",
        "not a string",
        "a locale, not a code",
        "broken TOML",
    ],
)
def test_config_lang(tmp_path: Path, text: str, lang, problem) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    got, said = load_lang(path)
    assert got == lang
    if problem is None:
        assert said is None
    else:
        assert said is not None and problem in said and "\n" not in said


def test_missing_config_is_no_problem(tmp_path: Path) -> None:
    assert load_lang(tmp_path / "none.toml") == (None, None)


# ------------------------------------------------------------------ the catalogs

PLACEHOLDER = re.compile(r"\{[a-z_]*(?:![rs])?\}|%\([a-z_]+\)[sdr]|%[sdr]")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_template_is_in_step_with_the_catalogs() -> None:
    """Every message of the template is in each catalog (run tools/catalogs.py)."""
    with (LOCALE_DIR / "ipstui.pot").open("rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert len(template) > 150
    for lang in TRANSLATED:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id}
        assert ids == template, (lang, sorted(template ^ ids)[:5])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation(lang: str) -> None:
    """SPEC §13: every message has a translation in each language, none left fuzzy (a
    fuzzy entry is not compiled, so the app would show the English)."""
    missing = [
        m.id
        for m in catalog(lang)
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not missing, f"{len(missing)} untranslated in {lang}, e.g. {missing[:3]}"
    fuzzy = [m.id for m in catalog(lang) if m.id and m.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {lang}, e.g. {fuzzy[:3]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_kept(lang: str) -> None:
    wrong = []
    for m in catalog(lang):
        if not m.id:
            continue
        sources = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for text in strings:
            if text and placeholders(text) != placeholders(sources[-1]):
                # plural forms: a translation may match the singular's placeholders
                if placeholders(text) != placeholders(sources[0]):
                    wrong.append((sources[0], text))
    assert not wrong, wrong


def test_the_placeholder_check_sees_a_lost_placeholder() -> None:
    """Control: the check above would catch a translation that dropped one."""
    assert placeholders("{n}d overdue") != placeholders("dage over fristen")
    assert placeholders("%(default)s x") == placeholders("y %(default)s")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_committed_mo_equals_the_po(lang: str, tmp_path: Path) -> None:
    """The shipped `.mo` is what Babel compiles from the `.po` (run tools/catalogs.py)."""
    compiled = tmp_path / "ipstui.mo"
    with compiled.open("wb") as f:
        write_mo(f, catalog(lang))
    mo = PO[lang].with_suffix(".mo")

    def messages(path: Path) -> dict:
        with path.open("rb") as f:
            t = gettext.GNUTranslations(f)
        return {k: v for k, v in t._catalog.items() if k != ""}  # type: ignore[attr-defined]

    assert messages(mo) == messages(compiled)


# ------------------------------------------------------------------ lookups


def test_labels_translate_at_lookup_and_keep_the_codes() -> None:
    from ipstui.core.model import PHASE_LABELS, RULE_LABELS

    assert PHASE_LABELS["job_search"] == "Job search"
    set_language("da")
    assert PHASE_LABELS["job_search"] == "Jobsøgning"
    assert RULE_LABELS.get("first_contact") == "Første kontakt"
    assert list(PHASE_LABELS)[4] == "job_search"  # the stored code never changes
    assert PHASE_LABELS.source["job_search"] == "Job search"
    set_language("en")
    assert PHASE_LABELS["job_search"] == "Job search"
    assert i18n.current_language() == "en"


# ------------------------------------------------------------------ the CLI


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the shipped sample (a plain folder: `due` needs no git), which has
    deadlines on 2026-11-16."""
    import shutil

    return Path(shutil.copytree(Path(__file__).parents[1] / "sample_caseload", tmp_path / "s"))


def test_due_speaks_danish_with_lang(sample: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["-C", str(sample), "--today", "2026-11-16", "--lang", "da", "due"])
    out = capsys.readouterr().out
    assert code == 0
    head, *rows = out.splitlines()
    # Frist (the due date), the participant, the specialist, Hvad (the rule's label, e.g.
    # "Første kontakt": what is due), Hvornår (how far off).
    assert head.split() == ["Frist", "Deltager", "IPS-konsulent", "Hvad", "Hvornår"]
    assert rows and all(("dage over fristen" in r) or ("frist" in r) for r in rows)


def test_lang_after_the_command_and_json_unchanged(
    sample: Path, capsys: pytest.CaptureFixture
) -> None:
    main(["-C", str(sample), "--today", "2026-11-16", "due", "--json"])
    english = capsys.readouterr().out
    main(["-C", str(sample), "--today", "2026-11-16", "due", "--json", "--lang", "da"])
    assert capsys.readouterr().out == english  # machine output never changes


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--format", "csv"],
        ["report", "--format", "json"],
        ["fidelity", "--format", "csv"],
    ],
    ids=["report csv", "report json", "fidelity csv"],
)
def test_machine_output_is_the_same_in_every_language(
    sample: Path, capsys: pytest.CaptureFixture, argv: list[str]
) -> None:
    base = ["-C", str(sample), "--today", "2026-11-16", *argv]
    main(base)
    english = capsys.readouterr().out
    for lang in TRANSLATED:
        main([*base, "--lang", lang])
        assert capsys.readouterr().out == english, lang


def test_config_lang_and_a_bad_value(
    sample: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("IPSTUI_CONFIG", str(config))
    argv = ["-C", str(sample), "--today", "2026-11-16", "due"]
    config.write_text('lang = "da"\n')
    main(argv)
    assert capsys.readouterr().out.split()[0] == "Frist"
    main([*argv, "--lang", "en"])  # the flag wins
    assert capsys.readouterr().out.split()[0] == "Due"
    config.write_text('lang = "klingon"\n')
    main(argv)
    captured = capsys.readouterr()
    assert captured.out.split()[0] == "Due"
    assert captured.err.splitlines()[0].startswith("ipstui: warning: ")
    assert "lang: 'klingon' is not one of en, it, da, sv" in captured.err


def test_a_bad_lang_flag_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "de", "due"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "invalid choice: 'de'" in err


def test_locale_chooses_when_nothing_else_does(
    sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("LANG", "da_DK.UTF-8")
    main(["-C", str(sample), "--today", "2026-11-16", "due"])
    assert capsys.readouterr().out.split()[0] == "Frist"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("da", ["vis denne hjælpetekst og afslut", "vis programmets versionsnummer og afslut"]),
        ("sv", ["visa detta hjälpmeddelande och avsluta",
                "visa programmets versionsnummer och avsluta"]),
        ("it", ["mostra questo messaggio di aiuto ed esce",
                "mostra il numero di versione del programma ed esce"]),
    ],
)  # fmt: skip
def test_help_translates_argparse_own_options(
    lang: str, words: list[str], capsys: pytest.CaptureFixture
) -> None:
    """`-h` and `--version` are argparse's options; their help is ours to translate."""
    with pytest.raises(SystemExit):
        main(["--lang", lang, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for text in words:
        assert text in out, (lang, text)
    assert "show program's version number" not in out


@pytest.mark.parametrize(
    ("lang", "errors", "warnings", "want"),
    [
        ("en", 0, 0, "3 files: 0 errors, 0 warnings"),
        ("en", 1, 0, "3 files: 1 error, 0 warnings"),
        ("en", 1, 1, "3 files: 1 error, 1 warning"),
        ("en", 2, 5, "3 files: 2 errors, 5 warnings"),
        ("da", 1, 1, "3 files: 1 fejl, 1 advarsel"),
        ("da", 2, 2, "3 files: 2 fejl, 2 advarsler"),
        ("sv", 1, 2, "3 files: 1 fel, 2 varningar"),
        ("it", 1, 1, "3 files: 1 errore, 1 avviso"),
        ("it", 2, 3, "3 files: 2 errori, 3 avvisi"),
    ],
)
def test_validate_summary_counts_in_their_plural_forms(
    lang: str, errors: int, warnings: int, want: str
) -> None:
    from ipstui.cli import validate_summary

    set_language(lang)
    try:
        assert validate_summary("3 files", errors, warnings) == want
    finally:
        set_language("en")
