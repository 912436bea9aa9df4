"""Search: fuzzy words over name, description, tools, model and format, plus field filters.

Built for 10,000 agents at one frame per keystroke: haystacks are lower-cased once, words are
matched by substring first, and by subsequence only against names (short strings; a
subsequence regex over long descriptions is a known trap). A query that extends the previous
one filters the previous results only.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from agentbrowser.model.formats import refused_tools
from agentbrowser.model.records import ALL_TOOLS_FORMATS, Agent

#: Field filters a query understands, with their aliases.
FIELDS: dict[str, str] = {
    "tool": "tools",
    "tools": "tools",
    "model": "model",
    "format": "format",
    "scope": "scope",
    "name": "name",
    "color": "color",
    "is": "is",
}
_DESCRIPTION_CHARS = 4000  # longer descriptions are searched in their first part only
#: Tools an agent without a tools list may use whether or not any agent names them (Claude
#: Code's, OpenCode's, Copilot's aliases), lower-cased as the index keeps tools.
BUILT_IN_TOOLS = frozenset(
    """read write edit multiedit notebookedit notebookread bash grep glob ls webfetch
    websearch task agent todowrite skill askuserquestion list patch question execute search
    web todo""".split()  # noqa: SIM905 (a word list reads better as words)
)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: free words (lower-case) and field filters."""

    words: tuple[str, ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    text: str = ""

    @property
    def empty(self) -> bool:
        """True when the query selects everything."""
        return not self.words and not self.filters


@dataclass(frozen=True, slots=True)
class Match:
    """One result: the agent's index, its score (higher is better) and name highlights."""

    index: int
    score: float
    name_spans: tuple[int, ...] = field(default=())
    """Offsets of the matched characters in the agent's name."""


_SCORE = operator.itemgetter(1)
_new_object = object.__new__
_set_index = Match.__dict__["index"].__set__
_set_score = Match.__dict__["score"].__set__
_set_spans = Match.__dict__["name_spans"].__set__


def _match(index: int, score: float, name_spans: tuple[int, ...]) -> Match:
    """Match(index, score, name_spans) without the frozen dataclass's __init__ (3x faster)."""
    match = _new_object(Match)
    _set_index(match, index)
    _set_score(match, score)
    _set_spans(match, name_spans)
    return match


#: A result before it is asked for: (agent index, score, name spans).
_Row = tuple[int, float, tuple[int, ...]]


class Matches(Sequence[Match]):
    """Search results, best first, as a read-only sequence of Match.

    A query's first keys match nearly all of 10,000 agents and the list shows ~15: a Match is
    made when asked for (an index, an iteration), not 10,000 of them per keystroke.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: list[_Row]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, item):  # type: ignore[no-untyped-def,override]
        if isinstance(item, slice):
            return [_match(*row) for row in self._rows[item]]
        return _match(*self._rows[item])

    def __iter__(self) -> Iterator[Match]:
        for row in self._rows:
            yield _match(*row)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Matches):
            return self._rows == other._rows
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Matches({len(self._rows)} results)"

    @property
    def indices(self) -> list[int]:
        """The agents' indexes, best first."""
        return [row[0] for row in self._rows]


#: What `is:` takes (`problems` stands for `problem`).
IS_VALUES = ("error", "warning", "info", "problem", "shadowed", "duplicate")


def unknown_is(text: str) -> list[str]:
    """The `is:` values of a query that no agent can have (`is:nonsense`): they match none."""
    return [
        value
        for field_name, value in parse_query(text).filters
        if field_name == "is" and value not in IS_VALUES and value != "problems"
    ]


def parse_query(text: str) -> Query:
    """Split a query into words and `field:value` filters (unknown fields are words)."""
    words: list[str] = []
    filters: list[tuple[str, str]] = []
    for token in text.split():
        key, sep, value = token.partition(":")
        if sep and key.lower() in FIELDS and value:
            filters.append((FIELDS[key.lower()], value.lower()))
        elif sep and key.lower() in FIELDS:
            continue  # `tool:` typed but no value yet: ignore until there is one
        else:
            words.append(token.lower())
    return Query(tuple(words), tuple(filters), text)


@dataclass(slots=True)
class _Entry:
    name: str
    description: str
    tools: tuple[str, ...]
    tools_text: str
    inherits: frozenset[str] | None
    """None, or the agent has no tools list and may use every tool but these (its format's
    `disallowedTools`, lower-cased): a `tool:` filter matches any other."""
    model: str
    format: str
    scope: str
    color: str
    flags: frozenset[str]
    rest: str
    """Tools, model and format joined by newlines: one test for all three (a word holds no
    whitespace, so it is in `rest` exactly when it is in one of them)."""
    mask: int
    """The name's characters as bits (`_char_mask`): a word with a character the name lacks
    is no subsequence of it, which two integer operations tell."""


def _char_mask(text: str) -> int:
    """One bit per character (its code modulo 63): a superset test for subsequences."""
    mask = 0
    for char in set(text):
        mask |= 1 << (ord(char) % 63)
    return mask


class SearchIndex:
    """Lower-cased haystacks for a collection, built once and searched many times.

    The haystacks are built on first use (a search that is not empty) or by `build()`, which
    the browser calls in a thread once the list is on screen: ~50 ms for 10,000 agents that
    would otherwise delay the list. Building is thread-safe.
    """

    def __init__(self, agents: Sequence[Agent]) -> None:
        self._agents: Sequence[Agent] | None = agents
        self._count = len(agents)
        self._entries: list[_Entry] | None = None
        self._lock = threading.Lock()
        self._last: tuple[Query, Matches] | None = None
        self._tool_names: frozenset[str] | set[str] | None = None

    @property
    def entries(self) -> list[_Entry]:
        """The haystacks, one per agent (built now when they are not yet)."""
        entries = self._entries
        if entries is None:
            with self._lock:
                if self._entries is None:
                    assert self._agents is not None
                    self._entries = [self._entry(a) for a in self._agents]
                    self._agents = None
                entries = self._entries
        return entries

    def build(self) -> None:
        """Build the haystacks now (in a thread: the next search need not)."""
        self.entries  # noqa: B018

    @staticmethod
    def _entry(agent: Agent) -> _Entry:
        tools = tuple(t.lower() for t in agent.tools or ())
        flags = set()
        if agent.has_error:
            flags.add("error")
        if agent.problems:
            flags.add("problem")
        if any(p.severity == "warning" for p in agent.problems):
            flags.add("warning")
        if any(p.severity == "info" for p in agent.problems):
            flags.add("info")
        if agent.shadowed_by:
            flags.add("shadowed")
        if agent.duplicates:
            flags.add("duplicate")
        return _Entry(
            name=agent.name.lower(),
            description=agent.description[:_DESCRIPTION_CHARS].lower(),
            tools=tools,
            tools_text=" ".join(tools),
            inherits=_denied(agent) if agent.tools is None else None,
            model=(agent.model or "").lower(),
            format=agent.format,
            scope=agent.scope,
            color=(agent.color or "").lower(),
            flags=frozenset(flags),
            rest=" ".join(tools) + "\n" + (agent.model or "").lower() + "\n" + agent.format,
            mask=_char_mask(agent.name.lower()),
        )

    def __len__(self) -> int:
        return self._count

    def _tools_named(self, value: str) -> frozenset[str]:
        """The tools whose name holds `value`: those the collection lists, and those every
        agent without a list may use. A typo (`tool:xyz`) names none, and finds no agent
        without a list."""
        names = self._tool_names
        if names is None:
            names = self._tool_names = BUILT_IN_TOOLS | {
                tool for entry in self.entries for tool in entry.tools
            }
        return frozenset(name for name in names if value in name)

    def search(self, query: Query | str) -> Matches:
        """Matching agents, best first (ties keep collection order)."""
        if isinstance(query, str):
            query = parse_query(query)
        if query.empty:
            return Matches([(i, 0.0, ()) for i in range(self._count)])
        candidates: Sequence[int] = range(self._count)
        if self._last and _extends(query, self._last[0]):
            candidates = self._last[1].indices
        matches: list[_Row] = []
        matchers = [(w, _fuzzy_word(w)) for w in query.words]
        entries = self.entries
        # A tools filter carries the tools it names (an agent without a list may use them).
        filters = tuple(
            (f, v, self._tools_named(v) if f == "tools" else frozenset()) for f, v in query.filters
        )
        append = matches.append
        if len(matchers) == 1 and not filters:
            # One word and no filter, what typing mostly is: the loop below for that case,
            # unrolled (the first keys of a query match nearly all of 10,000 agents).
            word, fuzzy = matchers[0]
            length = len(word)
            # -1 never fits a mask (masks are positive): no subsequence for a word too short.
            wanted = _char_mask(word) if fuzzy else -1
            first = word[0]
            spans_at: dict[int, tuple[int, ...]] = {}
            for index in candidates:
                entry = entries[index]
                name = entry.name
                position = name.find(word)
                if position >= 0:
                    bonus = (
                        40.0 if position == 0 else (25.0 if name[position - 1] in "-_ ./" else 10.0)
                    )
                    spans = spans_at.get(position)
                    if spans is None:
                        spans = spans_at[position] = tuple(range(position, position + length))
                    append((index, 100.0 + bonus + 10.0 * length / len(name), spans))
                    continue
                # _score_word, inlined: most entries of a one- or two-letter query come here.
                if word in entry.rest:  # in the tools, the model or the format
                    if word in entry.tools_text or word == entry.model or word in entry.format:
                        append((index, 60.0, ()))
                    else:
                        append((index, 55.0, ()))  # word in entry.model
                    continue
                if entry.mask & wanted == wanted and (at := name.find(first)) >= 0:
                    # _subsequence_positions, inlined
                    positions = [at]
                    for char in word[1:]:
                        at = name.find(char, at + 1)
                        if at < 0:
                            break
                        positions.append(at)
                    else:
                        append(
                            (
                                index,
                                50.0 + 20.0 * length / (at - positions[0] + 1),
                                tuple(positions),
                            )
                        )
                        continue
                if word in entry.description:
                    append((index, 30.0, ()))
            matches.sort(key=_SCORE, reverse=True)  # reverse keeps ties in order, like -score
            result = Matches(matches)
            self._last = (query, result)
            return result
        for index in candidates:
            entry = entries[index]
            if filters and not all(_filter(entry, f, v, known) for f, v, known in filters):
                continue
            total = 0.0
            spans: list[int] = []
            name = entry.name
            for word, fuzzy in matchers:
                # The hot path, inlined: a substring of the name is the common case.
                position = name.find(word)
                if position >= 0:
                    total += _name_score(name, word, position)
                    spans.extend(range(position, position + len(word)))
                    continue
                score, found = _score_word(entry, word, fuzzy)
                if score <= 0:
                    break
                total += score
                spans.extend(found)
            else:
                append(
                    (index, total, tuple(sorted(set(spans))) if len(matchers) > 1 else tuple(spans))
                )
        matches.sort(key=_SCORE, reverse=True)
        result = Matches(matches)
        self._last = (query, result)
        return result


def _extends(query: Query, previous: Query) -> bool:
    """True when every result of `query` must be among the results of `previous`."""
    if len(query.words) < len(previous.words):
        return False
    if any(f not in query.filters for f in previous.filters):
        return False
    # each earlier word must be a prefix of the word in its place (typing extends words)
    # and subsequence/substring matches only get rarer as a word grows
    for old, new in zip(previous.words, query.words):
        if not new.startswith(old):
            return False
    return True


def _fuzzy_word(word: str) -> bool:
    """Whether a word may match a name as a subsequence (too short or long a word may not)."""
    return 2 <= len(word) <= 40


def _denied(agent: Agent) -> frozenset[str] | None:
    """The tools an agent without a tools list is refused, lower-cased (None when such an
    agent has no tools at all: a Cursor rule, plain markdown)."""
    if agent.format not in ALL_TOOLS_FORMATS:
        return None
    return frozenset(tool.lower() for tool in refused_tools(agent))


def _filter(
    entry: _Entry, field_name: str, value: str, named: frozenset[str] = frozenset()
) -> bool:
    if field_name == "tools":
        if entry.inherits is not None:  # every tool: any the filter names, unless refused
            if not entry.inherits:
                return bool(named)
            # A tool refused whole refuses its parts too (`Bash` refuses `Bash(git:*)`).
            return any(name.split("(", 1)[0] not in entry.inherits for name in named)
        return any(value in tool for tool in entry.tools)
    if field_name == "is":
        return value in entry.flags or (value == "problems" and "problem" in entry.flags)
    return value in getattr(entry, field_name)


def _score_word(entry: _Entry, word: str, fuzzy: bool) -> tuple[float, list[int]]:
    """How well one word that is not a substring of the name matches, and where in the name."""
    name = entry.name
    if word in entry.tools_text or word == entry.model or word in entry.format:
        return 60.0, []
    if word in entry.model:
        return 55.0, []
    if fuzzy:
        spans = _subsequence_positions(name, word)
        if spans:
            spread = spans[-1] - spans[0] + 1
            return 50.0 + 20.0 * len(word) / spread, spans
    if word in entry.description:
        return 30.0, []
    return 0.0, []


def _name_score(name: str, word: str, position: int) -> float:
    """A substring of the name: better at the start, or at a word boundary, and when longer."""
    bonus = 40.0 if position == 0 else (25.0 if name[position - 1] in "-_ ./" else 10.0)
    return 100.0 + bonus + 10.0 * len(word) / len(name)


def _subsequence_positions(text: str, word: str) -> list[int] | None:
    """Where word's characters occur in order in text, leftmost first; None when they do not.

    What the regex `w.*?o.*?r.*?d` found, in linear time: the regex retried from every start,
    quadratic in a long name (8.5 s for a 40 KB one, typed into the filter of a hostile folder).
    """
    positions = []
    index = 0
    for char in word:
        index = text.find(char, index)
        if index < 0:
            return None
        positions.append(index)
        index += 1
    return positions
