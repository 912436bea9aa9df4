"""Comparing 3 to 6 agents: the model marks what each has alone; the screen shows and jumps."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot

from agentbrowser.cli import build_app
from agentbrowser.loading.collection import load_collection
from agentbrowser.model.multi import (
    ALL,
    SOME,
    UNIQUE,
    compare_many,
    split_parts,
    word_spans,
)
from agentbrowser.model.records import Agent
from agentbrowser.render.multi_layout import OWN_WORD, marked_paragraph, value_cell
from agentbrowser.screens.browse import BrowseScreen
from agentbrowser.screens.compare import CompareScreen
from agentbrowser.screens.groups import GroupsScreen
from agentbrowser.screens.multi_compare import MultiCompareScreen, PromptPart

from ..paths import BUNDLED
from .test_app import system_clipboard  # noqa: F401  (a fixture)

SEED_NAMES = [
    "backend-implementation-expert",
    "backend-implementation-engineer",
    "backend-implementation",
    "backend-impl-specialist",
    "backend-engineer",
]


def _agent(tmp_path: Path, name: str, body: str, tools: str | None = "Read, Grep") -> Agent:
    tools_line = f"tools: {tools}\n" if tools is not None else ""
    path = tmp_path / f"{name}.md"
    path.write_text(f"---\nname: {name}\ndescription: {name} agent\n{tools_line}---\n{body}")
    return load_collection([str(path)], use_cache=False)[0]


SHARED = "Read the code that changed and nothing else, then report what you found."
SOME_TEXT = "Run the whole test suite with pytest before you say that the change works."


def test_parts_are_marked_shared_by_all_by_some_or_unique(tmp_path: Path) -> None:
    a = _agent(tmp_path, "a", f"{SHARED}\n\n{SOME_TEXT}\n\nOnly a talks about monads here.\n")
    b = _agent(tmp_path, "b", f"{SHARED}\n\n{SOME_TEXT}\n", tools="Read, Bash")
    c = _agent(tmp_path, "c", f"{SHARED}\n\nZebra crossings are painted white.\n", tools=None)
    result = compare_many([a, b, c])
    kinds_a = [(p.kind, p.holders) for p in result.prompts[0]]
    assert kinds_a == [(ALL, (0, 1, 2)), (SOME, (0, 1)), (UNIQUE, (0,))]
    assert result.unique_count(2) == 1 and result.unique_count(1) == 0
    assert result.prompts[0][2].line == 10  # the file's line: five of frontmatter above
    tools = {row.tool: row.granted for row in result.tools}
    # c has no tools key: it inherits every tool, so it grants them all.
    assert tools == {
        "Read": (True, True, True),
        "Grep": (True, False, True),
        "Bash": (False, True, True),
    }
    assert result.inherits == (False, False, True)
    fields = {row.field: row.differs for row in result.fields}
    assert fields["name"] and fields["description"] and fields["tools"]
    assert not fields["format"]
    assert result.to_json()["prompts"][0][1]["holders"] == [0, 1]


def test_reworded_paragraphs_still_count_as_shared(tmp_path: Path) -> None:
    a = _agent(tmp_path, "a", "Always write a failing test first, then make it pass.\n")
    b = _agent(tmp_path, "b", "Always write a failing test first and then make it pass!\n")
    c = _agent(tmp_path, "c", "Deploy on Fridays.\n")
    result = compare_many([a, b, c])
    assert result.prompts[0][0].holders == (0, 1)


def test_a_heading_inside_a_longer_paragraph_does_not_make_it_shared(tmp_path: Path) -> None:
    # The words of "## Core responsibilities" and of "You will" are in the other agents'
    # paragraphs: a measure that takes a part as shared when one's words are (nearly) a subset
    # of the other's marked those long paragraphs as shared, hiding what each has alone.
    a = _agent(tmp_path, "a", "## Core responsibilities\n\nYou will\n")
    long_b = (
        "Your core responsibilities are to design REST endpoints, validate every input and "
        "write migrations that can be rolled back."
    )
    long_c = "For debugging tasks you will bisect the history and reproduce the failure first."
    b = _agent(tmp_path, "b", long_b + "\n")
    c = _agent(tmp_path, "c", long_c + "\n")
    result = compare_many([a, b, c])
    assert [p.kind for p in result.prompts[1]] == [UNIQUE]
    assert [p.kind for p in result.prompts[2]] == [UNIQUE]
    assert [p.kind for p in result.prompts[0]] == [UNIQUE, UNIQUE]


def test_a_shared_part_says_which_holders_word_it_differently(tmp_path: Path) -> None:
    a = _agent(
        tmp_path, "a", f"{SHARED}\n\nAlways write a failing test first, then make it pass.\n"
    )
    b = _agent(
        tmp_path, "b", f"{SHARED}\n\nAlways write a failing test first and then make it pass!\n"
    )
    c = _agent(tmp_path, "c", f"{SHARED.upper()}\n\nDeploy on Fridays.\n")
    result = compare_many([a, b, c])
    first, second = result.prompts[0]
    # Case and spacing are not wording: c holds the first part as written.
    assert (first.kind, first.holders, first.reworded) == (ALL, (0, 1, 2), ())
    assert (second.kind, second.holders, second.reworded) == (SOME, (0, 1), (1,))
    assert result.prompts[1][1].reworded == (0,)
    assert result.to_json()["prompts"][0][1]["reworded"] == [1]


def test_past_the_budget_parts_are_matched_only_where_written_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Six prompts of 600 paragraphs took minutes to compare in other words; the budget keeps
    # that to each prompt's first parts, and the rest still meet their exact copies.
    from agentbrowser.model import multi

    monkeypatch.setattr(multi, "FUZZY_PAIRS", 24)
    monkeypatch.setattr(multi, "FUZZY_MIN", 2)
    assert multi.fuzzy_limit(3)[0] == 2
    said = "Always write a failing test first, then make it pass."
    reworded = "Always write a failing test first and then make it pass!"
    a = _agent(tmp_path, "a", f"{said}\n\nOne.\n\n{SHARED}\n\n{said} Twice.\n")
    b = _agent(tmp_path, "b", f"{reworded}\n\n{SHARED}\n\n{reworded} Twice.\n")
    c = _agent(tmp_path, "c", "Deploy on Fridays.\n")
    parts = compare_many([a, b, c]).prompts[0]
    assert [(p.holders, p.reworded) for p in parts] == [
        ((0, 1), (1,)),  # within the limit: alike
        ((0,), ()),
        ((0, 1), ()),  # past it, written the same: shared
        ((0,), ()),  # past it, alike only in other words: not compared
    ]


def test_a_part_past_the_character_budget_or_too_long_is_matched_only_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One ratio costs about the product of two parts' lengths: three 1 MB paragraphs took two
    # minutes, with the screen's worker holding the interpreter.
    from agentbrowser.model import multi

    said = "Always write a failing test first, then make it pass. " * 80
    reworded = "Always write a failing test first and then make it pass! " * 80
    assert len(said) > multi.FUZZY_PART_CHARS
    a = _agent(tmp_path, "a", f"{said}\n")
    b = _agent(tmp_path, "b", f"{reworded}\n")
    c = _agent(tmp_path, "c", "Deploy on Fridays.\n")
    assert compare_many([a, b, c]).prompts[0][0].holders == (0,)
    monkeypatch.setattr(multi, "FUZZY_PART_CHARS", 10**6)
    assert compare_many([a, b, c]).prompts[0][0].holders == (0, 1)
    monkeypatch.setattr(multi, "FUZZY_CHARS", 6 * len(said) ** 2 - 1)
    assert compare_many([a, b, c]).prompts[0][0].holders == (0,)


def test_a_word_with_a_hidden_character_is_not_one_only_its_agent_uses(tmp_path: Path) -> None:
    a = _agent(tmp_path, "a", "Keep the pass\u3164word and the tokens apart.\n")
    b = _agent(tmp_path, "b", "Nothing here.\n")
    c = _agent(tmp_path, "c", "Deploy on Fridays.\n")
    assert compare_many([a, b, c]).only_words[0] == frozenset({"keep", "tokens", "apart"})


def test_a_control_character_is_not_a_space_so_the_part_is_not_written_the_same(
    tmp_path: Path,
) -> None:
    a = _agent(tmp_path, "a", "Never push to main\x1fwithout review, ever.\n")
    b = _agent(tmp_path, "b", "Never push to main without review, ever.\n")
    c = _agent(tmp_path, "c", "Deploy on Fridays.\n")
    part = compare_many([a, b, c]).prompts[0][0]
    assert part.holders == (0, 1) and part.reworded == (1,)


def test_the_words_only_one_agent_uses_are_listed(tmp_path: Path) -> None:
    a = _agent(tmp_path, "a", f"{SHARED}\n\nUse GraphQL subscriptions.\n")
    b = _agent(tmp_path, "b", f"{SHARED}\n\nUse gRPC streams.\n")
    c = _agent(tmp_path, "c", f"{SHARED}\n\nUse graphql and gRPC.\n")
    result = compare_many([a, b, c])
    assert result.only_words == (
        frozenset({"subscriptions"}),
        frozenset({"streams"}),
        frozenset(),
    )
    text = result.prompts[0][1].text
    assert [text[s:e] for s, e in word_spans(text, result.only_words[0])] == ["subscriptions"]
    assert result.to_json()["agents"][1]["only_words"] == ["streams"]


def test_a_field_cell_reads_as_in_the_two_way_compare() -> None:
    assert value_cell(None) == "\u2014"
    assert value_cell(["Read", "Grep"]) == "Read, Grep"
    assert value_cell({"write": False}) == '{"write": false}'
    assert value_cell(True) == "true"


def test_split_parts_keeps_line_numbers() -> None:
    assert split_parts("one\n\n\ntwo\nthree\n\nfour") == [
        (1, "one"),
        (4, "two\nthree"),
        (7, "four"),
    ]
    assert split_parts("") == []


@pytest.mark.parametrize("count", [1, 7])
def test_only_two_to_six_agents(tmp_path: Path, count: int) -> None:
    agents = [_agent(tmp_path, f"x{i}", "body\n") for i in range(count)]
    with pytest.raises(ValueError):
        compare_many(agents)


# -- the screen ----------------------------------------------------------------------------


async def wait_for(pilot: Pilot[None], condition) -> None:  # type: ignore[no-untyped-def]
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out waiting for the app")


async def open_multi(pilot: Pilot[None], marks: int) -> MultiCompareScreen:
    browse = pilot.app.screen
    assert isinstance(browse, BrowseScreen)
    await wait_for(pilot, lambda: browse.library is not None)
    for _ in range(marks):
        await pilot.press("space", "down")
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MultiCompareScreen))
    screen = pilot.app.screen
    assert isinstance(screen, MultiCompareScreen)
    await wait_for(pilot, lambda: not screen.busy and len(screen.query(PromptPart)) > 0)
    await pilot.pause()
    return screen


async def open_groups(pilot: Pilot[None]) -> tuple[BrowseScreen, GroupsScreen]:
    """`v` once the collection is read: the browse screen and the groups view (its grouping
    may still run)."""
    browse = pilot.app.screen
    assert isinstance(browse, BrowseScreen)
    await wait_for(pilot, lambda: browse.library is not None)
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, GroupsScreen))
    assert isinstance(pilot.app.screen, GroupsScreen)
    return browse, pilot.app.screen


def _screen_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


async def test_d_with_five_marked_opens_the_n_way_compare_and_names_stay_apart_at_80x24(
    seeds: Path,
) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        screen = await open_multi(pilot, 5)
        assert [a.name for a in screen.agents] == SEED_NAMES
        lines = _screen_lines(pilot.app)
        legend = [line for line in lines if line.strip()[:3].strip(">* ") in "ABCDE"]
        for letter, name in zip("ABCDE", SEED_NAMES):
            assert any(
                f"{letter}  {name}" in line or f"{letter}* {name}" in line for line in lines
            ), (
                name,
                lines[:8],
            )
        assert legend
        text = "\n".join(lines)
        assert "unique" in text and "field" in text
        # The summary fits its line whole: the fields' count, then every agent's count.
        (summary,) = [line for line in lines if line.startswith(" 5 agents")]
        assert " fields differ" in summary and re.search(r"E \d+$", summary.rstrip()), summary
        # The fields table's name row (nine cells a name at 80 columns) shows five names.
        (row,) = [line.split() for line in lines if line.split()[:2] == ["name", "\u2260"]]
        assert len(set(row[2:])) == 5, row
        assert all(_cut_from(name, shown) for name, shown in zip(SEED_NAMES, row[2:])), row
        # What the marks mean stays on screen after `n` scrolled the tables away.
        await pilot.press("n", "n")
        await pilot.pause()
        lines = _screen_lines(pilot.app)
        assert not any(line.split()[:1] == ["field"] for line in lines), lines
        assert any("A's prompt" in line and "only A says it" in line for line in lines), lines
        # The key bar at 80 columns has every key of the screen (space was left out).
        bar = lines[-1]
        keys = ("n/N Unique", "\u2192 l Next agent", "space Pick two", "c Copy", "t Tools")
        for key in (*keys, "esc Back", "? Help"):
            assert f" {key} " in bar, bar
        # Help says each in full, and `N` once, with `n`.
        from agentbrowser.screens.help import help_sections

        await pilot.press("question_mark")
        title, rows = help_sections(pilot.app, MultiCompareScreen)[0]
        assert title.startswith("This screen: Compare 3 to 6 agents")
        described = dict(rows)
        assert described["n/N"] == "Next / previous paragraph that no other agent has"
        assert described["space"].startswith("Choose the agent shown; choosing a second")
        assert not any(key == "N" for key, _ in rows), rows
        await pilot.press("escape")


def _cut_from(name: str, shown: str) -> bool:
    """True when ``shown`` can be ``name`` with parts of it replaced by an ellipsis each."""
    import re

    pattern = ".+".join(re.escape(piece) for piece in shown.split("\u2026"))
    return re.fullmatch(pattern, name) is not None if "\u2026" in shown else shown == name


async def test_the_prompt_marks_reworded_holders_and_underlines_the_words_no_other_uses(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "three"
    folder.mkdir()
    _agent(folder, "a", "Always write a failing test first, then make it pass.\n\nUse GraphQL.\n")
    _agent(folder, "b", "Always write a failing test first and then make it pass!\n")
    _agent(folder, "c", "Deploy on Fridays.\n")
    async with build_app([str(folder)], use_cache=False).run_test(size=(100, 30)) as pilot:
        screen = await open_multi(pilot, 3)
        assert [agent.name for agent in screen.agents] == ["a", "b", "c"]
        await wait_for(pilot, lambda: "\u2248 B" in "\n".join(_screen_lines(pilot.app)))
        assert "only A says it" in "\n".join(_screen_lines(pilot.app))
    grid = marked_paragraph(Text("only A"), "Use GraphQL.", frozenset({"graphql"}))
    (cell,) = grid.columns[1].cells
    assert isinstance(cell, Text)
    assert [(cell.plain[s.start : s.end], s.style) for s in cell.spans] == [("GraphQL", OWN_WORD)]
    # Hidden characters shown as placeholders: no underline lands inside one, or beside it.
    tagged = "Use GraphQL." + "".join(chr(0xE0000 + ord(ch)) for ch in "ignore graphql")
    grid = marked_paragraph(Text("only A"), tagged, frozenset({"graphql", "hidden", "ignore"}))
    (cell,) = grid.columns[1].cells
    assert isinstance(cell, Text) and "hidden" in cell.plain and not cell.spans


def test_a_list_item_wraps_under_its_own_text_and_keeps_its_underlined_words() -> None:
    """Items and indented lines hang: their wrapped lines start under the text, not under the
    marker or at the column's edge; a plain line wraps to the edge, and a word only this agent
    uses stays underlined inside an item."""
    from rich.console import Console

    text = (
        "Rules:\n"
        "- first item, long enough to wrap over the end of its line\n"
        "  12. a nested numbered item, long enough to wrap over its end\n"
        "a plain line, long enough to wrap over the end of its line"
    )
    console = Console(width=50, record=True, color_system=None)
    console.print(marked_paragraph(Text("A+B"), text, frozenset({"wrap"})))
    lines = [line.split("\u2502", 1)[1].rstrip() for line in console.export_text().splitlines()]

    def starts(line: str) -> int:  # where a line's text begins, after the cell's pad
        return len(line) - len(line.lstrip(" ")) - 1

    assert lines[0] == " Rules:" and lines[1].startswith(" - first item")
    assert starts(lines[2]) == 2 and lines[3].startswith("   12. a nested")  # under "first"
    assert starts(lines[4]) == 6 and lines[5].startswith(" a plain line")  # under "a nested"
    assert starts(lines[6]) == 0 and len(lines) == 7  # a plain line wraps to the edge
    underlined = Console(width=50, record=True, color_system="truecolor")
    underlined.print(marked_paragraph(Text("A+B"), text, frozenset({"wrap"})))
    styled = underlined.export_text(styles=True)
    assert styled.count("\x1b[1;4mwrap\x1b[0m") == 3, styled


async def test_n_jumps_between_unique_paragraphs_and_right_shows_the_next_prompt(
    seeds: Path,
) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=(100, 30)) as pilot:
        screen = await open_multi(pilot, 3)
        comparison = screen.comparison
        assert comparison is not None and len(comparison.names) == 3
        unique = list(screen.query("PromptPart.unique"))
        assert len(unique) == comparison.unique_count(0) >= 1
        await pilot.press("n")
        assert unique[0].has_class("current")
        await pilot.press("right")
        assert screen.member == 1
        # (a part for the description, then the prompt's)
        await wait_for(
            pilot, lambda: len(screen.query("PromptPart")) == len(comparison.prompts[1]) + 1
        )
        await pilot.press("c")
        await wait_for(pilot, lambda: pilot.app.clipboard == screen.agents[1].body)


async def test_space_on_two_members_opens_the_two_way_compare(seeds: Path) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=(100, 30)) as pilot:
        screen = await open_multi(pilot, 4)
        await pilot.press("space", "right", "right", "space")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))
        compare = pilot.app.screen
        assert isinstance(compare, CompareScreen)
        assert (compare.a.name, compare.b.name) == (screen.agents[0].name, screen.agents[2].name)
        # The columns keep the letters the agents had here (C was not called B).
        from agentbrowser.widgets.diff_view import ColumnHeader

        await wait_for(pilot, lambda: not compare.busy)
        header = str(compare.query_one(ColumnHeader).render())
        assert f"A {compare.a.name}" in header and f"C {compare.b.name}" in header, header
        # and so does its body: `only C`, `only in C`, not B
        body = "\n".join(_screen_lines(pilot.app))
        assert "only in C" in body and "only in B" not in body, body
        # The hint that asked for the second choice is gone with it.
        assert not any("chosen" in n.message for n in pilot.app._notifications)
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen)


# -- the groups view -----------------------------------------------------------------------


async def test_v_groups_the_collection_in_a_worker_and_enter_compares_the_seed_group(
    seeds: Path,
) -> None:
    bundled = BUNDLED
    app = build_app([str(seeds), str(bundled)], use_cache=False)
    async with app.run_test(size=(80, 24)) as pilot:
        browse, screen = await open_groups(pilot)
        await wait_for(pilot, lambda: screen.groups is not None)
        await pilot.pause()
        assert screen.groups
        first = screen.groups[0]
        assert {screen.agents[i].name for i in first.members} == set(SEED_NAMES)
        lines = _screen_lines(pilot.app)
        for name in SEED_NAMES:  # at 80 columns every member's name shows whole
            assert any(line.strip() == name or f" {name} " in line for line in lines), name
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MultiCompareScreen))
        multi = pilot.app.screen
        assert isinstance(multi, MultiCompareScreen)
        assert {a.name for a in multi.agents} == set(SEED_NAMES)
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is browse)
        # A second visit shows the kept groups at once.
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GroupsScreen))
        assert pilot.app.screen.groups is screen.groups  # type: ignore[attr-defined]


async def test_the_groups_view_answers_keys_while_it_works(seeds: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The grouping is held in its thread until the test lets it go: escape still works."""
    import threading

    from agentbrowser.model import roles

    gate = threading.Event()
    real = roles.group_roles

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["progress"]("reading", 0, 5)
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(roles, "group_roles", held)
    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        browse, screen = await open_groups(pilot)
        await wait_for(pilot, lambda: "reading" in str(screen.query_one("#groups-stage").render()))
        assert screen.groups is None  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is browse)
        gate.set()


