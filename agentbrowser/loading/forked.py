"""Loading in forked processes: the second core for a cold parse, and a preload before textual.

Threads give nothing here (parsing holds the GIL); processes do. A fork costs a few ms where a
spawned interpreter costs ~100 ms of imports, so this forks, and only where that is safe: on
Linux, from a process with one thread (the CLI before the browser starts; a child never runs
anything that could wait on a lock another thread held). Elsewhere everything runs in-process.

Children send plain values (the index cache's entry lists) with marshal through a pipe they
share with their parent only: data this process made, never a file from disk. A record that
has no entry (a date in its frontmatter, an unreadable file) travels pickled, for the same
reason safe. If a child fails in any way, the parent does its share itself.
"""

from __future__ import annotations

import marshal
import os
import queue
import select
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, overload

from agentbrowser.loading import trace
from agentbrowser.model.discovery import Found

#: Below this many files to parse, a second process costs more than it saves.
PARALLEL_MIN = 400

#: A wire item: a cache entry (list), or a pickled record (bytes).
Wire = list[Any] | bytes


def can_fork() -> bool:
    """True where forking is cheap and safe: Linux, and only this thread running."""
    return (
        sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
    )


def jobs() -> int:
    """How many processes a cold load uses: the CPUs we may run on, at most two."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 2))


#: Messages bigger than this go through the child's spill file, not the pipe.
SPILL_MIN = 32 * 1024
#: The kind byte of a spilled message: the pipe carries only where it lies in the spill file.
_SPILLED = 0x80

Send = Callable[[bytes, Any], None]


class Channel:
    """The parent's end of a child: a pipe for the messages, and the child's spill file.

    A pipe moves 64 KB a time, and each time the reading thread must win the GIL back from a
    busy main thread (importing textual, say): 4 MB of records took 130 ms to cross and kept
    the child blocked meanwhile. So the child writes a big message into a memory file
    (memfd) made before the fork, and the pipe carries only its offset and length; the parent
    reads it in one call. Where there is no memfd, everything goes through the pipe.
    """

    def __init__(self, stream: BinaryIO, spill: int | None) -> None:
        self.stream = stream
        self.spill = spill

    def read_raw(self) -> tuple[bytes, bytes] | None:
        """The next message undecoded, or None at the end of the stream or on a short read."""
        header = self.stream.read(9)
        if len(header) < 9:
            return None
        size = int.from_bytes(header[1:], "little")
        data = self.stream.read(size)
        if len(data) < size:
            return None
        kind = header[0]
        if kind & _SPILLED:
            if self.spill is None or size != 16:
                return None
            offset = int.from_bytes(data[:8], "little")
            length = int.from_bytes(data[8:], "little")
            data = os.pread(self.spill, length, offset)
            if len(data) < length:
                return None
            kind &= ~_SPILLED
        return bytes([kind]), data

    def receive(self) -> tuple[bytes, Any] | None:
        """The next message, decoded; None at the end, on a short read or a bad message."""
        raw = self.read_raw()
        if raw is None:
            return None
        try:
            return raw[0], marshal.loads(raw[1])
        except (ValueError, EOFError, TypeError):
            return None

    def close(self) -> None:
        self.stream.close()
        if self.spill is not None:
            os.close(self.spill)
            self.spill = None


def memory_file() -> int | None:
    """An anonymous memory file for a child's big messages, or None where the system has none
    (messages then all go through the pipe)."""
    try:
        return os.memfd_create("agentbrowser-load", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _sender(stream: BinaryIO, spill: int | None) -> Send:
    """The child's send(kind, payload): marshal, then the pipe or, when big, the spill file."""

    def send(kind: bytes, payload: Any) -> None:
        data = marshal.dumps(payload)
        if spill is not None and len(data) >= SPILL_MIN:
            offset = os.lseek(spill, 0, os.SEEK_END)
            view = memoryview(data)
            while view:
                view = view[os.write(spill, view) :]
            data = offset.to_bytes(8, "little") + len(data).to_bytes(8, "little")
            kind = bytes([kind[0] | _SPILLED])
        stream.write(kind + len(data).to_bytes(8, "little"))
        stream.write(data)
        stream.flush()

    return send


