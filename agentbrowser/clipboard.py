"""The one way text reaches a clipboard: OSC 52 to the terminal, plus the system clipboard."""

from __future__ import annotations

import base64
import os
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: How long the system clipboard may take before we give up on it (xclip can hang).
SYSTEM_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class CopyResult:
    """Where a copy went, and why a destination failed."""

    destinations: tuple[str, ...]
    failures: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the text reached at least one clipboard."""
        return bool(self.destinations)

    def describe(self, what: str) -> str:
        """A one-line message for a notification or the CLI."""
        if not self.destinations:
            return f"Could not copy {what}: " + "; ".join(_short(f) for f in self.failures)
        message = f"Copied {what} to the " + " and the ".join(self.destinations)
        if self.failures:
            message += " (" + "; ".join(_short(f) for f in self.failures) + ")"
        return message


def _short(reason: str, limit: int = 90) -> str:
    """The first sentence of a reason: pyperclip's run on with a link to its manual."""
    first = reason.split(". ", 1)[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1] + "\u2026"


def osc52_sequence(text: str) -> str:
    """The OSC 52 escape sequence that sets the terminal's clipboard to text."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\a"


def _system_copy(text: str, timeout: float) -> str | None:
    """Copy with pyperclip in a thread with a time limit; None on success, else the reason."""
    outcome: list[str | None] = []

    def worker() -> None:
        try:
            import pyperclip  # imported here: it probes for backends, which costs start-up time

            pyperclip.copy(text)
            outcome.append(None)
        except Exception as exc:  # pyperclip raises its own and OS errors alike
            said = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "could not find a copy/paste mechanism" in said:  # in the user's terms
                said = _no_mechanism()
            outcome.append(said)

    thread = threading.Thread(target=worker, daemon=True, name="agentbrowser-clipboard")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return f"system clipboard did not answer within {timeout:g} s"
    return outcome[0] if outcome else "system clipboard failed"


def _no_mechanism() -> str:
    """Why no system clipboard was found, in the user's terms, by pyperclip's rules: xclip and
    xsel are tried only with DISPLAY set, wl-copy only with WAYLAND_DISPLAY set and wl-paste
    installed."""
    import shutil

    x11 = [name for name in ("xclip", "xsel") if shutil.which(name)]
    wayland = shutil.which("wl-copy") is not None
    if not x11 and not wayland:
        return "found none of xclip, xsel and wl-clipboard"
    reasons = []
    if x11 and not os.environ.get("DISPLAY"):
        verb = "needs" if len(x11) == 1 else "need"
        reasons.append(f"{' and '.join(x11)} {verb} DISPLAY, which is not set")
    if wayland and not os.environ.get("WAYLAND_DISPLAY"):
        reasons.append("wl-copy needs WAYLAND_DISPLAY, which is not set")
    elif wayland and not shutil.which("wl-paste"):
        reasons.append("wl-copy is used with wl-paste, which is not installed")
    return "; ".join(reasons) or "found no clipboard program that works here"


def _tmux_clipboard() -> str | None:
    """tmux's `set-clipboard` when this runs inside tmux (`on` passes a program's OSC 52 on;
    `external`, its default, and `off` drop it), `?` when tmux does not say; None outside."""
    if not os.environ.get("TMUX"):
        return None
    try:
        done = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"],
            capture_output=True, text=True, timeout=1, check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (done.stdout.strip() if done.returncode == 0 else "") or "?"


def copy_text(
    text: str,
    terminal: Callable[[str], None] | None,
    system: bool = True,
    timeout: float = SYSTEM_TIMEOUT,
) -> CopyResult:
    """Copy text to the terminal's clipboard (via `terminal`, given OSC 52 text) and the system's.

    `terminal` is Textual's `App.copy_to_clipboard` in the browser, or a writer of the OSC 52
    sequence in the CLI; None when there is no terminal to write to.
    """
    destinations: list[str] = []
    failures: list[str] = []
    if terminal is not None:
        tmux = _tmux_clipboard()
        try:
            terminal(text)
            if tmux in ("external", "off"):
                failures.append(
                    f"terminal: tmux drops OSC 52 unless its set-clipboard is on (it is {tmux})"
                )
            elif tmux is not None and tmux != "on":  # tmux did not say
                destinations.append("terminal clipboard (OSC 52; tmux needs set-clipboard on)")
            else:
                destinations.append("terminal clipboard (OSC 52)")
        except Exception as exc:  # a closed terminal must not crash a copy
            failures.append(f"terminal: {exc}")
    if system:
        reason = _system_copy(text, timeout)
        if reason is None:
            destinations.append("system clipboard")
        else:
            failures.append(f"system clipboard: {reason}")
    return CopyResult(tuple(destinations), tuple(failures))


@dataclass(frozen=True)
class Copied:
    """What a copy from the browser did, as its notification says it."""

    title: str
    message: str
    severity: str  # Textual's notification severity

    def notification(self) -> dict[str, Any]:
        """Keyword arguments of a screen's `notify` that say it (never as markup: a name such
        as "[/x]" is text, and a markup error would drop the notification silently)."""
        timeout = 10 if self.severity == "warning" else 5
        return {
            "message": self.message,
            "title": self.title,
            "severity": self.severity,
            "timeout": timeout,
            "markup": False,
        }


def copy_shown(
    text: str, what: Callable[[str], str], terminal: Callable[[str], None] | None
) -> Copied:
    """Copy `text` from a screen without the invisible characters that hide text (they would
    travel silently into another tool) and without the control characters a terminal acts on
    (pasted into one, an ESC sequence can set its clipboard), and say so; `what(copied)` names
    what was copied. `agentbrowser copy` is the way to copy them as they are."""
    from agentbrowser.model.text import describe_hidden, plural, strip_controls, strip_hidden

    hidden = describe_hidden(text)
    if hidden:
        text = strip_hidden(text)
    text, controls = strip_controls(text)
    result = copy_text(text, terminal=terminal)
    message = result.describe(what(text))
    if not result.ok:
        return Copied("Copy failed", message, "warning")
    left_out = [hidden] if hidden else []
    if controls:
        left_out.append(plural(controls, "control character"))
    if left_out:
        message += f", without {' and '.join(left_out)} (`agentbrowser copy` keeps them)"
        title = "Copied without hidden text" if hidden else "Copied without control characters"
        return Copied(title, message, "warning")
    return Copied("Copied", message, "information")
