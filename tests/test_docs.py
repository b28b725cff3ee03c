"""Code in the README and the docs runs, so examples cannot rot.

Each page's ```python blocks run in order in one namespace, in a temporary
working directory. Blocks fenced as ```pycon, ```bash or ```text are not run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block of the page runs without error."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(FENCE.findall(page.read_text(encoding="utf-8")), start=1):
        code = compile(block, f"{page.name}, block {number}", "exec")
        exec(code, namespace)


def test_readme_quick_start_is_what_ci_runs() -> None:
    """The README's test command is the very command .ci/run executes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^```bash\n(.*?)\n```", quick_start, re.MULTILINE | re.DOTALL)
    assert len(commands) == 2, "the Quick start has exactly two commands"
    assert "leadkit demo" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
