"""Role similarity and groups: independent rewrites of one job land together, other jobs don't."""

from __future__ import annotations

import io
import json
import shutil
from itertools import combinations
from pathlib import Path

import pytest

from agentbrowser.cli import main
from agentbrowser.loading.collection import load_collection
from agentbrowser.model.roles import (
    THRESHOLD,
    candidate_pairs,
    group_roles,
    name_words,
    rank_by_role,
    role_vectors,
)
from agentbrowser.model.similar import SimilarityIndex

from ..paths import BUNDLED, CORPUS, SEEDS

SEED_NAMES = {
    "backend-implementation-expert",
    "backend-implementation-engineer",
    "backend-implementation",
    "backend-impl-specialist",
    "backend-engineer",
}

# Same-role agents written by different authors (several collections), and agents of other
# roles beside them. Names are not what joins them: several differ (smart-debug, reviewer).
C = "tests/data/corpus/"
ROLES = {
    "debugging": [
        "agents/.claude/agents/debugger.md",
        C + "wshobson__agents/plugins/error-debugging/agents/debugger.md",
        C + "wshobson__agents/plugins/debugging-toolkit/commands/smart-debug.md",
    ],
    "commit messages": [
        C + "davila7__claude-code-templates/cli-tool/components/skills/development/"
        "git-commit-helper/SKILL.md",
        C + "davila7__claude-code-templates/cli-tool/components/skills/productivity/"
        "commit-work/SKILL.md",
        "agents/.claude/commands/commit-message.md",
    ],
    "accessibility": [
        C + "davila7__claude-code-templates/cli-tool/components/agents/web-tools/"
        "web-accessibility-checker.md",
        C + "davila7__claude-code-templates/cli-tool/components/skills/creative-design/"
        "accessibility-auditor/SKILL.md",
    ],
    "incidents": [
        C + "davila7__claude-code-templates/cli-tool/components/agents/devops-infrastructure/"
        "incident-responder.md",
        C + "davila7__claude-code-templates/cli-tool/components/agents/development-tools/"
        "rootly-incident-responder.md",
        C + "github__awesome-copilot/agents/new-relic-incident-response.agent.md",
    ],
    "test automation": [
        C + "davila7__claude-code-templates/cli-tool/components/agents/performance-testing/"
        "test-automator.md",
        C + "wshobson__agents/plugins/codebase-cleanup/agents/test-automator.md",
    ],
    "code review": [
        "agents/.claude/agents/code-reviewer.md",
        C + "wshobson__agents/plugins/git-pr-workflows/agents/code-reviewer.md",
        C + "darrenhinde__OpenAgentsControl/.opencode/agent/subagents/code/reviewer.md",
    ],
    "backend": ["tests/data/seeds"],
}
OTHERS = [
    "agents/.claude/agents/performance-profiler.md",
    "agents/.claude/agents/refactoring-guide.md",
    "agents/.cursor/rules/python-style.mdc",
    "agents/.github/agents/api-designer.agent.md",
    C + "wshobson__agents/plugins/python-development/agents/python-pro.md",
    C + "wshobson__agents/plugins/database-design/agents/database-architect.md",
    C + "davila7__claude-code-templates/cli-tool/components/agents/security/compliance-auditor.md",
    C + "davila7__claude-code-templates/cli-tool/components/agents/security/penetration-tester.md",
]


def _role_set() -> tuple[list, dict[str, str]]:
    root = CORPUS.parents[2]
    paths = [str(root / p) for ps in ROLES.values() for p in ps] + [str(root / p) for p in OTHERS]
    agents = load_collection(paths, use_cache=False)
    label = {}
    for agent in agents:
        relative = Path(agent.path).resolve().relative_to(root).as_posix()
        for role, members in ROLES.items():
            if any(relative == m or relative.startswith(m + "/") for m in members):
                label[agent.path] = role
    return agents, label


