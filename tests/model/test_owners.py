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


def disagreements(verdicts: dict[str, dict[str, list[str]]], cases: list[Case]) -> list[str]:
    found = []
    for case in cases:
        for semantics in SEMANTICS:
            ours, theirs = our_errors(case, semantics), verdicts[case.key][semantics]
            if bool(ours) != bool(theirs):
                found.append(f"{case.key} ({semantics}): ours {ours}, Claude Code's {theirs}")
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
