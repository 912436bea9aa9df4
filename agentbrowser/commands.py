"""Command palette (ctrl+p): every browser action, named "Category: action"."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (name, action on the browse screen, help). The names say what is done to what.
BROWSE_COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "Agent: copy prompt",
        "copy_prompt",
        "Copy the highlighted agent's prompt, without frontmatter (c)",
    ),
    (
        "Agent: copy\u2026",
        "copy_menu",
        "Choose prompt, description, file, name or path to copy (y)",
    ),
    ("Agent: copy description", "copy('description')", "Copy the description"),
    ("Agent: copy whole file", "copy('file')", "Copy the file as it is on disk"),
    ("Agent: copy name", "copy('name')", "Copy the agent's name"),
    ("Agent: copy path", "copy('path')", "Copy the file's absolute path"),
    ("Agent: open in editor", "edit", "Open the file in $VISUAL or $EDITOR, then reload it (e)"),
    (
        "Agent: install\u2026",
        "install",
        "Write the agent where a tool reads it, converted to another format if chosen (i)",
    ),
    (
        "Agent: new agent from this one\u2026",
        "new_agent",
        "Copy the agent under a new name into a scope, then open it in $EDITOR (n)",
    ),
    ("Agent: toggle raw file", "toggle_raw", "Show the file as it is on disk, or rendered (r)"),
    (
        "Skill: open a resource…",
        "open_resource",
        "Show one of the files beside the skill's SKILL.md in the detail pane (o)",
    ),
    (
        "Agent: repair frontmatter",
        "fix",
        (
            "Show, as a diff, the least rewrite that lets every YAML reader read the "
            "frontmatter as shown, and write it on confirmation (F)"
        ),
    ),
    ("Agent: mark for comparison", "toggle_mark", "Mark or unmark the highlighted agent (space)"),
    (
        "Agent: compare marked",
        "compare",
        "Two marked agents side by side; 3 to 6: fields, tools and prompts of all at once (d)",
    ),
    (
        "Agent: compare with\u2026",
        "compare_with",
        "Pick a second agent by fuzzy search and compare them",
    ),
    (
        "Agent: similar agents",
        "similar",
        "The agents most like the highlighted one, best first (S)",
    ),
    (
        "Variants: groups",
        "groups",
        "Group the agents that do the same job; enter compares a group's members (v)",
    ),
    ("View: search", "search", "Focus the search box (/)"),
    ("View: clear search", "clear_search", "Show every agent again"),
    ("View: toggle compact list", "toggle_compact", "One line per agent, or two"),
    ("View: reload all files", "reload", "Read every file again (ctrl+r)"),
)

#: Commands that work on any screen: (name, app action, help).
APP_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("View: help", "help", "Every key binding and the search syntax (?)"),
    ("App: quit", "quit", "Leave agentbrowser (q)"),
)


class AgentCommands(Provider):
    """The browser's actions, offered while the browse screen is showing."""

    def _commands(self) -> Iterator[tuple[str, partial[object], str]]:
        from agentbrowser.screens.browse import BrowseScreen

        screen = self.screen
        if isinstance(screen, BrowseScreen):
            for name, action, help_text in BROWSE_COMMANDS:
                yield name, partial(screen.run_action, action), help_text
        for name, action, help_text in APP_COMMANDS:
            yield name, partial(self.app.run_action, action), help_text

    async def discover(self) -> Hits:
        """All commands, listed before anything is typed."""
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches what was typed."""
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
