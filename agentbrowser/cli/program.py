"""The program: its argument parser, the browser's factory (`build_app`), and the commands
list, show, lint, fix, copy, install, convert and new (diff and similar in `compare`, groups in
`groups`)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from agentbrowser import __version__, memory
from agentbrowser.cli.names import display_path, not_found, several
from agentbrowser.loading import collection, trace
from agentbrowser.model.parts import PARTS, PartUnreadable, part_text
from agentbrowser.model.records import (
    ERROR,
    INFO,
    WARNING,
    Agent,
    Problem,
    shown_model,
)
from agentbrowser.model.text import distinct_names, inline, one_line, plural, sanitize

if TYPE_CHECKING:
    from agentbrowser.app import AgentBrowserApp

COMMANDS = (
    "list",
    "show",
    "diff",
    "similar",
    "groups",
    "lint",
    "fix",
    "copy",
    "install",
    "convert",
)


class CliError(Exception):
    """A user-facing error: printed as one line on stderr, with exit status 2."""


def build_app(paths: Sequence[str] = (), use_cache: bool = True) -> AgentBrowserApp:
    """The one factory for the browser app, used by the CLI, the tests and the screenshots."""
    trace.mark("importing the app")
    from agentbrowser.app import AgentBrowserApp

    trace.mark("app imported")
    return AgentBrowserApp(list(paths), use_cache=use_cache)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentbrowser",
        description="Browse, search, compare and reuse AI agent definitions.",
        epilog=(
            "commands: list, show, diff, similar, groups, lint, fix, copy, install, convert "
            "(agentbrowser COMMAND --help for each). With no command, opens the browser on "
            "PATHS, or on the project, user and plugin agents (the bundled samples when there "
            "are none)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"agentbrowser {__version__}")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to browse")
    parser.add_argument(
        "--no-cache", action="store_true", help="do not read or write the index cache"
    )
    return parser


def _command_parser(command: str) -> argparse.ArgumentParser:
    parser = _CommandParser(prog=f"agentbrowser {command}")
    if command == "list":
        parser.description = "List agents as a table, or as JSON."
        parser.add_argument("--json", action="store_true", help="print a JSON list")
    elif command == "show":
        parser.description = (
            "Show one agent rendered for the terminal, as JSON, or as the raw file."
        )
        parser.add_argument("name")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--json", action="store_true", help="print JSON, with prompt and frontmatter"
        )
        group.add_argument("--raw", action="store_true", help="print the file as it is")
    elif command == "diff":
        parser.usage = (
            "agentbrowser diff [-h] [--json] [--unified] [--no-cache] A B [C D E F] [PATH ...]"
        )
        parser.description = (
            "Compare two agents: fields, tools, description and prompt. With three to six names, "
            "compare them all at once: fields, tools, and the paragraphs each has that no other "
            "has. A and B may be files; after them, the first word that is a file or folder, or "
            "reads as one (it holds a / or ends in .md), starts the PATHs."
        )
        parser.add_argument("a", metavar="A", help="an agent's name, or its file")
        parser.add_argument(
            "b", metavar="B", help="another agent; C to F after it: up to four more"
        )
        parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
        parser.add_argument(
            "--unified", action="store_true", help="a unified diff, not side by side"
        )
    elif command == "similar":
        parser.description = "List the agents most similar to one agent, best first."
        parser.add_argument("name")
        parser.add_argument("--json", action="store_true", help="print a JSON list")
        parser.add_argument(
            "--limit",
            type=_at_least(1),
            default=10,
            metavar="N",
            help="how many agents to list (default: 10)",
        )
        parser.add_argument(
            "--by",
            choices=("text", "role"),
            default="text",
            help="text: shared wording, finds edited copies (default); "
            "role: what the agents are for, finds rewrites of one job by different authors",
        )
    elif command == "groups":
        parser.description = (
            "Group the agents that do the same job (role similarity: name, description, "
            "headings, prompt vocabulary, tools). Agents in no group are not listed."
        )
        parser.add_argument("--json", action="store_true", help="print a JSON list of groups")
        parser.add_argument(
            "--min-size",
            type=_at_least(1),
            default=2,
            metavar="N",
            help="list groups of N agents or more (default: 2, every group)",
        )
    elif command == "lint":
        parser.description = (
            "Report every problem; exit 1 when any is an error. --format json, sarif (SARIF 2.1.0, "
            "for code scanning) or github (workflow annotations) for CI."
        )
        parser.add_argument(
            "--format", choices=("text", "json", "sarif", "github"), default="text",
            help="text: one line per problem (default); json; sarif; github: ::error file=...",
        )  # fmt: skip
    elif command == "fix":
        parser.description = (
            "Rewrite frontmatter that strict YAML readers (or the owning tool) cannot read, the "
            "least it takes: quote a value, or make a value that runs on over lines a block. "
            "Every reader then reads the values agentbrowser shows; the prompt is not touched."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--diff", action="store_true", help="print the changes as a unified diff; write nothing"
        )
        mode.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit 1 when a file would change or cannot be read or fixed",
        )
    elif command == "copy":
        parser.description = "Copy part of an agent to the clipboard."
        parser.add_argument("name")
        parser.add_argument(
            "--part", choices=PARTS, default="prompt", help="what to copy (default: the prompt)"
        )
        parser.add_argument(
            "--strip-hidden",
            action="store_true",
            help="leave out invisible characters that hide text (tags, zero-width, bidi controls)",
        )
    elif command == "install":
        from agentbrowser.model.convert import FORMAT_ALIASES, TARGET_FORMATS

        parser.description = (
            "Write an agent where a tool reads it (converted with --as), and print where it "
            "wrote (--dry-run prints the file instead). A different file under the same name "
            "is never replaced without --force."
        )
        parser.add_argument("name", help="the agent's name (or a file's path)")
        parser.add_argument("--to", required=True, choices=("project", "user"), help=(
            "project: the repository above the current folder (the current folder when there is "
            "none); user: your home folder"
        ))  # fmt: skip
        parser.add_argument(
            "--as",
            dest="as_format",
            choices=TARGET_FORMATS,
            metavar="FORMAT",
            type=lambda v: FORMAT_ALIASES.get(v, v),
            help=f"the format to write (default: the agent's own): {', '.join(TARGET_FORMATS)}"
            f" (or {', '.join(FORMAT_ALIASES)} for its agent format)",
        )
        parser.add_argument(
            "--name", dest="new_name", metavar="NEW", help="install under another name"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the path and content; write nothing"
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a different file of the same name"
        )
        parser.add_argument(
            "--yes", action="store_true",
            help="install even though the agent hides text or grants dangerous powers (listed first)",
        )  # fmt: skip
    elif command == "convert":
        from agentbrowser.model.convert import FORMAT_ALIASES, TARGET_FORMATS

        parser.description = (
            "Print an agent converted to another tool's format; what cannot be carried over is "
            "listed on stderr."
        )
        parser.add_argument("name", help="the agent's name (or a file's path)")
        parser.add_argument(
            "--to",
            dest="to_format",
            required=True,
            choices=TARGET_FORMATS,
            metavar="FORMAT",
            type=lambda v: FORMAT_ALIASES.get(v, v),
            help=f"{', '.join(TARGET_FORMATS)} (or {', '.join(FORMAT_ALIASES)} for its agent format)",
        )
        parser.add_argument("--name", dest="new_name", metavar="NEW", help="the name to give it")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE instead of printing (- prints)"
        )
        parser.add_argument(
            "--force", action="store_true", help="with -o: replace a different file"
        )
        parser.add_argument(
            "--yes", action="store_true",
            help="with -o: write it even though it hides text or grants dangerous powers (listed first)",
        )  # fmt: skip
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: discovered scopes)"
    )
    kept = " nor the kept groups" if command == "groups" else ""
    parser.add_argument(  # every command: fix reads every file anew anyway
        "--no-cache", action="store_true", help=f"neither read nor write the index cache{kept}"
    )
    return parser


def _at_least(lowest: int) -> Callable[[str], int]:
    """An option's type: a whole number of at least ``lowest`` (argparse says what is wrong)."""

    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"{value} is less than {lowest}")
        return value

    return number


