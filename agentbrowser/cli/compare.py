"""The `diff` and `similar` commands: print what agentbrowser.model.compare computed.

This is UI: it may use rich. Every piece of file text goes through ``sanitize`` into a
``rich.text.Text`` (never parsed as markup), and colour is written only to a terminal.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from agentbrowser.cli.names import display_path, not_found, several
from agentbrowser.loading.collection import find, load_collection
from agentbrowser.model.compare import (
    CHANGED,
    DELETE,
    EQUAL,
    INSERT,
    ONLY_A,
    ONLY_B,
    REPLACE,
    SAME,
    Comparison,
    Hunk,
    Row,
    SimilarityIndex,
    compare,
    percent,
    unified_hunks,
)
from agentbrowser.model.multi import UNIQUE, MultiComparison, letters
from agentbrowser.model.parse import parse_file
from agentbrowser.model.records import ERROR, Agent
from agentbrowser.model.serialize import dumps, value_line
from agentbrowser.model.similar import alike
from agentbrowser.model.text import inline, one_line, plural, sanitize

#: Narrower consoles get a unified diff: two columns of text would be too cramped to read.
SIDE_BY_SIDE_MIN_WIDTH = 100
#: Unchanged lines kept around each change, as in a unified diff.
CONTEXT = 3
#: Characters of a field's value shown in the field table.
FIELD_WIDTH = 60

_STATUS_MARK = {SAME: "=", CHANGED: "≠", ONLY_A: "A", ONLY_B: "B"}
_STATUS_STYLE = {SAME: "dim", CHANGED: "yellow", ONLY_A: "red", ONLY_B: "green"}


# --------------------------------------------------------------------------------------------
# Looking agents up


def _error(message: str) -> None:
    print(f"agentbrowser: error: {message}", file=sys.stderr)


def named_collection(paths: list[str], names: Sequence[str], use_cache: bool = True) -> list[Agent]:
    """The agents names are looked up in: the PATHS, or the project, user and plugin agents
    with the bundled samples after them when a name is one of theirs alone. The samples stand
    in for an empty collection; once a user has agents of their own, they can still be named
    (a note says so), by every command alike."""
    agents = load_collection(paths or None, use_cache=use_cache)
    wanted = [n for n in names if not find(agents, n) and not is_a_file(n)]
    if paths or not wanted:
        return agents
    from agentbrowser.loading.collection import load
    from agentbrowser.model.discovery import bundled_sources

    have = {agent.path for agent in agents}
    samples = [s for s in load(bundled_sources(), use_cache=use_cache) if s.path not in have]
    named = {sample.path: sample for name in wanted for sample in find(samples, name)}
    if not all(find(list(named.values()), name) for name in wanted):
        return [*agents, *samples]  # a name found nowhere: its error offers the samples' names
    for name in wanted:
        print(f"agentbrowser: note: {sanitize(name)!r} is a bundled sample", file=sys.stderr)
    # Only the samples named: the others would make a name the user's own agents hold
    # ambiguous (`diff code-reviewer debugger` with a code-reviewer of their own).
    return [*agents, *named.values()]


def _missing(agents: list[Agent], names: Sequence[str]) -> bool:
    """Say the first name that neither names an agent nor is a file (as _lookup says it), before
    any note on the others: True when there is one."""
    for number, name in enumerate(names):
        if not find(agents, name) and not is_a_file(name):
            _error(not_found(agents, name, " (nor a file or folder)" if number >= 2 else ""))
            return True
    return False


def _lookup(agents: list[Agent], name: str) -> Agent | None:
    """The agent a name (or path) means; a note on stderr when several match, None (and the
    error) when none."""
    matches = find(agents, name)
    if not matches and is_a_file(name):
        # A file outside the collection (`agentbrowser diff ./draft.md my-agent`) is fine too.
        matches = [parse_file(os.path.abspath(name))]
    if not matches:
        _error(not_found(agents, name))
        return None
    if len(matches) > 1:
        print(f"agentbrowser: note: {several(name, matches)}", file=sys.stderr)
    unread = not_read(matches[0])
    if unread is not None:  # (two such files would compare as alike: both empty)
        print(
            f"agentbrowser: note: {sanitize(name)!r} was not read ({inline(unread)}): "
            "it compares as empty",
            file=sys.stderr,
        )
    return matches[0]


def is_a_file(name: str) -> bool:
    """Whether a name is a path to something other than a folder: a file, a FIFO, a broken
    link (its record says what it is)."""
    return os.path.lexists(name) and not os.path.isdir(name)


#: How the problems of a file that could not be read at all begin (model/text.read_text).
_NOT_READ = (
    "skipped:", "cannot read", "broken symlink", "symlink loop", "file not found", "binary file"
)  # fmt: skip


def not_read(agent: Agent) -> str | None:
    """Why an agent's file was not read at all, or None when it was."""
    for problem in agent.problems:
        if problem.severity == ERROR and problem.message.startswith(_NOT_READ):
            return problem.message
    return None


