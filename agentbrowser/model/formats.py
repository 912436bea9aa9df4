"""Which format a file is, what it is called, and its tools as a list."""

from __future__ import annotations

import fnmatch
import os
from typing import Any, NamedTuple

from agentbrowser.model.records import ALL_TOOLS_FORMATS, WARNING, Agent, Problem

# Suffixes that name a format whatever folder the file is in, longest first.
_SUFFIX_FORMATS: tuple[tuple[str, str], ...] = (
    (".agent.md", "copilot-agent"),
    (".chatmode.md", "copilot-chatmode"),
    (".prompt.md", "copilot-prompt"),
    (".instructions.md", "copilot-instructions"),
    (".mdc", "cursor-rule"),
)

# Folder pairs that name a format: (parent, child) anywhere in the path.
_FOLDER_FORMATS: dict[tuple[str, str], str] = {
    (".claude", "agents"): "claude-agent",
    (".claude", "commands"): "claude-command",
    (".opencode", "agent"): "opencode-agent",
    (".opencode", "agents"): "opencode-agent",
    ("opencode", "agent"): "opencode-agent",  # ~/.config/opencode/agent
    ("opencode", "agents"): "opencode-agent",
    (".github", "agents"): "copilot-agent",
    (".github", "chatmodes"): "copilot-chatmode",
    (".github", "prompts"): "copilot-prompt",
    (".cursor", "rules"): "cursor-rule",
}

#: Formats whose `allowed-tools` string is space-separated (Agent Skills).
_SPACE_SEPARATED_TOOLS = frozenset({"claude-skill"})


def detect_format(path: str, frontmatter: dict[str, Any] | None, hint: str | None = None) -> str:
    """The format of a file, from its name, its folders, a discovery hint, then its content."""
    base = os.path.basename(path)
    lower = base.lower()
    for suffix, fmt in _SUFFIX_FORMATS:
        if lower.endswith(suffix):
            return fmt
    if lower == "skill.md":
        return "claude-skill"
    fmt = _folder_format(os.path.dirname(path))
    if fmt:
        return fmt
    if hint:
        return hint
    if frontmatter:
        if "name" in frontmatter and "description" in frontmatter:
            return "claude-agent"
        # Keys only one format uses, for files kept outside their usual folders.
        if "argument-hint" in frontmatter or "allowed-tools" in frontmatter:
            return "claude-command"
        if "applyTo" in frontmatter:
            return "copilot-instructions"
        if "globs" in frontmatter or "alwaysApply" in frontmatter:
            return "cursor-rule"
    return "markdown"


#: The second folder of every pair: a folder that is none of these names no format.
_PAIR_ENDS = frozenset(second for _, second in _FOLDER_FORMATS)


def _folder_format(folder: str) -> str | None:
    """The format a folder's path names, if any.

    The deepest matching folder pair decides (a repo may nest .claude inside .github, ...).
    C-level splitting and a set test per folder: ~1 us, asked for every file parsed.
    """
    if "\\" in folder:
        folder = folder.replace("\\", "/")
    parts = folder.split("/")
    if "//" in folder:
        parts = [p for p in parts if p]
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] in _PAIR_ENDS:
            fmt = _FOLDER_FORMATS.get((parts[i - 1], parts[i]))
            if fmt:
                return fmt
    return None


def _strip_suffix(base: str, fmt: str) -> str:
    lower = base.lower()
    for suffix, _ in _SUFFIX_FORMATS:
        if lower.endswith(suffix):
            return base[: -len(suffix)]
    for suffix in (".markdown", ".md", ".txt"):
        if lower.endswith(suffix):
            return base[: -len(suffix)]
    return base


def derive_name(path: str, fmt: str, frontmatter: dict[str, Any] | None) -> str:
    """The frontmatter name, else the file's name without its format suffix.

    A skill takes its folder's name when the frontmatter has none; an OpenCode agent its path
    below its agent folder (see `opencode_name`).
    """
    if fmt == "opencode-agent":
        return opencode_name(path, frontmatter)
    base = os.path.basename(path)
    if frontmatter:
        name = frontmatter.get("name")
        if isinstance(name, (str, int, float)) and not isinstance(name, bool):
            text = str(name).strip()
            if text:
                return text
    if fmt == "claude-skill":
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
        if folder:
            return folder
    return _strip_suffix(base, fmt)


#: The folders OpenCode reads agents from, below its configuration folder.
_OPENCODE_AGENT_FOLDERS = frozenset({"agent", "agents"})
_OPENCODE_CONFIG_FOLDERS = frozenset({".opencode", "opencode"})


