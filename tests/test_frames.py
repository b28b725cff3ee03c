"""score_frame and to_sql: the object path's results on every engine, lazy in lazy out, clear errors."""

from __future__ import annotations

import math
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import duckdb
import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leadkit
from _examples import scaled
from leadkit import (
    BANT,
    BANTScorer,
    Company,
    Contact,
    EngagementScorer,
    Frequency,
    Interaction,
    Lead,
    Persona,
    PersonaFitScorer,
    Rule,
    RuleScorer,
    ScoringModel,
    Signal,
)
from leadkit.errors import CompileError, ConfigError, LeadkitError, ValidationError
from leadkit.frames import lead_tables, result_columns, score_frame, to_sql
from leadkit.scoring.conditions import AllOf, AnyOf, FieldCondition, InteractionCondition, Not

AS_OF = datetime(2026, 11, 1, tzinfo=timezone.utc)
DAY = timedelta(days=1)

LEAD_SCHEMA: dict[str, Any] = {
    "id": pl.String,
    "source": pl.String,
    "contact.title": pl.String,
    "contact.email": pl.String,
    "company.industry": pl.String,
    "company.employees": pl.Float64,
    "company.country": pl.String,
    "bant.budget": pl.String,
    "bant.authority": pl.String,
    "bant.need": pl.String,
    "bant.timeline": pl.String,
    "bant.need.note": pl.String,
    "attributes.plan": pl.String,
    "attributes.visits": pl.Float64,
    "attributes.vip": pl.Boolean,
}
EVENT_SCHEMA: dict[str, Any] = {
    "lead_id": pl.String,
    "kind": pl.String,
    "at": pl.Datetime("us", "UTC"),
    "channel": pl.String,
    "properties.title": pl.String,
}
ATTRIBUTES: dict[str, Any] = {"plan": "text", "visits": "number", "vip": "bool"}


