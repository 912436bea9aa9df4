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

#: Formats whose owner calls an item by its name, so that two files with one name in one scope
#: clash. Not plain markdown (no owner), nor Copilot instructions (applied by `applyTo`, never
#: called by name).
NAMED_FORMATS = frozenset(
    {"claude-agent", "claude-command", "claude-skill", "opencode-agent", "copilot-agent",
     "copilot-chatmode", "copilot-prompt", "cursor-rule"}
)  # fmt: skip


class Found(NamedTuple):
    """A file to read: where it is, which scope found it, and a format hint from its folder.

    A named tuple: the browser takes 10,000 of them from its loader at mount, and
    `tuple.__new__(Found, row)` makes them in ~3.5 ms where a frozen dataclass took ~10.
    """

    path: str
    scope: str
    hint: str | None = None
    resources: tuple[str, ...] = ()
    """A skill's other files (see `walk_entries`)."""


def bundled_agents_dir() -> Path:
    """The folder of the bundled sample agents, in a wheel or in a source checkout."""
    from pathlib import Path  # not at import: the browser forks its loader before pathlib loads

    package = Path(__file__).resolve().parent.parent
    installed = package / "_bundled_agents"
    if installed.is_dir():
        return installed
    return package.parent / "agents"


def walk(root: str, skill_only: bool = False) -> Iterator[str]:
    """Agent files under a folder (see `walk_entries`), without their resources."""
    for path, _ in walk_entries(root, skill_only):
        yield path


#: The file that makes its folder a skill (Claude Code, the Agent Skills spec).
SKILL_FILE = "skill.md"
#: At most this many resources are listed for one skill.
MAX_RESOURCES = 1000


def walk_entries(root: str, skill_only: bool = False) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(path, resources) of the agent files under a folder, recursively, following symlinks but
    never in a loop.

    A folder holding a `SKILL.md` is a skill: that file is its entry, and every other file in
    the folder and below it is one of its resources (relative paths), not an entry of its own.
    With `skill_only`, only skills are yielded. Broken symlinks, FIFOs and other odd entries
    with an agent suffix are yielded too, so that they are listed with their problem rather
    than silently dropped.
    """
    # The folders above root count as seen: a link to one of them (`up -> ../..`, `-> /`,
    # `-> ~`) holds root again, and following it walked everything around root, the whole disk
    # for a link to / (minutes, and files from anywhere listed as agents).
    seen = _ancestors(root)
    stack = [root]
    count = 0
    while stack:
        folder = stack.pop()
        items = _entries(folder, seen)
        if items is None:
            continue
        skill = next(
            (e for e in items if e.name.lower() == SKILL_FILE and not _is_dir_entry(e)), None
        )
        if skill is not None:
            yield skill.path, _resources(folder, items, skill.name, seen)
            count += 1
            if count >= MAX_FILES:
                return
            continue
        subfolders = []
        for entry in items:
            if _is_dir_entry(entry):
                if entry.name not in SKIP_DIRS:
                    subfolders.append(entry.path)
                continue
            if skill_only:
                continue
            name = entry.name.lower()
            if name.endswith(AGENT_SUFFIXES) or (
                name.endswith(".txt") and _starts_with_frontmatter(entry)
            ):
                yield entry.path, ()
                count += 1
                if count >= MAX_FILES:
                    return
        stack.extend(reversed(subfolders))


def _entries(folder: str, seen: set[tuple[int, int]]) -> list[os.DirEntry[str]] | None:
    """A folder's entries by name; None when it cannot be read or was seen already (a loop)."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    ident = (st.st_dev, st.st_ino)
    if ident in seen:
        return None
    seen.add(ident)
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError:
        return None


