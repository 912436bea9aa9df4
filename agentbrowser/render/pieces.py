"""An agent cut into rich renderables that can be rendered one after the other, in a thread.

The detail pane renders these off the event loop and shows each piece as soon as it is ready:
the header and description of a 1 MB agent appear at once, and the prompt follows in chunks.
Nothing here touches Textual, so it can run in any thread.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from agentbrowser.model.records import ERROR, Agent, with_body
from agentbrowser.model.text import inline, read_text, sanitize
from agentbrowser.render import agent as render

#: Prompts up to this size render as one markdown document; longer ones in chunks this big
#: (rich renders markdown at ~4.6 ms a KB: a chunk holds the thread ~20 ms, and a render that
#: is no longer wanted stops at the next chunk).
CHUNK = 4_000
#: The first chunk of a long prompt is smaller, so that its start shows at once (~5 ms): about
#: what the pane shows below the header.
FIRST_CHUNK = 1_200
#: Plain text past the markdown cap renders in pieces of about this many characters (~1 ms a KB).
PLAIN_CHUNK = 16_000
#: Raw files render this many lines a piece.
RAW_LINES = 400

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def display_path(path: str, cwd: str | None = None, home: str | None = None) -> str:
    """A path as a user would type it: relative under the current folder, else with ~."""
    cwd = cwd or os.getcwd()
    home = home or os.path.expanduser("~")
    try:
        if os.path.commonpath([cwd, path]) == cwd:
            return os.path.relpath(path, cwd)
    except ValueError:  # different drives, or relative and absolute mixed
        return path
    if home not in ("", "/") and path.startswith(home.rstrip(os.sep) + os.sep):
        return "~" + path[len(home.rstrip(os.sep)) :]
    return path


def for_display(agent: Agent, show_path: Callable[[str], str] = display_path) -> Agent:
    """The record with its paths shortened for the header (the record itself is unchanged)."""
    return replace(
        agent,
        path=show_path(agent.path),
        shadowed_by=show_path(agent.shadowed_by) if agent.shadowed_by else None,
        duplicates=tuple(show_path(p) for p in agent.duplicates),
    )


def markdown_chunks(body: str, size: int = CHUNK, first: int | None = None) -> list[str]:
    """Split markdown at blank lines outside code fences into pieces of about `size` characters
    (the first of about `first`, when given).

    Each piece renders on its own, so a cut never lands inside a code block; a list split in
    two keeps its numbering (commonmark starts an ordered list at its first number).
    """
    if len(body) <= (first or size):
        return [body]
    chunks: list[str] = []
    start = 0
    fence: str | None = None
    position = 0
    size, later = first or size, size
    for line in body.splitlines(keepends=True):
        found = _FENCE.match(line)
        if found:
            marker = found.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
        position += len(line)
        if fence is None and not line.strip() and position - start >= size:
            chunks.append(body[start:position])
            start, size = position, later
        elif position - start >= later * 4:
            # An unclosed fence or one huge paragraph: cut anyway rather than render it whole.
            chunks.append(body[start:position])
            start, size = position, later
            fence = None
    if start < len(body):
        chunks.append(body[start:])
    return chunks


def agent_pieces(
    agent: Agent, palette: render.Palette, code_theme: str
) -> Iterator[RenderableType]:
    """Header, problems, description, then the prompt in chunks (markdown up to the cap)."""
    agent = with_body(agent)  # in the render thread: a prompt not read yet is read here
    yield render.header(for_display(agent), palette)
    found = render.problems(agent, palette)
    if found is not None:
        yield render.section("Problems", palette)
        yield found
    yield render.section("Description", palette)
    yield render.description(agent, palette)
    files = render.resources(agent, palette)
    if files is not None:
        yield render.section(f"Resources ({len(agent.resources)}; o opens one)", palette)
        yield files
    yield render.section("Prompt", palette)
    body = agent.body or ""
    if len(body) <= CHUNK:
        yield render.prompt(agent, palette, code_theme=code_theme)
        return
    # Sanitised a chunk at a time (sanitize works character by character): a 1 MB prompt
    # sanitised whole held its first screen back by ~25 ms.
    cap = render.MARKDOWN_CAP
    cut = len(body)
    if len(body) > cap:
        cut = body.rfind("\n\n", 0, cap)
        cut = cut if cut > cap // 2 else cap
    for chunk in markdown_chunks(body[:cut], CHUNK, FIRST_CHUNK):
        yield render.SafeMarkdown(sanitize(chunk), code_theme=code_theme, hyperlinks=False)
    if cut < len(body):
        yield Text(
            f"\u2014 rendered as markdown up to {cut:,} of {len(body):,} characters; "
            "the rest as plain text (r shows the raw file) \u2014",
            style=palette.warning,
        )
        yield from plain_chunks(body[cut:])


def plain_chunks(text: str, size: int = PLAIN_CHUNK) -> Iterator[Text]:
    """Plain text as Texts of about `size` characters, cut at a line end where one is near
    (a line is never split in two unless it is longer than `size`)."""
    start = 0
    while start < len(text):
        end = start + size
        if end < len(text):
            newline = text.find("\n", end, end + size)
            if newline < 0:
                newline = text.rfind("\n", start, end)
            end = newline + 1 if newline >= start else end
        yield Text(sanitize(text[start:end].removesuffix("\n")))
        start = end


def resource_path(agent: Agent, relative: str) -> str:
    """The absolute path of one of a skill's resources (relative to its SKILL.md's folder)."""
    return os.path.join(os.path.dirname(agent.path), *relative.split("/"))


def raw_pieces(
    agent: Agent, palette: render.Palette, resource: str | None = None
) -> Iterator[RenderableType | tuple[Text, Text]]:
    """The file as it is on disk, sanitised, with line numbers: yields (gutter, line) pairs.

    With `resource` (one of `agent.resources`), that file of the skill instead.
    """
    path = agent.path if resource is None else resource_path(agent, resource)
    read = read_text(path)
    # The path is file-system text too: a name can hold ESC (a title or clipboard escape).
    kind = "raw file" if resource is None else f"a resource of {inline(agent.name)}; o: another"
    title = Text(f"{sanitize(display_path(path))}  ({kind})", style=palette.accent)
    yield title
    if read.text is not None and resource is not None:
        for problem in read.problems:  # read in part, or not UTF-8
            yield Text(sanitize(problem.message), style=palette.warning)
    if read.text is None:
        for problem in read.problems:
            yield Text(sanitize(problem.message), style=palette.error)
        return
    marks = {p.line: p.severity for p in agent.problems if p.line} if resource is None else {}
    lines = read.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    digits = len(str(len(lines)))
    muted = Style.parse(palette.muted)
    for number, line in enumerate(lines, 1):
        severity = marks.get(number)
        gutter_style = muted
        if severity is not None:
            gutter_style = Style.parse(palette.error if severity == ERROR else palette.warning)
        gutter = Text(f"{number:>{digits}} ", style=gutter_style)
        yield gutter, render.marked(sanitize(line), palette)


# A list item's marker (`- `, `* `, `1. `, `2) `, a bullet or a warning sign) after any indent,
# or an indented line's spaces.
_HANG = re.compile(r" *(?:[-*+\u2022\u26a0]|\d{1,3}[.)]) +| +")
#: Markers wider than this hang nothing (deep indents would leave their text a narrow strip).
HANG_MAX = 12


def hanging(text: Text) -> RenderableType:
    """A paragraph whose list items (and indented lines) wrap under their own text, not under
    their marker: each such line a two-column row, the marker's column as wide as the marker.
    Any other paragraph stays as it is."""
    if not any(_HANG.match(line) for line in text.plain.split("\n")):
        return text
    rows: list[RenderableType] = []
    grid: Table | None = None  # the items in a row of one marker width share one grid
    for line in text.split("\n", allow_blank=True):
        marker = _HANG.match(line.plain)
        end = marker.end() if marker else 0
        if not 0 < end <= HANG_MAX or end >= len(line.plain):
            rows.append(line)
            grid = None
            continue
        width = cell_len(line.plain[:end])  # (a marker may be wider than its characters)
        if grid is None or grid.columns[0].width != width:
            grid = Table.grid()
            grid.add_column(width=width, no_wrap=True)
            grid.add_column(ratio=1)
            rows.append(grid)
        grid.add_row(line[:end], line[end:])
    return Group(*rows)
