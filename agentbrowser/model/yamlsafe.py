"""Strict, safe and bounded YAML loading of frontmatter.

libyaml composes the node graph (fast, in C, and cheap even for alias bombs because aliases
share nodes); we then build Python values ourselves with a depth limit and an expanded-size
limit, so a hostile file costs a problem, never a hang or a RecursionError. Only the safe
constructor's tags are understood: python tags never run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

try:  # the C loader is ~9x faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_NULL_TAG = "tag:yaml.org,2002:null"

#: How a plain scalar resolves: YAML 1.2's core schema, nearer the owners' JavaScript readers
#: than PyYAML's YAML 1.1 on what real frontmatter holds: `yes`, `no`, `on` and `off` are text
#: to Claude Code, OpenCode and Copilot CLI (`name: yes` is the agent `yes`), and so, here, are
#: `2024-01-01` (OpenCode's own date reading is said by its checks), `1:30` and `1_000`; `0777`
#: is 777 and `0o17` 15; `1e3` is a float. The owners part from it and from each other on rarer
#: numbers (OpenCode reads `1_000`, `1:30` and `0b101` as numbers, Claude Code `+0x1`): not
#: modelled. Keyed by the first character, as PyYAML's own table.
_CORE: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _add_core(tag: str, pattern: str, first: str) -> None:
    regexp = re.compile(f"(?:{pattern})\\Z")
    for char in first:
        _CORE.setdefault(char, []).append((tag, regexp))


_add_core(_BOOL_TAG, "true|True|TRUE|false|False|FALSE", "tTfF")
_add_core(_NULL_TAG, "~|null|Null|NULL|", "~nN\0")  # (\0 stands for the empty value)
_add_core(_INT_TAG, "0o[0-7]+|0x[0-9a-fA-F]+|[-+]?[0-9]+", "-+0123456789")
_add_core(
    _FLOAT_TAG,
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
    "-+.0123456789",
)
_add_core("tag:yaml.org,2002:merge", "<<", "<")
_EMPTY = _CORE.pop("\0")


def _core_tag(value: str) -> str:
    """The tag of a plain scalar under the core schema (str when no other fits)."""
    for tag, regexp in _CORE.get(value[:1], ()) if value else _EMPTY:
        if regexp.match(value):
            return tag
    return _STR_TAG


class _CoreResolver:
    """Tags by YAML 1.2's core schema (see `_CORE`), with little Python per node (libyaml calls
    this for each one): no path resolvers, so nothing to track."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _core_tag(value) if implicit[0] else _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track."""


_Loader = type("_CoreSafeLoader", (_CoreResolver, _Loader), {})
if issubclass(_Loader, yaml.CSafeLoader):
    # Only the C parser's state is needed: compose never constructs, and this resolver keeps
    # no state. (CSafeLoader.__init__ also sets up both; ~2 µs a file.)
    _Loader.__init__ = lambda self, stream: yaml._yaml.CParser.__init__(self, stream)  # type: ignore[method-assign]


def _core_int(node: yaml.ScalarNode) -> int:
    value = node.value
    if value[:2] == "0o":
        return int(value[2:], 8)
    if value[:2] == "0x":
        return int(value[2:], 16)
    return int(value, 10)


def _core_float(node: yaml.ScalarNode) -> float:
    value = node.value.lower()
    if value.endswith(".inf"):
        return float("-inf") if value[0] == "-" else float("inf")
    if value == ".nan":
        return float("nan")
    return float(value)


def _core_bool(node: yaml.ScalarNode) -> bool:
    return node.value.lower() == "true"


MAX_DEPTH = 64
MAX_NODES = 200_000
#: Characters a document may expand to through aliases beyond its own length: a 10 KB text that
#: repeats one long string by alias made 100 MB of values (within MAX_NODES), and `show` ran
#: out of memory on it.
MAX_EXPANDED_CHARS = 1_000_000

_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

