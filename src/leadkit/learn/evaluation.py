"""Measuring scorers and models against outcomes: evaluate, thresholds, time-aware splits, dry runs.

All of it reads leads and outcomes you already have; nothing reads the
clock (``as_of`` and ``at`` are parameters) and nothing is random without a
seed.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from leadkit import _checks as check
from leadkit.errors import ValidationError
from leadkit.learn.metrics import (
    GainsRow,
    average_precision,
    bootstrap_interval,
    brier_score,
    check_outcomes,
    check_scores,
    gains,
    roc_auc,
)
from leadkit.model import Lead
from leadkit.scoring.base import Scorer, check_as_of

if TYPE_CHECKING:
    from leadkit.scoring.qualify import Qualification, ScoringModel

__all__ = [
    "Comparison",
    "ConversionRate",
    "Evaluation",
    "LeadChange",
    "ThresholdAdvice",
    "TimeSplit",
    "compare",
    "evaluate",
    "recommend_threshold",
    "time_split",
]


def check_leads(leads: object) -> tuple[Lead, ...]:
    """``leads`` as a tuple, checked to be a list of `Lead`."""
    if isinstance(leads, (str, bytes, Mapping)) or not isinstance(leads, Sequence):
        raise ValidationError.at(("leads",), "a list of Lead", leads)
    for i, lead in enumerate(leads):
        if not isinstance(lead, Lead):
            raise ValidationError.at(("leads", i), "a Lead", lead)
    return tuple(leads)


def aligned_outcomes(leads: Sequence[Lead], outcomes: object) -> tuple[bool, ...]:
    """Outcomes in the order of ``leads``: a list of the same length, or a mapping from lead id.

    Raises:
        ValidationError: for different lengths, a lead id missing from the
            mapping, or a value that is not an outcome.
    """
    if isinstance(outcomes, Mapping):
        ordered = []
        for i, lead in enumerate(leads):
            if lead.id not in outcomes:
                raise ValidationError.at(
                    ("outcomes", lead.id), f"an outcome for lead {lead.id!r} (leads[{i}])", reason="missing outcome"
                )
            ordered.append(outcomes[lead.id])
        return check_outcomes(ordered, len(leads))
    return check_outcomes(outcomes, len(leads))


@attrs.frozen
class ConversionRate:
    """How many leads of one group were won."""

    leads: int
    """Leads in the group."""
    won: int
    """Of which won."""

    @property
    def rate(self) -> float:
        """The share won (0 for an empty group)."""
        return self.won / self.leads if self.leads else 0.0


def _rates(keys: Sequence[str], won: Sequence[bool], order: Sequence[str]) -> Mapping[str, ConversionRate]:
    counts: dict[str, list[int]] = {k: [0, 0] for k in order}
    for key, w in zip(keys, won, strict=True):
        counts.setdefault(key, [0, 0])
        counts[key][0] += 1
        counts[key][1] += w
    return {k: ConversionRate(n, hits) for k, (n, hits) in counts.items()}


@attrs.frozen(kw_only=True)
class Evaluation:
    """How well a scorer ranks leads that were won above leads that were lost (see `evaluate`)."""

    scorer: str
    """The scorer's or model's name."""
    as_of: datetime
    """The moment the leads were scored at."""
    leads: int
    """Leads evaluated."""
    won: int
    """Of which won."""
    roc_auc: float
    """Probability that a random won lead outscores a random lost one (0.5 is chance)."""
    roc_auc_interval: tuple[float, float] | None
    """A bootstrap confidence interval of the ROC AUC, when asked for."""
    average_precision: float
    """Mean precision over the recall steps, best scores first (the base rate is chance)."""
    brier: float | None
    """Brier score of the scorer's probabilities, for scorers that give probabilities."""
    gains: tuple[GainsRow, ...]
    """Leads by score group, best first: rate, share of won leads captured, lift."""
    by_grade: Mapping[str, ConversionRate]
    """Conversion per fit grade (models only)."""
    by_band: Mapping[str, ConversionRate]
    """Conversion per engagement band (models only)."""
    by_temperature: Mapping[str, ConversionRate]
    """Conversion per temperature (models only)."""

    @property
    def base_rate(self) -> float:
        """The share of leads won."""
        return self.won / self.leads

    def _summary(self) -> str:
        interval = ""
        if self.roc_auc_interval is not None:
            low, high = self.roc_auc_interval
            interval = f" (95% interval {low:.3f} to {high:.3f})"
        brier = f", Brier {self.brier:.4f}" if self.brier is not None else ""
        return (
            f"{self.scorer} as of {self.as_of.date().isoformat()}: {self.leads} leads, {self.won} won "
            f"({self.base_rate:.1%}); ROC AUC {self.roc_auc:.3f}{interval}, "
            f"average precision {self.average_precision:.3f}{brier}"
        )

    def __str__(self) -> str:
        lines = [self._summary(), "  group  leads  won  rate     captured  lift  min score"]
        lines += [
            f"  {r.group:>5}  {r.leads:>5}  {r.won:>3}  {r.rate:>6.1%}  {r.captured:>8.1%}  "
            f"{r.lift:>4.2f}  {r.min_score:9.1f}"
            for r in self.gains
        ]
        for title, table in (("grade", self.by_grade), ("band", self.by_band), ("temperature", self.by_temperature)):
            if table:
                cells = ", ".join(f"{k} {r.rate:.1%} of {r.leads}" for k, r in table.items() if r.leads)
                lines.append(f"  conversion by {title}: {cells}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><td>{r.group}</td><td>{r.leads}</td><td>{r.won}</td><td>{r.rate:.1%}</td>"
            f"<td>{r.captured:.1%}</td><td>{r.lift:.2f}</td><td>{r.min_score:.1f}</td></tr>"
            for r in self.gains
        )
        return (
            f"<p>{e(self._summary())}</p><table><thead><tr><th>group</th><th>leads</th><th>won</th><th>rate</th>"
            f"<th>captured</th><th>lift</th><th>min score</th></tr></thead><tbody>{rows}</tbody></table>"
        )