def opencode_name(path: str, frontmatter: dict[str, Any] | None) -> str:
    """The name OpenCode gives an agent file: its `name` when that is text (as written), else
    its path below the agent folder without `.md` (`.opencode/agent/team/reviewer.md` is
    `team/reviewer`); `name:` with no value makes it `null`.

    Measured with OpenCode 1.18.33 (`opencode agent list`), whose loader spreads the
    frontmatter over the path's name (a number or a boolean as JavaScript writes it). An empty
    `name` is no name here: OpenCode lists no agent for it (schema.py says so, and what a name
    that is not text can do).
    """
    name = frontmatter.get("name") if frontmatter else None
    if isinstance(name, str) and name.strip():
        return name
    if name is None and frontmatter and "name" in frontmatter:
        return "null"  # `name:` without a value: OpenCode lists the agent as `null`
    if isinstance(name, bool):
        return "true" if name else "false"
    if isinstance(name, int) or (isinstance(name, float) and name.is_integer()):
        return str(int(name))  # as JavaScript writes the number: `name: 123` is `123`
    parts = path.replace("\\", "/").split("/")
    for index in range(len(parts) - 2, 0, -1):  # the deepest agent folder decides
        if parts[index] in _OPENCODE_AGENT_FOLDERS and parts[index - 1] in _OPENCODE_CONFIG_FOLDERS:
            return _strip_suffix("/".join(parts[index + 1 :]), "opencode-agent")
    return _strip_suffix(os.path.basename(path), "opencode-agent")


#: OpenCode's own tools, as `opencode debug agent NAME` lists them for an agent (OpenCode
#: 1.18.33; its internal `invalid` and `question` left out).
OPENCODE_BUILTIN_TOOLS = (
    "bash", "read", "glob", "grep", "edit", "write", "task", "webfetch", "todowrite",
    "websearch", "skill",
)  # fmt: skip
#: The permission that decides each tool (the file-changing ones share `edit`), and the `tools`
#: map keys that set it.
OPENCODE_PERMISSION = {"write": "edit", "patch": "edit"}

#: One OpenCode permission rule: (permission pattern, command pattern, allowed).
Rule = tuple[str, str, bool]


def opencode_rules(frontmatter: dict[Any, Any]) -> tuple[list[Rule], list[str]]:
    """An OpenCode agent's permission rules in the order OpenCode applies them, and the tools
    its `tools` map names beyond OpenCode's own (an MCP server's).

    `tools` entries become rules first (true: allow, false: deny; `write`, `edit` and `patch`
    all set the `edit` permission), then `permission` (`deny` for all, `{bash: deny}`, or
    per-command patterns `{bash: {"*": deny, "git *": allow}}`), in order. `ask` allows.
    """
    rules: list[Rule] = []
    named: list[str] = []
    tools = frontmatter.get("tools")
    if isinstance(tools, dict):
        for key, on in tools.items():
            if on is not True and on is not False:
                continue  # another value: OpenCode refuses the file (schema.py says so)
            tool = str(key)
            rules.append((OPENCODE_PERMISSION.get(tool, tool), "*", on))
            if tool not in OPENCODE_PERMISSION and not any(c in tool for c in "*?"):
                named.append(tool)
    permission = frontmatter.get("permission")
    if isinstance(permission, str):
        rules.append(("*", "*", permission != "deny"))
    elif isinstance(permission, dict):
        for key, action in permission.items():
            if isinstance(action, str):
                rules.append((str(key), "*", action != "deny"))
            elif isinstance(action, dict):
                rules.extend(
                    (str(key), str(pattern), act != "deny")
                    for pattern, act in action.items()
                    if isinstance(act, str)
                )
    return rules, named


def opencode_tools(frontmatter: dict[Any, Any]) -> tuple[str, ...] | None:
    """The tools an OpenCode agent keeps, from its `tools` map and its `permission` rules;
    None when it keeps every tool.

    OpenCode allows every tool unless a rule says otherwise (`opencode_rules`); a tool is gone
    when the last rule for its permission denies it for every command (`*`): a tool some
    commands may still use stays. Checked against `opencode debug agent`.
    """
    rules, named = opencode_rules(frontmatter)
    if all(allowed for _, _, allowed in rules):
        return None
    kept: list[str] = []
    for tool in dict.fromkeys([*OPENCODE_BUILTIN_TOOLS, *named]):
        wanted = OPENCODE_PERMISSION.get(tool, tool)
        last = next((r for r in reversed(rules) if fnmatch.fnmatchcase(wanted, r[0])), None)
        if last is None or last[2] or last[1] != "*":
            kept.append(tool)
    return tuple(kept)


class BashRules(NamedTuple):
    """What an OpenCode agent's rules leave of bash, command by command."""

    whole: bool
    """Every command is allowed but those in `denied` (else only those in `allowed`)."""
    allowed: tuple[str, ...]
    """With `whole` false, the command patterns allowed (`git *`); none: no command at all."""
    denied: tuple[str, ...]
    """Patterns denied after the rule for every command. A pattern allowed again later still
    counts as denied: whoever reads this allows less than OpenCode, never more."""


