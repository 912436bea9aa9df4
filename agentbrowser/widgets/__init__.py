"""Widgets of the browser: the agent list, the detail pane and the search box."""