def _console(out: IO[str], width: int | None) -> Console:
    """A console that never reads markup or emoji and colours only a terminal."""
    return Console(file=out, width=width, markup=False, emoji=False, highlight=False)


def _dump(data: Any, out: IO[str]) -> None:
    out.write(dumps(data) + "\n")


# --------------------------------------------------------------------------------------------
# diff


def run_diff(
    args_a: str,
    args_b: str,
    paths: list[str],
    as_json: bool,
    unified: bool,
    out: IO[str],
    width: int | None = None,
    use_cache: bool = True,
) -> int:
    """`agentbrowser diff A B`: 0 when shown, 2 when an agent is not found.

    ``width`` overrides the console's width (tests); by default rich asks the terminal.
    """
    agents = named_collection(paths, [args_a, args_b], use_cache)
    if _missing(agents, [args_a, args_b]):
        return 2
    a, b = _lookup(agents, args_a), _lookup(agents, args_b)
    if a is None or b is None:
        return 2
    if as_json:
        _dump(compare(a, b).to_json(), out)
        return 0
    print_comparison(a, b, out, unified, width)
    return 0


def run_diff_many(
    names: list[str],
    paths: list[str],
    as_json: bool,
    out: IO[str],
    width: int | None = None,
    use_cache: bool = True,
) -> int:
    """`agentbrowser diff A B C ...`: 3 to 6 agents at once; 0 when shown, 2 when one is not
    found."""
    from agentbrowser.model.multi import compare_many

    agents = named_collection(paths, names, use_cache)
    if _missing(agents, names):
        return 2
    # (A and B may be files; a later word that were one would have started the PATHs.)
    found = [_lookup(agents, name) for name in names]  # each found: only notes now
    chosen = [agent for agent in found if agent is not None]
    if len(chosen) < len(names):
        return 2
    seen: dict[str, str] = {}
    for name, agent in zip(names, chosen):
        if agent.path in seen:
            _error(
                f"'{sanitize(seen[agent.path])}' and '{sanitize(name)}' are the same agent ({sanitize(agent.path)})"
            )
            return 2
        seen[agent.path] = name
    comparison = compare_many(chosen)
    if as_json:
        _dump(comparison.to_json(), out)
        return 0
    console = _console(out, width)
    pieces = list(_many_report(comparison, console.width, not console.is_terminal))
    if console.is_terminal:
        for piece in pieces:
            console.print(piece)
        return 0
    with console.capture() as captured:
        for piece in pieces:
            console.print(piece, soft_wrap=isinstance(piece, Text))
    out.writelines(line.rstrip() + "\n" for line in captured.get().splitlines())
    return 0


