"""Start-up tracing writes only when asked."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def test_trace_marks_only_when_asked(tmp_path: Path) -> None:
    import subprocess

    log = tmp_path / "trace.log"
    code = "from agentbrowser.loading import trace; trace.mark('hello'); print(trace.enabled())"
    env = {**os.environ, "AGENTBROWSER_TRACE": str(log), "AGENTBROWSER_TRACE_T0": "0"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == "True"
    milliseconds, pid, cpu, event = log.read_text().split()
    assert float(milliseconds) > 1e12  # counted from t0 = the epoch
    assert int(pid) > 0 and 0 < float(cpu) < 10_000 and event == "hello"
    env.pop("AGENTBROWSER_TRACE")
    log.unlink()
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == "False" and not log.exists()
