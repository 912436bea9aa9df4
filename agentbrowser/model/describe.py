"""Descriptions made readable: literal \\n as line breaks, <example> blocks as blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = re.compile(r"<(example|commentary)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
_UNCLOSED = re.compile(r"<(example|commentary)>", re.IGNORECASE)


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


def description_blocks(text: str) -> list[Block]:
    """Split a description into text, example and (nested) commentary blocks."""
    text = unescape_newlines(text)
    blocks: list[Block] = []
    position = 0
    for match in _BLOCK.finditer(text):
        before = _tidy(text[position : match.start()])
        if before:
            blocks.append(Block("text", before))
        kind = match.group(1).lower()
        inner = match.group(2)
        if kind == "example":
            blocks.append(_example(inner))
        else:
            blocks.append(Block("commentary", _tidy(inner)))
        position = match.end()
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


_SPEAKER = re.compile(r"[ \t]+(?=(?:Context|context|user|User|assistant|Assistant):[ \t])")


def _example(inner: str) -> Block:
    # One-line examples run "Context: ... user: '...' assistant: '...'": one speaker a line.
    inner = _SPEAKER.sub("\n", inner)
    children: list[Block] = []
    position = 0
    for match in _BLOCK.finditer(inner):
        before = _tidy(inner[position : match.start()])
        if before:
            children.append(Block("text", before))
        children.append(Block("commentary", _tidy(match.group(2))))
        position = match.end()
    rest = _tidy(inner[position:])
    if rest:
        children.append(Block("text", rest))
    return Block("example", _tidy(inner), tuple(children))
