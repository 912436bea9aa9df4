"""The repair of a file's frontmatter (`F`), shown as a diff and applied on confirmation."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from agentbrowser.model.text import one_line, sanitize

#: Diff lines shown at most: frontmatter is short, but a hostile file's need not be.
MAX_LINES = 500


class FixConfirm(ModalScreen[bool]):
    """The unified diff of a repair; dismisses with True to write it, False to leave the file.
    A repair that cannot be written (`blocked`: a read-only file...) is shown all the same, and
    says why it is not written."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "apply", "Write the repair"),
        Binding("n,escape,q", "cancel", "Leave the file as it is"),
    ]

    def __init__(self, name: str, summary: str, diff: str, blocked: str | None = None) -> None:
        super().__init__()
        self.agent_name = name
        self.summary = summary
        self.diff = diff
        self.blocked = blocked

    def compose(self) -> ComposeResult:
        with Vertical(id="fix-dialog"):
            yield Label(
                Text(f"Repair the frontmatter of {one_line(self.agent_name, 50)}"), id="fix-title"
            )
            yield Label(Text(one_line(self.summary, 400)), id="fix-summary")
            with VerticalScroll(id="fix-diff"):
                lines = self.diff.splitlines()
                for line in lines[:MAX_LINES]:
                    kind = (
                        "diff-add"
                        if line.startswith("+")
                        else "diff-del"
                        if line.startswith("-")
                        else "diff-same"
                    )
                    if line.startswith(("+++", "---", "@@")):
                        kind = "diff-head"
                    # File text: sanitised, and a Text, so no markup or escape reaches the screen.
                    yield Static(Text(sanitize(line.rstrip("\r"))), classes=f"diff-line {kind}")
                if len(lines) > MAX_LINES:
                    more = f"\u2026 {len(lines) - MAX_LINES:,} more lines (agentbrowser fix --diff)"
                    yield Static(Text(more), classes="diff-line diff-head")
            if self.blocked is None:
                hint = "y or enter: write it \u00b7 n or escape: leave the file"
            else:
                hint = f"not written: {one_line(self.blocked, 120)} \u00b7 escape closes"
            yield Label(Text(hint), id="fix-hint")

    def action_apply(self) -> None:
        """Write the repair (a repair that cannot be written: say why, write nothing)."""
        if self.blocked is not None:
            self.notify(
                f"Not written: {one_line(self.blocked, 120)}", severity="warning", markup=False
            )
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without writing."""
        self.dismiss(False)
