"""The record every file becomes: an agent definition with its problems attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"

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
class Problem:
    """Something wrong with a file: severity is error, warning or info; line is 1-based."""

    severity: str
    message: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON object."""
        return {"severity": self.severity, "message": self.message, "line": self.line}


@dataclass(frozen=True, slots=True)
class Agent:
    """One file, read leniently. Text fields hold the file's text as is (not sanitised)."""

    name: str
    description: str
    tools: tuple[str, ...] | None
    """None when the key is missing (the agent inherits every tool); () when it is empty."""
    model: str | None
    color: str | None
    format: str
    scope: str
    path: str
    """Absolute path, as found (symlinks not resolved)."""
    frontmatter: dict[str, Any]
    body: str
    """The prompt: the file's text after the frontmatter."""
    problems: tuple[Problem, ...] = ()
    body_line: int = 1
    """The 1-based line of the file where the body starts."""
    raw_description: Any = None
    """The description as YAML decoded it (None when the key is missing)."""
    size: int = 0
    mtime_ns: int = 0
    shadowed_by: str | None = None
    """Path of the record that wins over this one by Claude Code's precedence."""
    duplicates: tuple[str, ...] = field(default=())
    """Paths of other files with the same name in the same scope."""

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

    @property
    def key(self) -> str:
        """A stable identity for this record within a collection."""
        return self.path
