"""What can be wrong with a file: a problem, with its severity, line and the rule that found it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a file: severity is error, warning or info; line is 1-based."""

    severity: str
    message: str
    line: int | None = None
    rule: str | None = None
    """A stable id of the check that found it (schema checks set one; model/lint.py derives
    the ids of the others from their messages)."""

    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON object."""
        return {"severity": self.severity, "message": self.message, "line": self.line}
