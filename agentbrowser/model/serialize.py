"""Records as JSON: raw text kept (JSON escapes it), dates, NaN and infinity made portable."""

from __future__ import annotations

import base64
import datetime
import math
from typing import Any

from agentbrowser.model.records import Agent


def jsonable(value: Any) -> Any:
    """A value json.dumps(allow_nan=False) accepts, keeping as much of the original as it can."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def agent_to_json(agent: Agent, full: bool = False) -> dict[str, Any]:
    """The JSON object for `list --json` (and, with full, `show --json`)."""
    data: dict[str, Any] = {
        "name": agent.name,
        "description": jsonable(agent.raw_description),
        "tools": list(agent.tools) if agent.tools is not None else None,
        "model": agent.model,
        "color": agent.color,
        "format": agent.format,
        "scope": agent.scope,
        "path": agent.path,
        "problems": [p.to_json() for p in agent.problems],
        "shadowed_by": agent.shadowed_by,
        "duplicates": list(agent.duplicates),
    }
    if full:
        data["frontmatter"] = jsonable(agent.frontmatter)
        data["prompt"] = agent.body
    return data
