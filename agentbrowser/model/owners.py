"""What each owning tool does with frontmatter that strict YAML rejects, in the owner's words.

Claude Code reads frontmatter with a YAML parser and, when that fails, once more after quoting
every `key: value` line whose value holds a YAML indicator (`: `, `#`, `[`, `*`, `|`, a
backtick...) and turning leading tabs into spaces (read from Claude Code 2.1.332's loader and
checked against `claude plugin validate` on the test corpus: tests/model/test_owners.py).
So a one-line description full of `Context:` and `user:` loads; a value that runs on over
lines, an unterminated quote or a file with CRLF line endings (its quoting skips them) does
not. Cursor reads an `.mdc` rule's `globs` as a plain comma-separated string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from agentbrowser.model import yamlsafe
from agentbrowser.model.schema import SCHEMAS

CLAUDE_FORMATS = frozenset({"claude-agent", "claude-command", "claude-skill"})
#: Formats whose owner reads frontmatter as strict YAML (a file it cannot parse is not loaded).
_STRICT_OWNERS = {
    "copilot-agent": "GitHub Copilot",
    "copilot-chatmode": "GitHub Copilot",
    "copilot-prompt": "GitHub Copilot",
    "copilot-instructions": "GitHub Copilot",
}
_KIND = {"claude-agent": "agent", "claude-command": "command", "claude-skill": "skill"}

#: Every field a format documents, from the one table of each format's fields (model/schema.py).
#: A line at column 0 starting with one of these ends the value above it; any other line
#: continues it.
DOCUMENTED_KEYS: dict[str, frozenset[str]] = {
    fmt: frozenset(schema.fields) for fmt, schema in SCHEMAS.items()
}
#: For a file whose format its path does not tell: any format's fields.
ANY_DOCUMENTED_KEY = frozenset().union(*DOCUMENTED_KEYS.values())


def documented_keys(fmt: str | None) -> frozenset[str]:
    """The fields of a format, or of every format when it is not known."""
    return DOCUMENTED_KEYS.get(fmt or "", ANY_DOCUMENTED_KEY)


# -- Claude Code's tolerant reading --------------------------------------------------------------
# JavaScript's `.` stops at \r, \n, \u2028 and \u2029; `$` (no m flag) is the end of the line.
_CLAUDE_LINE = re.compile(r"([a-zA-Z_-]+):\s+(\S[^\r\n\u2028\u2029]*)")
_CLAUDE_INDICATOR = re.compile(r"[{}\[\]*&#!|>%@`]|: ")
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


def claude_requote(source: str) -> str:
    """The frontmatter text as Claude Code's second attempt reads it (quoted, tabs expanded)."""
    out: list[str] = []
    for line in source.split("\n"):
        match = _CLAUDE_LINE.fullmatch(line)
        if match:
            key, value = match.groups()
            if (
                (value[0] == value[-1] == '"')
                or (value[0] == value[-1] == "'")
                or value[0] == "["
                and value[-1] == "]"
                and _is_list(value)
            ):
                pass
            elif _CLAUDE_INDICATOR.search(value):
                escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                line = f'{key}: "{escaped}"'
        out.append(line)
    return _LEADING_TABS.sub(lambda m: "  " * len(m.group(0)), "\n".join(out))


def _is_list(value: str) -> bool:
    try:
        loaded, _, _ = yamlsafe.load(value)
    except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
        return False
    return isinstance(loaded, list)


def claude_read(source: str, crlf: bool = False) -> tuple[bool, Any]:
    """(True, values) when Claude Code reads the frontmatter, else (False, None): cut at its
    first `---` (then read as it is), else its second attempt on the whole.

    For a frontmatter strict YAML rejects, or one holding `---`. With CRLF line endings every
    line ends in `\\r`, which Claude Code's line pattern does not match: nothing is quoted, the
    second attempt fails.
    """
    # Claude Code's frontmatter ends at the first `---` anywhere, even inside a line.
    cut = source.find("---")
    if cut >= 0:
        source = source[:cut]
        try:  # its first attempt, on its shorter frontmatter
            value, _, _ = yamlsafe.load(source)
            return True, value
        except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
            pass
    if crlf:
        return False, None
    try:
        value, _, _ = yamlsafe.load(claude_requote(source))
    except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
        return False, None
    return True, value


