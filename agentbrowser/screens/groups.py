"""The groups view (`v`): agents that do the same job, grouped; enter compares a group's members.

The grouping (agentbrowser.model.roles) runs in a thread worker that reports its progress; the
list of groups shows when it is done, and keys work all along (escape leaves at any time).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from agentbrowser.model.multi import MAX_AGENTS
from agentbrowser.model.records import Agent
from agentbrowser.model.roles import Group
from agentbrowser.model.text import distinct_names, one_line, plural, shorten_apart
from agentbrowser.widgets.key_bar import KeyBar

#: Stages of the grouping, in order, and where each ends on the bar (out of 100): about the
#: share of the time each takes (reading and weighing the words most of it).
STAGES = {"reading": 50, "weighing": 85, "pairing": 90, "linking": 100}


@dataclass
class GroupingProgress(Message):
    """How far the grouping got: a stage and agents done of total."""

    stage: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        """Only the latest progress needs showing."""
        return isinstance(message, GroupingProgress)


@dataclass
class Grouped(Message):
    """The groups of the collection are computed."""

    groups: list[Group]
    seconds: float


class GroupsCache:
    """The groups of one collection (compared by identity), kept until it changes."""

    def __init__(self) -> None:
        self.agents: Sequence[Agent] | None = None
        self.groups: list[Group] | None = None
        self.choices: dict[tuple[str, ...], frozenset[str]] = {}
        """The members last chosen to compare in a group over six: the group's paths to the
        chosen paths (kept while the app runs: the view is left and opened again)."""


#: What a group's "% alike" is, said over the list (docs/variants.md says how it is made).
ALIKE = (
    "% alike: role similarity, weighed against the agents listed: rewrites of one job score "
    "about 10-20 %, agents of other jobs mostly under 5 %"
)


class GroupsScreen(Screen[None]):
    """Groups of agents that do the same job, largest first."""

    DEFAULT_CSS = """
    GroupsScreen { layout: vertical; }
    #groups-title { width: 100%; height: 1; background: $panel; color: $text; padding: 0 1; }
    #groups-progress { width: 100%; height: auto; padding: 1 1 0 1; }
    #groups-list { width: 100%; height: 1fr; border: none; }
    #groups-note { width: 100%; height: auto; color: $text-muted; padding: 0 1; display: none; }
    """

    AUTO_FOCUS = "#groups-list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_group", "Compare the group", show=True, priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, agents: Sequence[Agent], cache: GroupsCache) -> None:
        super().__init__()
        self.agents = agents
        """The collection grouped."""
        self.cache = cache
        self.groups: list[Group] | None = None
        """The groups shown; None while they are computed."""
        self.seconds = 0.0
        """How long the grouping took."""

    def compose(self) -> ComposeResult:
        yield Label(Text("Variants: agents that do the same job"), id="groups-title")
        with Vertical(id="groups-progress"):
            yield Label(Text(f"Grouping {len(self.agents):,} agents\u2026"), id="groups-stage")
            yield ProgressBar(total=max(1, len(self.agents)), show_eta=False, id="groups-bar")
        yield Label(Text(ALIKE), id="groups-note")
        yield OptionList(id="groups-list")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.cache.agents is self.agents and self.cache.groups is not None:
            self._show(self.cache.groups)
        else:
            self.run_grouping(self.agents)

    @work(thread=True, exclusive=True, group="groups", exit_on_error=False)
    def run_grouping(self, agents: Sequence[Agent]) -> None:
        """Group in a thread (reading deferred prompts included), reporting progress."""
        from agentbrowser.model.roles import group_roles

        started = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(GroupingProgress(stage, done, total))

        listed = list(agents)
        if getattr(self.app, "use_cache", False):
            from agentbrowser.loading.groups_cache import cached_groups

            groups = cached_groups(listed, lambda: group_roles(listed, progress=progress))
        else:
            groups = group_roles(listed, progress=progress)
        self.post_message(Grouped(groups, time.perf_counter() - started))

    def on_grouping_progress(self, message: GroupingProgress) -> None:
        """Move the bar; the stage says what is being done."""
        if self.groups is not None:
            return
        stages = list(STAGES)
        if message.stage in STAGES:
            number = stages.index(message.stage)
            start = STAGES[stages[number - 1]] if number else 0
            share = message.done / max(1, message.total)
            self.query_one("#groups-bar", ProgressBar).update(
                total=100, progress=start + (STAGES[message.stage] - start) * share
            )
        done = f" ({message.done:,})" if message.done else ""
        self.query_one("#groups-stage", Label).update(
            Text(f"Grouping {message.total:,} agents: {message.stage}{done}")
        )

    def on_grouped(self, message: Grouped) -> None:
        """Show the groups."""
        self.seconds = message.seconds
        self.cache.agents, self.cache.groups = self.agents, message.groups
        self._show(message.groups)

    def _show(self, groups: list[Group]) -> None:
        self.groups = groups
        self.query_one("#groups-progress").display = False
        self.query_one("#groups-note").display = bool(groups)
        grouped = sum(len(g.members) for g in groups)
        self.query_one("#groups-title", Label).update(
            Text(
                f"Variants: {plural(len(groups), 'group')}, {grouped:,} of "
                f"{len(self.agents):,} agents (role similarity)"
            )
        )
        listing = self.query_one("#groups-list", OptionList)
        listing.clear_options()
        if not groups:
            listing.add_option(Option(Text("No two agents here do the same job"), disabled=True))
            return
        width = max(16, self.size.width - 8)
        options = []
        for number, group in enumerate(groups):
            prompt = Text(one_line(group.role, 60), style="bold")
            prompt.append(
                f"  {len(group.members)} agents \u00b7 {group.similarity * 100:.0f}% alike"
            )
            members = [self.agents[i] for i in group.members]
            names = [one_line(n, 200) for n in distinct_names([(a.name, a.path) for a in members])]
            # Each member's name on its own line, cut in the middle: variants stay told apart.
            for name in shorten_apart(names, width):
                prompt.append("\n  " + name)
            options.append(Option(prompt, id=str(number)))
        listing.add_options(options)
        listing.highlighted = 0

    @on(OptionList.OptionSelected, "#groups-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.open_group(int(event.option.id or 0))

    def action_open_group(self) -> None:
        """Compare the highlighted group's members (enter)."""
        listing = self.query_one("#groups-list", OptionList)
        if self.groups is None:
            self.notify("Still grouping: the groups show when it is done")
        elif not self.groups:
            self.notify("No group to compare: no two agents here do the same job")
        elif listing.highlighted is not None:
            self.open_group(listing.highlighted)

    def open_group(self, number: int) -> None:
        """Open the comparison of a group: the two-way one for a pair, side by side for 3 to 6;
        from a larger group, the members the user chooses."""
        if not self.groups or not 0 <= number < len(self.groups):
            return
        group = self.groups[number]
        members = [self.agents[i] for i in group.members]
        if len(members) > MAX_AGENTS:
            from agentbrowser.screens.group_picker import GroupPicker

            key = tuple(agent.path for agent in members)

            def chosen(picked: list[Agent] | None) -> None:
                if picked:  # kept for the next time this group is opened
                    self.cache.choices[key] = frozenset(agent.path for agent in picked)
                self._compare(picked)

            kept = self.cache.choices.get(key)
            before = None if kept is None else [i for i, a in enumerate(members) if a.path in kept]
            picker = GroupPicker(group.role, members, before)
            self.app.push_screen(picker, chosen)
            return
        self._compare(members)

    def _compare(self, members: list[Agent] | None) -> None:
        if not members:
            return
        if len(members) == 2:
            from agentbrowser.screens.compare import CompareScreen

            self.app.push_screen(CompareScreen(*members))
            return
        from agentbrowser.screens.multi_compare import MultiCompareScreen

        self.app.push_screen(MultiCompareScreen(members))

    def action_back(self) -> None:
        """Back to the list."""
        self.dismiss(None)
