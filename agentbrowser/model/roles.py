"""Role similarity: which agents do the same job, and groups of them across a whole collection.

Pure Python on dicts, no numpy: each agent becomes a sparse tf-idf vector of what it is for
(name, description, the prompt's headings and tools in one part; the prompt's vocabulary in the
other), the two parts combined with equal weight. Agents that share two of their top terms
become candidate pairs (buckets keyed by term pairs, so nothing is ever compared with all
others), candidate pairs are scored by cosine, and average linkage joins them into groups.
Text similarity (``similar.py``) finds edited copies; this finds independent rewrites of a role.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import mul
from typing import Any

from agentbrowser.model.records import Agent, prompt

try:  # Counter's own counting loop, in C: called directly it skips Counter.__init__'s checks
    from _collections import _count_elements
except ImportError:  # an interpreter without the C helper

    def _count_elements(mapping: dict[Any, int], iterable: Any) -> None:
        for element in iterable:
            mapping[element] = mapping.get(element, 0) + 1


#: Shares of the combined vector (squared lengths of its parts): the name's words; the
#: description, the prompt's headings and the tools; the prompt's opening vocabulary.
NAME_SHARE = 0.1
HEAD_SHARE = 0.45
BODY_SHARE = 0.45
#: Terms kept per part of an agent's vector, by weight: the rest are noise and cost time.
HEAD_TERMS = 30
BODY_TERMS = 30
#: Top terms of an agent that look for candidates: agents sharing one of them are compared.
KEY_TERMS = 10
#: A key term held by more agents than this is generic (a collection's common word): it
#: proposes no candidates, so no agent is ever compared with thousands of others.
POSTING_CAP = 60
#: Candidates kept per agent, best first, for the linkage.
NEIGHBOURS = 12
#: Prompt characters read: what an agent is for is said in its opening, and tokenising whole
#: prompts costs more than reading and parsing the files. Chosen on labelled real files (54
#: unseen ones of 11 roles and 36 of the corpus, docs/variants.md): from 800 to 3,000
#: characters precision stays at 0.89-1.0; 1,200 had the best recall on both sets.
BODY_CHARS = 1_200
#: Prompt characters searched for headings (a scan in C, far cheaper than tokenising).
HEADING_CHARS = 40_000
#: Agents read between two progress reports.
PROGRESS_EVERY = 500
#: Average linkage stops joining when the best pair of groups is less alike than this.
THRESHOLD = 0.12
#: In a collection of at least MAX_DF_MIN agents, a term in more than MAX_DF_SHARE of them says
#: nothing of a role, and is left out (it would only cost time: its idf is near 0). A smaller
#: collection keeps every term: there one job may well be most of the agents (a folder of eight
#: code reviewers and three others), and its words are what its group shares.
MAX_DF_SHARE = 0.5
MAX_DF_MIN = 1_000
#: A collection smaller than this is weighed as if empty documents made up the difference.
BACKGROUND = 20

# Bytes that are part of a word: ASCII letters (lowercased here) and every byte of a UTF-8
# sequence, so that a non-English word stays whole; all else splits. bytes.translate and
# split run in C, ~4x faster than a Unicode regex over the same text.
_TABLE = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or c >= 128 else 32 for c in range(256)
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# A heading follows a newline (the text gets one in front): a literal first character lets
# the regex engine skip ahead in C, ~4x faster than ``^`` with MULTILINE.
_HEADING = re.compile(r"\n#{1,6}[ \t]+([^\n]+)")

# Words every agent uses whatever its job: English glue and the vocabulary of agent files.
STOP_WORDS = frozenset(
    w.encode()
    for w in """
    the and for are but not you your yours all any can had her was one our out has have him his
    how its may new now old see two way who did get let put say she too use uses used using
    this that with from they them then than there their these those what when where which while
    will would should could must shall into onto over under about above after again against
    below between both each few more most other some such only own same very just also been
    being does doing done here once why because until off per via etc able make makes made
    like well much many every always never ever often within without upon whether either
    neither need needs needed want wants wanted help helps helping agent agents assistant user
    users example examples context commentary task tasks proactively claude subagent
    yes thing things ways work works working ensure ensures provide provides include includes
    including based follow following specific specifically appropriate relevant clear clearly
    given before during through http https www com good bad better worse correct incorrect
    """.split()  # noqa: SIM905 (a word list reads better as words)
)


def _stem(word: bytes) -> bytes:
    """A light suffix strip (plurals, -ing, -ed), so reviews and reviewing meet review."""
    if word.endswith(b"ies") and len(word) > 4:
        return word[:-3] + b"y"
    for suffix in (b"ing", b"ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)]
            if stem[-1] == stem[-2] and stem[-1] not in b"ls":
                stem = stem[:-1]  # debugging: debug
            return stem
    if word.endswith(b"s") and not word.endswith((b"ss", b"us", b"is")) and len(word) > 4:
        return word[:-1]
    return word


def words_of(text: str) -> list[bytes]:
    """A text's words, lowercased, as UTF-8 bytes (one C pass: encode, translate, split)."""
    return text.encode("utf-8", "replace").translate(_TABLE).split()


