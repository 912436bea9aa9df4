"""Compare two agents (fields, tools, line and word diffs of the texts); rank similar agents.

Pure: plain records in, frozen dataclasses out; widgets and the CLI render what this computes.

Speed matters here (see FIELD-NOTES "Diff"): difflib's ``ndiff`` takes minutes on two unrelated
100 KB texts, so lines are aligned with rapidfuzz's ``Indel.opcodes`` (an LCS in C, well under a
millisecond at 100 KB) and words are aligned only inside the line pairs that changed.

JSON form of a text diff (``hunks_to_json``), one object per hunk, hunks covering the whole text::

    {"tag": "equal" | "replace" | "delete" | "insert",
     "a_start": 0, "a_end": 3,   # 0-based, end-exclusive line indexes into A's text
     "b_start": 0, "b_end": 4,   # the same for B
     "rows": [{"kind": "equal" | "replace" | "delete" | "insert",
               "a_line": 1, "b_line": 1,           # 1-based; null on the side without a line
               "a_text": "...", "b_text": "...",   # null on the side without a line
               "a_spans": [[4, 9]],                # changed characters: [start, end) pairs
               "b_spans": [[4, 8]]}]}

Rows are a side-by-side alignment: a "replace" row pairs a line of A with the line of B it became,
and its spans say which words changed, so a view can highlight words rather than whole lines.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Indel

from agentbrowser.model.records import Agent
from agentbrowser.model.serialize import jsonable

EQUAL = "equal"
REPLACE = "replace"
DELETE = "delete"
INSERT = "insert"

SAME = "same"
CHANGED = "changed"
ONLY_A = "only_a"
ONLY_B = "only_b"

#: The largest float below 1.0: any difference keeps a score off an exact 1.0.
BELOW_ONE = math.nextafter(1.0, 0.0)

#: Weights of the similarity blend; they sum to 1.
WEIGHTS: dict[str, float] = {"prompt": 0.6, "description": 0.25, "tools": 0.1, "fields": 0.05}

#: Above this many word pairs, a changed block's words are compared as bags (order ignored).
BAG_CELLS = 4_000_000
#: Lines longer than this (on either side) are marked changed as a whole, not word by word.
WORD_DIFF_MAX_CHARS = 20_000
#: Line pairs sharing less than this share of words (0..1) are marked changed as a whole.
WORD_DIFF_MIN_SIMILARITY = 0.3
#: Replace blocks up to this many line pairs (len(a) * len(b)) are paired by similarity.
PAIRING_MAX_CELLS = 64
#: Two lines this similar (0..1, by characters) are shown as one changed line, not two.
PAIRING_MIN_SIMILARITY = 0.5

# Words, whitespace runs and single punctuation marks: the units of intra-line highlighting.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_NONSPACE = re.compile(r"\w+|[^\w\s]")
# Letters only (no digits or underscores), four or more: words that carry a topic.
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{4,}")
# Keys whose difference is already shown elsewhere (tools, description) or is identity (name).
_CONTENT_EXCLUDED = frozenset({"name", "description", "tools"})


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Side:
    """Which agent is A or B: enough to name it, find it, and label a diff."""

    name: str
    path: str

    def to_json(self) -> dict[str, str]:
        """The side as a JSON object."""
        return {"name": self.name, "path": self.path}


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One frontmatter key (or record attribute) on both sides.

    ``status`` is "same", "changed", "only_a" or "only_b"; a value is None on the side that lacks
    the key. Values are as YAML decoded them (use ``serialize.jsonable`` before ``json.dumps``).
    """

    field: str
    a: Any
    b: Any
    status: str

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object."""
        return {
            "field": self.field,
            "a": jsonable(self.a),
            "b": jsonable(self.b),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class ToolsDiff:
    """Tools compared as sets; each tuple keeps the order its side listed them in.

    A side that inherits every tool (no ``tools`` key) has its flag set: it is shown as "all tools
    (inherited)", the other side's tools count as shared (``both``) and neither side has tools of
    its own in ``only_a``/``only_b``.
    """

    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    both: tuple[str, ...]
    a_inherits: bool = False
    b_inherits: bool = False

    @property
    def same(self) -> bool:
        """True when both sides grant the same tools."""
        return not self.only_a and not self.only_b and self.a_inherits == self.b_inherits

    def to_json(self) -> dict[str, Any]:
        """The tools diff as a JSON object."""
        return {
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "both": list(self.both),
            "a_inherits": self.a_inherits,
            "b_inherits": self.b_inherits,
        }


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a side-by-side view.

    ``kind`` is "equal", "replace" (a line of A paired with the line of B it became), "delete"
    (only A has it) or "insert" (only B has it). Line numbers are 1-based within the compared text.
    ``a_spans``/``b_spans`` are the changed character ranges (start, end-exclusive) of each side:
    the changed words of a replace row, empty for equal rows, the whole line for delete/insert.
    """

    kind: str
    a_line_no: int | None
    b_line_no: int | None
    a_text: str | None
    b_text: str | None
    a_spans: tuple[tuple[int, int], ...] = ()
    b_spans: tuple[tuple[int, int], ...] = ()
    changed_words: int = 0
    """Words that differ in this row (for each changed run, the larger side's count)."""

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object (see the module docstring)."""
        return {
            "kind": self.kind,
            "a_line": self.a_line_no,
            "b_line": self.b_line_no,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "a_spans": [list(s) for s in self.a_spans],
            "b_spans": [list(s) for s in self.b_spans],
        }


@dataclass(frozen=True, slots=True)
class Hunk:
    """A run of lines with one tag; line ranges are 0-based and end-exclusive, like difflib's."""

    tag: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    rows: tuple[Row, ...]

    def to_json(self) -> dict[str, Any]:
        """The hunk as a JSON object (see the module docstring)."""
        return {
            "tag": self.tag,
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "rows": [row.to_json() for row in self.rows],
        }


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


