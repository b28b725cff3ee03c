"""A small expression language between a scoring model and the engines that run it.

`leadkit.frames._plan` turns a model into these nodes once; `_narwhals` turns
them into dataframe expressions and `_sql` into SQL. Keeping the semantics
here, in one place, is what makes every engine agree.

Every boolean node a condition produces is never null: each field test is
guarded by a presence check, so negations and ``in``/``not in`` behave the
same on engines that disagree about nulls (pandas and Dask let a negated
``is_in`` fire on a missing value; others do not).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

__all__ = ["Col", "Fn", "Lit", "Node", "columns_of"]


@attrs.frozen
class Col:
    """A column of the current table, by its internal name."""

    name: str


@attrs.frozen
class Lit:
    """A constant: None, a boolean, a number or text."""

    value: Any


@attrs.frozen
class Fn:
    """An operation on other nodes, with an optional constant argument (values, a pattern)."""

    op: str
    args: tuple[Node, ...]
    arg: Any = None


Node = Col | Lit | Fn

TRUE = Lit(True)
FALSE = Lit(False)


def columns_of(*nodes: Node) -> set[str]:
    """The names of the columns ``nodes`` read."""
    names: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, Col):
            names.add(node.name)
        elif isinstance(node, Fn):
            stack.extend(node.args)
    return names


def fn(op: str, *args: Node, arg: Any = None) -> Fn:
    """An operation node."""
    return Fn(op, tuple(args), arg)


def and_(*items: Node) -> Node:
    """All of ``items`` (constants folded)."""
    kept = [i for i in items if i != TRUE]
    if any(i == FALSE for i in kept):
        return FALSE
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else Fn("and", tuple(kept))


def or_(*items: Node) -> Node:
    """Any of ``items`` (constants folded)."""
    kept = [i for i in items if i != FALSE]
    if any(i == TRUE for i in kept):
        return TRUE
    if not kept:
        return FALSE
    return kept[0] if len(kept) == 1 else Fn("or", tuple(kept))


def not_(item: Node) -> Node:
    """Not ``item``."""
    if isinstance(item, Lit) and isinstance(item.value, bool):
        return Lit(not item.value)
    return fn("not", item)


def add(items: Sequence[Node]) -> Node:
    """The sum of ``items``, left to right (0.0 when empty)."""
    if not items:
        return Lit(0.0)
    return items[0] if len(items) == 1 else Fn("add", tuple(items))


def when(cases: Sequence[tuple[Node, Node]], otherwise: Node) -> Node:
    """The value of the first case whose condition holds, else ``otherwise``."""
    result = otherwise
    for condition, value in reversed(cases):
        if condition == FALSE:
            continue
        result = value if condition == TRUE else fn("when", condition, value, result)
    return result


def compare(op: str, left: Node, right: Node) -> Fn:
    """``left <op> right`` for op among eq, ne, lt, le, gt, ge."""
    return fn(op, left, right)