# Greedy to the end of the line, blanks stripped in code: a lazy `.*?[ \t]*$` would retry a
# run of blanks at every position (quadratic).
# OpenCode 1.18 (read from its bundle, checked with `opencode agent list`): when YAML fails, an
# unindented `key: value` line (key of letters, digits, `_`) whose value holds `:` and is not
# quoted, empty or a block indicator becomes a block, `key: |-` with the value below, and it
# parses again; when that fails too the agent loads without its frontmatter.
_OPENCODE_LINE = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*:\s*(.*)")


def opencode_read(source: str) -> tuple[bool, Any]:
    """(True, values) when OpenCode's second attempt parses the frontmatter, else (False, None)."""
    out: list[str] = []
    for line in source.split("\n"):
        stripped = line.strip()
        match = None
        if stripped and not stripped.startswith("#") and line[:1] not in (" ", "\t"):
            match = _OPENCODE_LINE.fullmatch(line)
        if match is not None:
            value = match.group(2).strip()
            if value not in ("", ">", "|") and value[0] not in "\"'" and ":" in value:
                out.extend((f"{match.group(1)}: |-", f"  {value}"))
                continue
        out.append(line)
    try:
        value, _, _ = yamlsafe.load("\n".join(out))
    except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
        return False, None
    return (True, value) if isinstance(value, dict) else (False, None)


def opencode_rejects(why: str) -> str:
    """The error for an OpenCode agent whose frontmatter OpenCode cannot parse."""
    return (
        "OpenCode loads this agent without its frontmatter (description, mode, model and the "
        f"rest are dropped): its frontmatter does not parse ({why})"
    )


def opencode_portability(why: str) -> str:
    """The warning for an OpenCode agent that OpenCode reads and strict YAML readers reject."""
    return (
        f"OpenCode reads this frontmatter, but strict YAML does not ({why}): python-frontmatter "
        "and other strict YAML readers reject it"
    )


_CURSOR_GLOBS = re.compile(r"^globs:[ \t]+([^\n'\"\[ \t][^\n]*)$", re.MULTILINE)


def cursor_read(source: str) -> tuple[bool, Any]:
    """Frontmatter as Cursor reads a rule: `globs` is a plain comma-separated string."""
    if _CURSOR_GLOBS.search(source) is None:
        return False, None
    quoted = _CURSOR_GLOBS.sub(
        lambda m: "globs: '" + m.group(1).rstrip(" \t").replace("'", "''") + "'", source
    )
    try:
        value, _, _ = yamlsafe.load(quoted)
    except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
        return False, None
    return (True, value) if isinstance(value, dict) else (False, None)


# -- verdicts, in the owner's words ----------------------------------------------------------------


def claude_semantics(path: str, scope: str) -> str | None:
    """`plugin` or `project` when the file's place says how Claude Code loads it, else None."""
    if scope == "plugin" or "/.claude/plugins/" in path.replace("\\", "/"):
        return "plugin"
    if scope in ("project", "user") or "/.claude/" in path.replace("\\", "/"):
        return "project"
    return None


def claude_rejects(fmt: str, semantics: str | None, why: str) -> str:
    """The error for a Claude file whose frontmatter Claude Code cannot parse."""
    kind = _KIND[fmt]
    if kind != "agent":
        return (
            f"Claude Code loads this {kind} without its description or any other frontmatter "
            f"field: its frontmatter does not parse ({why})"
        )
    project = (
        "any name it holds is lost with the rest, and a file without one is treated as a "
        "reference document and skipped"
    )
    plugin = (
        "in a plugin, Claude Code loads it under its file name without its description or "
        "other fields"
    )
    if semantics == "project":
        return (
            f"Claude Code will not load this agent: its frontmatter does not parse ({why}); "
            + project
        )
    if semantics == "plugin":
        return f"{plugin}: its frontmatter does not parse ({why})"
    return (
        f"Claude Code will not load this agent from a project: its frontmatter does not parse "
        f"({why}); {project}; {plugin}"
    )


