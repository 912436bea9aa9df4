"""Reading bytes safely and making file text safe to display."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass

from agentbrowser.model.records import ERROR, WARNING, Problem

#: Files are read up to this many bytes; the rest is reported, not read.
SIZE_CAP = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileText:
    """The text of a file (or None when it could not be read) and what went wrong."""

    text: str | None
    problems: tuple[Problem, ...]
    size: int = 0
    mtime_ns: int = 0


def _looks_binary(data: bytes) -> bool:
    """Heuristic: NUL bytes plus a high share of non-text bytes in the first 8 KB."""
    head = data[:8192]
    if b"\x00" not in head:
        return False
    text_bytes = bytes(range(32, 127)) + b"\n\r\t\f\b"
    nontext = sum(1 for b in head if b not in text_bytes and b < 128)
    return nontext / max(len(head), 1) > 0.10


def decode(data: bytes) -> tuple[str, list[Problem]]:
    """Decode file bytes: UTF-8 (BOM allowed), else with replacement and a warning."""
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(WARNING, "not valid UTF-8: undecodable bytes shown as \ufffd", line)
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if "\x00" in text:
        problems.append(
            Problem(WARNING, "contains NUL bytes", text[: text.index("\x00")].count("\n") + 1)
        )
    return text, problems


def read_text(path: str, cap: int = SIZE_CAP) -> FileText:
    """Read a file without ever blocking on a FIFO or device, up to ``cap`` bytes."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return FileText(None, (Problem(ERROR, "broken symlink: its target does not exist"),))
        return FileText(None, (Problem(ERROR, "file not found (deleted?)"),))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileText(None, (Problem(ERROR, "symlink loop"),))
        return FileText(None, (Problem(ERROR, f"cannot read: {exc.strerror}"),))
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        if stat.S_ISDIR(st.st_mode):
            kind = "a folder"
        return FileText(None, (Problem(ERROR, f"skipped: {kind}, not read"),), 0, st.st_mtime_ns)
    try:
        # O_NONBLOCK: the file could have been swapped for a FIFO since the stat above.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        reason = "permission denied" if exc.errno == errno.EACCES else exc.strerror
        return FileText(None, (Problem(ERROR, f"cannot read: {reason}"),), st.st_size, st.st_mtime_ns)
    try:
        fst = os.fstat(fd)
        if not stat.S_ISREG(fst.st_mode):
            return FileText(None, (Problem(ERROR, "skipped: not a regular file, not read"),))
        chunks: list[bytes] = []
        remaining = cap + 1
        # Ask for the whole file (one byte more, to see growth) in one call: a regular file
        # returns less than asked only at its end, which saves the second, empty read.
        want = min(remaining, fst.st_size + 1, 1 << 20)
        while remaining > 0:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) < want:
                break
            want = min(remaining, 1 << 20)
        data = b"".join(chunks)
    except OSError as exc:
        return FileText(None, (Problem(ERROR, f"cannot read: {exc.strerror}"),), st.st_size, st.st_mtime_ns)
    finally:
        os.close(fd)
    problems: list[Problem] = []
    if len(data) > cap:
        data = data[:cap]
        problems.append(
            Problem(WARNING, f"file is {fst.st_size:,} bytes: only the first {cap:,} were read")
        )
    if _looks_binary(data):
        return FileText(None, (Problem(ERROR, "binary file, not shown"),), fst.st_size, fst.st_mtime_ns)
    text, decode_problems = decode(data)
    problems.extend(decode_problems)
    return FileText(text, tuple(problems), fst.st_size, fst.st_mtime_ns)


# C0 controls except tab and newline, DEL, and C1 controls (CSI 0x9b, OSC 0x9d, ...).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates, which can make text read differently than it is.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Lone surrogates: the stand-ins for the bytes of a file name that is not UTF-8. A terminal
# writer cannot encode them (Textual writes `\udce9`, six cells where one was laid out).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"


def sanitize(text: str) -> str:
    """Make file text safe for a terminal: controls become visible, newlines and tabs stay."""
    if not text:
        return text
    text = _CONTROL.sub(_visible, text)
    if _BIDI.search(text):
        text = _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(_surrogate, text)  # the byte it stands for, as \xe9
    return text


def one_line(text: str, limit: int = 200) -> str:
    """A sanitised single line: whitespace runs (and literal ``\\n``) collapse to one space."""
    text = text[: limit * 4].replace("\\n", " ")
    text = " ".join(text.split())
    return sanitize(text[:limit])


def approx_tokens(text: str) -> int:
    """A rough token count (about four characters a token), good enough to compare sizes."""
    return (len(text) + 3) // 4


def plural(count: int, noun: str) -> str:
    """``1 changed line``, ``3 changed lines``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# Where a name's words meet: the last of them usually tells variants apart.
_NAME_BREAK = re.compile(r"[-_ ./:]")


def middle_cut(text: str, width: int) -> tuple[int, int] | None:
    """How to show ``text`` in ``width`` characters: None when it fits, else how many
    characters to keep from the start and from the end around one ``…``.

    Variants share long prefixes (``backend-implementation-expert``, ``-engineer``): the end is
    kept, as its last word when that takes at most 60 % of the room, so they stay told apart.
    """
    if len(text) <= width:
        return None
    if width < 6:
        return max(width - 1, 0), 0
    room = width - 1
    breaks = [m.start() for m in _NAME_BREAK.finditer(text) if 0 < m.start() < len(text) - 1]
    tail = 0
    for start in reversed(breaks):
        if len(text) - start <= room * 0.6:
            tail = len(text) - start
        else:
            break
    if not tail:
        tail = room // 2
    return room - tail, tail


def shorten_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, cut in the middle when it must be (see
    ``middle_cut``)."""
    cut = middle_cut(text, width)
    if cut is None:
        return text
    head, tail = cut
    return text[:head] + "\u2026" + (text[len(text) - tail :] if tail else "")
