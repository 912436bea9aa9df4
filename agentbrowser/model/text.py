"""Reading bytes safely and making file text safe to display."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agentbrowser.model.problems import ERROR, WARNING, Problem

#: Files are read up to this many bytes; the rest is reported, not read.
SIZE_CAP = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileText:
    """The text of a file (or None when it could not be read) and what went wrong."""

    text: str | None
    problems: tuple[Problem, ...]
    size: int = 0
    mtime_ns: int = 0
    #: The file's lines end in CRLF (the text has them as LF): some owners read those otherwise.
    crlf: bool = False


def looks_binary(data: bytes) -> bool:
    """Heuristic: NUL bytes plus a high share of non-text bytes in the first 8 KB."""
    head = data[:8192]
    if b"\x00" not in head:
        return False
    text_bytes = bytes(range(32, 127)) + b"\n\r\t\f\b"
    nontext = sum(1 for b in head if b not in text_bytes and b < 128)
    return nontext / max(len(head), 1) > 0.10


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 when the bytes start with that encoding's byte-order mark."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    return None


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
        return FileText(
            None, (Problem(ERROR, f"cannot read: {reason}"),), st.st_size, st.st_mtime_ns
        )
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
        return FileText(
            None, (Problem(ERROR, f"cannot read: {exc.strerror}"),), st.st_size, st.st_mtime_ns
        )
    finally:
        os.close(fd)
    problems: list[Problem] = []
    if len(data) > cap:
        data = data[:cap]
        problems.append(
            Problem(WARNING, f"file is {fst.st_size:,} bytes: only the first {cap:,} were read")
        )
    if looks_binary(data):
        encoding = _wide_encoding(data)
        said = (
            f"{encoding} text, not UTF-8 (its byte-order mark says so): not shown; the tools "
            "read agent files as UTF-8 and find no frontmatter in it (save it as UTF-8)"
            if encoding
            else "binary file, not shown"
        )
        return FileText(None, (Problem(ERROR, said),), fst.st_size, fst.st_mtime_ns)
    text, decode_problems = decode(data)
    problems.extend(decode_problems)
    if b"\r" in data and data.count(b"\r") > 1 and b"\n" not in data.rstrip(b"\r\n"):
        problems.append(
            Problem(
                WARNING,
                "its lines end with a carriage return alone (as on classic Mac OS): read as one "
                "line, by agentbrowser and the tools, so no frontmatter is read in it (save it "
                "with line feeds)",
            )
        )
    # A one-byte test first: it runs at memchr speed, the two-byte search ~10x slower (~4 us
    # over a 3 KB file), and most files have no CR at all.
    crlf = b"\r" in data and b"\r\n" in data
    return FileText(text, tuple(problems), fst.st_size, fst.st_mtime_ns, crlf)


# C0 controls except tab and newline, DEL, and C1 controls (CSI 0x9b, OSC 0x9d, ...).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
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
    if not text.isascii():  # every invisible character is outside ASCII: most files stop here
        if _SURROGATE.search(text):
            # The byte it stands for, as \xe9: before the hidden characters are judged by what
            # stands next to them, so that sanitising safe text again changes nothing.
            text = _SURROGATE.sub(_surrogate, text)
        text = reveal_hidden(text)
    return text


# Characters that show as nothing: Unicode tags (which mirror ASCII), zero-width characters,
# bidirectional controls, variation selectors, other format characters (category Cf) and the
# Hangul fillers. Kept as one class so that a file without any costs one failed search.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e01ef]+"
)  # one astral range only: each more made the search ~2x slower on text with emoji
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Characters with real uses between letters of other scripts and in emoji: zero width space
#: (a break hint in Thai), the joiners (emoji sequences, Persian and Indic words), the marks of
#: direction (Hebrew, Arabic), the soft hyphen and the emoji presentation selectors. Only next
#: to ASCII text do they hide something.
_JOINERS = frozenset("\u200b\u200c\u200d\u200e\u200f\u061c\u00ad\ufe0e\ufe0f")
#: The only legitimate tag sequences: the flags of England, Scotland and Wales after U+1F3F4.
_FLAG_TAGS = frozenset(
    "".join(chr(0xE0000 + ord(c)) for c in code) + "\U000e007f"
    for code in ("gbeng", "gbsct", "gbwls")
)
_BLACK_FLAG = "\U0001f3f4"
_KEYCAP = "\u20e3"

#: Kinds of hidden run, as `hidden_runs` names them.
TAGS = "tags"
BIDI = "bidi"
SELECTORS = "selectors"
ZERO_WIDTH = "zero-width"
FORMAT = "format"


@dataclass(frozen=True, slots=True)
class HiddenRun:
    """A run of invisible characters that hides something: where, which kind, what it says.

    `decoded` is the ASCII text that tag characters (or the bytes variation selectors) spell,
    "" for the other kinds.
    """

    start: int
    end: int
    kind: str
    decoded: str = ""


def _is_visible_ascii(char: str) -> bool:
    return char.isascii() and not char.isspace() and char != ""


def _decode_tags(run: str) -> str:
    return "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)


def _decode_selectors(run: str) -> str:
    data = bytearray()
    for char in run:
        code = ord(char)
        if 0xFE00 <= code <= 0xFE0F:
            data.append(code - 0xFE00)
        elif 0xE0100 <= code <= 0xE01EF:
            data.append(code - 0xE0100 + 16)
    text = data.decode("utf-8", errors="replace")
    return text if text.isprintable() else ""


def _has_use_beside(char: str) -> bool:
    """A joiner beside this character may be doing its job: a letter or mark of a script
    other than ASCII's, or a symbol (emoji); not a blank, a dash, a quote or an ellipsis."""
    if not char or char.isascii():
        return False
    import unicodedata

    return unicodedata.category(char)[0] in "LMS"


