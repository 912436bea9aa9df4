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
