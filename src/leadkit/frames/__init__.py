"""Scoring whole tables: the same model on pandas, polars, pyarrow, DuckDB, Dask, Spark or SQLFrame.

`score_frame` compiles a `ScoringModel` once into native dataframe
expressions (through narwhals, the optional extra ``frames``) and adds the
model's verdict to every row of a leads table: one ``score_<scorer>`` column
per scorer, ``fit``, ``engagement``, ``total``, ``grade``, ``band``,
``rating``, ``temperature``, ``mql``, ``sales_ready``, ``persona`` and a
``<checklist>_qualified`` flag per checklist. `to_sql` emits the same model
as one SQL query for a warehouse. Both give what `ScoringModel.qualify`
gives for each lead (see the "Scale out" guide for the exact guarantees).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import attrs

from leadkit.errors import Problem, ValidationError, require
from leadkit.frames._columns import NEED_NOTE
from leadkit.frames._ir import columns_of
from leadkit.frames._narwhals import spark_like
from leadkit.frames._plan import STATUSES, Category, Schema, compile_plan, result_columns
from leadkit.scoring.base import Scorer, check_as_of
from leadkit.scoring.qualify import ScoringModel

if TYPE_CHECKING:
    import narwhals.stable.v2 as nw

    from leadkit.mapping import ColumnMapping

__all__ = ["FrameScorer", "lead_tables", "result_columns", "score_frame", "to_sql"]

_ID = "__lk_id"
_ROW = "__lk_row"


@runtime_checkable
class FrameScorer(Protocol):
    """A scorer of your own that can run on dataframes: add a ``frame_expr`` method to its class.

    ``field(path)`` gives the narwhals expression of a lead field's column
    (``company.employees``, ``attributes.plan``); return the expression of
    the score's value, with the same semantics as ``score(...).value``.
    """

    def frame_expr(self, field: Callable[[str], nw.Expr], *, as_of: datetime) -> nw.Expr:
        """The score's value as a narwhals expression over the lead's columns."""
        ...  # pragma: no cover - protocol


def _require() -> Any:
    require("narwhals", feature="scoring dataframes", extra="frames")
    import narwhals.stable.v2 as nw

    return nw


def _as_model(model: object) -> ScoringModel:
    if isinstance(model, ScoringModel):
        return model
    if isinstance(model, Scorer):
        return ScoringModel(scorers=[model], name=model.name)
    raise ValidationError.at(("model",), "a ScoringModel or a scorer", model)


def score_frame(
    model: ScoringModel | Scorer,
    leads: Any,
    *,
    as_of: datetime,
    interactions: Any = None,
    mapping: ColumnMapping | Mapping[str, Any] | str | None = None,
    validate: bool | None = None,
    missing_fields: Literal["error", "null"] = "error",
) -> Any:
    """Score every row of ``leads`` with ``model`` as of ``as_of``; the same kind of frame back.

    Args:
        model: a `ScoringModel` (or one scorer).
        leads: one row per lead, in any frame narwhals supports (pandas,
            polars eager or lazy, pyarrow, a DuckDB relation, Dask, PySpark,
            SQLFrame). Columns are named by field path (``id``,
            ``company.employees``, ``attributes.plan``) unless ``mapping``
            says otherwise; other columns pass through.
        as_of: the moment to score at (timezone-aware).
        interactions: a long table, one row per interaction: ``lead_id``,
            ``kind``, ``at`` (timezone-aware timestamps), optionally
            ``channel`` and ``properties.<key>`` text columns. The same kind
            of frame as ``leads``.
        mapping: a `ColumnMapping`, its plain-data form, or a YAML file's
            path (the format `read_csv` uses) mapping your column names.
        validate: check the rows (ids present and unique, every interaction
            for a known lead, BANT statuses valid, no infinite numbers). By
            default eager frames are checked and lazy ones are not, since a
            check computes; pass True to check a lazy frame too.
        missing_fields: a field the model reads but the table lacks is an
            error (``"error"``) or treated as missing on every row (``"null"``).

    Returns:
        ``leads`` with the result columns (`result_columns`) added: eager in,
        eager out in the same row order; lazy in, lazy out, nothing computed.

    Raises:
        ValidationError: a mapped column is missing, a column has the wrong
            type, timestamps have no time zone, or (when validating) a row is
            bad; the message names the column and the first offending row.
        CompileError: a scorer of the model cannot run on a frame.
    """
    from leadkit.frames import _columns, _narwhals

    moment = check_as_of(as_of)
    scoring = _as_model(model)
    nw = _require()
    frame = _from_native(nw, leads, "leads")
    lazy = not isinstance(frame, nw.DataFrame)
    events = None if interactions is None else _from_native(nw, interactions, "interactions")
    if frame.implementation is nw.Implementation.DASK:
        # One partition each: Dask lines new columns up with a frame's rows partition by partition,
        # and a shuffle join of leads in several partitions can order them differently each time a
        # column recomputes it (wrong rows, silently); its optimiser also fails on the self-join of
        # interactions in several partitions. Dask scores correctly, not in parallel: see Scale out.
        frame = nw.from_native(frame.to_native().repartition(npartitions=1))
        if events is not None and events.implementation is nw.Implementation.DASK:
            events = nw.from_native(events.to_native().repartition(npartitions=1))
    column_mapping = _columns.as_mapping(mapping)
    # Spark (a struct's field) and DuckDB 1.x (a table's column) read a dot in a column name as a path:
    # give such columns plain names, natively, and restore them on the way out.
    dotted = spark_like(frame) or frame.implementation is nw.Implementation.DUCKDB
    back: dict[str, str] = {}
    if dotted:
        frame, back = _dotless(nw, frame)
        if events is not None:
            events, _ = _dotless(nw, events)
    lead_schema = frame.collect_schema()
    event_schema = None if events is None else events.collect_schema()
    columns = _columns.resolve(
        column_mapping,
        [back.get(c, c) for c in lead_schema],
        None if event_schema is None else [_original(c) for c in event_schema],
    )
    if dotted:
        columns = attrs.evolve(
            columns,
            id=_plain(columns.id),
            fields={k: _plain(v) for k, v in columns.fields.items()},
            interactions={k: _plain(v) for k, v in columns.interactions.items()},
        )
    categories = _categories(columns, lead_schema, None if lazy else frame)
    properties = tuple(
        k
        for k, c in columns.interactions.items()
        if k.startswith("properties.") and event_schema is not None and _columns.category_of(event_schema[c]) == "text"
    )
    schema = Schema(
        fields=categories,
        properties=properties,
        interactions=events is not None,
        channel="channel" in columns.interactions,
    )
    plan, missing = compile_plan(scoring, schema, as_of=moment, hook=lambda s: isinstance(s, FrameScorer))
    if missing and missing_fields == "error":
        raise ValidationError(
            Problem(
                ("leads", path),
                "a column for every field the model reads (map one, or pass missing_fields='null')",
                reason="no column",
            )
            for path in missing
        )
    taken = [r for r in plan.results if r in lead_schema]
    if taken:
        raise ValidationError.at(
            ("leads", taken[0]), "no column named like a result column", taken[0], reason="name taken"
        )
    names = {path: f"__lk_f{i}" for i, path in enumerate(categories)}
    names |= {name: f"__lk_o_{name}" for name, _ in plan.outputs}
    names |= {r: f"__lk_o_{r}" for r in plan.results}
    names |= {p: f"__lk_p{i}" for i, p in enumerate(properties)}
    prepared = _prepare_leads(
        nw, _nullable_booleans(nw, frame, columns, categories), columns, categories, names, lazy=lazy
    )
    read = columns_of(*(node for _, node in plan.counts))  # only counts read channels and properties
    prepared_events = None if events is None else _prepare_events(nw, events, columns, properties, read)
    if validate if validate is not None else not lazy:
        _validate(nw, prepared, prepared_events, columns, categories, names)
    hooks = {
        f"score_{s.name}": s.frame_expr(_field_reader(nw, names), as_of=moment)  # type: ignore[attr-defined]
        for s in plan.hooks
    }
    results = [nw.col(names[r]).alias(r) for r in plan.results]
    if lazy:
        scored = _narwhals.run_plan(plan, prepared, prepared_events, names, hooks)
        native = scored.select(*lead_schema, *results).to_native()
        return _renamed(native, back) if back else native
    # Eager: score only the internal columns, then put the results beside the rows, in their order.
    internal = prepared.select(_ROW, _ID, *(nw.col(names[p]) for p in categories))
    scored = _narwhals.run_plan(plan, internal, prepared_events, names, hooks).sort(_ROW).select(*results)
    return nw.concat([frame, scored], how="horizontal").to_native()


def _plain(name: str) -> str:
    return name.replace(".", "__lk_dot__")


def _dotless(nw: Any, frame: Any) -> tuple[Any, dict[str, str]]:
    """``frame`` with every dotted column renamed (natively, so the dot is read literally); new -> old names."""
    native = frame.to_native()
    back = {_plain(name): name for name in native.columns if "." in name}
    if not back:
        return frame, back
    return nw.from_native(_renamed(native, {name: _plain(name) for name in native.columns})), back


def _renamed(native: Any, names: Mapping[str, str]) -> Any:
    """A Spark DataFrame or DuckDB relation with its columns renamed by ``names`` (old -> new)."""
    if hasattr(native, "toDF"):
        return native.toDF(*(names.get(name, name) for name in native.columns))

    def quoted(name: str) -> str:  # an identifier, never a value: DuckDB's project() reads it literally
        return '"' + name.replace('"', '""') + '"'

    return native.project(", ".join(f"{quoted(c)} AS {quoted(names.get(c, c))}" for c in native.columns))


def _original(name: str) -> str:
    return name.replace("__lk_dot__", ".")


def _from_native(nw: Any, native: Any, table: str) -> Any:
    try:
        frame = nw.from_native(native)
    except TypeError:
        raise ValidationError.at(
            (table,),
            "a dataframe narwhals supports (pandas, polars, pyarrow, DuckDB, Dask, PySpark, SQLFrame)",
            type(native).__name__,
        ) from None
    if isinstance(frame, nw.Series):  # pragma: no cover - from_native without allow_series never gives one
        raise ValidationError.at((table,), "a dataframe, not a series", type(native).__name__)
    return frame


def _object_category(series: Any) -> tuple[Category | None, str]:
    """What the values of a pandas object column are, nulls aside: ``bool``, ``number`` or ``text``.

    ``None`` with a description of what was found when the values are of several kinds (or of another
    kind): a column scored as text would silently compare ``True`` as the text ``"True"``.
    """
    kinds: dict[str, None] = {}
    for value in series.drop_nulls().to_list():
        if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":  # numpy's bool_ too
            kinds["booleans"] = None
        elif isinstance(value, numbers.Real):
            kinds["numbers"] = None
        elif isinstance(value, str):
            kinds["text"] = None
        else:
            kinds[type(value).__name__] = None
        if len(kinds) > 1:
            break
    if not kinds:
        return "text", ""
    found = " and ".join(kinds)
    categories: dict[str, Category] = {"booleans": "bool", "numbers": "number", "text": "text"}
    return categories.get(found), f"an object column of {found}"


def _categories(columns: Any, schema: Any, frame: Any) -> dict[str, Any]:
    """How each read field's column compares; ``frame`` is the leads frame when eager (``None`` when lazy)."""
    from leadkit.frames._columns import category_of, expected_category

    nw = _require()
    categories: dict[str, Any] = {}
    problems: list[Problem] = []
    for path, column in columns.fields.items():
        dtype = schema[column]
        found, described = category_of(dtype), f"a column of {dtype}"
        expected = expected_category(path)
        if isinstance(dtype, nw.Unknown) or str(dtype) == "Null":
            found = expected or "text"
        elif isinstance(dtype, nw.Object) and frame is not None and frame.implementation.is_pandas_like():
            # pandas keeps booleans with missing values (and mixed values) in object columns
            found, described = _object_category(frame.get_column(column))
        if found is None or (expected is not None and found != expected):
            wanted = {"text": "text", "number": "numbers"}.get(expected or "", "text, numbers or booleans")
            problems.append(Problem(("leads", column), f"{wanted} ({path})", described))
        else:
            categories[path] = found
    for path, value in columns.defaults.items():
        categories[path] = (
            "bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else "text"
        )
    if problems:
        raise ValidationError(problems)
    return categories


