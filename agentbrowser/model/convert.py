"""Convert an agent to another tool's format, and say where an installed agent goes. Pure.

What carries over between formats is data, in the tables below, each with the owner's
documentation it was taken from (see docs/install.md for the same tables as prose):

- tools: Claude Code names (`Read, Grep, Bash`) are the hub every other spelling maps through;
- models: Claude Code's model values are the hub too (`sonnet`, a full id, `inherit`);
- colours: Claude Code's colour names, and OpenCode's `#rrggbb` or theme names;
- fields: per pair of format families, which keys carry over, and under which name.

Whatever a target cannot hold is a warning ("permissionMode has no OpenCode equivalent:
dropped"); name, description and prompt always survive. The output is strict YAML.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple

import yaml

from agentbrowser.model.formats import (
    OPENCODE_BUILTIN_TOOLS,
    OPENCODE_PERMISSION,
    opencode_bash,
    split_tools,
)
from agentbrowser.model.parse import YAML_REFUSED, YAML_SYNTAX
from agentbrowser.model.records import Agent, prompt
from agentbrowser.model.text import mixed_script_word

#: The formats an agent can be converted to and installed as.
TARGET_FORMATS: tuple[str, ...] = (
    "claude-agent",
    "claude-command",
    "claude-skill",
    "opencode-agent",
    "copilot-agent",
    "cursor-rule",
)

#: Short names a user may type for a target format: the tool's name means its agent format.
FORMAT_ALIASES: dict[str, str] = {
    "claude": "claude-agent",
    "opencode": "opencode-agent",
    "copilot": "copilot-agent",
    "cursor": "cursor-rule",
}

#: How each format is called in messages.
LABELS: dict[str, str] = {
    "claude-agent": "Claude Code agent",
    "claude-command": "Claude Code command",
    "claude-skill": "Claude Code skill",
    "opencode-agent": "OpenCode",
    "copilot-agent": "Copilot",
    "copilot-chatmode": "Copilot chat mode",
    "copilot-prompt": "Copilot prompt file",
    "copilot-instructions": "Copilot instructions",
    "cursor-rule": "Cursor rule",
    "markdown": "plain markdown",
}

#: Formats that write their fields the same way, grouped (the field tables are per family).
FAMILY: dict[str, str] = {
    "claude-agent": "claude-agent",
    "claude-command": "claude-command",
    "claude-skill": "claude-command",  # commands and skills share their fields (FORMATS.md)
    "opencode-agent": "opencode",
    "copilot-agent": "copilot",
    "copilot-chatmode": "copilot",  # chat modes are the old name of agents
    "copilot-prompt": "copilot",
    "copilot-instructions": "copilot-instructions",
    "cursor-rule": "cursor",
    "markdown": "markdown",
}

# --------------------------------------------------------------------------------------------
# Tools. Sources: Claude Code sub-agents docs (code.claude.com/docs/en/sub-agents, tool names
# as in its settings docs); OpenCode agents.mdx and tools.mdx (anomalyco/opencode
# packages/web/src/content/docs); GitHub docs custom-agents-configuration.md ("Tool aliases").

#: Claude Code tool -> OpenCode tool (and the permission that decides it: `edit` for `write`).
CLAUDE_TO_OPENCODE_TOOLS: dict[str, str] = {
    "Read": "read",
    "NotebookRead": "read",
    "Write": "write",
    "Edit": "edit",
    "MultiEdit": "edit",
    "NotebookEdit": "edit",
    "Bash": "bash",
    "Grep": "grep",
    "Glob": "glob",
    "LS": "glob",  # OpenCode lists folders with glob (it has no list tool of its own)
    "WebFetch": "webfetch",
    "WebSearch": "websearch",
    "TodoWrite": "todowrite",
    "Task": "task",
    "Agent": "task",
    "Skill": "skill",
    "AskUserQuestion": "question",
}

#: OpenCode tool -> Claude Code tool.
OPENCODE_TO_CLAUDE_TOOLS: dict[str, str] = {
    "read": "Read",
    "write": "Write",
    "edit": "Edit",
    "patch": "Edit",
    "apply_patch": "Edit",
    "bash": "Bash",
    "grep": "Grep",
    "glob": "Glob",
    "list": "LS",
    "webfetch": "WebFetch",
    "websearch": "WebSearch",
    "todowrite": "TodoWrite",
    "todoread": "TodoWrite",
    "task": "Task",
    "skill": "Skill",
    "question": "AskUserQuestion",
}

#: Claude Code tool -> Copilot alias (GitHub docs: "Tool aliases" lists these very names).
CLAUDE_TO_COPILOT_TOOLS: dict[str, str] = {
    "Read": "read",
    "NotebookRead": "read",
    "Edit": "edit",
    "MultiEdit": "edit",
    "Write": "edit",
    "NotebookEdit": "edit",
    "Grep": "search",
    "Glob": "search",
    "LS": "search",
    "Bash": "execute",
    "WebFetch": "web",
    "WebSearch": "web",
    "Task": "agent",
    "Agent": "agent",
    "TodoWrite": "todo",
}

#: Copilot alias -> the Claude Code tools it stands for.
COPILOT_TO_CLAUDE_TOOLS: dict[str, tuple[str, ...]] = {
    "read": ("Read",),
    "edit": ("Edit", "Write"),
    "search": ("Grep", "Glob"),
    "execute": ("Bash",),
    "web": ("WebFetch", "WebSearch"),
    "agent": ("Task",),
    "todo": ("TodoWrite",),
}

#: Other Copilot tool names -> their alias: the aliases' documented synonyms, and VS Code's
#: older tool-set names (microsoft/vscode-docs custom-agents.md, chat tools reference).
COPILOT_SYNONYMS: dict[str, str] = {
    "shell": "execute",
    "bash": "execute",
    "powershell": "execute",
    "runcommands": "execute",
    "runincommand": "execute",
    "runinterminal": "execute",
    "terminal": "execute",
    "runtasks": "execute",
    "notebookread": "read",
    "problems": "read",
    "changes": "read",
    "multiedit": "edit",
    "write": "edit",
    "notebookedit": "edit",
    "editfiles": "edit",
    "new": "edit",
    "grep": "search",
    "glob": "search",
    "codebase": "search",
    "usages": "search",
    "findtestfiles": "search",
    "custom-agent": "agent",
    "task": "agent",
    "runsubagent": "agent",
    "websearch": "web",
    "webfetch": "web",
    "fetch": "web",
    "githubrepo": "web",
    "todowrite": "todo",
    "todos": "todo",
}

# --------------------------------------------------------------------------------------------
# Models. Sources: Claude Code sub-agents docs (`sonnet`, `opus`, `haiku`, a full id,
# `inherit`); OpenCode models docs (`provider/model-id`, anthropic ids); GitHub docs supported
# models (display names such as "Claude Sonnet 4.5"). The versions an alias stands for change
# with releases: every translated model is reported, so the user can check it.

#: Claude Code alias -> OpenCode model.
CLAUDE_ALIAS_TO_OPENCODE: dict[str, str] = {
    "sonnet": "anthropic/claude-sonnet-4-5",
    "opus": "anthropic/claude-opus-4-5",
    "haiku": "anthropic/claude-haiku-4-5",
}
#: Claude Code alias -> Copilot model name.
CLAUDE_ALIAS_TO_COPILOT: dict[str, str] = {
    "sonnet": "Claude Sonnet 4.5",
    "opus": "Claude Opus 4.5",
    "haiku": "Claude Haiku 4.5",
}
_CLAUDE_ALIASES = frozenset(CLAUDE_ALIAS_TO_OPENCODE)
_CLAUDE_ID = re.compile(r"^claude-(sonnet|opus|haiku)-(\d+)(?:-(\d))?(?:-\d{8})?$")
_COPILOT_CLAUDE = re.compile(r"^claude\s+(sonnet|opus|haiku)\s+(\d+(?:\.\d+)?)", re.IGNORECASE)

# --------------------------------------------------------------------------------------------
# Colours. Sources: Claude Code's /agents colour picker (the names below); OpenCode agents.mdx
# (`^#[0-9a-fA-F]{6}$` or a theme colour; 1.18.33 rejects anything else, FORMATS.md).

#: Claude Code colour name -> the hex OpenCode is given.
CLAUDE_COLOR_HEX: dict[str, str] = {
    "red": "#ef4444",
    "blue": "#3b82f6",
    "green": "#22c55e",
    "yellow": "#eab308",
    "purple": "#a855f7",
    "orange": "#f97316",
    "pink": "#ec4899",
    "cyan": "#06b6d4",
}
#: The theme colours OpenCode accepts besides a hex value.
OPENCODE_THEME_COLORS = frozenset(
    {"primary", "secondary", "accent", "success", "warning", "error", "info"}
)
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# --------------------------------------------------------------------------------------------
# Fields. Keys handled above (name, description, tools, model, colour) are not listed. Any other
# key that a table does not carry is dropped with a warning. Same family: every key carries.
# Sources: FORMATS.md's field lists (Claude Code sub-agents and skills docs, OpenCode
# agents.mdx, GitHub custom-agents-configuration.md, Cursor rules docs).

#: (source family, target family) -> {source key: target key}.
FIELD_MAP: dict[tuple[str, str], dict[str, str]] = {
    ("claude-agent", "claude-command"): {"effort": "effort", "background": "background"},
    ("claude-command", "claude-agent"): {"effort": "effort", "background": "background"},
    ("claude-agent", "opencode"): {"maxTurns": "steps"},
    ("opencode", "claude-agent"): {"steps": "maxTurns", "maxSteps": "maxTurns"},
    ("claude-command", "copilot"): {
        "argument-hint": "argument-hint",
        "disable-model-invocation": "disable-model-invocation",
        "user-invocable": "user-invocable",
    },
    ("copilot", "claude-command"): {
        "argument-hint": "argument-hint",
        "disable-model-invocation": "disable-model-invocation",
        "user-invocable": "user-invocable",
    },
    ("copilot-instructions", "cursor"): {"applyTo": "globs"},
    ("copilot", "copilot"): {},  # (same family: everything carries; listed for the docs)
}

#: Keys a target format always gets, and their value: what the source's format meant.
#: An OpenCode agent made from a Claude Code agent is a subagent, as it was; a Cursor rule
#: made from an agent is applied when its description matches (agent-requested), not always.
ADDED_FIELDS: dict[tuple[str, str], dict[str, Any]] = {
    ("claude-agent", "opencode-agent"): {"mode": "subagent"},
    ("*", "cursor-rule"): {"alwaysApply": False},
}

#: Keys converted separately (never carried by the field tables).
_HANDLED = frozenset(
    {"name", "description", "tools", "allowed-tools", "disallowedTools", "model", "color"}
)
#: Characters of a Copilot agent's body that Copilot reads (github/docs).
COPILOT_BODY_LIMIT = 30_000
#: Characters of a skill's description (the Agent Skills spec).
SKILL_DESCRIPTION_LIMIT = 1024


class Conversion(NamedTuple):
    """A converted file's text, and what could not be carried over (one sentence each)."""

    text: str
    warnings: list[str]


