"""The owning tools (Claude Code, OpenCode, Copilot CLI), found for tests that ask them directly.

Each is an npm package that answers offline without an account. `scripts/install-owners`
installs all three into one folder (CI keeps it between runs); tests find a binary on PATH or
under that folder, named by AGENTBROWSER_OWNERS. Tests that compare with recorded verdicts
run everywhere; tests that run an owner live skip, saying which binary is missing, without it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

#: Where scripts/install-owners puts the packages unless AGENTBROWSER_OWNERS says otherwise.
DEFAULT_FOLDER = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "agentbrowser-owners"


def owners_folder() -> Path:
    """The folder holding node_modules/ with the owners' packages."""
    return Path(os.environ.get("AGENTBROWSER_OWNERS") or DEFAULT_FOLDER)


def owner_binary(name: str) -> str | None:
    """The path of `claude`, `opencode` or `copilot`, or None when it is not installed."""
    found = shutil.which(name)
    if found:
        return found
    candidate = owners_folder() / "node_modules" / ".bin" / name
    return str(candidate) if candidate.exists() else None


def require_owner(name: str) -> str:
    """The binary's path, or skip the calling test saying what is missing."""
    binary = owner_binary(name)
    if binary is None:
        pytest.skip(f"{name} is not installed (scripts/install-owners installs it)")
    return binary


def run_owner(
    binary: str, args: list[str], cwd: Path, home: Path, timeout: float = 120, via_file: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run an owner with a private HOME (no account, no user settings) and no network config.

    `via_file`: stdout goes to a file, read afterwards. OpenCode 1.18.33 exits before a pipe
    has taken all of a long output (`agent list` prints ~10 MB for 250 agents): measured, a
    pipe got 7 MB of it one run in two, a file got it all every time.
    """
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "NO_COLOR": "1",
        "CI": "1",
    }
    if not via_file:
        return subprocess.run(
            [binary, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as out:
        result = subprocess.run(
            [binary, *args], check=False, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE, text=True,
            timeout=timeout, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        out.seek(0)
        return subprocess.CompletedProcess(result.args, result.returncode, out.read(), result.stderr)


def opencode_tools_of(binary: str, name: str, project: Path, home: Path) -> set[str]:
    """The tools OpenCode gives agent `name` of `project`, as `opencode debug agent` resolves
    them (its internal `invalid` and `question` left out)."""
    done = run_owner(binary, ["debug", "agent", name], project, home)
    resolved = json.loads(done.stdout[done.stdout.index("{") :])["tools"]
    return {t for t, on in resolved.items() if on and t not in ("invalid", "question")}
