"""Running a compiled `Plan` on any frame narwhals supports: expressions, grouped aggregations, joins.

Nothing here loops over rows: every step is a dataframe expression, a
``group_by``/``agg`` or a join, so lazy frames stay lazy and each engine runs
the plan natively.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from leadkit.frames._ir import Col, Fn, Lit, Node
from leadkit.frames._plan import EngagementPlan, Plan, decay_expr, layers, period_expr

__all__ = ["run_plan"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ID = "__lk_id"


def _nw() -> Any:
    import narwhals.stable.v2 as nw

    return nw


def to_expr(node: Node, names: Mapping[str, str]) -> Any:  # noqa: PLR0911 - one return per kind of node
    """The narwhals expression of ``node``; ``names`` renames columns (field path -> internal name)."""
    nw = _nw()
    if isinstance(node, Col):
        return nw.col(names.get(node.name, node.name))
    if isinstance(node, Lit):
        if node.value is None:
            return nw.lit(None, dtype=nw.String())
        if isinstance(node.value, bool):
            return nw.lit(node.value, dtype=nw.Boolean())
        if isinstance(node.value, float):
            return nw.lit(node.value, dtype=nw.Float64())
        if isinstance(node.value, int):
            return nw.lit(node.value, dtype=nw.Int64())
        return nw.lit(node.value, dtype=nw.String())
    return _OPS[node.op](node, [to_expr(a, names) for a in node.args])


def _and(_: Fn, a: list[Any]) -> Any:
    result = a[0]
    for item in a[1:]:
        result = result & item
    return result


def _or(_: Fn, a: list[Any]) -> Any:
    result = a[0]
    for item in a[1:]:
        result = result | item
    return result


def _add(_: Fn, a: list[Any]) -> Any:
    result = a[0]
    for item in a[1:]:
        result = result + item
    return result


_OPS: dict[str, Callable[[Fn, list[Any]], Any]] = {
    "and": _and,
    "or": _or,
    "add": _add,
    "not": lambda _, a: ~a[0],
    "is_null": lambda _, a: a[0].is_null(),
    "is_nan": lambda _, a: a[0].is_nan(),
    "eq": lambda _, a: a[0] == a[1],
    "ne": lambda _, a: a[0] != a[1],
    "lt": lambda _, a: a[0] < a[1],
    "le": lambda _, a: a[0] <= a[1],
    "gt": lambda _, a: a[0] > a[1],
    "ge": lambda _, a: a[0] >= a[1],
    "sub": lambda _, a: a[0] - a[1],
    "mul": lambda _, a: a[0] * a[1],
    "div": lambda _, a: a[0] / a[1],
    "exp": lambda _, a: a[0].exp(),
    "floor": lambda _, a: a[0].floor(),
    "lower": lambda _, a: a[0].str.to_lowercase(),
    "upper": lambda _, a: a[0].str.to_uppercase(),
    "strip": lambda _, a: a[0].str.strip_chars(),
    "slice": lambda n, a: a[0].str.slice(0, n.arg),
    "contains": lambda n, a: a[0].str.contains(n.arg, literal=True),
    "regex": lambda n, a: a[0].str.contains(n.arg),
    "is_in": lambda n, a: a[0].is_in(list(n.arg)),
    "when": lambda _, a: _nw().when(a[0]).then(a[1]).otherwise(a[2]),
    "greatest": lambda _, a: _nw().max_horizontal(*a),
    "fill_null": lambda _, a: a[0].fill_null(a[1]),
    "cast_text": lambda _, a: a[0].cast(_nw().String()),
    "concat": lambda _, a: _nw().concat_str(a),
}


def epoch_us(frame: Any, column: str, name: str) -> Any:
    """``frame`` with ``name``: the timestamps of ``column`` as whole microseconds since 1970 (UTC).

    Spark and SQLFrame have no narwhals expression for it, so their own
    ``unix_micros`` is used; every other engine subtracts the epoch.
    """
    nw = _nw()
    implementation = frame.implementation
    if implementation in (nw.Implementation.PYSPARK, nw.Implementation.PYSPARK_CONNECT, nw.Implementation.SQLFRAME):
        native = frame.to_native()
        module = type(native).__module__.rsplit(".", 1)[0]
        functions = importlib.import_module(
            "pyspark.sql.functions" if module.startswith("pyspark") else f"{module}.functions"
        )
        native = native.withColumn(name, functions.unix_micros(functions.col(column)))
        return nw.from_native(native)
    return frame.with_columns((nw.col(column) - nw.lit(_EPOCH)).dt.total_microseconds().cast(nw.Int64()).alias(name))


def _counts(plan: Plan, interactions: Any, names: Mapping[str, str]) -> Any:
    nw = _nw()
    indicators = [
        nw.when(to_expr(node, names))
        .then(nw.lit(1, dtype=nw.Int64()))
        .otherwise(nw.lit(0, dtype=nw.Int64()))
        .alias(name)
        for name, node in plan.counts
    ]
    return (
        interactions.select(nw.col(_ID), *indicators)
        .group_by(_ID)
        .agg(*(nw.col(name).sum() for name, _ in plan.counts))
    )


def _engagement(plan: EngagementPlan, interactions: Any, *, pyarrow: bool, dask: bool) -> Any:
    """The decayed sum per lead, frequency limits applied per fixed period (see `Frequency`)."""
    nw = _nw()
    kinds = [s[0] for s in plan.signals]
    kind = nw.col("kind")

    def by_kind(values: list[tuple[str, Any]], otherwise: Any) -> Any:
        expr = otherwise
        for k, value in reversed(values):
            expr = nw.when(kind == nw.lit(k)).then(value).otherwise(expr)
        return expr

    zero = nw.lit(0.0, dtype=nw.Float64())
    period = by_kind(
        [(k, to_expr(period_expr(Col("us"), w), {})) for k, _, _, _, w in plan.signals if w is not None], zero
    )
    events = (
        interactions.filter(kind.is_in(kinds) & (nw.col("sec") <= nw.lit(plan.now, dtype=nw.Float64())))
        .with_columns(period.alias("__lk_p"))
        .group_by(_ID, "kind", "__lk_p", "us")
        .agg(nw.len().alias("__lk_m"), nw.col("sec").min())
    )
    m = nw.col("__lk_m").cast(nw.Float64())
    if pyarrow:  # no cumulative sums within partitions there: a running total, less each partition's start
        order = [_ID, "kind", "__lk_p", "us"]
        events = events.with_columns(m.cum_sum().over(order_by=order).alias("__lk_g"))
        start = (nw.col("__lk_g") - m).min().over(_ID, "kind", "__lk_p")
        events = events.with_columns((nw.col("__lk_g") - m - start).alias("__lk_before"))
    elif dask:  # no ordered windows there: count, for each time, the earlier ones of its period (limited kinds only)
        keys = [_ID, "kind", "__lk_p"]
        limited = [k for k, _, _, limit, _ in plan.signals if limit is not None]
        other = events.filter(kind.is_in(limited)).select(
            *keys, nw.col("us").alias("__lk_us2"), nw.col("__lk_m").alias("__lk_m2")
        )
        earlier = (
            events.filter(kind.is_in(limited))
            .select(*keys, "us")
            .join(other, on=keys, how="inner")
            .filter(nw.col("__lk_us2") < nw.col("us"))
            .group_by(*keys, "us")
            .agg(nw.col("__lk_m2").sum().alias("__lk_before"))
        )
        events = events.join(earlier, on=[*keys, "us"], how="left").with_columns(
            nw.col("__lk_before").fill_null(0).cast(nw.Float64())
        )
    else:
        before = m.cum_sum().over(_ID, "kind", "__lk_p", order_by="us") - m
        events = events.with_columns(before.alias("__lk_before"))
    limits = [(k, nw.lit(float(limit), dtype=nw.Float64())) for k, _, _, limit, _ in plan.signals if limit is not None]
    room = by_kind(limits, nw.lit(math.inf, dtype=nw.Float64())) - nw.col("__lk_before")
    counted = nw.when(room >= m).then(m).otherwise(nw.when(room > zero).then(room).otherwise(zero))
    worth = by_kind([(k, to_expr(decay_expr(Col("sec"), plan.now, h), {}) * p) for k, p, h, _, _ in plan.signals], zero)
    return events.select(nw.col(_ID), (counted * worth).alias(plan.column)).group_by(_ID).agg(nw.col(plan.column).sum())


def run_plan(
    plan: Plan,
    leads: Any,
    interactions: Any | None,
    names: Mapping[str, str],
    hooks: Mapping[str, Any],
) -> Any:
    """Score ``leads`` (a narwhals frame with an ``__lk_id`` column and fields renamed by ``names``).

    ``interactions`` (or None) has ``__lk_id``, ``kind``, ``us``, ``sec``,
    ``channel`` and the text properties. Returns ``leads`` with the plan's
    outputs added, each under ``names.get(name, name)``.
    """
    nw = _nw()
    frame = leads
    if interactions is not None:
        pyarrow = interactions.implementation is nw.Implementation.PYARROW
        aggregates = []
        if plan.counts:
            aggregates.append(_counts(plan, interactions, names))
        dask = interactions.implementation is nw.Implementation.DASK
        aggregates += [_engagement(e, interactions, pyarrow=pyarrow, dask=dask) for e in plan.engagements]
        for aggregate in aggregates:
            frame = frame.join(aggregate, on=_ID, how="left")
        frame = frame.with_columns(
            *(nw.col(name).fill_null(0) for name, _ in plan.counts),
        )
    if hooks:
        frame = frame.with_columns(*(expr.alias(names.get(name, name)) for name, expr in hooks.items()))
    for layer in layers(plan.outputs):
        frame = frame.with_columns(*(to_expr(node, names).alias(names.get(name, name)) for name, node in layer))
    return frame
