"""The record every file becomes: an agent definition with its problems attached."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from typing import Any

# Problems are defined on their own (text.py reads files and makes them too); here for callers.
from agentbrowser.model.problems import ERROR, INFO, WARNING, Problem  # noqa: F401
from agentbrowser.model.text import read_text

#: JSON ids of the formats we know, in the order the UI lists them.
FORMATS: tuple[str, ...] = (
    "claude-agent",
    "claude-command",
    "claude-skill",
    "opencode-agent",
    "copilot-agent",
    "copilot-chatmode",
    "copilot-prompt",
    "copilot-instructions",
    "cursor-rule",
    "markdown",
)

#: Where a record was found. Precedence for shadowing: project > user > plugin.
SCOPES: tuple[str, ...] = ("project", "user", "plugin", "bundled", "path")


@dataclass(frozen=True, slots=True)
class Agent:
    """One file, read leniently. Text fields hold the file's text as is (not sanitised).

    The repr leaves out the long text fields (description, frontmatter, prompt): it must not
    read a deferred prompt from disk, and Textual's `@work` reprs its arguments to name a
    worker, so a repr of 10,000 records costs ~0.8 s with them and ~40 ms without.
    """

    name: str
    description: str = field(repr=False)
    tools: tuple[str, ...] | None
    """None when the key is missing (the agent inherits every tool); () when it is empty."""
    model: str | None
    color: str | None
    format: str
    scope: str
    path: str
    """Absolute path, as found (symlinks not resolved)."""
    frontmatter: dict[str, Any] = field(repr=False)
    body: str = field(repr=False)
    """The prompt: the file's text after the frontmatter (read on first use when deferred)."""
    problems: tuple[Problem, ...] = ()
    body_line: int = 1
    """The 1-based line of the file where the body starts."""
    raw_description: Any = field(default=None, repr=False)
    """The description as YAML decoded it (None when the key is missing)."""
    size: int = 0
    mtime_ns: int = 0
    shadowed_by: str | None = None
    """Path of the record that wins over this one by Claude Code's precedence."""
    duplicates: tuple[str, ...] = field(default=())
    """Paths of other files with the same name in the same scope."""
    resources: tuple[str, ...] = field(default=())
    """A skill's other files (in its folder and below), relative to its folder, `/`-separated:
    they belong to the skill and are not records of their own. Set by discovery, not parsing."""

    @property
    def has_error(self) -> bool:
        """True when any problem is an error."""
        return any(p.severity == ERROR for p in self.problems)

    @property
    def worst_severity(self) -> str | None:
        """The most severe problem's severity, or None without problems."""
        severities = {p.severity for p in self.problems}
        for severity in (ERROR, WARNING, INFO):
            if severity in severities:
                return severity
        return None


class DeferredBody(int):
    """A prompt not read yet: where it starts (in characters) in the file's decoded text.

    A record loaded from the index cache holds one of these instead of its prompt, so a warm
    start reads no file at all; `Agent.body` reads the file the first time it is asked for.
    (An int subclass: 10,000 of them are made per warm start, and int's C constructor is cheap.)
    """

    __slots__ = ()

    @property
    def offset(self) -> int:
        """The prompt's first character in the decoded text."""
        return int(self)

    def __repr__(self) -> str:
        return f"DeferredBody({int(self)})"


_BODY_LOCK = threading.Lock()


