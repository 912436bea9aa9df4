"""Each format's documented frontmatter fields, one table per format, and the checker of a record.

A field is defined once (a `Field` constant) and named in the tables of the formats that share
it; the source of each rule stands beside it and ends every message it produces. The owners'
own validators are silent on all of these (FORMATS.md: `claude plugin validate --strict` says
nothing about unknown keys, `model: gpt-4` or `hooks: []`), so these are the only word a user
gets before a field is silently ignored.

Kept cheap: parse_text calls `check_frontmatter` for every file of a 10,000-file cold start, so
a valid field costs one dict lookup and one class test; lines are looked up only for problems.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentbrowser.model.records import ERROR, INFO, WARNING, Agent, Problem

# Sources, as FORMATS.md names them.
CLAUDE_SUBAGENTS = "code.claude.com sub-agents docs"
CLAUDE_SKILLS = "code.claude.com skills and slash-commands docs"
AGENT_SKILLS = "agentskills.io specification"
CLAUDE_HOOKS_LIST = "anthropics/claude-code#91781"
CLAUDE_PLUGIN_AGENTS = "code.claude.com plugins reference, dyoshikawa/rulesync#2495"
COPILOT_AGENTS = "github/docs custom-agents-configuration.md"
VSCODE_AGENTS = "microsoft/vscode-docs custom-agents.md"
VSCODE_PROMPTS = "microsoft/vscode-docs prompt-files.md"
COPILOT_INSTRUCTIONS = (
    "github/docs custom instructions, microsoft/vscode-docs custom-instructions.md"
)
OPENCODE_AGENTS = "opencode docs agents.mdx"
CURSOR_RULES = "Cursor rules docs (stbenjam/skillsaw cursor-rules-valid.md)"

#: At most this many unknown keys are reported one by one in a file; the rest in one line.
MAX_UNKNOWN = 20

#: Rule ids, stable: SARIF and `lint --format json` name problems by them.
RULE_UNKNOWN_KEY = "schema/unknown-key"
RULE_TYPE = "schema/wrong-type"
RULE_VALUE = "schema/wrong-value"
RULE_LIMIT = "schema/over-limit"
RULE_SKILL_FOLDER = "schema/skill-name-folder"
RULE_PLUGIN_FIELD = "schema/plugin-field"
RULE_DEPRECATED = "schema/deprecated-key"
RULE_BODY_LIMIT = "schema/body-over-limit"

#: What each rule id checks, for SARIF's rule list.
RULES: dict[str, str] = {
    RULE_UNKNOWN_KEY: "A frontmatter key the format's owner does not document",
    RULE_TYPE: "A frontmatter value of a type the owner does not document for its field",
    RULE_VALUE: "A frontmatter value outside the values the owner documents for its field",
    RULE_LIMIT: "A frontmatter value longer than the owner's documented limit",
    RULE_SKILL_FOLDER: "A skill whose name differs from its folder's name",
    RULE_PLUGIN_FIELD: "A field Claude Code ignores in a plugin's agent",
    RULE_DEPRECATED: "A frontmatter key its owner has renamed or retired",
    RULE_BODY_LIMIT: "A prompt longer than the owner's documented limit",
}

_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    list: "a list",
    dict: "a mapping",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


@dataclass(frozen=True, slots=True)
class Field:
    """One documented field: its types, the values it may take, its limits, and its source.

    `values`, `prefixes` and `pattern` restrict strings: a string passes when it is one of the
    values, starts with a prefix or matches the pattern (those set); `expect` says so in words
    and `noun` names what the value is ("model"). None (a key with no value) passes unless
    `without_value` says what the owner does with it.
    """

    types: tuple[type, ...]
    source: str
    values: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    noun: str = "value"
    expect: str = ""
    max_length: int | None = None
    severity: str = WARNING
    consequence: str = ""
    """What the owner does with a value of the wrong type, when that is known."""
    not_in_plugin: bool = False
    """Claude Code ignores the field in a plugin's agent."""
    renamed: str | None = None
    """The key that replaced this one (the old key still works, or is ignored: see `retired`)."""
    retired: bool = False
    without_value: str = ""
    """What the owner does with the key written without a value, where that matters."""
    inner: Callable[[Any], str | None] | None = None
    """What is wrong inside a value of the right type (a map's values), or None."""
    restricted: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "restricted",
            bool(self.values or self.prefixes or self.pattern or self.max_length),
        )


