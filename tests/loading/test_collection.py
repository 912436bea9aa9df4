"""A preload's records made as they are asked for (LazyRecords), precedence marks, wires."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from agentbrowser.loading import collection

from .support import (
    _StubPreload,
    in_fresh_process,
    marshal_of,
    read,
    write_scoped,
)


def test_sources_with_paths_work_in_a_deleted_folder(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert len(collection.sources([str(tree)])) >= 9
    assert collection.preload([str(tree)]) in (True, False)  # no exception either way
    from agentbrowser.loading import forked

    forked.forget_preload()


def test_lazy_records_equal_the_records_made_at_once(scoped: tuple[list[Any], list[Any]]) -> None:
    from agentbrowser.model.discovery import resolve_precedence

    found, wires = scoped
    eager = resolve_precedence(collection.wire_records(wires, found))
    lazy = collection.LazyRecords(found, wires)
    assert lazy.made() == 1  # only the pickled one, to read its name
    assert len(lazy) == len(eager)
    assert lazy == eager and list(lazy) == eager
    assert lazy.made() == len(eager)
    marked = {a.name: a for a in eager if a.shadowed_by or a.duplicates}
    assert {"shared", "twin"} <= set(marked)  # the test covers both kinds of mark


def test_lazy_records_are_made_one_at_a_time_and_once(
    scoped: tuple[list[Any], list[Any]],
) -> None:
    import threading

    found, wires = scoped
    lazy = collection.LazyRecords(found, wires)
    before = lazy.made()
    third = lazy[3]
    assert lazy.made() == before + 1
    assert lazy[3] is third and lazy[-len(lazy) + 3] is third
    assert [a.path for a in lazy[1:3]] == [item.path for item in found[1:3]]
    with pytest.raises(IndexError):
        lazy[len(lazy)]

    fresh = collection.LazyRecords(found, wires)
    seen: list[list[Any]] = [[], []]
    start = threading.Barrier(2)

    def walk(into: list[Any]) -> None:
        start.wait()
        into.extend(fresh)

    threads = [threading.Thread(target=walk, args=(seen[n],)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(a is b for a, b in zip(seen[0], seen[1], strict=True))


def test_a_snapshot_of_lazy_records_and_finding_one_make_none_of_them(
    scoped: tuple[list[Any], list[Any]],
) -> None:
    from agentbrowser.loading import library

    found, wires = scoped
    lazy = collection.LazyRecords(found, wires)
    made = lazy.made()
    snapshot = library._snapshot([], found, lazy, 0)
    assert snapshot.agents is lazy and lazy.made() == made
    # Finding the highlighted agent again (the list keeps it on a reload) makes none either.
    assert snapshot.position(found[-1].path) == len(found) - 1
    assert snapshot.position("/not/there.md") is None
    assert lazy.made() == made
    eager = library._snapshot([], found, collection.wire_records(wires, found), 0)
    assert snapshot.signatures == eager.signatures
    assert all(signature is not None for signature in snapshot.signatures.values())


@pytest.mark.parametrize(
    ("reported", "arrives", "expected"),
    [
        (95, True, "the rest"),  # nearly done, and the rest comes: taken in the first frame
        (50, True, None),  # half done: not waited for
        (95, False, None),  # nearly done, but the rest does not come in time
    ],
)
def test_the_first_frame_waits_briefly_for_a_nearly_done_loader(
    reported: int, arrives: bool, expected: str | None
) -> None:
    import threading

    from agentbrowser.loading import forked

    preload = _StubPreload(reported, 100)
    found = [forked.Found(f"/a/{n}.md", "path") for n in range(100)]
    coming = collection.Arriving(preload, found)  # type: ignore[arg-type]
    assert coming.take_nowait()
    assert coming.reported == reported
    if arrives:
        threading.Timer(0.02, preload.arrived.set).start()
    rest = coming.rest_if_nearly_done(0.9, 5.0 if arrives else 0.05)
    if expected is None:
        assert rest is None and not preload.taken  # nothing taken: the load thread takes it
    else:
        assert rest is not None and list(rest) == [["wire"]] * 100 and preload.taken


def test_wires_decode_a_run_when_first_asked_for() -> None:
    from agentbrowser.loading import forked

    run = forked.WIRE_RUN
    items: list[Any] = [[n, f"agent-{n}"] for n in range(run * 2 + 5)]
    items[3], items[4] = None, b"a pickled record"
    wires = forked.Wires.from_payload(forked.Wires.payload(items, ({}, [3])))
    assert wires is not None and len(wires) == len(items) and wires.extra == ({}, [3])
    assert wires.decoded() == 0
    assert wires[run + 1] == items[run + 1] and wires.decoded() == 1
    assert wires[-1] == items[-1] and wires.decoded() == 2
    assert wires[1:5] == items[1:5] and wires.decoded() == 3
    wires[0] = items[0] = None
    assert list(wires) == items
    with pytest.raises(IndexError):
        wires[len(items)]
    # Another shape (a list, a wrong number of runs, a run that is not bytes) is refused.
    count, runs, extra = forked.Wires.payload(items)
    for bad in (items, (count, runs[:-1], extra), (count, [*runs[:-1], []], extra), (count, runs)):
        assert forked.Wires.from_payload(bad) is None
    # A run that does not decode to its items reads as missing items, never as an error.
    broken = forked.Wires(count, [runs[0], b"garbage", marshal_of([1, 2])])
    assert broken[0] == items[0] and broken[run] is None and broken[-1] is None
    assert list(broken).count(None) == len(items) - run + items[:run].count(None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_the_loader_sends_the_precedence_marks_cold_and_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_home_and_cache: Path
) -> None:
    """A preload works out precedence over all the files and sends it: the browser marks its
    records without decoding a single item first, and they equal a plain load's."""
    project, home = write_scoped(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    from agentbrowser.loading import forked, library

    expected = collection.load(collection.sources(), use_cache=False, jobs=1)
    assert {a.name for a in expected if a.shadowed_by or a.duplicates} == {"shared", "twin"}
    for _ in ("cold", "warm"):
        assert collection.preload()
        try:
            coming = collection.arriving()
            assert coming is not None
            wires = coming.take_rest()
            assert wires is not None and wires.extra[0]  # the marks
            snapshot = library.library_from_wires([], coming, wires)
            records = snapshot.agents
            assert isinstance(records, collection.LazyRecords)
            assert wires.decoded() == 0 and records.made() == 0  # nor the signatures read
            assert read(records) == read(expected)
            assert snapshot.signatures == {a.path: library.signature(a.path) for a in expected}
        finally:
            preload = forked._pending
            forked.forget_preload()
            if preload is not None:  # its reader ends with the child (which saves the cache)
                preload.reader.join(10)
    assert list(private_home_and_cache.rglob("index-*.json"))  # the second run was warm


def test_marks_cross_as_plain_values_and_a_bad_shape_is_refused(
    scoped: tuple[list[Any], list[Any]],
) -> None:
    from agentbrowser.loading import forked
    from agentbrowser.model.discovery import precedence_marks

    found, wires = scoped
    names = [collection._wire_name(wire) for wire in wires]
    marks = precedence_marks(names, lambda i: (found[i].scope, found[i].path))
    assert marks
    plain = {position: collection._plain_mark(mark) for position, mark in marks.items()}
    import marshal

    assert collection._marks_from_plain(marshal.loads(marshal.dumps(plain)), len(found)) == marks
    some = next(iter(plain.values()))
    for bad in ({len(found): some}, {-1: some}, {"0": some}, {0: (None,)}, [some], None):
        assert collection._marks_from_plain(bad, len(found)) is None
    # Marks that cannot be read: the records work them out from the items themselves.
    sent = forked.Wires.from_payload(forked.Wires.payload(wires, ({len(found): some}, [])))
    assert sent is not None
    eager = collection.resolve_precedence(collection.wire_records(wires, found))
    assert collection.records_from_wires(found, sent) == eager


def test_an_item_that_cannot_be_decoded_is_read_from_its_file(
    scoped: tuple[list[Any], list[Any]],
) -> None:
    from agentbrowser.loading import forked

    found, wires = scoped
    count, runs, _ = forked.Wires.payload(wires)
    broken = forked.Wires(count, [b"garbage"] * len(runs), ({}, []))
    records = collection.records_from_wires(found, broken)
    plain = collection.load(found, use_cache=False, jobs=1)
    assert [a.name for a in records] == [a.name for a in plain]
    assert [a.description for a in records] == [a.description for a in plain]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
@in_fresh_process
def test_the_preload_carries_a_skills_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's list of files crosses from its process with each skill's resources."""
    folder = tmp_path / "skills" / "pdf"
    (folder / "reference").mkdir(parents=True)
    (folder / "SKILL.md").write_text("---\nname: pdf\ndescription: d\n---\nbody\n")
    (folder / "reference" / "forms.md").write_text("# Forms\n")
    monkeypatch.chdir(tmp_path)
    paths = [str(tmp_path / "skills")]
    assert collection.preload(paths, use_cache=False)
    found = collection.sources(paths)
    assert found[0].resources == ("reference/forms.md",)
    agents = collection.load(found, use_cache=False)
    assert [a.resources for a in agents] == [("reference/forms.md",)]
