"""The detail pane: one agent rendered with rich in a thread, shown through the Line API.

Textual's Markdown widget takes ~2 s for 50 KB and minutes for 500 KB, and rich's Markdown in a
Static blocks the event loop for ~1.9 s at 500 KB. Here the pane's own thread renders the agent
piece by piece into lines of segments for the pane's width, and the pane draws only the visible
ones; the loop never waits for a render, and the first screenful of any agent appears at once.

What a selection costs was traced key by key (AGENTBROWSER_TRACE): one repaint of the
two list rows, the new agent's first screenful painted once, no layout of the screen while a
document grows, and a render that is no longer wanted gives the GIL back within a few lines.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from agentbrowser import memory
from agentbrowser.loading import trace
from agentbrowser.model.records import Agent
from agentbrowser.model.text import one_line
from agentbrowser.render.agent import Palette
from agentbrowser.render.pieces import agent_pieces, raw_pieces
from agentbrowser.widgets.lines import FrameConstants

#: In a long render, the lines sent so far are frozen out of the cyclic GC every this many lines.
FREEZE_LINES = 5_000
#: Documents longer than this are freed in a thread when replaced.
RELEASE_LINES = 2_000
#: A rendered piece is sent to the pane at least this often while a big agent renders.
EMIT_SECONDS = 0.05
#: ...and, once the visible part is on screen, this often: each batch that arrives costs the
#: event loop a frame (20-50 ms in traces on a 2-core machine), which a key pressed then waits.
EMIT_SECONDS_BELOW = 0.3
#: A new agent's first lines are painted once they fill the pane, or this long after the first
#: of them arrived: a frame per piece (header, description, ...) made the event loop and the
#: render thread take turns on the GIL, and the screen waited for both.
FIRST_PAINT_SECONDS = 0.04
#: A render that is no longer wanted stops within this many lines (the check is per line, so a
#: stale 1 MB render gives the GIL back at once instead of finishing its ~20 ms chunk).
STALE_CHECK_LINES = 8


class _Stale(Exception):
    """The render under way is no longer wanted."""


def _release(lines: list[Strip]) -> None:
    """Free lines a slice at a time, so the event loop gets the GIL in between."""
    while lines:
        del lines[-RELEASE_LINES:]


def _lines(
    console: Console,
    piece: RenderableType,
    options,  # type: ignore[no-untyped-def]
    width: int,
    stale: Callable[[], bool],
) -> list[Strip]:
    """A piece rendered to lines of `width` cells, as render_lines does, but stopped (_Stale)
    within STALE_CHECK_LINES lines once `stale()` says the render is no longer wanted."""
    strips: list[Strip] = []
    lines = Segment.split_and_crop_lines(
        console.render(piece, options), width, include_new_lines=False, pad=True
    )
    for count, segments in enumerate(lines, 1):
        strips.append(Strip(segments, width))
        if not count % STALE_CHECK_LINES and stale():
            raise _Stale
    return strips


@dataclass(frozen=True)
class _Job:
    """What to render: everything the thread needs, captured on the event loop."""

    agent: Agent
    raw: bool
    resource: str | None
    """One of the agent's resources to show as it is on disk, instead of the agent."""
    width: int
    height: int
    """The pane's visible lines: until they are filled, each piece is sent as soon as it is ready."""
    shown: threading.Event
    """Set by the event loop once the lines sent so far are on screen."""
    palette: Palette
    theme: Theme
    code_theme: str
    generation: int


class _RenderThread:
    """One thread that renders the pane's jobs, newest first.

    A Textual thread worker per selection waited for the event loop to start its task and
    for a pool thread to pick it up (4-8 ms in traces, with a 1 MB render in progress); this
    thread is woken directly. A newer job makes the one under way stale, and it stops within
    a few lines (see `_lines`).
    """

    def __init__(
        self, run: Callable[[_Job], None], failed: Callable[[_Job, Exception], None]
    ) -> None:
        self._run = run
        self._failed = failed
        self._wake = threading.Condition()
        self._next: _Job | None = None
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, job: _Job) -> None:
        """Render `job` next (a job still waiting is dropped)."""
        with self._wake:
            self._next = job
            self._wake.notify()
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._loop, name="agent-view-render", daemon=True
                )
                self._thread.start()

    def close(self) -> None:
        """Let the thread end once its job is done (the pane is gone)."""
        with self._wake:
            self._closed = True
            self._next = None
            self._wake.notify()

    def _loop(self) -> None:
        while True:
            with self._wake:
                while self._next is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                job, self._next = self._next, None
            try:
                self._run(job)
            except Exception as error:  # noqa: BLE001 - shown in the pane, the app goes on
                self._failed(job, error)


