"""The compare screen, the similar-agents list and the compare-with picker, driven by keys.

Pilot tests press keys in a 120x36 headless app built by `cli.build_app` over the bundled
agents (code-reviewer, security-reviewer and strict-code-reviewer are deliberate near-variants)
and, when ../shared/seeds is there, the five "backend engineer" seeds. One snapshot shows the
compare screen; the layout is also tested without a terminal.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.style import Style
from textual.pilot import Pilot

from agentbrowser.app import AgentBrowserApp
from agentbrowser.cli import build_app
from agentbrowser.model.compare import compare, percent, unified
from agentbrowser.model.records import Agent
from agentbrowser.render.compare_layout import (
    DiffStyles,
    columns,
    lay_out,
    styled_line,
)
from agentbrowser.screens.browse import BrowseScreen
from agentbrowser.screens.compare import CompareScreen
from agentbrowser.widgets.diff_view import ColumnHeader

from ..paths import BUNDLED, REPO, SEEDS, installed_command

SIZE = (120, 36)


# -- helpers -------------------------------------------------------------------------------


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Paths show relative to the repository, whoever runs the tests from where."""
    monkeypatch.chdir(REPO)
    yield


async def wait_for(pilot: Pilot[None], condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until condition() holds (workers post their results meanwhile)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out waiting for the app")


async def loaded(pilot: Pilot[None]) -> BrowseScreen:
    """The browse screen once its collection is read."""
    screen = pilot.app.screen
    assert isinstance(screen, BrowseScreen)
    await wait_for(pilot, lambda: screen.library is not None)
    await pilot.pause()
    return screen


async def compared(pilot: Pilot[None]) -> CompareScreen:
    """The compare screen once its comparison is computed and laid out."""
    await wait_for(
        pilot, lambda: isinstance(pilot.app.screen, CompareScreen) and not pilot.app.screen.busy
    )
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    await pilot.pause()
    return screen


async def highlight(pilot: Pilot[None], name: str) -> None:
    """Move the list's highlight onto the agent called name, with the arrow keys."""
    browse = pilot.app.screen
    assert isinstance(browse, BrowseScreen)
    agents = browse.agent_list
    target = next(row for row in range(agents.row_count) if agents.agent_at(row).name == name)
    key = "down" if target > agents.cursor else "up"
    for _ in range(abs(target - agents.cursor)):
        await pilot.press(key)
    assert browse.selected is not None and browse.selected.name == name


async def open_compare(pilot: Pilot[None], a: str, b: str) -> CompareScreen:
    """Mark a, mark b (space), press d: the compare screen, ready."""
    await loaded(pilot)
    await highlight(pilot, a)
    await pilot.press("space")
    await highlight(pilot, b)
    await pilot.press("space")
    await pilot.press("d")
    return await compared(pilot)


def header_text(screen: CompareScreen) -> str:
    """The column header as the user sees it."""
    return screen.query_one(ColumnHeader).render().plain


def bundled_app() -> AgentBrowserApp:
    return build_app([str(BUNDLED)], use_cache=False)


# -- the compare screen --------------------------------------------------------------------


async def test_marking_two_agents_and_d_shows_both_names_side_by_side() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        header = header_text(screen)
        # Each name at the top of its own column: A in the left half, B in the right half.
        left = columns(screen.diff_view.scrollable_content_region.width)
        assert header.index("code-reviewer") < left.right_x <= header.index("strict-code-reviewer")
        text = screen.diff_view.text
        for section in ("Fields", "Tools", "Description", "Prompt"):
            assert section in text
        assert "only in B (1): Bash" in text
        summary = str(screen.query_one("#compare-summary").render())
        assert "Similarity" in summary and "changed lines" in summary and "100" not in summary


async def test_a_long_path_in_the_header_keeps_its_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut at its end, a deep folder's path showed its first folders and lost which file it
    is; cut in the middle, each column ends with its file's name."""
    import shutil

    deep = tmp_path / "a-rather-long-folder-name" / "and-another-one-below-it" / "agents"
    deep.mkdir(parents=True)
    for name in ("code-reviewer.md", "strict-code-reviewer.md"):
        shutil.copy(BUNDLED / ".claude" / "agents" / name, deep / name)
    monkeypatch.chdir(tmp_path.parent)
    async with build_app([str(deep)], use_cache=False).run_test(size=(120, 30)) as pilot:
        screen = await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        header = header_text(screen)
        left, right = header.split("\u2502", 1) if "\u2502" in header else (header, "")
        assert left.rstrip().endswith("/code-reviewer.md") and "\u2026" in left, header
        assert right.rstrip().endswith("/strict-code-reviewer.md"), header


async def test_d_with_one_marked_compares_it_with_the_highlighted_agent() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await highlight(pilot, "security-reviewer")
        await pilot.press("space")
        await highlight(pilot, "code-reviewer")
        await pilot.press("d")
        screen = await compared(pilot)
        assert (screen.a.name, screen.b.name) == ("security-reviewer", "code-reviewer")


async def test_n_and_shift_n_jump_between_changes() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        view = screen.diff_view
        changes = view.changes
        assert len(changes) >= 3
        assert view.current is None
        await pilot.press("n")
        assert view.current == 0
        await pilot.press("n", "n")
        assert view.current == 2
        # The change is the top line (unless the document ends before a screenful).
        assert view.scroll_y == min(changes[2][0], view.max_scroll_y)
        await pilot.press("N")
        assert view.current == 1
        assert view.scroll_y == min(changes[1][0], view.max_scroll_y)


async def test_n_from_a_scrolled_view_goes_to_the_first_change_below() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        view = screen.diff_view
        middle = view.changes[len(view.changes) // 2][0]
        view.scroll_to(y=middle - 1, animate=False, immediate=True)
        await pilot.pause()
        await pilot.press("n")
        assert view.current == len(view.changes) // 2


async def test_u_toggles_unified_and_back() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        split_lines = len(screen.diff_view.document.lines)
        await pilot.press("u")
        screen = await compared(pilot)
        view = screen.diff_view
        assert view.unified and view.document is not None and view.document.unified
        assert len(view.document.lines) < split_lines  # one column: equal lines once, unwrapped
        # - lines of A, then + lines of B, with both line numbers on equal lines.
        assert " - You are a senior software engineer doing a focused" in view.text
        assert " + You are a senior software engineer doing a strict" in view.text
        assert header_text(screen).strip().startswith("- A code-reviewer")
        await pilot.press("u")
        screen = await compared(pilot)
        assert not screen.diff_view.document.unified
        assert len(screen.diff_view.document.lines) == split_lines


async def test_s_swaps_the_sides() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        await pilot.press("s")
        screen = await compared(pilot)
        assert (screen.a.name, screen.b.name) == ("strict-code-reviewer", "code-reviewer")
        assert screen.comparison is not None and screen.comparison.a.name == "strict-code-reviewer"
        header = header_text(screen)
        assert header.index("strict-code-reviewer") < header.index(" code-reviewer")
        assert "only in A (1): Bash" in screen.diff_view.text


async def test_c_copies_the_unified_diff() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        await pilot.press("c")
        await wait_for(pilot, lambda: bool(pilot.app.clipboard))
        assert screen.comparison is not None
        assert pilot.app.clipboard == unified(screen.comparison)
        assert pilot.app.clipboard.startswith(
            "--- a/code-reviewer/description\n+++ b/strict-code-reviewer/description\n"
        )


async def test_escape_returns_to_the_list_with_the_same_agent_highlighted() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        await pilot.press("escape")
        browse = pilot.app.screen
        assert isinstance(browse, BrowseScreen)
        assert browse.selected is not None and browse.selected.name == "strict-code-reviewer"
        assert len(browse.marked) == 2  # the marks are kept for another look
        assert pilot.app.focused is browse.agent_list


async def test_the_ui_answers_while_two_100_kb_prompts_are_compared(tmp_path: Path) -> None:
    lines = [
        f"Line {i}: check the {i % 7} inputs and the {i % 11} outputs of every handler."
        for i in range(1600)
    ]
    edited = list(lines)
    for i in range(0, 1600, 50):
        edited[i] = edited[i].replace("check", "verify")
    for name, body in (("big-a", lines), ("big-b", edited)):
        (tmp_path / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: big\n---\n" + "\n".join(body) + "\n"
        )
    assert (tmp_path / "big-a.md").stat().st_size > 100_000
    async with build_app([str(tmp_path)], use_cache=False).run_test(size=SIZE) as pilot:
        browse = await loaded(pilot)
        a, b = browse.library.agents
        pilot.app.push_screen(CompareScreen(a, b))
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CompareScreen)
        # The screen is up at once and says what it is doing; keys still work meanwhile.
        if screen.comparison is None:  # (not yet computed; laying it out is later)
            assert "Comparing" in str(screen.query_one("#compare-summary").render())
        screen = await compared(pilot)
        assert screen.comparison is not None and screen.comparison.changed_lines == 32
        await pilot.press("n")
        assert screen.diff_view.current == 0


async def test_hostile_text_is_shown_sanitised_never_as_markup(tmp_path: Path) -> None:
    for name, body in (
        ("plain", "Say [bold]hi[/bold] to $user.\n"),
        ("evil", "Say [red]hi[/] \x1b[2J to\x07 \u202e$user.\n"),
    ):
        (tmp_path / f"{name}.md").write_text(f"---\nname: {name}\ndescription: x\n---\n{body}")
    async with build_app([str(tmp_path)], use_cache=False).run_test(size=SIZE) as pilot:
        browse = await loaded(pilot)
        by_name = {agent.name: agent for agent in browse.library.agents}
        pilot.app.push_screen(CompareScreen(by_name["plain"], by_name["evil"]))
        screen = await compared(pilot)
        text = screen.diff_view.text
        assert "[bold]hi[/bold]" in text and "[red]hi[/]" in text
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "\u241b[2J" in text and "\u27e8U+202E\u27e9" in text


async def test_seeds_tools_as_sets(seeds: Path) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "backend-implementation-expert", "backend-engineer")
        tools = screen.comparison.tools if screen.comparison else None
        assert tools is not None and set(tools.only_a) == {
            "Edit",
            "MultiEdit",
            "Write",
            "NotebookEdit",
        }
        text = screen.diff_view.text
        assert "only in A (4): Edit, MultiEdit, Write, NotebookEdit" in text
        assert f"only in B ({len(tools.only_b)}):" in text and "in both (0): none" in text