def _is_model(scorer: object) -> bool:
    from leadkit.scoring.qualify import ScoringModel

    return isinstance(scorer, ScoringModel)


def evaluate(
    scorer: Scorer | ScoringModel,
    leads: Sequence[Lead],
    outcomes: Sequence[bool] | Mapping[str, bool],
    *,
    as_of: datetime,
    groups: int = 10,
    bootstrap: int = 200,
    seed: int = 0,
) -> Evaluation:
    """Score ``leads`` at ``as_of`` and measure the ranking against what happened to them.

    Args:
        scorer: Any scorer, or a `ScoringModel` (its total is the score, and
            conversion is also broken down by grade, band and temperature).
        leads: The leads, as they were at ``as_of``.
        outcomes: Won (``True``) or lost (``False``) per lead: a list in the
            order of ``leads``, or a mapping from lead id.
        as_of: The moment to score at: before the outcomes were known, or the
            evaluation leaks the future.
        groups: How many score groups the gains table has (10: deciles).
        bootstrap: Resamples for the ROC AUC interval (0: no interval).
        seed: The resampling seed.

    Raises:
        ValidationError: for outcomes that do not match the leads, or a
            single class (nothing to rank).
    """
    moment = check_as_of(as_of)
    population = check_leads(leads)
    won = aligned_outcomes(population, outcomes)
    if type(bootstrap) is not int or bootstrap < 0:
        raise ValidationError.at(("bootstrap",), "a whole number of resamples (0 for none)", bootstrap)
    by_grade: Mapping[str, ConversionRate] = {}
    by_band: Mapping[str, ConversionRate] = {}
    by_temperature: Mapping[str, ConversionRate] = {}
    if _is_model(scorer):
        from leadkit.scoring.qualify import GRADES

        model: ScoringModel = scorer  # type: ignore[assignment]  # checked just above
        verdicts = model.qualify_many(population, as_of=moment)
        scores = [q.total for q in verdicts]
        by_grade = _rates([q.grade for q in verdicts], won, GRADES)
        by_band = _rates([str(q.band) for q in verdicts], won, ("1", "2", "3", "4"))
        by_temperature = _rates([str(q.temperature) for q in verdicts], won, ("hot", "warm", "cold"))
    else:
        scores = [scorer.score(lead, as_of=moment).value for lead in population]
    brier = None
    many = getattr(scorer, "probabilities", None)
    one = getattr(scorer, "probability", None)
    if callable(many):
        brier = brier_score(many(population, as_of=moment), won)
    elif callable(one):
        brier = brier_score([one(lead, as_of=moment) for lead in population], won)
    auc = roc_auc(scores, won)
    return Evaluation(
        scorer=scorer.name,
        as_of=moment,
        leads=len(population),
        won=sum(won),
        roc_auc=auc,
        roc_auc_interval=bootstrap_interval(roc_auc, scores, won, samples=bootstrap, seed=seed) if bootstrap else None,
        average_precision=average_precision(scores, won),
        brier=brier,
        gains=gains(scores, won, groups=groups),
        by_grade=by_grade,
        by_band=by_band,
        by_temperature=by_temperature,
    )