class AgentView(FrameConstants, ScrollView, can_focus=True):
    """Everything about the selected agent: header, problems, description, prompt; or the raw file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("j", "scroll_down", "Scroll down", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "agent-view--accent",
        "agent-view--muted",
        "agent-view--chip",
        "agent-view--error",
        "agent-view--warning",
        "agent-view--example",
        "agent-view--commentary",
        "agent-view--heading",
        "agent-view--code",
        "agent-view--link",
    }

    @dataclass
    class Rendered(Message):
        """Lines rendered by the thread: the start of a render (`first`) or more of it."""

        generation: int
        lines: list[Strip]
        first: bool
        done: bool
        seconds: float

    @dataclass
    class RenderFailed(Message):
        """The render thread raised: the pane says so instead of keeping the previous agent."""

        generation: int
        error: str

    raw: reactive[bool] = reactive(False)
    """Show the file as it is on disk (sanitised, with line numbers) instead of rendered."""

    placeholder: reactive[str] = reactive("Loading\u2026")
    """What the pane says when no agent is shown."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.agent: Agent | None = None
        self.resource: str | None = None
        """The skill's resource shown instead of the skill (see `open_resource`)."""
        self._lines: list[Strip] = []
        self._generation = 0
        self._shown = threading.Event()
        self._rendered: tuple[int, Palette, bool] | None = None
        self.rendering = False
        """True while a render is under way (tests and the screenshot script wait on it)."""
        self._first_due = False
        """The new agent's first lines have arrived but are not painted yet."""
        self._lines_generation = 0
        """The render whose lines `_lines` holds."""
        self._first_timer: Timer | None = None
        self._renderer = _RenderThread(self._render, self._render_failed)
        self.last_render_seconds = 0.0
        """How long the last complete render took in its thread."""

    # -- what to show ----------------------------------------------------------------------

    def show(self, agent: Agent | None) -> None:
        """Show an agent (None: the placeholder), from the top."""
        trace.mark("view: show")
        same = agent is not None and self.agent is not None and agent.path == self.agent.path
        self.agent = agent
        gone = agent is None or self.resource not in agent.resources
        if self.resource is not None and (not same or gone):
            self.resource = None  # another agent, or the file is gone since the last load
            self.border_title = "Raw file" if self.raw else "Detail"
        if not same:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._start()

    def open_resource(self, relative: str | None) -> None:
        """Show one of the shown skill's resources as it is on disk (None: the skill again)."""
        if self.agent is None or (relative is not None and relative not in self.agent.resources):
            return
        self.resource = relative
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._start()

    @property
    def text(self) -> str:
        """The rendered text, as plain lines (for tests)."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def watch_raw(self) -> None:
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._start()

    def watch_placeholder(self) -> None:
        if self.agent is None:
            self._start()

    def on_resize(self) -> None:
        if self._rendered is None or self._rendered[0] != self._width:
            self._start()

    def notify_style_update(self) -> None:
        """A theme change restyles the components: render again when the palette changed."""
        super().notify_style_update()
        if self.is_mounted and self._rendered is not None and self._rendered[1] != self._palette():
            self._start()

    @property
    def _width(self) -> int:
        return self.scrollable_content_region.width

    # -- rendering -------------------------------------------------------------------------

    def _style(self, name: str) -> str:
        return str(self.get_component_rich_style(f"agent-view--{name}", partial=True))

    def _palette(self) -> Palette:
        return Palette(
            accent=self._style("accent"),
            muted=self._style("muted"),
            chip=self._style("chip"),
            error=self._style("error"),
            warning=self._style("warning"),
            example_border=self._style("example"),
            commentary=self._style("commentary"),
        )

    def _theme(self) -> Theme:
        """Rich's markdown styles taken from the Textual theme, so every theme looks right."""
        heading, code, link = self._style("heading"), self._style("code"), self._style("link")
        return Theme(
            {
                "markdown.h1": heading,
                "markdown.h1.border": heading,
                "markdown.h2": heading,
                "markdown.h3": heading,
                "markdown.h4": heading,
                "markdown.h5": heading,
                "markdown.h6": heading,
                "markdown.code": code,
                "markdown.link": link,
                "markdown.link_url": link,
                "markdown.block_quote": self._style("commentary"),
                "markdown.hr": self._style("muted"),
                "markdown.item.bullet": self._style("accent"),
                "markdown.item.number": self._style("accent"),
            }
        )

    def _start(self) -> None:
        """Render the current agent (or placeholder) for the current width, in a thread."""
        width = self._width
        if not self.is_mounted or width <= 0:
            return
        self._generation += 1
        self._first_due = False
        if self._first_timer is not None:
            self._first_timer.stop()
            self._first_timer = None
        self._shown.set()  # a render still waiting for the screen stops waiting (and ends)
        self._shown = threading.Event()
        palette = self._palette()
        self._rendered = (width, palette, self.raw)
        if self.agent is None:
            self.rendering = False
            self._set_lines([Strip([Segment(" " + self.placeholder, Style.parse(palette.muted))])])
            return
        self.rendering = True
        dark = self.app.current_theme.dark if self.app.current_theme else True
        job = _Job(
            agent=self.agent,
            raw=self.raw,
            resource=self.resource,
            width=width,
            height=self.scrollable_content_region.height,
            shown=self._shown,
            palette=palette,
            theme=self._theme(),
            code_theme="monokai" if dark else "friendly",
            generation=self._generation,
        )
        self._renderer.submit(job)

    def on_unmount(self) -> None:
        self._generation += 1  # a render under way stops
        self._shown.set()
        self._renderer.close()

    def _render_failed(self, job: _Job, error: Exception) -> None:
        """In the render thread: tell the pane."""
        self.post_message(self.RenderFailed(job.generation, f"{type(error).__name__}: {error}"))

    def on_agent_view_render_failed(self, message: RenderFailed) -> None:
        """Show what went wrong where the agent would be."""
        message.stop()
        if message.generation != self._generation:
            return
        self.rendering = False
        style = Style.parse(self._palette().error)
        name = one_line(self.agent.name, 200) if self.agent is not None else ""
        self._replace_lines(
            [
                Strip([Segment(f" {line}", style)]).crop_extend(0, self._width, style)
                for line in (f"Cannot show {name}:", one_line(message.error, 500))
            ]
        )
        self._first_due = False
        self._update()

    def _render(self, job: _Job) -> None:
        """Render piece by piece, sending lines at least every EMIT_SECONDS; stop when stale."""
        trace.mark("view: render thread starts")

        def stale() -> bool:
            return job.generation != self._generation

        started = time.perf_counter()
        console = Console(
            file=io.StringIO(),
            width=job.width,
            color_system="truecolor",
            force_terminal=True,
            legacy_windows=False,
            markup=False,
            emoji=False,
            highlight=False,
            theme=job.theme,
        )
        options = console.options.update(width=job.width, height=None)
        gutter_width = 0
        pending: list[Strip] = []
        first = True
        last_emit = started
        sent = 0
        frozen = 0
        pieces: Iterable[RenderableType | tuple[Text, Text]]
        pieces = (
            raw_pieces(job.agent, job.palette, job.resource)
            if job.raw or job.resource is not None
            else agent_pieces(job.agent, job.palette, job.code_theme)
        )
        for piece in pieces:
            if stale():
                return
            if isinstance(piece, tuple):
                gutter, line = piece
                gutter_width = gutter_width or gutter.cell_len
                pending.extend(
                    self._gutter_lines(console, options, gutter, line, job.width, gutter_width)
                )
            else:
                try:
                    pending.extend(_lines(console, piece, options, job.width, stale))
                except _Stale:
                    return
            now = time.perf_counter()
            every = EMIT_SECONDS if sent < job.height else EMIT_SECONDS_BELOW
            if first or sent < job.height or now - last_emit >= every:
                if first:
                    trace.mark("view: first lines rendered")
                self.post_message(
                    self.Rendered(job.generation, pending, first, False, now - started)
                )
                filled = sent < job.height <= sent + len(pending)
                sent += len(pending)
                if sent - frozen >= FREEZE_LINES:
                    # Rendered lines live as long as the agent is shown, and a 1 MB prompt makes
                    # ~1M objects: each full GC pass walked them all, stalling the event loop
                    # 100-280 ms again and again. Frozen objects are skipped by the cyclic GC and
                    # still freed by reference counting when the pane drops them (they hold no
                    # cycles). 1 MB prompt: worst loop stall 175-310 ms -> see FREEZE_LINES.
                    memory.freeze()
                    frozen = sent
                pending, first, last_emit = [], False, now
                if filled:
                    # The visible part is sent: let the event loop show it (and take the next
                    # key) before rendering the rest holds the GIL again.
                    job.shown.wait(0.25)
        self.post_message(
            self.Rendered(job.generation, pending, first, True, time.perf_counter() - started)
        )

    @staticmethod
    def _gutter_lines(
        console: Console, options, gutter: Text, line: Text, width: int, gutter_width: int
    ) -> list[Strip]:  # type: ignore[no-untyped-def]
        """One raw line wrapped beside its line number (continuations get a blank gutter)."""
        body_width = max(1, width - gutter_width)
        wrapped = console.render_lines(
            line, options.update(width=body_width), pad=True, new_lines=False
        )
        blank = Segment(" " * gutter_width)
        strips = []
        for index, segments in enumerate(wrapped):
            # Text.render drops the Text's own style (it applies only spans): style it here, or
            # the line numbers lose their muted colour and a problem's line is not marked.
            head = (
                [Segment(gutter.plain, console.get_style(gutter.style))] if index == 0 else [blank]
            )
            strips.append(Strip(head + segments, width))
        return strips

    def on_agent_view_rendered(self, message: Rendered) -> None:
        """Lines from the thread: start a new document, or extend the one under way."""
        message.stop()
        if message.generation != self._generation:
            return  # a stale render of an agent no longer shown
        below = False
        if message.first:
            trace.mark("view: first lines arrive")
            self._replace_lines(list(message.lines))
            self._lines_generation = message.generation
            self._first_due = True
        else:
            # Lines below the visible part change only the scrollbar: no repaint of the text.
            below = len(self._lines) >= round(self.scroll_y) + self.scrollable_content_region.height
            self._lines.extend(message.lines)
        if message.done:
            self.rendering = False
            self.last_render_seconds = message.seconds
        if self._first_due:
            filled = len(self._lines) >= self.scrollable_content_region.height
            if filled or message.done:
                self._paint_first()
            elif self._first_timer is None:
                self._first_timer = self.set_timer(FIRST_PAINT_SECONDS, self._paint_first)
            return
        self._update(repaint=not below)

    def _paint_first(self) -> None:
        """Paint the new agent's first lines (all that has arrived)."""
        if self._first_timer is not None:
            self._first_timer.stop()
            self._first_timer = None
        if not self._first_due:
            return
        self._first_due = False
        self._update()

    def _set_lines(self, lines: list[Strip]) -> None:
        self._replace_lines(lines)
        self._update()

    def _replace_lines(self, lines: list[Strip]) -> None:
        """Swap in new lines; a big old document is freed in a thread, a slice at a time.

        Freeing the ~1M objects of a rendered 1 MB prompt takes 55-60 ms in one go: on the
        event loop that delayed the next agent by as much.
        """
        old, self._lines = self._lines, lines
        if len(old) > RELEASE_LINES:
            threading.Thread(
                target=_release, args=(old,), name="agent-view-release", daemon=True
            ).start()

    def _update(self, repaint: bool = True) -> None:
        size = Size(self._width, len(self._lines))
        if size != self.virtual_size:
            self._resize_document(size)
        if repaint:
            self.refresh()

    def _resize_document(self, size: Size) -> None:
        """A new document length: a layout only when the scrollbar appears or goes.

        Setting `virtual_size` makes Textual lay out the whole screen (8-16 ms a frame in traces
        on a 2-core machine), though the pane's width is fixed (`scrollbar-gutter: stable`): when
        the scrollbar stays, its window is updated in place instead.
        """
        scrolls = size.height > self.container_size.height
        update = getattr(self, "_scroll_update", None)  # Textual's own, run after a layout
        if (
            update is None
            or scrolls != self.show_vertical_scrollbar
            or size.width != self.virtual_size.width
        ):
            self.virtual_size = size
            return
        self.set_reactive(AgentView.virtual_size, size)
        update(size)

    def render_line(self, y: int) -> Strip:
        """Draw one visible line."""
        width, base = self.frame_constants()
        index = y + round(self.scroll_y)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        if (
            y == self.scrollable_content_region.height - 1
            and self._lines_generation == self._generation
            and not self._shown.is_set()
        ):
            # The pane's last row of this render is being drawn: the visible part is on
            # screen, and the render thread may go on with the rest.
            trace.mark("view: visible part painted")
            self._shown.set()
        return self._lines[index].apply_style(base).crop_extend(0, width, base)
