"""Frontmatter checked against each format's documented fields (model/schema.py)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from agentbrowser.loading import collection
from agentbrowser.loading.collection import load_collection
from agentbrowser.model import schema
from agentbrowser.model.formats import OPENCODE_BUILTIN_TOOLS
from agentbrowser.model.parse import parse_text
from agentbrowser.model.records import ERROR, INFO, WARNING, Problem
from tests.owners import opencode_tools_of, require_owner, run_owner
from tests.paths import BUNDLED, CORPUS


def schema_problems(text: str, path: str, scope: str = "project") -> list[Problem]:
    return [p for p in parse_text(text, path, scope).problems if p.rule is not None]


AGENT = "/p/.claude/agents/a.md"
COMMAND = "/p/.claude/commands/c.md"
SKILL = "/p/.claude/skills/my-skill/SKILL.md"
OPENCODE = "/p/.opencode/agent/a.md"
COPILOT = "/p/.github/agents/a.agent.md"
RULE = "/p/.cursor/rules/r.mdc"


def test_cursor_comma_separated_globs_is_no_schema_problem() -> None:
    for globs in ("**/*.ts", "**/*.ts, src/**/*.tsx", "**/*.{vue,js,ts}", '"*.py"', "[a, b]", ""):
        text = f"---\ndescription: TS rules\nglobs: {globs}\nalwaysApply: false\n---\nbody\n"
        assert schema_problems(text, RULE) == [], globs


def test_allowed_tools_in_an_agent_suggests_tools_with_its_line() -> None:
    text = "---\nname: a\ndescription: d\nallowed_tools: Read, Grep\n---\nbody\n"
    (problem,) = schema_problems(text, AGENT)
    assert problem.severity == WARNING
    assert problem.line == 4
    assert problem.rule == schema.RULE_UNKNOWN_KEY
    assert "did you mean `tools`?" in problem.message
    assert "Claude Code ignores keys it does not know" in problem.message
    assert problem.message.endswith(f"({schema.CLAUDE_SUBAGENTS})")


@pytest.mark.parametrize("path", [COMMAND, SKILL], ids=["command", "skill"])
def test_allowed_tools_with_underscore_in_a_command_or_skill_suggests_the_hyphen(path: str) -> None:
    text = "---\nname: my-skill\ndescription: d\nallowed_tools: Read\n---\nbody\n"
    (problem,) = schema_problems(text, path)
    assert "did you mean `allowed-tools`?" in problem.message


def test_always_apply_as_a_string_is_a_problem() -> None:
    text = '---\ndescription: d\nglobs: "*.py"\nalwaysApply: "true"\n---\nbody\n'
    (problem,) = schema_problems(text, RULE)
    assert problem.severity == WARNING and problem.line == 4
    assert problem.message.startswith('`alwaysApply: "true"` is a string, not a boolean: ')
    assert "Cursor never always-applies this rule" in problem.message


@pytest.mark.parametrize(
    "path,line,rule,words",
    [
        (AGENT, "model: gpt-4", schema.RULE_VALUE,
         "`model: gpt-4` is not a model Claude Code documents: sonnet, opus, haiku, inherit or a "
         "claude-* id"),
        (AGENT, "permissionMode: yolo", schema.RULE_VALUE, "not a permission mode Claude Code"),
        (AGENT, "color: chartreuse", schema.RULE_VALUE, "not a colour Claude Code documents"),
        (AGENT, "maxTurns: many", schema.RULE_TYPE, "`maxTurns` is a string, not an integer"),
        (AGENT, "memory: team", schema.RULE_VALUE, "user, project or local"),
        (COMMAND, "model: gpt-4o", schema.RULE_VALUE, "not a model Claude Code documents"),
        (COMMAND, "context: thread", schema.RULE_VALUE, "fork"),
        (SKILL, "name: My Skill", schema.RULE_VALUE, "lowercase letters, digits and single"),
        (SKILL, "name: other-skill", schema.RULE_SKILL_FOLDER, "its folder `my-skill`"),
        (SKILL, "description: " + "x" * 1025, schema.RULE_LIMIT, "at most 1,024"),
        (SKILL, "compatibility: " + "x" * 501, schema.RULE_LIMIT, "at most 500"),
        (OPENCODE, "tools: Read, Grep", schema.RULE_TYPE, "OpenCode refuses it"),
        (OPENCODE, "color: blue", schema.RULE_VALUE, "#rrggbb"),
        (OPENCODE, "mode: helper", schema.RULE_VALUE, "primary, subagent or all"),
        (OPENCODE, "model: gpt-4", schema.RULE_VALUE, "provider/model-id"),
        (OPENCODE, "maxSteps: 5", schema.RULE_DEPRECATED, "now calls it `steps`"),
        (COPILOT, "target: jetbrains", schema.RULE_VALUE, "vscode or github-copilot"),
        (COPILOT, "infer: true", schema.RULE_DEPRECATED, "retired"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_wrong_values_and_types_name_the_documented_ones(
    path: str, line: str, rule: str, words: str
) -> None:
    named = path in (SKILL, AGENT)
    base = "---\nname: my-skill\ndescription: d\n" if named else "---\ndescription: d\n"
    if line.startswith(("name:", "description:")):
        base = "---\n" + ("description: d\n" if line.startswith("name:") else "name: my-skill\n")
    text = base + line + "\n---\nbody\n"
    problems = schema_problems(text, path)
    assert [p.rule for p in problems] == [rule], problems
    assert words in problems[0].message
    assert problems[0].line == text.split("\n").index(line) + 1
    assert problems[0].message.endswith(")")  # the source, last


def test_documented_values_pass() -> None:
    text = (
        "---\nname: a\ndescription: d\ntools: Read, Grep\nmodel: claude-sonnet-4-5\n"
        "permissionMode: acceptEdits\ncolor: cyan\nhooks:\n  Stop: []\nmaxTurns: 5\n"
        "memory: project\nisolation: worktree\nbackground: true\n---\nbody\n"
    )
    assert schema_problems(text, AGENT) == []
    opencode = (
        "---\ndescription: d\nmode: subagent\nmodel: anthropic/claude-sonnet-4\n"
        "temperature: 0.2\ntools:\n  write: false\ncolor: '#10B981'\n---\nbody\n"
    )
    assert schema_problems(opencode, OPENCODE) == []


def test_plugin_agents_may_not_set_permission_mode() -> None:
    text = "---\nname: a\ndescription: d\npermissionMode: plan\n---\nbody\n"
    assert schema_problems(text, AGENT, scope="project") == []
    (problem,) = schema_problems(text, "/h/.claude/plugins/x/agents/a.md", scope="plugin")
    assert problem.rule == schema.RULE_PLUGIN_FIELD and problem.line == 4


def test_copilot_body_over_30000_characters() -> None:
    head = "---\ndescription: d\n---\n"
    assert schema_problems(head + "x" * 30_000, COPILOT) == []
    (problem,) = schema_problems(head + "x" * 30_001, COPILOT)
    assert problem.rule == schema.RULE_BODY_LIMIT and "30,001 characters" in problem.message
    assert problem.line == 4


def test_unknown_key_without_a_likely_match_is_information() -> None:
    (problem,) = schema_problems("---\nname: a\ndescription: d\nversion: 2\n---\nb\n", AGENT)
    assert problem.severity == INFO and problem.line == 4


def test_unknown_keys_are_not_reported_where_the_format_is_only_guessed() -> None:
    # No folder or suffix names a format here: name and description make it a Claude agent,
    # but it may as well be a GitHub agentic workflow.
    text = "---\nname: a\ndescription: d\non: push\nallowed_tools: Read\n---\nb\n"
    problems = schema_problems(text, "/p/docs/a.md", scope="path")
    assert [p.severity for p in problems] == [WARNING]  # the likely misspelling only


def test_opencode_refusals_are_errors() -> None:
    (problem,) = schema_problems("---\ndescription: d\ntools: Read\n---\nb\n", OPENCODE)
    assert problem.severity == ERROR


def test_markdown_has_no_schema() -> None:
    assert schema_problems("---\nanything: 1\n---\nb\n", "/p/notes.md") == []


def test_check_on_a_record_matches_parse_time() -> None:
    text = "---\nname: a\ndescription: d\nallowed_tools: Read\nmodel: gpt-4\n---\nb\n"
    agent = parse_text(text, AGENT, "project")
    lines = text.split("\n")[1:5]
    assert schema.check(agent, lines) == tuple(p for p in agent.problems if p.rule)


def test_every_field_names_its_source_and_every_format_has_a_table() -> None:
    from agentbrowser.model.records import FORMATS

    assert set(schema.SCHEMAS) == set(FORMATS) - {"markdown"}
    for table in schema.SCHEMAS.values():
        assert table.source and table.unknown
        for name, spec in table.fields.items():
            assert spec.source, name
            assert not (spec.values or spec.prefixes or spec.pattern) or spec.expect, name
        for wrong, right in table.aliases.items():
            assert right in table.fields and wrong not in table.fields, (wrong, right)


# Every finding on the real files was read and judged true to its source (see the docstring
# of schema.py); a change in these counts is a change in what users are told.
CORPUS_COUNTS = {
    ("claude-agent", "info"): 3,
    ("claude-agent", "warning"): 5,
    ("claude-skill", "info"): 43,
    ("claude-skill", "warning"): 15,
    ("copilot-agent", "info"): 6,
    ("copilot-agent", "warning"): 1,
    ("opencode-agent", "info"): 92,  # `name` is no unknown key: OpenCode names the agent by it
    ("opencode-agent", "warning"): 9,
}


def test_schema_findings_on_the_corpus_are_pinned() -> None:
    agents = load_collection([str(CORPUS)], use_cache=False)
    counts = Counter(
        (a.format, p.severity)
        for a in agents
        for p in a.problems
        if p.rule and p.rule.startswith("schema/")
    )
    assert dict(counts) == CORPUS_COUNTS


def test_bundled_agents_have_no_schema_problem() -> None:
    agents = load_collection([str(BUNDLED)], use_cache=False)
    assert [
        (a.name, p.message)
        for a in agents
        for p in a.problems
        if p.rule and p.rule.startswith("schema/")
    ] == []


def test_many_unknown_keys_are_reported_twenty_then_counted() -> None:
    keys = "".join(f"key{n}: {n}\n" for n in range(500))
    problems = schema_problems(f"---\nname: a\ndescription: d\n{keys}---\nb\n", AGENT)
    assert len(problems) == schema.MAX_UNKNOWN + 1
    assert problems[0].line == 4 and problems[-1].message.startswith("480 more keys")


@pytest.mark.parametrize(
    "lines,refused",
    [
        ("tools: Read, Grep", True),
        ("color: blue", True),
        ("mode: helper", True),
        ("temperature: hot", True),
        ("model: gpt-4", False),
        ("permissions:\n  edit: deny", False),
        ("mode: subagent\ncolor: '#10B981'\ntools:\n  write: false", False),
    ],
    ids=lambda v: v.split("\n")[0] if isinstance(v, str) else str(v),
)
def test_opencode_refuses_exactly_what_we_call_an_error(
    lines: str, refused: bool, tmp_path: Path
) -> None:
    """Our OpenCode errors are the files `opencode agent list` refuses; the rest load."""
    binary = require_owner("opencode")
    text = f"---\ndescription: Reviews code\n{lines}\n---\nReview.\n"
    project = tmp_path / "project"
    (project / ".opencode" / "agent").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / ".opencode" / "agent" / "rev.md").write_text(text)
    result = run_owner(binary, ["agent", "list", "--pure"], project, tmp_path / "home")
    output = result.stdout + result.stderr
    owner_refuses = "Configuration is invalid" in output
    assert owner_refuses == refused, output[-2000:]
    assert owner_refuses or "rev (" in output
    ours = parse_text(text, str(project / ".opencode" / "agent" / "rev.md"), "project")
    assert ours.has_error == refused, ours.problems


def _opencode_project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git project whose .opencode folder holds the given files (path -> extra frontmatter)."""
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    for relative, extra in files.items():
        path = project / ".opencode" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ndescription: d\nmode: subagent\n{extra}---\nDo the work.\n")
    return project