@dataclass(frozen=True, slots=True)
class Schema:
    """The documented fields of one format, what its owner does with other keys, and limits."""

    owner: str
    kind: str
    fields: Mapping[str, Field]
    source: str
    unknown: str
    """What the owner does with a key it does not know (a fact, with its source)."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Keys people write for another format's field: `allowed_tools` -> `tools`."""
    type_severity: str = WARNING
    """The severity of a value of the wrong type (an error where the owner then refuses it)."""
    body_limit: int | None = None
    name_is_folder: bool = False
    refuses_null: bool = False
    """A documented key written without a value (null) is refused as a wrong type is."""
    reads_dates: bool = False
    """The owner's YAML reader makes an unquoted `2024-01-01` a date (js-yaml's default
    schema), which a text field refuses as a wrong type."""
    folded: dict[str, str] = field(init=False, default_factory=dict)
    """Documented keys by their folded spelling (lower case, no `-` or `_`), for suggestions."""

    def __post_init__(self) -> None:
        self.folded.update({_fold(key): key for key in self.fields})


def _fold(key: str) -> str:
    return key.lower().replace("-", "").replace("_", "")


# ---------------------------------------------------------------- shared field definitions

_TEXT = (str,)
_TEXT_OR_LIST = (str, list)
_BOOL = (bool,)
_MAP = (dict,)
_INT = (int,)
_NUMBER = (int, float)

# Claude Code (sub-agents, commands, skills)
# (A name with `:` is no agent to Claude Code in a project, and `pl:a:b` in a plugin: said by
# parse.py with what Claude Code does, owners.claude_agent_unloaded.)
CLAUDE_NAME = Field(_TEXT, CLAUDE_SUBAGENTS)
CLAUDE_DESCRIPTION = Field(_TEXT, CLAUDE_SUBAGENTS)
CLAUDE_TOOLS = Field(_TEXT_OR_LIST, CLAUDE_SUBAGENTS)
CLAUDE_MODEL = Field(
    _TEXT, CLAUDE_SUBAGENTS, values=frozenset({"sonnet", "opus", "haiku", "inherit"}),
    prefixes=("claude-",), noun="model",
    expect="sonnet, opus, haiku, inherit or a claude-* id",
)  # fmt: skip
CLAUDE_PERMISSION_MODE = Field(
    _TEXT, CLAUDE_SUBAGENTS, noun="permission mode", not_in_plugin=True,
    values=frozenset({"default", "acceptEdits", "auto", "dontAsk", "bypassPermissions", "plan"}),
    expect="default, acceptEdits, auto, dontAsk, bypassPermissions or plan",
)  # fmt: skip
CLAUDE_MAX_TURNS = Field(_INT, CLAUDE_SUBAGENTS)
CLAUDE_SKILLS_LIST = Field(_TEXT_OR_LIST, CLAUDE_SUBAGENTS)
CLAUDE_MCP_SERVERS = Field((list, dict), CLAUDE_SUBAGENTS, not_in_plugin=True)
CLAUDE_AGENT_HOOKS = Field(
    _MAP, CLAUDE_HOOKS_LIST, not_in_plugin=True,
    consequence="Claude Code drops an agent whose `hooks` is not a mapping, without a word",
)  # fmt: skip
CLAUDE_HOOKS = Field(_MAP, CLAUDE_SKILLS)
CLAUDE_MEMORY = Field(
    _TEXT, CLAUDE_SUBAGENTS, values=frozenset({"user", "project", "local"}),
    noun="memory scope", expect="user, project or local",
)  # fmt: skip
CLAUDE_BOOL = Field(_BOOL, CLAUDE_SUBAGENTS)
CLAUDE_EFFORT = Field(_TEXT, CLAUDE_SUBAGENTS)
CLAUDE_ISOLATION = Field(
    _TEXT, CLAUDE_SUBAGENTS, values=frozenset({"worktree"}), noun="isolation", expect="worktree"
)
CLAUDE_COLOR = Field(
    _TEXT, CLAUDE_SUBAGENTS, noun="colour", severity=INFO,
    values=frozenset({"red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"}),
    expect="red, blue, green, yellow, purple, orange, pink or cyan",
)  # fmt: skip
CLAUDE_TEXT = Field(_TEXT, CLAUDE_SKILLS)
CLAUDE_HINT = Field(_TEXT_OR_LIST, CLAUDE_SKILLS)  # `argument-hint: [file]` is a YAML list
CLAUDE_ARGUMENTS = Field((str, list, dict), CLAUDE_SKILLS)
CLAUDE_SKILL_BOOL = Field(_BOOL, CLAUDE_SKILLS)
CLAUDE_ALLOWED_TOOLS = Field(_TEXT_OR_LIST, CLAUDE_SKILLS)
CLAUDE_COMMAND_MODEL = Field(
    _TEXT, CLAUDE_SKILLS, values=CLAUDE_MODEL.values, prefixes=CLAUDE_MODEL.prefixes,
    noun="model", expect=CLAUDE_MODEL.expect,
)  # fmt: skip
CLAUDE_CONTEXT = Field(
    _TEXT, CLAUDE_SKILLS, values=frozenset({"fork"}), noun="context", expect="fork"
)
CLAUDE_PATHS = Field(_TEXT_OR_LIST, CLAUDE_SKILLS)
CLAUDE_COMMAND_DESCRIPTION = Field(_TEXT, CLAUDE_SKILLS)