# --------------------------------------------------------------------------------------------
# The conversion


def convert(
    agent: Agent, to_format: str, name: str | None = None, source_text: str | None = None
) -> Conversion:
    """The agent written as `to_format`, named `name` (default: its own name), with warnings.

    With `source_text` (the file as it is on disk), a file converted to its own format under
    its own name comes back byte for byte when its frontmatter is strict YAML already.
    """
    if to_format not in TARGET_FORMATS:
        raise ValueError(f"cannot convert to {to_format!r}: one of {', '.join(TARGET_FORMATS)}")
    new_name = name if name is not None else agent.name
    warnings: list[str] = []
    same = FAMILY.get(agent.format) == FAMILY[to_format]
    strict = _strict(source_text) if source_text is not None else _strict_frontmatter(agent)
    if agent.format == to_format and new_name == agent.name and source_text is not None and strict:
        return Conversion(source_text, warnings)
    if not strict:
        warnings.append(
            "the frontmatter is not strict YAML: it is written again from the keys agentbrowser "
            "recovered (check the description)"
        )
    data = _convert_fields(agent, to_format, new_name, same, warnings)
    body = prompt(agent)
    warnings.extend(_syntax_left_behind(agent.format, to_format, body))
    if to_format == "copilot-agent" and len(body) > COPILOT_BODY_LIMIT:
        warnings.append(
            f"the prompt has {len(body):,} characters; Copilot reads the first "
            f"{COPILOT_BODY_LIMIT:,}: kept whole"
        )
    return Conversion(render(data, body), warnings)