def _listed_subagents(output: str) -> set[str]:
    """The subagent names `opencode agent list` prints, one `NAME (subagent)` line each."""
    return set(re.findall(r"^(\S.*?) \(subagent\)$", output, re.MULTILINE))


def test_opencode_agents_are_named_as_opencode_lists_them(tmp_path: Path) -> None:
    """The name we show is the one `opencode agent list` prints: the frontmatter's `name`
    when it is text, else the path below the agent folder; `name:` alone is `null`, and an
    empty name loads no agent (an error here)."""
    binary = require_owner("opencode")
    project = _opencode_project(tmp_path, {
        "agent/plain.md": "",
        "agent/team/reviewer.md": "",
        "agents/plural.md": "",
        "agent/named.md": "name: fancy-name\n",
        "agent/deep/er/x.md": "name: Deep Named Agent\n",
        "agent/nameless.md": "name:\n",
        "agent/empty.md": 'name: ""\n',
        "agent/twin-a.md": "name: twin\n",
        "agent/team/twin-b.md": "name: twin\n",
    })  # fmt: skip
    result = run_owner(binary, ["agent", "list", "--pure"], project, tmp_path / "home")
    listed = _listed_subagents(result.stdout)
    listed -= {"explore", "general"}  # OpenCode's own subagents
    agents = load_collection([str(project / ".opencode")], use_cache=False)
    assert {a.name for a in agents if not a.has_error} == listed, result.stdout[-2000:]
    assert listed == {
        "plain", "team/reviewer", "plural", "fancy-name", "Deep Named Agent", "null", "twin"
    }  # fmt: skip
    # Two files, one name: OpenCode lists it once, and keeps one of the two.
    twins = [a for a in agents if a.name == "twin"]
    assert len(twins) == 2 and result.stdout.count("twin (subagent)") == 1
    for twin in twins:
        assert twin.problems[-1].message == (
            "2 files in scope path are named 'twin': OpenCode loads only one of them, the last "
            "it reads"
        )
    kept = run_owner(binary, ["debug", "agent", "twin"], project, tmp_path / "home")
    assert '"name": "twin"' in kept.stdout, kept.stdout[-2000:] + kept.stderr[-2000:]
    (empty,) = [a for a in agents if a.path.endswith("empty.md")]
    assert [p.severity for p in empty.problems] == [ERROR]
    (nameless,) = [a for a in agents if a.path.endswith("nameless.md")]
    assert [p.message for p in nameless.problems] == [
        "`name` has no value: OpenCode calls this agent `null` (opencode docs agents.mdx)"
    ]


