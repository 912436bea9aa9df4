"""How every command names an agent it looks up: one wording for "not found" (with the names a
typo may have meant) and for "several match", whichever command asks."""

from __future__ import annotations

import os
from collections.abc import Sequence

from agentbrowser.model.records import Agent
from agentbrowser.model.text import inline, sanitize


def display_path(path: str) -> str:
    """A path as a message shows it: relative to here when below here, else as it is."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return inline(path)
    return inline(relative if not relative.startswith("..") else path)


def near_names(agents: Sequence[Agent], name: str, most: int = 3) -> list[str]:
    """Names like `name`: those that contain it, then those spelled alike (a typo)."""
    import difflib

    names = list(dict.fromkeys(agent.name for agent in agents))
    folded = name.lower()
    # A name that holds what was typed, when that is a word's worth (`x` is in half of them).
    near = [n for n in names if len(folded) >= 3 and folded in n.lower()]
    near += difflib.get_close_matches(name, names, n=most, cutoff=0.75)
    return [sanitize(n) for n in dict.fromkeys(near)][:most]


def not_found(agents: Sequence[Agent], name: str, also: str = "") -> str:
    """`no agent named 'x'` and what may have been meant (`did you mean: y?`); for a name that
    reads as a file's path (`/tmp/x.md`, `drafts/x`), first that there is no such file."""
    stem = os.path.splitext(os.path.basename(name.rstrip("/" + os.sep)))[0]
    near = near_names(agents, stem or name)
    hint = f"did you mean: {', '.join(near)}?" if near else "try: agentbrowser list"
    if _reads_as_path(name) and not os.path.lexists(name):
        return f"no such file: {inline(name)}, nor an agent of that name ({hint})"
    return f"no agent named {sanitize(name)!r}{also} ({hint})"


def _reads_as_path(name: str) -> bool:
    """True for a name written as a path: it holds a folder separator or ends as a file."""
    return "/" in name or os.sep in name or name.endswith((".md", ".mdc"))


def several(name: str, matches: Sequence[Agent]) -> str:
    """The note when more than one agent has the name: which one is used, and the others."""
    others = ", ".join(display_path(a.path) for a in matches[1:4])
    more = f", and {len(matches) - 4} more" if len(matches) > 4 else ""
    return (
        f"{len(matches)} agents are named {sanitize(name)!r}; using "
        f"{display_path(matches[0].path)} (also: {others}{more})"
    )
