"""The layout holds: import contracts kept, no import cycles, a pure model, a light loading layer."""

from __future__ import annotations

import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import agentbrowser.loading as loading_package
import agentbrowser.model as model_package

from ..paths import REPO


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    """lint-imports runs the contracts of [tool.importlinter] (model pure, loading under the
    UI, the layers), imports inside functions included."""
    command = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(command), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"Contracts: (\d+) kept, 0 broken", done.stdout), done.stdout[-2000:]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_module_takes_part_in_an_import_cycle() -> None:
    """Imports inside functions count; only those under TYPE_CHECKING do not."""
    graph = grimp.build_graph("agentbrowser", exclude_type_checking_imports=True, cache_dir=None)
    assert "agentbrowser.screens.browse" in graph.modules  # the graph is the real one
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


#: What the domain model must not do: fork, steer the garbage collector, keep memo caches.
IMPURE = re.compile(
    r"\bos\.fork\b|\bimport gc\b|\bgc\.\w+\(|\bmultiprocessing\b"
    r"|\blru_cache\b|\bfunctools\.cache\b|@cache\b|\bcached_property\b"
)


def test_the_model_neither_forks_nor_controls_the_garbage_collector_nor_caches() -> None:
    folder = Path(model_package.__file__).parent
    found = []
    for path in sorted(folder.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if IMPURE.search(code):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize(
    "line",
    ["pid = os.fork()", "import gc", "gc.freeze()", "@functools.lru_cache(maxsize=4)",
     "@lru_cache", "@functools.cache", "@cache"],
)  # fmt: skip
def test_the_purity_check_finds_each_kind(line: str) -> None:
    assert IMPURE.search(line)


def test_importing_the_loading_layer_imports_neither_yaml_nor_the_ui() -> None:
    """The browser forks its loader before it imports textual or the YAML parser."""
    modules = sorted(f"agentbrowser.loading.{m.name}" for m in pkgutil.iter_modules(loading_package.__path__))
    assert "agentbrowser.loading.collection" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_only_the_memory_module_steers_the_garbage_collector() -> None:
    package = Path(model_package.__file__).parents[1]
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "memory.py" and path.parent == package or "bench" in path.parts:
            continue  # the one place; the benchmark measures with the collector as it likes
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\bimport gc\b|\bgc\.\w+\(", code):
                found.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("package", ["agentbrowser.model", "agentbrowser.loading", "agentbrowser.cli"])
def test_a_package_exports_exactly_the_names_it_loads_when_asked(package: str) -> None:
    import importlib

    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(module._WHERE)
    for name in module.__all__:
        assert getattr(module, name) is not None
