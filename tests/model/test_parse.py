"""Pure tests of parsing and normalisation: tables of inputs with readable ids."""

from __future__ import annotations

import datetime
import json
import math
import os
from pathlib import Path

import pytest

from agentbrowser.model import parse_file, parse_text
from agentbrowser.model.discovery import bundled_agents_dir, resolve_precedence
from agentbrowser.model.formats import detect_format, normalize_tools, split_tools
from agentbrowser.model.parse import recover_lines
from agentbrowser.model.serialize import agent_to_json

# (id, path, text, expected fields) — expected values are checked only for the keys given.
CASES = [
    (
        "claude-agent-plain",
        "/p/.claude/agents/rev.md",
        "---\nname: rev\ndescription: Reviews code\ntools: Read, Grep, Bash(git add:*)\nmodel: opus\ncolor: red\n---\nYou review.\n",
        {
            "name": "rev",
            "format": "claude-agent",
            "tools": ("Read", "Grep", "Bash(git add:*)"),
            "model": "opus",
            "color": "red",
            "body": "You review.\n",
            "errors": 0,
        },
    ),
    (
        "tools-missing-inherits",
        "/p/.claude/agents/a.md",
        "---\nname: a\ndescription: d\n---\nbody\n",
        {"tools": None, "errors": 0},
    ),
    (
        "tools-empty-list",
        "/p/.claude/agents/a.md",
        "---\nname: a\ndescription: d\ntools: []\n---\nbody\n",
        {"tools": (), "errors": 0},
    ),
    (
        "tools-empty-string",
        "/p/.claude/agents/a.md",
        "---\nname: a\ndescription: d\ntools: ''\n---\nbody\n",
        {"tools": ()},
    ),
    (
        "tools-yaml-list",
        "/p/x.agent.md",
        "---\ndescription: d\ntools: ['codebase', 'search', 'edit/editFiles']\n---\n",
        {"name": "x", "format": "copilot-agent", "tools": ("codebase", "search", "edit/editFiles")},
    ),
    (
        "tools-opencode-bool-map",
        "/p/.opencode/agent/docs.md",
        "---\nname: Docs Writer\ndescription: d\ntools:\n  write: false\n  read: true\n  grep: true\n---\n",
        # OpenCode keeps every tool the map does not switch off (write: false takes edit too)
        {
            "name": "Docs Writer",
            "format": "opencode-agent",
            "tools": (
                "bash",
                "read",
                "glob",
                "grep",
                "task",
                "webfetch",
                "todowrite",
                "websearch",
                "skill",
            ),
        },
    ),
    (
        "tools-skill-space-separated",
        "/p/.claude/skills/pdf/SKILL.md",
        "---\ndescription: d\nallowed-tools: Read Grep Bash(git add:*)\n---\n",
        {"name": "pdf", "format": "claude-skill", "tools": ("Read", "Grep", "Bash(git add:*)")},
    ),
    (
        "tools-command-comma-allowed-tools",
        "/p/.claude/commands/commit.md",
        "---\ndescription: d\nallowed-tools: Bash(git add:*), Bash(git commit:*)\n---\nDo $ARGUMENTS\n",
        {
            "name": "commit",
            "format": "claude-command",
            "tools": ("Bash(git add:*)", "Bash(git commit:*)"),
        },
    ),
    (
        "cursor-rule-unquoted-glob-star",
        "/p/rules/py.mdc",
        "---\ndescription: Python rules\nglobs: **/*.py\nalwaysApply: false\n---\nUse types.\n",
        {
            "name": "py",
            "format": "cursor-rule",
            "description": "Python rules",
            "errors": 0,
            "warnings": 0,  # the comma-separated string Cursor documents
            "frontmatter.globs": "**/*.py",
        },
    ),
    (
        "argument-hint-pipe-alternation",
        "/p/.claude/commands/clean.md",
        "---\ndescription: Clean\nargument-hint: [--all] | [--dry-run]\nallowed-tools: Bash(rm:*)\n---\n",
        {
            "format": "claude-command",
            "tools": ("Bash(rm:*)",),
            "errors": 0,  # Claude Code quotes the value and loads the command
            "warnings_contain": "Claude Code reads this frontmatter, but strict YAML does not",
            "frontmatter.argument-hint": "[--all] | [--dry-run]",
        },
    ),
    (
        "description-colon-space-and-examples",
        "/p/.claude/agents/be.md",
        "---\nname: be\ndescription: Use it. Examples: <example>user: 'hi'</example>\ntools: Read, Write\nmodel: sonnet\n---\nPrompt\n",
        {
            "name": "be",
            "description": "Use it. Examples: <example>user: 'hi'</example>",
            "tools": ("Read", "Write"),
            "model": "sonnet",
            "errors": 0,
            "warnings_contain": "python-frontmatter and other strict YAML readers reject it",
            "warning_line": 3,
        },
    ),
    (
        "recovered-quoted-value",
        "/p/.claude/agents/q.md",
        "---\nname: \"q\"\ndescription: 'Says: hi'\nbad: a: b\n---\n",
        {"name": "q", "description": "Says: hi", "errors": 0, "frontmatter.bad": "a: b"},
    ),
    (
        "name-from-file-without-frontmatter-name",
        "/p/dir/helper.chatmode.md",
        "---\ndescription: d\n---\n",
        {"name": "helper", "format": "copilot-chatmode"},
    ),
    (
        "markdown-no-frontmatter",
        "/p/notes/readme.md",
        "# Just notes\n",
        {"name": "readme", "format": "markdown", "errors": 0, "body": "# Just notes\n"},
    ),
    (
        "outside-folders-name-and-description-is-claude-agent",
        "/p/seeds/x.txt",
        "---\nname: seed\ndescription: d\n---\n",
        {"name": "seed", "format": "claude-agent"},
    ),
    (
        "unterminated-frontmatter",
        "/p/.claude/agents/u.md",
        "---\nname: u\ndescription: d\n",
        {"name": "u", "errors": 1},
    ),
    (
        "frontmatter-is-a-list",
        "/p/.claude/agents/l.md",
        "---\n- a\n- b\n---\nbody\n",
        {"name": "l", "errors": 1, "warnings_contain": "no `name`"},  # not a mapping
    ),
    (
        "non-string-key-on",
        "/p/.github/workflows/wf.md",
        "---\non:\n  push: {}\nname: wf\ndescription: d\n---\n",
        {"frontmatter.on": {"push": {}}, "errors": 0},
    ),
    (
        "crlf-line-endings",
        "/p/.claude/agents/c.md",
        "---\r\nname: c\r\ndescription: d\r\ntools: Read\r\n---\r\nbody\r\n",
        {"name": "c", "tools": ("Read",), "body": "body\n", "errors": 0},
    ),
    (
        "duplicate-key-warned",
        "/p/.claude/agents/d.md",
        "---\nname: d\nname: e\ndescription: x\n---\n",
        {"name": "e", "warnings_contain": "duplicate key `name`"},
    ),
    (
        "python-tag-never-runs",
        "/p/.claude/agents/t.md",
        "---\nname: t\ndescription: !!python/object/apply:os.system ['true']\n---\n",
        {"name": "t", "warnings_contain": "unsupported YAML tag"},
    ),
    (
        "block-scalar-description",
        "/p/.claude/agents/b.md",
        "---\nname: b\ndescription: |\n  line one\n  line two\n---\n",
        {"description": "line one\nline two\n"},
    ),
    (
        "broken-yaml-block-list-tools-recovered",
        "/p/.claude/agents/b.md",
        "---\nname: b\ndescription: x: y\ntools:\n  - Read\n  - Grep\n---\n",
        {"tools": ("Read", "Grep"), "errors": 0},
    ),
    (
        "broken-yaml-capitalised-continuation-is-not-a-key",
        "/p/.claude/agents/b.md",
        "---\nname: b\ndescription: Use it.\n\nExamples:\n- <example>\n  Context: x\n  </example>\ntools: Read\n---\n",
        {
            "description": "Use it.\n\nExamples:\n- <example>\n  Context: x\n  </example>",
            "tools": ("Read",),
            "errors": 1,
            "error_contains": "Claude Code will not load this agent",
            "frontmatter.Examples": "<absent>",
        },
    ),
]


