"""What an agent file hides and what it may do: hidden text, dangerous powers and secrets.

`findings` runs at parse time on every file, so each check starts with a cheap test that most
files fail (`text.isascii()`, a substring, one combined regex); `powers` lists what changes
what the agent may do, for the detail pane and `show --json`; `dangers` is what an install
must not do silently.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from agentbrowser.model.formats import split_tools
from agentbrowser.model.records import (
    ALL_TOOLS_FORMATS,
    ERROR,
    WARNING,
    Agent,
    Problem,
    evolve,
    prompt,
)
from agentbrowser.model.text import (
    BIDI,
    FORMAT,
    SELECTORS,
    TAGS,
    ZERO_WIDTH,
    decode,
    hidden_runs,
    inline,
    latin_lookalike_word,
    looks_binary,
    mixed_script_word,
    read_text,
    reveal_hidden,
    sanitize,
)

#: At most this many problems about hidden characters per file (then one that counts the rest).
MAX_HIDDEN = 12
#: Quoted hidden text is cut to this many characters.
QUOTE = 160
#: Formats in which Claude Code runs `!` + a backquoted command when the file loads (commands
#: and skills), and those that may be one outside the folders that name it (a loose `.md`).
DYNAMIC_CONTEXT_FORMATS = frozenset({"claude-command", "claude-skill", "claude-agent", "markdown"})


@dataclass(frozen=True, slots=True)
class Power:
    """One thing that changes what an agent may do: its kind, what it is, and why it is
    dangerous ("" when it is not)."""

    kind: str
    text: str
    danger: str = ""
    line: int | None = None

    @property
    def shown(self) -> str:
        """The text as it may be shown: a credential in it masked (a hook's `curl -H
        "Authorization: ..."`), so that no report or screen carries it."""
        return masked(self.text)

    def to_json(self) -> dict[str, Any]:
        """The power as a JSON object (credentials in its text masked)."""
        return {
            "kind": self.kind,
            "text": self.shown,
            "danger": self.danger or None,
            "line": self.line,
        }


# -- what a shell command does -------------------------------------------------------------

_SHELLS = r"(?:sudo\s+)?(?:ba|z|da|k|fi)?sh\b|(?:sudo\s+)?(?:python3?|node|perl|ruby)\b"
#: (pattern, why, severity) for a command a hook or dynamic context runs; first match wins.
_COMMAND_DANGERS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(
            rf"\b(?:curl|wget|fetch)\b[^|;&\n]*\|\s*(?:{_SHELLS})"
            rf"|(?:{_SHELLS})\s+(?:-c\s+)?[\"']?(?:\$\(|<\(|`)\s*(?:curl|wget)\b"
            r"|(?:^|[\s;&|])(?:source|\.)\s+<\(\s*(?:curl|wget)\b"
            r"|\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^|;\n]*"
            r"\|\s*(?:iex|Invoke-Expression)\b"
            r"|\b(?:iex|Invoke-Expression)\b[^;\n]*\.DownloadString\b",
            re.IGNORECASE,
        ),
        "downloads a script and runs it",
        ERROR,
    ),
    (
        re.compile(
            rf"\bbase64\s+(?:-d|--decode|-D)\b[^|;\n]*\|\s*(?:{_SHELLS})"
            r"|(?:^|[\s;&|(\"'])eval\b|\bexec\s*\(|\bFromBase64String\b|\bb64decode\b",
            re.IGNORECASE,
        ),
        "decodes or evaluates code it does not show",
        ERROR,
    ),
    (
        re.compile(
            r"(?:^|[;&|(]\s*|\b(?:ba|z)?sh\s+|\bpython3?\s+|\bnode\s+|\bsource\s+|(?:^|\s)\.\s+)"
            r"[\"']?(?:~|\$\{?HOME\}?|\$\{?CLAUDE_PROJECT_DIR\}?|\.)?[\w./-]*/\.[\w-]+/[^\s\"';|&]+"
        ),
        "runs a program from a hidden (dot) folder, which this file does not show",
        WARNING,
    ),
    (
        re.compile(
            r"\brm\s+-[a-zA-Z]*[rR][a-zA-Z]*\s+(?:-\S+\s+)*"
            r"[\"']?(?:/|~|\$\{?HOME\}?)[\"']?(?:\s|$|/\*)"
        ),
        "deletes your files",
        ERROR,
    ),
    (
        re.compile(
            r"(?:~|\$\{?HOME\}?)/\.(?:ssh|aws|gnupg|netrc|docker/config|kube/config)\b"
            r"|\bid_(?:rsa|ed25519)\b"
        ),
        "reads credentials",
        WARNING,
    ),
    (
        re.compile(
            r"\b(?:curl|wget|nc|ncat|netcat|socat|telnet|ftp|scp|sftp)\b"
            r"|/dev/(?:tcp|udp)/|\bhttps?://",
            re.IGNORECASE,
        ),
        "calls the network",
        WARNING,
    ),
)


def command_danger(command: str) -> tuple[str, str]:
    """Why running this shell command is dangerous and how much (("", "") when it is not)."""
    for pattern, why, severity in _COMMAND_DANGERS:
        if pattern.search(command):
            return why, severity
    return "", ""


# -- powers -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _hook_commands(value: Any) -> Iterator[tuple[str, str, str, str]]:
    """(event, matcher, kind, what it runs) for each hook, from Claude Code's nested form
    (event: [{matcher, hooks: [{type, command}]}]) and the looser forms people write."""
    if not isinstance(value, dict):
        if value not in (None, "", [], {}):
            yield "?", "*", "command", _text(value)
        return
    for event, entries in value.items():
        entries = entries if isinstance(entries, list) else [entries]
        for entry in entries:
            if isinstance(entry, str):
                yield str(event), "*", "command", entry
                continue
            if not isinstance(entry, dict):
                continue
            matcher = _text(entry.get("matcher", "*")) or "*"
            inner = entry.get("hooks")
            hooks = inner if isinstance(inner, list) else [entry]
            for hook in hooks:
                if isinstance(hook, str):
                    yield str(event), matcher, "command", hook
                elif isinstance(hook, dict):
                    for kind in ("command", "url", "prompt"):
                        if hook.get(kind) is not None:
                            yield str(event), matcher, kind, _text(hook[kind])
                            break