class _CommandParser(argparse.ArgumentParser):
    """A command's parser whose "required" message names only what is required: parsing
    options between positionals (``parse_intermixed_args``) lists the optional PATHs too."""

    def error(self, message: str) -> NoReturn:
        prefix = "the following arguments are required: "
        if message.startswith(prefix):
            names = [n for n in message[len(prefix) :].split(", ") if n != "PATH"]
            message = prefix + ", ".join(n.upper() if len(n) == 1 else n for n in names)
        super().error(message)


def _check_paths(paths: Sequence[str]) -> None:
    for path in paths:
        if not os.path.lexists(path):
            hint = ""
            if len(paths) == 1 and os.sep not in path and "." not in path:
                import difflib

                near = difflib.get_close_matches(path, sorted(COMMANDS), n=1, cutoff=0.6)
                hint = f" (did you mean the command `agentbrowser {near[0]}`?)" if near else ""
            raise CliError(f"no such file or folder: {sanitize(path)}{hint}")


def _load(paths: Sequence[str], use_cache: bool = True) -> list[Agent]:
    _check_paths(paths)
    return collection.load_collection(paths or None, use_cache=use_cache)


def _load_own(paths: Sequence[str], use_cache: bool = True) -> list[Agent]:
    """The agents `lint` and `fix` act on: the PATHS, or the project, user and plugin agents.
    The bundled samples stand in for an empty collection in the browser and in `list`, never
    in a check or a repair (a check in a folder without agents must not pass on them)."""
    agents = _load(paths, use_cache)
    if not paths:
        agents = [agent for agent in agents if agent.scope != "bundled"]
        if not agents:
            print(
                "agentbrowser: no agent files found in the project, user and plugin folders "
                "(give PATHS to check others)",
                file=sys.stderr,
            )
    return agents


