"""Fixtures for every test: the developer's own home, cache and terminal stay out of them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_home_and_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point HOME and XDG_CACHE_HOME at fresh folders (outside the test's tmp_path).

    The index cache lives in the user cache folder and default discovery reads ~/.claude: a
    test must neither read the developer's agents nor write to their cache. Returns the cache
    root (XDG_CACHE_HOME).
    """
    root = tmp_path_factory.mktemp("env")
    home = root / "home"
    cache = root / "cache"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    # A copy asks the tmux it runs in what it does with OSC 52: the developer's tmux (its
    # set-clipboard) must not decide a test. Tests of that set TMUX themselves.
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("TMUX_PANE", raising=False)
    return cache


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """The five seed agents as .md files in a folder of their own (tests/data/seeds holds them
    as .txt, as they were received)."""
    import shutil

    from .paths import SEEDS

    folder = tmp_path / "seeds"
    folder.mkdir()
    for seed in sorted(SEEDS.iterdir()):
        shutil.copy(seed, folder / (seed.stem + ".md"))
    return folder


@pytest.fixture
def empty_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git repository as the current folder: a project without agents."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    return root