# -- similar agents and compare with ---------------------------------------------------------


async def test_shift_s_lists_similar_agents_best_first_and_enter_compares() -> None:
    from agentbrowser.screens.similar import SimilarScreen

    async with bundled_app().run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await highlight(pilot, "code-reviewer")
        await pilot.press("S")
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, SimilarScreen) and pilot.app.screen.results is not None
            ),
        )
        similar = pilot.app.screen
        assert isinstance(similar, SimilarScreen) and similar.results
        names = [agent.name for agent, _ in similar.results]
        scores = [score for _, score in similar.results]
        assert scores == sorted(scores, reverse=True)
        assert set(names[:2]) == {"strict-code-reviewer", "security-reviewer"}
        assert "code-reviewer" not in names
        await pilot.press("enter")
        screen = await compared(pilot)
        assert (screen.a.name, screen.b.name) == ("code-reviewer", names[0])
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, BrowseScreen)


async def test_at_80x24_each_similar_agent_is_one_line() -> None:
    """The description is cut to the list's width: cut for a wider line, it wrapped."""
    from agentbrowser.screens.similar import SimilarScreen

    async with bundled_app().run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await highlight(pilot, "code-reviewer")
        await pilot.press("S")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "results", None))
        await pilot.pause(0.1)
        similar = pilot.app.screen
        assert isinstance(similar, SimilarScreen)
        lines = [
            "".join(s.text for s in strip) for strip in pilot.app.screen._compositor.render_strips()
        ]
        shown = [line for line in lines if re.search(r"\d%  \S", line)]
        assert len(shown) == min(len(similar.results), 14), lines
        assert all("\u2026" in line for line in shown), shown