# The Agent Skills spec (skills only)
_SKILL_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SKILL_NAME = Field(
    _TEXT, AGENT_SKILLS, pattern=_SKILL_NAME, max_length=64,
    noun="skill name", expect="lowercase letters, digits and single hyphens",
)  # fmt: skip
SKILL_DESCRIPTION = Field(_TEXT, AGENT_SKILLS, max_length=1024, noun="description")
SKILL_LICENSE = Field(_TEXT, AGENT_SKILLS)
SKILL_COMPATIBILITY = Field(_TEXT, AGENT_SKILLS, max_length=500, noun="compatibility")
SKILL_METADATA = Field(_MAP, AGENT_SKILLS)

# GitHub Copilot and VS Code
COPILOT_TEXT = Field(_TEXT, COPILOT_AGENTS)
COPILOT_TARGET = Field(
    _TEXT, COPILOT_AGENTS, values=frozenset({"vscode", "github-copilot"}), noun="target",
    expect="vscode or github-copilot",
)  # fmt: skip
COPILOT_TOOLS = Field(_TEXT_OR_LIST, COPILOT_AGENTS)
COPILOT_MODEL = Field(_TEXT_OR_LIST, VSCODE_AGENTS)  # VS Code: an ordered list of fallbacks
COPILOT_BOOL = Field(_BOOL, COPILOT_AGENTS)
COPILOT_MAP = Field(_MAP, COPILOT_AGENTS)
COPILOT_INFER = Field((bool, str), COPILOT_AGENTS, renamed="disable-model-invocation", retired=True)
VSCODE_TEXT = Field(_TEXT, VSCODE_AGENTS)
VSCODE_LIST = Field(_TEXT_OR_LIST, VSCODE_AGENTS)
VSCODE_HANDOFFS = Field((list,), VSCODE_AGENTS)
VSCODE_HOOKS = Field(_MAP, VSCODE_AGENTS)
PROMPT_TEXT = Field(_TEXT, VSCODE_PROMPTS)
PROMPT_LIST = Field(_TEXT_OR_LIST, VSCODE_PROMPTS)
PROMPT_MODE = Field(_TEXT, VSCODE_PROMPTS, renamed="agent")
INSTRUCTIONS_TEXT = Field(_TEXT, COPILOT_INSTRUCTIONS)
# github/awesome-copilot, GitHub's own collection, writes `applyTo: ["*"]` and
# `excludeAgent: ["coding-agent"]`: lists are not flagged.
INSTRUCTIONS_GLOBS = Field(_TEXT_OR_LIST, COPILOT_INSTRUCTIONS)
INSTRUCTIONS_EXCLUDE = Field(
    _TEXT_OR_LIST, COPILOT_INSTRUCTIONS, values=frozenset({"code-review", "coding-agent"}),
    noun="agent to exclude", expect="code-review or coding-agent",
)  # fmt: skip

#: A comment after a value: blanks, then `#`.
_COMMENT_AFTER = re.compile(r"[ \t]+#.*")
#: A date or timestamp as js-yaml's default schema reads one (YAML 1.1's timestamp type).
_JS_DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)

# OpenCode: its agent schema refuses a wrong type, and with it the whole configuration
# (FORMATS.md, measured with opencode 1.18.33: `tools:` as a string, `color: blue`).
_OPENCODE_REFUSES = "OpenCode refuses it, and with it the whole configuration"
OPENCODE_TEXT = Field(_TEXT, OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES)
OPENCODE_MODE = Field(
    _TEXT, OPENCODE_AGENTS, values=frozenset({"primary", "subagent", "all"}), noun="mode",
    expect="primary, subagent or all", severity=ERROR, consequence=_OPENCODE_REFUSES,
)  # fmt: skip
OPENCODE_MODEL = Field(
    _TEXT, OPENCODE_AGENTS, pattern=re.compile(r"[^/\s]+/\S+"), noun="model",
    expect="provider/model-id", consequence=_OPENCODE_REFUSES,
)  # fmt: skip
OPENCODE_NUMBER = Field(_NUMBER, OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES)
OPENCODE_INT = Field(_INT, OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES)
OPENCODE_MAX_STEPS = Field(_INT, OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES, renamed="steps")
OPENCODE_MAP = Field(_MAP, OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES)
#: OpenCode's permission actions: a permission is one of them, or a map of tools (and of globs
#: below a tool) to them; a `tools` map's values are booleans (measured with 1.18.33).
_ACTIONS = ("ask", "allow", "deny")