#: What Claude Code does to a command's or skill's prompt as it loads it: `$ARGUMENTS` (and
#: `$1`, `$2`, ...) become what the user typed after the command.
_ARGUMENTS = re.compile(r"\$(?:ARGUMENTS\b|\{ARGUMENTS\})")  # not $1: a price reads so too
_RUNS_ON_LOAD = re.compile(r"(?:^|[\s(])!`([^`\n]+)`")  # as security.py finds it


def _syntax_left_behind(source: str, target: str, body: str) -> list[str]:
    """The prompt's Claude Code command syntax that the target format reads as plain text."""
    from agentbrowser.model.security import DYNAMIC_CONTEXT_FORMATS

    found = []
    takes_arguments = ("claude-command", "claude-skill")
    if source in takes_arguments and target not in takes_arguments and _ARGUMENTS.search(body):
        found.append(
            f"the prompt uses $ARGUMENTS (what the user types after a Claude Code command); "
            f"a {LABELS[target]} reads it as plain text"
        )
    if (
        source in DYNAMIC_CONTEXT_FORMATS
        and target not in DYNAMIC_CONTEXT_FORMATS
        and _RUNS_ON_LOAD.search(body)
    ):
        found.append(
            f"the prompt runs !`command` lines as Claude Code loads it; a {LABELS[target]} "
            "shows them as plain text and runs nothing"
        )
    return found


def _convert_fields(
    agent: Agent, to_format: str, name: str, same: bool, warnings: list[str]
) -> dict[str, Any]:
    source = agent.frontmatter if isinstance(agent.frontmatter, dict) else {}
    data: dict[str, Any] = {}
    if to_format in ("claude-agent", "claude-command", "claude-skill", "copilot-agent"):
        data["name"] = name
        if to_format == "claude-skill" and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
            warnings.append(
                f"the skill name {name!r} is not lowercase letters, digits and hyphens, as the "
                "Agent Skills spec asks: kept"
            )
    data["description"] = agent.description
    if to_format == "claude-agent" and not agent.description.strip():
        data["description"] = _description_from_prompt(agent, warnings)
    # Copilot CLI reads .claude/commands as skills too, and applies the same limit there.
    if (
        to_format in ("claude-skill", "claude-command")
        and len(agent.description) > SKILL_DESCRIPTION_LIMIT
    ):
        limit = f"{SKILL_DESCRIPTION_LIMIT:,}"
        why = (
            f"the Agent Skills spec allows {limit} and Copilot CLI does not load a longer one"
            if to_format == "claude-skill"
            else f"Copilot CLI does not load one over {limit} (it reads .claude/commands as "
            "skills)"
        )
        warnings.append(
            f"the description has {len(agent.description):,} characters; {why}: kept whole"
        )
    if same:
        if to_format == "opencode-agent" and "name" in source:
            # OpenCode 1.18.33 names an agent by this key when there is one (measured: a
            # `name: CodeReviewer` in reviewer.md is listed as CodeReviewer), so it follows.
            data["name"] = name
        _carry_same(source, data, warnings)
    else:
        _convert_other(agent, source, to_format, data, warnings)
    hint = data.get("argument-hint")
    if hint is not None and not isinstance(hint, str):
        # `argument-hint: [file]` is a YAML list; the owners want the text people meant.
        text = yaml.safe_dump(hint, default_flow_style=True, width=10_000).strip()
        text = text.removesuffix("...").strip()
        data["argument-hint"] = text
        warnings.append(
            f"argument-hint is a YAML {type(hint).__name__}: written as the text {text!r}"
        )
    return data


#: Characters of a prompt's first line written as a description, at most.
DESCRIPTION_FROM_PROMPT = 200


def _description_from_prompt(agent: Agent, warnings: list[str]) -> str:
    """A description for an agent whose source has none: Claude Code loads no agent without
    one (measured: it is listed nowhere), so the prompt's first line stands in, and says so."""
    for line in prompt(agent).splitlines():
        text = line.strip().lstrip("#").strip()
        if text:
            if len(text) > DESCRIPTION_FROM_PROMPT:
                text = text[: DESCRIPTION_FROM_PROMPT - 1].rstrip() + "\u2026"
            warnings.append(
                "the source has no description, and Claude Code loads no agent without one: "
                f"the prompt's first line is written as its description ({text!r})"
            )
            return text
    warnings.append(
        "the source has no description and no prompt, and Claude Code loads no agent without a "
        "description: write one before it is used"
    )
    return agent.description


