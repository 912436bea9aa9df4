"""The resource menu (`o`): which of a skill's files to show in the detail pane."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from agentbrowser.model.records import Agent
from agentbrowser.model.text import one_line

#: The option that shows the skill itself again.
SKILL = "\0skill"


class ResourceMenu(ModalScreen[str | None]):
    """Pick a skill's file; dismisses with its relative path, SKILL for the skill itself, or
    None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_menu", "Cancel"),
    ]

    def __init__(self, agent: Agent, current: str | None = None) -> None:
        super().__init__()
        self.agent = agent
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="resource-menu"):
            title = f"Files of the skill {one_line(self.agent.name, 40)}"
            yield Label(Text(title), id="resource-title")
            options = [Option(Text("SKILL.md  (the skill itself)"), id=SKILL)]
            for index, relative in enumerate(self.agent.resources):
                options.append(Option(Text(one_line(relative, 200)), id=str(index)))
            menu = OptionList(*options, id="resource-options")
            if self.current is not None and self.current in self.agent.resources:
                menu.highlighted = self.agent.resources.index(self.current) + 1
            yield menu
            yield Label(Text("enter shows the file \u00b7 escape to cancel"), id="resource-hint")

    @on(OptionList.OptionSelected)
    def choose_highlighted(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a row shows that file."""
        option = event.option.id
        if option == SKILL or option is None:
            self.dismiss(SKILL)
        else:
            self.dismiss(self.agent.resources[int(option)])

    def action_dismiss_menu(self) -> None:
        """Close without changing what the pane shows."""
        self.dismiss(None)
