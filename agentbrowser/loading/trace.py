"""Where start-up time goes: timestamped marks written to a file, for the benchmark.

Off unless AGENTBROWSER_TRACE names a file: then `mark(event)` appends one line
`milliseconds pid cpu-milliseconds event` to it, the milliseconds counted from AGENTBROWSER_TRACE_T0 (seconds
since the epoch, as `time.time()` gives them; the benchmark sets it just before it starts the
program) or else from this module's import, and then the CPU time this process has used. Parent and forked children write to the same file,
each line in one `write` call. Pure Python, imported by the CLI before anything else.
"""

from __future__ import annotations

import os
import time

_PATH = os.environ.get("AGENTBROWSER_TRACE") or None
_T0: float = time.time()
if _PATH:
    try:
        _T0 = float(os.environ.get("AGENTBROWSER_TRACE_T0", _T0))
    except ValueError:
        pass


def enabled() -> bool:
    """True when marks are being written."""
    return _PATH is not None


def mark(event: str) -> None:
    """Write `event` with the time since t0 (and this process's id); nothing when tracing is off."""
    if _PATH is None:
        return
    cpu = time.process_time() * 1000
    line = f"{(time.time() - _T0) * 1000:8.1f} {os.getpid()} {cpu:7.1f} {event}\n"
    try:
        fd = os.open(_PATH, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except OSError:
        pass
