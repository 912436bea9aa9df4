"""Compare 3 to 6 agents at once: fields as a table, tools as a matrix, prompts by paragraph.

The model (agentbrowser.model.multi) computes the comparison in a thread worker; the screen
shows it, one member's description and prompt at a time with each paragraph marked shared by
all, by some (which) or unique, and wires the keys: n/N between unique paragraphs, left/right
between members, c to copy a member's prompt, space on two members to open the two-way
compare, t to fold or unfold the tools matrix, i to install the member shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from agentbrowser.model.multi import ALL, UNIQUE, MultiComparison, letters
from agentbrowser.model.records import Agent
from agentbrowser.model.text import distinct_names, one_line, plural, sanitize, shorten_apart
from agentbrowser.render.multi_layout import (
    description_part,
    fields_table,
    marked_paragraph,
    part_label,
    tools_summary,
    tools_table,
)
from agentbrowser.widgets.key_bar import KeyBar

CSS = Path(__file__).with_name("multi_compare.tcss")
#: Paragraphs shown as widgets of their own; the rest of a huge prompt is one more.
MAX_PART_WIDGETS = 400


@dataclass
class MultiCompared(Message):
    """The comparison of the screen's agents is computed."""

    comparison: MultiComparison


@dataclass
class MultiCompareFailed(Message):
    """Computing the comparison raised (a bug): the screen says so instead of hanging."""

    error: str


class PromptPart(Static):
    """One paragraph of the shown member's prompt, with who else has it."""


