"""The help screen (`?`, F1): every binding, read from the classes that define them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

#: How to search, shown under the keys.
SEARCH_HELP: tuple[tuple[str, str], ...] = (
    ("words", "fuzzy over name, description, tools, model and format; all must match"),
    ("tool:Bash", "agents allowed that tool, by name or with no tools list (every tool)"),
    ("model:opus", "agents whose model contains opus"),
    ("format:cursor-rule", "one format (claude-agent, copilot-agent, opencode-agent, ...)"),
    ("scope:user", "project, user, plugin, bundled or path"),
    ("is:error", "agents with errors (also is:warning, is:info, is:shadowed, is:duplicate)"),
)

#: Markers in the list.
MARKERS: tuple[tuple[str, str], ...] = (
    ("\u258e", "the agent's colour"),
    ("\u25cf", "marked for comparison (space)"),
    ("\u2717 ! i", "the file has errors / warnings / notes only"),
    ("\u2193", "shadowed by an agent of the same name in a higher scope"),
    ("\u2261", "another file in the same scope has the same name"),
)

Section = tuple[str, list[tuple[str, str]]]


def binding_rows(app: App[object], bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) rows; keys bound to one action are shown together, a hidden key
    that another's display names (`N` of `n/N`) not again, and a key bar's short word as the
    binding's tooltip says it in full."""
    rows: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    made = list(Binding.make_bindings(bindings))
    named = {part.strip() for b in made if b.key_display for part in b.key_display.split("/")}
    for binding in made:
        if not binding.description or (not binding.show and binding.key in named):
            continue
        rows.setdefault(binding.action, [])
        key = app.get_key_display(binding)
        if key not in rows[binding.action]:
            rows[binding.action].append(key)
        descriptions[binding.action] = binding.tooltip or binding.description
    return [(" ".join(keys), descriptions[action]) for action, keys in rows.items()]


def help_sections(app: App[object], here: type | None = None) -> list[Section]:
    """Every binding of the browser, grouped by where it works; the section of the screen
    ``here`` (the one help was opened over) first."""
    from textual.containers import ScrollableContainer

    from agentbrowser.screens.browse import BrowseScreen
    from agentbrowser.screens.compare import CompareScreen
    from agentbrowser.screens.copy_menu import CopyMenu
    from agentbrowser.screens.fix_confirm import FixConfirm
    from agentbrowser.screens.groups import GroupsScreen
    from agentbrowser.screens.install_dialog import InstallDialog
    from agentbrowser.screens.multi_compare import MultiCompareScreen
    from agentbrowser.widgets.agent_list import AgentList
    from agentbrowser.widgets.agent_view import AgentView
    from agentbrowser.widgets.filter_input import FilterInput

    scroll = [
        b
        for b in Binding.make_bindings(ScrollableContainer.BINDINGS)
        if "left" not in b.action and "right" not in b.action
    ]
    sections: list[tuple[type | None, Section]] = [
        (None, ("Everywhere", binding_rows(app, app.BINDINGS))),
        (BrowseScreen, ("Browser (list and detail)", binding_rows(app, BrowseScreen.BINDINGS))),
        (None, ("List", binding_rows(app, AgentList.BINDINGS))),
        (None, ("Detail pane (tab to focus)", binding_rows(app, [*AgentView.BINDINGS, *scroll]))),
        (
            None,
            (
                "Search box",
                binding_rows(app, FilterInput.BINDINGS)
                + [("enter", "Go to the list"), ("esc", "Go to the list, keeping the filter")],
            ),
        ),
        (CopyMenu, ("Copy menu (y)", binding_rows(app, CopyMenu.BINDINGS))),
        (InstallDialog, ("Install dialog (i, n)", binding_rows(app, InstallDialog.BINDINGS))),
        (FixConfirm, ("Frontmatter repair (F)", binding_rows(app, FixConfirm.BINDINGS))),
        (CompareScreen, ("Compare screen (d)", binding_rows(app, CompareScreen.BINDINGS))),
        (
            MultiCompareScreen,
            (
                "Compare 3 to 6 agents (mark them, d; or enter in the groups view)",
                binding_rows(app, MultiCompareScreen.BINDINGS),
            ),
        ),
        (GroupsScreen, ("Groups view (v)", binding_rows(app, GroupsScreen.BINDINGS))),
    ]
    if here is not None and here is not BrowseScreen:
        for index, (screen, (title, rows)) in enumerate(sections):
            if screen is not None and issubclass(here, screen):
                if here is not screen and hasattr(here, "BINDINGS"):  # its own keys too
                    rows = binding_rows(app, here.BINDINGS)
                del sections[index]
                sections.insert(0, (screen, (f"This screen: {title}", rows)))
                break
    return [section for _, section in sections]


class HelpScreen(ModalScreen[None]):
    """Keys, search syntax and list markers; any of escape, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help")
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            title = Text("agentbrowser help")
            title.append("   escape closes it", style="dim not bold")  # seen before scrolling
            yield Label(title, id="help-title")
            yield Static(self._keys(), id="help-keys")
            yield Static(self._table("Search", SEARCH_HELP), id="help-search")
            yield Static(self._table("List markers", MARKERS), id="help-markers")
            yield Label(Text("escape, q, ? or F1 closes this screen"), id="help-hint")

    def __init__(self, here: type | None = None) -> None:
        super().__init__()
        self.here = here
        """The kind of screen help was opened over: its keys come first."""

    def _keys(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="right", no_wrap=True, min_width=12)
        grid.add_column()
        for title, rows in help_sections(self.app, self.here):
            grid.add_row("", "")
            grid.add_row("", Text(title, style="bold underline"))
            for keys, description in rows:
                grid.add_row(Text(keys, style="bold"), Text(description))
        return grid

    @staticmethod
    def _table(title: str, rows: Iterable[tuple[str, str]]) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="right", no_wrap=True, min_width=12)
        grid.add_column()
        grid.add_row("", "")
        grid.add_row("", Text(title, style="bold underline"))
        for term, meaning in rows:
            grid.add_row(Text(term, style="bold"), Text(meaning))
        return grid

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss(None)
