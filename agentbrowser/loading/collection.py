"""Load a whole collection: discover, parse each file, apply precedence."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

from agentbrowser.loading import cache, forked, trace
from agentbrowser.loading.cache import FORMAT_ID, NAME
from agentbrowser.loading.forked import Wire
from agentbrowser.memory import gc_paused
from agentbrowser.model.discovery import (
    Found,
    Mark,
    apply_mark,
    default_sources,
    from_paths,
    precedence_marks,
    resolve_precedence,
)
from agentbrowser.model.records import Agent, Problem, evolve
from agentbrowser.model.text import read_text


def sources(
    paths: Iterable[str] | None = None, cwd: str | None = None, home: str | None = None
) -> list[Found]:
    """The files to read: the given paths, or the default scopes when there are none."""
    paths = list(paths or [])
    preload = forked.pending(preload_key(paths, cwd, home)) if forked.preloading() else None
    if preload is not None:
        found = preload.take_found()
        if found is not None:
            return found
    if paths:
        return from_paths(paths)
    return default_sources(cwd or os.getcwd(), home or os.path.expanduser("~"))


def first_frame_shown() -> None:
    """The browser's first frame is on screen: its preload's parsing helpers may start (they
    wait, so that the browser's start has a core of its own)."""
    forked.release_helpers()


#: What a preload hands the browser: its wire items, decoded as they are asked for.
Wires = forked.Wires


def preload_key(paths: list[str], cwd: str | None, home: str | None) -> tuple[Any, ...]:
    """What a preload was started for: the paths, and where relative ones and scopes resolve."""
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:  # the current folder was deleted
            cwd = ""
    return (tuple(paths), cwd, home or os.path.expanduser("~"))


def preload(paths: Iterable[str] | None = None, use_cache: bool = True) -> bool:
    """Start discovering and loading in a child process; False when that is not possible.

    For the browser, before it imports textual: the child works on the second core while this
    process starts the UI, and the UI's own `sources(paths)` and `load(found)` take the results.
    """
    paths = list(paths or [])
    key = preload_key(paths, None, None)

    def work(send: Callable[[bytes, Any], None]) -> None:
        trace.mark("preload: discovering")
        found = sources(paths, key[1] or None, key[2])
        send(b"F", [(item.path, item.scope, item.hint, item.resources) for item in found])
        trace.mark(f"preload: {len(found)} files found")
        streamed: dict[int, tuple[str, str]] = {}  # (format, name) of what went in parts

        def stream(positions: list[int], part: list[forked.Wire]) -> None:
            streamed.update(zip(positions, [_wire_name(wire) for wire in part]))
            send(b"C", (positions, part))

        with gc_paused():
            wires, save = read_wires(
                found,
                use_cache=use_cache,
                progress=lambda done, total: send(b"P", (done, total)),
                stream=stream,
            )
            trace.mark("preload: records made")
            # Precedence is worked out here, over all the files: the browser then marks the
            # records it makes without reading every item first. (~5 ms for 10,000.)
            names = [
                streamed[position] if wire is None else _wire_name(wire)
                for position, wire in enumerate(wires)
            ]
            marks = {
                position: _plain_mark(mark)
                for position, mark in precedence_marks(
                    names, lambda i: (found[i].scope, found[i].path)
                ).items()
            }
            sent = [position for position, wire in enumerate(wires) if wire is None]
            send(b"R", forked.Wires.payload(wires, (marks, sent)))
            trace.mark("preload: records sent")
            save()  # after sending: the browser does not wait for the cache file
            trace.mark("preload: cache saved")

    return forked.start_preload(key, work)


def _wire_name(wire: forked.Wire) -> tuple[str, str]:
    """(format, name) of a wire item, for `precedence_marks`."""
    if wire.__class__ is bytes:
        agent = pickle.loads(wire)  # type: ignore[arg-type]  # made by our own child
        return agent.format, agent.name
    return wire[FORMAT_ID], wire[NAME]  # type: ignore[index]  # a cache entry


PlainMark = tuple[str | None, tuple[str, ...], tuple[str, str, int | None] | None]


def _plain_mark(mark: Mark) -> PlainMark:
    """A precedence mark as plain values (it crosses from the loader's process)."""
    problem = mark.problem
    plain = None if problem is None else (problem.severity, problem.message, problem.line)
    return mark.shadowed_by, mark.duplicates, plain


def _marks_from_plain(plain: Any, count: int) -> dict[int, Mark] | None:
    """The marks a loader sent for `count` files (see `_plain_mark`); None when they have
    another shape."""
    try:
        marks = {
            position: Mark(shadowed, tuple(others), None if problem is None else Problem(*problem))
            for position, (shadowed, others, problem) in plain.items()
        }
    except (AttributeError, TypeError, ValueError):
        return None
    if not all(position.__class__ is int and 0 <= position < count for position in marks):
        return None
    return marks


def preloaded(
    paths: Iterable[str] | None = None, use_cache: bool = True
) -> tuple[list[Found], Sequence[Agent]] | None:
    """The preload's files and records when they have all arrived (it never waits); else None.

    For the browser's mount: records already in this process are turned into the list at once
    (~25 ms for 2,000, ~100 ms for 10,000), so the first frame can show them; when they are
    still coming, the browser loads in a thread and shows progress.
    """
    paths = list(paths or [])
    preload = forked.pending(preload_key(paths, None, None)) if forked.preloading() else None
    if preload is None or not preload.arrived.is_set():
        return None
    found = preload.take_found()
    if found is None:
        return None
    return found, load(found, use_cache=use_cache)


class Arriving:
    """A preload's records as they come into this process: the parts the child sends while
    it parses, built here as they come, then the rest.

    For the browser: its mount shows the parts already here (`take_nowait`) in the first
    frame, and its load thread waits for the rest (`take_rest`); the parts come while the
    event loop has nothing to do, and the event loop then builds the rest in one go
    (`records_from_wires`). Built in a thread while the first frame was drawn, the records
    of 2,000 files took ~100 ms instead of ~12.
    """

    def __init__(self, preload: forked.Preload, found: list[Found]) -> None:
        self.preload = preload
        self.found = found
        self.built: list[Agent | None] = [None] * len(found)
        self.reported = 0
        """How many files the loader said it has done (its last progress message)."""

    def _part(self, positions: list[int], wires: list[forked.Wire]) -> None:
        found = self.found
        if len(positions) != len(wires) or not all(
            position.__class__ is int and 0 <= position < len(found) for position in positions
        ):
            return  # not from our child: those records come from the final list or a reread
        with gc_paused():
            records = wire_records(wires, [found[p] for p in positions])
        for position, record in zip(positions, records):
            self.built[position] = record

    def take_nowait(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Build the parts that are here, without waiting; False when the preload failed."""

        def seen(done: int, total: int) -> None:
            self.reported = done
            if progress is not None:
                progress(done, total)

        return self.preload.take_parts_nowait(seen, self._part)

    def rest_if_nearly_done(self, share: float, wait: float) -> forked.Wires | None:
        """The rest, as `take_rest` gives it, when the loader has reported at least `share` of
        the files done and its last message comes within `wait` seconds; else None, with
        nothing taken (`take_rest` then waits for it as usual).

        For the browser's first frame: a warm start whose last files are being parsed would
        list the part that has arrived and replace it with the whole a frame later.
        """
        built = len(self.built) - self.built.count(None)
        if not self.found or max(self.reported, built) < share * len(self.found):
            return None
        if not self.preload.arrived.wait(wait):
            return None
        return self.take_rest()

    def partial(self) -> list[Agent]:
        """The records built so far, in the order of the files (precedence not resolved)."""
        return [record for record in self.built if record is not None]

    def take_rest(self, progress: Callable[[int, int], None] | None = None) -> forked.Wires | None:
        """Wait for the rest: wire items where no record is built yet; None on failure."""
        wires = self.preload.take_wires(progress, self._part)
        trace.mark("preloaded records taken")
        if wires is None or len(wires) != len(self.found):
            return None
        try:
            _, sent = wires.extra
            if any(self.built[position] is None for position in sent):
                return None  # a part that never came: the whole load is done again
        except (TypeError, ValueError, IndexError):
            return None
        return wires


def arriving(paths: Iterable[str] | None = None, wait: bool = True) -> Arriving | None:
    """The preload of these paths, once its list of files is here (waiting for it, unless not
    `wait`); None when there is none, it failed, or (not waiting) the list is not here yet."""
    paths = list(paths or [])
    preload = forked.pending(preload_key(paths, None, None)) if forked.preloading() else None
    if preload is None:
        return None
    found = preload.take_found(wait)
    return Arriving(preload, found) if found is not None else None


class LazyRecords(Sequence[Agent]):
    """The records of a preload's wire items, precedence marked, each made the first time it
    is asked for.

    The browser's first frame shows ~20 of them and the count: made all at once, 10,000
    records from the index cache took ~40 ms of the event loop before that frame (2,000: ~12).
    The loader sends the precedence marks with the items (`marks`); without them they are
    worked out here, from the items (name and format are in them). The search index makes the
    rest, in a thread, after the first frame. Thread-safe: a record is made once, under a
    lock, and the same object is returned from then on. An item that is missing (None with no
    record built), or a cache entry that is not well formed (the loader checks only that it is
    fresh: `cache.fresh`), is read from its file.
    """

    def __init__(
        self,
        found: Sequence[Found],
        wires: Sequence[forked.Wire | None],
        built: Sequence[Agent | None] | None = None,
        marks: dict[int, Mark] | None = None,
    ) -> None:
        from agentbrowser.loading.cache import build, well_formed  # once, not once a record

        self._build_entry = build
        self._well_formed = well_formed
        agents: list[Agent | None] = list(built) if built is not None else [None] * len(found)
        if marks is None:
            for position, wire in enumerate(wires):
                if wire.__class__ is bytes and agents[position] is None:
                    agents[position] = pickle.loads(wire)  # type: ignore[arg-type]  # our child's
            marks = precedence_marks(
                [
                    _wire_name(wire)  # type: ignore[arg-type]
                    if agent is None
                    else (agent.format, agent.name)
                    for agent, wire in zip(agents, wires)
                ],
                lambda i: (found[i].scope, found[i].path),
            )
        self._marks = marks
        for position, mark in marks.items():
            agent = agents[position]
            if agent is not None:
                agents[position] = apply_mark(agent, mark)
        self._agents = agents
        self._wires: Sequence[Any] = wires if isinstance(wires, forked.Wires) else list(wires)
        self._found = found
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._agents)

    @overload
    def __getitem__(self, index: int) -> Agent: ...
    @overload
    def __getitem__(self, index: slice) -> list[Agent]: ...
    def __getitem__(self, index: int | slice) -> Agent | list[Agent]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        agent = self._agents[index]
        return agent if agent is not None else self._make(index)

    def _make(self, index: int) -> Agent:
        index = range(len(self._agents))[index]  # a negative index, or IndexError
        with self._lock:
            agent = self._agents[index]
            if agent is None:
                wire = self._wires[index]
                if wire.__class__ is list and self._well_formed(wire):
                    agent = self._build_entry(wire, self._found[index])
                elif wire.__class__ is bytes:
                    agent = pickle.loads(wire)  # made by our own child
                else:
                    agent = _parse(self._found[index])[0]
                mark = self._marks.get(index)
                if mark is not None:
                    agent = apply_mark(agent, mark)
                self._agents[index] = agent
                self._wires[index] = None  # made: the wire item is not needed again
        return agent

    def __iter__(self) -> Iterator[Agent]:
        for index in range(len(self._agents)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyRecords, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def made(self) -> int:
        """How many records are made so far (for tests)."""
        return sum(agent is not None for agent in self._agents)

    def stat_fields(self, index: int) -> tuple[str, int, int]:
        """(path, size, mtime_ns) of a record, without making it."""
        agent = self._agents[index]
        if agent is not None:
            return agent.path, agent.size, agent.mtime_ns
        entry = self._wires[index]
        if entry.__class__ is not list:  # pickled (rare), or missing
            agent = self[index]
            return agent.path, agent.size, agent.mtime_ns
        return self._found[index].path, entry[0], entry[1]


def records_from_wires(
    found: list[Found], wires: forked.Wires, built: list[Agent | None] | None = None
) -> LazyRecords:
    """The records of a preload's wire items (where `built` has none), precedence marked
    as the loader worked it out, each made when first asked for (see LazyRecords)."""
    try:
        marks = _marks_from_plain(wires.extra[0], len(found))
    except (TypeError, IndexError, KeyError):
        marks = None
    with gc_paused():
        records = LazyRecords(found, wires, built, marks)
        trace.mark("preloaded records built")
        return records


def load(
    found: list[Found],
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    every: int = 250,
    cache_file: str | None = None,
    jobs: int | None = None,
) -> Sequence[Agent]:
    """Parse every found file (each becomes a record) and resolve precedence.

    With the cache, a file whose size and mtime match its entry is not read: its record comes
    from the entry, with the prompt read on first use. The cache is rewritten only when an
    entry changed or a file is gone. `cache_file` names another cache file (tests, the
    benchmark). `jobs` processes parse (None: two when many files need parsing and forking is
    safe here; their records read their prompt on first use, too).
    """
    with gc_paused():
        preloaded = forked.pending_for(found)
        if preloaded is not None:
            wires = preloaded.take_wires(progress)
            trace.mark("preloaded records taken")
            if wires is not None and len(wires) == len(found):
                return records_from_wires(found, wires)
        agents, save = read_records(
            found,
            use_cache=use_cache,
            progress=progress,
            every=every,
            cache_file=cache_file,
            jobs=jobs,
        )
        save()
        return resolve_precedence(agents)


def read_records(
    found: list[Found],
    *,
    use_cache: bool = True,
    cache_file: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = 250,
    jobs: int | None = None,
) -> tuple[list[Agent], Callable[[], None]]:
    """The records of the found files, in order (from the index cache where its entry still
    describes the file), and the function that writes the cache file when it needs writing.

    Precedence is not worked out here (`load` does). Files are parsed in `jobs` processes
    (None: as many as the machine has cores, for a collection large enough).
    """
    return _read(found, use_cache, progress, every, cache_file, jobs, True)


def read_wires(
    found: list[Found],
    *,
    use_cache: bool = True,
    cache_file: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = 250,
    jobs: int | None = None,
    stream: Callable[[list[int], list[Any]], None] | None = None,
) -> tuple[list[forked.Wire | None], Callable[[], None]]:
    """What a loader process sends the browser for the found files: each file's wire item (its
    cache entry, or its record pickled), in order, and the function that writes the cache file.

    With `stream`, the items this process parses are also handed to it in parts as they are
    made (positions in `found`, items), and are None in the result.
    """
    return _read(found, use_cache, progress, every, cache_file, jobs, False, stream)


def _read(
    found: list[Found],
    use_cache: bool,
    progress: Callable[[int, int], None] | None,
    every: int,
    cache_file: str | None,
    jobs: int | None,
    build: bool,
    stream: Callable[[list[int], list[Any]], None] | None = None,
) -> tuple[list[Any], Callable[[], None]]:
    """Records (build) or wire items (for a parent process) of the found files, in order, and
    the function that writes the cache file when it needs writing.

    With `stream` (wire items only), the wire items this process parses are also handed to it
    in parts as they are made (positions in `found`, items), and are None in the result.
    """
    index: dict[str, list[Any]] = {}
    path = None
    if use_cache:
        path = cache_file or cache.index_path(cache.collection_key(found))
        index = cache.read_index(path)
    total = len(found)
    results: list[Any] = [None] * total
    entries: dict[str, list[Any]] = {}
    misses: list[int] = []
    # An entry is checked whole here when this process makes the records; otherwise only for
    # freshness and what precedence needs, and the browser checks the rest as it makes each.
    check = cache.valid if build else cache.fresh
    for number, item in enumerate(found):
        entry = index.get(item.path)
        if entry is not None:
            signature = cache.file_signature(item.path)
            if signature is not None and check(entry, item, *signature):
                entries[item.path] = entry
                results[number] = cache.build(entry, item) if build else entry
                continue
        misses.append(number)
    hits = total - len(misses)
    if progress and hits:
        progress(hits, total)
    workers = jobs or (
        forked.jobs() if len(misses) >= forked.PARALLEL_MIN and forked.can_fork() else 1
    )
    dirty = False  # an entry was added or replaced: the cache file needs writing
    if workers > 1 or not build:

        def local(item: Found) -> tuple[Any, list[Any] | None]:
            """(record or wire item, cache entry) of a file parsed in this process."""
            if not build:
                wire = parse_wire(item)
                return wire, wire if isinstance(wire, list) else None
            agent, offset = _parse(item)
            entry = (
                cache.encode(agent, item.hint, offset) if use_cache and offset is not None else None
            )
            return agent, entry

        def convert(wire: forked.Wire, item: Found) -> tuple[Any, list[Any] | None]:
            if not build:
                return wire, wire if isinstance(wire, list) else None
            return wire_record(wire, item)

        streamed: set[int] = set()
        batch: tuple[list[int], list[Any]] = ([], [])

        def chunk_done(start: int, end: int, chunk: list[Any]) -> None:  # only with stream
            """Send what this process parsed, a part of STREAM_PART records at a time."""
            for k, (wire, _) in zip(range(start, end), chunk):
                batch[0].append(misses[k])
                batch[1].append(wire)
            if len(batch[0]) >= (STREAM_PART if streamed else STREAM_FIRST):
                stream(batch[0], batch[1])  # marshalled at once: the lists can be reused
                streamed.update(batch[0])
                batch[0].clear()
                batch[1].clear()

        if workers > 1 and misses:
            # The parser's modules (~40 ms of imports: yaml, the checks' patterns) before the
            # helpers fork: each inherits them and parses at once when it may start (in the
            # browser: at its first frame) instead of importing a copy of its own first.
            import agentbrowser.model.parse  # noqa: F401

        parsed = forked.parse_parallel(
            [found[i] for i in misses],
            local,
            parse_wire,
            convert,
            workers if forked.can_fork() else 1,
            (lambda done: progress(hits + done, total)) if progress else None,
            chunk_done if stream is not None and not build else None,
        )
        for number, (result, entry) in zip(misses, parsed):
            results[number] = None if number in streamed else result
            if entry is not None and use_cache:
                entries[found[number].path] = entry
                dirty = True
    else:
        for done, number in enumerate(misses, 1):
            item = found[number]
            agent, offset = _parse(item)
            results[number] = agent
            if use_cache and offset is not None:
                fresh = cache.encode(agent, item.hint, offset)
                if fresh is not None:
                    entries[item.path] = fresh
                    dirty = True
            if progress and done % every == 0:
                progress(hits + done, total)

    # Records that cannot be cached (a date in the frontmatter, an unreadable file) are parsed
    # every time without rewriting the file; entries of files that are gone are dropped.
    def save() -> None:
        if path is not None and (dirty or len(entries) != len(index)):
            cache.write_index(path, entries)

    return results, save


#: The loader sends the records it parses to the browser in parts of this many (the first
#: part smaller: it is what the browser's first frame can show while the rest is parsed).
STREAM_PART = 1000
STREAM_FIRST = 200


def _parse(item: Found) -> tuple[Agent, int | None]:
    """A file's record and where its prompt starts in its text (None when it was not read)."""
    from agentbrowser.model.parse import parse_read  # yaml: in the loader, not before the fork

    path = os.path.abspath(item.path)
    read = read_text(path)
    agent = parse_read(path, read, item.scope, item.hint)
    if item.resources:  # a skill's other files: discovery lists them, the parser never sees them
        agent = evolve(agent, resources=item.resources)
    if read.text is None:
        return agent, None
    return agent, agent.body_offset


def parse_wire(item: Found) -> forked.Wire:
    """A file's record as it travels between processes: its cache entry, else pickled."""
    agent, offset = _parse(item)
    entry = cache.encode(agent, item.hint, offset) if offset is not None else None
    return entry if entry is not None else pickle.dumps(agent)


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
    """Records matching a name: exact, then case-insensitive, then by path or file name.

    A name that reads as a path (it holds a separator or ends in `.md`) and is a file means
    that file alone: its record when the collection holds it, else none (the caller reads the
    file), never other agents whose file has its name (`install simple.md` in a folder with
    its own simple.md)."""
    if ("/" in name or os.sep in name or name.endswith(".md")) and os.path.isfile(name):
        absolute = os.path.abspath(name)
        same = [a for a in agents if a.path == absolute]
        if same:
            return same
        # The same file by another way (a HOME that is a link): among those of its name only.
        base = os.path.basename(absolute)
        return [
            a for a in agents if os.path.basename(a.path) == base and _same_file(a.path, absolute)
        ]
    exact = [a for a in agents if a.name == name]
    if exact:
        return exact
    folded = [a for a in agents if a.name.lower() == name.lower()]
    if folded:
        return folded
    absolute = os.path.abspath(name)
    by_path = [a for a in agents if a.path == absolute or os.path.basename(a.path) == name]
    return by_path


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def wire_record(wire: Wire, item: Found) -> tuple[Any, list[Any] | None]:
    """(record, its cache entry or None) of a wire item made by this program."""
    if isinstance(wire, bytes):
        return pickle.loads(wire), None  # made by our own child (see forked's docstring)
    from agentbrowser.loading.cache import build  # json and platformdirs when first needed

    return build(wire, item), wire


def wire_records(wires: Sequence[Wire], found: Sequence[Found]) -> list[Any]:
    """The records of wire items made by this program, one for each found file."""
    from agentbrowser.loading.cache import build  # once, not once a record (~25 ms for 10,000)

    loads = pickle.loads
    return [
        loads(wire) if wire.__class__ is bytes else build(wire, item)  # type: ignore[arg-type]
        for wire, item in zip(wires, found)
    ]