def tables(leads: list[Lead]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The leads as polars tables with a fixed schema (every engine's frames are made from them).

    The interactions come newest first, leads interleaved: an engine must order them itself.
    """
    rows, events = lead_tables(leads)
    lead_frame = pl.DataFrame([{k: r.get(k) for k in LEAD_SCHEMA} for r in rows], schema=LEAD_SCHEMA)
    event_rows = [{k: e.get(k) for k in EVENT_SCHEMA} for e in events]
    event_frame = pl.DataFrame(event_rows, schema=EVENT_SCHEMA).with_row_index("__i")
    return lead_frame, event_frame.sort("at", "__i", descending=True, maintain_order=True).drop("__i")


def records(out: Any) -> list[dict[str, Any]]:
    if isinstance(out, pl.LazyFrame):
        out = out.collect()
    if isinstance(out, duckdb.DuckDBPyRelation):
        out = out.pl()
    return nw.from_native(out).to_polars().to_dicts()


ENGINES: dict[str, Callable[[pl.DataFrame], Any]] = {
    "polars": lambda f: f,
    "polars-lazy": lambda f: f.lazy(),
    "pandas": lambda f: f.to_pandas(),
    "pyarrow": lambda f: f.to_arrow(),
    "duckdb": lambda f: duckdb.from_arrow(f.to_arrow()),
}


def assert_same(model: ScoringModel, leads: list[Lead], rows: list[dict[str, Any]], *, exact_rules: bool) -> None:
    """Each row carries what ``model.qualify`` says of its lead (rules exactly, decay within 1e-9)."""
    expected = {q.lead_id: q for q in model.qualify_many(leads, as_of=AS_OF)}
    assert sorted(r["id"] for r in rows) == sorted(expected)
    for row in rows:
        q = expected[row["id"]]
        for name, score in q.scores.items():
            got = row[f"score_{name}"]
            if exact_rules and isinstance(model.scorers[0], RuleScorer) and name == "rules":
                assert got == score.value, (row["id"], name)
            assert math.isclose(got, score.value, rel_tol=1e-9, abs_tol=1e-9), (row["id"], name, got, score.value)
        for name in ("fit", "engagement", "total"):
            assert math.isclose(row[name], getattr(q, name), rel_tol=1e-9, abs_tol=1e-9), (row["id"], name)
        assert (row["grade"], row["band"], row["rating"], row["temperature"]) == (
            q.grade,
            q.band,
            q.rating,
            str(q.temperature),
        ), row["id"]
        assert (bool(row["mql"]), bool(row["sales_ready"]), row["persona"]) == (q.mql, q.sales_ready, q.persona)
        for name, assessment in q.checklists.items():
            assert bool(row[f"{name}_qualified"]) == assessment.qualified


# --- the equivalence property -------------------------------------------------------------------

_WORDS = ["Head", "of", "data", "engineer", "lead", "Analyst", "sales", "python", "cloud", "VP"]
_TEXT = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)
_KINDS = ["demo_request", "pricing_view", "email_open", "webinar", "chat"]
_CHANNELS = ["web", "email", "event"]
_STATUS = st.sampled_from(["yes", "no", "partial", "unknown"])


@st.composite
def frame_leads(draw: st.DrawFn) -> list[Lead]:
    count = draw(st.integers(1, 6))
    leads = []
    for i in range(count):
        events = draw(
            st.lists(
                st.builds(
                    lambda kind, seconds, channel, title: Interaction(
                        kind=kind,
                        at=AS_OF + timedelta(seconds=seconds),
                        channel=channel,
                        properties={"title": title} if title else {},
                    ),
                    st.sampled_from(_KINDS),
                    st.integers(-60 * 86_400, 2 * 86_400) | st.sampled_from([0, -86_400, -7 * 86_400]),
                    st.none() | st.sampled_from(_CHANNELS),
                    st.none() | _TEXT,
                ),
                max_size=8,
            )
        )
        attributes = {
            k: v
            for k, v in {
                "plan": draw(st.none() | st.sampled_from(["pro", "Free", " team "])),
                "visits": draw(st.none() | st.integers(0, 50) | st.floats(0, 50, allow_nan=False)),
                "vip": draw(st.none() | st.booleans()),
            }.items()
            if v is not None
        }
        leads.append(
            Lead(
                id=f"L{i}",
                created_at=AS_OF - 100 * DAY,
                source=draw(st.none() | st.sampled_from(["web", "event", "bought_list"])),
                contact=Contact(
                    title=draw(st.none() | _TEXT),
                    email=draw(st.none() | st.sampled_from(["a@example.com", "b@corp.io"])),
                ),
                company=Company(
                    industry=draw(st.none() | st.sampled_from(["Software", "Banking", "retail"])),
                    employees=draw(st.none() | st.integers(0, 5000)),
                    country=draw(st.none() | st.sampled_from(["DE", "US", "IN"])),
                ),
                bant=BANT(
                    budget=draw(_STATUS),
                    authority=draw(_STATUS),
                    need=leadkit.Criterion(draw(_STATUS), note=draw(st.none() | _TEXT)),
                    timeline=draw(_STATUS),
                ),
                attributes=attributes,
                interactions=events,
            )
        )
    return leads


_PATHS = ["source", "contact.title", "contact.email", "company.industry", "company.employees", "company.country"]
_PATHS += ["bant.need", "attributes.plan", "attributes.visits", "attributes.vip"]
_VALUES = st.sampled_from(["web", "pro", "software", "DE", "yes", "Head of data", 10, 200.5, True, False])


@st.composite
def field_conditions(draw: st.DrawFn) -> FieldCondition:
    path = draw(st.sampled_from(_PATHS))
    op = draw(st.sampled_from(leadkit.OPERATORS))
    if path.startswith("bant.") and op in ("eq", "ne", "in", "not_in", "contains"):
        value: Any = draw(_STATUS) if op not in ("in", "not_in") else draw(st.lists(_STATUS, min_size=1, max_size=2))
    elif op in ("eq", "ne", "contains"):
        value = draw(_VALUES)
    elif op in ("in", "not_in"):
        value = draw(st.lists(_VALUES, min_size=1, max_size=3))
    elif op in ("gt", "gte", "lt", "lte"):
        value = draw(st.sampled_from([0, 10, 25.5, 200, 1000]))
    elif op == "between":
        value = sorted(draw(st.lists(st.sampled_from([0, 10, 200, 1000]), min_size=2, max_size=2)))
    elif op == "matches":
        value = draw(st.sampled_from([r"^head", r"\b(lead|vp)\b", r"data$", r"[0-9]", r"(?s)a.a", "example[.]com$"]))
    else:
        value = draw(st.booleans())
    return FieldCondition(path, op, value)


_INTERACTION_CONDITIONS = st.builds(
    InteractionCondition,
    kinds=st.lists(st.sampled_from(_KINDS), min_size=1, max_size=2, unique=True),
    at_least=st.integers(1, 3),
    within=st.none() | st.sampled_from([DAY, 7 * DAY, timedelta(hours=36)]),
    channel=st.none() | st.sampled_from(_CHANNELS),
)
_CONDITIONS = st.recursive(
    field_conditions() | _INTERACTION_CONDITIONS,
    lambda inner: (
        st.lists(inner, min_size=1, max_size=3).map(AllOf)
        | st.lists(inner, min_size=1, max_size=3).map(AnyOf)
        | inner.map(Not)
    ),
    max_leaves=4,
)
_FREQUENCIES = st.sampled_from(
    [Frequency.every(), Frequency.once(), Frequency.at_most(2, within=DAY), Frequency.at_most(1, within=7 * DAY)]
)


@st.composite
def frame_models(draw: st.DrawFn) -> ScoringModel:
    rules = draw(
        st.lists(
            st.builds(
                Rule,
                name=st.sampled_from("abcdefgh"),
                when=_CONDITIONS,
                points=st.integers(-40, 40).map(lambda p: p / 4),  # quarters: sums are exact
            ),
            max_size=5,
            unique_by=lambda r: r.name,
        )
    )
    signals = draw(
        st.dictionaries(
            st.sampled_from(_KINDS),
            st.builds(
                Signal,
                points=st.integers(-20, 60),
                half_life=st.none() | st.sampled_from([DAY, 14 * DAY, timedelta(hours=30)]),
                frequency=_FREQUENCIES,
            ),
            min_size=1,
        )
    )
    persona = Persona(
        name="P",
        industries=draw(st.lists(st.sampled_from(["Software", "Banking"]), max_size=2)),
        titles=draw(st.lists(st.sampled_from(["head", "engineer", "vp"]), max_size=2)),
        min_employees=draw(st.none() | st.sampled_from([10, 200])),
        countries=draw(st.lists(st.sampled_from(["DE", "US"]), max_size=2)),
        channels=draw(st.lists(st.sampled_from(_CHANNELS), max_size=2)),
        pain_points=draw(st.lists(st.sampled_from(["python", "cloud", "sales"]), max_size=2)),
    )
    scorers = [
        RuleScorer(rules=rules, floor=draw(st.none() | st.just(0.0))),
        EngagementScorer(signals=signals, cap=draw(st.none() | st.just(80.0))),
        BANTScorer(),
        PersonaFitScorer(persona),
    ]
    return ScoringModel(
        scorers=scorers,
        weights={"fit": draw(st.sampled_from([0.5, 1.0, 2.0])), "bant": 0.25},
        fit=["fit", "rules"],
        engagement=["engagement"],
        mql_total=draw(st.sampled_from([20, 60, 120])),
        hand_raiser_window=draw(st.none() | st.just(7 * DAY)),
    )


@settings(max_examples=scaled(25), deadline=None)
@given(model=frame_models(), leads=frame_leads())
def test_every_engine_and_sql_give_the_object_paths_results(model: ScoringModel, leads: list[Lead]) -> None:
    """Generated models and leads: polars, pandas and DuckDB frames, and the SQL on DuckDB and SQLite."""
    lead_frame, event_frame = tables(leads)
    for engine in ("polars", "pandas", "duckdb"):
        make = ENGINES[engine]
        out = score_frame(model, make(lead_frame), interactions=make(event_frame), as_of=AS_OF)
        assert_same(model, leads, records(out), exact_rules=True)
    for rows in (run_duckdb_sql(model, lead_frame, event_frame), run_sqlite_sql(model, lead_frame, event_frame)):
        assert_same(model, leads, rows, exact_rules=True)


def run_duckdb_sql(model: ScoringModel, lead_frame: pl.DataFrame, event_frame: pl.DataFrame) -> list[dict[str, Any]]:
    sql = to_sql(model, dialect="duckdb", as_of=AS_OF, attributes=ATTRIBUTES, properties=["title"])
    con = duckdb.connect()
    con.register("leads", lead_frame.to_arrow())
    con.register("interactions", event_frame.to_arrow())
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_sqlite_sql(model: ScoringModel, lead_frame: pl.DataFrame, event_frame: pl.DataFrame) -> list[dict[str, Any]]:
    sql = to_sql(model, dialect="sqlite", as_of=AS_OF, attributes=ATTRIBUTES, properties=["title"])
    db = sqlite3.connect(":memory:")
    db.create_function("REGEXP", 2, lambda p, s: s is not None and re.search(p, s) is not None, deterministic=True)
    columns = ", ".join(f'"{c}"' for c in LEAD_SCHEMA)
    db.execute(f"CREATE TABLE leads ({columns})")
    db.executemany(f"INSERT INTO leads VALUES ({', '.join('?' * len(LEAD_SCHEMA))})", lead_frame.rows())
    db.execute('CREATE TABLE interactions (lead_id, kind, at, channel, "properties.title")')
    seconds = event_frame.with_columns(pl.col("at").dt.epoch("us") / 1_000_000)
    db.executemany("INSERT INTO interactions VALUES (?, ?, ?, ?, ?)", seconds.rows())
    cursor = db.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- the default model on the sample leads, on every engine --------------------------------------


@pytest.fixture(scope="module")
def sample() -> tuple[ScoringModel, list[Lead], pl.DataFrame, pl.DataFrame]:
    leads = list(leadkit.load_sample_leads().leads)
    rows, events = lead_tables(leads)
    lead_frame = pl.DataFrame(rows, infer_schema_length=None)
    lead_frame = lead_frame.select(c for c in lead_frame.columns if lead_frame[c].dtype != pl.Null)
    event_frame = pl.DataFrame(events, infer_schema_length=None).with_columns(pl.col("at").dt.convert_time_zone("UTC"))
    return leadkit.default_model(), leads, lead_frame, event_frame


@pytest.mark.parametrize("engine", list(ENGINES))
def test_default_model_on_the_sample_leads(engine: str, sample: Any) -> None:
    model, leads, lead_frame, event_frame = sample
    make = ENGINES[engine]
    out = score_frame(model, make(lead_frame), interactions=make(event_frame), as_of=AS_OF)
    assert_same(model, leads, records(out), exact_rules=True)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_frequency_limits_count_interactions_at_the_same_moment_once_each(engine: str) -> None:
    """Ties in time fill a period's limit one by one, on every engine, as on the object path."""
    limited = Frequency.at_most(2, within=7 * DAY)
    model = ScoringModel(
        scorers=[
            EngagementScorer(
                signals={
                    "demo_request": Signal(points=40, frequency=Frequency.once()),
                    "pricing_view": Signal(points=10, half_life=3 * DAY, frequency=limited),
                    "webinar": Signal(points=5),
                }
            )
        ],
        engagement=["engagement"],
    )
    moment, earlier = AS_OF - DAY, AS_OF - 20 * DAY
    kinds = ["demo_request"] * 3 + ["pricing_view"] * 4 + ["webinar"] * 3
    times = [moment, moment, earlier, moment, moment, moment, earlier, moment, moment, earlier]
    busy = Lead(
        id="busy",
        created_at=AS_OF - 100 * DAY,
        interactions=[Interaction(kind=k, at=t) for k, t in zip(kinds, times, strict=True)],
    )
    quiet = Lead(id="quiet", created_at=AS_OF - 100 * DAY)
    lead_frame, event_frame = tables([busy, quiet])
    make = ENGINES[engine]
    out = score_frame(model, make(lead_frame), interactions=make(event_frame), as_of=AS_OF)
    assert_same(model, [busy, quiet], records(out), exact_rules=False)


def test_eager_in_eager_out_in_row_order(sample: Any) -> None:
    """Eager frames come back eager, rows in their order, the input's columns first."""
    model, _, lead_frame, event_frame = sample
    shuffled = lead_frame.sample(fraction=1.0, shuffle=True, seed=1).to_pandas()
    shuffled.index = [f"row{i}" for i in range(len(shuffled))]
    out = score_frame(model, shuffled, interactions=event_frame.to_pandas(), as_of=AS_OF)
    assert isinstance(out, pd.DataFrame)
    assert list(out["id"]) == list(shuffled["id"])
    assert list(out.columns) == [*shuffled.columns, *result_columns(model)]
    assert out["total"].notna().all()


def test_lazy_in_lazy_out_nothing_collected(sample: Any) -> None:
    """A lazy frame comes back lazy, and nothing runs until the user collects."""
    model, leads, lead_frame, event_frame = sample

    def boom(series: pl.Series) -> pl.Series:
        msg = "collected before the user asked"
        raise AssertionError(msg)

    trap = lead_frame.lazy().with_columns(pl.col("source").map_batches(boom, return_dtype=pl.String))
    out = score_frame(model, trap, interactions=event_frame.lazy(), as_of=AS_OF)
    assert isinstance(out, pl.LazyFrame)
    fine = score_frame(model, lead_frame.lazy(), interactions=event_frame.lazy(), as_of=AS_OF)
    assert_same(model, leads, fine.collect().to_dicts(), exact_rules=True)


def test_duckdb_relation_stays_a_relation(sample: Any) -> None:
    model, _, lead_frame, event_frame = sample
    con = duckdb.connect()
    out = score_frame(
        model, con.from_arrow(lead_frame.to_arrow()), interactions=con.from_arrow(event_frame.to_arrow()), as_of=AS_OF
    )
    assert isinstance(out, duckdb.DuckDBPyRelation)


# --- mappings, custom scorers --------------------------------------------------------------------


def test_a_mapping_names_your_columns() -> None:
    """A column mapping (the read_csv format) maps your names; defaults fill fields no column gives."""
    model = ScoringModel(
        scorers=[
            RuleScorer(
                rules=[
                    Rule(name="big", when={"field": "company.employees", "gte": 200}, points=10),
                    Rule(name="event", when={"field": "source", "eq": "event"}, points=5),
                    Rule(name="pro", when={"field": "attributes.Plan", "eq": "pro"}, points=1),
                ]
            )
        ]
    )
    frame = pl.DataFrame({"Lead": ["a", "b"], "Staff": [500, 20], "Plan": ["pro", "free"]})
    mapping = {
        "version": 1,
        "leads": {
            "columns": {"Lead": "id", "Staff": "company.employees"},
            "rest": "attributes",
            "defaults": {"source": "event", "created_at": "2026-01-01T00:00:00+00:00"},
        },
    }
    out = score_frame(model, frame, as_of=AS_OF, mapping=mapping)
    assert out["score_rules"].to_list() == [16.0, 5.0]
    assert out.columns[:3] == ["Lead", "Staff", "Plan"]


class DoubleEmployees:
    """A custom scorer with a frame hook."""

    name = "double"

    def score(self, lead: Lead, *, as_of: datetime) -> leadkit.Score:
        value = 2.0 * (lead.company.employees or 0)
        return leadkit.Score(self.name, [leadkit.Contribution("x2", value, "double.x2", "twice the head count")])

    def frame_expr(self, field: Callable[[str], Any], *, as_of: datetime) -> Any:
        return field("company.employees").fill_null(0) * 2.0


class NoHook:
    name = "nohook"

    def score(self, lead: Lead, *, as_of: datetime) -> leadkit.Score:
        return leadkit.Score(self.name, [])


def test_custom_scorers_compile_through_their_hook_or_are_refused() -> None:
    frame = pl.DataFrame({"id": ["a", "b"], "company.employees": [3.0, None]})
    out = score_frame(ScoringModel(scorers=[DoubleEmployees()]), frame, as_of=AS_OF)
    assert out["score_double"].to_list() == [6.0, 0.0]
    with pytest.raises(CompileError, match=r"'nohook' \(.*NoHook\) cannot be compiled: give its class a frame_expr"):
        score_frame(ScoringModel(scorers=[NoHook()]), frame, as_of=AS_OF)


# --- bad input -----------------------------------------------------------------------------------

_MODEL = ScoringModel(
    scorers=[
        RuleScorer(rules=[Rule(name="big", when={"field": "company.employees", "gte": 200}, points=10)]),
        EngagementScorer(),
        BANTScorer(),
    ]
)


def _leads(**columns: Any) -> pl.DataFrame:
    base: dict[str, Any] = {"id": ["a", "b"], "company.employees": [1.0, 2.0], "bant.need": ["yes", "no"]}
    base |= {"bant.budget": [None, None], "bant.authority": [None, None], "bant.timeline": [None, None]}
    return pl.DataFrame(
        base | columns, schema_overrides={f"bant.{c}": pl.String for c in ("budget", "authority", "timeline")}
    )


def _events(**columns: Any) -> pl.DataFrame:
    at = [AS_OF - DAY, AS_OF - 2 * DAY]
    base = {"lead_id": ["a", "b"], "kind": ["webinar", "chat"], "at": pl.Series(at, dtype=pl.Datetime("us", "UTC"))}
    return pl.DataFrame(base | columns)


@pytest.mark.parametrize(
    ("leads", "events", "match"),
    [
        (_leads(id=["a", "a"]), None, r"leads\.id.*at row 1.*a different id on every row.*'a'"),
        (_leads(id=["a", None]), None, r"leads\.id.*at row 1.*an id on every row"),
        (_leads(**{"company.employees": ["1", "2"]}), None, r"company\.employees.*numbers.*String"),
        (_leads(**{"bant.need": ["yes", "maybe"]}), None, r"bant\.need.*at row 1.*a status.*'maybe'"),
        (_leads(**{"company.employees": [1.0, math.inf]}), None, r"company\.employees.*at row 1.*finite"),
        (_leads(), _events(lead_id=["a", "zz"]), r"interactions\.lead_id.*unknown lead.*'zz'"),
        (_leads(), _events(lead_id=["a", " "]), r"interactions\.lead_id.*missing.*a lead id on every interaction"),
        (_leads(), _events(kind=["webinar", None]), r"interactions\.kind.*for lead 'b'.*a kind"),
        (
            _leads(),
            _events(at=pl.Series([AS_OF, None], dtype=pl.Datetime("us", "UTC"))),
            r"interactions\.at.*for lead 'b'.*a timestamp on every interaction",
        ),
        (_leads(), _events(at=[datetime(2026, 1, 1), datetime(2026, 1, 2)]), r"interactions\.at.*naive timestamps"),
        (_leads(), _events(at=["2026-01-01", "x"]), r"interactions\.at.*timestamps"),
        (_leads(), pl.DataFrame({"lead_id": ["a"], "kind": ["chat"]}), r"interactions\.at.*no such column"),
        (_leads(total=[1, 2]), None, r"leads\.total.*name taken"),
        (pl.DataFrame({"ident": ["a"]}), None, r"leads\.id.*no such column"),
    ],
)
def test_bad_frames_get_clear_errors(leads: pl.DataFrame, events: pl.DataFrame | None, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        score_frame(_MODEL, leads, interactions=events, as_of=AS_OF)


@pytest.mark.parametrize(
    ("leads", "events", "match"),
    [
        (_leads(id=["a", "a"]), None, r"leads\.id.*for lead 'a'.*a different id on every row"),
        (_leads(**{"bant.need": ["yes", "maybe"]}), None, r"bant\.need.*for lead 'b'.*a status.*'maybe'"),
        (_leads(), _events(lead_id=["a", "zz"]), r"interactions\.lead_id.*unknown lead.*'zz'"),
    ],
)
def test_lazy_frames_are_checked_when_asked(leads: pl.DataFrame, events: pl.DataFrame | None, match: str) -> None:
    lazy_events = None if events is None else events.lazy()
    assert score_frame(_MODEL, leads.lazy(), interactions=lazy_events, as_of=AS_OF) is not None  # not checked
    with pytest.raises(ValidationError, match=match):
        score_frame(_MODEL, leads.lazy(), interactions=lazy_events, as_of=AS_OF, validate=True)


def test_missing_fields_are_an_error_unless_asked_to_be_null() -> None:
    frame = pl.DataFrame({"id": ["a"]})
    with pytest.raises(ValidationError, match=r"company\.employees.*missing_fields='null'"):
        score_frame(_MODEL, frame, as_of=AS_OF)
    out = score_frame(_MODEL, frame, as_of=AS_OF, missing_fields="null")
    assert out["score_rules"].to_list() == [0.0]


def test_a_mapped_column_that_is_not_there() -> None:
    with pytest.raises(ValidationError, match=r"leads\.Staf.*no such column.*did you mean 'Staff'"):
        score_frame(
            _MODEL,
            pl.DataFrame({"id": ["a"], "Staff": [1], "Created": ["2026-01-01"]}),
            as_of=AS_OF,
            mapping={"id": "id", "Staf": "company.employees", "Created": "created_at"},
        )


def test_naive_timestamps_with_a_mapping_time_zone() -> None:
    events = _events(at=[datetime(2026, 10, 31), datetime(2026, 10, 30)])
    mapping = {
        "version": 1,
        "timezone": "UTC",
        "leads": {
            "columns": {"id": "id", "company.employees": "company.employees", "bant.need": "bant.need"},
            "rest": "ignore",
            "defaults": {"created_at": "2026-01-01T00:00:00+00:00"},
        },
        "interactions": {"columns": {"lead_id": "lead_id", "kind": "kind", "at": "at"}},
    }
    out = score_frame(_MODEL, _leads(), interactions=events, as_of=AS_OF, mapping=mapping, missing_fields="null")
    assert out["score_engagement"][0] == pytest.approx(20 * 2 ** (-1 / 45))


def test_not_a_frame() -> None:
    with pytest.raises(ValidationError, match="a dataframe narwhals supports"):
        score_frame(_MODEL, [{"id": "a"}], as_of=AS_OF)
    with pytest.raises(ValidationError, match="as_of"):
        score_frame(_MODEL, _leads(), as_of=datetime(2026, 1, 1))


def test_to_sql_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ConfigError, match=r"dialect.*did you mean 'duckdb'"):
        to_sql(_MODEL, dialect="duckbd", as_of=AS_OF)
    with pytest.raises(ConfigError, match=r"attributes\.plan.*text, number or bool"):
        to_sql(_MODEL, dialect="duckdb", as_of=AS_OF, attributes={"plan": "json"})  # type: ignore[dict-item]
    with pytest.raises(CompileError):
        to_sql(ScoringModel(scorers=[DoubleEmployees()]), dialect="duckdb", as_of=AS_OF)


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "sqlite", "spark", "databricks"])
def test_to_sql_writes_every_dialect(dialect: str) -> None:
    sql = to_sql(leadkit.default_model(), dialect=dialect, as_of=AS_OF, attributes={"graduation_year": "number"})
    assert sql.lstrip().upper().startswith("WITH")
    assert '"score_fit"' in sql or "`score_fit`" in sql


