"""Calibrating a rule scorer: learn each rule's points from won and lost leads.

Which rules a lead matches is all a `RuleScorer` knows, so that is what the
calibration reads: a regularised logistic regression of the outcome on the
rules' matches. Each rule's new points are its coefficient on the same
scale as `NaiveBayesScorer`: ``points_to_double`` points double the odds of
winning. Leads matching the same rules are counted together, so the fit
costs little however many leads there are.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from leadkit import _checks as check
from leadkit.errors import ValidationError
from leadkit.learn.evaluation import aligned_outcomes, check_leads
from leadkit.model import Lead
from leadkit.scoring.base import check_as_of
from leadkit.scoring.rules import RuleScorer

__all__ = ["Calibration", "RulePoints", "calibrate_rules"]


@attrs.frozen
class RulePoints:
    """One rule before and after calibration."""

    rule: str
    """The rule's name."""
    old_points: float
    """Its points before."""
    new_points: float
    """Its calibrated points: how much matching it moves the odds of winning."""
    matched: int
    """Training leads matching it."""
    won: int
    """Of which won."""
    odds_ratio: float
    """How much matching the rule multiplies the odds of winning, the other rules held equal."""


_POINTS_TO_DOUBLE_DEFAULT = 10.0


@attrs.frozen(kw_only=True)
class Calibration:
    """A calibrated rule scorer and the table of old against new points (see `calibrate_rules`)."""

    scorer: RuleScorer
    """The same rules with calibrated points."""
    rules: tuple[RulePoints, ...]
    """Each rule's old and new points, in the scorer's order."""
    intercept: float
    """The log odds of winning for a lead matching no rule (not part of the scorer, which ranks leads)."""
    iterations: int
    """Newton steps the fit took."""

    def __str__(self) -> str:
        lines = [f"{self.scorer.name}: {len(self.rules)} rules calibrated in {self.iterations} steps"]
        width = max((len(r.rule) for r in self.rules), default=4)
        lines.append(f"  {'rule':<{width}}  old points  new points  matched    won")
        lines += [
            f"  {r.rule:<{width}}  {r.old_points:10.1f}  {r.new_points:10.1f}  {r.matched:7d}  {r.won:5d}"
            for r in self.rules
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><td>{e(r.rule)}</td><td>{r.old_points:.1f}</td><td>{r.new_points:.1f}</td>"
            f"<td>{r.matched}</td><td>{r.won}</td></tr>"
            for r in self.rules
        )
        return (
            "<table><thead><tr><th>rule</th><th>old points</th><th>new points</th><th>matched</th><th>won</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )


MIN_PENALTY = 1e-6
"""The smallest penalty `calibrate_rules` takes.

Rules that match exactly the same leads cannot be told apart by the data; the penalty is what
splits the points between them. A penalty lost in rounding next to the curvature of many
leads (1e-20 next to 7.5) leaves the system singular.
"""


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Solve ``matrix @ x = vector`` by Gaussian elimination with partial pivoting (small, dense systems)."""
    n = len(vector)
    a = [[*row, v] for row, v in zip(matrix, vector, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        lead = a[col][col]
        for r in range(col + 1, n):
            factor = a[r][col] / lead
            if factor:
                row, top = a[r], a[col]
                for c in range(col, n + 1):
                    row[c] -= factor * top[c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - math.fsum(a[r][c] * x[c] for c in range(r + 1, n))) / a[r][r]
    return x


def _fit(
    patterns: Mapping[tuple[int, ...], tuple[int, int]], size: int, penalty: float, max_steps: int
) -> tuple[list[float], int]:
    """Newton steps of an L2-regularised logistic regression on grouped patterns (weights[0]: the intercept)."""
    weights = [0.0] * (size + 1)
    for step in range(1, max_steps + 1):
        gradient = [0.0] * (size + 1)
        hessian = [[0.0] * (size + 1) for _ in range(size + 1)]
        for pattern, (count, won) in patterns.items():
            active = (0, *(j + 1 for j in pattern))
            z = math.fsum(weights[j] for j in active)
            p = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
            residual = won - count * p
            curvature = count * p * (1 - p)
            for j in active:
                gradient[j] += residual
                row = hessian[j]
                for k in active:
                    row[k] += curvature
        for j in range(1, size + 1):
            gradient[j] -= penalty * weights[j]
            hessian[j][j] += penalty
        hessian[0][0] += 1e-9  # keeps the system solvable when every lead matches the same rules
        delta = _solve(hessian, gradient)
        weights = [w + d for w, d in zip(weights, delta, strict=True)]
        if max(abs(d) for d in delta) < 1e-10:
            return weights, step
    return weights, max_steps


def calibrate_rules(
    scorer: RuleScorer,
    leads: Sequence[Lead],
    outcomes: Sequence[bool] | Mapping[str, bool],
    *,
    as_of: datetime,
    penalty: float = 1.0,
    points_to_double: float = _POINTS_TO_DOUBLE_DEFAULT,
    max_steps: int = 50,
) -> Calibration:
    """Learn each rule's points from outcomes: a regularised logistic regression on the rules' matches.

    Args:
        scorer: The rules to calibrate (their conditions are kept; only points change).
        leads: Training leads, as they were at ``as_of``.
        outcomes: Won (``True``) or lost (``False``) per lead, in order or by lead id.
        as_of: The moment the rules are evaluated at (interaction rules count time).
        penalty: L2 regularisation: larger keeps points nearer zero, so rules
            matching few leads cannot claim large points. At least 1e-6
            (``leadkit.learn.calibration.MIN_PENALTY``): below it, rules that
            always match together make the fit numerically singular.
        points_to_double: Points that double the odds of winning.
        max_steps: Newton steps at most.

    Returns:
        The calibrated scorer with the table of old and new points.

    Raises:
        ValidationError: for outcomes that do not match the leads, a single
            class, or a bad setting.
    """
    moment = check_as_of(as_of)
    if not isinstance(scorer, RuleScorer):
        raise ValidationError.at(("scorer",), "a RuleScorer", scorer)
    if not check.is_finite_number(penalty) or penalty < MIN_PENALTY:
        raise ValidationError.at(("penalty",), f"a number of at least {MIN_PENALTY:g}", penalty)
    if not check.is_finite_number(points_to_double) or points_to_double <= 0:
        raise ValidationError.at(("points_to_double",), "a positive number", points_to_double)
    population = check_leads(leads)
    won = aligned_outcomes(population, outcomes)
    if sum(won) in (0, len(won)):
        only = "only won" if won and won[0] else "only lost"
        raise ValidationError.at(("outcomes",), "both won and lost leads", only, reason="nothing to learn")
    rules = scorer.rules
    patterns: dict[tuple[int, ...], tuple[int, int]] = {}
    matched = [0] * len(rules)
    matched_won = [0] * len(rules)
    for lead, w in zip(population, won, strict=True):
        pattern = tuple(j for j, rule in enumerate(rules) if rule.matches(lead, as_of=moment))
        count, hits = patterns.get(pattern, (0, 0))
        patterns[pattern] = (count + 1, hits + w)
        for j in pattern:
            matched[j] += 1
            matched_won[j] += w
    weights, steps = _fit(patterns, len(rules), float(penalty), max_steps)
    scale = points_to_double / math.log(2)
    new_points = [round(weights[j + 1] * scale, 6) for j in range(len(rules))]
    calibrated = attrs.evolve(
        scorer, rules=[attrs.evolve(rule, points=p) for rule, p in zip(rules, new_points, strict=True)]
    )
    table = tuple(
        RulePoints(rule.name, rule.points, p, matched[j], matched_won[j], math.exp(weights[j + 1]))
        for j, (rule, p) in enumerate(zip(rules, new_points, strict=True))
    )
    return Calibration(scorer=calibrated, rules=table, intercept=weights[0], iterations=steps)
