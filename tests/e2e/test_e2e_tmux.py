"""End to end (issue 3's "Done when"): the installed `agentbrowser` in a real 120x36 terminal.

tmux is the terminal: a private server (`-L`), a config that turns `set-clipboard` on so the
app's OSC 52 lands in tmux's paste buffer (`show-buffer`), `send-keys` for the user's keys and
`capture-pane` to read the screen. HOME and XDG_CACHE_HOME point at fresh folders, so neither
the developer's agents nor their cache are involved.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agentbrowser.model.parse import parse_file

from ..paths import installed_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

#: The installed command (see tests/paths.py).
COMMAND = installed_command()


class Tmux:
    """One private tmux server with one 120x36 session running a command."""

    def __init__(self, name: str, config: Path) -> None:
        self.name = name
        self.config = config

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.name, "-f", str(self.config), *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )

    def screen(self) -> str:
        """What the pane shows now."""
        return self.run("capture-pane", "-t", "tui", "-p").stdout

    def wait(self, condition: Callable[[str], bool], what: str, timeout: float = 15.0) -> str:
        """Poll the screen (bounded) until condition(screen) holds."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{text}")
            time.sleep(0.05)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "tui", *(["-l"] if literal else []), *keys)

    def pane(self, fmt: str) -> str:
        return self.run("display-message", "-p", "-t", "tui", fmt).stdout.strip()


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    config = tmp_path / "tmux.conf"
    config.write_text(
        "set -g set-clipboard on\nset -g remain-on-exit on\nset -g history-limit 100\n"
    )
    server = Tmux(f"agentbrowser-e2e-{os.getpid()}-{time.monotonic_ns()}", config)
    try:
        yield server
    finally:
        server.run("kill-server")


def test_done_when_in_a_120x36_terminal_on_the_seeds(
    seeds: Path, tmux: Tmux, tmp_path: Path
) -> None:
    if COMMAND is None:
        pytest.skip("the agentbrowser command is not installed")
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    agents = [parse_file(str(path), "path") for path in sorted(seeds.iterdir())]
    first = agents[0]
    specialist = next(agent for agent in agents if agent.name == "backend-impl-specialist")
    assert first.tools

    # COLUMNS and LINES (set under pytest) would win over the pane's real size.
    launch = shlex.join(
        [
            "env",
            "-u",
            "COLUMNS",
            "-u",
            "LINES",
            f"HOME={home}",
            f"XDG_CACHE_HOME={cache}",
            COMMAND,
            str(seeds),
        ]
    )
    started = tmux.run("new-session", "-d", "-s", "tui", "-x", "120", "-y", "36", launch)
    assert started.returncode == 0, started.stderr

    # The list and the first agent's description and tools, with no key pressed.
    screen = tmux.wait(
        lambda text: "5 agents" in text and first.description[:40] in text and "tools" in text,
        "the list and the first agent's detail",
    )
    for agent in agents:
        assert agent.name in screen
    tools_line = next(line for line in screen.splitlines() if " tools " in line)
    assert all(tool in tools_line for tool in first.tools[:3]), tools_line

    # / then specialist: backend-impl-specialist's description.
    tmux.keys("/")
    tmux.keys("specialist", literal=True)
    screen = tmux.wait(
        lambda text: "1/5 agents" in text and specialist.description[:40] in text,
        "backend-impl-specialist's description",
    )
    assert "backend-impl-specialist" in screen

    # Escape, then c: its prompt, without the frontmatter, on the terminal's clipboard (OSC 52).
    tmux.keys("Escape")
    time.sleep(0.2)
    tmux.keys("c")
    deadline = time.monotonic() + 10
    buffer = ""
    while time.monotonic() < deadline:
        result = tmux.run("show-buffer")
        if result.returncode == 0 and result.stdout.strip():
            buffer = result.stdout
            break
        time.sleep(0.05)
    assert buffer.rstrip() == specialist.body.rstrip()
    assert not buffer.startswith("---") and "name: backend-impl-specialist" not in buffer
    tmux.wait(lambda text: "Copied" in text, "the notification")

    if os.environ.get("DISPLAY") and shutil.which("xclip"):
        clip = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"],
            check=False,
            capture_output=True,
            text=True,
            timeout=5,
        )
        assert clip.stdout.rstrip() == specialist.body.rstrip()

    # ? shows help; escape closes it; q quits.
    tmux.keys("?")
    tmux.wait(lambda text: "agentbrowser help" in text and "Copy prompt" in text, "the help screen")
    tmux.keys("Escape")
    tmux.wait(lambda text: "agentbrowser help" not in text, "help to close")
    tmux.keys("q")
    # The pane is dead when its terminal closes; tmux records the exit status when it reaps the
    # process (here, SIGCHLD sometimes never reaches the tmux server: then the process is a
    # zombie, which has exited all the same).
    pid = tmux.pane("#{pane_pid}")
    deadline = time.monotonic() + 10
    while tmux.pane("#{pane_dead}") != "1":
        assert time.monotonic() < deadline, "q did not quit:\n" + tmux.screen()
        time.sleep(0.05)
    deadline = time.monotonic() + 2
    while (status := tmux.pane("#{pane_dead_status}/#{pane_dead_signal}")) == "/":
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if status == "/":
        stat = Path(f"/proc/{pid}/stat")
        state = stat.read_text().rsplit(")", 1)[1].split()[0] if stat.exists() else "gone"
        assert state in ("Z", "X", "gone"), f"process {pid} is still running ({state})"
    else:
        assert status == "0/", f"exit status/signal {status}"
