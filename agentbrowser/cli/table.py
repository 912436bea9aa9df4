"""Plain aligned tables (`list`, `groups`): two spaces between columns, every cell whole in a
pipe (easy to grep); in a terminal, as wide as the terminal: the least needed columns are left
out, then the other columns give way, the names last, and on a very narrow terminal every
column does."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import IO

from rich.cells import cell_len

from agentbrowser.model.text import shorten_apart

#: A column that gives way keeps at least this many cells.
NARROWEST = 8
#: Names longer than this give way first: one very long name does not cut every row's
#: problems or tools (a name of 500 characters took 118 columns at 160).
LONG_NAME = 48
#: On a very narrow terminal, every column keeps at least this many.
LEAST = 3
#: A cell holds this many characters at most (a hostile value is cut even in a pipe).
WHOLE = 1_000


def terminal_width(out: IO[str]) -> int | None:
    """The terminal's width when `out` is one; None for a pipe or a file (whole lines)."""
    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns


def _cut(text: str, width: int) -> str:
    """Text in at most `width` cells (a wide character takes two), ending in `…` when cut."""
    if cell_len(text) <= width:
        return text
    kept, used = [], 1
    for char in text:
        used += cell_len(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + "\u2026"


def aligned(
    rows: Sequence[Sequence[str]],
    width: int | None = None,
    shrink: Sequence[int] = (),
    drop: Sequence[int] = (),
    names: int = 0,
) -> list[str]:
    """The rows (a header first) as aligned lines, whole; with `width`, fitted to it: names
    over LONG_NAME cells give way to it, then the columns in `drop` are left out in that
    order, then the columns in `shrink` (widest first, down to NARROWEST cells), then the names
    (down to NARROWEST), then every column (down to LEAST). A cut cell ends in `…`; names are cut in the middle,
    where they differ least, so that variants stay told apart."""
    count = len(rows[0])
    widths = [max(cell_len(row[i]) for row in rows) for i in range(count)]
    kept = list(range(count))

    def excess() -> int:
        return sum(widths[i] for i in kept) + 2 * (len(kept) - 1) - (width or 0)

    def give_way(columns: Sequence[int], least: int) -> None:
        while excess() > 0 and (wide := [i for i in columns if widths[i] > least]):
            widths[max(wide, key=lambda i: (widths[i], -i))] -= 1

    if width is not None:
        give_way([names], LONG_NAME)
        for column in drop:
            if excess() <= 0:
                break
            kept.remove(column)
        give_way(shrink, NARROWEST)
        give_way([names], NARROWEST)
        give_way(kept, LEAST)
    columns = {i: [row[i] for row in rows] for i in kept}
    for i, column in columns.items():
        if i == names and max(map(cell_len, column[1:]), default=0) > widths[i]:
            column[1:] = shorten_apart(column[1:], widths[i])
        column[:] = [_cut(cell, widths[i]) for cell in column]
    return [
        "  ".join(cell + " " * (widths[i] - cell_len(cell)) for i, cell in zip(kept, line)).rstrip()
        for line in zip(*columns.values())
    ]
