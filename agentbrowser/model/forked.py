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
import pickle
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

from agentbrowser.model import trace
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


def _spill_file() -> int | None:
    """An anonymous memory file for big messages, or None where there is none."""
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


def _child(work: Callable[[Send], None]) -> tuple[int, Channel] | None:
    """Fork; the child runs work(send to the parent) and exits. None when fork fails."""
    read_fd, write_fd = os.pipe()
    spill = _spill_file()
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


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def parse_parallel(
    items: Sequence[Found],
    local: Callable[[Found], Any],
    remote: Callable[[Found], Wire],
    convert: Callable[[Wire, Found], Any],
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """local(item) for every item, the work spread over `workers` processes (this one included).

    This process runs `local` on its share; children run `remote` and send wire items, which
    `convert` turns into what `local` returns (so this process's records skip the round trip).
    Items are dealt round-robin, so that big and small files spread evenly. `progress` gets
    this process's count of done items times `workers` (an estimate of the whole).
    """
    shares = [list(items[k::workers]) for k in range(workers)]
    children: list[tuple[int, Channel] | None] = []
    for share in shares[1:]:

        def work(send: Send, share: list[Found] = share) -> None:
            wires = [remote(item) for item in share]
            trace.mark(f"worker: {len(share)} parsed")
            send(b"R", wires)

        children.append(_child(work))
    results: list[list[Any]] = [[]]
    for number, item in enumerate(shares[0], 1):
        results[0].append(local(item))
        if progress and number % 100 == 0:
            progress(number * workers)
    trace.mark(f"{len(shares[0])} parsed here")
    for share, child in zip(shares[1:], children):
        got: list[Any] | None = None
        if child is not None:
            pid, channel = child
            try:
                message = channel.receive()
            finally:
                channel.close()
            _reap(pid)
            if message is not None and message[0] == b"R" and len(message[1]) == len(share):
                got = [convert(wire, item) for wire, item in zip(message[1], share)]
        results.append(got if got is not None else [local(item) for item in share])
    merged: list[Any] = [None] * len(items)
    for k, share_results in enumerate(results):
        merged[k::workers] = share_results
    return merged


def wire_record(wire: Wire, item: Found) -> tuple[Any, list[Any] | None]:
    """(record, its cache entry or None) of a wire item made by this program."""
    from agentbrowser.model.cache import build

    if isinstance(wire, bytes):
        return pickle.loads(wire), None  # made by our own child: see the module docstring
    return build(wire, item), wire


def wire_records(wires: Sequence[Wire], found: Sequence[Found]) -> list[Any]:
    """The records of wire items made by this program, one for each found file."""
    from agentbrowser.model.cache import build  # once, not once a record (~25 ms for 10,000)

    loads = pickle.loads
    return [
        loads(wire) if wire.__class__ is bytes else build(wire, item)  # type: ignore[arg-type]
        for wire, item in zip(wires, found)
    ]


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
            _reap(self.pid)

    def take_found(self) -> list[Found] | None:
        """The child's list of files (waits for it); None when the child failed."""
        with self.lock:
            if self.found is None and not self.done:
                message = self._next()
                if message is not None and message[0] == b"F":
                    self.found = [Found(*row) for row in message[1]]
                else:
                    self.done = True
            return self.found

    def take_wires(self, progress: Callable[[int, int], None] | None) -> list[Wire] | None:
        """The child's records for its list of files (waits, passing progress on); None on failure."""
        with self.lock:
            if self.done:
                return None
            try:
                while True:
                    message = self._next()
                    if message is None:
                        return None
                    kind, payload = message
                    if kind == b"P" and progress is not None:
                        progress(*payload)
                    elif kind == b"R":
                        return payload  # type: ignore[no-any-return]
            finally:
                self.done = True

    def _next(self) -> tuple[bytes, Any] | None:
        item = self.messages.get()
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
    global _pending
    if not can_fork():
        return False
    child = _child(work)
    if child is None:
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
