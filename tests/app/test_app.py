"""The browser (issue 3), driven by keys: every action, asserted on the screen, focus and clipboard.

Each test builds the app with `cli.build_app` (caches off) in a 120x36 headless terminal, waits
until the count label reads "N agents", and presses what a user presses. The system clipboard is
replaced by a recorder (or a failure) so no test depends on X or touches the developer's
clipboard; `app.clipboard` holds what went to the terminal's clipboard (OSC 52).
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyperclip
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Label, Static

from agentbrowser.app import AgentBrowserApp
from agentbrowser.cli import build_app
from agentbrowser.model.records import Agent
from agentbrowser.screens.browse import BrowseScreen
from agentbrowser.screens.copy_menu import CopyMenu
from agentbrowser.screens.help import HelpScreen
from agentbrowser.widgets.agent_list import AgentList
from agentbrowser.widgets.agent_view import AgentView
from agentbrowser.widgets.filter_input import FilterInput

from ..paths import BUNDLED, REPO

SIZE = (120, 36)
PROBLEMS = REPO / "tests" / "data" / "problems"


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def system_clipboard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What reached the system clipboard (pyperclip.copy records instead of calling xclip)."""
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    return copied


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths show relative to the repository, whoever runs the tests from where."""
    monkeypatch.chdir(REPO)


def bundled_app() -> AgentBrowserApp:
    return build_app([str(BUNDLED)], use_cache=False)


def record_notifications(app: AgentBrowserApp) -> list[dict[str, Any]]:
    """Every notification the app shows from now on (they still show)."""
    shown: list[dict[str, Any]] = []
    original = app.notify

    def notify(message: str, **kwargs: Any) -> Any:
        shown.append({"message": message, **kwargs})
        return original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return shown


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], object], timeout: float = 10.0
) -> None:
    """Let the app run until condition() holds (workers post their results meanwhile)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out waiting for the app")


def count_label(pilot: Pilot[None]) -> str:
    """The count beside the search box, as shown."""
    return str(pilot.app.screen.query_one("#count", Label).render())


async def loaded(pilot: Pilot[None]) -> BrowseScreen:
    """The browse screen once the count reads "N agents" ("1 agent") and the detail is rendered."""
    screen = pilot.app.screen
    assert isinstance(screen, BrowseScreen)
    await wait_for(pilot, lambda: re.fullmatch(r"[\d,/]+ agents?", count_label(pilot)))
    return await rendered(pilot)


async def rendered(pilot: Pilot[None]) -> BrowseScreen:
    """The browse screen once the detail pane shows the highlighted agent, fully rendered."""
    screen = pilot.app.screen
    assert isinstance(screen, BrowseScreen)
    view = screen.agent_view
    await wait_for(pilot, lambda: view.agent is screen.selected and not view.rendering)
    await pilot.pause()
    return screen


def flat(text: str) -> str:
    """Whitespace collapsed: wrapped text compares with the one-line original."""
    return " ".join(text.split())


def shows(view: AgentView, agent: Agent) -> bool:
    """The detail pane shows this agent: its name on top and the start of its description."""
    lines = view.text.splitlines()
    return (
        bool(lines) and agent.name in lines[0] and flat(agent.description)[:60] in flat(view.text)
    )


def row_text(agents: AgentList, row: int) -> str:
    """Both lines of a listed agent, as drawn (the list scrolled to the top)."""
    return agents.render_line(row * 2).text + "\n" + agents.render_line(row * 2 + 1).text


# -- start-up --------------------------------------------------------------------------------


async def test_start_up_focuses_the_list_and_shows_the_first_agent_without_a_key() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert count_label(pilot) == "12 agents"
        assert pilot.app.focused is screen.agent_list
        first = screen.library.agents[0]
        assert screen.agent_list.cursor == 0 and screen.selected is first
        assert first.name == "code-reviewer"
        view = screen.agent_view
        assert shows(view, first)
        assert "tools  Read   Grep   Glob" in view.text
        assert "agents/.claude/agents/code-reviewer.md" in view.text  # relative to the cwd
        assert "code-reviewer" in row_text(screen.agent_list, 0)


async def test_the_garbage_collector_paused_for_the_start_is_back_after_the_first_frame() -> None:
    """cmd_browse pauses the cyclic GC for the start-up; the first frame turns it on again."""
    import gc

    gc.disable()
    try:
        async with bundled_app().run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


