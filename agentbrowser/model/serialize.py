"""Records as JSON: raw text kept (JSON escapes it), dates, NaN and infinity made portable."""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
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


# What json.dumps(ensure_ascii=False) leaves raw and a terminal must not get: DEL and the C1
# controls (0x9b is CSI), and lone surrogates, Python's stand-ins for the bytes of a file name
# that is not UTF-8 (written raw they become "?" and the path is lost).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text safe to print: strict (no NaN), readable non-ASCII, no raw control character.

    json.dumps escapes C0 controls itself; the rest of _JSON_UNSAFE can only occur inside JSON
    strings, where a \\uXXXX escape is the same text to any JSON reader (and a surrogate escape
    gives back the str that os.fsencode turns into the file name's bytes).
    """
    text = json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
