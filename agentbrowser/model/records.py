"""The record every file becomes: an agent definition with its problems attached.

A record is a plain value: it never changes after it is made. Which frontmatter keys become
attributes of their own is said once, on the attribute (`frontmatter_field`): parsing, the index
cache, JSON, the detail pane and comparisons all read `FRONTMATTER_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

# Problems are defined on their own (text.py reads files and makes them too); here for callers.
from agentbrowser.model.problems import ERROR, INFO, WARNING, Problem  # noqa: F401  (re-exported)
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
#: Formats that document a `model` key: without one, the tool picks its default model.
MODEL_FORMATS: tuple[str, ...] = (
    "claude-agent", "claude-command", "claude-skill", "opencode-agent", "copilot-agent",
    "copilot-chatmode", "copilot-prompt",
)  # fmt: skip
#: Formats whose missing `tools` key means every tool.
ALL_TOOLS_FORMATS = frozenset(
    {"claude-agent", "claude-command", "claude-skill", "opencode-agent", "copilot-agent",
     "copilot-chatmode", "copilot-prompt"}
)  # fmt: skip

#: Where a record was found. Precedence for shadowing: project > user > plugin.
SCOPES: tuple[str, ...] = ("project", "user", "plugin", "bundled", "path")


def optional_text(value: Any) -> str | None:
    """A frontmatter value as one stripped text, None when missing or blank (lists joined)."""
    if value is None:
        return None
    if value.__class__ is str:  # nearly always: no call, no type tests
        return value.strip() or None
    return as_text(value).strip() or None


def as_text(value: Any) -> str:
    """A frontmatter value as text: lists one item a line, other scalars as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(as_text(v) for v in value)
    return str(value)


def optional_choices(value: Any) -> str | None:
    """A value that may be a list of choices (VS Code's ordered list of models) as one text,
    the choices joined by commas (`GPT-5, Claude Sonnet 4.6`), None when missing or blank."""
    if isinstance(value, list):
        value = ", ".join(" ".join(as_text(v).split()) for v in value if as_text(v).strip())
    return optional_text(value)


def _text_or_none(value: Any) -> bool:
    return value is None or value.__class__ is str


@dataclass(frozen=True, slots=True)
class FrontmatterField:
    """A frontmatter key that a record carries as an attribute of its own.

    ``keys`` names the key in each format that has it (a format not listed leaves the attribute
    None); ``read`` turns the key's value, as YAML gave it, into the attribute; ``valid`` says
    whether a value read back from the index cache has the attribute's type. JSON uses the
    attribute's name; the detail pane and comparisons use ``label``, and show ``unset`` (when
    given) for a file without the key.
    """

    keys: Mapping[str, str]
    label: str
    read: Callable[[Any], Any] = optional_text
    valid: Callable[[Any], bool] = _text_or_none
    unset: str | None = None
    unset_in: tuple[str, ...] | None = None
    """The formats in which ``unset`` is what a missing key means (None: every one)."""
    attr: str = ""

    def key(self, fmt: str) -> str | None:
        """The key's name in a format; None when the format does not have it."""
        return self.keys.get(fmt)

    def unset_for(self, fmt: str) -> str | None:
        """What a file of this format without the key gets (None: nothing to say)."""
        return self.unset if self.unset_in is None or fmt in self.unset_in else None


def frontmatter_field(
    key: str,
    label: str,
    *,
    formats: tuple[str, ...] = FORMATS,
    unset: str | None = None,
    read: Callable[[Any], Any] = optional_text,
    unset_in: tuple[str, ...] | None = None,
) -> Any:
    """An Agent attribute read from the frontmatter key `key` (optional text) in `formats`."""
    spec = FrontmatterField(
        {fmt: key for fmt in formats}, label, read=read, unset=unset, unset_in=unset_in
    )
    return field(default=None, metadata={"frontmatter": spec})