async def test_a_seventh_mark_is_refused_and_says_so_no_mark_goes_unseen() -> None:
    from .test_app import record_notifications

    async with build_app([str(BUNDLED)], use_cache=False).run_test(size=(100, 30)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        await wait_for(pilot, lambda: screen.library is not None and screen.selected is not None)
        shown = record_notifications(pilot.app)
        rows = []
        for _ in range(7):
            assert screen.selected is not None
            rows.append(screen.selected.path)
            await pilot.press("space", "down")
        assert screen.marked == rows[:6]
        assert any("6 agents are marked" in n["message"] for n in shown), shown
        await pilot.press("up", "up", "space")  # the sixth unmarked: the seventh may come
        await pilot.press("down", "space")
        assert screen.marked == [*rows[:5], rows[6]]


async def test_agents_of_one_name_are_told_apart_by_their_paths_in_groups_and_the_n_way_compare(
    tmp_path: Path,
    system_clipboard: list[str],  # noqa: F811  (the fixture imported above)
) -> None:
    """Two files named alike by their frontmatter (a copy kept under another file name): the
    groups view, the legend, the prompt's title and what a copy says name each by its file."""

    from .test_app import record_notifications

    reviewer = (BUNDLED / ".claude" / "agents" / "code-reviewer.md").read_text(encoding="utf-8")
    for name in ("code-reviewer.md", "reviewer-copy.md", "reviewer-old.md"):
        (tmp_path / name).write_text(reviewer, encoding="utf-8")
    async with build_app([str(tmp_path)], use_cache=False).run_test(size=(80, 24)) as pilot:
        _, groups = await open_groups(pilot)
        await wait_for(pilot, lambda: groups.groups is not None)
        await pilot.pause()
        files = ("code-reviewer.md", "reviewer-copy.md", "reviewer-old.md")
        labels = [f"code-reviewer ({file})" for file in files]
        lines = _screen_lines(pilot.app)
        for label in labels:
            assert any(line.strip() == label for line in lines), (label, lines)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MultiCompareScreen))
        multi = pilot.app.screen
        assert isinstance(multi, MultiCompareScreen)
        await wait_for(pilot, lambda: not multi.busy and len(multi.query(PromptPart)) > 0)
        await pilot.pause()
        lines = _screen_lines(pilot.app)
        # In the order compared: each letter beside its agent's own file.
        ordered = [f"code-reviewer ({Path(agent.path).name})" for agent in multi.agents]
        assert sorted(ordered) == labels
        for letter, label in zip("ABC", ordered):
            assert any(line.strip(" >").startswith(f"{letter}  {label}") for line in lines), (
                label,
                lines[:6],
            )
        title = f"Description and prompt of A: {ordered[0]}"
        assert any(line.strip() == title for line in lines), lines
        shown = record_notifications(pilot.app)
        await pilot.press("c")
        await wait_for(pilot, lambda: bool(system_clipboard) and bool(shown))
        assert any(f"of {ordered[0]}" in n["message"] for n in shown), shown