def _nullable_booleans(nw: Any, frame: Any, columns: Any, categories: dict[str, Any]) -> Any:
    """``frame`` with its object columns of booleans as nullable booleans (pandas-like frames only).

    Casting them to narwhals' Boolean would turn a missing value into False.
    """
    schema = frame.collect_schema()
    objects = [
        columns.fields[path]
        for path, category in categories.items()
        if category == "bool" and path in columns.fields and isinstance(schema[columns.fields[path]], nw.Object)
    ]
    if not objects:
        return frame
    native = frame.to_native()
    return nw.from_native(native.assign(**{c: native[c].astype("boolean") for c in objects}), eager_only=True)


def _prepare_leads(
    nw: Any, frame: Any, columns: Any, categories: dict[str, Any], names: dict[str, str], *, lazy: bool
) -> Any:
    if not lazy:
        frame = frame.with_row_index(_ROW)
    exprs = [nw.col(columns.id).cast(nw.String()).str.strip_chars().alias(_ID)]
    for path, category in categories.items():
        if path in columns.defaults:
            value = columns.defaults[path]
            dtype = {"bool": nw.Boolean(), "number": nw.Float64(), "text": nw.String()}[category]
            exprs.append(nw.lit(float(value) if category == "number" else value, dtype=dtype).alias(names[path]))
            continue
        expr = nw.col(columns.fields[path])
        if category == "number":
            expr = expr.cast(nw.Float64())
        elif category == "text":
            expr = expr.cast(nw.String())
        exprs.append(expr.alias(names[path]))
    return frame.with_columns(*exprs)


