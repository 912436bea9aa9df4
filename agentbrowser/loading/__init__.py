"""How a collection reaches memory fast: the loading layer between the model and the screens.

The CLI and the browse screen ask this package for a collection's records through
`collection`, `library`, `groups_cache` and `trace`; the app never imports `forked` or `cache`
(an import-linter contract). Inside: `collection` (discovery, precedence, the one entry point
`load`, and `read_records`/`read_wires` beneath it),
`cache` (the index cache, checked by size and mtime), `forked` (the loader processes that parse
beside the browser's start-up, and the preload hand-off), `library` (the live collection the
browser watches), `groups_cache` (kept role groups), `trace` (where start-up time goes).
Importing this package imports neither yaml nor textual: the browser forks its loader first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentbrowser import lazy_names

if TYPE_CHECKING:
    from agentbrowser.loading.collection import find, load, load_collection, sources

_WHERE = {
    "find": "collection",
    "load": "collection",
    "load_collection": "collection",
    "sources": "collection",
}

__all__ = ["find", "load", "load_collection", "sources"]  # the names of _WHERE


__getattr__ = lazy_names(__name__, _WHERE)
