"""Metrics and evaluation: ROC AUC, average precision, Brier, gains, thresholds, time splits, model comparison."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from leadkit import EngagementScorer, Lead, ValidationError, dedupe, default_model, is_contactable, load_sample_leads
from leadkit.datasets import SAMPLE_AS_OF
from leadkit.learn import (
    average_precision,
    bootstrap_interval,
    brier_score,
    compare,
    evaluate,
    gains,
    recommend_threshold,
    roc_auc,
    time_split,
)

from .conftest import T0

SCORES = st.lists(st.integers(-1000, 1000).map(float), min_size=2, max_size=60)


@st.composite
def scored(draw: st.DrawFn) -> tuple[list[float], list[bool]]:
    scores = draw(SCORES)
    outcomes = draw(st.lists(st.booleans(), min_size=len(scores), max_size=len(scores)))
    assume(any(outcomes) and not all(outcomes))
    return scores, outcomes


def _brute_auc(scores: list[float], outcomes: list[bool]) -> float:
    won = [s for s, o in zip(scores, outcomes, strict=True) if o]
    lost = [s for s, o in zip(scores, outcomes, strict=True) if not o]
    pairs = [(w > lost_score) + 0.5 * (w == lost_score) for w in won for lost_score in lost]
    return sum(pairs) / len(pairs)


@given(scored())
def test_auc_is_the_share_of_correctly_ordered_pairs(data: tuple[list[float], list[bool]]) -> None:
    scores, outcomes = data
    assert math.isclose(roc_auc(scores, outcomes), _brute_auc(scores, outcomes), abs_tol=1e-12)
    assert 0.0 <= roc_auc(scores, outcomes) <= 1.0


@given(scored(), st.sampled_from([lambda x: 3 * x + 7, lambda x: math.exp(x / 500), lambda x: x**3, math.atan]))
def test_auc_is_invariant_to_increasing_transforms(data: tuple[list[float], list[bool]], f: Any) -> None:
    scores, outcomes = data
    assert math.isclose(roc_auc([f(s) for s in scores], outcomes), roc_auc(scores, outcomes), abs_tol=1e-12)


@given(scored())
def test_auc_of_negated_scores_is_one_minus_auc(data: tuple[list[float], list[bool]]) -> None:
    scores, outcomes = data
    assert math.isclose(roc_auc([-s for s in scores], outcomes), 1 - roc_auc(scores, outcomes), abs_tol=1e-12)


@given(scored())
def test_average_precision_is_a_share_above_zero(data: tuple[list[float], list[bool]]) -> None:
    scores, outcomes = data
    ap = average_precision(scores, outcomes)
    assert 0 < ap <= 1
    perfect = [1.0 if o else 0.0 for o in outcomes]
    assert average_precision(perfect, outcomes) == 1.0


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=50))
def test_brier_is_between_zero_and_one(pairs: list[tuple[float, bool]]) -> None:
    probabilities, outcomes = zip(*pairs, strict=True)
    assert 0.0 <= brier_score(list(probabilities), list(outcomes)) <= 1.0
    assert brier_score([float(o) for o in outcomes], list(outcomes)) == 0.0


@given(scored(), st.integers(1, 12))
def test_gains_capture_every_won_lead_once(data: tuple[list[float], list[bool]], groups: int) -> None:
    scores, outcomes = data
    table = gains(scores, outcomes, groups=groups)
    assert sum(r.leads for r in table) == len(scores)
    assert sum(r.won for r in table) == sum(outcomes)
    assert math.isclose(table[-1].captured, 1.0)
    assert all(a.captured <= b.captured for a, b in itertools.pairwise(table))
    assert all(a.min_score >= b.min_score for a, b in itertools.pairwise(table))
    base = sum(outcomes) / len(outcomes)
    assert math.isclose(sum(r.lift * r.leads for r in table) * base, sum(outcomes))


def test_metric_examples() -> None:
    scores, outcomes = [0.9, 0.8, 0.7, 0.3, 0.1], [True, True, False, True, False]
    assert roc_auc(scores, outcomes) == pytest.approx(5 / 6)
    assert average_precision(scores, outcomes) == pytest.approx((1 + 1 + 3 / 4) / 3)
    assert roc_auc([1, 1, 1, 1], [True, False, True, False]) == 0.5
    assert average_precision([1, 1], [True, False]) == 0.5
    assert brier_score([1.0, 0.0, 0.5], [True, True, False]) == pytest.approx((0 + 1 + 0.25) / 3)
    assert roc_auc(scores, [1, 1, 0, 1, 0]) == roc_auc(scores, outcomes)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: roc_auc([1, 2], [True]), "outcomes: lengths differ; expected 2 outcomes"),
        (lambda: roc_auc([1, 2], [True, True]), "a single class ranks nothing"),
        (lambda: roc_auc([], []), "at least one of the scores"),
        (lambda: roc_auc([1, float("nan")], [True, False]), r"scores\[1\]: expected a finite number"),
        (lambda: roc_auc([1, 2], [True, "yes"]), r"outcomes\[1\]: expected True or False"),
        (lambda: roc_auc([1, 2], [True, 2]), r"outcomes\[1\]: expected True or False"),
        (lambda: roc_auc("12", [True, False]), "scores: expected a list of numbers"),
        (lambda: roc_auc([1, 2], "TF"), "outcomes: expected a list of outcomes"),
        (lambda: brier_score([0.5, float("inf")], [True, False]), r"probabilities\[1\]: expected a finite number"),
        (lambda: brier_score([], []), "at least one of the probabilities"),
        (lambda: brier_score([1.5], [True]), r"probabilities\[0\]: expected a probability"),
        (lambda: gains([1, 2], [False, False]), "at least one won outcome"),
        (lambda: gains([1, 2], [True, False], groups=0), "groups: expected a whole number of groups"),
        (lambda: bootstrap_interval(roc_auc, [1, 2], [True, False], samples=3), "samples: expected"),
        (lambda: bootstrap_interval(roc_auc, [1, 2], [True, False], level=1.5), "level: expected"),
    ],
)
def test_metric_refusals(call: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        call()


@given(scored(), st.integers(0, 5))
def test_bootstrap_is_seeded_and_brackets_plausible_values(data: tuple[list[float], list[bool]], seed: int) -> None:
    scores, outcomes = data
    low, high = bootstrap_interval(roc_auc, scores, outcomes, samples=20, seed=seed)
    assert 0 <= low <= high <= 1
    assert bootstrap_interval(roc_auc, scores, outcomes, samples=20, seed=seed) == (low, high)


# --- evaluate -------------------------------------------------------------------------------------


def _sample() -> tuple[list[Lead], list[bool]]:
    leads = [lead for lead in dedupe(load_sample_leads().leads).leads if is_contactable(lead)]
    model = default_model()
    rng = random.Random(7)
    outcomes = [rng.random() < 0.1 + q.total / 300 for q in model.qualify_many(leads, as_of=SAMPLE_AS_OF)]
    return leads, outcomes


LEADS, OUTCOMES = _sample()


def test_evaluate_a_model() -> None:
    result = evaluate(default_model(), LEADS, OUTCOMES, as_of=SAMPLE_AS_OF)
    assert (result.leads, result.won) == (170, sum(OUTCOMES))
    totals = [q.total for q in default_model().qualify_many(LEADS, as_of=SAMPLE_AS_OF)]
    assert result.roc_auc == roc_auc(totals, OUTCOMES)
    assert result.roc_auc > 0.55  # the outcomes were drawn with odds rising with the total
    assert result.roc_auc_interval is not None
    assert result.roc_auc_interval[0] <= result.roc_auc <= result.roc_auc_interval[1]
    assert result.brier is None
    assert sum(r.leads for r in result.by_grade.values()) == 170
    assert list(result.by_temperature) == ["hot", "warm", "cold"]
    text = str(result)
    assert text.startswith("default as of 2026-12-21: 170 leads")
    assert "conversion by grade: A " in text
    assert "<table>" in result._repr_html_()


def test_evaluate_a_scorer_with_outcomes_by_id() -> None:
    by_id = {lead.id: won for lead, won in zip(LEADS, OUTCOMES, strict=True)}
    result = evaluate(EngagementScorer(), list(reversed(LEADS)), by_id, as_of=SAMPLE_AS_OF, bootstrap=0)
    assert result.roc_auc_interval is None
    assert result.by_grade == {}
    with pytest.raises(ValidationError, match="missing outcome"):
        evaluate(EngagementScorer(), LEADS, {}, as_of=SAMPLE_AS_OF)


def test_evaluate_uses_probabilities_for_brier() -> None:
    @attrs.frozen
    class Half:
        name: str = "half"

        def score(self, lead: Lead, *, as_of: Any) -> Any:
            return EngagementScorer().score(lead, as_of=as_of)

        def probability(self, lead: Lead, *, as_of: Any) -> float:
            return 0.5

    assert evaluate(Half(), LEADS, OUTCOMES, as_of=SAMPLE_AS_OF, bootstrap=0).brier == 0.25


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"leads": "x"}, "leads: expected a list of Lead"),
        ({"leads": [1]}, r"leads\[0\]: expected a Lead"),
        ({"outcomes": [True]}, "lengths differ"),
        ({"as_of": SAMPLE_AS_OF.replace(tzinfo=None)}, "naive datetime"),
        ({"bootstrap": -1}, "bootstrap: expected"),
    ],
)
def test_evaluate_refusals(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"leads": LEADS, "outcomes": OUTCOMES, "as_of": SAMPLE_AS_OF} | kwargs
    with pytest.raises(ValidationError, match=message):
        evaluate(
            default_model(),
            args["leads"],
            args["outcomes"],
            as_of=args["as_of"],
            **{k: v for k, v in kwargs.items() if k == "bootstrap"},
        )


# --- thresholds -----------------------------------------------------------------------------------


def test_capacity_sets_the_threshold() -> None:
    advice = recommend_threshold([90, 80, 70, 60], capacity=1, periods=2)
    assert (advice.threshold, advice.selected, advice.per_period, advice.rule) == (80.0, 2, 1.0, "capacity")
    tied = recommend_threshold([90, 80, 80, 70], capacity=2, periods=1)  # ties are taken together or not at all
    assert (tied.threshold, tied.selected) == (90.0, 1)
    everyone = recommend_threshold([3, 2, 1], capacity=10)
    assert (everyone.threshold, everyone.rule) == (1.0, "capacity (every lead fits)")
    nothing = recommend_threshold([3, 3], capacity=1)
    assert (nothing.selected, nothing.rule) == (0, "nothing fits")
    assert nothing.threshold > 3


def test_precision_sets_the_threshold() -> None:
    scores = [90, 80, 70, 60, 50, 40]
    outcomes = [True, True, False, True, False, False]
    advice = recommend_threshold(scores, outcomes, precision=0.75)
    assert (advice.threshold, advice.selected, advice.precision, advice.recall) == (60.0, 4, 0.75, 1.0)
    both = recommend_threshold(scores, outcomes, precision=0.75, capacity=2)
    assert (both.threshold, both.rule) == (80.0, "capacity")
    strict = recommend_threshold(scores, outcomes, precision=1.0, capacity=5)
    assert (strict.threshold, strict.rule) == (80.0, "precision")


@given(scored(), st.integers(0, 30), st.floats(0.05, 1.0))
def test_advice_never_exceeds_its_limits(data: tuple[list[float], list[bool]], capacity: int, target: float) -> None:
    scores, outcomes = data
    advice = recommend_threshold(scores, outcomes, capacity=capacity, precision=target)
    assert advice.selected <= capacity
    assert advice.selected == sum(s >= advice.threshold for s in scores)
    if advice.selected:
        assert advice.precision is not None
        assert advice.precision >= target


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "no limit given"),
        ({"capacity": -1}, "capacity: expected a non-negative number"),
        ({"capacity": 1, "periods": 0}, "periods: expected a positive number"),
        ({"precision": 0.5}, "precision needs them"),
        ({"precision": 2, "outcomes": [True, False]}, "precision: expected a share"),
    ],
)
def test_threshold_refusals(kwargs: dict[str, Any], message: str) -> None:
    outcomes = kwargs.pop("outcomes", None)
    with pytest.raises(ValidationError, match=message):
        recommend_threshold([1, 2], outcomes, **kwargs)


# --- splits and comparisons -----------------------------------------------------------------------


def test_time_split_keeps_the_future_out() -> None:
    split = time_split(LEADS, OUTCOMES, fraction=0.7)
    assert len(split.train) + len(split.test) == len(LEADS)
    assert max(lead.created_at for lead in split.train) < split.at <= min(lead.created_at for lead in split.test)
    assert list(split.train_outcomes) == [OUTCOMES[LEADS.index(lead)] for lead in split.train]
    by_date = time_split(LEADS, OUTCOMES, at=split.at)
    assert by_date == split


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give exactly one"),
        ({"at": T0, "fraction": 0.5}, "give exactly one"),
        ({"fraction": 1.5}, "fraction: expected a share"),
        ({"at": T0 - timedelta(days=3650)}, r"train is empty"),
        ({"at": T0 + timedelta(days=3650)}, r"test is empty"),
    ],
)
def test_time_split_refusals(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        time_split(LEADS, OUTCOMES, **kwargs)


def test_compare_lists_leads_whose_verdict_changes_and_why() -> None:
    model = default_model()
    looser = attrs.evolve(model, mql_total=100)
    result = compare(model, looser, LEADS, as_of=SAMPLE_AS_OF)
    assert result.count("mql") == len(result.changes) > 0
    assert all(not c.before.mql and c.after.mql for c in result.changes)
    assert result.changes[0].why == ("the same scores; the model's thresholds differ",)
    reweighted = attrs.evolve(model, weights={**model.weights, "engagement": 2.0})
    moved = compare(model, reweighted, LEADS, as_of=SAMPLE_AS_OF)
    assert moved.changes
    assert moved.changes[0].why[0].startswith("engagement ")
    assert str(moved).startswith(f"default -> default: {len(moved.changes)} of 170 leads change")
    assert compare(model, model, LEADS, as_of=SAMPLE_AS_OF).changes == ()
    with pytest.raises(ValidationError, match="flag: expected one of grade"):
        result.count("stage")


def test_metrics_take_numpy_arrays_and_pandas_series() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    from leadkit.learn import average_precision, roc_auc

    scores, won = [0.9, 0.8, 0.3, 0.1], [True, False, True, False]
    expected = roc_auc(scores, won)
    assert roc_auc(np.array(scores, dtype=np.float32), np.array(won)) == pytest.approx(expected)
    assert roc_auc(pd.Series(scores), pd.Series([1, 0, 1, 0])) == expected
    assert average_precision(np.array(scores), np.array(won)) == average_precision(scores, won)
    with pytest.raises(ValidationError, match=r"scores\[1\]"):
        roc_auc(pd.Series([0.9, None, 0.3, 0.1]), won)  # a missing score is refused, not ranked
    with pytest.raises(ValidationError, match="a list of numbers"):
        roc_auc({1, 2}, won)  # type: ignore[arg-type]


@given(
    st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=2, max_size=60).filter(
        lambda pairs: len({won for _, won in pairs}) == 2
    ),
    st.integers(0, 10**6),
)
def test_bootstrap_of_roc_auc_takes_a_fast_path_with_the_same_result(pairs: list[tuple[int, bool]], seed: int) -> None:
    from leadkit.learn import bootstrap_interval, roc_auc

    scores, won = [float(s) for s, _ in pairs], [w for _, w in pairs]
    fast = bootstrap_interval(roc_auc, scores, won, samples=20, seed=seed)

    def slow(s: Sequence[float], o: Sequence[bool]) -> float:  # not roc_auc itself: the general path
        return roc_auc(s, o)

    generic = bootstrap_interval(slow, scores, won, samples=20, seed=seed)
    assert fast == pytest.approx(generic, abs=1e-12)


# --- exact figures and messages -------------------------------------------------------------------


def test_evaluate_counts_every_won_lead_per_grade_band_and_temperature() -> None:
    """The conversion tables count all won leads of each group, not just whether the last one was won."""
    result = evaluate(default_model(), LEADS, OUTCOMES, as_of=SAMPLE_AS_OF, bootstrap=0)
    verdicts = default_model().qualify_many(LEADS, as_of=SAMPLE_AS_OF)
    for table, key in ((result.by_grade, "grade"), (result.by_band, "band"), (result.by_temperature, "temperature")):
        for group, rate in table.items():
            members = [won for q, won in zip(verdicts, OUTCOMES, strict=True) if str(getattr(q, key)) == group]
            assert (rate.leads, rate.won) == (len(members), sum(members))
    assert sum(r.won for r in result.by_grade.values()) == sum(OUTCOMES)


def test_evaluate_passes_its_seed_to_the_bootstrap() -> None:
    """The ROC AUC interval is the bootstrap interval drawn with the seed given to `evaluate`."""
    totals = [q.total for q in default_model().qualify_many(LEADS, as_of=SAMPLE_AS_OF)]
    for seed in (0, 3):
        result = evaluate(default_model(), LEADS, OUTCOMES, as_of=SAMPLE_AS_OF, bootstrap=50, seed=seed)
        assert result.roc_auc_interval == bootstrap_interval(roc_auc, totals, OUTCOMES, samples=50, seed=seed)


def test_advice_with_outcomes_reports_recall_even_when_nothing_is_won_or_selected() -> None:
    """With outcomes, recall is a number: 0 when no lead fits the capacity or no lead was won."""
    nothing = recommend_threshold([3, 3], [True, False], capacity=1)
    assert (nothing.selected, nothing.precision, nothing.recall, nothing.rule) == (0, None, 0.0, "nothing fits")
    assert recommend_threshold([3, 3], capacity=1).recall is None
    none_won = recommend_threshold([1, 2], [False, False], capacity=1)
    assert (none_won.threshold, none_won.selected, none_won.precision, none_won.recall) == (2.0, 1, 0.0, 0.0)


def test_bootstrap_accepts_ten_samples_and_computes_the_metric_once_per_sample() -> None:
    """``samples`` resamples (10 is the least allowed) each give one value of the metric."""
    calls: list[int] = []

    def counted(s: Sequence[float], o: Sequence[bool]) -> float:
        calls.append(len(s))
        return roc_auc(s, o)

    for samples in (10, 37):
        calls.clear()
        low, high = bootstrap_interval(counted, [1, 2, 3, 4], [True, False, True, False], samples=samples, seed=1)
        assert len(calls) == samples
        assert all(n == 4 for n in calls)
        assert 0 <= low <= high <= 1
    assert bootstrap_interval(roc_auc, [1, 2, 3, 4], [True, False, True, False], samples=10) == bootstrap_interval(
        roc_auc, [1, 2, 3, 4], [True, False, True, False], samples=10
    )


_TWO = [Lead(id="first", created_at=T0), Lead(id="second", created_at=T0)]


@pytest.mark.parametrize(
    ("call", "message", "path"),
    [
        (
            lambda: evaluate(EngagementScorer(), _TWO, {"first": True}, as_of=SAMPLE_AS_OF),
            "outcomes.second: missing outcome; expected an outcome for lead 'second' (leads[1])",
            "outcomes.second",
        ),
        (
            lambda: recommend_threshold([1, 2], capacity=-1),
            "capacity: expected a non-negative number of leads per period (got -1)",
            "capacity",
        ),
        (
            lambda: roc_auc([1, 2], [True, True]),
            "outcomes: a single class ranks nothing; expected both won and lost outcomes (got 'only won')",
            "outcomes",
        ),
        (
            lambda: roc_auc([1, 2], [False, False]),
            "outcomes: a single class ranks nothing; expected both won and lost outcomes (got 'only lost')",
            "outcomes",
        ),
        (
            lambda: gains([1, 2], [False, False]),
            "outcomes: lift needs a rate; expected at least one won outcome (got 'none won')",
            "outcomes",
        ),
        (
            lambda: bootstrap_interval(roc_auc, [1, 2], [True, False], samples=9),
            "samples: expected a whole number of resamples >= 10 (got 9)",
            "samples",
        ),
    ],
)
def test_refusal_messages_in_full(call: Any, message: str, path: str) -> None:
    """Refusals name the place, the reason, what was expected and what was found."""
    with pytest.raises(ValidationError) as info:
        call()
    assert str(info.value) == message
    assert info.value.path == path
