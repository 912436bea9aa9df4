"""The least rewrite of a file's frontmatter that every strict reader reads as agentbrowser does.

Text in, text out: a value strict YAML cannot read is quoted (one line) or made a literal block
scalar (a value that runs on over lines); every other line, the key order, comments, line
endings and the body after the closing `---` stay as they are. A repair is offered only when
strict YAML and python-frontmatter read the new text with exactly the values agentbrowser
showed for the old one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from agentbrowser.model import owners, yamlsafe
from agentbrowser.model.formats import detect_format
from agentbrowser.model.parse import (
    Entry,
    parse_text,
    recover_entries,
    split_frontmatter,
    trailing_extras,
)

#: Characters YAML allows unescaped in a quoted scalar (printable, tab; no line breaks).
_PRINTABLE = re.compile(
    "[\t\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)


@dataclass(frozen=True)
class Repair:
    """What `fix` would do to one file's text."""

    text: str  # the new text (the old one when nothing changes)
    changed: bool
    #: The owning tool could not use the file as written (else only strict readers could not).
    owner_needed: bool
    #: Why nothing can be done, when that is so (the text is then unchanged).
    refused: str | None
    #: The frontmatter values agentbrowser shows, which the new text gives every reader.
    values: dict[str, Any]
    #: The keys whose lines were rewritten, in file order.
    keys: tuple[str, ...] = ()
    #: The tool that owns the file's format ("" when not known).
    owner: str = ""


def repair_text(text: str, path: str, scope: str = "path", hint: str | None = None) -> Repair:
    """The repair of a file's decoded text (line endings as in the file, no BOM)."""
    crlf = "\r\n" in text
    plain = text.replace("\r\n", "\n") if crlf else text
    agent = parse_text(plain, path, scope, hint, crlf=crlf)
    values = dict(agent.frontmatter)
    fm_lines, _, _, closed = split_frontmatter(plain)
    if fm_lines is None:
        return Repair(text, False, False, None, values)
    if not closed:
        return Repair(text, False, False, None, values)  # no frontmatter to rewrite: lint says so
    source = "\n".join(fm_lines) + "\n"
    try:
        yamlsafe.load(source)
        return Repair(text, False, False, None, values)
    except yamlsafe.YamlLimitError as exc:
        why = f"its frontmatter is refused for its size or depth ({exc}): not rewritten"
        return Repair(text, False, False, why, values)
    except yamlsafe.YamlSyntaxError:
        pass
    fmt = agent.format
    if fmt == "cursor-rule" and owners.cursor_read(source)[0]:
        # Cursor documents `globs` unquoted; quoting them changes what some releases match.
        return Repair(text, False, False, None, values)
    owner_needed = _owner_needed(fmt, source, crlf)

    def refuse(why: str) -> Repair:
        return Repair(text, False, owner_needed, why, values)

    path_fmt = detect_format(path, None, hint)
    keys = owners.documented_keys(None if path_fmt == "markdown" else path_fmt)
    entries, orphans = recover_entries(fm_lines, keys)
    if orphans:
        return refuse(f"line {orphans[0] + 2} belongs to no key")
    names = [e.key for e in entries]
    if len(set(names)) != len(names):
        return refuse("a key appears twice")
    if set(names) != set(values):
        return refuse("the keys read line by line differ from the keys shown")
    new_lines: list[str] = []
    rewritten: list[str] = []
    for entry in entries:
        lines = fm_lines[entry.first : entry.end]
        if _reads_as(lines, entry.key, values[entry.key]) and _reads_as_in_yaml_1_1(
            lines, entry.key, values[entry.key]
        ):
            new_lines.extend(lines)
            continue
        if _one_flow_collection(entry.inline):  # quoted, it would be text, not a list
            return refuse(_why_not_a_list(entry, lines, values[entry.key], fmt))
        written = _rewrite(entry, lines, values[entry.key])
        if written is None:
            return refuse(f"`{entry.key}` is not text that quoting or a block can hold")
        new_lines.extend(written)
        rewritten.append(entry.key)
    # Lines before the first key (blanks and comments) stay in front.
    head = fm_lines[: entries[0].first] if entries else []
    new_text = _assemble(text, crlf, len(fm_lines), head + new_lines, fm_lines)
    problem = verify(new_text, values, path, scope, hint)
    if problem is not None:
        return refuse(problem)
    owner = owners.owner_name(fmt)
    return Repair(new_text, new_text != text, owner_needed, None, values, tuple(rewritten), owner)