async def test_the_lists_of_agents_fit_their_width_when_opened_and_when_resized() -> None:
    """One line an agent, however the list is opened (from the command palette its rows once
    wrapped) and whatever width the screen takes later, in both lists."""
    from textual.widgets import OptionList

    from agentbrowser.screens.similar import CompareWithScreen, SimilarScreen

    def one_line_each() -> bool:
        options = pilot.app.screen.query_one(OptionList)
        return options.option_count > 3 and options.virtual_size.height == options.option_count

    async with bundled_app().run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await highlight(pilot, "code-reviewer")
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"compare with", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareWithScreen))
        await wait_for(pilot, lambda: pilot.app.screen.shown)  # type: ignore[attr-defined]
        await pilot.pause(0.1)
        assert one_line_each()
        await pilot.press("escape")
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SimilarScreen))
        await wait_for(pilot, lambda: pilot.app.screen.results)  # type: ignore[attr-defined]
        for size in ((100, 30), (50, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            assert one_line_each(), size


async def test_the_similarity_index_is_built_once_per_collection() -> None:
    async with bundled_app().run_test(size=SIZE) as pilot:
        browse = await loaded(pilot)
        for _ in range(2):
            await pilot.press("S")
            await wait_for(pilot, lambda: getattr(pilot.app.screen, "results", None) is not None)
            await pilot.press("escape")
        index = browse.similar_cache.cached(browse.library.agents)
        assert index is not None and len(index) == len(browse.library.agents)


async def test_compare_with_picks_the_second_agent_by_fuzzy_search() -> None:
    from agentbrowser.screens.similar import CompareWithScreen

    async with bundled_app().run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await highlight(pilot, "code-reviewer")
        await pilot.app.screen.run_action("compare_with")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareWithScreen))
        await pilot.press(*"secrev")
        picker = pilot.app.screen
        assert isinstance(picker, CompareWithScreen)
        assert picker.shown and picker.shown[0].name == "security-reviewer"
        await pilot.press("enter")
        screen = await compared(pilot)
        assert (screen.a.name, screen.b.name) == ("code-reviewer", "security-reviewer")


