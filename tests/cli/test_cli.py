"""The non-interactive commands, driven through cli.main with a captured stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from agentbrowser import __version__, cli
from agentbrowser.model.text import one_line

from ..paths import BUNDLED


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = StringIO()
    code = cli.main(args, out=out)
    return code, out.getvalue(), capsys.readouterr().err


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "coll"
    (folder / ".claude" / "agents").mkdir(parents=True)
    (folder / ".claude" / "agents" / "good.md").write_text(
        "---\nname: good\ndescription: Fine\ntools: Read\n---\nGood prompt\n"
    )
    (folder / ".claude" / "agents" / "bad.md").write_text(
        # Claude Code quotes `Use: this` and still cannot read the unterminated quote below it
        '---\nname: bad\ndescription: Use: this\ncolor: "red\n---\nBad prompt\n'
    )
    return folder


def test_list_table_on_bundled_agents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list", str(BUNDLED)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "FORMAT", "SCOPE", "MODEL", "TOOLS", "PROBLEMS"]
    assert any(line.startswith("code-reviewer ") and "claude-agent" in line for line in lines)
    assert len(lines) == 1 + len(json.loads(cli_json(["list", "--json", str(BUNDLED)])))


def test_a_missing_model_reads_the_same_in_list_groups_and_the_detail_pane(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`default` where the format has a model key the file leaves out (as the detail pane says
    it), `-` where the format has none (a Cursor rule: the detail pane says nothing of one)."""
    from agentbrowser.loading.collection import load_collection
    from agentbrowser.render.agent import Palette, header

    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    text = "---\nname: {0}\ndescription: Reviews code for bugs and style\n---\nReview it.\n"
    for name in ("reviewer-one", "reviewer-two"):
        (agents / f"{name}.md").write_text(text.format(name))
    rules = tmp_path / ".cursor" / "rules"
    rules.mkdir(parents=True)
    (rules / "style.mdc").write_text("---\ndescription: Style\nmodel: gpt-5\n---\nBe brief.\n")
    # Plain markdown, kept where no tool reads it: its model is shown, no default is said.
    (tmp_path / "kept.md").write_text("---\nname: kept\nmodel: opus\n---\nKeep.\n")
    (tmp_path / "notes.md").write_text("---\nname: notes\n---\nNotes.\n")
    _, out, _ = run(["list", str(tmp_path), "--no-cache"], capsys)
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["reviewer-one"][3] == "default"
    assert rows["style"][3] == "-"  # a Cursor rule has no model, whatever the file says
    assert (rows["kept"][1], rows["kept"][3], rows["notes"][3]) == ("markdown", "opus", "-")
    _, out, _ = run(["groups", str(tmp_path), "--no-cache"], capsys)
    assert [line.split()[5] for line in out.splitlines() if "reviewer-" in line] == ["default"] * 2
    records = {a.name: a for a in load_collection([str(tmp_path)], use_cache=False)}
    names = ("reviewer-one", "style", "kept", "notes")
    shown = [str(header(records[n], Palette()).renderables[2]) for n in names]
    assert "model default" in shown[0] and "model opus" in shown[2]
    assert "model" not in shown[1] and "model" not in shown[3]


def test_list_counts_each_severity_as_lint_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "empty.md").write_text("---\nname: empty\ndescription: d\n---\n")  # one info
    code, out, _ = run(["list", str(tmp_path), "--no-cache"], capsys)
    assert code == 0 and out.splitlines()[1].endswith("1 info")
    _, lint, _ = run(["lint", str(tmp_path), "--no-cache"], capsys)
    assert ": info: the prompt (body) is empty" in lint


def cli_json(args: list[str]) -> str:
    out = StringIO()
    assert cli.main(args, out=out) == 0
    return out.getvalue()


def test_list_json_fields(broken: Path) -> None:
    records = {r["name"]: r for r in json.loads(cli_json(["list", "--json", str(broken)]))}
    assert records["good"]["tools"] == ["Read"]
    assert records["bad"]["description"] == "Use: this"
    assert records["bad"]["problems"][0]["severity"] == "error"
    assert records["bad"]["problems"][0]["line"] == 3
    assert records["good"]["scope"] == "path" and records["good"]["shadowed_by"] is None


def test_lint_exits_1_with_one_line_per_problem(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["lint", str(broken)], capsys)
    assert code == 1
    bad = str(broken / ".claude" / "agents" / "bad.md")
    lines = out.splitlines()
    # One line per problem: the error, then the colour as read line by line (`"red`).
    assert len(lines) == 2 and out.endswith("\n")
    assert lines[0].startswith(bad + ":3: error: Claude Code will not load this agent")
    assert lines[1].startswith(bad + ":4: info: ") and "colour" in lines[1]
    assert "Traceback" not in err


