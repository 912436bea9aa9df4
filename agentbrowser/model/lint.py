"""Lint reports for people and CI: problems as JSON, SARIF 2.1.0 and GitHub workflow commands."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from agentbrowser.model.records import ERROR, INFO, WARNING, Agent, Problem
from agentbrowser.model.schema import RULES as SCHEMA_RULES
from agentbrowser.model.security import SECURITY_RULES

#: Output formats of `agentbrowser lint --format`.
LINT_FORMATS = ("text", "json", "sarif", "github")

# Rule ids of the problems that carry none (found before the schema checks had ids), by how
# their message starts. The first match wins; anything else is `problem/other`.
_DERIVED: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), rule, text)
    for pattern, rule, text in (
        (r"frontmatter refused", "yaml/refused", "Frontmatter too deep or too large to read"),
        (r"duplicate key", "yaml/duplicate-key", "A key written twice: the last one wins"),
        (r"unsupported YAML tag", "yaml/unsupported-tag", "A YAML tag read as text"),
        (r"invalid YAML|.*\bYAML\b", "yaml/syntax", "Frontmatter that strict YAML readers reject"),
        (r"frontmatter opened on line 1 is never closed", "frontmatter/unclosed",
         "Frontmatter without its closing ---"),
        (r"frontmatter is empty", "frontmatter/empty", "Frontmatter with no keys"),
        (r"frontmatter is a ", "frontmatter/not-a-mapping", "Frontmatter that is not a mapping"),
        (r"frontmatter after an HTML comment", "frontmatter/after-comment",
         "Frontmatter that tools do not read because a comment comes first"),
        (r"no frontmatter", "frontmatter/missing", "An agent file without frontmatter"),
        (r".*: Claude Code will not load this agent(?: from a project|$)", "agent/not-loaded",
         "An agent Claude Code lists nowhere: no description, `hooks` not a mapping, ..."),
        (r"the tool '.*' holds a line break|'.*' is no Claude Code tool|\d+ of the tools \(",
         "tools/unknown-tool",
         "A tools list naming a tool its owner does not have"),
        (r"GitHub Copilot CLI, which loads .claude/(?:skills too|commands as skills), does not",
         "skill/copilot-fails",
         "A skill (or a command of .claude/commands) that Copilot CLI, which loads them, drops"),
        (r"empty file", "file/empty", "An empty file"),
        (r"no `name`", "field/missing-name", "An agent without the name its owner needs"),
        (r"no `description`", "field/missing-description", "No description of when to use it"),
        (r"the prompt \(body\) is empty", "body/empty", "An empty prompt"),
        (r"`(?:tools|allowed-tools)` is an? ", "field/tools-type", "Tools of an unreadable type"),
        (r"\d+ files in scope", "name/duplicate", "Two files with one name in one scope"),
        (r"not valid UTF-8|contains NUL|UTF-(?:16|32) text", "file/encoding",
         "Text that is not clean UTF-8"),
        (r"its lines end with a carriage return alone", "file/line-ends",
         "Lines that end with a carriage return alone: read as one line"),
        (r"file is [\d,]+ bytes|frontmatter opened on line 1 is not closed in the part",
         "file/truncated", "A file too large to read whole"),
        (r"binary file|skipped:", "file/skipped", "A file that is not text"),
        (r"broken symlink|file not found|symlink loop|cannot read|the file changed",
         "file/unreadable", "A file that cannot be read"),
    )
)  # fmt: skip
_OTHER = ("problem/other", "Any other problem")

#: Every rule id a report can name, with what it checks.
ALL_RULES: dict[str, str] = {
    **SCHEMA_RULES,
    **SECURITY_RULES,
    **{rule: text for _, rule, text in _DERIVED},
    _OTHER[0]: _OTHER[1],
}

_SARIF_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "note"}
_GITHUB_COMMAND = {ERROR: "error", WARNING: "warning", INFO: "notice"}
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def rule_id(problem: Problem) -> str:
    """The problem's rule id: its own, else the one its message names (see `_DERIVED`)."""
    if problem.rule is not None:
        return problem.rule
    for pattern, rule, _ in _DERIVED:
        if pattern.match(problem.message):
            return rule
    return _OTHER[0]