def fork_child(work: Callable[[Send], None]) -> tuple[int, Channel] | None:
    """Fork; the child runs work(send to the parent) and exits. None when fork fails."""
    read_fd, write_fd = os.pipe()
    spill = memory_file()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        if spill is not None:
            os.close(spill)
        return None
    if pid == 0:  # pragma: no cover - runs in the child, whose coverage is not collected
        status = 1
        try:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb") as stream:
                work(_sender(stream, spill))
            status = 0
        except BaseException:  # noqa: BLE001, S110 - the parent sees a short stream and recovers
            pass
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(write_fd)
    return pid, Channel(os.fdopen(read_fd, "rb"), spill)


def reap(pid: int) -> None:
    """Wait for a child started by `fork_child` to end (at once when it has)."""
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


#: Niceness of the browser's parsing helpers: they take what CPU the browser's own process
#: leaves. A command's helpers (list, groups, ...) keep their parent's: the parent waits for
#: them, and at nice 10 on a machine busy with other work a helper got ~10 % of a core and the
#: parent parsed ~90 % of the files itself (groups over 10,000, traced).
WORKER_NICE = 10

#: In a preload's child: a pipe whose other end the browser closes once its first frame is on
#: screen; the child's parsing helpers wait for that before they start. Even at nice 10 a
#: helper slowed the browser's start: importing textual took ~273 ms beside it against ~256
#: without it (medians of 12, tmux, 2,000 agents). The preload's child itself parses
#: throughout, on the other core.
_helper_gate: int | None = None
_gate_to_close: int | None = None
"""In the browser: the write end of the gate of the preload it started."""


def hold_helpers() -> tuple[int, int]:
    """Make the parsing helpers forked from here on wait until `release_helpers()`.

    Returns the gate's (read, write) ends: a helper waits until the read end is at its end,
    which closing the write end does. A preload's child keeps the read end, the browser the
    write end.
    """
    global _helper_gate, _gate_to_close
    release_helpers()
    _helper_gate, _gate_to_close = os.pipe()
    return _helper_gate, _gate_to_close


def helpers_held() -> bool:
    """True while this process holds helpers back (it has not called `release_helpers()`)."""
    return _gate_to_close is not None


def release_helpers() -> None:
    """Let the preload's parsing helpers start (the browser's first frame is on screen)."""
    global _gate_to_close
    fd, _gate_to_close = _gate_to_close, None
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass


