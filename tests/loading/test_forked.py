"""The forked loader: parallel parsing, the preload hand-off, streaming parts to the browser."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from agentbrowser import cli
from agentbrowser.loading import cache, collection

from .support import (
    cache_files,
    hold_the_loader,
    in_fresh_process,
    many,
    read,
    wait_until_held,
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
def test_parallel_load_equals_sequential(tmp_path: Path) -> None:
    from agentbrowser.loading import forked

    root = many(tmp_path / "many", forked.PARALLEL_MIN + 50)
    found = collection.sources([str(root)])
    sequential = collection.load(found, use_cache=False, jobs=1)
    parallel = collection.load(found, use_cache=False, jobs=2)
    assert read(parallel) == read(sequential)
    # and the cache it writes serves a warm load equal to both
    collection.load(found, jobs=2)
    assert read(collection.load(found)) == read(sequential)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_preload_hands_its_results_to_the_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from agentbrowser.loading import forked

    assert forked.can_fork()  # a fresh process (in_fresh_process) has one thread
    root = many(tmp_path / "many", 50)
    monkeypatch.chdir(tmp_path)
    expected = collection.load(collection.sources([str(root)]), use_cache=False)
    assert collection.preload([str(root)], use_cache=False)
    got: dict[str, object] = {}

    def app_worker() -> None:  # the browser calls these from a thread worker
        found = collection.sources([str(root)])
        got["preloaded"] = forked.pending_for(found) is not None
        got["agents"] = collection.load(found, use_cache=True, progress=lambda d, t: None)

    thread = threading.Thread(target=app_worker)
    thread.start()
    thread.join()
    assert got["preloaded"] is True
    assert read(got["agents"]) == read(expected)
    assert (
        forked.pending_for(collection.sources([str(root)])) is None
    )  # used once: a reload reads the disk
    # use_cache=False in the preload: nothing was written, though the load asked for the cache
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "agentbrowser").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_preload_rereads_the_files_of_damaged_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_home_and_cache: Path
) -> None:
    """The loader checks a warm entry only for freshness, name and format (`cache.fresh`); the
    browser checks the rest as it makes each record and reads the file of a bad one."""
    from agentbrowser.loading import forked

    assert forked.can_fork()  # a fresh process (in_fresh_process) has one thread
    root = many(tmp_path / "many", 30)
    monkeypatch.chdir(tmp_path)
    expected = collection.load(collection.sources([str(root)]), use_cache=False)
    collection.load(collection.sources([str(root)]))  # writes the cache
    [index] = cache_files(private_home_and_cache)
    doc = json.loads(index.read_bytes())
    agents_dir = root / ".claude" / "agents"
    # Fresh but not well formed: the browser finds out as it makes the record.
    in_browser = {
        str(agents_dir / "agent-0001.md"): (cache.TOOLS, [1, 2]),  # tools that are not text
        str(agents_dir / "agent-0002.md"): (cache.PROBLEMS, [["fatal", "made up", None]]),  # a severity
    }
    # Not fresh: the loader parses the file again, as for a changed file.
    in_loader = {
        str(agents_dir / "agent-0003.md"): (cache.NAME, 42),  # a name that is not text
        str(agents_dir / "agent-0004.md"): (cache.FORMAT_ID, ["claude-agent"]),  # an unhashable format
    }
    for path, (field, value) in {**in_browser, **in_loader}.items():
        doc["entries"][path][field] = value
    index.write_text(json.dumps(doc))
    assert collection.preload([str(root)])
    found = collection.sources([str(root)])
    assert forked.pending_for(found) is not None
    records = collection.load(found)
    assert isinstance(records, collection.LazyRecords)  # the preload's, made one by one
    by_path = {agent.path: agent for agent in records}
    for path in in_browser:
        assert by_path[path].body is not None, path  # read from the file, not the entry
    fine = str(agents_dir / "agent-0005.md")
    assert by_path[fine].body is None  # from its entry: the prompt is read when asked
    assert read(list(records)) == read(expected)


@in_fresh_process
def test_preloaded_never_waits_and_hands_over_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browser's mount takes a preload's records only when they have all arrived."""
    import time

    from agentbrowser.loading import forked, library

    assert forked.can_fork()  # a fresh process (in_fresh_process) has one thread
    root = many(tmp_path / "many", 50)
    monkeypatch.chdir(tmp_path)
    expected = collection.load(collection.sources([str(root)]), use_cache=False)
    assert library.preloaded_library([str(root)], use_cache=False) is None  # no preload
    assert collection.preload([str(root)], use_cache=False)
    try:
        preload = forked.pending(collection.preload_key([str(root)], None, None))
        assert preload is not None
        assert library.preloaded_library([str(tmp_path)], use_cache=False) is None  # other paths
        deadline = time.monotonic() + 30
        while not preload.arrived.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        lib = library.preloaded_library([str(root)], use_cache=False)
        assert lib is not None and read(list(lib.agents)) == read(expected)
        assert library.preloaded_library([str(root)], use_cache=False) is None  # used once
    finally:
        forked.forget_preload()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_preload_for_other_paths_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentbrowser.loading import forked

    first = many(tmp_path / "first", 3)
    second = many(tmp_path / "second", 4)
    monkeypatch.chdir(tmp_path)
    assert collection.preload([str(first)])
    try:
        agents = collection.load(collection.sources([str(second)]))
        assert {Path(a.path).parent.parent.parent for a in agents} == {second}
    finally:
        forked.forget_preload()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_big_messages_cross_through_the_spill_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child's big message goes through its memory file, a small one through the pipe; with
    no memory file (another system) both go through the pipe, and arrive the same."""
    import marshal

    from agentbrowser.loading import forked

    big = [["x" * 100, i, {"k": [i, None, True]}] for i in range(20_000)]  # 680 KB marshalled

    def work(send):  # type: ignore[no-untyped-def]
        send(b"P", (1, 2))
        send(b"R", big)
        send(b"P", (3, 4))

    for spill in (True, False):
        if not spill:
            monkeypatch.setattr(forked, "memory_file", lambda: None)
        child = forked.fork_child(work)
        assert child is not None
        pid, channel = child
        assert (channel.spill is not None) is spill
        try:
            assert channel.receive() == (b"P", (1, 2))
            assert channel.receive() == (b"R", big)
            assert channel.receive() == (b"P", (3, 4))
            assert channel.receive() is None  # the child is done
            if spill:  # the big message, and only it, went through the memory file
                assert os.fstat(channel.spill).st_size == len(marshal.dumps(big))
        finally:
            channel.close()
            forked.reap(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_preload_of_many_files_equals_a_plain_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough files that the records are spilled, parsed by two processes in the child and
    sent in parts; both ways of taking them (merged, or part by part) give a plain load."""
    from agentbrowser.loading import forked

    root = many(tmp_path / "many", forked.PARALLEL_MIN + 200)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(collection, "STREAM_PART", 50)  # the child sends parts of 50
    expected = collection.load(collection.sources([str(root)]), use_cache=False, jobs=1)
    assert collection.preload([str(root)], use_cache=False)
    try:
        found = collection.sources([str(root)])
        assert forked.pending_for(found) is not None
        assert read(collection.load(found, use_cache=False)) == read(expected)
    finally:
        forked.forget_preload()

    parts: list[int] = []
    assert collection.preload([str(root)], use_cache=False)
    try:
        coming = collection.arriving([str(root)])
        assert coming is not None
        wires = coming.take_rest(lambda done, total: None)
        assert wires is not None
        found, built = coming.found, coming.built
        parts.append(sum(record is not None for record in built))
        assert all((record is None) != (wire is None) for record, wire in zip(built, wires))
        assert read(collection.records_from_wires(found, wires, built)) == read(expected)
    finally:
        forked.forget_preload()
    assert parts[0] >= 50  # some records came in parts, built as they arrived


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_runs_a_failed_child_took_are_done_here(tmp_path: Path) -> None:
    """Children take runs of files from a shared pipe; when one dies, this process does its runs."""
    import time

    from agentbrowser.loading import forked

    items = [forked.Found(f"/nowhere/{n}.md", "path") for n in range(500)]
    died = tmp_path / "died"

    def local(item: forked.Found) -> str:
        time.sleep(0.002)  # slow enough that the child gets a run
        return item.path.upper()

    def remote(item: forked.Found) -> forked.Wire:
        died.write_text(item.path)
        os._exit(3)  # the child dies holding a run it has taken

    def convert(wire: forked.Wire, item: forked.Found) -> str:
        return wire[0]  # type: ignore[index,no-any-return]

    got = forked.parse_parallel(items, local, remote, convert, workers=2)
    assert got == [item.path.upper() for item in items]
    assert died.exists()  # the child did take a run, which this process then did

    # and with children that work, every run is done once, in order
    assert forked.parse_parallel(items, local, lambda i: [i.path.upper()], convert, 3) == got


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_a_preloads_helper_waits_for_the_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the preload's child, the helper process parses nothing until the browser releases it
    (its first frame): before that, the child takes every run itself and does not wait for the
    helper; released, the helper takes runs."""
    import time

    from agentbrowser.loading import forked

    items = [forked.Found(f"/nowhere/{n}.md", "path") for n in range(400)]

    def local(item: forked.Found) -> str:
        time.sleep(0.002)  # slow enough that a running helper gets runs
        return item.path.upper()

    def remote(item: forked.Found) -> forked.Wire:
        return [item.path.upper()]

    def convert(wire: forked.Wire, item: forked.Found) -> str:
        return wire[0]  # type: ignore[index,no-any-return]

    def runs_done_here() -> tuple[list[str], int]:
        here: list[int] = []
        got = forked.parse_parallel(
            items, local, remote, convert, 2, done=lambda start, end, _: here.append(end - start)
        )
        return got, sum(here)

    expected = [item.path.upper() for item in items]
    forked.hold_helpers()  # as in a preload's child before the browser's first frame
    assert forked.helpers_held()
    got, here = runs_done_here()
    assert got == expected
    assert here == len(items)  # the waiting helper took no run, and was not waited for

    forked.release_helpers()  # what the browser does at its first frame
    assert not forked.helpers_held()
    got, here = runs_done_here()
    assert got == expected
    assert here < len(items)  # the helper took runs


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_browser_takes_a_preload_that_arrives_after_its_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's preload is still parsing when the screen mounts: the first frame shows the
    loading state, the load thread waits for the child, and the list is its records."""
    import asyncio
    import re
    import time

    from textual.widgets import Label

    from agentbrowser.loading import forked

    root = many(tmp_path / "many", 30)
    go = tmp_path / "go"
    monkeypatch.chdir(tmp_path)
    expected = collection.load(collection.sources([str(root)]), use_cache=False)
    real_read = collection.read_wires

    def held_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        for _ in range(6000):  # the child waits for the test (a minute at most: a failed
            if go.exists():  # test must not leave it behind)
                break
            time.sleep(0.01)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(collection, "read_wires", held_load)
    assert collection.preload([str(root)], use_cache=False)
    assert forked.helpers_held()  # the loader's helpers wait for the first frame

    def parse_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the browser parsed the files itself")

    monkeypatch.setattr(collection, "read_records", parse_here)  # this process must not parse
    monkeypatch.setattr(collection, "read_wires", parse_here)

    async def run() -> None:
        app = cli.build_app([str(root)], use_cache=False)
        async with app.run_test(size=(120, 36)) as pilot:
            try:
                await pilot.pause(0.3)
                count = app.screen.query_one("#count", Label)
                assert str(count.render()).startswith("Loading")  # shown while the child works
                assert not forked.helpers_held()  # released by the first frame
            finally:
                go.write_text("go")  # a failure above must not leave the loader waiting
            for _ in range(500):
                if re.fullmatch(r"\d+ agents", str(count.render())):
                    break
                await pilot.pause(0.02)
            assert str(count.render()) == f"{len(expected)} agents"
            agents = app.screen.library.agents  # type: ignore[attr-defined]
            assert isinstance(agents, collection.LazyRecords)  # made as they are shown
            assert read(list(agents)) == read(expected)

    try:
        asyncio.run(run())
        assert forked.pending(collection.preload_key([str(root)], None, None)) is None  # used
    finally:
        forked.forget_preload()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_first_frame_lists_the_part_of_a_preload_that_has_arrived(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progressive loading: the loader has sent its first part and is held back; the first
    frame lists that part ("Loading… k/N"), the rest replaces it, the highlight stays."""
    import asyncio
    import re

    from textual.widgets import Label

    from agentbrowser.loading import forked
    from agentbrowser.screens.groups import GroupsScreen

    root = many(tmp_path / "many", 60)
    go = tmp_path / "go"
    monkeypatch.chdir(tmp_path)
    expected = collection.load(collection.sources([str(root)]), use_cache=False)
    held = tmp_path / "held"
    hold_the_loader(monkeypatch, go.exists, held)
    assert collection.preload([str(root)], use_cache=False)

    def parse_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the browser parsed the files itself")

    monkeypatch.setattr(collection, "read_records", parse_here)
    monkeypatch.setattr(collection, "read_wires", parse_here)
    wait_until_held(held)  # the first part (5 or more records) has been sent

    async def run() -> None:
        app = cli.build_app([str(root)], use_cache=False)
        async with app.run_test(size=(120, 36)) as pilot:
            try:
                await pilot.pause(0.1)
                screen = app.screen
                count = str(screen.query_one("#count", Label).render())
                shown = re.fullmatch(r"Loading… (\d+)/(\d+)", count)
                assert shown is not None, count
                assert 5 <= int(shown[1]) < len(expected) and int(shown[2]) == len(expected)
                assert len(screen.library.agents) == int(shown[1])  # type: ignore[attr-defined]
                await pilot.press("j")  # move in the partial list
                highlighted = screen.selected.path  # type: ignore[attr-defined]
                assert screen.agent_view.agent is None  # type: ignore[attr-defined]  # no render yet
                # Variants (v) of part of the collection would mislead: they wait for the rest.
                await pilot.press("v")
                await pilot.pause()
                assert app.screen is screen
            finally:
                go.write_text("go")  # a failure above must not leave the loader waiting
            for _ in range(500):
                if str(screen.query_one("#count", Label).render()) == f"{len(expected)} agents":
                    break
                await pilot.pause(0.02)
            for _ in range(500):  # the groups open over the whole collection once it is in
                if isinstance(app.screen, GroupsScreen):
                    break
                await pilot.pause(0.02)
            assert isinstance(app.screen, GroupsScreen)
            assert len(app.screen.agents) == len(expected)
            await pilot.press("escape")
            await pilot.pause()
            assert read(list(screen.library.agents)) == read(expected)  # type: ignore[attr-defined]
            assert screen.selected.path == highlighted  # type: ignore[attr-defined]
            for _ in range(3000):  # the detail pane starts once the whole list is in
                if screen.agent_view.agent is not None:  # type: ignore[attr-defined]
                    break
                await pilot.pause(0.02)
            assert screen.agent_view.agent.path == highlighted  # type: ignore[attr-defined]

    try:
        asyncio.run(run())
    finally:
        forked.forget_preload()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_a_partial_list_stays_usable_when_the_rest_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader dies after its first part, and reading the files again fails too: the part
    stays listed as a plain list, the detail shows the highlighted agent, the count says so."""
    import asyncio
    import signal

    from textual.widgets import Label

    from agentbrowser.loading import forked

    root = many(tmp_path / "many", 60)
    monkeypatch.chdir(tmp_path)
    held = tmp_path / "held"
    hold_the_loader(monkeypatch, lambda: False, held)  # held until killed
    assert collection.preload([str(root)], use_cache=False)
    preload = forked.pending(collection.preload_key([str(root)], None, None))
    assert preload is not None

    def fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("the disk went away")

    monkeypatch.setattr(collection, "read_records", fails)
    monkeypatch.setattr(collection, "read_wires", fails)
    wait_until_held(held)

    async def run() -> None:
        app = cli.build_app([str(root)], use_cache=False)
        async with app.run_test(size=(120, 36)) as pilot:
            try:
                await pilot.pause(0.1)
                screen = app.screen
                listed = len(screen.library.agents)  # type: ignore[attr-defined]
                assert listed >= 5
            finally:
                # The loader dies, and its worker with it (else it waits on, orphaned).
                workers = Path(f"/proc/{preload.pid}/task/{preload.pid}/children")
                for pid in [*map(int, workers.read_text().split()), preload.pid]:
                    os.kill(pid, signal.SIGKILL)
            for _ in range(500):
                if str(screen.query_one("#count", Label).render()) == "load failed":
                    break
                await pilot.pause(0.02)
            assert str(screen.query_one("#count", Label).render()) == "load failed"
            assert len(screen.library.agents) == listed  # type: ignore[attr-defined]
            await pilot.pause(0.2)
            assert screen.agent_view.agent is screen.selected  # type: ignore[attr-defined]

    try:
        asyncio.run(run())
    finally:
        forked.forget_preload()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_a_commands_helpers_keep_its_priority_and_the_browsers_give_way() -> None:
    """A command waits for its helpers: they run at its own priority. The browser's preload
    helpers run at WORKER_NICE, so the UI's process gets the CPU first."""
    from agentbrowser.loading import forked

    assert forked.can_fork()  # a fresh process (in_fresh_process) has one thread
    mine = os.getpriority(os.PRIO_PROCESS, 0)

    def priorities() -> set[int]:
        import select

        started, helper_ran = os.pipe()

        def here(item: int) -> None:
            if item == 0:  # the helper takes a run before this process goes on
                select.select([started], [], [], 30)

        def helper(item: int) -> list[int]:
            os.write(helper_ran, b"x")
            return [os.getpriority(os.PRIO_PROCESS, 0)]

        try:
            results = forked.parse_parallel(
                list(range(100)),  # type: ignore[arg-type]
                here,
                helper,  # type: ignore[arg-type]
                lambda wire, item: wire[0],
                2,
            )
        finally:
            os.close(started)
            os.close(helper_ran)
        return {r for r in results if r is not None}

    assert priorities() == {mine}
    forked.hold_helpers()  # as in a preload's child: its helpers give way to the browser
    forked.release_helpers()  # and the gate is open, so they start at once
    assert priorities() == {min(19, mine + forked.WORKER_NICE)}
