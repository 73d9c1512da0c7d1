#!/usr/bin/env python3
"""Put two results files of `run.py` side by side: before and after, figure by figure.

    python bench/compare.py bench/out/before.md bench/out/after.md

Rows are matched on (figure, N); each side keeps its own floor or peer and ratio, as
measured in its own run (floors are only comparable within one run)."""

from __future__ import annotations

import sys
from pathlib import Path

HEAD = "| figure | N | before | floor | ratio | after | floor | ratio | target | met? |"


def rows(path: Path) -> dict[tuple[str, str], list[str]]:
    """(figure, N) -> [median, floor, ratio, target, met] from a results table."""
    out: dict[tuple[str, str], list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or cells[0] in ("figure", "") or cells[0].startswith("---"):
            continue
        out[(cells[0], cells[1])] = cells[2:7]
    return out


def compare(before: Path, after: Path) -> str:
    """The markdown table; rows only one side has show "—" on the other."""
    b, a = rows(before), rows(after)
    keys = list(dict.fromkeys([*a, *b]))
    lines = [HEAD, "|---|--:|--:|--:|--:|--:|--:|--:|---|---|"]
    for key in keys:
        bm, bf, br = (b.get(key) or ["—"] * 5)[:3]
        am, af, ar, target, met = a.get(key) or ["—"] * 5
        lines.append(
            f"| {key[0]} | {key[1]} | {bm} | {bf} | {br} | {am} | {af} | {ar} | {target} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(compare(Path(argv[0]), Path(argv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
