"""Our errors on Claude files are the files Claude Code rejects; each problem names its owner.

The verdicts of `claude plugin validate --json` on the corpus, the seeds and the crafted cases
(tests/data/owner-cases) are recorded by scripts/refresh-owner-verdicts; the comparison runs
on the recording everywhere, and live when `claude` is installed.
"""

from __future__ import annotations

import json
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest

from agentbrowser import cli
from agentbrowser.model.parse import parse_text
from agentbrowser.model.text import decode

from ..owner_verdicts import (
    SEMANTICS,
    Case,
    claude_cases,
    generated_cases,
    laid_out_path,
    loaded,
    recorded,
    validate,
)
from ..owners import require_owner, run_owner
from ..paths import CORPUS, SEEDS


def our_errors(case: Case, semantics: str) -> list[str]:
    """Our errors on a case's file placed as Claude Code sees it (a project or a plugin)."""
    raw = case.source.read_bytes()
    text, _ = decode(raw)
    path = str(laid_out_path(Path("/laid-out"), semantics, case))
    # Discovery names the format of what it finds in a plugin's agents/, commands/ and skills/.
    hint = f"claude-{case.kind}"
    agent = parse_text(text, path, scope=semantics, hint=hint, crlf=b"\r\n" in raw)
    return [p.message for p in agent.problems if p.severity == "error"]


def _loader_only(message: str) -> bool:
    """An error of ours that Claude Code's loader shows and its validator does not (it loads
    no such agent, and the validator at most warns): checked against the loader instead."""
    return (
        message.endswith("Claude Code will not load this agent")
        or "never closed with ---" in message
    )


def disagreements(verdicts: dict[str, dict[str, list[str]]], cases: list[Case]) -> list[str]:
    """Where the validator's errors and ours part: it reports one and we do not, or we report
    one it would (every error of ours but those only the loader shows)."""
    found = []
    for case in cases:
        for semantics in SEMANTICS:
            ours, theirs = our_errors(case, semantics), verdicts[case.key][semantics]
            validated = [m for m in ours if not _loader_only(m)]
            if (theirs and not ours) or (validated and not theirs):
                found.append(f"{case.key} ({semantics}): ours {ours}, Claude Code's {theirs}")
    return found


#: Our words for an agent Claude Code does not load (in a project).
NOT_LOADED = ("will not load this agent", "does not load it", "Claude Code rejects")


def our_agent(case: Case) -> tuple[str, bool]:
    """(the name we show, whether we say Claude Code loads it) for an agent in a project."""
    raw = case.source.read_bytes()
    text, _ = decode(raw)
    path = str(laid_out_path(Path("/laid-out"), "project", case))
    agent = parse_text(text, path, scope="project", hint="claude-agent", crlf=b"\r\n" in raw)
    said = any(phrase in p.message for p in agent.problems for phrase in NOT_LOADED)
    return agent.name, not said


def load_disagreements(
    verdicts: dict[str, str | None], unexplained: list[str], cases: list[Case]
) -> list[str]:
    """Where Claude Code's loader and we part on an agent: loaded or not, and by what name."""
    found = [f"Claude Code listed {name}, which no case explains" for name in unexplained]
    for case in cases:
        if case.kind != "agent":
            continue
        name, loads = our_agent(case)
        theirs = verdicts[case.key]
        if loads != (theirs is not None):
            found.append(f"{case.key}: we say it {'loads' if loads else 'does not load'} ({name})")
    return found


def test_the_recording_covers_every_claude_file_with_its_version() -> None:
    data = recorded()
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(data["version"]))
    files = data["files"]
    assert isinstance(files, dict)
    assert set(files) == {c.key for c in claude_cases()}, "run scripts/refresh-owner-verdicts"
    rejected = {k for k, v in files.items() if v["project"] or v["plugin"]}
    # Claude Code rejects seed 004 and prompt-engineer of the real files; the crafted cases
    # hold both kinds.
    real = {k for k in rejected if not k.startswith("owner-cases/")}
    assert real == {
        "seeds/004_778f8d6350f71607.txt",
        "corpus/davila7__claude-code-templates/cli-tool/components/agents/data-ai/prompt-engineer.md",
    }
    crafted = [k for k in files if k.startswith("owner-cases/")]
    assert 0 < len(rejected & set(crafted)) < len(crafted)