class _Stems(dict[bytes, bytes]):
    """word -> the term it counts under (b"" for a word that never counts), each word worked
    out once, the first time it is looked up (``__missing__``): lookups stay in C."""

    def __missing__(self, word: bytes) -> bytes:
        stem = self[word] = b"" if len(word) < 3 or word in STOP_WORDS else _stem(word)
        return stem


class _Stemmer:
    """Stems with a cache shared by a whole collection: a word is stemmed once, then looked up
    in C (``map(dict.__getitem__, ...)``); the surface forms of name words name a role."""

    def __init__(self) -> None:
        self.stems = _Stems()
        self.surface: dict[bytes, Counter[bytes]] = {}

    def count(self, words: list[bytes]) -> dict[bytes, int]:
        counts: dict[bytes, int] = {}
        _count_elements(counts, map(self.stems.__getitem__, words))
        counts.pop(b"", None)
        return counts

    def note_surface(self, words: list[bytes]) -> None:
        for word in words:
            self.surface.setdefault(self.stems.get(word) or _stem(word), Counter())[word] += 1

    def word(self, stem: bytes) -> str:
        forms = self.surface.get(stem)
        best = forms.most_common(1)[0][0] if forms else stem
        return best.decode("utf-8", "replace")


def name_words(name: str) -> list[bytes]:
    """The words of an agent's name: ``backend-implementation_expert``, ``BackendExpert``."""
    return words_of(_CAMEL.sub(" ", _shown(name)))


# A terminal's escape sequences: a CSI (ESC [ or its C1 form), a string a terminal swallows to
# its end (OSC, DCS, SOS, PM, APC, in ESC or C1 form, ended by BEL or ST), or one character
# after ESC. Their words are no words of the text a person reads, and must not name a role.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b.?"
)
_C1 = re.compile("[\x90-\x9f]")


def _shown(text: str) -> str:
    """Text as a terminal shows it: without its escape sequences (C-speed tests when it has
    none: a search for ESC, and for C1 controls only in text that is not ASCII)."""
    if "\x1b" in text or (not text.isascii() and _C1.search(text)):
        return _ESCAPE.sub("", text)
    return text


@dataclass(frozen=True, slots=True)
class RoleVector:
    """An agent's role as sparse weights, L2-normalised; each part's terms carry its prefix
    (n: name, h: description/headings/tools, b: prompt)."""

    weights: dict[bytes, float]
    keys: dict[bytes, float]
    """The agent's top terms with their weight, parts merged: they look for candidates."""


#: An agent's term counts: (name, description/headings/tools, prompt).
Parts = tuple[dict[bytes, int], dict[bytes, int], dict[bytes, int]]


