"""Applying frontmatter repairs to files: read, plan, show as a diff, write atomically.

The repair itself is pure (agentbrowser.model.repair); this module does the file side: a file
is read once, and written only if its size, mtime and content are still those read, through a
temporary file in the same folder and os.replace, so a reader never sees half a file.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
from dataclasses import dataclass

from agentbrowser.model.repair import Repair, repair_text
from agentbrowser.writing.atomic import replace_refusal, write_atomic

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FilePlan:
    """One file's repair as planned: what was read, and what would be written."""

    path: str
    repair: Repair | None
    #: Why the file cannot be planned or written (unreadable, not UTF-8, a symlink...).
    problem: str | None = None
    size: int = 0
    mtime_ns: int = 0
    digest: str = ""
    bom: bool = False
    old_text: str = ""
    blocked: str | None = None
    """Why the repaired file may not be written where it is (read-only, a link, another
    user's): the repair can still be shown, not applied."""

    @property
    def changes(self) -> bool:
        """The repair changes the file."""
        return self.repair is not None and self.repair.changed

    @property
    def refused(self) -> str | None:
        """Why a file that strict YAML rejects cannot be repaired, if so (see `blocked` for a
        repair that cannot be written)."""
        if self.problem is not None:
            return self.problem
        return self.repair.refused if self.repair is not None else None

    def describe(self, done: bool = True) -> str:
        """What the repair does (`done`) or would do, and for whom, in one line."""
        if self.repair is None or not self.repair.changed:
            return "nothing to change"
        keys = ", ".join(f"`{k}`" for k in self.repair.keys)
        owner = self.repair.owner or "the owning tool"
        who = (
            f"{owner} could not use it as written"
            if self.repair.owner_needed
            else f"for strict YAML readers only: {owner} reads it as written"
        )
        return f"{'rewrote' if done else 'would rewrite'} {keys} ({who})"


def plan(path: str, scope: str = "path", hint: str | None = None) -> FilePlan:
    """Read a file and work out its repair. Never raises for a bad file."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return FilePlan(path, None, "not a regular file")
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return FilePlan(path, None, f"cannot read: {exc.strerror}")
    bom = data.startswith(_BOM)
    try:
        text = data[len(_BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return FilePlan(path, None, "not valid UTF-8: not rewritten")
    digest = hashlib.sha256(data).hexdigest()
    repair = repair_text(text, path, scope, hint)
    why = _refusal(path) if repair.changed else None
    return FilePlan(path, repair, None, st.st_size, st.st_mtime_ns, digest, bom, text, why)


def _refusal(path: str) -> str | None:
    """Why a file may not be rewritten, whatever its repair: None when it may (the rule every
    command that replaces a file keeps: `atomic.replace_refusal`)."""
    try:
        there = os.lstat(path)
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if stat.S_ISLNK(there.st_mode):
        # Replacing the link with a file would cut it from its target, which may be elsewhere.
        return "a symbolic link: fix the file it points to"
    return replace_refusal(path, there)


def unified_diff(item: FilePlan, label: str | None = None) -> str:
    """The repair as a unified diff (empty when nothing changes)."""
    if not item.changes or item.repair is None:
        return ""
    name = label or item.path
    absolute = os.path.isabs(name)  # git's a/ and b/ go before relative paths only
    lines = difflib.unified_diff(
        item.old_text.splitlines(keepends=True),
        item.repair.text.splitlines(keepends=True),
        fromfile=quote_path(name if absolute else f"a/{name}"),
        tofile=quote_path(name if absolute else f"b/{name}"),
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


_ESCAPES = {"\n": "\\n", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def quote_path(name: str) -> str:
    """A file name as a diff header holds it: as it is, or in double quotes with C escapes (as
    git writes it) when it has a newline, a control character, a quote or a backslash, which
    would break the header or be read as part of it."""
    if name.isprintable() and '"' not in name and "\\" not in name:
        return name
    out = []
    for char in name:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not char.isprintable():  # its bytes in octal (a byte no UTF-8 holds: itself)
            data = os.fsencode(char) if 0xDC80 <= ord(char) <= 0xDCFF else char.encode()
            out.append("".join(f"\\{byte:03o}" for byte in data))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


class StaleFileError(Exception):
    """The file changed on disk since it was read: not written."""


def apply(item: FilePlan) -> None:
    """Write the repaired text over the file, atomically, if the file is still as it was read.

    Raises StaleFileError when it changed since `plan` read it, OSError when writing fails.
    """
    if not item.changes or item.repair is None:
        return
    if item.blocked is not None:
        raise StaleFileError(item.blocked)
    data = (_BOM if item.bom else b"") + item.repair.text.encode("utf-8")
    # The file keeps its mode; the check runs first (what changed while the diff was shown
    # says so) and again right before the rename: the window is as small as it gets.
    _check_unchanged(item)
    write_atomic(item.path, data, before_replace=lambda: _check_unchanged(item))


def _check_unchanged(item: FilePlan) -> None:
    try:
        st = os.stat(item.path)
        # A link made or a mode changed since (the browser asks before writing) changes no
        # size, mtime or content.
        why = _refusal(item.path)
        if why is not None:
            raise StaleFileError(why)
        if (st.st_size, st.st_mtime_ns) != (item.size, item.mtime_ns):
            raise StaleFileError("changed on disk since it was read: not written")
        with open(item.path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
    except FileNotFoundError:
        raise StaleFileError("deleted since it was read: not written") from None
    if digest != item.digest:
        raise StaleFileError("changed on disk since it was read: not written")