class MultiCompareScreen(Screen[None]):
    """3 to 6 agents side by side; escape goes back to where it was opened."""

    CSS_PATH = CSS
    AUTO_FOCUS = "#multi-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Short words for the key bar (all of it fits 80 columns); help says them in full.
        Binding(
            "n",
            "next_unique",
            "Unique",
            key_display="n/N",
            tooltip="Next / previous paragraph that no other agent has",
        ),
        Binding("N", "previous_unique", "Previous unique", show=False),
        Binding(
            "right,l",
            "member(1)",
            "Next agent",
            key_display="\u2192 l",
            tooltip="Show the next agent's description and prompt",
        ),
        Binding(
            "left,h", "member(-1)", "Show the previous agent's description and prompt", show=False
        ),
        Binding(
            "space",
            "choose",
            "Pick two",
            tooltip="Choose the agent shown; choosing a second compares the two side by side",
        ),
        Binding("c", "copy_prompt", "Copy", tooltip="Copy the shown agent's prompt"),
        Binding("t", "toggle_tools", "Tools", tooltip="The tools matrix tool by tool, or folded"),
        Binding("i", "install", "Install the shown agent\u2026", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, agents: list[Agent]) -> None:
        super().__init__()
        self.agents = list(agents)
        """The agents compared, in column order (A, B, ...)."""
        self.comparison: MultiComparison | None = None
        """The comparison shown; None while it is computed."""
        self.member = 0
        """Whose prompt is shown (an index into ``agents``)."""
        self.chosen: list[int] = []
        """Members chosen with space for the two-way compare."""
        self._unique_at = -1
        self.tools_folded: bool | None = None
        """The tools matrix folded to one row (True), a row per tool (False), or as the
        screen's height has it (None: folded where it would crowd the prompt out)."""

    def compose(self) -> ComposeResult:
        yield Static(id="multi-summary")
        yield Static(id="multi-legend")
        with VerticalScroll(id="multi-body"):
            yield Static(id="multi-fields")
            yield Static(id="multi-tools")
            yield Static(id="multi-prompt-title")
            # Not a scroll view of its own: a second scrollbar narrowed its paragraphs, which
            # then wrapped taller than the height it had taken, and its last lines never showed.
            yield Vertical(id="multi-prompt")
        # What the marks mean stays in sight however far the prompt is scrolled.
        yield Static(id="multi-prompt-key")
        yield KeyBar()

    @property
    def busy(self) -> bool:
        """True until the comparison is computed and shown (tests wait on it)."""
        return self.comparison is None

    def on_mount(self) -> None:
        summary = Text("Comparing\u2026 ", style="bold")
        summary.append(f"{len(self.agents)} agents")
        self.query_one("#multi-summary", Static).update(summary)
        self._show_legend()
        self.run_compare(self.agents)

    @work(thread=True, exclusive=True, group="multi-compare", exit_on_error=False)
    def run_compare(self, agents: list[Agent]) -> None:
        """Compare in a thread (reading deferred prompts included): the UI never waits."""
        from agentbrowser.model.multi import compare_many

        try:
            comparison = compare_many(agents)
        except Exception as exc:  # noqa: BLE001 (a bug in the model: say so, keep the app alive)
            self.post_message(MultiCompareFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(MultiCompared(comparison))

    def on_multi_compared(self, message: MultiCompared) -> None:
        """Show the table, the matrix and the first member's prompt."""
        self.comparison = message.comparison
        self._show_fields()
        self._show_tools()
        self._show_summary()
        self._show_prompt()

    def _show_fields(self) -> None:
        if self.comparison is not None:
            table = fields_table(self.comparison, self.size.width)
            self.query_one("#multi-fields", Static).update(table)

    def folds_tools(self) -> bool:
        """Whether the tools matrix shows folded: as `t` last set it, else when its rows would
        take more than a third of the body (at 80x24 the tables filled it, and the prompts,
        which tell the variants apart, began below the screen)."""
        if self.tools_folded is not None:
            return self.tools_folded
        if self.comparison is None or not self.comparison.tools:
            return False
        height = self.query_one("#multi-body", VerticalScroll).size.height or self.size.height
        return len(self.comparison.tools) + 2 > height // 3

    def _show_tools(self) -> None:
        if self.comparison is not None:
            fold = self.folds_tools()
            table = tools_summary(self.comparison) if fold else tools_table(self.comparison)
            self.query_one("#multi-tools", Static).update(table)

    def on_resize(self) -> None:
        """Names are cut to the width: a wider or narrower screen cuts them anew. The paragraph
        read at the top (or the one `n` went to) stays in view: paragraphs wrap anew."""
        self._show_legend()
        self._show_fields()
        self.call_after_refresh(self._show_tools)  # once the body has its new height
        self._show_summary()
        body = self.query_one("#multi-body", VerticalScroll)
        parts = list(self.query(PromptPart))
        current = [part for part in parts if part.has_class("current")]
        # The first paragraph on screen (regions are still those of the old width).
        shown = [p for p in parts if p.region.height and p.region.bottom > body.region.y]
        anchor = (current or shown or [None])[0]
        if anchor is not None and body.scroll_y > 0:
            self.call_after_refresh(body.scroll_to_widget, anchor, animate=False, top=True)

    def on_multi_compare_failed(self, message: MultiCompareFailed) -> None:
        """Say what failed; escape still goes back."""
        self.notify(f"Could not compare: {message.error}", severity="error", timeout=10)

    # -- drawing ---------------------------------------------------------------------------

    def _names(self) -> list[str]:
        """The agents' names, two with the same name told apart by the end of their paths."""
        return distinct_names([(agent.name, agent.path) for agent in self.agents])

    def _name_width(self) -> int:
        return max(12, self.size.width - 6)

    def _show_legend(self) -> None:
        """One line per agent: its letter and its name, cut in the middle when too long."""
        legend = Text()
        names = shorten_apart([one_line(n, 200) for n in self._names()], self._name_width())
        for number, (letter, name) in enumerate(zip(letters(len(self.agents)), names)):
            if number:
                legend.append("\n")
            chosen = number in self.chosen
            shown = number == self.member
            legend.append(f"{'>' if shown else ' '}{letter}{'*' if chosen else ' '} ", style="bold")
            legend.append(name, style="bold" if shown else "")
        self.query_one("#multi-legend", Static).update(legend)

    def _show_summary(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        differing = sum(1 for f in comparison.fields if f.differs)
        verb = "differs" if differing == 1 else "differ"
        counts = ", ".join(
            f"{letter} {comparison.unique_count(i)}"
            for i, letter in enumerate(letters(len(self.agents)))
        )
        # The counts last, and said shorter where the line would be cut (at 80 columns the
        # fields' count read `· 4 fields`).
        for label in ("unique paragraphs", "unique"):
            text = Text(f" {len(self.agents)} agents", style="bold")
            text.append(f"  \u00b7  {plural(differing, 'field')} {verb}", style="dim")
            text.append(f"  \u00b7  {label}: {counts}")
            if text.cell_len <= self.size.width:
                break
        self.query_one("#multi-summary", Static).update(text)

    def _show_prompt(self) -> None:
        """The shown member's prompt, paragraph by paragraph, each marked with who has it."""
        comparison = self.comparison
        if comparison is None:
            return
        names = letters(len(self.agents))
        letter = names[self.member]
        title = Text(f"Description and prompt of {letter}: ", style="bold")
        title.append(one_line(self._names()[self.member], 80), style="bold")
        self.query_one("#multi-prompt-title", Static).update(title)
        reworded = any(part.reworded for part in comparison.prompts[self.member])
        key = Text(f"{letter}'s prompt", style="bold")
        key.append(
            f" \u00b7 {comparison.unique_count(self.member)} unique (n/N) \u00b7 "
            f"underlined: only {letter} says it" + (" \u00b7 \u2248 reworded" if reworded else "")
        )
        self.query_one("#multi-prompt-key", Static).update(key)
        container = self.query_one("#multi-prompt", Vertical)
        container.remove_children()
        widgets = []
        parts = comparison.prompts[self.member]
        # The description first, whole: it says when a tool picks the agent, and the fields
        # table has room for its first words only.
        agent = self.agents[self.member]
        if agent.description and agent.description.strip():
            widgets.append(PromptPart(description_part(agent), classes="description"))
        for part in parts[:MAX_PART_WIDGETS]:
            label = part_label(part, self.member, len(self.agents))
            classes = {ALL: "shared-all", UNIQUE: "unique"}.get(part.kind, "shared-some")
            own = comparison.only_words[self.member]
            widgets.append(PromptPart(marked_paragraph(label, part.text, own), classes=classes))
        if len(parts) > MAX_PART_WIDGETS:
            rest = "\n\n".join(p.text for p in parts[MAX_PART_WIDGETS:])
            widgets.append(PromptPart(Text(sanitize(rest)), classes="rest"))
        if not parts:
            widgets.append(PromptPart(Text("(empty prompt)", style="dim")))
        container.mount_all(widgets)
        self._unique_at = -1
        self._show_legend()

    # -- keys ------------------------------------------------------------------------------

    def _unique_widgets(self) -> list[PromptPart]:
        return list(self.query("#multi-prompt PromptPart.unique").results(PromptPart))

    def _jump(self, step: int) -> None:
        if self.busy:
            return
        found = self._unique_widgets()
        if not found:
            self.notify("Nothing unique here: every paragraph is in another agent too")
            return
        target = self._unique_at + step
        if self._unique_at == -1:  # none gone to yet: the first below (or above) the view
            top = self.query_one("#multi-body", VerticalScroll).scroll_y
            # (a paragraph's place in the prompt's container, plus the container's in the body)
            offset = self.query_one("#multi-prompt", Vertical).virtual_region.y
            below = [i for i, w in enumerate(found) if offset + w.virtual_region.y >= top]
            above = [i for i, w in enumerate(found) if offset + w.virtual_region.y < top]
            target = (below[:1] or [len(found)])[0] if step > 0 else (above[-1:] or [-1])[0]
        if not 0 <= target < len(found):
            self.notify(
                "No more unique paragraphs "
                + ("below (N goes back)" if step > 0 else "above (n goes forward)")
            )
            return
        for widget in found:
            widget.remove_class("current")
        self._unique_at = target
        found[target].add_class("current")
        self.query_one("#multi-body", VerticalScroll).scroll_to_widget(
            found[target], animate=False, top=True
        )

    def action_next_unique(self) -> None:
        """Scroll to the next paragraph no other agent has."""
        self._jump(1)

    def action_previous_unique(self) -> None:
        """Scroll to the previous paragraph no other agent has."""
        self._jump(-1)

    def action_member(self, step: int) -> None:
        """Show the next (or previous) agent's prompt."""
        if self.busy:
            return
        self.member = (self.member + step) % len(self.agents)
        self._show_prompt()
        # Read from the start: scrolled into one prompt, the next began at that depth (and `n`
        # then went back up to its first paragraph of its own).
        body = self.query_one("#multi-body", VerticalScroll)
        title = self.query_one("#multi-prompt-title", Static)
        if body.scroll_y > title.virtual_region.y:
            self.call_after_refresh(body.scroll_to_widget, title, animate=False, top=True)

    def action_choose(self) -> None:
        """Choose the shown agent for a two-way compare; the second choice opens it."""
        if self.member in self.chosen:
            self.chosen.remove(self.member)
        else:
            self.chosen.append(self.member)
        self._show_legend()
        if len(self.chosen) < 2:
            self.notify(
                f"{letters(len(self.agents))[self.member]} chosen: show another agent's prompt "
                "(\u2192) and press space to compare the two"
            )
            return
        a, b = (self.agents[i] for i in self.chosen[:2])
        names = letters(len(self.agents))
        pair = (names[self.chosen[0]], names[self.chosen[1]])
        self.chosen = []
        self._show_legend()
        from agentbrowser.screens.compare import CompareScreen

        self.app.clear_notifications()  # "A chosen: ..." is done with
        self.app.push_screen(CompareScreen(a, b, letters=pair))

    def action_toggle_tools(self) -> None:
        """Show the tools matrix a row per tool, or folded to one row."""
        if self.busy or not self.comparison or not self.comparison.tools:
            return
        self.tools_folded = not self.folds_tools()
        self._show_tools()

    def action_copy_prompt(self) -> None:
        """Copy the shown agent's prompt."""
        from agentbrowser.messages import CopyRequested

        agent, label = self.agents[self.member], self._names()[self.member]
        self.app.post_message(CopyRequested(agent, "prompt", label))

    def action_install(self) -> None:
        """Install the agent whose prompt is shown (the install dialog, as `i` in the list)."""
        from agentbrowser.messages import InstallRequested

        self.app.post_message(InstallRequested(self.agents[self.member]))

    def action_back(self) -> None:
        """Back to where the comparison was opened."""
        self.dismiss(None)