def _plain_path(path: str) -> str:
    """A path for machine-read output: relative to the current folder when under it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return relative if not relative.startswith("..") else path


def _severity_counts(problems: Iterable[Problem]) -> str:
    """`1 error, 2 warnings, 1 info` ("" for none): how `list` and `lint` sum problems up."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.severity] = counts.get(problem.severity, 0) + 1
    return ", ".join(
        f"{counts[severity]} {severity}{'s' * (severity != INFO and counts[severity] != 1)}"
        for severity in (ERROR, WARNING, INFO)
        if counts.get(severity)
    )


def _problem_summary(agent: Agent) -> str:
    return _severity_counts(agent.problems)


def _table_rows(agents: list[Agent]) -> list[list[str]]:
    from agentbrowser.cli.table import WHOLE
    from agentbrowser.model.formats import shown_tools

    rows = [["NAME", "FORMAT", "SCOPE", "MODEL", "TOOLS", "PROBLEMS"]]
    # The SCOPE column tells a project's agent from the user's of one name: only names alike
    # in one scope get the end of their path.
    names = distinct_names([(a.name, a.path) for a in agents], [a.scope for a in agents])
    for agent, name in zip(agents, names):
        if agent.tools is not None:
            tools = str(len(agent.tools))
        else:  # (refused tools are file text: cut and made safe as every cell)
            tools = one_line(shown_tools(agent), WHOLE, ellipsis=True)
        scope = agent.scope + (" (shadowed)" if agent.shadowed_by else "")
        rows.append(
            [
                one_line(name, WHOLE, ellipsis=True),  # (cut to fit a terminal)
                agent.format,
                scope,
                one_line(shown_model(agent), WHOLE, ellipsis=True),
                tools,
                _problem_summary(agent),
            ]
        )
    return rows


def print_table(agents: list[Agent], out: TextIO, width: int | None = None) -> None:
    """A plain, aligned table: as wide as the terminal (names, models and problems give way),
    whole lines in a pipe, easy to grep. `width` stands for the terminal's (tests)."""
    from agentbrowser.cli.table import aligned, terminal_width

    # SCOPE stays (it tells one name's copies apart), cut where it must be (`user (shado…`).
    lines = aligned(_table_rows(agents), width or terminal_width(out), shrink=(2, 3, 4, 5))
    out.writelines(line + "\n" for line in lines)


def _pick(agents: list[Agent], name: str) -> Agent:
    matches = collection.find(agents, name)
    if not matches:
        raise CliError(not_found(agents, name))
    if len(matches) > 1:
        print(f"agentbrowser: note: {several(name, matches)}", file=sys.stderr)
    return matches[0]


def _json_dump(data: Any, out: TextIO) -> None:
    from agentbrowser.model.serialize import dumps

    out.write(dumps(data))
    out.write("\n")