def _gate_open() -> bool:
    """True unless helpers are still waiting for the browser's first frame."""
    if _helper_gate is None:
        return True
    try:
        return bool(select.select([_helper_gate], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def _wait_for_gate(stop: int) -> None:
    """In a helper: wait until the browser lets helpers start (at once outside a preload), or
    until the process that forked it has taken every run itself (`stop` is then closed)."""
    if _helper_gate is None:
        return
    try:
        select.select([_helper_gate, stop], [], [])  # readable at EOF: the other end closed
    except (OSError, ValueError):
        pass


def _chunks(count: int) -> list[tuple[int, int]]:
    """[start, end) ranges that split `count` items into work tickets (at most 4,096 of them)."""
    size = max(16, -(-count // 4096))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _tickets(count: int) -> int | None:
    """A pipe holding the ticket numbers 0..count-1, its write end closed; None when it fails.

    Every process takes the next ticket with one 4-byte read, which a pipe hands to exactly
    one reader; an empty pipe with no writer reads as the end.
    """
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        data = b"".join(number.to_bytes(4, "little") for number in range(count))
        view = memoryview(data)
        while view:  # at most 16 KB: a pipe holds 64 KB, so this never blocks
            view = view[os.write(write_fd, view) :]
    except OSError:
        os.close(read_fd)
        return None
    finally:
        os.close(write_fd)
    return read_fd


def _take(tickets: int) -> Iterator[int]:
    """The ticket numbers this process gets, until there are none left."""
    while True:
        data = os.read(tickets, 4)
        if len(data) < 4:
            return
        yield int.from_bytes(data, "little")


def parse_parallel(
    items: Sequence[Found],
    local: Callable[[Found], Any],
    remote: Callable[[Found], Wire],
    convert: Callable[[Wire, Found], Any],
    workers: int,
    progress: Callable[[int], None] | None = None,
    done: Callable[[int, int, list[Any]], None] | None = None,
) -> list[Any]:
    """local(item) for every item, the work spread over `workers` processes (this one included).

    The items are cut into small runs (tickets) that the processes take one at a time from a
    shared pipe, so a process that gets less CPU simply takes fewer. The children run at a
    lower priority (WORKER_NICE); in the browser's loader they also wait for its first frame
    (see `hold_helpers`), so that textual's start-up has a core of its own, and then finish
    the work with this process.
    This process runs `local`; children run `remote` and send wire items, which `convert`
    turns into what `local` returns. A run a child took but never delivered (it failed) is
    done here. `progress` gets an estimate of the items done so far, and `done(start, end,
    results)` each run this process finished (not the children's).
    """
    chunks = _chunks(len(items))
    tickets = _tickets(len(chunks)) if workers > 1 else None
    if tickets is None:
        results_here = [local(item) for item in items]
        if done is not None and items:
            done(0, len(items), results_here)
        return results_here
    children: list[tuple[int, Channel] | None] = []
    stop_read, stop_write = os.pipe()  # closed here once every run is taken (see _wait_for_gate)
    for _ in range(workers - 1):

        def work(send: Send) -> None:
            os.close(stop_write)
            if _helper_gate is not None:  # in the browser's preload (see WORKER_NICE)
                try:
                    os.nice(WORKER_NICE)
                except OSError:
                    pass
            _wait_for_gate(stop_read)
            done = []
            for number in _take(tickets):
                start, end = chunks[number]
                done.append((number, [remote(item) for item in items[start:end]]))
            trace.mark(f"worker: {sum(len(wires) for _, wires in done)} parsed")
            send(b"R", done)

        children.append(fork_child(work))
    results: list[list[Any] | None] = [None] * len(chunks)
    here = 0
    try:
        for taken, number in enumerate(_take(tickets), 1):
            start, end = chunks[number]
            results[number] = [local(item) for item in items[start:end]]
            if done is not None:
                done(start, end, results[number])  # type: ignore[arg-type]
            here += end - start
            if progress and taken % 8 == 0:
                # An estimate: the helpers, once they run, take about as many runs as this.
                progress(min(len(items), here * (workers if _gate_open() else 1)))
    finally:
        os.close(tickets)
        os.close(stop_write)
        os.close(stop_read)
    trace.mark(f"{here} parsed here")
    for child in children:
        if child is None:
            continue
        pid, channel = child
        try:
            message = channel.receive()
        finally:
            channel.close()
        reap(pid)
        if message is None or message[0] != b"R" or message[1].__class__ is not list:
            continue
        for number, wires in message[1]:
            if number.__class__ is not int or not 0 <= number < len(chunks):
                continue
            start, end = chunks[number]
            if results[number] is None and len(wires) == end - start:
                results[number] = [convert(w, item) for w, item in zip(wires, items[start:end])]
    merged: list[Any] = []
    for number, result in enumerate(results):
        if result is None:  # taken by a child that failed
            start, end = chunks[number]
            result = [local(item) for item in items[start:end]]
        merged.extend(result)
    return merged


#: A child's final wire items travel in marshalled runs of this many, and the browser decodes
#: a run when a record in it is first asked for: the first frame of a warm 10,000 shows ~20
#: records, and decoding all 3.9 MB at once took ~17-28 ms of its mount.
WIRE_RUN = 256


class Wires(Sequence[Wire | None]):
    """A child's final wire items (None where it sent the item earlier, as a part), each run
    decoded the first time an item in it is asked for, and `extra`: what the child worked out
    over all of them (plain values). Thread-safe; an item can be replaced (`wires[i] = w`).

    A run that does not decode to the expected number of items (never, from our child) reads
    as None items, which the records' maker treats as "read the file".
    """

    def __init__(self, count: int, runs: list[bytes], extra: Any = None) -> None:
        self._count = count
        self._runs: list[bytes | None] = list(runs)
        self._decoded: list[list[Wire | None] | None] = [None] * len(runs)
        self._lock = threading.Lock()
        self.extra = extra

    @staticmethod
    def payload(wires: Sequence[Wire | None], extra: Any = None) -> tuple[int, list[bytes], Any]:
        """What a child sends (marshal-able): its wire items cut into marshalled runs."""
        dumps = marshal.dumps
        runs = [
            dumps(list(wires[start : start + WIRE_RUN])) for start in range(0, len(wires), WIRE_RUN)
        ]
        return len(wires), runs, extra

    @classmethod
    def from_payload(cls, payload: Any) -> Wires | None:
        """The wire items of a payload made by `payload`; None when it has another shape."""
        if payload.__class__ is not tuple or len(payload) != 3:
            return None
        count, runs, extra = payload
        if (
            count.__class__ is not int
            or count < 0
            or runs.__class__ is not list
            or len(runs) != -(-count // WIRE_RUN)
            or not all(run.__class__ is bytes for run in runs)
        ):
            return None
        return cls(count, runs, extra)

    def __len__(self) -> int:
        return self._count

    def _run(self, number: int) -> list[Wire | None]:
        run = self._decoded[number]
        if run is None:
            with self._lock:
                run = self._decoded[number]
                if run is None:
                    size = min(WIRE_RUN, self._count - number * WIRE_RUN)
                    try:
                        run = marshal.loads(self._runs[number])  # type: ignore[arg-type]
                    except (ValueError, EOFError, TypeError):
                        run = None
                    if run.__class__ is not list or len(run) != size:  # type: ignore[union-attr]
                        run = [None] * size
                    self._decoded[number] = run
                    self._runs[number] = None
        return run

    @overload
    def __getitem__(self, index: int) -> Wire | None: ...
    @overload
    def __getitem__(self, index: slice) -> list[Wire | None]: ...
    def __getitem__(self, index: int | slice) -> Wire | None | list[Wire | None]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        index = range(self._count)[index]  # a negative index, or IndexError
        return self._run(index // WIRE_RUN)[index % WIRE_RUN]

    def __setitem__(self, index: int, wire: Wire | None) -> None:
        index = range(self._count)[index]
        self._run(index // WIRE_RUN)[index % WIRE_RUN] = wire

    def decoded(self) -> int:
        """How many runs are decoded so far (for tests)."""
        return sum(run is not None for run in self._decoded)


class Preload:
    """A collection being discovered and loaded by a child while the browser starts.

    `cmd_browse` starts one before importing textual; the app's own `sources()` and `load()`
    calls with the same arguments then take its results instead of doing the work again. A
    thread drains the pipe as the child writes: a pipe holds 64 KB, and a child blocked on a
    full pipe would wait for the app to ask (measured: 0.5 s lost with 2,000 agents). Big
    messages come through the spill file (see `Channel`).
    """

    def __init__(self, key: tuple[Any, ...], pid: int, channel: Channel) -> None:
        self.key = key
        self.pid = pid
        self.found: list[Found] | None = None
        self.lock = threading.Lock()
        self.done = False
        self.arrived = threading.Event()
        """Set once the child's records are all here: taking them no longer waits."""
        self.messages: queue.SimpleQueue[tuple[bytes, bytes] | None] = queue.SimpleQueue()
        self._held: list[tuple[bytes, bytes] | None] = []
        """A message take_parts_nowait took out of the queue but leaves for take_wires."""
        self.reader = threading.Thread(
            target=self._drain, args=(channel,), name="agentbrowser-preload", daemon=True
        )
        self.reader.start()

    def _drain(self, channel: Channel) -> None:
        """Read the child's messages as they come (undecoded); None at the end."""
        try:
            while True:
                message = channel.read_raw()
                if message is None:
                    break
                self.messages.put(message)
                if message[0] == b"R":
                    self.arrived.set()
        except (OSError, ValueError):
            pass
        finally:
            self.messages.put(None)
            channel.close()
            reap(self.pid)

    def take_found(self, wait: bool = True) -> list[Found] | None:
        """The child's list of files (waits for it, unless not `wait`); None when the child
        failed (or, not waiting, when the list is not here yet)."""
        with self.lock:
            if self.found is None and not self.done:
                if not wait and not self._held:
                    try:
                        self._held.append(self.messages.get_nowait())
                    except queue.Empty:
                        return None
                message = self._next()
                if message is not None and message[0] == b"F":
                    make = tuple.__new__  # our child's rows: (path, scope, hint, resources)
                    self.found = [make(Found, row) for row in message[1]]
                else:
                    self.done = True
            return self.found

    def take_wires(
        self,
        progress: Callable[[int, int], None] | None,
        part: Callable[[list[int], list[Wire]], None] | None = None,
    ) -> Wires | None:
        """The child's records for its list of files (waits, passing progress on); None on failure.

        The child sends records it parsed itself in parts, as it goes (positions in the list of
        files, and their wire items), and the rest at the end (see `Wires`). With `part`, each
        part is handed to it as it arrives and the final items are None at those positions;
        without, the parts are merged into the final items.
        """
        with self.lock:
            if self.done:
                return None
            parts: list[tuple[list[int], list[Wire]]] = []
            try:
                while True:
                    message = self._next()
                    if message is None:
                        return None
                    kind, payload = message
                    if kind == b"P" and progress is not None:
                        progress(*payload)
                    elif kind == b"C":
                        positions, wires = payload
                        if part is not None:
                            part(positions, wires)
                        else:
                            parts.append((positions, wires))
                    elif kind == b"R":
                        final = Wires.from_payload(payload)
                        if final is None:
                            return None
                        for positions, wires in parts:
                            for position, wire in zip(positions, wires):
                                if position.__class__ is int and 0 <= position < len(final):
                                    final[position] = wire
                        return final
            finally:
                self.done = True

    def take_parts_nowait(
        self,
        progress: Callable[[int, int], None] | None,
        part: Callable[[list[int], list[Wire]], None],
    ) -> bool:
        """Hand over the parts that have arrived, without waiting; False once the records are
        taken or the child failed. (For the browser's mount: what is here goes in the first
        frame; take_wires then waits for the rest.)"""
        with self.lock:
            if self.done or self._held:
                return not self.done
            while True:
                try:
                    item = self.messages.get_nowait()
                except queue.Empty:
                    return True
                if item is None or item[0] not in (b"P", b"C"):
                    self._held.append(item)  # the end, or the final records: take_wires' job
                    return item is not None
                try:
                    payload = marshal.loads(item[1])
                except (ValueError, EOFError, TypeError):
                    self._held.append(None)
                    return False
                if item[0] == b"P":
                    if progress is not None:
                        progress(*payload)
                else:
                    part(*payload)

    def _next(self) -> tuple[bytes, Any] | None:
        item = self._held.pop() if self._held else self.messages.get()
        if item is None:
            self.messages.put(None)  # the end stays the end for the next caller
            return None
        kind, data = item
        try:
            return kind, marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None

    def _close(self) -> None:
        """Use nothing more from the child (the reader ends, and reaps it, at its end)."""
        self.done = True


_pending: Preload | None = None
_pending_lock = threading.Lock()


def start_preload(key: tuple[Any, ...], work: Callable[[Send], None]) -> bool:
    """Fork a child running work(send); False when forking is not possible here."""
    global _pending, _helper_gate
    if not can_fork():
        return False
    gate_read, gate_write = hold_helpers()  # an older preload's helpers need not wait

    def gated(send: Send) -> None:
        global _gate_to_close
        os.close(gate_write)  # in the child: only the browser holds the write end
        _gate_to_close = None
        work(send)

    child = fork_child(gated)
    _helper_gate = None  # this process's own helpers, if it parses, need not wait
    os.close(gate_read)
    if child is None:
        release_helpers()
        return False
    with _pending_lock:
        _pending = Preload(key, *child)
    return True


def preloading() -> bool:
    """True while a preload's results are waiting to be taken (a cheap check)."""
    preload = _pending
    return preload is not None and not preload.done


def pending(key: tuple[Any, ...]) -> Preload | None:
    """The preload started for these arguments, if any is still unused."""
    with _pending_lock:
        if _pending is not None and _pending.key == key and not _pending.done:
            return _pending
    return None


def forget_preload() -> None:
    """Drop the preload (its child is reaped): the next load does its own work."""
    global _pending
    with _pending_lock:
        preload, _pending = _pending, None
    if preload is not None:
        with preload.lock:
            preload._close()


def pending_for(found: list[Found]) -> Preload | None:
    """The preload whose list of files is this very list (as `sources` returned it)."""
    with _pending_lock:
        preload = _pending
    if preload is not None and preload.found is found and not preload.done:
        return preload
    return None