# The safe constructor's scalar methods keep no state, so one instance serves every file and
# thread. Calling them directly skips construct_object's bookkeeping (~3 µs a scalar).
_SCALARS = SafeConstructor()
_FAST_SCALARS: dict[str, Callable[[yaml.ScalarNode], Any]] = {
    "tag:yaml.org,2002:str": lambda node: node.value,
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _core_bool,
    "tag:yaml.org,2002:int": _core_int,
    "tag:yaml.org,2002:float": _core_float,
    "tag:yaml.org,2002:timestamp": _SCALARS.construct_yaml_timestamp,
    "tag:yaml.org,2002:binary": _SCALARS.construct_yaml_binary,
}
# libyaml's composer recurses in C once per nesting level and does not check the depth: it
# overflows the C stack and the process dies with SIGSEGV, which no `except` catches, past
# ~20,000 levels on Linux's 8 MB main stack and ~1,500 on a 512 KB thread stack (a worker
# thread; musl's default is 128 KB). A text that could nest deeper than this is first walked with
# libyaml's event parser, which keeps its own stack, and refused when too deep. No real
# frontmatter comes near it, so the extra pass costs nothing in practice.
_COMPOSE_SAFE_DEPTH = 256
# Each level of nesting takes a flow bracket or block indentation: a column of a line's prefix
# of spaces and compact indicators (`- - - x`, `? `, `: `, anchors and tags before them), and a
# mapping and a sequence can share a column (`a:` then `- b`). Anchor and tag tokens must end in
# a space so that a line splits into tokens one way only (no catastrophic backtracking).
_DEEP_BLOCK_PREFIX = re.compile(
    r"^(?:[ \t\-?:]|[&!][^ \t\n]*[ \t])" + f"{{{_COMPOSE_SAFE_DEPTH // 4}}}", re.MULTILINE
)
_OPEN_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)

# What a scalar constructor raises on a value its tag cannot hold: `2024-13-45` as a date,
# `!!int x`, an int of more digits than Python converts, bad base64.
_BAD_SCALAR = (yaml.YAMLError, ValueError, LookupError, OverflowError, TypeError)


class YamlLimitError(Exception):
    """The document is too deep or expands to too many values."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class YamlSyntaxError(Exception):
    """Strict YAML rejected the text; line is 0-based within the text, when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class _Builder:
    """Turns composed nodes into Python values with limits; records duplicate keys."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self.duplicates: list[tuple[str, int]] = []
        self.odd_tags: list[tuple[str, int]] = []

    def expanded_size(self, root: yaml.Node, text_length: int = 0) -> int:
        """Count the values the document expands to, sharing work across aliases, and refuse
        one of more than MAX_NODES values, or of more characters than its text has plus
        MAX_EXPANDED_CHARS."""
        sizes = self.sizes
        chars: dict[int, int] = {}
        char_limit = text_length + MAX_EXPANDED_CHARS
        aliased = False
        # Nodes being counted: everything popped while a node is here is its descendant, so
        # meeting it again means it contains itself (`a: &a [*a]`), which would loop for ever.
        open_nodes: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if id(node) in sizes:
                aliased = True  # a node met a second time: an alias
                continue
            if isinstance(node, yaml.ScalarNode):
                sizes[id(node)] = 1
                chars[id(node)] = len(node.value)
                continue
            if not done and id(node) in open_nodes:
                message = "an alias refers to a value that contains it"
                raise YamlLimitError(message, node.start_mark.line)
            children = (
                [n for pair in node.value for n in pair]
                if isinstance(node, yaml.MappingNode)
                else list(node.value)
            )
            if done:
                open_nodes.discard(id(node))
                total = 1 + sum(sizes.get(id(c), 0) for c in children)
                sizes[id(node)] = total
                text = chars[id(node)] = sum(chars.get(id(c), 0) for c in children)
                if total > MAX_NODES:
                    raise YamlLimitError(
                        f"expands to more than {MAX_NODES:,} values through aliases (an alias "
                        "bomb?)"
                        if aliased
                        else f"holds more than {MAX_NODES:,} values",
                        node.start_mark.line,
                    )
                if text > char_limit:
                    raise YamlLimitError(
                        f"expands to more than {char_limit:,} characters through aliases (an "
                        "alias bomb?)",
                        node.start_mark.line,
                    )
            else:
                open_nodes.add(id(node))
                stack.append((node, True))
                if not aliased and any(id(c) in sizes for c in children):
                    aliased = True
                stack.extend((c, False) for c in children if id(c) not in sizes)
        return sizes[id(root)]

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """The scalar's value; its text (and an odd-tag note) when its tag cannot hold it."""
        fast = _FAST_SCALARS.get(node.tag)
        try:
            if fast is not None:
                return fast(node)
            # Rare tags (unknown ones, or `!!map` on a scalar): the full constructor, which
            # raises for what it does not know.
            return SafeConstructor().construct_object(node)
        except _BAD_SCALAR:
            self.odd_tags.append((node.tag, node.start_mark.line))
            return node.value

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise YamlLimitError(f"nested deeper than {MAX_DEPTH} levels", node.start_mark.line)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.odd_tags.append((node.tag, node.start_mark.line))
            return [self.build(child, depth + 1) for child in node.value]
        if node.tag != _MAP_TAG:
            self.odd_tags.append((node.tag, node.start_mark.line))
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged = self.build(value_node, depth + 1)
                for part in merged if isinstance(merged, list) else [merged]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            result.setdefault(k, v)
                continue
            key = self.key(key_node, depth)
            if key in result:
                self.duplicates.append((key, key_node.start_mark.line))
            result[key] = self.build(value_node, depth + 1)
        return result

    def key(self, node: yaml.Node, depth: int) -> str:
        """Keys become strings: `on:` (YAML 1.1 True) keeps its text, `on`."""
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            return value if isinstance(value, str) else str(node.value)
        return repr(self.build(node, depth + 1))


