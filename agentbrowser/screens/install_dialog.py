"""The install dialog (`i`, and `n` for a new agent): format, scope, name, path and warnings.

Nothing is written here: the dialog works out the plan (agentbrowser.writing.install) as the choices
change and dismisses with it on confirmation; the browse screen writes. A clash shows the
comparison screen first, and only then offers to replace the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from agentbrowser.model.convert import LABELS, TARGET_FORMATS, safe_name
from agentbrowser.model.records import Agent
from agentbrowser.model.text import one_line, sanitize, shorten_path
from agentbrowser.render.pieces import hanging
from agentbrowser.writing.install import (
    CLASH,
    SAME,
    InstallError,
    Plan,
    plan_install,
    say_shadowed,
)

#: What the dialog is for: installing the agent, or starting a new one from it.
INSTALL = "install"
NEW = "new"
#: The format offered first for a format that cannot be installed as it is.
_NEAREST_TARGET = {
    "copilot-chatmode": "copilot-agent",
    "copilot-prompt": "copilot-agent",
    "copilot-instructions": "cursor-rule",
}


@dataclass(frozen=True)
class InstallChoice:
    """What the user confirmed: the plan, whether to replace a clash, and what it was for."""

    plan: Plan
    force: bool
    mode: str


def default_format(agent: Agent) -> str:
    """The agent's own format when it can be installed as it is, else the nearest one."""
    if agent.format in TARGET_FORMATS:
        return agent.format
    return _NEAREST_TARGET.get(agent.format, "claude-agent")