# --- SQLFrame and Spark ----------------------------------------------------------------------------


DASK_MOVING = "ignore:Dask support is moving out of Narwhals:FutureWarning"


def _dask(frame: pl.DataFrame, partitions: int) -> Any:
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(frame.to_pandas(), npartitions=partitions)


@pytest.mark.filterwarnings(DASK_MOVING)
@pytest.mark.parametrize(("lead_parts", "event_parts"), [(3, 4)])
def test_dask_in_dask_out(sample: Any, lead_parts: int, event_parts: int) -> None:
    """Dask frames in several partitions score as every engine does, each time (rows once came misaligned)."""
    model, leads, lead_frame, event_frame = sample
    out = score_frame(model, _dask(lead_frame, lead_parts), interactions=_dask(event_frame, event_parts), as_of=AS_OF)
    assert type(out).__module__.startswith("dask")
    for _ in range(2):
        assert_same(model, leads, out.compute().to_dict("records"), exact_rules=True)


@pytest.mark.filterwarnings(DASK_MOVING)
def test_dask_counts_ties_in_time_one_by_one() -> None:
    """Dask has no ordered windows: interactions at one moment fill a limit as a group, and agree."""
    limited = Frequency.at_most(2, within=7 * DAY)
    model = ScoringModel(
        scorers=[
            EngagementScorer(signals={"pricing_view": Signal(points=10, frequency=limited), "webinar": Signal(5)})
        ],
        engagement=["engagement"],
    )
    moment, earlier = AS_OF - DAY, AS_OF - 2 * DAY
    kinds = ["pricing_view"] * 5 + ["webinar"] * 2
    times = [earlier, moment, moment, moment, AS_OF - 30 * DAY, moment, moment]
    busy = Lead(
        id="busy",
        created_at=AS_OF - 100 * DAY,
        interactions=[Interaction(kind=k, at=t) for k, t in zip(kinds, times, strict=True)],
    )
    lead_frame, event_frame = tables([busy, Lead(id="quiet", created_at=AS_OF - 100 * DAY)])
    out = score_frame(model, _dask(lead_frame, 1), interactions=_dask(event_frame, 2), as_of=AS_OF)
    assert_same(model, [busy], out.compute().to_dict("records")[:1], exact_rules=False)


