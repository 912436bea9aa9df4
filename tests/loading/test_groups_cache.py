"""Kept role groups: reused until a file, the parser or the grouping code changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from agentbrowser.loading import groups_cache
from agentbrowser.loading.cache import parser_stamp
from agentbrowser.loading.collection import load_collection
from agentbrowser.model import roles
from agentbrowser.model.roles import group_roles

from ..paths import BUNDLED, SEEDS


def test_the_code_stamp_names_the_grouping_code_and_the_parser() -> None:
    st = os.stat(roles.__file__)  # the grouping code exists where the stamp looks
    stamp = groups_cache.code_stamp()
    assert f"roles {st.st_size}:{st.st_mtime_ns}" in stamp
    assert parser_stamp() in stamp


def test_groups_are_kept_until_a_file_changes(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(BUNDLED, tmp_path / "agents")
    agents = load_collection([str(tmp_path)], use_cache=False)
    calls = []

    def compute() -> list:
        calls.append(1)
        return group_roles(agents)

    first = groups_cache.cached_groups(agents, compute, folder=str(tmp_path / "cache"))
    again = groups_cache.cached_groups(agents, compute, folder=str(tmp_path / "cache"))
    assert again == first and len(calls) == 1
    # A changed file (size and mtime) is a miss.
    changed = tmp_path / "agents" / ".claude" / "agents" / "debugger.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    agents = load_collection([str(tmp_path)], use_cache=False)
    groups_cache.cached_groups(agents, compute, folder=str(tmp_path / "cache"))
    assert len(calls) == 2
    # A broken or foreign file is a miss too, never an error.
    (path,) = (tmp_path / "cache").glob("groups-*.json")
    for garbage in (b"{", b"[]", b'{"magic": "agentbrowser-groups", "format": 1}', b"\xff"):
        path.write_bytes(garbage)
        groups_cache.cached_groups(agents, compute, folder=str(tmp_path / "cache"))
    assert len(calls) == 6
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [path.name]  # no temp left
