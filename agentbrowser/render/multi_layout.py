"""Lay a comparison of 3 to 6 agents out with rich: the fields table, the tools matrix and a
prompt paragraph beside who has it, for the N-way compare screen (kept apart from its widgets
and keys, as the two-way compare's layout is).

Every piece of file text goes through ``sanitize`` into a ``rich.text.Text`` (never markup).
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from agentbrowser.model.fields import canonical
from agentbrowser.model.multi import ALL, UNIQUE, MultiComparison, Part, letters, word_spans
from agentbrowser.model.records import Agent
from agentbrowser.model.serialize import value_line
from agentbrowser.model.text import hidden_runs, one_line, plural, sanitize, shorten_apart
from agentbrowser.render.pieces import hanging

#: How the words that only the shown agent uses stand out in its paragraphs.
OWN_WORD = "bold underline"
#: Width of the label column beside a paragraph (`A+B+C+D+E`, `≈ B+C+D+E`).
LABEL_WIDTH = 11


def value_cell(value: Any) -> str:
    """A field's value in one table cell: `—` when the agent lacks the key, a list of names
    joined by commas, anything else as the two-way compare writes it (compact JSON)."""
    if value is None:
        return "\u2014"
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return value_line(value, 200)


def _cell(value: Any) -> Text:
    """A value on one line; one that holds hidden text starts with ⚠, which no cut takes away
    (the text it hides is shown at its place, where a cut may well take it away)."""
    shown = Text(one_line(value_cell(value), 200))
    if hidden_runs(value if isinstance(value, str) else canonical(value)):
        return Text.assemble(("\u26a0 ", "bold red"), shown)
    return shown


def cell_width(count: int, width: int) -> int:
    """About how many cells one agent's column gets (the field column takes up to 16)."""
    return max(6, (width - 2 - 16 - 3 - 2 * count) // count)


def _label_width(comparison: MultiComparison) -> int:
    """The first column's width, one for the fields table and the tools matrix, folded or not:
    their agents' columns line up (up to 16 cells, where a long tool name is cut)."""
    labels = [row.field for row in comparison.fields] + [row.tool for row in comparison.tools]
    labels += ["(none listed)", plural(len(comparison.tools), "tool")]
    return min(16, max(cell_len(sanitize(label)) for label in labels))


def _header(first: str, comparison: MultiComparison) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=True, box=None, padding=(0, 1))
    width = _label_width(comparison)
    table.add_column(first, no_wrap=True, style="bold", width=width, overflow="ellipsis")
    table.add_column("", no_wrap=True, width=1)
    for letter in letters(len(comparison.names)):
        table.add_column(letter, no_wrap=True, overflow="ellipsis", ratio=1)
    return table


def fields_table(comparison: MultiComparison, width: int) -> Table:
    """Fields: one row per key, one column per agent; ≠ marks the rows that differ."""
    count = len(comparison.names)
    table = _header("field", comparison)
    for row in comparison.fields:
        if row.field == "name":
            # Names of variants share prefixes: cut them where they differ least, told apart.
            names = [one_line(value_cell(v), 200) for v in row.values]
            cells = [Text(name) for name in shorten_apart(names, cell_width(count, width))]
        elif row.field == "tools":  # no key: every tool, as the two-way compare says it
            cells = [
                Text("\u2014 every tool") if v is None and inherits else _cell(v)
                for v, inherits in zip(row.values, comparison.inherits)
            ]
        else:
            cells = [_cell(v) for v in row.values]
        mark = Text("\u2260", style="bold") if row.differs else Text(" ")
        table.add_row(Text(sanitize(row.field)), mark, *cells, style="" if row.differs else "dim")
    return table


def tools_table(comparison: MultiComparison) -> Table:
    """Tools: one row per tool, ✓ where an agent grants it, "all" where it inherits all."""
    table = _header("tool", comparison)
    if any(comparison.inherits):
        table.caption = "all: every tool allowed (no tools key, or one that turns none off)"
    if not comparison.tools:
        table.add_row(
            Text("(none listed)"),
            Text(" "),
            *[Text("all" if i else "none") for i in comparison.inherits],
        )
    for row in comparison.tools:
        cells = [
            Text("all" if inherits else "\u2713" if granted else "\u00b7")
            for granted, inherits in zip(row.granted, comparison.inherits)
        ]
        mark = Text("\u2260", style="bold") if row.differs else Text(" ")
        table.add_row(Text(sanitize(row.tool)), mark, *cells, style="" if row.differs else "dim")
    return table


def tools_summary(comparison: MultiComparison) -> Table:
    """The tools matrix folded to one row: how many of the tools listed each agent grants
    ("all" where it inherits every tool), for a screen too short for a row per tool."""
    table = _header("tool", comparison)
    rows = comparison.tools
    granted = [sum(1 for row in rows if row.granted[i]) for i in range(len(comparison.names))]
    cells = [
        Text("all" if inherits else f"{count} of {len(rows)}")
        for count, inherits in zip(granted, comparison.inherits)
    ]
    differing = sum(1 for row in rows if row.differs)
    mark = Text("\u2260", style="bold") if differing else Text(" ")
    table.add_row(Text(plural(len(rows), "tool")), mark, *cells, style="" if differing else "dim")
    table.caption = f"t: tool by tool ({differing} of {len(rows)} differ)"
    if any(comparison.inherits):
        table.caption += " \u00b7 all: every tool allowed"
    return table


def part_label(part: Part, member: int, count: int) -> Text:
    """Who has a paragraph: `all`, `A+D` or `only B`; below it `≈ D`, the holders that word it
    differently."""
    names = letters(count)
    if part.kind == ALL:
        label = Text("all")
    elif part.kind == UNIQUE:
        label = Text(f"only {names[member]}")
    else:
        label = Text("+".join(names[i] for i in part.holders))
    if part.reworded:
        label.append("\n\u2248 " + "+".join(names[i] for i in part.reworded), "dim")
    return label


def _beside_label(label: Text, content: RenderableType) -> Table:
    grid = Table(
        show_header=False, show_edge=False, box=box.MINIMAL, padding=(0, 1), pad_edge=False
    )
    grid.add_column(width=LABEL_WIDTH, justify="right", no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    grid.add_row(label, content)
    return grid


def description_part(agent: Agent) -> Table:
    """An agent's description whole beside the label `description`, as the detail pane shows
    it (literal \\n as line breaks, examples as blocks)."""
    from agentbrowser.render.agent import Palette, description

    return _beside_label(Text("description"), description(agent, Palette()))


def marked_paragraph(label: Text, text: str, own: frozenset[str] = frozenset()) -> Table:
    """A paragraph beside who has it, the words no other agent uses underlined: its wrapped
    lines stay right of the bar, so the label column reads down the whole prompt."""
    safe = sanitize(text)
    shown = Text(safe)
    if safe == text:  # where placeholders stand for hidden characters, nothing is underlined
        for start, end in word_spans(text, own):
            shown.stylize(OWN_WORD, start, end)
    return _beside_label(label, hanging(shown))
