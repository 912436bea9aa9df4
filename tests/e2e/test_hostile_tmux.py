"""Hostile input end to end (issue 6): the installed `agentbrowser` in tmux over the hostile tree.

A private tmux server (its own socket, its own config) runs the command in a 120x36 pane. The
config lets escape sequences act: `set-clipboard on` turns an OSC 52 into a tmux buffer,
`allow-rename` lets ESC k rename the window, and OSC 0/2 set the pane title. A probe session
first proves that this server really acts on them (else the test could not see an attack). Then,
with a known pane title, window name and buffer, every entry is walked down in the rendered view
and up again in the raw view (r), waiting on capture-pane for each step. Afterwards the buffer,
title and window name must be the same, every capture must show the frame intact (an ESC [2J
from a file would wipe it) and the markup fixture's `[bold]x[/]` as typed; q then quits, status 0.
"""

from __future__ import annotations

import base64
import os
import secrets
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agentbrowser.model.text import sanitize

from ..hostile_tree import (
    CLIPBOARD_PAYLOADS,
    TITLE_PAYLOAD,
    listed_kinds,
    make_hostile_tree,
    restore_permissions,
)
from ..paths import installed_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

#: The installed command (see tests/paths.py).
COMMAND = installed_command()
WIDTH, HEIGHT = 120, 36
SENTINEL_BUFFER = "SENTINEL-buffer-untouched"
SENTINEL_TITLE = "SENTINEL-title"
SENTINEL_NAME = "SENTINEL-window"
CONFIG = """\
set -g set-clipboard on
set -g set-titles on
set -g allow-rename on
set -gq allow-set-title on
set -g remain-on-exit on
set -g status off
set -g history-limit 100
"""
#: One step of the walk: a key, the app's answer on screen (a big file renders in a thread, but
#: its first screenful comes at once).
STEP_SECONDS = 20.0
START_SECONDS = 60.0


class Tmux:
    """A private tmux server: commands with timeouts, captures, polls."""

    def __init__(self, socket: str, config: Path) -> None:
        self.socket = socket
        self.config = config
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}

    def __call__(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=15,
            env=self.env,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done.stdout

    def capture(self, target: str = "t", check: bool = True) -> list[str]:
        return self("capture-pane", "-p", "-t", target, check=check).split("\n")[:HEIGHT]

    def display(self, fmt: str, target: str = "t", check: bool = True) -> str:
        return self("display-message", "-p", "-t", target, fmt, check=check).rstrip("\n")

    def wait(self, condition: Callable[[], bool], what: str, limit: float = STEP_SECONDS) -> None:
        """Poll condition() every 20 ms; fail with the screen after `limit` seconds."""
        deadline = time.monotonic() + limit
        while not condition():
            if time.monotonic() > deadline:
                state = self.display(
                    "pane title #{pane_title}, window #{window_name}, dead #{pane_dead}",
                    check=False,
                )
                screen = "\n".join(self.capture(check=False))
                raise AssertionError(
                    f"still waiting after {limit} s for {what}; {state}; screen:\n{screen}"
                )
            time.sleep(0.02)

    def buffers(self) -> list[str]:
        names = self("list-buffers", "-F", "#{buffer_name}", check=False).split()
        return [self("show-buffer", "-b", name, check=False) for name in names]


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A tmux server of the test's own; killed afterwards whatever happened."""
    config = tmp_path / "tmux.conf"
    config.write_text(CONFIG)
    server = Tmux(f"agentbrowser-test-{os.getpid()}-{secrets.token_hex(4)}", config)
    try:
        yield server
    finally:
        server("kill-server", check=False)
        # tmux 3.3a leaves the socket file behind.
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / server.socket).unlink(missing_ok=True)