def test_the_five_seeds_make_one_group_with_no_bundled_agent_in_it() -> None:
    agents = load_collection([str(SEEDS), str(BUNDLED)], use_cache=False)
    assert len(agents) == 17
    groups = group_roles(agents)
    with_seeds = [g for g in groups if any(agents[i].name in SEED_NAMES for i in g.members)]
    assert len(with_seeds) == 1
    assert {agents[i].name for i in with_seeds[0].members} == SEED_NAMES
    assert "backend" in with_seeds[0].role
    # The one other group: the bundled agents that review recently changed code.
    others = [g for g in groups if g is not with_seeds[0]]
    assert [{agents[i].name for i in g.members} for g in others] == [
        {"code-reviewer", "strict-code-reviewer", "security-reviewer"}
    ]
    # Named in the order a member's name puts the words: not `reviewer code`. No third word:
    # the seeds' next one is used by three of the five; the reviewers' is one of three words
    # that weigh the same (`recently`, `scope`, `severity`).
    assert others[0].role == "code reviewer"
    assert with_seeds[0].role == "backend implementation"


def test_same_role_agents_of_different_authors_group_and_roles_do_not_merge() -> None:
    agents, label = _role_set()
    groups = group_roles(agents)
    right = wrong = 0
    for group in groups:
        for i, j in combinations(group.members, 2):
            same = label.get(agents[i].path) is not None and label.get(agents[i].path) == label.get(
                agents[j].path
            )
            right += same
            wrong += not same
    positives = sum(
        len(m) * (len(m) - 1) // 2
        for m in ([a for a in agents if label.get(a.path) == role] for role in ROLES)
    )
    precision = right / (right + wrong)
    recall = right / positives
    # Measured: precision 1.00, recall 0.92 (22 of 24 same-role pairs, no wrong pair).
    assert precision >= 0.9, (right, wrong)
    assert recall >= 0.85, (right, positives)
    by_name = {agents[i].name: g for g in groups for i in g.members}
    assert by_name["Git Commit Helper"] is by_name["commit-work"] is by_name["commit-message"]
    assert by_name["debugger"] is by_name["error-debugging-debugger"]
    assert by_name["backend-engineer"] is by_name["backend-implementation"]
    assert by_name.get("python-pro") is not by_name["backend-engineer"]


