"""The benchmark's own machinery: its tmux screen reader must show the run it is timing, and the
package it times is byte-compiled as an installed one is."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

import agentbrowser
from agentbrowser.bench.__main__ import compile_package
from agentbrowser.bench.terminal import Tmux

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def test_the_package_is_byte_compiled_before_it_is_timed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "agentbrowser"
    shutil.copytree(
        Path(agentbrowser.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(agentbrowser, "__file__", str(copy / "__init__.py"))
    sources = sorted(copy.rglob("*.py"))
    assert len(sources) > 20
    line = compile_package()
    assert str(copy) in line and "failed" not in line
    missing = [
        source
        for source in sources
        if not Path(importlib.util.cache_from_source(str(source))).is_file()
    ]
    assert not missing


@needs_tmux
def test_the_control_client_reads_each_run_and_not_the_one_before() -> None:
    """Three runs in a row print the same word after a pause: each run sees it only after its
    own pause. (A reply left unread once made a run see the previous run's screen at once:
    12 ms "start-up" times.)"""
    tmux = Tmux(name=f"agentbrowser-test-{os.getpid()}")
    tmux.start()
    try:
        for run in range(3):
            # Each run prints a word of its own: a run that read the previous run's screen
            # would find no word, or find it before the pause that sleep guarantees.
            program = f"import time; time.sleep(0.3); print('ready{run}'); time.sleep(30)"
            seen = tmux.run(
                [sys.executable, "-c", program], {"word": rf"\bready{run}\b"}, timeout=60
            )
            assert seen.get("word") is not None, seen.screen
            assert seen.seconds["word"] >= 0.25
            assert tmux._control is not None and tmux._control.proc is not None  # not the fallback
    finally:
        tmux.stop()


@needs_tmux
def test_a_settled_run_lets_the_programs_children_finish(tmp_path: Path) -> None:
    """A warm-up run waits for the program's child processes (the browser's loader writes the
    index cache after the list shows): killed at once, the child never writes its file."""
    tmux = Tmux(name=f"agentbrowser-test-{os.getpid()}")
    tmux.start()
    child = "import sys, time; time.sleep(0.5); open(sys.argv[1], 'w').write('done')"
    program = (
        "import subprocess, sys, threading, time; "
        f"p = subprocess.Popen([sys.executable, '-c', {child!r}, sys.argv[1]]); "
        "threading.Thread(target=p.wait).start(); print('ready'); time.sleep(30)"
    )
    try:
        for settle, written in ((0.0, False), (10.0, True)):
            mark = tmp_path / f"settled-{settle}"
            seen = tmux.run(
                [sys.executable, "-c", program, str(mark)], {"word": r"\bready\b"}, settle=settle
            )
            assert seen.get("word") is not None, seen.screen
            time.sleep(0.8)  # past the child's 0.5 s: a killed child never writes
            assert mark.exists() == written
    finally:
        tmux.stop()


@needs_tmux
def test_a_killed_benchmark_stops_its_tmux_server_and_removes_its_files() -> None:
    """SIGTERM (a timeout, a kill) mid-run: the generated collections (~150 MB) are removed and
    the benchmark's own tmux server, with a browser in it, is stopped."""
    import signal
    import subprocess

    proc = subprocess.Popen(
        [sys.executable, "-m", "agentbrowser.bench", "--repeat", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    work = None
    for line in proc.stderr:
        if "generating in " in line:
            work = Path(line.split("generating in ", 1)[1].strip())
            break
    assert work is not None
    socket = f"bench-{proc.pid}"
    # The benchmark makes its folder and starts its tmux server before it says where it
    # generates: both are there now, while it writes the files.
    assert work.is_dir()
    assert _server_up(socket)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert not work.exists()
    assert not _server_up(socket)


def _server_up(socket: str) -> bool:
    """True while the tmux server of that socket name runs."""
    import subprocess

    run = subprocess.run(["tmux", "-L", socket, "ls"], capture_output=True, check=False)
    return run.returncode == 0


def test_each_terminal_target_is_held_to_the_bare_runs_beside_its_runs(tmp_path: Path) -> None:
    """The bare app runs once before each browser run; a target's floor is the median of the
    bare runs made beside the runs it judges, not of all of them (the machine drifts)."""
    import argparse

    from agentbrowser.bench.__main__ import Bench

    bench = Bench(argparse.Namespace(repeat=3, poll=10.0))
    shutil.rmtree(bench.work)
    bench.bare_runs = [0.200] * 9 + [0.300, 0.310, 0.320]  # the machine slowed at the end
    bench.bare_beside = {
        "2,000 cold": [0.220, 0.230, 0.210],
        "10,000 mixed cold": [0.240, 0.250, 0.260],
        "10,000 mixed warm": [0.300, 0.310, 0.320],
    }
    bench.bare_row()
    assert bench.bare == 0.200
    bench.app_results = {
        "2,000 cold": {"first": 0.250, "full": 0.250},
        "10,000 mixed cold": {"first": 0.3, "full": 0.700},
        "10,000 mixed warm": {"first": 0.440, "full": 0.440},
    }
    bench.parse_mixed_between = [0.500]
    bench.filter_p95, bench.render = 0.01, {5_000: 0.02}
    bench.evaluate()
    limits = {t.text.split(" <=")[0]: t.limit for t in bench.targets}
    assert limits["first name with 2,000 Claude agents (cold)"] == pytest.approx(0.220 * 1.3)
    assert limits["cold full list of 10,000 mixed"] == pytest.approx(0.500 + 0.250)
    assert limits["warm full list of 10,000"] == pytest.approx(0.310 * 1.5)
    beside = [row for row in bench.rows if "just before each column" in row.label]
    assert beside and beside[0].values["10,000 mixed"] == "250 ms / 310 ms"
    # No runs beside (a benchmark without them): the median over all runs.
    bench.bare_beside, bench.targets = {}, []
    bench.evaluate()
    limits = {t.text.split(" <=")[0]: t.limit for t in bench.targets}
    assert limits["warm full list of 10,000"] == pytest.approx(0.200 * 1.5)


def test_a_program_is_measured_at_its_own_size_not_the_benchmarks() -> None:
    """The benchmark holds hundreds of MB by the time it runs `groups`; a program it starts is
    counted at its own peak (subprocess's vfork leaves the parent's in ru_maxrss until exec)."""
    from agentbrowser.bench import probes

    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # every page resident
    small = probes.run_process([sys.executable, "-c", "print('small')"])
    grow = "x = bytearray(80 * 1024 * 1024); print('large')"
    large = probes.run_process([sys.executable, "-c", grow])
    del ballast
    assert small.stdout == "small\n" and large.stdout == "large\n"
    assert small.rss_mb < 60 and 80 < large.rss_mb < 160
    assert 0 < small.seconds < large.seconds + 5 and small.cpu > 0
    with pytest.raises(RuntimeError):
        probes.run_process([sys.executable, "-c", "raise SystemExit(3)"])
