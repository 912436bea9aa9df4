"""Line and word diffs of two texts: aligned side-by-side rows, hunks, unified text.

Pure: strings in, frozen dataclasses out; the compare screen and the CLI render what this computes.

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

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Indel

if TYPE_CHECKING:
    from agentbrowser.model.compare import Comparison

EQUAL = "equal"
REPLACE = "replace"
DELETE = "delete"
INSERT = "insert"

#: Lines longer than this (on either side) are marked changed as a whole, not word by word.
WORD_DIFF_MAX_CHARS = 20_000
#: Line pairs sharing less than this share of words (0..1) are marked changed as a whole.
WORD_DIFF_MIN_SIMILARITY = 0.3
#: Replace blocks up to this many line pairs (len(a) * len(b)) are paired by similarity.
PAIRING_MAX_CELLS = 64
#: ... each line compared by this many of its characters (its opening and its end).
PAIRING_MAX_CHARS = 2_000
#: Two lines this similar (0..1, by characters) are shown as one changed line, not two.
PAIRING_MIN_SIMILARITY = 0.5

# Words, whitespace runs and single punctuation marks: the units of intra-line highlighting.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_NONSPACE = re.compile(r"\w+|[^\w\s]")


# --------------------------------------------------------------------------------------------
# Records


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


# --------------------------------------------------------------------------------------------
# Line and word alignment


def line_blocks(
    a_lines: Sequence[str], b_lines: Sequence[str]
) -> list[tuple[str, int, int, int, int]]:
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


def _ends(line: str) -> str:
    """A line, or the first and last PAIRING_MAX_CHARS / 2 characters of a longer one."""
    if len(line) <= PAIRING_MAX_CHARS:
        return line
    half = PAIRING_MAX_CHARS // 2
    return line[:half] + line[-half:]


def _anchors(a_lines: Sequence[str], b_lines: Sequence[str]) -> list[tuple[int, int]]:
    """The in-order line pairs with the highest total similarity (each at least the minimum)."""
    n, m = len(a_lines), len(b_lines)
    # A long line by its opening and its end: the similarity of two lines costs the product of
    # their lengths (two different 1 MB lines took 30 s); lines that share a preamble differ
    # at their ends.
    a_lines = [_ends(line) for line in a_lines]
    b_lines = [_ends(line) for line in b_lines]
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
    for tag, a1, a2, b1, b2 in line_blocks(a_lines, b_lines):
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
