"""Compare 3 to 6 agents at once: what each variant has that the others lack.

Pure: plain records in, frozen dataclasses out. Fields become a table (one value per agent),
tools a matrix, and each prompt a list of parts (paragraphs, a heading with what follows it
until a blank line) marked as shared by all, by some (which) or unique to one. Parts of
independently written variants rarely match to the letter, so two parts count as the same when
their words mostly agree both ways (``PART_MATCH``, rapidfuzz's token-sort ratio: a heading
or a short line whose words a long paragraph happens to contain is not that paragraph), and
each part says which of its holders word it differently.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from agentbrowser.model.fields import DANGERS, HIDDEN, canonical
from agentbrowser.model.records import Agent, prompt
from agentbrowser.model.security import danger_summary, hidden_summary
from agentbrowser.model.similar import VOCABULARY_WORD, vocabulary
from agentbrowser.model.text import hidden_runs, sanitize

#: Most agents one comparison holds.
MAX_AGENTS = 6
#: Token-sort similarity (0..100) above which two parts of two prompts say the same thing:
#: symmetric, so a part that adds to another (a sentence, a list) differs by what it adds.
PART_MATCH = 72
#: Parts of a prompt compared; the rest of a huge prompt is one last part.
MAX_PARTS = 600
#: What comparing in other words may cost: one ratio costs about the product of the two parts'
#: lengths, and runs in C holding the interpreter (the screen's worker cannot be stopped
#: meanwhile). So each prompt has its first parts compared that way, as many as keep the sum
#: of those products over every pair of prompts within ``FUZZY_CHARS`` and the count of pairs
#: of parts within ``FUZZY_PAIRS``; a part longer than ``FUZZY_PART_CHARS`` is compared only
#: as written. The rest still meets copies written the same. Worst cases measured on a 2-core
#: VM: about 1-2 s.
FUZZY_CHARS = 40_000_000_000
FUZZY_PAIRS = 1_000_000
FUZZY_PART_CHARS = 4_000
#: Parts compared in other words whatever the pair budget.
FUZZY_MIN = 50

ALL = "all"
SOME = "some"
UNIQUE = "unique"

_BLANK = re.compile(r"\n[ \t]*\n")
# Only blanks a reader sees as such are spacing: a control character (\x1f) is not.
_SPACE = re.compile(r"[ \t\r\n]+")


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
    """1-based line of the agent's file where the part starts (as problems count lines)."""
    holders: tuple[int, ...]
    """Indexes of the agents with this part (the owner included), ascending."""
    kind: str
    """"all", "some" or "unique"."""
    reworded: tuple[int, ...] = ()
    """The holders whose part is alike but not written the same (ascending): their wording
    differs, so what they say may too."""


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
    only_words: tuple[frozenset[str], ...] = ()
    """Per agent, the words (four letters or more, lowercased) its prompt uses and no other
    agent's prompt does: in parts that are reworded or unique, what this variant adds."""

    def unique_count(self, member: int) -> int:
        """How many parts of one agent's prompt no other agent has."""
        return sum(1 for part in self.prompts[member] if part.kind == UNIQUE)

    def to_json(self) -> dict[str, Any]:
        """The comparison as a JSON object."""
        from agentbrowser.model.serialize import jsonable

        return {
            "agents": [
                {"name": n, "path": p, "only_words": sorted(words)}
                for n, p, words in zip(self.names, self.paths, self.only_words)
            ],
            "fields": [
                {"field": f.field, "values": [jsonable(v) for v in f.values], "differs": f.differs}
                for f in self.fields
            ],
            "tools": [{"tool": t.tool, "granted": list(t.granted)} for t in self.tools],
            "inherits": list(self.inherits),
            "prompts": [
                [
                    {
                        "line": p.line,
                        "kind": p.kind,
                        "holders": list(p.holders),
                        "reworded": list(p.reworded),
                        "text": p.text,
                    }
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
    for row, summary in ((DANGERS, danger_summary), (HIDDEN, hidden_summary)):
        found = tuple(summary(a) for a in agents)
        if any(f is not None for f in found):  # reason first: see fields.compare_fields
            rows.append(FieldRow(row, found, len(set(found)) > 1))
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


def fuzzy_limit(count: int) -> tuple[int, int]:
    """For ``count`` prompts: how many of each prompt's first parts, and how many of its
    characters, may be compared with the others' in other words (see ``FUZZY_CHARS``)."""
    pairs = max(1, count * (count - 1))
    parts = max(FUZZY_MIN, min(MAX_PARTS, math.isqrt(FUZZY_PAIRS // pairs)))
    return parts, math.isqrt(FUZZY_CHARS // pairs)


def _fuzzy(parts: list[tuple[int, str]], keys: list[str], count: int) -> list[bool]:
    """Per part: whether it is compared in other words (within the budget, and not hiding
    characters: such a part is shared only where written the same, for its visible words may
    be another's, what a model reads is not)."""
    most, chars = fuzzy_limit(count)
    flags = []
    spent = 0
    for position, ((_, text), key) in enumerate(zip(parts, keys)):
        fits = position < most and len(key) <= FUZZY_PART_CHARS and spent + len(key) <= chars
        spent += len(key) if fits else 0
        flags.append(fits and not hidden_runs(text))
    return flags


def _prompt_parts(agents: list[Agent]) -> tuple[tuple[Part, ...], ...]:
    split = [split_parts(prompt(agent)) for agent in agents]
    normal = [[_normal(text) for _, text in parts] for parts in split]
    exact = [set(texts) for texts in normal]
    fuzzy_parts = [_fuzzy(parts, keys, len(agents)) for parts, keys in zip(split, normal)]
    # Token-sort ratio is the ratio of the texts with their words sorted: sorted once here.
    choices = [
        [" ".join(sorted(key.split())) for key, ok in zip(keys, flags) if ok]
        for keys, flags in zip(normal, fuzzy_parts)
    ]
    count = len(agents)
    out = []
    for owner, parts in enumerate(split):
        marked = []
        for position, (line, text) in enumerate(parts):
            key = normal[owner][position]
            fuzzy = fuzzy_parts[owner][position]
            query = " ".join(sorted(key.split())) if fuzzy else ""
            holders = [owner]
            reworded = []
            for other in range(count):
                if other == owner:
                    continue
                if key in exact[other]:
                    holders.append(other)
                elif (
                    fuzzy
                    and choices[other]
                    and process.extractOne(
                        query,
                        choices[other],
                        scorer=fuzz.ratio,
                        processor=None,
                        score_cutoff=PART_MATCH,
                    )
                    is not None
                ):
                    holders.append(other)
                    reworded.append(other)
            holders.sort()
            kind = ALL if len(holders) == count else UNIQUE if len(holders) == 1 else SOME
            first = line + agents[owner].body_line - 1  # the file's line, not the prompt's
            marked.append(Part(text, first, tuple(holders), kind, tuple(reworded)))
        out.append(tuple(marked))
    return tuple(out)


def _only_words(agents: list[Agent]) -> tuple[frozenset[str], ...]:
    words = [vocabulary(prompt(agent)) for agent in agents]
    counts: dict[str, int] = {}
    for found in words:
        for word in found:
            counts[word] = counts.get(word, 0) + 1
    # A word with a hidden character in it is shown with a placeholder: not a word to point at.
    return tuple(
        frozenset(w for w in found if counts[w] == 1 and sanitize(w) == w) for found in words
    )


def word_spans(text: str, words: frozenset[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the given words occur (as ``only_words`` finds them): (start, end)."""
    if not words:
        return []
    return [m.span() for m in VOCABULARY_WORD.finditer(text) if m.group().lower() in words]


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
        only_words=_only_words(agents),
    )


def letters(count: int) -> str:
    """Column letters: A, B, C, ..."""
    return "ABCDEF"[:count]