def test_an_agent_without_a_tools_key_reads_every_tool_in_the_fields_and_the_matrix(
    tmp_path: Path,
) -> None:
    """Not `—`, which reads as no tools; the matrix's note covers a tools map that turns none
    off as well as a missing key."""
    from rich.console import Console

    from agentbrowser.render.multi_layout import fields_table, tools_table

    agents = [_agent(tmp_path, "a", "x\n", tools=None), _agent(tmp_path, "b", "y\n")]
    agents.append(_agent(tmp_path, "c", "z\n"))
    console = Console(width=100, record=True)
    comparison = compare_many(agents)
    console.print(fields_table(comparison, 100))
    console.print(tools_table(comparison))
    text = console.export_text()
    (row,) = [line for line in text.splitlines() if line.startswith("tools")]
    assert row.split()[2:] == ["\u2014", "every", "tool", "Read,", "Grep", "Read,", "Grep"], row
    assert "all: every tool allowed (no tools key, or one that turns none off)" in text


async def test_end_shows_the_last_line_of_every_prompt_at_80x24(seeds: Path) -> None:
    """One prompt (a seed with a code block) once took a second scrollbar of its own, wrapped
    narrower than the height it had taken, and its last line never came into view."""
    from agentbrowser.model.records import prompt

    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        screen = await open_multi(pilot, 5)
        for agent in screen.agents:
            await pilot.press("end")
            await pilot.pause(0.2)
            last = prompt(agent).split()[-1]
            lines = _screen_lines(pilot.app)
            assert any(last in line for line in lines[-8:]), (agent.name, last, lines[-8:])
            await pilot.press("l")
            await wait_for(pilot, lambda: len(screen.query(PromptPart)) > 0)


