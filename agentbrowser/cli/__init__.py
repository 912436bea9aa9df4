"""The command line: `agentbrowser` opens the browser; `agentbrowser COMMAND` runs one command.

`program` holds the parser, `build_app()` (the one factory for the browser) and most commands;
`compare` holds diff and similar (by text), `groups` holds groups and similar by role. Commands
ask the loading layer for records, the model for answers, `agentbrowser.render` for Rich output
and `agentbrowser.writing` for files they write. The names below are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentbrowser import lazy_names

if TYPE_CHECKING:
    from agentbrowser.cli.program import CliError, build_app, main, run

_WHERE = {"CliError": "program", "build_app": "program", "main": "program", "run": "program"}

__all__ = ["CliError", "build_app", "main", "run"]  # the names of _WHERE


__getattr__ = lazy_names(__name__, _WHERE)
