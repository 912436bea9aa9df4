"""The agent list: a virtualised Line-API view that draws only the rows on screen.

ListView and DataTable build a widget or a row object per agent (39 s and 1.1 s for 10,000);
this list keeps a sequence of search matches and renders the ~15 visible rows on demand, so a
new search result is a swap of that sequence and a refresh, at any size.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from agentbrowser.loading import trace
from agentbrowser.model.records import ERROR, WARNING, Agent
from agentbrowser.model.search import Match
from agentbrowser.model.text import middle_cut, one_line, sanitize
from agentbrowser.render.agent import SWATCH
from agentbrowser.widgets.lines import FrameConstants

#: Short format badges, at most eight cells.
BADGES: dict[str, str] = {
    "claude-agent": "claude",
    "claude-command": "cmd",
    "claude-skill": "skill",
    "opencode-agent": "opencode",
    "copilot-agent": "copilot",
    "copilot-chatmode": "chatmode",
    "copilot-prompt": "prompt",
    "copilot-instructions": "instr",
    "cursor-rule": "cursor",
    "markdown": "md",
}
BADGE_WIDTH = 8
MODEL_WIDTH = 12
#: Below this many cells the list leaves the model out of its rows.
NARROW_WIDTH = 48
MARK = "\u25cf"  # ● marked for comparison
ACCENT = "\u258e"  # ▎ the agent's colour


def row_markers(agent: Agent) -> tuple[str, str]:
    """The problem marker (✗ error, ! warning, i info) and the relation marker (↓ shadowed, ≡ duplicate)."""
    severity = agent.worst_severity
    problem = {ERROR: "\u2717", WARNING: "!"}.get(severity or "", "i" if severity else " ")
    relation = "\u2193" if agent.shadowed_by else ("\u2261" if agent.duplicates else " ")
    return problem, relation


def _flat(text: str) -> str:
    """One line of sanitised text (names may hold newlines or tabs in hostile files)."""
    return sanitize(text.replace("\n", " ").replace("\t", " ").replace("\r", " "))


def _fit(segments: list[Segment], width: int, style: Style) -> list[Segment]:
    """Crop to width cells with an ellipsis when the text is longer, pad when shorter."""
    if width <= 0:
        return []
    strip = Strip(segments)
    if strip.cell_length > width:
        return [*strip.crop(0, width - 1), Segment("\u2026", style)]
    return list(strip.crop_extend(0, width, style))


class AgentList(FrameConstants, ScrollView, can_focus=True):
    """The agents that match the search, best first; the highlighted one is shown beside it."""

    ALLOW_MAXIMIZE = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter", "activate", "Read", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "agent-list--cursor",
        "agent-list--name",
        "agent-list--match",
        "agent-list--badge",
        "agent-list--model",
        "agent-list--description",
        "agent-list--mark",
        "agent-list--error",
        "agent-list--warning",
        "agent-list--relation",
        "agent-list--empty",
    }

    @dataclass
    class Highlighted(Message):
        """The highlighted agent changed (None when the list is empty)."""

        agent_list: AgentList
        agent: Agent | None

        @property
        def control(self) -> AgentList:
            """The list that posted the message."""
            return self.agent_list

        def can_replace(self, message: Message) -> bool:
            """Holding a key down: only the last highlight needs showing."""
            return isinstance(message, AgentList.Highlighted)

    @dataclass
    class Activated(Message):
        """Enter or a double click on an agent: the user wants to read it."""

        agent_list: AgentList
        agent: Agent

        @property
        def control(self) -> AgentList:
            """The list that posted the message."""
            return self.agent_list

    compact: reactive[bool] = reactive(False)
    """One line a row (name, badge, model, description) instead of two."""

    empty_text: reactive[str] = reactive("Loading\u2026")
    """What the list says when it has no rows."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._agents: Sequence[Agent] = ()
        self._matches: Sequence[Match] = ()
        self._marked: frozenset[str] = frozenset()
        self._cursor = 0
        self._announced: Agent | None = None

    # -- what the list holds ---------------------------------------------------------------

    @property
    def row_height(self) -> int:
        """Lines per agent."""
        return 1 if self.compact else 2

    @property
    def cursor(self) -> int:
        """The highlighted row."""
        return self._cursor

    @property
    def row_count(self) -> int:
        """How many agents are listed."""
        return len(self._matches)

    @property
    def highlighted(self) -> Agent | None:
        """The agent under the cursor."""
        if not self._matches:
            return None
        return self._agents[self._matches[self._cursor].index]

    def agent_at(self, row: int) -> Agent:
        """The agent listed at a row."""
        return self._agents[self._matches[row].index]

    def set_matches(
        self, agents: Sequence[Agent], matches: Sequence[Match], keep: int | None = None
    ) -> None:
        """Show new results: `keep` is the index in `agents` of the agent to stay on when it is
        still listed, else row 0. (An index, not a path: records may be made only when asked
        for, and looking for a path would make every one before it.)"""
        self._agents = agents
        self._matches = matches
        row = 0
        if keep is not None:
            for position, match in enumerate(matches):
                if match.index == keep:
                    row = position
                    break
        self._cursor = row
        self._update_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_cursor_into_view()
        self.refresh()
        self._announce()

    def set_marked(self, paths: Collection[str]) -> None:
        """Paths marked for comparison (drawn with a dot)."""
        self._marked = frozenset(paths)
        self.refresh()

    def move_to(self, row: int) -> None:
        """Highlight a row (clamped to the list)."""
        trace.mark(f"list: move to row {row}")
        if not self._matches:
            return
        row = max(0, min(row, len(self._matches) - 1))
        if row != self._cursor:
            # Only the two rows change (a scroll repaints the rest): a whole-list repaint cost
            # the event loop ~6 ms of a selection's ~50.
            self.refresh_lines(self._cursor * self.row_height, self.row_height)
            self._cursor = row
            self.refresh_lines(row * self.row_height, self.row_height)
        self._scroll_cursor_into_view()
        self._announce()

    def _announce(self) -> None:
        agent = self.highlighted
        if agent is not self._announced:
            self._announced = agent
            self.post_message(self.Highlighted(self, agent))

    def _update_size(self) -> None:
        self.virtual_size = Size(0, len(self._matches) * self.row_height)

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        if not height:
            return
        top = self._cursor * self.row_height
        bottom = top + self.row_height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom > self.scroll_y + height:
            self.scroll_to(y=bottom - height, animate=False, immediate=True)

    def watch_compact(self) -> None:
        self._update_size()
        self._scroll_cursor_into_view()
        self.refresh()

    def watch_empty_text(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- keys and mouse --------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height - 1)

    def action_cursor_up(self) -> None:
        """Highlight the agent above."""
        self.move_to(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """Highlight the agent below."""
        self.move_to(self._cursor + 1)

    def action_first(self) -> None:
        """Highlight the first agent."""
        self.move_to(0)

    def action_last(self) -> None:
        """Highlight the last agent."""
        self.move_to(len(self._matches) - 1)

    def action_page_up(self) -> None:
        """Move up a screenful."""
        self.move_to(self._cursor - self._page)

    def action_page_down(self) -> None:
        """Move down a screenful."""
        self.move_to(self._cursor + self._page)

    def action_activate(self) -> None:
        """Tell the screen the user wants to read the highlighted agent."""
        agent = self.highlighted
        if agent is not None:
            self.post_message(self.Activated(self, agent))

    def on_click(self, event: events.Click) -> None:
        """A click highlights the row; a double click also activates it."""
        offset = event.get_content_offset(self)
        if offset is None or not self._matches:
            return
        row = (offset.y + round(self.scroll_y)) // self.row_height
        if 0 <= row < len(self._matches):
            self.move_to(row)
            if event.chain >= 2:
                self.action_activate()

    # -- drawing ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        """Draw one line of the visible part of the list."""
        width, base = self.frame_constants()
        line = y + round(self.scroll_y)
        if not self._matches:
            if y == 0:
                text = Segment(" " + self.empty_text, base + self._style("agent-list--empty"))
                return Strip([text]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        row, part = divmod(line, self.row_height)
        if row >= len(self._matches):
            return Strip.blank(width, base)
        match = self._matches[row]
        agent = self._agents[match.index]
        if row == self._cursor:
            base = base + self.get_component_rich_style("agent-list--cursor")
        if part == 0:
            segments = self._first_line(agent, match, width, base)
        else:
            segments = self._second_line(agent, width, base)
        return Strip(segments, width)

    def _accent(self, agent: Agent, base: Style) -> Segment:
        """A bar in the agent's own colour (its `color` key), blank without one."""
        colour = SWATCH.get((agent.color or "").lower())
        if colour is None:
            return Segment(" ", base)
        return Segment(ACCENT, base + Style(color=colour))

    def _lead(self, agent: Agent, base: Style) -> list[Segment]:
        """Accent bar, comparison mark, problem and relation markers: four cells."""
        accent = self._accent(agent, base)
        marked = agent.path in self._marked
        mark = Segment(MARK if marked else " ", base + self._style("agent-list--mark"))
        problem, relation = row_markers(agent)
        problem_style = "agent-list--error" if agent.has_error else "agent-list--warning"
        return [
            accent,
            mark,
            Segment(problem, base + self._style(problem_style)),
            Segment(relation, base + self._style("agent-list--relation")),
            Segment(" ", base),
        ]

    def _name_segments(
        self, agent: Agent, match: Match, base: Style, width: int
    ) -> list[Segment]:
        """The name in ``width`` cells: cut in the middle when too long, so that variants
        sharing a long prefix keep the end that tells them apart."""
        name_style = base + self._style("agent-list--name")
        name = _flat(agent.name or "(unnamed)")
        cut = middle_cut(name, width) if cell_len(name) == len(name) else None
        hit_style = name_style + self._style("agent-list--match")
        spans = set(match.name_spans)
        if cut is None:
            if not spans:
                return [Segment(name, name_style)]
            return [
                Segment(char, hit_style if i in spans else name_style)
                for i, char in enumerate(name)
            ]
        head, tail = cut
        shown = [*range(head), -1, *range(len(name) - tail, len(name))]
        return [
            Segment("\u2026", name_style)
            if i < 0
            else Segment(name[i], hit_style if i in spans else name_style)
            for i in shown
        ]

    def _first_line(self, agent: Agent, match: Match, width: int, base: Style) -> list[Segment]:
        lead = self._lead(agent, base)
        badge = BADGES.get(agent.format, agent.format[:BADGE_WIDTH])
        # A narrow pane gives the model's cells to the name (the detail shows the model):
        # at 80 columns the list has ~34 cells, and variants need them to be told apart.
        model = _flat(agent.model or "") if width >= NARROW_WIDTH else ""
        model_width = min(MODEL_WIDTH, cell_len(model))
        tail_width = BADGE_WIDTH + 1 + (model_width + 1 if model_width else 0)
        tail = [Segment(badge.rjust(BADGE_WIDTH), base + self._style("agent-list--badge"))]
        if model_width:
            tail += [
                Segment(" ", base),
                *_fit([Segment(model, base + self._style("agent-list--model"))], model_width, base),
            ]
        tail.append(Segment(" ", base))
        name_width = width - 4 - 1 - tail_width
        if self.compact:
            name_width = min(name_width, max(12, width // 3))
        segments = (
            lead
            + _fit(self._name_segments(agent, match, base, name_width - 1), name_width - 1, base)
            + [Segment(" ", base)]
        )
        if self.compact:
            rest = width - 5 - name_width - tail_width
            segments += self._description(agent, rest, base)
        return segments + tail

    def _description(self, agent: Agent, width: int, base: Style) -> list[Segment]:
        style = base + self._style("agent-list--description")
        text = one_line(agent.description, max(width, 0) + 1) or "(no description)"
        return _fit([Segment(text, style)], width, base)

    def _second_line(self, agent: Agent, width: int, base: Style) -> list[Segment]:
        lead = [self._accent(agent, base), Segment("    ", base)]
        return lead + self._description(agent, width - 6, base) + [Segment(" ", base)]
