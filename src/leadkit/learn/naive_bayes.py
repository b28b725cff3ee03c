"""A naive Bayes scorer learnt from won and lost leads, explained field by field in log-odds points.

For each field, the scorer counts how often each value occurs among won and
among lost leads (numbers are first cut into quantile bins), with additive
smoothing; values seen fewer than ``min_support`` times are ignored. A
lead's score is a scorecard: the base rate plus one contribution per field,
each the field value's log likelihood ratio, in points where
``points_to_double`` points double the odds of winning and
``even_odds_points`` means even odds. The points are not bounded, so the
ranking keeps every difference; the probability read back from them is kept
within ``[clamp, 1 - clamp]``.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
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


def _check_cuts(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    expected = "null or a list of numbers in increasing order"
    if not isinstance(value, tuple) or not all(check.is_finite_number(v) for v in value):
        check.fail(attribute, expected, value)
    if any(a >= b for a, b in itertools.pairwise(value)):
        check.fail(attribute, expected, value)


def _check_weights(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    for key, weight in value.items():
        if not isinstance(key, str) or not check.is_finite_number(weight):
            raise ValidationError.at((attribute.name, str(key)), "a finite number per text value", weight)


def _check_counts(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if set(value) != set(instance.weights):
        check.fail(attribute, "a count for every value that has a weight", sorted(value))
    for key, count in value.items():
        if type(count) is not int or count < 0:
            raise ValidationError.at((attribute.name, key), "a whole number >= 0", count)


@attrs.frozen(kw_only=True)
class FieldTable:
    """What the scorer learnt about one field: its bins (numbers) and each value's log likelihood ratio."""

    cuts: tuple[float, ...] | None = attrs.field(validator=_check_cuts)
    """For a numeric field, the bin edges (a value goes in the bin ``bisect(cuts, value)``); ``None`` for text."""
    weights: Mapping[str, float] = attrs.field(converter=FrozenMap, validator=_check_weights)
    """Natural log of P(value | won) / P(value | lost), per value kept (bins are named ``<30``, ``30-45``, ``>=60``)."""
    won: Mapping[str, int] = attrs.field(converter=FrozenMap, validator=_check_counts)
    """Won leads per value kept."""
    lost: Mapping[str, int] = attrs.field(converter=FrozenMap, validator=_check_counts)
    """Lost leads per value kept."""

    _keyer: Callable[[Any], str | None] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_keyer", _keyer(self.cuts))

    def key(self, value: Any) -> str | None:
        """The table key of a lead's value, or ``None`` when it has none that counts."""
        return self._keyer(value)

    def __reduce__(self) -> tuple[Any, ...]:
        # The key function is a closure: rebuild it rather than pickle it.
        return (_rebuild, (type(self), _init_values(self)))


def _init_values(instance: Any) -> dict[str, Any]:
    return {f.name: getattr(instance, f.name) for f in attrs.fields(type(instance)) if f.init}


def _rebuild(cls: type[Any], values: dict[str, Any]) -> Any:
    return cls(**values)