@pytest.mark.filterwarnings("ignore:pandas only supports SQLAlchemy:UserWarning")
def test_sqlframe_without_a_jvm(sample: Any) -> None:
    from sqlframe.duckdb import DuckDBSession

    model, leads, lead_frame, event_frame = sample
    con = duckdb.connect()
    con.register("leads_in", lead_frame.to_arrow())
    con.register("events_in", event_frame.to_arrow())
    con.execute("CREATE TABLE leads AS SELECT * FROM leads_in")
    con.execute("CREATE TABLE interactions AS SELECT * FROM events_in")
    session = DuckDBSession(conn=con)
    out = score_frame(model, session.table("leads"), interactions=session.table("interactions"), as_of=AS_OF)
    assert_same(model, leads, out.toPandas().to_dict("records"), exact_rules=True)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: PySpark needs one (.ci/run installs OpenJDK 17 when java is missing)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("leadkit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_pyspark_local(spark: Any, sample: Any) -> None:
    model, leads, lead_frame, event_frame = sample
    out = score_frame(
        model,
        spark.createDataFrame(lead_frame.to_arrow()),
        interactions=spark.createDataFrame(event_frame.to_arrow()),
        as_of=AS_OF,
    )
    assert type(out).__module__.startswith("pyspark")
    rows = [row.asDict() for row in out.collect()]
    assert_same(model, leads, rows, exact_rules=True)


# --- corners of the compiler: each checked against the object path -------------------------------

_CORNER_RULES = RuleScorer(
    rules=[
        Rule(name="need_known", when={"field": "bant.need", "exists": True}, points=1),
        Rule(name="budget_missing", when={"field": "bant.budget", "missing": True}, points=2),
        Rule(name="vip", when={"field": "attributes.vip", "in": [True]}, points=4),
        Rule(name="soft", when={"field": "company.industry", "contains": " SOFT"}, points=8),
        Rule(name="web_webinar", when={"interaction": "webinar", "channel": "web"}, points=16),
    ]
)
_CORNER_PERSONA = PersonaFitScorer(
    Persona(name="Small", titles=["data"], max_employees=50, channels=["web"], industries=["software"])
)
_CORNER_LEADS = [
    Lead(
        id="a",
        created_at=AS_OF - 9 * DAY,
        company=Company(industry="Software", employees=20),
        contact=Contact(title="Head of data"),
        bant=BANT(need="yes"),
        attributes={"vip": True},
        interactions=[Interaction(kind="webinar", at=AS_OF - DAY, channel="web")],
    ),
    Lead(
        id="b",
        created_at=AS_OF - 9 * DAY,
        company=Company(industry="retail", employees=500),
        attributes={"vip": False},
        interactions=[Interaction(kind="webinar", at=AS_OF - DAY, channel="email")],
    ),
    Lead(id="c", created_at=AS_OF - 9 * DAY),
]


@pytest.mark.parametrize("scorer", [_CORNER_RULES, _CORNER_PERSONA], ids=["rules", "persona"])
def test_corner_conditions_on_every_engine_and_in_sql(scorer: Any) -> None:
    """BANT exists/missing, `in` on a bool, `contains`, a channel, a size with only a maximum: as the object path."""
    model = ScoringModel(scorers=[scorer], fit=[scorer.name])
    lead_frame, event_frame = tables(_CORNER_LEADS)
    for engine in ("polars", "duckdb", "pandas"):
        make = ENGINES[engine]
        out = score_frame(model, make(lead_frame), interactions=make(event_frame), as_of=AS_OF)
        assert_same(model, _CORNER_LEADS, records(out), exact_rules=True)
    for rows in (run_duckdb_sql(model, lead_frame, event_frame), run_sqlite_sql(model, lead_frame, event_frame)):
        assert_same(model, _CORNER_LEADS, rows, exact_rules=True)
    scores = {q.lead_id: q.scores[scorer.name].value for q in model.qualify_many(_CORNER_LEADS, as_of=AS_OF)}
    if scorer is _CORNER_RULES:
        assert scores == {"a": 1 + 4 + 8 + 16, "b": 1, "c": 1}  # a BANT status always exists (unknown at least)


@pytest.mark.parametrize("scorer", [_CORNER_RULES, _CORNER_PERSONA], ids=["rules", "persona"])
def test_interactions_without_a_channel_column_match_no_channel(scorer: Any) -> None:
    """Without a channel column, channel conditions are false, as for interactions without a channel."""
    model = ScoringModel(scorers=[scorer], fit=[scorer.name])
    leads = [
        attrs.evolve(lead, interactions=[attrs.evolve(i, channel=None) for i in lead.interactions])
        for lead in _CORNER_LEADS
    ]
    lead_frame, event_frame = tables(_CORNER_LEADS)
    out = score_frame(model, lead_frame, interactions=event_frame.drop("channel"), as_of=AS_OF)
    assert_same(model, leads, records(out), exact_rules=True)


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_without_interactions_counts_are_zero(engine: str) -> None:
    """No interactions table: interaction conditions and engagement see no interactions (DuckDB: no renaming)."""
    model = ScoringModel(scorers=[_CORNER_RULES, EngagementScorer()], engagement=["engagement"])
    leads = [attrs.evolve(lead, interactions=[]) for lead in _CORNER_LEADS]
    lead_frame, _ = tables(leads)
    plain = lead_frame.select("id", pl.col("company.industry").alias("industry"))
    out = score_frame(model, ENGINES[engine](lead_frame), as_of=AS_OF)
    assert_same(model, leads, records(out), exact_rules=True)
    out = score_frame(model, ENGINES[engine](plain), as_of=AS_OF, missing_fields="null")
    assert records(out)[0]["score_rules"] == 1  # only the BANT status exists without the fields
    assert records(out)[0]["industry"] == "Software"


@pytest.mark.filterwarnings(DASK_MOVING)
def test_dask_without_interactions() -> None:
    model = ScoringModel(scorers=[_CORNER_RULES])
    leads = [attrs.evolve(lead, interactions=[]) for lead in _CORNER_LEADS[:2]]  # vip set on each: a bool column
    lead_frame, _ = tables(leads)
    out = score_frame(model, _dask(lead_frame, 2), as_of=AS_OF)
    assert_same(model, leads, out.compute().to_dict("records"), exact_rules=True)


def test_interactions_with_only_field_rules_to_score() -> None:
    """An interactions table a model counts nothing in (no hand-raisers either) changes nothing."""
    model = ScoringModel(
        hand_raisers=[],
        scorers=[RuleScorer(rules=[Rule(name="vip", when={"field": "attributes.vip", "eq": True}, points=3)])],
    )
    lead_frame, event_frame = tables(_CORNER_LEADS)
    out = score_frame(model, lead_frame, interactions=event_frame, as_of=AS_OF)
    assert out["score_rules"].to_list() == [3.0, 0.0, 0.0]
    sql = to_sql(model, dialect="duckdb", as_of=AS_OF, attributes=ATTRIBUTES)
    assert "__lk_counts" not in sql


def test_persona_fields_missing_from_the_table_score_as_missing() -> None:
    """With missing_fields='null', absent title, size and industry columns score as on leads without them."""
    persona = PersonaFitScorer(Persona(name="P", titles=["data"], min_employees=5, industries=["software"]))
    model = ScoringModel(scorers=[persona])
    out = score_frame(model, pl.DataFrame({"id": ["a"]}), as_of=AS_OF, missing_fields="null")
    expected = persona.score(Lead(id="a", created_at=AS_OF), as_of=AS_OF).value
    assert out["score_fit"].to_list() == [expected]


def test_a_single_scorer_is_a_model_of_its_own() -> None:
    """score_frame takes one scorer as a model of that scorer; anything else is refused at `model`."""
    frame = pl.DataFrame({"id": ["a", "b"], "company.employees": [300.0, 3.0]})
    scorer = RuleScorer(rules=[Rule(name="big", when={"field": "company.employees", "gte": 200}, points=10)])
    out = score_frame(scorer, frame, as_of=AS_OF)
    assert out["score_rules"].to_list() == [10.0, 0.0]
    assert out["total"].to_list() == [10.0, 0.0]
    with pytest.raises(ValidationError) as info:
        score_frame("rules", frame, as_of=AS_OF)  # type: ignore[arg-type]
    assert info.value.path == "model"
    assert info.value.expected == "a ScoringModel or a scorer"


def test_a_series_is_not_a_frame() -> None:
    with pytest.raises(ValidationError, match=r"leads: expected a dataframe narwhals supports .* \(got 'Series'\)"):
        score_frame(_MODEL, pl.Series("id", ["a"]), as_of=AS_OF)


def test_an_all_null_column_reads_as_missing_values() -> None:
    """A column of nulls only (polars' Null type) is read as the field's type, every value missing."""
    frame = pl.DataFrame({"id": ["a"], "company.employees": [None], "company.industry": [None]})
    assert frame["company.employees"].dtype == pl.Null
    model = ScoringModel(scorers=[_CORNER_RULES])
    out = score_frame(model, frame, as_of=AS_OF, missing_fields="null")
    assert out["score_rules"].to_list() == [model.qualify(Lead(id="a", created_at=AS_OF), as_of=AS_OF).total] == [1.0]


def test_a_column_of_an_unreadable_type_is_refused() -> None:
    frame = pl.DataFrame({"id": ["a"], "attributes.tags": [["x", "y"]]})
    model = ScoringModel(
        scorers=[RuleScorer(rules=[Rule(name="t", when={"field": "attributes.tags", "eq": "x"}, points=1)])]
    )
    with pytest.raises(ValidationError) as info:
        score_frame(model, frame, as_of=AS_OF)
    assert info.value.path == 'leads["attributes.tags"]'
    assert "expected text, numbers or booleans (attributes.tags)" in str(info.value)


def test_a_frame_hook_reading_a_field_without_a_column() -> None:
    """A custom scorer's frame_expr asking for a field the table lacks gets a ValidationError naming it."""
    with pytest.raises(ValidationError) as info:
        score_frame(ScoringModel(scorers=[DoubleEmployees()]), pl.DataFrame({"id": ["a"]}), as_of=AS_OF)
    assert info.value.path == 'leads["company.employees"]'
    assert "expected a column for this field" in str(info.value)


def test_lead_tables_flatten_nested_attributes_and_leave_out_lists() -> None:
    lead = Lead(id="a", created_at=AS_OF, attributes={"plan": {"tier": "pro", "seats": 5}, "tags": ["x"]})
    rows, _ = lead_tables([lead])
    assert rows[0]["attributes.plan.tier"] == "pro"
    assert rows[0]["attributes.plan.seats"] == 5
    assert not any(key.startswith("attributes.tags") for key in rows[0])


_CREATED = {"created_at": "2026-01-01T00:00:00+00:00"}


@pytest.mark.parametrize(
    ("mapping", "events", "path", "fragment"),
    [
        (
            {
                "version": 1,
                "leads": {
                    "columns": {"Staff": "company.employees"},
                    "row_ids": True,
                    "rest": "ignore",
                    "defaults": _CREATED,
                },
            },
            None,
            "leads.id",
            "a column mapped to id (row_ids is for CSV files)",
        ),
        (
            {"version": 1, "leads": {"columns": {"id": "id"}, "rest": "ignore", "defaults": _CREATED}},
            _events(),
            "interactions",
            "an interactions section in the mapping",
        ),
        (
            {
                "version": 1,
                "leads": {"columns": {"id": "id"}, "rest": "ignore", "defaults": _CREATED},
                "interactions": {"columns": {"Who": "lead_id", "kind": "kind", "at": "at"}},
            },
            _events(),
            "interactions.Who",
            "no such column",
        ),
        (5, None, "mapping", "a ColumnMapping, a mapping of column -> field path, or a YAML file's path"),
    ],
)
def test_mapping_errors(mapping: Any, events: Any, path: str, fragment: str) -> None:
    frame = pl.DataFrame({"id": ["a", "b"], "Staff": [1.0, 2.0]})
    with pytest.raises(LeadkitError) as info:
        score_frame(_MODEL, frame, interactions=events, as_of=AS_OF, mapping=mapping, missing_fields="null")
    assert info.value.path == path  # type: ignore[attr-defined]
    assert fragment in str(info.value)


def test_a_mapping_from_a_yaml_file_and_an_unused_value_column(tmp_path: Any) -> None:
    """A mapping file's path works like its data; an interaction value column is mapped but not read."""
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "version: 1\nleads: {columns: {Lead: id}, rest: ignore, defaults: {created_at: '2026-01-01T00:00:00Z'}}\n"
        "interactions: {columns: {lead_id: lead_id, kind: kind, at: at, amount: value}}\n"
    )
    events = _events(lead_id=["a", "a"], amount=[1.0, 2.0])
    model = ScoringModel(scorers=[EngagementScorer()])
    out = score_frame(model, pl.DataFrame({"Lead": ["a", "b"]}), interactions=events, as_of=AS_OF, mapping=str(path))
    expected = EngagementScorer().score(
        Lead(
            id="a",
            created_at=AS_OF - 9 * DAY,
            interactions=[Interaction(kind="webinar", at=AS_OF - DAY), Interaction(kind="chat", at=AS_OF - 2 * DAY)],
        ),
        as_of=AS_OF,
    )
    assert out["score_engagement"].to_list() == pytest.approx([expected.value, 0.0])


