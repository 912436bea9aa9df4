"""The pure model: parsing, formats, discovery, search and diff. No textual or rich here.

The names below are loaded on first use (PEP 562): `from agentbrowser.model import collection`
must not import the YAML parser, because the browser forks its loader before that.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentbrowser.model.collection import find, load, load_collection, sources
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
    "find": "collection",
    "load": "collection",
    "load_collection": "collection",
    "sources": "collection",
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

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"agentbrowser.model.{module}"), name)
