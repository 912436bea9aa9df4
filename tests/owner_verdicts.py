"""Claude Code's verdicts on our test files: laid out as a project and as a plugin, validated.

`claude plugin validate --json PATH` reports what Claude Code's loader does with every agent,
command and skill under PATH. The same files are laid out twice: as a project's `.claude`
folder (agents/, commands/, skills/NAME/SKILL.md) and as a plugin (a folder with
`.claude-plugin/plugin.json`), because Claude Code treats a broken agent differently in each.
scripts/refresh-owner-verdicts records the verdicts as tests/data/owner-verdicts/claude-V.json;
tests/model/test_owners.py compares our errors with them, and runs the validator live when
it is installed.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .owners import run_owner
from .paths import CORPUS, DATA, SEEDS

VERDICTS = DATA / "owner-verdicts"
#: Small crafted files, one trait each; the prefix of the name says the kind (agent-, command-,
#: skill-).
CASES = DATA / "owner-cases"
KINDS = ("agent", "command", "skill")
SEMANTICS = ("project", "plugin")


@dataclass(frozen=True)
class Case:
    """One file to ask about: its key in the verdicts (a path under tests/data) and kind."""

    key: str
    source: Path
    kind: str

    @property
    def slug(self) -> str:
        """A file name for the laid-out copy, unique among the cases."""
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", self.key.removesuffix(".md").removesuffix(".txt"))
        return stem[-120:]


def claude_cases() -> list[Case]:
    """The corpus's Claude agents, commands and skills, the seeds (agents) and the crafted cases."""
    cases: list[Case] = []
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            kind = row["format_guess"].removeprefix("claude-")
            if kind in KINDS:
                cases.append(Case(f"corpus/{row['path']}", CORPUS / row["path"], kind))
    for seed in sorted(SEEDS.glob("*.txt")):
        cases.append(Case(f"seeds/{seed.name}", seed, "agent"))
    for crafted in sorted(CASES.glob("*.md")):
        cases.append(Case(f"owner-cases/{crafted.name}", crafted, crafted.name.split("-", 1)[0]))
    return cases


def laid_out_path(root: Path, semantics: str, case: Case) -> Path:
    """Where a case's copy goes: under root/project/.claude or root/plugin."""
    base = root / "project" / ".claude" if semantics == "project" else root / "plugin"
    if case.kind == "skill":
        return base / "skills" / case.slug / "SKILL.md"
    return base / f"{case.kind}s" / f"{case.slug}.md"


