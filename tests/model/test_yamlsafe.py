"""The flat reader (yamlsafe.flat_mapping) against libyaml: where it answers, it answers as
libyaml does, value for value and type for type; and it answers for the common shapes.

The reader skips libyaml for most frontmatter (the cold load's biggest cost), so a difference
here would be a wrong field in the browser. Hypothesis builds texts in and near the flat shape
from the pieces YAML treats specially; the real corpus, the seeds and our own files follow.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agentbrowser.model import yamlsafe
from agentbrowser.model.parse import split_frontmatter
from agentbrowser.model.text import read_text

from ..hostile_tree import time_limit
from ..paths import BUNDLED, CORPUS, REPO, SEEDS

SCALE = int(os.environ.get("AGENTBROWSER_EXAMPLES", "150")) / 150
MANY = settings(
    max_examples=int(1500 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (True == 1 == 1.0 in Python), keys in order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def check_agrees(text: str) -> dict[str, Any] | None:
    """flat_mapping's answer, after checking it against libyaml's where it gives one."""
    with time_limit(10):
        flat = yamlsafe.flat_mapping(text)
        if flat is None:
            return None
        value, duplicates, odd_tags = yamlsafe.load_libyaml(text)  # raises: a test failure
    assert same(flat, value), (text, flat, value)
    assert duplicates == [] and odd_tags == []
    return flat


# --- generated texts --------------------------------------------------------------------------

# fmt: off
KEYS = st.sampled_from(
    ["name", "description", "tools", "model", "on", "yes", "null", "y", "True", "a.b", "a-b", "_x",
     "k1", "allowed-tools", "Name", "name"]  # `name` twice: duplicates come up often
)
PIECES = st.sampled_from(
    ["word", "two words", " ", "  ", ":", ": ", " :", "#", " #", "C#", "-", "- ", "?", "? ", ",",
     ", ", "[", "]", "{", "}", "'", "''", '"', "\\", '\\"', "\\n", "\\t", "\\/", "\\\\", "\\x41",
     "\\u00e9", "\\e", "\\ ", "*", "&a", "!", "!!str", "|", ">", "%", "@", "`", "~", "null",
     "Null", "yes", "No", "on", "OFF", "true", "y", "0", "1", "-1", "+1", "0x1F", "0o17", "017",
     "0b101", "1_000", "1.5", "1e3", "1.0e+3", ".5", ".inf", "-.Inf", ".nan", ".NaN", "1:20",
     "190:20:30", "2024-01-01", "2024-01-01 10:00:00", "=", "<<", "http://x.y/z", "**/*.py",
     "é", "\u00a0", "\U0001f600", "\u2028", "\u2029", "\x85", "\ufeff", "\x7f", "\x00", "\t",
     "\r", "\ud7ff", "\ue000", "\ufffd", "...", "---"]
)
# What most values are made of: the texts above are mixed in one piece in four.
WORDS = st.sampled_from(
    ["word", "two words", "Read", "x-y", "a.b", "1", "1.5", "yes", "false", "~", "é", "ü ß", "a/b"]
)
# fmt: on
SCALAR = st.lists(st.one_of(WORDS, WORDS, WORDS, PIECES), min_size=0, max_size=5).map("".join)
QUOTED = st.one_of(
    SCALAR.map(lambda s: f'"{s}"'),
    SCALAR.map(lambda s: f"'{s}'"),
    SCALAR.map(lambda s: "'" + s.replace("'", "''") + "'"),
    SCALAR.map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)
VALUE = st.one_of(
    SCALAR,
    QUOTED,
    st.lists(st.one_of(SCALAR, QUOTED), max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    st.lists(st.one_of(SCALAR, QUOTED), max_size=4).map(lambda items: "[" + ",".join(items) + "]"),
)
SEPARATOR = st.sampled_from([": ", ":  ", ":", ": ", ":\t", " : ", "::"])
INDENT = st.sampled_from(["", " ", "  ", "  ", "    ", "\t"])
LINE = st.one_of(
    st.tuples(KEYS, st.just(": "), VALUE).map("".join),  # key: value
    st.tuples(KEYS, SEPARATOR, VALUE).map("".join),
    st.tuples(KEYS, st.sampled_from([":", ": ", ":  "])).map("".join),  # key with no value
    st.tuples(INDENT, st.sampled_from(["- ", "- ", "-  ", "-", "-x "]), VALUE).map("".join),  # item
    st.tuples(INDENT, KEYS, st.just(": "), VALUE).map("".join),  # nested key: value
    st.sampled_from(["", " ", "# a comment", "  # indented comment", "   ", "---", "..."]),
    SCALAR,  # a stray line
)
# Texts in the flat shape but for their values (what the reader must get right), and texts of
# any lines (where it must know to say no).


def _entry(key: str, value: str | list[str] | dict[str, str]) -> str:
    if isinstance(value, str):
        return f"{key}: {value}"
    if isinstance(value, list):
        return "\n".join([f"{key}:", *(f"  - {item}" for item in value)])
    return "\n".join([f"{key}:", *(f"  {k}: {v}" for k, v in value.items())])


FLAT = st.dictionaries(
    KEYS,
    st.one_of(VALUE, VALUE, st.lists(VALUE, max_size=3), st.dictionaries(KEYS, VALUE, max_size=3)),
    min_size=1,
    max_size=5,
).map(lambda entries: [_entry(k, v) for k, v in entries.items()])
TEXT = st.one_of(
    FLAT,
    st.lists(LINE, min_size=0, max_size=8),
).map(lambda lines: "\n".join(lines) + "\n")


@MANY
@given(text=TEXT)
@example("name: x\non: yes\nmodel: 1.5\ncount: 0x1F\nnothing: ~\n")
@example("tools:\n  - Read\n  - 'Write'\n  -\n")
@example("tools:\n- Read\nmodel: x\n")
@example("tools:\n  read: true\n  bash: false\n")
@example('description: "a \\"b\\" \\\\ c\\nd"\n')
@example("globs: ['*.py', \"*.ts\", plain, 1, yes, ~]\n")
@example("a: x\nb:\n  - y\n    - z\n")  # items at two indentations
@example("a: [b:c]\n")
@example("a" * 1024 + ": b\nx:\n  " + "c" * 1024 + ": d\n")  # the longest keys libyaml takes
def test_flat_reader_agrees_with_libyaml_where_it_answers(text: str) -> None:
    check_agrees(text)


def test_flat_reader_answers_for_the_common_shapes() -> None:
    """Not a reader that always says no: these are what real frontmatter mostly looks like."""
    cases = {
        "name: code-reviewer\ndescription: Reviews code.\ntools: Read, Grep\nmodel: sonnet\n": {
            "name": "code-reviewer",
            "description": "Reviews code.",
            "tools": "Read, Grep",
            "model": "sonnet",
        },
        'description: "Use it: when \\"x\\".\\nThen y."\nalwaysApply: false\n': {
            "description": 'Use it: when "x".\nThen y.',
            "alwaysApply": False,
        },
        "globs: ['**/*.py', \"*.ts\"]\ntemperature: 0.1\n": {
            "globs": ["**/*.py", "*.ts"],
            "temperature": 0.1,
        },
        "tools:\n  - Read\n  - Write\nmode: subagent\n": {
            "tools": ["Read", "Write"],
            "mode": "subagent",
        },
        "tools:\n  write: true\n  bash: false\nmodel: x\n": {
            "tools": {"write": True, "bash": False},
            "model": "x",
        },
        "# a comment\n\nname: a\nempty:\ncolor: 'it''s'\n": {
            "name": "a",
            "empty": None,
            "color": "it's",
        },
    }
    for text, expected in cases.items():
        assert same(check_agrees(text), expected), text


@pytest.mark.parametrize(
    "text",
    [
        "description: a: b\n",  # invalid YAML: libyaml's error, with its line
        "name: a\nname: b\n",  # a duplicate: libyaml's path warns about it
        "when: !!timestamp 2024-01-01\n",  # a tag: not a plain value
        "a: *ref\n",  # an alias
        "a: |\n  text\n",  # a block scalar
        "a: b\n  c\n",  # a multi-line plain scalar
        "a: 'b\n  c'\n",  # a quoted scalar over two lines
        'a: "\\x41"\n',  # an escape outside the five
        "a: b # comment\n",
        "a:\n  b:\n    c: d\n",  # nested two deep
        "\n# only a comment\n",  # an empty document: None, and a warning
        "a: x\r\n",  # CR: a line break to YAML
        "a: x\u2028y\n",  # LS: a line break to YAML 1.1
        "a:\tb\n",
        "a" * 1025 + ": b\n",  # libyaml takes a simple key of at most 1,024 characters
        "x:\n  " + "a" * 1025 + ": b\n",
    ],
    ids=lambda text: f"{text[:12]!r}..{len(text)}",
)
def test_flat_reader_leaves_other_shapes_to_libyaml(text: str) -> None:
    assert yamlsafe.flat_mapping(text) is None


def test_load_reports_what_libyaml_reports_for_the_shapes_it_leaves() -> None:
    """Through `load`, the texts the flat reader refuses still get libyaml's answers."""
    with pytest.raises(yamlsafe.YamlSyntaxError):
        yamlsafe.load("description: a: b\n")
    assert yamlsafe.load("name: a\nname: b\n") == ({"name": "b"}, [("name", 1)], [])
    assert yamlsafe.load("\n# only a comment\n") == (None, [], [])