def _field_lines(comparison: MultiComparison, names: Sequence[str]) -> Iterator[Text]:
    """The fields as lines, for a pipe: a field all agents hold alike on one line, one that
    differs with each agent's value whole on a line of its own (a table cut them to 80 columns).
    """

    def whole(value: Any, inherits: bool, field: str) -> str:
        if value is None:
            return "\u2014 every tool" if field == "tools" and inherits else "\u2014"
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return _long_line(", ".join(value))
        # (a list or map as compact JSON, all of it: _long_line bounds it)
        return _long_line(value if isinstance(value, str) else value_line(value, sys.maxsize))

    for row in comparison.fields:
        values = [whole(v, i, row.field) for v, i in zip(row.values, comparison.inherits)]
        if not row.differs:
            yield Text(f"  {sanitize(row.field)}: {values[0]}", style="dim")
            continue
        yield Text(f"\u2260 {sanitize(row.field)}")
        for letter, value in zip(names, values):
            yield Text(f"    {letter}  {value}")


#: A field's value into a pipe holds this many characters at most; a longer one says how many
#: it leaves out (a hostile value is bounded, a real description of a few thousand is whole).
FIELD_CHARS = 20_000


def _long_line(text: str) -> str:
    """``text`` on one sanitised line, whole up to FIELD_CHARS, then the count left out."""
    line = " ".join(text[: FIELD_CHARS * 4 + 1].replace("\\n", " ").split())
    if len(line) <= FIELD_CHARS:
        return sanitize(line)
    rest = len(" ".join(text.replace("\\n", " ").split())) - FIELD_CHARS
    return sanitize(line[:FIELD_CHARS]) + f"\u2026 ({rest:,} more characters)"


#: Words listed per agent under "words only it uses".
ONLY_WORDS_SHOWN = 40


def _many_report(comparison: MultiComparison, width: int, plain: bool) -> Iterator[RenderableType]:
    """Who is who, the fields, the tools, then each agent's paragraphs no other has (``plain``:
    into a pipe or a file, each paragraph's lines as they are, indented, never wrapped)."""
    from agentbrowser.render.multi_layout import (
        fields_table,
        marked_paragraph,
        tools_table,
    )

    names = letters(len(comparison.names))
    for letter, name, path in zip(names, comparison.names, comparison.paths):
        yield Text.assemble((f"{letter}  ", "bold"), sanitize(name), "  ", (sanitize(path), "dim"))
    yield Text("\nfields (\u2260: differ)", style="bold")
    if plain:  # into a pipe or a file: every value whole, one line an agent
        yield from _field_lines(comparison, names)
    else:
        yield fields_table(comparison, width)
    yield Text("\ntools", style="bold")
    yield tools_table(comparison)
    for member, letter in enumerate(names):
        parts = comparison.prompts[member]
        reworded = sum(1 for p in parts if p.reworded and p.kind != UNIQUE)
        yield Text.assemble(
            (f"\nonly {letter} ", "bold"),
            (sanitize(comparison.names[member]), "bold"),
            f": {plural(comparison.unique_count(member), 'paragraph')} of {len(parts)} no other "
            "agent has"
            + (
                f"; {plural(reworded, 'shared paragraph')} worded otherwise by another (\u2248)"
                if reworded
                else ""
            ),
        )
        for part in parts:
            if part.kind != UNIQUE:
                continue
            if plain:
                lines = sanitize(part.text).splitlines()
                yield Text(f"  line {part.line}:\n" + "\n".join("    " + line for line in lines))
            else:
                own = comparison.only_words[member]
                yield marked_paragraph(Text(f"line {part.line}"), part.text, own)
        words = sorted(comparison.only_words[member])
        if words:
            shown = ", ".join(words[:ONLY_WORDS_SHOWN])
            more = (
                f" and {len(words) - ONLY_WORDS_SHOWN} more"
                if len(words) > ONLY_WORDS_SHOWN
                else ""
            )
            yield Text(f"  words no other agent uses: {sanitize(shown)}{more}", style="dim")