class Screen:
    """The app's screen in the pane: two boxes side by side, the list and the detail pane."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.col = lines[0].find("\u256d", 1)  # ╭ where the detail box starts

    def detail(self) -> list[str]:
        """The detail pane's text, line by line, without borders, padding and scrollbar."""
        return [line[self.col + 1 : WIDTH - 2].strip() for line in self.lines[1 : HEIGHT - 2]]

    def key(self, raw: bool) -> tuple[str, ...] | None:
        """What tells the agent shown: its name and path (the app runs in the tree's parent, so
        paths start with tree/), or the raw view's header, which can wrap (a file name with a
        newline); None while the pane shows neither (a placeholder, the other view)."""
        text = self.detail()
        if raw:
            end = next((i for i in range(3) if "(raw file)" in text[i]), None)
        else:
            end = next((i for i in (1, 2) if text[i].startswith("tree/")), None)
            if "(raw file)" in " ".join(text[:3]):
                end = None
        return None if end is None else tuple(text[: end + 1])

    def intact(self, counted: str) -> bool:
        """Both boxes whole, every line of them WIDTH cells: no escape moved, wiped or wrote
        over anything (a character drawn wider than it was laid out shifts its line too)."""
        lines, col = self.lines, self.col
        return (
            col > 0
            and lines[0].startswith("\u256d\u2500 Agents")  # ╭─ Agents
            and counted in lines[1]
            and lines[HEIGHT - 2].startswith("\u2570")  # ╰
            and all(
                len(line) == WIDTH and line[0] == line[col - 1] == line[col] == line[-1] == "\u2502"
                for line in lines[1 : HEIGHT - 2]
            )
        )

    def __str__(self) -> str:
        return "\n".join(self.lines)


class Walk:
    """Keys to the app, and what it shows after each."""

    def __init__(self, tmux: Tmux, counted: str) -> None:
        self.tmux = tmux
        self.counted = counted
        self.screens: dict[tuple[str, ...], Screen] = {}

    def step(self, key: str | None, previous: tuple[str, ...] | None, raw: bool) -> tuple[str, ...]:
        """Press key; wait for another agent shown and for an intact screen; the new agent's key."""
        if key:
            self.tmux("send-keys", "-t", "t", key)
        polls: list[tuple[str, ...] | None] = []
        settled: list[Screen] = []

        def moved() -> bool:
            if self.tmux.display("#{pane_dead}") != "0":
                raise AssertionError("the app exited:\n" + "\n".join(self.tmux.capture()))
            screen = Screen(self.tmux.capture())
            shown = screen.key(raw) if screen.col > 0 else None
            polls.append(shown)
            # The same new agent in three polls running (40 ms): not a frame half written.
            if shown is None or shown == previous or polls[-3:] != [shown] * 3:
                return False
            settled.append(screen)
            return True

        self.tmux.wait(moved, f"{key} to show another agent (raw={raw}) after {previous}")
        shown = settled[0].key(raw)
        assert shown is not None

        def intact() -> bool:
            settled[0] = Screen(self.tmux.capture())
            return settled[0].intact(self.counted)

        self.tmux.wait(intact, f"an intact screen after {key} (raw={raw})", 3)
        self.screens[shown] = settled[0]
        return shown


def prove_the_terminal_acts(tmux: Tmux) -> None:
    """Escapes written in a pane of this server do set the title, name and a buffer."""
    clip = base64.b64encode(b"probe-clip").decode()
    script = (
        r"printf '\033]2;probe-title\033\\'; printf '\033kprobe-name\033\\'; "
        rf"printf '\033]52;c;{clip}\007'; sleep 30"
    )
    tmux("new-session", "-d", "-s", "probe", "-x", "80", "-y", "10", script)
    tmux.wait(
        lambda: (
            tmux.display("#{pane_title}", "probe") == "probe-title"
            and tmux.display("#{window_name}", "probe") == "probe-name"
            and "probe-clip" in tmux.buffers()
        ),
        "this tmux to act on OSC 2, ESC k and OSC 52 (else the test cannot see an attack)",
        10,
    )
    tmux("kill-session", "-t", "probe")
    for _ in tmux.buffers():
        tmux("delete-buffer", check=False)
    assert tmux.buffers() == []


