"""The index cache: every file's record, kept between runs, keyed by path, size and mtime.

A warm start reads one JSON file and stats each agent file instead of reading and parsing it;
prompts are not stored (records have no body, and `records.with_body` reads it when asked).

Why JSON and not pickle or marshal: the cache lives in a user-writable folder and may be
foreign (another version, another tool, a truncated write, plain garbage). `json.loads` can only
ever build dicts, lists, strings and numbers, so a hostile file can make a wrong record at
worst, and every entry is type-checked before it becomes one. Unpickling runs code by design,
and marshal is documented as unsafe on untrusted data (crafted input can crash the interpreter)
while being only ~25 % faster here (23 ms against 31 ms for 10,000 records).

Why one file per collection: a warm start should read the entries it needs, not every file
ever browsed. The file is named by a digest of the collection's root; entries of files that are
gone are dropped at the next write. The file is written only when something changed, to a
temporary file in the cache folder and then `os.replace`d over the old one, so a reader never
sees half a file; there is no fsync: a write lost in a crash leaves an old or broken cache,
and a broken cache is detected and rebuilt.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Sequence
from typing import Any

from agentbrowser import __version__
from agentbrowser.model.discovery import Found
from agentbrowser.model.records import (
    FORMATS,
    FRONTMATTER_FIELDS,
    Agent,
    Problem,
    agent_from_values,
)

MAGIC = "agentbrowser-index"
#: Bump when the fixed part of the entry layout changes (the frontmatter fields at its end
#: change with records.py, which the parser stamp covers).
FORMAT = 3
#: Modules whose code shapes a record: an edited parser must not trust records it did not make.
_PARSER_MODULES = (
    "parse.py", "owners.py", "formats.py", "yamlsafe.py", "schema.py", "security.py", "text.py",
    "records.py",
)  # fmt: skip  (in the model's folder; this module's own code is stamped too)
#: An entry: [size, mtime_ns, hint, body offset, name, description (None: the raw one),
#: raw description (0: frontmatter's, else [value]), tools, format, frontmatter, problems as
#: [severity, message, line, rule], body line], then one value for each of the record's
#: FRONTMATTER_FIELDS (model, color, ...), in their order.
(SIZE, MTIME, HINT, OFFSET, NAME, DESCRIPTION, RAW_DESCRIPTION, TOOLS, FORMAT_ID, FRONTMATTER,
 PROBLEMS, BODY_LINE) = range(12)  # fmt: skip  (a loader needs NAME and FORMAT_ID for precedence)
_FIXED = 12
_ENTRY_LENGTH = _FIXED + len(FRONTMATTER_FIELDS)
_FIELD_CHECKS = tuple(spec.valid for spec in FRONTMATTER_FIELDS)
_FORMATS = frozenset(FORMATS)
_SEVERITIES = frozenset({"error", "warning", "info"})
_PLAIN = (str, int, float, bool, type(None))


def cache_dir() -> str:
    """The user cache folder (XDG_CACHE_HOME or ~/.cache on Linux), made on first write."""
    import platformdirs  # only when the cache is used

    return platformdirs.user_cache_dir("agentbrowser", appauthor=False)


def collection_key(found: Sequence[Found]) -> str:
    """What names a collection's cache file: the deepest folder holding all its files."""
    if not found:
        return ""
    paths = [item.path for item in found]
    # The common prefix of the smallest and largest path is the common prefix of them all.
    prefix = os.path.commonprefix([min(paths), max(paths)])
    root = prefix if prefix.endswith(os.sep) else os.path.dirname(prefix)
    scopes = sorted({item.scope for item in found})
    return root + "\0" + ",".join(scopes)


def index_path(key: str, folder: str | None = None) -> str:
    """The cache file of one collection."""
    import hashlib

    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return os.path.join(folder or cache_dir(), f"index-{digest}.json")


def parser_stamp() -> str:
    """The agentbrowser version plus the size and mtime of the parser's modules."""
    import agentbrowser.model

    model = os.path.dirname(os.path.abspath(agentbrowser.model.__file__))
    parts = [__version__]
    for path in [*(os.path.join(model, name) for name in _PARSER_MODULES), __file__]:
        try:
            st = os.stat(path)
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return " ".join(parts)


def read_index(path: str) -> dict[str, list[Any]]:
    """The entries of a cache file; {} when it is missing, foreign, stale or broken."""
    import json

    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError, RecursionError, MemoryError):
        return {}  # missing, unreadable, not UTF-8, not JSON (truncated, garbage)
    if not isinstance(data, dict):
        return {}
    if (
        data.get("magic") != MAGIC
        or data.get("format") != FORMAT
        or data.get("parser") != parser_stamp()
    ):
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_index(path: str, entries: dict[str, list[Any]]) -> bool:
    """Write a cache file atomically; False (and nothing left behind) when that fails."""
    from agentbrowser.writing.atomic import write_private_json

    data = {"magic": MAGIC, "format": FORMAT, "parser": parser_stamp(), "entries": entries}
    return write_private_json(path, data)