async def test_help_lists_the_compare_keys() -> None:
    from agentbrowser.screens.help import HelpScreen, help_sections

    async with bundled_app().run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        sections = dict(help_sections(pilot.app))
        compare_keys = dict(sections["Compare screen (d)"])
        assert compare_keys["n"] == "Next change" and compare_keys["u"] == "Split / unified"
        assert ("S", "Similar agents") in sections["Browser (list and detail)"]
        assert [k for k, _ in sections["Everywhere"]] == ["? f1", "q", "^p"], sections["Everywhere"]
        # Opened over the compare screen, its keys come first (there `c` copies the diff).
        await pilot.press("escape")
        await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        title, rows = help_sections(pilot.app, pilot.app.screen.here)[0]
        assert title == "This screen: Compare screen (d)" and ("c", "Copy diff") in rows


async def test_the_command_palette_offers_the_compare_commands() -> None:
    from agentbrowser.commands import BROWSE_COMMANDS

    names = {name for name, _, _ in BROWSE_COMMANDS}
    assert {"Agent: similar agents", "Agent: compare with\u2026", "Agent: compare marked"} <= names
    async with bundled_app().run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await highlight(pilot, "code-reviewer")
        await pilot.press("ctrl+p")
        await pilot.press(*"similar agents")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "SimilarScreen")


# -- layout without a terminal -------------------------------------------------------------

STYLES = DiffStyles(
    base=Style(bgcolor="black"),
    delete=Style(bgcolor="red"),
    insert=Style(bgcolor="green"),
    delete_word=Style(bgcolor="magenta"),
    insert_word=Style(bgcolor="cyan"),
)


def make_agent(
    name: str, body: str, description: str = "d", tools: tuple[str, ...] | None = ("Read",)
) -> Agent:
    frontmatter = {"name": name, "description": description}
    return Agent(
        name,
        description,
        tools,
        "claude-agent",
        "path",
        f"/{name}.md",
        frontmatter,
        body,
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1.0, "100.0%"), (0.99999, "99.9%"), (0.9994, "99.9%"), (0.5, "50.0%"), (0.0, "0.0%")],
    ids=["identical", "almost-rounds-up", "rounds-down", "half", "nothing"],
)
def test_percent_never_says_100_for_a_difference(value: float, shown: str) -> None:
    assert percent(value) == shown


def test_percent_without_decimals_never_rounds_up_to_100() -> None:
    assert percent(0.996, 0) == "99%"
    assert percent(1.0, 0) == "100%"