class _Always:
    """A condition of the user's own: it runs on leads, but cannot be compiled."""

    def describe(self) -> str:
        return "always"

    def to_data(self) -> dict[str, Any]:
        return {"always": True}

    def compile(self) -> Callable[[Lead, float], bool]:
        return lambda lead, now: True


def test_a_condition_of_your_own_cannot_be_compiled() -> None:
    model = ScoringModel(scorers=[RuleScorer(rules=[Rule(name="any", when=_Always(), points=1)])])
    assert model.qualify(Lead(id="a", created_at=AS_OF), as_of=AS_OF).total == 1
    with pytest.raises(CompileError, match=r"the condition .*_Always.* is not one leadkit can compile"):
        to_sql(model, dialect="duckdb", as_of=AS_OF)
    with pytest.raises(CompileError, match="is not one leadkit can compile"):
        score_frame(model, pl.DataFrame({"id": ["a"]}), as_of=AS_OF)


def test_to_sql_refuses_columns_for_unknown_fields() -> None:
    with pytest.raises(ConfigError) as info:
        to_sql(_MODEL, dialect="duckdb", as_of=AS_OF, columns={"attributes.plan": "Plan"})
    assert info.value.path == 'columns["attributes.plan"]'
    assert "a lead field path (attributes.<key> listed in attributes)" in str(info.value)


