"""Property tests (issue 6): the parser never raises, sanitising leaves no control character, and
discovery never raises, on whatever text, bytes or tree hypothesis makes up.

Each example runs under `time_limit`, so that an input which hangs (as a recursive alias once
did) fails with the input shown instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agentbrowser.loading.collection import load_collection
from agentbrowser.model import yamlsafe
from agentbrowser.model.discovery import SKIP_DIRS
from agentbrowser.model.parse import parse_file, parse_text
from agentbrowser.model.records import ERROR, INFO, WARNING, Agent
from agentbrowser.model.serialize import agent_to_json, dumps
from agentbrowser.model.text import one_line, sanitize

from ..hostile_tree import time_limit

#: Examples per property: ~150 keeps the file near 10 s on 2 cores; raise it for a deep search
#: (AGENTBROWSER_EXAMPLES=5000 python -m pytest tests/model/test_properties.py).
SCALE = int(os.environ.get("AGENTBROWSER_EXAMPLES", "150")) / 150
FAST = settings(
    max_examples=int(150 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# C0 controls but newline and tab, DEL, C1 controls, and bidi overrides and isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for files the examples write (tmp_path is per test, not per example)."""
    return tmp_path_factory.mktemp("properties")


# --- strategies ---------------------------------------------------------------------------------

# What YAML and frontmatter are made of, with controls, odd spaces and non-ASCII mixed in.
# fmt: off
YAMLISH = st.sampled_from(
    [
        "name", "description", "tools", "model", "on", "null", "~", "1", ".nan", ".inf", "2024-01-01",
        ":", ": ", "- ", "-", "? ", "[", "]", "{", "}", ",", "&a ", "*a", "&b ", "*b", "<<: *a",
        "!!python/object/apply:os.system", "!!binary", "!!set", "!e%1B", "!<tag:x>", "|", ">-", "'",
        '"', "\\", "\\e", "\\x9b", "#", "%YAML 1.1", "---", "...", "  ", "\t", "\n", "\r\n", "\x00",
        "\x1b[2J", "\x1b]0;t\x07", "\x9b", "\ufeff", "\u202e", "é", "\U0001f600", "[bold]", "[/]",
    ]
)
# fmt: on
YAML_LINE = st.lists(st.one_of(YAMLISH, st.text(max_size=6)), max_size=8).map("".join)
FRONTMATTER_TEXT = st.builds(
    lambda lines, body, close: "---\n" + "\n".join(lines) + ("\n---\n" if close else "\n") + body,
    st.lists(YAML_LINE, max_size=12),
    st.text(max_size=40),
    st.booleans(),
)
ANY_TEXT = st.one_of(st.text(), FRONTMATTER_TEXT)
ANY_BYTES = st.one_of(
    st.binary(max_size=400),
    FRONTMATTER_TEXT.map(lambda t: t.encode("utf-8")),
    FRONTMATTER_TEXT.map(lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8")),
    FRONTMATTER_TEXT.map(lambda t: t.encode("latin-1", errors="replace")),
    st.tuples(FRONTMATTER_TEXT, st.binary(max_size=40)).map(lambda p: p[0].encode() + p[1]),
)


def check_record(agent: Agent) -> None:
    """What every record must be, whatever its file held."""
    assert isinstance(agent, Agent) and isinstance(agent.name, str) and isinstance(agent.body, str)
    assert all(p.severity in (ERROR, WARNING, INFO) for p in agent.problems)
    assert all(p.line is None or p.line >= 1 for p in agent.problems)
    assert agent.tools is None or all(isinstance(t, str) for t in agent.tools)
    # Strict JSON always: no NaN, no object json cannot write.
    json.dumps(agent_to_json(agent, full=True), allow_nan=False)


# --- the parser ---------------------------------------------------------------------------------


@FAST
@given(text=ANY_TEXT)
def test_parse_text_never_raises(text: str) -> None:
    with time_limit(10):
        check_record(parse_text(text, "/x/.claude/agents/a.md"))


@FAST
@given(data=ANY_BYTES)
def test_parse_file_never_raises_on_any_bytes(data: bytes, scratch: Path) -> None:
    path = scratch / "agent.md"
    path.write_bytes(data)
    with time_limit(10):
        agent = parse_file(str(path))
    check_record(agent)


@FAST
@given(text=st.lists(YAML_LINE, max_size=12).map("\n".join))
def test_yaml_loader_raises_only_its_own_errors(text: str) -> None:
    with time_limit(10):
        try:
            yamlsafe.load(text)
        except (yamlsafe.YamlSyntaxError, yamlsafe.YamlLimitError):
            pass


@settings(max_examples=int(60 * SCALE), deadline=None)
@given(text=FRONTMATTER_TEXT)
def test_rendering_any_record_raises_nothing_and_leaks_no_control(text: str) -> None:
    from agentbrowser.render.agent import render_agent

    out = StringIO()
    with time_limit(10):
        render_agent(parse_text(text, "/x/a.md"), out)
    assert not UNSAFE.search(out.getvalue())


# --- description blocks: the linear scanners find what the old regexes found ------------------

OLD_BLOCK = re.compile(r"<(example|commentary)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
OLD_SPEAKER = re.compile(r"[ \t]+(?=(?:Context|context|user|User|assistant|Assistant):[ \t])")
TAGGY = st.lists(
    st.sampled_from(
        [
            "<example>",
            "</example>",
            "<Example>",
            "</EXAMPLE>",
            "<commentary>",
            "</commentary>",
            "<COMMENTARY>",
            "</example",
            "x",
            " ",
            "  ",
            "\t",
            "\n",
            "user: ",
            "Context:",
            "assistant:\t",
        ]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=int(200 * SCALE), deadline=None)
@given(text=TAGGY)
def test_description_scanners_match_the_regexes_they_replace(text: str) -> None:
    from agentbrowser.model.describe import _SPEAKER, _tagged, description_blocks

    old = [(m.start(), m.end(), m.group(1).lower(), m.group(2)) for m in OLD_BLOCK.finditer(text)]
    assert list(_tagged(text)) == old
    assert _SPEAKER.sub("\n", text) == OLD_SPEAKER.sub("\n", text)
    description_blocks(text)


@settings(max_examples=int(200 * SCALE), deadline=None)
@given(
    name=st.text(alphabet="abc-_ .é", max_size=30),
    word=st.text(alphabet="abcé", min_size=2, max_size=5),
)
def test_subsequence_search_matches_the_regex_it_replaces(name: str, word: str) -> None:
    from agentbrowser.model.search import _subsequence_positions

    found = re.compile(".*?".join(re.escape(c) for c in word)).search(name)
    spans = _subsequence_positions(name, word)
    assert (found is None) == (spans is None)
    if found is not None and spans is not None:
        assert spans[0] == found.start() and "".join(name[i] for i in spans) == word


# --- sanitising ---------------------------------------------------------------------------------

CONTROLISH = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0xA0),
        st.sampled_from("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2400\u241b"),
        st.characters(),
    )
)


