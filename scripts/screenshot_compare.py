"""Make screenshots/compare.svg: the compare screen on two bundled near-variants, 120x36.

Run from anywhere: python scripts/screenshot_compare.py
The keys are the user's: space on code-reviewer, down to strict-code-reviewer, space, d, n.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from agentbrowser.cli import build_app
from agentbrowser.screens.browse import BrowseScreen
from agentbrowser.screens.compare import CompareScreen

SIZE = (120, 36)
OUT = REPO / "screenshots" / "compare.svg"


async def shoot() -> None:
    """Drive the app to the compare screen and save it."""
    app = build_app([str(REPO / "agents")], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        browse = app.screen
        assert isinstance(browse, BrowseScreen)
        while browse.library is None:
            await pilot.pause(0.02)
        await pilot.pause()
        for name in ("code-reviewer", "strict-code-reviewer"):
            agents = browse.agent_list
            row = next(r for r in range(agents.row_count) if agents.agent_at(r).name == name)
            for _ in range(abs(row - agents.cursor)):
                await pilot.press("down" if row > agents.cursor else "up")
            await pilot.press("space")
        await pilot.press("d")
        while not isinstance(app.screen, CompareScreen) or app.screen.busy:
            await pilot.pause(0.02)
        await pilot.press("n", "home")
        await pilot.pause()
        OUT.parent.mkdir(exist_ok=True)
        app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    os.chdir(REPO)  # paths in the picture read agents/..., wherever this is run from
    asyncio.run(shoot())
