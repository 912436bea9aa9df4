"""Records as JSON: raw text kept (JSON escapes it), dates, NaN and infinity made portable."""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
from typing import Any

import orjson

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
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\ud800-\udfff"
    # What hides text or changes its order on a screen (zero-width, bidi and format characters,
    # variation selectors, tag characters): escaped like the controls, so that a terminal or
    # a pager shows the JSON as what it is.
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f"
    "\ufeff\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a JSON escape is UTF-16: two of them
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text safe to print: strict (never a NaN token), readable non-ASCII, no raw control
    character.

    The encoders escape C0 controls themselves; the rest of _JSON_UNSAFE can only occur inside
    JSON strings, where a \\uXXXX escape is the same text to any JSON reader (and a surrogate
    escape gives back the str that os.fsencode turns into the file name's bytes).
    """
    if indent == 2:
        text = dumps_pretty(data)
    else:
        text = json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    if text.isascii():  # DEL is the only one that can be there: 1 ms, where the regex takes 45
        return text.replace("\x7f", "\\u007f")
    return _JSON_UNSAFE.sub(_escape, text)


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


#: What orjson leaves to the standard library: dataclasses, dates and subclasses of the JSON
#: types (json's own rules for them), integers beyond 64 bits, non-string keys, lone surrogates.
_ORJSON_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def dumps_pretty(value: Any) -> str:
    """JSON with a two-space indent, as ``json.dumps(value, indent=2, ensure_ascii=False)``
    writes it.

    With an indent, json uses its pure-Python encoder (a generator per value: ~0.1 s for the
    10,000 agents of `list --json`); orjson writes the same text in C (~0.015 s). Where they
    differ, the text still reads back as the same values: orjson writes a float's exponent
    without padding (``1e-7`` for ``1e-07``) and NaN or infinity as null. What orjson does not
    take (see `_ORJSON_OPTIONS`) goes to json itself, which raises on NaN or an unknown type.
    """
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


def value_line(value: Any, limit: int) -> str:
    """A frontmatter value on one sanitised line (lists and maps as compact JSON)."""
    from agentbrowser.model.text import one_line

    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(jsonable(value), ensure_ascii=False)
    return one_line(value, limit)
