"""What a name may hold (participants, employers, team members): no invisible
characters, one Unicode spelling.

A name is how people find a person or an employer and tell two apart, so two names that
look the same must be the same text. Two things break that:

- **invisible characters**: format characters (Unicode category Cf: zero width space
  U+200B, word joiner U+2060, byte order mark U+FEFF, soft hyphen U+00AD, left-to-right
  and right-to-left marks U+200E/U+200F, the bidirectional controls, ...) and the few
  letters that draw nothing (Hangul fillers U+115F, U+1160, U+3164, U+FFA0, combining
  grapheme joiner U+034F, Khmer U+17B4/U+17B5). `Zero`+U+200B+`Width` and `ZeroWidth`
  would be two people. They are refused, except where writing needs them:
  the zero width joiner U+200D (emoji sequences such as 👩‍🔧, Indic conjuncts) and the
  zero width non-joiner U+200C (Persian, Indic) between two visible characters, unless
  both sides are Latin, Greek or Cyrillic letters or ASCII (scripts that never need a
  joiner: `Mo`+U+200D+`hammad` would look exactly like `Mohammad`; a combining mark
  counts as the letter it sits on), a
  variation selector (U+FE00–U+FE0F, U+E0100–U+E01EF) right after a visible character
  (❤️), and tag characters (U+E0020–U+E007F) in an emoji tag sequence after U+1F3F4
  (the flags of Scotland, Wales, England);
- **two spellings of one letter**: `é` as one code point or as `e` + U+0301. Every
  name written by ipstui is put in Unicode normal form NFC (Unicode Standard Annex
  #15), which keeps CJK, emoji and every script as typed (NFKC would not: it turns
  full-width letters and ligatures into others).

Every write path applies the rule (the save transaction for the CLI and the app's forms,
the import before anything is written); `validate` warns about names already on disk.
"""

from __future__ import annotations

import unicodedata

_INVISIBLE_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_JOINERS = frozenset("\u200c\u200d")
_BLACK_FLAG = "\U0001f3f4"


def _is_selector(c: str) -> bool:
    o = ord(c)
    return 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF


def _is_tag(c: str) -> bool:
    return 0xE0020 <= ord(c) <= 0xE007F


def _visible(c: str) -> bool:
    """Draws something: not a space, not a format character, not an invisible letter."""
    return not (
        c.isspace()
        or unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp")
        or c in _INVISIBLE_LETTERS
        or _is_selector(c)
    )


_NEVER_JOINED = ("LATIN ", "GREEK ", "CYRILLIC ")


def _never_joins(name: str, i: int, step: int) -> bool:
    """The visible character next to index `i` (`step` -1: before it, over combining
    marks to their letter; +1: after it) is ASCII or a Latin, Greek or Cyrillic letter,
    which no joiner changes (Unicode chapter 23.2: the joiners act on cursive scripts,
    conjuncts and emoji sequences)."""
    j = i + step
    while 0 <= j < len(name) and unicodedata.category(name[j]) in ("Mn", "Me"):
        if step > 0:
            return False  # a mark right after a joiner: leave it to the other rules
        j += step
    if not 0 <= j < len(name):
        return False
    c = name[j]
    return c.isascii() or unicodedata.name(c, "").startswith(_NEVER_JOINED)


def invisible_at(name: str) -> int | None:
    """The index of the first character `name` may not hold (module docstring), or None."""
    if name.isascii():
        return None  # no format character (the control characters are refused elsewhere)
    n = len(name)
    for i, c in enumerate(name):
        if c in _INVISIBLE_LETTERS:
            return i
        if _is_selector(c):
            if i == 0 or not _visible(name[i - 1]):
                return i
            continue
        if unicodedata.category(c) != "Cf":
            continue
        if c in _JOINERS:
            if 0 < i < n - 1 and _never_joins(name, i, -1) and _never_joins(name, i, 1):
                return i  # a look-alike: Latin, Greek, Cyrillic never need a joiner
            if (
                0 < i < n - 1
                and _visible(name[i - 1])
                and (_visible(name[i + 1]) or _is_selector(name[i + 1]))
            ):
                continue
            if 0 < i < n - 1 and _is_selector(name[i - 1]) and _visible(name[i + 1]):
                continue  # ❤️‍🔥: heart, selector, joiner, fire
            return i
        if _is_tag(c):
            j = i
            while j > 0 and _is_tag(name[j - 1]):
                j -= 1
            if j > 0 and name[j - 1] == _BLACK_FLAG:
                continue
            return i
        return i
    return None


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a name (one sentence naming the character), or None."""
    i = invisible_at(name)
    if i is None:
        return None
    from ipstui.core.i18n import _

    c = name[i]
    return _(
        "holds the invisible character U+{code} ({char_name}); names may not hold invisible characters, so that two names that look the same are the same name"
    ).format(code=f"{ord(c):04X}", char_name=unicodedata.name(c, "unnamed"))


def normal(name: str) -> str:
    """`name` in Unicode normal form NFC (how ipstui writes every name)."""
    return unicodedata.normalize("NFC", name)


def is_normal(name: str) -> bool:
    """True when `name` is already in NFC."""
    return unicodedata.is_normalized("NFC", name)
