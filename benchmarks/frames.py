"""frames: one model over 1,000,000 leads and 10,000,000 interactions, on every engine, in one run.

A model of 20 rules (firmographics, contact, custom fields and recent
interactions) and a decayed engagement scorer (8 signals, with frequency
limits) scores synthetic leads with `leadkit.frames.score_frame` on pandas,
polars (lazy), DuckDB and PySpark (local[2]), beside the same model written
by hand in pandas and in native polars, and with the object path
(`ScoringModel.qualify`) on a 20,000-lead sample. The hand-written versions
compute what leadkit returns (the scores, total, grade, temperature, MQL and
sales-ready flags) with the model's semantics (ids compared stripped, text
and interaction kinds stripped and lower-cased). Every time runs from the
input frames to a materialised result. It then checks every engine's totals,
grades and flags against leadkit on polars, which the object path (the
reference semantics) checks on the sample, and prints the rates and the
ratios the targets name:

* leadkit on polars >= 0.9x the hand-written polars rate and >= 2x the
  hand-written pandas rate;
* leadkit on pandas >= 0.85x the hand-written pandas rate.

Spark's session start-up and the conversion of the polars frames (through
Arrow) are timed apart and printed beside its rate.

Usage: python benchmarks/frames.py [--leads 1000000] [--interactions 10000000]
       [--skip-spark] [--spark-leads N] [--sample 20000] [--repeat 1] [--seed 7]
"""

from __future__ import annotations

import argparse
import gc
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

import leadkit
from leadkit.frames import score_frame

AS_OF = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
ANCHOR = datetime(1970, 1, 5, tzinfo=timezone.utc)  # where frequency periods are counted from (a Monday)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAY = timedelta(days=1)
US = timedelta(microseconds=1)
TOLERANCE = 1e-6  # relative

DECISION_MAKER = r"\b(?:head|director|vp|chief|manager)\b"
PERSONAL_EMAIL = r"@(?:gmail|yahoo|hotmail)[.]com$"
PRICING_KINDS = ["pricing_view", "demo_request"]
READING_KINDS = ["content_download", "email_click"]
LIVE_KINDS = ["webinar", "event_scan"]

MODEL: dict[str, Any] = {
    "version": 1,
    "name": "frames-benchmark",
    "scorers": [
        {
            "type": "rules",
            "name": "rules",
            "side": "fit",
            "rules": [
                {"name": "software", "when": {"field": "company.industry", "eq": "Software"}, "points": 10},
                {
                    "name": "finance",
                    "when": {"field": "company.industry", "in": ["Banking", "Insurance", "Financial Services"]},
                    "points": 8,
                },
                {
                    "name": "outside core markets",
                    "when": {"field": "company.country", "not_in": ["US", "GB", "DE", "CA", "FR", "NL", "IN"]},
                    "points": -3,
                },
                {"name": "enterprise", "when": {"field": "company.employees", "gte": 1000}, "points": 12},
                {"name": "tiny company", "when": {"field": "company.employees", "lt": 10}, "points": -6},
                {"name": "mid-market", "when": {"field": "company.employees", "between": [50, 999]}, "points": 6},
                {"name": "decision maker", "when": {"field": "contact.title", "matches": DECISION_MAKER}, "points": 10},
                {"name": "engineer", "when": {"field": "contact.title", "contains": "engineer"}, "points": 4},
                {"name": "student", "when": {"field": "contact.title", "contains": "Student"}, "points": -8},
                {"name": "has email", "when": {"field": "contact.email", "exists": True}, "points": 3},
                {"name": "no email", "when": {"field": "contact.email", "missing": True}, "points": -10},
                {"name": "personal email", "when": {"field": "contact.email", "matches": PERSONAL_EMAIL}, "points": -4},
                {"name": "referral", "when": {"field": "source", "eq": "referral"}, "points": 7},
                {"name": "bought list", "when": {"field": "source", "in": ["bought_list", "scraped"]}, "points": -10},
                {"name": "need confirmed", "when": {"field": "bant.need", "eq": "yes"}, "points": 6},
                {"name": "paid plan", "when": {"field": "attributes.plan", "in": ["pro", "enterprise"]}, "points": 9},
                {"name": "frequent visitor", "when": {"field": "attributes.visits", "gte": 10}, "points": 5},
                {
                    "name": "pricing interest",
                    "when": {"interaction": PRICING_KINDS, "at_least": 2, "within": "30d"},
                    "points": 8,
                },
                {
                    "name": "active reader",
                    "when": {"interaction": READING_KINDS, "at_least": 3, "within": "30d"},
                    "points": 4,
                },
                {
                    "name": "met us live",
                    "when": {"interaction": LIVE_KINDS, "at_least": 1, "within": "30d"},
                    "points": 5,
                },
            ],
        },
        {
            "type": "engagement",
            "name": "engagement",
            "side": "engagement",
            "half_life": "30d",
            "floor": 0,
            "signals": {
                "demo_request": {"points": 60, "half_life": "90d", "frequency": {"at_most": 1, "within": "30d"}},
                "free_trial": {"points": 50, "half_life": "60d", "frequency": "once"},
                "pricing_view": {"points": 25, "half_life": "2w", "frequency": {"at_most": 3, "within": "1w"}},
                "webinar": {"points": 20, "half_life": "45d", "frequency": "every"},
                "content_download": {"points": 15, "half_life": "60d", "frequency": {"at_most": 3, "within": "1w"}},
                "email_click": {"points": 5, "frequency": {"at_most": 3, "within": "1w"}},
                "page_view": {"points": 1, "half_life": "2w", "frequency": {"at_most": 10, "within": "1d"}},
                "unsubscribe": {"points": -30, "half_life": "90d", "frequency": "once"},
            },
        },
    ],
}

