"""`agentbrowser fix`: the least frontmatter rewrite that every strict reader reads as we do."""

from __future__ import annotations

import csv
import json
import os
import shutil
from io import StringIO
from pathlib import Path

import frontmatter
import pytest

from agentbrowser import cli
from agentbrowser.model import parse_file
from agentbrowser.model.repair import literal_block, quote, repair_text
from agentbrowser.writing import fixfiles

from ..owners import require_owner, run_owner
from ..paths import CORPUS, SEEDS


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    return home


def run(args: list[str]) -> tuple[int, str]:
    out = StringIO()
    return cli.main(args, out=out), out.getvalue()


def body_bytes(path: Path) -> bytes:
    """Everything after the closing `---` line, as bytes."""
    data = path.read_bytes()
    start = data.index(b"\n---", 3)
    return data[data.index(b"\n", start + 1) + 1 :]


def seed_copies(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def test_fix_on_the_seeds(tmp_path: Path) -> None:
    folder = seed_copies(tmp_path)
    code, listed = run(["list", "--json", str(folder)])
    before = {Path(r["path"]).name: r for r in json.loads(listed)}
    frontmatters = {p.name: parse_file(str(p)).frontmatter for p in folder.iterdir()}
    bodies = {p.name: body_bytes(p) for p in folder.iterdir()}
    for path in folder.iterdir():
        with pytest.raises(Exception):  # noqa: B017 - whatever python-frontmatter raises
            frontmatter.load(str(path))
    assert run(["fix", "--check", str(folder)])[0] == 1
    code, out = run(["fix", str(folder)])
    assert code == 0 and out.count(": fixed: ") == 5
    assert "004_778f8d6350f71607.txt: fixed: rewrote `description` (Claude Code could not" in out
    assert out.count("for strict YAML readers only: Claude Code reads it as written") == 4
    for path in sorted(folder.iterdir()):
        loaded = frontmatter.load(str(path))
        record = before[path.name]
        assert loaded.metadata == frontmatters[path.name], path.name
        assert loaded["name"] == record["name"] and loaded["description"] == record["description"]
        assert body_bytes(path) == bodies[path.name], path.name
    seed_004 = frontmatter.load(str(folder / "004_778f8d6350f71607.txt"))["description"]
    assert seed_004.count("<example>") == 4 and "\n\nExamples:\n- <example>\n" in seed_004
    assert run(["fix", "--check", str(folder)])[0] == 0
    code, lint = run(["lint", str(folder)])
    assert code == 0 and ": error: " not in lint and ": warning: " not in lint


def test_fixed_seeds_load_in_claude_code(tmp_path: Path) -> None:
    binary = require_owner("claude")
    folder = seed_copies(tmp_path)
    assert run(["fix", str(folder)])[0] == 0
    project = tmp_path / "project" / ".claude" / "agents"
    plugin = tmp_path / "plugin"
    project.mkdir(parents=True)
    (plugin / "agents").mkdir(parents=True)
    (plugin / ".claude-plugin").mkdir()
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "p", "version": "0.0.1"}')
    for path in folder.iterdir():
        shutil.copyfile(path, project / f"{path.stem}.md")
        shutil.copyfile(path, plugin / "agents" / f"{path.stem}.md")
    # A control in each: the validator lists only the files it finds fault with, so one
    # planted broken agent shows that it read the folder (and is the only file it names).
    control = "zz-control-name-number.md"
    for agents in (project, plugin / "agents"):
        (agents / control).write_text("---\nname: 123\ndescription: d\n---\nP\n")
    for target in (project.parent, plugin):
        done = run_owner(
            binary, ["plugin", "validate", "--json", str(target)], target, tmp_path / "h"
        )
        report = json.loads(done.stdout)
        faulted = [Path(c["file"]).name for c in report.get("contents") or [] if c.get("errors")]
        assert faulted == [control], target


