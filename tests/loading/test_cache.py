"""The index cache: a warm load equals a cold one, changes are seen, a bad cache is rebuilt."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from agentbrowser import cli
from agentbrowser.loading import cache, collection
from agentbrowser.model.records import evolve, with_body

from ..paths import CORPUS
from .support import (
    AGENT,
    bump,
    cache_files,
    load,
    read,
    write,
)


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


def test_browser_no_cache_neither_reads_nor_writes(tree: Path, private_home_and_cache: Path) -> None:
    """The browser's loader (first load and reloads) honours --no-cache."""
    from agentbrowser.screens.browse import BrowseScreen

    found = collection.sources([str(tree)])
    agents = BrowseScreen([str(tree)], use_cache=False)._loader()(found)
    assert [a.path for a in agents] == [a.path for a in load(tree, use_cache=False)]
    assert not (private_home_and_cache / "agentbrowser").exists()
    BrowseScreen([str(tree)], use_cache=True)._loader()(found)
    assert len(cache_files(private_home_and_cache)) == 1