# --------------------------------------------------------------------------------------------
# Splitting text


def split_lines(text: str) -> list[str]:
    """Lines of a text without their newlines; a final newline does not make an empty line."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def description_lines(text: str) -> list[str]:
    """Lines of a description: real newlines and literal ``\\n`` (common in one-line YAML) split."""
    return split_lines(text.replace("\\n", "\n")) if text else []


def _description_text(agent: Agent) -> str:
    return agent.description or ""


# --------------------------------------------------------------------------------------------
# Line and word alignment


def _blocks(a_lines: Sequence[str], b_lines: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Line opcodes with adjacent deletes and inserts merged into replace blocks."""
    if a_lines == b_lines:
        return [(EQUAL, 0, len(a_lines), 0, len(b_lines))] if a_lines else []
    # rapidfuzz hashes the elements of a list: lines are compared whole, in C.
    ops = Indel.opcodes(list(a_lines), list(b_lines))
    blocks: list[tuple[str, int, int, int, int]] = []
    pending: list[int] | None = None  # [a_start, a_end, b_start, b_end] of a run of changes
    for op in ops:
        if op.tag == EQUAL:
            if pending:
                blocks.append(_change_block(*pending))
                pending = None
            blocks.append((EQUAL, op.src_start, op.src_end, op.dest_start, op.dest_end))
        elif pending is None:
            pending = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            pending[1] = op.src_end
            pending[3] = op.dest_end
    if pending:
        blocks.append(_change_block(*pending))
    return blocks


def _change_block(a1: int, a2: int, b1: int, b2: int) -> tuple[str, int, int, int, int]:
    tag = REPLACE if a2 > a1 and b2 > b1 else (DELETE if a2 > a1 else INSERT)
    return (tag, a1, a2, b1, b2)