# --- real files -------------------------------------------------------------------------------


def frontmatter_texts(root: Path) -> list[str]:
    texts = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in (".md", ".mdc", ".markdown"):
            continue
        read = read_text(str(path))
        if read.text is None:
            continue
        lines, _, _, closed = split_frontmatter(read.text)
        if lines is not None and closed:
            texts.append("\n".join(lines) + "\n")
    return texts


def check_folder(root: Path) -> tuple[int, int]:
    texts = frontmatter_texts(root)
    answered = sum(check_agrees(text) is not None for text in texts)
    return answered, len(texts)


def test_flat_reader_agrees_on_our_own_files() -> None:
    answered, total = check_folder(BUNDLED)
    assert total >= 10 and answered >= total // 2, (answered, total)
    check_folder(REPO / "tests" / "data")


def test_flat_reader_agrees_on_the_real_corpus() -> None:
    answered, total = check_folder(CORPUS)
    # 164 of 244 when written: most real frontmatter is flat; the rest is libyaml's.
    assert total >= 200 and answered >= total // 2, (answered, total)


def test_flat_reader_agrees_on_the_seeds() -> None:
    check_folder(SEEDS)


@pytest.mark.parametrize(
    "text",
    [
        "k: [a" + " " * 40_000 + '"]\n',  # blanks, then a stray quote: was quadratic
        "k: [" + "a " * 40_000 + "]\n",
        "k: [" + "'" + "''" * 40_000 + "]\n",
        'k: ["' + "a" * 80_000 + "]\n",
        'k: "' + "\\n" * 40_000 + "\n",  # a double quote never closed
        'k: "' + "a\\" * 40_000 + "\n",
        "k: '" + "''" * 40_000 + "\n",
        "k: " + "a " * 40_000 + ": x\n",
        "k:\n" + "  - a\n" * 15_000,
        "".join(f"k{n}: v\n" for n in range(12_000)),
    ],
    ids=lambda text: f"{text[:12]!r}..{len(text)}",
)
def test_flat_reader_takes_linear_time_on_long_texts(text: str) -> None:
    """No quadratic scan on a long frontmatter (each one here takes a few ms); a hang fails."""
    with time_limit(5):
        check_agrees(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"), ("No", "No"), ("on", "on"), ("off", "off"), ("y", "y"),
        ("2024-01-01", "2024-01-01"), ("1:30", "1:30"), ("1_000", "1_000"), ("0b101", "0b101"),
        ("true", True), ("False", False), ("TRUE", True), ("~", None), ("null", None), ("", None),
        ("0777", 777), ("0o17", 15), ("0x1F", 31), ("-3", -3), ("+4", 4),
        ("1e3", 1000.0), (".5", 0.5), ("1.", 1.0), ("-.inf", float("-inf")),
    ],
)  # fmt: skip
def test_plain_scalars_resolve_by_yaml_1_2_s_core_schema_as_the_owners_read_them(
    text: str, value: object
) -> None:
    """Claude Code and OpenCode list `name: yes` as the agent `yes` (measured): their readers
    follow YAML 1.2, where PyYAML's 1.1 reads true (and dates, sexagesimals, `0777` as 511)."""
    source = f"a: {text}\n".replace("a: \n", "a:\n")
    for loaded in (yamlsafe.load(source)[0], yamlsafe.load_libyaml(source)[0]):
        assert loaded == {"a": value} and type(loaded["a"]) is type(value), (text, loaded)


def test_a_long_string_repeated_by_aliases_is_refused_by_its_characters() -> None:
    """10,000 values of 10,000 characters from a 10 KB text: within the count of values, it was
    100 MB of frontmatter (`show` ran out of memory). Aliases may add up to a million
    characters; a large text without aliases is said to be large, not an alias bomb."""
    bomb = f'a: &a "{"x" * 10_000}"\n'
    for name, ref in (("b", "a"), ("c", "b"), ("d", "c"), ("e", "d")):
        bomb += f"{name}: &{name} [{', '.join([f'*{ref}'] * 10)}]\n"
    with pytest.raises(yamlsafe.YamlLimitError, match="characters through aliases"):
        yamlsafe.load(bomb)
    # A few repeats of an anchor are fine.
    value, _, _ = yamlsafe.load(f'a: &a "{"x" * 10_000}"\nb: [*a, *a, *a]\n')
    assert value["b"] == ["x" * 10_000] * 3
    flat = "".join(f"k{i}: [v]\n" for i in range(70_000))
    with pytest.raises(yamlsafe.YamlLimitError, match="^holds more than 200,000 values$"):
        yamlsafe.load(flat)
