"""The browser's snapshot: precedence undone and redone exactly, and polling that sees changes."""

from __future__ import annotations

import os
from pathlib import Path

from agentbrowser.loading import collection
from agentbrowser.loading.library import load_library, refresh, unresolved
from agentbrowser.model.discovery import resolve_precedence
from agentbrowser.model.parse import parse_file

from .support import AGENT, bump


def _agent(folder: Path, file: str, name: str, body: str = "Do the thing.") -> Path:
    path = folder / ".claude" / "agents" / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nname: {name}\ndescription: {name} agent\n---\n{body}\n")
    return path


def test_unresolved_undoes_exactly_what_resolve_precedence_adds(tmp_path: Path) -> None:
    """Duplicates in one scope and shadowing across scopes: unresolved gives back the parse."""
    project, user = tmp_path / "project", tmp_path / "home"
    parsed = [
        parse_file(str(_agent(project, "a.md", "twin")), "project"),
        parse_file(str(_agent(project, "b.md", "twin")), "project"),
        parse_file(str(_agent(user, "twin.md", "twin")), "user"),
        parse_file(str(_agent(user, "alone.md", "alone")), "user"),
    ]
    resolved = resolve_precedence(parsed)
    assert resolved[0].duplicates and resolved[2].shadowed_by  # the case is real
    assert [unresolved(agent) for agent in resolved] == parsed
    assert resolve_precedence([unresolved(agent) for agent in resolved]) == resolved


def test_refresh_sees_a_change_an_addition_and_a_deletion(tmp_path: Path) -> None:
    """A poll returns None when nothing changed, else a new generation with the new files."""
    first = _agent(tmp_path, "first.md", "first")
    second = _agent(tmp_path, "second.md", "second")
    library = load_library([str(tmp_path)])
    assert refresh(library) is None

    first.write_text("---\nname: first\ndescription: changed\n---\nNew prompt.\n")
    os.utime(first, ns=(1, 1))  # a different mtime even on a coarse clock
    changed = refresh(library)
    assert changed is not None and changed.generation == library.generation + 1
    assert [a.description for a in changed.agents if a.name == "first"] == ["changed"]

    _agent(tmp_path, "third.md", "third")
    second.unlink()
    assert refresh(changed, rediscover=False) is not None  # the deletion alone is seen
    later = refresh(changed, rediscover=True)
    assert later is not None
    assert sorted(a.name for a in later.agents) == ["first", "third"]



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
