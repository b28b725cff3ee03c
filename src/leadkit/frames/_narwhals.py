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
from leadkit.frames._plan import EngagementPlan, Plan, decay_expr, decay_rate, layers, period_expr

__all__ = ["epoch_us", "run_plan", "spark_like"]

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


def spark_like(frame: Any) -> bool:
    """Whether ``frame`` runs on Spark or SQLFrame (dotted names, time and time zones behave differently there)."""
    i = _nw().Implementation
    return frame.implementation in (i.PYSPARK, i.PYSPARK_CONNECT, i.SQLFRAME)


def epoch_us(frame: Any, column: str, name: str) -> Any:
    """``frame`` with ``name``: the timestamps of ``column`` as whole microseconds since 1970 (UTC).

    Spark and SQLFrame have no narwhals expression for it, so their own
    ``unix_micros`` is used; every other engine subtracts the epoch.
    """
    nw = _nw()
    if spark_like(frame):
        native = frame.to_native()
        module = type(native).__module__.rsplit(".", 1)[0]
        functions = importlib.import_module(
            "pyspark.sql.functions" if module.startswith("pyspark") else f"{module}.functions"
        )
        native = native.withColumn(name, functions.unix_micros(functions.col(column)))
        return nw.from_native(native)
    return frame.with_columns((nw.col(column) - nw.lit(_EPOCH)).dt.total_microseconds().cast(nw.Int64()).alias(name))


def _sql_engine(frame: Any) -> bool:
    """Whether ``frame`` runs on a SQL engine (DuckDB, Spark, SQLFrame, Ibis)."""
    i = _nw().Implementation
    return spark_like(frame) or frame.implementation in (i.DUCKDB, i.IBIS)


def _counts(plan: Plan, interactions: Any, names: Mapping[str, str]) -> Any:
    """Per lead, how many interactions meet each counted condition (only rows meeting one are grouped)."""
    nw = _nw()
    conditions = [(name, to_expr(node, names)) for name, node in plan.counts]
    one, zero = nw.lit(1, dtype=nw.Int64()), nw.lit(0, dtype=nw.Int64())
    indicators = [nw.when(condition).then(one).otherwise(zero).alias(name) for name, condition in conditions]
    if not _sql_engine(interactions):  # SQL engines would inline every condition again into the filter
        interactions = interactions.filter(nw.any_horizontal(*(c for _, c in conditions), ignore_nulls=True))
    return (
        interactions.select(nw.col(_ID), *indicators)
        .group_by(_ID)
        .agg(*(nw.col(name).sum() for name, _ in plan.counts))
    )


def _signal_table(plan: EngagementPlan, interactions: Any) -> Any:
    """The interactions of the plan's signals up to ``as_of``, each with its signal's parameters.

    Columns: ``__lk_id``, ``us``, ``sec``, the signal's index ``__lk_k``, its period ``__lk_p``,
    limit ``__lk_l`` (inf: none), points ``__lk_pts`` and decay rate ``__lk_r``. Eager and polars
    frames join a small table of the signals (one pass); other lazy ones look each parameter up by
    the signal's index.
    """
    nw = _nw()
    f64, i64 = nw.Float64(), nw.Int64()
    kind = nw.col("kind")
    numbered = list(enumerate(plan.signals))
    parameters: dict[str, tuple[list[Any], Any]] = {
        "__lk_k": ([i for i, _ in numbered], i64),
        "__lk_w": ([None if w is None else float(w) for _, (*_, w) in numbered], f64),
        "__lk_l": ([math.inf if limit is None else float(limit) for _, (_, _, _, limit, _) in numbered], f64),
        "__lk_pts": ([p for _, (_, p, _, _, _) in numbered], f64),
        "__lk_r": ([decay_rate(h) for _, (_, _, h, _, _) in numbered], f64),
    }
    recent = interactions.filter(nw.col("sec") <= nw.lit(plan.now, dtype=f64)).select(_ID, "kind", "us", "sec")
    eager = isinstance(interactions, nw.DataFrame)
    if eager or interactions.implementation is nw.Implementation.POLARS:
        table = nw.from_dict(
            {"kind": [k for k, *_ in plan.signals], **{name: values for name, (values, _) in parameters.items()}},
            schema={"kind": nw.String(), **{name: dtype for name, (_, dtype) in parameters.items()}},
            backend=interactions.implementation,
        )
        events = recent.join(table if eager else table.lazy(), on="kind", how="inner")
    else:
        signal = nw.col("__lk_k")
        index = nw.lit(-1, dtype=i64)
        for i, (k, *_) in reversed(numbered):
            index = nw.when(kind == nw.lit(k)).then(nw.lit(i, dtype=i64)).otherwise(index)
        lookups = []
        for name, (values, dtype) in list(parameters.items())[1:]:
            expr = nw.lit(None, dtype=dtype)
            for i, value in reversed(list(enumerate(values))):
                expr = nw.when(signal == nw.lit(i, dtype=i64)).then(nw.lit(value, dtype=dtype)).otherwise(expr)
            lookups.append(expr.alias(name))
        events = (
            recent.filter(kind.is_in([k for k, *_ in plan.signals]))
            .with_columns(index.alias("__lk_k"))
            .with_columns(*lookups)
        )
    window = nw.col("__lk_w")
    period = (
        nw.when(window.is_null())
        .then(nw.lit(0.0, dtype=f64))
        .otherwise(to_expr(period_expr(Col("us"), Col("__lk_w")), {}))
    )
    return events.select(_ID, "us", "sec", "__lk_k", period.alias("__lk_p"), "__lk_l", "__lk_pts", "__lk_r")


