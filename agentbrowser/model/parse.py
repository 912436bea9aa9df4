"""Turn a file's text into an Agent record, leniently: every file gets a record."""

from __future__ import annotations

import os
import re
from typing import Any, NamedTuple

from agentbrowser.model import owners, security, yamlsafe
from agentbrowser.model.formats import derive_name, detect_format, normalize_tools
from agentbrowser.model.records import (
    ERROR,
    FRONTMATTER_FIELDS,
    INFO,
    WARNING,
    Agent,
    Problem,
    agent_from_values,
    as_text,
    evolve,
)
from agentbrowser.model.schema import RULE_LIMIT, check_frontmatter
from agentbrowser.model.text import FileText, one_line, read_text

_FENCE = re.compile(r"^---[ \t]*$")
# A line that starts with `---` closes frontmatter (`----` and `--- x` too: Claude Code and
# OpenCode end it at the first `---`); YAML's `...` does not (no owner reads a block ended so
# as frontmatter: checked with each).
_CLOSE_ANYWHERE = re.compile(r"^---.*$", re.MULTILINE)
# A top-level key as the owning tools read one: at column 0, starting with a lower-case letter
# (real keys do: name, description, allowedTools...). `Examples:` or `Context:` at column 0 in a
# broken multi-line description are text, not keys.
# The value is taken whole and stripped in code: a lazy `(.*?)[ \t]*$` retried the blanks to the
# end of the line at every position, quadratic in a run of blanks (500 KB of them: hours).
_KEY_LINE = re.compile(r"^([a-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$")
_BLOCK_INDICATOR = re.compile(r"^[|>][+-]?\d?[+-]?$")

#: Formats Claude Code loads as subagents: a broken one is dropped without a word.
_AGENT_FORMATS = frozenset({"claude-agent"})
#: Formats whose files need no frontmatter: a Claude Code command is its prompt alone.
_NO_FRONTMATTER_NEEDED = frozenset({"markdown", "claude-command"})
_NEEDS_DESCRIPTION = frozenset(
    {"claude-agent", "claude-skill", "copilot-chatmode", "copilot-agent"}
)


def split_frontmatter(text: str) -> tuple[list[str] | None, str, int, bool]:
    """Split text into frontmatter lines and body.

    Returns (frontmatter lines or None, body, 1-based line where the body starts, closed).
    """
    if not text.startswith("---"):
        return None, text, 1, True
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _FENCE.match(first):
        return None, text, 1, True
    if first_end < 0:
        return [], "", 2, False
    # Find the closing fence with one multi-line search rather than splitting the whole file:
    # the body (most of the text) is then one slice.
    close = _close_fence(text, first_end)
    if close is None:
        return text[first_end + 1 :].split("\n"), "", text.count("\n") + 2, False
    start, end = close
    fm_lines = text[first_end + 1 : start - 1].split("\n") if start > first_end + 1 else []
    body = text[end + 1 :]
    return fm_lines, body, text.count("\n", 0, start) + 2, True


def _close_fence(text: str, after: int) -> tuple[int, int] | None:
    """(start, end) of the first line starting with `---` after position `after` (a line
    break): two str.find calls (`_CLOSE_ANYWHERE` says the same, slower)."""
    dashes = text.find("\n---", after)
    if dashes < 0:
        return None
    end = text.find("\n", dashes + 4)
    return dashes + 1, len(text) if end < 0 else end