def test_our_errors_are_the_files_claude_code_rejects_as_recorded() -> None:
    data = recorded()
    cases = claude_cases()
    assert disagreements(data["files"], cases) == []  # type: ignore[arg-type]


def test_our_errors_are_the_files_claude_code_rejects_live(tmp_path: Path) -> None:
    binary = require_owner("claude")
    cases = claude_cases()
    assert disagreements(validate(binary, tmp_path, cases), cases) == []


def test_the_agents_we_say_claude_code_loads_are_the_ones_it_loads_as_recorded() -> None:
    """In a project: loaded or not, as its loader lists them (`loaded` in the recording), and
    by the name we show (a listed name that no case's name explains is a disagreement)."""
    data = recorded()
    files = data["files"]
    assert isinstance(files, dict)
    verdicts = {key: v.get("loaded") for key, v in files.items() if v["kind"] == "agent"}
    unexplained = data["unexplained"]
    assert isinstance(unexplained, list)
    cases = claude_cases()
    assert load_disagreements(verdicts, unexplained, cases) == []
    # The crafted cases hold both kinds; the names YAML 1.1 reads as true or a date are text.
    assert verdicts["owner-cases/agent-name-yes.md"] == "yes"
    assert verdicts["owner-cases/agent-name-date.md"] == "2024-01-01"
    assert verdicts["owner-cases/agent-description-empty.md"] is None


def test_the_agents_we_say_claude_code_loads_are_the_ones_it_loads_live(tmp_path: Path) -> None:
    binary = require_owner("claude")
    cases = claude_cases()
    verdicts, unexplained = loaded(binary, tmp_path, cases, lambda c: our_agent(c)[0])
    assert load_disagreements(verdicts, unexplained, cases) == []


def test_the_owner_s_words_for_a_project_and_a_plugin() -> None:
    seed = next(c for c in claude_cases() if c.key.startswith("seeds/004"))
    (project,) = our_errors(seed, "project")
    (plugin,) = our_errors(seed, "plugin")
    assert project.startswith("Claude Code will not load this agent")
    assert "treated as a reference document and skipped" in project
    assert plugin.startswith(
        "in a plugin, Claude Code loads it under its file name without its description"
    )
    command = next(c for c in claude_cases() if c.key.endswith("command-alternatives-hint.md"))
    assert our_errors(command, "project") == []


def test_lint_on_the_seeds_one_error_and_four_portability_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = StringIO()
    assert cli.main(["lint", str(SEEDS)], out=out) == 1
    lines = out.getvalue().splitlines()
    errors = [line for line in lines if ": error: " in line]
    warnings = [line for line in lines if ": warning: " in line]
    assert len(errors) == 1 and "/004_" in errors[0]
    assert "Claude Code will not load this agent" in errors[0]
    assert sorted(Path(w.split(":")[0]).name[:3] for w in warnings) == ["000", "001", "002", "003"]
    assert all("Claude Code reads this frontmatter" in w for w in warnings)
    assert all("python-frontmatter" in w for w in warnings)


def every_line_is_kept(path: Path, keys: str) -> tuple[int, int]:
    """Every frontmatter line is a key of its own or in the description: (lines, in description)."""
    text = path.read_text(encoding="utf-8")
    agent = parse_text(text, f"/p/.claude/agents/{path.stem}.md")
    frontmatter = text.split("\n---\n", 1)[0].splitlines()[1:]
    kept = 0
    for line in frontmatter:
        if line.strip() and not re.match(rf"({keys}):", line):
            assert line.removeprefix("description: ").strip() in agent.description, line
            kept += 1
    return sum(1 for line in frontmatter if line.strip()), kept


def test_seed_004_keeps_every_example_and_prompt_engineer_every_line() -> None:
    text = (SEEDS / "004_778f8d6350f71607.txt").read_text(encoding="utf-8")
    agent = parse_text(text, "/p/.claude/agents/backend-engineer.md")
    frontmatter = text.split("\n---\n", 1)[0]
    assert agent.description.count("<example>") == frontmatter.count("<example>") == 4
    assert agent.description.count("</example>") == 4
    assert "\n\nExamples:\n- <example>\n  Context: The user wants" in agent.description
    assert agent.model == "inherit" and agent.color == "green" and agent.tools is not None
    assert every_line_is_kept(SEEDS / "004_778f8d6350f71607.txt", "name|tools|model|color")[1] > 30
    prompt_engineer = (
        CORPUS
        / "davila7__claude-code-templates/cli-tool/components/agents/data-ai/prompt-engineer.md"
    )
    total, kept = every_line_is_kept(prompt_engineer, "name|tools|model")
    assert kept > 15 and total == kept + 3


