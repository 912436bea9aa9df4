"""Hostile input in the browser (issue 6): walk every entry of the hostile tree with the keys.

A pilot drives the real app (`cli.build_app`, 120x36, headless) over the tree that
tests/hostile_tree.py builds: down through every entry (waiting for each detail render to finish),
`r` on the entries whose raw text attacks the terminal, home and end. After every step: the app
still runs, no worker failed, the row carries the problem marker EXPECTED asks for, and what is
on screen holds no control character, no bidi override, no click action and no link.

What is on screen is read with the widgets' own Line API (`render_line(y)` for each visible
line of the list and of the detail pane): those strips are exactly what Textual writes to the
terminal for those cells, with their styles, so a control character or an `@click` meta in them
would reach the terminal. `export_screenshot()` would be the other way, but its SVG escapes and
splits the text (and would hide a raw ESC behind an entity), and the compositor's strips are
private API. The detail pane's `text` (all its rendered lines, not only the visible ones) is
checked too, so nothing further down a long prompt escapes the test.

The tree is listed in a subprocess first, as in e2e/test_hostile.py: a crash there (libyaml once
segfaulted on deep nesting) fails this module instead of killing the test run.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label
from textual.worker import Worker, WorkerState

from agentbrowser.app import AgentBrowserApp
from agentbrowser.cli import build_app
from agentbrowser.messages import LibraryChanged
from agentbrowser.model.records import ERROR, Agent
from agentbrowser.screens.browse import BrowseScreen
from agentbrowser.widgets.agent_view import AgentView

from ..hostile_tree import (
    EXPECTED,
    listed_kinds,
    make_hostile_tree,
    permissions_enforced,
    restore_permissions,
    time_limit,
)

SIZE = (120, 36)
#: The whole walk, hard (SIGALRM); it takes ~15 s on two cores, most of it the 20 MB prompt.
WALK_LIMIT = 150
#: One step: a key and the detail render it starts (the 20 MB prompt renders in ~7 s).
STEP_LIMIT = 60.0
#: Anything a terminal could act on, in a strip (where even a newline or a tab is out of place);
#: bidi overrides and isolates (they reorder what is shown); lone surrogates (a non-UTF-8 file
#: name's bytes), which the terminal writer escapes as `\udce9`: six cells where one was laid out.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same in the detail pane's text, whose lines are joined by newlines.
UNSAFE_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: Entries whose raw view (r) is also walked: their bytes or their names attack the terminal.
RAW_KINDS = (
    "control_filename",
    "escapes_raw",
    "escapes_yaml",
    "markup",
    "markup_unquoted",
    "nul_bytes",
    "binary",
    "fifo",
    "newline_filename",
)
#: What the markup fixtures must show as typed, in the detail pane (rendered view).
MARKUP_SHOWN = {
    "markup": [
        "[bold]x[/]",
        "[/] unbalanced, [@click=app.quit]hi[/] and",
        "[link=file:///etc/passwd]x[/link]",
        "[bold]Read[/]",
        "[red]opus",
        "Prompt with [bold]markup[/] and [/] and",
        "[@click=app.quit]click[/].",
    ],
    "markup_unquoted": ["[@click=app.quit]hi[/] unbalanced [/]", "[bold]Read[/]"],
}
#: ...and in the raw view.
MARKUP_RAW = {
    "markup": ['name: "[bold]x[/]"', "Prompt with [bold]markup[/]"],
    "markup_unquoted": ["name: [/]", "tools: [bold]Read[/], [/]"],
}


# -- helpers -------------------------------------------------------------------------------


def probe(root: Path, scratch: Path) -> None:
    """List root in a subprocess first: a crash (SIGSEGV) or hang there fails, not kills, the run."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "agentbrowser", "list", "--json", str(root)],
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": str(scratch), "XDG_CACHE_HOME": str(scratch / "cache")},
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("listing the hostile tree hung (killed after 120 s)")
    if done.returncode != 0:
        pytest.fail(f"listing the hostile tree exited {done.returncode}: {done.stderr[-2000:]!r}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Path]]]:
    """One hostile tree for the read-only walk, probed in a subprocess."""
    root = tmp_path_factory.mktemp("hostile-tui") / "tree"
    tree = make_hostile_tree(root)
    probe(root, tmp_path_factory.mktemp("probe"))
    yield root, tree
    restore_permissions(root)


class Watch:
    """What the app did besides drawing: failed workers, notifications, copies, reloads."""

    def __init__(self, app: AgentBrowserApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.failed: list[str] = []
        self.reloads = 0
        self.copies: list[str] = []
        self.notes: list[tuple[str, str]] = []
        self.renders: list[AgentView.Rendered] = []
        # Every copy goes through the app's copy_to_clipboard (OSC 52): record instead.
        monkeypatch.setattr(app, "copy_to_clipboard", self.copies.append)
        notify = app.notify

        def record_notify(message: str, *args: Any, **kwargs: Any) -> None:
            self.notes.append((str(kwargs.get("severity", "information")), str(message)))
            notify(message, *args, **kwargs)

        monkeypatch.setattr(app, "notify", record_notify)

    def hook(self, message: Message) -> None:
        """run_test's message hook: sees every message posted in the app."""
        if isinstance(message, Worker.StateChanged) and message.state == WorkerState.ERROR:
            self.failed.append(f"worker {message.worker.name!r} failed: {message.worker.error!r}")
        elif isinstance(message, AgentView.Rendered):
            self.renders.append(message)
        elif isinstance(message, AgentView.RenderFailed):
            self.failed.append(f"the detail pane's render failed: {message.error}")
        elif isinstance(message, LibraryChanged):
            self.reloads += 1

    async def wait(
        self,
        pilot: Pilot[None],
        condition: Callable[[], bool],
        what: str,
        limit: float = STEP_LIMIT,
    ) -> float:
        """wait_until, failing at once when a worker fails."""
        return await wait_until(pilot, condition, what, limit, self.failed)

    def check(self, app: AgentBrowserApp, where: str) -> None:
        """The app still runs, and nothing failed or was reported as an error."""
        assert app.is_running and app.return_code is None, f"the app stopped at {where}"
        assert not self.failed, f"at {where}: {self.failed}"
        errors = [message for severity, message in self.notes if severity == "error"]
        assert not errors, f"at {where}: error notifications {errors}"


async def wait_until(
    pilot: Pilot[None],
    condition: Callable[[], bool],
    what: str,
    limit: float = STEP_LIMIT,
    failed: list[str] | None = None,
) -> float:
    """Let the app run until condition() holds; how long it took. Fails after `limit` seconds,
    or as soon as a worker or the detail pane's render fails."""
    started = time.perf_counter()
    while not condition():
        assert not failed, f"while waiting for {what}: {failed}"
        assert pilot.app.is_running, f"the app stopped while waiting for {what}"
        if time.perf_counter() - started > limit:
            raise AssertionError(f"still waiting after {limit} s for {what}")
        await pilot.pause(0.01)
    return time.perf_counter() - started


def count_text(screen: BrowseScreen) -> str:
    """The count beside the search box: `Loading… 3/44`, then `44 agents`."""
    return str(screen.query_one("#count", Label).content)


def visible(widget: Widget) -> list[Strip]:
    """The strips a Line-API widget draws in its visible area, top to bottom."""
    return [widget.render_line(y) for y in range(widget.scrollable_content_region.height)]


def screen_text(strips: list[Strip]) -> str:
    return "\n".join(strip.text.rstrip() for strip in strips)


def assert_inert(strips: list[Strip], where: str) -> None:
    """No control or bidi character, no click action, no link in what is drawn."""
    for y, strip in enumerate(strips):
        found = UNSAFE.search(strip.text)
        assert found is None, f"{where}, line {y}: {found.group()!r} in {strip.text!r}"
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            assert not style.link, f"{where}, line {y}: a link to {style.link!r}"
            meta = style.meta
            assert not any(key.startswith("@") for key in meta), f"{where}, line {y}: {meta}"


def marker_of(screen: BrowseScreen) -> str:
    """The problem marker drawn in the highlighted row (its third cell)."""
    agents = screen.agent_list
    y = agents.cursor * agents.row_height - round(agents.scroll_y)
    assert 0 <= y < agents.scrollable_content_region.height, "the highlighted row is off screen"
    return agents.render_line(y).crop(2, 3).text


def check_marker(kind: str, agent: Agent, marker: str, tree: dict[str, Path]) -> None:
    """The row's marker and the record's problems say what EXPECTED says about the kind."""
    expect = EXPECTED[kind]
    problems = [(p.severity, p.message) for p in agent.problems]
    if kind == "unreadable" and not permissions_enforced(tree[kind]):
        # Root (as in CI) reads a chmod 000 file: it is listed and read like any other.
        assert marker != "\u2717" and not agent.has_error, (kind, problems)
        return
    if expect.severity is None:
        assert marker != "\u2717" and not agent.has_error, (kind, marker, problems)
        return
    assert any(
        severity == expect.severity and (expect.fragment or "") in message
        for severity, message in problems
    ), (kind, problems)
    want = "\u2717" if expect.severity == ERROR or agent.has_error else "!"
    assert marker == want, f"{kind}: marker {marker!r}, want {want!r} for {problems}"


def check_problems_shown(kind: str, text: str, tree: dict[str, Path]) -> None:
    """The detail pane lists the problem (its severity and message; lines rejoined)."""
    expect = EXPECTED[kind]
    if expect.severity is None or (kind == "unreadable" and not permissions_enforced(tree[kind])):
        return
    flat = " ".join(text.split())
    assert "Problems" in text and f"{expect.severity}:" in flat, (kind, text[:800])
    assert (expect.fragment or "") in flat, (kind, expect.fragment, text[:800])


# -- the walk ------------------------------------------------------------------------------


async def test_walking_every_hostile_entry_shows_its_problem_and_nothing_acts(
    hostile: tuple[Path, dict[str, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, tree = hostile
    listed = listed_kinds(tree)
    kind_of = {str(path): kind for kind, path in listed.items()}
    app = build_app([str(root)], use_cache=False)
    watch = Watch(app, monkeypatch)
    slow: dict[str, float] = {}

    with time_limit(WALK_LIMIT):
        async with app.run_test(size=SIZE, message_hook=watch.hook) as pilot:
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            agents, view = screen.agent_list, screen.agent_view
            want_count = f"{len(listed)} agents"
            await watch.wait(pilot, lambda: count_text(screen) == want_count, want_count, 60)
            watch.check(app, "load")

            # Every entry of the tree is listed, once, and nothing else.
            rows = [agents.agent_at(row) for row in range(agents.row_count)]
            assert sorted(agent.path for agent in rows) == sorted(kind_of)
            assert agents.cursor == 0

            seen: list[str] = []
            failures: list[str] = []
            for row in range(agents.row_count):
                step = time.perf_counter()
                if row:
                    await pilot.press("down")
                agent = rows[row]
                kind = kind_of[agent.path]
                # One entry's failure is recorded and the walk goes on, so that it hides no other.
                with entry_checks(kind, failures):
                    await watch.wait(
                        pilot,
                        lambda row=row: agents.cursor == row and view.agent is agents.highlighted,
                        f"{kind} to be highlighted and shown",
                    )
                    await watch.wait(pilot, lambda: not view.rendering, f"{kind} to render")
                    await pilot.pause()
                    seconds = time.perf_counter() - step
                    if seconds > 1:
                        slow[kind] = seconds
                    seen.append(agent.path)
                    watch.check(app, kind)

                    check_marker(kind, agent, marker_of(screen), tree)
                    assert_inert(visible(agents), f"list at {kind}")
                    assert_inert(visible(view), f"detail of {kind}")
                    found = UNSAFE_TEXT.search(view.text)
                    assert found is None, f"detail of {kind} holds {found.group()!r}"
                    check_problems_shown(kind, view.text, tree)

                    if kind in MARKUP_SHOWN:
                        shown = screen_text(visible(view))
                        for literal in MARKUP_SHOWN[kind]:
                            assert literal in shown, f"{kind}: {literal!r} not shown in\n{shown}"
                    if kind == "markup":
                        await click_on_the_click_action(pilot, screen)
                        watch.check(app, "a click on [@click=app.quit]")
                        assert "[bold]x[/]" in screen_text(visible(agents))

                    if kind in RAW_KINDS:
                        await pilot.press("r")
                        await watch.wait(pilot, lambda: view.raw and not view.rendering, f"raw {kind}")
                        await pilot.pause()
                        watch.check(app, f"raw {kind}")
                        assert view.border_title == "Raw file"
                        raw_text = view.text
                        assert "(raw file)" in " ".join(raw_text[:1000].split()), raw_text[:300]
                        found = UNSAFE_TEXT.search(raw_text)
                        assert found is None, f"raw {kind} holds {found.group()!r}: {raw_text[:300]!r}"
                        assert_inert(visible(view), f"raw {kind}")
                        for literal in MARKUP_RAW.get(kind, []):
                            assert literal in screen_text(visible(view)), (kind, literal)
                        await pilot.press("r")
                        await watch.wait(
                            pilot, lambda: not view.raw and not view.rendering, f"rendered {kind}"
                        )

            assert not failures, f"{len(failures)} entries failed:\n" + "\n\n".join(failures)
            assert seen == [agent.path for agent in rows]
            assert sorted(seen) == sorted(kind_of), "not every entry was walked"

            # Past the end stays on the last; home and end jump.
            await pilot.press("down")
            await pilot.pause()
            assert agents.cursor == agents.row_count - 1
            for key, row in (("home", 0), ("end", agents.row_count - 1), ("home", 0)):
                await pilot.press(key)
                await watch.wait(
                    pilot,
                    lambda row=row: (
                        agents.cursor == row
                        and view.agent is agents.highlighted
                        and not view.rendering
                    ),
                    f"{key} to show row {row}",
                )
                watch.check(app, key)
                assert_inert(visible(view), f"detail after {key}")

            await keys_answer_while_the_big_prompt_renders(pilot, screen, watch, tree)
            watch.check(app, "leaving the 20 MB prompt while it renders")

            # Walking copied nothing: no OSC 52 went out, the app's clipboard is untouched.
            assert watch.copies == [] and app.clipboard == ""
            # Nothing changed on disk, so the polls (every 2 s) found nothing to reload.
            assert watch.reloads == 0, f"{watch.reloads} reloads of an unchanged tree"

            await copy_the_good_prompt(pilot, screen, watch, tree, monkeypatch)
            watch.check(app, "the end")

    # The 20 MB prompt and the other big files render in a thread; the walk waits for each.
    print("entries over 1 s (render included):", {k: round(s, 1) for k, s in slow.items()})


@contextlib.contextmanager
def entry_checks(kind: str, failures: list[str]) -> Iterator[None]:
    """Record an entry's failed check with the entry's kind instead of ending the walk."""
    try:
        yield
    except AssertionError as exc:
        failures.append(f"{kind}: {exc}")


async def click_on_the_click_action(pilot: Pilot[None], screen: BrowseScreen) -> None:
    """Click on `[@click=app.quit]` as shown in the detail pane: it is text, so nothing quits."""
    view = screen.agent_view
    strips = visible(view)
    y, x = next(
        (y, strip.text.index("[@click=app.quit]"))
        for y, strip in enumerate(strips)
        if "[@click=app.quit]" in strip.text
    )
    content = view.scrollable_content_region
    await pilot.click(
        view, offset=(content.x - view.region.x + x + 3, content.y - view.region.y + y)
    )
    await pilot.pause()
    assert pilot.app.is_running
    await pilot.press("escape")  # back to the list, as the walk goes on with the arrow keys
    await pilot.pause()
    assert screen.focused is screen.agent_list


async def keys_answer_while_the_big_prompt_renders(
    pilot: Pilot[None], screen: BrowseScreen, watch: Watch, tree: dict[str, Path]
) -> None:
    """Down while the 20 MB prompt renders (seconds, in a thread) shows the next agent at once."""
    agents, view = screen.agent_list, screen.agent_view
    big = next(
        r for r in range(agents.row_count) if agents.agent_at(r).path == str(tree["big_prompt"])
    )
    assert big + 1 < agents.row_count, "the test needs an entry after the 20 MB prompt"
    agents.move_to(big)
    await watch.wait(pilot, lambda: view.agent is agents.highlighted and view.rendering, "big")
    # Well into the render: its first lines and a later part have arrived, and it goes on.
    already = len(watch.renders)
    await watch.wait(
        pilot,
        lambda: any(not r.first for r in watch.renders[already:]) and view.rendering,
        "a later part of the 20 MB prompt's render",
    )
    big_render = watch.renders[-1].generation
    await pilot.press("down")
    await watch.wait(
        pilot,
        lambda: view.agent is agents.highlighted and not view.rendering,
        "the entry after the 20 MB prompt",
    )
    assert agents.cursor == big + 1
    # The next entry was shown before the big render finished: that render never completed,
    # it was dropped when the key moved on (an event, not a clock, tells).
    finished = [r for r in watch.renders if r.generation == big_render and r.done]
    assert not finished, "the 20 MB prompt rendered to its end before the next entry showed"


async def copy_the_good_prompt(
    pilot: Pilot[None],
    screen: BrowseScreen,
    watch: Watch,
    tree: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control for `copies == []`: a real copy (c) does go through copy_to_clipboard.

    The system clipboard is replaced too, so that the test never writes the user's.
    """
    import pyperclip

    system: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", system.append)
    agents = screen.agent_list
    good = next(r for r in range(agents.row_count) if agents.agent_at(r).path == str(tree["good"]))
    for _ in range(good - agents.cursor):
        await pilot.press("down")
    assert agents.cursor == good
    await pilot.press("c")
    await watch.wait(
        pilot,
        lambda: bool(system) and any(m.startswith("Copied") for _, m in watch.notes),
        "the copy of the good prompt",
        10,
    )
    assert watch.copies == system
    assert watch.copies[0].strip() and "---" not in watch.copies[0]


# -- files that change while the browser shows them -------------------------------------------


async def test_files_deleted_or_rewritten_while_browsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The poll drops a deleted file and reads a rewritten one; the browser keeps going."""
    root = tmp_path / "tree"
    tree = make_hostile_tree(root)
    listed = listed_kinds(tree)
    app = build_app([str(root)], use_cache=False)
    watch = Watch(app, monkeypatch)

    with time_limit(90):
        async with app.run_test(size=SIZE, message_hook=watch.hook) as pilot:
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            agents, view = screen.agent_list, screen.agent_view
            want = f"{len(listed)} agents"
            await watch.wait(pilot, lambda: count_text(screen) == want, want, 60)

            def row_of(path: Path) -> int | None:
                return next(
                    (r for r in range(agents.row_count) if agents.agent_at(r).path == str(path)),
                    None,
                )

            # Show `vanishing`, then delete it and rewrite `changing` under the browser.
            target = row_of(tree["vanishing"])
            assert target is not None
            await pilot.press("end")  # it sorts near the end: fewer keys (each waits for idle)
            for _ in range(agents.row_count - 1 - target):
                await pilot.press("up")
            await watch.wait(
                pilot,
                lambda: (
                    view.agent is not None
                    and view.agent.path == str(tree["vanishing"])
                    and not view.rendering
                ),
                "vanishing to be shown",
            )
            tree["vanishing"].unlink()
            tree["changing"].write_text(
                '---\nname: changed-under-the-browser\ndescription: "unclosed\n---\nNew body.\n',
                encoding="utf-8",
            )
            await watch.wait(
                pilot,
                lambda: count_text(screen) == f"{len(listed) - 1} agents",
                "the poll to drop the deleted file",
                30,
            )
            assert row_of(tree["vanishing"]) is None
            changed = agents.agent_at(row_of(tree["changing"]))  # type: ignore[arg-type]
            assert changed.name == "changed-under-the-browser" and changed.has_error
            # The highlight moved to a listed agent, and the pane shows it.
            await watch.wait(
                pilot,
                lambda: view.agent is agents.highlighted and not view.rendering,
                "the pane to follow the highlight",
            )
            assert agents.highlighted is not None
            assert watch.reloads >= 1
            watch.check(app, "the end")