def _convert_other(
    agent: Agent, source: dict[Any, Any], to_format: str, data: dict[str, Any], warnings: list[str]
) -> None:
    """Another family: tools, model and colour translated, other keys by the field table."""
    src_family = FAMILY.get(agent.format, "markdown")
    dst_family = FAMILY[to_format]
    target = LABELS[to_format]
    for key, value in _added_fields(agent.format, to_format).items():
        data[key] = value
    _convert_tools(agent, source, to_format, data, warnings)
    _convert_model(agent, source, to_format, data, warnings)
    _convert_color(agent, to_format, data, warnings)
    table = FIELD_MAP.get((src_family, dst_family), {})
    for key, value in source.items():
        if not isinstance(key, str):
            warnings.append(f"the key {key!r} is not text: dropped")
            continue
        if key in _HANDLED or key in data:
            continue
        if key == "permission" and src_family == "opencode":
            _opencode_rules_left(value, to_format, warnings)  # the rest became the tools
            continue
        if key in table:
            data[table[key]] = value
        else:
            warnings.append(f"{key} has no {target} equivalent: dropped")


#: OpenCode permissions that a tools list says (allowed or not), beside `*`.
_TOOL_PERMISSIONS = frozenset({*OPENCODE_BUILTIN_TOOLS, *OPENCODE_PERMISSION, "*"})


#: OpenCode's actions a tools list can say: allowed, denied, and `ask`, which Claude Code and
#: Copilot do anyway for a tool an agent may use (a command's allowed-tools leaves an asked tool
#: out, so that Claude Code asks: `_convert_tools`).
_ACTIONS = ("allow", "deny", "ask")


def _opencode_asked(permission: Any) -> set[str]:
    """The OpenCode permissions that ask before a call (`*` for all of them)."""
    if permission == "ask":
        return {"*"}
    if not isinstance(permission, dict):
        return set()
    return {
        str(key)
        for key, action in permission.items()
        if action == "ask" or (isinstance(action, dict) and "ask" in action.values())
    }


def _opencode_rules_left(permission: Any, to_format: str, warnings: list[str]) -> None:
    """Warn of the OpenCode permission rules a tools list cannot say: rules for files
    (`read: {"*.env": deny}`) and permissions that are no tool (`external_directory`)."""
    target = LABELS[to_format]
    if not isinstance(permission, dict):
        return
    left = []
    for key, action in permission.items():
        if isinstance(action, dict):
            plain = str(key) == "bash" and all(v in _ACTIONS for v in action.values())
        else:
            plain = action in _ACTIONS
        if not plain or str(key) not in _TOOL_PERMISSIONS:
            left.append(str(key))
    if left:
        warnings.append(
            f"permission rules for {', '.join(left)} have no {target} equivalent: dropped "
            "(the tools they allow or deny are kept)"
        )


def _added_fields(from_format: str, to_format: str) -> dict[str, Any]:
    added: dict[str, Any] = {}
    for (source, target), fields in ADDED_FIELDS.items():
        if target == to_format and source in ("*", from_format) and from_format != to_format:
            added.update(fields)
    return added


def _carry_same(source: dict[Any, Any], data: dict[str, Any], warnings: list[str]) -> None:
    """Same family: every key carries over as it is (name and description already set)."""
    for key, value in source.items():
        if not isinstance(key, str):
            warnings.append(f"the key {key!r} is not text: dropped")
        elif key not in data:
            data[key] = value


# -- tools -----------------------------------------------------------------------------------


def _source_tools(agent: Agent, source: dict[Any, Any]) -> tuple[list[str], list[str], list[str]]:
    """(Claude Code tool names, the source's names that have none, Claude Code names of what
    the source denies beyond them: `Bash(rm:*)`) for the agent's tools."""
    family = FAMILY.get(agent.format, "markdown")
    tools = list(agent.tools or ())
    if family == "opencode":
        # The tools OpenCode resolves from the `tools` map and `permission` rules (the record
        # holds them: formats.opencode_tools); bash as its per-command rules leave it.
        bash = opencode_bash(source)
        hub: list[str] = []
        unknown: list[str] = []
        for tool in tools:
            mapped = OPENCODE_TO_CLAUDE_TOOLS.get(tool)
            if mapped is None:
                unknown.append(tool)
            elif mapped != "Bash" or bash.whole:
                hub.append(mapped)
            else:  # some commands only (none: no Bash at all)
                hub.extend(map(_claude_bash, bash.allowed))
        refused = [_claude_bash(p) for p in bash.denied] if "bash" in tools else []
        return _unique(hub), unknown, refused
    if family == "copilot":
        hub = []
        unknown = []
        for tool in tools:
            alias = tool if tool in COPILOT_TO_CLAUDE_TOOLS else COPILOT_SYNONYMS.get(tool.lower())
            if alias is None:
                unknown.append(tool)
            else:
                hub.extend(COPILOT_TO_CLAUDE_TOOLS[alias])
        return _unique(hub), unknown, []
    return tools, [], []