def manifest() -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_fix_over_the_corpus_makes_every_strict_failure_readable_alike(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    failures = [
        r
        for r in manifest()
        if r["python_frontmatter_result"].startswith("ERROR")
        and "TypeError" not in r["python_frontmatter_result"]  # non-string keys: we read them
    ]
    values = {r["path"]: parse_file(str(folder / r["path"])).frontmatter for r in failures}
    bodies = {r["path"]: body_bytes(folder / r["path"]) for r in failures}
    code, out = run(["fix", str(folder)])
    assert code == 0, out
    cursor_left = 0
    for row in failures:
        path = folder / row["path"]
        assert body_bytes(path) == bodies[row["path"]], row["path"]
        if (
            row["format_guess"] == "cursor-rule"
            and path.read_bytes() == (CORPUS / row["path"]).read_bytes()
        ):
            # `globs: **/*.ts, src/**` unquoted is the form Cursor documents: left as it is.
            assert isinstance(values[row["path"]].get("globs"), str)
            cursor_left += 1
            continue
        assert frontmatter.load(str(path)).metadata == values[row["path"]], row["path"]
    assert len(failures) - cursor_left >= 20  # 23 Claude files at the time of writing
    assert run(["fix", "--check", str(folder)])[0] == 0


def test_crlf_bom_comments_and_key_order_are_kept(tmp_path: Path) -> None:
    path = tmp_path / ".claude" / "agents" / "a.md"
    path.parent.mkdir(parents=True)
    text = (
        "---\r\n# who I am\r\nname: a\r\ndescription: Use when: reviewing\r\n"
        "  and when: testing\r\n\r\n# tools below\r\ntools: Read\r\n---\r\nBody: x\r\n\r\nmore\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert run(["fix", str(path)])[0] == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line still ends in CRLF
    new = data[3:].decode()
    assert new == (
        "---\r\n# who I am\r\nname: a\r\ndescription: |-\r\n  Use when: reviewing\r\n"
        "  and when: testing\r\n\r\n# tools below\r\ntools: Read\r\n---\r\nBody: x\r\n\r\nmore\r\n"
    )
    assert frontmatter.loads(new).metadata == {
        "name": "a",
        "description": "Use when: reviewing\nand when: testing",
        "tools": "Read",
    }


def test_an_lf_frontmatter_above_a_crlf_body_stays_lf(tmp_path: Path) -> None:
    path = tmp_path / ".claude" / "agents" / "m.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\nname: m\ndescription: Use this: x\n---\nB\r\nC\r\n")
    assert run(["fix", str(path)])[0] == 0
    assert path.read_bytes() == b"---\nname: m\ndescription: 'Use this: x'\n---\nB\r\nC\r\n"


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "x.agent.md"
    original = "---\ndescription: Use it: now\n---\nBody\n"
    path.write_text(original)
    code, out = run(["fix", "--diff", str(path)])
    assert code == 0
    assert "-description: Use it: now\n+description: 'Use it: now'\n" in out
    # A path outside the current folder is written as it is, not as `a//tmp/...`.
    assert out.startswith(f"--- {path}\n+++ {path}\n") and path.read_text() == original


def test_a_file_name_that_would_break_the_diff_header_is_quoted_as_git_quotes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newline in a file's name split the `---` line in two: no patch tool reads that."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "ev\nil.md").write_text("---\nname: e\ndescription: Use it: now\n---\nBody\n")
    code, out = run(["fix", "--diff", ".claude/agents"])
    assert code == 0
    assert out.startswith('--- "a/.claude/agents/ev\\nil.md"\n+++ "b/.claude/agents/ev\\nil.md"\n')
    assert fixfiles.quote_path('a/say "hi"\\x') == '"a/say \\"hi\\"\\\\x"'
    assert fixfiles.quote_path("a/caf\u00e9.md") == "a/caf\u00e9.md"  # printable: as it is
    assert fixfiles.quote_path("a/\x1b.md") == '"a/\\033.md"'
    assert fixfiles.quote_path(os.fsdecode(b"a/\xff.md")) == '"a/\\377.md"'


def test_fix_says_when_nothing_needs_fixing_and_check_counts_unreadable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.agent.md"
    good.write_text("---\ndescription: Fine\n---\nBody\n")
    code, out = run(["fix", str(good)])
    assert code == 0 and out == ""
    assert capsys.readouterr().err == "agentbrowser: nothing to fix in 1 file\n"
    latin = tmp_path / "latin.agent.md"
    latin.write_bytes(b"---\ndescription: caf\xe9\n---\nBody\n")
    code, out = run(["fix", "--check", str(latin)])
    assert code == 1 and "skipped: not valid UTF-8" in out
    assert capsys.readouterr().err == "agentbrowser: nothing to fix in 0 files; 1 skipped\n"
    broken = tmp_path / "broken.agent.md"
    broken.write_text("---\ndescription: Use it: now\n---\nBody\n")
    code, out = run(["fix", "--check", str(broken)])
    assert code == 1 and out.endswith(
        ": would rewrite `description` (GitHub Copilot could not use it as written)\n"
    ), out


def test_fix_leaves_plugin_files_to_claude_code_unless_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    plugin = home / ".claude" / "plugins" / "marketplaces" / "m" / "plugins" / "p" / "agents"
    plugin.mkdir(parents=True)
    broken = "---\nname: pl\ndescription: Use it: now\n---\nBody\n"
    (plugin / "pl.md").write_text(broken)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    code, out = run(["fix"])
    assert "pl.md: skipped: a plugin's file, which Claude Code replaces" in out, out
    assert capsys.readouterr().err.endswith("; 1 skipped\n")
    assert (plugin / "pl.md").read_text() == broken
    code, out = run(["fix", str(plugin / "pl.md")])
    assert code == 0 and ": fixed: rewrote `description`" in out, out


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "x.agent.md"
    path.write_text("---\ndescription: Use it: now\n---\nBody\n")
    item = fixfiles.plan(str(path), hint="copilot-agent")
    assert item.changes
    path.write_text("---\ndescription: Use it: later\n---\nBody\n")
    os.utime(path, ns=(item.mtime_ns, item.mtime_ns))  # same size and mtime: the hash tells
    with pytest.raises(fixfiles.StaleFileError):
        fixfiles.apply(item)
    assert path.read_text() == "---\ndescription: Use it: later\n---\nBody\n"
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["x.agent.md"]  # no temp


def test_what_cannot_be_repaired_is_left_and_said(tmp_path: Path) -> None:
    path = tmp_path / ".claude" / "agents" / "a.md"
    path.parent.mkdir(parents=True)
    original = "---\n  stray: line\nname: a\ndescription: x: y\n---\nBody\n"
    path.write_text(original)
    code, out = run(["fix", str(path)])
    assert code == 1 and "not fixed: line 2 belongs to no key" in out
    assert path.read_text() == original
    assert run(["fix", "--check", str(path)])[0] == 1


def test_a_raw_control_character_elsewhere_changes_no_quoted_value_and_no_list(
    tmp_path: Path,
) -> None:
    """A raw ESC on one line made the whole frontmatter unreadable, and the values were then
    read line by line: a double-quoted `"tab\\there"` kept its backslash (and was written
    `'tab\\there'`, a different value), and a list was written as one quoted string."""
    path = tmp_path / "u.md"
    path.write_text('---\nname: "tab\\there"\nmodel: \x1b[1m\ndescription: d\n---\nB\n')
    assert parse_file(str(path)).name == "tab\there"
    code, out = run(["fix", str(path)])
    assert code == 0, out
    fixed = frontmatter.loads(path.read_text())
    assert fixed["name"] == "tab\there" and fixed["model"] == "\x1b[1m"
    assert path.read_text().splitlines()[1] == 'name: "tab\\there"'  # that line untouched
    listed = tmp_path / ".github" / "agents" / "x.agent.md"
    listed.parent.mkdir(parents=True)
    original = '---\ndescription: c\nhandoffs: [{label: "\x1b[2J", agent: x}]\n---\nB\n'
    listed.write_text(original)
    code, out = run(["fix", str(listed)])
    assert code == 1 and "`handoffs` is a list or map that does not parse" in out, out
    assert listed.read_text() == original
    # Never closed, it is no less a list; one that Claude Code reads as text here is said so.
    for line, said in (
        ("tools: [Read, Grep", "`tools` is a list or map that does not parse"),
        ("meta: {enabled: yes}", "`meta` is written as a list or map, which Claude Code reads as"),
    ):
        broken = tmp_path / ".claude" / "agents" / "b.md"
        broken.parent.mkdir(parents=True, exist_ok=True)
        text = f"---\nname: b\ndescription: Use when: x\n{line}\n---\nB\n"
        broken.write_text(text)
        code, out = run(["fix", str(broken)])
        assert code == 1 and said in out, out
        assert broken.read_text() == text


def test_a_symlink_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real.agent.md"
    target.write_text("---\ndescription: a: b\n---\n")
    link = tmp_path / "link" / "x.agent.md"
    link.parent.mkdir()
    link.symlink_to(target)
    code, out = run(["fix", str(link.parent)])
    assert code == 1 and "symbolic link" in out
    assert link.is_symlink() and target.read_text() == "---\ndescription: a: b\n---\n"


def test_a_cursor_rule_s_globs_stay_as_cursor_documents_them() -> None:
    text = "---\ndescription: TS\nglobs: **/*.ts, src/**\nalwaysApply: false\n---\nUse types.\n"
    repair = repair_text(text, "/p/.cursor/rules/ts.mdc")
    assert not repair.changed and repair.refused is None


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "it's",
        'say "hi"',
        "both ' and \"",
        "tab\there",
        "esc \x1b[31m",
        "csi \x9b x",
        "bom \ufeff x",
        "nul \x00",
        "  lead",
        "a: b #c",
    ],
)
def test_quote_reads_back(value: str) -> None:
    assert frontmatter.loads(f"---\nk: {quote(value)}\n---\n")["k"] == value


