"""The diff view: one Line-API ScrollView that draws a laid-out comparison, and its column header.

A 100 KB prompt diff is a few thousand lines; a widget per row would take seconds to mount.
Here a thread lays the comparison out into Strips for the view's width (compare_layout), and
the view draws only the visible ones. Both sides of the split view are halves of the same
lines, so they scroll together by construction.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from agentbrowser.model.compare import CHANGED, ONLY_A, ONLY_B, SAME, Comparison
from agentbrowser.model.text import one_line, shorten_path
from agentbrowser.render.compare_layout import (
    MARGIN,
    SEPARATOR,
    DiffDocument,
    DiffStyles,
    columns,
    lay_out,
    message_document,
)

#: Drawn in the margin beside every line of the change `n`/`N` went to.
CURRENT_MARK = "\u258c"  # ▌


@dataclass(frozen=True)
class _Job:
    """What the layout thread needs, captured on the event loop."""

    comparison: Comparison
    width: int
    unified: bool
    styles: DiffStyles
    generation: int
    letters: tuple[str, str] = ("A", "B")


class DiffView(ScrollView, can_focus=True):
    """A comparison of two agents: fields, tools, then description and prompt diffed.

    `n`/`N` (through the screen) move between changes; the current one is marked in the margin.
    """

    ALLOW_MAXIMIZE = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--muted",
        "diff-view--heading",
        "diff-view--key",
        "diff-view--separator",
        "diff-view--current",
        "diff-view--delete",
        "diff-view--insert",
        "diff-view--changed",
        "diff-view--delete-word",
        "diff-view--insert-word",
        "diff-view--status-same",
        "diff-view--status-changed",
        "diff-view--status-only-a",
        "diff-view--status-only-b",
    }

    # Widget defaults, overridable in the app's .tcss; theme variables only.
    DEFAULT_CSS = """
    DiffView {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        & > .diff-view--muted { color: $text-muted; }
        & > .diff-view--heading { color: $text-accent; text-style: bold; }
        & > .diff-view--key { color: $text-primary; }
        & > .diff-view--separator { color: $panel-lighten-2; }
        & > .diff-view--current { color: $accent; text-style: bold; }
        & > .diff-view--delete { background: $error 15%; }
        & > .diff-view--insert { background: $success 15%; }
        & > .diff-view--changed { background: $warning 12%; }
        & > .diff-view--delete-word { background: $error 50%; text-style: bold; }
        & > .diff-view--insert-word { background: $success 50%; text-style: bold; }
        & > .diff-view--status-same { color: $text-muted; }
        & > .diff-view--status-changed { color: $text-warning; text-style: bold; }
        & > .diff-view--status-only-a { color: $text-error; text-style: bold; }
        & > .diff-view--status-only-b { color: $text-success; text-style: bold; }
    }
    """

    @dataclass
    class LaidOut(Message):
        """The layout thread finished a document."""

        generation: int
        document: DiffDocument

    unified: reactive[bool] = reactive(False)
    """One column of - and + lines instead of two columns side by side."""

    placeholder: reactive[str] = reactive("Comparing\u2026")
    """What the view says while it has no comparison."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.comparison: Comparison | None = None
        self.document: DiffDocument | None = None
        """The lines shown; None until the first layout (or placeholder) is ready."""
        self.current: int | None = None
        """Index into the document's changes of the change `n`/`N` went to."""
        self.laying_out = False
        """True while a layout thread is running (tests wait on it)."""
        self.letters = ("A", "B")
        """What the two sides are called (set before `show`)."""
        self._generation = 0
        self._laid_out: tuple[int, bool, DiffStyles] | None = None

    # -- what to show ----------------------------------------------------------------------

    def show(self, comparison: Comparison | None) -> None:
        """Show a comparison (None: the placeholder), from the top, with no change marked."""
        self.comparison = comparison
        self.current = None
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._start()

    @property
    def text(self) -> str:
        """What the view holds, as plain text (for tests)."""
        return self.document.text if self.document else ""

    @property
    def changes(self) -> list[tuple[int, int]]:
        """Line ranges of the changes in the current layout."""
        return self.document.changes if self.document else []

    def watch_unified(self) -> None:
        self._start()

    def watch_placeholder(self) -> None:
        if self.comparison is None:
            self._start()

    def on_resize(self) -> None:
        if self._laid_out is None or self._laid_out[0] != self._width:
            self._start()

    def notify_style_update(self) -> None:
        """A theme change restyles the components: lay out again when the styles changed."""
        super().notify_style_update()
        if self.is_mounted and self._laid_out is not None and self._laid_out[2] != self._styles():
            self._start()

    @property
    def _width(self) -> int:
        return self.scrollable_content_region.width

    # -- laying out ------------------------------------------------------------------------

    def _style(self, name: str, partial: bool = True) -> Style:
        return self.get_component_rich_style(f"diff-view--{name}", partial=partial)

    def _styles(self) -> DiffStyles:
        """The component styles; backgrounds blended onto the view's own (not partial)."""
        return DiffStyles(
            base=self.rich_style,
            muted=self._style("muted"),
            heading=self._style("heading"),
            key=self._style("key"),
            separator=self.rich_style + self._style("separator"),
            delete=self._style("delete", partial=False),
            insert=self._style("insert", partial=False),
            changed=self._style("changed", partial=False),
            delete_word=self._style("delete-word", partial=False),
            insert_word=self._style("insert-word", partial=False),
            status={
                SAME: self._style("status-same"),
                CHANGED: self._style("status-changed"),
                ONLY_A: self._style("status-only-a"),
                ONLY_B: self._style("status-only-b"),
            },
        )

    def _start(self) -> None:
        """Lay the comparison (or the placeholder) out for the current width, in a thread."""
        width = self._width
        if not self.is_mounted or width <= 0:
            return
        self._generation += 1
        styles = self._styles()
        self._laid_out = (width, self.unified, styles)
        if self.comparison is None:
            self.laying_out = False
            self._set_document(
                message_document(width, self.placeholder, self.rich_style + styles.muted)
            )
            return
        self.laying_out = True
        self._lay_out(
            _Job(self.comparison, width, self.unified, styles, self._generation, self.letters)
        )

    @work(thread=True, exclusive=True, group="diff-layout", exit_on_error=False)
    def _lay_out(self, job: _Job) -> None:
        """Build every line in a thread: the event loop only swaps the result in."""
        document = lay_out(job.comparison, job.width, job.unified, job.styles, job.letters)
        self.post_message(self.LaidOut(job.generation, document))

    def on_diff_view_laid_out(self, message: LaidOut) -> None:
        """A layout is ready: show it, keeping the marked change in view."""
        message.stop()
        if message.generation != self._generation:
            return  # laid out for an older width, mode or comparison
        self.laying_out = False
        self._set_document(message.document)
        if self.current is not None:
            if self.current < len(message.document.changes):
                self._go_to(self.current)
            else:
                self.current = None

    def _set_document(self, document: DiffDocument) -> None:
        self.document = document
        self.virtual_size = Size(document.width, len(document.lines))
        self.refresh()

    # -- changes ---------------------------------------------------------------------------

    def next_change(self) -> bool:
        """Go to the change after the marked one (or the first below the top line); False at the end."""
        changes = self.changes
        if not changes:
            return False
        if self.current is not None:
            index = self.current + 1
        else:
            index = bisect.bisect_left([start for start, _ in changes], round(self.scroll_y))
        if index >= len(changes):
            return False
        self._go_to(index)
        return True

    def previous_change(self) -> bool:
        """Go to the change before the marked one (or the last above the top line); False at the start."""
        changes = self.changes
        if not changes:
            return False
        if self.current is not None:
            index = self.current - 1
        else:
            index = bisect.bisect_left([start for start, _ in changes], round(self.scroll_y)) - 1
        if index < 0:
            return False
        self._go_to(index)
        return True

    def _go_to(self, index: int) -> None:
        """Mark a change and scroll so that it is the top line."""
        self.current = index
        start, _ = self.changes[index]
        self.scroll_to(y=start, animate=False, immediate=True)
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw one visible line; the marked change gets a bar in the margin."""
        width = self._width
        base = self.rich_style
        document = self.document
        index = y + round(self.scroll_y)
        if document is None or index >= len(document.lines):
            return Strip.blank(width, base)
        segments = document.lines[index]
        if self.current is not None and self.current < len(document.changes):
            start, end = document.changes[self.current]
            if start <= index < end:
                # The margin is the line's first segment (MARGIN cells): draw the bar over it.
                mark = Segment(CURRENT_MARK.ljust(MARGIN), base + self._style("current"))
                segments = [mark, *segments[1:]]
        return Strip(segments, document.width).crop_extend(0, width, base)


class ColumnHeader(Widget):
    """The agents' names at the top of their columns (or both on one line in the unified view)."""

    DEFAULT_CSS = """
    ColumnHeader {
        height: 1;
        background: $panel;
        color: $text;
        & > .column-header--label { color: $text-muted; }
        & > .column-header--name { text-style: bold; color: $text; }
        & > .column-header--a { color: $text-error; text-style: bold; }
        & > .column-header--b { color: $text-success; text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "column-header--label",
        "column-header--name",
        "column-header--a",
        "column-header--b",
    }

    unified: reactive[bool] = reactive(False)
    """Both names on one line, as - and +, instead of one over each column."""

    names: reactive[tuple[str, str, str, str]] = reactive(("", "", "", ""))
    """Name and path of A, then of B (file text: sanitised when drawn)."""

    letters: reactive[tuple[str, str]] = reactive(("A", "B"))
    """What the columns are called: A and B, or the letters the N-way compare gave them."""

    def render(self) -> Text:
        """The names, placed over the columns the diff view draws."""
        name_a, path_a, name_b, path_b = self.names
        # The diff view keeps a one-cell scrollbar gutter: its lines are one cell narrower.
        width = max(self.size.width - 1, 1)
        style = self.get_component_rich_style
        if self.unified:
            text = Text(" " * MARGIN, end="")
            letter_a, letter_b = self.letters
            text.append(f"- {letter_a} ", style("column-header--a"))
            text.append(one_line(name_a, 80), style("column-header--name"))
            text.append("    ")
            text.append(f"+ {letter_b} ", style("column-header--b"))
            text.append(one_line(name_b, 80), style("column-header--name"))
            text.truncate(width, overflow="ellipsis")
            return text
        cols = columns(width)
        out = Text(" " * MARGIN, end="")
        left, right = (f"{letter} " for letter in self.letters)
        for label, label_style, name, path, cell in (
            (left, "column-header--a", name_a, path_a, cols.left_width),
            (right, "column-header--b", name_b, path_b, cols.right_width),
        ):
            part = Text(" ", end="")
            part.append(label, style(label_style))
            part.append(one_line(name, 120), style("column-header--name"))
            part.append("  ")
            # The path gets the room the name leaves, its file name kept whole
            # (`~/proj…/code-reviewer.md`, not `~/projects/my-app/.cl…`).
            room = cell - cell_len(part.plain)
            if room >= 8:
                shown = shorten_path(one_line(path, 400), room)
                part.append(shown, style("column-header--label"))
            part.truncate(cell, overflow="ellipsis", pad=True)
            out.append_text(part)
            if label_style == "column-header--a":
                out.append(SEPARATOR, style("column-header--label"))
        return out