def test_spans_are_applied_before_sanitising() -> None:
    line = "a \x9b b changed"
    text = styled_line(line, [(len(line) - 7, len(line))], Style(), Style(bold=True))
    assert text.plain == "a \\x9b b changed"
    assert [text.plain[s.start : s.end] for s in text.spans] == ["changed"]


def test_a_wrapped_line_keeps_both_sides_aligned() -> None:
    long = "word " * 60
    a = make_agent("a", f"first\n{long}\nsame\n")
    b = make_agent("b", "first\nshort\nsame\n")
    document = lay_out(compare(a, b), 100, False, STYLES)
    cols = columns(100)
    lines = ["".join(segment.text for segment in line) for line in document.lines]
    assert all(len(line) == 100 for line in lines)
    same = [line for line in lines if "same" in line and line.strip().startswith("3")]
    assert len(same) == 1
    # Line 3 is equal on both sides and starts both halves of the same screen line.
    assert same[0][cols.left_x : cols.left_x + cols.left_width].split()[:2] == ["3", "same"]
    assert same[0][cols.right_x : cols.right_x + cols.right_width].split()[:2] == ["3", "same"]


def test_a_block_on_one_side_only_leaves_the_other_blank() -> None:
    a = make_agent("a", "one\ntwo\n")
    b = make_agent("a", "one\nnew a\nnew b\ntwo\n")  # the same name: only the prompt differs
    document = lay_out(compare(a, b), 80, False, STYLES)
    cols = columns(80)
    lines = ["".join(segment.text for segment in line) for line in document.lines]
    inserted = [line for line in lines if "new " in line]
    assert len(inserted) == 2
    for line in inserted:
        assert line[cols.left_x : cols.left_x + cols.left_width].strip() == ""
    # The prompt's insert is the one change.
    assert len(document.changes) == 1


def test_identical_agents_have_no_changes() -> None:
    a = make_agent("a", "one\ntwo\n")
    document = lay_out(compare(a, make_agent("a", "one\ntwo\n")), 80, True, STYLES)
    assert document.changes == []
    assert "identical" in document.text


def test_inherited_tools_read_all_tools() -> None:
    a = make_agent("a", "x\n", tools=None)
    b = make_agent("b", "x\n", tools=("Read", "Bash"))
    text = lay_out(compare(a, b), 100, False, STYLES).text
    assert "only in A: all tools (inherited)" in text
    assert "only in B (0): none" in text


def test_two_agents_that_both_inherit_every_tool_read_so_on_one_line() -> None:
    """Not "only in A: all tools" beside "only in B: all tools" over "in both (0): none"."""
    text = lay_out(
        compare(make_agent("a", "x\n", tools=None), make_agent("b", "y\n", tools=None)),
        100,
        False,
        STYLES,
    ).text
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Tools"])
    assert lines[heading].split() == ["Tools", "same"]
    assert lines[heading + 1].strip() == "both: all tools (inherited)"
    assert "only in" not in text and "in both" not in text


def test_the_tools_row_says_what_no_tools_key_means() -> None:
    from agentbrowser.model.parse import parse_text

    a = parse_text("---\nname: a\ndescription: d\n---\nx\n", "/x/.claude/agents/a.md")
    b = parse_text(
        "---\nname: b\ndescription: d\ntools: Read, Bash\n---\nx\n", "/x/.claude/agents/b.md"
    )
    text = lay_out(compare(a, b), 100, False, STYLES).text
    (row,) = [line for line in text.splitlines() if line.lstrip().startswith("tools ")]
    assert "\u2014 every tool" in row and "Read, Bash" in row
    # Both sides have tools (every one, and two): the row differs, it is no "only B".
    assert row.rstrip().endswith("changed") and "only" not in row


# -- snapshot ------------------------------------------------------------------------------


