"""The record's table of frontmatter fields: each one reaches parsing, the index cache, JSON, the
detail pane and the comparison, from its one definition on `Agent`."""

from __future__ import annotations

import io
import json
from dataclasses import fields
from pathlib import Path

import pytest
from rich.console import Console

from agentbrowser.cli import main
from agentbrowser.loading import collection
from agentbrowser.loading.cache import _ENTRY_LENGTH, _FIXED
from agentbrowser.model.discovery import Found
from agentbrowser.model.fields import compare_fields
from agentbrowser.model.parse import parse_text
from agentbrowser.model.records import CORE_FIELDS, FRONTMATTER_FIELDS, Agent, with_body
from agentbrowser.render.agent import Palette, header

#: A value for each field's key that its reader keeps as it is.
VALUES = {"model": "opus", "color": "purple", "permission_mode": "plan"}
#: Where each format is found (the format decides which keys become fields).
PLACES = {
    "claude-agent": ".claude/agents/{}.md",
    "claude-command": ".claude/commands/{}.md",
    "opencode-agent": ".opencode/agent/{}.md",
    "copilot-agent": ".github/agents/{}.agent.md",
    "cursor-rule": ".cursor/rules/{}.mdc",
}


def test_the_table_names_every_attribute_once() -> None:
    names = [f.name for f in fields(Agent)]
    assert [spec.attr for spec in FRONTMATTER_FIELDS] == [n for n in names if n not in CORE_FIELDS]
    assert set(VALUES) == {spec.attr for spec in FRONTMATTER_FIELDS}  # a new field needs a value here
    assert _ENTRY_LENGTH == _FIXED + len(FRONTMATTER_FIELDS)
    permission = next(spec for spec in FRONTMATTER_FIELDS if spec.attr == "permission_mode")
    assert permission.key("claude-agent") == "permissionMode"
    assert permission.key("claude-command") is None  # commands do not document it


def file_text(fmt: str, key_values: dict[str, str]) -> str:
    lines = ["---", "name: probe", "description: Probes the fields."]
    lines += [f"{key}: {value}" for key, value in key_values.items()]
    return "\n".join([*lines, "---", "The prompt.", ""])


