"""Every corpus agent converted to every other format reads back intact, and the owners load it.

The five seed agents are converted to every format, their own included.

One project holds every conversion (about 1,500 files); OpenCode, Claude Code's validator and
Copilot CLI are each run once over it. Those three tests skip only when the binary is missing.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import pytest

from agentbrowser.loading import collection
from agentbrowser.model.convert import TARGET_FORMATS, convert, install_target, safe_name
from agentbrowser.model.parse import parse_file
from agentbrowser.model.records import ERROR, Agent
from agentbrowser.writing.atomic import write_atomic

from ..owners import opencode_tools_of, require_owner, run_owner
from ..paths import CORPUS, SEEDS


@dataclass
class Converted:
    """One converted file: its source, target format, name, path and warnings."""

    source: Agent
    format: str
    name: str
    path: Path
    warnings: list[str]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Converted]]:
    """A git repository holding every corpus agent converted to each format but its own."""
    root = tmp_path_factory.mktemp("owners") / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    agents = collection.load_collection([str(CORPUS)], use_cache=False)
    assert len(agents) > 250
    # The seeds too, to every format including their own: their broken frontmatter (a
    # description that runs on over unindented lines) is written again as strict YAML.
    seeds = collection.load_collection([str(SEEDS)], use_cache=False)
    assert len(seeds) == 5
    done: list[Converted] = []
    taken: set[str] = set()
    for agent, own_format_too in [*((a, False) for a in agents), *((a, True) for a in seeds)]:
        for fmt in TARGET_FORMATS:
            if fmt == agent.format and not own_format_too:
                continue
            name = base = safe_name(agent.name)
            count = 1
            while (fmt, name.lower()) in taken:  # two corpus agents with one name
                count += 1
                name = f"{base}-{count}"
            taken.add((fmt, name.lower()))
            text, warnings = convert(agent, fmt, name)
            path = Path(install_target(fmt, "project", name, str(root), str(root / "home")).path)
            write_atomic(str(path), text.encode("utf-8"))
            done.append(Converted(agent, fmt, name, path, warnings))
    return root, done


def test_every_corpus_agent_converts_to_every_other_format_and_reads_back_intact(
    converted: tuple[Path, list[Converted]],
) -> None:
    _, done = converted
    assert len({c.format for c in done}) == len(TARGET_FORMATS)
    wrong = []
    for item in done:
        back = parse_file(str(item.path))
        source = item.source
        errors = [p.message for p in back.problems if p.severity == ERROR]
        described = source.description
        if item.format == "claude-agent" and not described.strip():
            # Claude Code loads no agent without a description: the prompt's first line, said.
            said = [w for w in item.warnings if "Claude Code loads no agent without one" in w]
            assert said and back.description and back.description in said[0], item.warnings
            assert back.description.rstrip("\u2026") in source.body, back.description
            described = back.description
        got = (back.format, back.name, back.description, back.body, errors)
        if got != (item.format, item.name, described, source.body, []):
            wrong.append((str(source.path), item.format, errors))
            continue
        post = frontmatter.load(str(item.path))  # a strict reader reads every one
        if (post.get("description") or "") != described:
            wrong.append((str(source.path), item.format, ["python-frontmatter disagrees"]))
    assert wrong == []


def test_opencode_lists_every_converted_opencode_agent(
    converted: tuple[Path, list[Converted]],
) -> None:
    binary = require_owner("opencode")
    root, done = converted
    result = run_owner(
        binary, ["agent", "list", "--pure"], root, root.parent / "oc-home", via_file=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    listed = set(re.findall(r"^(\S.*) \((?:subagent|primary|all)\)$", result.stdout, re.MULTILINE))
    expected = {c.name for c in done if c.format == "opencode-agent"}
    assert len(expected) > 200
    assert expected - listed == set()


def test_claude_codes_validator_finds_no_error_in_the_converted_claude_files(
    converted: tuple[Path, list[Converted]],
) -> None:
    binary = require_owner("claude")
    root, done = converted
    # A control: the validator lists only the files it finds fault with, so one planted
    # broken agent shows that it read the folder (and it is the only file it names).
    control = root / ".claude" / "agents" / "zz-control-name-number.md"
    control.write_text("---\nname: 123\ndescription: d\n---\nP\n")
    try:
        result = run_owner(
            binary, ["plugin", "validate", "--json", ".claude"], root, root.parent / "cl-home"
        )
    finally:
        control.unlink()
    report = json.loads(result.stdout)
    errors = [(Path(c["file"]).name, c["errors"]) for c in report["contents"] if c["errors"]]
    assert [name for name, _ in errors] == [control.name], errors
    assert sum(c.format.startswith("claude-") for c in done) > 600  # agents, commands, skills


def test_claude_code_loads_every_converted_agent_by_its_name(
    converted: tuple[Path, list[Converted]],
) -> None:
    """Its loader, not only its validator: every agent written for Claude Code is listed by
    `claude -p hi --agent <none>`, under the name it was given (an agent without a description,
    or with `---` in a value before it, was listed nowhere)."""
    binary = require_owner("claude")
    root, done = converted
    agents = {c.name for c in done if c.format == "claude-agent"}
    result = run_owner(
        binary, ["-p", "hi", "--agent", "zz-no-such-agent"], root, root.parent / "cl-home"
    )
    match = re.search(r"Available agents: (.*)", result.stdout + result.stderr)
    assert match is not None, (result.stdout + result.stderr)[-2000:]
    listed = set(match.group(1).strip().split(", "))
    assert len(agents) > 150
    assert sorted(agents - listed) == []


def test_copilot_loads_every_converted_skill_but_those_the_conversion_warned_about(
    converted: tuple[Path, list[Converted]],
) -> None:
    binary = require_owner("copilot")
    root, done = converted
    result = run_owner(binary, ["skill", "list"], root, root.parent / "cp-home")
    output = result.stdout + result.stderr
    failed = dict(
        re.findall(
            r"^\s*\S+ (\.claude/(?:skills/.+/SKILL|commands/.+)\.md): (.+)$", output, re.MULTILINE
        )
    )
    # Copilot reads .claude/commands as skills too.
    skills = [c for c in done if c.format in ("claude-skill", "claude-command")]
    warned = {
        str(c.path.relative_to(root))
        for c in skills
        if any("Copilot CLI does not load" in w for w in c.warnings)
    }
    assert warned, "the corpus holds descriptions over 1,024 characters"
    # Copilot refuses exactly the skills whose long description the conversion warned about.
    assert set(failed) == warned
    assert all("1024" in reason for reason in failed.values())
    listed = output.split("Project skills:", 1)[1]
    for skill in skills:
        if skill.format == "claude-skill" and str(skill.path.relative_to(root)) not in warned:
            # Copilot shows a name's blanks as hyphens.
            shown = re.escape(re.sub(r"\s+", "-", skill.name))
            assert re.search(rf"^  {shown}( - |$)", listed, re.MULTILINE), skill.name


#: Claude Code agents' tools (and disallowedTools) -> the tools OpenCode gives the converted
#: agent. Edit and Write share OpenCode's edit permission: one of them brings both.
CLAUDE_TOOLS_IN_OPENCODE = {
    "read-only": ("tools: Read, Grep, Glob\n", {"read", "grep", "glob"}),
    "editor": ("tools: Read, Edit\n", {"read", "edit", "write"}),
    "writer": ("tools: Read, Write, Bash\n", {"read", "edit", "write", "bash"}),
    "git-only": ("tools: Read, Bash(git diff:*)\n", {"read", "bash"}),
    "lister": (
        "tools: LS, WebFetch, WebSearch, Task, TodoWrite, Skill\n",
        {"glob", "webfetch", "websearch", "task", "todowrite", "skill"},
    ),
    "no-write": (
        "disallowedTools: Write\n",
        {"bash", "read", "glob", "grep", "task", "webfetch", "todowrite", "websearch", "skill"},
    ),
    "no-tools": ("tools: ''\n", set()),
    # A permission mode that refuses what it would ask about: OpenCode gets deny rules.
    "planner": ("tools: Read, Bash, Edit\npermissionMode: plan\n", {"read"}),
    "quiet": ("tools: Read, Bash(git diff:*), WebFetch\npermissionMode: dontAsk\n", {"read"}),
    "quiet-all": (
        "permissionMode: dontAsk\ndisallowedTools: Bash(rm:*)\n",
        {"read", "glob", "grep", "task", "todowrite", "websearch", "skill"},
    ),
}

#: OpenCode agents' rules, converted to Claude Code agents.
OPENCODE_RULES_IN_CLAUDE = {
    "oc-some-off": "tools:\n  write: false\n  read: true\n",
    "oc-edit-on-write-off": "tools:\n  edit: true\n  write: false\n",
    "oc-deny-bash": "permission:\n  bash: deny\n  edit: ask\n",
    "oc-git-only": "permission:\n  '*': deny\n  read: allow\n  bash:\n    '*': deny\n    'git *': allow\n",
}


def test_a_converted_agent_keeps_the_tools_its_source_allows_as_opencode_resolves_them(
    tmp_path: Path,
) -> None:
    """Both ways between Claude Code and OpenCode, the tools are those `opencode debug agent`
    resolves: a Claude list becomes OpenCode `permission` rules that leave exactly its tools;
    an OpenCode agent's rules become the Claude list of what OpenCode leaves it."""
    from agentbrowser.model.convert import OPENCODE_TO_CLAUDE_TOOLS
    from agentbrowser.model.formats import split_tools
    from agentbrowser.model.parse import parse_text

    binary = require_owner("opencode")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    home = tmp_path / "home"
    for name, (lines, _) in CLAUDE_TOOLS_IN_OPENCODE.items():
        source = parse_text(
            f"---\nname: {name}\ndescription: d\n{lines}---\nWork.\n",
            f"/x/.claude/agents/{name}.md",
        )
        text, _ = convert(source, "opencode-agent")
        path = Path(install_target("opencode-agent", "project", name, str(project), str(home)).path)
        write_atomic(str(path), text.encode("utf-8"))
    for name, lines in OPENCODE_RULES_IN_CLAUDE.items():
        path = project / ".opencode" / "agent" / f"{name}.md"
        path.write_text(f"---\ndescription: d\nmode: subagent\n{lines}---\nWork.\n")
    for name, (_, expected) in CLAUDE_TOOLS_IN_OPENCODE.items():
        owner = opencode_tools_of(binary, name, project, home)
        assert owner == expected, name
        back = parse_file(str(project / ".opencode" / "agent" / f"{name}.md"))
        assert set(back.tools or ()) == owner, name  # and we read the written file as OpenCode does
    claude: dict[str, list[str]] = {}
    for name in OPENCODE_RULES_IN_CLAUDE:
        owner = opencode_tools_of(binary, name, project, home)
        source = parse_file(str(project / ".opencode" / "agent" / f"{name}.md"))
        text, _ = convert(source, "claude-agent")
        claude[name] = split_tools(str(frontmatter.loads(text).metadata.get("tools")), False)
        bases = {tool.split("(")[0] for tool in claude[name]}
        assert bases == {OPENCODE_TO_CLAUDE_TOOLS[t] for t in owner}, name
    assert "Edit" not in claude["oc-edit-on-write-off"] and "Bash" in claude["oc-some-off"]
    assert claude["oc-git-only"] == ["Bash(git:*)", "Read"]  # the commands, not every one
