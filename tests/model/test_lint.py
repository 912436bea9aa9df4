"""`agentbrowser lint --format text|json|sarif|github`: reports for people and for CI."""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
import yaml

from agentbrowser import cli
from agentbrowser.model import lint
from agentbrowser.model.records import Problem

from ..paths import CORPUS, DATA, REPO, SEEDS

SARIF_SCHEMA = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text())


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = StringIO()
    code = cli.main(args, out=out)
    return code, out.getvalue(), capsys.readouterr().err


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with an error (unclosed frontmatter), schema warnings and a clean agent."""
    root = tmp_path / "project"
    agents = root / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "good.md").write_text("---\nname: good\ndescription: Fine\n---\nGood prompt\n")
    (agents / "typo.md").write_text(
        "---\nname: typo\ndescription: d\nallowed_tools: Read\nmodel: gpt-4\n---\nPrompt\n"
    )
    (agents / "open.md").write_text("---\nname: open\ndescription: never closed\n")
    rules = root / ".cursor" / "rules"
    rules.mkdir(parents=True)
    rule = '---\nglobs: **/*.ts\nalwaysApply: "true"\n---\nUse TS\n'
    (rules / "odd name, 100%.mdc").write_text(rule)
    monkeypatch.chdir(root)
    return root


def validate_sarif(log: dict) -> None:
    validator_class = jsonschema.validators.validator_for(SARIF_SCHEMA)
    validator_class.check_schema(SARIF_SCHEMA)
    validator = validator_class(SARIF_SCHEMA, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert errors == [], errors[0].message if errors else ""
    # jsonschema checks `uri` formats only with extra packages: check them here.
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert urlsplit(base).scheme == "file" and base.endswith("/")
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert " " not in location["uri"] and "," not in location["uri"]


def test_sarif_is_valid_sarif_2_1_0_with_rules_lines_and_relative_files(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["lint", "--no-cache", "--format", "sarif", str(tree)], capsys)
    assert code == 1  # the unclosed frontmatter is an error
    log = json.loads(out)
    validate_sarif(log)
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    unknown = by_rule["schema/unknown-key"]
    assert unknown["level"] == "warning"
    assert "did you mean `tools`?" in unknown["message"]["text"]
    location = unknown["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": ".claude/agents/typo.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 4}
    assert by_rule["schema/wrong-value"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5
    }
    assert by_rule["frontmatter/unclosed"]["level"] == "error"
    cursor = by_rule["schema/wrong-type"]["locations"][0]["physicalLocation"]
    assert unquote(cursor["artifactLocation"]["uri"]) == ".cursor/rules/odd name, 100%.mdc"
    assert cursor["region"] == {"startLine": 3}
    rule_ids = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) == len({r["ruleId"] for r in results})


def test_sarif_of_the_corpus_and_the_seeds_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["lint", "--no-cache", "--format", "sarif", str(CORPUS), str(SEEDS)], capsys)
    log = json.loads(out)
    validate_sarif(log)
    problems = sum(
        len(r["problems"])
        for r in json.loads(_out(["list", "--json", "--no-cache", str(CORPUS), str(SEEDS)]))
    )
    assert len(log["runs"][0]["results"]) == problems > 0
    assert code == 1


def test_sarif_places_files_outside_the_current_folder_by_absolute_uri(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, out, _ = run(["lint", "--no-cache", "--format", "sarif", str(tree)], capsys)
    log = json.loads(out)
    validate_sarif(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert all(uri.startswith("file:///") for uri in uris)
    assert (tree / ".claude/agents/typo.md").as_uri() in uris


def _out(args: list[str]) -> str:
    out = StringIO()
    cli.main(args, out=out)
    return out.getvalue()


def test_github_annotations(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["lint", "--no-cache", "--format", "github", str(tree)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert (
        "::warning file=.claude/agents/typo.md,line=4,title=agentbrowser schema/unknown-key::"
        "`allowed_tools` is not a Claude Code agent field: did you mean `tools`?"
    ) in "\n".join(lines)
    assert any(
        line.startswith("::error file=.claude/agents/open.md,line=1,title=agentbrowser ")
        for line in lines
    )
    # Property values escape `,` `:` and `%` as the workflow command syntax wants.
    assert any("file=.cursor/rules/odd name%2C 100%25.mdc,line=3," in line for line in lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_github_annotations_carry_no_terminal_escapes_or_line_breaks() -> None:
    from agentbrowser.model.parse import parse_text
    from agentbrowser.model.text import sanitize

    agent = parse_text(
        "---\nname: a\ndescription: d\n\x1b[31mevil\x1b[0m: 1\n---\nb\n", "/p/.claude/agents/a.md"
    )
    lines = lint.github_lines([agent], lambda p: p, sanitize)
    assert lines and all("\x1b" not in line and "\n" not in line for line in lines)


def test_json_lists_each_problem_with_its_rule(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["lint", "--no-cache", "--format", "json", str(tree)], capsys)
    assert code == 1
    items = json.loads(out)
    typo = [i for i in items if i["name"] == "typo"]
    assert {(i["rule"], i["line"], i["severity"]) for i in typo} == {
        ("schema/unknown-key", 4, "warning"),
        ("schema/wrong-value", 5, "warning"),
    }
    keys = {"path", "line", "severity", "rule", "message", "name", "format"}
    assert all(set(i) == keys for i in items)


def test_text_format_is_the_default(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    default = run(["lint", "--no-cache", str(tree)], capsys)
    text = run(["lint", "--no-cache", "--format", "text", str(tree)], capsys)
    assert default == text
    assert ".claude/agents/typo.md:4: warning: `allowed_tools`" in default[1]


def test_a_clean_collection_exits_0_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "good.md").write_text("---\nname: good\ndescription: Fine\n---\nGood prompt\n")
    monkeypatch.chdir(tmp_path)
    for fmt in lint.LINT_FORMATS:
        code, out, _ = run(["lint", "--no-cache", "--format", fmt, str(tmp_path)], capsys)
        assert code == 0, fmt
    log = json.loads(_out(["lint", "--no-cache", "--format", "sarif", str(tmp_path)]))
    validate_sarif(log)
    assert log["runs"][0]["results"] == []


@pytest.mark.parametrize(
    "message,rule",
    [
        ("frontmatter opened on line 1 is never closed with ---", "frontmatter/unclosed"),
        ("duplicate key `name`: the last one wins", "yaml/duplicate-key"),
        ("unsupported YAML tag !x read as text", "yaml/unsupported-tag"),
        ("invalid YAML (x): keys recovered line by line", "yaml/syntax"),
        ("3 files in scope path are named 'README'", "name/duplicate"),
        ("no `name`: Claude Code needs one to load the agent", "field/missing-name"),
        ("something new", "problem/other"),
    ],
)
def test_rule_ids_of_problems_without_one(message: str, rule: str) -> None:
    assert lint.rule_id(Problem("warning", message)) == rule
    assert rule in lint.ALL_RULES


def test_pre_commit_hooks_declare_lint_and_fix() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["agentbrowser-lint"]["entry"] == "agentbrowser lint"
    assert hooks["agentbrowser-fix"]["entry"] == "agentbrowser fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["files"] and hook["name"] and hook["description"]
    assert os.path.exists(REPO / "docs" / "lint.md")


def test_what_an_owner_does_with_unparsable_yaml_is_a_yaml_syntax_problem_whatever_its_words() -> (
    None
):
    """The seeds' error says what Claude Code does ('will not load this agent'), not 'YAML':
    its rule is still yaml/syntax, in every report, not problem/other."""
    from ..paths import SEEDS

    out = StringIO()
    cli.main(["lint", "--format", "json", str(SEEDS)], out=out)
    rules = {(p["severity"], p["rule"]) for p in json.loads(out.getvalue())}
    assert rules == {("warning", "yaml/syntax"), ("error", "yaml/syntax")}


@pytest.mark.parametrize("value", ["5", "4.5", "true"])
def test_tools_of_an_unreadable_type_keep_their_rule(value: str) -> None:
    """`is an integer` did not match the rule's `is a `: it fell to problem/other, and an
    --ignore of field/tools-type no longer held."""
    from agentbrowser.model import parse_text
    from agentbrowser.model.lint import rule_id

    agent = parse_text(f"---\ndescription: d\ntools: {value}\n---\nb\n", "/p/notes/p.md")
    typed = [p for p in agent.problems if p.message.startswith("`tools` is a")]
    assert typed and {rule_id(p) for p in typed} == {"field/tools-type"}, typed
