"""Measurements made in this process or in a plain subprocess: floors, search, rendering."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

#: The floor: read every file and parse its frontmatter with libyaml, nothing else.
FLOOR_SCRIPT = r"""
import os, sys, time
started = time.perf_counter()
import yaml
Loader = yaml.CSafeLoader
count = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(root, name), "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            if end > 0:
                try:
                    yaml.load(text[4:end], Loader=Loader)
                except yaml.YAMLError:
                    pass
        count += 1
print(count, time.perf_counter() - started)
"""

#: The other floor: a bare Textual app that paints 400 names and nothing else.
BARE_APP = r"""
from textual.app import App, ComposeResult
from textual.widgets import Static

NAMES = [f"bare-agent-{i:03d}" for i in range(400)]


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("\n".join(NAMES))


Bare().run()
"""


#: The floor for a key: a bare Textual app whose one binding changes the text shown.
BARE_KEY_APP = r"""
from textual.app import App, ComposeResult
from textual.widgets import Static


class BareKey(App):
    BINDINGS = [("j", "next", "Next")]

    def compose(self) -> ComposeResult:
        yield Static("bare-key-ready", id="text")

    def action_next(self) -> None:
        self.query_one("#text", Static).update("bare-key-seen")


BareKey().run()
"""


@dataclass
class Process:
    """A finished program: wall seconds, what it printed, its peak RSS and CPU seconds."""

    seconds: float
    stdout: str
    rss_mb: float
    cpu: float = 0.0


#: `LAUNCHER FD ARGV...` runs ARGV and writes its wall seconds, peak RSS (KB) and CPU seconds
#: to the file descriptor FD. The benchmark starts programs through it: a program started
#: straight from the benchmark's own process (hundreds of MB once it has loaded 10,000 agents
#: for the in-process measurements) is counted at that size, since subprocess starts it with
#: vfork and the kernel keeps the parent's peak until exec; started from this small program,
#: only its own memory counts.
LAUNCHER = r"""
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
os.write(int(sys.argv[1]), f"{seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}".encode())
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(
    argv: Sequence[str], env: dict[str, str] | None = None, stdout_to_null: bool = False
) -> Process:
    """Run a program to its end: its wall time, what it printed, and the peak RSS and CPU time
    of it and the children it waited for (measured by LAUNCHER, around the program alone)."""
    out = subprocess.DEVNULL if stdout_to_null else subprocess.PIPE
    report_read, report_write = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(report_write), *argv],
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
            pass_fds=(report_write,),
        )
    finally:
        os.close(report_write)
    with os.fdopen(report_read, "rb") as report_pipe:
        stdout = proc.stdout.read() if proc.stdout is not None else ""
        if proc.stdout is not None:
            proc.stdout.close()
        report = report_pipe.read().decode()
    proc.wait()
    if proc.returncode != 0 or not report:
        raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}")
    seconds, rss_kb, cpu = report.split()
    return Process(float(seconds), stdout, int(rss_kb) / 1024, float(cpu))


def floor_parse(root: str, repeat: int) -> tuple[float, float, float]:
    """(median wall s of the floor program, median s inside it, its peak RSS MB)."""
    walls, insides, rss = [], [], 0.0
    for _ in range(repeat):
        result = run_process([sys.executable, "-c", FLOOR_SCRIPT, root])
        walls.append(result.seconds)
        insides.append(float(result.stdout.split()[1]))
        rss = max(rss, result.rss_mb)
    return statistics.median(walls), statistics.median(insides), rss


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share between 0 and 1)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def filter_latency(agents: Sequence[object], word: str, repeat: int = 20) -> list[float]:
    """Seconds per keystroke of a search while typing `word` one letter at a time
    (SearchIndex.search with the GC paused, as Library.search does)."""
    from agentbrowser.memory import gc_paused
    from agentbrowser.model.search import SearchIndex

    times: list[float] = []
    for _ in range(repeat):
        index = SearchIndex(agents)  # type: ignore[arg-type]
        # The browser builds the haystacks in a thread once the list shows, before any key.
        getattr(index, "build", lambda: None)()
        for end in range(1, len(word) + 1):
            started = time.perf_counter()
            with gc_paused():  # as the browser searches (Library.search)
                index.search(word[:end])
            times.append(time.perf_counter() - started)
    return times


def prompt_of(size: int) -> str:
    """A markdown prompt of about `size` characters: headings, lists, code, long paragraphs."""
    block = (
        "## Section\n\nYou review code with care. Check the error paths, the input validation and "
        "the tests that cover them. Prefer small functions and clear names.\n\n"
        "- Read the diff twice\n- Run the tests\n- Explain each finding with a file and line\n\n"
        "```python\ndef check(value: int) -> bool:\n    return value > 0\n```\n\n"
    )
    return (block * (size // len(block) + 1))[:size]


def render_seconds(size: int, repeat: int = 3) -> float:
    """Median seconds to render an agent with a prompt of `size` to lines, 70 columns wide."""
    import io

    from rich.console import Console

    from agentbrowser.model.records import Agent
    from agentbrowser.render.agent import agent_renderable

    agent = Agent(
        name="big-prompt",
        description="An agent with a long prompt.",
        tools=("Read", "Grep"),
        model="sonnet",
        color="blue",
        format="claude-agent",
        scope="path",
        path="/bench/big-prompt.md",
        frontmatter={"name": "big-prompt"},
        body=prompt_of(size),
    )
    times = []
    for _ in range(repeat):
        console = Console(
            file=io.StringIO(), width=70, force_terminal=True, color_system="truecolor"
        )
        started = time.perf_counter()
        console.render_lines(agent_renderable(agent), console.options.update(width=70), pad=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def similarity(agents: Sequence[object], repeat: int = 3) -> tuple[float, float] | str:
    """(seconds to build a SimilarityIndex, median seconds per query), or why it was skipped."""
    try:
        from agentbrowser.model import compare
    except ImportError as exc:
        return f"skipped: agentbrowser.model.compare is missing ({exc})"
    index_class = getattr(compare, "SimilarityIndex", None)
    if index_class is None:
        return "skipped: agentbrowser.model.compare has no SimilarityIndex"
    started = time.perf_counter()
    index = index_class(list(agents))
    built = time.perf_counter() - started
    queries = []
    step = max(1, len(agents) // repeat)
    for target in list(agents)[::step][:repeat]:
        started = time.perf_counter()
        index.query(target, 10)
        queries.append(time.perf_counter() - started)
    return built, statistics.median(queries)
