"""The language a person reads (SPEC §13): gettext catalogs for Italian, Danish and
Swedish, English as the source.

Usage, everywhere a person reads the text (app, CLI tables, headings, errors, help)::

    from ipstui.core.i18n import _, N_, ngettext

    print(_("Saved {id}").format(id=pid))                     # translated at call time
    LABEL = N_("Job search")     # module level: marked for extraction only...
    label = _(LABEL)             # ...and translated where it is shown
    ngettext("{n} participant", "{n} participants", n).format(n=n)

Stored identifiers (phases, kinds, reasons), JSON and CSV headers are never translated.

Catalogs: `ipstui/locale/<lang>/LC_MESSAGES/ipstui.po` (and the compiled `.mo` beside
it, shipped in the wheel); the template `ipstui/locale/ipstui.pot` is extracted with
Babel (`docs/translating.md` gives the one command). The runtime needs only the
standard library's `gettext`.

The language is chosen once per process by `set_language()` (the CLI calls it from
`--lang`, the config's `lang`, then the locale; see `choose_language`); strings are
looked up at call time, so a test may switch language between two apps in one process.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # not imported at run time: `typing` costs every command (issue 17)
    from decimal import Decimal
    from typing import Any

DOMAIN = "ipstui"
SOURCE_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "it", "da", "sv")
"""The languages with a catalog (SPEC §13), English first (the source)."""

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""Where the catalogs are: `ipstui/locale/<lang>/LC_MESSAGES/ipstui.mo`."""