# -- moving through the list -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "row"),
    [
        (("j",), 1),
        (("down",), 1),
        (("j", "j", "k"), 1),
        (("down", "down", "up"), 1),
        (("end",), 11),
        (("end", "home"), 0),
        (("G",), 11),
        (("k",), 0),  # already at the top: stays
        (("end", "j"), 11),  # already at the bottom: stays
    ],
    ids=["j", "down", "j-j-k", "down-down-up", "end", "end-home", "G", "k-at-top", "j-at-bottom"],
)
async def test_keys_move_the_highlight_and_the_detail_follows(
    keys: tuple[str, ...], row: int
) -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press(*keys)
        screen = await rendered(pilot)
        assert screen.agent_list.cursor == row
        assert screen.selected is screen.agent_list.agent_at(row)
        assert shows(screen.agent_view, screen.agent_list.agent_at(row))


@pytest.fixture
def forty(tmp_path: Path) -> Path:
    """Forty agents: more than a screenful of two-line rows."""
    folder = tmp_path / "forty"
    folder.mkdir()
    for i in range(40):
        (folder / f"agent-{i:02}.md").write_text(
            f"---\nname: agent-{i:02}\ndescription: Agent number {i}.\n---\nBe number {i}.\n"
        )
    return folder


async def test_page_down_and_page_up_move_a_screenful(forty: Path) -> None:
    async with build_app([str(forty)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        agents = screen.agent_list
        visible_rows = agents.scrollable_content_region.height // agents.row_height
        assert 1 < visible_rows < 20
        await pilot.press("pagedown")
        screen = await rendered(pilot)
        page = agents.cursor
        assert page == visible_rows - 1
        assert shows(screen.agent_view, agents.agent_at(page))
        await pilot.press("pagedown")
        assert agents.cursor == 2 * page
        await pilot.press("pageup")
        screen = await rendered(pilot)
        assert agents.cursor == page
        await pilot.press("pageup", "pageup")
        screen = await rendered(pilot)
        assert agents.cursor == 0
        assert shows(screen.agent_view, agents.agent_at(0))


async def test_the_highlight_stays_visible_at_the_end(forty: Path) -> None:
    async with build_app([str(forty)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("end")
        await rendered(pilot)
        agents = screen.agent_list
        assert agents.cursor == 39 and agents.scroll_y > 0
        bottom = agents.scrollable_content_region.height - 2
        assert "agent-39" in agents.render_line(bottom).text
        await pilot.press("home")
        assert agents.cursor == 0 and agents.scroll_y == 0


# -- search ----------------------------------------------------------------------------------


async def test_slash_and_specialist_shows_the_one_match_in_the_detail(seeds: Path) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert count_label(pilot) == "5 agents"
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, FilterInput)
        await pilot.press(*"specialist")
        screen = await rendered(pilot)
        assert count_label(pilot) == "1/5 agents"
        assert screen.selected is not None and screen.selected.name == "backend-impl-specialist"
        assert shows(screen.agent_view, screen.selected)
        assert pilot.app.focused is screen.filter_input  # still typing


async def test_slash_and_strict_on_the_bundled_agents() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"strict")
        screen = await rendered(pilot)
        assert count_label(pilot).endswith("/12 agents")
        assert screen.selected is not None and screen.selected.name == "strict-code-reviewer"
        assert shows(screen.agent_view, screen.selected)
        # The matched characters are highlighted in the row: the name is drawn in pieces.
        agents = screen.agent_list
        strip = agents.render_line(0)
        assert "strict-code-reviewer" in strip.text
        assert len({segment.style for segment in strip if segment.text in set("strict")}) >= 1


async def test_a_slash_typed_in_the_box_lands_after_the_keys_typed_before_it() -> None:
    """Keys arriving together (a fast typist, a paste, tmux send-keys): the `/` of `ab/cd` was
    inserted by the priority binding ahead of the keys still queued, and the box read `/abcd`."""
    from textual import events

    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash")
        assert pilot.app.focused is screen.filter_input
        for char in "ab/cd/":
            key = "slash" if char == "/" else char
            pilot.app.post_message(events.Key(key, char))  # all queued before any is handled
        await pilot.pause(0.2)
        assert screen.filter_input.value == "ab/cd/"


async def test_field_filter_tool_bash() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"tool:Bash")
        await rendered(pilot)
        agents = screen.agent_list
        assert 0 < agents.row_count < 12
        for row in range(agents.row_count):
            tools = agents.agent_at(row).tools
            assert tools is None or any(tool.startswith("Bash") for tool in tools)
        assert count_label(pilot) == f"{agents.row_count}/12 agents"


async def test_escape_leaves_the_box_keeping_the_filter_and_a_second_escape_clears_it() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"strict")
        await rendered(pilot)
        filtered = count_label(pilot)
        await pilot.press("escape")
        assert pilot.app.focused is screen.agent_list
        assert screen.filter_input.value == "strict"
        assert count_label(pilot) == filtered
        assert screen.selected is not None and screen.selected.name == "strict-code-reviewer"
        await pilot.press("escape")
        screen = await rendered(pilot)
        assert screen.filter_input.value == ""
        assert count_label(pilot) == "12 agents"
        assert pilot.app.focused is screen.agent_list
        # Clearing the search stays on the agent that was shown.
        assert screen.selected is not None and screen.selected.name == "strict-code-reviewer"


