"""How alike two agents are (0..1), and which agents of a collection are most like one.

Pure: plain records in, numbers and frozen dataclasses out. The blend of prompt, description,
tools and other fields is exactly 1.0 only for identical content, so a view never shows 100 %
for two agents that differ.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Indel

from agentbrowser.model.diff import EQUAL, line_blocks, split_lines
from agentbrowser.model.fields import canonical
from agentbrowser.model.records import Agent, prompt, with_body

#: The largest float below 1.0: any difference keeps a score off an exact 1.0.
BELOW_ONE = math.nextafter(1.0, 0.0)

#: Weights of the similarity blend; they sum to 1.
WEIGHTS: dict[str, float] = {"prompt": 0.6, "description": 0.25, "tools": 0.1, "fields": 0.05}

#: Above this many word pairs, a changed block's words are compared as bags (order ignored).
BAG_CELLS = 4_000_000
#: Letters only (no digits or underscores), four or more: words that carry a topic.
VOCABULARY_WORD = re.compile(r"[^\W\d_]{4,}")
# Keys whose difference is already shown elsewhere (tools, description) or is identity (name).
_CONTENT_EXCLUDED = frozenset({"name", "description", "tools"})


@dataclass(frozen=True, slots=True)
class Scores:
    """The similarity blend and its parts, each 0..1; ``total`` is exactly 1.0 only when all are."""

    total: float
    prompt: float
    description: float
    tools: float
    fields: float

    def to_json(self) -> dict[str, float]:
        """The scores as a JSON object."""
        return {
            "total": self.total,
            "prompt": self.prompt,
            "description": self.description,
            "tools": self.tools,
            "fields": self.fields,
        }


# --------------------------------------------------------------------------------------------
# Similarity


def _matched_words(words_a: list[str], words_b: list[str]) -> int:
    """Twice the words two runs share in order (their LCS), or as bags when the runs are huge."""
    if not words_a or not words_b:
        return 0
    if len(words_a) * len(words_b) > BAG_CELLS:
        return 2 * sum((Counter(words_a) & Counter(words_b)).values())
    return int(Indel.similarity(words_a, words_b))


def ordered_similarity(a: str, b: str) -> float:
    """How much of two texts is shared in order, 0..1: an edit measure over words.

    Lines are aligned first (cheap, in C); words are then matched in order only inside the
    blocks of lines that changed, so two 100 KB prompts take milliseconds, related or not. The
    result is 2 * matched words / all words, as ``Indel.normalized_similarity`` over words.
    """
    if a == b:
        return 1.0
    lines_a, lines_b = split_lines(a), split_lines(b)
    matched = total = 0
    for tag, a1, a2, b1, b2 in line_blocks(lines_a, lines_b):
        words_a = " ".join(lines_a[a1:a2]).split()
        if tag == EQUAL:
            matched += 2 * len(words_a)
            total += 2 * len(words_a)
            continue
        words_b = " ".join(lines_b[b1:b2]).split()
        total += len(words_a) + len(words_b)
        matched += _matched_words(words_a, words_b)
    return matched / total if total else 1.0


def vocabulary(text: str) -> frozenset[str]:
    """The distinct words of four letters or more, lowercased: what a text is about."""
    return frozenset(word.lower() for word in VOCABULARY_WORD.findall(text))


def vocabulary_similarity(a: str, b: str) -> float:
    """How much vocabulary two texts share, 0..1 (Dice of ``vocabulary``): a topic measure.

    Two agents written separately for the same job share few sentences but many words.
    """
    va, vb = vocabulary(a), vocabulary(b)
    if not va and not vb:
        return 1.0
    return 2 * len(va & vb) / (len(va) + len(vb))


def text_similarity(a: str, b: str) -> float:
    """Similarity 0..1 of two texts, half ordered (edits), half vocabulary (topic).

    Exactly 1.0 only when the texts are equal.
    """
    if a == b:
        return 1.0
    score = 0.5 * ordered_similarity(a, b) + 0.5 * vocabulary_similarity(a, b)
    return min(score, BELOW_ONE)


def tools_similarity(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> float:
    """Jaccard of the tool sets; inheriting every tool only matches inheriting every tool."""
    if a is None or b is None:
        return 1.0 if a is None and b is None else 0.0
    set_a, set_b = set(a), set(b)
    if not set_a and not set_b:
        return 1.0
    return len(set_a & set_b) / len(set_a | set_b)


def fields_similarity(a: Agent, b: Agent) -> float:
    """Share of the other frontmatter keys (not name, description, tools) with equal values."""
    fa = {str(k): v for k, v in (a.frontmatter or {}).items() if str(k) not in _CONTENT_EXCLUDED}
    fb = {str(k): v for k, v in (b.frontmatter or {}).items() if str(k) not in _CONTENT_EXCLUDED}
    keys = fa.keys() | fb.keys()
    if not keys:
        return 1.0
    same = sum(1 for k in keys if k in fa and k in fb and canonical(fa[k]) == canonical(fb[k]))
    return same / len(keys)


def _blend(prompt: float, description: float, tools: float, fields: float) -> Scores:
    if prompt == description == tools == fields == 1.0:
        total = 1.0
    else:
        total = (
            WEIGHTS["prompt"] * prompt
            + WEIGHTS["description"] * description
            + WEIGHTS["tools"] * tools
            + WEIGHTS["fields"] * fields
        )
        total = min(max(total, 0.0), BELOW_ONE)
    return Scores(total, prompt, description, tools, fields)


def _desc_for_words(agent: Agent) -> str:
    return (agent.description or "").replace("\\n", "\n")


def similarity_scores(a: Agent, b: Agent) -> Scores:
    """The similarity blend of two agents with its parts.

    Prompt and description are compared word by word, tools by Jaccard, the other frontmatter
    keys by equality. The name does not count: a renamed copy scores 1.0.
    """
    return _blend(
        text_similarity(prompt(a), prompt(b)),
        text_similarity(_desc_for_words(a), _desc_for_words(b)),
        tools_similarity(a.tools, b.tools),
        fields_similarity(a, b),
    )


T = TypeVar("T")


def alike(found: list[tuple[T, float]]) -> list[tuple[T, float]]:
    """A ranking without what shares nothing with the target (under 0.05 %, shown as 0.0 %):
    it is not similar, however few the others are."""
    return [(item, score) for item, score in found if score >= 0.0005]


def percent(value: float, decimals: int = 1) -> str:
    """A similarity for people: ``64.9%``; ``100%`` only when it is exactly 1.0.

    A difference never rounds up to 100: 0.9996 is ``99.9%``, whatever the decimals.
    """
    text = f"{value * 100:.{decimals}f}%"
    if value < 1.0 and text.startswith("100"):
        return f"{100 - 10**-decimals:.{decimals}f}%"
    return text


def similarity(a: Agent, b: Agent) -> float:
    """How alike two agents are, 0..1; exactly 1.0 when their content is identical."""
    return similarity_scores(a, b).total


# --------------------------------------------------------------------------------------------
# Ranking


@dataclass(frozen=True, slots=True)
class _Features:
    """What the prefilter compares: distinctive lines, and the opening characters."""

    lines: frozenset[str]
    head: str


#: Characters of description and of prompt the character-level prefilter compares.
HEAD_CHARS = 160
#: Lines shorter than this (stripped) say nothing about kinship: blank lines, fences, "---".
MIN_LINE_CHARS = 12


def _features(agent: Agent) -> _Features:
    description = agent.description or ""
    body = prompt(agent)
    # All C-level work: 10,000 agents in well under a second on a slow machine.
    lines = frozenset(body.splitlines()) | frozenset(description.replace("\\n", "\n").splitlines())
    head = (description[:HEAD_CHARS] + "\n" + body[:HEAD_CHARS]).lower()
    return _Features(lines, head)


class SimilarityIndex:
    """A collection prepared for "which agents are like this one?": build once, query many.

    Two cheap channels pick candidates from the whole collection: exact lines shared (near
    copies, wherever the edits are) and character similarity of the openings of description and
    prompt (rewrites that keep the gist). The best few of each are rescored with ``similarity``.
    """

    __slots__ = ("_heads", "_lines", "agents", "candidates")

    def __init__(self, agents: Iterable[Agent], candidates: int = 50) -> None:
        self.agents: list[Agent] = list(agents)
        self.candidates = candidates
        """How many agents each channel passes on to the full rescoring."""
        features = [_features(agent) for agent in self.agents]
        self._lines = [f.lines for f in features]
        self._heads = [f.head for f in features]

    def __len__(self) -> int:
        return len(self.agents)

    def _candidates(self, target: Agent) -> set[int]:
        """Indexes of the agents worth rescoring: the best of each channel."""
        feats = _features(target)
        picked: set[int] = set()
        query = frozenset(line for line in feats.lines if len(line.strip()) >= MIN_LINE_CHARS)
        if query:
            shared = [len(query & lines) for lines in self._lines]
            best = heapq.nlargest(self.candidates, range(len(shared)), key=shared.__getitem__)
            picked.update(i for i in best if shared[i])
        heads = process.extract(
            feats.head,
            self._heads,
            scorer=Indel.normalized_similarity,
            processor=None,
            limit=self.candidates,
        )
        picked.update(index for _, _, index in heads)
        return picked

    def query(self, target: Agent, limit: int = 10) -> list[tuple[Agent, float]]:
        """The agents most like ``target``, best first, without ``target`` itself (same path).

        Ties go by name, then path, so the order is stable.
        """
        if limit <= 0 or not self.agents:
            return []
        target = with_body(target)  # read once, not once a candidate
        scored: list[tuple[float, str, str, int]] = []
        for index in self._candidates(target):
            agent = self.agents[index]
            if agent.path != target.path:
                scored.append((-similarity(target, agent), agent.name, agent.path, index))
        scored.sort()
        return [(self.agents[index], -neg) for neg, _, _, index in scored[:limit]]


def rank_similar(
    target: Agent, agents: Sequence[Agent], limit: int = 10
) -> list[tuple[Agent, float]]:
    """The ``limit`` agents most like ``target``, best first, excluding ``target`` (same path).

    Builds a ``SimilarityIndex`` each call; keep one when asking about many agents.
    """
    return SimilarityIndex(list(agents)).query(target, limit)
