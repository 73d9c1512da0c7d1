#!/usr/bin/env python3
"""Write the spreadsheet template for `ipstui import` (ipstui/data/import_template.xlsx).

Sheet `participants`: the header row in English with three fictional example rows for
the sample team (`ipstui demo`), one of them with day-first text dates; replace them
with the team's own. Sheet `help`: what each column holds and the headers recognised
in Italian, Danish and Swedish. `ipstui import --template FILE` copies it for a user.

    python3 tools/make_import_template.py
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Font  # noqa: E402

from ipstui.core.importer import HEADERS, REQUIRED  # noqa: E402

OUT = ROOT / "ipstui" / "data" / "import_template.xlsx"

COLUMNS = [
    ("Name", "name"),
    ("Specialist", "specialist"),
    ("Referral source", "referral_source"),
    ("Referred on", "referred_on"),
    ("Phase", "phase"),
    ("Enrolled on", "enrolled_on"),
    ("Disclosure", "disclosure"),
    ("Support mode", "support_mode"),
    ("Goals", "goals"),
    ("Strengths", "strengths"),
    ("Notes", "notes"),
]
EXAMPLES = [
    ["Example A.", "anna", "CSM", date(2026, 11, 2), "intake", None, None, None,
     "kitchen work; gardening", "punctual", ""],
    ["Example B.", "mette", "Self", date(2026, 10, 12), "engagement", "26/10/2026",
     "undecided", "direct", "retail", "", "Prefers phone calls."],
    ["Example C.", "Lars Lindqvist", "Social services", "05.10.2026", "Job search",
     date(2026, 10, 19), "no", "behind_the_scenes", "warehouse work", "reliable", ""],
]  # fmt: skip
DESCRIPTION = {
    "name": "display name or pseudonym (required)",
    "specialist": "a team key from caseload.toml, or the member's name (required)",
    "referral_source": "one of the team's referral_sources (required)",
    "referred_on": "date of the referral (required: deadlines and figures count from it)",
    "phase": "intake (default), engagement, assessment, plan, job_search, follow_up",
    "enrolled_on": "program entry",
    "disclosure": "yes, no or undecided",
    "support_mode": "direct or behind_the_scenes",
    "goals": "separated by ; or ,",
    "strengths": "separated by ; or ,",
    "notes": "free text",
}
LANGS = ("Italian", "Danish", "Swedish")


def build() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "participants"
    ws.append([h for h, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLES:
        ws.append(row)
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    for i, width in enumerate((18, 16, 18, 13, 13, 13, 12, 18, 26, 18, 30)):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"

    help_ = wb.create_sheet("help")
    help_.append(["column", "field", "what", "also recognised (Italian, Danish, Swedish and more)"])
    for cell in help_[1]:
        cell.font = Font(bold=True)
    for header, fieldname in COLUMNS:
        also = ", ".join(HEADERS[fieldname])
        req = " (required)" if fieldname in REQUIRED else ""
        help_.append(
            [
                header,
                fieldname,
                DESCRIPTION[fieldname] + ("" if req in DESCRIPTION[fieldname] else req),
                also,
            ]
        )
    help_.append([])
    help_.append(
        ["Dates", "", "date cells, 2026-11-30, 30/11/2026, 30.11.2026 or 30-11-2026 (day first)"]
    )
    help_.append(
        [
            "Other columns",
            "",
            "ipstui import --map MAP.toml names them; see docs/privacy.md and `ipstui import --help`",
        ]
    )
    help_.append(
        ["Examples", "", "the rows on the first sheet are fictional: replace them with your own"]
    )
    for col, width in zip("ABCD", (18, 26, 60, 90), strict=True):
        help_.column_dimensions[col].width = width
    fixed = datetime(2026, 11, 30)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "ipstui"
    return wb


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    build().save(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