def _prepare_events(nw: Any, events: Any, columns: Any, properties: tuple[str, ...], read: set[str]) -> Any:
    """The interactions as the plan reads them.

    Columns: ``__lk_id``, ``kind``, ``us``, ``sec`` and, when ``read`` names them, ``channel`` and
    the text properties (``__lk_p<i>``).
    """
    from leadkit.frames._narwhals import epoch_us

    fields = columns.interactions
    at = fields["at"]
    dtype = events.collect_schema()[at]
    spark = spark_like(events)
    if not isinstance(dtype, nw.Datetime):
        raise ValidationError.at(("interactions", at), "timestamps (a datetime column)", f"a column of {dtype}")
    if dtype.time_zone is None and not spark:
        if columns.timezone is None:
            raise ValidationError.at(
                ("interactions", at),
                "timezone-aware timestamps (or a mapping with a timezone)",
                f"a column of {dtype}",
                reason="naive timestamps",
            )
        events = events.with_columns(nw.col(at).dt.replace_time_zone(columns.timezone))
    events = epoch_us(events, at, "us")
    selected = [
        nw.col(fields["lead_id"]).cast(nw.String()).str.strip_chars().alias(_ID),
        nw.col(fields["kind"]).cast(nw.String()).str.strip_chars().str.to_lowercase().alias("kind"),
        nw.col("us"),
        (nw.col("us").cast(nw.Float64()) / nw.lit(1_000_000.0, dtype=nw.Float64())).alias("sec"),
    ]
    if "channel" in fields and "channel" in read:
        selected.append(
            nw.col(fields["channel"]).cast(nw.String()).str.strip_chars().str.to_lowercase().alias("channel")
        )
    selected += [nw.col(fields[p]).cast(nw.String()).alias(f"__lk_p{i}") for i, p in enumerate(properties) if p in read]
    return events.select(*selected)