def _plain(value: Any, depth: int = 0) -> bool:
    """True when JSON gives the value back as it is (no dates, bytes or tuples; str keys)."""
    kind = value.__class__
    if kind is str:
        return True
    if kind is dict and depth == 0:  # a frontmatter: most values are strings
        return all(
            k.__class__ is str and (v.__class__ is str or _plain(v, 1)) for k, v in value.items()
        )
    if kind is list and all(v.__class__ is str for v in value):
        return True
    if isinstance(value, _PLAIN):
        return not isinstance(value, float) or not math.isnan(
            value
        )  # NaN != NaN after a round trip
    if depth > 80:
        return False
    if type(value) is list:
        return all(_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v, depth + 1) for k, v in value.items())
    return False


def encode(agent: Agent, hint: str | None, offset: int) -> list[Any] | None:
    """The cache entry of a freshly parsed record, or None when it cannot round-trip."""
    frontmatter = agent.frontmatter
    raw = agent.raw_description
    if ("description" in frontmatter and frontmatter["description"] is raw) or (
        raw is None and "description" not in frontmatter
    ):
        stored_raw: Any = 0
    else:
        stored_raw = [raw]
        if not _plain(raw):
            return None
    if not _plain(frontmatter):
        return None
    description = None if raw.__class__ is str and raw == agent.description else agent.description
    problems = [[p.severity, p.message, p.line, p.rule] for p in agent.problems]
    tools = list(agent.tools) if agent.tools is not None else None
    return [
        agent.size, agent.mtime_ns, hint, offset, agent.name, description, stored_raw, tools,
        agent.format, frontmatter, problems, agent.body_line,
        *[getattr(agent, spec.attr) for spec in FRONTMATTER_FIELDS],
    ]  # fmt: skip


def decode(entry: Any, item: Found, size: int, mtime_ns: int) -> Agent | None:
    """The record an entry holds, when it is valid and still describes the file; else None."""
    return build(entry, item) if valid(entry, item, size, mtime_ns) else None


def valid(entry: Any, item: Found, size: int, mtime_ns: int) -> bool:
    """True when the entry is well formed and still describes the file (size, mtime, hint)."""
    return fresh(entry, item, size, mtime_ns) and well_formed(entry)


def fresh(entry: Any, item: Found, size: int, mtime_ns: int) -> bool:
    """True when the entry has the entry's length, still describes the file (size, mtime,
    hint), and has a name and format: what a loader needs to pick it and work out precedence.

    The rest of `valid` (`well_formed`) can wait until the record is made: the browser's
    loader sends a warm 10,000 entries checked this far, and the browser checks each one as
    it makes its record (~2.5 µs an entry, off the loader's path to the first frame).
    """
    return (
        entry.__class__ is list
        and len(entry) == _ENTRY_LENGTH
        and entry[0] == size
        and entry[1] == mtime_ns
        and entry[0].__class__ is int
        and entry[1].__class__ is int
        and entry[2] == item.hint
        and entry[NAME].__class__ is str
        and entry[FORMAT_ID].__class__ is str
        and entry[FORMAT_ID] in _FORMATS
    )


def well_formed(entry: list[Any]) -> bool:
    """True when every field of an entry of the right length has the type its record needs."""
    try:
        (size, mtime_ns, _hint, offset, name, description, raw, tools, fmt, frontmatter,
         problems, body_line) = entry[:_FIXED]  # fmt: skip
        if not (
            frontmatter.__class__ is dict and name.__class__ is str and fmt in _FORMATS
            and size.__class__ is int and mtime_ns.__class__ is int
            and (description is None or description.__class__ is str)
            and (raw.__class__ is int and raw == 0 or raw.__class__ is list and len(raw) == 1)
            and all(valid(value) for valid, value in zip(_FIELD_CHECKS, entry[_FIXED:]))
            and offset.__class__ is int and offset >= 0 and body_line.__class__ is int
            and problems.__class__ is list
            and (tools is None or tools.__class__ is list)
        ):  # fmt: skip
            return False
        if tools:
            "".join(tools)  # TypeError unless every tool is a string
        for severity, message, line, rule in problems:
            if (
                severity not in _SEVERITIES
                or message.__class__ is not str
                or not (line is None or line.__class__ is int)
                or not (rule is None or rule.__class__ is str)
            ):
                return False
        if description is None:  # "the raw description", which must then be text
            resolved = frontmatter.get("description") if raw.__class__ is int else raw[0]  # type: ignore[index]
            if resolved.__class__ is not str:
                return False
    except (ValueError, TypeError, AttributeError):
        return False  # wrong shapes: an entry to read again, not a crash
    return True


def build(entry: list[Any], item: Found) -> Agent:
    """The record of a checked entry (or one this program just made)."""
    (size, mtime_ns, _, offset, name, description, raw, tools, fmt, frontmatter, problems,
     body_line) = entry[:_FIXED]  # fmt: skip
    raw = frontmatter.get("description") if raw == 0 else raw[0]
    return agent_from_values((
        name,
        raw if description is None else description,
        None if tools is None else tuple(tools),
        fmt,
        item.scope,
        item.path,
        frontmatter,
        None,  # the prompt: not kept; records.with_body reads it from the file when asked
        tuple([Problem(*p) for p in problems]) if problems else (),
        body_line,
        offset,
        raw,
        size,
        mtime_ns,
        None,  # shadowed_by and duplicates: resolve_precedence sets them
        (),
        item.resources,  # from discovery, as found this time: not kept in the entry
        *entry[_FIXED:],
    ))  # fmt: skip


def file_signature(path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file; None for anything the cache should not vouch for."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_size, st.st_mtime_ns