def findings(agents: Iterable[Agent]) -> list[tuple[Agent, Problem]]:
    """Every (record, problem) pair, in the records' order."""
    return [(agent, problem) for agent in agents for problem in agent.problems]


def to_json(agents: Iterable[Agent], display_path: Callable[[str], str]) -> list[dict[str, Any]]:
    """One JSON object a problem: path, line, severity, rule, message, and the record's name."""
    return [
        {
            "path": display_path(agent.path),
            "line": problem.line,
            "severity": problem.severity,
            "rule": rule_id(problem),
            "message": problem.message,
            "name": agent.name,
            "format": agent.format,
        }
        for agent, problem in findings(agents)
    ]


def artifact_uri(path: str, root: str) -> tuple[str, bool]:
    """(URI, relative to root?) of a file: a relative URI under root, else a file:// URI.

    Bytes of a name that is not UTF-8 (surrogate escapes) are percent-encoded as they are.
    """
    absolute = os.path.abspath(path)
    root = os.path.abspath(root)
    inside = absolute.startswith(root.rstrip(os.sep) + os.sep)
    if inside:
        relative = os.path.relpath(absolute, root).replace(os.sep, "/")
        return quote(os.fsencode(relative), safe="/"), True
    return "file://" + quote(os.fsencode(absolute.replace(os.sep, "/")), safe="/"), False


def _directory_uri(root: str) -> str:
    absolute = os.path.abspath(root).replace(os.sep, "/").rstrip("/") + "/"
    if not absolute.startswith("/"):
        absolute = "/" + absolute  # a Windows drive: file:///C:/...
    return "file://" + quote(os.fsencode(absolute), safe="/:")


def to_sarif(agents: Sequence[Agent], root: str, version: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run: the rules used, and a result for every problem, located
    by file (relative to `root`, the `%SRCROOT%` base, when it lies under it) and line."""
    pairs = findings(agents)
    used: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for agent, problem in pairs:
        rule = rule_id(problem)
        index = used.setdefault(rule, len(used))
        uri, relative = artifact_uri(agent.path, root)
        location: dict[str, Any] = {"uri": uri}
        if relative:
            location["uriBaseId"] = "%SRCROOT%"
        physical: dict[str, Any] = {"artifactLocation": location}
        if problem.line is not None and problem.line >= 1:
            physical["region"] = {"startLine": problem.line}
        results.append({
            "ruleId": rule,
            "ruleIndex": index,
            "level": _SARIF_LEVEL.get(problem.severity, "warning"),
            "message": {"text": problem.message},
            "locations": [{"physicalLocation": physical}],
        })  # fmt: skip
    rules = [
        {
            "id": rule,
            "name": _rule_name(rule),
            "shortDescription": {"text": ALL_RULES.get(rule, _OTHER[1])},
        }
        for rule in used
    ]
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "agentbrowser",
                        "version": version,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _directory_uri(root)}},
                "results": results,
            }
        ],
    }


def _rule_name(rule: str) -> str:
    """A rule id as SARIF's PascalCase name: `schema/unknown-key` -> `SchemaUnknownKey`."""
    return "".join(part.capitalize() for part in re.split(r"[/-]", rule) if part)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(
    agents: Iterable[Agent], display_path: Callable[[str], str], clean: Callable[[str], str]
) -> list[str]:
    """GitHub Actions workflow commands, one a problem:
    `::error file=PATH,line=N,title=agentbrowser RULE::MESSAGE` (warning and notice likewise).

    `clean` makes the file's text safe for a log (no escape sequences) before it is escaped
    as the workflow command syntax wants.
    """
    lines = []
    for agent, problem in findings(agents):
        command = _GITHUB_COMMAND.get(problem.severity, "warning")
        where = f"file={_escape_property(display_path(agent.path))}"
        if problem.line is not None:
            where += f",line={problem.line}"
        where += f",title={_escape_property('agentbrowser ' + rule_id(problem))}"
        lines.append(f"::{command} {where}::{_escape_data(clean(problem.message))}")
    return lines
