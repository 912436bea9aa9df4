"""agentbrowser: browse, search, compare and reuse AI agent definitions in the terminal."""

__version__ = "0.1.0"