def test_a_project_opencode_agent_shadows_the_users_of_the_same_name_as_in_opencode(
    tmp_path: Path,
) -> None:
    binary = require_owner("opencode")
    project = _opencode_project(tmp_path, {"agent/shared.md": "", "agent/mine.md": ""})
    home = tmp_path / "home"
    user = home / ".config" / "opencode" / "agent"
    user.mkdir(parents=True)
    (user / "shared.md").write_text("---\ndescription: from the user\n---\nUser.\n")
    done = run_owner(binary, ["debug", "agent", "shared"], project, home)
    assert '"description": "d"' in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    agents = load_collection(cwd=str(project), home=str(home), use_cache=False)
    shared = {a.scope: a for a in agents if a.name == "shared"}
    assert set(shared) == {"project", "user"}
    assert shared["user"].shadowed_by == shared["project"].path
    assert shared["project"].shadowed_by is None


OPENCODE_TOOL_RULES = {
    "some-off": "tools:\n  write: false\n  read: true\n  grep: true\n",
    "all-off-then-read": "tools:\n  '*': false\n  read: true\n",
    "read-then-all-off": "tools:\n  read: true\n  '*': false\n",
    "all-on": "tools:\n  read: true\n  bash: true\n",
    "no-bash": "tools:\n  bash: false\n",
    "no-patch": "tools:\n  patch: false\n",
    "edit-off-write-on": "tools:\n  edit: false\n  write: true\n",
    "no-web": "tools:\n  'web*': false\n",
    "only-todo": "tools:\n  '*': false\n  'todo*': true\n",
    "deny-bash": "permission:\n  bash: deny\n  edit: ask\n",
    "git-only": "permission:\n  bash:\n    '*': deny\n    'git *': allow\n",
    "git-then-none": "permission:\n  bash:\n    'git *': allow\n    '*': deny\n",
    "deny-all": "permission: deny\n",
    "only-read": "permission:\n  '*': deny\n  read: allow\n",
    "tools-then-permission": "tools:\n  bash: true\npermission:\n  bash: deny\n",
    "write-is-edit": "permission:\n  webfetch: deny\n  write: deny\n",
}


