"""The groups of a collection kept on disk: a second `groups` over unchanged files reads them.

Grouping reads every prompt and weighs every word (seconds at 10,000 agents); the answer only
changes when a file does, or the grouping code. The file is keyed like the index cache (by the
collection's root folder) and holds a signature of every file's path, size and mtime, and of
roles.py: anything else gives a miss, never a wrong answer. Written atomically; a write that
fails leaves nothing behind and costs only the next run's speed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from typing import Any

from agentbrowser.loading.cache import parser_stamp
from agentbrowser.model import roles
from agentbrowser.model.records import Agent
from agentbrowser.model.roles import Group
from agentbrowser.writing.atomic import write_private_json

MAGIC = "agentbrowser-groups"
FORMAT = 1


def code_stamp() -> str:
    """What the grouping code is: the parser's stamp (what records hold) and the size and mtime
    of model/roles.py (how they are grouped)."""
    try:
        st = os.stat(roles.__file__)
        mine = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        mine = "-"
    return f"{parser_stamp()} roles {mine}"


def signature(agents: Sequence[Agent]) -> str:
    """A digest of what the grouping depends on: each file's path, size and mtime, the order of
    the agents, and the grouping code itself."""
    digest = hashlib.sha256()
    digest.update(code_stamp().encode("utf-8", "surrogatepass"))
    for agent in agents:
        digest.update(
            f"{agent.path}\0{agent.size}\0{agent.mtime_ns}\n".encode("utf-8", "surrogatepass")
        )
    return digest.hexdigest()


def groups_path(agents: Sequence[Agent], folder: str | None = None) -> str:
    """The cache file of the collection these agents come from (its deepest common folder)."""
    from agentbrowser.loading.cache import cache_dir

    paths = [agent.path for agent in agents]
    root = os.path.commonprefix([min(paths), max(paths)]) if paths else ""
    name = hashlib.sha256(root.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return os.path.join(folder or cache_dir(), f"groups-{name}.json")


def read_groups(path: str, agents: Sequence[Agent], stamp: str) -> list[Group] | None:
    """The kept groups when the file matches these agents exactly; None otherwise."""
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError, RecursionError, MemoryError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("magic") != MAGIC
        or data.get("format") != FORMAT
        or data.get("signature") != stamp
        or not isinstance(data.get("groups"), list)
    ):
        return None
    groups = []
    count = len(agents)
    for item in data["groups"]:
        try:
            members, role, similarity = item
            members = tuple(int(i) for i in members)
        except (TypeError, ValueError):
            return None
        if not all(0 <= i < count for i in members) or not isinstance(role, str):
            return None
        if not isinstance(similarity, (int, float)):
            return None
        groups.append(Group(members, role, float(similarity)))
    return groups


def write_groups(path: str, groups: list[Group], stamp: str) -> bool:
    """Keep the groups (atomically); False, with nothing left behind, when that fails."""
    data: dict[str, Any] = {
        "magic": MAGIC,
        "format": FORMAT,
        "signature": stamp,
        "groups": [[list(g.members), g.role, g.similarity] for g in groups],
    }
    return write_private_json(path, data)


def cached_groups(
    agents: Sequence[Agent], compute: Callable[[], list[Group]], folder: str | None = None
) -> list[Group]:
    """The groups of ``agents`` (all of them, min size 2): kept ones when nothing changed,
    else ``compute()``'s, which are then kept."""
    if not agents:
        return compute()
    stamp = signature(agents)
    path = groups_path(agents, folder)
    kept = read_groups(path, agents, stamp)
    if kept is not None:
        return kept
    groups = compute()
    write_groups(path, groups, stamp)
    return groups
