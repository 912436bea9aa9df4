"""The Textual app: styles, app-wide bindings, the command palette and the screens; thin."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from agentbrowser.commands import AgentCommands
from agentbrowser.messages import CopyRequested, InstallRequested
from agentbrowser.screens.browse import BrowseScreen


class AgentBrowserApp(App[None]):
    """Browse, search and copy agent definitions. Build it with `cli.build_app`."""

    CSS_PATH = "agentbrowser.tcss"
    TITLE = "agentbrowser"
    COMMANDS = App.COMMANDS | {AgentCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help", "Help", show=False),
        Binding("q", "quit", "Quit", show=False),
        Binding("ctrl+p", "command_palette", "Command palette", show=False),
    ]

    def __init__(self, paths: list[str], use_cache: bool = True) -> None:
        super().__init__()
        self.paths = paths
        """Files and folders to browse; empty: the project, user and plugin scopes."""
        self.use_cache = use_cache
        """Read and write the index cache (when the cache module is there)."""

    def get_default_screen(self) -> Screen[None]:
        """The browse screen is the app's base screen."""
        return BrowseScreen(self.paths, self.use_cache)

    def action_help(self) -> None:
        """Show every binding (or close help when it is showing)."""
        from agentbrowser.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(type(self.screen)))

    def on_copy_requested(self, message: CopyRequested) -> None:
        """A copy asked for by a screen above the list: the browse screen copies, as for `c`."""
        base = self.screen_stack[0] if self.screen_stack else None
        if isinstance(base, BrowseScreen):
            base.copy_part(message.agent, message.part, message.label)

    def on_install_requested(self, message: InstallRequested) -> None:
        """An install asked for by a screen above the list: the browse screen's dialog, as `i`."""
        base = self.screen_stack[0] if self.screen_stack else None
        if isinstance(base, BrowseScreen):
            base.open_install_dialog(message.agent)
