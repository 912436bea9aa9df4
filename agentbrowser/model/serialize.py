"""Records as JSON: raw text kept (JSON escapes it), dates, NaN and infinity made portable."""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
from typing import Any

from agentbrowser.model.records import FRONTMATTER_FIELDS, Agent, with_body


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
    if indent == 2:
        text = dumps_pretty(data)
    else:
        text = json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    if text.isascii():  # DEL is the only one that can be there: 1 ms, where the regex takes 45
        return text.replace("\x7f", "\\u007f")
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def agent_to_json(agent: Agent, full: bool = False) -> dict[str, Any]:
    """The JSON object for `list --json` (and, with full, `show --json`)."""
    data: dict[str, Any] = {
        "name": agent.name,
        "description": jsonable(agent.raw_description),
        "tools": list(agent.tools) if agent.tools is not None else None,
        **{spec.attr: getattr(agent, spec.attr) for spec in FRONTMATTER_FIELDS},
        "format": agent.format,
        "scope": agent.scope,
        "path": agent.path,
        "problems": [p.to_json() for p in agent.problems],
        "shadowed_by": agent.shadowed_by,
        "duplicates": list(agent.duplicates),
    }
    if full:
        from agentbrowser.model.security import powers

        agent = with_body(agent)
        data["problems"] = [p.to_json() for p in agent.problems]
        data["resources"] = list(agent.resources)
        data["frontmatter"] = jsonable(agent.frontmatter)
        data["prompt"] = agent.body
        data["powers"] = [p.to_json() for p in powers(agent)]
    return data


try:  # the C string encoder json itself uses
    from _json import encode_basestring as _string  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - CPython always has _json
    from json.encoder import py_encode_basestring as _string

_MAX_PRETTY_DEPTH = 100


def dumps_pretty(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)`: the same text, faster.

    With an indent, json always uses its pure-Python encoder (a generator per value); this
    builds one list of pieces with the C string encoder (10,000 agents for `list --json`:
    0.14 s -> 0.09 s). Anything unusual (a non-string key,
    another type, deep nesting) is left to json itself, so the result never differs.
    """
    pieces: list[str] = []
    try:
        _pretty(value, pieces, "\n")
    except _Unusual:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
    return "".join(pieces)


class _Unusual(Exception):
    """A value dumps_pretty leaves to json.dumps."""


def _pretty(value: Any, out: list[str], newline: str) -> None:
    kind = value.__class__
    if kind is str:
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        if math.isnan(value) or math.isinf(value):
            raise _Unusual  # json raises its own ValueError for these
        out.append(float.__repr__(value))
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        if len(newline) > _MAX_PRETTY_DEPTH * 2:
            raise _Unusual
        inner = newline + "  "
        out.append("[")
        separator = "," + inner
        out.append(inner)
        for index, item in enumerate(value):
            if index:
                out.append(separator)
            if item.__class__ is str:  # the common case, without a call
                out.append(_string(item))
            else:
                _pretty(item, out, inner)
        out.append(newline + "]")
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        if len(newline) > _MAX_PRETTY_DEPTH * 2:
            raise _Unusual
        inner = newline + "  "
        out.append("{")
        lead = inner
        separator = "," + inner
        for key, item in value.items():
            if key.__class__ is not str:
                raise _Unusual  # json's key conversions (True -> "true", ...) stay json's
            out.append(lead + _string(key) + ": ")
            lead = separator
            if item.__class__ is str:
                out.append(_string(item))
            elif item is None:
                out.append("null")
            else:
                _pretty(item, out, inner)
        out.append(newline + "}")
    else:
        raise _Unusual


def value_line(value: Any, limit: int) -> str:
    """A frontmatter value on one sanitised line (lists and maps as compact JSON)."""
    from agentbrowser.model.text import one_line

    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(jsonable(value), ensure_ascii=False)
    return one_line(value, limit)