def _classify(text: str, start: int, end: int) -> HiddenRun | None:
    """What the run text[start:end] hides, or None for a legitimate use."""
    run = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if any(0xE0000 <= ord(c) <= 0xE007F for c in run):
        if before == _BLACK_FLAG and run in _FLAG_TAGS:
            return None
        return HiddenRun(start, end, TAGS, _decode_tags(run))
    if not _BIDI_CONTROLS.isdisjoint(run):
        return HiddenRun(start, end, BIDI)
    if all(c in _JOINERS for c in run):
        if run[-1] in "\ufe0e\ufe0f" and after == _KEYCAP and len(run) == 1:
            return None  # a keycap: 1, #, * with an emoji presentation and U+20E3
        # Beside a letter of another script (Thai, Persian) or an emoji it has its use; beside
        # ASCII letters it splits a word, and between blanks or punctuation, or at a text's
        # edge, it hides.
        if (_has_use_beside(before) or _has_use_beside(after)) and not (
            _is_visible_ascii(before) or _is_visible_ascii(after)
        ):
            return None
        return HiddenRun(start, end, ZERO_WIDTH)
    if all(0xFE00 <= ord(c) <= 0xFE0F or 0xE0100 <= ord(c) <= 0xE01EF for c in run):
        if len(run) == 1 and before and not before.isascii():
            return None  # one selector after a CJK ideograph or a symbol: its real use
        return HiddenRun(start, end, SELECTORS, _decode_selectors(run))
    if run == "\ufeff" and start == 0:
        return None  # a byte-order mark at the start of the text
    if all(c in _JOINERS or c == "\u2060" or c == "\ufeff" for c in run):
        return HiddenRun(start, end, ZERO_WIDTH)
    return HiddenRun(start, end, FORMAT)


#: The hiding characters that str.isprintable accepts (combining marks, fillers, selectors).
_PRINTABLE_HIDERS = tuple(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)


