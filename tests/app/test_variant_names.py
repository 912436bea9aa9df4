"""Variants stay told apart: names that share a long prefix are cut in the middle, not the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentbrowser.cli import build_app
from agentbrowser.model.text import distinct_names, middle_cut, shorten_apart, shorten_middle
from agentbrowser.screens.browse import BrowseScreen

SEED_NAMES = [
    "backend-implementation-expert",
    "backend-implementation-engineer",
    "backend-implementation",
    "backend-impl-specialist",
    "backend-engineer",
]


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("backend-engineer", 20, "backend-engineer"),
        ("backend-implementation-expert", 20, "backend-impl…-expert"),
        ("backend-implementation-engineer", 20, "backend-im…-engineer"),
        ("backend-implementation", 20, "backend-im…mentation"),
        ("abcdefghij", 5, "abcd…"),
        ("", 5, ""),
    ],
)
def test_shorten_middle(text: str, width: int, shown: str) -> None:
    assert shorten_middle(text, width) == shown
    assert len(shorten_middle(text, width)) <= width


@pytest.mark.parametrize("width", range(16, 30))
def test_the_seed_names_stay_distinct_at_every_width_from_16(width: int) -> None:
    """16 and up: the list gives a name 19 cells at 80 columns (and more when wider)."""
    shown = {shorten_middle(name, width) for name in SEED_NAMES}
    assert len(shown) == len(SEED_NAMES), shown
    assert middle_cut("short", width) is None


@pytest.mark.parametrize("width", range(6, 30))
def test_shorten_apart_tells_the_seed_names_apart_from_six_cells(width: int) -> None:
    """One cut in the middle shows `backend-engineer` and `backend-implementation-engineer`
    alike below 16 cells (`back…neer`); the words they share give way first."""
    shown = shorten_apart(SEED_NAMES, width)
    assert len(set(shown)) == len(SEED_NAMES), shown
    assert all(len(text) <= width for text in shown), shown
    if width >= 16:
        assert shown == [shorten_middle(name, width) for name in SEED_NAMES]


def test_shorten_apart_cuts_the_shared_words_and_keeps_what_differs() -> None:
    assert shorten_middle("backend-engineer", 9) == shorten_middle(SEED_NAMES[1], 9)
    assert shorten_apart(SEED_NAMES, 9) == [
        "back…pert",
        "…impl…eer",
        "back…tion",
        "back…list",
        "…engineer",
    ]
    # One name that is the others' shared start and end, with nothing between.
    assert shorten_apart(["alpha-b", "alpha-x-b", "alpha-yyyyyyy-b"], 6) == ["…b", "…x-b", "…yyyy…"]
    # The same name twice is shown alike; names that fit are left alone.
    assert shorten_apart(["same-name-here", "same-name-here", "ok"], 8) == ["same…ere"] * 2 + ["ok"]
    assert shorten_apart([], 8) == []


def _screen_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The screen as text, line by line, as a person reads it."""
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


async def test_at_80x24_every_seed_name_can_be_told_apart_in_the_list(seeds: Path) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        for _ in range(500):
            if screen.library is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        lines = _screen_lines(pilot.app)
        shown = []
        for name in SEED_NAMES:
            found = [line for line in lines if any(_matches(name, part) for part in line.split())]
            assert found, (name, lines)
            shown.append(next(p for line in found for p in line.split() if _matches(name, p)))
        assert len(set(shown)) == 5, shown  # five different texts on screen


def _matches(name: str, shown: str) -> bool:
    """True when ``shown`` is ``name`` or ``name`` cut in the middle by an ellipsis."""
    if shown == name:
        return True
    if "…" not in shown:
        return False
    head, _, tail = shown.partition("…")
    return (
        len(head) >= 4 and name.startswith(head) and name.endswith(tail) and len(shown) < len(name)
    )


@pytest.mark.parametrize(
    ("named", "shown"),
    [
        pytest.param(
            [("OpenCoder", "/c/.opencode/agent/eval-runner.md"),
             ("OpenCoder", "/c/.opencode/agent/core/opencoder.md"), ("debugger", "/c/debugger.md")],
            ["OpenCoder (eval-runner.md)", "OpenCoder (opencoder.md)", "debugger"],
            id="the-file-names-differ",
        ),
        pytest.param(
            [("pdf", "/a/skills/pdf/SKILL.md"), ("pdf", "/b/skills/pdf/SKILL.md")],
            ["pdf (a/skills/pdf/SKILL.md)", "pdf (b/skills/pdf/SKILL.md)"],
            id="as-much-of-the-path-as-differs",
        ),
        pytest.param([("a", "/x/a.md"), ("b", "/x/b.md")], ["a", "b"], id="no-two-alike"),
    ],
)  # fmt: skip
def test_distinct_names_tell_one_name_apart_by_its_path(
    named: list[tuple[str, str]], shown: list[str]
) -> None:
    assert distinct_names(named) == shown


def test_names_told_apart_by_their_paths_keep_the_part_that_differs() -> None:
    """A path's `/` is where its words meet: the folder that tells two files apart stays."""
    shown = shorten_apart(
        ["OpenCoder (core/openagent/opencoder.md)", "OpenCoder (core/opencoder/opencoder.md)"], 24
    )
    assert shown == ["\u2026openagent/opencoder.md)", "\u2026opencoder/opencoder.md)"]


def test_a_path_cut_to_fit_keeps_its_file_name_whole() -> None:
    from agentbrowser.model.text import shorten_path

    path = "/home/me/projects/my-app/.claude/agents/code-reviewer.md"
    assert shorten_path(path, 80) == path
    assert shorten_path(path, 30) == "/home/me/pro\u2026/code-reviewer.md"
    assert len(shorten_path(path, 30)) == 30
    short = shorten_path(path, 12)  # the name alone does not fit: cut in the middle
    assert len(short) <= 12 and short.count("\u2026") == 1 and short.endswith(".md")
    assert shorten_path("code-reviewer-with-a-long-name.md", 20).count("\u2026") == 1