def _mcp_servers(value: Any) -> Iterator[tuple[str, str]]:
    """(name, command or URL) for each MCP server."""
    if isinstance(value, dict):
        for name, server in value.items():
            if isinstance(server, dict):
                if server.get("url"):
                    yield str(name), _text(server["url"])
                else:
                    command = server.get("command", "")
                    args = server.get("args") or []
                    parts = (
                        [_text(command)] + [_text(a) for a in args]
                        if isinstance(args, list)
                        else [_text(command), _text(args)]
                    )
                    yield str(name), " ".join(p for p in parts if p)
            else:
                yield str(name), _text(server) if server is not None else ""
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield from _mcp_servers(item)
            else:
                yield _text(item), ""
    elif value not in (None, ""):
        yield _text(value), ""


_UNRESTRICTED_BASH = re.compile(r"^(?:Bash|Shell|shell|bash)(?:\(\s*\*?(?::\s*\*)?\s*\))?$")
_DYNAMIC = re.compile(r"(?:^|[\s(])!`([^`\n]+)`")


def _allowed_tools(value: Any) -> list[str]:
    if isinstance(value, str):
        return split_tools(value, "," not in value)
    if isinstance(value, list):
        return [_text(v).strip() for v in value if v is not None]
    return [] if value is None else [_text(value)]


def compute_powers(
    frontmatter: dict[str, Any],
    fmt: str,
    tools: tuple[str, ...] | None,
    body: str,
    dangerous_only: bool = False,
) -> list[Power]:
    """Everything that changes what the agent may do, dangerous ones with their reason.

    `dangerous_only`: the dangerous ones alone, in the same order (the parse-time findings
    need no others, and a Power costs ~1 µs to make).
    """
    found: list[Power] = []
    fm = frontmatter if isinstance(frontmatter, dict) else {}
    if not dangerous_only and ("tools" in fm or fmt in ALL_TOOLS_FORMATS):
        if tools is None and "allowed-tools" not in fm:
            found.append(Power("tools", "all tools"))
        elif tools is not None and ("tools" in fm or fmt == "opencode-agent"):
            # (an OpenCode agent's are what its `tools` and `permission` rules leave)
            found.append(Power("tools", ", ".join(tools) if tools else "no tools"))
    for key in () if dangerous_only else ("disallowedTools", "disallowed-tools"):
        if fm.get(key) not in (None, "", []):
            found.append(Power("disallowedTools", _text(fm[key])))
    mode = fm.get("permissionMode")
    if mode not in (None, ""):
        danger = (
            "every tool call runs without asking you"
            if _text(mode).strip() == "bypassPermissions"
            else ""
        )
        if danger or not dangerous_only:
            found.append(Power("permissionMode", _text(mode), danger))
    permission = fm.get("permission")
    if permission not in (None, ""):
        danger = _permission_danger(permission)
        if danger or not dangerous_only:
            found.append(Power("permission", _text(permission), danger))
    for key in ("allowed-tools", "allowedTools"):
        if key in fm and fm[key] not in (None, ""):
            for item in _allowed_tools(fm[key]):
                danger = (
                    "any shell command runs without asking you"
                    if _UNRESTRICTED_BASH.match(item.strip())
                    else ""
                )
                if danger or not dangerous_only:
                    found.append(Power("allowed-tools", item, danger))
    if "hooks" in fm:
        for event, matcher, kind, command in _hook_commands(fm["hooks"]):
            danger = command_danger(command)[0] if kind == "command" else ""
            if kind == "url":
                danger = "sends every matching tool call to " + command
            if danger or not dangerous_only:
                label = f"{event} {matcher}: " + (
                    command if kind == "command" else f"{kind} {command}"
                )
                found.append(Power("hook", label, danger))
    for key in ("mcpServers", "mcp-servers", "mcp"):
        if key in fm:
            for name, command in _mcp_servers(fm[key]):
                danger = command_danger(command)[0] if command else ""
                if danger in ("calls the network", "reads credentials"):
                    danger = ""  # an MCP server is a program that talks: that is its job
                if danger or not dangerous_only:
                    text = f"{name}: {command}" if command else name
                    found.append(Power("mcpServer", text, danger))
    if not dangerous_only and fm.get("skills") not in (None, "", []):
        found.append(Power("skills", _text(fm["skills"])))
    if fmt in DYNAMIC_CONTEXT_FORMATS and "!`" in body:
        for match in _DYNAMIC.finditer(body):
            command = match.group(1)
            danger = command_danger(command)[0]
            if danger or not dangerous_only:
                found.append(Power("dynamic context", command, danger))
    return found


def _permission_danger(permission: Any) -> str:
    """OpenCode's `permission`: bash set to allow (or every command allowed) asks no more."""
    if _text(permission).strip() == "allow":
        return "every tool call runs without asking you"
    if isinstance(permission, dict):
        bash = permission.get("bash")
        if bash == "allow" or (isinstance(bash, dict) and bash.get("*") == "allow"):
            return "any shell command runs without asking you"
    return ""


def powers(agent: Agent) -> tuple[Power, ...]:
    """What the agent may do (tools, modes, hooks, MCP servers, ...), dangerous ones marked."""
    body = prompt(agent) if agent.format in DYNAMIC_CONTEXT_FORMATS else ""
    return tuple(compute_powers(agent.frontmatter, agent.format, agent.tools, body))


