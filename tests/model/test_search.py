"""Search over a collection: fuzzy words, field filters, ranking and highlights."""

from __future__ import annotations

import pytest

from agentbrowser.model import parse_text
from agentbrowser.model.describe import description_blocks
from agentbrowser.model.search import SearchIndex, parse_query


def agent(
    name: str,
    description: str = "d",
    tools: str | None = None,
    model: str | None = None,
    path: str | None = None,
    scope: str = "path",
):
    lines = [f"name: {name}", f"description: {description}"]
    if tools is not None:
        lines.append(f"tools: {tools}")
    if model:
        lines.append(f"model: {model}")
    return parse_text(
        "---\n" + "\n".join(lines) + "\n---\nbody\n",
        path or f"/c/.claude/agents/{name}.md",
        scope=scope,
    )


AGENTS = [
    agent("code-reviewer", "Reviews diffs for bugs", "Read, Grep", "sonnet"),
    agent("security-reviewer", "Finds vulnerabilities", "Read, Bash(git diff:*)", "opus"),
    agent("backend-impl-specialist", "Implements server-side logic", None, "sonnet"),
    agent("test-writer", "Writes tests that fail first", "Read, Write, Bash", "haiku"),
    parse_text("---\ndescription: Python style\nglobs: '**/*.py'\n---\n", "/c/r/py.mdc"),
]


def names(query: str) -> list[str]:
    index = SearchIndex(AGENTS)
    return [AGENTS[m.index].name for m in index.search(query)]


@pytest.mark.parametrize(
    "query,expected",
    [
        (
            "",
            ["code-reviewer", "security-reviewer", "backend-impl-specialist", "test-writer", "py"],
        ),
        ("reviewer", ["code-reviewer", "security-reviewer"]),
        ("specialist", ["backend-impl-specialist"]),
        ("bis", ["backend-impl-specialist"]),  # subsequence of the name
        ("vulnerab", ["security-reviewer"]),  # description
        ("tool:bash", ["security-reviewer", "backend-impl-specialist", "test-writer"]),
        ("tool:Bash reviewer", ["security-reviewer"]),
        ("model:opus", ["security-reviewer"]),
        ("format:cursor-rule", ["py"]),
        ("scope:user", []),
        ("zzzz", []),
        (
            "tool:",
            ["code-reviewer", "security-reviewer", "backend-impl-specialist", "test-writer", "py"],
        ),
    ],
    ids=[
        "empty",
        "word-in-names",
        "whole-name",
        "subsequence",
        "description",
        "tool-filter",
        "filter-and-word",
        "model-filter",
        "format-filter",
        "scope-filter",
        "no-match",
        "filter-without-value",
    ],
)
def test_search(query: str, expected: list[str]) -> None:
    assert names(query) == expected


def test_a_tool_filter_finds_the_agents_allowed_that_tool_named_or_inherited() -> None:
    """No tools key: every tool (a Claude agent, command or skill, an OpenCode or Copilot
    agent), less what `disallowedTools` refuses whole; a Cursor rule has no tools at all."""
    agents = [
        agent("lists-it", tools="Read, Bash"),
        agent("inherits"),
        parse_text(
            "---\nname: refuses\ndescription: d\ndisallowedTools: Write, Bash\n---\nb\n",
            "/c/.claude/agents/r.md",
        ),
        parse_text(
            "---\nname: narrows\ndescription: d\ndisallowedTools: [Bash(rm:*)]\n---\nb\n",
            "/c/.claude/agents/n.md",
        ),
        agent("reads-only", tools="Read"),
        parse_text("---\ndescription: Python style\nglobs: '**/*.py'\n---\n", "/c/r/py.mdc"),
        parse_text("---\ndescription: d\ntools: []\n---\nb\n", "/c/.claude/agents/none.md"),
    ]
    index = SearchIndex(agents)

    def found(query: str) -> list[str]:
        return [agents[m.index].name for m in index.search(query)]

    assert found("tool:Bash") == ["lists-it", "inherits", "narrows"]
    assert found("tool:read") == ["lists-it", "inherits", "refuses", "narrows", "reads-only"]
    assert found("tool:bas") == ["lists-it", "inherits", "narrows"]  # part of a tool's name
    assert found("tool:xyz") == []  # no tool: not every agent without a list
    # A tool only some agent lists (an MCP server's) is one an inheriting agent may use too.
    agents.append(agent("github-user", tools="mcp__github__create_issue"))
    index = SearchIndex(agents)
    assert found("tool:mcp__github") == ["inherits", "refuses", "narrows", "github-user"]
    # A tool refused whole refuses its parts: an agent listing `Bash(git:*)` does not bring
    # back the agent that refuses Bash.
    agents.append(agent("gitter", tools="Bash(git:*), Read"))
    index = SearchIndex(agents)
    assert "refuses" not in found("tool:bash") and "refuses" not in found("tool:bas")
    assert "gitter" in found("tool:bash")


