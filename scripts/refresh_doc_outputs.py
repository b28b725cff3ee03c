"""Rewrite the output blocks of the docs from real runs.

A ```text block directly after a ```python block shows what that block
prints; ``tests/test_docs.py`` fails when they differ. After changing
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

ROOT = Path(__file__).resolve().parent.parent


def _page_module(page: Path) -> types.ModuleType:
    """A fresh module for a page's code, importable by name so its classes pickle."""
    name = "docs_" + "".join(ch if ch.isalnum() else "_" for ch in page.stem)
    module = types.ModuleType(name)
    sys.modules[name] = module
    return module


FENCE = re.compile(r"^```(\w+)\n(.*?)^```\n?", re.MULTILINE | re.DOTALL)


def refresh(page: Path) -> bool:
    """Re-run a page's python blocks and rewrite the output blocks that follow them."""
    text = page.read_text(encoding="utf-8")
    fences = list(FENCE.finditer(text))
    namespace = _page_module(page).__dict__
    replacements: list[tuple[int, int, str]] = []
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(fence.group(2), str(page), "exec"), namespace)  # noqa: S102 - our own docs
        after = fences[i + 1] if i + 1 < len(fences) else None
        if after and after.group(1) == "text" and not text[fence.end() : after.start()].strip():
            replacements.append((after.start(2), after.end(2), printed.getvalue().rstrip() + "\n"))
    new = text
    for start, end, output in reversed(replacements):
        new = new[:start] + output + new[end:]
    if new != text:
        page.write_text(new, encoding="utf-8")
    return new != text


def main() -> None:
    """Refresh the given pages, or all of them."""
    pages = [Path(p).resolve() for p in sys.argv[1:]] or [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    with tempfile.TemporaryDirectory() as workdir:
        os.chdir(workdir)
        for page in pages:
            if refresh(page):
                print(f"updated {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
