"""Pick the second agent of a comparison: the agents most like one (`S`), or any by fuzzy search.

Both are small boxes over the browser. Choosing an agent opens the compare screen; escape from
there goes back to the list.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from agentbrowser.model.records import Agent
from agentbrowser.model.text import distinct_names, one_line

if TYPE_CHECKING:
    from agentbrowser.model.search import SearchIndex
    from agentbrowser.model.similar import SimilarityIndex

CSS = Path(__file__).with_name("compare.tcss")
#: How many similar agents are listed.
SIMILAR_LIMIT = 20
#: How many search results the compare-with picker lists.
PICK_LIMIT = 50


class SimilarityCache:
    """One SimilarityIndex per collection: built on first use (in a thread), kept until the
    collection changes (a reload makes a new agents tuple, which is compared by identity).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._agents: Sequence[Agent] | None = None
        self._index: SimilarityIndex | None = None
        self.build_seconds = 0.0
        """How long the last index took to build."""

    def cached(self, agents: Sequence[Agent]) -> SimilarityIndex | None:
        """The index of this collection when it is already built."""
        with self._lock:
            return self._index if self._agents is agents else None

    def index(self, agents: Sequence[Agent]) -> SimilarityIndex:
        """The index of this collection, built now if needed (call from a thread: it reads prompts)."""
        from agentbrowser.model.similar import SimilarityIndex

        with self._lock:
            if self._agents is agents and self._index is not None:
                return self._index
            started = time.perf_counter()
            index = SimilarityIndex(agents)
            self.build_seconds = time.perf_counter() - started
            self._agents, self._index = agents, index
            return index


def _row(agent: Agent, score: float | None, name: str | None = None) -> Text:
    """An option's text: similarity, name and description, sanitised (never markup); the list
    shows it on one line, cut with `…` to its width (compare.tcss), whatever that is. `name`:
    the name as the list tells it apart from another of the same name."""
    from agentbrowser.model.similar import percent

    text = Text(no_wrap=True, overflow="ellipsis", end="")
    if score is not None:
        text.append(f"{percent(score):>7}  ", style="bold")
    text.append(one_line(name or agent.name, 80) or "(unnamed)", style="bold")
    if agent.description:
        text.append("  " + one_line(agent.description, 200), style="dim")
    return text


def told_apart(agents: Sequence[Agent]) -> list[str]:
    """The agents' names, each told apart from another of the same name: by its scope
    (`design-system-architect (user)`), else by the end of its path."""
    names = distinct_names([(a.name, a.path) for a in agents], [a.scope for a in agents])
    counts = Counter(agent.name for agent in agents)
    return [
        f"{name} ({agent.scope})" if counts[agent.name] > 1 and name == agent.name else name
        for agent, name in zip(agents, names)
    ]


@dataclass
class SimilarFound(Message):
    """The agents most like the target, best first."""

    results: list[tuple[Agent, float]]
    seconds: float