def test_lint_clean_collection_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["lint", str(BUNDLED)], capsys)
    assert (code, out, err) == (0, "", "agentbrowser: 12 files, no problems\n")


def test_lint_sums_up_every_severity(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(["lint", str(broken)], capsys)
    assert err == "agentbrowser: 1 error, 1 info in 2 files\n"


def test_lint_and_fix_never_stand_in_the_bundled_samples_for_a_folder_without_agents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`list` shows the bundled samples when the project and user hold no agent; a check or a
    repair there must not pass on them (nor write to them)."""
    (tmp_path / "project" / ".git").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "project")
    assert "bundled" in run(["list"], capsys)[1]
    for command in (["lint"], ["lint", "--format", "json"], ["fix", "--check"], ["fix"]):
        code, out, err = run(command, capsys)
        assert code == 0 and "bundled" not in out and "code-reviewer" not in out, command
        assert "no agent files found in the project, user and plugin folders" in err, command
    assert json.loads(run(["lint", "--format", "json"], capsys)[1]) == []


def test_show_json_has_prompt_and_frontmatter(broken: Path) -> None:
    data = json.loads(cli_json(["show", "good", str(broken), "--json"]))
    assert data["prompt"] == "Good prompt\n"
    assert data["frontmatter"] == {"name": "good", "description": "Fine", "tools": "Read"}


def test_show_raw_prints_the_file_as_it_is(broken: Path) -> None:
    assert (
        cli_json(["show", "good", str(broken), "--raw"])
        == (broken / ".claude/agents/good.md").read_text()
    )


def test_show_renders_for_a_terminal(broken: Path) -> None:
    out = cli_json(["show", "good", str(broken)])
    assert "good" in out and "Good prompt" in out and "Read" in out


def test_unknown_agent_is_one_line_on_stderr(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["show", "nobody", str(broken)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("agentbrowser: error: no agent named 'nobody'")


def test_missing_path_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["list", str(tmp_path / "nope")], capsys)
    assert (
        code == 2
        and err.strip() == f"agentbrowser: error: no such file or folder: {tmp_path / 'nope'}"
    )


def test_diff_with_a_folder_for_an_agent_says_so(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`diff backend-engineer SEEDS` took the folder for B and looked for backend-engineer
    elsewhere: "no agent named 'backend-engineer'", of an agent that is there."""
    code, out, err = run(["diff", "backend-engineer", str(seeds)], capsys)
    assert code == 2 and out == ""
    assert err.strip() == (
        f"agentbrowser: error: {str(seeds)!r} is a folder: diff compares two agents (names or "
        f"files), then the folders to look in: agentbrowser diff A B {seeds}"
    )


def test_an_agent_named_as_a_folder_here_is_still_an_agent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`diff reviewer docs` where the project has a `docs` folder and an agent called docs."""
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("docs", "reviewer"):
        (agents / f"{name}.md").write_text(f"---\nname: {name}\ndescription: d\n---\nx {name}\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["diff", "reviewer", "docs"], capsys)
    assert code == 0 and "docs" in out and not err, err


def test_copy_without_any_clipboard_fails_cleanly(
    broken: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyperclip

    def refuse(text: str) -> None:
        raise pyperclip.PyperclipException("no backend")

    monkeypatch.setattr(pyperclip, "copy", refuse)
    code, _, err = run(["copy", "good", str(broken)], capsys)
    assert code == 2
    assert "Could not copy the prompt of good" in err and "no backend" in err


def test_a_clipboard_program_without_a_display_is_said_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """xclip installed and no DISPLAY: pyperclip finds no mechanism, and the message said that
    none of xclip, xsel and wl-clipboard was there."""
    import shutil

    import pyperclip

    from agentbrowser.clipboard import copy_text

    def none_found(text: str) -> None:
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", none_found)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/xclip" if name == "xclip" else None)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    result = copy_text("x", None)
    assert not result.ok
    assert result.failures == ("system clipboard: xclip needs DISPLAY, which is not set",)
    # wl-copy without wl-paste, in a Wayland session: pyperclip does not use it
    programs = {"xclip": "/usr/bin/xclip", "wl-copy": "/usr/bin/wl-copy"}
    monkeypatch.setattr(shutil, "which", programs.get)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert copy_text("x", None).failures == (
        "system clipboard: xclip needs DISPLAY, which is not set; wl-copy is used with wl-paste, "
        "which is not installed",
    )


def test_copy_reports_where_it_went(
    broken: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    code, _, err = run(["copy", "good", str(broken), "--part", "description"], capsys)
    assert code == 0 and copied == ["Fine"]
    assert "Copied the description of good" in err and "system clipboard" in err


def test_no_command_and_not_a_terminal_prints_the_listing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run([str(BUNDLED)], capsys)
    assert code == 0 and out.startswith("NAME")


def test_version_and_help_through_the_installed_command() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "agentbrowser", "--version"], capture_output=True, text=True
    )
    assert version.stdout.strip() == f"agentbrowser {__version__}"
    helped = subprocess.run(
        [sys.executable, "-m", "agentbrowser", "lint", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0 and "exit 1 when any is an error" in helped.stdout


def test_a_command_exits_with_its_status_and_all_of_its_output(tmp_path: Path) -> None:
    """The console script leaves a command without tearing its heap down (os._exit): what it
    wrote is all there, its status is kept, and a reader that stops early is no error."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered output
    listed = subprocess.run(
        [sys.executable, "-m", "agentbrowser", "list", "--json", str(BUNDLED)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert listed.returncode == 0 and listed.stderr == ""
    in_process = StringIO()
    assert cli.main(["list", "--json", "--no-cache", str(BUNDLED)], in_process) == 0
    assert json.loads(listed.stdout) == json.loads(in_process.getvalue())
    assert len(json.loads(listed.stdout)) > 3
    missing = subprocess.run(
        [sys.executable, "-m", "agentbrowser", "show", "no-such-agent", str(BUNDLED)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert missing.returncode == 2 and "no-such-agent" in missing.stderr
    broken = tmp_path / "broken.md"
    broken.write_text("---\nname: broken\ndescription: a: b: c\n  d\n---\nbody\n", encoding="utf-8")
    lint = subprocess.run(
        [sys.executable, "-m", "agentbrowser", "lint", str(broken)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert lint.returncode == 1 and "broken" in lint.stdout  # lint's own status, and its report
    # `| head -c 10`: the pipe closes after 10 bytes; the command stops quietly.
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentbrowser", "list", "--json", str(BUNDLED)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert len(proc.stdout.read(10)) == 10
    proc.stdout.close()
    assert proc.stderr.read() == b"" and proc.wait(timeout=30) == 0


#: Every command that reads prompts, on the bundled agents: records from the index cache have no
#: prompt in them, and each command must read it (the second run of each is warm).
PROMPT_COMMANDS = [
    ["show", "code-reviewer"],
    ["show", "--json", "code-reviewer"],
    ["diff", "code-reviewer", "strict-code-reviewer"],
    ["diff", "--json", "code-reviewer", "strict-code-reviewer"],
    ["similar", "code-reviewer"],
    ["similar", "--by", "role", "code-reviewer"],
    ["groups", "--json"],
    ["convert", "--to", "opencode-agent", "code-reviewer"],
    ["copy", "code-reviewer"],
    ["lint", "--format", "json"],
]


@pytest.mark.parametrize("args", PROMPT_COMMANDS, ids=" ".join)
def test_a_command_answers_the_same_from_the_index_cache(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    answers = []
    for _ in range(2):  # cold (the cache is written), then warm (records without their prompt)
        code, out, err = run([*args, str(BUNDLED)], capsys)
        answers.append((code, out, err))
    assert answers[0][0] == 0, answers[0][2]
    assert answers[1] == answers[0]
    if args[0] == "copy":
        assert len(copied) == 2 and copied[0] == copied[1] and "review" in copied[0].lower()
    if args[0] == "show" and "--json" not in args:
        assert "Prompt" in answers[1][1]


def test_diff_and_show_into_a_pipe_keep_lines_whole_and_unpadded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Piped, rich's console is 80 columns wide: a unified diff's lines must not wrap (the
    rest of a line would lose its -/+ prefix), and no line carries padding."""
    code, out, _ = run(["diff", "code-reviewer", "strict-code-reviewer", str(BUNDLED)], capsys)
    assert code == 0
    lines = out.splitlines()
    start = lines.index("--- a/code-reviewer/description")
    hunk = lines[start + 3 : lines.index("", start)]
    assert [line[0] for line in hunk] == ["-", "+"] and len(hunk[0]) > 100
    assert not [line for line in lines if line != line.rstrip()]
    code, out, _ = run(["show", "debugger", str(BUNDLED)], capsys)
    assert code == 0 and "Diagnoses failing tests" in out
    assert not [line for line in out.splitlines() if line != line.rstrip()]


def test_diff_with_three_to_six_names_compares_them_all(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["code-reviewer", "strict-code-reviewer", "debugger"]
    code, out, _ = run(["diff", *names, str(BUNDLED)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines[:3]] == [
        ["A", names[0]],
        ["B", names[1]],
        ["C", names[2]],
    ]
    assert "only C debugger: 13 paragraphs of 15 no other agent has" in lines
    start = lines.index(
        "only A code-reviewer: 1 paragraph of 18 no other agent has; 7 shared paragraphs worded "
        "otherwise by another (\u2248)"
    )
    assert lines[start + 1 : start + 3] == [
        "  line 58:",  # the line of the file (its prompt's line 51)
        "    Do not pad the review with praise or with style nits that a formatter would fix.",
    ]
    assert any(
        line.startswith("  words no other agent uses: ") and "taste" in line for line in lines
    )
    assert not [line for line in lines if line != line.rstrip()]
    # Into a pipe every field's value is whole, one line an agent (a table cut them at 80).
    field = lines.index("\u2260 description")
    described = {line.split()[0]: line for line in lines[field + 1 : field + 4]}
    assert set(described) == {"A", "B", "C"} and max(map(len, described.values())) > 80
    assert not any("\u2026" in line for line in described.values()), described
    assert "  format: claude-agent" in lines  # alike in all: one line
    code, out, _ = run(["diff", "--json", *names, str(BUNDLED)], capsys)
    data = json.loads(out)
    assert [a["name"] for a in data["agents"]] == names
    assert [p["kind"] for p in data["prompts"][0]].count("unique") == 1


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["a", "b", "c", "d", "e", "f", "g"], "diff compares 2 to 6 agents, not 7"),
        (
            ["--unified", "code-reviewer", "strict-code-reviewer", "debugger"],
            "--unified compares two agents",
        ),
        (
            ["code-reviewer", "strict-code-reviewer", "nobody"],
            "no agent named 'nobody' (nor a file or folder)",
        ),
        (
            ["code-reviewer", "debugger", "code-reviewer"],
            "'code-reviewer' and 'code-reviewer' are the same agent",
        ),
        (
            ["code-reviewer", "strict-code-reviewer", "./nowhere"],
            "no such file or folder: ./nowhere",
        ),
    ],
)
def test_diff_of_many_names_says_what_is_wrong(
    args: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [] if args[-1].startswith("./") else [str(BUNDLED)]
    code, out, err = run(["diff", *args, *paths], capsys)
    assert code == 2 and out == "" and error in err


def test_a_cut_table_cell_ends_in_an_ellipsis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(
        "---\nname: a\ndescription: d\nmodel: anthropic/claude-sonnet-4-5-20250929-extended\n---\nP\n"
    )
    out = run(["list", str(tmp_path)], capsys)[1]
    assert " anthropic/claude-sonnet-4-5-20250929-extended  " in out  # whole in a pipe
    from agentbrowser.cli.program import print_table
    from agentbrowser.loading.collection import load_collection

    fitted = StringIO()
    print_table(load_collection([str(tmp_path)], use_cache=False), fitted, 60)
    assert " anthropic/clau\u2026  " in fitted.getvalue()  # a terminal of 60 columns
    assert (
        one_line("abc def", 5, ellipsis=True) == "abc…"
        and one_line("abcde", 5, ellipsis=True) == "abcde"
    )


def test_a_tools_name_stands_for_its_agent_format(capsys: pytest.CaptureFixture[str]) -> None:
    short = run(["convert", "debugger", str(BUNDLED), "--to", "opencode"], capsys)
    full = run(["convert", "debugger", str(BUNDLED), "--to", "opencode-agent"], capsys)
    assert short[0] == 0 and short[:2] == full[:2]
    assert "mode: subagent" in short[1]
    with pytest.raises(SystemExit):
        cli.main(["convert", "debugger", str(BUNDLED), "--to", "opencod"], out=StringIO())
    assert "invalid choice: 'opencod'" in capsys.readouterr().err


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_lint_colours_the_severity_on_a_terminal_only(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    assert cli.main(["lint", str(broken)], out=terminal) == 1
    assert ": \x1b[1;31merror\x1b[0m: Claude Code will not load this agent" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    cli.main(["lint", str(broken)], out=terminal)
    assert "\x1b" not in terminal.getvalue() and ": error: " in terminal.getvalue()


def test_similar_keeps_one_line_an_agent_whatever_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "Review the change line by line and report every problem you find.\n"
    for name in ("base", "be\n  fake  100.0%  x"):
        (tmp_path / f"{name}.md").write_text(
            f"---\nname: {name.split()[0]}x\ndescription: d\n---\n{body}"
        )
    out = run(["similar", "basex", str(tmp_path)], capsys)[1]
    assert len(out.splitlines()) == 3 and "\u2424" in out.splitlines()[2]


def test_diff_says_what_no_tools_key_means(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(["diff", "code-reviewer", "debugger", str(BUNDLED)], capsys)[1]
    (row,) = [line for line in out.splitlines() if line.split()[1:2] == ["tools"]]
    assert row.split()[2:] == ["Read,", "Grep,", "Glob", "(no", "key:", "every", "tool)"]


def test_a_bundled_sample_can_be_named_by_every_command_once_the_user_has_agents(
    empty_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The samples stand in for an empty collection; once the project has an agent they are
    no longer listed, yet show, copy, diff, similar, install and convert all still find one by
    name, saying it is a sample."""
    mine = empty_repo / ".claude" / "agents" / "mine.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\nname: mine\ndescription: Reviews my code\n---\nReview it.\n")
    code, out, _ = run(["list"], capsys)
    assert code == 0 and "debugger" not in out
    note = "agentbrowser: note: 'debugger' is a bundled sample"
    for args in (
        ["show", "debugger", "--json"],
        ["diff", "debugger", "mine", "--json"],
        ["diff", "debugger", "mine", "code-reviewer", "--json"],
        ["similar", "debugger", "--json"],
        ["similar", "debugger", "--by", "role", "--json"],
        ["install", "debugger", "--to", "project", "--dry-run"],
        ["convert", "debugger", "--to", "opencode"],
    ):
        code, out, err = run(args, capsys)
        assert code == 0 and note in err, (args, err)
    _, _, err = run(["copy", "debugger"], capsys)  # copied or not (no clipboard here), found
    assert note in err and "no agent named" not in err, err
    code, _, err = run(["show", "nosuch"], capsys)
    assert code == 2 and "no agent named 'nosuch'" in err
    # Only the samples named join: the user's own code-reviewer is not made ambiguous.
    reviewer = empty_repo / ".claude" / "agents" / "code-reviewer.md"
    reviewer.write_text("---\nname: code-reviewer\ndescription: Mine\n---\nReview.\n")
    code, out, err = run(["diff", "code-reviewer", "debugger", "--json"], capsys)
    assert code == 0 and err.strip() == note, err
    assert json.loads(out)["a"]["path"] == str(reviewer)


def test_usage_errors_name_what_is_missing_and_a_mistyped_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args, missing in ((["show"], "name"), (["similar"], "name"), (["diff"], "A, B")):
        with pytest.raises(SystemExit):
            cli.main(args, out=StringIO())
        err = capsys.readouterr().err
        assert err.endswith(f"error: the following arguments are required: {missing}\n"), err
    code, _, err = run(["lsit"], capsys)
    assert code == 2 and "no such file or folder: lsit (did you mean the command" in err
    assert "`agentbrowser list`" in err
    code, _, err = run(["nothing-like-it"], capsys)
    assert err == "agentbrowser: error: no such file or folder: nothing-like-it\n"


def test_every_command_takes_no_cache(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(BUNDLED)
    for args in (
        ["list", folder],
        ["show", "debugger", folder],
        ["diff", "debugger", "code-reviewer", folder],
        ["diff", "debugger", "code-reviewer", "security-reviewer", folder],
        ["similar", "debugger", folder],
        ["similar", "debugger", folder, "--by", "role"],
        ["groups", folder],
        ["lint", folder],
        ["fix", "--check", folder],
    ):
        code, _, err = run([*args, "--no-cache"], capsys)
        assert code in (0, 1) and "unrecognized arguments" not in err, (args, err)


NOT_FOUND = "agentbrowser: error: no agent named 'debuger'{} (did you mean: debugger?)"


@pytest.mark.parametrize(
    ("args", "also"),
    [
        (["show", "debuger"], ""),
        (["similar", "debuger"], ""),
        (["similar", "debuger", "--by", "role"], ""),
        (["diff", "debuger", "code-reviewer"], ""),
        (["diff", "code-reviewer", "debugger", "debuger"], " (nor a file or folder)"),
    ],
)
def test_every_command_says_a_name_is_not_found_alike(
    args: list[str], also: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One wording, with what a typo may have meant; nothing about the other names after it."""
    code, _, err = run([*args, str(BUNDLED), "--no-cache"], capsys)
    assert code == 2
    assert err.strip().splitlines() == [NOT_FOUND.format(also)]
    # One letter is in most names: no guess then.
    code, _, err = run([args[0], "e", *args[2:], str(BUNDLED), "--no-cache"], capsys)
    assert code == 2 and err.strip().endswith("(try: agentbrowser list)"), err


def test_tables_fit_a_terminal_and_keep_whole_lines_in_a_pipe(tmp_path: Path) -> None:
    """In a terminal `list` and `groups` fit its width, however narrow, wide characters
    counted as two cells (names cut where variants differ least, the least needed columns
    left out); in a pipe every cell is whole, for grep."""
    from rich.cells import cell_len

    from agentbrowser.cli.groups import run_groups
    from agentbrowser.cli.program import print_table
    from agentbrowser.loading.collection import load_collection

    long = "backend-implementation-specialist-for-distributed-postgres-clusters-v"
    for name in (f"{long}1", f"{long}2", "\u6570\u636e\u5e93\u8fc1\u79fb\u4e13\u5bb6-" * 3):
        (tmp_path / f"{len(name)}-{name[-1]}.md").write_text(
            f"---\nname: {name}\ndescription: Builds backend services on distributed "
            "postgres clusters\ntools: Read, Grep, Glob, Bash, Edit, Write\nmodel: sonnet\n---\n"
            "Build the services.\n",
            encoding="utf-8",
        )
    agents = load_collection([str(tmp_path)], use_cache=False)
    for width in (80, 60, 38):
        fitted = StringIO()
        print_table(agents, fitted, width)
        lines = fitted.getvalue().splitlines()
        assert max(map(cell_len, lines)) <= width, lines
        names = [line.split("  ")[0] for line in lines[1:] if "\u2026" in line.split("  ")[0]]
        assert len(set(names)) == len(names) >= 2, lines
        grouped = StringIO()
        run_groups([str(tmp_path)], False, 2, False, grouped, width)
        assert "role similarity" in grouped.getvalue()
        rows = [line for line in grouped.getvalue().splitlines() if line.startswith("  ")]
        assert len(rows) == 4 and max(map(cell_len, rows)) <= width, grouped.getvalue()
    # Columns are left out and tools cut before a name is: at 80 these names stay whole.
    from ..paths import CORPUS

    grouped = StringIO()
    run_groups([str(CORPUS)], False, 8, False, grouped, 80)
    assert "  gws-modelarmor-sanitize-response  " in grouped.getvalue(), grouped.getvalue()
    piped = StringIO()
    print_table(agents, piped)
    assert f"{long}1 " in piped.getvalue() and f"{long}2 " in piped.getvalue()
    grouped = StringIO()
    run_groups([str(tmp_path)], False, 2, False, grouped)
    assert (
        f"{long}1 " in grouped.getvalue()
        and "Read, Grep, Glob, Bash, Edit, Write" in grouped.getvalue()
    )


def test_similar_writes_paths_below_here_relative(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(BUNDLED)
    code, out, _ = run(["similar", "code-reviewer", ".", "--no-cache"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "like code-reviewer  .claude/agents/code-reviewer.md"
    assert "  .claude/agents/strict-code-reviewer.md" in out and str(BUNDLED) not in out


class _Terminal(StringIO):
    """Output that says it is a terminal (its width: $COLUMNS, as shutil reads it)."""

    def isatty(self) -> bool:
        return True


def test_in_a_terminal_every_table_fits_its_width(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.cells import cell_len

    from ..paths import SEEDS

    monkeypatch.setenv("COLUMNS", "60")
    for args in (
        ["list"],
        ["groups"],
        ["similar", "backend-engineer"],
        ["similar", "backend-engineer", "--by", "role"],
    ):
        out = _Terminal()
        assert cli.main([*args, str(SEEDS), str(BUNDLED), "--no-cache"], out=out) == 0
        rows = [line for line in out.getvalue().splitlines() if line.startswith(("  ", "NAME"))]
        assert rows and max(map(cell_len, rows)) <= 60, (args, out.getvalue())


def test_one_very_long_name_does_not_cut_every_row_s_problems(tmp_path: Path) -> None:
    """At 160 columns a name of 300 characters gives way first: the other rows' problems and
    tools stay whole (they were cut to `1 warni…` for it)."""
    from agentbrowser.cli.program import print_table
    from agentbrowser.loading.collection import load_collection

    (tmp_path / "long.md").write_text(f"---\nname: {'x' * 300}\ndescription: d\n---\nP\n")
    (tmp_path / "short.md").write_text(
        "---\nname: short\ndescription: d\ntools: 42\nmodel: sonnet\n---\nP\n"
    )
    agents = load_collection([str(tmp_path)], use_cache=False)
    fitted = StringIO()
    print_table(agents, fitted, 160)
    lines = fitted.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 160, lines
    (short,) = [line for line in lines if line.startswith("short ")]
    assert short.rstrip().endswith("1 warning") and "sonnet" in short, lines


def test_show_names_a_fifo_or_a_broken_link_by_its_path_and_install_refuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`list` shows them; `show ./fifo.md` said there was no such agent. A file with no
    tools to inherit (plain markdown) shows no tools line; a copy of what was not read is
    refused."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "fifo.md")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    for name, said in (("./fifo.md", "a FIFO, not read"), ("dangling.md", "broken symlink")):
        code, out, err = run(["show", name, "--no-cache"], capsys)
        assert code == 0 and said in out, (name, out, err)
        assert "\ntools " not in out and "all tools" not in out, out
    code, _, err = run(["install", "./fifo.md", "--to", "project", "--as", "claude-agent"], capsys)
    assert code == 2 and "the file cannot be copied: skipped: a FIFO, not read" in err, err
    assert not (tmp_path / ".claude").exists()


def test_an_example_s_commentary_stands_apart_from_what_the_assistant_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a pipe there are no italics: the commentary ran on from the assistant's line."""
    (tmp_path / "a.md").write_text(
        "---\nname: a\ndescription: \"Use it. <example>user: 'Go' assistant: 'I will use a.'"
        '<commentary>Why a fits.</commentary></example>"\n---\nBody\n'
    )
    code, out, err = run(["show", "a", str(tmp_path), "--no-cache"], capsys)
    assert code == 0, err
    lines = [line.strip("\u2502 ") for line in out.splitlines()]
    said = lines.index("assistant: 'I will use a.'")
    assert lines[said + 1] == "" and lines[said + 2] == "Why a fits.", lines
    assert "\u2502   Why a fits." in out  # indented under the speakers


def test_a_file_named_by_its_path_is_found_through_a_linked_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """HOME a link: the records keep HOME as written, the current folder is the real path.
    `show helper.md` there is the user's agent (scope user), and `similar --by role` finds it
    as `similar` does (it said there was no such agent)."""
    real = tmp_path / "real"
    agents = real / ".claude" / "agents"
    agents.mkdir(parents=True)
    reviewer = (BUNDLED / ".claude" / "agents" / "code-reviewer.md").read_text()
    (agents / "helper.md").write_text(reviewer.replace("name: code-reviewer", "name: helper"))
    debugger = (BUNDLED / ".claude" / "agents" / "debugger.md").read_text()
    (agents / "other.md").write_text(debugger)
    (tmp_path / "home").symlink_to(real)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "home" / ".claude" / "agents")
    code, out, err = run(["show", "helper.md", "--json", "--no-cache"], capsys)
    assert code == 0 and json.loads(out)["scope"] == "user", (out, err)
    for by in ("role", "text"):
        code, out, err = run(["similar", "helper.md", "--by", by, "--no-cache"], capsys)
        assert code == 0 and out.startswith("like helper "), (by, out, err)


def test_convert_refuses_a_file_it_could_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO converted to an empty agent (`name: x`, `description: ''`), exit 0."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "x.md")
    code, out, err = run(["convert", "./x.md", "--to", "claude-agent"], capsys)
    assert code == 2 and out == "", out
    assert "not converted: the file cannot be copied: skipped: a FIFO, not read" in err, err


def test_diff_and_similar_take_a_fifo_by_its_path_and_say_it_was_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`diff ./x.md ./y.md` said there was no such agent (show took it); two files never read
    compared 100 % alike with no word."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "x.md")
    os.mkfifo(tmp_path / "y.md")
    code, out, err = run(["diff", "./x.md", "./y.md", "--no-cache"], capsys)
    assert code == 0, err
    assert "'./x.md' was not read (skipped: a FIFO, not read): it compares as empty" in err, err
    assert "'./y.md' was not read" in err
    code, out, err = run(["copy", "./x.md", "--no-cache"], capsys)
    assert code == 2 and "nothing to copy: x.md was not read (skipped: a FIFO" in err, err


def test_an_agent_that_refuses_a_tool_whole_is_not_shown_with_every_tool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No tools list but `disallowedTools: Bash, Write`: `list` said `all`, `show` `all tools
    (inherited)`; a refusal of part of a tool (`Bash(rm:*)`) leaves the tool."""
    (tmp_path / "a.md").write_text(
        "---\nname: a\ndescription: d\ndisallowedTools: Bash, Write\n---\nB\n"
    )
    (tmp_path / "b.md").write_text(
        "---\nname: b\ndescription: d\ndisallowedTools: [Bash(rm:*)]\n---\nB\n"
    )
    code, out, _ = run(["list", str(tmp_path), "--no-cache"], capsys)
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "all but Bash, Write" in rows["a"] and " all " in rows["b"] + " ", out
    code, out, _ = run(["show", "a", str(tmp_path), "--no-cache"], capsys)
    assert "tools all tools (inherited), but Bash, Write" in out, out


def test_refused_tools_reach_a_table_as_text_never_as_escape_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`disallowedTools` is file text: an OSC 52 in it set the clipboard when `list` printed
    it; a comma inside parentheses is no second tool."""
    (tmp_path / "a.md").write_text(
        '---\nname: a\ndescription: d\ndisallowedTools: ["\\e[31mRED\\e[0m", "\\e]52;c;SGk=\\a"]\n'
        "---\nB\n"
    )
    (tmp_path / "b.md").write_text(
        '---\nname: b\ndescription: d\ndisallowedTools: "Bash(git add:*, git commit:*), Write"\n'
        "---\nB\n"
    )
    for command in (["list"], ["groups", "--min-size", "2"]):
        code, out, _ = run([*command, str(tmp_path), "--no-cache"], capsys)
        assert "\x1b" not in out and "\x07" not in out, out
    code, out, _ = run(["list", str(tmp_path), "--no-cache"], capsys)
    (row,) = [line for line in out.splitlines() if line.startswith("b ")]
    assert "all but Write" in row and "commit" not in row, row


def test_an_unread_binary_file_is_said_to_be_so_by_diff_and_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "b.md").write_bytes(bytes(range(255, -1, -1)) * 4)
    code, out, err = run(["diff", "./a.md", "./b.md", "--no-cache"], capsys)
    assert code == 0 and "'./a.md' was not read (binary file" in err, err
    code, out, err = run(["copy", "./a.md", "--no-cache"], capsys)
    assert code == 2 and "nothing to copy" in err and "binary file" in err, err


def test_diff_in_a_narrow_terminal_wraps_a_long_line_under_its_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Below the side-by-side width the diff is unified: a line longer than the terminal
    continues under its own text, the `-`/`+` column left clear (it read as a line of its own,
    starting at column 0 with no marker)."""
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("NO_COLOR", "1")
    long = "Handle every failure of the payment service with a retry and a clear message " * 2
    for name, extra in (("a", ""), ("b", long)):
        (tmp_path / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: d\n---\nFirst line.\n{extra}\nLast line.\n"
        )
    out = _Terminal()
    assert cli.main(["diff", "a", "b", str(tmp_path), "--no-cache"], out=out) == 0
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("+Handle every"))
    after = lines[start + 1 : start + 3]
    assert all(line.startswith(" ") and line[1:2] != " " for line in after), lines[start:]
    assert " ".join(line.strip() for line in lines[start : start + 3]) == "+" + long.strip()


@pytest.mark.parametrize("command", ["show", "copy", "similar"])
def test_a_name_written_as_a_path_that_is_no_file_is_said_to_be_no_file(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([command, "./debuger.md", str(BUNDLED)], capsys)
    assert code != 0
    assert "no such file: ./debuger.md, nor an agent of that name (did you mean: debugger?)" in err
    code, _, err = run(["diff", "/nowhere/x.md", "debugger", str(BUNDLED)], capsys)
    assert code != 0 and "no such file: /nowhere/x.md, nor an agent of that name" in err, err


def test_diff_of_three_into_a_pipe_keeps_a_long_description_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 2,158-character description came out cut at 1,000 characters with no mark; a value
    past 20,000 characters says how much it leaves out."""
    long = " ".join(f"word{i}" for i in range(400))  # ~3,000 characters
    huge = "x" * 25_000
    for name, description in (("a", long), ("b", "short"), ("c", huge)):
        (tmp_path / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: {description}\n---\nPrompt {name}.\n"
        )
    code, out, _ = run(["diff", "a", "b", "c", str(tmp_path), "--no-cache"], capsys)
    assert code == 0
    lines = out.splitlines()
    field = lines.index("\u2260 description")
    described = {line.split()[0]: line for line in lines[field + 1 : field + 4]}
    assert described["A"] == f"    A  {long}"
    assert described["C"] == f"    C  {'x' * 20_000}\u2026 (5,000 more characters)"


def test_a_100_percent_diff_says_what_it_does_not_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy under another name is 100 % alike (the name is who it is, not what it does): the
    line says the name is not counted, where the table shows it differs."""
    text = "---\nname: {}\ndescription: Reviews code\n---\nReview it.\n"
    (tmp_path / "a.md").write_text(text.format("a"))
    (tmp_path / "b.md").write_text(text.format("b"))
    (tmp_path / "c.md").write_text(text.format("c").replace("Review it.", "Check it."))
    out = run(["diff", "a", "b", str(tmp_path), "--no-cache"], capsys)[1]
    assert "other fields 100.0%; name not counted)" in out.splitlines()[2]
    out = run(["diff", "a", "c", str(tmp_path), "--no-cache"], capsys)[1]
    assert "not counted" not in out.splitlines()[2]


def test_list_at_80_columns_keeps_names_whole_and_the_scope_that_tells_them_apart(
    tmp_path: Path,
) -> None:
    """One name in the project and the user's folder: the SCOPE column tells them apart, so
    the names stay whole (the end of a path added to each cut the name itself away)."""
    from agentbrowser.cli.program import print_table
    from agentbrowser.loading.collection import load_collection

    home, project = tmp_path / "home", tmp_path / "project"
    for root in (home, project):
        folder = root / ".claude" / "agents"
        folder.mkdir(parents=True)
        for name in ("design-system-architect", "launchdarkly-flag-cleanup"):
            (folder / f"{name}.md").write_text(f"---\nname: {name}\ndescription: d\n---\nB\n")
    (project / ".git").mkdir()
    agents = load_collection(None, cwd=str(project), home=str(home), use_cache=False)
    out = StringIO()
    print_table(agents, out, 80)
    rows = out.getvalue().splitlines()
    assert rows[0].split()[:3] == ["NAME", "FORMAT", "SCOPE"]
    assert all(len(row) <= 80 for row in rows), rows
    cells = [row.split()[:3] for row in rows[1:]]
    assert sorted(c[0] for c in cells) == sorted(
        ["design-system-architect", "launchdarkly-flag-cleanup"] * 2
    )
    assert {c[2] for c in cells} == {"project", "user"}, rows
