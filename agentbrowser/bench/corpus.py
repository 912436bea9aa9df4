"""Generated agent collections: realistic sizes (~3 KB), mixed formats, a few broken files."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

ADJECTIVES = (
    "senior",
    "backend",
    "frontend",
    "data",
    "cloud",
    "mobile",
    "security",
    "platform",
    "test",
    "docs",
    "ml",
    "devops",
    "api",
    "graphql",
    "rust",
    "python",
    "go",
    "react",
    "kotlin",
    "swift",
)
NOUNS = (
    "reviewer",
    "architect",
    "engineer",
    "debugger",
    "writer",
    "planner",
    "optimizer",
    "auditor",
    "migrator",
    "analyst",
    "tester",
    "designer",
    "profiler",
    "refactorer",
    "mentor",
    "helper",
)
TOOLS = (
    "Read",
    "Write",
    "Edit",
    "Grep",
    "Glob",
    "Bash",
    "WebFetch",
    "WebSearch",
    "Task",
    "TodoWrite",
)
MODELS = ("sonnet", "opus", "haiku", "inherit")
COLORS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan")
WORDS = [
    "the",
    "code",
    "base",
    "must",
    "stay",
    "readable",
    "and",
    "every",
    "change",
    "should",
    "come",
    "with",
    "a",
    "test",
    "that",
    "proves",
    "it",
    "works",
    "review",
    "the",
    "diff",
    "carefully",
    "look",
    "for",
    "race",
    "conditions",
    "unchecked",
    "errors",
    "and",
    "missing",
    "validation",
    "of",
    "input",
    "from",
    "users",
    "explain",
    "each",
    "finding",
    "with",
    "the",
    "file",
    "and",
    "line",
    "and",
    "suggest",
    "a",
    "fix",
    "prefer",
    "small",
    "focused",
    "functions",
    "name",
    "things",
    "for",
    "what",
    "they",
    "do",
    "keep",
    "side",
    "effects",
    "at",
    "the",
    "edges",
]

#: The 15-letter name the filter benchmark types one key at a time.
NEEDLE = "securityauditor"

# (weight, format label) for the mixed collection.
MIX = (
    (40, "claude-agent"),
    (15, "claude-command"),
    (10, "claude-skill"),
    (12, "opencode-agent"),
    (10, "copilot-agent"),
    (3, "copilot-chatmode"),
    (10, "cursor-rule"),
)


@dataclass(frozen=True)
class Generated:
    """What was written: the root folder, how many files, how many are broken on purpose."""

    root: str
    count: int
    broken: int
    total_bytes: int


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _body(rng: random.Random, target: int) -> str:
    parts = ["You are an expert. Follow these rules.\n"]
    size = len(parts[0])
    section = 0
    while size < target:
        section += 1
        block = f"\n## Step {section}\n\n" + "\n".join(
            f"- {_sentence(rng, rng.randint(6, 14))}" for _ in range(rng.randint(3, 6))
        )
        block += "\n\n" + " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(3)) + "\n"
        if section % 3 == 0:
            block += "\n```bash\ngit diff --stat\npytest -q\n```\n"
        parts.append(block)
        size += len(block)
    return "".join(parts)


def _description(rng: random.Random, name: str) -> str:
    text = f"Use this agent when the task needs a {name.replace('-', ' ')}. " + _sentence(rng, 12)
    if rng.random() < 0.4:  # Claude Code style examples inside the description
        text += (
            " Examples: <example>Context: the user asks for help. user: 'Please check this' "
            f"assistant: 'I will use the {name} agent.' <commentary>It fits.</commentary></example>"
        )
    return text


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _file(rng: random.Random, fmt: str, name: str, broken: bool) -> tuple[str, str]:
    """(relative path, text) of one agent file in the given format."""
    description = _description(rng, name)
    tools = rng.sample(TOOLS, rng.randint(2, 6))
    body = _body(rng, rng.randint(2200, 3400))
    # A broken file: an unquoted description holding `: `, which strict YAML rejects.
    desc_line = (
        f"description: {description}: see below"
        if broken
        else f"description: {_quote(description)}"
    )
    if fmt == "claude-agent":
        fm = [
            f"name: {name}",
            desc_line,
            f"tools: {', '.join(tools)}",
            f"model: {rng.choice(MODELS)}",
        ]
        if rng.random() < 0.5:
            fm.append(f"color: {rng.choice(COLORS)}")
        return f".claude/agents/{name}.md", _doc(fm, body)
    if fmt == "claude-command":
        fm = [desc_line, f"allowed-tools: {', '.join(tools)}", "argument-hint: '[file]'"]
        return f".claude/commands/{name}.md", _doc(fm, body)
    if fmt == "claude-skill":
        fm = [f"name: {name}", desc_line, f"allowed-tools: {' '.join(tools)}"]
        return f".claude/skills/{name}/SKILL.md", _doc(fm, body)
    if fmt == "opencode-agent":
        fm = [
            desc_line,
            "mode: subagent",
            f"model: anthropic/claude-{rng.choice(MODELS)}",
            "temperature: 0.2",
            "tools:",
        ]
        fm += [f"  {t.lower()}: {str(rng.random() < 0.7).lower()}" for t in tools]
        return f".opencode/agent/{name}.md", _doc(fm, body)
    if fmt == "copilot-agent":
        fm = [desc_line, "tools: [" + ", ".join(f"'{t.lower()}'" for t in tools) + "]"]
        return f".github/agents/{name}.agent.md", _doc(fm, body)
    if fmt == "copilot-chatmode":
        fm = [
            desc_line,
            "tools: [" + ", ".join(f"'{t.lower()}'" for t in tools) + "]",
            "model: GPT-4.1",
        ]
        return f".github/chatmodes/{name}.chatmode.md", _doc(fm, body)
    fm = [desc_line, "globs: '**/*.py'", f"alwaysApply: {str(rng.random() < 0.2).lower()}"]
    return f".cursor/rules/{name}.mdc", _doc(fm, body)


def _doc(frontmatter: list[str], body: str) -> str:
    return "---\n" + "\n".join(frontmatter) + "\n---\n\n" + body


def generate(
    root: str, count: int, mixed: bool = True, seed: int = 5, broken_every: int = 50
) -> Generated:
    """Write `count` agent files under `root`, spread over repositories of up to 500 files.

    With mixed=False every file is a Claude Code agent directly in `root` (a ~/.claude/agents).
    One file in `broken_every` has invalid YAML. One agent is named NEEDLE.
    """
    rng = random.Random(seed)
    formats = [fmt for weight, fmt in MIX for _ in range(weight)]
    broken = 0
    total = 0
    made: set[str] = set()
    for index in range(count):
        fmt = rng.choice(formats) if mixed else "claude-agent"
        name = (
            NEEDLE
            if index == count // 2
            else f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}-{index}"
        )
        is_broken = index % broken_every == broken_every - 1
        relative, text = _file(rng, fmt, name, is_broken)
        broken += is_broken
        if mixed:
            relative = os.path.join(f"repo-{index // 500:03d}", relative)
        else:
            relative = os.path.basename(relative)
        path = os.path.join(root, relative)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        data = text.encode("utf-8")
        with open(path, "wb") as handle:
            handle.write(data)
        total += len(data)
    return Generated(root, count, broken, total)