def _strip_quotes(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


class Entry(NamedTuple):
    """A top-level key as recovered line by line: its value's text and its lines (0-based)."""

    key: str
    inline: str
    following: list[str]
    first: int
    end: int


def recover_entries(
    lines: list[str], keys: frozenset[str] | None = None
) -> tuple[list[Entry], list[int]]:
    """The top-level keys of frontmatter read line by line, and the lines that belong to none.

    A line at column 0 that reads `key: ...` starts a key when the key is one the format
    documents (`keys`), or when the value above has no continuation yet (an undocumented key
    such as `version: 1` after one-line values). Every other line continues the value above
    it, as its author meant: indented lines, `Examples:`, `- <example>`. Lines before the
    first key (other than blanks and comments) belong to none.
    """
    entries: list[Entry] = []
    orphans: list[int] = []
    # The value being read is text begun on its key line that goes on below it. (Below an
    # empty value or a block indicator, a line at column 0 ends the block, as in YAML.)
    continued = False
    runs_on = False  # the value being read begins on its key line
    for index, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if match and (keys is None or not continued or match.group(1) in keys):
            inline = (match.group(2) or "").rstrip(" \t")
            entries.append(Entry(match.group(1), inline, [], index, index + 1))
            continued = False
            runs_on = bool(inline) and not _BLOCK_INDICATOR.match(inline)
        elif entries:
            entries[-1].following.append(line)
            continued = continued or (runs_on and line != "" and not line.isspace())
        elif line.strip() and not line.lstrip().startswith("#"):
            orphans.append(index)
    # Each entry ends where the next begins (one pass: a hostile file has 100,000s of lines).
    for i in range(len(entries) - 1):
        entries[i] = entries[i]._replace(end=entries[i + 1].first)
    if entries:
        entries[-1] = entries[-1]._replace(end=len(lines))
    return entries, orphans


def entry_value(entry: Entry) -> Any:
    """An entry's value: strict YAML's where the entry alone is valid, else its text as written.

    A key line's value is its text with surrounding quotes stripped (or what strict YAML makes
    of that value alone, when it can: `[a, b]` is a list). A key with an empty value or a block
    indicator takes the lines below it. A value that runs on over lines strict YAML cannot read
    keeps them all, line breaks included.
    """
    inline = entry.inline
    block = entry.following[: len(entry.following) - trailing_extras(entry.following)]
    if inline and not _BLOCK_INDICATOR.match(inline):
        if block:
            try:
                value, _, _ = yamlsafe.load(f"k: {inline}\n" + "\n".join(block) + "\n")
            except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
                value = None
            if isinstance(value, dict) and isinstance(value.get("k"), str) and len(value) == 1:
                return value["k"]
            return inline + "\n" + _dedent(block)
        ok, value = yamlsafe.load_scalar_line(inline)
        if ok and not isinstance(value, str):
            return value
        if ok and value is not None and inline.startswith(("'", '"')):
            return value  # a quoted value YAML reads alone: its escapes decoded (`"a\tb"`)
        if ok and value is not None:
            return value if ": " not in inline else inline
        return _strip_quotes(inline)
    if not block:
        return None if not inline else ""
    try:
        value, _, _ = yamlsafe.load(f"k: {inline}\n" + "\n".join(block) + "\n")
        return value.get("k") if isinstance(value, dict) else value
    except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
        return _dedent(block)


def trailing_extras(following: list[str]) -> int:
    """How many of an entry's last lines are blanks or column-0 comments: not its value."""
    count = 0
    for line in reversed(following):
        if line.strip() and not line.startswith("#"):
            break
        count += 1
    return count


def _dedent(block: list[str]) -> str:
    indent = min(len(b) - len(b.lstrip()) for b in block if b.strip())
    return "\n".join(b[indent:] for b in block)


def recover_lines(lines: list[str], keys: frozenset[str] | None = None) -> dict[str, Any]:
    """Read top-level keys line by line, the way the tools that own these files do."""
    entries, _ = recover_entries(lines, keys)
    return {entry.key: entry_value(entry) for entry in entries}


def _html_comment_hides_frontmatter(text: str) -> bool:
    if not text.lstrip().startswith("<!--"):
        return False
    end = text.find("-->")
    if end < 0:
        return False
    rest = text[end + 3 :].lstrip("\n \t")
    return rest.startswith("---")


def parse_text(
    text: str,
    path: str,
    scope: str = "path",
    hint: str | None = None,
    problems: tuple[Problem, ...] = (),
    size: int = 0,
    mtime_ns: int = 0,
    crlf: bool = False,
) -> Agent:
    """Parse a file's decoded text into a record. Never raises on any text.

    `crlf`: the file's lines ended in CRLF before decoding (Claude Code reads those otherwise).
    """
    found: list[Problem] = list(problems)
    fm_lines, body, body_line, closed = split_frontmatter(text)
    frontmatter: dict[str, Any] = {}
    failure: _Failure | None = None
    unclosed = fm_lines is not None and not closed
    if unclosed:
        # Claude Code, OpenCode and python-frontmatter read no frontmatter in such a file: the
        # whole of it is the prompt.
        fm_lines, body, body_line = None, text, 1
    if fm_lines is None:
        if not unclosed and _html_comment_hides_frontmatter(text):
            found.append(
                Problem(
                    WARNING, "frontmatter after an HTML comment: tools read no frontmatter here", 1
                )
            )
    else:
        frontmatter, failure = _read_frontmatter(fm_lines, found, path, hint, crlf)
    fmt = detect_format(path, frontmatter, hint)
    if unclosed:
        semantics = owners.claude_semantics(path, scope)
        found.append(Problem(ERROR, owners.unclosed_frontmatter(fmt, semantics), 1))
    if failure is not None:
        verdict = _owner_verdict(failure, fmt, path, scope)
        if verdict is not None:
            found.append(verdict)
    # `not s or s.isspace()` is `not s.strip()` without copying the text (isspace stops at
    # the first visible character).
    blank = not text or text.isspace()
    if fm_lines is None and not unclosed and fmt not in _NO_FRONTMATTER_NEEDED and not blank:
        message = "no frontmatter: name and description are missing"
        if fmt == "claude-agent":
            message = owners.claude_no_frontmatter(owners.claude_semantics(path, scope))
        found.append(Problem(WARNING, message, 1))
    if blank:
        found.append(Problem(WARNING, "empty file", 1))
    name = derive_name(path, fmt, frontmatter)
    raw_description = frontmatter.get("description")
    description = as_text(raw_description)
    tools, tool_problems = normalize_tools(frontmatter, fmt)
    if fm_lines is not None and closed:
        # What Claude Code reads: its frontmatter ends at the first `---`, even inside a line.
        claude_view = frontmatter
        if fmt in owners.CLAUDE_FORMATS and failure is None and _has_inner_dashes(fm_lines):
            claude_view = _claude_cut(fm_lines, frontmatter, crlf, found)
        unloaded_keys: set[str] = set()
        named = claude_view.get("name") not in (None, "")  # (else a reference document: below)
        if fmt == "claude-agent" and named and (failure is None or failure.reader == "claude"):
            whys = owners.claude_agent_unloaded(claude_view)
            semantics = owners.claude_semantics(path, scope) if whys else None
            for why, key in whys:
                message = owners.claude_unloaded_message(why, semantics)
                if message is not None:
                    line = _key_line(fm_lines, key) if key is not None else 1
                    found.append(Problem(ERROR, message, line))
                    unloaded_keys.add(key or "description")  # (no key: no description)
        read = failure is None or failure.reader == "claude"  # (the values Claude Code reads)
        if fmt in _AGENT_FORMATS and claude_view.get("name") in (None, "") and read:
            found.append(
                Problem(
                    WARNING,
                    "no `name`: in a project Claude Code takes an agent file without one for a "
                    "reference document and does not load it (a plugin names it after the file)",
                    1,
                )
            )
        if fmt in owners.CLAUDE_FORMATS:
            lines = fm_lines

            def raw(key: str) -> str | None:
                return _raw_value(lines, key)

            for message, key in owners.claude_value_errors(fmt, frontmatter, raw):
                if key in unloaded_keys:  # (said: the agent is not loaded for it)
                    continue
                if key == "name" and fmt == "claude-agent" and (
                    owners.claude_semantics(path, scope) == "plugin"
                ):
                    message = owners.plugin_name_not_text(frontmatter["name"])
                found.append(Problem(ERROR, message, _key_line(fm_lines, key)))
        if fmt in _NEEDS_DESCRIPTION and raw_description is None and not unloaded_keys:
            found.append(Problem(WARNING, "no `description`: nothing says when to use it", 1))
    if frontmatter:
        # Whether the format was guessed from the keys alone: asked only for unknown keys.
        def guessed() -> bool:
            return hint is None and detect_format(path, None) == "markdown"

        checked = check_frontmatter(
            fmt, frontmatter, path, scope, body, fm_lines, guessed, body_line
        )  # fmt: skip
        found.extend(_unsaid(checked, found))
        # A key of the wrong type that the format's table documents is said there, with its
        # line and its source; said again here, it read as a second problem.
        tool_problems = _unsaid(tool_problems, checked)
    found.extend(tool_problems)
    if fmt == "claude-skill" and not blank:
        _say_copilot_drops_skill(found, frontmatter if fm_lines is not None else None, failure)
    elif fmt == "claude-command" and not blank and owners.in_claude_commands(path):
        ignored = owners.copilot_command_file_ignored(path)
        if ignored is not None:
            found.append(Problem(WARNING, ignored, 1, RULE_COPILOT))
        else:
            _say_copilot_drops_skill(
                found, frontmatter if fm_lines is not None else None, failure, command=True
            )
    # Only the key the format documents: a skill's `tools: [claude, cursor]` is its own note
    # of the tools it suits, which Claude Code does not read.
    key = "tools" if fmt == "claude-agent" else "allowed-tools"
    if tools and fmt in owners.CLAUDE_FORMATS and key in frontmatter:
        wrong = owners.claude_tool_problems(tools)
        if wrong:
            line = _key_line(fm_lines, key) if fm_lines is not None else None
            found.extend(Problem(WARNING, message, line, RULE_TOOL_NAME) for message in wrong)
    if fm_lines is not None and (not body or body.isspace()) and not blank:
        found.append(Problem(INFO, "the prompt (body) is empty", body_line))
    found.extend(security.findings(text, frontmatter, fmt, tools, body, body_line))
    if not name.isascii():  # (the key's line; a name taken from the file's name has none)
        keyed = fm_lines is not None and frontmatter and "name" in frontmatter
        line = _key_line(fm_lines, "name") if keyed else None  # type: ignore[arg-type]
        found.extend(security.name_findings(name, line, description))
    # Every field in order, without the frozen dataclass's __init__ (a load makes thousands);
    # then the attributes read from frontmatter keys, as the record's table says.
    return agent_from_values((
        name, description, tools, fmt, scope, path, frontmatter, body, tuple(found), body_line,
        len(text) - len(body), raw_description, size, mtime_ns, None, (), (),
        *[
            None if (key := spec.keys.get(fmt)) is None else spec.read(frontmatter.get(key))
            for spec in FRONTMATTER_FIELDS
        ],
    ))  # fmt: skip


def _say_copilot_drops_skill(
    found: list[Problem],
    values: dict[str, Any] | None,
    failure: _Failure | None,
    command: bool = False,
) -> None:
    """What GitHub Copilot CLI, which loads `.claude/skills` too (and `.claude/commands` as
    skills: `command`), does with a skill that it drops and Claude Code keeps (`values` None:
    no frontmatter). A limit the skills spec sets too is one problem: its warning then says
    both. Said already where Claude Code's own reading of a failed parse is reported
    (`claude_portability`)."""
    if failure is not None and failure.reader == "claude":
        return
    twice = any(p.message.startswith("duplicate key") for p in found)
    failure_of = owners.copilot_command_failure if command else owners.copilot_skill_failure
    why = failure_of(values, twice, unparsed=failure is not None)
    if why is None:
        return
    said = (owners.copilot_command_message if command else owners.copilot_skill_message)(why)
    key = "description" if "description" in why else "name"
    for index, problem in enumerate(found):
        if "at most" in why and problem.rule == RULE_LIMIT and problem.message.startswith(
            f"`{key}` is"
        ):
            text, source = problem.message.rsplit(" (", 1)  # (the source stays last)
            text = f"{text}; {said} ({source[:-1]}; Copilot CLI 1.0.102)"
            found[index] = Problem(problem.severity, text, problem.line, problem.rule)
            return
    found.append(Problem(WARNING, said, 1, RULE_COPILOT))


def _has_inner_dashes(fm_lines: list[str]) -> bool:
    return any("---" in line for line in fm_lines)


def _claude_cut(
    fm_lines: list[str], frontmatter: dict[str, Any], crlf: bool, found: list[Problem]
) -> dict[str, Any]:
    """The values Claude Code reads from a frontmatter that holds `---` (it ends there), and a
    warning naming the keys it loses by that; {} when what is left does not parse."""
    block = "\n".join(fm_lines)
    cut = block.find("---")
    line = block.count("\n", 0, cut) + 2
    ok, theirs = owners.claude_read(block + "\n", crlf)
    view = theirs if ok and isinstance(theirs, dict) else {}
    lost = [key for key in frontmatter if key not in view]
    cut_short = [key for key in frontmatter if key in view and view[key] != frontmatter[key]]
    said = [
        f"it {verb} {', '.join(f'`{key}`' for key in keys)}"
        for verb, keys in (("loses", lost), ("cuts short", cut_short))
        if keys
    ]
    if said:
        found.append(
            Problem(
                WARNING,
                f"`---` on line {line} ends the frontmatter for Claude Code, which reads only "
                f"what comes before it: {' and '.join(said)}",
                line,
            )
        )
    return view


def _unsaid(problems: list[Problem], said: list[Problem]) -> list[Problem]:
    """The problems that say something `said` does not: a key's type is said once (the
    owner's error on it, else the documented type, else what the reader made of it)."""
    typed = {p.message.split(" ", 1)[0] for p in said if p.message.startswith("`")}
    if not typed:
        return problems
    return [
        p
        for p in problems
        if not (
            p.message.startswith("`")
            and p.message.split(" ", 1)[0] in typed
            and (" is a" in p.message or " is not text" in p.message)
        )
    ]


#: The rules of the problems a frontmatter strict YAML cannot read causes (lint's reports): it
#: rejects it, or it is too deep or large to read at all.
YAML_SYNTAX = "yaml/syntax"
#: A tools list naming a tool its owner does not have (`Raed`).
RULE_TOOL_NAME = "tools/unknown-tool"
#: A skill that Copilot CLI, which loads .claude/skills too, does not load.
RULE_COPILOT = "skill/copilot-fails"
YAML_REFUSED = "yaml/refused"


class _Failure(NamedTuple):
    """Strict YAML's objection to a frontmatter, and which reading gave the values instead."""

    why: str
    line: int | None
    reader: str  # "claude", "cursor", "opencode": the owner's tolerant reading; "lines": ours


def _read_frontmatter(
    fm_lines: list[str], found: list[Problem], path: str, hint: str | None, crlf: bool
) -> tuple[dict[str, Any], _Failure | None]:
    """Strict YAML first; when that fails, the owner's tolerant reading, else ours by lines."""
    source = "\n".join(fm_lines) + "\n"  # the line break before the closing --- belongs to it
    try:
        value, duplicates, odd_tags = yamlsafe.load(source)
    except yamlsafe.YamlSyntaxError as exc:
        line = exc.line + 2 if exc.line is not None else None
        path_fmt = detect_format(path, None, hint)  # the format its place names, if any
        if path_fmt == "cursor-rule":
            ok, tolerant = owners.cursor_read(source)
            reader = "cursor"
        elif path_fmt == "opencode-agent":
            ok, tolerant = owners.opencode_read(source)
            reader = "opencode"
        else:
            ok, tolerant = owners.claude_read(source, crlf)
            reader = "claude"
        if ok and isinstance(tolerant, dict):
            return tolerant, _Failure(str(exc), line, reader)
        keys = owners.documented_keys(None if path_fmt == "markdown" else path_fmt)
        entries, orphans = recover_entries(fm_lines, keys)
        if orphans:
            shown = one_line(fm_lines[orphans[0]], 60)
            found.append(
                Problem(
                    WARNING,
                    f"{len(orphans)} line(s) before the first key belong to no key, "
                    f"so no reader takes them: {shown}",
                    orphans[0] + 2,
                )
            )
        return {e.key: entry_value(e) for e in entries}, _Failure(str(exc), line, "lines")
    except yamlsafe.YamlLimitError as exc:
        line = exc.line + 2 if exc.line is not None else None
        found.append(Problem(ERROR, f"frontmatter refused: {exc}", line, YAML_REFUSED))
        return recover_lines(fm_lines), None
    if duplicates and detect_format(path, None, hint) == "opencode-agent":
        key, line = duplicates[0]
        found.append(Problem(ERROR, owners.opencode_duplicate(key), line + 2, YAML_SYNTAX))
        duplicates = duplicates[1:]
    for key, line in duplicates:
        found.append(Problem(WARNING, f"duplicate key `{key}`: the last one wins", line + 2))
    for tag, line in odd_tags:
        found.append(Problem(WARNING, f"unsupported YAML tag {tag} read as text", line + 2))
    if value is None:
        found.append(Problem(WARNING, "frontmatter is empty", 1))
        return {}, None
    if not isinstance(value, dict):
        message = f"frontmatter is a {_yaml_kind(value)}, not a mapping of keys"
        if detect_format(path, None, hint) == "opencode-agent":  # (measured with 1.18.33)
            message += f": {owners.OPENCODE_NO_FRONTMATTER}"
        found.append(Problem(ERROR, message, 2))
        return {}, None
    return value, None


def _owner_verdict(failure: _Failure, fmt: str, path: str, scope: str) -> Problem | None:
    """What the owning tool does with a file strict YAML rejects, as a problem (None: nothing).
    Its rule is `yaml/syntax` whatever its words: they say what the owner does."""
    if fmt in owners.CLAUDE_FORMATS:
        if failure.reader == "claude":
            why = owners.claude_portability(fmt, failure.why, path)
            return Problem(WARNING, why, failure.line, YAML_SYNTAX)
        semantics = owners.claude_semantics(path, scope)
        why = owners.claude_rejects(fmt, semantics, failure.why)
        return Problem(ERROR, why, failure.line, YAML_SYNTAX)
    if fmt == "cursor-rule" and failure.reader == "cursor":
        return None  # `globs: **/*.ts, src/**` unquoted: the form Cursor documents
    if fmt == "opencode-agent":
        if failure.reader == "opencode":
            why = owners.opencode_portability(failure.why)
            return Problem(WARNING, why, failure.line, YAML_SYNTAX)
        return Problem(ERROR, owners.opencode_rejects(failure.why), failure.line, YAML_SYNTAX)
    strict = owners.strict_owner_rejects(fmt, failure.why)
    if strict is not None:
        return Problem(ERROR, strict, failure.line, YAML_SYNTAX)
    return Problem(WARNING, owners.portability(failure.why), failure.line, YAML_SYNTAX)


def _raw_value(fm_lines: list[str], key: str) -> str | None:
    """A top-level key's value as written on its line; None when there is none there.

    The last such line: of duplicate keys, the last one wins.
    """
    for index in range(len(fm_lines) - 1, -1, -1):
        line = fm_lines[index]
        if line.startswith(key):
            rest = line[len(key) :].lstrip(" \t")
            if rest.startswith(":"):
                after = fm_lines[index + 1] if index + 1 < len(fm_lines) else ""
                if after[:1] in (" ", "\t") and after.strip():
                    return None  # the value goes on over the next lines
                return rest[1:].strip(" \t") or None
    return None


def _key_line(fm_lines: list[str], key: str | None) -> int:
    """The 1-based file line of a top-level key (the frontmatter's first line when not found)."""
    if key is not None:
        for index, line in enumerate(fm_lines):
            if line.startswith(key) and line[len(key) :].lstrip(" \t").startswith(":"):
                return index + 2
    return 2


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    return f"scalar ({type(value).__name__})"


def parse_file(path: str, scope: str = "path", hint: str | None = None) -> Agent:
    """Read and parse one file. Never raises: an unreadable file is a record with a problem."""
    path = os.path.abspath(path)
    return parse_read(path, read_text(path), scope, hint)


def parse_read(path: str, read: FileText, scope: str = "path", hint: str | None = None) -> Agent:
    """The record of a file already read by `read_text` (the index cache needs the text too)."""
    if read.text is None:
        fmt = detect_format(path, None, hint)
        return Agent(
            name=derive_name(path, fmt, None),
            description="",
            tools=None,
            format=fmt,
            scope=scope,
            path=path,
            frontmatter={},
            body="",
            problems=read.problems,
            size=read.size,
            mtime_ns=read.mtime_ns,
        )
    agent = parse_text(
        read.text, path, scope, hint, read.problems, read.size, read.mtime_ns, read.crlf
    )
    if any(p.message.startswith("file is ") and "were read" in p.message for p in read.problems):
        # Read in part: a frontmatter not closed in the part read may close after it.
        unclosed = "frontmatter opened on line 1 is never closed"
        if any(p.message.startswith(unclosed) for p in agent.problems):
            said = Problem(
                WARNING,
                "frontmatter opened on line 1 is not closed in the part of the file read (see "
                "above): it may close after it, and its fields are not shown",
                1,
            )
            problems = [said if p.message.startswith(unclosed) else p for p in agent.problems]
            agent = evolve(agent, problems=tuple(problems))
    return agent
