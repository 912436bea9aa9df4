"""Turn a file's text into an Agent record, leniently: every file gets a record."""

from __future__ import annotations

import os
import re
from typing import Any

from agentbrowser.model import yamlsafe
from agentbrowser.model.schema import check_frontmatter
from agentbrowser.model.formats import derive_name, detect_format, normalize_tools
from agentbrowser.model.records import ERROR, INFO, WARNING, Agent, Problem, agent_from_values
from agentbrowser.model.text import FileText, read_text

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_CLOSE_ANYWHERE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
# A top-level key as the owning tools read one: at column 0, starting with a lower-case letter
# (real keys do: name, description, allowedTools...). `Examples:` or `Context:` at column 0 in a
# broken multi-line description are text, not keys.
# The value is taken whole and stripped in code: a lazy `(.*?)[ \t]*$` retried the blanks to the
# end of the line at every position, quadratic in a run of blanks (500 KB of them: hours).
_KEY_LINE = re.compile(r"^([a-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$")
_BLOCK_INDICATOR = re.compile(r"^[|>][+-]?\d?[+-]?$")

#: Formats Claude Code loads as subagents: a broken one is dropped without a word.
_AGENT_FORMATS = frozenset({"claude-agent"})
_NEEDS_DESCRIPTION = frozenset({"claude-agent", "claude-skill", "copilot-chatmode", "copilot-agent"})


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
    """(start, end) of the first `---` or `...` line after position `after` (a line break).

    str.find for the usual `\n---\n`; the regex where that line has more on it (blanks, or
    not a fence at all, `----`) or a `...` line may come first.
    """
    dashes = text.find("\n---", after)
    if dashes >= 0 and text.find("\n...", after, dashes) < 0:
        end = dashes + 4
        if end == len(text) or text[end] == "\n":
            return dashes + 1, end
    match = _CLOSE_ANYWHERE.search(text, after + 1)
    return match.span() if match is not None else None


def _strip_quotes(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def recover_lines(lines: list[str]) -> dict[str, Any]:
    """Read top-level keys line by line, the way the tools that own these files do.

    A key line's value is its text with surrounding quotes stripped (or what strict YAML makes
    of that value alone, when it can: `[a, b]` is a list). A key with an empty value or a block
    indicator takes the indented lines below it.
    """
    result: dict[str, Any] = {}
    keys: list[tuple[str, str, list[str]]] = []
    for line in lines:
        match = _KEY_LINE.match(line)
        if match:
            keys.append((match.group(1), (match.group(2) or "").rstrip(" \t"), []))
        elif keys:
            keys[-1][2].append(line)
    for key, inline, following in keys:
        if inline and not _BLOCK_INDICATOR.match(inline):
            ok, value = yamlsafe.load_scalar_line(inline)
            if ok and not isinstance(value, str):
                result[key] = value
            elif ok and value is not None and not inline.startswith(("'", '"')):
                result[key] = value if ": " not in inline else inline
            else:
                result[key] = _strip_quotes(inline)
            continue
        block = list(following)
        while block and not block[-1].strip():
            block.pop()
        if not block:
            result[key] = None if not inline else ""
            continue
        try:
            value, _, _ = yamlsafe.load(f"k: {inline}\n" + "\n".join(block))
            result[key] = value.get("k") if isinstance(value, dict) else value
        except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
            indent = min(len(b) - len(b.lstrip()) for b in block if b.strip())
            result[key] = "\n".join(b[indent:] for b in block)
    return result


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
) -> Agent:
    """Parse a file's decoded text into a record. Never raises on any text."""
    found: list[Problem] = list(problems)
    fm_lines, body, body_line, closed = split_frontmatter(text)
    frontmatter: dict[str, Any] = {}
    if fm_lines is None:
        if _html_comment_hides_frontmatter(text):
            found.append(
                Problem(WARNING, "frontmatter after an HTML comment: tools read no frontmatter here", 1)
            )
    else:
        if not closed:
            found.append(Problem(ERROR, "frontmatter opened on line 1 is never closed with ---", 1))
        frontmatter = _read_frontmatter(fm_lines, found)
    fmt = detect_format(path, frontmatter, hint)
    # `not s or s.isspace()` is `not s.strip()` without copying the text (isspace stops at
    # the first visible character).
    blank = not text or text.isspace()
    if fm_lines is None and fmt != "markdown" and not blank:
        found.append(Problem(WARNING, "no frontmatter: name and description are missing", 1))
    if blank:
        found.append(Problem(WARNING, "empty file", 1))
    name = derive_name(path, fmt, frontmatter)
    raw_description = frontmatter.get("description")
    description = _as_text(raw_description)
    tools, tool_problems = normalize_tools(frontmatter, fmt)
    found.extend(tool_problems)
    if fm_lines is not None and closed:
        if fmt in _AGENT_FORMATS and "name" not in frontmatter:
            found.append(Problem(ERROR, "no `name`: Claude Code needs one to load the agent", 1))
        if fmt in _NEEDS_DESCRIPTION and raw_description is None:
            found.append(Problem(WARNING, "no `description`: nothing says when to use it", 1))
    if frontmatter:
        # Whether the format was guessed from the keys alone: asked only for unknown keys.
        def guessed() -> bool:
            return hint is None and detect_format(path, None) == "markdown"

        found.extend(check_frontmatter(
            fmt, frontmatter, path, scope, body, fm_lines, guessed, body_line
        ))  # fmt: skip
    if fm_lines is not None and (not body or body.isspace()) and not blank:
        found.append(Problem(INFO, "the prompt (body) is empty", body_line))
    # Every field in order, without the frozen dataclass's __init__ (a load makes thousands).
    return agent_from_values((
        name, description, tools, _as_optional_text(frontmatter.get("model")),
        _as_optional_text(frontmatter.get("color")), fmt, scope, path, frontmatter, body,
        tuple(found), body_line, raw_description, size, mtime_ns, None, (), (),
    ))  # fmt: skip