def _field_reader(nw: Any, names: dict[str, str]) -> Callable[[str], Any]:
    def field(path: str) -> Any:
        if path not in names:
            raise ValidationError.at(("leads", path), "a column for this field", reason="no column")
        return nw.col(names[path])

    return field


def _first(nw: Any, frame: Any, condition: Any, *show: str) -> tuple[Any, ...] | None:
    """The ``show`` columns of the first row of ``frame`` meeting ``condition``, or None."""
    found = (frame if condition is None else frame.filter(condition)).select(*show).head(1)
    if not isinstance(found, nw.DataFrame):
        found = found.collect()
    rows = found.rows()
    return tuple(rows[0]) if rows else None


def _validate(  # noqa: PLR0917 - private, called once
    nw: Any, leads: Any, events: Any | None, columns: Any, categories: dict[str, Any], names: dict[str, str]
) -> None:
    """The row checks of `score_frame`: the first offending row of each kind, as a `ValidationError`.

    Each table is first scanned once for a row failing any check; only then are the checks run one
    by one, to name the first that fails.
    """
    eager = _ROW in leads.collect_schema()
    where = _ROW if eager else _ID
    # (condition, the column at fault, the column to show (None: no value to show), what was expected)
    lead_checks = [
        (nw.col(_ID).is_null() | (nw.col(_ID) == ""), columns.id, _ID, "an id on every row"),
        (
            ~nw.col(_ID).is_first_distinct() if eager else nw.len().over(_ID) > 1,
            columns.id,
            _ID,
            "a different id on every row",
        ),
    ]
    for path, category in categories.items():
        if path in columns.defaults:
            continue
        column = nw.col(names[path])
        if path.startswith("bant.") and path != NEED_NOTE and category == "text":
            norm = column.str.strip_chars().str.to_lowercase()
            bad = ~column.is_null() & (column.str.strip_chars() != "") & ~norm.is_in(list(STATUSES))
            lead_checks.append((bad, columns.fields[path], names[path], "a status: yes, no, partial or unknown"))
        if category == "number":
            bad = ~column.is_null() & (column.abs() == float("inf"))
            lead_checks.append((bad, columns.fields[path], names[path], "finite numbers"))
    _check(nw, "leads", leads, where, lead_checks, place="at row {}" if eager else "for lead {!r}")
    if events is None:
        return
    fields = columns.interactions
    event_checks = [
        (nw.col(_ID).is_null() | (nw.col(_ID) == ""), fields["lead_id"], None, "a lead id on every interaction"),
        (nw.col("kind").is_null() | (nw.col("kind") == ""), fields["kind"], "kind", "a kind"),
        (nw.col("us").is_null(), fields["at"], "us", "a timestamp on every interaction"),
    ]
    _check(nw, "interactions", events, _ID, event_checks, place="for lead {!r}")
    # The distinct lead ids of the interactions, then an anti-join with the leads' (unique by now):
    # far cheaper on pandas than an anti-join of every interaction or a set lookup.
    seen = events.get_column(_ID).unique().to_frame() if eager else events.select(_ID).unique()
    known = leads.select(nw.col(_ID).alias("__lk_known"))
    orphan = _first(nw, seen.join(known, left_on=_ID, right_on="__lk_known", how="anti"), None, _ID)
    if orphan is not None:
        raise ValidationError.at(
            ("interactions", fields["lead_id"]), "the id of a lead in the leads frame", orphan[0], reason="unknown lead"
        )


