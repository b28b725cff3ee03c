"""A naive Bayes scorer learnt from won and lost leads, explained field by field in log-odds points.

For each field, the scorer counts how often each value occurs among won and
among lost leads (numbers are first cut into quantile bins), with additive
smoothing; values seen fewer than ``min_support`` times are ignored. A
lead's score is a scorecard: the base rate plus one contribution per field,
each the field value's log likelihood ratio, in points where
``points_to_double`` points double the odds of winning and
``even_odds_points`` means even odds. The probability is read back from the
points and kept within ``[clamp, 1 - clamp]``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from leadkit import _checks as check
from leadkit._frozen import FrozenMap
from leadkit.errors import ConfigError, NotFittedError, ValidationError
from leadkit.model import Lead
from leadkit.scoring.base import Contribution, Score, check_as_of
from leadkit.scoring.conditions import field_reader

__all__ = ["FieldTable", "NaiveBayesScorer"]


def _fields(value: Any) -> Any:
    return check.clean_text_list(value)


def _check_fields(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check.text_list(_, attribute, value)
    if not value:
        check.fail(attribute, "at least one field path (such as attributes.job or company.industry)", value)
    for i, path in enumerate(value):
        try:
            field_reader(path, (attribute.name, i))
        except ConfigError as exc:  # the path check speaks of configuration; here it is an argument
            raise ValidationError(exc.problems) from None


def _positive(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not check.is_finite_number(value) or value <= 0:
        check.fail(attribute, "a positive number", value)


def _count(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or value < 1:
        check.fail(attribute, "a whole number >= 1", value)


def _clamp(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not check.is_finite_number(value) or not 0 < value < 0.5:
        check.fail(attribute, "a probability between 0 and 0.5 (such as 0.01)", value)


@attrs.frozen(kw_only=True)
class FieldTable:
    """What the scorer learnt about one field: its bins (numbers) and each value's log likelihood ratio."""

    cuts: tuple[float, ...] | None
    """For a numeric field, the bin edges (a value goes in the bin ``bisect(cuts, value)``); ``None`` for text."""
    weights: Mapping[str, float] = attrs.field(converter=FrozenMap)
    """Natural log of P(value | won) / P(value | lost), per value kept (bins are named ``<30``, ``30-45``, ``>=60``)."""
    won: Mapping[str, int] = attrs.field(converter=FrozenMap)
    """Won leads per value kept."""
    lost: Mapping[str, int] = attrs.field(converter=FrozenMap)
    """Lost leads per value kept."""

    def key(self, value: Any) -> str | None:
        """The table key of a lead's value, or ``None`` when it has none that counts."""
        if value is None:
            return None
        if self.cuts is None:
            return value if isinstance(value, str) else _text(value)
        if not check.is_finite_number(value):
            return None
        return _bin_name(self.cuts, bisect.bisect_right(self.cuts, value))


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _bin_name(cuts: tuple[float, ...], index: int) -> str:
    if not cuts:
        return "all"
    if index == 0:
        return f"<{cuts[0]:g}"
    if index == len(cuts):
        return f">={cuts[-1]:g}"
    return f"{cuts[index - 1]:g}-{cuts[index]:g}"