def test_name_prefix_ranks_first() -> None:
    assert names("test")[0] == "test-writer"
    assert names("code")[0] == "code-reviewer"


def test_highlight_spans_point_at_matched_characters() -> None:
    index = SearchIndex(AGENTS)
    (match,) = index.search("specialist")
    name = AGENTS[match.index].name
    assert "".join(name[i] for i in match.name_spans) == "specialist"


def test_typing_narrows_incrementally_and_backspace_widens() -> None:
    index = SearchIndex(AGENTS)
    assert len(index.search("r")) >= len(index.search("re")) >= len(index.search("rev"))
    assert [AGENTS[m.index].name for m in index.search("re")] == names("re")
    assert len(index.search("r")) == len(SearchIndex(AGENTS).search("r"))


def test_parse_query_splits_filters_and_words() -> None:
    query = parse_query("Tool:Bash review model:opus")
    assert query.words == ("review",)
    assert query.filters == (("tools", "bash"), ("model", "opus"))


def test_description_blocks_examples_and_commentary() -> None:
    text = "Use it.\\n\\n<example>Context: x user: 'hi' assistant: 'ok'<commentary>why</commentary></example> after"
    blocks = description_blocks(text)
    assert [b.kind for b in blocks] == ["text", "example", "text"]
    assert blocks[0].text == "Use it."
    example = blocks[1]
    assert [c.kind for c in example.children] == ["text", "commentary"]
    assert example.children[0].text == "Context: x\nuser: 'hi'\nassistant: 'ok'"
    assert example.children[1].text == "why"


def test_results_are_a_lazy_sequence_of_matches() -> None:
    index = SearchIndex(AGENTS)
    results = index.search("re")
    assert len(results) == len(list(results)) > 0
    assert results[0] == list(results)[0] and results[-1] == list(results)[-1]
    assert results[1:3] == list(results)[1:3]
    assert results == list(results) and bool(index.search("zzzz")) is False


def test_a_character_sharing_a_mask_bit_is_no_subsequence() -> None:
    """Names' characters are kept as bits (code modulo 63): '"' shares 'a''s bit."""
    assert ord('"') % 63 == ord("a") % 63
    index = SearchIndex([agent("a-b", "nothing here")])
    assert list(index.search('"b')) == []
    assert [m.name_spans for m in index.search("ab")] == [(0, 2)]


def test_a_list_marker_before_an_example_does_not_stand_alone() -> None:
    """`Examples:\n- <example>...`: the example becomes a block; its `-` would be a line of its
    own. A marker inside a line, or a list of words, stays."""
    blocks = description_blocks(
        "Examples:\n- <example>a</example>\n- <example>b</example>\n2. done"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("text", "Examples:"), ("example", "a"), ("example", "b"), ("text", "2. done"),
    ]  # fmt: skip
    blocks = description_blocks(
        "A list:\n- one\n- two <example>x</example> and - <example>y</example>"
    )
    assert [b.text for b in blocks if b.kind == "text"] == ["A list:\n- one\n- two", "and -"]


def test_is_takes_error_warning_info_and_a_typo_is_told() -> None:
    from agentbrowser.model.search import IS_VALUES, unknown_is

    clean = parse_text("---\nname: clean\ndescription: d\n---\nP\n", "/p/.claude/agents/c.md")
    noted = parse_text(
        "---\nname: noted\ndescription: d\ncolor: mauve\n---\nP\n", "/p/.claude/agents/n.md"
    )
    broken = parse_text("---\nname: broken\n---\nP\n", "/p/.claude/agents/b.md")
    agents = [clean, noted, broken]
    index = SearchIndex(agents)

    def found(query: str) -> list[str]:
        return sorted(agents[m.index].name for m in index.search(query))

    assert found("is:info") == ["noted"]
    assert found("is:error") == ["broken"]
    assert found("is:problems") == ["broken", "noted"]
    assert list(index.search("is:nonsense")) == []
    assert unknown_is("review is:nonsense is:error is:") == ["nonsense"]
    assert unknown_is("is:problems is:info") == [] and "info" in IS_VALUES
