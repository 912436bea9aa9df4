"""Run agentbrowser with ``python -m agentbrowser``."""

from agentbrowser.cli import run

run()
