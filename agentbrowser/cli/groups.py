"""The `groups` command, and role ranking for `similar --by role`: print what model.roles found."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from agentbrowser.cli.table import WHOLE, aligned, terminal_width
from agentbrowser.loading.collection import load_collection
from agentbrowser.memory import gc_paused
from agentbrowser.model.formats import shown_tools
from agentbrowser.model.records import ERROR, WARNING, Agent, prompt, shown_model
from agentbrowser.model.roles import Group, group_roles, rank_by_role
from agentbrowser.model.serialize import dumps
from agentbrowser.model.similar import alike
from agentbrowser.model.text import approx_tokens, distinct_names, one_line, plural, sanitize

#: Below this many agents, a helper process costs more than it saves.
PARALLEL_MIN = 2_000


def spread_forked(items: Sequence[Any], work: Callable[[Any], Any]) -> list[Any]:
    """``[work(item) for item in items]``, a forked helper working on the second core where
    that is safe (``forked.can_fork``: the CLI before any thread runs, never the browser).
    What ``roles.role_vectors`` spreads: ``work`` returns plain values, which the helper sends
    back through a pipe (marshal); the helper reads the prompts the loader left on disk."""
    from agentbrowser.loading import forked

    workers = forked.jobs() if len(items) >= PARALLEL_MIN and forked.can_fork() else 1
    return forked.parse_parallel(  # type: ignore[no-any-return]
        items,  # type: ignore[arg-type]  # any items: parse_parallel only hands them to work
        work,
        work,
        lambda wire, item: wire,  # made by our own helper, from this process's memory
        workers,
    )


def _changed(agent: Agent) -> str | None:
    """The file's last change as an ISO date and time (UTC), or None when unknown."""
    if not agent.mtime_ns:
        return None
    moment = datetime.datetime.fromtimestamp(agent.mtime_ns / 1e9, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def member_json(agent: Agent) -> dict[str, Any]:
    """One member of a group: who it is, and what a user weighs when choosing between variants."""
    return {
        "name": agent.name,
        "path": agent.path,
        "format": agent.format,
        "scope": agent.scope,
        "tokens": approx_tokens(prompt(agent)),
        "tools": list(agent.tools) if agent.tools is not None else None,
        "model": agent.model,
        "problems": [p.to_json() for p in agent.problems],
        "changed": _changed(agent),
    }


def group_json(group: Group, agents: Sequence[Agent]) -> dict[str, Any]:
    """A group as `groups --json` prints it."""
    return {
        "role": group.role,
        "members": [member_json(agents[i]) for i in group.members],
        "similarity": group.similarity,
    }


def _tools(agent: Agent) -> str:
    if agent.tools is None:
        return one_line(shown_tools(agent), WHOLE, ellipsis=True)
    return one_line(", ".join(agent.tools), WHOLE, ellipsis=True) or "none"


def _problems(agent: Agent) -> str:
    if not agent.problems:
        return "-"
    errors = sum(1 for p in agent.problems if p.severity == ERROR)
    warnings = sum(1 for p in agent.problems if p.severity == WARNING)
    notes = len(agent.problems) - errors - warnings
    return " ".join(f"{n}{mark}" for n, mark in ((errors, "E"), (warnings, "W"), (notes, "I")) if n)


def _table(agents: list[Agent], width: int | None) -> list[str]:
    rows = [["NAME", "FORMAT", "SCOPE", "TOKENS", "TOOLS", "MODEL", "PROBLEMS", "CHANGED"]]
    names = distinct_names([(agent.name, agent.path) for agent in agents])
    for agent, name in zip(agents, names):
        changed = _changed(agent)
        rows.append(
            [
                one_line(name, WHOLE, ellipsis=True),  # (cut to fit a terminal)
                agent.format,
                agent.scope,
                f"~{approx_tokens(prompt(agent)):,}",
                _tools(agent),
                one_line(shown_model(agent), WHOLE, ellipsis=True),
                _problems(agent),
                changed[:10] if changed else "-",
            ]
        )
    inner = width - 2 if width is not None else None  # (each line is indented by two)
    return ["  " + line for line in aligned(rows, inner, shrink=(4, 5, 6), drop=(7, 3, 2))]


def run_groups(
    paths: list[str],
    as_json: bool,
    min_size: int,
    use_cache: bool,
    out: IO[str],
    width: int | None = None,
) -> int:
    """`agentbrowser groups`: groups of agents that do the same job; agents in none are left out.
    Its tables are as wide as the terminal (`width` stands for it in tests)."""
    agents = load_collection(paths or None, use_cache=use_cache)
    # Grouping makes ~100 objects an agent, none in cycles: the cyclic GC's passes over the
    # whole heap (10,000 records) cost ~5 % of it, and a command that ends soon needs none.
    with gc_paused():
        if use_cache:
            from agentbrowser.loading.groups_cache import cached_groups

            found = cached_groups(agents, lambda: group_roles(agents, spread=spread_forked))
        else:
            found = group_roles(agents, spread=spread_forked)
    groups = [g for g in found if len(g.members) >= min_size]
    if as_json:
        out.write(dumps([group_json(g, agents) for g in groups]))
        out.write("\n")
        return 0
    if not agents:
        print("agentbrowser: no agent files found", file=sys.stderr)
        return 0
    if not found:
        out.write(f"no groups: none of the {len(agents)} agents does the same job as another\n")
        return 0
    if not groups:
        smaller = plural(len(found), "smaller group")
        out.write(f"no groups of {min_size} agents or more ({smaller}: --min-size 2 lists them)\n")
        return 0
    for number, group in enumerate(groups):
        if number:
            out.write("\n")
        members = [agents[i] for i in group.members]
        out.write(
            f"{sanitize(group.role)}: {len(members)} agents, role similarity "
            f"{group.similarity * 100:.1f}%\n"
        )
        for line in _table(members, width or terminal_width(out)):
            out.write(line + "\n")
    grouped = sum(len(g.members) for g in groups)
    count = plural(len(groups), "group")
    out.write(f"\n{count}, {grouped} of {len(agents)} agents (role similarity)\n")
    return 0


def run_similar_by_role(
    target: Agent, agents: list[Agent], as_json: bool, limit: int, out: IO[str]
) -> int:
    """`similar NAME --by role`: the agents doing the most similar job, best first."""
    found = alike(rank_by_role(target, agents, limit))
    if as_json:
        out.write(dumps([{"name": a.name, "path": a.path, "similarity": s} for a, s in found]))
        out.write("\n")
        return 0
    from agentbrowser.cli.compare import print_ranking

    measure = "by role similarity (what the agents are for); --by text: shared wording"
    print_ranking(target, found, measure, out)
    if not found:
        out.write("no other agent does a similar job\n")
    return 0
