"""The domain model: what an agent file is and what can be said about it. Pure Python.

Records and their problems, reading a file safely, YAML, formats and each format's schema, what
the owning tools do with a file, what a file hides or grants, discovery (which files a tool
reads), search, comparison, similarity and roles, conversion and repair (text in, text out).
No textual or rich, no forks, caches or garbage-collector control: how a collection reaches
memory fast lives in `agentbrowser.loading`.

The names below are loaded on first use (PEP 562), so that importing the package costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentbrowser import lazy_names

if TYPE_CHECKING:
    from agentbrowser.model.parse import parse_file, parse_text
    from agentbrowser.model.records import (
        ERROR,
        FORMATS,
        INFO,
        SCOPES,
        WARNING,
        Agent,
        Problem,
    )

_WHERE = {
    "parse_file": "parse",
    "parse_text": "parse",
    "ERROR": "records",
    "FORMATS": "records",
    "INFO": "records",
    "SCOPES": "records",
    "WARNING": "records",
    "Agent": "records",
    "Problem": "records",
}

__all__ = [  # the names of _WHERE
    "ERROR",
    "FORMATS",
    "INFO",
    "SCOPES",
    "WARNING",
    "Agent",
    "Problem",
    "parse_file",
    "parse_text",
]


__getattr__ = lazy_names(__name__, _WHERE)
