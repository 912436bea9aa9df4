"""Fixtures of the loading tests: small collections on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentbrowser.loading import collection

from .support import write, write_scoped


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small mixed collection: agents, one with a date (not cacheable), one broken, one odd."""
    root = tmp_path / "agents"
    for name in ("alpha", "beta", "gamma"):
        write(root, name)
    write(
        root,
        "dated",
        "---\nname: dated\ndescription: d\ncreated: !!timestamp 2024-01-02\n---\nbody\n",
    )
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


@pytest.fixture
def scoped(tmp_path: Path) -> tuple[list[Any], list[Any]]:
    """Found files of a project and a user scope, and their wire items as a loader sends them:
    one name in both scopes (the user's is shadowed), two files with one name in the project
    (duplicates, one of them a record that travels pickled: a date is not cached)."""
    project, home = write_scoped(tmp_path)
    found = collection.sources(None, str(project), str(home))
    wires, _ = collection.read_wires(found, use_cache=False, jobs=1)
    assert sum(wire.__class__ is bytes for wire in wires) == 1  # the dated twin
    return found, wires
