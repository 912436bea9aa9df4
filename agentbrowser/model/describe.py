"""Descriptions made readable: literal \\n as line breaks, <example> blocks as blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_UNCLOSED = re.compile(r"<(example|commentary)>", re.IGNORECASE)
_CLOSE = {kind: re.compile(f"</{kind}>", re.IGNORECASE) for kind in ("example", "commentary")}


@dataclass(frozen=True, slots=True)
class Block:
    """A part of a description: plain text, an example, or a commentary inside an example."""

    kind: str
    text: str
    children: tuple[Block, ...] = ()


def unescape_newlines(text: str) -> str:
    """Literal backslash-n (from one-line YAML descriptions) as real line breaks."""
    return text.replace("\\n", "\n")


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return "\n".join(lines).strip()


def _tagged(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, kind, inner) of each `<kind>inner</kind>`, as the regex
    `<(example|commentary)>(.*?)</\\1>` (DOTALL, IGNORECASE) would find them, in linear time.

    The regex scanned to the end of the text for every tag that is never closed: quadratic, so a
    144 KB description of `<example>` took 42 s. Here a kind with no closing tag after one point
    has none after any later point either, so the scan for it is done once.
    """
    position = 0
    unclosed: set[str] = set()
    while (opened := _UNCLOSED.search(text, position)) is not None:
        kind = opened.group(1).lower()
        closed = None if kind in unclosed else _CLOSE[kind].search(text, opened.end())
        if closed is None:
            unclosed.add(kind)
            position = opened.start() + 1
            continue
        yield opened.start(), closed.end(), kind, text[opened.end() : closed.start()]
        position = closed.end()


#: A list item's marker at the end of the text before an example (`Examples:\n- <example>`):
#: the example is shown as a block, so the marker would stand alone on its line.
_MARKER_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]*$")


def description_blocks(text: str) -> list[Block]:
    """Split a description into text, example and (nested) commentary blocks."""
    text = unescape_newlines(text)
    blocks: list[Block] = []
    position = 0
    for start, end, kind, inner in _tagged(text):
        before = text[position:start]
        if kind == "example":
            before = _MARKER_BEFORE.sub("", before.rstrip(" \t"))
        before = _tidy(before)
        if before:
            blocks.append(Block("text", before))
        if kind == "example":
            blocks.append(_example(inner))
        else:
            blocks.append(Block("commentary", _tidy(inner)))
        position = end
    rest = _tidy(text[position:])
    if rest:
        # An <example> opened but never closed: show it as a block all the same.
        opened = _UNCLOSED.search(rest)
        if opened and opened.group(1).lower() == "example":
            head = _tidy(rest[: opened.start()])
            if head:
                blocks.append(Block("text", head))
            blocks.append(_example(rest[opened.end() :]))
        else:
            blocks.append(Block("text", rest))
    return blocks


# The lookbehind starts a match only where a run of blanks starts: without it every position
# of a long run was tried, each retrying the rest of the run (quadratic: 40 KB of spaces, 17 s).
_SPEAKER = re.compile(
    r"(?<![ \t])[ \t]+(?=(?:Context|context|user|User|assistant|Assistant):[ \t])"
)


def _example(inner: str) -> Block:
    # One-line examples run "Context: ... user: '...' assistant: '...'": one speaker a line.
    inner = _SPEAKER.sub("\n", inner)
    children: list[Block] = []
    position = 0
    for start, end, _, content in _tagged(inner):
        before = _tidy(inner[position:start])
        if before:
            children.append(Block("text", before))
        children.append(Block("commentary", _tidy(content)))
        position = end
    rest = _tidy(inner[position:])
    if rest:
        children.append(Block("text", rest))
    return Block("example", _tidy(inner), tuple(children))
