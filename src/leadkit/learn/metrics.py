"""Ranking and calibration metrics on plain sequences: ROC AUC, average precision, Brier score, gains.

Every function takes scores (or probabilities) and outcomes of the same
length, outcomes being won (``True``/``1``) or lost (``False``/``0``), and
refuses what would make the figure meaningless (different lengths, a single
class, a non-finite score) with a `ValidationError` naming the problem. Pure
Python, deterministic, no clock.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence

import attrs

from leadkit import _checks as check
from leadkit.errors import ValidationError

__all__ = [
    "GainsRow",
    "average_precision",
    "bootstrap_interval",
    "brier_score",
    "check_outcomes",
    "check_scores",
    "gains",
    "roc_auc",
]


def _as_sequence(values: object, name: str, expected: str) -> Sequence[object]:
    """``values`` as a sequence: a list or tuple, or a numpy array or pandas Series (through ``tolist``)."""
    if isinstance(values, (str, bytes, Mapping)):
        raise ValidationError.at((name,), expected, values)
    if not isinstance(values, Sequence):
        to_list = getattr(values, "tolist", None)  # array-likes give plain Python values, NaN included
        listed = to_list() if callable(to_list) else None
        if not isinstance(listed, list):
            raise ValidationError.at((name,), expected, values)
        return listed
    return values


def check_outcomes(outcomes: object, size: int | None = None, *, name: str = "outcomes") -> tuple[bool, ...]:
    """Outcomes as booleans: ``True``/``False`` or ``1``/``0``, one per lead when ``size`` is given.

    A list, a tuple, or an array-like with ``tolist`` (a numpy array, a pandas Series).

    Raises:
        ValidationError: naming the first value that is not an outcome, or the lengths.
    """
    outcomes = _as_sequence(outcomes, name, "a list of outcomes (True for won, False for lost)")
    if size is not None and len(outcomes) != size:
        raise ValidationError.at(
            (name,), f"{size} outcomes, one per lead or score", f"{len(outcomes)} outcomes", reason="lengths differ"
        )
    result = []
    for i, value in enumerate(outcomes):
        if value is True or value is False:
            result.append(value)
        elif type(value) is int and value in (0, 1):
            result.append(bool(value))
        else:
            raise ValidationError.at((name, i), "True or False (or 1 or 0)", value)
    return tuple(result)


def check_scores(scores: object, name: str = "scores") -> tuple[float, ...]:
    """Scores as floats, checked to be a list (or an array-like with ``tolist``) of finite numbers."""
    numbers: list[float] = []
    for i, value in enumerate(_as_sequence(scores, name, "a list of numbers")):
        if not check.is_finite_number(value):
            raise ValidationError.at((name, i), "a finite number", value)
        numbers.append(float(value))  # type: ignore[arg-type]  # a finite number, just checked
    return tuple(numbers)


def _both(
    scores: object, outcomes: object, *, needs_both_classes: bool = True, name: str = "scores"
) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    values = check_scores(scores, name)
    won = check_outcomes(outcomes, len(values))
    if not values:
        raise ValidationError.at((name,), f"at least one of the {name}", "an empty list")
    if needs_both_classes and (all(won) or not any(won)):
        only = "won" if won[0] else "lost"
        raise ValidationError.at(
            ("outcomes",), "both won and lost outcomes", f"only {only}", reason="a single class ranks nothing"
        )
    return values, won


def roc_auc(scores: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The probability that a random won lead scores above a random lost one (ties count half).

    Examples:
        >>> roc_auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
        0.75
    """
    values, won = _both(scores, outcomes)
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = average
        i = j + 1
    positives = sum(won)
    negatives = len(won) - positives
    rank_sum = math.fsum(r for r, w in zip(ranks, won, strict=True) if w)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_precision(scores: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The mean precision over the recall steps, highest scores first (tied scores form one step).

    Examples:
        >>> average_precision([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
        0.8333333333333333
    """
    values, won = _both(scores, outcomes)
    order = sorted(range(len(values)), key=lambda i: -values[i])
    positives = sum(won)
    true_pos = false_pos = 0
    total = 0.0
    last_recall = 0.0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and values[order[j]] == values[order[i]]:
            if won[order[j]]:
                true_pos += 1
            else:
                false_pos += 1
            j += 1
        recall = true_pos / positives
        total += (recall - last_recall) * (true_pos / (true_pos + false_pos))
        last_recall = recall
        i = j
    return total


def brier_score(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The mean squared gap between predicted probabilities and what happened (0 is perfect).

    Examples:
        >>> round(brier_score([0.8, 0.2], [True, False]), 4)
        0.04
    """
    values, won = _both(probabilities, outcomes, needs_both_classes=False, name="probabilities")
    for i, p in enumerate(values):
        if not 0.0 <= p <= 1.0:
            raise ValidationError.at(("probabilities", i), "a probability between 0 and 1", p)
    return math.fsum((p - w) ** 2 for p, w in zip(values, won, strict=True)) / len(values)


@attrs.frozen
class GainsRow:
    """One group of a gains table: leads ranked by score, best first, cut into equal groups."""

    group: int
    """1 for the best-scored group."""
    leads: int
    """Leads in the group."""
    won: int
    """Won leads in the group."""
    min_score: float
    """The lowest score in the group."""
    rate: float
    """Share of the group that was won."""
    captured: float
    """Share of all won leads found in this group and the ones above it."""
    lift: float
    """The group's rate divided by the overall rate (1.0 is no better than random)."""


def gains(scores: Sequence[float], outcomes: Sequence[bool], *, groups: int = 10) -> tuple[GainsRow, ...]:
    """A gains and lift table: leads ranked by score, best first, cut into ``groups`` equal groups.

    Ties are kept in input order, so the table is deterministic.

    Examples:
        >>> [(r.group, r.won, r.lift) for r in gains([4, 3, 2, 1], [True, True, False, False], groups=2)]
        [(1, 2, 2.0), (2, 0, 0.0)]
    """
    if type(groups) is not int or groups < 1:
        raise ValidationError.at(("groups",), "a whole number of groups >= 1", groups)
    values, won = _both(scores, outcomes, needs_both_classes=False)
    total_won = sum(won)
    if total_won == 0:
        raise ValidationError.at(("outcomes",), "at least one won outcome", "none won", reason="lift needs a rate")
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    base_rate = total_won / len(values)
    rows = []
    found = 0
    bounds = [round(g * len(order) / groups) for g in range(groups + 1)]
    for g in range(groups):
        members = order[bounds[g] : bounds[g + 1]]
        if not members:
            continue
        hits = sum(won[i] for i in members)
        found += hits
        rate = hits / len(members)
        rows.append(
            GainsRow(
                group=g + 1,
                leads=len(members),
                won=hits,
                min_score=values[members[-1]],
                rate=rate,
                captured=found / total_won,
                lift=rate / base_rate,
            )
        )
    return tuple(rows)


class _ResampledAuc:
    """The ROC AUC of resamples of one set of scores, without sorting or checking each resample again.

    The distinct scores are ranked once; a resample is then counted per score
    level, and the AUC is the share of (won, lost) pairs the won lead wins,
    ties counting half: the same figure `roc_auc` computes from rank sums.
    """

    def __init__(self, values: Sequence[float], won: Sequence[bool]) -> None:
        levels = sorted(set(values))
        level_of = {value: i for i, value in enumerate(levels)}
        self._key = [2 * level_of[v] + (1 if w else 0) for v, w in zip(values, won, strict=True)]
        self._slots = 2 * len(levels)

    def __call__(self, picks: Sequence[int]) -> float | None:
        """The AUC of the resample ``picks`` (positions), or ``None`` when it holds a single class."""
        counts = [0] * self._slots
        key = self._key
        for i in picks:
            counts[key[i]] += 1
        lost_below = 0
        pairs_won = 0.0
        for slot in range(0, self._slots, 2):
            lost, won = counts[slot], counts[slot + 1]
            pairs_won += won * (lost_below + lost / 2)
            lost_below += lost
        positives = len(picks) - lost_below
        if positives == 0 or lost_below == 0:
            return None
        return pairs_won / (positives * lost_below)


def bootstrap_interval(
    metric: Callable[[Sequence[float], Sequence[bool]], float],
    scores: Sequence[float],
    outcomes: Sequence[bool],
    *,
    samples: int = 200,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """A percentile bootstrap interval of ``metric``: resample leads with replacement ``samples`` times.

    Resamples holding a single class are drawn again. Seeded, so the same
    inputs give the same interval.

    Examples:
        >>> low, high = bootstrap_interval(roc_auc, [0.9, 0.8, 0.3, 0.1] * 5, [True, False, True, False] * 5)
        >>> 0 <= low <= 0.75 <= high <= 1
        True
    """
    values, won = _both(scores, outcomes)
    if type(samples) is not int or samples < 10:
        raise ValidationError.at(("samples",), "a whole number of resamples >= 10", samples)
    if not check.is_finite_number(level) or not 0 < level < 1:
        raise ValidationError.at(("level",), "a confidence level between 0 and 1 (such as 0.95)", level)
    rng = random.Random(seed)  # noqa: S311 - resampling, not secrecy
    n = len(values)
    results: list[float] = []
    attempts = 0
    fast = _ResampledAuc(values, won) if metric is roc_auc else None
    while len(results) < samples and attempts < samples * 20:
        attempts += 1
        picks = [rng.randrange(n) for _ in range(n)]
        if fast is not None:
            auc = fast(picks)
            if auc is not None:
                results.append(auc)
            continue
        drawn = [won[i] for i in picks]
        if all(drawn) or not any(drawn):
            continue
        results.append(metric([values[i] for i in picks], drawn))
    results.sort()
    tail = (1 - level) / 2
    low = results[min(len(results) - 1, int(tail * len(results)))]
    high = results[max(0, math.ceil((1 - tail) * len(results)) - 1)]
    return low, high
