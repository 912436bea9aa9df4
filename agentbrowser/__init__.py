"""agentbrowser: browse, search, compare and reuse AI agent definitions in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__version__ = "0.1.0"


def lazy_names(package: str, where: dict[str, str]) -> Callable[[str], object]:
    """A package's `__getattr__` (PEP 562): each name in `where` is taken from the module it
    names, imported on first use, so that importing the package itself costs nothing."""
    import importlib

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
