"""The command line: `agentbrowser` opens the browser; `agentbrowser COMMAND` runs one command.

`program` holds the parser, `build_app()` (the one factory for the browser) and most commands;
`compare` holds diff and similar (by text), `groups` holds groups and similar by role. Commands
ask the loading layer for records, the model for answers, `agentbrowser.render` for Rich output
and `agentbrowser.writing` for files they write. The names below are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentbrowser.cli.program import CliError, build_app, main, run

_WHERE = {"CliError": "program", "build_app": "program", "main": "program", "run": "program"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"agentbrowser.cli.{module}"), name)
