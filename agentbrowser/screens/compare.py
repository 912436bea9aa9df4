"""The compare screen: two agents side by side, their fields, tools, description and prompt diffed.

The model computes the comparison (agentbrowser.model.compare) in a thread worker; the diff view
lays it out in another. The screen only wires keys to them and says what happened.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from agentbrowser.model.compare import Comparison, percent
from agentbrowser.model.records import Agent
from agentbrowser.model.text import one_line, plural
from agentbrowser.render.pieces import display_path
from agentbrowser.widgets.diff_view import ColumnHeader, DiffView
from agentbrowser.widgets.key_bar import KeyBar

CSS = Path(__file__).with_name("compare.tcss")


@dataclass
class Compared(Message):
    """The comparison of the screen's pair is computed."""

    generation: int
    comparison: Comparison
    seconds: float


@dataclass
class CompareFailed(Message):
    """Computing the comparison raised (a bug): the screen says so instead of hanging."""

    generation: int
    error: str


class CompareScreen(Screen[None]):
    """Compare agent A with agent B; escape goes back to the list as it was."""

    CSS_PATH = CSS
    AUTO_FOCUS = "DiffView"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_change", "Next change"),
        Binding("N", "previous_change", "Previous change"),
        Binding("u", "toggle_unified", "Split / unified"),
        Binding("s", "swap", "Swap sides"),
        Binding("c", "copy_diff", "Copy diff"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        a: Agent,
        b: Agent,
        notes: tuple[str, str] | None = None,
        letters: tuple[str, str] = ("A", "B"),
    ) -> None:
        super().__init__()
        self.a = a
        """The agent in the left column (A)."""
        self.b = b
        """The agent in the right column (B)."""
        self.notes = notes
        """What each side is, said over its column in place of its path (`there now`, `as
        write`), where both sides are one path."""
        self.letters = letters
        """What the columns are called (the N-way compare's letters, when opened from it)."""
        self.comparison: Comparison | None = None
        """The comparison shown; None while it is computed."""
        self.compare_seconds = 0.0
        """How long the last comparison took in its thread."""
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Static(id="compare-summary")
        yield ColumnHeader(id="compare-names")
        yield DiffView(id="compare-diff")
        yield KeyBar()

    @property
    def diff_view(self) -> DiffView:
        """The diff body."""
        return self.query_one(DiffView)

    @property
    def busy(self) -> bool:
        """True until the comparison is computed and laid out (tests and screenshots wait)."""
        return self.comparison is None or self.diff_view.laying_out

    def on_mount(self) -> None:
        self._start()

    # -- computing -------------------------------------------------------------------------

    def _start(self) -> None:
        """Show the names at once, then compare in a thread."""
        self._generation += 1
        self.comparison = None
        header = self.query_one(ColumnHeader)
        note_a, note_b = self.notes or (display_path(self.a.path), display_path(self.b.path))
        header.names = (self.a.name, note_a, self.b.name, note_b)
        header.letters = self.diff_view.letters = self.letters
        self.sub_title = f"{one_line(self.a.name, 40)} \u2194 {one_line(self.b.name, 40)}"
        summary = Text("Comparing\u2026 ", style="bold")
        summary.append(f"{one_line(self.a.name, 50)} with {one_line(self.b.name, 50)}")
        self.query_one("#compare-summary", Static).update(summary)
        self.diff_view.show(None)
        self.run_compare(self.a, self.b, self._generation)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def run_compare(self, a: Agent, b: Agent, generation: int) -> None:
        """Compare in a thread (reading deferred prompts included): the UI never waits."""
        from agentbrowser.model.compare import compare

        started = time.perf_counter()
        try:
            comparison = compare(a, b)
        except Exception as exc:  # noqa: BLE001 (a bug in the model: say so, keep the app alive)
            self.post_message(CompareFailed(generation, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(Compared(generation, comparison, time.perf_counter() - started))

    def on_compared(self, message: Compared) -> None:
        """The comparison is ready: summarise it and hand it to the diff view."""
        if message.generation != self._generation:
            return  # the sides were swapped meanwhile
        self.comparison = message.comparison
        self.compare_seconds = message.seconds
        self.query_one("#compare-summary", Static).update(self._summary(message.comparison))
        self.diff_view.show(message.comparison)

    def on_compare_failed(self, message: CompareFailed) -> None:
        """Say what failed; escape still goes back."""
        if message.generation != self._generation:
            return
        self.diff_view.placeholder = "Could not compare these agents"
        self.notify(f"Could not compare: {message.error}", severity="error", timeout=10)

    @staticmethod
    def _summary(comparison: Comparison) -> Text:
        scores = comparison.scores
        text = Text(" Similarity ", end="")
        text.append(percent(comparison.similarity), style="bold")
        text.append(f"  \u00b7  {plural(comparison.changed_lines, 'changed line')}, ")
        text.append(plural(comparison.changed_words, "changed word"))
        text.append(
            f"  \u00b7  prompt {percent(scores.prompt, 0)}, description {percent(scores.description, 0)},"
            f" tools {percent(scores.tools, 0)}, other fields {percent(scores.fields, 0)}",
            style="dim",
        )
        if comparison.similarity == 1.0 and comparison.not_counted:
            text.append(f"; {' and '.join(comparison.not_counted)} not counted", style="dim")
        return text

    # -- keys ------------------------------------------------------------------------------

    def action_next_change(self) -> None:
        """Scroll the next change to the top and mark it."""
        if self.busy:
            return
        if not self.diff_view.changes:
            self.notify("No changes: these agents are the same")
        elif not self.diff_view.next_change():
            self.notify("No more changes below (N goes back)")

    def action_previous_change(self) -> None:
        """Scroll the previous change to the top and mark it."""
        if self.busy:
            return
        if not self.diff_view.changes:
            self.notify("No changes: these agents are the same")
        elif not self.diff_view.previous_change():
            self.notify("No more changes above (n goes forward)")

    def action_toggle_unified(self) -> None:
        """Switch between two columns and one column of - and + lines."""
        unified = not self.diff_view.unified
        self.diff_view.unified = unified
        self.query_one(ColumnHeader).unified = unified

    def action_swap(self) -> None:
        """Put B on the left and A on the right, and compare again."""
        self.a, self.b = self.b, self.a
        if self.letters != ("A", "B"):  # the N-way compare's letters name agents, not sides
            self.letters = (self.letters[1], self.letters[0])
        if self.notes:
            self.notes = (self.notes[1], self.notes[0])
        self._start()

    def action_copy_diff(self) -> None:
        """Copy the unified diff of description and prompt."""
        if self.comparison is None:
            self.notify("Still comparing: try again in a moment")
            return
        self.copy_diff(self.comparison)

    @work(thread=True, group="copy", exit_on_error=False)
    def copy_diff(self, comparison: Comparison) -> None:
        """Copy in a thread: a slow system clipboard never blocks the UI."""
        from agentbrowser.clipboard import copy_shown
        from agentbrowser.model.compare import unified

        text = unified(comparison)
        if not text:
            self.app.call_from_thread(
                self.notify, "Description and prompt are the same: no diff to copy"
            )
            return

        def terminal(value: str) -> None:
            self.app.call_from_thread(self.app.copy_to_clipboard, value)

        copied = copy_shown(
            text,
            lambda kept: f"the unified diff ({plural(len(kept.splitlines()), 'line')})",
            terminal,
        )
        self.app.call_from_thread(lambda: self.notify(**copied.notification()))

    def action_back(self) -> None:
        """Back to the list, on the agent that was highlighted."""
        self.dismiss(None)


class ClashCompareScreen(CompareScreen):
    """From the install dialog: the file there now (A) beside the file install would write in
    its place (B). `o` replaces the file (the dialog writes it, or first asks for the findings
    it shows to be read); escape keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "replace", "Replace the file there"),
        *CompareScreen.BINDINGS,
    ]

    def __init__(self, there: Agent, coming: Agent) -> None:
        super().__init__(there, coming, ("(there now)", "(to write)"))
        self.replace = False
        """True once `o` asked to replace the file there."""

    def action_replace(self) -> None:
        """Back to the install dialog, replacing the file there."""
        self.replace = True
        self.dismiss(None)
