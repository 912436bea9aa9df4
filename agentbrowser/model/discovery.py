"""Where agent files are: paths given, project and user scopes, plugins, the bundled agents."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from agentbrowser.model.records import WARNING, Agent, Problem, evolve

if TYPE_CHECKING:
    from pathlib import Path

#: Suffixes a folder walk picks up (a file named on the command line is read whatever it is).
AGENT_SUFFIXES = (".md", ".mdc", ".markdown")
#: Folders a walk never enters.
SKIP_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv", ".hg", ".svn"})
#: At most this many files from one walk, so a mistaken `agentbrowser /` ends.
MAX_FILES = 200_000

# (folder relative to a project root or home, scope-independent format hint, SKILL.md only)
_PROJECT_DIRS: tuple[tuple[str, str | None, bool], ...] = (
    (".claude/agents", "claude-agent", False),
    (".claude/commands", "claude-command", False),
    (".claude/skills", "claude-skill", True),
    (".opencode/agent", "opencode-agent", False),
    (".opencode/agents", "opencode-agent", False),
    (".github/agents", "copilot-agent", False),
    (".github/chatmodes", "copilot-chatmode", False),
    (".github/prompts", "copilot-prompt", False),
    (".cursor/rules", "cursor-rule", False),
)
_USER_DIRS: tuple[tuple[str, str | None, bool], ...] = (
    (".claude/agents", "claude-agent", False),
    (".claude/commands", "claude-command", False),
    (".claude/skills", "claude-skill", True),
    (".config/opencode/agent", "opencode-agent", False),
    (".config/opencode/agents", "opencode-agent", False),
    (".copilot/agents", "copilot-agent", False),  # Copilot CLI's user agents
)

_SCOPE_RANK = {"project": 0, "user": 1, "plugin": 2}


class Found(NamedTuple):
    """A file to read: where it is, which scope found it, and a format hint from its folder.

    A named tuple: the browser takes 10,000 of them from its loader at mount, and
    `tuple.__new__(Found, row)` makes them in ~3.5 ms where a frozen dataclass took ~10.
    """

    path: str
    scope: str
    hint: str | None = None


def bundled_agents_dir() -> Path:
    """The folder of the bundled sample agents, in a wheel or in a source checkout."""
    from pathlib import Path  # not at import: the browser forks its loader before pathlib loads

    package = Path(__file__).resolve().parent.parent
    installed = package / "_bundled_agents"
    if installed.is_dir():
        return installed
    return package.parent / "agents"


def walk(root: str, skill_only: bool = False) -> Iterator[str]:
    """Agent files under a folder, recursively, following symlinks but never in a loop.

    Broken symlinks, FIFOs and other odd entries with an agent suffix are yielded too, so
    that they are listed with their problem rather than silently dropped.
    """
    # The folders above root count as seen: a link to one of them (`up -> ../..`, `-> /`,
    # `-> ~`) holds root again, and following it walked everything around root, the whole disk
    # for a link to / (minutes, and files from anywhere listed as agents).
    seen = _ancestors(root)
    stack = [root]
    count = 0
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError:
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen:
            continue
        seen.add(ident)
        try:
            with os.scandir(folder) as entries:
                items = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in items:
            try:
                is_dir = entry.is_dir()  # follows symlinks; False for broken ones
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name not in SKIP_DIRS:
                    subfolders.append(entry.path)
                continue
            name = entry.name.lower()
            if skill_only and name != "skill.md":
                continue
            if name.endswith(AGENT_SUFFIXES) or (
                name.endswith(".txt") and _starts_with_frontmatter(entry)
            ):
                yield entry.path
                count += 1
                if count >= MAX_FILES:
                    return
        stack.extend(reversed(subfolders))


def _ancestors(root: str) -> set[tuple[int, int]]:
    """(device, inode) of every folder above root, up to /."""
    found: set[tuple[int, int]] = set()
    current = os.path.realpath(root)
    while (parent := os.path.dirname(current)) != current:
        current = parent
        try:
            st = os.stat(current)
        except OSError:
            continue
        found.add((st.st_dev, st.st_ino))
    return found


def _starts_with_frontmatter(entry: os.DirEntry[str]) -> bool:
    """A .txt file that opens with `---` is an agent saved under another suffix."""
    try:
        if not entry.is_file():
            return False
        with open(entry.path, "rb") as handle:
            return handle.read(4).lstrip(b"\xef\xbb\xbf") in (b"---\n", b"---\r")
    except OSError:
        return False


def _is_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def from_paths(paths: Iterable[str]) -> list[Found]:
    """Files named on the command line (any suffix) and agent files under named folders."""
    found: list[Found] = []
    for path in paths:
        absolute = os.path.abspath(path)
        if _is_dir(absolute):
            found.extend(Found(p, "path") for p in walk(absolute))
        else:
            found.append(Found(absolute, "path"))
    return found


def project_roots(cwd: str) -> list[str]:
    """The current folder and its parents up to the repository root (the one holding .git)."""
    roots = []
    current = os.path.abspath(cwd)
    while True:
        roots.append(current)
        if os.path.exists(os.path.join(current, ".git")):
            return roots
        parent = os.path.dirname(current)
        if parent == current:
            return [os.path.abspath(cwd)]  # not in a repository: the current folder only
        current = parent


def _scan_scope(
    base: str, scope: str, dirs: tuple[tuple[str, str | None, bool], ...]
) -> list[Found]:
    found = []
    for relative, hint, skill_only in dirs:
        folder = os.path.join(base, relative)
        if _is_dir(folder):
            found.extend(Found(p, scope, hint) for p in walk(folder, skill_only))
    return found


def plugin_agent_files(home: str) -> list[Found]:
    """Agents of Claude Code plugins: any `agents/` folder under ~/.claude/plugins."""
    root = os.path.join(home, ".claude", "plugins")
    if not _is_dir(root):
        return []
    found = []
    for path in walk(root):
        if os.path.basename(os.path.dirname(path)) == "agents":
            found.append(Found(path, "plugin", "claude-agent"))
    return found


def default_sources(cwd: str, home: str) -> list[Found]:
    """Project, user and plugin scopes; the bundled agents when none of them holds anything."""
    found: list[Found] = []
    seen_dirs: set[str] = set()
    for root in project_roots(cwd):
        if root in seen_dirs:
            continue
        seen_dirs.add(root)
        found.extend(_scan_scope(root, "project", _PROJECT_DIRS))
    if os.path.abspath(home) not in seen_dirs:
        found.extend(_scan_scope(home, "user", _USER_DIRS))
    found.extend(plugin_agent_files(home))
    if not found:
        bundled = str(bundled_agents_dir())
        found = [Found(p, "bundled") for p in walk(bundled)]
    # One file reachable from two scopes (a symlinked folder) is listed once.
    unique: dict[str, Found] = {}
    for item in found:
        unique.setdefault(item.path, item)
    return list(unique.values())


@dataclass(frozen=True, slots=True)
class Mark:
    """What precedence adds to one record: the record that wins over it, and the other files
    with its name in its scope (with the warning that says so)."""

    shadowed_by: str | None = None
    duplicates: tuple[str, ...] = ()
    problem: Problem | None = None


def precedence_marks(
    names: Sequence[tuple[str, str]], where: Callable[[int], tuple[str, str]]
) -> dict[int, Mark]:
    """The marks of Claude Code's precedence for records given as (format, name), with
    `where(index)` giving the (scope, path) of a record whose name repeats (most do not, so
    the loader, which has items rather than records, is asked for ~none).

    For one name and format, a project record wins over a user one, which wins over a plugin
    one. Two files with one name in one scope are both marked as duplicates. Records with no
    mark are left out.
    """
    counts = Counter(names)  # most names are unique: only repeated ones are grouped
    groups: dict[tuple[str, str], list[int]] = {}
    for index in [i for i, name in enumerate(names) if counts[name] > 1]:
        groups.setdefault(names[index], []).append(index)
    shadowed: dict[int, str] = {}
    duplicates: dict[int, tuple[tuple[str, ...], Problem]] = {}
    for indices in groups.values():
        places = {index: where(index) for index in indices}
        by_scope: dict[str, list[int]] = {}
        for index in indices:
            by_scope.setdefault(places[index][0], []).append(index)
        for scope, members in by_scope.items():
            if len(members) > 1:
                for index in members:
                    others = tuple(places[i][1] for i in members if i != index)
                    name = names[index][1]
                    message = f"{len(others) + 1} files in scope {scope} are named {name!r}"
                    duplicates[index] = (others, Problem(WARNING, message))
        ranked = [s for s in by_scope if s in _SCOPE_RANK]
        if len(ranked) < 2:
            continue
        winner_scope = min(ranked, key=_SCOPE_RANK.__getitem__)
        winner = places[by_scope[winner_scope][0]][1]
        for scope in ranked:
            if scope != winner_scope:
                for index in by_scope[scope]:
                    shadowed[index] = winner
    marks: dict[int, Mark] = {}
    for index in shadowed.keys() | duplicates.keys():
        others, problem = duplicates.get(index, ((), None))
        marks[index] = Mark(shadowed.get(index), others, problem)
    return marks


def apply_mark(agent: Agent, mark: Mark) -> Agent:
    """The record with its mark: `shadowed_by`, `duplicates`, and the duplicates' warning last."""
    changes: dict[str, object] = {}
    if mark.problem is not None:
        changes["duplicates"] = mark.duplicates
        changes["problems"] = (*agent.problems, mark.problem)
    if mark.shadowed_by is not None:
        changes["shadowed_by"] = mark.shadowed_by
    return evolve(agent, **changes)


def resolve_precedence(agents: Sequence[Agent]) -> list[Agent]:
    """The records with Claude Code's precedence marked (see `precedence_marks`)."""
    result = list(agents)
    marks = precedence_marks(
        [(a.format, a.name) for a in agents], lambda i: (agents[i].scope, agents[i].path)
    )
    for index, mark in marks.items():
        result[index] = apply_mark(result[index], mark)
    return result
