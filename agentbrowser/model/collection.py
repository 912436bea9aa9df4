"""Load a whole collection: discover, parse each file, apply precedence."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from agentbrowser.model.discovery import Found, default_sources, from_paths, resolve_precedence
from agentbrowser.model.parse import parse_file
from agentbrowser.model.records import Agent


def sources(paths: Iterable[str] | None = None, cwd: str | None = None, home: str | None = None) -> list[Found]:
    """The files to read: the given paths, or the default scopes when there are none."""
    paths = list(paths or [])
    if paths:
        return from_paths(paths)
    return default_sources(cwd or os.getcwd(), home or os.path.expanduser("~"))


def load(
    found: list[Found],
    progress: Callable[[int, int], None] | None = None,
    every: int = 250,
) -> list[Agent]:
    """Parse every found file (each becomes a record) and resolve precedence."""
    agents: list[Agent] = []
    total = len(found)
    for index, item in enumerate(found, 1):
        agents.append(parse_file(item.path, item.scope, item.hint))
        if progress and index % every == 0:
            progress(index, total)
    return resolve_precedence(agents)


def load_collection(paths: Iterable[str] | None = None, cwd: str | None = None, home: str | None = None) -> list[Agent]:
    """Discover and load in one call."""
    return load(sources(paths, cwd, home))


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
