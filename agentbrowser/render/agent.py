"""Rich renderables for one agent, shared by `agentbrowser show` and the browser's detail pane.

Every piece of file text is sanitised and placed in `Text` objects, never parsed as markup.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from agentbrowser.model.describe import description_blocks
from agentbrowser.model.formats import refused_tools
from agentbrowser.model.records import (
    ALL_TOOLS_FORMATS,
    ERROR,
    FRONTMATTER_FIELDS,
    Agent,
    with_body,
)
from agentbrowser.model.text import approx_tokens, inline, one_line, sanitize

#: Prompts longer than this render as markdown up to here, then as plain text: rich renders
#: markdown at ~4.6 ms a KB (50 KB: ~0.25 s) and plain text at ~1 ms a KB.
MARKDOWN_CAP = 50_000

#: The plain-text rest of a long prompt is cut into Texts of about this many characters at line
#: ends: rich wraps one huge Text in superlinear time (10 s for 5 MB), pieces in linear time.
PLAIN_CHUNK = 50_000

#: Colours Claude Code accepts for `color`, mapped to terminal colours.
SWATCH = {
    "red": "red",
    "blue": "blue",
    "green": "green",
    "yellow": "yellow",
    "purple": "magenta",
    "orange": "dark_orange",
    "pink": "hot_pink",
    "cyan": "cyan",
}


@dataclass(frozen=True, slots=True)
class Palette:
    """Styles for the renderables; the browser fills it from the Textual theme."""

    accent: str = "bold cyan"
    muted: str = "dim"
    chip: str = "reverse"
    error: str = "bold red"
    warning: str = "yellow"
    example_border: str = "blue"
    commentary: str = "italic dim"


if TYPE_CHECKING:
    from rich.markdown import Markdown

    from agentbrowser.model.security import Power

_markdown_lock = threading.Lock()


def _safe_markdown_class() -> type[Markdown]:
    """SafeMarkdown, defined on first use: markdown_it, rich.markdown and pygments take ~50 ms
    to import, which the browser's first frame should not wait for (its detail pane renders
    in a thread)."""
    with _markdown_lock:
        made = globals().get("SafeMarkdown")
        if made is not None:
            return made  # type: ignore[no-any-return]
        from markdown_it import MarkdownIt
        from rich.markdown import Markdown

        class SafeMarkdown(Markdown):
            """Rich's Markdown with raw HTML shown as text: agent prompts are full of `<tags>`.

            Rich's default parser drops HTML blocks, which would hide whole sections of a prompt.
            """

            def __init__(self, markup: str, **kwargs: object) -> None:
                super().__init__("", **kwargs)  # type: ignore[arg-type]
                self.markup = markup
                parser = (
                    MarkdownIt("commonmark", {"html": False})
                    .enable("strikethrough")
                    .enable("table")
                )
                # A link reference definition renders as nothing, yet a model reads it: show it
                # as the text it is.
                parser.disable("reference")
                self.parsed = parser.parse(markup)
                # The parser turns a character reference (`&#x202E;`, `&zwj;`) into its
                # character, after the text was sanitised: its text is made safe again (the
                # rest is left as it was: sanitising safe text changes nothing). Code keeps
                # references as written.
                for token in self.parsed:
                    for child in token.children or ():
                        if child.type == "text" and not child.content.isascii():
                            child.content = sanitize(child.content)

        SafeMarkdown.__module__ = __name__
        SafeMarkdown.__qualname__ = "SafeMarkdown"
        globals()["SafeMarkdown"] = SafeMarkdown
        return SafeMarkdown


def __getattr__(name: str) -> Any:
    """`render.SafeMarkdown`: the class, made on first use."""
    if name == "SafeMarkdown":
        return _safe_markdown_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: What `sanitize` writes for a hidden character or the text tag characters spell.
_HIDDEN_MARK = re.compile("\u27e8(?:hidden: [^\u27e9\n]*|U\\+[0-9A-F]{4,6})\u27e9")


def marked(text: str, palette: Palette, style: str = "") -> Text:
    """Sanitised text as a Text, its hidden-character markers in the error style."""
    result = Text(text, style=style)
    if "\u27e8" in text:
        result.highlight_regex(_HIDDEN_MARK, style=palette.error)
    return result


def tools_text(agent: Agent, palette: Palette) -> Text:
    """Tools as chips, or what their absence means."""
    if agent.tools is None:
        refused = refused_tools(agent)
        but = f", but {', '.join(inline(t) for t in refused)}" if refused else ""
        return Text(f"all tools (inherited){but}", style=palette.muted)
    if not agent.tools:
        return Text("no tools", style=palette.warning)
    text = Text()
    for index, tool in enumerate(agent.tools):
        if index:
            text.append(" ")
        text.append(f" {inline(tool)} ", style=palette.chip)
    return text


def powers_text(
    granted: Sequence[Power], palette: Palette, shown: Collection[str] = ()
) -> Text | None:
    """What the agent may do, one line each; dangerous ones in the error style with the reason.

    Tools stay on the `tools` line, and the powers of keys in `shown` on the facts line; with
    nothing else (no hook, server...) this returns None.
    """
    found = [p for p in granted if p.kind != "tools" and p.kind not in shown]
    if not found:
        return None
    text = Text()
    for index, power in enumerate(found):
        if index:
            text.append("\n")
        text.append(f"{power.kind} ", style=palette.error if power.danger else palette.muted)
        text.append(inline(power.shown), style=palette.error if power.danger else "")
        if power.danger:
            text.append(f"  \u26a0 {power.danger}", style=palette.error)
    return text


def header(agent: Agent, palette: Palette) -> RenderableType:
    """Name, format, scope, path, model, colour swatch, tools, token counts."""
    title = Text()
    if agent.color:
        # The list's colour bar (its legend: "the agent's colour"); ● marks agents there.
        title.append("\u258e", style=SWATCH.get(agent.color.lower(), "default"))
    title.append(inline(agent.name), style=palette.accent)
    title.append(f"  {agent.format} \u00b7 {agent.scope}", style=palette.muted)
    lines: list[RenderableType] = [title]
    lines.append(Text(inline(agent.path), style=palette.muted, overflow="fold"))
    from agentbrowser.model.security import powers

    facts = Text()
    shown: list[str] = []  # frontmatter keys on this line: their powers are not repeated below
    granted = powers(agent)
    dangerous = {p.kind for p in granted if p.danger}
    for spec in FRONTMATTER_FIELDS:
        value, key = getattr(agent, spec.attr), spec.key(agent.format)
        unset = spec.unset_for(agent.format)
        if key is None or (value is None and unset is None) or key in dangerous:
            continue  # not in this format, not set, or a danger: on a line of its own below
        shown.append(key)
        facts.append(("  " if facts else "") + f"{spec.label} ", style=palette.muted)
        facts.append(inline(value if value is not None else unset or ""))
    # Prompt first: it is what a model reads on every call. Short enough for one line of the
    # detail pane in a 120-column terminal.
    facts.append("  tokens ", style=palette.muted)
    facts.append(
        f"~{approx_tokens(agent.body):,} prompt, ~{approx_tokens(agent.description):,} desc"
    )
    lines.append(facts)
    if agent.tools is not None or agent.format in ALL_TOOLS_FORMATS:
        # (a Cursor rule, instructions or plain markdown have no tools to inherit or list)
        tools = Text("tools ", style=palette.muted)
        tools.append_text(tools_text(agent, palette))
        lines.append(tools)
    listed = powers_text(granted, palette, shown)
    if listed is not None:
        lines.append(listed)
    if agent.shadowed_by:
        lines.append(Text(f"shadowed by {inline(agent.shadowed_by)}", style=palette.warning))
    if agent.duplicates:
        lines.append(
            Text(
                "same name as " + ", ".join(inline(p) for p in agent.duplicates),
                style=palette.warning,
            )
        )
    return Group(*lines)


def problems(agent: Agent, palette: Palette) -> RenderableType | None:
    """The file's problems with their lines, or None."""
    if not agent.problems:
        return None
    text = Text()
    for index, problem in enumerate(agent.problems):
        if index:
            text.append("\n")
        style = palette.error if problem.severity == "error" else palette.warning
        where = f"line {problem.line}: " if problem.line else ""
        text.append(f"{problem.severity}: ", style=style)
        text.append(where + inline(problem.message))
    return text


