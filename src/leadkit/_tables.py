"""Tables for people and notebooks: plain text, HTML, and pandas data frames when pandas is installed."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from leadkit.errors import require

if TYPE_CHECKING:
    import pandas


def cell(value: object) -> str:
    """A table cell: floats with one decimal, everything else as ``str``."""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> str:
    """A plain-text table; numeric columns right-aligned, text left-aligned.

    Cells are shown with `cell`; format a value yourself (``f"{rate:.1%}"``)
    to show it otherwise.
    """
    cells = [[str(c) for c in headers], *[[cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric, strict=True)]
        return (indent + "  ".join(parts)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def html_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, caption: str = "") -> str:
    """An HTML table for notebooks, every cell escaped; ``caption`` is a paragraph above it."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(cell(c))}</td>" for c in row) + "</tr>" for row in rows)
    above = f"<p>{e(caption)}</p>" if caption else ""
    return f"{above}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def data_frame(records: Sequence[dict[str, Any]], columns: Sequence[str], *, feature: str) -> pandas.DataFrame:
    """A pandas ``DataFrame`` of ``records`` with these ``columns`` (needs the ``pandas`` extra)."""
    pd: Any = require("pandas", feature=feature, extra="pandas")
    return pd.DataFrame.from_records(list(records), columns=list(columns))  # type: ignore[no-any-return]