def _why_not_a_list(entry: Entry, lines: list[str], value: Any, fmt: str) -> str:
    """Why a value written as a list or map is left for its author: the least a repair could
    do is quote it, and quoted it would be text, not a list (the author's meaning unknown)."""
    key = f"`{entry.key}`"
    if _reads_as(lines, entry.key, value):
        return (
            f"{key} is a list or map that YAML 1.1 readers (python-frontmatter) read otherwise "
            "(`yes`, `on`, a date): quote those values by hand"
        )
    ok, alone = yamlsafe.load_scalar_line(entry.inline)
    if ok and not isinstance(alone, str) and isinstance(value, str):
        owner = owners.owner_name(fmt) or "its tool"
        return (
            f"{key} is written as a list or map, which {owner} reads as text in this file: "
            "fix it by hand"
        )
    return f"{key} is a list or map that does not parse: fix it by hand"


def _one_flow_collection(inline: str) -> bool:
    """Whether a value as written is one `[...]` or `{...}` from its first character to its
    last (quoted text inside skipped), or one never closed (`[Read, Grep`): a list or map, not
    a hint such as `[--dry-run] [path]` that merely begins with a bracket."""
    if not inline.startswith(("[", "{")):
        return False
    depth, quote_char, index = 0, "", 0
    while index < len(inline):
        char = inline[index]
        if quote_char:
            if char == "\\" and quote_char == '"':
                index += 1
            elif char == quote_char:
                quote_char = ""
        elif char in "\"'":
            quote_char = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return index == len(inline.rstrip()) - 1
        index += 1
    return depth > 0  # opened and never closed


def _owner_needed(fmt: str, source: str, crlf: bool) -> bool:
    """Whether the owning tool itself fails to read this frontmatter (strict YAML already has)."""
    if fmt in owners.CLAUDE_FORMATS:
        ok, value = owners.claude_read(source, crlf)
        return not (ok and isinstance(value, dict))
    if fmt == "opencode-agent":
        return not owners.opencode_read(source)[0]
    return owners.strict_owner_rejects(fmt, "") is not None


def _reads_as(lines: list[str], key: str, value: Any) -> bool:
    """Whether an entry's lines alone are strict YAML giving {key: value}."""
    try:
        loaded, _, _ = yamlsafe.load("\n".join(lines) + "\n")
    except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
        return False
    return isinstance(loaded, dict) and list(loaded) == [key] and _same(loaded[key], value)


def _reads_as_in_yaml_1_1(lines: list[str], key: str, value: Any) -> bool:
    """Whether PyYAML, as python-frontmatter uses it (YAML 1.1), reads the entry's lines as
    {key: value} too: it reads `yes` as true and `2024-01-01` as a date where the owners (and
    agentbrowser) read text, so such a value is quoted along with the repair."""
    import yaml

    try:
        loaded = yaml.load(
            "\n".join(lines) + "\n", Loader=getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
        )
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and list(loaded) == [key] and _same(loaded[key], value)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _rewrite(entry: Entry, lines: list[str], value: Any) -> list[str] | None:
    """The entry's lines with its value quoted or as a block; None when neither can hold it."""
    if not isinstance(value, str):
        return None
    # Blank lines and comments at the end of the entry are not part of its value: kept.
    extras = trailing_extras(lines[1:])
    body, tail = lines[1 : len(lines) - extras], lines[len(lines) - extras :]
    if "\n" not in value:
        if any(line.strip() and not line.lstrip().startswith("#") for line in body):
            return None  # lines below a one-line value that are not part of it
        return [f"{entry.key}: {quote(value)}", *body, *tail]
    block = literal_block(value)
    if block is None:
        return None
    return [f"{entry.key}: {block[0]}", *block[1:], *tail]


