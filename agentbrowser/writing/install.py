"""Install an agent where a tool reads it: plan the files, check for clashes, write atomically.

The pure parts (conversion, target paths, name rules) are in agentbrowser.model.convert; this
module does the I/O: it reads the source file and a skill's resources, looks at what is on
disk already, and writes. The CLI (`agentbrowser install`) and the browser's install dialog
both go plan -> check -> write through here.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from agentbrowser.model.convert import (
    FILE_NAMES,
    TARGET_FORMATS,
    InstallTarget,
    TargetError,
    convert,
    install_target,
    name_problem,
    safe_name,
)
from agentbrowser.model.discovery import SKIP_DIRS, outranking
from agentbrowser.model.problems import ERROR, INFO, Problem
from agentbrowser.model.records import Agent
from agentbrowser.model.text import read_text
from agentbrowser.writing.atomic import (
    NEW_FILE_MODE,
    TargetExistsError,
    group_name,
    replace_refusal,
    user_name,
    write_atomic,
)

#: What a planned file is, next to what is on disk.
NEW = "new"
SAME = "same"
CLASH = "clash"
#: A skill's resource files are copied up to this many, and this size each.
MAX_RESOURCES = 200
MAX_RESOURCE_BYTES = 5_000_000


class InstallError(Exception):
    """Installing cannot go on: the message says why, in the user's terms. `written`: the files
    written before it stopped (a skill's files are written one after another)."""

    def __init__(self, message: str, written: list[str] | None = None) -> None:
        super().__init__(message)
        self.written = written or []


@dataclass
class PlannedFile:
    """One file to write: where, what, and how it compares with the file there now."""

    path: str
    content: bytes
    status: str = NEW
    """NEW (nothing there), SAME (the same bytes are there) or CLASH (a different file is)."""
    mode: int = NEW_FILE_MODE
    """Its permission bits before the umask, when it is new (a skill's script keeps its own)."""
    seen: str = ""
    """The digest of the file there when the plan was made: only that file may be replaced."""
    own: bool = False
    """The file there is the agent's own source file: it is never written over itself."""


@dataclass
class Plan:
    """Everything an install will do, worked out before anything is written."""

    agent: Agent
    format: str
    scope: str
    name: str
    target: InstallTarget
    files: list[PlannedFile]
    warnings: list[str] = field(default_factory=list)
    """What the conversion could not carry over, and names that were changed."""
    findings: list[str] = field(default_factory=list)
    """What the file to be written hides or grants: an install asks before writing it."""

    @property
    def main(self) -> PlannedFile:
        """The agent's own file (a skill's SKILL.md); the others are a skill's resources."""
        return self.files[0]

    @property
    def clashes(self) -> list[PlannedFile]:
        """Files that would replace a different file."""
        return [f for f in self.files if f.status == CLASH]

    @property
    def unchanged(self) -> bool:
        """True when every file is there already with the same content."""
        return all(f.status == SAME for f in self.files)


def plan_install(
    agent: Agent,
    scope: str,
    to_format: str | None = None,
    name: str | None = None,
    cwd: str | None = None,
    home: str | None = None,
) -> Plan:
    """Work out the files an install writes, converted, with their status; writes nothing.

    `name` is used as given and refused when it would leave the target folder; without it the
    agent's own name is used, made safe for a file name (and a warning says so if it changed).
    """
    fmt = to_format or agent.format
    if fmt not in TARGET_FORMATS:
        raise InstallError(
            f"{agent.format} cannot be installed as it is: choose a format with --as "
            f"({', '.join(TARGET_FORMATS)})"
        )
    warnings: list[str] = []
    if name is None:
        name = safe_name(agent.name)
        if name != agent.name:
            warnings.append(f"the name {agent.name!r} is written as {name!r}, a usable file name")
    elif (problem := name_problem(name)) is not None:
        raise InstallError(f"{problem}: refused ({name!r})")
    cwd, home = cwd or os.getcwd(), home or os.path.expanduser("~")
    name = _without_ending(name, fmt, warnings)
    try:
        # A file there under exactly this name (decomposed, as macOS names files) is the one
        # meant: it keeps its name. Any other name is written in composed form.
        as_given = install_target(fmt, scope, name, cwd, home)
        if not os.path.lexists(as_given.path):
            name = _composed(name, warnings)
        target = install_target(fmt, scope, name, cwd, home)
    except TargetError as exc:
        raise InstallError(str(exc)) from exc
    _check_look_alike_file(target.folder, name)
    warnings.extend(check_folder(target, user_scope=scope == "user"))
    check_inside(target, target.path)
    read = read_text(agent.path)
    source_text = read.text if read.text is not None and not read.problems else None
    say_what_the_read_lost(read.problems, warnings)
    text, converted = convert(agent, fmt, name, source_text)
    warnings.extend(converted)
    files = [PlannedFile(target.path, text.encode("utf-8"))]
    if agent.format == "claude-skill":
        resources = _skill_resources(
            agent, os.path.dirname(target.path), warnings, whole=fmt == "claude-skill"
        )
        if fmt == "claude-skill":
            files.extend(resources)
            _say_files_left_there(os.path.dirname(target.path), files, warnings)
        elif resources:
            warnings.append(
                f"the skill's {len(resources)} other files (scripts, references) have no place "
                f"in a {fmt}: not copied"
            )
    for planned in files:
        check_inside(target, planned.path)
        if os.path.lexists(planned.path) and _same_file(planned.path, agent.path):
            planned.own, planned.status = True, SAME
            continue
        planned.status, planned.seen = _look(planned.path, planned.content)
    found = findings_of(text, target.path, fmt)
    for planned in files[1:]:  # a skill's other files go along: what they hide or do, too
        found.extend(
            _resource_findings(
                os.path.relpath(planned.path, os.path.dirname(target.path)), planned.content
            )
        )
    return Plan(agent, fmt, scope, name, target, files, warnings, found)


def say_shadowed(plan: Plan, agents: Sequence[Agent]) -> None:
    """Add to the plan's warnings that an agent of its name in a scope that takes precedence
    (the project's, for a user install) is the one the tool uses: the new file is shadowed."""
    winner = outranking(plan.format, plan.name, plan.scope, agents)
    if winner is not None:  # (in a scope above the plan's: never the file it writes)
        plan.warnings.append(
            f"a {winner.scope} agent named {plan.name!r} ({winner.path}) takes precedence: the "
            f"tool uses it, and the file installed here is shadowed until it goes"
        )


def say_what_the_read_lost(problems: Sequence[Problem], warnings: list[str]) -> None:
    """A copy holds what was read: a file not read (a FIFO, gone) or cut at the size read is
    refused (the copy would lose its end); bytes that are no UTF-8 (written as U+FFFD) and NUL
    bytes are said."""
    for problem in problems:
        where = f" (line {problem.line})" if problem.line else ""
        if problem.severity == ERROR:  # not read at all (a FIFO, gone, no permission)
            raise InstallError(f"the file cannot be copied: {problem.message}")
        if problem.message.startswith("file is "):
            raise InstallError(f"{problem.message}: a copy would lose the rest, refused")
        if problem.message.startswith("not valid UTF-8"):
            warnings.append(
                f"the file is not valid UTF-8{where}: the copy holds \ufffd where its "
                "undecodable bytes were"
            )
        elif problem.severity != INFO:
            warnings.append(f"the file{where}: {problem.message}")


#: Files of an installed skill named at most, when it holds files the source does not.
LEFT_NAMED = 5


def _say_files_left_there(folder: str, files: Sequence[PlannedFile], warnings: list[str]) -> None:
    """An installed skill that holds files the source no longer has (a script renamed since):
    they stay, and are named (a skill's folder is the user's; nothing there is deleted)."""
    if not os.path.isdir(folder):
        return
    planned = {os.path.normpath(f.path) for f in files}
    left: list[str] = []
    counted = True
    for root, dirs, names in os.walk(folder):
        # What the copy leaves out on purpose (hidden, a tool's, links) is not said again here.
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and not os.path.islink(os.path.join(root, d))
        )
        left.extend(
            os.path.relpath(os.path.join(root, name), folder)
            for name in sorted(names)
            if not name.startswith(".")
            and os.path.normpath(os.path.join(root, name)) not in planned
        )
        if len(left) > MAX_RESOURCES:
            counted = False
            break
    if left:
        more = len(left) - LEFT_NAMED
        shown = ", ".join(left[:LEFT_NAMED])
        if more > 0:
            shown += f" and {more} more" if counted else " and more"
        warnings.append(
            f"the installed skill holds files this one does not ({shown}): they stay as they are"
        )


