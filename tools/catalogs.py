"""Update every catalog in one command (docs/translating.md):

    .venv/bin/python tools/catalogs.py      # extract -> update it/da/sv -> compile

1. `pybabel extract` (config: babel.cfg; keywords `_ N_ NP_ ngettext pgettext`) writes the
   template `ipstui/locale/ipstui.pot` with every marked string of the product;
2. `pybabel update` merges it into `ipstui/locale/<lang>/LC_MESSAGES/ipstui.po` for
   each language (a new language's `.po` is created with `pybabel init`);
3. `pybabel compile` writes the `.mo` beside each `.po` (committed, shipped in the
   wheel; tests/test_i18n.py checks they match the `.po`).

Babel is a development dependency (the `test` extra); at run time ipstui reads the
`.mo` files with the standard library's gettext only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "ipstui" / "locale"
POT = LOCALE / "ipstui.pot"
DOMAIN = "ipstui"
TRANSLATED = ("it", "da", "sv")  # i18n.LANGUAGES without the source language, English
KEYWORDS = ("_", "N_", "NP_:1c,2", "ngettext:1,2", "pgettext:1c,2")


def pybabel(*args: str) -> None:
    """Run `pybabel ARGS` from the repository root with this interpreter; raises
    CalledProcessError when it fails."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def extract() -> None:
    """Write the template from the sources (no line numbers: a moved line is no change)."""
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "--no-default-keywords",
        *keywords,
        "--no-location",
        "--sort-output",
        "--project=ipstui",
        "--copyright-holder=ipstui contributors",
        "-o",
        str(POT.relative_to(ROOT)),
        "ipstui",
    )


def update() -> None:
    """Merge the template into each language's `.po` (create a missing one)."""
    for lang in TRANSLATED:
        po = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            pybabel(
                "update",
                "-D",
                DOMAIN,
                "-i",
                str(POT),
                "-d",
                str(LOCALE),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-D", DOMAIN, "-i", str(POT), "-d", str(LOCALE), "-l", lang)


def compile_all() -> None:
    """Compile every `.po` to its `.mo` (untranslated messages fall back to English)."""
    pybabel("compile", "-D", DOMAIN, "-d", str(LOCALE), "--statistics")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    extract()
    update()
    compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