def _convert_tools(
    agent: Agent, source: dict[Any, Any], to_format: str, data: dict[str, Any], warnings: list[str]
) -> None:
    target = LABELS[to_format]
    denied_raw = source.get("disallowedTools")
    denied = (
        split_tools(denied_raw, False)
        if isinstance(denied_raw, str)
        else ([str(d) for d in denied_raw] if isinstance(denied_raw, list) else [])
    )
    if to_format == "cursor-rule":
        if agent.tools is not None:
            warnings.append(f"tools have no {target} equivalent: dropped")
        if denied:
            warnings.append(f"disallowedTools has no {target} equivalent: dropped")
        return
    if _all_tools(agent) and not denied:
        if to_format == "opencode-agent":  # every tool, asked for as its own tool asks
            _tools_to_opencode(
                [], [], True, data, warnings, _asked(agent, source), answer=_answer(agent, source)
            )
        return  # every tool, in every format: no key
    hub, unknown, refused = _source_tools(agent, source)
    for tool in unknown:
        warnings.append(f"the tool {tool!r} has no {target} equivalent: dropped")
    if to_format == "opencode-agent":
        _tools_to_opencode(
            hub, denied, _all_tools(agent), data, warnings, _asked(agent, source),
            restricts=agent.format not in ("claude-command", "claude-skill"),
            answer=_answer(agent, source),
        )  # fmt: skip
        return
    if agent.format == "opencode-agent" and to_format in ("claude-command", "claude-skill"):
        # allowed-tools runs what it lists without asking: what OpenCode asks about stays out,
        # so that Claude Code asks too.
        asked = _opencode_asked(source.get("permission"))
        held = [t for t in hub if "*" in asked or _opencode_permission(t) in asked]
        if held:
            hub = [t for t in hub if t not in held]
            warnings.append(
                f"{', '.join(held)} left out of allowed-tools: OpenCode asks before each call, "
                f"and a {target} runs what allowed-tools lists without asking (Claude Code asks "
                "for the rest)"
            )
    else:
        held = []
    if refused:  # an OpenCode agent's denied commands
        if to_format == "claude-agent":
            data["disallowedTools"] = ", ".join(refused)
        elif to_format in ("claude-command", "claude-skill"):
            # allowed-tools runs what it lists without asking, and says no exceptions: bash
            # is left out, so Claude Code asks before each command.
            hub = [tool for tool in hub if _base_tool(tool) != "Bash"]
            warnings.append(
                f"bash with commands denied ({', '.join(refused)}) is left out of "
                f"allowed-tools: a {target} cannot deny them, so Claude Code asks before each command"
            )
        else:
            warnings.append(
                f"the commands denied ({', '.join(refused)}) have no {target} equivalent: "
                "the converted agent may run them"
            )
    if denied:
        warnings.append(f"disallowedTools has no {target} equivalent: dropped")
    if to_format == "copilot-agent":
        aliases: list[str] = []
        for tool in hub:
            alias = CLAUDE_TO_COPILOT_TOOLS.get(_base_tool(tool))
            if alias is None:
                warnings.append(f"the tool {tool!r} has no {target} equivalent: dropped")
                continue
            if tool != _base_tool(tool):
                warnings.append(f"{tool} widened to {alias}: {target} has no per-command rule")
            aliases.append(alias)
        data["tools"] = _unique(aliases)
        return
    if _all_tools(agent) or ((held or refused) and not hub):
        return  # (nothing left to run without asking: no allowed-tools, Claude Code asks)
    # Claude Code formats: the names as they are (Bash(git diff:*) included).
    if to_format == "claude-agent":
        data["tools"] = ", ".join(hub)
        return
    data["allowed-tools"] = hub if to_format == "claude-skill" else ", ".join(hub)
    if agent.format not in ("claude-command", "claude-skill"):
        # An agent's tools are what it may use, each call still asked for; a command's or
        # skill's allowed-tools run without asking (code.claude.com skills docs).
        warnings.append(
            f"tools become allowed-tools: in a {target} Claude Code runs them without asking"
        )


#: The OpenCode permissions whose calls Claude Code (and Copilot) ask you about, one by one,
#: unless something approved them first; OpenCode's own default for them is `allow`.
_ASKED = ("bash", "edit", "webfetch")


def _asked(agent: Agent, source: dict[Any, Any]) -> tuple[str, ...]:
    """The OpenCode permissions to write as `ask`, so that the converted agent asks before each
    call as its own tool did: none for what a command's or skill's `allowed-tools` approves (it
    runs without asking) or what `permissionMode` approves (`bypassPermissions`: every call;
    `acceptEdits`: edits)."""
    if agent.format in ("claude-command", "claude-skill") and agent.tools is not None:
        return ()
    mode = source.get("permissionMode") if agent.format == "claude-agent" else None
    if mode == "bypassPermissions":
        return ()
    return tuple(p for p in _ASKED if not (p == "edit" and mode == "acceptEdits"))


#: Claude Code permission modes in which a call that would be asked for is refused instead:
#: `dontAsk` denies what no rule approved, without a prompt; `plan` reads and plans but runs
#: no tool that needs permission (code.claude.com permission-modes docs).
_REFUSING_MODES = {
    "dontAsk": "in permissionMode dontAsk Claude Code refuses, without asking, what it would ask "
    "you about",
    "plan": "in permissionMode plan Claude Code reads and plans, and runs nothing it would ask "
    "you about",
}


def _answer(agent: Agent, source: dict[Any, Any]) -> tuple[str, str | None]:
    """What OpenCode should do with the calls the source asks about: ``("ask", None)``, or
    ``("deny", why)`` where the source's permission mode refuses them without asking."""
    mode = source.get("permissionMode") if agent.format == "claude-agent" else None
    why = _REFUSING_MODES.get(mode) if isinstance(mode, str) else None
    return ("deny", why) if why else ("ask", None)