def test_to_sql_without_an_interactions_table() -> None:
    """interactions=None: the query reads only the leads table; interaction conditions and engagement see none."""
    model = ScoringModel(scorers=[_CORNER_RULES, EngagementScorer()], engagement=["engagement"])
    leads = [attrs.evolve(lead, interactions=[]) for lead in _CORNER_LEADS]
    lead_frame, _ = tables(leads)
    sql = to_sql(model, dialect="duckdb", as_of=AS_OF, interactions=None, attributes=ATTRIBUTES)
    assert '"interactions"' not in sql
    con = duckdb.connect()
    con.register("leads", lead_frame.to_arrow())
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert_same(model, leads, rows, exact_rules=True)


def test_pandas_object_column_of_booleans() -> None:
    """A bool attribute with missing values comes to pandas as an object column; it still compares as bool.

    A missing value stays missing (not False), and the frame given is returned unchanged beside the results.
    """
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "attributes.vip": [True, False, None, np.True_]})
    assert frame["attributes.vip"].dtype == object
    rules = [
        Rule(name="vip", when={"field": "attributes.vip", "eq": True}, points=4),
        Rule(name="not vip", when={"field": "attributes.vip", "eq": False}, points=2),
        Rule(name="unknown", when={"field": "attributes.vip", "missing": True}, points=1),
    ]
    model = ScoringModel(scorers=[RuleScorer(rules=rules)])
    out = score_frame(model, frame, as_of=AS_OF)
    assert out["score_rules"].to_list() == [4.0, 2.0, 1.0, 4.0]
    assert out["attributes.vip"].dtype == object
    leads = [
        Lead.from_dict({"id": i, "created_at": AS_OF.isoformat(), "attributes": {"vip": v}})
        for i, v in [("a", True), ("b", False), ("d", True)]
    ] + [Lead(id="c", created_at=AS_OF)]
    expected = {q.lead_id: q.scores["rules"].value for q in model.qualify_many(leads, as_of=AS_OF)}
    assert dict(zip(out["id"], out["score_rules"], strict=True)) == expected