def print_comparison(
    a: Agent,
    b: Agent,
    out: IO[str],
    unified: bool = False,
    width: int | None = None,
    where: tuple[str, str] | None = None,
) -> None:
    """The comparison `agentbrowser diff` prints, for two records (install shows a clash so).
    ``where``: what the header says of each side instead of its path."""
    result = compare(a, b)
    if where is not None:
        result = dataclasses.replace(
            result,
            a=dataclasses.replace(result.a, path=where[0]),
            b=dataclasses.replace(result.b, path=where[1]),
        )
    console = _console(out, width)
    if unified:
        # Only the diff, so it can be piped or saved; sanitised, as it is meant to be read.
        for line in _unified_lines(result):
            console.print(line, soft_wrap=True)
        return
    side_by_side = console.width >= SIDE_BY_SIDE_MIN_WIDTH
    # Into a pipe or a file, text is not wrapped at the console's 80 columns: a unified diff's
    # lines keep their -/+ prefix whole, and a long path stays one line.
    if console.is_terminal:
        for renderable in _report(result, a, b, side_by_side, hang=True):
            console.print(renderable)
        return
    with console.capture() as captured:  # and no padding at the ends of lines
        for renderable in _report(result, a, b, side_by_side, hang=False):
            console.print(renderable, soft_wrap=not isinstance(renderable, Table))
    out.writelines(line.rstrip() + "\n" for line in captured.get().splitlines())


def _report(
    result: Comparison, a: Agent, b: Agent, side_by_side: bool, hang: bool
) -> Iterator[RenderableType]:
    """Header, fields, tools, then description and prompt. ``hang``: a unified diff's lines
    wrap under their text, their `-`/`+` column kept clear (in a terminal; into a pipe they
    are not wrapped)."""
    yield _header(result)
    yield _fields_table(result)
    yield _tools(result)
    for title, hunks in (("description", result.description), ("prompt", result.prompt)):
        yield Text(f"\n{title}", style="bold")
        if all(h.tag == EQUAL for h in hunks):
            yield Text("  (identical)" if hunks else "  (empty on both sides)", style="dim")
        elif side_by_side:
            yield _side_by_side(hunks)
        else:
            lines = _unified_text(hunks, f"a/{a.name}/{title}", f"b/{b.name}/{title}")
            yield _hanging_diff(lines) if hang else Group(*lines)


def _header(result: Comparison) -> RenderableType:
    scores = result.scores
    lines = [
        Text.assemble(
            ("A  ", "bold red"), sanitize(result.a.name), "  ", (sanitize(result.a.path), "dim")
        ),
        Text.assemble(
            ("B  ", "bold green"), sanitize(result.b.name), "  ", (sanitize(result.b.path), "dim")
        ),
        Text.assemble(
            ("similarity ", "bold"),
            (f"{percent(result.similarity)}", "bold"),
            f"  (prompt {percent(scores.prompt)}, description {percent(scores.description)},"
            f" tools {percent(scores.tools)}, other fields {percent(scores.fields)}"
            f"{_not_counted(result)})",
            f"  {plural(result.changed_lines, 'changed line')},"
            f" {plural(result.changed_words, 'changed word')}",
        ),
    ]
    return Group(*lines)


def _not_counted(result: Comparison) -> str:
    """At 100 %, what differs all the same and is not counted (`; name not counted`)."""
    if result.similarity < 1.0 or not result.not_counted:
        return ""
    return f"; {' and '.join(result.not_counted)} not counted"


def _value(value: Any) -> str:
    """A field's value on one line; rich cuts it to the column with an ellipsis."""
    return value_line(value, FIELD_WIDTH * 2)


