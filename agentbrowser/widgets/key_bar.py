"""The bottom line of a screen: its main keys, and the command palette's. Click one to run it.

In place of textual's Footer, which mounts a widget per key and recomposes them whenever focus
moves: measured in the browser's start-up with 10,000 agents, ~230 ms of CPU after the first
frame (the loader's CPU), and again at every `/` and `escape`. This draws one line of text.
The keys are the screen's and the app's bindings with show=True, read once at mount.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget


class Key(NamedTuple):
    """One key shown: how it reads, what it does, and the action to run (on `target`)."""

    display: str
    description: str
    action: str
    target: str  # "screen" or "app"
    essential: bool = False
    """The way out (escape) or to help: kept in sight when a narrow screen drops others."""


class KeyBar(Widget):
    """One line of key hints, like textual's Footer at the cost of one line of text."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: list[Key] = []
        """The keys shown, left to right; the command palette's is last when it is shown."""
        self._spans: list[tuple[int, int, Key]] = []

    def on_mount(self) -> None:
        seen: set[str] = set()
        keys: list[Key] = []
        sources = (("screen", self.screen.BINDINGS), ("app", self.app.BINDINGS))
        for target, bindings in sources:
            for item in bindings:
                if not isinstance(item, Binding) or not item.show or item.action in seen:
                    continue
                seen.add(item.action)
                display = self.app.get_key_display(item)
                essential = item.key.split(",")[0] == "escape" or item.action == "help"
                keys.append(Key(display, item.description, item.action, target, essential))
        if self.app.ENABLE_COMMAND_PALETTE:
            display = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, ""))
            keys.append(Key(display, "Command palette", "command_palette", "app"))
        self.keys = keys
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        spans: list[tuple[int, int, Key]] = []
        palette = self.keys[-1] if self.keys and self.keys[-1].action == "command_palette" else None
        shown = [key for key in self.keys if key is not palette]
        # Room is kept for the way out and help, which a narrow screen shows before the rest.
        kept = sum(_width(key) for key in shown if key.essential)
        for key in shown:
            start = text.cell_len
            if key.essential:
                kept -= _width(key)
            if start + _width(key) + kept > self.size.width:
                continue  # whole keys only (`space Choose for` read as a key of its own); a
                # shorter one after it may still fit
            text.append(f" {key.display} ", key_style)
            text.append(f"{key.description} ", description_style)
            spans.append((start, text.cell_len, key))
        if palette is not None:
            right = Text.assemble(
                (f" {palette.display} ", key_style), (f"{palette.description} ", description_style)
            )
            gap = self.size.width - text.cell_len - right.cell_len
            if gap >= 1:
                text.append(" " * gap)
                spans.append((text.cell_len, text.cell_len + right.cell_len, palette))
                text.append_text(right)
        self._spans = spans
        return text

    async def on_click(self, event: events.Click) -> None:
        """Run the action of the key clicked."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                target = self.screen if key.target == "screen" else self.app
                await target.run_action(key.action)
                return


def _width(key: Key) -> int:
    """The cells a key takes in the bar: ` display description `."""
    return cell_len(key.display) + cell_len(key.description) + 3
