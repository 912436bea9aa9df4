"""Choose which members of a large group to compare: a comparison holds 2 to 6 agents.

A box over the groups view lists every member (the first six chosen, or the last choice made
for the group); space chooses and unchooses, enter compares the chosen ones (two in the
two-way compare, 3 to 6 side by side).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from agentbrowser.model.multi import MAX_AGENTS
from agentbrowser.model.records import Agent
from agentbrowser.model.text import distinct_names, one_line
from agentbrowser.widgets.key_bar import KeyBar

CSS = Path(__file__).with_name("compare.tcss")


def _row(name: str, agent: Agent, chosen: bool) -> Text:
    """A member's line: ✓ when chosen (in words, not only the box's colour: a terminal without
    colours shows every box alike), its name (told apart from the others'), format and
    description, one line cut with `…` to the box's width (compare.tcss), never markup."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append("\u2713 " if chosen else "  ", style="bold")
    text.append(name or "(unnamed)", style="bold")
    text.append(f"  {agent.format}")
    if agent.description:
        text.append("  " + one_line(agent.description, 200), style="dim")
    return text


class GroupPicker(ModalScreen[list[Agent] | None]):
    """A group's members to choose from; dismisses with the chosen ones (in the group's order),
    or None on escape."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        # (the list takes space itself; here for the key bar, and a click on it)
        Binding("space", "toggle", "Choose"),
        # enter compares, whichever member is highlighted (the list would choose it instead)
        Binding("enter,d", "compare", "Compare the chosen", priority=True, key_display="\u23ce"),
        Binding("escape,q", "close", "Back", key_display="esc"),
    ]

    def __init__(
        self, role: str, members: Sequence[Agent], chosen: Sequence[int] | None = None
    ) -> None:
        super().__init__()
        self.role = role
        self.members = list(members)
        self.initial = set(range(MAX_AGENTS) if chosen is None else chosen)
        """The members chosen when the box opens: the first six, or the user's last choice."""
        self._names: list[str] = []

    def compose(self) -> ComposeResult:
        names = self._names = [
            one_line(name, 200) for name in distinct_names([(a.name, a.path) for a in self.members])
        ]
        with Vertical(id="group-picker-box"):
            yield Label(
                Text(
                    f"{one_line(self.role, 60)}: {len(self.members)} agents, "
                    f"a comparison holds 2 to {MAX_AGENTS}"
                ),
                id="group-picker-title",
            )
            yield SelectionList[int](
                *(
                    Selection(
                        _row(name, agent, index in self.initial), index, index in self.initial
                    )
                    for index, (name, agent) in enumerate(zip(names, self.members))
                ),
                id="group-picker-options",
            )
            yield Label(self._hint(), id="group-picker-hint")
        yield KeyBar()

    def chosen(self) -> list[int]:
        """The chosen members' indexes, in the group's order."""
        return sorted(self.query_one(SelectionList).selected)

    def _hint(self) -> Text:
        count = (
            len(self.chosen())
            if self.is_mounted
            else len(self.initial & set(range(len(self.members))))
        )
        return Text(
            f"{count} chosen \u00b7 space chooses \u00b7 enter compares \u00b7 escape goes back"
        )

    @on(SelectionList.SelectionToggled, "#group-picker-options")
    def _toggled(self, event: SelectionList.SelectionToggled[int]) -> None:
        """A seventh choice is refused: a comparison holds six at most."""
        options = self.query_one(SelectionList)
        if len(options.selected) > MAX_AGENTS:
            options.deselect(event.selection)
            self.notify(
                f"A comparison holds {MAX_AGENTS} agents at most: unchoose one first",
                severity="warning",
                markup=False,
            )
        self.query_one("#group-picker-hint", Label).update(self._hint())

    @on(SelectionList.SelectedChanged, "#group-picker-options")
    def _mark(self) -> None:
        """Each member's ✓ follows the choice."""
        options = self.query_one(SelectionList)
        chosen = set(options.selected)
        for index, (name, agent) in enumerate(zip(self._names, self.members)):
            options.replace_option_prompt_at_index(index, _row(name, agent, index in chosen))
        self.query_one("#group-picker-hint", Label).update(self._hint())

    def action_compare(self) -> None:
        """Compare the chosen members (two: the two-way compare)."""
        chosen = self.chosen()
        if len(chosen) < 2:
            self.notify(
                f"Choose at least two agents to compare ({len(chosen)} chosen)",
                severity="warning",
                markup=False,
            )
            return
        self.dismiss([self.members[i] for i in chosen])

    def action_toggle(self) -> None:
        """Choose or unchoose the highlighted member (space in the list does it itself)."""
        options = self.query_one(SelectionList)
        if options.highlighted is not None:
            options.toggle(options.get_option_at_index(options.highlighted))

    def action_close(self) -> None:
        """Back to the groups."""
        self.dismiss(None)
