"""Compare two agents: the Comparison a compare view or `agentbrowser diff` renders.

Pure: plain records in, frozen dataclasses out. The work lives in three rooms, re-exported here
so callers need one import: ``diff`` (line and word alignment, hunks, unified text), ``fields``
(frontmatter fields and tools side by side) and ``similar`` (similarity scores and ranking).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentbrowser.model.diff import (
    DELETE,
    EQUAL,
    INSERT,
    PAIRING_MAX_CELLS,
    PAIRING_MIN_SIMILARITY,
    REPLACE,
    WORD_DIFF_MAX_CHARS,
    WORD_DIFF_MIN_SIMILARITY,
    Hunk,
    Row,
    description_lines,
    diff_lines,
    diff_text,
    hunks_to_json,
    rows,
    split_lines,
    unified,
    unified_hunks,
    word_spans,
)
from agentbrowser.model.fields import (
    CHANGED,
    ONLY_A,
    ONLY_B,
    SAME,
    FieldDiff,
    ToolsDiff,
    compare_fields,
    compare_tools,
)
from agentbrowser.model.records import Agent, prompt
from agentbrowser.model.similar import (
    BELOW_ONE,
    WEIGHTS,
    Scores,
    SimilarityIndex,
    ordered_similarity,
    percent,
    rank_similar,
    similarity,
    similarity_scores,
    text_similarity,
    tools_similarity,
    vocabulary,
    vocabulary_similarity,
)

__all__ = [
    "BELOW_ONE",
    "CHANGED",
    "DELETE",
    "EQUAL",
    "INSERT",
    "ONLY_A",
    "ONLY_B",
    "PAIRING_MAX_CELLS",
    "PAIRING_MIN_SIMILARITY",
    "REPLACE",
    "SAME",
    "WEIGHTS",
    "WORD_DIFF_MAX_CHARS",
    "WORD_DIFF_MIN_SIMILARITY",
    "Comparison",
    "FieldDiff",
    "Hunk",
    "Row",
    "Scores",
    "Side",
    "SimilarityIndex",
    "ToolsDiff",
    "compare",
    "compare_fields",
    "compare_tools",
    "description_lines",
    "diff_lines",
    "diff_text",
    "hunks_to_json",
    "ordered_similarity",
    "percent",
    "rank_similar",
    "rows",
    "similarity",
    "similarity_scores",
    "split_lines",
    "text_similarity",
    "tools_similarity",
    "unified",
    "unified_hunks",
    "vocabulary",
    "vocabulary_similarity",
    "word_spans",
]


@dataclass(frozen=True, slots=True)
class Side:
    """Which agent is A or B: enough to name it, find it, and label a diff."""

    name: str
    path: str

    def to_json(self) -> dict[str, str]:
        """The side as a JSON object."""
        return {"name": self.name, "path": self.path}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything that differs between two agents, ready to render."""

    a: Side
    b: Side
    similarity: float
    """0..1; exactly 1.0 when description, prompt, tools and the other fields are identical."""
    scores: Scores
    fields: tuple[FieldDiff, ...]
    tools: ToolsDiff
    description: tuple[Hunk, ...]
    """Lines of the description (split on newlines and on literal ``\\n``)."""
    prompt: tuple[Hunk, ...]
    changed_lines: int
    """Rows of description and prompt that are not equal (a replaced line counts once)."""
    changed_words: int
    """Words that differ in description and prompt (see ``Row.changed_words``)."""

    @property
    def identical(self) -> bool:
        """True when nothing but the file's place differs (names may differ too)."""
        return self.similarity == 1.0 and self.changed_lines == 0

    @property
    def not_counted(self) -> tuple[str, ...]:
        """The fields that differ and that the similarity leaves out: who the agent is and
        where its file lives (`name`, `scope`), not what it does. A view says so by a 100 %."""
        return tuple(
            f.field for f in self.fields if f.field in ("name", "scope") and f.status != SAME
        )

    def to_json(self) -> dict[str, Any]:
        """The comparison as the JSON object `agentbrowser diff --json` prints."""
        return {
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "similarity": self.similarity,
            "scores": self.scores.to_json(),
            "fields": [f.to_json() for f in self.fields],
            "tools": self.tools.to_json(),
            "description": hunks_to_json(self.description),
            "prompt": hunks_to_json(self.prompt),
            "changed_lines": self.changed_lines,
            "changed_words": self.changed_words,
        }


def compare(a: Agent, b: Agent) -> Comparison:
    """Compare two agents: fields, tools, and line/word diffs of description and prompt."""
    description = diff_lines(
        description_lines(a.description or ""), description_lines(b.description or "")
    )
    prompts = diff_text(prompt(a), prompt(b))
    changed_lines = changed_words = 0
    for row in (*rows(description), *rows(prompts)):
        if row.kind != EQUAL:
            changed_lines += 1
            changed_words += row.changed_words
    scores = similarity_scores(a, b)
    return Comparison(
        a=Side(a.name, a.path),
        b=Side(b.name, b.path),
        similarity=scores.total,
        scores=scores,
        fields=compare_fields(a, b),
        tools=compare_tools(a.tools, b.tools),
        description=description,
        prompt=prompts,
        changed_lines=changed_lines,
        changed_words=changed_words,
    )