@dataclass(frozen=True, slots=True)
class Agent:
    """One file, read leniently. Text fields hold the file's text as is (not sanitised).

    The repr leaves out the long text fields (description, frontmatter, prompt): Textual's
    `@work` reprs its arguments to name a worker, so a repr of 10,000 records costs ~0.8 s with
    them and ~40 ms without.
    """

    name: str
    description: str = field(repr=False)
    tools: tuple[str, ...] | None
    """None when the key is missing (the agent inherits every tool); () when it is empty."""
    format: str
    scope: str
    path: str
    """Absolute path, as found (symlinks not resolved)."""
    frontmatter: dict[str, Any] = field(repr=False)
    body: str | None = field(repr=False)
    """The prompt: the file's text after the frontmatter. None when the record was made without
    reading the file (from the index cache): `with_body` gives the record with its prompt."""
    problems: tuple[Problem, ...] = ()
    body_line: int = 1
    """The 1-based line of the file where the body starts."""
    body_offset: int = 0
    """Where the prompt starts in the file's decoded text, in characters."""
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
    # Frontmatter keys carried as attributes (each is None when the file does not set it).
    # A new one is one line here; parsing, the index cache, JSON, the detail pane and the
    # comparisons take it from FRONTMATTER_FIELDS.
    # Plain markdown's model is read too (an agent file kept where no tool reads it says what
    # it asks for), but no tool gives it a default.
    model: str | None = frontmatter_field(
        "model",
        "model",
        formats=(*MODEL_FORMATS, "markdown"),
        unset="default",
        unset_in=MODEL_FORMATS,
        read=optional_choices,
    )
    color: str | None = frontmatter_field("color", "color")
    permission_mode: str | None = frontmatter_field(
        "permissionMode", "permission mode", formats=("claude-agent",)
    )

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


#: Every attribute read from a frontmatter key, in the record's order, with its name set.
FRONTMATTER_FIELDS: tuple[FrontmatterField, ...] = tuple(
    replace(f.metadata["frontmatter"], attr=f.name)
    for f in fields(Agent)
    if "frontmatter" in f.metadata
)


def shown_model(agent: Agent) -> str:
    """The model as tables show it: the file's; `default` when its format has a model key the
    file leaves out (the tool picks); `-` when the format has none."""
    if agent.model is not None:
        return agent.model
    return "default" if agent.format in MODEL_FORMATS else "-"


#: The attributes every record has whatever its frontmatter, in the record's order.
CORE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Agent) if "frontmatter" not in f.metadata
)


def _builder() -> Callable[[tuple[Any, ...]], Agent]:
    """`agent_from_values`, written out for the record's fields (as dataclasses writes __init__).

    Setting each slot directly, one call a field, is ~4x faster than the frozen dataclass's
    __init__ (2.0 against 3.8 us with a loop over the setters); loaders make thousands.
    """
    names = [f.name for f in fields(Agent)]
    lines = [
        "def agent_from_values(values):",
        f"    ({', '.join(names)},) = values",
        "    agent = new(Agent)",
        *(f"    set_{name}(agent, {name})" for name in names),
        "    return agent",
    ]
    namespace: dict[str, Any] = {"new": object.__new__, "Agent": Agent}
    namespace.update({f"set_{name}": Agent.__dict__[name].__set__ for name in names})
    exec("\n".join(lines), namespace)  # noqa: S102  (our own field names, nothing from a file)
    made: Callable[[tuple[Any, ...]], Agent] = namespace["agent_from_values"]
    made.__doc__ = "Agent(*values) (every field, in order) without the frozen __init__."
    return made


agent_from_values = _builder()


def evolve(agent: Agent, **changes: Any) -> Agent:
    """`dataclasses.replace` for records (kept as one name: records are made in many places)."""
    values = {f.name: getattr(agent, f.name) for f in fields(Agent)}
    values.update(changes)
    return Agent(**values)


def read_body(agent: Agent) -> tuple[str, Problem | None]:
    """The prompt of a record made without it, read from its file now.

    A file changed or gone since the record was made gives "" and the problem that says so.
    """
    read = read_text(agent.path)
    if read.text is None:
        return "", Problem(ERROR, "cannot read the prompt: " + read.problems[0].message)
    offset = agent.body_offset
    if (read.size, read.mtime_ns) != (agent.size, agent.mtime_ns) or not 0 <= offset <= len(
        read.text
    ):
        return "", Problem(
            ERROR, "the file changed on disk after it was listed: reload to read its prompt"
        )
    return read.text[offset:], None


def with_body(agent: Agent) -> Agent:
    """The record with its prompt: itself when it has it, else a new record read from its file
    (with the problem, when the file cannot give the prompt it had when listed)."""
    if agent.body is not None:
        return agent
    body, problem = read_body(agent)
    problems = agent.problems if problem is None else agent.problems + (problem,)
    return evolve(agent, body=body, problems=problems)


def prompt(agent: Agent) -> str:
    """The record's prompt; read from its file when the record was made without it ("" when
    the file no longer holds the prompt it had when listed: `with_body` says why)."""
    return agent.body if agent.body is not None else read_body(agent)[0]