class _BodyAttribute:
    """`Agent.body`: the prompt held in the record's slot, or read from its file on first use.

    It wraps the slot the dataclass made, so `Agent(body=...)`, `dataclasses.replace`, equality
    and pickling keep working; a plain string passes straight through.
    """

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, agent: Agent | None, owner: type | None = None) -> Any:
        if agent is None:
            return self
        value = self.slot.__get__(agent, owner)
        if value.__class__ is str:
            return value
        return self._read(agent)

    def __set__(self, agent: Agent, value: Any) -> None:
        self.slot.__set__(agent, value)

    def raw(self, agent: Agent) -> str | DeferredBody:
        """The slot's content without reading anything."""
        return self.slot.__get__(agent, Agent)  # type: ignore[no-any-return]

    def _read(self, agent: Agent) -> str:
        """Read the prompt once; a file changed or gone since the listing gives "" and a problem."""
        with _BODY_LOCK:  # two threads asking at once read the file once
            value = self.slot.__get__(agent, Agent)
            if value.__class__ is str:
                return value  # type: ignore[no-any-return]
            offset = value.offset if isinstance(value, DeferredBody) else -1
            read = read_text(agent.path)
            if read.text is None:
                body, problem = "", Problem(ERROR, "cannot read the prompt: " + read.problems[0].message)
            elif (read.size, read.mtime_ns) != (agent.size, agent.mtime_ns) or not 0 <= offset <= len(read.text):
                body = ""
                problem = Problem(ERROR, "the file changed on disk after it was listed: reload to read its prompt")
            else:
                body, problem = read.text[offset:], None
            if problem is not None:
                object.__setattr__(agent, "problems", agent.problems + (problem,))
            self.slot.__set__(agent, body)
            return body


_BODY = _BodyAttribute(Agent.__dict__["body"])
Agent.body = _BODY  # type: ignore[assignment,misc]


_FIELD_SETTERS = tuple(
    _BODY.slot.__set__ if f.name == "body" else Agent.__dict__[f.name].__set__ for f in fields(Agent)
)
(_NAME, _DESCRIPTION, _TOOLS, _MODEL, _COLOR, _FORMAT, _SCOPE, _PATH, _FRONTMATTER, _BODY_SLOT,
 _PROBLEMS, _BODY_LINE, _RAW_DESCRIPTION, _SIZE, _MTIME_NS, _SHADOWED_BY, _DUPLICATES,
 _RESOURCES) = _FIELD_SETTERS  # fmt: skip  (a new field fails here, at import, until it is added below)
_new_object = object.__new__


def agent_from_values(values: tuple[Any, ...]) -> Agent:
    """Agent(*values) (every field, in order) without the frozen dataclass's __init__.

    For loaders that make thousands of records from checked data (the index cache): setting the
    slots directly, one call a field written out, is ~4x faster than __init__'s
    object.__setattr__ per field (2.0 against 3.8 us with a loop over the setters).
    """
    (name, description, tools, model, color, fmt, scope, path, frontmatter, body, problems,
     body_line, raw_description, size, mtime_ns, shadowed_by, duplicates, resources,
     ) = values  # fmt: skip
    agent = _new_object(Agent)
    _NAME(agent, name)
    _DESCRIPTION(agent, description)
    _TOOLS(agent, tools)
    _MODEL(agent, model)
    _COLOR(agent, color)
    _FORMAT(agent, fmt)
    _SCOPE(agent, scope)
    _PATH(agent, path)
    _FRONTMATTER(agent, frontmatter)
    _BODY_SLOT(agent, body)
    _PROBLEMS(agent, problems)
    _BODY_LINE(agent, body_line)
    _RAW_DESCRIPTION(agent, raw_description)
    _SIZE(agent, size)
    _MTIME_NS(agent, mtime_ns)
    _SHADOWED_BY(agent, shadowed_by)
    _DUPLICATES(agent, duplicates)
    _RESOURCES(agent, resources)
    return agent


def body_is_loaded(agent: Agent) -> bool:
    """True when the record holds its prompt (False: it is read from the file on first use)."""
    return _BODY.raw(agent).__class__ is str


def evolve(agent: Agent, **changes: Any) -> Agent:
    """`dataclasses.replace` that keeps a deferred prompt deferred instead of reading it."""
    values = {f.name: getattr(agent, f.name) for f in fields(Agent) if f.name != "body"}
    values["body"] = _BODY.raw(agent)
    values.update(changes)
    return Agent(**values)