@pytest.mark.parametrize("fmt", sorted(PLACES))
def test_every_field_travels_from_the_file_to_json_the_pane_and_back_from_the_cache(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every key of every field, written in the file, whether the format has it or not.
    written = {key: VALUES[spec.attr] for spec in FRONTMATTER_FIELDS for key in set(spec.keys.values())}
    path = tmp_path / PLACES[fmt].format("probe")
    path.parent.mkdir(parents=True)
    path.write_text(file_text(fmt, written))
    expected = {
        spec.attr: VALUES[spec.attr] if spec.key(fmt) is not None else None
        for spec in FRONTMATTER_FIELDS
    }

    cold = parse_text(path.read_text(), str(path))
    assert cold.format == fmt
    assert {attr: getattr(cold, attr) for attr in expected} == expected

    cache_file = str(tmp_path / "index.json")
    collection.load([Found(str(path), "path")], cache_file=cache_file)
    (warm,) = collection.load([Found(str(path), "path")], cache_file=cache_file)
    assert warm.body is None  # from the cache entry, not from the file
    assert {attr: getattr(warm, attr) for attr in expected} == expected

    assert main(["list", "--json", "--no-cache", str(path)]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert {attr: record[attr] for attr in expected} == expected

    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(header(cold, Palette()))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    for spec in FRONTMATTER_FIELDS:
        if expected[spec.attr] is not None:
            assert f"{spec.label} {expected[spec.attr]}" in shown, spec.attr


def claude_agent(tmp_path: Path, name: str, extra: str = "") -> Agent:
    path = tmp_path / ".claude" / "agents" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nname: {name}\ndescription: d\n{extra}---\nPrompt.\n")
    return parse_text(path.read_text(), str(path))


def test_a_dangerous_permission_mode_is_shown_once_with_its_danger(tmp_path: Path) -> None:
    agent = claude_agent(tmp_path, "bypass", "permissionMode: bypassPermissions\n")
    assert agent.permission_mode == "bypassPermissions"
    console = Console(file=io.StringIO(), width=300, color_system=None)
    console.print(header(agent, Palette()))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert shown.count("bypassPermissions") == 1  # among the powers, not again on the facts line
    assert "permissionMode bypassPermissions  \u26a0 every tool call runs without asking" in shown
    assert "permission mode" not in shown
    harmless = claude_agent(tmp_path, "careful", "permissionMode: plan\n")
    console = Console(file=io.StringIO(), width=300, color_system=None)
    console.print(header(harmless, Palette()))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert shown.count("plan") == 1 and "permission mode plan" in shown  # the facts line only


def test_a_field_is_compared_once_under_its_key(tmp_path: Path) -> None:
    a = claude_agent(tmp_path, "a", "permissionMode: plan\nmodel: opus\n")
    b = claude_agent(tmp_path, "b", "permissionMode: acceptEdits\n")
    rows = {row.field: row for row in compare_fields(a, b)}
    assert rows["permissionMode"].status == "changed"
    assert rows["model"].status == "only_a"
    assert "permission_mode" not in rows and "model (record)" not in rows
    assert [r.field for r in compare_fields(b, b)].count("permissionMode") == 1


def test_a_list_of_models_reads_as_its_models_joined_by_commas() -> None:
    """VS Code's ordered list of models: `GPT-4.1 Claude Sonnet 4.6` hid where one ended."""
    agent = parse_text(
        "---\ndescription: d\nmodel:\n  - GPT-4.1\n  - Claude Sonnet 4.6\n---\nx\n",
        "/p/.github/agents/m.agent.md",
    )
    assert agent.format == "copilot-agent" and agent.model == "GPT-4.1, Claude Sonnet 4.6"


def test_with_body_reads_the_prompt_into_a_new_record(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\nname: a\n---\nThe prompt.\n")
    cache_file = str(tmp_path / "index.json")
    collection.load([Found(str(path), "path")], cache_file=cache_file)
    (warm,) = collection.load([Found(str(path), "path")], cache_file=cache_file)
    read = with_body(warm)
    assert warm.body is None and read.body == "The prompt.\n" and read is not warm
    assert with_body(read) is read



def test_agent_body_stays_a_plain_field() -> None:
    import dataclasses
    import pickle

    agent = Agent("n", "d", None, "markdown", "path", "/nowhere.md", {}, "the prompt")
    assert agent.body == "the prompt"
    assert with_body(agent) is agent  # it has its prompt: nothing is read
    assert dataclasses.replace(agent, name="m").body == "the prompt"
    assert pickle.loads(pickle.dumps(agent)) == agent
    with pytest.raises(dataclasses.FrozenInstanceError):
        agent.body = "other"  # type: ignore[misc]
    assert "body" in {f.name for f in dataclasses.fields(Agent)}
    assert type(Agent.__dict__["body"]).__name__ == "member_descriptor"  # a plain slot


def test_dumps_pretty_writes_what_json_dumps_indent_2_writes() -> None:
    from agentbrowser.model.serialize import dumps, dumps_pretty

    nested: list = []
    inner = nested
    for _ in range(150):
        inner.append([])
        inner = inner[0]
    same_text = [
        [],
        {},
        [[], {}, [{}]],
        {"a": 'é\x00\u2028"\\\x1f\t\b\f', "b": None, "c": [None, True, False, 0, -1, 1.5, -0.0, 1e300]},
        {"k": [{"x": [1, [2, []]]}], "t": (1, "2")},
        # what orjson leaves to json: an integer beyond 64 bits, keys that are not text, a lone
        # surrogate (an undecodable file name), a subclass of str
        [10**40],
        {1: "int key", None: "none key", False: "bool key"},
        {"path": "/tmp/bad-\udcff.md"},
        [type("Name", (str,), {})("sub")],
        nested,
        "just a string",
        3,
    ]
    for value in same_text:
        assert dumps_pretty(value) == json.dumps(
            value, indent=2, ensure_ascii=False, allow_nan=False
        )
    # A float's exponent may be written without padding: the same value read back.
    floats = {"similarity": [1e-07, 0.1912, 2.5e-5, 1e16, 123456789.123]}
    assert json.loads(dumps_pretty(floats)) == floats
    # Never a NaN token: orjson writes null; what neither takes raises.
    assert json.loads(dumps([float("nan"), float("inf")])) == [None, None]
    with pytest.raises(TypeError):
        dumps_pretty([object()])
    # What a terminal must not get stays escaped, on both paths.
    assert dumps(["a\x9bb\x7f"]) == '[\n  "a\\u009bb\\u007f"\n]'
    assert dumps({"p": "x\udcff"}) == '{\n  "p": "x\\udcff"\n}'


def test_agent_from_values_equals_the_constructor() -> None:
    from dataclasses import fields

    from agentbrowser.model.records import Problem, agent_from_values

    values = (
        "name", "description", ("Read",), "claude-agent", "user", "/a/b.md", {"name": "name"},
        "the prompt", (Problem("warning", "w", 3),), 7, 120, "raw", 10, 20, "/other.md",
        ("/dup.md",), ("reference.md",), "opus", "blue", "plan",
    )  # fmt: skip
    assert len(values) == len(fields(Agent))  # a test of every field
    made = agent_from_values(values)
    assert made == Agent(*values)
    assert [getattr(made, f.name) for f in fields(Agent)] == list(values)
