"""The model is headless: importing any model module pulls in neither textual nor rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import agentbrowser.model as model_package

MODULES = sorted(f"agentbrowser.model.{m.name}" for m in pkgutil.iter_modules(model_package.__path__))


def test_model_modules_import_neither_textual_nor_rich() -> None:
    assert "agentbrowser.model.parse" in MODULES  # the list is real, not empty
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