class _Source:
    """The English source as a catalog (what `gettext.NullTranslations` answers), without
    importing `gettext` and `locale` for a command run in English (issue 17: start-up)."""

    @staticmethod
    def gettext(message: str) -> str:
        return message

    @staticmethod
    def ngettext(singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    @staticmethod
    def pgettext(context: str, message: str) -> str:
        return message


_translations: Any = _Source()
_current = SOURCE_LANGUAGE


class InContext(str):
    """English source text marked with `NP_`: it carries its gettext context, and `_()`
    translates it in that context."""

    context: str


def _(message: str) -> str:
    """`message` (English source text) in the current language; the source text itself
    when the catalog has no translation for it. A message marked with `NP_` is
    translated in its context."""
    if type(message) is InContext:
        return _translations.pgettext(message.context, message)
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Marks `message` for extraction without translating it (module-level constants,
    which are translated with `_()` where they are shown)."""
    return message


def NP_(context: str, message: str) -> str:
    """`N_` for one English word that means two things (`pgettext`'s case): `message`,
    which remembers `context`, so `_()` translates it in that context where it is shown.
    E.g. `NP_("employer log: met the employer in person", "Met")` is not the "Met" of a
    fidelity criterion."""
    marked = InContext(message)
    marked.context = context
    return marked


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for count `n`, by the current language's plural rule
    (the catalog's `Plural-Forms` header)."""
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` translated in `context` (for one English word that two languages say
    differently in two places)."""
    return _translations.pgettext(context, message)


class Labels(Mapping[str, str]):
    """A read-only mapping from stored codes to labels a person reads, translated at
    lookup time: the module-level tables of codes (phases, contact kinds, reasons, rules,
    state words) are written ``Labels({"job_search": N_("Job search"), ...})`` and every
    ``labels[code]``, ``labels.get(code)``, ``labels.items()`` answers in the current
    language. Keys (the stored codes) never change; ``source`` is the English table (for
    matching words that are English by contract, e.g. spreadsheet headers)."""

    __slots__ = ("source",)

    def __init__(self, source: Mapping[str, str]) -> None:
        self.source: dict[str, str] = dict(source)

    def __getitem__(self, code: str) -> str:
        return _(self.source[code])  # an `NP_` label in its context

    def __iter__(self) -> Iterator[str]:
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)

    def __repr__(self) -> str:
        return f"Labels({self.source!r})"


ARGPARSE_MESSAGES: tuple[str, ...] = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
)
"""The words of the standard library's argparse that a person meets in `ipstui --help`
and its usage errors, copied here (same msgids) so that they are extracted into this
catalog: Python ships no catalog for argparse, which calls `gettext.gettext` of the
default domain. `translate_argparse` points argparse at this catalog. Its internal
errors for programmers (bad `add_argument` calls) stay English."""


def translate_argparse() -> None:
    """Make the standard library's argparse look its own words (`usage:`, `options`,
    `invalid choice: ...`) up in this catalog, in the current language, instead of in
    gettext's default domain, where nothing translates them.

    argparse reads the module-level names `_` and `ngettext` at call time (Python 3.11
    to 3.13), so rebinding them is enough; the CLI calls this once, before it builds its
    parser (whose `-h` help text argparse translates when the parser is made)."""
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def current_language() -> str:
    """The two-letter code of the language in use (`"en"` until `set_language`)."""
    return _current


def normalise(code: str | None) -> str | None:
    """`"da_DK.UTF-8"`, `"sv-SE"`, `"IT"` → `"da"`, `"sv"`, `"it"`; None for a value that
    names none of `LANGUAGES` (`"C"`, `"POSIX"`, `"de_DE"`, empty)."""
    if not code:
        return None
    base = code.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def choose_language(
    cli: str | None = None,
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The language to use: `--lang`, then the user config's `lang`, then the locale
    (`LANGUAGE` — a colon-separated list, first supported entry wins — then `LC_ALL`,
    then `LANG`, as gettext reads them); English when none names a supported language.

    `cli` and `config` must already be valid codes (the CLI and the config loader reject
    others with one line); the locale variables are read leniently, as gettext does."""
    for explicit in (cli, config):
        found = normalise(explicit)
        if found:
            return found
    env = os.environ if environ is None else environ
    for entry in env.get("LANGUAGE", "").split(":"):
        found = normalise(entry)
        if found:
            return found
    for var in ("LC_ALL", "LANG"):
        value = env.get(var)
        if value:
            return normalise(value) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def set_language(code: str) -> str:
    """Use `code` (one of `LANGUAGES`) from now on; returns it.

    Raises ValueError for a code that is not one of `LANGUAGES`. A supported language
    whose compiled catalog is missing falls back to English (never an error at start)."""
    global _translations, _current
    found = normalise(code)
    if found is None:
        raise ValueError(f"unknown language {code!r}; choose one of {', '.join(LANGUAGES)}")
    if found == SOURCE_LANGUAGE:
        _translations = _Source()
    else:
        import gettext as _gettext

        _translations = _gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[found], fallback=True
        )
    _current = found
    return found


def percent(fraction: float | Decimal, *, least: int = 1, most: int = 1) -> str:
    """`fraction` (0.417) as a percentage in the language in use, in that language's own
    percent pattern (Babel's CLDR data, the same source the catalogs' tooling uses):
    `41.7%` in English and Italian, `41,7 %` (a no-break space) in Danish and Swedish.
    `least`: decimals always shown (0: `85%` for 0.85, `62.5%` for 0.625, as a band edge
    is written); `most`: decimals at most (4: `64.25%` for 0.6425, `3.33%` for 0.0333),
    rounded half to even. Pass a `Decimal` for a value that must show exactly. Every
    percentage the app and CLI show comes from here, so one screen never mixes `31 %`
    and `41,7%`."""
    from babel.numbers import format_percent

    lang = current_language()
    pattern = _percent_pattern(lang, least, max(most, least))
    return format_percent(fraction, format=pattern, locale=lang)


@functools.lru_cache(maxsize=64)
def _percent_pattern(lang: str, least: int, most: int) -> str:
    """`lang`'s CLDR percent pattern (`#,##0%`, `#,##0\u00a0%`) with `least` decimals
    always shown and up to `most`: `#,##0.0%` (1, 1), `#,##0.#%` (0, 1), `#,##0.0###%`
    (1, 4), `#,##0%` (0, 0)."""
    from babel import Locale

    base = Locale.parse(lang).percent_formats[None].pattern
    places = "." + "0" * least + "#" * (most - least) if most else ""
    # The integer part's last digit is the last `0` before the suffix (`%` and spacing):
    # the decimals go right after it, in each of the positive and negative subpatterns.
    return ";".join(
        re.sub(r"0(?=[^0#,.]*$)", "0" + places, part, count=1) for part in base.split(";")
    )


def decimal(value: float, places: int, *, least: int = 0) -> str:
    """`value` with at most `places` decimals and at least `least` (other trailing zeros
    dropped, no grouping) in the language in use: `2.35` in English, `2,35` in Danish,
    Italian and Swedish; `decimal(1.0, 4, least=1)` is `1.0` (a float stays one)."""
    from babel.numbers import format_decimal

    pattern = "0." + "0" * least + "#" * (places - least) if places else "0"
    return format_decimal(value, format=pattern, locale=current_language())
