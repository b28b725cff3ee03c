"""Code in the README and the docs runs, so examples cannot rot.

Each page's ```python blocks run in order in one namespace, in a temporary
working directory. Blocks fenced as ```pycon, ```bash or ```text are not run.
A ```text block that directly follows a ```python block is that block's
output: what the block prints must match it exactly.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _runner() -> Any:
    """The docs runner of scripts/refresh_doc_outputs.py: one definition of a page's blocks."""
    spec = importlib.util.spec_from_file_location("refresh_doc_outputs", ROOT / "scripts" / "refresh_doc_outputs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUNNER = _runner()


@pytest.mark.parametrize("page", RUNNER.PAGES, ids=[str(p.relative_to(ROOT)) for p in RUNNER.PAGES])
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block of the page runs, and prints what the page says it prints."""
    monkeypatch.chdir(tmp_path)
    for run in RUNNER.run_page(page):
        if run.expected is not None:
            assert run.printed.rstrip() == run.expected.rstrip(), f"{page.name}, block {run.number}: output differs"


def test_readme_quick_start_is_what_ci_runs() -> None:
    """The README's test command is the very command .ci/run executes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^```bash\n(.*?)\n```", quick_start, re.MULTILINE | re.DOTALL)
    assert len(commands) == 2, "the Quick start has exactly two commands"
    assert "leadkit demo" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