def test_a_planted_edited_copy_ranks_first_in_text_and_role_similarity(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(BUNDLED, tmp_path / "agents")
    original = (SEEDS / "002_9c717d99afece378.txt").read_text(encoding="utf-8")
    edited = original.replace("name: backend-implementation", "name: backend-copy", 1)
    lines = edited.splitlines()
    lines[20] = "A line rewritten by whoever copied this agent."
    (tmp_path / "agents" / "backend-copy.md").write_text("\n".join(lines), encoding="utf-8")
    agents = load_collection([str(tmp_path)], use_cache=False)
    target = next(a for a in agents if a.name == "backend-implementation")
    assert SimilarityIndex(agents).query(target, 3)[0][0].name == "backend-copy"
    assert rank_by_role(target, agents, 3)[0][0].name == "backend-copy"


def test_the_five_seeds_alone_are_one_group() -> None:
    """Five agents that all do one job: the words all five use still count."""
    agents = load_collection([str(SEEDS)], use_cache=False)
    groups = group_roles(agents)
    assert [{agents[i].name for i in g.members} for g in groups] == [SEED_NAMES]


def test_a_job_that_is_most_of_a_collection_still_groups() -> None:
    """Seven backend agents among eleven: their words are common there, and still theirs."""
    paths = [
        str(SEEDS),
        str(CORPUS / "davila7__claude-code-templates/cli-tool/components/agents/development-team"
            / "backend-developer.md"),
        str(CORPUS / "wshobson__agents/plugins/backend-development/agents/backend-architect.md"),
    ]  # fmt: skip
    others = ("debugger", "docs-writer", "test-writer", "performance-profiler")
    paths += [str(BUNDLED / ".claude" / "agents" / f"{name}.md") for name in others]
    agents = load_collection(paths, use_cache=False)
    assert len(agents) == 11
    groups = group_roles(agents)
    assert SEED_NAMES in [{agents[i].name for i in g.members} for g in groups]
    assert all(THRESHOLD <= g.similarity <= 1.0 for g in groups)


def test_copies_group_and_a_group_is_never_more_than_wholly_alike(tmp_path: Path) -> None:
    """Twenty-five copies of one agent: one group, 100 % alike (not 150 %: a large group's
    similarity is its pairs' exact average, not the candidates' estimate)."""
    original = (SEEDS / "002_9c717d99afece378.txt").read_text(encoding="utf-8")
    for number in range(25):
        text = original.replace("name: backend-implementation", f"name: copy-{number}", 1)
        (tmp_path / f"copy-{number}.md").write_text(text, encoding="utf-8")
    agents = load_collection([str(tmp_path)], use_cache=False)
    groups = group_roles(agents)
    assert [len(g.members) for g in groups] == [25]
    assert groups[0].similarity == pytest.approx(1.0)


def test_every_group_of_the_corpus_is_as_alike_as_the_threshold_says() -> None:
    """Two agents whose names share a word (data-engineer, network-engineer) are not grouped
    on the candidates' estimate: every group's exact average is at least the threshold."""
    agents = load_collection([str(CORPUS)], use_cache=False)
    groups = group_roles(agents)
    assert len(groups) > 20
    assert all(THRESHOLD <= g.similarity <= 1.0 for g in groups), sorted(
        (round(g.similarity, 3), g.role) for g in groups
    )[:5]
    # Rules for two stacks that both show Good and Bad examples do no job together.
    named = [{Path(agents[i].path).stem for i in g.members} for g in groups]
    assert {"nestjs", "statsmodels"} not in named, [g.role for g in groups]


def test_role_ranking_puts_the_seeds_above_the_bundled_debugger() -> None:
    agents = load_collection([str(SEEDS), str(BUNDLED)], use_cache=False)
    target = next(a for a in agents if a.name == "backend-implementation")
    names = [a.name for a, _ in rank_by_role(target, agents, 4)]
    assert set(names) == SEED_NAMES - {"backend-implementation"}


def test_a_role_is_named_in_the_members_words_not_in_stems(tmp_path: Path) -> None:
    """Three agents whose names share nothing, whose descriptions share `executing` and
    `coordinating`: the role says those words (it said the stems `execut coordinat` once)."""
    folder = tmp_path / ".claude" / "agents"
    folder.mkdir(parents=True)
    shared = (
        "Plan each release window, sequence the rollout across services, watch the health "
        "checks and roll back a failing release before customers notice."
    )
    for name, extra in [("alpha", "for web teams"), ("bravo", "for mobile teams"),
                        ("charlie", "for platform teams")]:  # fmt: skip
        (folder / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: Executing releases and coordinating rollouts "
            f"{extra}.\n---\n# Release duty\n\n{shared}\n"
        )
    for name, job in [("delta", "Reviews pull requests for style"), ("echo", "Writes unit tests"),
                      ("foxtrot", "Profiles slow database queries"),
                      ("golf", "Translates user interface strings")]:  # fmt: skip
        (folder / f"{name}.md").write_text(f"---\nname: {name}\ndescription: {job}.\n---\n{job}.\n")
    agents = load_collection([str(tmp_path)], use_cache=False)
    (group,) = group_roles(agents)
    assert {agents[i].name for i in group.members} == {"alpha", "bravo", "charlie"}
    words = group.role.split()
    assert {"executing", "coordinating"} & set(words), group.role
    assert not {"execut", "coordinat"} & set(words)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("backend-implementation_expert", [b"backend", b"implementation", b"expert"]),
        ("BackendExpert", [b"backend", b"expert"]),
        ("Git Commit Helper", [b"git", b"commit", b"helper"]),
        ("données-réseau", ["données".encode(), "réseau".encode()]),
    ],
)
def test_name_words(name: str, words: list[bytes]) -> None:
    assert name_words(name) == words


def test_a_term_held_by_hundreds_of_agents_proposes_no_candidates(tmp_path: Path) -> None:
    for i in range(300):
        (tmp_path / f"a{i}.md").write_text(
            f"---\nname: helper-{i}\ndescription: kubernetes helper number {i} word{i}x\n---\n"
            f"Use kubernetes. Unique token zq{i}q and yv{i}v.\n",
            encoding="utf-8",
        )
    agents = load_collection([str(tmp_path)], use_cache=False)
    vectors = role_vectors(agents)
    assert len(candidate_pairs(vectors)) == 0
    assert group_roles(agents) == []


def test_groups_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["groups", "--json", "--no-cache", str(SEEDS), str(BUNDLED)], out) == 0
    data = json.loads(out.getvalue())
    seeds = [g for g in data if {m["name"] for m in g["members"]} == SEED_NAMES]
    assert len(seeds) == 1
    group = seeds[0]
    assert set(group) == {"role", "members", "similarity"}
    assert 0 < group["similarity"] < 1
    member = group["members"][0]
    assert {
        "name",
        "path",
        "format",
        "scope",
        "tokens",
        "tools",
        "model",
        "problems",
        "changed",
    } <= set(member)
    assert member["format"] == "claude-agent"
    assert isinstance(member["tokens"], int) and member["tokens"] > 100


