"""Test catalogs that show which words went through gettext (tests/test_ui_language.py,
tests/test_whole_messages.py)."""

from __future__ import annotations

import gettext


class Marked(gettext.NullTranslations):
    """Every message comes back as «message» (plural and context forms too): what went
    through gettext is visible, and a message built from pieces shows several marks."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"«{msgid1 if n == 1 else msgid2}»"

    def pgettext(self, context: str, message: str) -> str:
        return f"«{message}»"