async def test_a_wider_screen_shows_the_names_the_narrow_one_cut(seeds: Path) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        await open_multi(pilot, 5)
        (row,) = [
            line.split()
            for line in _screen_lines(pilot.app)
            if line.split()[:2] == ["name", "\u2260"]
        ]
        assert any("\u2026" in name for name in row[2:])
        await pilot.resize_terminal(200, 40)
        await pilot.pause(0.2)
        (row,) = [
            line.split()
            for line in _screen_lines(pilot.app)
            if line.split()[:2] == ["name", "\u2260"]
        ]
        assert sorted(row[2:]) == sorted(SEED_NAMES), row


async def test_a_narrower_screen_keeps_the_paragraph_read_in_view(seeds: Path) -> None:
    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        screen = await open_multi(pilot, 5)
        await pilot.press("l", *["n"] * 12)
        await pilot.pause(0.2)
        assert screen.comparison is not None
        unique = [p for p in screen.comparison.prompts[1] if p.kind == UNIQUE]
        words = unique[11].text.split()[:2]  # where `n` went: B's 12th paragraph of its own
        for size in ((60, 24), (120, 36), (70, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            text = " ".join(" ".join(_screen_lines(pilot.app)).split())
            assert " ".join(words) in text, (size, words)


async def test_a_group_of_more_than_six_opens_a_choice_of_its_members_to_compare(
    tmp_path: Path,
) -> None:
    """Eight copies group together; enter offers all eight with the first six chosen, a
    seventh is refused, the chosen ones (in the group's order) are compared, two of them in
    the two-way compare, and fewer than two compare nothing."""
    from textual.widgets import SelectionList

    from agentbrowser.screens.compare import CompareScreen
    from agentbrowser.screens.group_picker import GroupPicker

    from .test_app import record_notifications

    reviewer = (BUNDLED / ".claude" / "agents" / "code-reviewer.md").read_text(encoding="utf-8")
    for number in range(8):
        (tmp_path / f"reviewer-{number}.md").write_text(reviewer, encoding="utf-8")
    async with build_app([str(tmp_path)], use_cache=False).run_test(size=(100, 30)) as pilot:
        _, groups = await open_groups(pilot)
        await wait_for(pilot, lambda: groups.groups is not None)
        assert groups.groups is not None and len(groups.groups[0].members) == 8
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GroupPicker))
        picker = pilot.app.screen
        assert isinstance(picker, GroupPicker)
        await pilot.pause()
        members = picker.members
        assert picker.chosen() == [0, 1, 2, 3, 4, 5]
        lines = _screen_lines(pilot.app)
        for number in range(8):  # every member told apart by its file
            assert any(f"(reviewer-{number}.md)" in line for line in lines), lines
        assert any("6 chosen" in line for line in lines), lines
        # Chosen or not is said in the text too, not only by the box's colour.
        marked = [line for line in lines if "(reviewer-" in line and "claude-agent" in line]
        assert [("\u2713 code-reviewer" in line) for line in marked] == [True] * 6 + [False] * 2
        shown = record_notifications(pilot.app)
        await pilot.press("end", "space")  # a seventh: refused, said
        await pilot.pause()
        assert picker.chosen() == [0, 1, 2, 3, 4, 5]
        assert any("6 agents at most" in n["message"] for n in shown), shown
        await pilot.press("home", "space", "end", "space")  # the first out, the last in
        await pilot.pause()
        assert picker.chosen() == [1, 2, 3, 4, 5, 7]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MultiCompareScreen))
        multi = pilot.app.screen
        assert isinstance(multi, MultiCompareScreen)
        assert multi.agents == [members[i] for i in (1, 2, 3, 4, 5, 7)]
        await wait_for(pilot, lambda: not multi.busy)
        await pilot.press("escape")  # back to the groups: the picker is gone
        await wait_for(pilot, lambda: pilot.app.screen is groups)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GroupPicker))
        picker = pilot.app.screen
        assert isinstance(picker, GroupPicker)
        await pilot.pause()
        assert picker.chosen() == [1, 2, 3, 4, 5, 7]  # the last choice, kept for the group
        keys = " ".join(_screen_lines(pilot.app)[-1].split())
        assert "space Choose" in keys and "Compare the chosen" in keys, keys
        picker.query_one(SelectionList).deselect_all()
        await pilot.press("home", "space")  # one chosen: nothing to compare yet
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is picker
        assert any("at least two" in n["message"] for n in shown), shown
        await pilot.press("down", "space", "enter")  # two: the two-way compare
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is groups)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GroupPicker))
        await pilot.press("escape")  # escape leaves the choice, back to the groups
        await wait_for(pilot, lambda: pilot.app.screen is groups)
        # Leaving the view and opening it again: the last choice made is still there.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowseScreen))
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GroupsScreen))
        again = pilot.app.screen
        assert isinstance(again, GroupsScreen)
        await wait_for(pilot, lambda: again.groups is not None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GroupPicker))
        reopened = pilot.app.screen
        assert isinstance(reopened, GroupPicker)
        await pilot.pause()
        assert reopened.chosen() == [0, 1]


