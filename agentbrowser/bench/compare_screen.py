"""Time the compare screen on two 100 KB prompts: compare, layout, time to open, loop stalls.

Run: python -m agentbrowser.bench.compare_screen  (prints medians; no assertions)

"Time to open" is from push_screen to the first laid-out document in a headless app of 120x36;
"longest stall" is the longest gap between ticks of a 5 ms timer after the screen is mounted and
first painted (while the threads compare and lay out): how long the UI would not have answered
a key. Mounting and the first paint take the same ~50-100 ms for any pair.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time

from rich.style import Style
from textual.app import App

from agentbrowser.bench.compare_model import agent, edit, made_up_words, text
from agentbrowser.model.compare import compare
from agentbrowser.model.records import Agent, prompt
from agentbrowser.render.compare_layout import DiffStyles, lay_out
from agentbrowser.screens.compare import CompareScreen

STYLES = DiffStyles(
    base=Style(bgcolor="#1e1e1e"),
    delete=Style(bgcolor="#3d242a"),
    insert=Style(bgcolor="#24382a"),
    delete_word=Style(bgcolor="#6d2a3a", bold=True),
    insert_word=Style(bgcolor="#2f6a40", bold=True),
)


def pairs() -> dict[str, tuple[Agent, Agent]]:
    """An edited copy and an unrelated text, each about 100 KB."""
    words = made_up_words(random.Random(4))
    rng = random.Random(4)
    big_a = text(rng, words, 100_000)
    big_b = edit(rng, words, big_a, 40)
    unrelated = text(rng, words, 100_000)
    a = agent("a", "A big agent.", big_a, ("Read", "Write"), "/a.md")
    b = agent("b", "A big agent, edited.", big_b, ("Write", "Bash"), "/b.md")
    c = agent("c", "Another big agent.", unrelated, None, "/c.md")
    return {"edited copy": (a, b), "unrelated": (a, c)}


def median_ms(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class _Bench(App[None]):
    """A bare app that opens one compare screen."""


async def open_screen(a: Agent, b: Agent) -> tuple[float, float, float, int]:
    """(ms to mount the screen, ms to a laid-out diff, longest loop stall after mounting in ms,
    lines) in a 120x36 headless app."""
    app = _Bench()
    async with app.run_test(size=(120, 36)) as pilot:
        ticks: list[float] = []
        timer = app.set_interval(0.005, lambda: ticks.append(time.perf_counter()))
        await pilot.pause(0.05)
        started = time.perf_counter()
        screen = CompareScreen(a, b)
        await app.push_screen(screen)
        while screen.diff_view.document is None:  # until it says "Comparing…"
            await asyncio.sleep(0.002)
        mounted = time.perf_counter()
        ticks.append(mounted)
        while screen.busy:
            await asyncio.sleep(0.002)
        opened = time.perf_counter() - started
        await pilot.pause(0.05)
        timer.stop()
        after = [t for t in ticks if t >= mounted]
        gaps = [later - earlier for earlier, later in itertools.pairwise(after)]
        lines = len(screen.diff_view.document.lines) if screen.diff_view.document else 0
        return (mounted - started) * 1000, opened * 1000, max(gaps, default=0) * 1000, lines


def main() -> None:
    """Print the numbers."""
    for label, (a, b) in pairs().items():
        comparison = compare(a, b)
        print(
            f"{label}: {len(prompt(a)):,} / {len(prompt(b)):,} chars, {comparison.changed_lines} changed lines"
        )
        print(f"  compare()                 {median_ms(lambda a=a, b=b: compare(a, b)):8.1f} ms")
        for unified in (False, True):
            mode = "unified" if unified else "split"
            ms = median_ms(lambda c=comparison, u=unified: lay_out(c, 119, u, STYLES))
            lines = len(lay_out(comparison, 119, unified, STYLES).lines)
            print(f"  lay_out {mode:<8} ({lines:,} lines) {ms:8.1f} ms")
        runs = [asyncio.run(open_screen(a, b)) for _ in range(5)]
        mounted = statistics.median(r[0] for r in runs)
        opened = statistics.median(r[1] for r in runs)
        stall = statistics.median(r[2] for r in runs)
        worst = max(r[2] for r in runs)
        print(f"  open the screen           {opened:8.1f} ms  (mounted in {mounted:.0f} ms,")
        print(
            f"                                        then the longest loop stall {stall:.0f} ms,"
        )
        print(f"                                        worst of 5 runs {worst:.0f} ms)")


if __name__ == "__main__":
    main()