def _may_nest_deep(text: str) -> bool:
    """Cheap and conservative: could the text nest deeper than _COMPOSE_SAFE_DEPTH?"""
    if len(text) <= _COMPOSE_SAFE_DEPTH:
        return False
    flow = text.count("[") + text.count("{")
    return flow > _COMPOSE_SAFE_DEPTH // 2 or _DEEP_BLOCK_PREFIX.search(text) is not None


def _flow_depth_limit(text: str) -> None:
    """Refuse flow brackets nested deeper than MAX_DEPTH, counted here rather than by libyaml.

    PyYAML 6.0.4 and later refuse deep flow nesting in their own scanner, in their own words,
    before our event walk can count it: this scan makes the limit and its message ours on every
    release. Brackets inside quoted scalars and comments are skipped; a plain scalar's stray
    brackets count, which can only refuse a text with dozens of them unclosed on one value.
    """
    depth = 0
    quote = ""
    line = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
        elif quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                quote = ""
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH + 1:
                raise YamlLimitError(f"nested deeper than {MAX_DEPTH} levels", line)
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char in "\"'" and (i == 0 or text[i - 1] in " \t\n[{,:"):
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        i += 1


def _check_depth(text: str) -> None:
    """Refuse a text nested deeper than MAX_DEPTH without composing it (see _COMPOSE_SAFE_DEPTH)."""
    _flow_depth_limit(text)
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPEN_EVENTS):
            depth += 1
            # One more than the builder's limit: the builder counts the root as depth 0.
            if depth > MAX_DEPTH + 1:
                message = f"nested deeper than {MAX_DEPTH} levels"
                raise YamlLimitError(message, event.start_mark.line)
        elif isinstance(event, _CLOSE_EVENTS):
            depth -= 1


# -- the common shape without libyaml ---------------------------------------------------------
# Most frontmatter is a flat mapping: `key: value` lines whose values are plain or quoted
# scalars on one line, flow lists `[a, "b"]` of them, or block lists (`key:` then `- a` lines).
# `flat_mapping` reads exactly that shape and gives up (None) on anything else, which then goes
# to libyaml: ~9 µs a file against ~25-40 µs for libyaml's compose and our build. Its results are
# libyaml's, value for value and type for type (tests/model/test_yamlsafe.py compares the two on
# generated and real frontmatter); it only says "no" more often than it must.