def test_an_opencode_agent_keeps_the_tools_opencode_resolves(tmp_path: Path) -> None:
    """OpenCode allows every tool no rule takes away: `{write: false, read: true}` keeps
    bash, a bash allowed for `git *` only is still there. The tools we show are those
    `opencode debug agent` resolves, for `tools` maps and `permission` rules."""
    binary = require_owner("opencode")
    files = {f"agent/{name}.md": lines for name, lines in OPENCODE_TOOL_RULES.items()}
    project = _opencode_project(tmp_path, files)
    agents = {a.name: a for a in load_collection([str(project / ".opencode")], use_cache=False)}
    for name in OPENCODE_TOOL_RULES:
        owner = opencode_tools_of(binary, name, project, tmp_path / "home")
        tools = agents[name].tools
        assert (set(OPENCODE_BUILTIN_TOOLS) if tools is None else set(tools)) == owner, name
    assert "bash" in agents["some-off"].tools and agents["all-on"].tools is None
    assert "bash" not in agents["deny-bash"].tools and agents["deny-all"].tools == ()


def test_a_number_for_a_name_names_the_opencode_agent_and_is_an_error(tmp_path: Path) -> None:
    """OpenCode lists `name: 123` as 123; sorting it beside other agents can stop its agent
    list (seen with other files beside it), so it is an error here."""
    binary = require_owner("opencode")
    project = _opencode_project(tmp_path, {"agent/plain.md": "", "agent/num.md": "name: 123\n"})
    result = run_owner(binary, ["agent", "list", "--pure"], project, tmp_path / "home")
    listed = _listed_subagents(result.stdout)
    agents = load_collection([str(project / ".opencode")], use_cache=False)
    assert listed - {"explore", "general"} == {a.name for a in agents} == {"123", "plain"}
    (num,) = [a for a in agents if a.path.endswith("num.md")]
    assert num.has_error and "can then stop `opencode agent list`" in num.problems[0].message


def test_a_warm_record_keeps_the_body_limit_problem_and_check_reads_no_prompt(
    tmp_path: Path,
) -> None:
    from agentbrowser.model.discovery import Found

    path = tmp_path / ".github" / "agents" / "long.agent.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ndescription: d\n---\n" + "word " * 7_000)
    cache_file = str(tmp_path / "index.json")
    collection.load([Found(str(path), "path")], cache_file=cache_file)
    (warm,) = collection.load([Found(str(path), "path")], cache_file=cache_file)
    assert warm.body is None  # from the index cache: the prompt is read on first use
    assert [p.rule for p in warm.problems] == [schema.RULE_BODY_LIMIT]
    assert schema.check(warm) == ()  # the prompt's length is not known without reading it
    assert warm.body is None
