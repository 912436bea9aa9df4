"""Time the compare model: diffs of two 100 KB prompts and a similarity index over 10,000 agents.

Run: python -m agentbrowser.bench.compare_model  (prints medians in milliseconds; no assertions)
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from agentbrowser.model.compare import (
    SimilarityIndex,
    compare,
    rank_similar,
    unified,
)  # noqa: E402
from agentbrowser.model.records import Agent, prompt  # noqa: E402

TOOLS = (
    "Read",
    "Write",
    "Edit",
    "MultiEdit",
    "Bash",
    "Grep",
    "Glob",
    "WebFetch",
    "WebSearch",
    "Task",
)


def made_up_words(rng: random.Random, size: int = 4000) -> list[str]:
    """Made-up words of plausible lengths."""
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    weights = [26 - i for i in range(26)]
    return ["".join(rng.choices(letters, weights, k=rng.randint(2, 11))) for _ in range(size)]


def text(rng: random.Random, words: list[str], size: int) -> str:
    """Markdown-ish text of about ``size`` characters: headings, bullets, paragraphs, blanks."""
    weights = [1 / (i + 1) for i in range(len(words))]  # Zipf-like, as in real prose
    out: list[str] = []
    total = 0
    while total < size:
        kind = rng.random()
        n = rng.randint(4, 30)
        line = " ".join(rng.choices(words, weights, k=n))
        if kind < 0.1:
            line = "## " + line[:40]
        elif kind < 0.45:
            line = "- " + line
        out.append(line)
        if rng.random() < 0.3:
            out.append("")
        total += len(line) + 1
    return "\n".join(out) + "\n"


def edit(rng: random.Random, words: list[str], body: str, changes: int) -> str:
    """Change, insert and delete a few lines, and change words inside some others."""
    lines = body.split("\n")
    for _ in range(changes):
        i = rng.randrange(len(lines))
        r = rng.random()
        if r < 0.4 and lines[i]:
            parts = lines[i].split(" ")
            parts[rng.randrange(len(parts))] = rng.choice(words)
            lines[i] = " ".join(parts)
        elif r < 0.7:
            lines.insert(i, " ".join(rng.choices(words, k=12)))
        else:
            del lines[i]
    return "\n".join(lines)


def agent(
    name: str, description: str, body: str, tools: tuple[str, ...] | None, path: str
) -> Agent:
    """A record as the parser would make it."""
    frontmatter: dict[str, Any] = {"name": name, "description": description}
    if tools is not None:
        frontmatter["tools"] = ", ".join(tools)
    return Agent(name, description, tools, "claude-agent", "path", path, frontmatter, body)


def median_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def show(label: str, ms: float, note: str = "") -> None:
    """One aligned line of output."""
    print(f"{label:<42} {ms:8.1f} ms  {note}".rstrip())


def bench_diff(words: list[str]) -> None:
    """Two 100 KB prompts: an edited copy, an unrelated text, the same text."""
    rng = random.Random(4)
    big_a = text(rng, words, 100_000)
    big_b = edit(rng, words, big_a, 40)
    unrelated = text(rng, words, 100_000)
    desc = "Use this agent when you need a thing.\\n\\nExamples:\\n- " + " ".join(
        rng.choices(words, k=60)
    )
    a = agent("a", desc, big_a, ("Read", "Write"), "/a.md")
    b = agent("b", desc.replace("thing", "other thing"), big_b, ("Write", "Bash"), "/b.md")
    c = agent("c", desc, unrelated, None, "/c.md")
    print(f"prompt sizes: {len(big_a):,} / {len(big_b):,} / {len(unrelated):,} chars")
    for label, other in (("similar", b), ("unrelated", c), ("identical", a)):
        result = compare(a, other)
        note = f"(similarity {result.similarity:.3f}, {result.changed_lines} changed lines)"
        show(f"compare, two {label} 100 KB prompts", median_ms(lambda o=other: compare(a, o)), note)
        show("  unified()", median_ms(lambda r=result: unified(r)))
        show("  to_json()", median_ms(lambda r=result: r.to_json()))


def bench_index(words: list[str]) -> None:
    """10,000 agents of ~3 KB: 2,000 families of 5 related variants (edited copies)."""
    rng = random.Random(10)
    agents: list[Agent] = []
    for family in range(2_000):
        base = text(rng, words, 2_600)
        desc = "Use this agent when " + " ".join(rng.choices(words, k=50))
        tools = tuple(rng.sample(TOOLS, rng.randint(0, 6))) if rng.random() < 0.7 else None
        for variant in range(5):
            body = base if variant == 0 else edit(rng, words, base, rng.randint(1, 8))
            path = f"/c/{family}/{variant}.md"
            agents.append(agent(f"f{family}-v{variant}", desc, body, tools, path))
    size = sum(len(prompt(x)) + len(x.description) for x in agents) / len(agents)
    print(f"\n{len(agents):,} generated agents, {size:,.0f} chars each on average")
    show("SimilarityIndex build", median_ms(lambda: SimilarityIndex(agents), repeat=3))
    index = SimilarityIndex(agents)
    targets = [agents[i] for i in range(0, len(agents), 997)]
    times = []
    hits = 0
    for target in targets:
        start = time.perf_counter()
        found = index.query(target, 10)
        times.append((time.perf_counter() - start) * 1000)
        family = target.path.split("/")[2]
        hits += sum(1 for other, _ in found[:4] if other.path.split("/")[2] == family)
    show("SimilarityIndex query, first", times[0])
    note = f"(recall: {hits}/{4 * len(targets)} family members in the top 4)"
    show(f"SimilarityIndex query, median of {len(targets)}", statistics.median(times), note)
    show("rank_similar (build + query)", median_ms(lambda: rank_similar(agents[5], agents), 3))


def main() -> None:
    """Print the numbers."""
    words = made_up_words(random.Random(4))
    bench_diff(words)
    bench_index(words)


if __name__ == "__main__":
    main()