#: A top-level key (letters, digits, `_.-`, starting with a letter or `_`), `:`, and the rest.
#: At most 1,024 characters: libyaml refuses a longer simple key.
_FLAT_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-]{0,1023}):(?: +(.*))?")
#: A block list item (its indentation taken off): `- value`, or `-` alone (a null).
_FLAT_ITEM = re.compile(r"-(?: +(.*))?")
#: A double-quoted scalar on one line whose escapes are only these five (the loop unrolled:
#: no group per character, ~3x faster on a long description).
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*(?:\\[nt"\\/][^"\\]*)*)"')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/"}
#: The tokens of a one-line flow list, each told apart by its first character, so that the
#: scan never backtracks (a regex for a whole item did, quadratic in a run of blanks: 100 KB of
#: them would have taken minutes): "text", 'text', other text, blanks, a comma, a stray quote.
_FLOW_TOKEN = re.compile(r""""([^"\\]*)"|'((?:[^']|'')*)'|([^,"' ]+)|( +)|(,)|(.)""")
#: Text libyaml reads as printable, minus what could end a line or a scalar in YAML 1.1 (CR,
#: NEL, LS, PS), the BOM and tabs: a text with anything else goes to libyaml.
_FLAT_TEXT = re.compile(
    "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
#: Characters a plain scalar may not start with here (indicators, quotes, and `-?:` which
#: start one only when another character follows: not worth the rules).
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = frozenset(",[]{}:")
_SIMPLE_TAGS = frozenset(
    ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
     "tag:yaml.org,2002:float")
)  # fmt: skip
_NO = object()
"""A value the flat reader does not take: the whole text goes to libyaml."""


def _flat_plain(value: str, flow: bool) -> Any:
    """A plain scalar's value (stripped, non-empty text), or _NO."""
    if (
        value[0] in _PLAIN_START
        or ": " in value
        or " #" in value
        or value[-1] == ":"
        or (flow and not _FLOW_CHARS.isdisjoint(value))  # `:` too: libyaml's flow rules differ
    ):
        return _NO
    tag = _core_tag(value)
    if tag == _STR_TAG:
        return value
    if tag not in _SIMPLE_TAGS:
        return _NO
    try:
        return _FAST_SCALARS[tag](yaml.ScalarNode(tag, value))
    except _BAD_SCALAR:
        return _NO


def _unescape(match: re.Match[str]) -> str:
    return _ESCAPED[match.group(1)]


def _flat_value(value: str) -> Any:
    """The value after `key: ` or `- ` (stripped of trailing blanks), or _NO."""
    first = value[0]
    if first == '"':
        inner = value[1:-1]
        if len(value) >= 2 and value[-1] == '"' and '"' not in inner and "\\" not in inner:
            # The usual quoted description: no escape and no inner quote, so the regex below
            # would match all of it (two memchr scans instead of ~7 ns a character).
            return inner
        match = _DOUBLE_QUOTED.fullmatch(value)
        if match is None:
            return _NO
        inner = match.group(1)
        return _ESCAPE.sub(_unescape, inner) if "\\" in inner else inner
    if first == "'":
        inner = value[1:-1]
        if len(value) < 2 or value[-1] != "'":
            return _NO
        if "'" in inner:
            if "'" in inner.replace("''", ""):
                return _NO
            inner = inner.replace("''", "'")
        return inner
    if first == "[":
        return _flat_flow(value) if value[-1] == "]" else _NO
    return _flat_plain(value, False)


def _flat_flow(value: str) -> Any:
    """A one-line flow list of scalars, `[a, "b", 'c']`, or _NO."""
    inner = value[1:-1]
    if not inner.strip(" "):
        return []
    items: list[Any] = []
    words: list[str] = []  # the plain item being read: its words and the blanks between them
    quoted: str | None = None  # or the quoted item being read
    for match in _FLOW_TOKEN.finditer(inner + ","):
        double, single, word, blanks, comma, stray = match.groups()
        if word is not None:
            if quoted is not None:
                return _NO
            words.append(word)
        elif blanks is not None:
            if words:
                words.append(blanks)
        elif comma is not None:
            if quoted is not None:
                items.append(quoted)
            elif words:
                item = _flat_plain("".join(words).rstrip(" "), True)
                if item is _NO:
                    return _NO
                items.append(item)
            else:
                return _NO  # an empty item: `[a,,b]`, or a comma at the end
            words, quoted = [], None
        elif stray is not None or quoted is not None or words:
            return _NO  # a quote left open, or a quoted part beside another part
        else:
            quoted = double if double is not None else single.replace("''", "'")
    return items


