"""Selecting an agent (issue 5): what a key costs the event loop, and how the detail pane renders.

The pane renders in its own thread and the loop paints what arrives. These tests pin the parts
that keep a selection within a frame or two: a stale render stops within a few lines, a new
agent's first lines are painted once (a screenful, or after a moment), a growing document moves
the scrollbar without a layout of the screen, the list repaints only the two rows that change,
and a render that fails says so in the pane and leaves the thread working.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip

from agentbrowser.bench.probes import prompt_of
from agentbrowser.cli import build_app
from agentbrowser.widgets import agent_view
from agentbrowser.widgets.agent_view import AgentView

from .test_app import SIZE, loaded, wait_for


def write_agents(folder: Path, prompts: dict[str, str]) -> Path:
    folder.mkdir()
    for name, prompt in prompts.items():
        (folder / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: The {name} agent.\n---\n{prompt}\n",
            encoding="utf-8",
        )
    return folder


def test_a_stale_render_stops_within_a_few_lines() -> None:
    console = Console(file=io.StringIO(), width=40, force_terminal=True, color_system="truecolor")
    options = console.options.update(width=40, height=None)
    text = Text("\n".join(f"line {i}" for i in range(1000)))

    whole = agent_view._lines(console, text, options, 40, lambda: False)
    assert [strip.text.rstrip() for strip in whole] == [f"line {i}" for i in range(1000)]
    assert whole == [Strip(line, 40) for line in console.render_lines(text, options)]

    checks: list[int] = []

    def stale() -> bool:
        checks.append(1)
        return len(checks) == 3

    with pytest.raises(agent_view._Stale):
        agent_view._lines(console, text, options, 40, stale)
    # Stopped at the third check, 3 * STALE_CHECK_LINES lines in, not after 1,000 lines.
    assert len(checks) == 3


async def test_a_failed_render_is_shown_in_the_pane_and_the_next_agent_still_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_agents(
        tmp_path / "agents", {"a-fine": "Be fine.", "b-fails": "Never.", "c-fine": "Be fine too."}
    )
    real = agent_view.agent_pieces

    def pieces(agent: Any, *args: Any) -> Any:
        if agent.name == "b-fails":
            raise RuntimeError("boom [bold]not markup[/bold]")
        return real(agent, *args)

    monkeypatch.setattr(agent_view, "agent_pieces", pieces)
    async with build_app([str(folder)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        view = screen.agent_view
        await pilot.press("j")
        await wait_for(pilot, lambda: view.agent is screen.selected and not view.rendering)
        assert view.agent is not None and view.agent.name == "b-fails"
        await pilot.pause()
        assert "Cannot show b-fails:" in view.text
        assert "RuntimeError: boom [bold]not markup[/bold]" in view.text
        assert "Be fine." not in view.text  # not the previous agent
        await pilot.press("j")
        await wait_for(pilot, lambda: view.agent is screen.selected and "Be fine too." in view.text)


async def test_a_new_agents_first_lines_are_painted_once_a_screenful_is_in_or_after_a_moment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The moment is an hour while the test checks that the header alone waits: no clock can
    # end it early. It is made short below to see it pass.
    monkeypatch.setattr(agent_view, "FIRST_PAINT_SECONDS", 3600)
    folder = write_agents(tmp_path / "agents", {"long": prompt_of(20_000)})
    async with build_app([str(folder)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        view = screen.agent_view
        height = view.scrollable_content_region.height
        before = view.virtual_size.height
        assert before > height
        line = Strip([Segment("x")], 1)

        # A new render's header alone: kept until more comes or the moment passes.
        view._generation += 1  # what starting a new render does (the old one is stale)
        view.post_message(AgentView.Rendered(view._generation, [line] * 3, True, False, 0.0))
        await pilot.pause()
        assert view._first_due and view.virtual_size.height == before
        # More comes, filling the pane: painted at once.
        view.post_message(AgentView.Rendered(view._generation, [line] * height, False, False, 0.0))
        await pilot.pause()
        assert not view._first_due and view.virtual_size.height == 3 + height

        # The moment passes: the header alone is painted.
        monkeypatch.setattr(agent_view, "FIRST_PAINT_SECONDS", 0.05)
        view._generation += 1
        view.post_message(AgentView.Rendered(view._generation, [line] * 3, True, False, 0.0))
        await wait_for(
            pilot,
            lambda: (
                view._lines_generation == view._generation
                and not view._first_due
                and view.virtual_size.height == 3
            ),
        )

        # A screenful is painted at once.
        view._generation += 1
        view.post_message(AgentView.Rendered(view._generation, [line] * height, True, False, 0.0))
        await pilot.pause()
        assert not view._first_due and view.virtual_size.height == height


async def test_a_growing_document_moves_the_scrollbar_without_laying_out_the_screen(
    tmp_path: Path,
) -> None:
    folder = write_agents(
        tmp_path / "agents", {"a-short": "Be brief.", "b-long": prompt_of(200_000)}
    )
    async with build_app([str(folder)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        view = screen.agent_view
        layouts: list[int] = []
        heights: list[int] = []
        refresh, resize = view.refresh, view._resize_document

        def counted_refresh(*regions: Any, **kwargs: Any) -> Any:
            if kwargs.get("layout"):
                layouts.append(len(view._lines))
            return refresh(*regions, **kwargs)

        def counted_resize(size: Any) -> None:
            heights.append(size.height)
            resize(size)

        view.refresh = counted_refresh  # type: ignore[method-assign]
        view._resize_document = counted_resize  # type: ignore[method-assign]
        await pilot.press("j")
        await wait_for(
            pilot, lambda: view.agent is screen.selected and not view.rendering, timeout=30
        )
        await pilot.pause()
        lines = len(view._lines)
        assert lines > 2_000
        assert len(heights) >= 2, "the document arrived in one piece: this test no longer tests"
        # Layout only where the scrollbar appeared (the first size after the short agent),
        # none as the document grew.
        assert set(layouts) <= {heights[0]}, (layouts, heights)
        assert view.virtual_size.height == lines
        assert view.vertical_scrollbar.window_virtual_size == lines
        assert view.max_scroll_y == lines - view.scrollable_content_region.height
        await pilot.press("tab", "end")  # the pane scrolls to the very end of the document
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y


async def test_moving_the_highlight_repaints_two_rows_not_the_whole_list(tmp_path: Path) -> None:
    folder = write_agents(tmp_path / "agents", {f"agent-{i:02}": f"Be {i}." for i in range(20)})
    async with build_app([str(folder)], use_cache=False).run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        agents = screen.agent_list
        regions: list[tuple[Region, ...]] = []
        refresh = agents.refresh

        def recorded(*dirty: Region, **kwargs: Any) -> Any:
            regions.append(dirty)
            return refresh(*dirty, **kwargs)

        agents.refresh = recorded  # type: ignore[method-assign]
        await pilot.press("j")
        await pilot.pause()
        rows = [region for dirty in regions for region in dirty]
        assert [region.y for region in rows] == [0, agents.row_height]
        assert all(region.height == agents.row_height for region in rows)
        assert len(regions) == 2, regions  # no refresh of the whole list besides
        assert agents.cursor == 1