def _quantile_cuts(values: Sequence[float], bins: int) -> tuple[float, ...]:
    ordered = sorted(values)
    cuts: list[float] = []
    for b in range(1, bins):
        cut = ordered[min(len(ordered) - 1, b * len(ordered) // bins)]
        if cut > ordered[0] and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    return tuple(cuts)


def _tables(value: Any) -> Any:
    return None if value is None else FrozenMap(value)


@attrs.frozen(kw_only=True)
class NaiveBayesScorer:
    """A scorer learnt from outcomes: how much each field's value raises or lowers the odds of winning.

    Build it with the fields to learn from, then ``fit`` it: ``fit`` returns
    a new, fitted scorer (learnt attributes end in ``_``) and leaves this one
    as it was. Scoring an unfitted scorer raises `NotFittedError`.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Lead
        >>> t = datetime(2026, 11, 2, tzinfo=timezone.utc)
        >>> leads = [Lead(id=str(i), created_at=t, attributes={"plan": "pro" if i % 3 else "free"}) for i in range(60)]
        >>> won = [i % 3 != 0 and i % 2 == 0 for i in range(60)]
        >>> scorer = NaiveBayesScorer(fields=["attributes.plan"], min_support=5).fit(leads, won)
        >>> round(scorer.probability(leads[1], as_of=t), 2), round(scorer.probability(leads[0], as_of=t), 2)
        (0.49, 0.04)
    """

    fields: tuple[str, ...] = attrs.field(converter=_fields, validator=_check_fields)
    """Field paths to learn from, as rules name them (``attributes.job``, ``company.industry``, ``source``)."""
    name: str = attrs.field(default="naive_bayes", converter=check.clean_text, validator=check.text)
    """The scorer's name."""
    smoothing: float = attrs.field(default=1.0, validator=_positive)
    """Additive smoothing: pseudo-counts added to every value of every field."""
    min_support: int = attrs.field(default=20, validator=_count)
    """Values seen on fewer leads than this are ignored (they say more about chance than about buyers)."""
    bins: int = attrs.field(default=5, validator=_count)
    """Quantile bins for numeric fields."""
    clamp: float = attrs.field(default=0.01, validator=_clamp)
    """Probabilities are kept within ``[clamp, 1 - clamp]``: never certain either way."""
    points_to_double: float = attrs.field(default=10.0, validator=_positive)
    """Points that double the odds of winning."""
    even_odds_points: float = attrs.field(default=50.0, validator=check.finite_number(optional=False))
    """The score of a lead with even odds (a 50 % chance)."""
    prior_: float | None = attrs.field(default=None, validator=check.finite_number())
    """Learnt: the natural log of the odds of winning over all training leads."""
    tables_: Mapping[str, FieldTable] | None = attrs.field(default=None, converter=_tables)
    """Learnt: one `FieldTable` per field."""

    @property
    def fitted(self) -> bool:
        """True once ``fit`` has run."""
        return self.prior_ is not None and self.tables_ is not None

    def fit(self, leads: Sequence[Lead], outcomes: Sequence[bool] | Mapping[str, bool]) -> NaiveBayesScorer:
        """A new scorer fitted to ``leads`` and what happened to them (won ``True``, lost ``False``).

        Raises:
            ValidationError: for outcomes that do not match the leads, a single
                class, or no field with a value seen often enough to count.
        """
        from leadkit.learn.evaluation import aligned_outcomes, check_leads

        population = check_leads(leads)
        won = aligned_outcomes(population, outcomes)
        total_won = sum(won)
        if total_won in (0, len(won)):
            raise ValidationError.at(
                ("outcomes",),
                "both won and lost leads",
                f"only {'won' if total_won else 'lost'}",
                reason="nothing to learn",
            )
        tables = {}
        for path in self.fields:
            read = field_reader(path)
            present = [(v, w) for v, w in zip(map(read, population), won, strict=True) if v is not None]
            tables[path] = self._table(present)
        if not any(table.weights for table in tables.values()):
            expected = f"a field with values seen on at least {self.min_support} leads (min_support)"
            raise ValidationError.at(("fields",), expected, list(self.fields), reason="no usable fields")
        prior = math.log(total_won / (len(won) - total_won))
        return attrs.evolve(self, prior_=prior, tables_=tables)

    def _table(self, present: Sequence[tuple[Any, bool]]) -> FieldTable:
        numeric = bool(present) and all(check.is_finite_number(v) for v, _ in present)
        cuts = _quantile_cuts([float(v) for v, _ in present], self.bins) if numeric else None
        probe = FieldTable(cuts=cuts, weights={}, won={}, lost={})
        won_counts: dict[str, int] = {}
        lost_counts: dict[str, int] = {}
        for value, w in present:
            key = probe.key(value)
            if key is None:
                continue
            counts = won_counts if w else lost_counts
            counts[key] = counts.get(key, 0) + 1
        keys = sorted(
            k for k in {*won_counts, *lost_counts} if won_counts.get(k, 0) + lost_counts.get(k, 0) >= self.min_support
        )
        kept_won = {k: won_counts.get(k, 0) for k in keys}
        kept_lost = {k: lost_counts.get(k, 0) for k in keys}
        alpha, n = self.smoothing, len(keys)
        total_won, total_lost = sum(kept_won.values()), sum(kept_lost.values())
        weights = {
            k: math.log((kept_won[k] + alpha) / (total_won + alpha * n))
            - math.log((kept_lost[k] + alpha) / (total_lost + alpha * n))
            for k in keys
        }
        return FieldTable(cuts=cuts, weights=weights, won=kept_won, lost=kept_lost)

    def _require_fitted(self) -> tuple[float, Mapping[str, FieldTable]]:
        if self.prior_ is None or self.tables_ is None:
            msg = f"{self.name}: this NaiveBayesScorer is not fitted; use the scorer returned by .fit(leads, outcomes)"
            raise NotFittedError(msg)
        return self.prior_, self.tables_

    def _points(self, log_odds: float) -> float:
        return self.points_to_double * log_odds / math.log(2)

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """The lead's points: the base rate plus one contribution per field (``points_to_double`` doubles the odds)."""
        check_as_of(as_of)
        prior, tables = self._require_fitted()
        contributions = [
            Contribution(
                "base rate",
                self.even_odds_points + self._points(prior),
                f"{self.name}.prior",
                f"{_probability(prior):.1%} of training leads were won",
            )
        ]
        total = prior
        for path in self.fields:
            table = tables[path]
            value = field_reader(path)(lead)
            key = table.key(value)
            weight = table.weights.get(key) if key is not None else None
            label = path.removeprefix("attributes.")
            if weight is None:
                why = "no value" if value is None else f"{label} = {key or value}: too rare in training to count"
                contributions.append(Contribution(label, 0.0, f"{self.name}.{path}", why))
                continue
            total += weight
            ratio = math.exp(weight)
            effect = f"raised the odds x{ratio:.2f}" if ratio >= 1 else f"lowered the odds x{ratio:.2f}"
            contributions.append(
                Contribution(label, self._points(weight), f"{self.name}.{path}", f"{label} = {key} {effect}")
            )
        low, high = self._log_odds_bounds()
        floor = self.even_odds_points + self._points(low)
        cap = self.even_odds_points + self._points(high)
        return Score.bounded(self.name, contributions, floor=floor, cap=cap)

    def _log_odds_bounds(self) -> tuple[float, float]:
        return math.log(self.clamp / (1 - self.clamp)), math.log((1 - self.clamp) / self.clamp)

    def probability(self, lead: Lead, *, as_of: datetime) -> float:
        """The probability the lead is won, within ``[clamp, 1 - clamp]``."""
        value = self.score(lead, as_of=as_of).value
        return _probability((value - self.even_odds_points) * math.log(2) / self.points_to_double)

    # --- YAML ---------------------------------------------------------------------------------------

    def to_config(self) -> dict[str, Any]:
        """The scorer as plain data (its settings and, once fitted, what it learnt)."""
        data: dict[str, Any] = {
            "name": self.name,
            "fields": list(self.fields),
            "smoothing": self.smoothing,
            "min_support": self.min_support,
            "bins": self.bins,
            "clamp": self.clamp,
            "points_to_double": self.points_to_double,
            "even_odds_points": self.even_odds_points,
        }
        if self.prior_ is not None and self.tables_ is not None:
            data["prior"] = self.prior_
            data["tables"] = {
                path: {
                    **({"cuts": list(t.cuts)} if t.cuts is not None else {}),
                    "values": {k: {"weight": t.weights[k], "won": t.won[k], "lost": t.lost[k]} for k in t.weights},
                }
                for path, t in self.tables_.items()
            }
        return data

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> NaiveBayesScorer:
        """Read the plain data `to_config` writes."""
        from leadkit import _documents as docs

        data = docs.keys(
            config,
            (),
            required=("fields",),
            optional=(
                "name",
                "smoothing",
                "min_support",
                "bins",
                "clamp",
                "points_to_double",
                "even_odds_points",
                "prior",
                "tables",
            ),
        )
        prior = data.pop("prior", None)
        tables_data = data.pop("tables", None)
        if (prior is None) != (tables_data is None):
            raise docs.fail(("prior",), "both prior and tables (a fitted scorer) or neither", reason="half fitted")
        tables = None
        if tables_data is not None:
            tables = {}
            for path, entry in dict(docs.keys(tables_data, ("tables",), optional=tuple(map(str, tables_data)))).items():
                where = ("tables", path)
                item = docs.keys(entry, where, required=("values",), optional=("cuts",))
                values = docs.keys(item["values"], (*where, "values"), optional=tuple(map(str, item["values"])))
                rows = {
                    k: docs.keys(v, (*where, "values", k), required=("weight", "won", "lost"))
                    for k, v in values.items()
                }
                with docs.at(where):
                    tables[path] = FieldTable(
                        cuts=tuple(item["cuts"]) if "cuts" in item else None,
                        weights={k: docs.number(r["weight"], (*where, "values", k, "weight")) for k, r in rows.items()},
                        won={k: r["won"] for k, r in rows.items()},
                        lost={k: r["lost"] for k, r in rows.items()},
                    )
        with docs.at(()):
            scorer = cls(**data, prior_=prior, tables_=tables)
        if tables is not None and set(tables) != set(scorer.fields):
            raise docs.fail(("tables",), "one table per field: " + ", ".join(scorer.fields), sorted(tables))
        return scorer


_SETTINGS = ("name", "smoothing", "min_support", "bins", "clamp", "points_to_double", "even_odds_points")


def _probability(log_odds: float) -> float:
    return 1 / (1 + math.exp(-log_odds))