def test_a_claude_skill_with_a_colon_is_a_copilot_failure_too(tmp_path: Path) -> None:
    """The portability warning names Copilot CLI: ask it."""
    binary = require_owner("copilot")
    project = tmp_path / "project"
    skill = project / ".claude" / "skills" / "colon" / "SKILL.md"
    skill.parent.mkdir(parents=True)
    text = "---\nname: colon\ndescription: Use when: the user asks\n---\nBody.\n"
    skill.write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    done = run_owner(binary, ["skill", "list"], cwd=project, home=tmp_path / "home")
    report = done.stdout + done.stderr
    assert "failed to load" in report and ".claude/skills/colon/SKILL.md" in report
    (warning,) = [p for p in parse_text(text, str(skill)).problems if p.severity == "warning"]
    assert "GitHub Copilot CLI" in warning.message and "failed to load" in warning.message


def test_copilot_cli_loads_an_instructions_file_without_the_frontmatter_it_cannot_read(
    tmp_path: Path,
) -> None:
    """`copilot instruction list` lists both files, the broken one without its description:
    the error says that, not that the file is not loaded."""
    binary = require_owner("copilot")
    project = tmp_path / "project"
    folder = project / ".github" / "instructions"
    folder.mkdir(parents=True)
    good = "---\napplyTo: '**/*.py'\ndescription: Python rules\n---\nUse types.\n"
    broken = "---\napplyTo: **/*.ts\ndescription: TypeScript rules\n---\nUse strict.\n"
    (folder / "py.instructions.md").write_text(good, encoding="utf-8")
    (folder / "ts.instructions.md").write_text(broken, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    done = run_owner(binary, ["instruction", "list"], cwd=project, home=tmp_path / "home")
    assert "py.instructions.md - Python rules" in done.stdout, done.stdout + done.stderr
    assert re.search(r"ts\.instructions\.md\s*\n", done.stdout), done.stdout
    assert "TypeScript rules" not in done.stdout
    (error,) = parse_text(broken, str(folder / "ts.instructions.md")).problems
    assert error.severity == "error"
    assert "still loads this instructions file, without its frontmatter" in error.message
    assert parse_text(good, str(folder / "py.instructions.md")).problems == ()


def test_recorded_verdicts_are_json_with_messages() -> None:
    data = recorded()
    sample = data["files"]["seeds/004_778f8d6350f71607.txt"]  # type: ignore[index]
    assert sample["kind"] == "agent"
    assert "does not load at all" in sample["project"][0]
    assert json.dumps(data)  # plain JSON all through


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_frontmatter_agrees_with_claude_code_live(tmp_path: Path, seed: int) -> None:
    """Files nobody wrote by hand: 300 mixes of the traits that trip YAML readers."""
    binary = require_owner("claude")
    cases = generated_cases(seed, 300, tmp_path / "generated")
    verdicts = validate(binary, tmp_path / "validate", cases)
    assert any(v["project"] for v in verdicts.values())  # the mix holds rejected files
    assert disagreements(verdicts, cases) == []
    listed, unexplained = loaded(binary, tmp_path / "load", cases, lambda c: our_agent(c)[0])
    assert any(listed.values()) and not all(listed.values())
    assert load_disagreements(listed, unexplained, cases) == []


OPENCODE_AGENTS = {
    "fine": "---\ndescription: Fine reviewer\nmode: subagent\n---\nBody.\n",
    "colon": "---\ndescription: Use this: when reviewing\nmode: subagent\n---\nBody.\n",
    "colonindent": "---\ndescription: Use this: when\n  and more\nmode: subagent\n---\nBody.\n",
    "runon": (
        "---\ndescription: Use this agent.\n\nExamples:\n- <example>\n  Context: x\n"
        '  user: "hi"\n  </example>\nmode: subagent\n---\nBody.\n'
    ),
    "unterminated": '---\ndescription: "Use this agent\nmode: subagent\n---\nBody.\n',
}


def test_our_opencode_errors_are_the_agents_opencode_loads_without_frontmatter(
    tmp_path: Path,
) -> None:
    """`mode: subagent` in every file: OpenCode lists an agent whose frontmatter it dropped as
    `(all)`, its default. Our errors must be exactly those."""
    binary = require_owner("opencode")
    folder = tmp_path / "project" / ".opencode" / "agent"
    folder.mkdir(parents=True)
    ours = {}
    for name, text in OPENCODE_AGENTS.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
        agent = parse_text(text, str(folder / f"{name}.md"))
        ours[name] = [p.message for p in agent.problems if p.severity == "error"]
        assert agent.frontmatter["mode"] == "subagent", name  # we read every one
    subprocess.run(["git", "init", "-q", str(tmp_path / "project")], check=True)
    done = run_owner(binary, ["agent", "list", "--pure"], tmp_path / "project", tmp_path / "home")
    listed = dict(re.findall(r"^(\w+) \((\w+)\)$", done.stdout, re.MULTILINE))
    assert set(OPENCODE_AGENTS) <= set(listed), done.stdout[-2000:]
    dropped = {name for name in OPENCODE_AGENTS if listed[name] != "subagent"}
    assert dropped == {"runon", "unterminated"}
    assert {name for name, errors in ours.items() if errors} == dropped
    (error,) = ours["runon"]
    assert error.startswith("OpenCode loads this agent without its frontmatter")


#: OpenCode's verdicts on agents with `mode: subagent`, measured with 1.18.33 (`opencode agent
#: list` in a project of each alone): refuses (the whole configuration, every command stops),
#: drops (loads without frontmatter, as mode all) or loads.
OPENCODE_VERDICTS = {
    "fine": ("---\ndescription: d\nmode: subagent\n---\nBody.\n", "loads"),
    "yes-description": ("---\ndescription: yes\nmode: subagent\n---\nBody.\n", "loads"),
    "date-description": ("---\ndescription: 2024-01-01\nmode: subagent\n---\nBody.\n", "refuses"),
    "duplicate": ("---\ndescription: d\nmode: subagent\nmode: primary\n---\nBody.\n", "drops"),
    "dots": ("---\ndescription: d\nmode: subagent\n...\nBody.\n", "drops"),
    "unclosed": ("---\ndescription: d\nmode: subagent\nBody.\n", "drops"),
    "tools-word": ("---\ndescription: d\nmode: subagent\ntools:\n  write: no\n---\nB\n", "refuses"),
    "tools-bool": (
        "---\ndescription: d\nmode: subagent\ntools:\n  write: false\n---\nB\n",
        "loads",
    ),
    "color-comment": ("---\ndescription: d\nmode: subagent\ncolor: #ff0000\n---\nB\n", "refuses"),
    "null-temperature": ("---\ndescription: d\nmode: subagent\ntemperature:\n---\nB\n", "refuses"),
    "permission-word": (
        "---\ndescription: d\nmode: subagent\npermission: often\n---\nB\n",
        "refuses",
    ),
    "a-list": ("---\n- description: d\n- mode: subagent\n---\nB\n", "drops"),
    "mode-bogus": ("---\ndescription: d\nmode: bogus\n---\nB\n", "refuses"),
    "color-blue": ("---\ndescription: d\nmode: subagent\ncolor: blue\n---\nB\n", "refuses"),
    "permission-allow": (
        "---\ndescription: d\nmode: subagent\npermission: allow\n---\nB\n",
        "loads",
    ),
    "permission-map": (
        "---\ndescription: d\nmode: subagent\npermission:\n  edit: deny\n  bash:\n"
        "    'git *': allow\n    '*': maybe\n---\nB\n",
        "refuses",
    ),
}


def our_opencode_verdict(name: str, text: str, folder: Path) -> str:
    """What our problems say OpenCode does with the agent: refuses, drops or loads."""
    agent = parse_text(text, str(folder / f"{name}.md"), scope="project")
    errors = [p.message for p in agent.problems if p.severity == "error"]
    if any("whole configuration" in e for e in errors):
        return "refuses"
    if any("reads no frontmatter" in e or "without its frontmatter" in e for e in errors):
        return "drops"
    return "loads"


def test_what_we_say_opencode_does_with_an_agent_is_what_it_did() -> None:
    folder = Path("/p/.opencode/agent")
    ours = {
        name: our_opencode_verdict(name, t, folder) for name, (t, _) in OPENCODE_VERDICTS.items()
    }
    assert ours == {name: verdict for name, (_, verdict) in OPENCODE_VERDICTS.items()}


def test_what_we_say_opencode_does_with_an_agent_is_what_it_does_live(tmp_path: Path) -> None:
    binary = require_owner("opencode")
    seen = {}
    for name, (text, _) in OPENCODE_VERDICTS.items():
        project = tmp_path / name
        folder = project / ".opencode" / "agent"
        folder.mkdir(parents=True)
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
        (project / ".git").mkdir()
        done = run_owner(binary, ["agent", "list", "--pure"], project, tmp_path / "home")
        listed = dict(re.findall(r"^([\w-]+) \((\w+)\)$", done.stdout, re.MULTILINE))
        if "Configuration is invalid" in done.stdout + done.stderr:
            seen[name] = "refuses"
        else:
            assert name in listed, (done.stdout + done.stderr)[-2000:]
            seen[name] = "loads" if listed[name] == "subagent" else "drops"
    assert seen == {name: verdict for name, (_, verdict) in OPENCODE_VERDICTS.items()}


@pytest.mark.parametrize(
    ("tools", "said"),
    [
        ("Raed, Bash, WebSerch", ["'Raed' is no Claude Code tool: did you mean 'Read'?",
                                  "'WebSerch' is no Claude Code tool: did you mean 'WebSearch'?"]),
        ("Read, Bash(git add:*), mcp__github__search, Task", []),
        ("read, grep", []),  # another case only: not said
        ("Frobnicate", []),  # far from every tool: perhaps a newer one
        ("Read, EnterPlanMode, LSP, TaskOutput", []),  # Claude Code's own, not typos
        ("codebase, fetch, search, githubRepo", ["4 of the tools (codebase, fetch, search, "
                                                 "githubRepo) are no Claude Code tools ("]),
    ],
)  # fmt: skip
def test_a_tool_name_a_letter_from_a_claude_code_tool_is_a_warning(
    tools: str, said: list[str]
) -> None:
    agent = parse_text(
        f"---\nname: a\ndescription: d\ntools: {tools}\n---\nB\n", "/p/.claude/agents/a.md"
    )
    found = [p for p in agent.problems if p.rule == "tools/unknown-tool"]
    assert len(found) == len(said), found
    assert [p.message[: len(start)] for p, start in zip(found, said)] == said
    assert all(p.severity == "warning" and p.line == 4 for p in found)


def test_a_line_read_into_a_tool_name_is_said_and_stays_said_after_fix(tmp_path: Path) -> None:
    """`  bad: indent: here` under `tools: Read, Bash` runs into the last tool's name: Claude
    Code does not load the file; the repair keeps the value, so the odd name is said again."""
    path = tmp_path / ".claude" / "agents" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_text(
        "---\nname: a\ndescription: d\ntools: Read, Bash\n  bad: indent: here\n---\nB\n"
    )
    assert cli.main(["fix", str(path)], out=StringIO()) == 0
    agent = parse_text(path.read_text(), str(path), scope="project")
    (problem,) = [p for p in agent.problems if p.rule == "tools/unknown-tool"]
    assert problem.message.startswith("the tool 'Bash\\nbad: indent: here' holds a line break")


@pytest.mark.parametrize(
    ("line", "project", "plugin"),
    [
        ("hooks: []", "`hooks` is a list, not a mapping: Claude Code will not load this agent",
         "`hooks` is ignored in a plugin's agent"),
        ("name: team:reviewer", "`name` holds `:` ('team:reviewer'): Claude Code will not load "
         "this agent", None),
        ("description: 42", "`description` is not text (a number): Claude Code will not load "
         "this agent", "`description` is an integer, not a string"),
    ],
)  # fmt: skip
def test_what_stops_an_agent_loading_in_a_project_is_said_so_and_not_in_a_plugin(
    line: str, project: str, plugin: str | None
) -> None:
    """Claude Code's loader lists none of these agents in a project (recorded: `loaded`), and
    a plugin's all of them: the words follow where the file lives."""
    base = {"name": "name: a", "description": "description: d", "hooks": ""}
    key = line.split(":", 1)[0]
    lines = [line if k == key else v for k, v in base.items() if v or k == key]
    text = "---\n" + "\n".join(lines) + "\n---\nB\n"
    ours = parse_text(text, "/p/.claude/agents/a.md", scope="project")
    assert [p.message for p in ours.problems if p.severity == "error"] == [project]
    theirs = parse_text(text, "/h/.claude/plugins/pl/agents/a.md", scope="plugin")
    said = [p.message for p in theirs.problems]
    assert not [m for m in said if "will not load" in m], said
    assert (plugin is None and not said) or any(m.startswith(plugin or "-") for m in said), said


#: Skills in `.claude/skills`, which Copilot CLI loads too: whether `copilot skill list`
#: (1.0.102) reports each as failed to load.
COPILOT_SKILL_FAILS = {
    "fine": ("---\nname: fine\ndescription: d\n---\nB\n", False),
    "spaces": ("---\nname: pdf tools\ndescription: d\n---\nB\n", False),  # (listed pdf-tools)
    "unicode": ("---\nname: pdf-t\u00f6\u00f6ls\ndescription: d\n---\nB\n", True),
    "long-name": ("---\nname: " + "p" * 70 + "\ndescription: d\n---\nB\n", True),
    "number-name": ("---\nname: 123\ndescription: d\n---\nB\n", True),
    "list-description": ("---\nname: a\ndescription: [a, b]\n---\nB\n", True),
    "null-description": ("---\nname: b\ndescription:\n---\nB\n", True),
    "long-description": ("---\nname: c\ndescription: " + "x" * 1100 + "\n---\nB\n", True),
    "duplicate": ("---\nname: d\nname: e\ndescription: d\n---\nB\n", True),
    "unclosed": ("---\nname: f\ndescription: d\nB\n", True),
    "no-frontmatter": ("Just the prompt.\n", True),
    "blank-line-first": ("\n---\nname: g\ndescription: d\n---\nB\n", True),
    "colon": ("---\nname: h\ndescription: Use this: when\n---\nB\n", True),
}


def _we_say_copilot_fails(path: str, text: str) -> bool:
    agent = parse_text(text, path, scope="project")
    return any(
        "Copilot CLI" in p.message
        and ("does not load" in p.message or "failed to load" in p.message)
        for p in agent.problems
    )


def test_the_skills_we_say_copilot_cli_drops_are_the_ones_it_dropped() -> None:
    ours = {
        name: _we_say_copilot_fails(f"/p/.claude/skills/{name}/SKILL.md", text)
        for name, (text, _) in COPILOT_SKILL_FAILS.items()
    }
    assert ours == {name: fails for name, (_, fails) in COPILOT_SKILL_FAILS.items()}


def test_the_skills_we_say_copilot_cli_drops_are_the_ones_it_drops_live(tmp_path: Path) -> None:
    binary = require_owner("copilot")
    project = tmp_path / "project"
    for name, (text, _) in COPILOT_SKILL_FAILS.items():
        folder = project / ".claude" / "skills" / name
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(text, encoding="utf-8")
    (project / ".git").mkdir()
    done = run_owner(binary, ["skill", "list"], project, tmp_path / "home")
    failed = set(re.findall(r"\.claude/skills/([\w-]+)/SKILL\.md:", done.stdout + done.stderr))
    assert {name: name in failed for name in COPILOT_SKILL_FAILS} == {
        name: fails for name, (_, fails) in COPILOT_SKILL_FAILS.items()
    }, (done.stdout + done.stderr)[-3000:]


#: Commands in `.claude/commands`, which Copilot CLI loads as skills: whether it fails to load
#: each (measured with `copilot skill list`, 1.0.102). Unlike a skill, a command without
#: frontmatter loads, and an `argument-hint` must be text.
COPILOT_COMMAND_FAILS = {
    "c-fine": ("---\ndescription: d\nargument-hint: '[file]'\n---\nB\n", False),
    "c-no-frontmatter": ("Just the prompt.\n", False),
    "c-list-hint": ("---\ndescription: d\nargument-hint: [file]\n---\nB\n", True),
    "c-list-description": ("---\ndescription: [a, b]\n---\nB\n", True),
    "c-number-description": ("---\ndescription: 123\n---\nB\n", True),
    "c-long-description": ("---\ndescription: " + "x " * 600 + "\n---\nB\n", True),
    "c-duplicate": ("---\ndescription: a\ndescription: b\n---\nB\n", True),
    "c-colon": ("---\ndescription: a: b: c\n---\nB\n", True),
    "c-unicode-name": ("---\nname: \u00fcn\u00ef\ndescription: d\n---\nB\n", True),
    "c-long-name": ("---\nname: " + "k" * 70 + "\ndescription: d\n---\nB\n", True),
    "c-spaced-name": ("---\nname: has space\ndescription: d\n---\nB\n", False),
}
#: Command files Copilot CLI leaves out of its list without a word, whatever their `name` key
#: says: their file names are no skill names (measured as above).
COPILOT_COMMAND_FILES_LEFT_OUT = {
    "\u00fc-named": "---\nname: named-ok\ndescription: d\n---\nB\n",
    "q" * 65: "---\nname: long-file\ndescription: d\n---\nB\n",
    "-dash": "---\ndescription: d\n---\nB\n",
}


def test_the_commands_we_say_copilot_cli_drops_are_the_ones_it_dropped() -> None:
    ours = {
        name: _we_say_copilot_fails(f"/p/.claude/commands/{name}.md", text)
        for name, (text, _) in COPILOT_COMMAND_FAILS.items()
    }
    assert ours == {name: fails for name, (_, fails) in COPILOT_COMMAND_FAILS.items()}
    for name, text in COPILOT_COMMAND_FILES_LEFT_OUT.items():
        said = [
            p
            for p in parse_text(text, f"/p/.claude/commands/{name}.md").problems
            if "Copilot CLI" in p.message
        ]
        assert len(said) == 1 and "leaves this one out without a word" in said[0].message, said
    # A command in a folder below is no command of Copilot CLI's: nothing said.
    nested = parse_text("---\ndescription: [a]\n---\nB\n", "/p/.claude/commands/sub/x.md")
    assert not any("Copilot CLI" in p.message for p in nested.problems)


def test_the_commands_we_say_copilot_cli_drops_are_the_ones_it_drops_live(
    tmp_path: Path,
) -> None:
    binary = require_owner("copilot")
    project = tmp_path / "project"
    folder = project / ".claude" / "commands"
    folder.mkdir(parents=True)
    for name, (text, _) in COPILOT_COMMAND_FAILS.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    for name, text in COPILOT_COMMAND_FILES_LEFT_OUT.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    (project / ".git").mkdir()
    done = run_owner(binary, ["skill", "list"], project, tmp_path / "home")
    failed = set(re.findall(r"\.claude/commands/([\w-]+)\.md:", done.stdout + done.stderr))
    assert {name: name in failed for name in COPILOT_COMMAND_FAILS} == {
        name: fails for name, (_, fails) in COPILOT_COMMAND_FAILS.items()
    }, (done.stdout + done.stderr)[-3000:]
    # and the others are listed; those whose file names are no skill names are not, unsaid
    for name in ("c-fine", "c-no-frontmatter"):
        assert f"  {name} - " in done.stdout, done.stdout[-2000:]
    for name, text in COPILOT_COMMAND_FILES_LEFT_OUT.items():
        listed = re.search(r"^name: (.*)$", text, re.MULTILINE)
        for shown in (name, listed.group(1) if listed else name):
            assert f"  {shown} - " not in done.stdout and shown not in done.stderr, shown


def test_a_skill_s_own_tools_note_is_no_tools_list() -> None:
    """`tools: [claude, cursor, gemini]` in a SKILL.md names the assistants it suits: Claude
    Code reads a skill's `allowed-tools`, not this key."""
    agent = parse_text(
        "---\nname: a\ndescription: d\ntools: [claude, cursor, gemini]\n---\nB\n",
        "/p/.claude/skills/a/SKILL.md",
    )
    assert not [p for p in agent.problems if p.rule == "tools/unknown-tool"]


def test_a_closing_line_that_starts_with_three_dashes_closes_as_the_owners_close_it() -> None:
    """`----` ends the frontmatter for Claude Code and OpenCode (measured): the values in it
    are read, and an OpenCode refusal in it is said."""
    text = "---\ndescription: d\nmode: bogus\n----\nReview.\n"
    agent = parse_text(text, "/p/.opencode/agent/rev.md", scope="project")
    assert agent.frontmatter == {"description": "d", "mode": "bogus"}
    assert any("whole configuration" in p.message for p in agent.problems), agent.problems
    assert not any("never closed" in p.message for p in agent.problems)


def test_dashes_that_only_cut_a_value_short_are_said_so() -> None:
    text = "---\nname: a\ndescription: >\n  text --- more\n---\nB\n"
    agent = parse_text(text, "/p/.claude/agents/a.md", scope="project")
    (said,) = [p.message for p in agent.problems if "ends the frontmatter" in p.message]
    assert said.endswith("it cuts short `description`"), said
    assert not [p for p in agent.problems if p.severity == "error"]  # it loads (measured)