def _counts(agent: Agent, stemmer: _Stemmer) -> Parts:
    """(name, head, body) term counts of one agent."""
    name = stemmer.count(name_words(agent.name))
    body = _shown(prompt(agent)[:HEADING_CHARS])
    opening = body[:BODY_CHARS]
    headings = _HEADING.findall("\n" + body)
    description = _shown(agent.description or "").replace("\\n", "\n")
    head = stemmer.count(words_of(description + "\n" + "\n".join(headings)))
    for tool in agent.tools or ():
        term = b"tool:" + tool.lower().encode("utf-8", "replace")
        head[term] = head.get(term, 0) + 1
    return name, head, stemmer.count(words_of(opening))


#: 1 + log(count) for the counts a prompt's opening has: a table lookup, not a call per term.
#: Counts above 255 weigh as 255 (only a very long description says a word that often).
_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 256)]


def _weigh(
    counts: dict[bytes, int], idf: dict[bytes, float], keep: int, scale: float
) -> tuple[tuple[bytes, ...], tuple[float, ...]]:
    """Sublinear tf times idf: the ``keep`` best terms and their weights, best first, the
    weights normalised to length ``scale``.

    Every step is a ``map``, ``zip`` or ``sorted`` (in C): this runs for every part of every
    agent.
    """
    # Terms too common to have an idf (in a large collection) are no part of a role. The order
    # of the set does not matter: (weight, term) pairs sort the same whatever order they come
    # in. Every idf is above 0 (see _idf): no weight is 0.
    terms = counts.keys() & idf.keys()
    if not terms:
        return (), ()
    found = map(counts.__getitem__, terms)
    try:
        tf = list(map(_TF.__getitem__, found))
    except IndexError:
        tf = list(map(_TF.__getitem__, map(min, map(counts.__getitem__, terms), repeat(255))))
    weights = map(mul, tf, map(idf.__getitem__, terms))
    best = sorted(zip(weights, terms), reverse=True)[:keep]  # C sort beats nlargest here
    values, terms = zip(*best)
    factor = scale / math.sqrt(sum(map(mul, values, values)))
    return terms, tuple(map(factor.__mul__, values))


def _idf(documents: Sequence[dict[bytes, int]], total: int) -> dict[bytes, float]:
    df: dict[bytes, int] = {}
    for counts in documents:
        _count_elements(df, counts)  # its keys, counted in C (Counter.update's checks skipped)
    # A small collection is weighed as if it had BACKGROUND documents, the missing ones empty:
    # in five agents that all do one job, the words all five use still count (idf not ~0).
    # base is above n + 1 for every term, so that even a word every agent uses keeps an idf
    # above 0 (a collection of copies still groups).
    base = 2 + total + max(0, BACKGROUND - total)
    if total < MAX_DF_MIN:
        return {t: math.log(base / (n + 1)) for t, n in df.items()}
    cut = MAX_DF_SHARE * total
    return {t: math.log(base / (n + 1)) for t, n in df.items() if n <= cut}


class _Prefixed(dict[bytes, bytes]):
    """term -> prefix + term, each made once: the same bytes object (its hash computed once)
    for every agent that has the term."""

    def __init__(self, prefix: bytes) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, term: bytes) -> bytes:
        value = self[term] = self.prefix + term
        return value


def _add(merged: dict[bytes, float], terms: Iterable[bytes], weights: Iterable[float]) -> None:
    """merged[t] += w for every term (absent: 0), new terms after the others, in their order."""
    if not terms:
        return
    common = merged.keys() & terms
    if not common:
        merged.update(zip(terms, weights))
        return
    before = {term: merged[term] for term in common}
    merged.update(zip(terms, weights))
    for term in common:
        merged[term] = before[term] + merged[term]


#: ``spread(items, work)``: ``[work(item) for item in items]``, worked out in any way that
#: keeps the order. ``work`` returns plain values (tuples, dicts, bytes, numbers), so a caller
#: may run it in other processes: the CLI does (``agentbrowser.cli.groups.spread_forked``); this module
#: never does.
Spread = Callable[[Sequence[Any], Callable[[Any], Any]], list[Any]]


