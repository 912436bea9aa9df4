"""The one way agentbrowser writes a file: whole or not at all, never half of one."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable

#: Permission bits of a new file before the umask, as `open()` and editors make it.
NEW_FILE_MODE = 0o666


class TargetExistsError(FileExistsError):
    """A file appeared where a new one was to be written: it is left as it is."""


def write_atomic(
    path: str,
    data: bytes,
    new_mode: int = NEW_FILE_MODE,
    folder_mode: int = 0o755,
    durable: bool = True,
    before_replace: Callable[[], None] | None = None,
    replace: bool = True,
    exact_mode: int | None = None,
    guard: bool = True,
) -> None:
    """Write `data` to `path` so that a reader sees the old content or the new, never a part.

    A temporary file in the same folder (made, with `folder_mode`, when missing) takes the data,
    then is renamed over the target. Its permission bits: a file it replaces keeps its own
    (read, write, execute for each class); a new file gets `new_mode` less the umask, as any
    program's new file does; `exact_mode`, when given, whatever was there (a private cache).
    `replace=False` never replaces anything: the file is linked into place, which fails with
    TargetExistsError when a file of that name exists by then (it may have appeared since the
    caller looked). `durable`: the data and the rename reach the disk before this returns (what
    a user's file wants; a cache does without). `before_replace` runs right before the rename
    and may raise to stop it (a check that the target did not change meanwhile). On any failure
    the temporary file is removed and the exception goes on; the target is untouched.

    `guard` (a user's file; not a cache of ours): a file it replaces must be one the user could
    write in place (see `replace_refusal`, else PermissionError), and the new file keeps its
    owner, group and extended attributes (else PermissionError, the target untouched).
    """
    folder = os.path.dirname(os.path.abspath(path))
    owner = _make_folders(folder, folder_mode)
    bits = new_mode if exact_mode is None else exact_mode
    keep: int | None = exact_mode
    there: os.stat_result | None = None
    if replace:
        try:
            there = os.lstat(path)
        except FileNotFoundError:
            pass
        else:
            if keep is None and stat.S_ISREG(there.st_mode):
                keep = stat.S_IMODE(there.st_mode) & 0o777
            why = replace_refusal(path, there) if guard else None
            if why is not None:
                raise PermissionError(errno.EPERM, why, path)
    # A short name of our own, not mkstemp's: `.<file name>.<random>.tmp` would not fit beside
    # a file whose name is near the 255-byte limit. O_EXCL: never an existing file or link.
    # The kernel applies the umask to `bits`. A kept mode is set exactly once the data and the
    # owner are in place; until then only this user may read the file (a private file's
    # content must never sit in a file others can open, however briefly).
    private = 0o600 if keep is not None else bits
    while True:
        temporary = os.path.join(folder, f".agentbrowser-{secrets.token_hex(6)}.tmp")
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, private)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if guard and there is not None and stat.S_ISREG(there.st_mode):
            _keep_owner(path, there, temporary)
        elif owner is not None:  # a new file (or a cache's): the folder's owner's, as its folders
            _give(temporary, owner)
        if keep is not None:
            os.chmod(temporary, keep)
        if before_replace is not None:
            before_replace()
        if replace:
            os.replace(temporary, path)
        else:
            _link_new(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    if durable:
        _sync_folder(folder)


def _make_folders(folder: str, mode: int) -> tuple[int, int] | None:
    """Make `folder` and those missing above it. Run as root in another user's tree (`sudo -E`
    with their HOME), what is made there is that user's: the owner and group of the nearest
    folder that was there, returned for the new file too (None: no one else's tree). Root's
    `~/.claude` or `~/.cache` locked its user out of their own folders."""
    missing = []
    probe = folder
    while not os.path.isdir(probe) and os.path.dirname(probe) != probe:
        missing.append(probe)
        probe = os.path.dirname(probe)
    os.makedirs(folder, mode=mode, exist_ok=True)
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    try:
        there = os.stat(probe)
    except OSError:
        return None
    if there.st_uid == 0:
        return None
    owner = (there.st_uid, there.st_gid)
    for made in missing:
        _give(made, owner)
    return owner


def _give(path: str, owner: tuple[int, int]) -> None:
    """Give what root made to `owner`, as far as the system lets it: in a user namespace (a
    rootless container), on vfat or a root-squashed share, root may not give files away, and
    the file stays as it was made rather than the write failing."""
    try:
        os.chown(path, *owner, follow_symlinks=False)
    except OSError:
        pass


def replace_refusal(path: str, there: os.stat_result) -> str | None:
    """Why the file at `path` (its `lstat`) may not be replaced by a new one, whatever writes
    it: None when it may. What the user could not change in place stays as it is: a read-only
    file, one they may not write, one of another user's (the new file would be theirs; only
    root can give it back, and does); a link or a file with other names is not one file."""
    if stat.S_ISLNK(there.st_mode):
        return "a symbolic link: neither it nor the file it points to is written"
    if not stat.S_ISREG(there.st_mode):
        return "not a regular file"
    links = other_links(there)
    if links is not None:
        return f"a file with {links}: a new file in its place would cut it from them"
    if not there.st_mode & stat.S_IWUSR:
        return "read-only: left as it is (make it writable first)"
    if not os.access(path, os.W_OK):
        return "you may not write to it: left as it is"
    if os.geteuid() == 0:  # root gives a new file the old one's owner and group
        return None
    if there.st_uid != os.geteuid():
        return (
            f"another user's file ({user_name(there.st_uid)}): a new file in its place would be "
            "yours, not theirs (left as it is)"
        )
    if not _group_kept(path, there.st_gid) and _group_loses(there):
        return (
            f"its group ({group_name(there.st_gid)}), which you are not in, has rights to it that "
            "a new file in its place would take away (left as it is)"
        )
    return None


def _group_kept(path: str, gid: int) -> bool:
    """True when a new file beside `path` can have group `gid`: the user's own groups, or the
    folder's when it hands its group to new files (setgid)."""
    if gid == os.getegid() or gid in os.getgroups():
        return True
    try:
        folder = os.stat(os.path.dirname(os.path.abspath(path)))
    except OSError:
        return False
    return bool(folder.st_mode & stat.S_ISGID) and folder.st_gid == gid


def _group_loses(there: os.stat_result) -> bool:
    """True when the file's group has rights that others lack, which another group would take
    away (root's group aside: root needs no group to reach a file)."""
    if there.st_gid == 0:
        return False
    bits = stat.S_IMODE(there.st_mode)
    return bool((bits >> 3) & 7 & ~bits)


def user_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"user {uid}"


def group_name(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return f"group {gid}"


def _keep_owner(path: str, there: os.stat_result, temporary: str) -> None:
    """The new file gets the old one's owner, group and extended attributes (ACLs, tags), or
    PermissionError: a rewrite must not give someone's file away or drop what is attached."""
    made = os.stat(temporary)
    if (made.st_uid, made.st_gid) != (there.st_uid, there.st_gid):
        try:
            os.chown(temporary, there.st_uid, there.st_gid)
        except OSError:
            if made.st_uid != there.st_uid or _group_loses(there):
                raise PermissionError(
                    errno.EPERM,
                    "its owner or group could not be kept (another user's or group's file): "
                    "left as it is",
                    path,
                ) from None
            # The user's own file in a group that gives nothing others lack: kept as theirs.
    _keep_attributes(path, temporary)


def _keep_attributes(path: str, temporary: str) -> None:
    """The old file's extended attributes on the new one, or PermissionError."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:  # a file system without extended attributes
        return
    for name in names:
        try:
            os.setxattr(temporary, name, os.getxattr(path, name, follow_symlinks=False))
        except OSError:
            if name.startswith("security."):  # a label the system gives new files itself
                continue
            raise PermissionError(
                errno.EPERM, f"its extended attribute {name} could not be kept: left as it is", path
            ) from None


def other_links(there: os.stat_result) -> str | None:
    """`1 other hard link`, `2 other hard links` for a file with other names, else None: a new
    file renamed into place would leave them with the old text, so neither install nor fix
    replaces it."""
    others = there.st_nlink - 1
    return f"{others} other hard link{'s' * (others > 1)}" if others > 0 else None


def _link_new(temporary: str, path: str) -> None:
    """Put the temporary file at `path` only if nothing is there: a hard link fails when the
    name exists (no window between a look and the write); then the temporary name goes. Where
    hard links are refused (file systems without them: EPERM, EOPNOTSUPP, EINVAL; SELinux:
    EACCES), a look just before the rename is the best there is."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise TargetExistsError(errno.EEXIST, "a file appeared there meanwhile", path) from None
    except OSError:
        if os.path.lexists(path):
            raise TargetExistsError(errno.EEXIST, "a file appeared there meanwhile", path) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def _sync_folder(folder: str) -> None:
    """The rename itself reaches the disk with the folder's entry."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_private_json(path: str, data: object) -> bool:
    """A cache file: compact ASCII JSON (escapes keep a file name that is not valid UTF-8),
    readable by the user alone, written atomically; False, with nothing left behind, when that
    fails. Not flushed to disk: a cache lost in a crash is made again."""
    import json

    try:
        text = json.dumps(data, separators=(",", ":")).encode("ascii")
        write_atomic(path, text, folder_mode=0o700, durable=False, exact_mode=0o600, guard=False)
    except (OSError, ValueError, TypeError):
        return False
    return True
