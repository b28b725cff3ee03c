"""Run the code of the docs, and rewrite their output blocks from real runs.

A ```python block runs; a ```text block directly after it is its output.
``tests/test_docs.py`` uses `run_page` to check every page; after changing
behaviour on purpose, run ``python scripts/refresh_doc_outputs.py [PAGE ...]``
(default: README.md and every page under docs/) and review the diff.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import types
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```(\w+)\n(.*?)^```\n?", re.MULTILINE | re.DOTALL)


@attrs.frozen
class BlockRun:
    """One python block of a page, run: what it printed and what the page shows."""

    number: int
    printed: str
    expected: str | None  # the text block right after it, if any
    span: tuple[int, int] | None  # where that text block's body sits in the page


def _page_module(page: Path) -> types.ModuleType:
    """A fresh module for a page's code, importable by name so its classes pickle."""
    name = "docs_" + "".join(ch if ch.isalnum() else "_" for ch in page.stem)
    module = types.ModuleType(name)
    sys.modules[name] = module
    return module


def run_page(page: Path) -> list[BlockRun]:
    """Run a page's python blocks in order, in one namespace, in the current directory."""
    text = page.read_text(encoding="utf-8")
    fences = list(FENCE.finditer(text))
    namespace = _page_module(page).__dict__
    runs = []
    for i, fence in enumerate(f for f in fences if f.group(1) == "python"):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(fence.group(2), f"{page.name}, block {i + 1}", "exec"), namespace)  # noqa: S102 - our docs
        after = next((f for f in fences if f.start() >= fence.end()), None)
        follows = after is not None and after.group(1) == "text" and not text[fence.end() : after.start()].strip()
        runs.append(
            BlockRun(
                i + 1,
                printed.getvalue(),
                after.group(2) if follows and after else None,
                after.span(2) if follows and after else None,
            )
        )
    return runs


def refresh(page: Path) -> bool:
    """Rewrite the output blocks of ``page`` from a real run; True if anything changed."""
    text = page.read_text(encoding="utf-8")
    new = text
    for run in reversed(run_page(page)):
        if run.span is not None:
            start, end = run.span
            new = new[:start] + run.printed.rstrip() + "\n" + new[end:]
    if new != text:
        page.write_text(new, encoding="utf-8")
    return new != text


def main() -> None:
    """Refresh the given pages, or all of them."""
    pages = [Path(p).resolve() for p in sys.argv[1:]] or PAGES
    with tempfile.TemporaryDirectory() as workdir:
        os.chdir(workdir)
        for page in pages:
            if refresh(page):
                print(f"updated {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