async def test_enter_in_a_groups_view_without_groups_says_there_is_none(tmp_path: Path) -> None:
    from .test_app import record_notifications

    for name, job in (("alpha", "Reviews Python code"), ("beta", "Plans holiday travel")):
        (tmp_path / f"{name}.md").write_text(f"---\nname: {name}\ndescription: {job}\n---\n{job}.\n")
    async with build_app([str(tmp_path)], use_cache=False).run_test(size=(80, 24)) as pilot:
        _, screen = await open_groups(pilot)
        await wait_for(pilot, lambda: screen.groups is not None)
        assert screen.groups == []
        shown = record_notifications(pilot.app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(shown))
        assert shown[0]["message"].startswith("No group to compare")
        assert pilot.app.screen is screen


async def test_a_short_screen_folds_the_tools_matrix_and_t_unfolds_it(seeds: Path) -> None:
    """At 80x24 a row per tool filled the screen and the prompts began below it: folded, one
    row says how many of the tools each agent grants; `t` shows them tool by tool, and back."""
    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        screen = await open_multi(pilot, 5)
        assert screen.folds_tools()
        lines = _screen_lines(pilot.app)
        (row,) = [line.split() for line in lines if line.split()[:2] == ["13", "tools"]]
        assert row[2:] == ["\u2260", "4", "of", "13", "all", "all", "all", "9", "of", "13"], row
        assert any("t: tool by tool (13 of 13 differ)" in line for line in lines), lines
        assert not any(line.split()[:1] == ["NotebookEdit"] for line in lines), lines
        # The prompt's first paragraph is on the first screen.
        assert any("only A" in line for line in lines), lines
        await pilot.press("t")
        await pilot.pause()
        assert not screen.folds_tools()
        screen.query_one("#multi-body").scroll_to(y=9, animate=False)
        await pilot.pause()
        lines = _screen_lines(pilot.app)
        (row,) = [line.split() for line in lines if line.split()[:1] == ["NotebookEdit"]]
        assert row[1:7] == ["\u2260", "\u2713", "all", "all", "all", "\u00b7"], row  # (scrollbar)
        await pilot.press("t")
        await pilot.pause()
        assert screen.folds_tools()
        # A screen tall enough for every row shows them without a key, unless `t` said not to.
        screen.tools_folded = None
        await pilot.resize_terminal(160, 60)
        await pilot.pause(0.2)
        assert not screen.folds_tools()
        screen.query_one("#multi-body").scroll_home(animate=False)
        await pilot.pause()
        lines = _screen_lines(pilot.app)
        assert any(line.split()[:1] == ["NotebookEdit"] for line in lines), lines