class InstallDialog(ModalScreen[InstallChoice | None]):
    """Choose format, scope and name; see where the file goes and what is lost; confirm."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("f", "next_format", "Next format"),
        Binding("s", "toggle_scope", "Project / user scope"),
        Binding("enter", "confirm", "Install (a clash: compare first)"),
        Binding("o", "overwrite", "Replace the different file (after comparing)"),
    ]

    def __init__(
        self, agent: Agent, mode: str = INSTALL, cwd: str | None = None, home: str | None = None
    ) -> None:
        super().__init__()
        self.agent = agent
        self.mode = mode
        self.cwd = cwd or os.getcwd()
        self.home = home or os.path.expanduser("~")
        self._scopes: Sequence[Agent] | None = None
        self.format = default_format(agent)
        """The format to write."""
        self.scope = "project"
        """project or user."""
        self.plan: Plan | None = None
        """What confirming writes; None while the choices cannot be installed."""
        self.error: str | None = None
        """Why the current choices cannot be installed."""
        self.compared = False
        """True once the clash was shown in the comparison screen: `o` may replace it now."""
        self.acknowledged = False
        """True once a first confirmation has said that the findings shown were read."""
        self.planning = False
        """True while the plan for the current choices is worked out."""
        self._generation = 0
        self._confirm_when_planned = False
        self._details_rows = 0

    def compose(self) -> ComposeResult:
        title = "Install" if self.mode == INSTALL else "New agent from"
        name = safe_name(self.agent.name) + ("-copy" if self.mode == NEW else "")
        with Vertical(id="install-dialog"):
            yield Label(Text(f"{title} {one_line(self.agent.name, 50)}"), id="install-title")
            yield Static(id="install-choices")
            with Horizontal(id="install-name-row"):
                yield Label(Text("name    ", style="bold"))
                yield Input(value=name, placeholder="name", id="install-name")
                yield Label(Text("  tab: edit" if self.mode == INSTALL else "", style="dim"))
            with VerticalScroll(id="install-details"):
                yield Static(id="install-plan")
            yield Label(id="install-hint")

    def on_mount(self) -> None:
        self.query_one("#install-details").can_focus = True
        if self.mode == NEW:
            self.query_one("#install-name", Input).focus()
        else:
            self.query_one("#install-details").focus()
        self.refresh_plan()

    @property
    def name_value(self) -> str:
        """The name typed in the dialog."""
        return self.query_one("#install-name", Input).value

    def refresh_plan(self) -> None:
        """Work the plan out again for the current choices (in a thread), then show it."""
        self.compared = False
        self.acknowledged = False
        self._generation += 1
        self.plan, self.error, self.planning = None, None, True
        self._show()
        self.work_out_plan(self._generation, self.scope, self.format, self.name_value)

    # A plan reads the source file (and a skill's other files) and looks at the target: disk
    # work, so not on the event loop. A newer choice makes an older result stale.
    @work(
        thread=True, exclusive=True, group="install-plan", exit_on_error=False, description="plan"
    )
    def work_out_plan(self, generation: int, scope: str, fmt: str, name: str) -> None:
        """plan_install for these choices; the result goes back to the event loop."""
        plan: Plan | None = None
        error: str | None = None
        try:
            plan = plan_install(self.agent, scope, fmt, name, self.cwd, self.home)
            if scope == "user":  # a project agent of its name would shadow it at once
                say_shadowed(plan, self._where_tools_read())
        except (InstallError, OSError) as exc:
            # The command line's words for a choice made here with a key.
            error = str(exc).replace("use --to project", "press s for the project scope")
        self.app.call_from_thread(self._planned, generation, plan, error)

    def _where_tools_read(self) -> Sequence[Agent]:
        """The agents of the project and user scopes, read once for the dialog (in the plan's
        worker, which runs one plan at a time): every name typed is checked against them."""
        if self._scopes is None:
            from agentbrowser.loading.collection import load_collection

            self._scopes = load_collection(None, self.cwd, self.home)
        return self._scopes

    def _planned(self, generation: int, plan: Plan | None, error: str | None) -> None:
        if generation != self._generation or not self.query("#install-choices"):
            return  # (a newer plan is coming, or the dialog was closed meanwhile)
        self.plan, self.error, self.planning = plan, error, False
        self._show()
        if self._confirm_when_planned:
            # Enter came before the plan (a fast typist): it confirms what it meant.
            self._confirm_when_planned = False
            self.action_confirm()

    def _show(self) -> None:
        choices = Text()
        choices.append("format  ", style="bold")
        choices.append(f"{self.format}  ({LABELS[self.format]})")
        choices.append("   f: next\n", style="dim")
        choices.append("scope   ", style="bold")
        choices.append(self.scope)
        choices.append("   s: project / user", style="dim")
        plan = self.plan
        if plan is not None and not self.planning:
            # Where it goes, in sight whatever follows (findings first, in a short terminal).
            choices.append("\nto      ", style="bold")
            room = max(12, self.query_one("#install-choices").size.width - 8)
            choices.append(sanitize(shorten_path(self._short(plan.main.path), room)))
        self.query_one("#install-choices", Static).update(choices)
        details = Text()
        if self.planning:
            details.append("working out what to write\u2026", style="dim")
        elif plan is None:
            details.append(
                "cannot install: " if self.mode == INSTALL else "cannot write it: ", style="bold"
            )
            details.append(sanitize(self.error or ""))
        else:
            if plan.findings:
                # First, where the eye lands: in a short terminal the rest scrolls, and these
                # must be read before enter writes the file.
                error = self.app.current_theme.error  # the theme's colour, whatever the theme
                details.append("the file written hides or grants:\n", style=f"bold {error}")
                for finding in plan.findings:
                    details.append(f"  \u26a0 {sanitize(finding)}\n", style=str(error))
                details.append("\n")
            details.append("path    ", style="bold")
            details.append(sanitize(plan.main.path))
            for extra in plan.files[1:]:
                relative = os.path.relpath(extra.path, os.path.dirname(plan.main.path))
                details.append("\n        + " + sanitize(relative))
            details.append("\n")
            details.append(_status_text(plan))
            if plan.warnings:
                details.append("\n\nnot carried over or changed:\n", style="bold")
                for note in plan.warnings:
                    details.append(f"  \u2022 {sanitize(note)}\n")
            else:
                details.append("\n\nnothing is lost in the conversion\n", style="dim")
        self.query_one("#install-plan", Static).update(hanging(details))
        self.query_one("#install-hint", Label).update(Text(self._hint()))
        self._fit()

    def _short(self, path: str) -> str:
        """A path as the top line shows it: below the home as `~/...`, below here relative."""
        home = self.home or os.path.expanduser("~")
        here = self.cwd or os.getcwd()
        for base, prefix in ((here, ""), (home, "~/")):
            relative = os.path.relpath(path, base)
            if not relative.startswith(".." + os.sep) and relative != "..":
                return prefix + relative
        return path

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The details get the rows the rest of the dialog leaves (in a short or narrow
        terminal too), and scroll: the hint under them, which says what enter does, always
        shows. Measured once the other parts are laid out (their lines wrap)."""
        self.call_after_refresh(self._fit_now)

    def _fit_now(self) -> None:
        # (after a refresh: the dialog may have been closed meanwhile, its parts gone)
        dialog = next(iter(self.query("#install-dialog")), None)
        details = next(iter(self.query("#install-details")), None)
        if not self.is_mounted or dialog is None or details is None:
            return
        rest = 2  # the border
        for child in dialog.children:
            if child is not details:
                margin = child.styles.margin
                rest += child.outer_size.height + margin.top + margin.bottom
        rows = max(2, min(20, int(self.size.height * 0.9) - rest))
        if rows != self._details_rows:
            self._details_rows = rows
            details.styles.max_height = rows

    def _hint(self) -> str:
        plan = self.plan
        if self.planning:
            return "escape to cancel"
        if plan is None:
            return "change the name, format or scope \u00b7 escape to cancel"
        if plan.clashes:
            if self.compared and plan.findings and not self.acknowledged:
                return "read what it hides or grants \u00b7 o, then o again, replaces the file there \u00b7 escape keeps it"
            if self.compared:
                return "o replaces the file there \u00b7 escape keeps it"
            return "enter compares with the file there \u00b7 escape to cancel"
        if plan.unchanged:
            there = "its own file" if plan.main.own else "the same file"
            return f"enter closes ({there} is there) \u00b7 escape to cancel"
        if plan.findings and not self.acknowledged:
            return "read what it hides or grants \u00b7 enter, then enter again, writes it \u00b7 escape to cancel"
        verb = "install" if self.mode == INSTALL else "write it and open it in $EDITOR"
        if plan.findings:
            return f"enter to {verb} anyway \u00b7 escape to cancel"
        return f"enter to {verb} \u00b7 escape to cancel"

    @on(Input.Changed, "#install-name")
    def name_changed(self) -> None:
        """A new name: a new path, and maybe a clash."""
        self.refresh_plan()

    @on(Input.Submitted, "#install-name")
    def name_submitted(self) -> None:
        """Enter in the name box confirms, as enter anywhere in the dialog."""
        self.action_confirm()

    def action_next_format(self) -> None:
        """The next target format."""
        index = TARGET_FORMATS.index(self.format)
        self.format = TARGET_FORMATS[(index + 1) % len(TARGET_FORMATS)]
        self.refresh_plan()

    def action_toggle_scope(self) -> None:
        """Project or user scope."""
        self.scope = "user" if self.scope == "project" else "project"
        self.refresh_plan()

    def action_confirm(self) -> None:
        """Install; the same file there: close; a clash: show the comparison first."""
        if self.planning:
            self._confirm_when_planned = True
            return
        plan = self.plan
        if plan is None:
            self.app.bell()
            return
        if plan.clashes:
            self._compare(plan)
            return
        if plan.findings and not plan.unchanged and not self.acknowledged:
            # A first enter only says that the findings were seen; the second one writes.
            self.acknowledged = True
            self._show()
            return
        self.dismiss(InstallChoice(plan, False, self.mode))

    def action_overwrite(self) -> None:
        """Replace a different file, once the comparison was seen."""
        if self.plan is not None and self.plan.clashes and self.compared:
            if self.plan.findings and not self.acknowledged:
                self.acknowledged = True  # as for enter: the first `o` says they were read
                self._show()
                return
            self.dismiss(InstallChoice(self.plan, True, self.mode))
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        """Close; nothing is written."""
        self.dismiss(None)

    def _compare(self, plan: Plan) -> None:
        from agentbrowser.model.parse import parse_file, parse_text
        from agentbrowser.screens.compare import ClashCompareScreen

        main = next(f for f in plan.files if f.status == CLASH)
        there = parse_file(main.path)
        coming = parse_text(main.content.decode("utf-8", "replace"), main.path, "path")

        screen = ClashCompareScreen(there, coming)

        def seen(_: object = None) -> None:
            self.compared = True
            self._show()
            # `o` now replaces the file: a key for the dialog, not a letter for the name box
            # (where `n` put the focus).
            self.query_one("#install-details").focus()
            if screen.replace:  # `o` in the comparison: as `o` here
                self.action_overwrite()

        self.app.push_screen(screen, seen)


def _status_text(plan: Plan) -> Text:
    if plan.clashes:
        return Text(
            "a different file is there: nothing is written until you compare and replace it",
            style="bold",
        )
    if plan.main.own:
        return Text("this is the agent's own file: nothing to write", style="bold")
    if plan.unchanged:
        return Text("the same file is there already: nothing to write", style="bold")
    if any(f.status == SAME for f in plan.files):
        return Text("some of these files are there already with the same content")
    return Text("a new file")