def _pairs(a_lines: Sequence[str], b_lines: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Align the lines of a replace block: (i, j) pairs, (i, None) deleted, (None, j) inserted.

    Small blocks are anchored on their most similar line pairs (so a line inserted before a changed
    one does not shift every pairing); the gaps between anchors are paired by position, as split
    views usually do. Big blocks are paired by position only: their cost must stay linear.
    """
    n, m = len(a_lines), len(b_lines)
    anchors: list[tuple[int, int]] = []
    if n != m and n * m <= PAIRING_MAX_CELLS:
        anchors = _anchors(a_lines, b_lines)
    out: list[tuple[int | None, int | None]] = []
    i = j = 0
    for ai, bj in [*anchors, (n, m)]:
        gap_a, gap_b = ai - i, bj - j
        common = min(gap_a, gap_b)
        out.extend((i + k, j + k) for k in range(common))
        out.extend((i + k, None) for k in range(common, gap_a))
        out.extend((None, j + k) for k in range(common, gap_b))
        if ai < n:
            out.append((ai, bj))
        i, j = ai + 1, bj + 1
    return out


def _anchors(a_lines: Sequence[str], b_lines: Sequence[str]) -> list[tuple[int, int]]:
    """The in-order line pairs with the highest total similarity (each at least the minimum)."""
    n, m = len(a_lines), len(b_lines)
    sim = [
        [Indel.normalized_similarity(a, b, score_cutoff=PAIRING_MIN_SIMILARITY) for b in b_lines]
        for a in a_lines
    ]
    # best[i][j]: best total for a_lines[i:] and b_lines[j:]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = sim[i][j] + best[i + 1][j + 1] if sim[i][j] else 0.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    anchors: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            anchors.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return anchors


def _merge_spans(spans: list[tuple[int, int]], text: str) -> tuple[tuple[int, int], ...]:
    """Join spans separated only by whitespace: "a b c" -> "x y z" is one change, not three."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (merged[-1][1] == start or text[merged[-1][1] : start].isspace()):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def word_spans(
    a: str, b: str
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...], int]:
    """The changed character ranges of two versions of a line, and how many words changed.

    Lines longer than ``WORD_DIFF_MAX_CHARS``, or of three words or more sharing less than
    ``WORD_DIFF_MIN_SIMILARITY`` of them, are marked changed as a whole.
    """
    if a == b:
        return (), (), 0
    if len(a) > WORD_DIFF_MAX_CHARS or len(b) > WORD_DIFF_MAX_CHARS:
        count = max(len(a.split()), len(b.split()))
        return ((0, len(a)),) if a else (), ((0, len(b)),) if b else (), count
    words_a, words_b = a.split(), b.split()
    if (
        min(len(words_a), len(words_b)) >= 3
        and Indel.normalized_similarity(words_a, words_b) < WORD_DIFF_MIN_SIMILARITY
    ):
        # Mostly rewritten: highlighting the few words that happen to match is noise.
        return _whole(a), _whole(b), max(_count(a), _count(b))
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    oa = [0, *accumulate(map(len, ta))]
    ob = [0, *accumulate(map(len, tb))]
    # Prefix counts of whitespace tokens: words in ta[i:j] = (j - i) - (sa[j] - sa[i]).
    sa = [0, *accumulate(map(str.isspace, ta))]
    sb = [0, *accumulate(map(str.isspace, tb))]
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    # Indel has no substitution: a changed word arrives as a delete next to an insert. Count each
    # run of adjacent changes once, as the larger side's words.
    words = run_a = run_b = 0
    for op in Indel.opcodes(ta, tb):
        i1, i2, j1, j2 = op.src_start, op.src_end, op.dest_start, op.dest_end
        if op.tag == EQUAL:
            words += max(run_a, run_b)
            run_a = run_b = 0
            continue
        if i2 > i1:
            spans_a.append((oa[i1], oa[i2]))
            run_a += i2 - i1 - sa[i2] + sa[i1]
        if j2 > j1:
            spans_b.append((ob[j1], ob[j2]))
            run_b += j2 - j1 - sb[j2] + sb[j1]
    words += max(run_a, run_b)
    return _merge_spans(spans_a, a), _merge_spans(spans_b, b), words


def _whole(text: str) -> tuple[tuple[int, int], ...]:
    return ((0, len(text)),) if text else ()


def diff_lines(a_lines: Sequence[str], b_lines: Sequence[str]) -> tuple[Hunk, ...]:
    """Align two lists of lines into hunks of side-by-side rows covering both texts entirely."""
    hunks: list[Hunk] = []
    for tag, a1, a2, b1, b2 in _blocks(a_lines, b_lines):
        rows: list[Row]
        if tag == EQUAL:
            rows = [
                Row(EQUAL, a1 + k + 1, b1 + k + 1, a_lines[a1 + k], b_lines[b1 + k])
                for k in range(a2 - a1)
            ]
        elif tag == DELETE:
            rows = [
                Row(
                    DELETE,
                    i + 1,
                    None,
                    a_lines[i],
                    None,
                    _whole(a_lines[i]),
                    (),
                    _count(a_lines[i]),
                )
                for i in range(a1, a2)
            ]
        elif tag == INSERT:
            rows = [
                Row(
                    INSERT,
                    None,
                    j + 1,
                    None,
                    b_lines[j],
                    (),
                    _whole(b_lines[j]),
                    _count(b_lines[j]),
                )
                for j in range(b1, b2)
            ]
        else:
            rows = []
            for i, j in _pairs(a_lines[a1:a2], b_lines[b1:b2]):
                if j is None and i is not None:
                    text = a_lines[a1 + i]
                    rows.append(
                        Row(DELETE, a1 + i + 1, None, text, None, _whole(text), (), _count(text))
                    )
                elif i is None and j is not None:
                    text = b_lines[b1 + j]
                    rows.append(
                        Row(INSERT, None, b1 + j + 1, None, text, (), _whole(text), _count(text))
                    )
                elif i is not None and j is not None:
                    a_text, b_text = a_lines[a1 + i], b_lines[b1 + j]
                    spans_a, spans_b, words = word_spans(a_text, b_text)
                    kind = EQUAL if a_text == b_text else REPLACE
                    rows.append(
                        Row(kind, a1 + i + 1, b1 + j + 1, a_text, b_text, spans_a, spans_b, words)
                    )
        hunks.append(Hunk(tag, a1, a2, b1, b2, tuple(rows)))
    return tuple(hunks)