class SimilarScreen(ModalScreen[Agent | None]):
    """The agents most like one, best first, each with its similarity; enter compares."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(
        self, target: Agent, agents: Sequence[Agent], cache: SimilarityCache | None = None
    ) -> None:
        super().__init__()
        self.target = target
        self.agents = agents
        self.cache = cache or SimilarityCache()
        self.results: list[tuple[Agent, float]] | None = None
        """The agents found, best first; None while searching."""
        self.seconds = 0.0
        """How long finding them took (index included when it was built)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="similar-box"):
            title = Text(f"Agents most like {one_line(self.target.name, 60)} (by text similarity)")
            yield Label(title, id="similar-title")
            yield OptionList(id="similar-options")
            yield Label(
                Text("enter compares with the highlighted agent \u00b7 escape closes"),
                id="similar-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        building = self.cache.cached(self.agents) is None and len(self.agents) > 1
        what = (
            f"Comparing with {len(self.agents):,} agents\u2026"
            if building
            else "Finding similar agents\u2026"
        )
        options.add_option(Option(Text(what, style="italic"), disabled=True))
        self.find()

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def find(self) -> None:
        """Build (or reuse) the index and ask it, in a thread."""
        started = time.perf_counter()
        try:
            index = self.cache.index(self.agents)
            from agentbrowser.model.similar import alike

            results = alike(index.query(self.target, SIMILAR_LIMIT))
        except Exception as exc:  # noqa: BLE001 (a bug in the model: say so, keep the app alive)
            error = f"{type(exc).__name__}: {exc}"
            self.app.call_from_thread(
                self.notify, f"Could not rank similar agents: {error}", severity="error"
            )
            self.post_message(SimilarFound([], time.perf_counter() - started))
            return
        self.post_message(SimilarFound(results, time.perf_counter() - started))

    def on_similar_found(self, message: SimilarFound) -> None:
        """Show the agents found, best first."""
        self.results = message.results
        self.seconds = message.seconds
        options = self.query_one(OptionList)
        options.clear_options()
        if not message.results:
            options.add_option(
                Option(Text("No other agents to compare with", style="italic"), disabled=True)
            )
            return
        found = [agent for agent, _ in message.results]
        names = told_apart(found)
        options.add_options(
            Option(_row(agent, score, name), id=str(i))
            for i, ((agent, score), name) in enumerate(zip(message.results, names))
        )
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#similar-options")
    def compare_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter on an agent: close the list and compare the target with it."""
        if self.results is None or event.option.id is None:
            return
        chosen = self.results[int(event.option.id)][0]
        open_comparison(self, self.target, chosen)

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss(None)


class CompareWithScreen(ModalScreen[Agent | None]):
    """Choose the agent to compare with by typing part of its name (the browser's search)."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
    ]

    def __init__(self, target: Agent, agents: Sequence[Agent], index: SearchIndex) -> None:
        super().__init__()
        self.target = target
        self.agents = agents
        self.index = index
        self.shown: list[Agent] = []
        """The agents listed, best match first."""

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-with-box"):
            yield Label(
                Text(f"Compare {one_line(self.target.name, 60)} with\u2026"),
                id="compare-with-title",
            )
            yield Input(placeholder="type part of a name or description", id="compare-with-input")
            yield OptionList(id="compare-with-options")
            yield Label(
                Text("enter compares \u00b7 up/down choose \u00b7 escape closes"),
                id="compare-with-hint",
            )

    def on_mount(self) -> None:
        self._filter("")

    @on(Input.Changed, "#compare-with-input")
    def filter_as_you_type(self, event: Input.Changed) -> None:
        """Show the best matches for what is typed."""
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        # The browser's own index: the same matching as its search box, ~2 ms at 10,000 agents.
        shown: list[Agent] = []
        for match in self.index.search(query):
            agent = self.agents[match.index]
            if agent.path != self.target.path:
                shown.append(agent)
                if len(shown) >= PICK_LIMIT:
                    break
        self.shown = shown
        options = self.query_one(OptionList)
        options.clear_options()
        if not shown:
            options.add_option(Option(Text("No agent matches", style="italic"), disabled=True))
            return
        options.add_options(Option(_row(agent, None), id=str(i)) for i, agent in enumerate(shown))
        options.highlighted = 0

    def action_move(self, delta: int) -> None:
        """Arrow keys in the box move the highlight in the list."""
        options = self.query_one(OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    @on(Input.Submitted, "#compare-with-input")
    def compare_highlighted(self) -> None:
        """Enter in the box compares with the highlighted agent."""
        highlighted = self.query_one(OptionList).highlighted
        if self.shown and highlighted is not None:
            open_comparison(self, self.target, self.shown[highlighted])

    @on(OptionList.OptionSelected, "#compare-with-options")
    def compare_chosen(self, event: OptionList.OptionSelected) -> None:
        """A click (or enter in the list) compares with that agent."""
        if event.option.id is not None:
            open_comparison(self, self.target, self.shown[int(event.option.id)])

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss(None)


def open_comparison(picker: ModalScreen[Agent | None], a: Agent, b: Agent) -> None:
    """Close a picker and open the compare screen in its place (escape there goes to the list)."""
    from agentbrowser.screens.compare import CompareScreen

    app = picker.app
    picker.dismiss(b)
    app.push_screen(CompareScreen(a, b))
