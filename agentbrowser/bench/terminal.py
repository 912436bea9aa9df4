"""Timing programs in a real terminal: tmux runs them, we poll the screen until text shows."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Seen:
    """What one run showed: seconds until each pattern appeared, peak memory, the last screen."""

    seconds: dict[str, float] = field(default_factory=dict)
    rss_mb: float | None = None
    """VmHWM of the program (the pane's process) when the last pattern showed."""
    children_rss_mb: float | None = None
    """The largest VmHWM seen among its child processes (a loader that has exited may be missed)."""
    screen: str = ""

    def get(self, name: str) -> float | None:
        return self.seconds.get(name)


def _hwm_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def wait_for_children(pid: int, timeout: float, poll: float = 0.02) -> bool:
    """Wait until a process has no child processes left (at most `timeout` s); True if none.

    For a warm-up run: the browser's loader writes the index cache after it has sent the
    records, and a run killed as soon as the list shows can take the loader with it, leaving
    the next, "warm", run to start cold.
    """
    deadline = time.perf_counter() + timeout
    while _children(pid):
        if time.perf_counter() >= deadline:
            return False
        time.sleep(poll)
    return True


def _children(pid: int) -> list[int]:
    """Child processes, recursively, from /proc/PID/task/*/children."""
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    kids = [int(x) for x in handle.read().split()]
            except OSError:
                continue
            found.extend(kids)
            stack.extend(kids)
    return found


class _Control:
    """A tmux control-mode client: commands on its stdin, replies between %begin and %end."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.proc: subprocess.Popen[str] | None = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            errors="replace",
            bufsize=1,
        )
        self.sent = 0

    def command(self, line: str) -> str | None:
        """The command's output, or None when the client is gone or the command failed.

        Each command follows a numbered marker, and replies up to the marker's are dropped:
        tmux answers the attach, and now and then something else, with blocks of its own.
        """
        self.sent += 1
        marker = f"agentbrowser-bench-{self.sent}"
        if not self._send(f"display-message -p {marker}\n{line}"):
            return None
        for _ in range(1000):
            reply = self._reply()
            if reply is None and self.proc is None:
                return None
            if reply is not None and reply.strip() == marker:
                return self._reply()
        return None

    def _send(self, line: str) -> bool:
        proc = self.proc
        if proc is None or proc.stdin is None:
            return False
        try:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
        except (OSError, ValueError):
            self.proc = None
            return False
        return True

    def _reply(self) -> str | None:
        """The next reply block's text; None when the client is gone or the command failed."""
        proc = self.proc
        if proc is None or proc.stdout is None:
            return None
        try:
            lines: list[str] | None = None
            while True:
                reply = proc.stdout.readline()
                if not reply:
                    self.proc = None
                    return None
                if lines is None:
                    if reply.startswith("%begin"):
                        lines = []
                    continue  # notifications between replies
                if reply.startswith("%end"):
                    return "".join(lines)
                if reply.startswith("%error"):
                    return None
                lines.append(reply)
        except (OSError, ValueError):
            self.proc = None
            return None

    def close(self) -> None:
        if self.proc is not None:
            try:
                self.proc.terminate()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.proc = None


class Tmux:
    """A private tmux server (`-L NAME`) whose sessions run the programs under test."""

    def __init__(
        self, name: str = "bench", width: int = 120, height: int = 36, poll: float = 0.010
    ) -> None:
        self.name = name
        self.width = width
        self.height = height
        self.poll = poll
        self.tmux = shutil.which("tmux")
        self._control: _Control | None = None

    @property
    def available(self) -> bool:
        """True when tmux is installed."""
        return self.tmux is not None

    def _cmd(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        assert self.tmux is not None
        return subprocess.run(
            [self.tmux, "-L", self.name, *args], capture_output=True, text=True, check=check
        )

    def start(self) -> None:
        """Start the server with an idle session, so that each run's start costs the same.

        Screens are read through one control-mode client attached to that idle session: a
        `tmux capture-pane` process every 10 ms cost ~30 % of a core, taken from the programs
        being timed (and more from one that uses both cores than from one that uses one).
        """
        self._cmd("kill-server")
        self._cmd(
            "new-session",
            "-d",
            "-s",
            "keep",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "sleep 86400",
            check=True,
        )
        self._control = _Control([self.tmux, "-L", self.name, "-C", "attach-session", "-t", "keep"])

    def stop(self) -> None:
        """Stop the server and everything in it."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self.available:
            self._cmd("kill-server")

    def capture(self) -> str:
        if self._control is not None:
            text = self._control.command("capture-pane -p -t run")
            if text is not None:
                return text
        return self._cmd("capture-pane", "-p", "-t", "run").stdout

    def run(
        self,
        argv: Sequence[str],
        patterns: Mapping[str, str],
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        timeout: float = 60.0,
        steps: Sequence[tuple[Sequence[str], str, str]] = (),
        key_delay: float = 0.03,
        settle: float = 0.0,
    ) -> Seen:
        """Run argv in a fresh session; seconds from start until each pattern (a regex) shows.

        Once every pattern has shown, each step (keys, name, pattern) types its keys one by one
        (`key_delay` apart) and times `pattern` from its last key, as `name`. With `settle`,
        the session is left running until the program's child processes have ended (at most
        `settle` seconds) before it is killed.
        """
        parts = ["exec", "env"] + [f"{k}={v}" for k, v in (env or {}).items()] + list(argv)
        command = " ".join(shlex.quote(p) for p in parts)
        if cwd:
            command = f"cd {shlex.quote(cwd)} && {command}"
        compiled = {name: re.compile(pattern) for name, pattern in patterns.items()}
        seen = Seen()
        self._cmd("kill-session", "-t", "run")
        started = time.perf_counter()
        self._cmd(
            "new-session",
            "-d",
            "-s",
            "run",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            command,
            check=True,
        )
        pid_text = self._cmd("display-message", "-p", "-t", "run", "#{pane_pid}").stdout.strip()
        pid = int(pid_text) if pid_text.isdigit() else None
        children_peak = 0.0
        deadline = started + timeout
        screen = ""
        try:
            while compiled and time.perf_counter() < deadline:
                screen = self.capture()
                now = time.perf_counter() - started
                for name, pattern in list(compiled.items()):
                    if pattern.search(screen):
                        seen.seconds[name] = now
                        del compiled[name]
                if pid is not None:
                    for child in _children(pid):
                        children_peak = max(children_peak, _hwm_mb(child) or 0.0)
                time.sleep(self.poll)
            if pid is not None:
                seen.rss_mb = _hwm_mb(pid)
            for keys, name, pattern_text in steps if not compiled else ():
                for key in keys:
                    self._cmd("send-keys", "-t", "run", "-l", key) if len(key) == 1 else self._cmd(
                        "send-keys", "-t", "run", key
                    )
                    time.sleep(key_delay)
                typed = time.perf_counter()
                pattern = re.compile(pattern_text)
                while time.perf_counter() < typed + timeout:
                    screen = self.capture()
                    if pattern.search(screen):
                        seen.seconds[name] = time.perf_counter() - typed
                        break
                    time.sleep(self.poll)
                else:
                    break
        finally:
            seen.screen = screen
            seen.children_rss_mb = children_peak or None
            if settle and pid is not None:
                wait_for_children(pid, settle)
            self._cmd("kill-session", "-t", "run")
        return seen