# --- thresholds -----------------------------------------------------------------------------------


@attrs.frozen
class ThresholdAdvice:
    """A score threshold and what it selects (see `recommend_threshold`)."""

    threshold: float
    """Leads scoring at least this are selected."""
    selected: int
    """How many leads it selects."""
    per_period: float
    """Selected leads per period (per week, when the scores span ``periods`` weeks)."""
    precision: float | None
    """Share of the selected leads that were won (with outcomes)."""
    recall: float | None
    """Share of all won leads that it selects (with outcomes)."""
    rule: str
    """Which limit set the threshold, in words."""


def recommend_threshold(
    scores: Sequence[float],
    outcomes: Sequence[bool] | None = None,
    *,
    capacity: float | None = None,
    periods: float = 1.0,
    precision: float | None = None,
) -> ThresholdAdvice:
    """The lowest score threshold that respects sales' capacity, a target precision, or both.

    Args:
        scores: Scores of the leads of a representative stretch of time.
        outcomes: What happened to them (needed for ``precision``).
        capacity: How many leads sales can take per period ("50 a week").
        periods: How many periods the scores span (12 for twelve weeks of leads).
        precision: The least share of selected leads that should be won.

    A threshold selects every lead scoring at least it, so tied scores are
    taken or left together; the advice never exceeds a limit.

    Examples:
        >>> advice = recommend_threshold([90, 80, 70, 60, 50, 40], capacity=1, periods=3)
        >>> advice.threshold, advice.selected, advice.per_period
        (70.0, 3, 1.0)

    Raises:
        ValidationError: if neither limit is given, a limit is out of range,
            or ``precision`` is asked for without outcomes.
    """
    values = list(check_scores(scores))
    won = check_outcomes(outcomes, len(values)) if outcomes is not None else None
    _check_limits(capacity, periods, precision, has_outcomes=won is not None)
    order = sorted(range(len(values)), key=lambda i: -values[i])
    limit = math.inf if capacity is None else capacity * periods
    best: tuple[float, int, int] | None = None  # threshold, leads selected, won among them
    last_fit = 0  # the most leads any threshold can select within capacity
    broke = False
    hits = 0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and values[order[j]] == values[order[i]]:
            hits += won[order[j]] if won is not None else 0
            j += 1
        if j > limit:
            broke = True
            break
        last_fit = j
        if precision is None or hits / j >= precision:
            best = (values[order[i]], j, hits)
        i = j
    if best is None:
        top = values[order[0]] if order else 0.0
        return ThresholdAdvice(math.nextafter(top, math.inf), 0, 0.0, None, 0.0 if won else None, "nothing fits")
    threshold, selected, found = best
    if precision is None or (broke and selected == last_fit):
        rule = "capacity" if broke else "capacity (every lead fits)"
    else:
        rule = "precision"
    total_won = sum(won) if won is not None else 0
    return ThresholdAdvice(
        threshold=threshold,
        selected=selected,
        per_period=selected / periods,
        precision=found / selected if won is not None else None,
        recall=(found / total_won if total_won else 0.0) if won is not None else None,
        rule=rule,
    )