@settings(max_examples=int(200 * SCALE), deadline=None)
@given(text=CONTROLISH)
@example(text="\xad\ud800")  # a soft hyphen beside a file name's undecodable byte
def test_sanitize_leaves_no_control_character(text: str) -> None:
    safe = sanitize(text)
    assert not UNSAFE.search(safe)
    assert safe.count("\n") == text.count("\n") and safe.count("\t") == text.count("\t")
    assert sanitize(safe) == safe  # already safe text is left alone
    line = one_line(text)
    assert not UNSAFE.search(line) and "\n" not in line


@settings(max_examples=int(200 * SCALE), deadline=None)
@given(
    value=st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(alphabet=st.characters(exclude_categories=())),
        ),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_json_output_is_strict_escaped_and_round_trips(value: object) -> None:
    text = dumps(value)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)  # newlines only from indent
    assert json.loads(text) == value  # surrogates (non-UTF-8 file names) included


# --- discovery ----------------------------------------------------------------------------------

NAME = st.one_of(
    st.text(min_size=1, max_size=10).filter(lambda n: "/" not in n and "\x00" not in n),
    st.binary(min_size=1, max_size=10).filter(lambda n: b"/" not in n and b"\x00" not in n),
).filter(lambda n: n not in (".", "..", b".", b".."))
SUFFIX = st.sampled_from(["", ".md", ".MD", ".mdc", ".markdown", ".txt", ".agent.md"])
ENTRY = st.tuples(
    st.sampled_from(["dir", "file", "file", "file", "symlink", "fifo"]),
    st.integers(min_value=0, max_value=20),  # the folder it goes in: an index into those made
    NAME,
    SUFFIX,
    st.one_of(ANY_BYTES, st.sampled_from([b"", b"---\n", b"---\nname: x\n---\n"])),
    # Symlink targets: loops (., .., the root, itself), a sibling folder, nothing. Not "/": a
    # folder link is followed wherever it points (dotfiles repos link agent folders in), so a
    # link to / walks the disk up to discovery.MAX_FILES, which is slow, not wrong.
    st.sampled_from(["..", ".", "missing", "SELF", "ROOT", "SIBLING", "../.."]),
)


