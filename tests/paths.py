"""Where the test data lives: the real-file corpus, the seed agents and the bundled agents."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
#: Real public agent files (MIT and CC0), with ATTRIBUTION.md, MANIFEST.tsv and LICENSES/.
CORPUS = DATA / "corpus"
#: The five independently written backend-engineer agents.
SEEDS = DATA / "seeds"
BUNDLED = REPO / "agents"


def installed_command() -> str | None:
    """The installed `agentbrowser`: the one beside this interpreter first (the venv's, whether
    or not the venv is activated; a pyenv shim on PATH is a detour), else the one on PATH."""
    import shutil
    import sys

    beside = shutil.which("agentbrowser", path=str(Path(sys.executable).parent))
    return beside or shutil.which("agentbrowser")