def opencode_bash(frontmatter: dict[Any, Any]) -> BashRules:
    """Bash under an OpenCode agent's rules. OpenCode applies the last rule that matches a
    command (read from its source: `findLast`); before any rule, every command is allowed."""
    rules, _ = opencode_rules(frontmatter)
    bash = [r for r in rules if fnmatch.fnmatchcase("bash", r[0])]
    whole = [i for i, r in enumerate(bash) if r[1] == "*"]
    start = whole[-1] + 1 if whole else 0
    every = bash[whole[-1]][2] if whole else True
    allowed: dict[str, None] = {}
    denied: dict[str, None] = {}
    for _, pattern, on in bash[start:]:
        if on:
            allowed[pattern] = None
        else:
            allowed.pop(pattern, None)  # the same pattern denied again: the last rule decides
            denied[pattern] = None
    return BashRules(every, () if every else tuple(allowed), tuple(denied))


def split_tools(text: str, on_space: bool) -> list[str]:
    """Split a tool string on commas (or whitespace) outside parentheses and brackets.

    ``Bash(git add:*)`` and ``Bash(npm run test, npm run lint)`` stay whole.
    """
    if "(" not in text and "[" not in text and "{" not in text:
        # No brackets (the common case): the same split, done by str methods in C.
        parts = text.split() if on_space and "," not in text else text.split(",")
        return [p.strip() for p in parts if p.strip()]
    entries: list[str] = []
    depth = 0
    current: list[str] = []
    use_space = on_space and "," not in _top_level(text)
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        if depth == 0 and (char == "," or (use_space and char.isspace())):
            entries.append("".join(current))
            current = []
            continue
        current.append(char)
    entries.append("".join(current))
    return [e.strip() for e in entries if e.strip()]


def _top_level(text: str) -> str:
    """The text with everything inside parentheses removed."""
    depth = 0
    out = []
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def refused_tools(agent: Agent) -> tuple[str, ...]:
    """The tools an agent without a tools list is refused whole by `disallowedTools` (a Claude
    Code key: `Bash(rm:*)` refuses part of Bash, not Bash), as written; () when it has a list
    or refuses none."""
    if agent.tools is not None or agent.format not in ALL_TOOLS_FORMATS:
        return ()
    denied = (agent.frontmatter or {}).get("disallowedTools")
    if isinstance(denied, str):
        denied = split_tools(denied, False)
    if not isinstance(denied, list):
        return ()
    return tuple(
        tool.strip()
        for tool in denied
        if isinstance(tool, str) and tool.strip() and "(" not in tool
    )


def shown_tools(agent: Agent) -> str:
    """Tools as a table's cell says them for an agent without a list: `all`, `all but Bash`,
    or `-` for a format that has no tools."""
    if agent.format not in ALL_TOOLS_FORMATS:
        return "-"
    refused = refused_tools(agent)
    return "all but " + ", ".join(refused) if refused else "all"


#: Formats whose `tools: ["*"]` enables every tool, as no `tools` key does (GitHub's custom
#: agents configuration reference, "Enable all available tools").
_STAR_IS_EVERY_TOOL = frozenset({"copilot-agent", "copilot-chatmode"})


def normalize_tools(
    frontmatter: dict[str, Any] | None, fmt: str
) -> tuple[tuple[str, ...] | None, list[Problem]]:
    """`tools` (or `allowed-tools`) as a tuple of strings; None when neither key is set.

    A comma string, a space string (skills' allowed-tools), a YAML list, or a map of
    booleans (its true entries) all become a tuple. An empty value is an empty tuple. An
    OpenCode agent's are what its `tools` map and `permission` rules leave (`opencode_tools`).
    """
    problems: list[Problem] = []
    if not frontmatter:
        return None, problems
    if fmt == "opencode-agent" and (
        "permission" in frontmatter or isinstance(frontmatter.get("tools"), dict)
    ):
        return opencode_tools(frontmatter), problems
    key = "tools" if "tools" in frontmatter else "allowed-tools"
    if key not in frontmatter:
        return None, problems
    value = frontmatter[key]
    if value is None:
        return None, problems
    if isinstance(value, str):
        on_space = key == "allowed-tools" and fmt in _SPACE_SEPARATED_TOOLS
        named = tuple(split_tools(value, on_space))
        return (None if "*" in named and fmt in _STAR_IS_EVERY_TOOL else named), problems
    if isinstance(value, dict):
        return tuple(str(k) for k, v in value.items() if v is True), problems
    if isinstance(value, list):
        tools: list[str] = []
        for item in value:
            if item is None:
                continue
            if isinstance(item, str):
                # (`"," in item` first: _top_level walks the item a character at a time.)
                split = "," in item and "," in _top_level(item)
                tools.extend(split_tools(item, False) if split else [item.strip()])
            elif isinstance(item, dict):
                tools.extend(str(k) for k, v in item.items() if v is not False)
            else:
                tools.append(str(item))
        if "*" in tools and fmt in _STAR_IS_EVERY_TOOL:
            return None, problems
        return tuple(t for t in tools if t), problems
    kind = {bool: "a boolean", int: "an integer", float: "a number"}.get(type(value), "a value")
    problems.append(Problem(WARNING, f"`{key}` is {kind}, not a list or string"))
    return (str(value),), problems