def _may_hide(text: str) -> bool:
    """False when text surely holds no hiding character; a few C-speed passes instead of the
    regex, which costs ~20 ns a character on text with emoji (UCS-4)."""
    if text.isascii():
        return False
    # Every format character (Cf) is unprintable, and so are only blanks and controls besides.
    lines = text.replace("\n", "")
    if not (lines.replace("\t", "") if "\t" in lines else lines).isprintable():
        return True
    if any(char in text for char in _PRINTABLE_HIDERS):
        return True
    # Variation selectors U+E0100-E01EF are printable: their UTF-8 starts with F3, which no
    # other character in use does. Only a text with astral characters can hold them.
    astral = sys.getsizeof(text) >= 4 * len(text) + 40  # stored 4 bytes a character
    return astral and b"\xf3" in text.encode("utf-8", "surrogatepass")


def hidden_runs(text: str) -> list[HiddenRun]:
    """The runs of invisible characters in text that hide something, in order.

    Legitimate uses are left out: emoji joined by U+200D, the three flag tag sequences,
    joiners and marks of direction between letters of other scripts, a leading byte-order mark.
    """
    if not _may_hide(text):
        return []
    runs = []
    for match in _INVISIBLE.finditer(text):
        found = _classify(text, match.start(), match.end())
        if found is not None:
            runs.append(found)
    return runs


def reveal_hidden(text: str) -> str:
    """Text with its hidden characters made visible: `⟨U+200B⟩` for each invisible character,
    and the text that tag characters spell in `⟨hidden: ...⟩`. Legitimate uses are kept."""

    def shown(run: HiddenRun) -> str:
        if run.decoded:
            return f"\u27e8hidden: {_CONTROL.sub(_visible, run.decoded)}\u27e9"
        return "".join(f"\u27e8U+{ord(c):04X}\u27e9" for c in text[run.start : run.end])

    return _replace_runs(text, shown)


#: Control characters a terminal acts on (ESC starts its sequences, BEL ends some): tab, line
#: feed and carriage return are text.
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> tuple[str, int]:
    """Text without the control characters a terminal would act on when it is pasted there
    (an ESC sequence can set the clipboard or the window's title), and how many there were."""
    if text.isprintable() or not _TERMINAL_CONTROL.search(text):
        return text, 0
    return _TERMINAL_CONTROL.subn("", text)


def strip_hidden(text: str) -> str:
    """Text without the characters that hide something (legitimate uses kept)."""
    return _replace_runs(text, lambda run: "")


def _replace_runs(text: str, replacement: Callable[[HiddenRun], str]) -> str:
    """The text with each run of hidden characters replaced by replacement(run)."""
    runs = hidden_runs(text)
    if not runs:
        return text
    out = []
    position = 0
    for run in runs:
        out.append(text[position : run.start])
        out.append(replacement(run))
        position = run.end
    out.append(text[position:])
    return "".join(out)


def describe_hidden(text: str) -> str:
    """What the hidden characters in text are, in a few words ("" when there are none):
    `3 hidden characters, spelling “ignore…”`."""
    runs = hidden_runs(text)
    if not runs:
        return ""
    count = sum(run.end - run.start for run in runs)
    words = plural(count, "hidden character")
    spelled = " ".join(run.decoded for run in runs if run.decoded)
    if spelled:
        spelled = " ".join(spelled.split())
        cut = spelled[:80] + ("\u2026" if len(spelled) > 80 else "")
        words += f", spelling \u201c{cut}\u201d"
    return words


def inline(text: str) -> str:
    """Sanitised for one line of output: a newline (in a file name, or a YAML key quoted in a
    problem) shows as ␤ rather than splitting a line of `lint` or `similar` in two."""
    return sanitize(text).replace("\n", "\u2424")


def one_line(text: str, limit: int = 200, ellipsis: bool = False) -> str:
    """A sanitised single line: whitespace runs (and literal ``\\n``) collapse to one space.

    At most ``limit`` characters; with ``ellipsis``, a cut line ends in ``…`` (within them).
    """
    text = text[: limit * 4 + 1].replace("\\n", " ")
    text = " ".join(text.split())
    if ellipsis and len(text) > limit > 0:
        return sanitize(text[: limit - 1].rstrip()) + "\u2026"
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


