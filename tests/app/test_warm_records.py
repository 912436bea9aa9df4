"""The browser on records from the index cache, which hold no prompt: every view reads it."""

from __future__ import annotations

from pathlib import Path

from agentbrowser.cli import build_app
from agentbrowser.model.parse import parse_file
from agentbrowser.screens.browse import BrowseScreen
from agentbrowser.screens.compare import CompareScreen
from agentbrowser.screens.groups import GroupsScreen
from agentbrowser.screens.install_dialog import InstallDialog
from agentbrowser.screens.multi_compare import MultiCompareScreen
from agentbrowser.screens.similar import SimilarScreen

from ..paths import BUNDLED
from .test_app import SIZE, loaded, record_notifications, system_clipboard, wait_for  # noqa: F401


async def test_every_view_reads_the_prompt_of_a_record_from_the_index_cache(
    seeds: Path, system_clipboard: list[str]
) -> None:
    paths = [str(seeds), str(BUNDLED)]
    async with build_app(paths).run_test(size=SIZE) as pilot:  # cold: writes the cache
        await loaded(pilot)
    app = build_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        browse = await loaded(pilot)
        assert isinstance(browse, BrowseScreen)
        selected = browse.selected
        assert selected is not None and selected.body is None  # from the cache, prompt unread
        prompt = parse_file(selected.path).body
        assert prompt and prompt.strip().splitlines()[0][:40] in browse.agent_view.text

        await pilot.press("c")
        await wait_for(pilot, lambda: system_clipboard)
        assert system_clipboard[-1].strip() == prompt.strip()

        await pilot.press("space", "j", "space", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browse)

        await pilot.press("j", "space", "d")  # three marked: the N-way compare
        await wait_for(pilot, lambda: isinstance(app.screen, MultiCompareScreen))
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browse)

        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SimilarScreen))
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browse)

        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
        groups = app.screen
        assert isinstance(groups, GroupsScreen)
        await wait_for(pilot, lambda: groups.groups is not None, timeout=30)
        assert groups.groups  # the seeds at least
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MultiCompareScreen))
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is browse)

        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InstallDialog))
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browse)
        assert [n for n in notes if n.get("severity") == "error"] == []
