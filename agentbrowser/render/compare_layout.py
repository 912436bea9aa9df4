"""Lay a Comparison out as lines for the diff view: split or unified, wrapped to a width.

This runs in a thread worker, so it touches no widget: rich Text in, lines of Segments out
(the view makes a Strip of a line only when it draws it: a Strip costs ~50 µs to build, and a
100 KB diff has thousands of lines).
The model computed what differs (rows aligned on unchanged text, changed-word spans); here each
row becomes one or more screen lines. In the split view both halves of a row get the same
height (the shorter side is padded with filler lines) so the two texts stay aligned however
their lines wrap.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from agentbrowser.memory import gc_paused
from agentbrowser.model.compare import (
    CHANGED,
    EQUAL,
    ONLY_A,
    ONLY_B,
    REPLACE,
    SAME,
    Comparison,
    FieldDiff,
    Hunk,
    Row,
    rows,
)
from agentbrowser.model.serialize import value_line
from agentbrowser.model.text import one_line, plural, sanitize

#: Cells left of everything: where the view marks the current change.
MARGIN = 1
#: The column between the two halves of the split view.
SEPARATOR = "\u2502"  # │
#: Tabs become this many spaces (before wrapping, so widths are known).
TAB = "    "
#: Field keys wider than this are cut in the field table.
KEY_WIDTH = 16
#: Cells of the status word at the right of a field row.
STATUS_WIDTH = 8
#: The layout thread lets the event loop run after this many lines (see ``_Builder.emit``).
YIELD_LINES = 64

STATUS_LABELS: dict[str, str] = {
    SAME: "same",
    CHANGED: "changed",
    ONLY_A: "only A",
    ONLY_B: "only B",
}


@dataclass(frozen=True)
class DiffStyles:
    """The rich styles of the view's parts, read from its component classes on the event loop.

    Backgrounds are already blended onto the view's background (Textual resolves the theme's
    ``$error 15%`` and so on), so a thread can use them as they are.
    """

    base: Style = field(default_factory=Style)
    muted: Style = field(default_factory=Style)
    heading: Style = field(default_factory=Style)
    key: Style = field(default_factory=Style)
    separator: Style = field(default_factory=Style)
    delete: Style = field(default_factory=Style)
    insert: Style = field(default_factory=Style)
    changed: Style = field(default_factory=Style)
    delete_word: Style = field(default_factory=Style)
    insert_word: Style = field(default_factory=Style)
    status: dict[str, Style] = field(default_factory=dict)


@dataclass(frozen=True)
class Columns:
    """Where the two halves of a split line are: x and width of each, margin included."""

    left_x: int
    left_width: int
    right_x: int
    right_width: int


def columns(width: int) -> Columns:
    """The halves of a split view ``width`` cells wide (the column header uses this too)."""
    usable = max(width - MARGIN, 3)
    left = (usable - 1) // 2
    return Columns(MARGIN, left, MARGIN + left + 1, usable - 1 - left)


@dataclass
class DiffDocument:
    """A laid-out comparison: every line of the view, and where the changes are."""

    lines: list[list[Segment]]
    """Every line, each exactly ``width`` cells, every segment fully styled."""
    changes: list[tuple[int, int]]
    """Line ranges [start, end) of each change (a run of changed rows), top to bottom."""
    width: int
    unified: bool
    seconds: float = 0.0
    """How long laying out took, in the thread."""

    @property
    def text(self) -> str:
        """The document as plain text (for tests)."""
        return "\n".join("".join(segment.text for segment in line).rstrip() for line in self.lines)


def value_text(value: Any) -> str:
    """A frontmatter value on one sanitised line (lists and maps as compact JSON)."""
    return value_line(value, 400)


def styled_line(text: str, spans: Sequence[tuple[int, int]], style: Style, word: Style) -> Text:
    """A line of file text with its changed spans in ``word``: sanitised piece by piece.

    Sanitising can lengthen a piece (a C1 control becomes ``\\x9b``), so the spans are applied
    to the raw text first and each piece is made safe on its own.
    """
    out = Text(style=style, no_wrap=False, end="")
    if len(spans) == 1 and spans[0] == (0, len(text)):
        spans = ()  # the whole line changed: the line's own tint says so, bold would only shout
    position = 0
    for start, end in spans:
        # Whitespace at a span's edges stays in the line's tint: only the words stand out.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start > position:
            out.append(_safe(text[position:start]))
        if end > start:
            out.append(_safe(text[start:end]), word)
        position = max(position, end)
    if position < len(text):
        out.append(_safe(text[position:]))
    return out


def _safe(piece: str) -> str:
    return sanitize(piece.replace("\t", TAB).replace("\r", ""))


class _Builder:
    """Accumulates lines and change ranges for one layout."""

    def __init__(self, width: int, styles: DiffStyles) -> None:
        self.width = width
        self.styles = styles
        self.letters = ("A", "B")
        """What the two sides are called."""
        self.cols = columns(width)
        self.console = Console(
            width=max(width, 1),
            color_system="truecolor",
            force_terminal=True,
            legacy_windows=False,
            markup=False,
            emoji=False,
            highlight=False,
        )
        self.lines: list[list[Segment]] = []
        self.changes: list[tuple[int, int]] = []
        self._change_start: int | None = None

    # -- changes ---------------------------------------------------------------------------

    def changed(self, is_change: bool) -> None:
        """Call before adding a row: opens or closes the current run of changed rows."""
        if is_change and self._change_start is None:
            self._change_start = len(self.lines)
        elif not is_change:
            self.close_change()

    def close_change(self) -> None:
        """End the current run of changed rows (at a section's end)."""
        if self._change_start is not None:
            if len(self.lines) > self._change_start:
                self.changes.append((self._change_start, len(self.lines)))
            self._change_start = None

    # -- pieces ----------------------------------------------------------------------------

    def render(self, text: Text) -> list[Segment]:
        """A one-line Text as fully styled segments: the view's base, the Text's style, its spans.

        (Text.render leaves the Text's own style out; the view never has to fill a gap.)
        """
        style = (
            self.styles.base + self.console.get_style(text.style)
            if text.style
            else self.styles.base
        )
        return list(Segment.apply_style(text.render(self.console), style))

    def wrap(self, text: Text, width: int, pad: Style) -> list[list[Segment]]:
        """Text wrapped (long words folded) to exactly ``width`` cells a line."""
        if width <= 0:
            return [[]]
        if text.cell_len <= width:  # most lines: no wrapping to do
            return [Segment.adjust_line_length(self.render(text), width, pad)]
        wrapped = text.wrap(self.console, width, overflow="fold")
        lines = [Segment.adjust_line_length(self.render(line), width, pad) for line in wrapped]
        return lines or [[Segment(" " * width, pad)]]

    def cell(self, gutter: str, text: Text, width: int, style: Style) -> list[list[Segment]]:
        """A gutter (line number) beside wrapped text; continuation lines get a blank gutter."""
        gutter_width = len(gutter)
        body = self.wrap(text, width - gutter_width - 1, style)
        number = style + self.styles.muted
        out = []
        for index, segments in enumerate(body):
            head = gutter if index == 0 else " " * gutter_width
            out.append([Segment(head, number), *segments, Segment(" ", style)])
        return out

    def emit(self, segments: list[Segment]) -> None:
        """Add one line (margin included by the caller's segments)."""
        base = self.styles.base
        if len(self.lines) % YIELD_LINES == 0:
            # Hand the GIL over now and then: a thread that keeps it for its whole switch
            # interval each time makes the event loop wait for every await (stalls of 30-60 ms
            # measured during a 100 KB layout; well under 10 ms with this).
            time.sleep(0)
        if not segments:
            self.lines.append([Segment(" " * self.width, base)])
        else:
            self.lines.append([Segment(" " * MARGIN, base), *segments])

    def emit_split(
        self,
        left: list[list[Segment]],
        right: list[list[Segment]],
        left_fill: Style,
        right_fill: Style,
    ) -> None:
        """Two cells side by side, the shorter padded with filler lines so the row stays aligned."""
        sep = Segment(SEPARATOR, self.styles.separator)
        blank_left = [Segment(" " * self.cols.left_width, left_fill)]
        blank_right = [Segment(" " * self.cols.right_width, right_fill)]
        for index in range(max(len(left), len(right), 1)):
            a = left[index] if index < len(left) else blank_left
            b = right[index] if index < len(right) else blank_right
            self.emit([*a, sep, *b])

    def blank(self) -> None:
        """An empty line."""
        self.emit([])

    def heading(self, title: str, note: str = "") -> None:
        """A section title with a muted note after it."""
        text = Text(end="")
        text.append(title, self.styles.heading)
        if note:
            text.append("  " + note, self.styles.muted)
        text.truncate(self.width - MARGIN, overflow="ellipsis", pad=True)
        self.emit(self.render(text))


# -- fields and tools ----------------------------------------------------------------------


def _status_label(status: str, letters: tuple[str, str]) -> str:
    """`same`, `changed`, `only A`: the sides called by their letters."""
    if status == ONLY_A:
        return f"only {letters[0]}"
    if status == ONLY_B:
        return f"only {letters[1]}"
    return STATUS_LABELS[status]


def _fields(builder: _Builder, comparison: Comparison) -> None:
    styles = builder.styles
    counts = {status: 0 for status in STATUS_LABELS}
    for row in comparison.fields:
        counts[row.status] += 1
    note = ", ".join(
        f"{n} {_status_label(s, builder.letters)}" for s, n in counts.items() if n
    )
    builder.heading("Fields", note)
    key_width = min(max((len(row.field) for row in comparison.fields), default=4), KEY_WIDTH)
    inherits = (comparison.tools.a_inherits, comparison.tools.b_inherits)
    for row in comparison.fields:
        builder.changed(row.status != SAME)
        # No tools key is no limit: say so where the other side lists its tools.
        absent = [
            "\u2014 every tool" if row.field == "tools" and side else "\u2014" for side in inherits
        ]
        # A side without the key shows what that means (a tools row stays "changed" then).
        missing = (
            row.status == ONLY_B or (row.field == "tools" and inherits[0] and row.a is None),
            row.status == ONLY_A or (row.field == "tools" and inherits[1] and row.b is None),
        )
        cells = _field_cells(builder, row, key_width, absent, missing)
        builder.emit_split(*cells, styles.base, styles.base)
    builder.close_change()


def _field_cells(
    builder: _Builder,
    row: FieldDiff,
    key_width: int,
    absent: list[str],
    missing: tuple[bool, bool],
) -> tuple[list[list[Segment]], list[list[Segment]]]:
    styles, cols = builder.styles, builder.cols
    left_style = {CHANGED: styles.changed, ONLY_A: styles.delete}.get(row.status, styles.base)
    right_style = {CHANGED: styles.changed, ONLY_B: styles.insert}.get(row.status, styles.base)
    key = one_line(row.field, key_width + 1)
    left = Text(style=left_style, end="")
    left.append(key[:key_width].ljust(key_width), left_style + styles.key)
    left.append(" ")
    left.append(
        absent[0] if missing[0] else value_text(row.a),
        left_style + styles.muted if missing[0] else left_style,
    )
    left.truncate(cols.left_width - 1, overflow="ellipsis", pad=True)
    left.append(" ")
    right = Text(style=right_style, end="")
    right.append(" ")
    right.append(
        absent[1] if missing[1] else value_text(row.b),
        right_style + styles.muted if missing[1] else right_style,
    )
    right.truncate(cols.right_width - STATUS_WIDTH - 1, overflow="ellipsis", pad=True)
    right.append(
        _status_label(row.status, builder.letters).rjust(STATUS_WIDTH),
        right_style + styles.status.get(row.status, Style()),
    )
    right.append(" ")
    return [builder.render(left)], [builder.render(right)]


def _tools(builder: _Builder, comparison: Comparison) -> None:
    styles, cols = builder.styles, builder.cols
    tools = comparison.tools
    builder.heading("Tools", "same" if tools.same else "")
    if tools.a_inherits and tools.b_inherits:  # neither has a tools key: nothing is only one's
        both = Text(style=styles.base, end="")
        both.append("both: ", styles.key)
        both.append("all tools (inherited)")
        for segments in builder.cell(" ", both, builder.width - MARGIN, styles.base):
            builder.emit(segments)
        return

    def side(label: str, own: Sequence[str], inherits: bool, tint: Style) -> tuple[Text, Style]:
        if inherits:
            body, style = "all tools (inherited)", tint if not tools.same else styles.base
        else:
            body, style = ", ".join(own) or "none", tint if own else styles.base
        text = Text(style=style, end="")
        text.append(f"{label} ({len(own)}): " if not inherits else f"{label}: ", style + styles.key)
        text.append(_safe(body))
        return text, style

    letter_a, letter_b = builder.letters
    left, left_style = side(f"only in {letter_a}", tools.only_a, tools.a_inherits, styles.delete)
    right, right_style = side(f"only in {letter_b}", tools.only_b, tools.b_inherits, styles.insert)
    builder.changed(not tools.same)
    builder.emit_split(
        builder.cell(" ", left, cols.left_width, left_style),
        builder.cell(" ", right, cols.right_width, right_style),
        left_style,
        right_style,
    )
    builder.close_change()
    both = Text(style=styles.base, end="")
    both.append(f"in both ({len(tools.both)}): ", styles.key)
    both.append(_safe(", ".join(tools.both) or "none"))
    for segments in builder.cell(" ", both, builder.width - MARGIN, styles.base):
        builder.emit(segments)


# -- texts ---------------------------------------------------------------------------------


def _digits(hunks: Sequence[Hunk]) -> int:
    last = max((max(h.a_end, h.b_end) for h in hunks), default=0)
    return max(len(str(last)), 2)


def _text_heading(builder: _Builder, title: str, hunks: Sequence[Hunk]) -> bool:
    """The section's title; False when there are no lines to show."""
    changed = sum(1 for row in rows(hunks) if row.kind != EQUAL)
    if not hunks:
        builder.heading(title, "empty on both sides")
        return False
    builder.heading(title, plural(changed, "changed line") if changed else "identical")
    return True


def _split_text(builder: _Builder, title: str, hunks: Sequence[Hunk]) -> None:
    if not _text_heading(builder, title, hunks):
        return
    styles, cols = builder.styles, builder.cols
    digits = _digits(hunks)
    for row in rows(hunks):
        builder.changed(row.kind != EQUAL)
        left_style = styles.delete if row.kind != EQUAL and row.a_text is not None else styles.base
        right_style = styles.insert if row.kind != EQUAL and row.b_text is not None else styles.base
        left: list[list[Segment]] = []
        right: list[list[Segment]] = []
        if row.a_text is not None:
            spans = row.a_spans if row.kind == REPLACE else ()
            text = styled_line(row.a_text, spans, left_style, styles.delete_word)
            left = builder.cell(f"{row.a_line_no:>{digits}} ", text, cols.left_width, left_style)
        if row.b_text is not None:
            spans = row.b_spans if row.kind == REPLACE else ()
            text = styled_line(row.b_text, spans, right_style, styles.insert_word)
            right = builder.cell(f"{row.b_line_no:>{digits}} ", text, cols.right_width, right_style)
        builder.emit_split(left, right, left_style, right_style)
    builder.close_change()


def _unified_text(builder: _Builder, title: str, hunks: Sequence[Hunk]) -> None:
    if not _text_heading(builder, title, hunks):
        return
    styles = builder.styles
    digits = _digits(hunks)
    width = builder.width - MARGIN
    blank = " " * digits

    def line(sign: str, a_no: int | None, b_no: int | None, text: Text, style: Style) -> None:
        a = f"{a_no:>{digits}}" if a_no is not None else blank
        b = f"{b_no:>{digits}}" if b_no is not None else blank
        for segments in builder.cell(f"{a} {b} {sign} ", text, width, style):
            builder.emit(segments)

    run: list[Row] = []

    def flush() -> None:
        if not run:
            return
        builder.changed(True)
        for row in run:
            if row.a_text is not None:
                spans = row.a_spans if row.kind == REPLACE else ()
                line(
                    "-",
                    row.a_line_no,
                    None,
                    styled_line(row.a_text, spans, styles.delete, styles.delete_word),
                    styles.delete,
                )
        for row in run:
            if row.b_text is not None:
                spans = row.b_spans if row.kind == REPLACE else ()
                line(
                    "+",
                    None,
                    row.b_line_no,
                    styled_line(row.b_text, spans, styles.insert, styles.insert_word),
                    styles.insert,
                )
        run.clear()

    for row in rows(hunks):
        if row.kind != EQUAL:
            run.append(row)
            continue
        flush()
        builder.changed(False)
        line(
            " ",
            row.a_line_no,
            row.b_line_no,
            styled_line(row.a_text or "", (), styles.base, styles.base),
            styles.base,
        )
    flush()
    builder.close_change()


def lay_out(
    comparison: Comparison,
    width: int,
    unified: bool,
    styles: DiffStyles,
    letters: tuple[str, str] = ("A", "B"),
) -> DiffDocument:
    """Every line of the compare view for ``width`` cells: fields, tools, description, prompt
    (the sides called by ``letters``: the N-way compare's, when opened from it)."""
    started = time.perf_counter()
    # ~100,000 new segments for a 100 KB diff would set off full collections of every object the
    # app holds, pausing the event loop too (~90 ms measured): collect after, not during.
    with gc_paused():
        return _lay_out(comparison, width, unified, styles, started, letters)


def _lay_out(
    comparison: Comparison,
    width: int,
    unified: bool,
    styles: DiffStyles,
    started: float,
    letters: tuple[str, str],
) -> DiffDocument:
    builder = _Builder(width, styles)
    builder.letters = letters
    _fields(builder, comparison)
    builder.blank()
    _tools(builder, comparison)
    text = _unified_text if unified else _split_text
    for title, hunks in (("Description", comparison.description), ("Prompt", comparison.prompt)):
        builder.blank()
        text(builder, title, hunks)
    builder.blank()
    return DiffDocument(
        builder.lines, builder.changes, width, unified, time.perf_counter() - started
    )


def message_document(width: int, message: str, style: Style) -> DiffDocument:
    """A one-line document ("Comparing…") shown while the comparison is computed."""
    line = Segment.adjust_line_length([Segment(" " * MARGIN + message, style)], width, style)
    return DiffDocument([line], [], width, False)
