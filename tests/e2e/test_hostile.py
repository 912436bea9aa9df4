"""Hostile input (issue 6): every file is listed with its problem; nothing hangs, crashes, runs
or reaches the terminal as a control sequence.

The tree comes from tests/hostile_tree.py (shared with the TUI pilot and tmux tests). Nothing
here can hang or take the suite down (pytest-timeout is not a dependency): the tree is first
listed in a subprocess with a timeout, so that a crash or a hang fails the tests that use it
instead of stopping them; in-process commands run under `time_limit` (SIGALRM); what blocks by
design (a hanging clipboard) runs in a daemon thread joined with a bound.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from agentbrowser import cli, clipboard
from agentbrowser.loading.collection import load_collection
from agentbrowser.model import text as text_module
from agentbrowser.model.parse import parse_file, parse_text
from agentbrowser.model.records import with_body
from agentbrowser.model.text import read_text

from ..hostile_tree import (
    CLIPBOARD_PAYLOADS,
    COMMITTED_PWNED_MARKER,
    EXPECTED,
    HOSTILE_DATA,
    MANY_TOOLS,
    TITLE_PAYLOAD,
    listed_kinds,
    make_hostile_tree,
    permissions_enforced,
    pwned_marker,
    time_limit,
)
from ..paths import BUNDLED, installed_command

# Anything a terminal could act on: C0 controls but newline and tab, DEL, and C1 (CSI 0x9b...).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINT_LINE = re.compile(
    r"^(?P<file>.+?)(?::(?P<line>\d+))?: (?P<severity>error|warning|info): (?P<message>.+)$"
)
# json.loads accepts NaN and Infinity unless told not to.
STRICT_JSON: dict[str, Any] = {
    "parse_constant": lambda name: pytest.fail(f"non-standard JSON constant {name}")
}


def probe(root: Path, cache: Path) -> None:
    """List root in a subprocess first: a crash (SIGSEGV) or hang there fails, not kills, the suite."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "agentbrowser", "list", "--json", str(root)],
            capture_output=True,
            timeout=120,
            env={**os.environ, "XDG_CACHE_HOME": str(cache)},
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("listing the hostile tree hung (killed after 120 s)")
    if done.returncode != 0:
        pytest.fail(f"listing the hostile tree exited {done.returncode}: {done.stderr[-2000:]!r}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """One hostile tree for the read-only tests of this module."""
    root = tmp_path_factory.mktemp("hostile") / "tree"
    tree = make_hostile_tree(root)
    probe(root, tmp_path_factory.mktemp("probe-cache"))
    return root, tree


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """cli.main with stdout captured in a StringIO and stderr through capsys."""
    out = StringIO()
    with time_limit(120):
        code = cli.main(args, out=out)
    return code, out.getvalue(), capsys.readouterr().err


@pytest.fixture(scope="module")
def listing(hostile: tuple[Path, dict[str, Path]]) -> dict[str, dict[str, Any]]:
    """`list --json` over the tree, by path."""
    root, _ = hostile
    out = StringIO()
    # Module-scoped, so set up before conftest's per-test cache folder: use one of its own.
    with pytest.MonkeyPatch.context() as patch, time_limit(120):
        patch.setenv("XDG_CACHE_HOME", str(root.parent.parent / "listing-cache"))
        assert cli.main(["list", "--json", str(root)], out=out) == 0
    records = json.loads(out.getvalue(), **STRICT_JSON)
    return {record["path"]: record for record in records}


def in_thread(func: Callable[[], Any], bound: float = 20.0) -> Any:
    """Run func in a daemon thread; fail (rather than hang the suite) when it takes over `bound`."""
    result: list[Any] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(func())
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            error.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(bound)
    assert not thread.is_alive(), f"{func} did not return within {bound} s"
    if error:
        raise error[0]
    return result[0]


# --- every entry listed, with the problem it is due ---------------------------------------------


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_every_entry_is_listed_with_its_problem(
    kind: str, hostile: tuple[Path, dict[str, Path]], listing: dict[str, dict[str, Any]]
) -> None:
    _, tree = hostile
    record = listing.get(str(tree[kind]))
    assert record is not None, f"{kind} is not listed"
    expect = EXPECTED[kind]
    problems = [(p["severity"], p["message"]) for p in record["problems"]]
    if kind == "unreadable" and not permissions_enforced(tree[kind]):
        # Root (as in CI) reads a chmod 000 file: it is listed and read like any other.
        assert record["name"] == "unreadable" and not problems
        return
    if expect.severity is None:
        assert not [p for p in problems if p[0] == "error"], problems
    else:
        assert any(
            severity == expect.severity and (expect.fragment or "") in message
            for severity, message in problems
        ), problems


def test_listing_is_exactly_the_tree_and_the_rest_still_works(
    hostile: tuple[Path, dict[str, Path]], listing: dict[str, dict[str, Any]]
) -> None:
    _, tree = hostile
    # Every entry once: the folder symlinked to its parent and the loops add nothing.
    assert set(listing) == {str(p) for p in listed_kinds(tree).values()}
    good = listing[str(tree["good"])]
    assert (
        good["name"] == "good-agent" and good["tools"] == ["Read", "Grep"] and not good["problems"]
    )
    assert listing[str(tree["bom"])]["name"] == "bom-agent"
    assert listing[str(tree["crlf"])]["tools"] == ["Read", "Edit"]
    assert listing[str(tree["latin1"])]["description"].startswith("caf\ufffd")
    assert len(listing[str(tree["many_tools"])]["tools"]) == MANY_TOOLS
    assert len(listing[str(tree["many_tools_list"])]["tools"]) == MANY_TOOLS
    assert len(listing[str(tree["long_description"])]["description"]) == 1024 * 1024


def test_committed_fixtures_alone_load_through_the_model(
    hostile: tuple[Path, dict[str, Path]],
) -> None:
    """The committed folder (no FIFO or symlinks) as another suite would use it: one record each."""
    with time_limit(60):  # `hostile` has probed the same files in a subprocess
        agents = load_collection([str(HOSTILE_DATA)])
    assert len(agents) == len(list(HOSTILE_DATA.glob("*.md")))
    assert sum(a.has_error for a in agents) >= 10


def test_the_json_of_a_non_utf8_file_name_gives_back_its_bytes(
    hostile: tuple[Path, dict[str, Path]], listing: dict[str, dict[str, Any]]
) -> None:
    _, tree = hostile
    path = str(tree["nonutf8_filename"])
    assert path in listing  # json.loads gave back the surrogate escape...
    assert os.fsencode(path).endswith(b"latin\xe9-name.md")  # ...which is the real name


def test_special_values_become_portable_json(
    hostile: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, tree = hostile
    code, out, _ = run_cli(
        ["show", "--json", str(tree["special_values"]), str(tree["special_values"])], capsys
    )
    assert code == 0
    record = json.loads(out, **STRICT_JSON)
    front = record["frontmatter"]
    assert record["name"] == "nan" and record["description"] == "Infinity"
    assert front["nan"] == "NaN" and front["inf"] == "Infinity" and front["color"] == "-Infinity"
    # YAML 1.2, as the owners read it: a date is text, written as it stands
    assert front["model"] == "2024-01-01" and front["created"] == "2024-01-01 10:00:00"
    assert front["blob"] == "aGVsbG8="  # bytes as base64
    assert front["baddate"] == "2024-13-45" and front["huge"].startswith("1000")
    assert record["tools"] == ["nan"]


def test_nonstring_keys_become_strings(hostile: tuple[Path, dict[str, Path]]) -> None:
    _, tree = hostile
    agent = parse_file(str(tree["nonstring_keys"]))
    assert all(isinstance(key, str) for key in agent.frontmatter)
    assert {"on", "1", "null", "~", "3.5", "true"} <= set(agent.frontmatter)
    assert agent.frontmatter["on"] == "push"


def test_duplicate_keys_are_reported_with_their_lines(
    hostile: tuple[Path, dict[str, Path]],
) -> None:
    _, tree = hostile
    agent = parse_file(str(tree["duplicate_keys"]))
    duplicates = {
        (p.message.split("`")[1], p.line) for p in agent.problems if "duplicate key" in p.message
    }
    assert duplicates == {("name", 4), ("description", 5)}
    assert agent.name == "second"  # the last one wins, as in every YAML reader


# --- YAML: python tags never run; bombs and deep nesting are bounded ----------------------------


def plain_data(value: Any) -> bool:
    """True when value holds only what safe YAML makes: no object of any other class."""
    if isinstance(value, list):
        return all(plain_data(v) for v in value)
    if isinstance(value, dict):
        return all(plain_data(v) for v in value.values())
    return value is None or type(value) in (str, int, float, bool)


def test_python_tags_never_run(hostile: tuple[Path, dict[str, Path]]) -> None:
    root, tree = hostile
    for kind in ("python_tag", "python_tag_committed"):
        agent = parse_file(str(tree[kind]))
        # The tagged nodes are read as the plain data they hold, not os.system's return code.
        assert agent.frontmatter["name"][0].startswith("touch ")
        assert all(plain_data(value) for value in agent.frontmatter.values())
    # The CLI too, over the whole tree (the listing fixture may not have run yet).
    with time_limit(120):
        assert cli.main(["list", "--json", str(root)], out=StringIO()) == 0
    assert not pwned_marker(root).exists()
    assert not COMMITTED_PWNED_MARKER.exists()


@pytest.mark.parametrize(
    "kind", ["alias_bomb", "recursive_alias", "deep_flow", "deep_block", "deep_huge"]
)
def test_bombs_and_deep_nesting_are_problems(
    kind: str, hostile: tuple[Path, dict[str, Path]]
) -> None:
    _, tree = hostile
    with time_limit(30):
        agent = parse_file(str(tree[kind]))  # no RecursionError, no hang
    assert agent.has_error and agent.problems[0].message.startswith("frontmatter refused")
    assert agent.name in (
        "billion-laughs",
        "recursive-alias",
        "deep-flow",
        "deep-block",
        "deep-huge",
    )


DEEP_IN_A_SMALL_THREAD = """
import threading
threading.stack_size(256 * 1024)  # worker threads can be small (musl: 128 KB, macOS: 512 KB)
from agentbrowser.model.parse import parse_text
n = 100_000
texts = [
    "x: " + "[" * n + "]" * n,
    "x: " + "{a: " * n + "1" + "}" * n,
    "x:\\n" + "- " * n + "leaf",
    "".join(" " * i + "k:\\n" for i in range(2000)),
]
def work():
    for text in texts:
        agent = parse_text("---\\n" + text + "\\n---\\nbody\\n", "/x/deep.md")
        assert agent.has_error, agent.problems
    print("survived")
thread = threading.Thread(target=work)
thread.start()
thread.join()
"""


def test_deep_nesting_cannot_crash_the_process() -> None:
    """libyaml's composer recursed in C and died with SIGSEGV past ~20,000 levels (~1,500 on a
    512 KB thread stack): in a subprocess, so that a regression fails this test, not the suite."""
    done = subprocess.run(
        [sys.executable, "-c", DEEP_IN_A_SMALL_THREAD],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() == "survived"


# --- the CLI: strict JSON, lint lines, no control characters, markup as text --------------------


def test_list_json_keeps_raw_escapes_escaped_by_json(hostile: tuple[Path, dict[str, Path]]) -> None:
    root, tree = hostile
    out = StringIO()
    with time_limit(120):
        assert cli.main(["list", "--json", str(root)], out=out) == 0
    text = out.getvalue()
    assert not CONTROLS.search(text.replace("\n", ""))  # json.dumps escapes every control...
    records = {r["path"]: r for r in json.loads(text, **STRICT_JSON)}
    escaped = records[str(tree["escapes_yaml"])]
    assert escaped["name"] == "yaml\x1b[2Jclear\x1b]0;pwned\x07"  # ...and keeps it, raw
    assert escaped["tools"] == ["Read\x1b[31m", "\x1b]0;pwned\x07Bash", "\x9b2J"]
    assert "\x1b]52;c;" in escaped["description"] and "\x00" in escaped["description"]
    payload = escaped["description"].split("\x1b]52;c;")[1].split("\x07")[0]
    assert base64.b64decode(payload).decode() in CLIPBOARD_PAYLOADS
    assert f"\x1b]0;{TITLE_PAYLOAD}\x07" in escaped["name"]
    raw = records[str(tree["escapes_raw"])]
    assert raw["name"].startswith("raw\x1b[2J")


def test_diff_json_escapes_controls_too(
    hostile: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, tree = hostile
    a, b = str(tree["escapes_yaml"]), str(tree["escapes_raw"])
    code, out, err = run_cli(["diff", "--json", a, b, a, b], capsys)
    assert code in (0, 1) and "Traceback" not in err
    json.loads(out, **STRICT_JSON)
    assert not CONTROLS.search(out.replace("\n", ""))


def test_lint_exits_1_with_one_line_per_problem(
    hostile: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = hostile
    code, out, err = run_cli(["lint", str(root)], capsys)
    assert code == 1
    assert "Traceback" not in err and len(err.splitlines()) == 1
    lines = out.splitlines()
    agents = load_collection([str(root)])
    assert len(lines) == sum(len(a.problems) for a in agents)
    for line in lines:
        assert LINT_LINE.match(line), line
    assert any(line.endswith(": error: skipped: a FIFO, not read") for line in lines)
    assert any(": warning: duplicate key `name`: the last one wins" in line for line in lines)
    # A newline in a file name or a quoted key must not split a problem over two lines.
    assert any("new\u2424line\tname.md:" in line and "`two\u2424lines`" in line for line in lines)


def test_terminal_output_holds_no_control_characters(
    hostile: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Table, lint and show (every entry, both streams) carry no ESC, BEL, CSI 0x9b or NUL."""
    root, tree = hostile
    outputs = {
        "list": run_cli(["list", str(root)], capsys),
        "lint": run_cli(["lint", str(root)], capsys),
    }
    for kind, path in listed_kinds(tree).items():
        if kind == "big_prompt":
            continue  # plain ASCII; rendered (for 3 s) in test_a_long_prompt_renders_in_bounded_time
        # The path as the name and as the only source: one file loaded, whatever it is.
        outputs[f"show {kind}"] = run_cli(["show", str(path), str(path)], capsys)
    for what, (code, out, err) in outputs.items():
        assert "Traceback" not in err, what
        for stream in (out, err):
            found = set(CONTROLS.findall(stream))
            assert not found, (what, found)
    # The hostile texts were there to be shown, made visible.
    assert "\u241b]0;pwned\u2407" in outputs["show escapes_yaml"][1]
    assert "\u241b[2J" in outputs["show escapes_raw"][1]
    assert "\u241b]0;pwned\u2407" in outputs["list"][1]  # the file name with escapes
    assert outputs["show fifo"][0] == 0 and "FIFO" in outputs["show fifo"][1]