def _check_limits(capacity: object, periods: object, precision: object, *, has_outcomes: bool) -> None:
    if capacity is None and precision is None:
        raise ValidationError.at(("capacity",), "a capacity, a precision target, or both", reason="no limit given")
    if not check.is_finite_number(periods) or periods <= 0:  # type: ignore[operator]  # a number, checked first
        raise ValidationError.at(("periods",), "a positive number of periods", periods)
    if capacity is not None and (not check.is_finite_number(capacity) or capacity < 0):  # type: ignore[operator]
        raise ValidationError.at(("capacity",), "a non-negative number of leads per period", capacity)
    if precision is not None:
        if not has_outcomes:
            raise ValidationError.at(("outcomes",), "outcomes, to measure precision", reason="precision needs them")
        if not check.is_finite_number(precision) or not 0 < precision <= 1:  # type: ignore[operator]
            raise ValidationError.at(("precision",), "a share between 0 and 1 (such as 0.3)", precision)


# --- splits ---------------------------------------------------------------------------------------


@attrs.frozen
class TimeSplit:
    """Leads and outcomes cut at a moment: train on the earlier, test on the later (see `time_split`)."""

    at: datetime
    """Leads created before this are in ``train``, the others in ``test``."""
    train: tuple[Lead, ...]
    """The earlier leads."""
    train_outcomes: tuple[bool, ...]
    """Their outcomes."""
    test: tuple[Lead, ...]
    """The later leads."""
    test_outcomes: tuple[bool, ...]
    """Their outcomes."""


def time_split(
    leads: Sequence[Lead],
    outcomes: Sequence[bool] | Mapping[str, bool],
    *,
    at: datetime | None = None,
    fraction: float | None = None,
) -> TimeSplit:
    """TimeSplit by creation time, so a model is tested only on leads that came after those it learnt from.

    Give ``at`` (leads created before it train) or ``fraction`` (the
    earliest share of the leads train; the cut falls at a creation time, so
    leads created at the same moment stay together).

    Raises:
        ValidationError: for both or neither of ``at`` and ``fraction``, or a
            side left empty.
    """
    population = check_leads(leads)
    won = aligned_outcomes(population, outcomes)
    if (at is None) == (fraction is None):
        raise ValidationError.at(("at",), "either at= or fraction=", reason="give exactly one")
    if fraction is not None:
        if not check.is_finite_number(fraction) or not 0 < fraction < 1:
            raise ValidationError.at(("fraction",), "a share between 0 and 1 (such as 0.7)", fraction)
        if not population:
            raise ValidationError.at(("leads",), "at least one lead", "an empty list")
        times = sorted(lead.created_at for lead in population)
        at = times[min(len(times) - 1, int(fraction * len(times)))]
    cut = check_as_of(at)
    train = [(lead, w) for lead, w in zip(population, won, strict=True) if lead.created_at < cut]
    test = [(lead, w) for lead, w in zip(population, won, strict=True) if lead.created_at >= cut]
    for name, side in (("train", train), ("test", test)):
        if not side:
            raise ValidationError.at(
                ("at",), f"a moment that leaves leads on both sides ({name} is empty)", cut.isoformat()
            )
    return TimeSplit(
        cut,
        tuple(lead for lead, _ in train),
        tuple(w for _, w in train),
        tuple(lead for lead, _ in test),
        tuple(w for _, w in test),
    )


# --- comparing models -----------------------------------------------------------------------------

_FLAGS = ("grade", "band", "temperature", "mql", "sales_ready")


