"""The pure model: parsing, formats, discovery, search and diff. No textual or rich here."""

from agentbrowser.model.collection import find, load, load_collection, sources
from agentbrowser.model.parse import parse_file, parse_text
from agentbrowser.model.records import ERROR, FORMATS, INFO, SCOPES, WARNING, Agent, Problem

__all__ = [
    "ERROR",
    "FORMATS",
    "INFO",
    "SCOPES",
    "WARNING",
    "Agent",
    "Problem",
    "find",
    "load",
    "load_collection",
    "parse_file",
    "parse_text",
    "sources",
]
