"""The one way agentbrowser writes a file: whole or not at all, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable


def write_atomic(
    path: str,
    data: bytes,
    mode: int = 0o644,
    folder_mode: int = 0o755,
    durable: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Write `data` to `path` so that a reader sees the old content or the new, never a part.

    A temporary file in the same folder (made, with `folder_mode`, when missing) takes the data
    and the file `mode`, then is renamed over the target. `durable`: the data and the rename
    reach the disk before this returns (what a user's file wants; a cache does without).
    `before_replace` runs right before the rename and may raise to stop it (a check that the
    target did not change meanwhile). On any failure the temporary file is removed and the
    exception goes on; the target is untouched.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, mode=folder_mode, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temporary, mode)  # mkstemp makes it 0600
        if before_replace is not None:
            before_replace()
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    if durable:
        _sync_folder(folder)


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
        write_atomic(path, text, mode=0o600, folder_mode=0o700, durable=False)
    except (OSError, ValueError, TypeError):
        return False
    return True