#: File name endings a name given with them would get twice (`--name x.md`: x.md.md).
_SUFFIXES = (".agent.md", ".md", ".mdc")


def _composed(name: str, warnings: list[str]) -> str:
    """The name in Unicode's composed form (NFC: `Å` one character, not A and a ring, so that
    two spellings of one name are one file); what changed is said in `warnings`."""
    plain = unicodedata.normalize("NFC", name)
    if plain != name:
        warnings.append(
            f"the name {name!r} is written in composed form (NFC), as {plain!r}: "
            f"{_code_points(name, plain)}"
        )
    return plain


def _without_ending(name: str, fmt: str, warnings: list[str]) -> str:
    """The name without the file ending the format adds (`--name x.md`: x.md, not x.md.md);
    said in `warnings`. A skill's name is its folder's, kept as given."""
    ending = FILE_NAMES[fmt].rsplit("}", 1)[1]
    if ending.startswith("/"):
        return name
    for suffix in _SUFFIXES:
        if ending.endswith(suffix) and name.lower().endswith(suffix) and len(name) > len(suffix):
            warnings.append(
                f"the name {name!r} is written as {name[: -len(suffix)]!r}: "
                f"the file name adds {ending}"
            )
            return name[: -len(suffix)]
    return name


def _code_points(old: str, new: str) -> str:
    """The first change between two spellings that look alike, as code points (`U+0041
    U+030A become U+00C5`): a letter with its combining marks, and what composing makes of it."""
    start = len(os.path.commonprefix([old, new]))
    while 0 < start < len(old) and unicodedata.category(old[start])[0] == "M":
        start -= 1  # (the mark's letter is part of the change)
    end = min(start + 1, len(old))
    while end < len(old) and unicodedata.category(old[end])[0] == "M":
        end += 1
    before = old[start:end]
    after = unicodedata.normalize("NFC", before)

    def points(text: str) -> str:
        return " ".join(f"U+{ord(char):04X}" for char in text) or "nothing"

    verb = "become" if len(before) > 1 else "becomes"
    return f"{points(before)} {verb} {points(after)}"


