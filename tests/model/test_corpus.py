"""Every real file in ../shared/corpus and ../shared/seeds reads: listed, named, described."""

from __future__ import annotations

import csv
import json
import re
from io import StringIO
from pathlib import Path

import pytest

from agentbrowser import cli
from agentbrowser.loading import load_collection
from agentbrowser.model import parse_file
from agentbrowser.model.formats import split_tools

from ..paths import CORPUS, SEEDS

_KEY = re.compile(r"^([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$")


def naive_frontmatter(path: Path) -> dict[str, str]:
    """An independent line-by-line reading: `key: value` lines at column 0, quotes stripped."""
    text = path.read_text(encoding="utf-8-sig", errors="replace").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return {}
    result: dict[str, str] = {}
    for line in text.split("\n")[1:]:
        if line.strip() == "---":
            break
        match = _KEY.match(line)
        if match:
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            result.setdefault(match.group(1), value)
    return result


def manifest() -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_list_json_over_the_corpus_lists_every_file() -> None:
    out = StringIO()
    assert cli.main(["list", "--json", str(CORPUS)], out=out) == 0
    records = json.loads(out.getvalue())
    listed = {r["path"] for r in records}
    for row in manifest():
        assert str(CORPUS / row["path"]) in listed, row["path"]
    assert all(Path(r["path"]).is_absolute() for r in records)


def strict_failures() -> list[dict[str, str]]:
    """The manifest rows python-frontmatter could not read (not counting non-string keys)."""
    return [
        r
        for r in manifest()
        if r["python_frontmatter_result"].startswith("ERROR")
        and "TypeError" not in r["python_frontmatter_result"]
    ]


def test_every_strict_yaml_failure_is_a_problem_with_a_line_naming_who_rejects_it() -> None:
    agents = {a.path: a for a in load_collection([str(CORPUS)])}
    failures = strict_failures()
    assert len(failures) >= 40
    for row in failures:
        agent = agents[str(CORPUS / row["path"])]
        yaml = [p for p in agent.problems if "YAML" in p.message or "does not parse" in p.message]
        if agent.format == "cursor-rule" and not yaml:
            # `globs: **/*.ts, src/**` unquoted, the form Cursor documents, and nothing else
            assert re.search(r"^globs: *[^'\"\[ ]", Path(agent.path).read_text(), re.M), row["path"]
            assert isinstance(agent.frontmatter.get("globs"), str), row["path"]
            continue
        assert yaml, (row["path"], agent.problems)
        assert yaml[0].line is not None and yaml[0].line >= 2, row["path"]
        assert "strict YAML" in yaml[0].message or "does not parse" in yaml[0].message, row["path"]


def test_non_string_keys_are_read_not_errors() -> None:
    agents = {a.path: a for a in load_collection([str(CORPUS)])}
    for row in manifest():
        if "TypeError" in row["python_frontmatter_result"]:
            agent = agents[str(CORPUS / row["path"])]
            assert not agent.has_error, (row["path"], agent.problems)
            assert all(isinstance(k, str) for k in agent.frontmatter)


def test_names_descriptions_and_tools_match_a_line_by_line_reading() -> None:
    failed = {str(CORPUS / r["path"]) for r in strict_failures()}
    for agent in load_collection([str(CORPUS)]):
        if agent.path not in failed:
            continue  # strict YAML read these; the differential test below checks them
        expected = naive_frontmatter(Path(agent.path))
        if "name" in expected and expected["name"]:
            assert agent.name == expected["name"], agent.path
        if expected.get("description"):
            # A value that runs on over more lines keeps them: the key line's text comes first.
            assert agent.description.startswith(expected["description"]), agent.path
        key = "tools" if "tools" in expected else "allowed-tools"
        if expected.get(key):
            raw = expected[key]
            want = [t.strip("'\"") for t in split_tools(raw.strip("[]") if raw.startswith("[") else raw, False)]
            assert list(agent.tools or []) == want, agent.path


def test_agrees_with_python_frontmatter_where_it_succeeds() -> None:
    frontmatter = pytest.importorskip("frontmatter")
    for row in manifest():
        if row["python_frontmatter_result"] != "OK":
            continue
        path = CORPUS / row["path"]
        expected = frontmatter.load(str(path))
        agent = parse_file(str(path))
        assert agent.frontmatter == expected.metadata, row["path"]
        assert agent.body.strip() == expected.content.strip(), row["path"]
        assert not agent.has_error, (row["path"], agent.problems)


SEED_EXPECTED = {
    "backend-implementation-expert": (("Edit", "MultiEdit", "Write", "NotebookEdit"), None),
    "backend-implementation-engineer": (None, None),
    "backend-implementation": (None, None),
    "backend-impl-specialist": (None, "sonnet"),
    "backend-engineer": (("Glob", "Grep", "Read", "WebFetch", "TodoWrite", "WebSearch", "Task", "Agent", "Bash"), "inherit"),
}


def test_seeds_read_as_agents_whatever_their_suffix() -> None:
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    out = StringIO()
    assert cli.main(["list", "--json", *map(str, files)], out=out) == 0
    records = {r["name"]: r for r in json.loads(out.getvalue())}
    assert set(records) == set(SEED_EXPECTED)
    for name, (tools, model) in SEED_EXPECTED.items():
        record = records[name]
        assert record["format"] == "claude-agent"
        assert record["tools"] == (list(tools) if tools else None), name
        assert record["model"] == model, name
        assert record["description"].startswith("Use this agent"), name


def test_seed_folder_is_walked_for_txt_agents() -> None:
    names = {a.name for a in load_collection([str(SEEDS)])}
    assert names == set(SEED_EXPECTED)