async def test_enter_in_the_box_moves_to_the_list() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"debug", "enter")
        await rendered(pilot)
        assert pilot.app.focused is screen.agent_list
        assert screen.filter_input.value == "debug"
        assert screen.selected is not None and screen.selected.name == "debugger"


async def test_arrows_in_the_box_move_the_list() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"review", "down")
        screen = await rendered(pilot)
        assert pilot.app.focused is screen.filter_input
        assert screen.agent_list.cursor == 1
        assert shows(screen.agent_view, screen.agent_list.agent_at(1))


async def test_a_search_without_matches_says_so() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"zzzzqqq")
        await wait_for(pilot, lambda: count_label(pilot) == "0/12 agents")
        assert screen.selected is None
        assert "No agent matches 'zzzzqqq'" in screen.agent_list.render_line(0).text
        await wait_for(pilot, lambda: "No agent matches the search" in screen.agent_view.text)


# -- copy ------------------------------------------------------------------------------------


async def test_c_copies_the_prompt_without_frontmatter(system_clipboard: list[str]) -> None:
    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        screen = await loaded(pilot)
        await pilot.press("j")
        screen = await rendered(pilot)
        agent = screen.selected
        assert agent is not None
        await pilot.press("c")
        await wait_for(pilot, lambda: shown)
        assert app.clipboard == agent.body
        assert not app.clipboard.startswith("---") and "name:" not in app.clipboard.splitlines()[0]
        assert system_clipboard == [agent.body]
        assert "Copied the prompt of debugger" in shown[0]["message"]
        assert "terminal clipboard (OSC 52)" in shown[0]["message"]
        assert "system clipboard" in shown[0]["message"]


@pytest.mark.parametrize(
    ("key", "part"),
    [
        ("p", "prompt"),
        ("d", "description"),
        ("f", "file"),
        ("n", "name"),
        ("a", "path"),
        ("enter", "prompt"),
    ],
)
async def test_y_opens_the_copy_menu_and_each_choice_copies_its_part(key: str, part: str) -> None:
    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        agent = screen.selected
        assert agent is not None
        await pilot.press("y")
        assert isinstance(app.screen, CopyMenu)
        await pilot.press(key)
        expected = {
            "prompt": agent.body,
            "description": agent.description,
            "file": Path(agent.path).read_text(encoding="utf-8"),
            "name": agent.name,
            "path": agent.path,
        }[part]
        await wait_for(pilot, lambda: app.clipboard == expected)
        assert isinstance(app.screen, BrowseScreen)
        assert os.path.isabs(agent.path)


async def test_escape_closes_the_copy_menu_without_copying(system_clipboard: list[str]) -> None:
    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("y")
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert isinstance(app.screen, BrowseScreen)
        assert app.clipboard == "" and system_clipboard == []


async def test_a_system_clipboard_failure_is_a_notification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str) -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    import shutil

    monkeypatch.setattr(pyperclip, "copy", broken)
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no clipboard program here
    monkeypatch.delenv("TMUX", raising=False)
    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        screen = await loaded(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: shown)
        # The terminal's clipboard still got it, and the message says where it did not go.
        assert screen.selected is not None and app.clipboard == screen.selected.body
        assert shown[0]["title"] == "Copied"
        message = shown[0]["message"]
        assert (
            "to the terminal clipboard (OSC 52) (system clipboard: found none of xclip, xsel and "
            "wl-clipboard)" in message
        )
        assert message.count("found none of") == 1  # said once
        assert app.is_running