def _not_actions(value: Any, depth: int = 0) -> str | None:
    if isinstance(value, str):
        return None if value in _ACTIONS else f"{_shown(value)!r}, not ask, allow or deny"
    if isinstance(value, dict) and depth < 2:
        for inner in value.values():
            wrong = _not_actions(inner, depth + 1)
            if wrong is not None:
                return wrong
        return None
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)}, not ask, allow or deny"


def _not_booleans(value: Any) -> str | None:
    for tool, on in value.items():
        if not isinstance(on, bool):
            return f"`{tool}: {_shown(on)}`, not true or false"
    return None


OPENCODE_TOOLS = Field(_MAP, OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES, inner=_not_booleans)
OPENCODE_PERMISSION = Field(
    (dict, str), OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES, inner=_not_actions
)
OPENCODE_BOOL = Field(_BOOL, OPENCODE_AGENTS, consequence=_OPENCODE_REFUSES)
OPENCODE_NAME = Field(
    _TEXT, OPENCODE_AGENTS, pattern=re.compile(r"(?s).*\S.*"), noun="name", severity=ERROR,
    expect="OpenCode lists no agent by an empty name, so it does not load this one",
    consequence="OpenCode lists the agent by it, but sorting the agents by name can then stop "
    "`opencode agent list` with an error (measured with OpenCode 1.18.33)",
    without_value="OpenCode calls this agent `null`",
)  # fmt: skip
OPENCODE_COLOR = Field(
    _TEXT, OPENCODE_AGENTS, noun="colour", severity=ERROR, consequence=_OPENCODE_REFUSES,
    pattern=re.compile(r"#[0-9a-fA-F]{6}"),
    values=frozenset({"primary", "secondary", "accent", "success", "warning", "error", "info"}),
    expect="a #rrggbb hex colour or a theme colour: primary, secondary, accent, success, "
    "warning, error or info",
)  # fmt: skip

# Cursor
CURSOR_TEXT = Field(_TEXT, CURSOR_RULES)
CURSOR_GLOBS = Field(_TEXT_OR_LIST, CURSOR_RULES)  # `globs: **/*.ts, src/*.tsx` is a string
CURSOR_ALWAYS_APPLY = Field(
    _BOOL, CURSOR_RULES, consequence="Cursor never always-applies this rule"
)

# ---------------------------------------------------------------- one table per format

_CLAUDE_IGNORES = "Claude Code ignores keys it does not know"

CLAUDE_AGENT = Schema(
    "Claude Code", "agent", source=CLAUDE_SUBAGENTS, unknown=_CLAUDE_IGNORES,
    fields={
        "name": CLAUDE_NAME,
        "description": CLAUDE_DESCRIPTION,
        "tools": CLAUDE_TOOLS,
        "disallowedTools": CLAUDE_TOOLS,
        "model": CLAUDE_MODEL,
        "permissionMode": CLAUDE_PERMISSION_MODE,
        "maxTurns": CLAUDE_MAX_TURNS,
        "skills": CLAUDE_SKILLS_LIST,
        "mcpServers": CLAUDE_MCP_SERVERS,
        "hooks": CLAUDE_AGENT_HOOKS,
        "memory": CLAUDE_MEMORY,
        "background": CLAUDE_BOOL,
        "effort": CLAUDE_EFFORT,
        "isolation": CLAUDE_ISOLATION,
        "color": CLAUDE_COLOR,
        "initialPrompt": CLAUDE_DESCRIPTION,
    },
    aliases={"allowed_tools": "tools", "allowed-tools": "tools", "allowedTools": "tools",
             "disallowed-tools": "disallowedTools", "disallowed_tools": "disallowedTools"},
)  # fmt: skip