def _check_look_alike_file(folder: str, name: str) -> None:
    """Refuse a name when the folder holds another that reads the same: the same letters in
    another Unicode form (`Å` as A and a ring, as some systems write file names)."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return  # no folder yet: nothing there to look like it
    for entry in entries:
        base = entry
        for suffix in _SUFFIXES:
            if base.endswith(suffix):
                base = base[: -len(suffix)]
                break
        if base != name and unicodedata.normalize("NFC", base) == unicodedata.normalize(
            "NFC", name
        ):
            raise InstallError(
                f"{entry!r} is there already, a name that reads as {name!r} written otherwise: "
                "refused (choose another name)"
            )


def findings_of(text: str, path: str, fmt: str) -> list[str]:
    """What the file to be written hides or grants (hidden text, hidden instructions, encoded
    payloads, dangerous powers, secrets): the text that goes in, as its owner will read it."""
    from agentbrowser.model.parse import parse_text
    from agentbrowser.model.security import dangers

    return [
        (f"line {p.line}: " if p.line else "") + p.message
        for p in dangers(parse_text(text, path, "path", fmt))
    ]


def _resource_findings(relative: str, content: bytes) -> list[str]:
    """What one of a skill's other files hides or does (see security.resource_findings), read
    as lint reads it; a binary file (an image, an archive) is not read."""
    from agentbrowser.model.security import resource_findings, resource_text

    text = resource_text(content)
    if text is None:
        return []
    return [
        f"{relative}" + (f" line {p.line}" if p.line else "") + f": {p.message}"
        for p in resource_findings(relative, text)
    ]


def _skill_resources(
    agent: Agent, folder: str, warnings: list[str], whole: bool = True
) -> list[PlannedFile]:
    """The other files of the source skill's folder (its scripts, references), to copy along.

    `whole`: they are to be copied, and a skill is copied whole or not at all: a folder of more
    than MAX_RESOURCES files (rarely a skill's own: a SKILL.md left in a folder of other things)
    or a file over MAX_RESOURCE_BYTES stops the install (InstallError)."""
    source = os.path.dirname(os.path.abspath(agent.path))
    main = os.path.basename(agent.path)
    found: list[PlannedFile] = []
    for root, dirs, files in os.walk(source):
        # What is hidden beside a SKILL.md (`.env`, `.cache/`) is rarely meant to travel with
        # it: named once each, and a hidden folder is not walked.
        walked = []
        for name in sorted(dirs):
            relative = os.path.relpath(os.path.join(root, name), source)
            if os.path.islink(os.path.join(root, name)):
                warnings.append(f"the skill's {relative}/ is a link to a folder: not copied")
            elif name.startswith("."):
                if name not in SKIP_DIRS:
                    warnings.append(f"the skill's {relative}/ is hidden (a dot folder): not copied")
            elif name in SKIP_DIRS:
                warnings.append(
                    f"the skill's {relative}/ is left behind (made by a tool, not part of a skill)"
                )
            else:
                walked.append(name)
        dirs[:] = walked
        for filename in sorted(files):
            path = os.path.join(root, filename)
            relative = os.path.relpath(path, source)
            if relative == main:
                continue
            if os.path.islink(path) or not os.path.isfile(path):
                warnings.append(f"the skill's {relative} is a link or not a file: not copied")
                continue
            if filename.startswith("."):
                warnings.append(f"the skill's {relative} is hidden (a dot file): not copied")
                continue
            if len(found) >= MAX_RESOURCES:
                if not whole:
                    return found
                raise InstallError(
                    f"the skill's folder {source} holds more than {MAX_RESOURCES} files: not "
                    "installed (a skill is copied whole; is this folder the skill's own?)"
                )
            if os.path.getsize(path) > MAX_RESOURCE_BYTES:
                if not whole:
                    continue
                raise InstallError(
                    f"the skill's {relative} is over {MAX_RESOURCE_BYTES:,} bytes: not installed "
                    "(a skill is copied whole or not at all)"
                )
            with open(path, "rb") as handle:
                mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode) & 0o777
                found.append(PlannedFile(os.path.join(folder, relative), handle.read(), mode=mode))
    return found


def check_folder(target: InstallTarget, user_scope: bool = False) -> list[str]:
    """Refuse a target folder that a symlink sends outside its base (project root or home);
    what the plan says of the links it follows (none, as a rule).

    The folder's real path must be the base's real path with the tool's folder below it: a
    `.claude/agents` linked to /etc, or to another project, is not where the user meant. In the
    user's own scope (`user_scope`) a link the user made is followed, as the tool follows it (a
    dotfiles `~/.claude`): every link on the way and every folder it leads through belong to the
    home's owner, and no other user may write in those folders. A project's links are never
    followed: a clone carries the links its authors made, owned by whoever cloned it.
    """
    folder = target.folder
    while len(folder) > len(target.base):  # `.claude` or `.claude/agents` a file: no folder
        if os.path.lexists(folder) and not os.path.isdir(folder):
            raise InstallError(f"{folder} is a file, not a folder: refused")
        folder = os.path.dirname(folder)
    real_base = os.path.realpath(target.base)
    relative = os.path.relpath(target.folder, target.base)
    expected = os.path.normpath(os.path.join(real_base, relative))
    # The deepest part of the folder that exists decides (the rest is created below it).
    existing = target.folder
    while not os.path.lexists(existing) and existing != target.base:
        existing = os.path.dirname(existing)
    real = os.path.realpath(existing)
    wanted = os.path.normpath(os.path.join(real_base, os.path.relpath(existing, target.base)))
    if real == wanted:
        return []
    links = _links_on_the_way(target.base, existing)
    link = links[0] if links else existing  # the part that is the link (`~/.claude`)
    why = _not_the_users_own(target.base, existing) if user_scope else None
    if user_scope and why is None:
        return [
            f"{path} is a symbolic link to {os.path.realpath(path)} (yours): the file is "
            "written there, where the tool reads it through the link"
            for path in links
        ]
    raise InstallError(
        f"{link} is a symbolic link (to {os.path.realpath(link)}): a file written below it "
        f"would land outside {expected}{f' ({why})' if why else ''}: refused"
    )


def _links_on_the_way(base: str, folder: str) -> list[str]:
    """The symbolic links among the folders from below `base` down to `folder`, outermost first."""
    links = []
    probe = base
    for part in os.path.relpath(folder, base).split(os.sep):
        probe = os.path.join(probe, part)
        if os.path.islink(probe):
            links.append(probe)
    return links


def _not_the_users_own(base: str, folder: str) -> str | None:
    """Why the way from `base` (a home) down to `folder` is not the home owner's own, or None.

    The way is followed as the system resolves it, one name at a time, every link's target
    too: each link on it is the owner's (or root's), and each folder it passes through is the
    owner's (or root's) and writable by no one else, unless only an entry's owner may rename it
    there (a sticky folder such as /tmp: the entry on the way is then checked as well). A link
    to an absolute path is walked from the root. Otherwise another user could send the file
    elsewhere."""
    try:
        owner = os.stat(base).st_uid
        trusted = (owner, 0)
        current = os.path.realpath(base)  # (the home itself is where the user's files are)
        pending = os.path.relpath(folder, base).split(os.sep)
        links = 0
        while pending:
            part = pending.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                current = os.path.dirname(current)
                continue
            probe = os.path.join(current, part)
            there = os.lstat(probe)
            if stat.S_ISLNK(there.st_mode):
                links += 1
                if links > 40:
                    return f"{probe}: too many links"
                if there.st_uid not in trusted:
                    return f"the link {probe} is not yours"
                target = os.readlink(probe)
                if os.path.isabs(target):  # walked from the root: every folder above it too
                    current = os.sep
                pending[:0] = target.split(os.sep)
                continue
            why = _not_trusted_folder(probe, there, trusted)
            if why is not None:
                return why
            current = probe
    except OSError as exc:
        return f"{exc.filename or folder}: {exc.strerror or exc}"
    return None


def _not_trusted_folder(
    path: str, there: os.stat_result, trusted: tuple[int, int]
) -> str | None:
    """Why a folder on the way is not safe to pass through, or None."""
    if not stat.S_ISDIR(there.st_mode):
        return f"{path} is not a folder"
    if there.st_uid not in trusted:
        return f"{path} is not yours"
    sticky = bool(there.st_mode & stat.S_ISVTX)
    if not sticky and (
        there.st_mode & stat.S_IWOTH
        or (there.st_mode & stat.S_IWGRP and not _private_group(there))
    ):
        return f"other users may write in {path}"
    return None


def _private_group(there: os.stat_result) -> bool:
    """True when a folder's group is its owner's own (a group named as the user, as systems
    that give each user a group of their own and a umask of 002 make them)."""
    return group_name(there.st_gid) == user_name(there.st_uid)


def check_inside(target: InstallTarget, path: str) -> None:
    """Refuse a file whose folder a symlink sends elsewhere: every folder from the tool's
    folder down to the file's own (a skill's folder, its `scripts/`) must be a real one."""
    folder = os.path.dirname(path)
    while folder != target.folder and len(folder) > len(target.folder):
        if os.path.islink(folder):
            real = os.path.realpath(folder)
            raise InstallError(f"{folder} is a symbolic link to {real}: refused")
        if os.path.lexists(folder) and not os.path.isdir(folder):
            raise InstallError(f"{folder} is not a folder: refused")
        folder = os.path.dirname(folder)


def _look(path: str, content: bytes) -> tuple[str, str]:
    """(status, digest of what is there) of a file to be written with `content`."""
    if not os.path.lexists(path):
        return NEW, ""
    if os.path.islink(path):
        raise InstallError(
            f"{path} is a symbolic link: refused (neither it nor its target is written)"
        )
    there_stat = os.stat(path)
    if not stat.S_ISREG(there_stat.st_mode):
        raise InstallError(f"{path} is not a regular file: refused")
    with open(path, "rb") as handle:
        there = handle.read()
    why = replace_refusal(path, os.lstat(path)) if there != content else None
    if why is not None:
        raise InstallError(f"{path}: {why}: refused")
    return (SAME if there == content else CLASH), hashlib.sha256(there).hexdigest()


def plan_file(path: str, content: bytes) -> PlannedFile:
    """One file to write at `path` (`convert -o`), looked at now: new, the same, or a clash."""
    planned = PlannedFile(path, content)
    planned.status, planned.seen = _look(path, content)
    return planned


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _still_planned(planned: PlannedFile) -> bool:
    """True when the planned file is to be written, False when the same bytes are there (or it
    is the agent's own file). A file that appeared where the plan saw none, or changed since
    the plan looked, is left as it is (InstallError): the user agreed to replace what they
    were shown, nothing else."""
    if planned.own:
        return False
    status, seen = _look(planned.path, planned.content)
    if status == SAME:
        return False
    if planned.status == NEW and status != NEW:
        raise InstallError(f"{planned.path} appeared since the plan was made: left as it is")
    if planned.status == SAME or seen != planned.seen:
        raise InstallError(f"{planned.path} changed since the plan was made: left as it is")
    return True


def _replaced_mode(planned: PlannedFile) -> int | None:
    """The mode of a file that replaces another: the other's, plus the execute bits the source
    has (a script stays runnable) for each class that may read it; None for a new file."""
    if planned.status != CLASH:
        return None
    there = stat.S_IMODE(os.lstat(planned.path).st_mode) & 0o777
    return there | (planned.mode & 0o111 & (there & 0o444) >> 2)


def write_planned(planned: PlannedFile) -> bool:
    """Write one planned file if what is there is still what the plan saw; True if written
    (see `_still_planned` for what is never replaced)."""
    if not _still_planned(planned):
        return False

    def unchanged() -> None:  # right before the rename
        if _look(planned.path, planned.content)[1] != planned.seen:
            raise InstallError(f"{planned.path} changed since the plan was made: left as it is")

    try:
        write_atomic(
            planned.path,
            planned.content,
            new_mode=planned.mode,
            before_replace=unchanged if planned.status == CLASH else None,
            replace=planned.status == CLASH,
            exact_mode=_replaced_mode(planned),
        )
    except TargetExistsError:
        raise InstallError(
            f"{planned.path} appeared since the plan was made: left as it is"
        ) from None
    return True


def write_plan(plan: Plan, force: bool = False) -> list[str]:
    """Write the plan's new and changed files atomically; the paths written, in order.

    Without `force`, a clash writes nothing at all (InstallError); files already holding the
    same content are left alone. A file that appeared or changed since the plan was made is
    never replaced: every file is looked at first, and then again as it is written. A skill is
    installed whole or not at all: its other files first, its SKILL.md last (a tool never finds
    a skill whose scripts are missing), and when one fails the files written before it are
    taken back (new ones removed, replaced ones given their old content, folders made for them
    removed). InstallError's `written`: the files it could not take back (none, as a rule).
    """
    if plan.clashes and not force:
        names = ", ".join(f.path for f in plan.clashes)
        raise InstallError(f"a different file is there already: {names} (--force replaces it)")
    check_folder(plan.target, user_scope=plan.scope == "user")
    for planned in plan.files:  # every file looked at before the first is written
        check_inside(plan.target, planned.path)
        _still_planned(planned)
    order = [*plan.files[1:], plan.main]
    made = _missing_folders(plan.target.base, [planned.path for planned in order])
    written: list[tuple[PlannedFile, tuple[bytes, int] | None]] = []
    for planned in order:
        try:
            old = _content(planned.path) if planned.status == CLASH else None
            if write_planned(planned):
                written.append((planned, old))
        except (InstallError, OSError) as exc:
            reason = (
                str(exc)
                if isinstance(exc, InstallError)
                else f"{planned.path}: {exc.strerror or exc}"
            )
            raise InstallError(reason, _take_back(written, made)) from None
        except BaseException:  # a signal or ^C: taken back all the same, then on its way
            _take_back(written, made)
            raise
    return [planned.path for planned, _ in written]


def _content(path: str) -> tuple[bytes, int]:
    """A file's bytes and permission bits, to put back as they were."""
    with open(path, "rb") as handle:
        return handle.read(), stat.S_IMODE(os.fstat(handle.fileno()).st_mode) & 0o777


def _missing_folders(base: str, paths: list[str]) -> list[str]:
    """The folders below `base` (the project or home folder) on the way to these files that do
    not exist yet, deepest first (`.claude` too): what an install that is taken back removes
    again, when they are empty."""
    missing: set[str] = set()
    for path in paths:
        folder = os.path.dirname(path)
        while len(folder) > len(base) and not os.path.lexists(folder):
            missing.add(folder)
            folder = os.path.dirname(folder)
    return sorted(missing, key=len, reverse=True)


def _take_back(
    written: list[tuple[PlannedFile, tuple[bytes, int] | None]], made: list[str]
) -> list[str]:
    """Undo the writes of an install that failed halfway, last first (a replaced file gets its
    bytes and its mode back); the paths it could not put back as they were."""
    left: list[str] = []
    for planned, old in reversed(written):
        try:
            if old is None:
                os.unlink(planned.path)
            else:
                write_atomic(planned.path, old[0], exact_mode=old[1])
        except OSError:
            left.append(planned.path)
    for folder in made:
        try:
            os.rmdir(folder)
        except OSError:
            pass  # not empty (a file of someone else's arrived) or gone: left as it is
    return list(reversed(left))