# -- secrets -----------------------------------------------------------------------------------

#: Credential patterns, after gitleaks' rules and detect-secrets' plugins: (name, regex). Each
#: starts with a literal, which the regex engine finds at the speed of str.find (a leading \b or
#: alternation made each rule ~30x slower); the word boundary before it is checked in code.
#: detect-secrets itself was measured: ~0.15 s to import (it pulls in requests) and a plugin
#: call per line per rule, ~40 s over 10,000 files.
_SECRET_RULES: tuple[tuple[str, str], ...] = (
    *(
        ("an AWS access key", prefix + r"[A-Z2-7]{16}\b")
        for prefix in ("AKIA", "ASIA", "ABIA", "ACCA")
    ),
    (
        "an AWS secret key",
        r"ecret_?(?:[Aa]ccess_?)?[Kk]ey[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}\b",
    ),
    ("an AWS secret key", r"ECRET_?(?:ACCESS_?)?KEY[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}\b"),
    *(
        ("a GitHub token", prefix + r"_[A-Za-z0-9]{36,}\b")
        for prefix in ("ghp", "gho", "ghu", "ghs", "ghr")
    ),
    ("a GitHub token", r"github_pat_\w{60,}"),
    ("a GitLab token", r"glpat-[A-Za-z0-9_-]{20,}"),
    ("a Slack token", r"xox[abposr]-[0-9A-Za-z-]{10,}"),
    (
        "a Slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,}",
    ),
    ("an Anthropic API key", r"sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{20,}"),
    (
        "an OpenAI API key",
        (
            r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}"
            r"|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{48}\b"
        ),
    ),
    ("a Google API key", r"AIza[0-9A-Za-z_-]{35}"),
    ("a Google OAuth secret", r"GOCSPX-[A-Za-z0-9_-]{28}"),
    ("a Google OAuth token", r"ya29\.[0-9A-Za-z_-]{30,}"),
    ("a Stripe key", r"sk_live_[0-9A-Za-z]{24,}"),
    ("a Stripe key", r"rk_live_[0-9A-Za-z]{24,}"),
    ("an npm token", r"npm_[A-Za-z0-9]{36}\b"),
    ("a PyPI token", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    ("a Hugging Face token", r"hf_[A-Za-z]{34}\b"),
    ("a SendGrid key", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b"),
    (
        "a private key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----\s*[A-Za-z0-9+/=\s]{64,}",
    ),
)
#: Rules whose match spans blanks or lines run on the whole text when their literal is there;
#: the others run on the few words that look like random tokens (see `_token_windows`).
_SPANNING = {"an AWS secret key": (b"ecret", b"ECRET"), "a private key": (b"PRIVATE KEY",)}
_SPANNING_RULES = tuple(
    (name, re.compile(rule.encode())) for name, rule in _SECRET_RULES if name in _SPANNING
)
_TOKEN_NAMES = tuple(name for name, _ in _SECRET_RULES if name not in _SPANNING)
_TOKEN_SECRETS = re.compile(
    b"|".join(
        b"(?P<s%d>%s)" % (index, rule.encode())
        for index, (name, rule) in enumerate((n, r) for n, r in _SECRET_RULES if n not in _SPANNING)
    )
)
# Cheap tests before any regex runs (most files fail them; a regex over the text costs ~20-50
# ns a character, a bytes.translate or a substring test ~1). A byte per character: upper-case
# letters -> A, digits -> 1, the rest -> space: a random token (a credential, a private key's
# lines) has an upper-case letter next to a digit somewhere, which prose rarely has.
_SIGNALS = bytes(
    0x41 if 65 <= b <= 90  # A: upper-case letters
    else 0x31 if 48 <= b <= 57  # 1: digits
    else 0x43 if 0 < b < 9 or 11 <= b < 32 or b == 127  # C: a control (CR too; NUL is said apart)
    else 0x20
    for b in range(256)
)  # fmt: skip
#: Token characters (letters, digits, + / = _ -) -> a, the rest -> space: an 80-byte run of a is
#: a blob long enough to hide a sentence.
_TOKEN_CLASSES = bytes(
    0x61 if chr(b).isalnum() and b < 128 or chr(b) in "+/=_-" else 0x20 for b in range(256)
)
_BLOB_RUN = b"a" * 80
#: In the signals: a digit next to an upper-case letter (either side) or six digits in a row,
#: the gate of the secret and blob checks (most files have neither). A pattern that starts with
#: a literal is scanned for that byte in C (~0.55 ns a byte); the `in` tests for `A1`, `1A` and
#: `111111` it stands for cost ~1.2 ns a byte each, an alternation or a character class at the
#: start of a pattern ~7.5.
_SIGNAL_PAIRS = re.compile(rb"1(?:(?<=A1)|A|11111)")


def masked(text: str) -> str:
    """The text with every credential the secret findings would name masked (see `mask`),
    found the same way: the token rules only inside the few words that look random, so that a
    long text costs a translate and a search, never a regex over all of it."""
    if len(text) < 20:  # no credential above is shorter
        return text
    data = text.encode("utf-8", "surrogatepass")
    signals = data.translate(_SIGNALS)
    windows = _prefix_windows(data)
    if b"A1" in signals or b"1A" in signals:
        windows += [(a, b) for a, b in _token_windows(data, signals) if b - a <= WORD_CAP]
    found = _secret_spans(data, signals, sorted(set(windows)))
    spans = [(start, end) for _, start, end, _ in found]
    if not spans:
        return text
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        secret = data[start:end].decode("utf-8", "surrogatepass")
        out += [data[position:start].decode("utf-8", "surrogatepass"), mask(secret)]
        position = end
    out.append(data[position:].decode("utf-8", "surrogatepass"))
    return "".join(out)


def mask(secret: str) -> str:
    """A secret shown without its value: its first characters and its length."""
    secret = secret.strip()
    if secret.startswith("-----BEGIN"):
        return secret.split("-----")[1].strip() + " block"
    keep = 4 if len(secret) >= 16 else 2
    return f"{secret[:keep]}{'*' * 8} ({len(secret)} characters)"


def _token_windows(data: bytes, signals: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each blank-delimited word with an upper-case letter next to a digit."""
    last_end = -1
    for pair in (b"A1", b"1A"):
        index = signals.find(pair)
        while index >= 0:
            start = max(data.rfind(b" ", 0, index), data.rfind(b"\n", 0, index)) + 1
            end = min(
                (e for e in (data.find(b" ", index), data.find(b"\n", index)) if e >= 0),
                default=len(data),
            )
            if start != last_end and end - start >= 20:  # no credential above is shorter
                yield start, end
            last_end = end
            index = signals.find(pair, end)


def _secret_spans(
    data: bytes, signals: bytes, windows: Iterable[tuple[int, int]] | None = None
) -> list[tuple[int, int, int, str]]:
    """(where it is named, start, end, rule name) of each credential in the bytes: the value
    itself (an AWS secret key's 40 characters, not the name before it; a private key block
    without the line break after it). The token rules run in `windows` (default: the words
    that look random, see `_token_windows`)."""
    found: list[tuple[int, int, int, str]] = []
    seen: set[int] = set()
    for start, end in _token_windows(data, signals) if windows is None else windows:
        for match in _TOKEN_SECRETS.finditer(data, start, end):
            at = match.start()
            if at in seen or (at and (data[at - 1 : at].isalnum() or data[at - 1] == 0x5F)):
                continue  # inside a longer word: not the token itself
            seen.add(at)
            rule = int(match.lastgroup[1:])  # type: ignore[index]
            found.append((at, at, match.end(), _TOKEN_NAMES[rule]))
    for name, pattern in _SPANNING_RULES:
        if any(literal in data for literal in _SPANNING[name]):
            for match in pattern.finditer(data):
                at, end = match.start(), match.end()
                start = end - 40 if name == "an AWS secret key" else at
                while end > start and data[end - 1] in b" \t\r\n":
                    end -= 1
                found.append((at, start, end, name))
    return found


#: The literal starts of the token rules: a word holding one is looked at whether or not it
#: looks random (a Hugging Face token is letters only).
_TOKEN_PREFIXES = (
    b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_", b"glpat-", b"xox", b"hooks.slack",
    b"sk-", b"AIza", b"GOCSPX-", b"ya29.", b"sk_live_", b"rk_live_", b"npm_", b"pypi-", b"hf_",
    b"SG.", b"AKIA", b"ASIA",
)  # fmt: skip


#: A token is at most a few hundred bytes: where a token rule's literal start is, this many
#: bytes from it are looked at, and a word longer than WORD_CAP is no token. At most
#: PREFIX_CAP places a text are looked at (a hostile text repeats a prefix).
TOKEN_CAP = 256
WORD_CAP = 1024
PREFIX_CAP = 256


def _prefix_windows(data: bytes) -> list[tuple[int, int]]:
    """(start, end) from each place where a token rule's literal start begins a token (not
    inside a longer word), TOKEN_CAP bytes at most, PREFIX_CAP places at most."""
    windows: list[tuple[int, int]] = []
    for prefix in _TOKEN_PREFIXES:
        index = data.find(prefix)
        while index >= 0 and len(windows) < PREFIX_CAP:
            if not index or not (data[index - 1 : index].isalnum() or data[index - 1] == 0x5F):
                windows.append((index, min(len(data), index + TOKEN_CAP)))
            index = data.find(prefix, index + len(prefix))
    return windows


def _secret_problems(data: bytes, signals: bytes) -> list[Problem]:
    """Credentials in the file's bytes (line numbers count the same in bytes as in text)."""
    return [
        Problem(
            ERROR,
            f"{name} in the file ({mask(data[start:end].decode('ascii', 'replace'))}): anyone "
            "who gets this file can use it; revoke it and remove it",
            data.count(b"\n", 0, at) + 1,
        )
        for at, start, end, name in sorted(_secret_spans(data, signals))
    ]


# -- hidden text ---------------------------------------------------------------------------

_KIND_WHY = {
    ZERO_WIDTH: "an invisible character inside text: it reads as one thing and is another",
    BIDI: "a bidirectional control: the text after it shows in another order than a model reads"
    " it (Trojan Source)",
    FORMAT: "an invisible format character",
    SELECTORS: "invisible variation selectors",
}


def _quote(text: str, limit: int = QUOTE) -> str:
    """A quote from the file for a finding: one line, at most `limit` characters, credentials
    masked."""
    text = masked(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _char_names(run: str) -> str:
    names = []
    for char in dict.fromkeys(run):
        names.append(f"U+{ord(char):04X} {unicodedata.name(char, 'format character').lower()}")
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")


def _around(text: str, start: int, end: int, before: int, after: int) -> str:
    """text[start:end] with up to `before` and `after` characters of its line around it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return text[max(line_start, start - before) : min(line_end, end + after)]


def _hidden_char_problems(text: str) -> list[Problem]:
    runs = hidden_runs(text)
    if not runs:
        return []
    found: list[Problem] = []
    seen: set[tuple[str, int]] = set()
    skipped = 0
    for run in runs:
        line = text.count("\n", 0, run.start) + 1
        if (run.kind, line) in seen and not run.decoded:
            continue
        seen.add((run.kind, line))
        if len(found) >= MAX_HIDDEN:
            skipped += 1
            continue
        if run.decoded:
            source = "Unicode tag characters" if run.kind == TAGS else "variation selectors"
            found.append(
                Problem(
                    ERROR,
                    f"hidden text in invisible {source}: \u201c{_quote(run.decoded)}\u201d"
                    " (a model reads it, you see nothing)",
                    line,
                )
            )
            continue
        if run.kind == TAGS:
            found.append(
                Problem(
                    WARNING,
                    f"invisible Unicode tag characters ({_char_names(text[run.start : run.end])})",
                    line,
                )
            )
            continue
        context = reveal_hidden(_around(text, run.start, run.end, 24, 24))
        found.append(
            Problem(
                WARNING,
                f"{_KIND_WHY[run.kind]} ({_char_names(text[run.start : run.end])}) in"
                f" \u201c{_quote(context, 80)}\u201d",
                line,
            )
        )
    if skipped:
        found.append(Problem(WARNING, f"{skipped} more lines with hidden characters", None))
    return found


# -- controls a terminal acts on ---------------------------------------------------------------

#: What a terminal acts on in a file's text: C0 controls but NUL (said apart, and shown as
#: nothing), tab and line feed; DEL, C1 controls, and a carriage return that does not end a
#: line (the line's end in a CRLF file).
_TERMINAL_ACTS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+|\r(?!\n)")
_C1_BYTES = re.compile(b"\xc2[\x80-\x9f]")
_CONTROL_NAMES = {0x1B: "escape", 0x0D: "carriage return", 0x08: "backspace", 0x07: "bell"}


def _control_what(run: str, names: str) -> str:
    if "\x1b" in run or "\x9b" in run:
        return (
            f"a terminal escape sequence ({names}): a terminal acts on it (it can hide text, move "
            "the cursor or set the clipboard)"
        )
    if run == "\r":
        return (
            "a carriage return inside a line: in a terminal what follows it is written over "
            "the text before it"
        )
    if "\x08" in run:
        return f"a backspace ({names}): in a terminal it erases the character before it"
    return f"control characters ({names}): a terminal acts on them"


def _control_problems(text: str) -> list[Problem]:
    """Controls a terminal acts on, a finding per line (MAX_HIDDEN at most): shown by `cat`, a
    pager or a diff, such a line reads otherwise than the text the model reads."""
    found: list[Problem] = []
    line, counted, last_line, skipped = 1, 0, 0, 0
    lines_end_in_cr = "\n" not in text.rstrip("\r\n")  # a classic Mac OS file: said apart
    for match in _TERMINAL_ACTS.finditer(text):
        if lines_end_in_cr and match.group() == "\r":
            continue
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if line == last_line:
            continue
        last_line = line
        if len(found) >= MAX_HIDDEN:
            skipped += 1
            continue
        run = match.group()
        names = ", ".join(
            f"U+{ord(c):04X} {_CONTROL_NAMES.get(ord(c), 'control character')}"
            for c in list(dict.fromkeys(run))[:3]
        )
        context = sanitize(_around(text, match.start(), match.end(), 24, 40))
        found.append(
            Problem(
                WARNING,
                f"{_control_what(run, names)}, so `cat` or a diff shows this line otherwise than "
                f"the model reads it: \u201c{_quote(context, 80)}\u201d",
                line,
            )
        )
    if skipped:
        found.append(Problem(WARNING, f"{skipped} more lines with terminal controls", None))
    return found


# -- hidden instructions in the prompt ---------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+).*?\1")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.){1,999})\]:[ \t]*(\S*)[ \t]*(.*)$")
_BLOB = re.compile(r"(?<![\w+/])(?:[A-Za-z0-9+/]{80,}={0,2}|[A-Za-z0-9_-]{80,}={0,2})(?![\w+/=])")
_HEX_BLOB = re.compile(r"(?<![\w])(?:[0-9a-fA-F]{2}){40,}(?!\w)")


def _outside_code(line: str, needle: str) -> int:
    """Where needle first occurs in line outside inline code, or -1."""
    index = line.find(needle)
    if index < 0 or "`" not in line:
        return index
    spans = [match.span() for match in _INLINE_CODE.finditer(line)]
    while index >= 0:
        if not any(start <= index < end for start, end in spans):
            return index
        index = line.find(needle, index + 1)
    return -1


def _prompt_problems(body: str, first_line: int) -> list[Problem]:
    """HTML comments and link definitions outside code, which rendered markdown hides."""
    found: list[Problem] = []
    fence: str | None = None
    position = 0  # where the line starts in body
    skip_until = -1  # the end of the last comment: lines before it are inside it
    for number, line in enumerate(body.split("\n")):
        start_of_line, position = position, position + len(line) + 1
        if start_of_line < skip_until:
            continue
        head = line.lstrip(" ")
        if head[:1] in ("`", "~") and len(line) - len(head) <= 3:
            fenced = _FENCE.match(line)
            if fenced:
                marker = fenced.group(1)
                if fence is None:
                    fence = marker[0] * len(marker)
                elif marker.startswith(fence) and not head[len(marker) :].strip():
                    fence = None
                continue
        if fence is not None or line.startswith(("    ", "\t")):
            continue
        if "<!--" in line:
            index = _outside_code(line, "<!--")
            if index >= 0:
                start = start_of_line + index + 4
                end = body.find("-->", start)
                end = len(body) if end < 0 else end
                skip_until = end + 3
                hidden = body[start:end]
                if hidden.strip():
                    found.append(
                        Problem(
                            WARNING,
                            "an HTML comment, hidden when the markdown is rendered but read by"
                            f" the model: \u201c{_quote(hidden)}\u201d",
                            first_line + number,
                        )
                    )
                continue
        if head[:1] == "[" and "]:" in line:
            match = _LINK_DEFINITION.match(line)
            if match:
                label, target, title = match.groups()
                hidden = " ".join(
                    p for p in (target if target != "#" else "", title.strip("\"'()")) if p
                )
                found.append(
                    Problem(
                        WARNING,
                        f"a markdown link definition [{_quote(label, 40)}], hidden when rendered"
                        f" but read by the model: \u201c{_quote(hidden or target)}\u201d",
                        first_line + number,
                    )
                )
    return found


def _decoded_text(blob: str, hex_: bool) -> str:
    """What a blob decodes to when that is readable text, else ""."""
    try:
        if hex_:
            data = bytes.fromhex(blob)
        else:
            padded = blob + "=" * (-len(blob) % 4)
            data = (
                base64.urlsafe_b64decode(padded)
                if ("-" in blob or "_" in blob)
                else base64.b64decode(padded, validate=True)
            )
    except (ValueError, binascii.Error):
        return ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    printable = sum(1 for c in text if c.isprintable() or c in "\n\t")
    return text if len(text) >= 20 and printable >= 0.95 * len(text) else ""


def _blob_problems(text: str) -> list[Problem]:
    found = []
    for pattern, hex_, name in ((_BLOB, False, "base64"), (_HEX_BLOB, True, "hex")):
        for match in pattern.finditer(text):
            blob = match.group()
            if not hex_ and (blob.isalpha() or blob.isdigit()):
                continue  # letters or digits run together, not an encoding
            decoded = _decoded_text(blob, hex_)
            if decoded:
                found.append(
                    Problem(
                        WARNING,
                        f"a {len(blob):,}-character {name} blob that decodes to text a model"
                        " can read:"
                        f" \u201c{_quote(reveal_hidden(decoded))}\u201d",
                        text.count("\n", 0, match.start()) + 1,
                    )
                )
    return found


# -- the findings --------------------------------------------------------------------------


def name_findings(name: str, line: int | None, description: str = "") -> list[Problem]:
    """A name that passes for another: a word whose letters come from two scripts that look
    alike (`bаckend-engineer` with a Cyrillic а), a word wholly in letters of another script
    that read as Latin ones (`ехес`), or full-width and styled letters that read as a plain
    name (`ｂackend`). It reads as the agent a user meant to install or copy. `line` is
    the `name` key's (None for a name taken from the file's). A word wholly in another script
    is no finding when the description is written in that script: its author writes Russian
    or Greek (`сахар`), and a reader sees that before reading the name as Latin."""
    if name.isascii():
        return []
    mixed = mixed_script_word(name)
    lookalike = latin_lookalike_word(name) if mixed is None else None
    if mixed is not None:
        why = f"mixes {mixed[1]} letters in the word {inline(mixed[0])!r}"
    elif lookalike is not None:
        word, script, reading = lookalike
        if _written_in(description, script):
            return []
        what = "is written" if word == name else f"writes {inline(word)!r}"
        why = f"{what} in {script} letters that read as the Latin {reading!r}"
    else:
        plain = unicodedata.normalize("NFKC", name)
        if plain == unicodedata.normalize("NFC", name) or not plain.isascii():
            return []
        why = f"holds full-width or styled letters that read as {inline(plain)!r}"
    message = f"the name {inline(name)!r} {why}: it can pass for another agent's name"
    return [Problem(WARNING, message, line, RULE_LOOKALIKE)]


#: How much of a description `_written_in` looks at.
_SCRIPT_SAMPLE = 2_000


def _written_in(text: str, script: str) -> bool:
    """True when most letters of the text's opening are of `script` (`Cyrillic`)."""
    letters = [char for char in text[:_SCRIPT_SAMPLE] if char.isalpha()]
    prefix = script.upper() + " "
    ours = sum(1 for char in letters if unicodedata.name(char, "").startswith(prefix))
    return bool(letters) and ours * 2 > len(letters)


def _line_of(
    text: str, needle: str, before: int, default: int | None, last: bool = False
) -> int | None:
    """The 1-based line of needle's first (or `last`) occurrence before position `before`."""
    if not needle:
        return default
    index = text.rfind(needle, 0, before) if last else text.find(needle, 0, before)
    return default if index < 0 else text.count("\n", 0, index) + 1


_POWER_KEYS = (
    "permissionMode", "permission", "allowed-tools", "allowedTools", "hooks", "mcpServers",
    "mcp-servers", "mcp",
)  # fmt: skip


_POWER_KEY_SET = frozenset(_POWER_KEYS)


def _may_be_dangerous(key: str, value: Any) -> bool:
    """False when a power key's value cannot be dangerous (`allowed-tools` without a shell):
    ~1 in 4 files sets allowed-tools, and listing its powers costs more than this test."""
    if key in ("allowed-tools", "allowedTools"):
        text = value if isinstance(value, str) else _text(value)
        return "ash" in text or "hell" in text
    return True


def findings(
    text: str,
    frontmatter: dict[str, Any],
    fmt: str,
    tools: tuple[str, ...] | None,
    body: str,
    body_line: int,
) -> list[Problem]:
    """Hidden characters, hidden instructions, encoded payloads, dangerous powers and secrets
    in a file's text, as problems with 1-based lines."""
    is_ascii = text.isascii()
    found: list[Problem] = [] if is_ascii else _ruled(RULE_HIDDEN, _hidden_char_problems(text))
    # One-character tests first: they run at memchr speed, a longer needle ~10x slower.
    bang = "!" in body
    if (bang and "<!--" in body) or ("]" in body and "]:" in body):
        found += _ruled(RULE_INSTRUCTION, _prompt_problems(body, body_line))
    # (The default codec's call skips the lookup of an error handler, which ASCII never needs.)
    data = text.encode() if is_ascii else text.encode("utf-8", "surrogatepass")
    signals = data.translate(_SIGNALS)
    if b"C" in signals or (not is_ascii and b"\xc2" in data and _C1_BYTES.search(data)):
        found += _ruled(RULE_HIDDEN, _control_problems(text))
    if _SIGNAL_PAIRS.search(signals) is not None:
        mixed = b"A1" in signals or b"1A" in signals
        if mixed:
            found += _ruled(RULE_SECRET, _secret_problems(data, signals))
        # base64 of text has an upper-case letter next to a digit within a few characters, hex
        # of text runs of digits: only then is the (as costly) test for an 80-character run made.
        if (mixed or b"111111" in signals) and _BLOB_RUN in data.translate(_TOKEN_CLASSES):
            found += _ruled(RULE_PAYLOAD, _blob_problems(text))
    if (not _POWER_KEY_SET.isdisjoint(frontmatter) and any(
        key in frontmatter and _may_be_dangerous(key, frontmatter[key]) for key in _POWER_KEYS
    )) or (bang and fmt in DYNAMIC_CONTEXT_FORMATS and "!`" in body):  # fmt: skip
        fm_end = len(text) - len(body)
        for power in compute_powers(frontmatter, fmt, tools, body, dangerous_only=True):
            found += _ruled(RULE_POWER, [_power_problem(power, text, fm_end, body, body_line)])
    return found


RULE_HIDDEN = "security/hidden-characters"
RULE_INSTRUCTION = "security/hidden-instruction"
RULE_SECRET = "security/secret"
RULE_PAYLOAD = "security/encoded-payload"
RULE_POWER = "security/dangerous-power"
RULE_LOOKALIKE = "security/look-alike-name"
#: The rule ids of these findings, with what each checks (lint's reports list them).
SECURITY_RULES: dict[str, str] = {
    RULE_HIDDEN: "Invisible characters that hide text or change how it reads",
    RULE_INSTRUCTION: "Text that rendered markdown hides but the model reads",
    RULE_SECRET: "A credential in the file",
    RULE_PAYLOAD: "An encoded blob that decodes to text a model reads",
    RULE_POWER: "A power that runs commands or lifts confirmations in a dangerous way",
    RULE_LOOKALIKE: "A name whose letters pass for others (two scripts in a word, a word of "
    "look-alike letters, full-width)",
}


def _ruled(rule: str, problems: list[Problem]) -> list[Problem]:
    """The problems with their rule id."""
    return [Problem(p.severity, p.message, p.line, rule) for p in problems]


#: When Claude Code runs a hook, by its event (code.claude.com/docs/en/hooks).
_HOOK_WHEN = {
    "PreToolUse": "before every matching tool call",
    "PostToolUse": "after every matching tool call",
    "PostToolUseFailure": "after every matching tool call that fails",
    "PermissionRequest": "on every matching permission request",
    "UserPromptSubmit": "on every prompt you submit",
    "Stop": "each time the agent finishes its answer",
    "SubagentStart": "each time a subagent starts",
    "SubagentStop": "each time a subagent finishes",
    "SessionStart": "when a session starts or resumes",
    "SessionEnd": "when a session ends",
    "Notification": "on every notification",
    "PreCompact": "before the conversation is compacted",
}


def _power_problem(power: Power, text: str, fm_end: int, body: str, body_line: int) -> Problem:
    """A dangerous power as a problem, on the line where it is granted."""
    if power.kind == "dynamic context":
        index = body.find(power.text)
        line = body_line + body.count("\n", 0, index) if index >= 0 else body_line
        severity = command_danger(power.text)[1]
        return Problem(
            severity,
            f"dynamic context !`{_quote(power.text, 100)}`: it {power.danger}, and in a command"
            " or skill Claude Code runs it when the file loads, before you see anything",
            line,
        )
    if power.kind == "hook":
        where, command = power.text.split(": ", 1)
        line = _line_of(text, command[:40], fm_end, None) or _line_of(text, "hooks:", fm_end, 1)
        severity = command_danger(command)[1] or WARNING
        when = _HOOK_WHEN.get(where.split(" ", 1)[0], "each time its event fires")
        return Problem(
            severity,
            f"hook ({where}) runs `{_quote(command, 120)}`: it {power.danger}, by itself, {when}",
            line,
        )
    key = {"allowed-tools": "allowed-tools", "mcpServer": "mcpServers"}.get(power.kind, power.kind)
    # A key written twice has its last value (as its owner reads it): the line of that one.
    line = _line_of(text, f"\n{key}:", fm_end, None, last=True)
    line = line + 1 if line is not None else 1
    if power.kind == "mcpServer":
        return Problem(ERROR, f"MCP server {_quote(power.text, 120)} {power.danger}", line)
    return Problem(WARNING, f"{power.kind} {_quote(power.text, 60)}: {power.danger}", line)


#: A skill's file is read as a script (each line a command it may run) by these endings, or
#: by a `#!` first line.
_SHELL_ENDINGS = (".sh", ".bash", ".zsh", ".fish", ".ps1")
_SHELL_LINE = re.compile(r"#![^\n]*\b(?:ba|z|da|k|fi)?sh\b|#![^\n]*\bpwsh\b")
_MARKDOWN_ENDINGS = (".md", ".markdown", ".mdc", ".txt")
#: What a shell script of a skill may do that the skill's user must hear of before it runs:
#: the reasons of `command_danger` that are not everyday work (calling the network, running a
#: helper from a dot folder are).
_SCRIPT_DANGERS = frozenset(
    {
        "downloads a script and runs it",
        "decodes or evaluates code it does not show",
        "deletes your files",
        "reads credentials",
    }
)
#: A skill's file is read this far, and this many findings of one file are reported.
RESOURCE_SCAN_BYTES = 512 * 1024
RESOURCE_FINDINGS = 20


def resource_findings(relative: str, text: str) -> list[Problem]:
    """What one of a skill's other files hides or does, as problems (lines 1-based): hidden
    characters, encoded payloads and secrets in any text; hidden instructions in markdown and
    text files (what a model reads); in a shell script (by its ending or a `#!` line) the
    commands that download and run code, decode and evaluate, delete your files or read
    credentials. A skill's scripts run when the model decides to; what they do is part of what
    the skill grants. At most RESOURCE_FINDINGS, the last saying how many more there are."""
    lower = relative.lower()
    found = findings(text, {}, "markdown", None, text, 1)
    if not lower.endswith(_MARKDOWN_ENDINGS):  # an HTML comment is no secret in a template
        found = [p for p in found if p.rule != RULE_INSTRUCTION]
    if lower.endswith(_SHELL_ENDINGS) or _SHELL_LINE.match(text):
        for number, line in enumerate(text.splitlines(), 1):
            command = line.strip()
            if not command or command.startswith("#"):
                continue
            why, severity = command_danger(command)
            if why in _SCRIPT_DANGERS:
                found.append(
                    Problem(
                        severity, f"runs `{_quote(command, 100)}`: it {why}", number, RULE_POWER
                    )
                )
    if len(found) > RESOURCE_FINDINGS:  # the errors first: none may be what is cut
        found.sort(key=lambda p: (p.severity != ERROR, p.line or 0))
        rest = found[RESOURCE_FINDINGS - 1 :]
        worst = ERROR if any(p.severity == ERROR for p in rest) else rest[0].severity
        found = found[: RESOURCE_FINDINGS - 1] + [
            Problem(worst, f"and {len(rest)} more findings in this file", None, RULE_POWER)
        ]
    return found


def resource_text(data: bytes) -> str | None:
    """A skill's file as text to check (its first RESOURCE_SCAN_BYTES, decoded as the files of
    agents are: UTF-8, else with replacement), or None for a binary file."""
    data = data[:RESOURCE_SCAN_BYTES]
    if looks_binary(data):
        return None
    return decode(data)[0]


def skill_file_records(agent: Agent) -> list[Agent]:
    """A record for each of a skill's other files that hides or runs something, its findings
    as problems (see `resource_findings`): what lint reports for the files that travel with a
    skill. Files that cannot be read as text are left to the skill's own checks."""
    folder = os.path.dirname(agent.path)
    records = []
    for relative in agent.resources:
        path = os.path.join(folder, relative)
        read = read_text(path, RESOURCE_SCAN_BYTES)
        found = resource_findings(relative, read.text) if read.text is not None else []
        if found:
            records.append(
                Agent(
                    name=f"{agent.name}/{relative}",
                    description="",
                    tools=None,
                    format=agent.format,
                    scope=agent.scope,
                    path=path,
                    frontmatter={},
                    body="",
                    problems=tuple(found),
                )
            )
    return records


#: The rule of the problem that sums up a skill's files' findings on the skill's own record.
RULE_SKILL_FILES = "security/skill-files"


def with_skill_files(agent: Agent) -> Agent:
    """The skill's record with one problem first among its problems that sums up what its
    other files hide or run (`skill_file_records`, read now), so that the list's marker and the
    problem counts see them; an earlier sum is replaced. Without resources: as it is.

    Not for lint, which reports each file with its own lines."""
    if not agent.resources:
        return agent
    kept = tuple(p for p in agent.problems if p.rule != RULE_SKILL_FILES)
    records = skill_file_records(agent)
    if not records:
        return agent if len(kept) == len(agent.problems) else evolve(agent, problems=kept)
    found = [(r, p) for r in records for p in r.problems]
    worst = ERROR if any(p.severity == ERROR for _, p in found) else WARNING
    folder = os.path.dirname(agent.path)
    first_record, first = next(((r, p) for r, p in found if p.severity == ERROR), found[0])
    where = os.path.relpath(first_record.path, folder).replace(os.sep, "/")
    line = f" line {first.line}" if first.line else ""
    rest = len(found) - 1
    more = (
        f"{rest} more finding{'s' * (rest > 1)} in {len(records)} file{'s' * (len(records) > 1)}"
        " under Resources"
        if rest
        else "see Resources"
    )
    summary = Problem(
        worst,
        f"{where}{line}: {first.message} (a file of the skill's: it travels with the skill, "
        f"and its scripts run when the model decides; {more})",
        None,
        RULE_SKILL_FILES,
    )
    return evolve(agent, problems=(summary, *kept))


def danger_summary(agent: Agent) -> str | None:
    """The agent's dangerous powers on one line, short (`⚠ hook: downloads a script and runs
    it; ⚠ permissionMode: ...`), for a comparison's fields, whose values are cut to one line
    (the hook's own row holds the command); None when it has none."""
    found = [f"\u26a0 {p.kind}: {p.danger}" for p in powers(agent) if p.danger]
    return "; ".join(found) or None


def hidden_summary(agent: Agent) -> str | None:
    """What the agent's file hides, on one line for a comparison's table: each finding of
    hidden characters, hidden instructions, encoded payloads, secrets or a name that passes for
    another, with its line (`⚠ line 3: hidden text in invisible Unicode tag characters: “…”`);
    powers are danger_summary's. None when it hides nothing."""
    found = [
        f"\u26a0 line {p.line}: {p.message}" if p.line else f"\u26a0 {p.message}"
        for p in dangers(agent)
        if p.rule != RULE_POWER
    ]
    return "; ".join(found) or None


def dangers(agent: Agent) -> tuple[Problem, ...]:
    """The findings that must stop an install without --yes: hidden text or characters, hidden
    instructions, encoded payloads, dangerous powers and secrets (the record's own problems,
    found when its file was read)."""
    return tuple(p for p in agent.problems if p.rule is not None and p.rule in SECURITY_RULES)