def claude_agent_unloaded(values: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Why Claude Code (2.1.332) does not load an agent of a project or of the user's own
    folder whose frontmatter it read, as (what is wrong, key): it lists it nowhere, without a
    word (its validator at most warns). Measured with `claude -p --agent` (which names the
    agents it loaded): a `description` that is missing, empty or not text, a `hooks` that is not
    a mapping, a name that holds `:`. A plugin's agent loads all the same."""
    found: list[tuple[str, str | None]] = []
    description = values.get("description")
    if "description" not in values:
        found.append(("no `description`", None))
    elif description is None or description == "":
        found.append(("`description` is empty", "description"))
    elif core_kind(description, None) != "string":
        found.append((f"`description` is not text ({_js_kind(description)})", "description"))
    hooks = values.get("hooks")
    if "hooks" in values and hooks is not None and not isinstance(hooks, dict):
        found.append((f"`hooks` is {_js_kind(hooks)}, not a mapping", "hooks"))
    name = values.get("name")
    if isinstance(name, str) and ":" in name:
        found.append((f"`name` holds `:` ({name!r})", "name"))
    return found


_KIND_WORDS = {"array": "a list", "object": "a mapping", "boolean": "a boolean", "null": "null"}


def _js_kind(value: Any) -> str:
    """A value's kind as Claude Code's JavaScript sees it (`core_kind`), in words: a list, a
    mapping, a number..."""
    kind = core_kind(value, None)
    return _KIND_WORDS.get(kind, f"a {kind}")


def plugin_name_not_text(name: Any) -> str:
    """A plugin's agent whose `name` is not text: Claude Code's validator rejects it, and its
    loader still loads it, named by the value as JavaScript writes it (`123`, `a,b` for a list),
    where a project does not load it."""
    return (
        f"`name` is not text ({_js_kind(name)}): Claude Code rejects it, yet a plugin still "
        f"loads the agent, as {_js_string(name)!r} (a project would not load it)"
    )


def _js_string(value: Any) -> str:
    """``String(value)`` in JavaScript, for the values YAML gives."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return ",".join("" if v is None else _js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def claude_unloaded_message(why: str, semantics: str | None) -> str | None:
    """The error for an agent Claude Code does not load (`claude_agent_unloaded`) where the
    file lives (`claude_semantics`); None in a plugin, which loads it."""
    if semantics == "plugin":
        return None
    if semantics == "project":
        return f"{why}: Claude Code will not load this agent"
    return f"{why}: Claude Code will not load this agent from a project (a plugin loads it)"


def claude_no_frontmatter(semantics: str | None) -> str:
    """What Claude Code does with an agent file without frontmatter."""
    project = "Claude Code takes the file for a reference document and does not load it"
    plugin = "a plugin loads it under its file name, without a description"
    if semantics == "project":
        return f"no frontmatter: {project}"
    if semantics == "plugin":
        return f"no frontmatter: {plugin}"
    return f"no frontmatter: in a project {project}; {plugin}"


def unclosed_frontmatter(fmt: str, semantics: str | None) -> str:
    """The error for frontmatter opened on line 1 and never closed, in what its owner does:
    the owners read no frontmatter in such a file (the whole of it is the prompt)."""
    opened = "frontmatter opened on line 1 is never closed with ---"
    if fmt == "claude-agent":
        return f"{opened}: {claude_no_frontmatter(semantics)[len('no frontmatter: ') :]}"
    if fmt in CLAUDE_FORMATS:
        return f"{opened}: Claude Code reads no frontmatter in it, the whole file is the prompt"
    if fmt == "opencode-agent":
        return f"{opened}: {OPENCODE_NO_FRONTMATTER}"
    return f"{opened}: tools read no frontmatter in it"


#: What OpenCode (1.18.33) does with a file whose frontmatter it does not read (never closed,
#: a key written twice, a list rather than keys).
OPENCODE_NO_FRONTMATTER = (
    "OpenCode reads no frontmatter in this file: the agent loads with the whole file as its "
    "prompt, no description, mode all"
)


def opencode_duplicate(key: str) -> str:
    """OpenCode reads a frontmatter with a key written twice as no frontmatter."""
    return f"duplicate key `{key}`: {OPENCODE_NO_FRONTMATTER}"


#: Claude Code's own tools, as an agent's `tools` names them (its docs' tools reference).
CLAUDE_TOOLS = frozenset(
    """Read Write Edit MultiEdit NotebookEdit NotebookRead Bash BashOutput KillShell KillBash
    Grep Glob LS LSP WebFetch WebSearch Task TaskOutput TaskCreate TaskGet TaskList TaskUpdate
    TaskStop Agent TodoWrite Skill SlashCommand EnterPlanMode ExitPlanMode EnterWorktree
    ExitWorktree AskUserQuestion ListMcpResourcesTool ReadMcpResourceTool Monitor ToolSearch
    SendMessage CronCreate CronDelete CronList""".split()  # noqa: SIM905 (a word list)
)
#: At least this many names of a list that are no Claude Code tool, and it is another tool's
#: list (VS Code's `codebase, fetch, search`): said once, not as typos.
FOREIGN_TOOLS = 3


_FOLDED_TOOLS = {tool.lower(): tool for tool in CLAUDE_TOOLS}


def claude_tool_problems(tools: Sequence[str]) -> list[str]:
    """What is wrong with the names in a Claude file's tools list, each as a sentence: a name
    that holds a line break (a continuation line read into it), or one a letter or two from one
    of Claude Code's tools (`Raed`). The agent does not get such a tool: Claude Code gives only
    the tools it has by the names it knows. MCP tools (`mcp__...`) and names far from any tool
    (a tool that came later) are left alone."""
    if CLAUDE_TOOLS.issuperset(tools):  # (most lists: one C-speed test)
        return []
    import difflib

    found = []
    folded = _FOLDED_TOOLS
    foreign = [
        name
        for name in (t.split("(", 1)[0].strip() for t in tools)
        if name and name.lower() not in folded and not name.startswith("mcp__")
    ]
    if len(foreign) >= FOREIGN_TOOLS and 2 * len(foreign) >= len(tools):
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        found.append(
            f"{len(foreign)} of the tools ({shown}) are no Claude Code tools (another tool's "
            "names, as VS Code's): the agent gets none of them"
        )
        tools = [t for t in tools if "\n" in t]  # (a line read into a name is still said)
    for written in tools:
        name = written.split("(", 1)[0].strip()  # `Bash(git add:*)`: the tool is Bash
        if "\n" in written:
            shown = written.replace("\n", "\\n")
            found.append(
                f"the tool '{shown}' holds a line break (a line below the list read into it): "
                "no tool has that name, and the agent does not get it"
            )
        elif name and name not in CLAUDE_TOOLS and not name.startswith("mcp__"):
            if name.lower() in folded:
                continue  # another case only: not said (which case Claude Code needs is untold)
            near = difflib.get_close_matches(name.lower(), list(folded), n=1, cutoff=0.75)
            if near:
                found.append(
                    f"{name!r} is no Claude Code tool: did you mean {folded[near[0]]!r}? The "
                    "agent does not get a tool by a name Claude Code does not know"
                )
    return found


#: A skill name Copilot CLI (1.0.102) loads: ASCII letters, digits, `-_.:` and blanks (made
#: hyphens), starting with a letter or digit, at most 64 characters.
_COPILOT_SKILL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._:-]{0,63}")


def copilot_skill_failure(
    values: dict[str, Any] | None, duplicate: bool = False, unparsed: bool = False
) -> str | None:
    """Why GitHub Copilot CLI, which loads `.claude/skills` too, reports a skill as failed to
    load (in its words, measured with `copilot skill list`), or None: `values` None for a
    file without frontmatter, `unparsed` for one whose frontmatter strict YAML rejects."""
    if unparsed:
        return "it fails to parse its YAML frontmatter"
    if values is None:
        return "missing or malformed YAML frontmatter"
    if duplicate:
        return "a key is written twice"
    if "name" in values:
        name = values["name"]
        if not isinstance(name, str):
            return "its name must be a string"
        if len(name) > 64:
            return "its name must be at most 64 characters"
        if not _COPILOT_SKILL_NAME.fullmatch(name):
            return (
                "its name must start with an ASCII letter or digit and hold only ASCII letters, "
                "digits, hyphens, underscores, dots, colons and spaces"
            )
    if "description" in values:
        description = values["description"]
        if not isinstance(description, str):
            return "its description must be a string"
        if len(description) > 1024:
            return "its description must be at most 1,024 characters"
    return None


def copilot_skill_message(reason: str) -> str:
    return f"GitHub Copilot CLI, which loads .claude/skills too, does not load this skill: {reason}"


def copilot_command_failure(
    values: dict[str, Any] | None, duplicate: bool = False, unparsed: bool = False
) -> str | None:
    """Why GitHub Copilot CLI, which loads the commands of a `.claude/commands` folder as
    skills, reports one as failed to load, or None (measured with `copilot skill list`, 1.0.102):
    a skill's rules but that a command without frontmatter loads (its first line describes it),
    and its `argument-hint` must be text (`argument-hint: [file]` is a list)."""
    if values is None and not unparsed:
        return None
    if values is not None and not unparsed and not duplicate:
        hint = values.get("argument-hint")
        if "argument-hint" in values and not isinstance(hint, str):
            return "its argument-hint must be a string (quote it: `argument-hint: '[file]'`)"
    return copilot_skill_failure(values, duplicate, unparsed)


def copilot_command_message(reason: str) -> str:
    return (
        "GitHub Copilot CLI, which loads .claude/commands as skills, does not load this "
        f"command: {reason}"
    )


def copilot_command_file_ignored(path: str) -> str | None:
    """Why Copilot CLI leaves a `.claude/commands` file out of its skills without a word, or
    None: its file name (without `.md`) must be a skill's name, whatever its `name` key says
    (measured with `copilot skill list`, 1.0.102)."""
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if _COPILOT_SKILL_NAME.fullmatch(stem):
        return None
    return (
        "GitHub Copilot CLI, which loads .claude/commands as skills, leaves this one out "
        "without a word: its file name must start with an ASCII letter or digit, hold only "
        "ASCII letters, digits, hyphens, underscores, dots, colons and spaces, and be at most 64 "
        "characters"
    )


def in_claude_commands(path: str) -> bool:
    """Whether a file lies directly in a `.claude/commands` folder (Copilot CLI reads those,
    not the ones in folders below)."""
    parts = path.replace("\\", "/").split("/")
    return len(parts) >= 3 and parts[-2] == "commands" and parts[-3] == ".claude"


def claude_portability(fmt: str, why: str, path: str = "") -> str:
    """The warning for a Claude file that Claude Code reads and strict YAML readers reject."""
    who = "python-frontmatter and other strict YAML readers reject it"
    if fmt == "claude-skill":
        who = (
            "GitHub Copilot CLI, which loads .claude/skills too, reports it as failed to load, "
            "and python-frontmatter and other strict YAML readers reject it"
        )
    elif fmt == "claude-command" and in_claude_commands(path):
        who = (
            "GitHub Copilot CLI, which loads .claude/commands as skills, reports it as failed "
            "to load, and python-frontmatter and other strict YAML readers reject it"
        )
    return f"Claude Code reads this frontmatter, but strict YAML does not ({why}): {who}"


def owner_name(fmt: str) -> str:
    """The tool that owns a format, or "" when it is not known."""
    if fmt in CLAUDE_FORMATS:
        return "Claude Code"
    if fmt == "cursor-rule":
        return "Cursor"
    if fmt == "opencode-agent":
        return "OpenCode"
    return _STRICT_OWNERS.get(fmt, "")


#: What a strict owner still does with a file whose frontmatter it cannot read, where that is
#: measured: Copilot CLI 1.0.102 (`copilot instruction list`) lists such an instructions file,
#: without the description its frontmatter gives.
_USED_WITHOUT_FRONTMATTER = {
    "copilot-instructions": (
        "GitHub Copilot CLI still loads this instructions file, without its frontmatter: its "
        "`applyTo` and `description` are lost"
    ),
}


def strict_owner_rejects(fmt: str, why: str) -> str | None:
    """The error for a format whose owner reads strict YAML, or None when its owner is lenient."""
    owner = _STRICT_OWNERS.get(fmt)
    if owner is None:
        return None
    used = _USED_WITHOUT_FRONTMATTER.get(fmt)
    if used is not None:
        return f"{owner} reads frontmatter as YAML and cannot read this one ({why}): {used}"
    return f"{owner} reads frontmatter as YAML and will not load this file as written ({why})"


def portability(why: str) -> str:
    """The warning for a file whose owner does not need strict YAML, or is not known."""
    return f"strict YAML readers such as python-frontmatter reject this frontmatter ({why})"


# YAML 1.2's core schema, which Claude Code's parser follows: `yes`, `on`, `2024-01-01` and
# `1_000` are text there (PyYAML, YAML 1.1, reads them as booleans, dates, numbers), and `1e3` is a
# number (text for PyYAML).
_CORE_NULL = re.compile(r"~|null|Null|NULL|")
_CORE_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_CORE_NUMBER = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)
_COMMENT = re.compile(r"[ \t]+#.*")


def core_kind(value: Any, raw: str | None) -> str:
    """What JavaScript type Claude Code gets for a value: string, number, boolean, null, array,
    object. `raw` is the value's text when it sat on its key's line, else None."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if raw is not None and raw[:1] not in ("'", '"', "|", ">", "[", "{", "&", "!", "*"):
        first = raw[:1]
        if first.isalpha() and first not in "nNtTfF":
            # Most values (`name: code-reviewer`, `allowed-tools: Read, Bash`): a letter stays
            # first when the comment is cut and the blanks stripped, and only null and the
            # booleans among the patterns below start with a letter (n, t, f).
            return "string"
        plain = _COMMENT.sub("", raw).strip()
        if _CORE_NULL.fullmatch(plain):
            return "null"
        if _CORE_BOOL.fullmatch(plain):
            return "boolean"
        return "number" if _CORE_NUMBER.fullmatch(plain) else "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string"  # text, and dates (YAML 1.2 has no timestamps)


def claude_value_errors(
    fmt: str, values: Any, raw: Callable[[str], str | None] = lambda key: None
) -> list[tuple[str, str | None]]:
    """Claude Code's own errors on frontmatter it parsed: (message, key), in its words.

    `raw(key)` gives a key's value as written on its line (None when it is not on one line).
    """
    if values is None:
        return []
    if not isinstance(values, dict):
        kind = "a list" if isinstance(values, list) else "a single value"
        return [
            (
                f"Claude Code rejects this frontmatter: it must be a mapping of keys, not {kind}",
                None,
            )
        ]
    found: list[tuple[str, str | None]] = []
    description = values.get("description")
    if isinstance(description, (list, dict)):
        kind = "a list" if isinstance(description, list) else "a mapping"
        found.append(
            (f"`description` is {kind}: Claude Code drops it (it must be text)", "description")
        )
    if "name" in values:
        kind = core_kind(values["name"], raw("name"))
        if kind not in ("string", "null"):
            article = "an" if kind[0] in "aeiou" else "a"
            found.append((f"`name` is not text ({article} {kind}): Claude Code rejects it", "name"))
    if "allowed-tools" in values:
        tools = values["allowed-tools"]
        kind = core_kind(tools, raw("allowed-tools"))
        if kind not in ("string", "null", "array") or (
            isinstance(tools, list) and not all(isinstance(t, str) for t in tools)
        ):
            found.append(
                ("`allowed-tools` must be text or a list of text for Claude Code", "allowed-tools")
            )
    if fmt != "claude-agent" and "shell" in values:
        shell = values["shell"]
        kind = core_kind(shell, raw("shell"))
        text = raw("shell") if kind == "string" and not isinstance(shell, str) else shell
        if kind != "null" and (
            kind != "string" or str(text).strip().lower() not in ("bash", "powershell")
        ):
            found.append(("`shell` must be bash or powershell for Claude Code", "shell"))
    return found