# The engagement signals as the hand-written versions read them:
# kind -> (points, half-life in seconds, at most this many (None: every one), per period of this many µs (None: ever)).
SIGNALS: dict[str, tuple[float, float, int | None, int | None]] = {
    "demo_request": (60.0, 90 * 86_400.0, 1, 30 * 86_400_000_000),
    "free_trial": (50.0, 60 * 86_400.0, 1, None),
    "pricing_view": (25.0, 14 * 86_400.0, 3, 7 * 86_400_000_000),
    "webinar": (20.0, 45 * 86_400.0, None, None),
    "content_download": (15.0, 60 * 86_400.0, 3, 7 * 86_400_000_000),
    "email_click": (5.0, 30 * 86_400.0, 3, 7 * 86_400_000_000),
    "page_view": (1.0, 14 * 86_400.0, 10, 86_400_000_000),
    "unsubscribe": (-30.0, 90 * 86_400.0, 1, None),
}

SIGNAL_COLUMNS = ["kind", "points", "half_life", "limit", "window"]

# The qualification the model leaves at leadkit's defaults, as the hand-written versions compute it:
# grade from the fit side (the rules), temperature from the engagement side, MQL from the total and grade,
# sales-ready from a hand-raising interaction in the last 30 days.
GRADES = [(75.0, "A"), (50.0, "B"), (25.0, "C")]  # else "D"
TEMPERATURES = [(50.0, "hot"), (15.0, "warm")]  # else "cold"
MQL_TOTAL, MQL_GRADES = 60.0, ["A", "B"]
HAND_RAISERS = ["demo_request", "free_trial"]
FLAGS = ["grade", "temperature", "mql", "sales_ready"]

# Interaction kinds drawn, with their shares: the signals, a kind only a rule reads, and kinds the model ignores.
KINDS = {
    "page_view": 0.30,
    "email_open": 0.12,
    "email_click": 0.10,
    "content_download": 0.08,
    "pricing_view": 0.08,
    "webinar": 0.05,
    "demo_request": 0.03,
    "free_trial": 0.02,
    "unsubscribe": 0.01,
    "event_scan": 0.04,
    "chat": 0.04,
    "survey_reply": 0.07,
    "ad_impression": 0.06,
}


# --- synthetic data --------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, values: list[Any], shares: list[float], size: int) -> pl.Series:
    """``size`` values drawn with the given shares (None among the values gives nulls)."""
    index = rng.choice(len(values), size=size, p=np.asarray(shares) / sum(shares))
    return pl.Series(values, dtype=pl.String).gather(index)


def _with_nulls(rng: np.random.Generator, values: np.ndarray, share: float, dtype: Any) -> pl.Series:
    array = values.astype(np.float64)
    array[rng.random(len(array)) < share] = np.nan
    return pl.Series(array).fill_nan(None).cast(dtype)