def _check(
    nw: Any, table: str, frame: Any, where: str, checks: Sequence[tuple[Any, str, str | None, str]], *, place: str
) -> None:
    """Raise for the first of ``checks`` some row of ``frame`` fails (one scan when none does)."""
    if not checks or _first(nw, frame, nw.any_horizontal(*(c[0] for c in checks), ignore_nulls=True), where) is None:
        return
    for bad, column, shown, expected in checks:
        found = _first(nw, frame, bad, *dict.fromkeys((where, shown or where)))
        if found is None:
            continue
        if shown is None:
            raise ValidationError.at((table, column), expected, reason="missing")
        raise ValidationError.at((table, column), expected, found[-1], reason=place.format(found[0]))


def to_sql(
    model: ScoringModel | Scorer,
    *,
    dialect: str,
    as_of: datetime,
    leads: str = "leads",
    interactions: str | None = "interactions",
    columns: Mapping[str, str] | None = None,
    interaction_columns: Mapping[str, str] | None = None,
    attributes: Mapping[str, Literal["text", "number", "bool"]] | None = None,
    properties: Sequence[str] = (),
    pretty: bool = True,
) -> str:
    """The model as one SQL query for a warehouse: one row per lead, the `score_frame` result columns.

    The query is built as a syntax tree with sqlglot (the optional extra
    ``sql``) and written in ``dialect``: ``duckdb``, ``postgres``, ``sqlite``,
    ``spark`` or ``databricks``. It reads the table ``leads`` (columns named
    by field path, or as ``columns`` maps field path -> column) and, unless
    ``interactions`` is None, the long table ``interactions`` (``lead_id``,
    ``kind``, ``at``, ``channel``, the text columns ``properties.<key>`` named
    in ``properties``; renamed by ``interaction_columns``). ``at`` is a
    timestamp with time zone, except on SQLite, which has none: there it
    holds POSIX seconds (a number). Custom fields the model reads are listed
    in ``attributes`` with their type (``text``, ``number`` or ``bool``).

    SQLite has no regular expressions of its own: register a ``REGEXP``
    function on the connection (the guide shows the three lines).

    Raises:
        ConfigError: an unknown dialect, field path or attribute type.
        CompileError: a scorer of the model cannot be written as SQL (custom
            scorers' ``frame_expr`` hooks give dataframe expressions, not SQL).
    """
    from leadkit.frames._sql import to_sql as _to_sql

    return _to_sql(
        _as_model(model),
        dialect=dialect,
        as_of=check_as_of(as_of),
        leads=leads,
        interactions=interactions,
        columns=columns,
        interaction_columns=interaction_columns,
        attributes=attributes,
        properties=properties,
        pretty=pretty,
    )