def _tools_to_opencode(
    hub: list[str],
    denied: list[str],
    all_tools: bool,
    data: dict[str, Any],
    warnings: list[str],
    asked: tuple[str, ...] = (),
    restricts: bool = True,
    answer: tuple[str, str | None] = ("ask", None),
) -> None:
    """Claude Code's tools as OpenCode `permission` rules (its `tools` map is deprecated): a
    `deny` for each OpenCode tool the agent may not use, per-command rules for bash, and `ask`
    for the `asked` permissions the agent keeps. OpenCode decides `edit` and `write` by one
    permission, `edit`.

    `restricts`: the list is all the agent may use (an agent's `tools`). A command's or
    skill's `allowed-tools` is what runs without asking: the rest stays usable, asked for
    where Claude Code asks (`_ASKED`), so those are `ask`, not `deny`.

    `answer`: `("deny", why)` where the source's permission mode refuses what it would ask
    about (`_answer`): the `asked` permissions are then written as `deny`."""
    unasked, why = answer  # what the calls the source asks about become
    allowed: list[str] = []
    commands: list[str] = []  # Bash(git diff:*) entries, as OpenCode permission patterns
    whole_bash = "Bash" in hub
    for tool in hub:
        mapped = CLAUDE_TO_OPENCODE_TOOLS.get(_base_tool(tool))
        if mapped is None:
            warnings.append(f"the tool {tool!r} has no OpenCode equivalent: dropped")
            continue
        if tool != _base_tool(tool):
            pattern = _bash_pattern(tool) if mapped == "bash" else None
            if pattern is None:
                warnings.append(f"{tool} widened to {mapped}: OpenCode has no such rule")
            elif not whole_bash:
                commands.append(pattern)
        allowed.append(mapped)
    permission: dict[str, Any] = {}
    kept = {OPENCODE_PERMISSION.get(t, t) for t in allowed}
    if not all_tools:
        if ("edit" in allowed) != ("write" in allowed):
            have, also = ("Edit", "Write") if "edit" in allowed else ("Write", "Edit")
            warnings.append(
                f"{have} widened to {have} and {also}: OpenCode allows both or neither "
                "(its edit permission)"
            )
        for tool in OPENCODE_BUILTIN_TOOLS:
            rule = OPENCODE_PERMISSION.get(tool, tool)
            if rule not in kept and (restricts or rule in _ASKED):
                permission[rule] = "deny" if restricts else "ask"
        if restricts:
            warnings.append(
                "OpenCode also gives the agent the tools of your MCP servers and custom tools: "
                "its rules name OpenCode's own tools only (a Claude Code list leaves the others "
                "out)"
            )
    refused: list[str] = []  # Bash(rm:*) in disallowedTools: commands denied
    for tool in denied:
        mapped = CLAUDE_TO_OPENCODE_TOOLS.get(_base_tool(tool))
        pattern = _bash_pattern(tool) if mapped == "bash" else None
        if mapped is None:
            warnings.append(f"the denied tool {tool!r} has no OpenCode equivalent: dropped")
        elif tool != _base_tool(tool) and pattern is None:
            warnings.append(f"the denied {tool} has no OpenCode equivalent: dropped")
        elif pattern is not None:
            refused.append(pattern)
        else:
            rule = OPENCODE_PERMISSION.get(mapped, mapped)
            if rule == "edit" and (all_tools or rule in kept):
                other = "Write" if mapped == "edit" else "Edit"
                warnings.append(
                    f"denying {_base_tool(tool)} denies {other} too: OpenCode decides both "
                    "by its edit permission"
                )
            permission[rule] = "deny"
    if "*" in refused:  # Bash(*) denied: every command
        permission["bash"] = "deny"
    if "bash" in asked and unasked == "deny":
        commands, refused = [], []  # every command would be refused: bash is denied whole
    if permission.get("bash") != "deny" and (commands or refused):
        # OpenCode applies the last rule that matches: every command denied first, then the
        # allowed ones, then the denied ones, each moved to the end when it comes again.
        rules: dict[str, str] = {"*": "deny" if restricts else unasked} if commands else {}
        granted = unasked if "bash" in asked else "allow"
        for pattern, action in [*((c, granted) for c in commands), *((c, "deny") for c in refused)]:
            rules.pop(pattern, None)
            rules[pattern] = action
        permission["bash"] = rules
        if commands:
            warnings.append(
                "the Bash commands allowed are written as OpenCode permission.bash rules: "
                + ", ".join(commands)
            )
        if refused:
            warnings.append(
                "the Bash commands denied are written as OpenCode permission.bash rules: "
                + ", ".join(refused)
            )
    asking = []
    for rule in asked:
        if permission.get(rule) == "deny" or not (all_tools or rule in kept):
            continue  # not the agent's to use
        current = permission.get(rule)
        if not isinstance(current, dict):
            permission[rule] = unasked
        elif "*" not in current:  # every command, some denied: ask first, the denials after
            permission[rule] = {"*": unasked, **current}
        # (by command: every command denied first, the allowed ones written as asks above)
        asking.append(rule)
    if asking and why:
        warnings.append(f"{', '.join(asking)} written as `deny`: {why}")
        if all_tools:
            warnings.append(
                "OpenCode still allows the agent's other tools, those of your MCP servers and "
                "your custom tools: its rules here name bash, edit and webfetch only"
            )
    elif asking:
        warnings.append(
            f"{', '.join(asking)} written as `ask`: the source's tool asks you before each such "
            "call, OpenCode by default does not"
        )
    if permission:
        data["permission"] = permission


def _opencode_permission(tool: str) -> str | None:
    """The OpenCode permission that decides a Claude Code tool (`Bash(git:*)`: bash)."""
    mapped = CLAUDE_TO_OPENCODE_TOOLS.get(_base_tool(tool))
    return None if mapped is None else OPENCODE_PERMISSION.get(mapped, mapped)


def _all_tools(agent: Agent) -> bool:
    """True when the agent may use every tool: no tools key, or (OpenCode) no rule that takes a
    tool away. The record's tools say both (formats.normalize_tools)."""
    return agent.tools is None


def _claude_bash(pattern: str) -> str:
    """Claude Code's `Bash(git diff:*)` for OpenCode's command pattern `git diff*` (or `git
    diff *`); a pattern without a final `*` is one command, `Bash(npm test)`."""
    if pattern.endswith("*") and "*" not in pattern[:-1]:
        return f"Bash({pattern[:-1].rstrip()}:*)"
    return f"Bash({pattern})"


def _bash_pattern(tool: str) -> str | None:
    """OpenCode's pattern for Claude Code's `Bash(git diff:*)` (`git diff*`), if it has one."""
    match = re.fullmatch(r"Bash\((.+)\)", tool.strip())
    if match is None:
        return None
    inner = match.group(1).strip()
    if inner.endswith(":*"):
        inner = inner[:-2].rstrip() + "*"
    return "*" if not inner.strip("*") else inner  # `Bash(*)`, `Bash(*:*)`: every command


def _base_tool(tool: str) -> str:
    """`Bash` for `Bash(git diff:*)`."""
    return tool.split("(", 1)[0].strip()


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- model -----------------------------------------------------------------------------------