_CLAUDE_COMMAND_FIELDS: dict[str, Field] = {
    "name": CLAUDE_TEXT,
    "description": CLAUDE_COMMAND_DESCRIPTION,
    "when_to_use": CLAUDE_TEXT,
    "argument-hint": CLAUDE_HINT,
    "arguments": CLAUDE_ARGUMENTS,
    "disable-model-invocation": CLAUDE_SKILL_BOOL,
    "user-invocable": CLAUDE_SKILL_BOOL,
    "allowed-tools": CLAUDE_ALLOWED_TOOLS,
    "model": CLAUDE_COMMAND_MODEL,
    "effort": CLAUDE_TEXT,
    "context": CLAUDE_CONTEXT,
    "agent": CLAUDE_TEXT,
    "hooks": CLAUDE_HOOKS,
    "paths": CLAUDE_PATHS,
    "shell": CLAUDE_TEXT,
    "background": CLAUDE_SKILL_BOOL,
}
_CLAUDE_COMMAND_ALIASES = {
    "allowed_tools": "allowed-tools", "allowedTools": "allowed-tools", "tools": "allowed-tools",
    "argument_hint": "argument-hint", "argumentHint": "argument-hint",
}  # fmt: skip

CLAUDE_COMMAND = Schema(
    "Claude Code", "command", source=CLAUDE_SKILLS, unknown=_CLAUDE_IGNORES,
    fields=_CLAUDE_COMMAND_FIELDS, aliases=_CLAUDE_COMMAND_ALIASES,
)  # fmt: skip

CLAUDE_SKILL = Schema(
    "Claude Code", "skill", source=CLAUDE_SKILLS, name_is_folder=True,
    unknown=_CLAUDE_IGNORES + "; the Agent Skills spec keeps other keys under `metadata`",
    fields={
        **_CLAUDE_COMMAND_FIELDS,
        "name": SKILL_NAME,
        "description": SKILL_DESCRIPTION,
        "license": SKILL_LICENSE,
        "compatibility": SKILL_COMPATIBILITY,
        "metadata": SKILL_METADATA,
    },
    aliases=_CLAUDE_COMMAND_ALIASES,
)  # fmt: skip

_COPILOT_AGENT_FIELDS: dict[str, Field] = {
    "name": COPILOT_TEXT,
    "description": COPILOT_TEXT,
    "target": COPILOT_TARGET,
    "tools": COPILOT_TOOLS,
    "model": COPILOT_MODEL,
    "disable-model-invocation": COPILOT_BOOL,
    "user-invocable": COPILOT_BOOL,
    "mcp-servers": COPILOT_MAP,
    "metadata": COPILOT_MAP,
    "infer": COPILOT_INFER,
    "argument-hint": VSCODE_TEXT,
    "agents": VSCODE_LIST,
    "handoffs": VSCODE_HANDOFFS,
    "hooks": VSCODE_HOOKS,
}
_COPILOT_IGNORES = "GitHub Copilot ignores keys it does not know"

COPILOT_AGENT = Schema(
    "GitHub Copilot", "custom agent", source=COPILOT_AGENTS, unknown=_COPILOT_IGNORES,
    fields=_COPILOT_AGENT_FIELDS, body_limit=30_000,
    aliases={"mcpServers": "mcp-servers", "allowed-tools": "tools", "allowed_tools": "tools"},
)  # fmt: skip
COPILOT_CHATMODE = Schema(
    "GitHub Copilot", "chat mode", source=COPILOT_AGENTS, unknown=_COPILOT_IGNORES,
    fields=_COPILOT_AGENT_FIELDS, body_limit=30_000, aliases=COPILOT_AGENT.aliases,
)  # fmt: skip
COPILOT_PROMPT = Schema(
    "GitHub Copilot", "prompt file", source=VSCODE_PROMPTS, unknown=_COPILOT_IGNORES,
    fields={
        "description": PROMPT_TEXT,
        "name": PROMPT_TEXT,
        "argument-hint": PROMPT_TEXT,
        "agent": PROMPT_TEXT,
        "model": PROMPT_TEXT,
        "tools": PROMPT_LIST,
        "mode": PROMPT_MODE,
    },
    aliases={"allowed-tools": "tools", "allowed_tools": "tools"},
)  # fmt: skip
COPILOT_INSTRUCTIONS_SCHEMA = Schema(
    "GitHub Copilot", "instructions file", source=COPILOT_INSTRUCTIONS, unknown=_COPILOT_IGNORES,
    fields={
        "applyTo": INSTRUCTIONS_GLOBS,
        "description": INSTRUCTIONS_TEXT,
        "excludeAgent": INSTRUCTIONS_EXCLUDE,
        "name": INSTRUCTIONS_TEXT,
    },
    aliases={"globs": "applyTo", "apply_to": "applyTo"},
)  # fmt: skip

