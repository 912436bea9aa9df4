"""The project's own promises: the README's two commands, CI running them, words about itself."""

from __future__ import annotations

import re

from ..paths import REPO


def _quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n.*?```sh\n(.*?)```", readme, re.S)
    assert block is not None, "the README has a quick start with a sh block"
    return [line.split("  #")[0].strip() for line in block[1].splitlines() if line.strip()]


def test_the_quick_start_is_two_commands_install_and_browse_then_install_and_test() -> None:
    commands = _quick_start_commands()
    assert commands == [
        "pip install -e . && agentbrowser",
        'pip install -e ".[test]" && python -m pytest',
    ]


def test_ci_runs_the_readmes_test_command_in_a_new_virtual_environment() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[-1] == _quick_start_commands()[1]
    venv = next(i for i, line in enumerate(lines) if re.match(r"python3? -m venv ", line))
    activate = next(i for i, line in enumerate(lines) if re.match(r"(source|\.) .*/bin/activate", line))
    assert venv < activate < len(lines) - 1
    assert "mktemp -d" in script  # a new folder on every run, not a venv kept between runs


#: How the product must not speak of itself: by issue numbers or by how the work was organised.
_SELF_TALK = re.compile(
    r"\bissues? #?\d{1,3}\b|\bthis stop\b|\b\w+ stop's\b|\b(first|second|third|fourth|fifth|sixth|seventh) stop\b",
    re.I,
)


def test_the_product_names_things_by_what_they_are() -> None:
    files = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    files += sorted((REPO / "agentbrowser").rglob("*.py"))
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _SELF_TALK.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