def _errors(agent) -> list:
    return [p for p in agent.problems if p.severity == "error"]


@pytest.mark.parametrize("path,text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parse_table(path: str, text: str, expected: dict) -> None:
    agent = parse_text(text.replace("\r\n", "\n"), path)
    for key, value in expected.items():
        if key == "errors":
            assert len(_errors(agent)) == value, agent.problems
        elif key == "error_line":
            assert _errors(agent)[0].line == value
        elif key == "warnings_contain":
            assert any(value in p.message for p in agent.problems), agent.problems
        elif key == "warnings":
            assert [p for p in agent.problems if p.severity == "warning"] == [], agent.problems
        elif key == "warning_line":
            assert [p.line for p in agent.problems if p.severity == "warning"] == [value]
        elif key == "error_contains":
            assert value in _errors(agent)[0].message
        elif key.startswith("frontmatter."):
            field = key.split(".", 1)[1]
            assert agent.frontmatter.get(field, "<absent>") == value
        else:
            assert getattr(agent, key) == value, key


def test_crlf_and_bom_through_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\nname: a\r\ndescription: d\r\n---\r\nhello\r\n")
    agent = parse_file(str(path))
    assert (agent.name, agent.description, agent.body, agent.problems) == ("a", "d", "hello\n", ())


def test_latin1_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes("---\nname: caf\xe9\ndescription: d\n---\n".encode("latin-1"))
    agent = parse_file(str(path))
    assert agent.name == "caf\ufffd"
    assert any("UTF-8" in p.message and p.severity == "warning" for p in agent.problems)


def test_size_cap_reads_the_start_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("---\nname: big\ndescription: d\n---\n" + "x" * (6 * 1024 * 1024))
    agent = parse_file(str(path))
    assert agent.name == "big"
    assert len(agent.body) < 5 * 1024 * 1024 + 10
    assert any("only the first" in p.message for p in agent.problems)


def test_frontmatter_past_the_part_read_is_not_called_never_closed(tmp_path: Path) -> None:
    """A 6 MB description closed after the 5 MB read: "never closed ... tools read no
    frontmatter" said of a file whose frontmatter does close."""
    from agentbrowser.model.lint import rule_id

    path = tmp_path / "big.md"
    path.write_text("---\nname: ld\ndescription: " + "y " * 3_000_000 + "\n---\nB\n")
    agent = parse_file(str(path))
    messages = [p.message for p in agent.problems]
    assert not any("never closed" in m for m in messages), messages
    (said,) = [p for p in agent.problems if "not closed in the part of the file read" in p.message]
    assert said.severity == "warning" and rule_id(said) == "file/truncated"


def test_utf16_and_classic_mac_line_ends_are_named(tmp_path: Path) -> None:
    """A UTF-16 file was "binary"; a file of CR line ends was listed as markdown, no word."""
    from agentbrowser.model.lint import rule_id

    wide = tmp_path / "u.md"
    wide.write_text("\ufeff---\nname: u\ndescription: d\n---\nB\n", encoding="utf-16")
    (problem,) = parse_file(str(wide)).problems
    assert problem.message.startswith("UTF-16 text, not UTF-8") and problem.severity == "error"
    assert rule_id(problem) == "file/encoding"
    mac = tmp_path / "cr.md"
    mac.write_bytes(b"---\rname: lonecr\rdescription: d\r---\rBody.\r")
    agent = parse_file(str(mac))
    assert agent.format == "markdown" and agent.frontmatter == {}
    said = [p for p in agent.problems if "carriage return alone" in p.message]
    assert len(said) == 1 and rule_id(said[0]) == "file/line-ends"
    assert not any("inside a line" in p.message for p in agent.problems)  # said once
    mac.write_bytes(b"---\rname: cr\rdescription: d\r---\rbody\r\n")  # a last CRLF
    said = [p.message for p in parse_file(str(mac)).problems]
    assert any("carriage return alone" in m for m in said), said
    assert not any("inside a line" in m for m in said), said
    nul = tmp_path / "n.md"
    nul.write_bytes(b"---\nname: n\ndescription: d\n---\nab\x00cd\n")
    said = [p.message for p in parse_file(str(nul)).problems]
    assert any("NUL" in m for m in said) and not any("U+0000" in m for m in said), said


def test_fifo_is_reported_and_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    agent = parse_file(str(fifo))  # would block forever if opened for reading
    assert agent.has_error and "FIFO" in agent.problems[0].message


def test_dates_nan_and_infinity_survive_into_json() -> None:
    agent = parse_text(
        "---\nname: j\ndescription: d\ncreated: !!timestamp 2024-05-01\nscore: .nan\nlimit: .inf"
        "\nneg: -.inf\nplain: 2024-05-01\n---\n",
        "/p/j.md",
    )
    assert agent.frontmatter["created"] == datetime.date(2024, 5, 1)  # (tagged so)
    assert agent.frontmatter["plain"] == "2024-05-01"  # YAML 1.2's core schema: text
    assert math.isnan(agent.frontmatter["score"])
    data = json.loads(json.dumps(agent_to_json(agent, full=True), allow_nan=False))
    assert data["frontmatter"]["created"] == "2024-05-01"
    assert data["frontmatter"]["score"] == "NaN"
    assert data["frontmatter"]["limit"] == "Infinity"
    assert data["frontmatter"]["neg"] == "-Infinity"


def test_json_keeps_description_as_decoded_and_tools_null_versus_empty() -> None:
    inherited = agent_to_json(parse_text("---\nname: a\ndescription: 'x\\ny'\n---\n", "/p/a.md"))
    empty = agent_to_json(parse_text("---\nname: a\ndescription: d\ntools: []\n---\n", "/p/a.md"))
    assert inherited["description"] == "x\\ny"  # single quotes: the backslash-n stays literal
    assert inherited["tools"] is None and empty["tools"] == []
    assert set(inherited) >= {
        "name",
        "description",
        "tools",
        "model",
        "color",
        "format",
        "scope",
        "path",
        "problems",
        "shadowed_by",
    }


@pytest.mark.parametrize(
    "text,on_space,expected",
    [
        ("Read, Grep", False, ["Read", "Grep"]),
        ("Bash(git add:*), Bash(git commit:*)", False, ["Bash(git add:*)", "Bash(git commit:*)"]),
        ("Bash(npm run a, npm run b), Read", False, ["Bash(npm run a, npm run b)", "Read"]),
        ("Read Grep Bash(git add:*)", True, ["Read", "Grep", "Bash(git add:*)"]),
        ("Read, Grep Glob", True, ["Read", "Grep Glob"]),  # commas win over spaces
        ("Read Grep", False, ["Read Grep"]),
        ("", False, []),
        # A comma inside parentheses does not make a space-separated string comma-separated.
        ("Bash(git add:*, git commit:*) Read", True, ["Bash(git add:*, git commit:*)", "Read"]),
        ("Read Grep", True, ["Read", "Grep"]),
    ],
    ids=[
        "comma",
        "parens-stay-whole",
        "comma-inside-parens",
        "space-separated",
        "commas-win",
        "no-split-on-space",
        "empty",
        "space-separated-with-comma-in-parens",
        "space-separated-fast-path",
    ],
)
def test_split_tools(text: str, on_space: bool, expected: list[str]) -> None:
    assert split_tools(text, on_space) == expected


@pytest.mark.parametrize(
    "path,frontmatter,expected",
    [
        ("/r/.claude/agents/a.md", {}, "claude-agent"),
        ("/r/.claude/agents/sub/a.md", {}, "claude-agent"),
        ("/r/.claude/commands/a.md", {}, "claude-command"),
        ("/r/x/SKILL.md", {}, "claude-skill"),
        ("/r/.opencode/agent/a.md", {}, "opencode-agent"),
        ("/r/.opencode/agents/a.md", {}, "opencode-agent"),
        ("/r/any/a.agent.md", {}, "copilot-agent"),
        ("/r/any/a.chatmode.md", {}, "copilot-chatmode"),
        ("/r/any/a.prompt.md", {}, "copilot-prompt"),
        ("/r/any/a.instructions.md", {}, "copilot-instructions"),
        ("/r/any/a.mdc", {}, "cursor-rule"),
        ("/r/any/a.md", {"name": "a", "description": "d"}, "claude-agent"),
        ("/r/any/a.md", {"description": "d"}, "markdown"),
        ("/r/any/a.md", {}, "markdown"),
        # The deepest folder pair decides, whichever pair is outside.
        ("/r/.github/agents/x/.claude/agents/a.md", {}, "claude-agent"),
        ("/r/.claude/agents/x/.github/agents/a.md", {}, "copilot-agent"),
        ("/r/.claude/commands/.opencode/agent/a.md", {}, "opencode-agent"),
        ("/r/.cursor/rules/x/.claude/commands/a.md", {}, "claude-command"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_detect_format(path: str, frontmatter: dict, expected: str) -> None:
    assert detect_format(path, frontmatter) == expected


@pytest.mark.parametrize(
    "frontmatter,fmt,expected",
    [
        # OpenCode's map of booleans switches tools off (only false, not merely falsy) from all
        # of them: write takes edit along; a value that is no boolean is left to the schema.
        (
            {"tools": {"read": True, "write": False, "bash": "ask", "edit": 1}},
            "opencode-agent",
            ("bash", "read", "glob", "grep", "task", "webfetch", "todowrite", "websearch", "skill"),
        ),
        (
            {"tools": {"read": False}},
            "opencode-agent",
            (
                "bash",
                "glob",
                "grep",
                "edit",
                "write",
                "task",
                "webfetch",
                "todowrite",
                "websearch",
                "skill",
            ),
        ),
        ({"tools": {"read": True, "bash": 0}}, "opencode-agent", None),
        # A list's mapping items: every key not switched off (null included).
        (
            {"tools": [{"Read": True}, {"Write": False}, {"Bash": None}]},
            "copilot-agent",
            ("Read", "Bash"),
        ),
        # A list item is split on its own top-level commas only.
        (
            {"tools": ["Read, Grep", "Bash(npm run a, npm run b)"]},
            "copilot-agent",
            ("Read", "Grep", "Bash(npm run a, npm run b)"),
        ),
        ({"tools": [" Read ", None, 3]}, "copilot-agent", ("Read", "3")),
        # allowed-tools is space-separated only for skills.
        ({"allowed-tools": "Read Grep"}, "claude-skill", ("Read", "Grep")),
        ({"allowed-tools": "Read Grep"}, "claude-command", ("Read Grep",)),
        ({"tools": "Read", "allowed-tools": "Grep"}, "claude-agent", ("Read",)),
        ({"tools": None}, "claude-agent", None),
        ({"tools": ""}, "claude-agent", ()),
        ({}, "claude-agent", None),
        ({"tools": ["*"]}, "copilot-agent", None),
        ({"tools": "read, *"}, "copilot-chatmode", None),
        ({"tools": ["*"]}, "copilot-prompt", ("*",)),
        ({"tools": []}, "copilot-agent", ()),
    ],
    ids=[
        "map-true-only",
        "map-all-false",
        "map-nothing-off",
        "list-of-maps",
        "list-item-commas",
        "list-mixed",
        "skill-space",
        "command-no-space",
        "tools-wins",
        "null",
        "empty-string",
        "missing",
        "copilot-star-is-every-tool",
        "copilot-star-in-a-string",
        "prompt-star-is-a-name",
        "copilot-empty-is-none",
    ],
)
def test_normalize_tools(frontmatter: dict, fmt: str, expected: tuple[str, ...] | None) -> None:
    assert normalize_tools(frontmatter, fmt) == (expected, [])


def test_recover_lines_strips_quotes_and_keeps_odd_values() -> None:
    lines = [
        "name: 'x'",
        'description: "a: b"',
        "globs: **/*.py",
        "argument-hint: [a] [b]",
        "tools: [Read, Grep]",
    ]
    assert recover_lines(lines) == {
        "name": "x",
        "description": "a: b",
        "globs": "**/*.py",
        "argument-hint": "[a] [b]",
        "tools": ["Read", "Grep"],
    }


def _agent(name: str, scope: str, path: str):
    return parse_text(f"---\nname: {name}\ndescription: d\n---\n", path, scope=scope)


def test_precedence_project_over_user_over_plugin() -> None:
    agents = [
        _agent("rev", "plugin", "/h/.claude/plugins/p/agents/rev.md"),
        _agent("rev", "user", "/h/.claude/agents/rev.md"),
        _agent("rev", "project", "/r/.claude/agents/rev.md"),
        _agent("solo", "user", "/h/.claude/agents/solo.md"),
    ]
    resolved = {a.path: a for a in resolve_precedence(agents)}
    assert resolved["/r/.claude/agents/rev.md"].shadowed_by is None
    assert resolved["/h/.claude/agents/rev.md"].shadowed_by == "/r/.claude/agents/rev.md"
    assert resolved["/h/.claude/plugins/p/agents/rev.md"].shadowed_by == "/r/.claude/agents/rev.md"
    assert resolved["/h/.claude/agents/solo.md"].shadowed_by is None


def test_two_files_with_one_name_in_one_scope_are_both_duplicates() -> None:
    agents = [
        _agent("rev", "user", "/h/.claude/agents/a.md"),
        _agent("rev", "user", "/h/.claude/agents/b.md"),
    ]
    first, second = resolve_precedence(agents)
    assert first.duplicates == ("/h/.claude/agents/b.md",)
    assert second.duplicates == ("/h/.claude/agents/a.md",)
    assert first.shadowed_by is None and second.shadowed_by is None


def test_bundled_agents_are_found_and_clean() -> None:
    folder = bundled_agents_dir()
    from agentbrowser.loading import load_collection

    agents = load_collection([str(folder)])
    assert 10 <= len(agents) <= 14
    formats = {a.format for a in agents}
    assert {"claude-agent", "opencode-agent", "copilot-agent", "cursor-rule"} <= formats
    assert not [a.problems for a in agents if a.problems]


@pytest.mark.parametrize(
    "value",
    [
        ["plain ascii", "a DEL \x7f here"],  # all ASCII: the fast path
        ["caf\u00e9 \x7f and C1 \x9b and \x85", "a lone surrogate \udcff"],  # the regex
    ],
)
def test_json_text_never_carries_del_c1_or_surrogates_raw(value: list[str]) -> None:
    import json

    from agentbrowser.model.serialize import dumps

    for indent in (2, None):
        text = dumps(value, indent=indent)
        assert not any(
            ch == "\x7f" or "\x80" <= ch <= "\x9f" or "\ud800" <= ch <= "\udfff" for ch in text
        )
        assert json.loads(text) == value


def test_a_key_of_the_wrong_type_is_said_once_in_plain_words() -> None:
    """`name: [a, b]` and `tools: 42`: the owner's error on the name, the documented type of
    the tools with their line; not also `is a list`, nor `is a int` with no line."""
    agent = parse_text(
        "---\nname: [a, b]\ndescription: d\ntools: 42\n---\nBody\n", "/p/.claude/agents/x.md"
    )
    typed = [
        (p.line, p.severity, p.message)
        for p in agent.problems
        if p.message.startswith(("`name`", "`tools`"))
    ]
    assert typed == [
        (2, "error", "`name` is not text (an array): Claude Code rejects it"),
        (
            4,
            "warning",
            "`tools` is an integer, not a string or a list (code.claude.com sub-agents docs)",
        ),
    ]
    # What the reader made of it, where no table documents the key's type: in words too.
    _, problems = normalize_tools({"tools": 4.5}, "markdown")
    assert [p.message for p in problems] == ["`tools` is a number, not a list or string"]
