"""Compare 3 to 6 agents at once: what each variant has that the others lack.

Pure: plain records in, frozen dataclasses out. Fields become a table (one value per agent),
tools a matrix, and each prompt a list of parts (paragraphs, a heading with what follows it
until a blank line) marked as shared by all, by some (which) or unique to one. Parts of
independently written variants rarely match to the letter, so two parts count as the same when
their words mostly agree (``PART_MATCH``), as rapidfuzz's token-set ratio measures it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from agentbrowser.model.fields import DANGERS, canonical
from agentbrowser.model.security import danger_summary
from agentbrowser.model.text import hidden_runs
from agentbrowser.model.records import Agent, prompt

#: Most agents one comparison holds.
MAX_AGENTS = 6
#: Token-set similarity (0..100) above which two parts of two prompts say the same thing.
PART_MATCH = 72
#: Parts of a prompt compared; the rest of a huge prompt is one last part.
MAX_PARTS = 600

ALL = "all"
SOME = "some"
UNIQUE = "unique"

_BLANK = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One frontmatter key (or record attribute) across the agents; None where it is missing."""

    field: str
    values: tuple[Any, ...]
    differs: bool
    """True unless every agent has the key with the same value."""


@dataclass(frozen=True, slots=True)
class ToolRow:
    """One tool: which agents grant it (an agent inheriting every tool grants it too)."""

    tool: str
    granted: tuple[bool, ...]

    @property
    def differs(self) -> bool:
        """True unless every agent grants it."""
        return not all(self.granted)


@dataclass(frozen=True, slots=True)
class Part:
    """A paragraph of one agent's prompt, and which agents have a part like it."""

    text: str
    line: int
    """1-based line of the prompt where the part starts."""
    holders: tuple[int, ...]
    """Indexes of the agents with this part (the owner included), ascending."""
    kind: str
    """"all", "some" or "unique"."""


@dataclass(frozen=True, slots=True)
class MultiComparison:
    """Everything a screen needs to show 3 to 6 variants side by side."""

    names: tuple[str, ...]
    paths: tuple[str, ...]
    fields: tuple[FieldRow, ...]
    tools: tuple[ToolRow, ...]
    inherits: tuple[bool, ...]
    """Per agent: no tools key, so every tool is granted."""
    prompts: tuple[tuple[Part, ...], ...]
    """Per agent, its prompt's parts in order."""

    def unique_count(self, member: int) -> int:
        """How many parts of one agent's prompt no other agent has."""
        return sum(1 for part in self.prompts[member] if part.kind == UNIQUE)

    def to_json(self) -> dict[str, Any]:
        """The comparison as a JSON object."""
        from agentbrowser.model.serialize import jsonable

        return {
            "agents": [{"name": n, "path": p} for n, p in zip(self.names, self.paths)],
            "fields": [
                {"field": f.field, "values": [jsonable(v) for v in f.values], "differs": f.differs}
                for f in self.fields
            ],
            "tools": [{"tool": t.tool, "granted": list(t.granted)} for t in self.tools],
            "inherits": list(self.inherits),
            "prompts": [
                [
                    {"line": p.line, "kind": p.kind, "holders": list(p.holders), "text": p.text}
                    for p in parts
                ]
                for parts in self.prompts
            ],
        }


def split_parts(text: str) -> list[tuple[int, str]]:
    """A prompt's parts: blocks between blank lines, each with its 1-based first line."""
    parts: list[tuple[int, str]] = []
    position = 0
    line = 1
    for match in _BLANK.finditer(text):
        block = text[position : match.start()]
        if block.strip():
            parts.append((line + _leading_newlines(block), block.strip("\n")))
        line += text.count("\n", position, match.end())
        position = match.end()
    block = text[position:]
    if block.strip():
        parts.append((line + _leading_newlines(block), block.strip("\n")))
    if len(parts) > MAX_PARTS:
        rest = "\n\n".join(p for _, p in parts[MAX_PARTS - 1 :])
        parts = parts[: MAX_PARTS - 1] + [(parts[MAX_PARTS - 1][0], rest)]
    return parts


def _leading_newlines(block: str) -> int:
    return len(block) - len(block.lstrip("\n"))


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def _field_rows(agents: list[Agent]) -> tuple[FieldRow, ...]:
    keys: dict[str, None] = {}
    for agent in agents:
        for key in agent.frontmatter or {}:
            keys.setdefault(str(key), None)
    rows = []
    for key in keys:
        values = tuple(
            next((v for k, v in (a.frontmatter or {}).items() if str(k) == key), None)
            for a in agents
        )
        present = [any(str(k) == key for k in (a.frontmatter or {})) for a in agents]
        if key == "description":
            forms = {a.description for a in agents}
        elif key == "tools":
            forms = {None if a.tools is None else frozenset(a.tools) for a in agents}
        else:
            forms = {canonical(v) for v in values}
        rows.append(FieldRow(key, values, not all(present) or len(forms) > 1))
    for attr in ("format", "scope"):
        values = tuple(getattr(a, attr) for a in agents)
        rows.append(FieldRow(attr, values, len(set(values)) > 1))
    dangers = tuple(danger_summary(a) for a in agents)
    if any(d is not None for d in dangers):  # reason first: see fields.compare_fields
        rows.append(FieldRow(DANGERS, dangers, len(set(dangers)) > 1))
    return tuple(rows)


def _tool_rows(agents: list[Agent]) -> tuple[ToolRow, ...]:
    tools: dict[str, None] = {}
    for agent in agents:
        for tool in agent.tools or ():
            tools.setdefault(tool, None)
    return tuple(
        ToolRow(
            tool,
            tuple(a.tools is None or tool in a.tools for a in agents),
        )
        for tool in tools
    )


def _prompt_parts(agents: list[Agent]) -> tuple[tuple[Part, ...], ...]:
    split = [split_parts(prompt(agent)) for agent in agents]
    normal = [[_normal(text) for _, text in parts] for parts in split]
    exact = [set(texts) for texts in normal]
    count = len(agents)
    out = []
    for owner, parts in enumerate(split):
        marked = []
        for position, (line, text) in enumerate(parts):
            key = normal[owner][position]
            # A part that hides characters is shared only where it is written the same: its
            # visible words may be another's, what a model reads is not.
            loose = not hidden_runs(text)
            holders = [owner]
            for other in range(count):
                if other == owner:
                    continue
                if key in exact[other] or (
                    loose
                    and normal[other]
                    and process.extractOne(
                        key,
                        normal[other],
                        scorer=fuzz.token_set_ratio,
                        processor=None,
                        score_cutoff=PART_MATCH,
                    )
                    is not None
                ):
                    holders.append(other)
            holders.sort()
            kind = ALL if len(holders) == count else UNIQUE if len(holders) == 1 else SOME
            marked.append(Part(text, line, tuple(holders), kind))
        out.append(tuple(marked))
    return tuple(out)


def compare_many(agents: list[Agent]) -> MultiComparison:
    """Compare 2 to ``MAX_AGENTS`` agents (the screen asks for 3 or more)."""
    if not 2 <= len(agents) <= MAX_AGENTS:
        raise ValueError(f"compare 2 to {MAX_AGENTS} agents, not {len(agents)}")
    return MultiComparison(
        names=tuple(a.name for a in agents),
        paths=tuple(a.path for a in agents),
        fields=_field_rows(agents),
        tools=_tool_rows(agents),
        inherits=tuple(a.tools is None for a in agents),
        prompts=_prompt_parts(agents),
    )


def letters(count: int) -> str:
    """Column letters: A, B, C, ..."""
    return "ABCDEF"[:count]