@pytest.mark.parametrize(
    ("values", "found"),
    [
        ([True, "yes", None], "an object column of booleans and text"),
        ([1, "1", None], "an object column of numbers and text"),
        ([True, 1, None], "an object column of booleans and numbers"),
        ([[1], None], "an object column of list"),
    ],
)
def test_pandas_object_column_of_mixed_values_is_refused(values: list[Any], found: str) -> None:
    """Values of several kinds in one column would compare as text (True as "True"): refused, naming the column."""
    frame = pd.DataFrame({"id": [str(i) for i in range(len(values))], "attributes.x": pd.Series(values, dtype=object)})
    model = ScoringModel(
        scorers=[RuleScorer(rules=[Rule(name="x", when={"field": "attributes.x", "eq": True}, points=1)])]
    )
    with pytest.raises(ValidationError) as caught:
        score_frame(model, frame, as_of=AS_OF)
    assert caught.value.path == 'leads["attributes.x"]'
    assert found in str(caught.value)


def test_pandas_object_columns_of_numbers_and_text_score_as_those() -> None:
    """An object column of numbers (or of text) with missing values scores as numbers (or text)."""
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "attributes.n": pd.Series([5, 2.5, None], dtype=object),
            "attributes.t": pd.Series(["x", None, "y"], dtype=object),
        }
    )
    rules = [
        Rule(name="big", when={"field": "attributes.n", "gt": 3}, points=4),
        Rule(name="x", when={"field": "attributes.t", "eq": "x"}, points=2),
        Rule(name="no t", when={"field": "attributes.t", "missing": True}, points=1),
    ]
    out = score_frame(ScoringModel(scorers=[RuleScorer(rules=rules)]), frame, as_of=AS_OF)
    assert out["score_rules"].to_list() == [6.0, 1.0, 0.0]