def _with_skill_files(agents: list[Agent]) -> list[Agent]:
    """Each skill with what its other files hide or run among its problems (lint reports the
    files themselves instead)."""
    if not any(agent.resources for agent in agents):
        return agents
    from agentbrowser.model.security import with_skill_files

    return [with_skill_files(agent) if agent.resources else agent for agent in agents]


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    """`list`: the table, or JSON."""
    agents = _with_skill_files(_load(args.paths, not getattr(args, "no_cache", False)))
    if args.json:
        from agentbrowser.model.serialize import agent_to_json

        _json_dump([agent_to_json(a) for a in agents], out)
    elif agents:
        print_table(agents, out)
    else:
        print("agentbrowser: no agent files found", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    """`show`: one agent for the terminal, as JSON, or the raw file."""
    (agent,) = _with_skill_files([_pick_or_file(args)])
    if args.json:
        from agentbrowser.model.serialize import agent_to_json

        _json_dump(agent_to_json(agent, full=True), out)
        return 0
    if args.raw:
        from agentbrowser.model.text import read_text

        read = read_text(agent.path)
        if read.text is None:
            raise CliError(f"cannot read {display_path(agent.path)}: {read.problems[0].message}")
        for problem in read.problems:  # a 20 MB file is read to 5 MB: never cut it silently
            print(f"agentbrowser: {problem.severity}: {sanitize(problem.message)}", file=sys.stderr)
        text = read.text if not out.isatty() else sanitize(read.text)
        out.write(text)
        return 0
    from agentbrowser.render.agent import render_agent

    render_agent(agent, out)
    return 0


#: The severity word of a `lint` line on a terminal (NO_COLOR turns it off): bold red, yellow,
#: cyan.
_SEVERITY_COLOURS = {ERROR: "\x1b[1;31m", WARNING: "\x1b[33m", INFO: "\x1b[36m"}


def cmd_lint(args: argparse.Namespace, out: TextIO) -> int:
    """`lint`: every problem, as text, JSON, SARIF or GitHub annotations; 1 when any is an error."""
    agents = _load_own(args.paths, not args.no_cache)
    # The files that travel with a skill (its scripts, references): what they hide or run.
    from agentbrowser.model.security import skill_file_records

    agents = [*agents, *(r for a in agents if a.resources for r in skill_file_records(a))]
    errors = sum(p.severity == ERROR for a in agents for p in a.problems)
    if args.format != "text":
        from agentbrowser.model import lint

        if args.format == "json":
            _json_dump(lint.to_json(agents, _plain_path), out)
        elif args.format == "sarif":
            _json_dump(lint.to_sarif(agents, os.getcwd(), __version__), out)
        else:
            out.writelines(
                line + "\n"
                for line in lint.github_lines(agents, lambda p: sanitize(_plain_path(p)), sanitize)
            )
        return 1 if errors else 0
    colours = _SEVERITY_COLOURS if out.isatty() and not os.environ.get("NO_COLOR") else {}
    for agent in agents:
        for problem in agent.problems:
            where = display_path(agent.path)
            if problem.line is not None:
                where += f":{problem.line}"
            severity = problem.severity
            if severity in colours:
                severity = f"{colours[severity]}{severity}\x1b[0m"
            out.write(f"{where}: {severity}: {inline(problem.message)}\n")
    if agents:
        found = _severity_counts(p for a in agents for p in a.problems)
        files = plural(len(agents), "file")
        summary = f"{found} in {files}" if found else f"{files}, no problems"
        print(f"agentbrowser: {summary}", file=sys.stderr)
    return 1 if errors else 0


def cmd_fix(args: argparse.Namespace, out: TextIO) -> int:
    """`fix`: repair frontmatter in place (or show the diff, or check)."""
    from agentbrowser.writing import fixfiles

    agents = _load_own(args.paths, use_cache=False)
    seen: set[str] = set()
    changed = owner = failed = unread = plugins = blocked = 0
    for agent in agents:
        if agent.path in seen:
            continue
        seen.add(agent.path)
        where = display_path(agent.path)
        if agent.scope == "plugin":
            # Claude Code keeps plugins (a checkout or a cache it replaces on update): a repair
            # there is lost or fights the update. Named as a path, the file is fixed.
            out.write(
                f"{where}: skipped: a plugin's file, which Claude Code replaces when the plugin "
                "updates (name the file to fix it anyway)\n"
            )
            plugins += 1
            continue
        item = fixfiles.plan(agent.path, agent.scope, agent.format)
        if item.problem is not None:
            # Unreadable, not UTF-8, a link: lint reports what is wrong with it; fix skips it.
            unread += 1
            out.write(f"{where}: skipped: {inline(item.problem)}\n")
            continue
        if item.refused is not None:
            failed += 1
            out.write(f"{where}: not fixed: {inline(item.refused)}\n")
            continue
        if not item.changes:
            continue
        needed = bool(item.repair and item.repair.owner_needed)
        if item.blocked is not None and not (args.diff or args.check):
            failed += 1
            out.write(f"{where}: not fixed: {inline(item.blocked)}\n")
            continue
        if args.diff or args.check:  # counted as it would be fixed, said if it cannot be
            changed += 1
            owner += needed
            blocked += item.blocked is not None
        if args.diff:
            relative = os.path.relpath(agent.path)
            label = agent.path if relative.startswith("..") else relative
            diff = fixfiles.unified_diff(item, label)
            out.write(diff if not out.isatty() else sanitize(diff))
            if item.blocked is not None:  # (on stderr: the diff stays a patch)
                print(
                    f"agentbrowser: note: {where} cannot be written as it is: "
                    f"{inline(item.blocked)}",
                    file=sys.stderr,
                )
            continue
        if args.check:
            after = f"; {inline(item.blocked)}" if item.blocked is not None else ""
            out.write(f"{where}: {inline(item.describe(done=False))}{after}\n")
            continue
        try:
            fixfiles.apply(item)
        except fixfiles.StaleFileError as exc:
            failed += 1
            out.write(f"{where}: not fixed: {exc}\n")
            continue
        except OSError as exc:
            failed += 1
            out.write(f"{where}: not fixed: cannot write: {inline(exc.strerror or str(exc))}\n")
            continue
        changed += 1
        owner += needed
        out.write(f"{where}: fixed: {inline(item.describe())}\n")
    verb = "fixed" if not (args.diff or args.check) else "would fix"
    skipped = f"; {unread + plugins} skipped" if unread + plugins else ""
    if changed or failed:
        held = (
            f"; {blocked} of them cannot be written as {'it is' if blocked == 1 else 'they are'}"
            " (see above)"
            if blocked
            else ""
        )
        print(
            f"agentbrowser: {verb} {changed} file{'s' * (changed != 1)} "
            f"({owner} that the owning tool could not read){held}; {failed} not fixed{skipped}",
            file=sys.stderr,
        )
    else:
        read = len(seen) - unread - plugins
        print(f"agentbrowser: nothing to fix in {plural(read, 'file')}{skipped}", file=sys.stderr)
    if args.check:
        return 1 if changed or failed or unread else 0
    return 1 if failed and not args.diff else 0


#: The key of `show --json` that holds each part `copy` copies.
_JSON_KEYS = {"prompt": "prompt", "description": "description", "name": "name", "path": "path"}


def cmd_copy(args: argparse.Namespace, out: TextIO) -> int:
    """`copy`: to the terminal's clipboard (OSC 52) and the system clipboard."""
    from agentbrowser.clipboard import copy_text, osc52_sequence
    from agentbrowser.model.text import describe_hidden, strip_hidden

    agent = _pick_or_file(args)
    from agentbrowser.cli.compare import not_read

    unread = not_read(agent)
    if unread is not None and args.part not in ("name", "path"):
        raise CliError(f"nothing to copy: {display_path(agent.path)} was not read ({unread})")
    try:
        text = part_text(agent, args.part)
    except PartUnreadable as exc:
        raise CliError(f"cannot read {display_path(exc.path)}: {exc.reason}") from exc
    # What the agent hides or grants, said before any of it is copied (as install does).
    from agentbrowser.model.security import dangers

    for problem in dangers(agent):
        where = f"line {problem.line}: " if problem.line else ""
        print(f"agentbrowser: found: {where}{inline(problem.message)}", file=sys.stderr)
    hidden = describe_hidden(text)
    if hidden and args.strip_hidden:
        text = strip_hidden(text)
        print(f"agentbrowser: left out {inline(hidden)}", file=sys.stderr)
    elif hidden:
        print(
            f"agentbrowser: warning: the {args.part} holds {inline(hidden)}, copied as they are"
            " (--strip-hidden leaves them out)",
            file=sys.stderr,
        )
    terminal = None
    if out.isatty():

        def terminal(value: str) -> None:
            out.write(osc52_sequence(value))
            out.flush()

    result = copy_text(text, terminal)
    message = result.describe(
        f"the {args.part} of {sanitize(agent.name)} ({len(text):,} characters)"
    )
    if not result.ok:
        import shlex

        words = ["agentbrowser", "show", agent.name, *args.paths]
        command = sanitize(" ".join(shlex.quote(word) for word in words))
        instead = (
            f"{command} --raw"
            if args.part == "file"
            else f'{command} --json (its "{_JSON_KEYS.get(args.part, args.part)}")'
        )
        raise CliError(message + f" (print it instead: {instead})")
    print(message, file=sys.stderr)
    return 0


def cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    """`diff`: compare two agents."""
    from agentbrowser.cli.compare import run_diff

    for word in (args.a, args.b):
        # An agent is a name or a file: a folder written as a path is one of the PATHs (a bare
        # word such as `docs` stays a name, as an agent may be called so).
        if os.path.isdir(word) and (os.sep in word or word in (".", "..")):
            raise CliError(
                f"{word!r} is a folder: diff compares two agents (names or files), then the "
                f"folders to look in: agentbrowser diff A B {shlex.quote(word)}"
            )
    names, paths = _names_then_paths([args.a, args.b], args.paths)
    _check_paths(paths)
    if len(names) > 2:
        from agentbrowser.cli.compare import run_diff_many
        from agentbrowser.model.multi import MAX_AGENTS

        if len(names) > MAX_AGENTS:
            raise CliError(f"diff compares 2 to {MAX_AGENTS} agents, not {len(names)}")
        if args.unified:
            raise CliError("--unified compares two agents")
        return run_diff_many(names, paths, args.json, out, use_cache=not args.no_cache)
    return run_diff(
        args.a, args.b, paths, args.json, args.unified, out, use_cache=not args.no_cache
    )


def _names_then_paths(names: list[str], rest: list[str]) -> tuple[list[str], list[str]]:
    """`diff A B C D ./agents`: the words after the two names are more names until the first
    that is a file or folder, or reads as one (a path separator, a `.md` ending): the PATHS."""
    names = list(names)
    for index, word in enumerate(rest):
        if os.path.lexists(word) or os.sep in word or word.endswith(".md"):
            return names, list(rest[index:])
        names.append(word)
    return names, []


def cmd_similar(args: argparse.Namespace, out: TextIO) -> int:
    """`similar`: the agents most like one agent."""
    from agentbrowser.cli.compare import run_similar

    _check_paths(args.paths)
    if args.by == "role":
        from agentbrowser.cli.compare import named_collection
        from agentbrowser.cli.groups import run_similar_by_role

        agents = named_collection(args.paths, [args.name], use_cache=not args.no_cache)
        target = _pick_or_file(args, agents)  # a file outside the collection too, as `similar`
        return run_similar_by_role(target, agents, args.json, args.limit, out)
    return run_similar(
        args.name, args.paths, args.json, args.limit, out, use_cache=not args.no_cache
    )


def cmd_groups(args: argparse.Namespace, out: TextIO) -> int:
    """`groups`: agents that do the same job, grouped."""
    from agentbrowser.cli.groups import run_groups

    _check_paths(args.paths)
    return run_groups(args.paths, args.json, args.min_size, not args.no_cache, out)


def _pick_or_file(args: argparse.Namespace, agents: list[Agent] | None = None) -> Agent:
    """The agent named NAME in the collection (the bundled samples too: `named_collection`;
    `agents` when it is loaded already), or the file NAME names."""
    from agentbrowser.cli.compare import is_a_file, named_collection

    _check_paths(args.paths)
    if agents is None:
        agents = named_collection(args.paths, [args.name], use_cache=not args.no_cache)
    # Any file that is there, a FIFO or a broken link too: its record says what it is.
    if not collection.find(agents, args.name) and is_a_file(args.name):
        from agentbrowser.model.parse import parse_file

        return parse_file(os.path.abspath(args.name))
    return _pick(agents, args.name)


def _reason(exc: Exception, path: str) -> str:
    """Why writing `path` failed, in one line (an OSError in its own words: the file it names
    may be the temporary one beside the target)."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{display_path(path)}: {inline(exc.strerror)}"
    return inline(str(exc))


def _warn(messages: Sequence[str]) -> None:
    for message in messages:
        print(f"agentbrowser: warning: {inline(message)}", file=sys.stderr)


def cmd_install(args: argparse.Namespace, out: TextIO) -> int:
    """`install`: plan, show a clash, check, then write atomically."""
    from agentbrowser.writing import install

    agent = _pick_or_file(args)
    try:
        plan = install.plan_install(agent, args.to, args.as_format, args.new_name)
    except install.InstallError as exc:
        raise CliError(sanitize(str(exc))) from exc
    if plan.scope == "user":  # a project agent of its name would shadow it at once
        use_cache = not getattr(args, "no_cache", False)
        install.say_shadowed(plan, collection.load_collection(None, use_cache=use_cache))
    _warn(plan.warnings)
    # What the file hides or grants is shown before anything else is done with it.
    for finding in plan.findings:
        print(f"agentbrowser: found: {inline(finding)}", file=sys.stderr)
    if args.dry_run:
        out.writelines(
            f"would write {display_path(f.path)} ({_STATUS_WORDS[f.status]})\n" for f in plan.files
        )
        text = plan.main.content.decode("utf-8")
        out.write(text if not out.isatty() else sanitize(text))
        # As the install itself would end: a clash or a finding stops it without its flag.
        if plan.clashes and not args.force:
            return _refuse_clash(plan, "the install would leave it")
        if plan.findings and not args.yes and not plan.unchanged:
            raise CliError(  # (exit 2, as the install's own refusal)
                "the install would stop for what is listed above until --yes says it was read"
            )
        return 0
    if plan.clashes and not args.force:
        _show_clash(plan, out)
        return _refuse_clash(plan, "it is left")
    if plan.unchanged:
        holds = "is this agent's own file" if plan.main.own else "already holds this agent"
        out.write(f"unchanged: {display_path(plan.main.path)} {holds}\n")
        return 0
    # What the file hides or grants (printed above) stops the install unless the user has read
    # it and said --yes.
    if plan.findings and not args.yes:
        raise CliError(
            f"not installed: {display_path(plan.main.path)} would hide or grant what is "
            "listed above; read it (agentbrowser show), then --yes installs it"
        )
    try:
        written = install.write_plan(plan, force=args.force)
    except (install.InstallError, OSError) as exc:
        done = getattr(exc, "written", [])
        out.writelines(f"wrote {display_path(p)} ({plan.format}, {plan.scope})\n" for p in done)
        what = "not installed"
        if done:
            what = f"installed in part ({len(done)} of {len(plan.files)} files)"
        raise CliError(f"{what}: {_reason(exc, plan.main.path)}") from exc
    out.writelines(f"wrote {display_path(p)} ({plan.format}, {plan.scope})\n" for p in written)
    return 0


def _refuse_clash(plan: Any, left: str) -> int:
    """Say that a different file is where the install writes, and what becomes of it: exit 1."""
    where = ", ".join(display_path(f.path) for f in plan.clashes)
    print(
        f"agentbrowser: error: a different file is there already: {where}; {left} as it is "
        "(--force replaces it, --name installs under another name)",
        file=sys.stderr,
    )
    return 1


_STATUS_WORDS = {
    "new": "new file",
    "same": "the same content is there",
    "clash": "replaces a different file",
}


def _show_clash(plan: Any, out: TextIO) -> None:
    """The comparison `diff` prints: the file there (A) against the one to install (B)."""
    from agentbrowser.cli.compare import print_comparison
    from agentbrowser.model.parse import parse_file, parse_text

    main = plan.main
    if main.status != "clash":
        return
    there = parse_file(main.path)
    coming = parse_text(main.content.decode("utf-8"), main.path, "path")
    shown = display_path(main.path)
    where = (f"{shown} (there now)", f"{display_path(plan.agent.path)} (as install writes it)")
    print_comparison(there, coming, out, where=where)


def _check_output(path: str, source: str) -> None:
    """Refuse an output file that is the agent's own source (a conversion loses what the other
    format has no place for) or whose folder does not exist (a mistyped path makes none)."""
    try:
        own = os.path.samefile(path, source)
    except OSError:
        own = False
    if own:
        raise CliError(
            f"not written: {display_path(path)} is the agent's own file, which a conversion "
            "never replaces: choose another -o"
        )
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise CliError(f"not written: no folder {display_path(folder)} (make it first)")


def cmd_convert(args: argparse.Namespace, out: TextIO) -> int:
    """`convert`: the converted file on stdout (or -o FILE), what was dropped on stderr."""
    from agentbrowser.model.convert import convert, name_problem
    from agentbrowser.model.text import read_text

    agent = _pick_or_file(args)
    if args.new_name is not None and (problem := name_problem(args.new_name)) is not None:
        raise CliError(f"{problem}: refused ({sanitize(args.new_name)!r})")
    if args.output == "-":  # the usual name for standard output
        args.output = None
    if args.output:
        if args.output.endswith(("/", os.sep)):
            raise CliError(f"not written: -o {sanitize(args.output)} names a folder, not a file")
        _check_output(os.path.abspath(args.output), agent.path)
    from agentbrowser.writing import install

    read = read_text(agent.path)
    source = read.text if read.text is not None and not read.problems else None
    warnings: list[str] = []
    try:  # a file not read (a FIFO, gone) or read in part converts to nothing: refused
        install.say_what_the_read_lost(read.problems, warnings)
    except install.InstallError as exc:
        raise CliError(f"not converted: {sanitize(str(exc))}") from exc
    text, converted = convert(agent, args.to_format, args.new_name, source)
    warnings += converted
    _warn(warnings)

    # What the converted file hides or grants, as its owner will read it: said before the text
    # goes anywhere, and a file is written with it only after --yes (as `install` does).
    path = os.path.abspath(args.output) if args.output else agent.path
    # Read as its owner reads it: printed, as the format it is in (a path whose folders name
    # no format); written, as the file it becomes.
    where = path if args.output else os.path.join(os.sep, "converted.md")
    found = install.findings_of(text, where, args.to_format)
    for finding in found:
        print(f"agentbrowser: found: {inline(finding)}", file=sys.stderr)
    if not args.output:
        out.write(text if not out.isatty() else sanitize(text))
        return 0
    try:
        planned = install.plan_file(path, text.encode("utf-8"))
        if planned.status == install.CLASH and not args.force:
            # As install: a different file there is left as it is, exit 1.
            print(
                f"agentbrowser: error: a different file is there already: {display_path(path)}; "
                "it is left as it is (--force replaces it)",
                file=sys.stderr,
            )
            return 1
        if found and not args.yes and planned.status != install.SAME:
            raise CliError(
                f"not written: {display_path(path)} would hide or grant what is listed above; "
                "read it, then --yes writes it"
            )
        written = install.write_planned(planned)
    except (install.InstallError, OSError) as exc:
        raise CliError(f"not written: {_reason(exc, path)}") from exc
    what = "wrote" if written else "unchanged:"
    print(f"agentbrowser: {what} {display_path(path)}", file=sys.stderr)
    return 0


def cmd_browse(args: argparse.Namespace, out: TextIO) -> int:
    """No command: the browser in a terminal, the listing otherwise."""
    _check_paths(args.paths)
    if not (out.isatty() and sys.stdin.isatty()):
        args.json = False
        return cmd_list(args, out)
    # Discover and parse in a child process, on the other core, while textual is imported and
    # the first frame drawn: the browser's own sources() and load() take its results.
    collection.preload(args.paths, use_cache=not args.no_cache)
    trace.mark("preload started")
    # No cyclic GC until the first frame is on screen (the browse screen turns it back on).
    memory.pause_for_start()
    # Threads render prompts and build indexes while the event loop answers keys: hand the GIL
    # over every 1 ms rather than 5, so that each of the several handovers between a key and
    # its frame (input thread, event loop, writer thread) waits at most that long.
    sys.setswitchinterval(0.001)
    build_app(args.paths, use_cache=not args.no_cache).run()
    return 0


_HANDLERS = {
    "list": cmd_list,
    "show": cmd_show,
    "diff": cmd_diff,
    "similar": cmd_similar,
    "groups": cmd_groups,
    "lint": cmd_lint,
    "fix": cmd_fix,
    "copy": cmd_copy,
    "install": cmd_install,
    "convert": cmd_convert,
}


#: Commands that may write a user's file.
_WRITING = frozenset({"fix", "install", "convert"})


class _Stopped(BaseException):
    """A signal stopped a writing command: what it was writing is cleaned up on the way out."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _stop_cleanly_on_signals() -> Callable[[], None]:
    """SIGTERM or SIGHUP (a closed terminal) while a file is written: by default the process
    just ends, leaving the temporary file beside the target; raised as an exception instead,
    the writer removes it (the target was never touched) and the command exits 128 + signal.
    Returns what puts the handlers back as they were."""
    import signal

    def stop(number: int, frame: object) -> None:
        raise _Stopped(number)

    before: list[tuple[int, Any]] = []
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            try:
                signal.signal(number, stop)
            except ValueError:  # not the main thread (a test's worker): as it was
                break
            before.append((number, signal.SIG_DFL))

    def restore() -> None:
        for number, handler in before:
            signal.signal(number, handler)

    return restore


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the `agentbrowser` command; returns the exit status."""
    trace.mark("cli imported")
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    if hasattr(out, "reconfigure"):
        try:
            out.reconfigure(errors="replace")
        except (ValueError, OSError):  # pragma: no cover - detached streams
            pass
    try:
        if argv and argv[0] in COMMANDS:
            # Intermixed: options may follow the positionals (`show NAME --json DIR`); plain
            # parse_args gives every positional to the first group and rejects DIR.
            args = _command_parser(argv[0]).parse_intermixed_args(argv[1:])
            if argv[0] not in _WRITING:
                return _HANDLERS[argv[0]](args, out)
            restore = _stop_cleanly_on_signals()
            try:
                return _HANDLERS[argv[0]](args, out)
            finally:
                restore()
        return cmd_browse(_parser().parse_args(argv), out)
    except CliError as exc:
        print(f"agentbrowser: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except _Stopped as stopped:
        return 128 + stopped.number
    except BrokenPipeError:
        # Downstream closed (`| head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("AGENTBROWSER_DEBUG"):
            raise
        print(f"agentbrowser: error: {type(exc).__name__}: {sanitize(str(exc))}", file=sys.stderr)
        return 1


def run() -> None:
    """The `agentbrowser` console script (and `python -m agentbrowser`): main(), then exit.

    A command (list, show, ...) that has written everything leaves without freeing its heap
    object by object: 10,000 records are ~1M objects, ~17-50 ms of `list --json` at exit.
    Its output is flushed first; the browser exits the normal way.
    """
    status = main()
    if len(sys.argv) > 1 and sys.argv[1] in COMMANDS:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be written anyway
            pass
        os._exit(status)
    raise SystemExit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