OPENCODE_AGENT = Schema(
    "OpenCode", "agent", source=OPENCODE_AGENTS, type_severity=ERROR, refuses_null=True,
    reads_dates=True,
    unknown="OpenCode passes keys it does not know to the model provider as options",
    fields={
        "name": OPENCODE_NAME,
        "description": OPENCODE_TEXT,
        "mode": OPENCODE_MODE,
        "model": OPENCODE_MODEL,
        "temperature": OPENCODE_NUMBER,
        "top_p": OPENCODE_NUMBER,
        "steps": OPENCODE_INT,
        "maxSteps": OPENCODE_MAX_STEPS,
        "prompt": OPENCODE_TEXT,
        "tools": OPENCODE_TOOLS,
        "permission": OPENCODE_PERMISSION,
        "disable": OPENCODE_BOOL,
        "hidden": OPENCODE_BOOL,
        "color": OPENCODE_COLOR,
        "variant": OPENCODE_TEXT,
        "options": OPENCODE_MAP,
    },
    aliases={"permissions": "permission", "allowed-tools": "permission",
             "allowed_tools": "permission", "max_steps": "steps", "topP": "top_p"},
)  # fmt: skip

CURSOR_RULE = Schema(
    "Cursor", "rule", source=CURSOR_RULES, unknown="Cursor reads only description, globs and "
    "alwaysApply",
    fields={"description": CURSOR_TEXT, "globs": CURSOR_GLOBS, "alwaysApply": CURSOR_ALWAYS_APPLY},
    aliases={"applyTo": "globs", "always_apply": "alwaysApply", "alwaysapply": "alwaysApply"},
)  # fmt: skip

#: The schema of each format (markdown has no owner, so none).
SCHEMAS: dict[str, Schema] = {
    "claude-agent": CLAUDE_AGENT,
    "claude-command": CLAUDE_COMMAND,
    "claude-skill": CLAUDE_SKILL,
    "opencode-agent": OPENCODE_AGENT,
    "copilot-agent": COPILOT_AGENT,
    "copilot-chatmode": COPILOT_CHATMODE,
    "copilot-prompt": COPILOT_PROMPT,
    "copilot-instructions": COPILOT_INSTRUCTIONS_SCHEMA,
    "cursor-rule": CURSOR_RULE,
}


# ---------------------------------------------------------------- the checker


def check(agent: Agent, lines: Sequence[str] | None = None) -> tuple[Problem, ...]:
    """The schema problems of a record (its prompt's length only when it is already read)."""
    body = agent.body  # None: a record from the index cache, its prompt not read
    return check_frontmatter(
        agent.format, agent.frontmatter, agent.path, agent.scope, body, lines,
        body_line=agent.body_line,
    )  # fmt: skip