def test_groups_cli_tells_members_of_one_name_apart(tmp_path: Path) -> None:
    reviewer = (BUNDLED / ".claude" / "agents" / "code-reviewer.md").read_text(encoding="utf-8")
    for name in ("code-reviewer.md", "reviewer-copy.md"):
        (tmp_path / name).write_text(reviewer, encoding="utf-8")
    out = io.StringIO()
    assert main(["groups", str(tmp_path), "--no-cache"], out=out) == 0
    rows = [line.split("  ")[1] for line in out.getvalue().splitlines() if "claude-agent" in line]
    assert sorted(rows) == ["code-reviewer (code-reviewer.md)", "code-reviewer (reviewer-copy.md)"]
    out = io.StringIO()  # and `list` alike
    assert main(["list", str(tmp_path), "--no-cache"], out=out) == 0
    rows = [line.split("  ")[0] for line in out.getvalue().splitlines()[1:]]
    assert sorted(rows) == ["code-reviewer (code-reviewer.md)", "code-reviewer (reviewer-copy.md)"]


def test_groups_cli_min_size_and_table() -> None:
    out = io.StringIO()
    assert main(["groups", "--min-size", "4", "--no-cache", str(SEEDS), str(BUNDLED)], out) == 0
    text = out.getvalue()
    assert text.count("role similarity") == 2  # one group header and the closing count
    for name in SEED_NAMES:
        assert name in text
    assert "code-reviewer" not in text  # in a group of three: below --min-size 4
    assert "1 group, 5 of 17 agents" in text
    out = io.StringIO()
    assert main(["groups", "--min-size", "6", "--no-cache", str(SEEDS), str(BUNDLED)], out) == 0
    assert (
        out.getvalue()
        == "no groups of 6 agents or more (2 smaller groups: --min-size 2 lists them)\n"
    )


@pytest.mark.parametrize("args", [["groups", "--min-size", "0"], ["similar", "x", "--limit", "-1"]])
def test_a_count_below_one_is_refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*args, str(SEEDS)], io.StringIO())
    assert stopped.value.code == 2
    assert "is less than 1" in capsys.readouterr().err


def test_similar_by_role_leaves_out_agents_that_share_nothing(tmp_path: Path) -> None:
    """An agent whose words no other has: no list of 0.0 % "most similar" agents."""
    (tmp_path / "lone.md").write_text("---\nname: lone\ndescription: zzqx\n---\nqqzzx\n")
    shutil.copy(BUNDLED / ".claude" / "agents" / "debugger.md", tmp_path / "debugger.md")
    out = io.StringIO()
    assert main(["similar", "lone", str(tmp_path), "--by", "role", "--no-cache"], out) == 0
    assert "0.0%" not in out.getvalue() and "no other agent does a similar job" in out.getvalue()
    out = io.StringIO()
    main(["similar", "lone", str(tmp_path), "--by", "role", "--json", "--no-cache"], out)
    assert json.loads(out.getvalue()) == []


def test_similar_by_role_says_which_measure() -> None:
    out = io.StringIO()
    argv = ["similar", "backend-implementation", "--by", "role", str(SEEDS), str(BUNDLED)]
    assert main(argv, out) == 0
    assert "by role similarity" in out.getvalue()
    out = io.StringIO()
    assert main(["similar", "backend-implementation", str(SEEDS), str(BUNDLED)], out) == 0
    assert "by text similarity" in out.getvalue()


def test_groups_cli_reads_the_kept_groups_on_a_second_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, second = io.StringIO(), io.StringIO()
    assert main(["groups", "--json", str(SEEDS), str(BUNDLED)], first) == 0
    assert list((tmp_path / "cache").rglob("groups-*.json"))
    assert main(["groups", "--json", str(SEEDS), str(BUNDLED)], second) == 0
    assert json.loads(second.getvalue()) == json.loads(first.getvalue())


def test_groups_cli_on_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["groups", str(tmp_path)], out) == 0
    assert out.getvalue() == ""
    assert "no agent files found" in capsys.readouterr().err
    out = io.StringIO()
    assert main(["groups", "--json", str(tmp_path)], out) == 0
    assert json.loads(out.getvalue()) == []