def flat_mapping(text: str) -> dict[str, Any] | None:
    """The mapping of a flat frontmatter text, as libyaml reads it; None for any other shape.

    The shape: `key: value` lines at column 0; a key with no value may have a block under it,
    at one indentation, of `- value` items (a list) or `key: value` lines (a mapping).
    """
    if len(text) >= MAX_NODES // 2 or _FLAT_TEXT.fullmatch(text) is None:
        return None
    result: dict[str, Any] = {}
    key_line = _FLAT_KEY.fullmatch
    block_key: str | None = None  # the last key, when it had no value: a block may follow
    block: list[Any] | dict[str, Any] | None = None  # that block, once it has a line
    indent = 0
    for line in text.split("\n"):
        if not line or line[0] == "#":
            continue
        if line[0] != " " and line[0] != "-":
            match = key_line(line)
            if match is None:
                return None
            key, value = match.groups()
            if key in result:
                return None  # a duplicate: libyaml's path reports it
            value = value.rstrip(" ") if value else value
            if not value:
                result[key] = None
                block_key, block = key, None
                continue
            value = _flat_value(value)
            if value is _NO:
                return None
            result[key] = value
            block_key = None
            continue
        stripped = line.lstrip(" ")
        if not stripped:
            continue  # blanks only: an empty line
        if block_key is None:
            return None  # an indented line after a value: a multi-line scalar, say
        if block is None:
            indent = len(line) - len(stripped)
        elif len(line) - len(stripped) != indent:
            return None
        if stripped[0] == "-":
            match = _FLAT_ITEM.fullmatch(stripped)
            if match is None:
                return None
            if block is None:
                block = result[block_key] = []
            elif block.__class__ is not list:
                return None
            value = match.group(1)
            value = value.rstrip(" ") if value else value
            value = _flat_value(value) if value else None
            if value is _NO:
                return None
            block.append(value)  # type: ignore[union-attr]
            continue
        match = key_line(stripped)
        if match is None:
            return None
        if block is None:
            block = result[block_key] = {}
        elif block.__class__ is not dict:
            return None
        key, value = match.groups()
        if key in block:
            return None
        value = value.rstrip(" ") if value else value
        value = _flat_value(value) if value else None
        if value is _NO:
            return None
        block[key] = value  # type: ignore[index]
    return result or None


def load(text: str) -> tuple[Any, list[tuple[str, int]], list[tuple[str, int]]]:
    """Load one YAML document strictly and safely.

    Returns the value, the duplicate keys and the unknown tags (each with its 0-based line).
    Raises YamlSyntaxError when strict YAML rejects the text, YamlLimitError when it is too
    deep or too big. The common flat shape is read without libyaml (see `flat_mapping`).
    """
    flat = flat_mapping(text)
    if flat is not None:
        return flat, [], []
    return load_libyaml(text)


def load_libyaml(text: str) -> tuple[Any, list[tuple[str, int]], list[tuple[str, int]]]:
    """`load` through libyaml alone, whatever the shape (the reference for `flat_mapping`)."""
    try:
        if _may_nest_deep(text):
            _check_depth(text)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(problem, mark.line if mark else None) from None
    except yaml.YAMLError as exc:  # e.g. several documents, or a reader error
        raise YamlSyntaxError(str(exc).splitlines()[0], None) from None
    except RecursionError:
        raise YamlLimitError(f"nested deeper than {MAX_DEPTH} levels", None) from None
    if node is None:
        return None, [], []
    builder = _Builder()
    # Without aliases every node is built once, and a short text cannot hold MAX_NODES nodes
    # (each takes at least half a character): the size pass is needed only with `*` or length.
    if "*" in text or len(text) >= MAX_NODES // 2:
        builder.expanded_size(node, len(text))
    value = builder.build(node)
    return value, builder.duplicates, builder.odd_tags


def load_scalar_line(value_text: str) -> tuple[bool, Any]:
    """Try strict YAML on one recovered value; (False, None) when it is not valid alone."""
    try:
        value, _, odd = load("k: " + value_text)
    except (YamlSyntaxError, YamlLimitError):
        return False, None
    if odd or not isinstance(value, dict):
        return False, None
    return True, value.get("k")
