"""The search box: an Input whose arrow keys move the list, as in fzf."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

#: What the empty box says, longest first: the longest that fits its width is shown (a word
#: cut in half, `/ search: words,`, said less than a shorter hint whole).
PLACEHOLDERS = ("/ search: words, tool:Bash, model:opus\u2026", "/ search (? for help)", "/ search")


class FilterInput(Input):
    """Type to filter the list; up/down and page keys move the highlight without leaving."""

    def on_resize(self) -> None:
        room = self.content_region.width
        self.placeholder = next((p for p in PLACEHOLDERS if len(p) <= room), PLACEHOLDERS[-1])

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "navigate(1)", "Next match", show=False),
        Binding("up", "navigate(-1)", "Previous match", show=False),
        Binding("pagedown", "navigate(10)", "Page down", show=False),
        Binding("pageup", "navigate(-10)", "Page up", show=False),
    ]

    @dataclass
    class Navigate(Message):
        """Move the list's highlight by `delta` rows."""

        delta: int

    def action_navigate(self, delta: int) -> None:
        """Ask the screen to move the list's highlight."""
        self.post_message(self.Navigate(delta))