def role_vectors(
    agents: Sequence[Agent],
    stemmer: _Stemmer | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    spread: Spread | None = None,
) -> list[RoleVector]:
    """Each agent's role vector, weighted against the collection (idf over ``agents``).

    ``progress("reading", done, total)``, then ``progress("weighing", done, total)`` are
    called now and then (not with ``spread``).
    ``spread`` does the two halves that take each agent alone (counting its words, weighing
    them once the collection's idf is known) in its own way.
    """
    stemmer = stemmer or _Stemmer()
    if spread is not None:
        parts = spread(agents, lambda agent: _counts(agent, stemmer))
    elif progress is None:
        parts = [_counts(agent, stemmer) for agent in agents]
    else:
        parts = []
        total = len(agents)
        for start in range(0, total, PROGRESS_EVERY):
            parts += [_counts(agent, stemmer) for agent in agents[start : start + PROGRESS_EVERY]]
            progress("reading", min(start + PROGRESS_EVERY, total), total)
    total = len(parts)
    idf_name, idf_head, idf_body = (_idf([p[k] for p in parts], total) for k in range(3))
    name_scale, head_scale, body_scale = map(math.sqrt, (NAME_SHARE, HEAD_SHARE, BODY_SHARE))
    name_key, head_key, body_key = _Prefixed(b"n:"), _Prefixed(b"h:"), _Prefixed(b"b:")

    def vector(index: int) -> tuple[dict[bytes, float], dict[bytes, float]]:
        """(weights, keys) of one agent (see RoleVector)."""
        name, head, body = parts[index]
        name_terms, name_weights = _weigh(name, idf_name, HEAD_TERMS, name_scale)
        head_terms, head_weights = _weigh(head, idf_head, HEAD_TERMS, head_scale)
        body_terms, body_weights = _weigh(body, idf_body, BODY_TERMS, body_scale)
        weights = dict(zip(map(name_key.__getitem__, name_terms), name_weights))
        weights.update(zip(map(head_key.__getitem__, head_terms), head_weights))
        weights.update(zip(map(body_key.__getitem__, body_terms), body_weights))
        # Keys ignore the part: a word of the name and the same word of a prompt meet.
        merged = dict(zip(name_terms, name_weights))
        _add(merged, head_terms, head_weights)
        _add(merged, body_terms, body_weights)
        # sorted(reverse=True) keeps ties in order, as heapq.nlargest does
        top = sorted(merged, key=merged.__getitem__, reverse=True)[: KEY_TERMS + 2]
        best = [t for t in top if not t.startswith(b"tool:")][:KEY_TERMS]
        return weights, dict(zip(best, map(merged.__getitem__, best)))

    if spread is not None:
        plain = spread(range(total), vector)
    elif progress is None:
        plain = [vector(index) for index in range(total)]
    else:
        plain = []
        for start in range(0, total, PROGRESS_EVERY):
            plain += [vector(i) for i in range(start, min(start + PROGRESS_EVERY, total))]
            progress("weighing", min(start + PROGRESS_EVERY, total), total)
    return [RoleVector(weights, keys) for weights, keys in plain]


def cosine(a: RoleVector, b: RoleVector) -> float:
    """Cosine of two role vectors (both normalised): 0..1."""
    small, large = (
        (a.weights, b.weights) if len(a.weights) <= len(b.weights) else (b.weights, a.weights)
    )
    return min(1.0, sum(map(mul, small.values(), map(large.get, small, repeat(0.0)))))


def role_similarity(a: Agent, b: Agent, collection: Sequence[Agent] = ()) -> float:
    """How much two agents do the same job, 0..1, weighted against ``collection`` (or the two)."""
    agents = [a, b, *(x for x in collection if x.path not in (a.path, b.path))]
    vectors = role_vectors(agents)
    return cosine(vectors[0], vectors[1])


# --------------------------------------------------------------------------------------------
# Candidates and linkage


