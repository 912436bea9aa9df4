"""The index cache: a warm load equals a cold one, changes are seen, a bad cache is rebuilt."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentbrowser import cli
from agentbrowser.loading import cache, collection
from agentbrowser.model.records import Agent, evolve, with_body

from .paths import CORPUS

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
             f"{__file__}::{test.__name__}"],
            env=env, capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[1],
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


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small mixed collection: agents, one with a date (not cacheable), one broken, one odd."""
    root = tmp_path / "agents"
    for name in ("alpha", "beta", "gamma"):
        write(root, name)
    write(root, "dated", "---\nname: dated\ndescription: d\ncreated: 2024-01-02\n---\nbody\n")
    write(root, "broken", "---\nname: broken\ndescription: a: b: c\n---\nbody\n")
    write(
        root, "crlf", "\ufeff---\r\nname: crlf\r\ndescription: é\r\n---\r\nline one\r\nline two\r\n"
    )
    write(root, "nofm", "just a prompt, no frontmatter\n")
    write(root, "unclosed", "---\nname: unclosed\n")
    (root / ".cursor" / "rules").mkdir(parents=True)
    (root / ".cursor" / "rules" / "style.mdc").write_text(
        "---\nglobs: '*.py'\nalwaysApply: true\n---\nUse ruff.\n"
    )
    return root


def load(root: Path, use_cache: bool = True) -> list[Agent]:
    return collection.load(collection.sources([str(root)]), use_cache=use_cache)


def cache_files(cache_root: Path) -> list[Path]:
    folder = cache_root / "agentbrowser"
    return sorted(folder.glob("index-*.json")) if folder.is_dir() else []


def test_warm_load_equals_cold_load(tree: Path, private_home_and_cache: Path) -> None:
    cold = load(tree)
    assert len(cache_files(private_home_and_cache)) == 1
    warm = load(tree)
    # Warm records come from the cache: their prompts are read when asked for.
    deferred = [a for a in warm if a.body is None]
    assert len(deferred) >= 7
    assert all(a.body is not None for a in cold)
    read = [with_body(a) for a in warm]
    assert read == cold
    assert [a.body for a in read] == [a.body for a in cold]
    assert [a.problems for a in read] == [a.problems for a in cold]
    assert all(a.body is None for a in deferred)  # asking made new records: these are unchanged


def test_warm_load_matches_an_uncached_load(tree: Path) -> None:
    load(tree)
    assert [with_body(a) for a in load(tree)] == load(tree, use_cache=False)


def test_the_corpus_round_trips(private_home_and_cache: Path) -> None:
    found = collection.sources([str(CORPUS)])
    cold = collection.load(found)
    warm = collection.load(found)
    assert sum(a.body is None for a in warm) > len(warm) // 2
    assert [with_body(a) for a in warm] == cold


def test_changed_file_is_read_again(tree: Path) -> None:
    load(tree)
    path = tree / ".claude" / "agents" / "beta.md"
    bump(path, AGENT.format(name="bet2"))  # same size, new content
    agents = {a.path: a for a in load(tree)}
    assert agents[str(path)].name == "bet2"
    assert agents[str(path)].body == "You review bet2.\n"


def test_deleted_file_disappears_and_added_file_appears(tree: Path) -> None:
    load(tree)
    (tree / ".claude" / "agents" / "gamma.md").unlink()
    write(tree, "delta")
    names = {a.name for a in load(tree)}
    assert "gamma" not in names
    assert "delta" in names
    assert {a.name for a in load(tree)} == names


def test_deleted_file_leaves_the_cache_file(tree: Path, private_home_and_cache: Path) -> None:
    load(tree)
    (tree / ".claude" / "agents" / "gamma.md").unlink()
    load(tree)
    [index] = cache_files(private_home_and_cache)
    entries = json.loads(index.read_text())["entries"]
    assert not any(path.endswith("gamma.md") for path in entries)


BAD_CACHES = {
    "empty": b"",
    "garbage": b"\x00\xff\xfe not json at all",
    "truncated": None,  # the real file cut in half
    "not-a-dict": b"[1, 2, 3]",
    "wrong-magic": json.dumps({"magic": "someone-else", "format": 1, "entries": {}}).encode(),
    "old-format": None,  # the real file with format 0
    "other-version": None,  # the real file written by another agentbrowser
    "entries-not-a-dict": None,
    "bad-entries": None,  # every entry replaced by junk of the wrong shape
    "wrong-types": None,  # right length, wrong types
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "pickle": b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.",
}