def _read_frontmatter(fm_lines: list[str], found: list[Problem]) -> dict[str, Any]:
    """Strict YAML first; when that fails, the keys recovered line by line and an error."""
    source = "\n".join(fm_lines) + "\n"  # the line break before the closing --- belongs to it
    try:
        value, duplicates, odd_tags = yamlsafe.load(source)
    except yamlsafe.YamlSyntaxError as exc:
        line = exc.line + 2 if exc.line is not None else None
        found.append(
            Problem(
                ERROR,
                f"invalid YAML ({exc}): keys recovered line by line; "
                "strict readers such as Claude Code drop this file",
                line,
            )
        )
        return recover_lines(fm_lines)
    except yamlsafe.YamlLimitError as exc:
        line = exc.line + 2 if exc.line is not None else None
        found.append(Problem(ERROR, f"frontmatter refused: {exc}", line))
        return recover_lines(fm_lines)
    for key, line in duplicates:
        found.append(Problem(WARNING, f"duplicate key `{key}`: the last one wins", line + 2))
    for tag, line in odd_tags:
        found.append(Problem(WARNING, f"unsupported YAML tag {tag} read as text", line + 2))
    if value is None:
        found.append(Problem(WARNING, "frontmatter is empty", 1))
        return {}
    if not isinstance(value, dict):
        found.append(
            Problem(ERROR, f"frontmatter is a {_yaml_kind(value)}, not a mapping of keys", 2)
        )
        return {}
    return value


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    return f"scalar ({type(value).__name__})"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_as_text(v) for v in value)
    return str(value)


def _as_optional_text(value: Any) -> str | None:
    if value is None:
        return None
    text = _as_text(value).strip()
    return text or None


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
            model=None,
            color=None,
            format=fmt,
            scope=scope,
            path=path,
            frontmatter={},
            body="",
            problems=read.problems,
            size=read.size,
            mtime_ns=read.mtime_ns,
        )
    return parse_text(read.text, path, scope, hint, read.problems, read.size, read.mtime_ns)