def candidate_pairs(vectors: Sequence[RoleVector]) -> dict[tuple[int, int], float]:
    """Each agent's best few candidates, found through the key terms they share.

    The score of a pair is the dot product over shared key terms: an estimate of the cosine
    that finds candidates, never the last word (keys merge the parts, so a word in both
    agents' names and prompts counts more than the cosine counts it: every join is checked on
    the exact average). Key terms held by more than ``POSTING_CAP`` agents are skipped.
    Returns {(i, j): score} with i < j.
    """
    held: dict[bytes, int] = {}
    for vector in vectors:
        _count_elements(held, vector.keys)  # how many agents hold each key term (in C)
    usable: dict[bytes, list[tuple[int, float]]] = {
        term: [] for term, count in held.items() if 1 < count <= POSTING_CAP
    }
    shared = usable.keys()
    for index, vector in enumerate(vectors):
        keys = vector.keys
        for term in keys.keys() & shared:  # most agents: none (the set is made in C)
            usable[term].append((index, keys[term]))
    pairs: dict[tuple[int, int], float] = {}
    for index, vector in enumerate(vectors):
        if vector.keys.keys().isdisjoint(shared):
            continue  # most agents: every key term is generic or theirs alone (a view: C)
        scores: dict[int, float] = {}
        for term, weight in vector.keys.items():
            posting = usable.get(term)
            if posting is None:
                continue
            for other, other_weight in posting:
                if other != index:
                    scores[other] = scores.get(other, 0.0) + weight * other_weight
        if len(scores) > NEIGHBOURS:
            best = heapq.nlargest(NEIGHBOURS, scores, key=scores.__getitem__)
        else:
            best = list(scores)
        for other in best:
            pairs[(index, other) if index < other else (other, index)] = scores[other]
    return pairs


@dataclass(frozen=True, slots=True)
class Group:
    """Agents that do the same job: indexes into the clustered sequence, a role name, and the
    average role similarity of the members' pairs."""

    members: tuple[int, ...]
    role: str
    similarity: float


