"""The copy menu (`y`): which part of the agent to copy, chosen by one key."""

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

#: (key, part, label): the part names are those of `agentbrowser copy --part`.
CHOICES: tuple[tuple[str, str, str], ...] = (
    ("p", "prompt", "prompt (the body, without frontmatter)"),
    ("d", "description", "description"),
    ("f", "file", "the whole file"),
    ("n", "name", "name"),
    ("a", "path", "path (absolute)"),
)


class CopyMenu(ModalScreen[str | None]):
    """Pick a part to copy; dismisses with its name, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_menu", "Cancel"),
        Binding("y", "choose('prompt')", "Copy prompt", show=False),
        *(Binding(key, f"choose('{part}')", f"Copy {part}") for key, part, _ in CHOICES),
    ]

    def __init__(self, agent: Agent) -> None:
        super().__init__()
        self.agent = agent

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-menu"):
            yield Label(Text(f"Copy from {one_line(self.agent.name, 40)}"), id="copy-title")
            options = []
            for key, part, label in CHOICES:
                prompt = Text()
                prompt.append(f" {key} ", style="bold reverse")
                prompt.append(f"  {label}")
                options.append(Option(prompt, id=part))
            yield OptionList(*options, id="copy-options")
            yield Label(Text("enter or a key to copy \u00b7 escape to cancel"), id="copy-hint")

    @on(OptionList.OptionSelected)
    def choose_highlighted(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a row copies that part."""
        self.dismiss(event.option.id)

    def action_choose(self, part: str) -> None:
        """A letter key copies its part."""
        self.dismiss(part)

    def action_dismiss_menu(self) -> None:
        """Close without copying."""
        self.dismiss(None)
