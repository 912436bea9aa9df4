"""Messages that workers post to the screens: small dataclasses, one event each."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from agentbrowser.loading.library import Library
from agentbrowser.model.records import Agent


@dataclass
class LoadProgress(Message):
    """Reading a collection: `done` of `total` files parsed so far."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        """Only the latest progress matters: a burst collapses to one update."""
        return isinstance(message, LoadProgress)


@dataclass
class LibraryLoaded(Message):
    """A collection was read (at start-up, or again after a reload)."""

    library: Library
    seconds: float


@dataclass
class LibraryChanged(Message):
    """Files changed on disk (or in the editor) and a new snapshot was read."""

    library: Library
    base_generation: int
    """The generation the change was computed from; a stale result is dropped."""


@dataclass
class LoadFailed(Message):
    """Reading the collection failed as a whole (a single bad file never does)."""

    error: str


@dataclass
class CopyRequested(Message):
    """A screen above the list asks for one part of an agent to be copied, as `c` does."""

    agent: Agent
    part: str
    label: str | None = None
    """How the agent is named in what the copy says (None: its name)."""


@dataclass
class InstallRequested(Message):
    """A screen above the list asks for an agent to be installed, as `i` does in the list."""

    agent: Agent