def _is_dir_entry(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks; False for broken ones
    except OSError:
        return False


def _resources(
    folder: str, items: list[os.DirEntry[str]], skill_name: str, seen: set[tuple[int, int]]
) -> tuple[str, ...]:
    """The files of a skill's folder and its subfolders but its SKILL.md, relative, `/`-separated.

    Hidden files and folders (`.DS_Store`, `.git`) and the folders a walk never enters are
    left out; at most MAX_RESOURCES are listed.
    """
    found: list[str] = []
    pending: list[tuple[str, list[os.DirEntry[str]]]] = [("", items)]
    while pending and len(found) < MAX_RESOURCES:
        prefix, entries = pending.pop()
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_dir_entry(entry):
                if entry.name not in SKIP_DIRS:
                    subfolders.append((prefix + entry.name + "/", entry.path))
            elif prefix or entry.name != skill_name:
                found.append(prefix + entry.name)
        for sub_prefix, path in reversed(subfolders):
            sub_items = _entries(path, seen)
            if sub_items is not None:
                pending.append((sub_prefix, sub_items))
    return tuple(sorted(found[:MAX_RESOURCES]))


def skill_resources(skill_path: str) -> tuple[str, ...]:
    """The resources of the skill whose SKILL.md this is (see `walk_entries`)."""
    folder = os.path.dirname(os.path.abspath(skill_path))
    seen = _ancestors(folder)
    items = _entries(folder, seen)
    if items is None:
        return ()
    return _resources(folder, items, os.path.basename(skill_path), seen)


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
            found.extend(Found(p, "path", None, r) for p, r in walk_entries(absolute))
        elif os.path.basename(absolute).lower() == SKILL_FILE:
            found.append(Found(absolute, "path", None, skill_resources(absolute)))
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
            found.extend(Found(p, scope, hint, r) for p, r in walk_entries(folder, skill_only))
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


def bundled_sources() -> list[Found]:
    """The bundled sample agents."""
    return [Found(p, "bundled", None, r) for p, r in walk_entries(str(bundled_agents_dir()))]


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
        found = bundled_sources()
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


#: What an owner does with two files of one name in one scope, where that is measured.
DUPLICATE_CONSEQUENCES = {
    # OpenCode 1.18.33 keeps one agent per name: each file it reads replaces the one before
    # (`opencode agent list` lists the name once; `opencode debug agent NAME` shows the last).
    "opencode-agent": "OpenCode loads only one of them, the last it reads",
}


def precedence_marks(
    names: Sequence[tuple[str, str]], where: Callable[[int], tuple[str, str]]
) -> dict[int, Mark]:
    """The marks of Claude Code's precedence for records given as (format, name), with
    `where(index)` giving the (scope, path) of a record whose name repeats (most do not, so
    the loader, which has items rather than records, is asked for ~none).

    For one name and format, a project record wins over a user one, which wins over a plugin
    one. Two files with one name in one scope are both marked as duplicates. Only formats whose
    owner calls items by name take part (NAMED_FORMATS). Records with no mark are left out.
    """
    counts = Counter(names)  # most names are unique: only repeated ones are grouped
    groups: dict[tuple[str, str], list[int]] = {}
    named = NAMED_FORMATS
    for index in [i for i, name in enumerate(names) if counts[name] > 1 and name[0] in named]:
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
                    consequence = DUPLICATE_CONSEQUENCES.get(names[index][0])
                    if consequence:
                        message += f": {consequence}"
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


def outranking(fmt: str, name: str, scope: str, agents: Sequence[Agent]) -> Agent | None:
    """The agent that takes precedence over one of this format and name placed in `scope` (a
    project's over the user's): where a new file would be shadowed at once; None when none."""
    rank = _SCOPE_RANK.get(scope)
    if fmt not in NAMED_FORMATS or rank is None:
        return None
    for agent in agents:
        if agent.name == name and agent.format == fmt and _SCOPE_RANK.get(agent.scope, 9) < rank:
            return agent
    return None


def resolve_precedence(agents: Sequence[Agent]) -> list[Agent]:
    """The records with Claude Code's precedence marked (see `precedence_marks`)."""
    result = list(agents)
    marks = precedence_marks(
        [(a.format, a.name) for a in agents], lambda i: (agents[i].scope, agents[i].path)
    )
    for index, mark in marks.items():
        result[index] = apply_mark(result[index], mark)
    return result
