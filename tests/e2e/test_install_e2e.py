"""End to end: on a machine with no agents, the installed command installs a bundled sample.

The installed `agentbrowser` runs in a real 120x36 terminal (tmux), in a fresh git repository,
with a fresh HOME: it lists the bundled samples; `i` and enter write the highlighted one into
the project.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from ..paths import BUNDLED
from .test_e2e_tmux import COMMAND, Tmux, tmux  # noqa: F401 - tmux is a fixture

pytestmark = pytest.mark.e2e


def test_i_then_enter_installs_a_bundled_sample_into_the_project(
    tmux: Tmux,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    if COMMAND is None:
        pytest.skip("the agentbrowser command is not installed")
    home, cache, repo = tmp_path / "home", tmp_path / "cache", tmp_path / "repo"
    home.mkdir()
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    launch = shlex.join(
        ["env", "-u", "COLUMNS", "-u", "LINES", f"HOME={home}", f"XDG_CACHE_HOME={cache}", COMMAND]
    )
    started = tmux.run(
        "new-session", "-d", "-s", "tui", "-x", "120", "-y", "36", "-c", str(repo), launch
    )
    assert started.returncode == 0, started.stderr
    tmux.wait(lambda text: "12 agents" in text and "bundled" in text, "the bundled samples")
    tmux.keys("i")
    tmux.wait(lambda text: "Install code-reviewer" in text, "the install dialog")
    target = repo / ".claude" / "agents" / "code-reviewer.md"
    assert not target.exists()
    tmux.keys("Enter")
    tmux.wait(lambda text: "Installed" in text, "the notification")
    assert target.read_bytes() == (BUNDLED / ".claude/agents/code-reviewer.md").read_bytes()
    tmux.wait(lambda text: "1 agent" in text and "project" in text, "the installed agent listed")
    tmux.keys("q")