@given(st.lists(st.booleans(), max_size=4), st.integers(0, 2))
def test_and_or_fold_constants(flags: list[bool], columns: int) -> None:
    """and_/or_ of constants is the constant all()/any() gives (TRUE and FALSE for none); columns are kept."""
    from leadkit.frames._ir import FALSE, TRUE, Col, Lit, and_, or_

    constants = [Lit(flag) for flag in flags]
    assert and_(*constants) == Lit(all(flags))
    assert or_(*constants) == Lit(any(flags))
    cols = [Col(f"c{i}") for i in range(columns)]
    if columns and all(flags):
        assert and_(*constants, *cols) == (cols[0] if columns == 1 else and_(*cols))
    if columns and not any(flags):
        assert or_(*constants, *cols) == (cols[0] if columns == 1 else or_(*cols))
    assert and_() == TRUE
    assert or_() == FALSE


def test_interaction_conditions_without_an_interactions_table_count_none() -> None:
    """No interactions table: `at least n` interactions is false for n >= 1, as for a lead without interactions."""
    rules = [
        Rule(name="webinar", when={"interaction": "webinar"}, points=5),
        Rule(name="no_chat", when={"not": {"interaction": "chat"}}, points=1),
    ]
    model = ScoringModel(scorers=[RuleScorer(rules=rules)])
    out = score_frame(model, pl.DataFrame({"id": ["a"]}), as_of=AS_OF)
    assert out["score_rules"].to_list() == [model.qualify(Lead(id="a", created_at=AS_OF), as_of=AS_OF).total] == [1.0]
    sql = to_sql(model, dialect="duckdb", as_of=AS_OF, interactions=None)
    con = duckdb.connect()
    con.execute("CREATE TABLE leads AS SELECT 'a' AS id")
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    assert dict(zip(names, cursor.fetchone() or (), strict=True))["score_rules"] == 1.0


def test_to_sql_reads_renamed_columns() -> None:
    """`columns` maps field paths (and id) to the table's own column names."""
    model = ScoringModel(
        scorers=[RuleScorer(rules=[Rule(name="big", when={"field": "company.employees", "gte": 200}, points=10)])]
    )
    sql = to_sql(
        model, dialect="duckdb", as_of=AS_OF, interactions=None, columns={"id": "LeadId", "company.employees": "Staff"}
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE leads AS SELECT * FROM (VALUES ('a', 300), ('b', 3)) t(\"LeadId\", \"Staff\")")
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    assert (rows["a"]["score_rules"], rows["b"]["score_rules"]) == (10.0, 0.0)
