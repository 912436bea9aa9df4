"""The browser's collection as one immutable snapshot, and how it changes when files do.

The browser polls instead of watching: `os.stat` of every loaded path every couple of seconds
costs ~30 ms for 10,000 files in a thread, needs no new dependency (watchfiles is a compiled
Rust extension), and works on every filesystem, including network mounts, WSL and containers
where inotify events never arrive. New and deleted files are found by re-running discovery,
less often.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from agentbrowser.loading import collection
from agentbrowser.memory import gc_paused
from agentbrowser.model.discovery import Found, resolve_precedence
from agentbrowser.model.records import Agent, evolve
from agentbrowser.model.search import Matches, Query, SearchIndex

#: (size, mtime_ns) of a file, as the index cache keeps it, or None when it cannot be stat'ed
#: (deleted, broken link).
Signature = tuple[int, int] | None


def signature(path: str) -> Signature:
    """What tells us a file changed: its size and modification time."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class Library:
    """Everything the browser shows, swapped as a whole when anything changes."""

    paths: tuple[str, ...]
    """What the user asked for (empty: the default scopes)."""
    found: tuple[Found, ...]
    agents: Sequence[Agent]
    """A tuple, or the preload's records made as they are asked for (collection.LazyRecords)."""
    signatures: Mapping[str, Signature] = field(default_factory=dict)
    """Each found file's signature when it was read (for a preload's records: worked out on
    first use, see `Signatures`)."""
    index: SearchIndex = field(default_factory=lambda: SearchIndex(()))
    generation: int = 0
    """Counts reloads, so a result computed from an older snapshot can be recognised."""
    skill_files: bool = False
    """The skills' other files have been read for what they hide or run (`with_skill_files`)."""
    skill_file_signatures: Mapping[str, tuple[str, Signature]] = field(default_factory=dict)
    """Each skill file read by `with_skill_files`: (its skill's path, its signature then). A
    poll that sees one change reads the skill again (a script edited, its SKILL.md not)."""

    @property
    def has_skill_files(self) -> bool:
        """True when a skill here has other files (read from what discovery found: no record
        is made for this)."""
        return any(item.resources for item in self.found)

    def search(self, query: Query | str) -> Matches:
        """The agents matching a query, best first. The first keys of a query match most of a
        big collection (~10,000 new objects), whose allocation would trigger collections of
        every object the app holds: the cyclic GC waits meanwhile."""
        with gc_paused():
            return self.index.search(query)

    def position(self, path: str) -> int | None:
        """The index of the agent read from path, or None (no record is made for this)."""
        if len(self.found) == len(self.agents):  # in the order of the files found
            for index, item in enumerate(self.found):
                if item.path == path:
                    return index
            return None
        for index, agent in enumerate(self.agents):
            if agent.path == path:
                return index
        return None


def _signatures(found: Sequence[Found], agents: Sequence[Agent]) -> dict[str, Signature]:
    """Each found file's signature, from its record where that can be trusted (no stat).

    A record's size and mtime come from the stat of the file it was read from (or from a cache
    entry checked against one), so they equal `signature(path)`, or are older when the file
    changed since it was read, which the next poll then sees. A record of size 0 (an empty,
    missing, unreadable or irregular file: its fields may not be the stat's) is stat'ed.
    10,000 files: ~40 ms of stat calls -> ~3 ms.
    """
    signatures: dict[str, Signature] = {}
    if isinstance(agents, collection.LazyRecords) and len(agents) == len(found):
        fields = agents.stat_fields  # the records need not be made for this
    else:
        by_path = None
        if len(agents) != len(found):
            by_path = {agent.path: agent for agent in agents}

        def fields(number: int) -> tuple[str, int, int] | None:
            agent = agents[number] if by_path is None else by_path.get(found[number].path)
            return None if agent is None else (agent.path, agent.size, agent.mtime_ns)

    for number, item in enumerate(found):
        path = item.path
        known = fields(number)
        if known is not None and known[0] == path and known[1]:
            signatures[path] = (known[1], known[2])
        else:
            signatures[path] = signature(path)
    return signatures


class Signatures(Mapping[str, Signature]):
    """The signatures of a preload's records, worked out the first time they are asked for
    (the browser's search-index thread does, after the first frame): they come from the
    loader's items, and reading all 10,000 of them at mount cost ~10-25 ms."""

    def __init__(self, found: Sequence[Found], agents: collection.LazyRecords) -> None:
        self._args: tuple[Sequence[Found], collection.LazyRecords] | None = (found, agents)
        self._value: dict[str, Signature] | None = None
        self._lock = threading.Lock()

    def _dict(self) -> dict[str, Signature]:
        with self._lock:
            if self._value is None:
                assert self._args is not None
                self._value = _signatures(*self._args)
                self._args = None
            return self._value

    def __getitem__(self, path: str) -> Signature:
        return self._dict()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())


def _snapshot(
    paths: Sequence[str], found: Sequence[Found], agents: Sequence[Agent], generation: int
) -> Library:
    if not isinstance(agents, collection.LazyRecords):
        agents = tuple(agents)
    return Library(
        paths=tuple(paths),
        found=tuple(found),
        agents=agents,
        signatures=Signatures(found, agents)
        if isinstance(agents, collection.LazyRecords)
        else _signatures(found, agents),
        index=SearchIndex(agents),
        generation=generation,
    )


