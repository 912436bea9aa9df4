"""Make the README's screenshots: screenshots/main.svg, search.svg and (via screenshot_compare.py)
compare.svg, on the bundled agents at 120x36, caches off.

Run from anywhere: python scripts/screenshots.py
The keys are the user's: nothing for main; `/` and `review` for search.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from textual.widgets import Label

from agentbrowser.cli import build_app
from agentbrowser.screens.browse import BrowseScreen

SIZE = (120, 36)
OUT = REPO / "screenshots"


async def ready(app) -> None:  # type: ignore[no-untyped-def]
    """Wait (bounded) until the count reads "N agents" and the detail pane has rendered."""
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    for _ in range(500):
        count = str(screen.query_one("#count", Label).render())
        view = screen.agent_view
        loaded = count.endswith(" agents") and "Loading" not in count
        if loaded and view.agent is screen.selected and not view.rendering:
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("the browser did not finish loading")


async def shoot(name: str, keys: tuple[str, ...]) -> None:
    """Start the browser on the bundled agents, press keys, save screenshots/<name>.svg."""
    app = build_app([str(REPO / "agents")], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        if keys:
            await pilot.press(*keys)
            await ready(app)
        await pilot.pause()
        OUT.mkdir(exist_ok=True)
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    print(f"wrote screenshots/{name}.svg")


async def main() -> None:
    await shoot("main", ())
    await shoot("search", ("slash", *"review"))
    import screenshot_compare

    await screenshot_compare.shoot()


if __name__ == "__main__":
    os.chdir(REPO)  # paths in the picture read agents/..., wherever this is run from
    asyncio.run(main())