@attrs.frozen
class LeadChange:
    """How one lead's verdict differs between two models (see `compare`)."""

    lead_id: str
    """The lead."""
    before: Qualification
    """Its qualification by the first model."""
    after: Qualification
    """Its qualification by the second model."""
    changed: tuple[str, ...]
    """Which of grade, band, temperature, mql and sales_ready changed."""
    why: tuple[str, ...]
    """The scorer contributions that moved most, as ``name: before -> after``."""

    def __str__(self) -> str:
        parts = ", ".join(
            f"{name} {getattr(self.before, name)} -> {getattr(self.after, name)}" for name in self.changed
        )
        total = f"total {self.before.total:.1f} -> {self.after.total:.1f}"
        return f"{self.lead_id}: {parts} ({total}; {'; '.join(self.why)})"


@attrs.frozen
class Comparison:
    """A dry run of a model change: which leads would change verdict, and why (see `compare`)."""

    before: str
    """The first model's name."""
    after: str
    """The second model's name."""
    leads: int
    """Leads compared."""
    changes: tuple[LeadChange, ...]
    """The leads whose grade, band, temperature, MQL or sales-ready flag changes, biggest total change first."""

    def count(self, flag: str) -> int:
        """How many leads change ``flag`` (grade, band, temperature, mql or sales_ready)."""
        if flag not in _FLAGS:
            raise ValidationError.at(("flag",), "one of " + ", ".join(_FLAGS), flag)
        return sum(flag in c.changed for c in self.changes)

    def __str__(self) -> str:
        head = f"{self.before} -> {self.after}: {len(self.changes)} of {self.leads} leads change"
        counts = ", ".join(f"{flag} {self.count(flag)}" for flag in _FLAGS if self.count(flag))
        lines = [head + (f" ({counts})" if counts else "")]
        lines += [f"  {change}" for change in self.changes]
        return "\n".join(lines)


def _moved(was: dict[str, float], now: dict[str, float]) -> list[tuple[str, float, float]]:
    moved = [(name, was.get(name, 0.0), now.get(name, 0.0)) for name in dict.fromkeys([*was, *now])]
    moved = [m for m in moved if not math.isclose(m[1], m[2], abs_tol=1e-9)]
    moved.sort(key=lambda m: -abs(m[2] - m[1]))
    return moved


def _why(before: Qualification, after: Qualification, limit: int = 3) -> tuple[str, ...]:
    """The contributions that moved most: inside the scorers first (rules, fields), else the scorers' weights."""

    def inner(q: Qualification) -> dict[str, float]:
        return {f"{name}: {c.label}": c.points for name, score in q.scores.items() for c in score.contributions}

    moved = _moved(inner(before), inner(after))
    if not moved:
        moved = _moved(
            {c.label: c.points for c in before.breakdown.contributions},
            {c.label: c.points for c in after.breakdown.contributions},
        )
    if not moved:
        return ("the same scores; the model's thresholds differ",)
    return tuple(f"{name} {a:+.1f} -> {b:+.1f}" for name, a, b in moved[:limit])


def compare(before: ScoringModel, after: ScoringModel, leads: Sequence[Lead], *, as_of: datetime) -> Comparison:
    """Qualify ``leads`` with both models and list every lead whose verdict changes, and why.

    Run it before shipping a rules change: it says which leads would change
    grade, band, temperature, MQL or sales-ready flag, and which scorers moved
    them.
    """
    moment = check_as_of(as_of)
    population = check_leads(leads)
    changes = []
    for lead in population:
        a, b = before.qualify(lead, as_of=moment), after.qualify(lead, as_of=moment)
        changed = tuple(flag for flag in _FLAGS if getattr(a, flag) != getattr(b, flag))
        if changed:
            changes.append(LeadChange(lead.id, a, b, changed, _why(a, b)))
    changes.sort(key=lambda c: (-abs(c.after.total - c.before.total), c.lead_id))
    return Comparison(before.name, after.name, len(population), tuple(changes))
