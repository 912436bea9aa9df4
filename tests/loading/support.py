"""What the loading tests share: small collections, loads, and running a fork test alone."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentbrowser.loading import collection
from agentbrowser.model.records import Agent, with_body

from ..paths import REPO

AGENT = "---\nname: {name}\ndescription: Reviews {name}\ntools: Read, Grep\nmodel: opus\n---\nYou review {name}.\n"


def read(agents: Any) -> list[Agent]:
    """The records with their prompts read: a warm load's records compare equal to a cold one's."""
    return [with_body(agent) for agent in agents]


def in_fresh_process(test):
    """Run a fork test in a new pytest process: forking is off once other threads run.

    Earlier tests leave threads behind (a clipboard worker given up on, Textual's), and the
    loader rightly refuses to fork then. In a fresh process the test runs as the CLI does,
    with one thread, so it never skips for the order it ran in.
    """
    import functools
    import subprocess

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        if os.environ.get("AGENTBROWSER_FRESH_PROCESS") == test.__name__:
            return test(*args, **kwargs)
        env = {**os.environ, "AGENTBROWSER_FRESH_PROCESS": test.__name__}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
             f"{test.__code__.co_filename}::{test.__name__}"],
            env=env, capture_output=True, text=True, timeout=300, cwd=REPO,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        assert "1 passed" in result.stdout, result.stdout[-2000:]

    return wrapper


def write(folder: Path, name: str, text: str | None = None) -> Path:
    path = folder / ".claude" / "agents" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(AGENT.format(name=name) if text is None else text, encoding="utf-8")
    return path


def bump(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime on, so a same-size edit is seen on any filesystem."""
    st = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def load(root: Path, use_cache: bool = True) -> list[Agent]:
    return collection.load(collection.sources([str(root)]), use_cache=use_cache)


def cache_files(cache_root: Path) -> list[Path]:
    folder = cache_root / "agentbrowser"
    return sorted(folder.glob("index-*.json")) if folder.is_dir() else []


def many(root: Path, count: int) -> Path:
    for index in range(count):
        write(root, f"agent-{index:04d}")
    write(root, "dated", "---\nname: dated\ndescription: d\ncreated: !!timestamp 2024-01-02\n---\nbody\n")
    write(root, "broken", "---\nname: broken\ndescription: a: b: c\n---\nbody\n")
    return root


def hold_the_loader(
    monkeypatch: pytest.MonkeyPatch, release: Callable[[], bool], held: Path
) -> None:
    """Set up the next preload to send its first part at 5 records, and each of its processes
    to stop after 20 files until release() is true. A process that stops there has sent its
    first part: it creates the file `held` to say so (see `wait_until_held`)."""
    import time

    from agentbrowser.loading import forked

    monkeypatch.setattr(collection, "STREAM_FIRST", 5)
    monkeypatch.setattr(forked, "PARALLEL_MIN", 10)  # tickets, hence parts, for a few files
    real_parse_wire = collection.parse_wire
    calls = [0]

    def held_parse_wire(item: forked.Found) -> forked.Wire:
        calls[0] += 1
        if calls[0] > 20 and not release():
            held.touch()
        while calls[0] > 20 and not release():
            time.sleep(0.01)
        return real_parse_wire(item)

    monkeypatch.setattr(collection, "parse_wire", held_parse_wire)


def wait_until_held(held: Path) -> None:
    """Wait for a loader process to stop at its hold, its first part sent (an event: the file)."""
    import time

    for _ in range(6000):  # a minute at most: a loader that never gets there fails the test
        if held.exists():
            return
        time.sleep(0.01)
    raise AssertionError("the loader never reached its hold")


def write_scoped(root: Path) -> tuple[Path, Path]:
    """A project and a user folder: one name in both scopes (the user's is shadowed), two files
    with one name in the project (duplicates, one of them dated: it is not cached)."""
    project, home = root / "project", root / "home"
    for index in range(6):
        write(project, f"agent-{index}")
    write(project, "shared")
    write(home, "shared")
    write(project, "twin-a", AGENT.format(name="twin"))
    write(project, "twin-b", "---\nname: twin\ndescription: d\ncreated: !!timestamp 2024-01-02\n---\nbody\n")
    return project, home


class _StubPreload:
    """A preload whose progress, parts and final message the test decides."""

    def __init__(self, reported: int, total: int) -> None:
        import threading

        self.reported, self.total = reported, total
        self.arrived = threading.Event()
        self.taken = False

    def take_parts_nowait(self, progress: Any, part: Any) -> bool:
        progress(self.reported, self.total)
        return True

    def take_wires(self, progress: Any, part: Any) -> Any:
        from agentbrowser.loading import forked

        self.taken = True
        return forked.Wires.from_payload(forked.Wires.payload([["wire"]] * self.total, ({}, [])))


def marshal_of(value: Any) -> bytes:
    import marshal

    return marshal.dumps(value)