def quote(value: str) -> str:
    """A one-line value as a quoted YAML scalar: single quotes unless double read better."""
    if _PRINTABLE.fullmatch(value) is None or ("'" in value and '"' not in value):
        # JSON's escapes are YAML's too; what JSON leaves raw and YAML refuses (C1 controls,
        # a BOM, U+FFFE) is escaped as well.
        return _UNPRINTABLE.sub(_escape, json.dumps(value, ensure_ascii=False))
    return "'" + value.replace("'", "''") + "'"


_UNPRINTABLE = re.compile(
    "[^\t\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def literal_block(value: str) -> list[str] | None:
    """A multi-line value as a literal block scalar: the header, then its lines indented."""
    lines = value.split("\n")
    if any(_PRINTABLE.fullmatch(line) is None for line in lines):
        return None
    trailing = len(value) - len(value.rstrip("\n"))
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    first = next((line for line in lines if line.strip()), "")
    # An indentation indicator when the first line with text starts with a blank.
    indicator = "2" if first[:1] in (" ", "\t") else ""
    content = lines[: len(lines) - trailing] if trailing else lines
    out = [f"|{indicator}{chomp}"]
    out.extend(f"  {line}" if line else "" for line in content)
    out.extend("" for _ in range(trailing - 1))
    return out


def _assemble(text: str, crlf: bool, fm_count: int, new_fm: list[str], old_fm: list[str]) -> str:
    """The file's text with its frontmatter lines replaced; everything else byte for byte."""
    raw = text.split("\n")
    # A rewritten line ends as most of the frontmatter's lines do (its delimiters included),
    # not as the prompt's: a file may have an LF frontmatter above a CRLF body.
    own = raw[: fm_count + 2]
    ending = "\r" if crlf and 2 * sum(line.endswith("\r") for line in own) > len(own) else ""
    # A line that is unchanged keeps its own ending (a CRLF file may hold a lone LF line).
    old = {line: raw_line for line, raw_line in zip(old_fm, raw[1 : 1 + fm_count])}
    lines = [old.get(line, line + ending) for line in new_fm]
    return "\n".join([raw[0], *lines, *raw[1 + fm_count :]])


def verify(
    new_text: str, values: dict[str, Any], path: str, scope: str, hint: str | None
) -> str | None:
    """None when strict YAML, python-frontmatter and agentbrowser all read `values`, else why."""
    plain = new_text.replace("\r\n", "\n")
    fm_lines, _, _, closed = split_frontmatter(plain)
    if fm_lines is None or not closed:
        return "the repaired text has no frontmatter"
    try:
        loaded, duplicates, odd = yamlsafe.load("\n".join(fm_lines) + "\n")
    except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError) as exc:
        return f"strict YAML still rejects the repair ({exc})"
    if loaded != values or duplicates or odd:
        return "strict YAML reads other values from the repair"
    try:
        import frontmatter  # python-frontmatter: the strict reader the design names
    except ImportError:  # pragma: no cover - a dependency
        return "python-frontmatter is not installed, so the repair cannot be checked"
    try:
        metadata = frontmatter.loads(new_text).metadata
    except Exception as exc:  # noqa: BLE001 - any failure of the reader means no repair
        return f"python-frontmatter cannot read the repair ({type(exc).__name__})"
    if metadata != values:
        return "python-frontmatter reads other values from the repair"
    again = parse_text(plain, path, scope, hint, crlf="\r\n" in new_text)
    if again.frontmatter != values:
        return "agentbrowser reads other values from the repair"
    return None
