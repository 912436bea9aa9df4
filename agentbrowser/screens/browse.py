"""The browse screen: the list on the left, the highlighted agent on the right, search on top.

Widgets announce (AgentList.Highlighted, FilterInput.Navigate), this screen decides. Disk work
(loading, polling for changes, reading a file to copy) happens in thread workers that post
messages; the screen swaps in a new `Library` snapshot when one arrives.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label

from agentbrowser import memory
from agentbrowser.loading import collection, trace
from agentbrowser.loading.library import (
    Library,
    apply_changes,
    library_from_wires,
    load_library,
    partial_library,
    preloaded_library,
    refresh,
    with_skill_files,
)
from agentbrowser.messages import LibraryChanged, LibraryLoaded, LoadFailed, LoadProgress
from agentbrowser.model.records import Agent
from agentbrowser.model.search import IS_VALUES, unknown_is
from agentbrowser.model.text import one_line
from agentbrowser.widgets.agent_list import AgentList
from agentbrowser.widgets.agent_view import AgentView
from agentbrowser.widgets.filter_input import PLACEHOLDERS, FilterInput
from agentbrowser.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from agentbrowser.screens.groups import GroupsCache
    from agentbrowser.screens.install_dialog import InstallChoice
    from agentbrowser.screens.similar import SimilarityCache

#: Seconds between two polls of the loaded files; discovery runs again every REDISCOVER polls.
POLL_SECONDS = 2.0
REDISCOVER = 5
#: Seconds between two updates of the loading progress.
PROGRESS_SECONDS = 0.25
#: When the loader has done this share of the files by the time the screen mounts, the first
#: frame waits up to NEARLY_DONE_WAIT_SECONDS for the rest.
NEARLY_DONE = 0.9
NEARLY_DONE_WAIT_SECONDS = 0.06
#: At most this many agents are marked for comparison (two: side by side; 3 to 6: all at once).
MAX_MARKED = 6


def count_text(matches: int, total: int, query: str) -> str:
    """`12 agents`, or `3/12 agents` while a filter is active."""
    noun = "agent" if total == 1 else "agents"
    if query.strip():
        return f"{matches:,}/{total:,} {noun}"
    return f"{total:,} {noun}"


class BrowseScreen(Screen[None]):
    """Browse a collection: search it, read an agent, copy its prompt, open it in an editor."""

    AUTO_FOCUS = "#agents"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: checked as each key arrives, so focus has moved before the next key of a
        # burst (a fast typist, a paste, tmux send-keys) is handed to a widget. Without it,
        # `/name` typed at once loses `name`, and `escape c` types a `c` into the box.
        Binding("slash", "search", "Search", priority=True),
        Binding("c", "copy_prompt", "Copy prompt"),
        Binding("y", "copy_menu", "Copy\u2026"),
        Binding("space", "toggle_mark", "Mark"),
        Binding("d", "compare", "Compare"),
        Binding("S", "similar", "Similar agents", show=False),
        Binding("v", "groups", "Variants: groups of agents doing the same job", show=False),
        Binding("e", "edit", "Open in $EDITOR", show=False),
        Binding("i", "install", "Install where a tool reads it\u2026", show=False),
        Binding("n", "new_agent", "New agent from this one\u2026", show=False),
        Binding("F", "fix", "Repair frontmatter (shows the diff first)", show=False),
        Binding("r", "toggle_raw", "Raw file / rendered", show=False),
        Binding("o", "open_resource", "Open one of a skill's files", show=False),
        Binding("ctrl+r,f5", "reload", "Reload all files", show=False),
        Binding(
            "escape",
            "back",
            "Back: to the skill from its file, to the list; again: clear the search",
            show=False,
            priority=True,
        ),
    ]

    def __init__(self, paths: list[str], use_cache: bool = True) -> None:
        super().__init__()
        self.paths = paths
        self.use_cache = use_cache
        self.library: Library | None = None
        """The collection shown; None until the first load finishes."""
        self.marked: list[str] = []
        """Paths marked for comparison (space), oldest first, at most six."""
        self.similar_cache: SimilarityCache | None = None
        """The similarity index of the collection (S), built on first use, rebuilt after a change."""
        self.groups_cache: GroupsCache | None = None
        """The groups of the collection (v), computed on first use, kept until it changes."""
        self.load_seconds = 0.0
        """How long the last full load took (parse and index, in the worker)."""
        self._polls = 0
        self._polling = False
        self._arriving: collection.Arriving | None = None
        """The CLI's preload, when the first frame showed part of it."""
        self._partial_total: int | None = None
        """While part of the collection is listed: how many files there are in all."""
        self._timer: Timer | None = None
        self._select_after_load: str | None = None
        """A file just written (install, new agent): highlighted when the reload lists it."""
        self._groups_when_loaded = False
        """`v` came while part of the collection was listed: the groups open once all is."""

    def compose(self) -> ComposeResult:
        trace.mark("compose")
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                with Horizontal(id="searchbar"):
                    yield FilterInput(placeholder=PLACEHOLDERS[0], id="filter")
                    yield Label("Loading\u2026", id="count")
                yield AgentList(id="agents")
            yield AgentView(id="detail")
        yield KeyBar()

    @property
    def agent_list(self) -> AgentList:
        """The list widget."""
        return self.query_one(AgentList)

    @property
    def agent_view(self) -> AgentView:
        """The detail pane."""
        return self.query_one(AgentView)

    @property
    def filter_input(self) -> FilterInput:
        """The search box."""
        return self.query_one(FilterInput)

    @property
    def selected(self) -> Agent | None:
        """The highlighted agent."""
        return self.agent_list.highlighted

    def on_mount(self) -> None:
        self.agent_view.border_title = "Detail"
        self.query_one("#sidebar").border_title = "Agents"
        # Records the preload (cli.cmd_browse) has already sent are listed now, in the first
        # frame: no disk, ~25 ms for 2,000 (a second frame would cost more). Otherwise load in
        # a thread at once: the first frame never waits for the disk or the parse.
        trace.mark("mount")
        self.call_after_refresh(self._first_frame)
        started = time.perf_counter()
        library = preloaded_library(self.paths, self.use_cache)
        trace.mark(f"mount: preloaded {'all' if library is not None else 'not all'}")
        if library is not None:
            self.on_library_loaded(LibraryLoaded(library, time.perf_counter() - started))
            return
        # Still parsing: the records the loader has sent so far go in the first frame, and
        # the load thread waits for the rest.
        self._arriving = collection.arriving(self.paths, wait=False)
        if self._arriving is not None and self._arriving.take_nowait():
            # Nearly all in (a warm start parsing its last files): the whole collection in
            # the first frame, rather than a part replaced by the whole a frame later.
            wires = self._arriving.rest_if_nearly_done(NEARLY_DONE, NEARLY_DONE_WAIT_SECONDS)
            if wires is not None:
                coming, self._arriving = self._arriving, None
                trace.mark("mount: the rest came")
                self._adopt_preload(coming, wires, started)
                return
            partial = self._arriving.partial()
            trace.mark(f"mount: {len(partial)} records arrived")
            if partial:
                self._show_partial(partial, len(self._arriving.found))
        self.load()

    def _show_partial(self, agents: list[Agent], total: int) -> None:
        """List the records that have arrived while the rest load (no live reload yet)."""
        self._partial_total = total
        self._swap(partial_library(self.paths, agents), None)

    def _first_frame(self) -> None:
        trace.mark("first frame")
        # The loader's helper process may parse now: the start no longer needs this core.
        collection.first_frame_shown()
        memory.resume_after_start()  # the CLI paused the cyclic GC for the start

    # -- loading and live reload -----------------------------------------------------------

    def _loader(self):  # type: ignore[no-untyped-def]
        """collection.load with the index cache, or (--no-cache) one that neither reads nor writes it."""
        use_cache = self.use_cache

        def loader(found, progress=None):  # type: ignore[no-untyped-def]
            return collection.load(found, use_cache=use_cache, progress=progress)

        return loader

    # Every worker gets a description: without one, Textual builds it from the repr of the
    # arguments on the event loop (~65 ms for a Library of 10,000 agents, every poll).
    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def load(self) -> None:
        """Read the whole collection, posting progress, then the snapshot."""
        started = time.perf_counter()
        shown = [-PROGRESS_SECONDS]

        def progress(done: int, total: int) -> None:
            # A few updates a second: each one repaints the screen, and 40 of them (one per
            # 250 files of 10,000) cost the UI process ~300 ms of CPU, taken from the loader.
            now = time.perf_counter()
            if now - shown[0] >= PROGRESS_SECONDS:
                shown[0] = now
                self.post_message(LoadProgress(done, total))

        try:
            coming = self._arriving
            self._arriving = None
            if coming is None and self.library is None:  # the CLI's preload may be under way
                coming = collection.arriving(self.paths)
            wires = coming.take_rest(progress) if coming is not None else None
            if coming is not None and wires is not None:
                # The rest is built on the event loop, in one go (see collection.Arriving).
                self.app.call_from_thread(self._adopt_preload, coming, wires, started)
                return
            library = load_library(self.paths, progress, loader=self._loader())
            if self.library is not None:
                library.index.build()  # a reload: the search box may hold a query
        except Exception as exc:  # noqa: BLE001 - any failure is shown, never a blank screen
            self.post_message(LoadFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(LibraryLoaded(library, time.perf_counter() - started))

    def _adopt_preload(
        self, coming: collection.Arriving, wires: collection.Wires, started: float
    ) -> None:
        library = library_from_wires(self.paths, coming, wires)
        self.on_library_loaded(LibraryLoaded(library, time.perf_counter() - started))

    @work(thread=True, group="index", exit_on_error=False, description="index")
    def build_index(self, library: Library) -> None:
        """Build the search haystacks once the list is on screen (~50 ms for 10,000 agents).

        Then freeze what the heap holds: the cyclic GC no longer walks the collection's ~100,000
        objects (a full collection with 10,000 agents: ~30 ms, at any moment, say a keystroke).
        """
        library.index.build()
        len(library.signatures)  # a preload's are worked out on first use: here, not in a poll
        memory.freeze()
        trace.mark("search index built")

    def on_load_progress(self, message: LoadProgress) -> None:
        """Show how far loading has got."""
        text = f"Loading\u2026 {message.done:,}/{message.total:,}"
        self.query_one("#count", Label).update(text)
        if self.library is None:
            self.agent_list.empty_text = text

    def on_load_failed(self, message: LoadFailed) -> None:
        """Loading stopped: tell the user, and leave the screen usable."""
        self._groups_when_loaded = False  # (a later reload does not open them unasked)
        if self._partial_total is not None:  # what was listed stays, as a plain list
            self._partial_total = None
            if self.selected is not None:
                self.agent_view.show(self.selected)
        self.query_one("#count", Label).update("load failed")
        self.agent_list.empty_text = "Could not load agents"
        self.notify(
            f"Could not load the agents: {message.error}",
            severity="error",
            timeout=10,
            markup=False,
        )

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        """The collection is read: fill the list, keep the selection on a reload."""
        keep = self.selected.path if self.selected else None
        if self._select_after_load is not None:
            paths = {agent.path for agent in message.library.agents}
            if self._select_after_load in paths:
                keep = self._select_after_load
            self._select_after_load = None
        self.load_seconds = message.seconds
        was_partial, self._partial_total = self._partial_total is not None, None
        trace.mark(f"{len(message.library.agents)} agents loaded")
        self._swap(message.library, keep)
        if was_partial and self.selected is not None and self.agent_view.agent is None:
            # The highlight may be the very record the partial list had: no new announcement.
            self.agent_view.show(self.selected)
        self.call_after_refresh(trace.mark, "frame with the loaded agents")
        self.call_after_refresh(self.build_index, message.library)
        self._check_skill_files(message.library)
        if not message.library.agents:
            where = ", ".join(self.paths) or "the project, user and plugin folders"
            self.agent_list.empty_text = f"No agent files found in {one_line(where, 60)}"
            self.agent_view.placeholder = "Nothing to show"
        if self._timer is None:
            self._timer = self.set_interval(POLL_SECONDS, self._poll_tick, name="poll")
        if self._groups_when_loaded:
            self._groups_when_loaded = False
            typing = isinstance(self.app.focused, FilterInput)
            if self.app.screen is self and not typing:
                self.action_groups()
            else:  # not over what the user opened meanwhile, nor into what they type
                count = len(message.library.agents)
                self.notify(f"All {count:,} agents are read: v groups them")

    def on_library_changed(self, message: LibraryChanged) -> None:
        """Files changed on disk: show the new snapshot, staying on the same agent."""
        if self.library is None or message.base_generation != self.library.generation:
            return  # computed from an older snapshot: the next poll sees the change again
        selected = self.selected
        self._swap(message.library, selected.path if selected else None)
        self._check_skill_files(message.library)
        # The same path, a new record: the list does not announce it, so redraw the detail.
        new = self.selected
        if (
            new is not None
            and selected is not None
            and new.path == selected.path
            and new is not selected
        ):
            self.agent_view.show(new)

    def _check_skill_files(self, library: Library) -> None:
        """Read the skills' other files for what they hide or run, after the list is shown (a
        collection without skill files costs nothing: discovery knows)."""
        if library.has_skill_files and not library.skill_files:
            self.read_skill_files(library)

    @work(thread=True, exclusive=True, group="skill-files", exit_on_error=False)
    def read_skill_files(self, library: Library) -> None:
        """The snapshot whose skills sum up their files' findings, posted as a change."""
        self.post_message(LibraryChanged(with_skill_files(library), library.generation))

    def _swap(self, library: Library, keep: str | None) -> None:
        self.library = library
        if self.marked:  # (every record would be made for this: only when there are marks)
            paths = {agent.path for agent in library.agents}
            self.marked = [path for path in self.marked if path in paths]
        self.agent_list.set_marked(self.marked)
        self._apply_filter(keep)

    def _poll_tick(self) -> None:
        if self.library is None or self._polling:
            return
        self._polls += 1
        self._polling = True
        self.poll(self.library, self._polls % REDISCOVER == 0)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False, description="poll")
    def poll(self, library: Library, rediscover: bool = False) -> None:
        """Stat every loaded file (and, now and then, look for new ones); post what changed."""
        try:
            changed = refresh(library, rediscover)
        finally:
            self._polling = False
        if changed is not None:
            self.post_message(LibraryChanged(changed, library.generation))

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False, description="reload")
    def reload_paths(self, paths: list[str]) -> None:
        """Read some files again now (after the editor closed)."""
        library = self.library
        if library is not None:
            self.post_message(LibraryChanged(apply_changes(library, paths), library.generation))

    def action_reload(self) -> None:
        """Read every file again."""
        self.notify("Reloading all files\u2026")
        self.load()

    # -- search ----------------------------------------------------------------------------

    def _apply_filter(self, keep: str | None = None) -> None:
        """Search the collection for the box's text and show the results, best first."""
        library = self.library
        if library is None:
            return
        query = self.filter_input.value
        matches = library.search(query)
        self.agent_list.empty_text = (
            f"No agent matches {one_line(query, 40)!r}" if query.strip() else "No agents"
        )
        unknown = unknown_is(query) if not matches else []
        if unknown:  # a typo matches nothing: say what `is:` takes
            self.agent_list.empty_text = (
                f"No agent is {one_line(unknown[0], 20)!r}: is: takes {', '.join(IS_VALUES)}"
            )
        keep_index = library.position(keep) if keep is not None else None
        self.agent_list.set_matches(library.agents, matches, keep=keep_index)
        count = count_text(len(matches), len(library.agents), query)
        if self._partial_total is not None:
            count = f"Loading\u2026 {len(library.agents):,}/{self._partial_total:,}"
        self.query_one("#count", Label).update(count)
        if not matches:
            self.agent_view.placeholder = "No agent matches the search"

    @on(Input.Changed, "#filter")
    def search_as_you_type(self, event: Input.Changed) -> None:
        """Typing selects the best match; clearing the box stays on the agent shown."""
        keep = self.selected.path if self.selected and not event.value.strip() else None
        self._apply_filter(keep)

    @on(Input.Submitted, "#filter")
    def leave_search(self) -> None:
        """Enter in the box goes to the list."""
        self.set_focus(self.agent_list)

    @on(FilterInput.Navigate)
    def move_from_search(self, event: FilterInput.Navigate) -> None:
        """Arrow keys in the box move the list's highlight."""
        self.agent_list.move_to(self.agent_list.cursor + event.delta)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the search box, `/` is text (`edit/editFiles`): the priority binding of `search`
        stands aside, and the key reaches the box after the keys typed before it (inserted by
        the binding, it went ahead of them: `ab/cd` read `/abcd`)."""
        if action == "search" and self.focused is self.filter_input:
            return False
        return True

    def action_search(self) -> None:
        """Focus the search box.

        Focus moves at once (Screen.set_focus), not later as Widget.focus() does: keys typed
        straight after `/` (a fast typist, tmux send-keys, a paste) must land in the box.
        """
        self.set_focus(self.filter_input)

    def action_back(self) -> None:
        """Escape: from a skill's file back to the skill; from the box or the detail to the
        list; in the list, clear the search."""
        if self.agent_view.resource is not None:
            self._close_resource()
        elif self.focused is not self.agent_list:
            self.set_focus(self.agent_list)  # at once, so that `escape c` copies
        elif self.filter_input.value:
            self.filter_input.value = ""

    def action_clear_search(self) -> None:
        """Empty the search box: every agent is listed again."""
        self.filter_input.value = ""

    def action_toggle_compact(self) -> None:
        """One line per agent, or two."""
        self.agent_list.compact = not self.agent_list.compact

    # -- the highlighted agent -------------------------------------------------------------

    @on(AgentList.Highlighted)
    def show_highlighted(self, event: AgentList.Highlighted) -> None:
        """Show the highlighted agent beside the list (once the whole collection is in)."""
        if self._partial_total is not None:
            # Rendering a prompt (and importing markdown and pygments for it) takes ~100 ms
            # of CPU that the loader, still parsing, needs more.
            self.agent_view.show(None)
            return
        self.agent_view.show(event.agent)

    @on(AgentList.Activated)
    def read_activated(self) -> None:
        """Enter on an agent: focus the detail pane to scroll it."""
        self.agent_view.focus()

    def action_toggle_raw(self) -> None:
        """Switch the detail pane between rendered and the raw file (from a skill's file shown
        in it: back to the skill, switched)."""
        view = self.agent_view
        view.raw = not view.raw
        if view.resource is not None:
            view.open_resource(None)
        view.border_title = "Raw file" if view.raw else "Detail"

    def _close_resource(self) -> None:
        """The skill itself again in the detail pane, in place of one of its files."""
        view = self.agent_view
        view.open_resource(None)
        view.border_title = "Raw file" if view.raw else "Detail"

    def action_open_resource(self) -> None:
        """Choose one of the highlighted skill's files (its resources) to show in the pane."""
        from agentbrowser.screens.resource_menu import SKILL, ResourceMenu

        agent = self.selected
        if agent is None:
            return
        if not agent.resources:
            self.notify("Only a skill has files of its own (the files beside its SKILL.md).")
            return
        view = self.agent_view

        def chosen(relative: str | None) -> None:
            if relative is None or view.agent is None or view.agent.path != agent.path:
                return
            if relative == SKILL:
                self._close_resource()
                return
            view.open_resource(relative)
            view.border_title = "Skill resource"

        self.app.push_screen(ResourceMenu(agent, view.resource), chosen)

    def action_copy_prompt(self) -> None:
        """Copy the highlighted agent's prompt (without frontmatter)."""
        if self.selected is not None:
            self.copy_part(self.selected, "prompt")

    def action_copy(self, part: str) -> None:
        """Copy one part of the highlighted agent (from the command palette)."""
        if self.selected is not None:
            self.copy_part(self.selected, part)

    def action_copy_menu(self) -> None:
        """Choose a part of the highlighted agent to copy."""
        from agentbrowser.screens.copy_menu import CopyMenu

        agent = self.selected
        if agent is None:
            return

        def chosen(part: str | None) -> None:
            if part:
                self.copy_part(agent, part)

        self.app.push_screen(CopyMenu(agent), chosen)

    @work(thread=True, group="copy", exit_on_error=False, description="copy")
    def copy_part(self, agent: Agent, part: str, label: str | None = None) -> None:
        """Copy in a thread: reading the file or a slow system clipboard never blocks the UI.
        ``label`` names the agent in what is said (a screen that shows two of one name)."""
        from agentbrowser.clipboard import copy_shown
        from agentbrowser.model.parts import PartUnreadable, part_text

        name = one_line(label if label is not None else agent.name, 80)
        try:
            text = part_text(agent, part)
        except PartUnreadable as exc:
            self.app.call_from_thread(
                self.notify,
                f"Nothing copied: {one_line(str(exc), 200)}",
                severity="warning",
                markup=False,
            )
            return
        if not text:
            self.app.call_from_thread(
                self.notify,
                f"The {part} of {name} is empty: nothing copied",
                severity="warning",
                markup=False,
            )
            return

        def terminal(value: str) -> None:
            self.app.call_from_thread(self.app.copy_to_clipboard, value)

        # describe() names the failed destinations too.
        copied = copy_shown(
            text, lambda kept: f"the {part} of {name} ({len(kept):,} chars)", terminal
        )
        self.app.call_from_thread(lambda: self.notify(**copied.notification()))

    def action_edit(self) -> None:
        """Open the highlighted file in $VISUAL or $EDITOR, then read it again."""
        agent = self.selected
        if agent is not None and self.run_editor(agent.path):
            self.reload_paths([agent.path])

    def run_editor(self, path: str) -> bool:
        """Hand the terminal to $VISUAL or $EDITOR on a file; False (and a notice) when not."""
        from textual.app import SuspendNotSupported

        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify(
                "Set $VISUAL or $EDITOR to open files from here (e.g. export EDITOR=nano)",
                severity="warning",
            )
            return False
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), path], check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor", severity="warning")
            return False
        except (OSError, ValueError) as exc:
            self.notify(f"Could not start {editor!r}: {exc}", severity="error", markup=False)
            return False
        return True

    # -- install, and new agents ------------------------------------------------------------

    def action_install(self) -> None:
        """Install the highlighted agent where a tool reads it (a dialog; nothing written yet)."""
        self._open_install_dialog("install")

    def action_new_agent(self) -> None:
        """Start a new agent from the highlighted one: a name, a copy, then $EDITOR."""
        self._open_install_dialog("new")

    def _open_install_dialog(self, mode: str) -> None:
        if self.selected is not None:
            self.open_install_dialog(self.selected, mode)

    def open_install_dialog(self, agent: Agent, mode: str = "install") -> None:
        """The install (or new agent) dialog for an agent, over whichever screen shows; what it
        confirms is written here, and the list read again."""
        from agentbrowser.screens.install_dialog import InstallDialog

        self.app.push_screen(InstallDialog(agent, mode), self.write_installed)

    def write_installed(self, choice: InstallChoice | None) -> None:
        """Write what the install dialog confirmed, say where, and list it."""
        from agentbrowser.writing.install import InstallError, write_plan

        if choice is None:
            return
        plan = choice.plan
        where = one_line(plan.main.path, 100)
        if plan.unchanged:  # nothing to write: no editor opened on a file nobody made
            what = "is this agent's own file" if plan.main.own else "already holds this text"
            self.notify(f"{where} {what}: nothing written", markup=False)
            return
        try:
            written = write_plan(plan, force=choice.force)
        except (InstallError, OSError) as exc:
            done = getattr(exc, "written", [])
            what = "Nothing installed"
            if done:
                what = f"Installed in part ({len(done)} of {len(plan.files)} files)"
            self.notify(
                f"{what}: {one_line(str(exc), 300)}", severity="error", timeout=10, markup=False
            )
            if done:
                self.load()  # what was written is listed
            return
        files = f" (+{len(written) - 1} files)" if len(written) > 1 else ""
        title = "Installed" if choice.mode == "install" else "New agent"
        roots = [os.path.abspath(p) for p in self.paths]
        outside = roots and not any(
            plan.main.path == root or plan.main.path.startswith(root.rstrip(os.sep) + os.sep)
            for root in roots
        )
        note = " (outside the folders shown here: not listed)" if outside else ""
        if choice.force and plan.clashes:
            note = f" in place of the different file that was there{note}"
        self.notify(f"Wrote {where}{files}{note}", title=title, markup=False)
        self._select_after_load = plan.main.path
        if choice.mode == "new":
            self.run_editor(plan.main.path)
        self.load()  # discovery again: the new file is listed where its scope is

    # -- repair ----------------------------------------------------------------------------

    def action_fix(self) -> None:
        """Show the repair of the highlighted file's frontmatter as a diff; write it if asked."""
        if self.selected is not None:
            self.plan_fix(self.selected)

    @work(thread=True, group="fix", exclusive=True, exit_on_error=False, description="fix")
    def plan_fix(self, agent: Agent) -> None:
        """Read the file and work out its repair in a thread; then ask, or say why not."""
        from agentbrowser.writing import fixfiles

        item = fixfiles.plan(agent.path, agent.scope, agent.format)
        name = one_line(agent.name, 60)
        if item.refused is not None:
            message = f"{name}: cannot repair: {one_line(item.refused, 120)}"
            self.app.call_from_thread(self.notify, message, severity="warning", markup=False)
        elif not item.changes:
            message = f"{name}: nothing to repair: every reader reads this frontmatter alike"
            self.app.call_from_thread(self.notify, message, markup=False)
        else:
            diff = fixfiles.unified_diff(item, os.path.basename(agent.path))
            self.app.call_from_thread(self._confirm_fix, agent, item, diff)

    def _confirm_fix(self, agent: Agent, item: object, diff: str) -> None:
        from agentbrowser.screens.fix_confirm import FixConfirm
        from agentbrowser.writing.fixfiles import FilePlan

        assert isinstance(item, FilePlan)

        def answered(write: bool | None) -> None:
            if write:
                self.write_fix(agent, item)

        self.app.push_screen(
            FixConfirm(agent.name, item.describe(done=False), diff, item.blocked), answered
        )

    @work(thread=True, group="fix", exit_on_error=False, description="write fix")
    def write_fix(self, agent: Agent, item: object) -> None:
        """Write the confirmed repair (only if the file is still as it was read), then reload it."""
        from agentbrowser.writing import fixfiles

        assert isinstance(item, fixfiles.FilePlan)
        name = one_line(agent.name, 60)
        try:
            fixfiles.apply(item)
        except fixfiles.StaleFileError as exc:
            message = f"{name}: {exc}"
            self.app.call_from_thread(self.notify, message, severity="warning", markup=False)
            return
        except OSError as exc:
            message = f"{name}: not written: {exc.strerror or exc}"
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"{name}: repaired", markup=False)
        self.app.call_from_thread(self.reload_paths, [agent.path])

    # -- comparison ------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted agent for comparison (six at most: a seventh is
        refused, saying so; no mark ever goes without the user's space)."""
        agent = self.selected
        if agent is None:
            return
        if agent.path in self.marked:
            self.marked.remove(agent.path)
        elif len(self.marked) >= MAX_MARKED:
            self.notify(
                f"{MAX_MARKED} agents are marked, as many as one compare shows: unmark one "
                "(space on it) to mark another",
                severity="warning",
            )
            return
        else:
            self.marked.append(agent.path)
        self.agent_list.set_marked(self.marked)

    def compare_pair(self) -> tuple[Agent, Agent] | None:
        """The two marked agents, or the marked one and the highlighted one."""
        library = self.library
        if library is None:
            return None
        by_path = {agent.path: agent for agent in library.agents}
        chosen = [by_path[path] for path in self.marked if path in by_path]
        if len(chosen) == 1 and self.selected is not None and self.selected.path != chosen[0].path:
            chosen.append(self.selected)
        return (chosen[0], chosen[1]) if len(chosen) == 2 else None

    def marked_agents(self) -> list[Agent]:
        """The marked agents that are still listed, oldest mark first."""
        if self.library is None:
            return []
        by_path = {agent.path: agent for agent in self.library.agents}
        return [by_path[path] for path in self.marked if path in by_path]

    def action_compare(self) -> None:
        """Open the compare screen for the pair, or for 3 to 6 marked agents all at once."""
        many = self.marked_agents()
        if len(many) >= 3:
            from agentbrowser.screens.multi_compare import MultiCompareScreen

            self.app.push_screen(MultiCompareScreen(many))
            return
        pair = self.compare_pair()
        if pair is None:
            self.notify(
                "Mark two agents with space (or mark one and highlight another), then press d"
            )
            return
        from agentbrowser.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(*pair))

    def action_similar(self) -> None:
        """List the agents most like the highlighted one (S); enter compares with the chosen one."""
        from agentbrowser.screens.similar import SimilarityCache, SimilarScreen

        if self.selected is None or self.library is None:
            return
        if self.similar_cache is None:
            self.similar_cache = SimilarityCache()
        self.app.push_screen(SimilarScreen(self.selected, self.library.agents, self.similar_cache))

    def action_groups(self) -> None:
        """Group the collection's agents by the job they do (v); enter compares a group."""
        from agentbrowser.screens.groups import GroupsCache, GroupsScreen

        if self.library is None:
            self.notify("Still loading: try again in a moment")
            return
        if self._partial_total is not None:  # groups of part of it would mislead, then go stale
            self._groups_when_loaded = True
            self.notify(
                f"Grouping waits for the whole collection ({len(self.library.agents):,} of "
                f"{self._partial_total:,} read): the groups open when loading ends"
            )
            return
        if self.groups_cache is None:
            self.groups_cache = GroupsCache()
        self.app.push_screen(GroupsScreen(self.library.agents, self.groups_cache))

    def action_compare_with(self) -> None:
        """Compare the highlighted agent with one picked by fuzzy search (command palette)."""
        from agentbrowser.screens.similar import CompareWithScreen

        if self.selected is not None and self.library is not None:
            self.app.push_screen(
                CompareWithScreen(self.selected, self.library.agents, self.library.index)
            )