def check_frontmatter(
    fmt: str,
    frontmatter: Mapping[Any, Any],
    path: str,
    scope: str = "path",
    body: str | None = None,
    lines: Sequence[str] | None = None,
    guessed: bool | Callable[[], bool] = False,
    body_line: int | None = None,
) -> tuple[Problem, ...]:
    """The schema problems of one file's frontmatter, with the line of each key when `lines`
    (the frontmatter's lines, the first being the file's line 2) are given.

    `guessed`: the format was guessed from the keys alone (the file is in no folder and has no
    suffix that names one), so unknown keys without a likely match are not reported: such a
    file is as likely something else (a GitHub agentic workflow also has name and description).
    A function is asked only when that matters (most files have no unknown key).
    """
    schema = SCHEMAS.get(fmt)
    if schema is None:
        return ()
    found: list[Problem] = []
    fields = schema.fields
    unknown = 0
    for key, value in frontmatter.items():
        spec = fields.get(key)
        if spec is None:
            unknown += 1
            if unknown <= MAX_UNKNOWN:
                severity, text = _unknown_text(fmt, str(key))
                if severity == INFO and not isinstance(guessed, bool):
                    guessed = guessed()
                if not (guessed and severity == INFO):
                    line = key_line(lines, str(key))
                    found.append(Problem(severity, text, line, RULE_UNKNOWN_KEY))
            continue
        if value is None:
            if spec.without_value:
                found.append(_problem(
                    WARNING, f"`{key}` has no value: {spec.without_value}", spec.source,
                    RULE_VALUE, key, lines,
                ))  # fmt: skip
            elif schema.refuses_null:
                written = _written_line(lines, str(key))
                # `color: #ff0000` unquoted is a key and a comment: no value.
                comment = " (a `#` after `: ` starts a comment: quote the value)"
                found.append(_problem(
                    schema.type_severity, f"`{key}` has no value (null): {schema.owner} refuses "
                    "it, and with it the whole configuration" + (comment if "#" in written else ""),
                    spec.source, RULE_TYPE, key, lines,
                ))  # fmt: skip
            continue
        if value.__class__ not in spec.types and not _is_instance(value, spec.types):
            if spec.not_in_plugin and scope == "plugin":
                pass  # a plugin's agent ignores the key whatever it holds: said below
            else:
                found.append(_wrong_type(schema, spec, key, value, lines))
                continue
        if schema.reads_dates and value.__class__ is str and _JS_DATE.fullmatch(value):
            written = _written_line(lines, str(key))
            plain = _COMMENT_AFTER.sub("", written.split(":", 1)[-1]).strip()
            if plain == value:  # unquoted: a date to the owner
                found.append(_problem(
                    schema.type_severity, f"`{key}: {value}` is a date to {schema.owner}, not "
                    f"text: {spec.consequence or 'it refuses it'} (quote it)", spec.source,
                    RULE_TYPE, key, lines,
                ))  # fmt: skip
                continue
        if spec.restricted and value.__class__ is str:
            problem = _restricted(spec, key, value, lines)
            if problem is not None:
                found.append(problem)
        if spec.inner is not None:
            wrong = spec.inner(value)
            if wrong is not None:
                found.append(_problem(
                    schema.type_severity, f"`{key}` holds {wrong}: {spec.consequence}",
                    spec.source, RULE_VALUE, key, lines,
                ))  # fmt: skip
        if spec.not_in_plugin and scope == "plugin":
            found.append(_problem(
                WARNING, f"`{key}` is ignored in a plugin's agent: Claude Code does not apply it "
                "there", spec.source, RULE_PLUGIN_FIELD, key, lines,
            ))  # fmt: skip
        if spec.renamed is not None:
            found.append(_renamed(schema, spec, key, lines))
    if unknown > MAX_UNKNOWN and not (guessed if isinstance(guessed, bool) else guessed()):
        found.append(Problem(
            INFO, f"{unknown - MAX_UNKNOWN:,} more keys that are not {schema.owner} "
            f"{schema.kind} fields ({schema.source})", None, RULE_UNKNOWN_KEY,
        ))  # fmt: skip
    if schema.name_is_folder:
        found.extend(_skill_folder(frontmatter.get("name"), path, lines))
    if schema.body_limit is not None and body is not None and len(body) > schema.body_limit:
        found.append(Problem(
            WARNING, f"the prompt is {len(body):,} characters: {schema.owner} reads at most "
            f"{schema.body_limit:,} of a {schema.kind}'s body ({schema.source})",
            body_line, RULE_BODY_LIMIT,
        ))  # fmt: skip
    return tuple(found)


def _is_instance(value: Any, types: tuple[type, ...]) -> bool:
    """isinstance, except that a boolean is not a number here (YAML `true` is no integer)."""
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def _written_line(lines: Sequence[str] | None, key: str) -> str:
    """A top-level key's line as written ("" when not found)."""
    number = key_line(lines, key)
    return lines[number - 2] if lines and number and number - 2 < len(lines) else ""


def key_line(lines: Sequence[str] | None, key: str) -> int | None:
    """The file's 1-based line of a top-level key (the frontmatter starts on line 2)."""
    if not lines:
        return None
    for number, line in enumerate(lines):
        if line.startswith(key):
            if line[len(key) :].lstrip(" \t").startswith(":"):
                return number + 2
        elif line and line[0] in "'\"" and line[1 : 1 + len(key)] == key:  # a quoted key
            rest = line[1 + len(key) :]
            if rest[:1] == line[0] and rest[1:].lstrip(" \t").startswith(":"):
                return number + 2
    return None


def _problem(
    severity: str, text: str, source: str, rule: str, key: str, lines: Sequence[str] | None
) -> Problem:
    return Problem(severity, f"{text} ({source})", key_line(lines, key), rule)