def _count(line: str) -> int:
    """Words (and punctuation marks) in a line that is wholly added or removed."""
    return len(_NONSPACE.findall(line)) if len(line) <= WORD_DIFF_MAX_CHARS else len(line.split())


def diff_text(a: str, b: str) -> tuple[Hunk, ...]:
    """Hunks for two texts split on newlines."""
    return diff_lines(split_lines(a), split_lines(b))


def rows(hunks: Iterable[Hunk]) -> Iterator[Row]:
    """Every row of every hunk, in order: what a side-by-side view shows."""
    for hunk in hunks:
        yield from hunk.rows


def hunks_to_json(hunks: Iterable[Hunk]) -> list[dict[str, Any]]:
    """Hunks as JSON objects (the shape is in the module docstring)."""
    return [hunk.to_json() for hunk in hunks]


# --------------------------------------------------------------------------------------------
# Fields and tools


def _canonical(value: Any) -> str:
    """A comparable form of a YAML value: 1 and True differ, key order does not matter."""
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def compare_tools(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> ToolsDiff:
    """Tools as sets (order and repeats do not matter); None means every tool, inherited."""
    if a is None or b is None:
        # Inheriting every tool includes whatever the other side lists: those are shared.
        listed = a if a is not None else b
        return ToolsDiff((), (), tuple(_unique(listed or ())), a is None, b is None)
    ua, ub = _unique(a), _unique(b)
    set_a, set_b = set(ua), set(ub)
    return ToolsDiff(
        tuple(t for t in ua if t not in set_b),
        tuple(t for t in ub if t not in set_a),
        tuple(t for t in ua if t in set_b),
    )


def _tools_same(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return set(a) == set(b)


def compare_fields(a: Agent, b: Agent) -> tuple[FieldDiff, ...]:
    """Rows for the union of frontmatter keys (A's order, then B's new keys), then the record's
    model and color (when not already a key, and set on either side), format and scope (named
    "format (record)" when the frontmatter has a key of that name).

    ``tools`` compares as a set and ``description`` as the text the record holds, so a reordered
    tools list is "same".
    """
    fa, fb = a.frontmatter or {}, b.frontmatter or {}
    keys = _unique([*map(str, fa), *map(str, fb)])
    by_str_a = {str(k): v for k, v in fa.items()}
    by_str_b = {str(k): v for k, v in fb.items()}
    out: list[FieldDiff] = []
    for key in keys:
        in_a, in_b = key in by_str_a, key in by_str_b
        va, vb = by_str_a.get(key), by_str_b.get(key)
        if in_a and not in_b:
            status = ONLY_A
        elif in_b and not in_a:
            status = ONLY_B
        elif key == "tools":
            status = SAME if _tools_same(a.tools, b.tools) else CHANGED
        elif key == "description":
            status = SAME if a.description == b.description else CHANGED
        else:
            status = SAME if _canonical(va) == _canonical(vb) else CHANGED
        out.append(FieldDiff(key, va, vb, status))
    for attr in ("model", "color", "format", "scope"):
        va, vb = getattr(a, attr), getattr(b, attr)
        if attr in ("model", "color") and (attr in keys or va is vb is None):
            continue  # the frontmatter row already shows it as written, or neither has one
        if attr in keys:
            label = f"{attr} (record)"
        else:
            label = attr
        status = SAME if va == vb else (ONLY_A if vb is None else ONLY_B if va is None else CHANGED)
        out.append(FieldDiff(label, va, vb, status))
    return tuple(out)


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
    for tag, a1, a2, b1, b2 in _blocks(lines_a, lines_b):
        words_a = " ".join(lines_a[a1:a2]).split()
        if tag == EQUAL:
            matched += 2 * len(words_a)
            total += 2 * len(words_a)
            continue
        words_b = " ".join(lines_b[b1:b2]).split()
        total += len(words_a) + len(words_b)
        matched += _matched_words(words_a, words_b)
    return matched / total if total else 1.0


@lru_cache(maxsize=256)
def vocabulary(text: str) -> frozenset[str]:
    """The distinct words of four letters or more, lowercased: what a text is about."""
    return frozenset(word.lower() for word in _VOCABULARY_WORD.findall(text))


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
    same = sum(1 for k in keys if k in fa and k in fb and _canonical(fa[k]) == _canonical(fb[k]))
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
    return _description_text(agent).replace("\\n", "\n")


def similarity_scores(a: Agent, b: Agent) -> Scores:
    """The similarity blend of two agents with its parts.

    Prompt and description are compared word by word, tools by Jaccard, the other frontmatter
    keys by equality. The name does not count: a renamed copy scores 1.0.
    """
    return _blend(
        text_similarity(a.body or "", b.body or ""),
        text_similarity(_desc_for_words(a), _desc_for_words(b)),
        tools_similarity(a.tools, b.tools),
        fields_similarity(a, b),
    )


def similarity(a: Agent, b: Agent) -> float:
    """How alike two agents are, 0..1; exactly 1.0 when their content is identical."""
    return similarity_scores(a, b).total


# --------------------------------------------------------------------------------------------
# Compare


def compare(a: Agent, b: Agent) -> Comparison:
    """Compare two agents: fields, tools, and line/word diffs of description and prompt."""
    description = diff_lines(
        description_lines(_description_text(a)), description_lines(_description_text(b))
    )
    prompt = diff_text(a.body or "", b.body or "")
    changed_lines = changed_words = 0
    for row in (*rows(description), *rows(prompt)):
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
        prompt=prompt,
        changed_lines=changed_lines,
        changed_words=changed_words,
    )


# --------------------------------------------------------------------------------------------
# Unified diff


def _lines_of(hunks: Sequence[Hunk]) -> tuple[list[str], list[str]]:
    a_lines: list[str] = []
    b_lines: list[str] = []
    for row in rows(hunks):
        if row.a_text is not None:
            a_lines.append(row.a_text)
        if row.b_text is not None:
            b_lines.append(row.b_text)
    return a_lines, b_lines


def _grouped(hunks: Sequence[Hunk], context: int) -> Iterator[list[tuple[str, int, int, int, int]]]:
    """Opcodes grouped with ``context`` lines around changes (difflib's get_grouped_opcodes)."""
    codes = [(h.tag, h.a_start, h.a_end, h.b_start, h.b_end) for h in hunks]
    if not codes or all(c[0] == EQUAL for c in codes):
        return
    if codes[0][0] == EQUAL:
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == EQUAL:
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    group: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == EQUAL and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == EQUAL):
        yield group