def test_compare_screen_snapshot(snap_compare, in_repo: None) -> None:  # type: ignore[no-untyped-def]
    """code-reviewer (A, left) against strict-code-reviewer (B, right), split view, after `n`.

    The picture must show: a summary line with the similarity as a percentage below 100 and the
    counts of changed lines and words; both names at the top of their own column; the field
    table (name, description, tools, model and color changed in a warning tint with the word
    "changed" at the right; format and scope "same"); the tools as sets (nothing only in A, Bash
    only in B, Read, Grep and Glob in both); the description diffed as one wrapped changed line
    with blank filler keeping both columns aligned; the prompt with line numbers on both sides,
    changed lines tinted (red left, green right) and only the changed words ("focused"/"strict",
    "real problems"/"every problem") highlighted; a bar in the left margin beside the first
    change (the field rows, moved to by `n`); and the footer with n, N, u, s, c and esc.
    """

    async def run_before(pilot: Pilot[None]) -> None:
        await open_compare(pilot, "code-reviewer", "strict-code-reviewer")
        await pilot.press("n")
        await pilot.press("home")  # back to the top, the mark stays on the field rows
        await asyncio.sleep(0)

    assert snap_compare(bundled_app(), terminal_size=SIZE, run_before=run_before)


def test_compare_screen_snapshot_on_two_seeds(
    snap_compare, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """backend-implementation-expert (A, left) against backend-engineer (B, right), split view.

    The picture must show: both names at the top of their own column, with their paths
    (seeds/..., relative to the folder the app runs in, so the picture is the same anywhere); a low similarity (two agents written by different people); the field table
    with tools and color rows; the tools as sets: Edit, MultiEdit, Write and NotebookEdit only in
    A, the nine tools of backend-engineer (Glob, Grep, Read, WebFetch, TodoWrite, WebSearch, Task,
    Agent, Bash) only in B, none in both; and the start of the description diff, with
    blank filler keeping both columns aligned.
    """
    monkeypatch.chdir(SEEDS.parent)
    seeds = [os.path.relpath(p, SEEDS.parent) for p in sorted(SEEDS.glob("*.txt"))]

    async def run_before(pilot: Pilot[None]) -> None:
        await open_compare(pilot, "backend-implementation-expert", "backend-engineer")
        await asyncio.sleep(0)

    app = build_app(seeds, use_cache=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- end to end, in a real terminal --------------------------------------------------------


def _tmux(server: str, *args: str) -> str:
    import subprocess

    result = subprocess.run(
        ["tmux", "-L", server, *args], check=False, capture_output=True, text=True, timeout=10
    )
    return result.stdout


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_in_tmux_space_down_space_d_shows_both_names_side_by_side() -> None:
    import os
    import sys
    import time

    command = installed_command()
    # COLUMNS and LINES (set under pytest) would win over the pane's real size.
    launch = "env -u COLUMNS -u LINES " + (
        f"{command} --no-cache {BUNDLED}"
        if command
        else f"{sys.executable} -m agentbrowser --no-cache {BUNDLED}"
    )
    server = f"compare-e2e-{os.getpid()}"
    _tmux(server, "new-session", "-d", "-s", "t", "-x", "120", "-y", "36", launch)
    try:

        def screen_until(condition, timeout: float = 15.0) -> str:  # type: ignore[no-untyped-def]
            deadline = time.monotonic() + timeout
            while True:
                text = _tmux(server, "capture-pane", "-t", "t", "-p")
                if condition(text) or time.monotonic() > deadline:
                    return text
                time.sleep(0.05)

        screen_until(lambda text: "12 agents" in text)
        for key in ("space", "Down", "space", "d"):
            _tmux(server, "send-keys", "-t", "t", key)
            time.sleep(0.15)
        text = screen_until(lambda text: "Similarity" in text and "Prompt" in text)
        # The first two agents of the bundled list, each at the top of its column.
        names = [line for line in text.splitlines() if " A code-reviewer" in line]
        assert names and " B debugger" in names[0], text
        _tmux(server, "send-keys", "-t", "t", "Escape")
        text = screen_until(lambda text: "Agents" in text and "Similarity" not in text)
        assert "Similarity" not in text
    finally:
        _tmux(server, "kill-server")


async def test_at_80_columns_the_summary_wraps_rather_than_cut_the_scores(seeds: Path) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        browse = await loaded(pilot)
        a, b = browse.library.agents[:2]
        pilot.app.push_screen(CompareScreen(a, b))
        screen = await compared(pilot)
        summary = screen.query_one("#compare-summary")
        assert summary.size.height == 2
        strips = pilot.app.screen._compositor.render_strips()
        lines = ["".join(s.text for s in strip) for strip in strips]
        assert "other fields" in lines[1], lines[:3]  # the scores' end, on the second line
