"""Run agentbrowser with ``python -m agentbrowser``."""

from agentbrowser.cli import main

raise SystemExit(main())