def _range(start: int, stop: int) -> str:
    """A unified diff range ("start,length"), as difflib writes it."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def unified_hunks(hunks: Sequence[Hunk], label_a: str, label_b: str, context: int = 3) -> list[str]:
    """Unified diff lines (without newlines) for one text; empty when the texts are equal."""
    a_lines, b_lines = _lines_of(hunks)
    out: list[str] = []
    for group in _grouped(hunks, context):
        if not out:
            out += [f"--- {label_a}", f"+++ {label_b}"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == EQUAL:
                out.extend(" " + line for line in a_lines[i1:i2])
                continue
            out.extend("-" + line for line in a_lines[i1:i2])
            out.extend("+" + line for line in b_lines[j1:j2])
    return out


def unified(comparison: Comparison, context: int = 3) -> str:
    """A unified diff of description and prompt, as ``a/NAME/description``, ``b/NAME/prompt``...

    Raw file text (not sanitised); empty when both texts are equal.
    """
    out: list[str] = []
    for part in ("description", "prompt"):
        out += unified_hunks(
            getattr(comparison, part),
            f"a/{comparison.a.name}/{part}",
            f"b/{comparison.b.name}/{part}",
            context,
        )
    return "\n".join(out) + "\n" if out else ""


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
    description = _description_text(agent)
    body = agent.body or ""
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

    __slots__ = ("agents", "candidates", "_lines", "_heads")

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