def _plain(groups: list) -> list[tuple]:
    return [(g.members, g.role, g.similarity) for g in groups]


def test_work_spread_as_plain_values_gives_the_same_groups() -> None:
    """What `spread` hands out returns plain values: through marshal (what a forked helper
    sends back) the groups are exactly those worked out in order."""
    import marshal

    agents = load_collection([str(CORPUS), str(SEEDS), str(BUNDLED)], use_cache=False)
    calls = []

    def through_marshal(items, work):  # type: ignore[no-untyped-def]
        calls.append(len(items))
        return [marshal.loads(marshal.dumps(work(item))) for item in items]

    spread = group_roles(agents, spread=through_marshal)
    assert calls == [len(agents), len(agents)]  # counting, then weighing
    assert _plain(spread) == _plain(group_roles(agents))


def test_the_groups_command_spreads_the_work_over_a_forked_helper(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import inspect

    from agentbrowser.cli import groups as cli_groups
    from agentbrowser.loading import forked
    from agentbrowser.model import roles

    # The pure model never forks: the command brings the helper.
    assert "forked" not in {name for name, _ in inspect.getmembers(roles, inspect.ismodule)}
    agents = load_collection([str(CORPUS), str(SEEDS), str(BUNDLED)], use_cache=False)
    expected = _plain(group_roles(agents))
    monkeypatch.setattr(cli_groups, "PARALLEL_MIN", 0)
    children = []
    real_child = forked.fork_child

    def child(work):  # type: ignore[no-untyped-def]
        started = real_child(work)
        children.append(started is not None)
        return started

    monkeypatch.setattr(forked, "fork_child", child)
    assert _plain(group_roles(agents, spread=cli_groups.spread_forked)) == expected
    assert children == ([True, True] if forked.can_fork() and forked.jobs() > 1 else [])


@pytest.mark.parametrize(
    ("name", "description", "heading"),
    [
        pytest.param("review\x1b]0;pwned\x07er", "Reviews code", "# Review", id="osc-in-a-name"),
        pytest.param("reviewer", "Reviews \x1bPpwned\x1b\\code", "# Review", id="dcs"),
        pytest.param("reviewer", "Reviews \x9dpwned\x9ccode", "# Review", id="c1-osc"),
        pytest.param("reviewer", "Reviews code", "# \x1b]0;pwned\x07Review", id="heading-osc"),
        pytest.param("reviewer", "Reviews code", "# \x90pwned\x9cReview", id="heading-c1-dcs"),
    ],
)
def test_a_role_is_never_named_from_inside_a_terminal_escape_sequence(
    tmp_path: Path, name: str, description: str, heading: str
) -> None:
    """A sequence a terminal swallows (an OSC that retitles it, a DCS, their one-byte C1
    forms) in every member's name, description or heading: no word of it names the role."""
    for number in range(3):
        (tmp_path / f"r{number}.md").write_text(
            f"---\nname: {name}-{number}\ndescription: {description} changes for bugs\n---\n"
            f"{heading}\n\nRead the diff.\n",
            encoding="utf-8",
        )
    agents = load_collection([str(tmp_path)], use_cache=False)
    (group,) = group_roles(agents)
    assert "pwned" not in group.role and len(group.members) == 3, group.role
    terms = {term for vector in role_vectors(agents) for term in vector.weights}
    assert not [term for term in terms if b"pwned" in term], sorted(terms)
    assert name_words("review\x1b]0;pwned\x07er-1") == [b"reviewer"]  # as a terminal shows it


def test_grouping_reports_each_stage_in_order_and_its_reading_and_weighing_as_they_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The groups view's bar moves while the words are weighed, not only while they are read
    (a report every PROGRESS_EVERY agents: 50 here, for the corpus's 258)."""
    from agentbrowser.model import roles

    monkeypatch.setattr(roles, "PROGRESS_EVERY", 50)
    agents = load_collection([str(CORPUS)], use_cache=False)
    seen: list[tuple[str, int]] = []
    group_roles(agents, progress=lambda stage, done, total: seen.append((stage, done)))
    stages = list(dict.fromkeys(stage for stage, _ in seen))
    assert stages == ["reading", "weighing", "pairing", "linking"]
    weighed = [done for stage, done in seen if stage == "weighing"]
    assert weighed == [*range(50, len(agents), 50), len(agents)]