def load_library(
    paths: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
    loader: Callable[..., list[Agent]] | None = None,
) -> Library:
    """Discover and read a collection; `loader` replaces `collection.load` (a cached reader)."""
    found = collection.sources(paths or None)
    if progress:
        progress(0, len(found))
    agents = (loader or collection.load)(found, progress=progress)
    return _snapshot(paths, found, agents, 0)


def library_from_wires(
    paths: Sequence[str], coming: collection.Arriving, wires: collection.forked.Wires
) -> Library:
    """The snapshot of a preload's records: those built as they came, and the rest's wires
    (`collection.Arriving.take_rest`)."""
    found = coming.found
    return _snapshot(paths, found, collection.records_from_wires(found, wires, coming.built), 0)


def partial_library(paths: Sequence[str], agents: Sequence[Agent]) -> Library:
    """A snapshot of the records loaded so far, to show while the rest load (no files, so no
    live reload; precedence is resolved when all are in)."""
    agents = tuple(agents)
    return Library(paths=tuple(paths), found=(), agents=agents, index=SearchIndex(agents))


def preloaded_library(paths: Sequence[str], use_cache: bool = True) -> Library | None:
    """The snapshot of a preload whose records have all arrived (never waits), else None."""
    result = collection.preloaded(paths, use_cache)
    if result is None:
        return None
    return _snapshot(paths, *result, 0)


def with_skill_files(library: Library) -> Library:
    """The snapshot with each skill's record summing up what its other files hide or run
    (security.with_skill_files: the files are read here, in the caller's thread), as the next
    generation; the same snapshot, marked read, when no skill has other files."""
    from agentbrowser.model.security import with_skill_files as summed

    if not library.has_skill_files:
        return replace(library, skill_files=True)
    # Signatures before the files are read: a change made while they are read is seen next.
    signatures = {
        os.path.join(os.path.dirname(item.path), relative): (item.path, None)
        for item in library.found
        for relative in item.resources
    }
    for path, (skill, _) in signatures.items():
        signatures[path] = (skill, signature(path))
    agents = [summed(agent) if agent.resources else agent for agent in library.agents]
    changed = _snapshot(library.paths, library.found, agents, library.generation + 1)
    changed.index.build()
    return replace(changed, skill_files=True, skill_file_signatures=signatures)


def unresolved(agent: Agent) -> Agent:
    """The record as parse_file made it, before `resolve_precedence` marked it.

    resolve_precedence adds `shadowed_by`, `duplicates` and, with duplicates, one warning at
    the end of the problems; a test checks that this undoes exactly that.
    """
    if not agent.shadowed_by and not agent.duplicates:
        return agent
    problems = agent.problems[:-1] if agent.duplicates else agent.problems
    return evolve(agent, shadowed_by=None, duplicates=(), problems=problems)


def changed_paths(library: Library) -> tuple[list[str], list[str]]:
    """Files whose signature differs from the snapshot's: (changed or reappeared, now missing).
    A skill one of whose other files changed is among the changed (it is read again)."""
    changed: list[str] = []
    missing: list[str] = []
    for path, old in library.signatures.items():
        new = signature(path)
        if new != old:
            (changed if new is not None else missing).append(path)
    again = set(changed) | set(missing)
    for path, (skill, old) in library.skill_file_signatures.items():
        if skill not in again and signature(path) != old:
            again.add(skill)
            changed.append(skill)
    return changed, missing


def apply_changes(
    library: Library, reparse: Iterable[str], found: Sequence[Found] | None = None
) -> Library:
    """A new snapshot with `reparse` read again and, when given, a new list of found files.

    Files no longer found are dropped; new ones are read. Records of a file that was deleted
    but is still found (a broken link) are read again and carry the problem.
    """
    from agentbrowser.model.parse import parse_file  # yaml: not needed to start the browser

    found = tuple(library.found if found is None else found)
    by_path = {agent.path: unresolved(agent) for agent in library.agents}
    again = set(reparse)
    agents: list[Agent] = []
    for item in found:
        record = by_path.get(item.path)
        if record is None or item.path in again:
            record = parse_file(item.path, item.scope, item.hint)
        if record.resources != item.resources:  # a skill's files, as discovery found them now
            record = evolve(record, resources=item.resources)
        agents.append(record)
    changed = _snapshot(library.paths, found, resolve_precedence(agents), library.generation + 1)
    changed.index.build()  # here, in the poll's thread, not on the first keystroke
    return changed


def refresh(library: Library, rediscover: bool = False) -> Library | None:
    """Poll once: a new snapshot when files changed, appeared or disappeared, else None."""
    changed, missing = changed_paths(library)
    found: Sequence[Found] | None = None
    if rediscover or missing:
        found = collection.sources(library.paths or None)
        if [f.path for f in found] == [f.path for f in library.found]:
            found = None
    if not changed and not missing and found is None:
        return None
    return apply_changes(library, changed + missing, found)