def _keyer(cuts: tuple[float, ...] | None) -> Callable[[Any], str | None]:
    """How a field's values become table keys: text as it is, numbers by bin."""
    if cuts is None:

        def text_key(value: Any) -> str | None:
            if value is None or type(value) is str:
                return value
            return _text(value)

        return text_key
    names = tuple(_bin_name(cuts, i) for i in range(len(cuts) + 1))
    find = bisect.bisect_right

    def bin_key(value: Any) -> str | None:
        kind = type(value)
        if (kind is int or kind is float) and math.isfinite(value):
            return names[find(cuts, value)]
        return None

    return bin_key


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
    """Bin edges at the quantiles, repeated edges merged.

    A field whose values are mostly one number (``previous``: 0 for most
    leads) can end with a single bin and then says nothing; turn such a field
    into text (``contacted_before: yes``) to learn from it.
    """
    ordered = sorted(values)
    cuts: list[float] = []
    for b in range(1, bins):
        cut = ordered[min(len(ordered) - 1, b * len(ordered) // bins)]
        if cut > ordered[0] and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    return tuple(cuts)


_Lookup = tuple[str, Callable[[Lead], Any], Callable[[Any], "str | None"], Callable[[Any], Any]]
"""Per field: its path, how to read it, how a value becomes a key, and the key's weight (``None`` if none)."""


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
    _lookups: tuple[_Lookup, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        tables = self.tables_ or {}
        lookups = tuple(
            (path, field_reader(path), tables[path].key, tables[path].weights.get)
            for path in self.fields
            if path in tables
        )
        object.__setattr__(self, "_lookups", lookups)

    def __reduce__(self) -> tuple[Any, ...]:
        # The lookups are closures: rebuild them rather than pickle them.
        return (_rebuild, (type(self), _init_values(self)))

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
            column = list(map(field_reader(path), population))
            if any(v is None for v in column):
                present = [(v, w) for v, w in zip(column, won, strict=True) if v is not None]
                tables[path] = self._table([v for v, _ in present], [w for _, w in present])
            else:
                tables[path] = self._table(column, won)
        if not any(table.weights for table in tables.values()):
            expected = f"a field with values seen on at least {self.min_support} leads (min_support)"
            raise ValidationError.at(("fields",), expected, list(self.fields), reason="no usable fields")
        prior = math.log(total_won / (len(won) - total_won))
        return attrs.evolve(self, prior_=prior, tables_=tables)

    def _table(self, values: Sequence[Any], won: Sequence[bool]) -> FieldTable:
        numeric = bool(values) and {type(v) for v in values} <= {int, float} and all(map(math.isfinite, values))
        cuts = _quantile_cuts(values, self.bins) if numeric else None
        counts = Counter(zip(map(_keyer(cuts), values), won, strict=True))
        support: dict[str, int] = {}
        for (key, _), seen in counts.items():
            if key is not None:
                support[key] = support.get(key, 0) + seen
        keys = sorted(k for k, seen in support.items() if seen >= self.min_support)
        kept_won = {k: counts[k, True] for k in keys}
        kept_lost = {k: counts[k, False] for k in keys}
        alpha, n = self.smoothing, len(keys)
        total_won, total_lost = sum(kept_won.values()), sum(kept_lost.values())
        won_rate = {k: (kept_won[k] + alpha) / (total_won + alpha * n) for k in keys}
        lost_rate = {k: (kept_lost[k] + alpha) / (total_lost + alpha * n) for k in keys}
        weights = {k: math.log(won_rate[k] / lost_rate[k]) for k in keys}
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
        prior, _ = self._require_fitted()
        contributions = [
            Contribution(
                "base rate",
                self.even_odds_points + self._points(prior),
                f"{self.name}.prior",
                f"{_probability(prior):.1%} of training leads were won",
            )
        ]
        for path, read, lookup, weigh in self._lookups:
            value = read(lead)
            key = lookup(value)
            weight = weigh(key)
            label = path.removeprefix("attributes.")
            if weight is None:
                why = "no value" if value is None else f"{label} = {key or value}: too rare in training to count"
                contributions.append(Contribution(label, 0.0, f"{self.name}.{path}", why))
                continue
            ratio = math.exp(weight)
            if weight > 0:
                effect = f"raised the odds x{ratio:.2f}"
            elif weight < 0:
                effect = f"lowered the odds x{ratio:.2f}"
            else:
                effect = "made no difference to the odds"
            contributions.append(
                Contribution(label, self._points(weight), f"{self.name}.{path}", f"{label} = {key} {effect}")
            )
        return Score(self.name, contributions)

    def _log_odds_bounds(self) -> tuple[float, float]:
        return math.log(self.clamp / (1 - self.clamp)), math.log((1 - self.clamp) / self.clamp)

    def probability(self, lead: Lead, *, as_of: datetime) -> float:
        """The probability the lead is won, within ``[clamp, 1 - clamp]``."""
        return self.probabilities((lead,), as_of=as_of)[0]

    def probabilities(self, leads: Iterable[Lead], *, as_of: datetime) -> list[float]:
        """The probability each lead is won, in order: the fast path for many leads (no explanations)."""
        check_as_of(as_of)
        prior, _ = self._require_fitted()
        low, high = self._log_odds_bounds()
        lookups = self._lookups
        exp = math.exp
        result = []
        for lead in leads:
            z = prior
            for _, read, key, weight in lookups:
                w = weight(key(read(lead)))
                if w is not None:
                    z += w
            z = low if z < low else high if z > high else z
            result.append(1 / (1 + exp(-z)))
        return result

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
                        cuts=tuple(docs.items(item["cuts"], (*where, "cuts"))) if "cuts" in item else None,
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