def build_tree(root: Path, entries: list[tuple]) -> list[bytes]:
    """Make the entries under root; return the regular agent files a walk must find."""
    folders = [os.fsencode(root)]
    expected: list[bytes] = []
    for kind, where, name, suffix, content, target in entries:
        folder = folders[where % len(folders)]
        base = (name if isinstance(name, bytes) else os.fsencode(name)) + suffix.encode()
        path = os.path.join(folder, base)
        if os.path.lexists(path) or len(base) > 255:
            continue
        if kind == "dir":
            os.mkdir(path)
            folders.append(path)
        elif kind == "file":
            with open(path, "wb") as handle:
                handle.write(content)
            expected.append(path)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            link = {
                "SELF": base,
                "ROOT": os.fsencode(root),
                "SIBLING": os.path.basename(folders[-1]),
            }
            os.symlink(link.get(target, os.fsencode(target)), path)
    return expected


def identity(path: bytes) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def reachable(path: bytes, root: bytes) -> bool:
    """A file a walk must list: an agent suffix, in real folders none of which it skips."""
    relative = os.path.relpath(path, root).split(b"/")
    if any(os.fsdecode(part) in SKIP_DIRS for part in relative[:-1]):
        return False
    return os.fsdecode(relative[-1]).lower().endswith((".md", ".mdc", ".markdown"))


@settings(max_examples=int(100 * SCALE), deadline=None)
@given(entries=st.lists(ENTRY, max_size=25))
def test_discovery_never_raises_on_any_tree(entries: list[tuple], scratch: Path) -> None:
    # Two empty folders above the root: links to .. and ../.. stay inside the sandbox.
    sandbox = Path(tempfile.mkdtemp(dir=scratch))
    root = sandbox / "a" / "b" / "root"
    root.mkdir(parents=True)
    try:
        expected = build_tree(root, entries)
        with time_limit(20):
            agents = load_collection([str(root)])
        listed = [os.fsencode(a.path) for a in agents]
        assert len(set(listed)) == len(listed)  # each path once, loops and all
        assert all(p.startswith(os.fsencode(root) + b"/") for p in listed)
        # Every agent file is listed, under its own path or one through a folder link.
        found = {identity(p) for p in listed}
        for path in expected:
            if reachable(path, os.fsencode(root)):
                assert identity(path) in found, path
        for agent in agents:
            check_record(agent)
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)


FENCY = st.lists(
    st.sampled_from(["---", "...", "----", "--- ", "...\t", "\n", " ", "-", ".", "a", "\t", "x: y"]),
    max_size=30,
).map("".join)


@given(text=FENCY)
@example(text="...\n---\n")  # a `...` line does not close: the `---` after it does
@example(text="x: y\n----\n---")  # `----` closes (a line that starts with `---`)
@example(text="--- \n---\n")  # a fence with blanks after it
@example(text="---x\n")
@settings(max_examples=300)
def test_closing_fence_search_matches_the_regex(text: str) -> None:
    """The str.find fast path finds the same closing line as the multi-line regex."""
    from agentbrowser.model import parse

    text = "---\n" + text
    match = parse._CLOSE_ANYWHERE.search(text, 4)
    assert parse._close_fence(text, 3) == (match.span() if match else None)
    assert parse.split_frontmatter(text)[3] is (match is not None)