def _hub_model(agent: Agent, warnings: list[str]) -> str | None:
    """The model as Claude Code writes it (an alias, a full id or inherit), or None."""
    model = agent.model
    if model is None:
        return None
    family = FAMILY.get(agent.format, "markdown")
    if family in ("claude-agent", "claude-command"):
        return model
    if family == "opencode":
        provider, _, model_id = model.partition("/")
        if provider == "anthropic" and model_id.startswith("claude-"):
            return model_id
    elif family == "copilot":
        match = _COPILOT_CLAUDE.match(model)
        if match:
            return match.group(1).lower()
    warnings.append(f"model {model!r} has no Claude model equivalent: dropped")
    return None


def _convert_model(
    agent: Agent, source: dict[Any, Any], to_format: str, data: dict[str, Any], warnings: list[str]
) -> None:
    if agent.model is None:
        return
    target = LABELS[to_format]
    if to_format == "cursor-rule":
        warnings.append(f"model has no {target} equivalent: dropped")
        return
    before = len(warnings)
    hub = _hub_model(agent, warnings)
    if hub is None:
        if len(warnings) == before:
            warnings.append(f"model {agent.model!r} has no {target} equivalent: dropped")
        else:
            warnings[-1] = f"model {agent.model!r} has no {target} equivalent: dropped"
        return
    if to_format in ("claude-agent", "claude-command", "claude-skill"):
        written: str | None = hub
    elif hub == "inherit":
        warnings.append(
            f"model inherit: {target} uses the caller's model when none is set: left out"
        )
        return
    elif to_format == "opencode-agent":
        written = CLAUDE_ALIAS_TO_OPENCODE.get(hub) or (
            f"anthropic/{hub}" if hub.startswith("claude-") else None
        )
    else:
        written = CLAUDE_ALIAS_TO_COPILOT.get(hub) or _copilot_model(hub)
    if written is None:
        warnings.append(f"model {agent.model!r} has no {target} equivalent: dropped")
        return
    if written != agent.model:
        warnings.append(
            f"model {agent.model!r} written as {written!r} (check that {target} offers it)"
        )
    data["model"] = written


def _copilot_model(model_id: str) -> str | None:
    match = _CLAUDE_ID.match(model_id)
    if not match:
        return None
    family, major, minor = match.groups()
    return f"Claude {family.capitalize()} {major}" + (f".{minor}" if minor else "")


# -- colour ----------------------------------------------------------------------------------


def _convert_color(agent: Agent, to_format: str, data: dict[str, Any], warnings: list[str]) -> None:
    color = agent.color
    if color is None:
        return
    target = LABELS[to_format]
    if to_format in ("copilot-agent", "cursor-rule", "claude-command", "claude-skill"):
        warnings.append(f"color has no {target} equivalent: dropped")
        return
    if to_format == "opencode-agent":
        lower = color.lower()
        if _HEX.match(color) or lower in OPENCODE_THEME_COLORS:
            data["color"] = color
        elif lower in CLAUDE_COLOR_HEX:
            data["color"] = CLAUDE_COLOR_HEX[lower]
            warnings.append(f"color {color} written as {CLAUDE_COLOR_HEX[lower]} for OpenCode")
        else:
            warnings.append(f"color {color!r} is not one OpenCode accepts: dropped")
        return
    # Claude Code agent: a colour name.
    lower = color.lower()
    if lower in CLAUDE_COLOR_HEX:
        data["color"] = lower
    elif _HEX.match(color):
        nearest = _nearest_color(color)
        data["color"] = nearest
        warnings.append(f"color {color} written as {nearest}, the nearest Claude Code colour")
    else:
        warnings.append(f"color {color!r} has no {target} equivalent: dropped")


def _nearest_color(hex_color: str) -> str:
    def rgb(value: str) -> tuple[int, int, int]:
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)

    red, green, blue = rgb(hex_color)
    return min(
        CLAUDE_COLOR_HEX,
        key=lambda name: sum(
            (a - b) ** 2 for a, b in zip((red, green, blue), rgb(CLAUDE_COLOR_HEX[name]))
        ),
    )


# --------------------------------------------------------------------------------------------
# Writing the file


#: libyaml's emitter and parser when PyYAML has them (~5x faster than the pure Python ones).
_SafeDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """Strict YAML; text of several lines as a literal block, which people can read."""


def _represent_text(dumper: Any, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


class _NoDashesDumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """Strict YAML whose text holds no `---`: a value with one is double-quoted, its first dash
    written `\\x2d` (see `dump_frontmatter`)."""


def _represent_dashes(dumper: Any, value: str) -> yaml.ScalarNode:
    style = '"' if "---" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_NoDashesDumper.add_representer(str, _represent_dashes)


#: A dash with two more after it: written `\x2d`, no run of three is left (`----` too).
_DASH_BEFORE_TWO = re.compile("-(?=--)")


def dump_frontmatter(data: dict[str, Any]) -> str:
    """The keys as strict YAML that reads back to the same values (every owner reads it)."""
    text = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000,
        default_flow_style=False,
    )  # fmt: skip
    if yaml.load(text, Loader=_SafeLoader) != data:
        # A literal block cannot hold every string (trailing blanks): the plain dumper can.
        text = yaml.dump(
            data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, width=10_000
        )
    if "---" in text:
        # Claude Code's frontmatter ends at the first `---`, even inside a value (a name made
        # from `chakra-ui---semantic.mdc` lost the description after it): the same values,
        # each `---` written `\x2d--` in a double-quoted scalar.
        quoted = _DASH_BEFORE_TWO.sub(
            r"\\x2d",
            yaml.dump(
                data, Dumper=_NoDashesDumper, sort_keys=False, allow_unicode=True, width=10_000
            ),
        )
        if yaml.load(quoted, Loader=_SafeLoader) == data:
            text = quoted
    return text


def render(data: dict[str, Any], body: str) -> str:
    """A markdown file: the frontmatter between `---` lines, then the prompt as it was."""
    return f"---\n{dump_frontmatter(data)}---\n{body}"


