"""Frontmatter fields and tools of two agents, side by side: same, changed, only A, only B.

Pure: plain records in, frozen dataclasses out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agentbrowser.model.records import ALL_TOOLS_FORMATS, FRONTMATTER_FIELDS, Agent
from agentbrowser.model.security import danger_summary, hidden_summary
from agentbrowser.model.serialize import jsonable

#: The row of a comparison that lists each side's dangerous powers (security.danger_summary).
DANGERS = "dangers"
#: The row that lists what each side hides (security.hidden_summary): a field's cell is cut to
#: its width, and the hidden part of a long description would be cut away with the rest.
HIDDEN = "hidden"
SAME = "same"
CHANGED = "changed"
ONLY_A = "only_a"
ONLY_B = "only_b"


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One frontmatter key (or record attribute) on both sides.

    ``status`` is "same", "changed", "only_a" or "only_b"; a value is None on the side that lacks
    the key. Values are as YAML decoded them (use ``serialize.jsonable`` before ``json.dumps``).
    """

    field: str
    a: Any
    b: Any
    status: str

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object."""
        return {
            "field": self.field,
            "a": jsonable(self.a),
            "b": jsonable(self.b),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class ToolsDiff:
    """Tools compared as sets; each tuple keeps the order its side listed them in.

    A side that inherits every tool (no ``tools`` key) has its flag set: it is shown as "all tools
    (inherited)", the other side's tools count as shared (``both``) and neither side has tools of
    its own in ``only_a``/``only_b``.
    """

    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    both: tuple[str, ...]
    a_inherits: bool = False
    b_inherits: bool = False

    @property
    def same(self) -> bool:
        """True when both sides grant the same tools."""
        return not self.only_a and not self.only_b and self.a_inherits == self.b_inherits

    def to_json(self) -> dict[str, Any]:
        """The tools diff as a JSON object."""
        return {
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "both": list(self.both),
            "a_inherits": self.a_inherits,
            "b_inherits": self.b_inherits,
        }


# --------------------------------------------------------------------------------------------
# Fields and tools


def canonical(value: Any) -> str:
    """A comparable form of a YAML value: 1 and True differ, key order does not matter."""
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def compare_tools(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> ToolsDiff:
    """Tools as sets (order and repeats do not matter); None means every tool, inherited."""
    if a is None or b is None:
        # Inheriting every tool includes whatever the other side lists: those are shared.
        listed = a if a is not None else b
        return ToolsDiff((), (), tuple(_unique(listed or ())), a is None, b is None)
    ua, ub = _unique(a), _unique(b)
    set_a, set_b = set(ua), set(ub)
    return ToolsDiff(
        tuple(t for t in ua if t not in set_b),
        tuple(t for t in ub if t not in set_a),
        tuple(t for t in ua if t in set_b),
    )


def _tools_same(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return set(a) == set(b)


def compare_fields(a: Agent, b: Agent) -> tuple[FieldDiff, ...]:
    """Rows for the union of frontmatter keys (A's order, then B's new keys), then the record's
    attributes read from frontmatter keys (model, color, ...: when neither side has the key as
    written, and either side sets it), format and scope (named "format (record)" when the
    frontmatter has a key of that name).

    ``tools`` compares as a set and ``description`` as the text the record holds, so a reordered
    tools list is "same".
    """
    fa, fb = a.frontmatter or {}, b.frontmatter or {}
    keys = _unique([*map(str, fa), *map(str, fb)])
    by_str_a = {str(k): v for k, v in fa.items()}
    by_str_b = {str(k): v for k, v in fb.items()}
    out: list[FieldDiff] = []
    for key in keys:
        in_a, in_b = key in by_str_a, key in by_str_b
        va, vb = by_str_a.get(key), by_str_b.get(key)
        if key == "tools" and in_a != in_b and (a if in_b else b).format in ALL_TOOLS_FORMATS:
            # Without the key that side allows every tool: both have tools, they differ.
            status = SAME if _tools_same(a.tools, b.tools) else CHANGED
        elif in_a and not in_b:
            status = ONLY_A
        elif in_b and not in_a:
            status = ONLY_B
        elif key == "tools":
            status = SAME if _tools_same(a.tools, b.tools) else CHANGED
        elif key == "description":
            status = SAME if a.description == b.description else CHANGED
        else:
            status = SAME if canonical(va) == canonical(vb) else CHANGED
        out.append(FieldDiff(key, va, vb, status))
    read_keys = {
        spec.attr: {spec.keys.get(a.format), spec.keys.get(b.format)} for spec in FRONTMATTER_FIELDS
    }
    for attr in (*read_keys, "format", "scope"):
        va, vb = getattr(a, attr), getattr(b, attr)
        if attr in read_keys and (read_keys[attr] & set(keys) or va is vb is None):
            continue  # the frontmatter row already shows it as written, or neither has one
        if attr in keys:
            label = f"{attr} (record)"
        else:
            label = attr
        status = SAME if va == vb else (ONLY_A if vb is None else ONLY_B if va is None else CHANGED)
        out.append(FieldDiff(label, va, vb, status))
    # What either side may do that is dangerous, reason first: a hook's command or a server is
    # long, and a field's value is cut to one line.
    for row, summary in ((DANGERS, danger_summary), (HIDDEN, hidden_summary)):
        da, db = summary(a), summary(b)
        if da is not None or db is not None:
            status = (
                SAME if da == db else (ONLY_A if db is None else ONLY_B if da is None else CHANGED)
            )
            out.append(FieldDiff(row, da, db, status))
    return tuple(out)