def _engagement(plan: EngagementPlan, interactions: Any, *, pyarrow: bool, dask: bool) -> Any:
    """The decayed sum per lead, frequency limits applied per fixed period (see `Frequency`).

    An interaction counts while fewer than its signal's limit came before it in its period.
    Interactions at the same time are interchangeable (they are worth the same), so a running count
    in any order among them gives the same sum.
    """
    nw = _nw()
    f64 = nw.Float64()
    events = _signal_table(plan, interactions)
    keys = [_ID, "__lk_k", "__lk_p"]
    if dask:  # no ordered windows there: count, for each time, the earlier ones of its period
        same = ("sec", "__lk_l", "__lk_pts", "__lk_r")  # the same for every row of a group
        events = (
            events.group_by(*keys, "us")
            .agg(nw.len().alias("__lk_m"), *(nw.col(c).min() for c in same))
            .with_columns(nw.col("__lk_m").cast(f64))
        )
        earlier = (
            events.select(*keys, "us")
            .join(events.select(*keys, nw.col("us").alias("__lk_us2"), nw.col("__lk_m").alias("__lk_m2")), on=keys)
            .filter(nw.col("__lk_us2") < nw.col("us"))
            .group_by(*keys, "us")
            .agg(nw.col("__lk_m2").sum().alias("__lk_before"))
        )
        events = events.join(earlier, on=[*keys, "us"], how="left").with_columns(
            nw.col("__lk_before").fill_null(0).cast(f64)
        )
        m = nw.col("__lk_m")
    else:
        m = nw.lit(1.0, dtype=f64)
        if pyarrow:  # no ranks within partitions there: a running count overall, less each partition's start
            ones = events.with_columns(m.alias("__lk_one"))  # a running sum of ones, in floats (exact here)
            events = ones.with_columns(nw.col("__lk_one").cum_sum().over(order_by=[*keys, "us"]).alias("__lk_g"))
            before = nw.col("__lk_g") - nw.col("__lk_g").min().over(*keys)
        else:  # how many came before in its period: its rank in time there (ties in any order), less one
            before = nw.col("us").rank("ordinal").over(*keys).cast(f64) - m
        events = events.with_columns(before.cast(f64).alias("__lk_before"))
    worth = to_expr(decay_expr(Col("sec"), plan.now, Col("__lk_r")), {}) * nw.col("__lk_pts")
    if dask:  # a group of m interactions at one time counts as many of them as the limit leaves room for
        zero = nw.lit(0.0, dtype=f64)
        room = nw.col("__lk_l") - nw.col("__lk_before")
        counted = nw.when(room >= m).then(m).otherwise(nw.when(room > zero).then(room).otherwise(zero))
        worth = counted * worth
    else:  # one row, one interaction: it counts when fewer than the limit came before it
        events = events.filter(nw.col("__lk_before") < nw.col("__lk_l"))
    return events.select(nw.col(_ID), worth.alias(plan.column)).group_by(_ID).agg(nw.col(plan.column).sum())


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
