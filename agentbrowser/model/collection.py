"""Load a whole collection: discover, parse each file, apply precedence."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from agentbrowser.model.discovery import Found, default_sources, from_paths, resolve_precedence
from agentbrowser.model.parse import parse_read
from agentbrowser.model.text import read_text
from agentbrowser.model.records import Agent


def sources(paths: Iterable[str] | None = None, cwd: str | None = None, home: str | None = None) -> list[Found]:
    """The files to read: the given paths, or the default scopes when there are none."""
    paths = list(paths or [])
    if paths:
        return from_paths(paths)
    return default_sources(cwd or os.getcwd(), home or os.path.expanduser("~"))


def load(
    found: list[Found],
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    every: int = 250,
    cache_file: str | None = None,
) -> list[Agent]:
    """Parse every found file (each becomes a record) and resolve precedence.

    With the cache, a file whose size and mtime match its entry is not read: its record comes
    from the entry, with the prompt read on first use. The cache is rewritten only when a file
    was parsed or one is gone. `cache_file` names another cache file (tests, the benchmark).
    """
    with _gc_paused():
        return resolve_precedence(_load(found, use_cache, progress, every, cache_file))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: loading makes ~100 objects a file, none in cycles, and the
    collections it triggers as the heap grows cost 15-25 % of a load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    found: list[Found],
    use_cache: bool,
    progress: Callable[[int, int], None] | None,
    every: int,
    cache_file: str | None,
) -> list[Agent]:
    from agentbrowser.model import cache  # json, hashlib and platformdirs only when needed

    index: dict[str, list[Any]] = {}
    path = None
    if use_cache:
        path = cache_file or cache.index_path(cache.collection_key(found))
        index = cache.read_index(path)
    entries: dict[str, list[Any]] = {}
    agents: list[Agent] = []
    total = len(found)
    dirty = False  # an entry was added or replaced: the cache file needs writing
    for number, item in enumerate(found, 1):
        agent = None
        entry = index.get(item.path)
        if entry is not None:
            signature = cache.file_signature(item.path)
            if signature is not None:
                agent = cache.decode(entry, item, *signature)
                if agent is not None:
                    entries[item.path] = entry
        if agent is None:
            agent, offset = _parse(item)
            if use_cache and offset is not None:
                fresh = cache.encode(agent, item.hint, offset)
                if fresh is not None:
                    entries[item.path] = fresh
                    dirty = True
        agents.append(agent)
        if progress and number % every == 0:
            progress(number, total)
    # Records that cannot be cached (a date in the frontmatter, an unreadable file) are parsed
    # every time without rewriting the file; entries of files that are gone are dropped.
    if path is not None and (dirty or len(entries) != len(index)):
        cache.write_index(path, entries)
    return agents


def _parse(item: Found) -> tuple[Agent, int | None]:
    """A file's record and where its prompt starts in its text (None when it was not read)."""
    path = os.path.abspath(item.path)
    read = read_text(path)
    agent = parse_read(path, read, item.scope, item.hint)
    if read.text is None:
        return agent, None
    return agent, len(read.text) - len(agent.body)


def load_collection(
    paths: Iterable[str] | None = None,
    cwd: str | None = None,
    home: str | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[Agent]:
    """Discover and load in one call."""
    return load(sources(paths, cwd, home), use_cache=use_cache, progress=progress)


def find(agents: list[Agent], name: str) -> list[Agent]:
    """Records matching a name: exact, then case-insensitive, then by path or file name."""
    exact = [a for a in agents if a.name == name]
    if exact:
        return exact
    folded = [a for a in agents if a.name.lower() == name.lower()]
    if folded:
        return folded
    absolute = os.path.abspath(name)
    by_path = [a for a in agents if a.path == absolute or os.path.basename(a.path) == name]
    return by_path