def shorten_path(path: str, width: int) -> str:
    """A path in at most ``width`` characters: its file name whole and as much of its start as
    fits (``/home/me/pro…/code-reviewer.md``); cut in the middle when even the name does not
    fit."""
    if len(path) <= width:
        return path
    cut = max(path.rfind("/"), path.rfind(os.sep))
    tail = path[cut:] if cut > 0 else ""
    if tail and len(tail) + 2 <= width:
        return path[: width - len(tail) - 1] + "\u2026" + tail
    return shorten_middle(path, width)


def _word_prefix(texts: list[str]) -> int:
    """Length of the start every text shares, back to where a word ends (``backend-``)."""
    shared = os.path.commonprefix(texts)
    ends = [m.end() for m in _NAME_BREAK.finditer(shared)]
    return ends[-1] if ends else 0


def _word_suffix(texts: list[str]) -> int:
    """Length of the end every text shares, back to where a word starts (``-engineer``)."""
    shared = os.path.commonprefix([t[::-1] for t in texts])[::-1]
    starts = [m.start() for m in _NAME_BREAK.finditer(shared)]
    return len(shared) - starts[0] if starts else 0


def _without(name: str, start: int, end: int, width: int) -> str:
    """``name`` with its first ``start`` and last ``end`` characters shown as ``…``."""
    if start + end >= len(name):  # what differs is the name's start or end itself
        end = 0
    core = name[start : len(name) - end]
    room = width - (start > 0) - (end > 0)
    return "\u2026" * (start > 0) + shorten_middle(core, room) + "\u2026" * (end > 0)


def shorten_apart(names: list[str], width: int) -> list[str]:
    """Each name in at most ``width`` characters, told apart from the others where one cut in
    the middle shows two of them alike (``back…neer`` for ``backend-engineer`` and
    ``backend-implementation-engineer``): the words such names share at the start or the end
    then give way to an ``…`` first, so what differs stays (``…engineer``, ``…impl…eer``).

    Names that cannot be told apart in ``width`` stay cut in the middle.
    """
    shown = [shorten_middle(name, width) for name in names]
    for _ in range(2):
        holders: dict[str, set[str]] = {}
        for name, short in zip(names, shown):
            holders.setdefault(short, set()).add(name)
        clashes = [sorted(group) for group in holders.values() if len(group) > 1]
        if not clashes or width < 4:
            break
        for group in clashes:
            members = set(group)
            others = {s for name, s in zip(names, shown) if name not in members}
            start, end = _word_prefix(group), _word_suffix(group)
            trials = [(start, 0), (0, end), (start, end)] if start and end else [(start, end)]
            for trial in trials:
                tried = {name: _without(name, *trial, width) for name in group}
                made = set(tried.values())
                if len(made) == len(group) and not made & others:
                    shown = [tried.get(name, short) for name, short in zip(names, shown)]
                    break
    return shown


def distinct_names(
    named: list[tuple[str, str]], told_apart: Sequence[str] | None = None
) -> list[str]:
    """Each (name, path)'s name, told apart from the same name elsewhere in the list by the end
    of its path (`OpenCoder (eval-runner.md)`, `OpenCoder (core/opencoder.md)`): as few of the
    path's last parts as make the names differ; a name nobody else has stays as it is.
    `told_apart`: what a table shows beside each name already (its scope); names that it tells
    apart keep their name alone."""
    holders: dict[tuple[str, str], list[int]] = {}
    for index, (name, _) in enumerate(named):
        beside = told_apart[index] if told_apart is not None else ""
        holders.setdefault((name, beside), []).append(index)
    shown = [name for name, _ in named]
    for indexes in holders.values():
        if len(indexes) < 2:
            continue
        parts = [named[i][1].replace(os.sep, "/").split("/") for i in indexes]
        longest = max(len(p) for p in parts)
        for depth in range(1, longest + 1):
            tails = ["/".join(p[-depth:]) for p in parts]
            if len(set(tails)) == len(tails) or depth == longest:
                break
        for index, tail in zip(indexes, tails):
            shown[index] = f"{named[index][0]} ({tail})"
    return shown


