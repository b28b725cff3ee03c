"""Code in the README and the docs runs, so examples cannot rot.

Each page's ```python blocks run in order in one namespace, in a temporary
working directory. Blocks fenced as ```pycon, ```bash or ```text are not run.
A ```text block that directly follows a ```python block is that block's
output: what the block prints must match it exactly.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _page_module(page: Path) -> types.ModuleType:
    """A fresh module for a page's code, importable by name so its classes pickle."""
    name = "docs_" + "".join(ch if ch.isalnum() else "_" for ch in page.stem)
    module = types.ModuleType(name)
    sys.modules[name] = module
    return module


PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```(\w+)\n(.*?)^```\n?", re.MULTILINE | re.DOTALL)


def blocks(text: str) -> list[tuple[str, str, str | None]]:
    """(language, code, expected output or None) for each python block of a page."""
    fences = list(FENCE.finditer(text))
    found = []
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        expected = None
        if i + 1 < len(fences):
            after = fences[i + 1]
            if after.group(1) == "text" and not text[fence.end() : after.start()].strip():
                expected = after.group(2)
        found.append((fence.group(1), fence.group(2), expected))
    return found


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block of the page runs, and prints what the page says it prints."""
    monkeypatch.chdir(tmp_path)
    namespace = _page_module(page).__dict__
    for number, (_, block, expected) in enumerate(blocks(page.read_text(encoding="utf-8")), start=1):
        code = compile(block, f"{page.name}, block {number}", "exec")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)
        if expected is not None:
            assert printed.getvalue().rstrip() == expected.rstrip(), f"{page.name}, block {number}: output differs"


def test_readme_quick_start_is_what_ci_runs() -> None:
    """The README's test command is the very command .ci/run executes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^```bash\n(.*?)\n```", quick_start, re.MULTILINE | re.DOTALL)
    assert len(commands) == 2, "the Quick start has exactly two commands"
    assert "leadkit demo" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