def _strict(text: str) -> bool:
    """True when the text's frontmatter is strict YAML holding a mapping of text keys."""
    from agentbrowser.model.parse import split_frontmatter

    lines, _body, _line, closed = split_frontmatter(text)
    if lines is None or not closed:
        return False
    return _loads_as_mapping("\n".join(lines) + "\n")


def _strict_frontmatter(agent: Agent) -> bool:
    """True when the record's keys came from strict YAML (not recovered line by line)."""
    try:
        text = yaml.dump(agent.frontmatter, Dumper=_SafeDumper)
    except yaml.YAMLError:
        return False
    return _loads_as_mapping(text) and not any(
        p.rule in (YAML_SYNTAX, YAML_REFUSED) for p in agent.problems
    )


def _loads_as_mapping(text: str) -> bool:
    try:
        value = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return False
    return isinstance(value, dict) and all(isinstance(k, str) for k in value)


# --------------------------------------------------------------------------------------------
# Where an installed agent goes

#: Format -> folder under the project root.
PROJECT_FOLDERS: dict[str, str] = {
    "claude-agent": ".claude/agents",
    "claude-command": ".claude/commands",
    "claude-skill": ".claude/skills",
    "opencode-agent": ".opencode/agent",
    "copilot-agent": ".github/agents",
    "cursor-rule": ".cursor/rules",
}
#: Format -> folder under the home folder (Cursor rules live in projects only).
USER_FOLDERS: dict[str, str] = {
    "claude-agent": ".claude/agents",
    "claude-command": ".claude/commands",
    "claude-skill": ".claude/skills",
    "opencode-agent": ".config/opencode/agent",
    "copilot-agent": ".copilot/agents",
}
#: Format -> the file's name inside its folder.
FILE_NAMES: dict[str, str] = {
    "claude-agent": "{name}.md",
    "claude-command": "{name}.md",
    "claude-skill": "{name}/SKILL.md",
    "opencode-agent": "{name}.md",
    "copilot-agent": "{name}.agent.md",
    "cursor-rule": "{name}.mdc",
}
SCOPE_NAMES = ("project", "user")
#: Longest name accepted (file systems allow 255 bytes; the suffix needs some).
MAX_NAME = 200


class InstallTarget(NamedTuple):
    """Where an installed agent is written: its base (project root or home), folder and file."""

    base: str
    folder: str
    """The tool's folder (`.claude/agents`), absolute; the base is above it."""
    path: str


class TargetError(ValueError):
    """An install target that cannot be used: the message says why, for the user."""


#: What shows as nothing or as a blank in a name: invisible characters (text.py's class),
#: spaces other than the plain one, the braille blank; a name that looks like another's is
#: how a planted file passes for the one a user meant.
_INVISIBLE_NAME = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e01ef\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2800]"
)
#: Dashes that pass for `-` (hyphen, non-breaking hyphen, figure dash, en and em dash, minus).
_ODD_DASH = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a file name inside a tool's folder, or None when it can."""
    if not name or not name.strip():
        return "the name is empty"
    if name != name.strip():
        return "the name starts or ends with blanks"
    if unicodedata.category(name[0]).startswith("M"):
        return "the name starts with a combining mark (it joins whatever stands before it)"
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        return "the name holds control characters"
    if _INVISIBLE_NAME.search(name):
        return "the name holds a character that shows as nothing or as a blank"
    styled = unicodedata.normalize("NFKC", name) != unicodedata.normalize("NFC", name)
    if styled or _ODD_DASH.search(name):
        return "the name holds characters that pass for others (full-width, styled or odd dashes)"
    mixed = mixed_script_word(name)
    if mixed is not None:
        return f"the word {mixed[0]!r} mixes {mixed[1]} letters, which can look alike"
    if "/" in name or "\\" in name or (os.sep in name) or (os.altsep and os.altsep in name):
        return "the name holds a path separator"
    if os.path.isabs(name) or name.startswith("~"):
        return "the name is a path"
    if name.startswith("."):
        return "the name starts with a dot (.., hidden files)"
    if len(name.encode("utf-8")) > MAX_NAME:
        return f"the name is longer than {MAX_NAME} bytes"
    return None


def safe_name(name: str) -> str:
    """`name` made usable as a file name: separators and control characters become `-`."""
    cleaned = "".join(
        "-" if char in "/\\" or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
        for char in name
    ).strip()
    cleaned = cleaned.lstrip(".~").strip() or "agent"
    while len(cleaned.encode("utf-8")) > MAX_NAME:
        cleaned = cleaned[:-1]
    return cleaned


def project_root(cwd: str) -> str:
    """The repository root above `cwd` (the folder holding .git), as discovery finds it."""
    from agentbrowser.model.discovery import project_roots

    return project_roots(cwd)[-1]


def install_target(fmt: str, scope: str, name: str, cwd: str, home: str) -> InstallTarget:
    """Where `fmt` installs an agent called `name` in `scope`; TargetError when it cannot."""
    if fmt not in FILE_NAMES:
        raise TargetError(f"cannot install as {fmt}: one of {', '.join(TARGET_FORMATS)}")
    problem = name_problem(name)
    if problem is not None:
        raise TargetError(f"{problem}: refused ({name!r})")
    if scope == "project":
        base, folder = project_root(cwd), PROJECT_FOLDERS[fmt]
    elif scope == "user":
        if fmt not in USER_FOLDERS:
            raise TargetError(
                f"{LABELS[fmt]}s live in projects only (.cursor/rules): use --to project"
            )
        base, folder = os.path.abspath(home), USER_FOLDERS[fmt]
    else:
        raise TargetError(f"unknown scope {scope!r}: project or user")
    absolute = os.path.join(base, *folder.split("/"))
    return InstallTarget(
        base, absolute, os.path.join(absolute, *FILE_NAMES[fmt].format(name=name).split("/"))
    )