def make_leads(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """``n`` leads, one row each, columns named by field path; some text in odd case, padded or blank."""
    index = pl.int_range(n, eager=True)
    ids = ("L" + index.cast(pl.String)).alias("id")
    domains = ["gmail.com", "yahoo.com", "hotmail.com", "acme.io", "bigbank.co.uk", "initech.com", "univ.edu", None]
    domain = _pick(rng, domains, [18, 6, 5, 20, 12, 18, 6, 15], n)
    titles = [
        "Head of Data",
        "Software Engineer",
        "senior engineer",
        "Student",
        "Graduate STUDENT",
        "Marketing Manager",
        "VP Sales",
        "Data Analyst",
        "Director of IT",
        "Chief Executive",
        "Intern",
        "Engineering Manager",
        "Managerial Accountant",
        None,
    ]
    industries = ["Software", "software ", "Banking", "Insurance", "Financial Services", "Retail", "Education"]
    sources = ["web", "referral", " Referral", "event", "webinar", "bought_list", "Scraped", "partner", " ", None]
    plans = ["free", "pro", "Enterprise", "team", None]
    countries = ["US", "GB", "DE", "CA", "FR", "NL", "IN", "SG", "AU", "BR", "JP", "ES", None]
    return pl.DataFrame(
        [
            ids,
            _pick(rng, sources, [30, 8, 2, 10, 10, 8, 4, 10, 3, 15], n).alias("source"),
            _pick(rng, titles, [6, 10, 6, 5, 2, 8, 4, 10, 5, 2, 4, 5, 3, 30], n).alias("contact.title"),
            ("u" + index.cast(pl.String) + "@" + domain).alias("contact.email"),
            _pick(rng, [*industries, "Healthcare", None], [12, 3, 8, 6, 6, 10, 10, 10, 35], n).alias(
                "company.industry"
            ),
            _with_nulls(rng, np.clip(rng.lognormal(4.0, 2.0, n), 1, 500_000).astype(np.int64), 0.1, pl.Int64).alias(
                "company.employees"
            ),
            _pick(rng, countries, [25, 10, 8, 5, 5, 3, 10, 4, 4, 4, 3, 4, 15], n).alias("company.country"),
            _pick(rng, ["yes", "no", "partial", "unknown"], [20, 20, 10, 50], n).alias("bant.need"),
            _pick(rng, plans, [40, 15, 5, 10, 30], n).alias("attributes.plan"),
            _with_nulls(rng, rng.geometric(0.15, n), 0.2, pl.Int64).alias("attributes.visits"),
        ]
    )


def make_interactions(n: int, m: int, rng: np.random.Generator) -> pl.DataFrame:
    """``m`` interactions of ``n`` leads over the 365 days before `AS_OF`: a few busy leads, bursts, 2% repeats."""
    fresh = m - m // 50
    activity = rng.pareto(2.0, n) + 0.1
    lead = rng.choice(n, size=fresh, p=activity / activity.sum())
    year_us = 365 * 86_400_000_000
    centre = rng.integers(0, year_us, n)
    burst = centre[lead] + rng.normal(0.0, 7 * 86_400e6, fresh).astype(np.int64)
    ago = np.where(rng.random(fresh) < 0.6, burst, rng.integers(0, year_us, fresh))
    ago = np.clip(ago, 0, year_us - 1)
    kind = rng.choice(len(KINDS), size=fresh, p=np.asarray(list(KINDS.values())) / sum(KINDS.values()))
    repeat = rng.integers(0, fresh, m - fresh)  # the same event recorded twice (same lead, kind and time)
    lead, ago, kind = (np.concatenate([a, a[repeat]]) for a in (lead, ago, kind))
    as_of_us = (AS_OF - EPOCH) // US
    at = pl.Series(as_of_us - ago).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    return pl.DataFrame(
        [
            ("L" + pl.Series(lead).cast(pl.String)).alias("lead_id"),
            pl.Series(list(KINDS), dtype=pl.String).gather(kind).alias("kind"),
            at.alias("at"),
            _pick(rng, ["web", "email", "event", "social", None], [40, 30, 10, 10, 10], m).alias("channel"),
        ]
    )


def make_lead_objects(leads: pl.DataFrame, interactions: pl.DataFrame) -> list[leadkit.Lead]:
    """The rows as `leadkit.Lead` objects (for the object path)."""
    events: dict[str, list[leadkit.Interaction]] = {}
    for lead_id, kind, at, channel in interactions.iter_rows():
        events.setdefault(lead_id, []).append(leadkit.Interaction(kind=kind, at=at, channel=channel))
    created = AS_OF - timedelta(days=400)
    result = []
    for row in leads.iter_rows(named=True):
        attributes = {k: row[f"attributes.{k}"] for k in ("plan", "visits") if row[f"attributes.{k}"] is not None}
        result.append(
            leadkit.Lead(
                id=row["id"],
                created_at=created,
                source=row["source"],
                contact=leadkit.Contact(title=row["contact.title"], email=row["contact.email"]),
                company=leadkit.Company(
                    industry=row["company.industry"],
                    employees=row["company.employees"],
                    country=row["company.country"],
                ),
                bant=leadkit.BANT(need=row["bant.need"]),
                attributes=attributes,
                interactions=events.get(row["id"], []),
            )
        )
    return result


# --- the model written by hand: pandas ---------------------------------------------------------------


def hand_pandas(leads: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """`MODEL` in vectorised pandas: ``leads`` with the scores, total, grade, temperature and flags added."""

    def text(column: str) -> pd.Series:
        return leads[column].str.strip().str.lower()

    # The model's semantics, as leadkit applies them: ids compared stripped, kinds stripped and lower-cased.
    leads = leads.assign(id=leads["id"].str.strip())
    events = events.assign(lead_id=events["lead_id"].str.strip(), kind=events["kind"].str.strip().str.lower())
    industry, country, title, source = (
        text(c) for c in ("company.industry", "company.country", "contact.title", "source")
    )
    email = leads["contact.email"]
    has_email = email.notna() & email.str.strip().ne("")
    employees = leads["company.employees"]
    visits = leads["attributes.visits"]
    counts = _pandas_counts(events).reindex(leads["id"]).fillna(0).to_numpy()
    hits = [
        (industry.eq("software"), 10),
        (industry.isin(["banking", "insurance", "financial services"]), 8),
        (country.notna() & country.ne("") & ~country.isin(["us", "gb", "de", "ca", "fr", "nl", "in"]), -3),
        (employees.ge(1000), 12),
        (employees.lt(10), -6),
        (employees.between(50, 999), 6),
        (title.str.contains(DECISION_MAKER, case=False, regex=True, na=False), 10),
        (title.str.contains("engineer", regex=False, na=False), 4),
        (title.str.contains("student", regex=False, na=False), -8),
        (has_email, 3),
        (~has_email, -10),
        (email.str.contains(PERSONAL_EMAIL, case=False, regex=True, na=False), -4),
        (source.eq("referral"), 7),
        (source.isin(["bought_list", "scraped"]), -10),
        (text("bant.need").eq("yes"), 6),
        (text("attributes.plan").isin(["pro", "enterprise"]), 9),
        (visits.ge(10), 5),
        (counts[:, 0] >= 2, 8),
        (counts[:, 1] >= 3, 4),
        (counts[:, 2] >= 1, 5),
    ]
    rules = np.zeros(len(leads))
    for hit, points in hits:
        rules += np.where(hit, points, 0)
    engagement = _pandas_engagement(events).reindex(leads["id"]).fillna(0.0).clip(lower=0.0).to_numpy()
    total = rules + engagement
    grade = np.select([rules >= at for at, _ in GRADES], [g for _, g in GRADES], "D")
    temperature = np.select([engagement >= at for at, _ in TEMPERATURES], [t for _, t in TEMPERATURES], "cold")
    return leads.assign(
        rules=rules,
        engagement=engagement,
        total=total,
        grade=grade,
        temperature=temperature,
        mql=(total >= MQL_TOTAL) & np.isin(grade, MQL_GRADES),
        sales_ready=counts[:, 3] > 0,
    )


def _pandas_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per lead, the interactions of each interaction rule's kinds (and hand-raisers) in the 30 days to `AS_OF`."""
    at = events["at"]
    recent = events.loc[(at >= AS_OF - 30 * DAY) & (at <= AS_OF), ["lead_id", "kind"]]
    kind = recent["kind"]
    flags = pd.DataFrame(
        {
            "pricing": kind.isin(PRICING_KINDS),
            "reading": kind.isin(READING_KINDS),
            "live": kind.isin(LIVE_KINDS),
            "raised": kind.isin(HAND_RAISERS),
        }
    )
    return flags.groupby(recent["lead_id"].to_numpy()).sum()


def _pandas_engagement(events: pd.DataFrame) -> pd.Series:
    """Per lead, the decayed sum of the counted signals (before the floor)."""
    signals = pd.DataFrame([(k, *s) for k, s in SIGNALS.items()], columns=SIGNAL_COLUMNS)
    events = events.loc[events["at"] <= AS_OF, ["lead_id", "kind", "at"]].merge(signals, on="kind")
    events = events.sort_values("at")
    us = events["at"].dt.as_unit("us").astype("int64")
    period = np.floor((us - (ANCHOR - EPOCH) // US) / events["window"]).fillna(0)  # no window: one period
    rank = events.groupby([events["lead_id"], events["kind"], period], sort=False).cumcount()
    events = events[events["limit"].isna() | (rank < events["limit"])]
    age = ((AS_OF - EPOCH) // US - us[events.index]) / 1e6
    worth = events["points"] * np.exp2(-age / events["half_life"])
    return worth.groupby(events["lead_id"], sort=False).sum()


# --- the model written by hand: native polars --------------------------------------------------------


def hand_polars(leads: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """`MODEL` in native lazy polars: ``leads`` with the scores, total, grade, temperature and flags added."""

    def text(column: str) -> pl.Expr:
        return pl.col(column).str.strip_chars().str.to_lowercase()

    country = text("company.country")
    email = pl.col("contact.email")
    has_email = email.is_not_null() & (email.str.strip_chars() != "")
    title = text("contact.title")
    hits = [
        (text("company.industry") == "software", 10),
        (text("company.industry").is_in(["banking", "insurance", "financial services"]), 8),
        ((country != "") & ~country.is_in(["us", "gb", "de", "ca", "fr", "nl", "in"]), -3),
        (pl.col("company.employees") >= 1000, 12),
        (pl.col("company.employees") < 10, -6),
        (pl.col("company.employees").is_between(50, 999), 6),
        (title.str.contains(DECISION_MAKER), 10),
        (title.str.contains("engineer", literal=True), 4),
        (title.str.contains("student", literal=True), -8),
        (has_email, 3),
        (~has_email, -10),
        (email.str.contains("(?i)" + PERSONAL_EMAIL), -4),
        (text("source") == "referral", 7),
        (text("source").is_in(["bought_list", "scraped"]), -10),
        (text("bant.need") == "yes", 6),
        (text("attributes.plan").is_in(["pro", "enterprise"]), 9),
        (pl.col("attributes.visits") >= 10, 5),
        (pl.col("pricing") >= 2, 8),
        (pl.col("reading") >= 3, 4),
        (pl.col("live") >= 1, 5),
    ]
    rules = pl.sum_horizontal(pl.when(hit).then(points).otherwise(0) for hit, points in hits).cast(pl.Float64)
    # The model's semantics, as leadkit applies them: ids compared stripped, kinds stripped and lower-cased.
    leads = leads.lazy().with_columns(pl.col("id").str.strip_chars())
    events = events.lazy().with_columns(pl.col("lead_id").str.strip_chars(), text("kind"))
    at = pl.col("at")
    kind = pl.col("kind")
    counts = (
        events.lazy()
        .filter(at.is_between(AS_OF - 30 * DAY, AS_OF))
        .group_by("lead_id")
        .agg(
            kind.is_in(PRICING_KINDS).sum().alias("pricing"),
            kind.is_in(READING_KINDS).sum().alias("reading"),
            kind.is_in(LIVE_KINDS).sum().alias("live"),
            kind.is_in(HAND_RAISERS).sum().alias("raised"),
        )
    )

    def banded(column: str, bands: list[tuple[float, str]], otherwise: str) -> pl.Expr:
        expr = pl.lit(otherwise)
        for at, name in reversed(bands):
            expr = pl.when(pl.col(column) >= at).then(pl.lit(name)).otherwise(expr)
        return expr

    grade = banded("rules", GRADES, "D")
    return (
        leads.lazy()
        .join(counts, left_on="id", right_on="lead_id", how="left")
        .join(_polars_engagement(events), left_on="id", right_on="lead_id", how="left")
        .with_columns(rules.alias("rules"), pl.col("engagement").fill_null(0.0).clip(lower_bound=0.0))
        .with_columns(
            total=pl.col("rules") + pl.col("engagement"),
            grade=grade,
            temperature=banded("engagement", TEMPERATURES, "cold"),
            sales_ready=pl.col("raised").fill_null(0) > 0,
        )
        .with_columns(mql=(pl.col("total") >= MQL_TOTAL) & pl.col("grade").is_in(MQL_GRADES))
        .drop("pricing", "reading", "live", "raised")
        .collect()
    )


def _polars_engagement(events: pl.LazyFrame) -> pl.LazyFrame:
    """Per lead, the decayed sum of the counted signals (before the floor)."""
    signals = pl.LazyFrame([(k, *s) for k, s in SIGNALS.items()], schema=SIGNAL_COLUMNS, orient="row")
    us = pl.col("at").dt.epoch("us")
    window = pl.col("window")
    period = pl.when(window.is_null()).then(0).otherwise((us - (ANCHOR - EPOCH) // US) // window)
    age = ((AS_OF - EPOCH) // US - us) / 1e6
    rank = pl.col("at").rank("ordinal").over("lead_id", "kind", "period")
    return (
        events.lazy()
        .filter(pl.col("at") <= AS_OF)
        .join(signals, on="kind")
        .with_columns(period.alias("period"))
        .filter(pl.col("limit").is_null() | (rank <= pl.col("limit")))
        .group_by("lead_id")
        .agg((pl.col("points") * pl.lit(2.0).pow(-age / pl.col("half_life"))).sum().alias("engagement"))
    )


# --- running and checking ----------------------------------------------------------------------------


@dataclass
class Runs:
    """The timings so far, and the totals each engine gave (an ``id``, ``total`` frame)."""

    repeat: int = 1
    rows: list[tuple[str, int, float]] = field(default_factory=list)
    totals: dict[str, pl.DataFrame] = field(default_factory=dict)

    def time(self, label: str, count: int, run: Callable[[], Any]) -> Any:
        """Run ``run`` `repeat` times, record the best time for ``count`` leads and return the last result."""
        best = math.inf
        result = None
        for _ in range(self.repeat):
            result = None
            gc.collect()
            start = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - start)
        self.rows.append((label, count, best))
        return result

    def rate(self, label: str) -> float:
        """Leads per second of the run named ``label``."""
        return next(count / seconds for name, count, seconds in self.rows if name == label)


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def _totals(frame: Any) -> pl.DataFrame:
    """The ``id``, ``total`` and `FLAGS` columns of a result, as polars (temperatures as plain text)."""
    native = (
        frame
        if isinstance(frame, pl.DataFrame)
        else pl.from_dataframe(frame)
        if hasattr(frame, "__dataframe__")
        else pl.from_arrow(frame)
    )
    return native.select(
        pl.col("id").cast(pl.String),
        pl.col("total").cast(pl.Float64),
        *(pl.col(f).cast(pl.String if f in ("grade", "temperature") else pl.Boolean) for f in FLAGS),
    )


def _objects_totals(results: list[Any]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [q.lead_id for q in results],
            "total": [float(q.total) for q in results],
            "grade": [q.grade for q in results],
            "temperature": [str(q.temperature) for q in results],
            "mql": [q.mql for q in results],
            "sales_ready": [q.sales_ready for q in results],
        }
    )


def _difference(reference: pl.DataFrame, other: pl.DataFrame) -> tuple[float, int, int]:
    """Between two `_totals` frames: the largest relative difference of ``total``, the ids missing, and
    the leads whose grade, temperature, MQL or sales-ready flag differ."""
    joined = reference.join(other, on="id", how="left", suffix="_other")
    missing = joined["total_other"].null_count() + abs(len(reference) - len(other))
    gap = (joined["total"] - joined["total_other"]).abs() / joined["total"].abs().clip(lower_bound=1.0)
    flags = joined.select(pl.any_horizontal(pl.col(f) != pl.col(f"{f}_other") for f in FLAGS).sum()).item()
    return float(gap.max() or 0.0), missing, int(flags or 0)


def run_pandas(runs: Runs, model: leadkit.ScoringModel, leads: pl.DataFrame, events: pl.DataFrame) -> None:
    """The hand-written pandas version, then leadkit on pandas (checking rows, as by default, and not)."""
    (lead_pd, event_pd), seconds = _timed(lambda: (leads.to_pandas(), events.to_pandas()))
    print(f"polars -> pandas conversion: {seconds:.1f} s (not counted)")
    n = len(leads)
    result = runs.time("hand-written pandas", n, lambda: hand_pandas(lead_pd, event_pd))
    runs.totals["hand-written pandas"] = _totals(pl.from_pandas(result[["id", "total", *FLAGS]]))
    del result
    result = runs.time("leadkit on pandas", n, lambda: score_frame(model, lead_pd, as_of=AS_OF, interactions=event_pd))
    runs.totals["leadkit on pandas"] = _totals(
        pl.from_pandas(result[["id", "total", *FLAGS]].astype({"temperature": str}))
    )
    del result
    runs.time(
        "leadkit on pandas (validate=False)",
        n,
        lambda: score_frame(model, lead_pd, as_of=AS_OF, interactions=event_pd, validate=False),
    )


def run_polars(runs: Runs, model: leadkit.ScoringModel, leads: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """The hand-written polars version, then leadkit on polars LazyFrames; leadkit's (id, total) back."""
    n = len(leads)
    result = runs.time("hand-written polars (lazy)", n, lambda: hand_polars(leads, events))
    runs.totals["hand-written polars"] = _totals(result)
    del result
    result = runs.time(
        "leadkit on polars (lazy)",
        n,
        lambda: score_frame(model, leads.lazy(), as_of=AS_OF, interactions=events.lazy()).collect(),
    )
    return _totals(result)


def run_duckdb(runs: Runs, model: leadkit.ScoringModel, leads: pl.DataFrame, events: pl.DataFrame) -> None:
    """Leadkit on DuckDB relations read from the Arrow tables, materialised as an Arrow table."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    lead_rel, event_rel = connection.from_arrow(leads.to_arrow()), connection.from_arrow(events.to_arrow())
    result = runs.time(
        "leadkit on DuckDB",
        len(leads),
        lambda: score_frame(model, lead_rel, as_of=AS_OF, interactions=event_rel).to_arrow_table(),
    )
    runs.totals["leadkit on DuckDB"] = _totals(pl.from_arrow(result))
    connection.close()


def run_objects(runs: Runs, model: leadkit.ScoringModel, leads: pl.DataFrame, events: pl.DataFrame) -> None:
    """Leadkit's object path, `ScoringModel.qualify` lead by lead, on ``leads`` (the sample)."""
    mine = events.filter(pl.col("lead_id").is_in(leads["id"].implode()))
    objects = make_lead_objects(leads, mine)
    print(f"object path: {len(objects):,} Lead objects with {len(mine):,} interactions built (not timed)")
    label = f"leadkit object path ({len(objects):,} leads)"
    results = runs.time(label, len(objects), lambda: [model.qualify(lead, as_of=AS_OF) for lead in objects])
    runs.totals["object path"] = _objects_totals(results)


def _spark_session() -> Any:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("leadkit-frames-benchmark")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "8g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(runs: Runs, model: leadkit.ScoringModel, leads: pl.DataFrame, events: pl.DataFrame) -> list[str]:
    """Leadkit on PySpark local[2]; start-up and conversion timed apart; the totals collected untimed."""
    spark, startup = _timed(_spark_session)
    try:
        (lead_frame, event_frame), convert = _timed(
            lambda: (spark.createDataFrame(leads.to_arrow()), spark.createDataFrame(events.to_arrow()))
        )
        scored = score_frame(model, lead_frame, as_of=AS_OF, interactions=event_frame)
        label = "leadkit on PySpark local[2]"
        runs.time(label, len(leads), lambda: scored.write.format("noop").mode("overwrite").save())
        runs.totals["leadkit on PySpark"] = _totals(pl.from_arrow(scored.select("id", "total", *FLAGS).toArrow()))
    finally:
        spark.stop()
    seconds = runs.rows[-1][2]
    whole = startup + convert + seconds
    costs = f"session start-up {startup:.1f} s, polars -> Arrow -> Spark conversion {convert:.1f} s"
    return [
        f"  Spark: {costs}, scoring {seconds:.1f} s (forced by a noop write)",
        f"  Spark with start-up and conversion: {whole:.1f} s, {len(leads) / whole:,.0f} leads/s",
    ]


def _ratio(label: str, value: float, target: float) -> str:
    verdict = "PASS" if value >= target else "MISS"
    return f"  {label:<40} {value:6.2f}x  (target >= {target:g}x)  {verdict}"


def report(runs: Runs, notes: list[str]) -> None:
    """The table of rates and the ratios against the targets."""
    print()
    print(f"{'engine':<40} {'leads':>10} {'seconds':>9} {'leads/s':>12}")
    for label, count, seconds in runs.rows:
        print(f"{label:<40} {count:>10,} {seconds:>9.2f} {count / seconds:>12,.0f}")
    for note in notes:
        print(note)
    leadkit_polars = runs.rate("leadkit on polars (lazy)")
    hand_pd = runs.rate("hand-written pandas")
    print()
    print("targets:")
    print(_ratio("leadkit polars / hand-written polars", leadkit_polars / runs.rate("hand-written polars (lazy)"), 0.9))
    print(_ratio("leadkit polars / hand-written pandas", leadkit_polars / hand_pd, 2.0))
    print(_ratio("leadkit pandas / hand-written pandas", runs.rate("leadkit on pandas") / hand_pd, 0.85))
    unchecked = runs.rate("leadkit on pandas (validate=False)") / hand_pd
    print(f"  (for information: leadkit pandas with validate=False / hand-written pandas {unchecked:.2f}x)")


def check(reference: pl.DataFrame, totals: dict[str, pl.DataFrame]) -> None:
    """Each engine's totals against leadkit on polars (on the leads each engine scored)."""
    print()
    print(f"totals (max relative difference, tolerance {TOLERANCE:g}), grades and flags against leadkit on polars:")
    ok = True
    for label, other in totals.items():
        part = (
            reference if len(other) == len(reference) else reference.filter(pl.col("id").is_in(other["id"].implode()))
        )
        gap, missing, flags = _difference(part, other)
        same = gap <= TOLERANCE and missing == 0 and flags == 0
        ok &= same
        note = (f", {missing} ids missing" if missing else "") + (f", {flags} leads' flags differ" if flags else "")
        print(f"  {label:<36} on {len(other):>9,} leads: {gap:.3g}{note}  {'ok' if same else 'DIFFERENT'}")
    print("all totals, grades and flags agree" if ok else "SOME RESULTS DIFFER")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="leads scored on the object path")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--spark-leads", type=int, default=None, help="score only the first N leads on Spark")
    parser.add_argument("--repeat", type=int, default=1, help="time each run this many times and keep the best")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def main() -> None:
    args = _parse()
    model = leadkit.ScoringModel.from_dict(MODEL)
    rng = np.random.default_rng(args.seed)
    (leads, events), seconds = _timed(
        lambda: (make_leads(args.leads, rng), make_interactions(args.leads, args.interactions, rng))
    )
    rules = len(model.scorers[0].rules)
    print(f"{len(leads):,} leads, {len(events):,} interactions; {rules} rules + {len(SIGNALS)} engagement signals")
    print(f"as of {AS_OF.isoformat()}; data generated in {seconds:.1f} s (numpy + polars)")
    print(f"each time is the best of {args.repeat} run(s), from the input frames to a materialised result")
    runs = Runs(repeat=args.repeat)
    run_pandas(runs, model, leads, events)
    gc.collect()
    reference = run_polars(runs, model, leads, events)
    gc.collect()
    run_duckdb(runs, model, leads, events)
    gc.collect()
    run_objects(runs, model, leads.head(args.sample), events)
    notes: list[str] = []
    if not args.skip_spark:
        spark_leads, spark_events = leads, events
        if args.spark_leads is not None and args.spark_leads < len(leads):
            spark_leads = leads.head(args.spark_leads)
            spark_events = events.filter(pl.col("lead_id").is_in(spark_leads["id"].implode()))
            notes.append(
                f"  NOTE: Spark scored only the first {len(spark_leads):,} leads and their "
                f"{len(spark_events):,} interactions (--spark-leads)"
            )
        notes += run_spark(runs, model, spark_leads, spark_events)
    report(runs, notes)
    check(reference, runs.totals)


if __name__ == "__main__":
    main()