def lead_tables(leads: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Leads as the two tables `score_frame` reads: lead rows and interaction rows, keyed by field path.

    Build any frame from them (``pandas.DataFrame(rows)``, ``polars.DataFrame(rows)``).
    Custom fields nested in mappings are flattened with dots
    (``attributes.meddic.champion``); list values are left out.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Interaction, Lead
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> rows, events = lead_tables([Lead(id="a", created_at=t, interactions=[Interaction(kind="chat", at=t)])])
        >>> rows[0]["id"], events[0]["kind"]
        ('a', 'chat')
    """
    from leadkit.model import LEAD_FIELD_PATHS

    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for lead in leads:
        row: dict[str, Any] = {}
        for path in LEAD_FIELD_PATHS:
            value: Any = lead
            for part in path.split("."):
                value = getattr(value, part)
            if path.startswith("bant."):
                value = value.status.value
            row[path] = value
        row["bant.need.note"] = lead.bant.need.note
        row.update(_flat("attributes", lead.attributes))
        rows.append(row)
        for interaction in lead.interactions:
            event = {
                "lead_id": lead.id,
                "kind": interaction.kind,
                "at": interaction.at,
                "channel": interaction.channel,
                "value": interaction.value,
            }
            event.update(_flat("properties", interaction.properties))
            events.append(event)
    return rows, events


def _flat(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Mapping):
            flat.update(_flat(f"{prefix}.{key}", value))
        elif not isinstance(value, (list, tuple)):
            flat[f"{prefix}.{key}"] = value
    return flat
