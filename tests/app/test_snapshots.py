"""Snapshot tests of the browser (issue 3), grouped by feature; each docstring says what must show.

Deterministic by construction: the cwd is the repository (paths show as `agents/...`, never the
clone's absolute path), caches are off, HOME is a fresh folder (conftest), nothing shows a clock,
and `run_before` waits until loading and the detail pane's render have finished.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from agentbrowser.cli import build_app
from agentbrowser.screens.browse import BrowseScreen

from ..paths import BUNDLED, REPO

SIZE = (120, 36)
PROBLEMS = REPO / "tests" / "data" / "problems"


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the picture read relative to the repository, wherever it is cloned."""
    monkeypatch.chdir(REPO)


def ready(pilot: Pilot[None]) -> bool:
    """The count reads "N agents" and the detail pane shows the highlighted agent, rendered."""
    screen = pilot.app.screen_stack[0] if pilot.app.screen_stack else None  # under any modal
    if not isinstance(screen, BrowseScreen):
        return False
    labels = screen.query("#count").results(Label)  # none until composed: run_before starts early
    count = next((str(label.render()) for label in labels), "")
    if not count.endswith(" agents") or "Loading" in count:
        return False
    view = screen.agent_view
    return (
        count.endswith(" agents")
        and "Loading" not in count
        and view.agent is screen.selected
        and not view.rendering
    )


async def settle(pilot: Pilot[None]) -> None:
    """Wait (bounded) until the browser is ready."""
    for _ in range(500):
        if ready(pilot):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the browser did not finish loading")


def pressing(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A run_before that waits for loading, presses keys, and waits for the result."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


# -- the main screen -------------------------------------------------------------------------


def test_main_screen_on_the_bundled_agents(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The browser at start-up on the bundled agents, no key pressed.

    The picture must show: on the left, a box titled "Agents" with the search box (placeholder
    "/ search: ...") and the count "12 agents"; all twelve agents in two-line rows (name, format
    badge, model on the first line, description on the second), code-reviewer first and
    highlighted, a colour bar beside agents that set `color`; on the right, a box titled
    "Detail" with code-reviewer's header (name, "claude-agent · path", the path
    agents/.claude/agents/code-reviewer.md relative to the repository, model sonnet, colour,
    token counts, tools Read, Grep, Glob as chips), its description and the start of its prompt
    rendered as markdown; and the footer with / Search, c Copy prompt, y Copy…, space Mark,
    d Compare and ? Help.
    """
    assert snap_compare(
        build_app([str(BUNDLED)], use_cache=False), terminal_size=SIZE, run_before=pressing()
    )


# -- search ----------------------------------------------------------------------------------


def test_search_review(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """`/` then `review` on the bundled agents.

    The picture must show: the search box focused holding "review" with the cursor after it;
    the count reading "N/12 agents" with only the matching agents listed, best first, the
    letters of "review" that matched highlighted in the names; the first match highlighted and
    shown in full in the detail pane.
    """
    assert snap_compare(
        build_app([str(BUNDLED)], use_cache=False),
        terminal_size=SIZE,
        run_before=pressing("slash", *"review"),
    )


# -- problems --------------------------------------------------------------------------------


def test_agent_with_problems(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """tests/data/problems: a broken-YAML agent, one with Rich markup in its description, and
    one without a name.

    The picture must show: the count "3 agents"; broken-yaml and missing-name with the error
    marker ✗ in their rows, markup-description without one (its purple colour bar instead);
    broken-yaml highlighted, its detail pane with a "Problems" section reading "error: line 3:
    invalid YAML (...)" in the error colour above its description and prompt. The second row's
    description shows "[bold]x[/]" literally (as typed, not bold).
    """
    assert snap_compare(
        build_app([str(PROBLEMS)], use_cache=False), terminal_size=SIZE, run_before=pressing()
    )


def test_rich_markup_in_a_description_is_shown_as_typed(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """tests/data/problems, with markup-description highlighted (j).

    The picture must show: its description in the detail pane with "[bold]x[/]", "[red]y[/red]"
    and "[link=https://example.com]click[/link]" as plain characters (nothing bold, red or
    underlined as a link), no Problems section, and its prompt's "Markup is text" heading
    rendered as a markdown heading.
    """
    assert snap_compare(
        build_app([str(PROBLEMS)], use_cache=False), terminal_size=SIZE, run_before=pressing("j")
    )


def test_raw_file_marks_the_problem_line(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """tests/data/problems, broken-yaml highlighted, `r`: the raw file.

    The picture must show: the detail pane titled "Raw file", the path
    tests/data/problems/broken-yaml.md and "(raw file)" on top, then the file with line
    numbers in a muted colour except line 3 (the invalid YAML line), whose number is in the
    error colour.
    """
    assert snap_compare(
        build_app([str(PROBLEMS)], use_cache=False), terminal_size=SIZE, run_before=pressing("r")
    )


# -- help ------------------------------------------------------------------------------------


def test_help_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """`?` over the bundled agents.

    The picture must show: a modal titled "agentbrowser help" over the dimmed browser, listing
    the keys under "Everywhere" (? F1 Help, q Quit, ^p Command palette), then "Browser (list
    and detail)" (/ Search, c Copy prompt, y Copy…, space Mark, d Compare, S Similar agents,
    v Variants, e Open in $EDITOR, i Install, n New agent, F Repair, r Raw file / rendered,
    o a skill's files, ^r f5 Reload, esc Back), then "List"; the rest scrolls.
    """
    assert snap_compare(
        build_app([str(BUNDLED)], use_cache=False),
        terminal_size=SIZE,
        run_before=pressing("question_mark"),
    )
