"""Figures that tests print and keep: the fuzz tests' request counts, the load test's latencies."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def show(config: pytest.Config, text: str) -> None:
    """Print ``text`` on the terminal even while pytest captures output (as ``-s`` would)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("\n" + text)


def keep(name: str, data: dict) -> Path | None:
    """Write ``data`` as ``$DXKG_REPORT_DIR/<name>.json`` when that is set (``.ci/run``
    sets it); the path written, or None."""
    folder = os.environ.get("DXKG_REPORT_DIR")
    if not folder:
        return None
    path = Path(folder) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path