def _fields_table(result: Comparison) -> Table:
    # Fixed widths for the mark and the key, so a narrow console squeezes only the values.
    key_width = min(max((len(f.field) for f in result.fields), default=5), 24)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("", width=1, no_wrap=True)
    table.add_column("field", width=key_width, no_wrap=True, overflow="ellipsis")
    table.add_column("A", ratio=1, max_width=FIELD_WIDTH, no_wrap=True, overflow="ellipsis")
    table.add_column("B", ratio=1, max_width=FIELD_WIDTH, no_wrap=True, overflow="ellipsis")
    inherits = (result.tools.a_inherits, result.tools.b_inherits)
    for row in result.fields:
        style = _STATUS_STYLE[row.status]
        # No tools key is no limit: say so where the other side lists its tools.
        a, b = (
            Text("(no key: every tool)", style="dim")
            if row.field == "tools" and side and value is None
            else Text(_value(value))
            for side, value in zip(inherits, (row.a, row.b))
        )
        mark = Text(_STATUS_MARK[row.status], style=style)
        table.add_row(mark, Text(sanitize(row.field), style=style), a, b)
    return table


def _tools(result: Comparison) -> RenderableType:
    tools = result.tools

    def listed(items: Iterable[str], inherits: bool = False) -> str:
        names = ", ".join(sanitize(t) for t in items)
        if inherits:
            return "all tools (inherited)" + (f", so also {names}" if names else "")
        return names or "-"

    if tools.a_inherits or tools.b_inherits:
        a_text = listed(() if tools.a_inherits else tools.both, tools.a_inherits)
        b_text = listed(() if tools.b_inherits else tools.both, tools.b_inherits)
        lines = [
            Text.assemble(("tools A  ", "bold red"), a_text),
            Text.assemble(("tools B  ", "bold green"), b_text),
        ]
    else:
        lines = [
            Text.assemble(("only A   ", "bold red"), listed(tools.only_a)),
            Text.assemble(("only B   ", "bold green"), listed(tools.only_b)),
            Text.assemble(("both     ", "bold"), listed(tools.both)),
        ]
    return Group(Text("\ntools", style="bold"), *lines)


def _styled(text: str, spans: tuple[tuple[int, int], ...], base: str, changed: str) -> Text:
    """A line with its changed spans styled; each piece sanitised on its own so spans stay put."""
    out = Text(style=base)
    position = 0
    for start, end in spans:
        out.append(sanitize(text[position:start]))
        out.append(sanitize(text[start:end]), style=changed)
        position = end
    out.append(sanitize(text[position:]))
    out.expand_tabs(4)
    return out


def _cells(row: Row) -> tuple[Text, Text, Text, Text]:
    if row.kind == REPLACE:
        # Only a replaced line highlights words: a whole added or removed line is just coloured.
        a = _styled(row.a_text or "", row.a_spans, "red", "bold reverse red")
        b = _styled(row.b_text or "", row.b_spans, "green", "bold reverse green")
    else:
        a = Text(sanitize(row.a_text or ""), style="red" if row.kind == DELETE else "")
        b = Text(sanitize(row.b_text or ""), style="green" if row.kind == INSERT else "")
        a.expand_tabs(4)
        b.expand_tabs(4)
    a_no = Text(str(row.a_line_no) if row.a_line_no else "", style="dim")
    b_no = Text(str(row.b_line_no) if row.b_line_no else "", style="dim")
    return a_no, a, b_no, b


def _visible_rows(hunks: tuple[Hunk, ...], context: int) -> Iterator[Row | int]:
    """Rows near changes; an int stands for that many unchanged rows left out."""
    last = len(hunks) - 1
    for index, hunk in enumerate(hunks):
        if hunk.tag != EQUAL:
            yield from hunk.rows
            continue
        rows = hunk.rows
        head = rows[:context] if index > 0 else ()
        tail = rows[-context:] if index < last and context else ()
        if len(rows) <= len(head) + len(tail):
            yield from rows
            continue
        yield from head
        yield len(rows) - len(head) - len(tail)
        yield from tail


