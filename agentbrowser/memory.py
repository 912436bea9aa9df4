"""The cyclic garbage collector, steered in one place: paused for bursts, frozen after them.

Loading, searching and laying out make many objects and no cycles; the collections their growth
triggers walk the whole heap (10,000 records: ~100,000 objects) and cost 15-25 % of a load, or a
stall of the event loop. Each pause or freeze below says what it buys; nothing else in the
package calls `gc`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (reference counting still frees what it drops);
    the collector is as it was after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pause_for_start() -> None:
    """No cyclic collection until `resume_after_start()`: importing textual and making the
    records build ~1M objects, none of them garbage, and the full collections that growth
    triggers cost 20-60 ms of the browser's start."""
    gc.disable()


def resume_after_start() -> None:
    """The first frame is on screen: what the start made is kept out of every later collection
    (frozen), and collecting starts again. Nothing when the start did not pause it."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def freeze() -> None:
    """Keep every object alive now out of later cyclic collections (they are still freed by
    reference counting): for a large set of long-lived objects without cycles, such as the
    collection's records or a rendered document, which full collections would walk again and
    again (a 10,000-agent list: ~30 ms a pass, at any moment, say a keystroke)."""
    gc.freeze()
