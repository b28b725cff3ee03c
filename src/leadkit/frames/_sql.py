"""A compiled `Plan` as one SQL query, built as a sqlglot syntax tree and written in a dialect.

The query reads a leads table and, optionally, an interactions table, and
returns one row per lead: its id and the result columns. Everything the
dataframe path computes, it computes the same way (see `_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from leadkit.errors import ConfigError, Problem, require, suggest
from leadkit.frames._ir import Col, Fn, Lit, Node
from leadkit.frames._plan import (
    Category,
    EngagementPlan,
    Schema,
    compile_plan,
    decay_expr,
    decay_rate,
    layers,
    period_expr,
)
from leadkit.scoring.qualify import ScoringModel

__all__ = ["DIALECTS", "to_sql"]

DIALECTS = ("duckdb", "postgres", "sqlite", "spark", "databricks")
"""The SQL dialects `to_sql` writes."""

_ID = "__lk_id"


def _sqlglot() -> Any:
    return require("sqlglot", feature="writing SQL", extra="sql")


class _Writer:
    def __init__(self, dialect: str, names: Mapping[str, str]) -> None:
        self.exp = _sqlglot().exp
        self.dialect = dialect
        self.names = names

    def col(self, name: str, table: str | None = None) -> Any:
        exp = self.exp
        column = exp.Column(this=exp.to_identifier(self.names.get(name, name), quoted=True))
        if table is not None:
            column.set("table", exp.to_identifier(table, quoted=True))
        return column

    def lit(self, value: Any) -> Any:
        exp = self.exp
        if value is None:
            return exp.Null()
        if isinstance(value, bool):
            return exp.true() if value else exp.false()
        if isinstance(value, float):  # text cast to a double: no engine reads it as a fixed-point decimal
            return exp.Cast(this=exp.Literal.string(repr(value)), to=exp.DataType.build("double"))
        if isinstance(value, int):
            return exp.Literal.number(str(value))
        return exp.Literal.string(value)

    def node(self, node: Node) -> Any:
        exp = self.exp
        if isinstance(node, Col):
            return self.col(node.name)
        if isinstance(node, Lit):
            return self.lit(node.value)
        a = [self.node(arg) for arg in node.args]
        op = node.op
        if op in ("and", "or", "add"):
            kind = {"and": exp.And, "or": exp.Or, "add": exp.Add}[op]
            result = exp.Paren(this=a[0]) if op != "add" else a[0]
            for item in a[1:]:
                result = kind(this=result, expression=exp.Paren(this=item))
            return exp.Paren(this=result)
        binary = {
            "eq": exp.EQ,
            "ne": exp.NEQ,
            "lt": exp.LT,
            "le": exp.LTE,
            "gt": exp.GT,
            "ge": exp.GTE,
            "sub": exp.Sub,
            "mul": exp.Mul,
            "div": exp.Div,
        }
        if op in binary:
            return exp.Paren(this=binary[op](this=a[0], expression=a[1]))
        return self.function(node, a)

    def function(self, node: Fn, a: list[Any]) -> Any:  # noqa: PLR0911, PLR0912 - one return per operation
        exp = self.exp
        op = node.op
        if op == "not":
            return exp.Not(this=exp.Paren(this=a[0]))
        if op == "is_null":
            return exp.Is(this=a[0], expression=exp.Null())
        if op == "is_nan":
            return exp.false()  # SQL tables hold NULL for a missing number
        simple = {"exp": exp.Exp, "floor": exp.Floor, "lower": exp.Lower, "upper": exp.Upper}
        if op in simple:
            return simple[op](this=a[0])
        if op == "strip":
            return exp.Trim(this=a[0])
        if op == "slice":
            return exp.Substring(this=a[0], start=self.lit(1), length=self.lit(node.arg))
        if op == "contains":
            return exp.GT(this=exp.StrPosition(this=a[0], substr=self.lit(node.arg)), expression=self.lit(0))
        if op == "regex":
            return exp.RegexpLike(this=a[0], expression=self.lit(node.arg))
        if op == "is_in":
            return exp.In(this=a[0], expressions=[self.lit(v) for v in node.arg])
        if op == "when":
            return exp.Case(ifs=[exp.If(this=a[0], true=a[1])], default=a[2])
        if op == "greatest":
            return exp.Greatest(this=a[0], expressions=a[1:])
        if op == "fill_null":
            return exp.Coalesce(this=a[0], expressions=[a[1]])
        if op == "cast_text":
            return exp.Cast(this=a[0], to=exp.DataType.build("text"))
        if op == "concat":
            return exp.DPipe(this=a[0], expression=a[1], safe=True)
        raise AssertionError(op)  # pragma: no cover - every op of _ir is handled

    def micros(self, at: Any) -> Any:
        """Whole microseconds since 1970 of a timestamp column (SQLite: POSIX seconds, a number)."""
        exp = self.exp
        if self.dialect == "duckdb":
            return exp.Anonymous(this="EPOCH_US", expressions=[at])
        if self.dialect in ("spark", "databricks"):
            return exp.Anonymous(this="UNIX_MICROS", expressions=[at])
        if self.dialect == "postgres":
            seconds = exp.Extract(this=exp.var("EPOCH"), expression=at)
            return exp.Cast(this=exp.Mul(this=seconds, expression=self.lit(1_000_000)), to=exp.DataType.build("bigint"))
        rounded = exp.Round(this=exp.Mul(this=at, expression=self.lit(1_000_000.0)))
        return exp.Cast(this=rounded, to=exp.DataType.build("bigint"))


def to_sql(
    model: ScoringModel,
    *,
    dialect: str,
    as_of: datetime,
    leads: str = "leads",
    interactions: str | None = "interactions",
    columns: Mapping[str, str] | None = None,
    interaction_columns: Mapping[str, str] | None = None,
    attributes: Mapping[str, Category] | None = None,
    properties: Sequence[str] = (),
    pretty: bool = True,
) -> str:
    """The model as one SQL ``SELECT`` over the leads (and interactions) tables; see `leadkit.frames.to_sql`."""
    sqlglot = _sqlglot()
    exp = sqlglot.exp
    if dialect not in DIALECTS:
        raise ConfigError.at(
            ("dialect",), "one of " + ", ".join(DIALECTS), dialect, reason="unknown" + suggest(dialect, DIALECTS)
        )
    fields, problems = _fields(attributes or {})
    columns = dict(columns or {})
    for path in columns:
        if path != "id" and path not in fields:
            problems.append(
                Problem(("columns", path), "a lead field path (attributes.<key> listed in attributes)", path)
            )
    if problems:
        raise ConfigError(problems)
    events = dict(interaction_columns or {})
    schema = Schema(
        fields=fields,
        properties=tuple(f"properties.{p}" for p in properties),
        interactions=interactions is not None,
        channel=interactions is not None,
    )
    plan, _ = compile_plan(model, schema, as_of=as_of)
    names = {path: f"__lk_f{i}" for i, path in enumerate(plan.lead_fields)}
    names |= {p: f"__lk_p{i}" for i, p in enumerate(schema.properties)}
    w = _Writer(dialect, names)
    raw = _Writer(dialect, {})
    source = [raw.col(columns.get("id", "id")).as_(_ID)]
    for path in plan.lead_fields:
        value = raw.col(columns.get(path, path))
        if fields[path] == "number":
            value = exp.Cast(this=value, to=exp.DataType.build("double"))
        source.append(value.as_(names[path]))
    query = exp.select(*source).from_(exp.to_table(leads, quoted=True))
    ctes: list[tuple[str, Any]] = [("__lk_leads", query)]
    joined = ["__lk_leads"]
    if interactions is not None:
        ctes.append(("__lk_events", _events(w, raw, interactions, events, schema)))
        if plan.counts:
            counts = (
                exp.select(
                    w.col(_ID),
                    *(
                        exp.Sum(this=exp.Case(ifs=[exp.If(this=w.node(node), true=w.lit(1))], default=w.lit(0))).as_(
                            name
                        )
                        for name, node in plan.counts
                    ),
                )
                .from_("__lk_events")
                .group_by(w.col(_ID))
            )
            ctes.append(("__lk_counts", counts))
            joined.append("__lk_counts")
        for engagement in plan.engagements:
            ctes += _engagement(w, engagement)
            joined.append(engagement.column)
    counted = [
        exp.Coalesce(this=w.col(name, "__lk_counts"), expressions=[w.lit(0)]).as_(name) for name, _ in plan.counts
    ]
    base = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("__lk_leads")), *counted)
    base = base.select(*(w.col(e.column, e.column) for e in plan.engagements)).from_("__lk_leads")
    for table in joined[1:]:
        base = base.join(table, using=[_ID], join_type="left")
    previous = "__lk_base"
    ctes.append((previous, base))
    for i, layer in enumerate(layers(plan.outputs)):
        step = exp.select(exp.Star(), *(w.node(node).as_(name) for name, node in layer)).from_(previous)
        previous = f"__lk_step{i}"
        ctes.append((previous, step))
    final = exp.select(
        w.col(_ID).as_(columns.get("id", "id"), quoted=True), *(w.col(r).as_(r, quoted=True) for r in plan.results)
    ).from_(previous)
    for name, cte in ctes:
        final = final.with_(name, as_=cte)
    sql: str = final.sql(dialect=dialect, pretty=pretty, identify=True)
    return sql


def _fields(attributes: Mapping[str, Category]) -> tuple[dict[str, Category], list[Problem]]:
    from leadkit.frames._columns import NEED_NOTE, expected_category
    from leadkit.model import LEAD_FIELD_PATHS

    fields: dict[str, Category] = {p: expected_category(p) or "text" for p in LEAD_FIELD_PATHS if p != "id"}
    fields[NEED_NOTE] = "text"
    problems: list[Problem] = []
    for key, category in attributes.items():
        if category not in ("text", "number", "bool"):
            problems.append(Problem(("attributes", key), "text, number or bool", repr(category)))
        fields[f"attributes.{key}"] = category
    return fields, problems


def _events(w: _Writer, raw: _Writer, table: str, columns: Mapping[str, str], schema: Schema) -> Any:
    exp = w.exp

    def source(field: str) -> Any:
        return raw.col(columns.get(field, field))

    us = w.micros(source("at"))
    text = exp.DataType.build("text")
    items = [
        exp.Trim(this=exp.Cast(this=source("lead_id"), to=text)).as_(_ID),
        exp.Lower(this=exp.Trim(this=source("kind"))).as_("kind"),
        us.as_("us"),
        exp.Div(this=us.copy(), expression=w.lit(1_000_000.0)).as_("sec"),
        exp.Lower(this=exp.Trim(this=source("channel"))).as_("channel"),
        *(source(p).as_(w.names[p]) for p in schema.properties),
    ]
    return exp.select(*items).from_(exp.to_table(table, quoted=True))


def _engagement(w: _Writer, plan: EngagementPlan) -> list[tuple[str, Any]]:
    exp = w.exp
    kind = w.col("kind")

    def by_kind(values: list[tuple[str, Any]], otherwise: Any) -> Any:
        if not values:
            return otherwise
        ifs = [exp.If(this=exp.EQ(this=kind.copy(), expression=w.lit(k)), true=v) for k, v in values]
        return exp.Case(ifs=ifs, default=otherwise)

    kinds = [s[0] for s in plan.signals]
    period = by_kind(
        [(k, w.node(period_expr(Col("us"), Lit(float(p))))) for k, _, _, _, p in plan.signals if p is not None],
        w.lit(0.0),
    )
    grouped = (
        exp.select(
            w.col(_ID),
            kind,
            period.as_("__lk_p"),
            w.col("us"),
            exp.Min(this=w.col("sec")).as_("sec"),
            exp.Count(this=exp.Star()).as_("__lk_m"),
        )
        .from_("__lk_events")
        .where(
            exp.and_(
                exp.In(this=w.col("kind"), expressions=[w.lit(k) for k in kinds]),
                exp.LTE(this=w.col("sec"), expression=w.lit(plan.now)),
            )
        )
        .group_by(w.col(_ID), w.col("kind"), exp.column("__lk_p", quoted=True), w.col("us"))
    )
    window = exp.Window(
        this=exp.Sum(this=w.col("__lk_m")),
        partition_by=[w.col(_ID), w.col("kind"), w.col("__lk_p")],
        order=exp.Order(expressions=[exp.Ordered(this=w.col("us"))]),
        spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"),
    )
    m = exp.Cast(this=w.col("__lk_m"), to=exp.DataType.build("double"))
    before = exp.select(exp.Star(), exp.Sub(this=window, expression=m.copy()).as_("__lk_before")).from_(
        f"{plan.column}_g"
    )
    limits = [(k, w.lit(float(limit))) for k, _, _, limit, _ in plan.signals if limit is not None]
    unlimited = [w.lit(k) for k, _, _, limit, _ in plan.signals if limit is None]
    room = exp.Paren(this=exp.Sub(this=by_kind(limits, w.lit(0.0)), expression=w.col("__lk_before")))
    counted = exp.Case(
        ifs=[
            *([exp.If(this=exp.In(this=w.col("kind"), expressions=unlimited), true=m.copy())] if unlimited else []),
            exp.If(this=exp.GTE(this=room.copy(), expression=m.copy()), true=m.copy()),
            exp.If(this=exp.GT(this=room.copy(), expression=w.lit(0.0)), true=room.copy()),
        ],
        default=w.lit(0.0),
    )
    worth = by_kind(
        [
            (k, exp.Mul(this=w.node(decay_expr(Col("sec"), plan.now, Lit(decay_rate(h)))), expression=w.lit(p)))
            for k, p, h, _, _ in plan.signals
        ],
        w.lit(0.0),
    )
    total = (
        exp.select(w.col(_ID), exp.Sum(this=exp.Mul(this=counted, expression=worth)).as_(plan.column))
        .from_(f"{plan.column}_b")
        .group_by(w.col(_ID))
    )
    return [(f"{plan.column}_g", grouped), (f"{plan.column}_b", before), (plan.column, total)]