def test_walking_the_hostile_tree_in_tmux_leaves_the_terminal_alone(
    tmp_path: Path, tmux: Tmux
) -> None:
    assert COMMAND, "the agentbrowser command is not installed (pip install -e .)"
    root = tmp_path / "tree"
    tree = make_hostile_tree(root)
    listed = listed_kinds(tree)
    count = len(listed)
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    started = time.monotonic()
    try:
        prove_the_terminal_acts(tmux)
        status_file = tmp_path / "exit-status"
        run = shlex.join(
            [
                "env",
                "-u",
                "DISPLAY",  # no system clipboard: nothing here may touch the user's
                "-u",
                "WAYLAND_DISPLAY",
                f"HOME={home}",
                f"XDG_CACHE_HOME={cache}",
                "LANG=C.UTF-8",
                COMMAND,
                str(root),
                "--no-cache",
            ]
        )
        # The exit status through a file: tmux 3.3a can leave the pane's process unreaped (a
        # zombie: pane_dead 1 and pane_dead_status empty for good), seen here 2 runs in 4.
        run += f"; echo $? > {shlex.quote(str(status_file))}"
        tmux("-u", "new-session", "-d", "-s", "t", "-x", str(WIDTH), "-y", str(HEIGHT),
             "-c", str(tmp_path), run)  # fmt: skip
        tmux("rename-window", "-t", "t", SENTINEL_NAME)
        tmux("select-pane", "-t", "t", "-T", SENTINEL_TITLE)
        tmux("set-buffer", SENTINEL_BUFFER)

        counted = f"{count} agents"
        tmux.wait(lambda: counted in "\n".join(tmux.capture()), counted, START_SECONDS)
        walk = Walk(tmux, counted)

        # Down through every entry, rendered; then r and up through every entry, raw.
        for raw, move in ((False, "Down"), (True, "Up")):
            seen = [walk.step("r" if raw else None, None, raw)]
            for _ in range(count - 1):
                seen.append(walk.step(move, seen[-1], raw))
            assert len(set(seen)) == count, f"{len(set(seen))} distinct entries shown, not {count}"
            shown = "\n".join("\n".join(k) for k in seen)
            for path in listed.values():
                display = sanitize(os.path.relpath(path, tmp_path))
                if "\n" not in display:  # the raw header wraps the name with a newline
                    assert display in shown, f"{display!r} never shown (raw={raw})"

        # Nothing reached the terminal: the buffer, title and window name are as set.
        assert tmux.display("#{pane_dead}") == "0", "the app exited during the walk"
        buffers = tmux.buffers()
        assert buffers == [SENTINEL_BUFFER], f"a buffer was written: {buffers}"
        assert not any(p in b for b in buffers for p in CLIPBOARD_PAYLOADS)
        title, name = tmux.display("#{pane_title}"), tmux.display("#{window_name}")
        assert TITLE_PAYLOAD not in title and TITLE_PAYLOAD not in name, (title, name)
        assert (title, name) == (SENTINEL_TITLE, SENTINEL_NAME)

        # Markup shows as typed (list row and detail pane), in both views.
        markup = [str(s) for k, s in walk.screens.items() if "tree/markup.md" in " ".join(k)]
        assert len(markup) == 2, "the markup fixture was not shown in both views"
        for screen in markup:
            assert "[bold]x[/]" in screen and "[@click=app.quit]hi[/]" in screen, screen
        assert "[red]opus" in markup[0] and 'name: "[bold]x[/]"' in markup[1]
        everything = "\n".join(str(screen) for screen in walk.screens.values())
        assert "Traceback" not in everything

        # q quits cleanly (status 0), and the pane's program is gone.
        tmux("send-keys", "-t", "t", "q")
        tmux.wait(lambda: status_file.is_file() and status_file.read_text() != "", "q to quit", 15)
        status = status_file.read_text().strip()
        assert status == "0", f"exit status {status}:\n" + "\n".join(tmux.capture())
        tmux.wait(lambda: tmux.display("#{pane_dead}") == "1", "the pane to end", 15)
    finally:
        restore_permissions(root)
    print(f"tmux walk: {time.monotonic() - started:.1f} s for {count} entries, twice")