def _dot(a: dict[bytes, float], b: dict[bytes, float]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(map(mul, small.values(), map(large.get, small, repeat(0.0))))


def _average_linkage(
    count: int,
    edges: dict[tuple[int, int], float],
    weights: Sequence[dict[bytes, float]],
    threshold: float,
) -> list[list[int]]:
    """Average-linkage clustering: the sparse graph of candidates proposes joins, best first
    (their averages over absent pairs counted as 0); each join is then checked on the exact
    average, since a candidate's score only estimates a cosine (keys merge the parts: two
    unrelated agents whose names share a word score high), and a pair no bucket proposed is
    not unrelated. That average is the dot product of the two groups' summed vectors over the
    number of pairs (the sum of the pairs' cosines, without a cosine per pair: groups of 10
    and 10 cost one product, not 100). Every group's average is then at least ``threshold``.
    """
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    sums: dict[int, dict[bytes, float]] = {}
    """A group's members' weights summed, made when first needed and kept up to date."""

    def summed(group: int) -> dict[bytes, float]:
        total = sums.get(group)
        if total is None:
            first, *others = members[group]
            total = sums[group] = dict(weights[first])
            for member in others:
                vector = weights[member]
                _add(total, vector.keys(), vector.values())
        return total

    links: dict[int, dict[int, float]] = {}
    for (i, j), value in edges.items():
        links.setdefault(i, {})[j] = value
        links.setdefault(j, {})[i] = value
    version = [0] * count
    heap = [(-value, i, j, 0, 0) for (i, j), value in edges.items() if value >= threshold]
    heapq.heapify(heap)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        size_a, size_b = len(members[a]), len(members[b])
        pairs = size_a * size_b
        if pairs == 1:  # two agents: their cosine (no group sums made for them)
            if _dot(weights[a], weights[b]) < threshold:
                continue
        elif _dot(summed(a), summed(b)) / pairs < threshold:
            continue
        # Join the smaller into the larger: its links are summed into the larger's.
        if size_a < size_b:
            a, b = b, a
        members[a].extend(members.pop(b))
        sum_a, sum_b = sums.pop(a, None), sums.pop(b, None)
        if sum_a is not None and sum_b is not None:
            _add(sum_a, sum_b.keys(), sum_b.values())
            sums[a] = sum_a
        version[a] += 1
        links_a = links.setdefault(a, {})
        links_b = links.pop(b, {})
        links_a.pop(b, None)
        for other, value in links_b.items():
            if other == a:
                continue
            links_a[other] = links_a.get(other, 0.0) + value
            other_links = links[other]
            other_links.pop(b, None)
            other_links[a] = links_a[other]
        size = len(members[a])
        for other, total in links_a.items():
            average = total / (size * len(members[other]))
            if average >= threshold:
                heapq.heappush(heap, (-average, a, other, version[a], version[other]))
    return [sorted(group) for group in members.values() if len(group) > 1]


def _written_forms(members: list[Agent], stems: _Stems) -> dict[bytes, dict[bytes, int]]:
    """stem -> how often each word with that stem occurs in the members' descriptions (words
    that never count left out; each word stemmed once, in the collection's table)."""
    forms: dict[bytes, dict[bytes, int]] = {}
    for agent in members:
        for word in words_of(_shown(agent.description or "").replace("\\n", "\n")):
            stem = stems[word]
            if stem:
                counts = forms.get(stem)
                if counts is None:
                    forms[stem] = {word: 1}
                else:
                    counts[word] = counts.get(word, 0) + 1
    return forms


def _spelled(term: bytes, forms: dict[bytes, int] | None) -> str:
    """A term as the descriptions write it: the term itself when they use it as a word, else
    their most common word with that stem (``executing``, never the stem ``execut``)."""
    if not forms or term in forms:
        return term.decode("utf-8", "replace")
    best = max(forms.items(), key=lambda item: (item[1], -len(item[0])))[0]
    return best.decode("utf-8", "replace")


#: A third word joins a role's name only when every member uses it and it weighs at least this
#: share of the second word.
THIRD_WORD_SHARE = 0.5
#: ... and outweighs the next candidate by this factor: a word tied with others is noise
#: (`code reviewer recently`, where `scope` and `severity` weigh the same).
THIRD_WORD_LEAD = 1.1


def _third_word_names_the_role(
    chosen: list[bytes], share: dict[bytes, int], weight: dict[bytes, float], size: int
) -> bool:
    """Whether the third of the chosen terms (of up to four, best first) says something of the
    role that the first two do not, rather than a word some members happen to share."""
    score = [share[t] * weight[t] for t in chosen]
    if share[chosen[2]] < size or score[2] < THIRD_WORD_SHARE * score[1]:
        return False
    return len(score) < 4 or score[2] >= THIRD_WORD_LEAD * score[3]


def _role_name(
    group: list[int], vectors: Sequence[RoleVector], stemmer: _Stemmer, members: list[Agent]
) -> str:
    """Up to three terms most members share: what the group is for (a third only when it names
    the role: see ``_third_word_names_the_role``). The words that one of
    the members' names holds come first, in that name's order (`code reviewer`, not `reviewer
    code`; the name that holds the most of them); the others follow, strongest first."""
    names: list[list[bytes]] = []  # each member's name as terms
    for agent in members:  # the words as the members' names spell them (helpers counted some)
        spelled = name_words(agent.name)
        stemmer.note_surface(spelled)
        names.append([stemmer.stems.get(word) or _stem(word) for word in spelled])
    share: dict[bytes, int] = {}
    weight: dict[bytes, float] = {}
    get = weight.get
    for index in group:
        seen: set[bytes] = set()
        for term, value in vectors[index].weights.items():
            part = term[:2]
            if part == b"b:":
                break  # a vector's terms come part by part: name, head, then prompt
            if part == b"n:" or not term.startswith(b"h:tool:"):
                # A word of the members' names names the role best: it counts double.
                word = term[2:]
                weight[word] = get(word, 0) + value * (2.0 if part == b"n:" else 1.0)
                seen.add(word)
        _count_elements(share, seen)
    need = max(2, (len(group) + 1) // 2)
    common = [t for t in weight if share[t] >= need]
    common.sort(key=lambda t: (-share[t] * weight[t], t))
    words: list[str] = []
    chosen: list[bytes] = []
    written: dict[bytes, dict[bytes, int]] | None = None  # made when a name spells no term
    for term in common:
        if term in stemmer.surface:  # as the members' names spell it
            word = stemmer.word(term)
        else:
            written = _written_forms(members, stemmer.stems) if written is None else written
            word = _spelled(term, written.get(term))
        # implement and implementation say one thing: keep the first of the two
        if not any(word.startswith(w[:6]) or w.startswith(word[:6]) for w in words):
            words.append(word)
            chosen.append(term)
        if len(words) == 4:
            break
    if len(words) > 2 and not _third_word_names_the_role(chosen, share, weight, len(group)):
        del words[2:], chosen[2:]
    del words[3:], chosen[3:]
    if not words:
        return "(unnamed)"
    best = max(names, key=lambda name: (len(set(chosen) & set(name)), -len(name)))

    def order(rank: int) -> tuple[int, int]:
        term = chosen[rank]
        return (best.index(term), rank) if term in best else (len(best), rank)

    return " ".join(words[rank] for rank in sorted(range(len(words)), key=order))


def _average_cosine(weights: Sequence[dict[bytes, float]]) -> float:
    """The average cosine of every pair of these vectors, exactly, without a cosine per pair:
    the sum's length squared is every pair's product twice plus each vector's own."""
    total: dict[bytes, float] = {}
    own = 0.0
    for vector in weights:
        _add(total, vector.keys(), vector.values())
        own += _dot(vector, vector)
    count = len(weights)
    return max(0.0, min(1.0, (_dot(total, total) - own) / (count * (count - 1))))


def group_roles(
    agents: Sequence[Agent],
    min_size: int = 2,
    threshold: float = THRESHOLD,
    progress: Callable[[str, int, int], None] | None = None,
    spread: Spread | None = None,
) -> list[Group]:
    """Groups of agents that do the same job, largest and most alike first.

    ``progress(stage, done, total)`` is called now and then (for a view's progress bar);
    ``spread`` works out each agent's part in its own way (see ``role_vectors``).
    """
    stemmer = _Stemmer()
    if progress:
        progress("reading", 0, len(agents))
    vectors = role_vectors(agents, stemmer, progress, spread)
    if progress:
        progress("pairing", 0, len(agents))
    edges = candidate_pairs(vectors)
    if progress:
        progress("linking", 0, len(agents))
    clusters = _average_linkage(len(agents), edges, [v.weights for v in vectors], threshold)
    groups = []
    for members in clusters:
        if len(members) < min_size:
            continue
        average = _average_cosine([vectors[i].weights for i in members])
        groups.append(
            Group(
                tuple(members),
                _role_name(members, vectors, stemmer, [agents[i] for i in members]),
                average,
            )
        )
    groups.sort(key=lambda g: (-len(g.members), -g.similarity, g.role))
    return groups


def rank_by_role(
    target: Agent, agents: Sequence[Agent], limit: int = 10
) -> list[tuple[Agent, float]]:
    """The ``limit`` agents whose job is most like ``target``'s, best first (not ``target``).

    Weighted against the whole of ``agents``; every agent is scored (one cosine each), so this
    is for one question at a time, not for clustering.
    """
    pool = [a for a in agents if a.path != target.path]
    if limit <= 0 or not pool:
        return []
    vectors = role_vectors([target, *pool])
    scored = sorted(
        ((cosine(vectors[0], vectors[i + 1]), agent) for i, agent in enumerate(pool)),
        key=lambda pair: (-pair[0], pair[1].name, pair[1].path),
    )
    return [(agent, score) for score, agent in scored[:limit]]