@pytest.mark.parametrize("kind", sorted(BAD_CACHES))
def test_bad_cache_is_ignored_and_rebuilt(
    tree: Path, private_home_and_cache: Path, kind: str
) -> None:
    expected = load(tree, use_cache=False)
    load(tree)
    [index] = cache_files(private_home_and_cache)
    good = index.read_bytes()
    data = BAD_CACHES[kind]
    if data is None:
        doc = json.loads(good)
        if kind == "truncated":
            data = good[: len(good) // 2]
        elif kind == "old-format":
            doc["format"] = 0
        elif kind == "other-version":
            doc["parser"] = "0.0.1 " + doc["parser"]
        elif kind == "entries-not-a-dict":
            doc["entries"] = ["x"]
        elif kind == "bad-entries":
            doc["entries"] = {path: "junk" for path in doc["entries"]}
        elif kind == "wrong-types":
            for entry in doc["entries"].values():
                entry[cache.NAME] = 42
                entry[cache.TOOLS] = [1, 2]
        data = data if data is not None else json.dumps(doc).encode()
    index.write_bytes(data)
    assert [with_body(a) for a in load(tree)] == expected
    rebuilt = json.loads(index.read_bytes())
    assert rebuilt["magic"] == cache.MAGIC
    assert len(rebuilt["entries"]) >= 7
    assert [with_body(a) for a in load(tree)] == expected


def test_wrong_types_in_one_entry_reread_that_file_only(
    tree: Path, private_home_and_cache: Path
) -> None:
    load(tree)
    [index] = cache_files(private_home_and_cache)
    doc = json.loads(index.read_bytes())
    path = str(tree / ".claude" / "agents" / "alpha.md")
    doc["entries"][path][cache.PROBLEMS] = [["fatal", "made up", None]]  # not a severity
    index.write_text(json.dumps(doc))
    agents = {a.path: a for a in load(tree)}
    assert agents[path].body is not None  # parsed again, not taken from the entry
    assert not any(p.severity == "fatal" for a in agents.values() for p in a.problems)


def test_no_cache_neither_reads_nor_writes(tree: Path, private_home_and_cache: Path) -> None:
    load(tree, use_cache=False)
    assert not (private_home_and_cache / "agentbrowser").exists()
    load(tree)
    [index] = cache_files(private_home_and_cache)
    index.write_bytes(b"garbage that would be replaced if it were read")
    before = index.stat().st_mtime_ns
    agents = load(tree, use_cache=False)
    assert all(a.body is not None for a in agents)
    assert index.read_bytes() == b"garbage that would be replaced if it were read"
    assert index.stat().st_mtime_ns == before


def test_cache_is_written_only_when_something_changed(
    tree: Path, private_home_and_cache: Path
) -> None:
    load(tree)
    [index] = cache_files(private_home_and_cache)
    os.utime(index, ns=(1, 1))
    load(tree)
    assert index.stat().st_mtime_ns == 1
    write(tree, "epsilon")
    load(tree)
    assert index.stat().st_mtime_ns != 1


def test_cache_is_never_inside_the_collection(tree: Path) -> None:
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    load(tree)
    load(tree)
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before


def test_no_temporary_files_are_left(tree: Path, private_home_and_cache: Path) -> None:
    load(tree)
    write(tree, "zeta")
    load(tree)
    leftovers = [
        p.name for p in (private_home_and_cache / "agentbrowser").iterdir() if p.suffix != ".json"
    ]
    assert leftovers == []


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME is a Linux convention")
def test_xdg_cache_home_is_honoured(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(elsewhere))
    assert cache.cache_dir() == str(elsewhere / "agentbrowser")
    load(tree)
    assert len(cache_files(elsewhere)) == 1


def test_unwritable_cache_folder_is_not_an_error(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert read(load(tree)) == read(load(tree, use_cache=False))


def test_other_collections_have_their_own_cache_file(
    tree: Path, tmp_path: Path, private_home_and_cache: Path
) -> None:
    other = tmp_path / "other"
    write(other, "solo")
    load(tree)
    load(other)
    assert len(cache_files(private_home_and_cache)) == 2
    assert [a.name for a in load(other)] == ["solo"]


def test_hint_change_is_not_served_from_the_cache(tree: Path) -> None:
    """The same file found as a user agent (with a format hint) and as a plain path."""
    path = tree / "loose" / "thing.md"
    path.parent.mkdir()
    path.write_text("---\nname: thing\ndescription: d\n---\nbody\n")
    from agentbrowser.model.discovery import Found

    as_path = collection.load([Found(str(path), "path")], cache_file=str(tree.parent / "c.json"))
    hinted = collection.load(
        [Found(str(path), "user", "claude-command")], cache_file=str(tree.parent / "c.json")
    )
    assert as_path[0].format == "claude-agent"
    assert hinted[0].format == "claude-command"
    assert hinted[0].scope == "user"


def test_deferred_body_of_a_file_changed_after_listing(tree: Path) -> None:
    load(tree)
    agents = {a.name: a for a in load(tree)}
    alpha = agents["alpha"]
    assert alpha.body is None
    bump(Path(alpha.path), AGENT.format(name="alph2"))
    read = with_body(alpha)
    assert read.body == ""  # no crash, and not the new file's prompt under the old metadata
    assert "changed on disk" in read.problems[-1].message
    assert alpha.body is None and alpha.problems == ()  # the listed record is unchanged


def test_deferred_body_of_a_deleted_file(tree: Path) -> None:
    load(tree)
    beta = next(a for a in load(tree) if a.name == "beta")
    os.unlink(beta.path)
    read = with_body(beta)
    assert read.body == ""
    assert read.problems[-1].severity == "error"
    assert "cannot read the prompt" in read.problems[-1].message


def test_a_record_without_its_prompt_is_the_same_in_every_thread(tree: Path) -> None:
    import threading

    load(tree)
    gamma = next(a for a in load(tree) if a.name == "gamma")
    results: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(with_body(gamma).body)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["You review gamma.\n"] * 8
    assert gamma.problems == () and gamma.body is None


def test_evolve_keeps_a_prompt_unread(tree: Path) -> None:
    load(tree)
    alpha = next(a for a in load(tree) if a.name == "alpha")
    moved = evolve(alpha, shadowed_by="/elsewhere")
    assert moved.body is None
    assert moved.shadowed_by == "/elsewhere"
    assert with_body(moved).body == "You review alpha.\n"


def test_agent_body_stays_a_plain_field() -> None:
    import dataclasses
    import pickle

    agent = Agent("n", "d", None, "markdown", "path", "/nowhere.md", {}, "the prompt")
    assert agent.body == "the prompt"
    assert with_body(agent) is agent  # it has its prompt: nothing is read
    assert dataclasses.replace(agent, name="m").body == "the prompt"
    assert pickle.loads(pickle.dumps(agent)) == agent
    with pytest.raises(dataclasses.FrozenInstanceError):
        agent.body = "other"  # type: ignore[misc]
    assert "body" in {f.name for f in dataclasses.fields(Agent)}
    assert type(Agent.__dict__["body"]).__name__ == "member_descriptor"  # a plain slot


def test_cli_list_no_cache_flag(tree: Path, private_home_and_cache: Path) -> None:
    import io

    out = io.StringIO()
    assert cli.main(["list", "--json", "--no-cache", str(tree)], out) == 0
    assert not (private_home_and_cache / "agentbrowser").exists()
    cold = json.loads(out.getvalue())
    out = io.StringIO()
    assert cli.main(["list", "--json", str(tree)], out) == 0
    out = io.StringIO()
    assert cli.main(["list", "--json", str(tree)], out) == 0
    assert json.loads(out.getvalue()) == cold
    assert len(cache_files(private_home_and_cache)) == 1


# -- loading in forked processes ------------------------------------------------------------


def many(root: Path, count: int) -> Path:
    for index in range(count):
        write(root, f"agent-{index:04d}")
    write(root, "dated", "---\nname: dated\ndescription: d\ncreated: 2024-01-02\n---\nbody\n")
    write(root, "broken", "---\nname: broken\ndescription: a: b: c\n---\nbody\n")
    return root


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
        preload = forked.pending(collection._preload_key([str(root)], None, None))
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


def test_dumps_pretty_is_json_dumps_indent_2() -> None:
    from agentbrowser.model.serialize import dumps_pretty

    nested: list = []
    inner = nested
    for _ in range(150):
        inner.append([])
        inner = inner[0]
    values = [
        [],
        {},
        [[], {}, [{}]],
        {
            "a": 'é\x00\u2028"\\',
            "b": None,
            "c": [None, True, False, 0, -1, 10**40, 1.5, -0.0, 1e300],
        },
        {"k": [{"x": [1, [2, []]]}], "t": (1, "2")},
        {1: "int key", None: "none key", False: "bool key"},
        nested,
        "just a string",
        3,
    ]
    for value in values:
        assert dumps_pretty(value) == json.dumps(
            value, indent=2, ensure_ascii=False, allow_nan=False
        )
    for bad in ([float("nan")], {"x": float("inf")}, [object()]):
        with pytest.raises((ValueError, TypeError)):
            dumps_pretty(bad)


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


def test_browser_no_cache_neither_reads_nor_writes(tree: Path, private_home_and_cache: Path) -> None:
    """The browser's loader (first load and reloads) honours --no-cache."""
    from agentbrowser.screens.browse import BrowseScreen

    found = collection.sources([str(tree)])
    agents = BrowseScreen([str(tree)], use_cache=False)._loader()(found)
    assert [a.path for a in agents] == [a.path for a in load(tree, use_cache=False)]
    assert not (private_home_and_cache / "agentbrowser").exists()
    BrowseScreen([str(tree)], use_cache=True)._loader()(found)
    assert len(cache_files(private_home_and_cache)) == 1


def test_library_signatures_from_records_equal_a_stat(tree: Path, private_home_and_cache: Path) -> None:
    """The browser's snapshot takes signatures from the records (no stat): cold and warm, they
    are what a stat says, and an edit after loading is seen by the poll."""
    from agentbrowser.loading import library

    (tree / "empty.md").write_text("", encoding="utf-8")
    for _ in range(2):  # cold, then from the cache
        lib = library.load_library([str(tree)], loader=collection.load)
        assert lib.signatures == {item.path: library.signature(item.path) for item in lib.found}
    assert library.refresh(lib) is None
    bump(tree / ".claude" / "agents" / "alpha.md", AGENT.format(name="alpha2"))
    changed = library.refresh(lib)
    assert changed is not None and "alpha2" in [a.name for a in changed.agents]


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
            monkeypatch.setattr(forked, "_spill_file", lambda: None)
        child = forked._child(work)
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
            forked._reap(pid)


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


def test_trace_marks_only_when_asked(tmp_path: Path) -> None:
    import subprocess

    log = tmp_path / "trace.log"
    code = "from agentbrowser.loading import trace; trace.mark('hello'); print(trace.enabled())"
    env = {**os.environ, "AGENTBROWSER_TRACE": str(log), "AGENTBROWSER_TRACE_T0": "0"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == "True"
    milliseconds, pid, cpu, event = log.read_text().split()
    assert float(milliseconds) > 1e12  # counted from t0 = the epoch
    assert int(pid) > 0 and 0 < float(cpu) < 10_000 and event == "hello"
    env.pop("AGENTBROWSER_TRACE")
    log.unlink()
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == "False" and not log.exists()


def test_agent_from_values_equals_the_constructor() -> None:
    from dataclasses import fields

    from agentbrowser.model.records import Problem, agent_from_values

    values = (
        "name", "description", ("Read",), "claude-agent", "user", "/a/b.md", {"name": "name"},
        "the prompt", (Problem("warning", "w", 3),), 7, 120, "raw", 10, 20, "/other.md",
        ("/dup.md",), ("reference.md",), "opus", "blue", "plan",
    )  # fmt: skip
    assert len(values) == len(fields(Agent))  # a test of every field
    made = agent_from_values(values)
    assert made == Agent(*values)
    assert [getattr(made, f.name) for f in fields(Agent)] == list(values)


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
    gate_read, gate_write = os.pipe()
    monkeypatch.setattr(forked, "_helper_gate", gate_read)
    started = time.perf_counter()
    got, here = runs_done_here()
    assert got == expected
    assert here == len(items)  # the waiting helper took no run, and was not waited for
    assert time.perf_counter() - started < 30

    monkeypatch.setattr(forked, "_gate_to_close", gate_write)
    forked.release_helpers()  # what the browser does at its first frame
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
    real_load = collection._load

    def held_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        while not go.exists():  # the child waits for the test
            time.sleep(0.01)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(collection, "_load", held_load)
    assert collection.preload([str(root)], use_cache=False)
    assert forked._gate_to_close is not None  # the loader's helpers wait for the first frame

    def parse_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the browser parsed the files itself")

    monkeypatch.setattr(collection, "_load", parse_here)  # this process must not parse

    async def run() -> None:
        app = cli.build_app([str(root)], use_cache=False)
        async with app.run_test(size=(120, 36)) as pilot:
            try:
                await pilot.pause(0.3)
                count = app.screen.query_one("#count", Label)
                assert str(count.render()).startswith("Loading")  # shown while the child works
                assert forked._gate_to_close is None  # released by the first frame
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
        assert forked.pending(collection._preload_key([str(root)], None, None)) is None  # used
    finally:
        forked.forget_preload()


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
    real_parse_wire = collection._parse_wire
    calls = [0]

    def held_parse_wire(item: forked.Found) -> forked.Wire:
        calls[0] += 1
        if calls[0] > 20 and not release():
            held.touch()
        while calls[0] > 20 and not release():
            time.sleep(0.01)
        return real_parse_wire(item)

    monkeypatch.setattr(collection, "_parse_wire", held_parse_wire)


def wait_until_held(held: Path) -> None:
    """Wait for a loader process to stop at its hold, its first part sent (an event: the file)."""
    import time

    for _ in range(6000):  # a minute at most: a loader that never gets there fails the test
        if held.exists():
            return
        time.sleep(0.01)
    raise AssertionError("the loader never reached its hold")


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

    root = many(tmp_path / "many", 60)
    go = tmp_path / "go"
    monkeypatch.chdir(tmp_path)
    expected = collection.load(collection.sources([str(root)]), use_cache=False)
    held = tmp_path / "held"
    hold_the_loader(monkeypatch, go.exists, held)
    assert collection.preload([str(root)], use_cache=False)

    def parse_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the browser parsed the files itself")

    monkeypatch.setattr(collection, "_load", parse_here)
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
            finally:
                go.write_text("go")  # a failure above must not leave the loader waiting
            for _ in range(500):
                if str(screen.query_one("#count", Label).render()) == f"{len(expected)} agents":
                    break
                await pilot.pause(0.02)
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
    preload = forked.pending(collection._preload_key([str(root)], None, None))
    assert preload is not None

    def fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("the disk went away")

    monkeypatch.setattr(collection, "_load", fails)
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


# -- the preload's records, made as they are asked for ----------------------------------------


def write_scoped(root: Path) -> tuple[Path, Path]:
    """A project and a user folder: one name in both scopes (the user's is shadowed), two files
    with one name in the project (duplicates, one of them dated: it is not cached)."""
    project, home = root / "project", root / "home"
    for index in range(6):
        write(project, f"agent-{index}")
    write(project, "shared")
    write(home, "shared")
    write(project, "twin-a", AGENT.format(name="twin"))
    write(project, "twin-b", "---\nname: twin\ndescription: d\ncreated: 2024-01-02\n---\nbody\n")
    return project, home


@pytest.fixture
def scoped(tmp_path: Path) -> tuple[list[Any], list[Any]]:
    """Found files of a project and a user scope, and their wire items as a loader sends them:
    one name in both scopes (the user's is shadowed), two files with one name in the project
    (duplicates, one of them a record that travels pickled: a date is not cached)."""
    project, home = write_scoped(tmp_path)
    found = collection.sources(None, str(project), str(home))
    wires, _ = collection._load(found, False, None, 250, None, 1, False)
    assert sum(wire.__class__ is bytes for wire in wires) == 1  # the dated twin
    return found, wires


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


def marshal_of(value: Any) -> bytes:
    import marshal

    return marshal.dumps(value)


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