def description(agent: Agent, palette: Palette) -> RenderableType:
    """The description with line breaks restored and examples as quoted blocks."""
    if not agent.description.strip():
        return Text("(no description)", style=palette.muted)
    parts: list[RenderableType] = []
    for block in description_blocks(agent.description):
        if block.kind == "example":
            inner: list[RenderableType] = []
            for child in block.children or ():
                if child.kind == "commentary":
                    # Apart from what the speakers say, and indented: in a pipe, with no
                    # italics, it ran on from the assistant's line as if said by it.
                    said = marked(sanitize(child.text), palette, palette.commentary)
                    inner.append(Padding(said, (1 if inner else 0, 0, 0, 2)))
                else:
                    inner.append(marked(sanitize(child.text), palette))
            parts.append(
                Panel(
                    Group(*inner) if inner else Text(""),
                    title="example",
                    title_align="left",
                    border_style=palette.example_border,
                    padding=(0, 1),
                )
            )
        elif block.kind == "commentary":
            parts.append(
                Padding(marked(sanitize(block.text), palette, palette.commentary), (0, 0, 0, 2))
            )
        else:
            parts.append(marked(sanitize(block.text), palette))
    return Group(*parts)


def prompt(
    agent: Agent, palette: Palette, cap: int = MARKDOWN_CAP, code_theme: str = "monokai"
) -> RenderableType:
    """The prompt as markdown with highlighted code; past the cap, plain text with a notice."""
    body = sanitize(agent.body)
    if not body.strip():
        return Text("(empty prompt)", style=palette.muted)
    if len(body) <= cap:
        return _safe_markdown_class()(body, code_theme=code_theme, hyperlinks=False)
    cut = body.rfind("\n\n", 0, cap)
    cut = cut if cut > cap // 2 else cap
    notice = Text(
        f"\u2014 rendered as markdown up to {cut:,} of {len(body):,} characters; the rest as plain text \u2014",
        style=palette.warning,
    )
    markdown = _safe_markdown_class()(body[:cut], code_theme=code_theme, hyperlinks=False)
    return Group(markdown, notice, *plain_pieces(body[cut:]))