def _shown(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unknown_text(fmt: str, name: str) -> tuple[str, str]:
    """(severity, message) of an unknown key: a warning with a likely match, else information."""
    schema = SCHEMAS[fmt]
    suggestion = schema.aliases.get(name) or schema.folded.get(_fold(name))
    size = len(name)
    if suggestion is None and size <= 64:
        # 0.9: `descripton` matches `description`; `mode` does not match `model`, nor
        # `permissions` `permissionMode` (different fields, not misspellings). difflib's
        # ratio never exceeds the LCS ratio rapidfuzz computes in C, so only fields that reach
        # 0.9 there go to difflib (over every field it cost ~50 us a key, and unknown keys
        # recur in every file of a collection).
        from rapidfuzz.distance import Indel

        near = [f for f in schema.fields if Indel.normalized_similarity(name, f) >= 0.9]
        if near:
            import difflib

            close = difflib.get_close_matches(name, near, n=1, cutoff=0.9)
            suggestion = close[0] if close else None
    what = f"`{_shown(name)}` is not {_article(schema.owner)} {schema.owner} {schema.kind} field"
    if suggestion is not None:
        text = f"{what}: did you mean `{suggestion}`? {schema.unknown} ({schema.source})"
        return WARNING, text
    return INFO, f"{what}: {schema.unknown} ({schema.source})"


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOUaeiou" else "a"


def _wrong_type(
    schema: Schema, spec: Field, key: str, value: Any, lines: Sequence[str] | None
) -> Problem:
    wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in spec.types)
    given = _TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, str) and bool in spec.types and value.strip().lower() in ("true", "false"):
        text = f"`{key}: \"{_shown(value)}\"` is a string, not a boolean"
    else:
        text = f"`{key}` is {given}, not {wanted}"
    severity = schema.type_severity if spec.consequence else WARNING
    if spec.consequence:
        text += f": {spec.consequence}"
    elif spec.types == _MAP and isinstance(value, list):
        text += f": {schema.owner} expects a mapping of names to settings"
    return _problem(severity, text, spec.source, RULE_TYPE, key, lines)


def _restricted(spec: Field, key: str, value: str, lines: Sequence[str] | None) -> Problem | None:
    if spec.max_length is not None and len(value) > spec.max_length:
        return _problem(
            WARNING, f"`{key}` is {len(value):,} characters: the {spec.noun} may have at most "
            f"{spec.max_length:,}", spec.source, RULE_LIMIT, key, lines,
        )  # fmt: skip
    if not (spec.values or spec.prefixes or spec.pattern):
        return None
    if value in spec.values or (spec.prefixes and value.startswith(spec.prefixes)):
        return None
    if spec.pattern is not None and spec.pattern.fullmatch(value):
        return None
    if spec.pattern is not None and not (spec.values or spec.prefixes):
        text = f"`{key}: {_shown(value)}` is not a valid {spec.noun}: {spec.expect}"
    else:
        owner = _OWNERS.get(spec.source, "its owner")
        text = f"`{key}: {_shown(value)}` is not a {spec.noun} {owner} documents: {spec.expect}"
    if spec.severity == ERROR and spec.consequence:  # what the owner then does (OpenCode)
        text += f"; {spec.consequence}"
    return _problem(spec.severity, text, spec.source, RULE_VALUE, key, lines)


_OWNERS = {
    CLAUDE_SUBAGENTS: "Claude Code",
    CLAUDE_SKILLS: "Claude Code",
    AGENT_SKILLS: "the Agent Skills spec",
    COPILOT_AGENTS: "GitHub Copilot",
    VSCODE_AGENTS: "VS Code",
    VSCODE_PROMPTS: "VS Code",
    COPILOT_INSTRUCTIONS: "GitHub Copilot",
    OPENCODE_AGENTS: "OpenCode",
    CURSOR_RULES: "Cursor",
}


def _renamed(schema: Schema, spec: Field, key: str, lines: Sequence[str] | None) -> Problem:
    if spec.retired:
        text = f"`{key}` is retired: {schema.owner} no longer reads it; use `{spec.renamed}`"
        severity = WARNING
    else:
        text = f"`{key}` is deprecated: {schema.owner} now calls it `{spec.renamed}`"
        severity = INFO
    return _problem(severity, text, spec.source, RULE_DEPRECATED, key, lines)


def _skill_folder(name: Any, path: str, lines: Sequence[str] | None) -> list[Problem]:
    """A skill's name must equal its folder's name (the Agent Skills spec)."""
    if not isinstance(name, str) or not _SKILL_NAME.fullmatch(name):
        return []  # a name that is not lowercase-hyphen has its own problem
    folder = os.path.basename(os.path.dirname(path))
    if not folder or name == folder:
        return []
    return [
        _problem(
            WARNING, f"the skill is named `{_shown(name)}` but its folder `{_shown(folder)}`: the "
            "name must equal the folder's name", AGENT_SKILLS, RULE_SKILL_FOLDER, "name", lines,
        )
    ]  # fmt: skip
