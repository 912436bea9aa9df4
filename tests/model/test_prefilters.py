"""The cheap tests in front of the parse-time checks decide as the checks behind them do.

parse_text runs on every file of a cold start, so the security, owner and YAML checks start
with shortcuts (one regex over the signals, a first letter, a memchr). Each shortcut
here is held to the slower test it stands in for; the findings themselves are pinned by
test_security, test_schema, test_lint, test_owner_verdicts and test_corpus.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from agentbrowser.model import owners, security, yamlsafe
from agentbrowser.model.parse import parse_file
from agentbrowser.model.text import read_text

from ..paths import CORPUS, DATA

SCALE = int(os.environ.get("AGENTBROWSER_EXAMPLES", "150")) / 150
MANY = settings(max_examples=int(1000 * SCALE), deadline=None)


@MANY
@given(st.text(alphabet="A1 ", max_size=40))
@example("A1")
@example("1A")
@example(" 1 A 1")
@example("111111")
@example("11111 1")
@example("AA 11111A")
def test_the_signal_gate_matches_where_one_of_the_three_tests_would(signals: str) -> None:
    data = signals.encode()
    exact = b"A1" in data or b"1A" in data or b"111111" in data
    assert (security._SIGNAL_PAIRS.search(data) is not None) == exact


def _core_kind_by_patterns(raw: str) -> str:
    """core_kind's answer for a plain value on its key's line, by the patterns alone."""
    plain = owners._COMMENT.sub("", raw).strip()
    if owners._CORE_NULL.fullmatch(plain):
        return "null"
    if owners._CORE_BOOL.fullmatch(plain):
        return "boolean"
    return "number" if owners._CORE_NUMBER.fullmatch(plain) else "string"


@MANY
@given(st.text(alphabet="aBnNtTfFeEiIxo01.9+-_~ #\t:", min_size=1, max_size=12))
@example("null")
@example("True")
@example("false # no")
@example("e3")
@example("Inf")
@example("name # 1")
def test_core_kind_of_a_plain_value_is_the_patterns_answer(raw: str) -> None:
    if raw[:1] in ("'", '"', "|", ">", "[", "{", "&", "!", "*"):
        return  # not plain: core_kind looks at the value instead
    assert owners.core_kind("text", raw) == _core_kind_by_patterns(raw)


def test_dangerous_powers_alone_are_the_dangerous_ones_of_the_whole_list() -> None:
    files = sorted(CORPUS.rglob("*.md")) + sorted((DATA / "security").rglob("*"))
    files = [f for f in files if f.is_file()]
    with_danger = 0
    for path in files:
        agent = parse_file(str(path))
        args = (agent.frontmatter, agent.format, agent.tools, agent.body)
        every = security.compute_powers(*args)
        dangerous = security.compute_powers(*args, dangerous_only=True)
        assert dangerous == [p for p in every if p.danger], path
        with_danger += bool(dangerous)
    assert with_danger >= 5  # the check saw dangerous powers, not only empty lists


def test_crlf_is_found_with_or_without_a_lone_cr_before_it(tmp_path: Path) -> None:
    cases = {
        "lf": (b"---\nname: a\n---\nbody\n", False),
        "crlf": (b"---\r\nname: a\r\n---\r\nbody\r\n", True),
        "cr-then-crlf": (b"---\nname: a\rb\n---\nbody\r\n", True),
        "cr-only": (b"---\nname: a\rb\n---\nbody\r", False),
    }
    for name, (data, crlf) in cases.items():
        path = tmp_path / f"{name}.md"
        path.write_bytes(data)
        assert read_text(str(path)).crlf is crlf, name


def test_plain_values_read_twice_are_the_same_and_lists_are_never_shared() -> None:
    text = "a: true\nb: 0.2\nc: sonnet\nd: 1_000\ne: ~\nf: [x, y]\n"
    first = yamlsafe.flat_mapping(text)
    second = yamlsafe.flat_mapping(text)
    assert first == second == {
        "a": True, "b": 0.2, "c": "sonnet", "d": "1_000", "e": None, "f": ["x", "y"]
    }  # fmt: skip
    assert [type(v) for v in first.values()] == [type(v) for v in second.values()]
    assert first["f"] is not second["f"]


@MANY
@given(st.text(alphabet='ab "\\n/t', max_size=12))
def test_a_double_quoted_value_reads_as_the_quoted_scalar_pattern_says(inner: str) -> None:
    value = '"' + inner + '"'
    match = yamlsafe._DOUBLE_QUOTED.fullmatch(value)
    if match is None:
        expected = yamlsafe._NO
    else:
        expected = yamlsafe._ESCAPE.sub(yamlsafe._unescape, match.group(1))
    assert yamlsafe._flat_value(value) == expected