#: Scripts whose letters pass for one another's (Latin a, Cyrillic а; o, ο).
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"})
#: Where a name's words meet for mixed_script_word: anything but a letter or a digit (each
#: word may be written in one script of its own).
_SCRIPT_WORD_BREAK = re.compile(r"[\W_]+")


#: Letters of other scripts that read as a Latin letter (Unicode's confusables, their clearest
#: cases): a word made of nothing else reads as a Latin word (`ехес` in Cyrillic is `exec`).
_READS_AS_LATIN = str.maketrans(
    {
        # Cyrillic
        "\u0430": "a", "\u0441": "c", "\u0501": "d", "\u0435": "e", "\u04bb": "h",
        "\u0456": "i", "\u0458": "j", "\u04cf": "l", "\u043e": "o", "\u0440": "p",
        "\u051b": "q", "\u0455": "s", "\u051d": "w", "\u0445": "x", "\u0443": "y",
        "\u04af": "y", "\u0410": "A", "\u0412": "B", "\u0421": "C", "\u0415": "E",
        "\u041d": "H", "\u0406": "I", "\u04c0": "I", "\u0408": "J", "\u041a": "K",
        "\u041c": "M", "\u041e": "O", "\u0420": "P", "\u051a": "Q", "\u0405": "S",
        "\u0422": "T", "\u051c": "W", "\u0425": "X", "\u0423": "Y", "\u04ae": "Y",
        # Greek
        "\u03b1": "a", "\u03f2": "c", "\u03b9": "i", "\u03f3": "j", "\u03bf": "o",
        "\u03c1": "p", "\u03c5": "u", "\u03bd": "v", "\u03c7": "x", "\u03b3": "y",
        "\u0391": "A", "\u0392": "B", "\u03f9": "C", "\u0395": "E", "\u0397": "H",
        "\u0399": "I", "\u037f": "J", "\u039a": "K", "\u039c": "M", "\u039d": "N",
        "\u039f": "O", "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
        "\u0396": "Z",
        # Armenian
        "\u0570": "h", "\u0578": "n", "\u0585": "o", "\u0566": "q", "\u057d": "u",
        "\u0581": "g", "\u0555": "O", "\u054d": "U", "\u054f": "S",
    }
)  # fmt: skip


def latin_lookalike_word(name: str) -> tuple[str, str, str] | None:
    """The first word of `name` (two letters or more) written wholly in letters of another
    script that read as Latin ones, with that script and what it reads as (`ехес`, `Cyrillic`,
    `exec`); None when there is none (`проверка` has letters no Latin one passes for)."""
    if name.isascii():
        return None
    import unicodedata

    for word in _SCRIPT_WORD_BREAK.split(name):
        letters = "".join(char for char in word if char.isalpha())
        if len(letters) < 2 or letters.isascii():
            continue
        reading = letters.translate(_READS_AS_LATIN)
        if reading.isascii():  # every letter read as a Latin one (digits left as they are)
            reading = word.translate(_READS_AS_LATIN)
            script = unicodedata.name(letters[0], "UNKNOWN").split(" ", 1)[0].title()
            return word, script, reading
    return None


def mixed_script_word(name: str) -> tuple[str, str] | None:
    """The first word of `name` whose letters come from two scripts that look alike (`bаckend`
    with a Cyrillic а) and those scripts (`Cyrillic and Latin`); None when every word keeps to
    one (a Cyrillic word beside a Latin one is fine)."""
    if name.isascii():
        return None
    import unicodedata

    for word in _SCRIPT_WORD_BREAK.split(name):
        scripts = {
            unicodedata.name(char, "UNKNOWN").split(" ", 1)[0] for char in word if char.isalpha()
        }
        mixed = scripts & _LOOKALIKE_SCRIPTS
        if len(mixed) > 1:
            return word, " and ".join(sorted(script.title() for script in mixed))
    return None