def _side_by_side(hunks: tuple[Hunk, ...]) -> Table:
    table = Table(show_header=False, show_edge=False, pad_edge=False, box=None, expand=True)
    table.add_column(justify="right", no_wrap=True, style="dim")
    table.add_column(ratio=1, overflow="fold")
    table.add_column(justify="right", no_wrap=True, style="dim")
    table.add_column(ratio=1, overflow="fold")
    for item in _visible_rows(hunks, CONTEXT):
        if isinstance(item, int):
            gap = Text(f"⋯ {plural(item, 'unchanged line')}", style="dim")
            table.add_row(Text(""), gap, Text(""), Text(""))
        else:
            table.add_row(*_cells(item))
    return table


def _unified_text(hunks: tuple[Hunk, ...], label_a: str, label_b: str) -> list[Text]:
    lines = []
    for line in unified_hunks(hunks, label_a, label_b, CONTEXT):
        style = ""
        if line.startswith(("---", "+++")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("+"):
            style = "green"
        text = Text(sanitize(line), style=style)
        text.expand_tabs(4)
        lines.append(text)
    return lines


def _hanging_diff(lines: list[Text]) -> RenderableType:
    """A unified diff whose long lines wrap under their own text: each `-`, `+` or context
    line a row of a grid whose first column is the marker's; the headers stay whole lines."""
    rows: list[RenderableType] = []
    grid: Table | None = None
    for line in lines:
        if line.plain.startswith(("---", "+++", "@@")) or not line.plain:
            rows.append(line)
            grid = None
            continue
        if grid is None:
            grid = Table.grid()
            grid.add_column(width=1, no_wrap=True)
            grid.add_column(ratio=1)
            rows.append(grid)
        grid.add_row(line[:1], line[1:])
    return Group(*rows)


def _unified_lines(result: Comparison) -> list[Text]:
    lines: list[Text] = []
    for title in ("description", "prompt"):
        hunks = getattr(result, title)
        lines += _unified_text(hunks, f"a/{result.a.name}/{title}", f"b/{result.b.name}/{title}")
    return lines


# --------------------------------------------------------------------------------------------
# similar


def run_similar(
    name: str,
    paths: list[str],
    as_json: bool,
    limit: int,
    out: IO[str],
    use_cache: bool = True,
) -> int:
    """`agentbrowser similar NAME`: the agents most like it, best first; 2 when not found."""
    agents = named_collection(paths, [name], use_cache)
    target = _lookup(agents, name)
    if target is None:
        return 2
    found = alike(SimilarityIndex(agents).query(target, limit))
    if as_json:
        _dump([{"name": a.name, "path": a.path, "similarity": score} for a, score in found], out)
        return 0
    print_ranking(
        target, found, "by text similarity (shared wording); --by role: the same job", out
    )
    if not found:
        others = any(agent.path != target.path for agent in agents)
        what = "no other agent shares its wording" if others else "no other agents to compare with"
        out.write(f"{what}: {sanitize(target.name)}\n")
    return 0


def print_ranking(
    target: Agent, found: list[tuple[Agent, float]], measure: str, out: IO[str]
) -> None:
    """`similar`'s ranking, whatever the measure: the target, the measure, then one plain
    aligned line per agent (name, similarity, path: relative below here, as `list` and the
    notes write paths)."""
    out.write(f"like {inline(target.name)}  {display_path(target.path)}\n{measure}\n")
    if not found:
        return
    from agentbrowser.cli.table import WHOLE, aligned, terminal_width

    rows = [["", "", ""]] + [  # (no header line: an empty one, left out below)
        [
            one_line(agent.name, WHOLE, ellipsis=True),
            percent(score).rjust(6),
            display_path(agent.path),
        ]
        for agent, score in found
    ]
    width = terminal_width(out)
    lines = aligned(rows, width - 2 if width else None, shrink=(2,))
    out.writelines(f"  {line}\n" for line in lines[1:])