def test_show_raw_is_raw_in_a_pipe_and_refuses_what_it_cannot_read(
    hostile: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, tree = hostile
    code, out, _ = run_cli(
        ["show", "--raw", str(tree["escapes_raw"]), str(tree["escapes_raw"])], capsys
    )
    assert code == 0 and "\x1b]0;pwned\x07" in out  # a pipe asked for the bytes as they are
    code, out, err = run_cli(
        ["show", "--raw", str(tree["big_prompt"]), str(tree["big_prompt"])], capsys
    )
    assert code == 0 and len(out) == 5 * 1024 * 1024  # the read cap...
    assert (
        err.startswith("agentbrowser: warning: file is 20,") and "only the first" in err
    )  # ...said
    for kind in ("fifo", "binary", "broken_symlink", "loop_a", "device"):
        code, out, err = run_cli(["show", "--raw", str(tree[kind]), str(tree[kind])], capsys)
        assert code == 2 and not out and err.startswith("agentbrowser: error: cannot read"), kind


MARKUP = [
    "[bold]x[/]",
    "[/] unbalanced",
    "[@click=app.quit]hi[/]",
    "[link=file:///etc/passwd]x[/link]",
]


def test_markup_shows_literally(
    hostile: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, tree = hostile
    code, out, err = run_cli(["show", "[bold]x[/]", str(tree["markup"])], capsys)
    assert code == 0 and not err
    for literal in MARKUP + ["[red]opus", "[bold]markup[/]"]:
        assert literal in out, literal
    code, out, err = run_cli(
        ["show", str(tree["markup_unquoted"]), str(tree["markup_unquoted"])], capsys
    )
    assert code == 0 and "[@click=app.quit]hi[/] unbalanced [/]" in out
    code, out, _ = run_cli(["list", str(tree["markup"])], capsys)
    assert "[bold]x[/]" in out


def test_a_real_terminal_gets_only_colour_sequences(hostile: tuple[Path, dict[str, Path]]) -> None:
    """Rendered for a terminal (colour on), the only escapes are rich's own SGR colour codes: no
    OSC (title, clipboard, hyperlinks: file: links are not links), no BEL, no CSI but colour."""
    from rich.console import Console

    from agentbrowser.render.agent import agent_renderable

    _, tree = hostile
    for kind in ("escapes_raw", "escapes_yaml", "markup", "control_filename", "python_tag"):
        out = StringIO()
        Console(file=out, force_terminal=True, color_system="truecolor", width=100).print(
            agent_renderable(parse_file(str(tree[kind])))
        )
        without_sgr = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
        assert not CONTROLS.search(without_sgr.replace("\n", "")), kind
        if kind == "markup":
            assert "[link=file:///etc/passwd]x[/link]" in without_sgr
            assert "file link" in without_sgr  # the markdown link's text, not a hyperlink


def test_a_long_prompt_renders_in_bounded_time(hostile: tuple[Path, dict[str, Path]]) -> None:
    """The 20 MB prompt (5 MB read): the plain-text rest is rendered in pieces, since rich wraps
    one 5 MB Text in superlinear time (~10 s, against ~3 s in pieces); the output is complete."""
    from agentbrowser.render.agent import plain_pieces, render_agent

    _, tree = hostile
    agent = parse_file(str(tree["big_prompt"]))
    assert len(agent.body) > 5_000_000
    pieces = plain_pieces(agent.body)
    assert "\n".join(p.plain for p in pieces) == agent.body.rstrip("\n")
    # A line of megabytes is cut too (rich wraps one in time that grows with its square: a 5 MB
    # line took 16 s), at spaces where it has them: every word is kept.
    line = " ".join(f"w{i}" for i in range(400_000))
    pieces = plain_pieces(line)
    assert max(len(p.plain) for p in pieces) <= 100_000 and len(pieces) > 20
    assert "".join(p.plain for p in pieces) == line
    assert all(p.plain.endswith(" ") for p in pieces[:-1])
    solid = "x" * 250_000
    assert [len(p.plain) for p in plain_pieces(solid)] == [50_000] * 3 + [100_000]
    # A line of prose before a huge one ends its piece: the cut is at its line end.
    prose = "word " * 8_000 + "lastword"
    pieces = plain_pieces(prose + "\n" + "x" * 150_000)
    assert pieces[0].plain == prose and pieces[1].plain.startswith("xxx")
    out = StringIO()
    in_thread(lambda: render_agent(agent, out), bound=120)
    assert "rendered as markdown up to" in out.getvalue()
    assert out.getvalue().rstrip().endswith(agent.body.rstrip()[-20:])


@pytest.mark.parametrize("kind", ["tag_flood", "blank_flood", "long_description", "many_tools"])
def test_big_descriptions_and_tool_lists_render_promptly(
    kind: str, hostile: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    """`<example>` 100,000 times, or 500,000 blanks in an example, took hours to split into blocks
    (the regexes were quadratic); now well under the time limit."""
    _, tree = hostile
    code, out, err = run_cli(["show", str(tree[kind]), str(tree[kind])], capsys)  # time_limit(120)
    assert code == 0 and not err and "Description" in out


def test_searching_a_hostile_collection_is_prompt(hostile: tuple[Path, dict[str, Path]]) -> None:
    """A 1 MB name made the subsequence regex quadratic (8.5 s at 40 KB): the filter must not stall."""
    from agentbrowser.model.search import SearchIndex

    root, _ = hostile
    with time_limit(60):
        agents = load_collection([str(root)])
        long_name = parse_text(f"---\nname: {'a' * 1_000_000}\ndescription: d\n---\n", "/x/long.md")
        index = SearchIndex([*agents, long_name])
        for query in ("abc", "xyz", "a", "[bold]", "\x1b", "is:error ab", "tools:tool9999 ab"):
            index.search(query)
        assert [m.index for m in index.search("aaz")] == []


def test_the_installed_command_over_the_tree(hostile: tuple[Path, dict[str, Path]]) -> None:
    """Real stdout (a pipe), real encoding: JSON parses, lint exits 1, nothing hangs or leaks."""
    root, tree = hostile
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    command = installed_command()
    assert command, "the agentbrowser command is not installed (pip install -e .)"
    listed = subprocess.run(
        [command, "list", "--json", str(root)],
        capture_output=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    records = json.loads(listed.stdout.decode("utf-8"), **STRICT_JSON)
    assert {r["path"] for r in records} == {str(p) for p in listed_kinds(tree).values()}
    linted = subprocess.run(
        [command, "lint", str(root)], capture_output=True, timeout=120, env=env, check=False
    )
    assert linted.returncode == 1 and b"Traceback" not in linted.stderr
    assert not CONTROLS.search(linted.stdout.decode("utf-8", "replace"))


# --- files that change under us --------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path, hostile: tuple[Path, dict[str, Path]]) -> tuple[Path, dict[str, Path]]:
    """A hostile tree of this test's own, to delete and rewrite files in (`hostile` has probed it)."""
    root = tmp_path / "tree"
    return root, make_hostile_tree(root)


def test_file_deleted_between_listing_and_showing(
    fresh: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, tree = fresh
    agents = {a.path: a for a in load_collection([str(root)])}
    listed = agents[str(tree["vanishing"])]
    tree["vanishing"].unlink()
    # The record still renders from what was read; reading again says what happened.
    from agentbrowser.render.agent import render_agent

    out = StringIO()
    render_agent(listed, out)
    assert "vanishing" in out.getvalue()
    again = parse_file(str(tree["vanishing"]))
    assert again.has_error and "not found" in again.problems[0].message
    from agentbrowser.model.parts import PartUnreadable, part_text

    with pytest.raises(PartUnreadable, match="not found"):
        part_text(listed, "file")
    code, out, err = run_cli(["show", "vanishing", str(root)], capsys)
    assert (
        code == 2
        and err.startswith("agentbrowser: error: no agent named")
        and "Traceback" not in err
    )


def test_file_changed_between_listing_and_showing(
    fresh: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, tree = fresh
    listed = {a.path: a for a in load_collection([str(root)])}[str(tree["changing"])]
    tree["changing"].write_text('---\nname: changed\ndescription: "unclosed\n---\nNew body.\n')
    again = parse_file(str(tree["changing"]))
    assert again.name == "changed" and again.has_error  # read afresh, problem and all
    assert (again.size, again.mtime_ns) != (listed.size, listed.mtime_ns)  # staleness is visible
    code, out, _ = run_cli(["show", "--raw", "changed", str(root)], capsys)
    assert code == 0 and out.endswith("New body.\n")
    code, _, err = run_cli(["show", "changing", str(root)], capsys)
    assert code == 2 and "no agent named" in err


def test_the_index_cache_gives_back_what_parsing_gave(
    fresh: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Hostile records survive the cache (cold, then warm, listing agree); a prompt read later from
    a cached record of a file since deleted, rewritten or swapped for a FIFO is a problem."""
    root, tree = fresh
    cold = run_cli(["list", "--json", str(root)], capsys)
    warm = run_cli(["list", "--json", str(root)], capsys)
    assert cold[0] == warm[0] == 0 and warm[1] == cold[1]
    with time_limit(60):
        agents = {a.path: a for a in load_collection([str(root)])}
    assert agents[str(tree["vanishing"])].body is None  # warm: prompts read on first use
    tree["vanishing"].unlink()
    tree["changing"].write_text("---\nname: changing\n---\nA longer, rewritten prompt.\n")
    tree["good"].unlink()
    os.mkfifo(tree["good"])
    with time_limit(30):
        for kind in ("vanishing", "changing", "good"):
            agent = with_body(agents[str(tree[kind])])
            assert agent.body == "" and agent.has_error, kind  # not the old text, nor the new
            assert (
                "changed on disk" in agent.problems[-1].message
                or "cannot read" in agent.problems[-1].message
            )
    code, out, _ = run_cli(["show", str(tree["changing"]), str(root)], capsys)
    assert code == 0 and "A longer, rewritten prompt." in out  # a new listing reads afresh
    code, out, _ = run_cli(["list", "--json", str(root)], capsys)
    records = {r["path"]: r for r in json.loads(out)}
    assert "FIFO" in records[str(tree["good"])]["problems"][0]["message"]
    assert str(tree["vanishing"]) not in records


def test_file_swapped_for_a_fifo_between_stat_and_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """read_text stats, then opens: a FIFO put there in between must not block the open."""
    regular = tmp_path / "regular.md"
    regular.write_text("---\nname: r\n---\n")
    fifo = tmp_path / "swapped.md"
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(
        text_module.os,
        "stat",
        lambda p, *a, **k: real_stat(regular) if str(p) == str(fifo) else real_stat(p, *a, **k),
    )
    try:
        result = in_thread(lambda: read_text(str(fifo)), bound=10)
    finally:
        # Should the read ever block, a writer opening the FIFO lets it go.
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass
    assert result.text is None and "not a regular file" in result.problems[0].message


def test_unreadable_file_is_listed_either_way(fresh: tuple[Path, dict[str, Path]]) -> None:
    _, tree = fresh
    agent = parse_file(str(tree["unreadable"]))
    assert stat.S_IMODE(os.lstat(tree["unreadable"]).st_mode) == 0
    if permissions_enforced(tree["unreadable"]):
        assert agent.has_error and "permission denied" in agent.problems[0].message
    else:  # root (as in CI): permission bits do not stop reads, and that is what we see
        assert agent.name == "unreadable" and not agent.problems



def _as_unprivileged_user(work: Callable[[], Any]) -> Any:
    """work() in a forked child that has given up root (uid and gid of `nobody`), its result
    sent back as JSON; run directly when this process is not root."""
    if os.geteuid() != 0:
        return work()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root for good, work, report, leave without cleanup
        status = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            with os.fdopen(write_end, "w", encoding="utf-8") as out:
                json.dump(work(), out)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as answer:
        text = answer.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and text, "the unprivileged child failed"
    return json.loads(text)


def test_a_file_the_user_may_not_read_is_listed_with_permission_denied() -> None:
    """The permission-denied branch, as a user for whom permission bits count (tests run as
    root in CI, where a chmod 000 file is readable): the file is listed with the problem, alone
    and in a listing of its folder, and its neighbour reads as usual."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="agentbrowser-perm-"))
    try:
        folder.chmod(0o755)  # the unprivileged user may list the folder, not read the file
        (folder / "locked.md").write_text("---\nname: locked\ndescription: chmod 000\n---\nBody.\n", encoding="utf-8")
        (folder / "locked.md").chmod(0)
        (folder / "open.md").write_text("---\nname: open\ndescription: readable\n---\nBody.\n", encoding="utf-8")
        (folder / "open.md").chmod(0o644)

        def look() -> dict[str, Any]:
            alone = parse_file(str(folder / "locked.md"))
            listed = {a.name: a for a in load_collection([str(folder)], use_cache=False)}
            return {
                "alone": [(p.severity, p.message) for p in alone.problems],
                "names": sorted(listed),
                "listed": [(p.severity, p.message) for p in listed["locked"].problems],
                "open": [(p.severity, p.message) for p in listed["open"].problems],
                "open_description": listed["open"].description,
            }

        seen = _as_unprivileged_user(look)
        for problems in (seen["alone"], seen["listed"]):
            assert [severity for severity, _ in problems] == ["error"], problems
            assert "permission denied" in problems[0][1], problems
        assert seen["names"] == ["locked", "open"]
        assert seen["open"] == [] and seen["open_description"] == "readable"
    finally:
        shutil.rmtree(folder, ignore_errors=True)

# --- browsing never writes --------------------------------------------------------------------


def snapshot(*roots: Path) -> dict[str, tuple[Any, ...]]:
    """(mode, mtime_ns, size, sha256) of every entry under roots, symlinks not followed."""
    state: dict[str, tuple[Any, ...]] = {}
    for root in roots:
        state[str(root.parent)] = tuple(sorted(os.listdir(root.parent)))  # nothing appears beside
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                st = os.lstat(path)
                digest = None
                if stat.S_ISREG(st.st_mode) and os.access(path, os.R_OK):
                    with open(path, "rb") as handle:
                        digest = hashlib.sha256(handle.read()).hexdigest()
                state[path] = (st.st_mode, st.st_mtime_ns, st.st_size, digest)
    return state


def test_browsing_never_writes_to_the_collection(
    fresh: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, tree = fresh
    before = snapshot(root, BUNDLED)
    for source in (root, BUNDLED):
        for args in (["list"], ["list", "--json"], ["lint"]):
            run_cli([*args, str(source)], capsys)
    for kind in ("good", "escapes_raw", "markup", "fifo", "unreadable", "big_prompt"):
        for flag in (
            ([], ["--json"], ["--raw"]) if kind != "big_prompt" else (["--json"], ["--raw"])
        ):
            run_cli(["show", *flag, str(tree[kind]), str(root)], capsys)
    run_cli(["show", "code-reviewer", str(BUNDLED)], capsys)
    # A write in the same clock tick as the first snapshot would still differ in content.
    time.sleep(0.01)
    assert snapshot(root, BUNDLED) == before


# --- the clipboard: failures take bounded time and say why ------------------------------------


def test_clipboard_raising_is_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyperclip

    def boom(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard mechanism\nsecond line")

    monkeypatch.setattr(pyperclip, "copy", boom)
    result = in_thread(lambda: clipboard.copy_text("x", None, timeout=0.5), bound=5)
    assert not result.ok and result.failures == ("system clipboard: no clipboard mechanism",)
    assert result.describe("the prompt").startswith("Could not copy the prompt: system clipboard")


def test_clipboard_hanging_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyperclip

    release = threading.Event()
    monkeypatch.setattr(pyperclip, "copy", lambda text: release.wait(30))
    try:
        result = in_thread(lambda: clipboard.copy_text("x", None, timeout=0.5), bound=5)
    finally:
        release.set()  # let the abandoned worker end
    assert not result.ok and "did not answer within 0.5 s" in result.failures[0]


def test_clipboard_terminal_still_works_when_the_system_one_hangs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyperclip

    release = threading.Event()
    monkeypatch.setattr(pyperclip, "copy", lambda text: release.wait(30))
    monkeypatch.delenv("TMUX", raising=False)
    sent: list[str] = []
    try:
        result = in_thread(lambda: clipboard.copy_text("x", sent.append, timeout=0.5), bound=5)
    finally:
        release.set()
    assert result.ok and sent == ["x"] and result.destinations == ("terminal clipboard (OSC 52)",)
    assert result.failures and "did not answer" in result.failures[0]


def test_fix_over_the_tree_neither_hangs_nor_crashes_and_leaves_no_escape(
    fresh: tuple[Path, dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    """`fix --diff`, `--check` and `fix` itself on hostile files: bounded, no traceback, and
    every file it rewrites reads back in python-frontmatter with the values shown before."""
    import frontmatter

    root, tree = fresh
    before = {a.path: a.frontmatter for a in load_collection([str(root)])}
    code, diff, err = run_cli(["fix", "--diff", str(root)], capsys)
    assert code == 0 and "Traceback" not in err
    code, checked, err = run_cli(["fix", "--check", str(root)], capsys)
    assert code == 1 and "Traceback" not in err  # some files strict YAML rejects
    assert not CONTROLS.search(checked)
    code, fixed, err = run_cli(["fix", str(root)], capsys)
    assert "Traceback" not in err and not CONTROLS.search(fixed)
    written = [line.split(": fixed: ")[0] for line in fixed.splitlines() if ": fixed: " in line]
    assert written, fixed
    for shown in written:
        path = str((Path.cwd() / shown).resolve()) if not os.path.isabs(shown) else shown
        assert frontmatter.load(path).metadata == before[path], shown
