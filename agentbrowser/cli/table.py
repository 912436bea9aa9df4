"""Plain aligned tables (`list`, `groups`): two spaces between columns, easy to grep in a pipe;
in a terminal, as wide as the terminal: long names, then other columns give way, then the
least needed columns are left out, and the names give way last."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import IO

from agentbrowser.model.text import shorten_apart

#: A column that gives way keeps at least this many cells.
NARROWEST = 8
#: Names keep this many cells before a column is left out for them.
NAME_CELLS = 24


def terminal_width(out: IO[str]) -> int | None:
    """The terminal's width when `out` is one; None for a pipe or a file (whole lines)."""
    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns


def aligned(
    rows: Sequence[Sequence[str]],
    width: int | None = None,
    shrink: Sequence[int] = (),
    drop: Sequence[int] = (),
    names: int = 0,
) -> list[str]:
    """The rows (a header first) as aligned lines, whole; with `width`, fitted to it: the names
    give way down to NAME_CELLS, then the columns in `shrink` (widest first, down to NARROWEST
    cells), then the columns in `drop` are left out in that order, then the names give way to
    NARROWEST. A cut cell ends in `…`; names are cut in the middle, where they differ
    least, so that variants stay told apart."""
    count = len(rows[0])
    widths = [max(len(row[i]) for row in rows) for i in range(count)]
    kept = list(range(count))

    def excess() -> int:
        return sum(widths[i] for i in kept) + 2 * (len(kept) - 1) - (width or 0)

    if width is not None:
        widths[names] -= max(0, min(excess(), widths[names] - NAME_CELLS))
        while excess() > 0 and (wide := [i for i in shrink if widths[i] > NARROWEST]):
            widths[max(wide, key=lambda i: (widths[i], -i))] -= 1
        for column in drop:
            if excess() <= 0:
                break
            kept.remove(column)
        widths[names] -= max(0, min(excess(), widths[names] - NARROWEST))
    lines = []
    columns = {i: [row[i] for row in rows] for i in kept}
    for i, column in columns.items():
        if max(map(len, column)) <= widths[i]:
            continue
        if i == names:
            column[1:] = shorten_apart(column[1:], widths[i])
        column[:] = [c if len(c) <= widths[i] else c[: widths[i] - 1] + "\u2026" for c in column]
    for number in range(len(rows)):
        cells = [columns[i][number].ljust(widths[i]) for i in kept]
        lines.append("  ".join(cells).rstrip())
    return lines
