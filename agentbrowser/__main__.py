"""Run agentbrowser with ``python -m agentbrowser``."""

from agentbrowser.cli.program import run

run()
