"""Discovery: named paths, the default scopes, plugins, the bundled fallback, and the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentbrowser.loading import load_collection
from agentbrowser.loading.collection import sources
from agentbrowser.model.discovery import bundled_agents_dir, walk

from ..paths import REPO

AGENT = "---\nname: {name}\ndescription: d\n---\nprompt\n"


def write(path: Path, name: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(AGENT.format(name=name))
    return path


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    home = tmp_path / "home"
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    cwd = repo / "src" / "pkg"
    cwd.mkdir(parents=True)
    write(repo / ".claude/agents/reviewer.md", "reviewer")
    write(repo / "src/.claude/agents/nested.md", "nested")
    write(repo / ".claude/skills/pdf/SKILL.md", "pdf")
    (repo / ".claude/skills/pdf/reference.md").write_text("# not a skill\n")
    write(repo / ".github/chatmodes/plan.chatmode.md", "plan")
    write(repo / ".cursor/rules/style.mdc", "style")
    write(home / ".claude/agents/reviewer.md", "reviewer")
    write(home / ".claude/agents/mine.md", "mine")
    write(home / ".config/opencode/agent/oc.md", "oc")
    write(home / ".claude/plugins/marketplaces/m/plugins/p/agents/reviewer.md", "reviewer")
    write(home / ".claude/plugins/marketplaces/m/plugins/p/commands/notanagent.md", "x")
    write(tmp_path / ".claude/agents/far.md", "far")  # above the repository root: not read
    return {"home": home, "repo": repo, "cwd": cwd}


def test_default_scopes(world: dict[str, Path]) -> None:
    agents = load_collection(None, cwd=str(world["cwd"]), home=str(world["home"]))
    by = {(a.scope, a.name): a for a in agents}
    assert set(by) == {
        ("project", "reviewer"),
        ("project", "nested"),
        ("project", "pdf"),
        ("project", "plan"),
        ("project", "style"),
        ("user", "reviewer"),
        ("user", "mine"),
        ("user", "oc"),
        ("plugin", "reviewer"),
    }
    project = str(world["repo"] / ".claude/agents/reviewer.md")
    assert by[("user", "reviewer")].shadowed_by == project
    assert by[("plugin", "reviewer")].shadowed_by == project
    assert by[("project", "reviewer")].shadowed_by is None
    assert by[("user", "oc")].format == "opencode-agent"
    assert by[("plugin", "reviewer")].format == "claude-agent"


def test_bundled_when_no_scope_holds_anything(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "cwd").mkdir()
    found = sources(None, cwd=str(tmp_path / "cwd"), home=str(tmp_path / "home"))
    assert found and {f.scope for f in found} == {"bundled"}
    assert all(f.path.startswith(str(bundled_agents_dir())) for f in found)


def test_symlink_loops_end_and_broken_links_are_listed(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write(root / "a.md", "a")
    (root / "sub").mkdir()
    os.symlink(root, root / "sub" / "loop")  # a folder that contains itself
    os.symlink(root / "missing.md", root / "dangling.md")
    paths = list(walk(str(root)))
    assert sorted(os.path.basename(p) for p in paths) == ["a.md", "dangling.md"]
    agents = {a.name: a for a in load_collection([str(root)])}
    assert agents["dangling"].has_error and "broken symlink" in agents["dangling"].problems[0].message


def test_named_file_of_any_suffix_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "agent.definition", "odd")
    (agent,) = load_collection([str(path)])
    assert (agent.name, agent.scope, agent.format) == ("odd", "path", "claude-agent")


def test_bundled_agents_reach_a_non_editable_wheel(tmp_path: Path) -> None:
    """Build the wheel, install it into a folder, and find the agents from there."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("agentbrowser-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "from agentbrowser.model.discovery import bundled_agents_dir\n"
        "from agentbrowser.loading import load_collection\n"
        "d = bundled_agents_dir(); print(d); print(len(load_collection([str(d)])))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    folder, count = result.stdout.split()
    assert folder.startswith(str(target)) and folder.endswith("_bundled_agents")
    assert int(count) == len(load_collection([str(bundled_agents_dir())]))