async def test_no_clipboard_at_all_is_a_warning_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard")

    def no_terminal(text: str) -> None:
        raise OSError("terminal gone")

    monkeypatch.setattr(pyperclip, "copy", broken)
    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        screen = await loaded(pilot)
        monkeypatch.setattr(app, "copy_to_clipboard", no_terminal)
        await pilot.press("c")
        await wait_for(pilot, lambda: shown)
        assert shown[0]["title"] == "Copy failed" and shown[0]["severity"] == "warning"
        assert "terminal: terminal gone" in shown[0]["message"]
        assert "system clipboard: no clipboard" in shown[0]["message"]
        # Still usable afterwards.
        await pilot.press("j")
        screen = await rendered(pilot)
        assert screen.agent_list.cursor == 1 and app.is_running


async def test_a_name_with_markup_is_notified_as_text(tmp_path: Path) -> None:
    name = "[bold]x[/] [/oops] [link=https://example.com]y"
    (tmp_path / "a.md").write_text(f'---\nname: "{name}"\ndescription: d\n---\nbody\n')
    app = build_app([str(tmp_path)], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await loaded(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: shown)
        # As markup, "[/oops]" is an error and the toast never shows; "[bold]" would style.
        assert f"Copied the prompt of {name} (5 chars)" in shown[0]["message"]
        assert shown[0]["markup"] is False
        assert app.clipboard == "body\n"


# -- raw file, editor, live reload -----------------------------------------------------------


async def test_r_toggles_the_raw_file() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        view = screen.agent_view
        await pilot.press("r")
        await wait_for(pilot, lambda: view.raw and not view.rendering and "(raw file)" in view.text)
        assert view.border_title == "Raw file"
        lines = view.text.splitlines()
        assert lines[0] == "agents/.claude/agents/code-reviewer.md  (raw file)"
        assert lines[1].split() == ["1", "---"]
        assert lines[2].split() == ["2", "name:", "code-reviewer"]
        await pilot.press("r")
        await wait_for(
            pilot, lambda: not view.raw and not view.rendering and "Description" in view.text
        )
        assert view.border_title == "Detail"
        assert "(raw file)" not in view.text


@pytest.fixture
def editable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A folder with two agents, and an $EDITOR script that appends a line to its argument."""
    folder = tmp_path / "agents"
    folder.mkdir()
    for name in ("alpha", "beta"):
        (folder / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: The {name} agent.\n---\nBe {name}.\n"
        )
    editor = tmp_path / "append-line"
    editor.write_text('#!/bin/sh\nprintf "Edited by the test.\\n" >> "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    return folder, editor


async def test_e_runs_the_editor_and_reloads_the_file(editable: tuple[Path, Path]) -> None:
    folder, _ = editable
    app = build_app([str(folder)], use_cache=False)

    @contextmanager
    def suspend() -> Iterator[None]:  # the headless driver cannot hand the terminal over
        yield

    app.suspend = suspend  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j")
        screen = await rendered(pilot)
        assert screen.selected is not None and screen.selected.name == "beta"
        await pilot.press("e")
        await wait_for(pilot, lambda: "Edited by the test." in screen.agent_view.text)
        assert (folder / "beta.md").read_text().endswith("Be beta.\nEdited by the test.\n")
        assert screen.selected is not None and screen.selected.name == "beta"
        assert screen.selected.body == "Be beta.\nEdited by the test.\n"


async def test_e_where_the_terminal_cannot_suspend_says_so(editable: tuple[Path, Path]) -> None:
    folder, _ = editable
    app = build_app([str(folder)], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: shown)
        assert "cannot hand over to an editor" in shown[0]["message"]
        assert "Edited" not in (folder / "alpha.md").read_text()


async def test_e_without_an_editor_says_how_to_set_one(
    editable: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = editable
    monkeypatch.delenv("EDITOR")
    app = build_app([str(folder)], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        shown = record_notifications(app)
        await loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: shown)
        assert "$EDITOR" in shown[0]["message"] and shown[0]["severity"] == "warning"


async def test_a_file_changed_on_disk_is_shown_keeping_the_selection(
    editable: tuple[Path, Path],
) -> None:
    folder, _ = editable
    async with build_app([str(folder)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j")
        screen = await rendered(pilot)
        beta = folder / "beta.md"
        beta.write_text("---\nname: beta\ndescription: Changed on disk.\n---\nBe beta, again.\n")
        # The poll timer (every 2 s) notices the new size and mtime; no key is pressed.
        await wait_for(pilot, lambda: "Changed on disk." in screen.agent_view.text, timeout=8)
        assert screen.selected is not None and screen.selected.name == "beta"
        assert screen.agent_list.cursor == 1
        assert screen.selected.description == "Changed on disk."


async def test_a_new_file_appears_after_a_poll(editable: tuple[Path, Path]) -> None:
    folder, _ = editable
    async with build_app([str(folder)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        (folder / "gamma.md").write_text("---\nname: gamma\ndescription: New.\n---\nBe gamma.\n")
        assert screen.library is not None
        screen.poll(screen.library, True)  # what the timer does every few polls
        await wait_for(pilot, lambda: count_label(pilot) == "3 agents")
        assert screen.selected is not None and screen.selected.name == "alpha"


# -- help, palette, quit ---------------------------------------------------------------------


def _help_text(screen: HelpScreen) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    for static in screen.query(Static):
        console.print(static.content)
    return console.export_text()


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_every_binding(key: str) -> None:
    from textual.binding import Binding

    from agentbrowser.screens.compare import CompareScreen
    from agentbrowser.screens.fix_confirm import FixConfirm

    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press(key)
        assert isinstance(app.screen, HelpScreen)
        text = _help_text(app.screen).lower()
        classes = (
            AgentBrowserApp,
            BrowseScreen,
            AgentList,
            AgentView,
            FilterInput,
            CopyMenu,
            FixConfirm,
            CompareScreen,
        )
        for cls in classes:
            for binding in Binding.make_bindings(cls.BINDINGS):
                if binding.description:
                    assert binding.description.lower() in text, (cls.__name__, binding)
        for phrase in (
            "tool:bash",
            "model:opus",
            "copy prompt",
            "open in $editor",
            "raw file / rendered",
        ):
            assert phrase in text
        await pilot.press(key)
        assert isinstance(app.screen, BrowseScreen)


async def test_the_key_bar_shows_the_most_used_keys_and_runs_a_clicked_one() -> None:
    from agentbrowser.widgets.key_bar import KeyBar

    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        bar = screen.query_one(KeyBar)
        shown = {key.description: key.display for key in bar.keys}
        assert shown["Search"] == "/" and shown["Copy prompt"] == "c" and shown["Help"] == "?"
        assert bar.keys[-1].description == "Command palette"
        line = bar.render().plain
        assert line.startswith(" / Search  c Copy prompt ")
        assert line.endswith(" ^p Command palette ") and len(line) == SIZE[0]
        # a click on "Search" runs it: focus moves to the search box
        assert pilot.app.focused is screen.agent_list
        await pilot.click(KeyBar, offset=(line.index("Search"), 0))
        await pilot.pause()
        assert pilot.app.focused is screen.filter_input
        # and one on the command palette's key opens it
        await pilot.press("escape")
        await pilot.click(KeyBar, offset=(line.index("Command"), 0))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
    # Too narrow for every key: the keys that fit, each whole (no `Copy pro…`).
    narrow = bundled_app()
    async with narrow.run_test(size=(40, 20)) as pilot:
        bar = (await loaded(pilot)).query_one(KeyBar)
        line = bar.render().plain
        assert line.startswith(" / Search  c Copy prompt ") and len(line) <= 40, line
        assert line.rstrip().endswith(" ? Help"), line  # help keeps its room
        # Each key whole or not at all, in the bar's order (one too long for the room left is
        # skipped, a shorter one after it may still fit).
        shown = [k for k in bar.keys if f" {k.display} {k.description} " in line]
        assert len(shown) >= 2, line
        assert line.rstrip() == "".join(f" {k.display} {k.description} " for k in shown).rstrip()


async def test_the_command_palette_offers_agent_actions() -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        options = palette.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count > 0)
        offered = {str(options.get_option_at_index(i).prompt) for i in range(options.option_count)}
        offered_text = "\n".join(offered)
        for name in (
            "Agent: copy prompt",
            "Agent: open in editor",
            "Agent: toggle raw file",
            "View: help",
        ):
            assert name in offered_text
        await pilot.press(*"copy prompt")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert screen.selected is not None
        await wait_for(pilot, lambda: app.clipboard == screen.selected.body)


async def test_q_quits() -> None:
    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
    assert not app.is_running


# -- problems --------------------------------------------------------------------------------


async def test_an_agent_with_problems_shows_them_with_lines_and_a_row_marker() -> None:
    async with build_app([str(PROBLEMS)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        agents = screen.agent_list
        names = [agents.agent_at(row).name for row in range(agents.row_count)]
        assert names == ["broken-yaml", "markup-description", "missing-name"]
        assert row_text(agents, 0).split()[0] == "\u2717"  # ✗ before the name: an error
        assert row_text(agents, 1).split()[:2] == [
            "\u258e",
            "markup-description",
        ]  # colour, no marker
        assert row_text(agents, 2).split()[0] == "!"  # a warning: Claude Code skips it, no error
        view = screen.agent_view
        text = flat(view.text)
        assert "Problems error: line 3: Claude Code will not load this agent" in text
        await pilot.press("end")
        await rendered(pilot)
        assert "Problems warning: line 1: no `name`" in flat(view.text)
        # r: the raw file marks the problem's line.
        await pilot.press("r")
        await wait_for(pilot, lambda: "(raw file)" in flat(view.text) and not view.rendering)
        lines = view.text.splitlines()
        assert "tests/data/problems/.claude/agents/missing-name.md (raw file)" in flat(view.text)
        first = next(y for y, line in enumerate(lines) if line.split()[:2] == ["1", "---"])
        # Line 1 (the problem's line) has its number in the error style; line 2 does not.
        gutter = [
            next(seg.style for seg in view.render_line(y) if seg.text.strip())
            for y in (first, first + 1)
        ]
        assert gutter[0] != gutter[1]


async def test_rich_markup_in_a_description_is_shown_as_typed() -> None:
    async with build_app([str(PROBLEMS)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j")
        screen = await rendered(pilot)
        assert screen.selected is not None and screen.selected.name == "markup-description"
        text = flat(screen.agent_view.text)
        assert "Shows [bold]x[/] and [red]y[/red] literally" in text
        assert "[link=https://example.com]click[/link]" in text
        assert "Problems" not in text
        assert "[bold]x[/]" in row_text(screen.agent_list, 1)


# -- frontmatter repair (F) ------------------------------------------------------------------


async def test_f_shows_the_repair_as_a_diff_and_writes_it_on_confirmation(seeds: Path) -> None:
    from agentbrowser.screens.fix_confirm import FixConfirm

    path = seeds / "004_778f8d6350f71607.md"
    original = path.read_bytes()
    app = build_app([str(path)], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert screen.selected is not None and screen.selected.has_error
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FixConfirm))
        shown = "\n".join(str(s.render()) for s in app.screen.query(".diff-line"))
        assert "+description: |-" in shown and "+  - <example>" in shown
        assert "Claude Code could not use it as written" in str(
            app.screen.query_one("#fix-summary", Label).render()
        )
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen))
        assert path.read_bytes() == original
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FixConfirm))
        await pilot.press("y")
        await wait_for(pilot, lambda: path.read_bytes() != original)
        await wait_for(pilot, lambda: screen.selected is not None and not screen.selected.has_error)
    assert (
        path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        == original.decode().split("\n---\n", 1)[1]
    )


async def test_f_on_a_read_only_file_shows_the_repair_and_writes_nothing(seeds: Path) -> None:
    """The diff is what a user wants to see before making the file writable; y says why it is
    not written and leaves the file as it is."""
    from agentbrowser.screens.fix_confirm import FixConfirm

    path = seeds / "004_778f8d6350f71607.md"
    path.chmod(0o444)
    original = path.read_bytes()
    app = build_app([str(path)], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        shown = record_notifications(app)
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FixConfirm))
        dialog = app.screen
        lines = "\n".join(str(s.render()) for s in dialog.query(".diff-line"))
        assert "+description: |-" in lines
        summary = str(dialog.query_one("#fix-summary", Label).render())
        assert summary.startswith("would rewrite `description`"), summary
        hint = str(dialog.query_one("#fix-hint", Label).render())
        assert hint.startswith("not written: read-only"), hint
        await pilot.press("y")
        await wait_for(pilot, lambda: bool(shown))
        assert shown[0]["message"].startswith("Not written: read-only"), shown
        assert app.screen is dialog and path.read_bytes() == original
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen))
    assert path.read_bytes() == original
    # In a narrow terminal every line of the box wraps: what escape does stays on screen.
    async with build_app([str(path)], use_cache=False).run_test(size=(44, 18)) as pilot:
        await loaded(pilot)
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FixConfirm))
        await pilot.pause()
        screen_text = " ".join(
            "".join(s.text for s in strip).strip(" \u2502")
            for strip in pilot.app.screen._compositor.render_strips()
        )
        assert "escape closes" in " ".join(screen_text.split()), screen_text


async def test_f_on_a_file_with_nothing_to_repair_says_so() -> None:
    app = bundled_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        shown = record_notifications(app)
        await pilot.press("F")
        await wait_for(pilot, lambda: shown)
        assert "nothing to repair" in shown[0]["message"]
        assert isinstance(app.screen, BrowseScreen)


async def test_the_command_palette_offers_the_repair(seeds: Path) -> None:
    from agentbrowser.commands import BROWSE_COMMANDS
    from agentbrowser.screens.fix_confirm import FixConfirm

    assert ("Agent: repair frontmatter", "fix") in {(n, a) for n, a, _ in BROWSE_COMMANDS}
    app = build_app([str(seeds / "000_56d7b5b5ea82bca0.md")], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"repair frontmatter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FixConfirm))
        summary = str(app.screen.query_one("#fix-summary", Label).render())
        assert "for strict YAML readers only: Claude Code reads it as written" in summary
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen))


def test_inside_tmux_a_copy_says_what_tmux_does_with_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """tmux drops a program's OSC 52 unless its set-clipboard is on (its default: external):
    a copy that only went there is no copy, and says why."""
    from agentbrowser import clipboard

    sent: list[str] = []
    fake = tmp_path / "bin"
    fake.mkdir()
    tmux = fake / "tmux"
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    for answer, said in [
        ("external", ("Could not copy it: terminal: tmux drops OSC 52 unless its set-clipboard "
                      "is on (it is external)")),
        ("on", "Copied it to the terminal clipboard (OSC 52)"),
        (None, "Copied it to the terminal clipboard (OSC 52; tmux needs set-clipboard on)"),
    ]:  # fmt: skip
        tmux.write_text(f"#!/bin/sh\necho {answer}\n" if answer else "#!/bin/sh\nexit 1\n")
        tmux.chmod(0o755)
        assert clipboard.copy_text("x", sent.append, system=False).describe("it") == said
    assert sent == ["x"] * 3
    monkeypatch.delenv("TMUX")
    assert clipboard.copy_text("x", sent.append, system=False).describe("it") == (
        "Copied it to the terminal clipboard (OSC 52)"
    )


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        ((160, 40), "/ search: words, tool:Bash, model:opus\u2026"),
        ((80, 24), "/ search (? for help)"),
    ],
)
async def test_the_empty_search_box_says_the_longest_hint_that_fits(
    size: tuple[int, int], shown: str
) -> None:
    """At 80 columns the long hint was cut to `/ search: words,`."""
    from textual.widgets import Input

    app = bundled_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.pause()
        box = app.screen.query_one("#filter", Input)
        assert box.placeholder == shown
        assert len(box.placeholder) <= box.content_region.width


def test_the_similar_list_tells_agents_of_one_name_apart() -> None:
    from agentbrowser.model.parse import parse_text
    from agentbrowser.screens.similar import told_apart

    text = "---\nname: {}\ndescription: d\n---\nB\n"
    agents = [
        parse_text(text.format("x"), "/p/.claude/agents/x.md", "project"),
        parse_text(text.format("x"), "/h/.claude/agents/x.md", "user"),
        parse_text(text.format("x"), "/p/.claude/agents/sub/x.md", "project"),
        parse_text(text.format("y"), "/p/.claude/agents/y.md", "project"),
    ]
    assert told_apart(agents) == ["x (agents/x.md)", "x (user)", "x (sub/x.md)", "y"]


async def test_an_is_value_no_agent_can_have_says_what_is_takes() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"is:nonsense")
        await pilot.pause()
        assert count_label(pilot) == "0/12 agents"
        assert screen.agent_list.empty_text == (
            "No agent is 'nonsense': is: takes error, warning, info, problem, shadowed, duplicate"
        )
        await pilot.press(*["backspace"] * len("nonsense"), *"info xyzzy")
        await pilot.pause()
        assert screen.agent_list.empty_text.startswith("No agent matches")