async def test_the_shown_agent_s_description_is_whole_above_its_prompt_and_i_installs_it(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fields table shows a description's first words; what a tool reads to pick an agent
    is read whole above the prompt. `i` opens the install dialog for the agent shown."""
    from agentbrowser.screens.install_dialog import InstallDialog

    monkeypatch.chdir(tmp_path)
    async with build_app([str(seeds)], use_cache=False).run_test(size=(100, 30)) as pilot:
        screen = await open_multi(pilot, 5)
        await pilot.press("l")
        await wait_for(pilot, lambda: screen.member == 1 and len(screen.query(PromptPart)) > 1)
        first = screen.query(PromptPart).first()
        assert first.has_class("description")
        from rich.console import Console

        console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(first.content)
        shown = console.export_text()
        description = screen.agents[1].description
        # Whole, its literal \n as line breaks and its examples as blocks (as the detail pane)
        assert description and "\\n" in description and "\\n" not in shown
        assert "example" in shown and "\u256d" in shown  # a panel's corner
        assert "backend-implementation-engineer agent." in shown  # its last words
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, InstallDialog))
        dialog = pilot.app.screen
        assert isinstance(dialog, InstallDialog) and dialog.agent is screen.agents[1]
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen)


async def test_the_next_prompt_is_read_from_its_start_and_n_goes_down_from_the_view(
    seeds: Path,
) -> None:
    """Three `n` into A's prompt, `l` showed B at that depth, and `n` then went back up to B's
    first paragraph of its own. Now B starts at its title, and a first `n` goes to the first
    unique paragraph from the top of the view (also after scrolling by hand); the next `n`
    from the one marked, as in the two-way compare."""
    from textual.containers import VerticalScroll

    async with build_app([str(seeds)], use_cache=False).run_test(size=(120, 36)) as pilot:
        screen = await open_multi(pilot, 5)
        body = screen.query_one("#multi-body", VerticalScroll)
        title = screen.query_one("#multi-prompt-title")
        await pilot.press("n", "n", "n")
        await pilot.pause()
        assert body.scroll_y > title.virtual_region.y
        await pilot.press("l")
        await wait_for(pilot, lambda: screen.member == 1 and bool(screen.query("PromptPart")))
        await pilot.pause(0.2)
        assert body.scroll_y == title.virtual_region.y
        await pilot.press("n")
        await pilot.pause()
        unique = list(screen.query("#multi-prompt PromptPart.unique"))
        assert unique[0].has_class("current")
        # Scrolled by hand to the fifth (the second and third on screen): `n` goes to it, the
        # first at the top of the view (it went to the eighth: places in the prompt's container
        # were taken for places in the body).
        await pilot.press("l", "h")
        await wait_for(pilot, lambda: screen.member == 1 and bool(screen.query("PromptPart")))
        await pilot.pause(0.2)
        unique = list(screen.query("#multi-prompt PromptPart.unique"))
        body.scroll_to_widget(unique[4], animate=False, top=True)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert [u.has_class("current") for u in unique].index(True) == 4


async def test_the_groups_view_says_what_its_percentages_are(seeds: Path) -> None:
    """`19% alike` alone read as "these are not variants"."""
    from textual.widgets import Label

    async with build_app([str(seeds)], use_cache=False).run_test(size=(80, 24)) as pilot:
        _, screen = await open_groups(pilot)
        await wait_for(pilot, lambda: screen.groups is not None)
        await pilot.pause()
        note = screen.query_one("#groups-note", Label)
        assert note.display and "rewrites of one job score about 10-20 %" in str(note.render())
        text = "\n".join(_screen_lines(pilot.app))
        assert "% alike: role similarity" in text and "5 agents \u00b7 " in text