def plain_pieces(text: str, size: int = PLAIN_CHUNK) -> list[Text]:
    """Plain text as Texts of about `size` characters, each ending at a line end where it can.

    A line of more than twice `size` is cut too (at a space where there is one): rich wraps a
    Text in time that grows with the square of its longest line (a 5 MB line took 16 s)."""
    pieces = []
    start = 0
    while start < len(text):
        end = text.find("\n", start + size, start + 2 * size)
        if end < 0 and len(text) - start <= 2 * size:
            end = len(text)
        elif end < 0:  # no line end past `size`: at the last one before it, else at a space
            newline = text.rfind("\n", start + size // 2, start + size)
            if newline >= 0:
                pieces.append(Text(text[start:newline]))
                start = newline + 1
                continue
            space = text.rfind(" ", start + size // 2, start + size)
            cut = space + 1 if space > 0 else start + size
            pieces.append(Text(text[start:cut]))
            start = cut
            continue
        pieces.append(Text(text[start:end]))
        start = end + 1
    return pieces


def section(title: str, palette: Palette) -> Text:
    """A section heading."""
    return Text(f"\n{title}", style=palette.accent)


def resources(agent: Agent, palette: Palette) -> Text | None:
    """A skill's other files, one a line (None when it has none), each with what it hides or
    runs (read here: in the browser's render thread)."""
    if not agent.resources:
        return None
    from agentbrowser.model.security import skill_file_records

    folder = os.path.dirname(agent.path)
    found = {os.path.relpath(r.path, folder): r for r in skill_file_records(agent)}
    text = Text()
    for number, relative in enumerate(agent.resources, 1):
        if number > 1:
            text.append("\n")
        text.append(f"{number:>3}  ", style=palette.muted)
        text.append(one_line(relative, 200))
        record = found.get(relative.replace("/", os.sep))
        for problem in record.problems if record is not None else ():
            style = palette.error if problem.severity == ERROR else palette.warning
            where = f"line {problem.line}: " if problem.line else ""
            text.append(f"\n       \u26a0 {where}", style=style)
            text.append(inline(problem.message), style=style)
    return text


def agent_renderable(agent: Agent, palette: Palette | None = None) -> RenderableType:
    """Everything about one agent, top to bottom (its prompt read here if the record has none)."""
    agent = with_body(agent)
    palette = palette or Palette()
    parts: list[RenderableType] = [header(agent, palette)]
    found = problems(agent, palette)
    if found is not None:
        parts += [section("Problems", palette), found]
    parts += [section("Description", palette), description(agent, palette)]
    files = resources(agent, palette)
    if files is not None:
        parts += [section(f"Resources ({len(agent.resources)})", palette), files]
    parts += [section("Prompt", palette), prompt(agent, palette)]
    return Group(*parts)


def render_agent(agent: Agent, out: TextIO) -> None:
    """Print one agent for `agentbrowser show` (colour only on a terminal). Into a pipe or a
    file the lines carry no padding: rich pads every line to the width, which a terminal
    hides and `grep`, `diff` or an editor do not."""
    console = Console(file=out, highlight=False, emoji=False, markup=False, soft_wrap=False)
    if console.is_terminal:
        console.print(agent_renderable(agent))
        return
    with console.capture() as captured:
        console.print(agent_renderable(agent))
    out.writelines(line.rstrip() + "\n" for line in captured.get().splitlines())