@pytest.mark.parametrize(
    "value", ["a\nb", "a\n\nb\n", "a\n  b\n- c", "  lead\nx", "a\nb\n\n", "x:\n  y: z"]
)
def test_literal_block_reads_back(value: str) -> None:
    block = literal_block(value)
    assert block is not None
    text = "---\nk: " + block[0] + "\n" + "\n".join(block[1:]) + "\n---\n"
    assert frontmatter.loads(text)["k"] == value


def test_a_repair_quotes_the_values_yaml_1_1_readers_read_otherwise() -> None:
    """`name: yes` is the agent `yes` to Claude Code (YAML 1.2) and `true` to python-frontmatter
    (YAML 1.1): a repair made for another key quotes it too, so both read `yes`."""
    text = (
        "---\nname: yes\ndescription: Use this: when\ncreated: 2024-01-01\nmodel: sonnet\n---\nB\n"
    )
    repair = repair_text(text, "/p/.claude/agents/a.md", "project")
    assert repair.refused is None and repair.changed
    assert repair.keys == ("name", "description", "created")
    post = frontmatter.loads(repair.text)
    assert post.metadata == {
        "name": "yes", "description": "Use this: when", "created": "2024-01-01", "model": "sonnet"
    }  # fmt: skip
    assert "model: sonnet\n" in repair.text  # a value every reader reads alike stays as it is
