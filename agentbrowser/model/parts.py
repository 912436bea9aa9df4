"""The parts of an agent a user copies: the prompt, the description, the whole file, name, path."""

from __future__ import annotations

from agentbrowser.model.records import Agent, prompt
from agentbrowser.model.text import read_text

PARTS = ("prompt", "description", "file", "name", "path")


class PartUnreadable(Exception):
    """The whole file was asked for and cannot be read (gone, unreadable, not text)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot read {path}: {reason}")
        self.path = path
        self.reason = reason


def part_text(agent: Agent, part: str) -> str:
    """The text of one part of an agent, as copied; the file is read for `file`."""
    if part == "prompt":
        return prompt(agent)
    if part == "description":
        return agent.description
    if part == "name":
        return agent.name
    if part == "path":
        return agent.path
    read = read_text(agent.path)
    if read.text is None:
        raise PartUnreadable(agent.path, read.problems[0].message)
    return read.text