def lay_out(root: Path, cases: list[Case]) -> dict[str, Path]:
    """Copy every case, byte for byte, into a project and a plugin under root; the two folders."""
    for semantics in SEMANTICS:
        for case in cases:
            target = laid_out_path(root, semantics, case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(case.source, target)
    manifest = root / "plugin" / ".claude-plugin" / "plugin.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"name": "owner-verdicts", "version": "0.0.1"}) + "\n")
    return {"project": root / "project" / ".claude", "plugin": root / "plugin"}


def claude_version(binary: str, home: Path) -> str:
    """`2.1.332` from `claude --version`."""
    out = run_owner(binary, ["--version"], cwd=home, home=home).stdout
    match = re.search(r"\d+\.\d+\.\d+", out)
    return match.group(0) if match else out.strip()


def validate(binary: str, root: Path, cases: list[Case]) -> dict[str, dict[str, list[str]]]:
    """Claude Code's error messages per case key and semantics (an empty list: no error)."""
    folders = lay_out(root / "files", cases)
    by_path = {
        str(laid_out_path(root / "files", s, c).resolve()): (c.key, s)
        for s in SEMANTICS
        for c in cases
    }
    verdicts: dict[str, dict[str, list[str]]] = {c.key: {s: [] for s in SEMANTICS} for c in cases}
    for folder in folders.values():
        done = run_owner(
            binary, ["plugin", "validate", "--json", str(folder)], cwd=folder, home=root / "home"
        )
        report = json.loads(done.stdout)
        for content in report.get("contents") or []:
            where = by_path.get(str(Path(content["file"]).resolve()))
            if where is None:
                continue
            key, seen_as = where
            verdicts[key][seen_as] = [e["message"] for e in content.get("errors") or []]
    return verdicts


#: The agents Claude Code always lists, its own.
BUILT_IN_AGENTS = frozenset({"claude", "Explore", "general-purpose", "Plan", "statusline-setup"})


def loaded(
    binary: str, root: Path, cases: list[Case], name_of: Callable[[Case], str]
) -> tuple[dict[str, str | None], list[str]]:
    """Which agents Claude Code loads from a project's `.claude/agents`, and by what name: per
    agent case, the name it lists it by (None: not loaded); and the names it listed that no
    case explains.

    `claude -p hi --agent NAME` with a NAME it does not have stops before any request (no
    account, no network) and names every agent it loaded: the loader's verdict, which
    `plugin validate` (its validator) does not give (it loads no agent without a description,
    and only warns). The cases go into as few projects as keep each one's expected name
    (`name_of`) unique within its project, so that a listed name tells which file it came from.
    """
    agents = [c for c in cases if c.kind == "agent"]
    batches: list[dict[str, Case]] = []
    for case in agents:
        expected = name_of(case)
        batch = next((b for b in batches if expected not in b), None)
        if batch is None:
            batch = {}
            batches.append(batch)
        batch[expected] = case
    verdicts: dict[str, str | None] = {c.key: None for c in agents}
    unexplained: list[str] = []
    for number, batch in enumerate(batches):
        project = root / f"load-{number}"
        folder = project / ".claude" / "agents"
        folder.mkdir(parents=True)
        (project / ".git").mkdir()  # a project root, as git init makes one
        for case in batch.values():
            shutil.copyfile(case.source, folder / f"{case.slug}.md")
        done = run_owner(
            binary, ["-p", "hi", "--agent", "zz-no-such-agent"], project, root / "home"
        )
        match = re.search(r"Available agents: (.*)", done.stdout + done.stderr)
        assert match is not None, (done.stdout + done.stderr)[-2000:]
        for name in match.group(1).strip().split(", "):
            if name in BUILT_IN_AGENTS:
                continue
            case = batch.get(name)
            if case is None:
                unexplained.append(f"{name} (project {number})")
            else:
                verdicts[case.key] = name
    return verdicts, unexplained


def recorded() -> dict[str, object]:
    """The newest recorded verdicts file's content."""
    files = sorted(
        VERDICTS.glob("claude-*.json"), key=lambda p: [int(n) for n in re.findall(r"\d+", p.name)]
    )
    return json.loads(files[-1].read_text(encoding="utf-8"))


# -- generated frontmatter, for a live comparison on files nobody wrote by hand -----------------
_VALUES = (
    "Use this agent for reviews", "Use this: for reviews", "Use for C# #tag", "foo #bar",
    "*bold* start", "&anchor x", "!tag x", "%percent", "@at sign", "`code` start", "[a] | [b]",
    "[a, b]", "{a: b}", '"quoted" rest', "'single' rest", '"unterminated', "'unterminated",
    "tab\there", "ends with:", "- item", "? question", "a --- b", "|", ">", "|-", "yes", "123",
    "1e3", "2024-01-01", "", "Bash(git add:*), Read", "user: \"hi\" assistant: 'ok'", "a: b: c",
    "x > y", "100%", "a | b", '"properly quoted: yes"', "'properly: quoted'",
    "<example>Context: x</example>", "key:value", "back\\slash: x", 'quote " inside: x',
    "ünïcödé: x", "a\tb: c",
)  # fmt: skip
# Tab-indented lines are left out: after a comment line Claude Code's parser accepts some that
# neither strict YAML nor its own quoting explains (2 of 1,500 generated files disagreed).
_FOLLOWING = (
    "  indented continuation", "Examples:", "- <example>", "  Context: the user", 'user: "hi"',
    "", "  - item", "    deeper: x", "# comment", "Notes: more", "  key: value",
)  # fmt: skip
_KEYS = ("description", "tools", "model", "color", "argument-hint", "allowed-tools", "Name2",
         "x.y", "when_to_use")  # fmt: skip


def generated_cases(seed: int, count: int, folder: Path) -> list[Case]:
    """`count` random agents, commands and skills mixing the traits above, written to folder."""
    import random

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for index in range(count):
        lines = ["---"]
        if rng.random() < 0.9:
            lines.append(f"name: {rng.choice(('reviewer', 'yes', '123', '1e3', *_VALUES[:3]))}")
        for _ in range(rng.randint(1, 4)):
            key = rng.choice(_KEYS)
            value = rng.choice(_VALUES) if rng.random() < 0.95 else ""
            lines.append(f"{key}: {value}".rstrip() if value else f"{key}:")
            if rng.random() < 0.3:
                lines.extend(rng.choice(_FOLLOWING) for _ in range(rng.randint(1, 3)))
        lines.append("---")
        ending = "\r\n" if rng.random() < 0.1 else "\n"
        path = folder / f"generated-{index}.md"
        path.write_bytes((ending.join(lines) + ending + "Body." + ending).encode("utf-8"))
        kind = rng.choice(("agent", "agent", "command", "skill"))
        cases.append(Case(f"generated/{path.name}", path, kind))
    return cases
