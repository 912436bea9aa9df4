"""Make the README's screenshots at 120x36, caches off: screenshots/main.svg and search.svg on
the bundled agents, compare.svg (via screenshot_compare.py), variants.svg (the five seed agents
compared at once) and powers.svg (an agent that hides text and runs a downloaded script).

Run from anywhere: python scripts/screenshots.py
The keys are the user's: nothing for main; `/` and `review` for search; space and down on each
seed, then `d`, for variants.
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
        loaded = count.endswith((" agents", " agent")) and "Loading" not in count
        if loaded and view.agent is screen.selected and not view.rendering:
            return
        await asyncio.sleep(0.02)
    raise RuntimeError("the browser did not finish loading")


async def shoot(name: str, keys: tuple[str, ...], folder: Path = REPO / "agents") -> None:
    """Start the browser on a folder (the bundled agents), press keys, save <name>.svg."""
    app = build_app([str(folder.relative_to(REPO))], use_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app)
        if keys:
            await pilot.press(*keys)
            if app.screen is pilot.app.screen_stack[0]:
                await ready(app)
        await pilot.pause(0.5)  # a screen opened by the keys lays out its parts
        await pilot.pause()
        OUT.mkdir(exist_ok=True)
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    print(f"wrote screenshots/{name}.svg")


async def main() -> None:
    await shoot("main", ())
    await shoot("search", ("slash", *"review"))
    await shoot("variants", ("space", "down") * 5 + ("d",), REPO / "tests" / "data" / "seeds")
    await shoot("powers", (), REPO / "tests" / "data" / "security")
    import screenshot_compare

    await screenshot_compare.shoot()


if __name__ == "__main__":
    os.chdir(REPO)  # paths in the picture read agents/..., wherever this is run from
    asyncio.run(main())
