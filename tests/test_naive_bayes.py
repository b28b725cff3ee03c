"""NaiveBayesScorer: fitting, explanations, probabilities, round trips, refusals, and the real bank data."""

from __future__ import annotations

import itertools
import math
import pickle
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from _examples import scaled
from leadkit import (
    ConfigError,
    Lead,
    NaiveBayesScorer,
    NotFittedError,
    ScoringModel,
    ValidationError,
    evaluate,
    time_split,
)
from leadkit.datasets import BANK_MARKETING_FIELDS, load_bank_marketing
from leadkit.testing import check_scorer

from .conftest import T0

AS_OF = datetime(2027, 1, 1, tzinfo=timezone.utc)
PLANS = ("free", "pro", "team")


def _lead(i: int, **attributes: Any) -> Lead:
    return Lead(id=f"L-{i}", created_at=T0, attributes=attributes)


@st.composite
def training(draw: st.DrawFn) -> tuple[list[Lead], list[bool]]:
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(PLANS), st.integers(1, 500), st.booleans()),
            min_size=4,
            max_size=60,
        )
    )
    outcomes = [won for _, _, won in rows]
    assume(any(outcomes) and not all(outcomes))
    return [_lead(i, plan=plan, seats=seats) for i, (plan, seats, _) in enumerate(rows)], outcomes


SCORER = NaiveBayesScorer(fields=["attributes.plan", "attributes.seats"], min_support=1, bins=3)


@given(training())
def test_probabilities_stay_inside_the_clamp(data: tuple[list[Lead], list[bool]]) -> None:
    leads, outcomes = data
    fitted = SCORER.fit(leads, outcomes)
    for lead in [*leads, _lead(999), _lead(998, plan="unknown", seats="many")]:
        p = fitted.probability(lead, as_of=AS_OF)
        assert fitted.clamp <= p <= 1 - fitted.clamp
        score = fitted.score(lead, as_of=AS_OF)
        assert math.isclose(score.value, math.fsum(c.points for c in score.contributions))


@given(training())
def test_duplicating_the_training_set_changes_nothing_without_smoothing(data: tuple[list[Lead], list[bool]]) -> None:
    leads, outcomes = data
    sharp = NaiveBayesScorer(fields=["attributes.plan"], min_support=1, smoothing=1e-9)
    once = sharp.fit(leads, outcomes)
    twice = sharp.fit(leads * 2, outcomes * 2)
    both = {
        plan
        for plan in PLANS
        if any(w for lead, w in zip(leads, outcomes, strict=True) if lead.attributes["plan"] == plan)
        and any(not w for lead, w in zip(leads, outcomes, strict=True) if lead.attributes["plan"] == plan)
    }
    for lead in leads:
        if lead.attributes["plan"] in both:  # a value never won (or never lost) is all smoothing
            once_value, twice_value = once.score(lead, as_of=AS_OF).value, twice.score(lead, as_of=AS_OF).value
            assert math.isclose(once_value, twice_value, abs_tol=1e-6)


@given(st.integers(1, 20), st.integers(1, 20))
def test_a_field_independent_of_the_outcome_contributes_nothing(per_plan: int, extra: int) -> None:
    leads, outcomes = [], []
    for plan in PLANS:  # every plan: as many won as lost
        for won in (True, False):
            for _ in range(per_plan):
                leads.append(_lead(len(leads), plan=plan))
                outcomes.append(won)
    fitted = NaiveBayesScorer(fields=["attributes.plan"], min_support=1).fit(leads, outcomes)
    assert all(abs(w) < 1e-12 for w in fitted.tables_["plan" and "attributes.plan"].weights.values())  # type: ignore[index]
    del extra


@given(training())
def test_fit_dump_load_reproduces_scores_exactly(data: tuple[list[Lead], list[bool]]) -> None:
    leads, outcomes = data
    model = ScoringModel(scorers=[SCORER.fit(leads, outcomes)])
    again = ScoringModel.from_yaml(model.to_yaml())
    assert again == model
    for lead in leads[:10]:
        assert again.qualify(lead, as_of=AS_OF) == model.qualify(lead, as_of=AS_OF)


def test_explanations_speak_in_odds() -> None:
    leads = [_lead(i, plan=PLANS[i % 3], seats=i) for i in range(90)]
    outcomes = [lead.attributes["plan"] == "team" or i % 5 == 0 for i, lead in enumerate(leads)]
    fitted = NaiveBayesScorer(fields=["attributes.plan", "attributes.seats", "source"], min_support=5).fit(
        leads, outcomes
    )
    score = fitted.score(_lead(1000, plan="team", seats=12), as_of=AS_OF)
    reasons = {c.label: c.reason for c in score.contributions}
    assert reasons["base rate"].endswith("of training leads were won")
    assert reasons["plan"].startswith("plan = team raised the odds x")
    assert reasons["source"] == "no value"
    assert fitted.tables_ is not None
    assert fitted.tables_["attributes.seats"].cuts is not None
    cold = fitted.score(_lead(1001, plan="free", seats=12), as_of=AS_OF)
    assert "lowered the odds" in {c.label: c.reason for c in cold.contributions}["plan"]
    rare = fitted.score(_lead(1002, plan="enterprise"), as_of=AS_OF)
    assert {c.label: c.reason for c in rare.contributions}["plan"] == "plan = enterprise: too rare in training to count"
    assert fitted.probability(_lead(1000, plan="team"), as_of=AS_OF) > fitted.probability(
        _lead(1001, plan="free"), as_of=AS_OF
    )


def test_the_fitted_scorer_keeps_the_scorer_contract() -> None:
    leads = [_lead(i, plan=PLANS[i % 3], seats=i) for i in range(60)]
    fitted = SCORER.fit(leads, [i % 3 == 0 for i in range(60)])
    check_scorer(fitted, max_examples=scaled(20))
    assert pickle.loads(pickle.dumps(fitted)) == fitted


def test_fit_returns_a_new_scorer() -> None:
    leads = [_lead(i, plan=PLANS[i % 3]) for i in range(30)]
    fitted = SCORER.fit(leads, [i % 2 == 0 for i in range(30)])
    assert not SCORER.fitted
    assert fitted.fitted
    with pytest.raises(NotFittedError, match=r"not fitted; use the scorer returned by .fit"):
        SCORER.score(leads[0], as_of=AS_OF)
    with pytest.raises(AttributeError):  # NotFittedError is also an AttributeError, as in scikit-learn
        SCORER.probability(leads[0], as_of=AS_OF)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: SCORER.fit([_lead(1)], [True, False]), ValidationError, "lengths differ"),
        (lambda: SCORER.fit([_lead(1), _lead(2)], [True, True]), ValidationError, "nothing to learn"),
        (lambda: SCORER.fit([_lead(1), _lead(2)], [True, False]), ValidationError, "no usable fields"),
        (lambda: SCORER.fit("leads", [True]), ValidationError, "leads: expected a list of Lead"),
        (lambda: NaiveBayesScorer(fields=[]), ValidationError, "at least one field path"),
        (lambda: NaiveBayesScorer(fields=["company.colour"]), ValidationError, r"fields\[0\]: unknown field"),
        (lambda: NaiveBayesScorer(fields=["source"], smoothing=0), ValidationError, "smoothing: expected a positive"),
        (lambda: NaiveBayesScorer(fields=["source"], min_support=0), ValidationError, "min_support: expected"),
        (lambda: NaiveBayesScorer(fields=["source"], clamp=0.5), ValidationError, "clamp: expected a probability"),
        (
            lambda: NaiveBayesScorer.from_config({"fields": ["source"], "prior": 0.1}),
            ConfigError,
            "half fitted",
        ),
        (
            lambda: NaiveBayesScorer.from_config({"fields": ["source"], "prior": 0.1, "tables": {}}),
            ConfigError,
            "one table per field",
        ),
        (lambda: NaiveBayesScorer.from_config({"fields": ["source"], "bnis": 3}), ConfigError, "did you mean 'bins'"),
    ],
)
def test_refusals(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_an_unfitted_scorer_round_trips_too() -> None:
    model = ScoringModel(scorers=[SCORER])
    assert ScoringModel.from_yaml(model.to_yaml()) == model


# --- the real data --------------------------------------------------------------------------------

BANK_FIELDS = [f"attributes.{f}" for f in BANK_MARKETING_FIELDS]


def test_bank_data_loads_as_documented() -> None:
    leads, outcomes = load_bank_marketing()
    assert (len(leads), sum(outcomes)) == (41188, 4640)
    assert "duration" not in leads[0].attributes
    assert leads[0].created_at == datetime(2008, 5, 1, tzinfo=timezone.utc)
    assert leads[-1].created_at.strftime("%Y-%m") == "2010-11"
    assert all(a.created_at <= b.created_at for a, b in itertools.pairwise(leads))
    with_duration, _ = load_bank_marketing(include_duration=True)
    assert with_duration[0].attributes["duration"] == 261


def test_bank_data_time_split_figures() -> None:
    """Fixed figures on the real data: the later 30 % is a different economy, and the ranking drops."""
    leads, outcomes = load_bank_marketing()
    split = time_split(leads, outcomes, fraction=0.7)
    assert (len(split.train), len(split.test)) == (28831, 12357)
    fitted = NaiveBayesScorer(fields=BANK_FIELDS).fit(split.train, split.train_outcomes)
    train = evaluate(fitted, split.train, split.train_outcomes, as_of=AS_OF, bootstrap=0)
    test = evaluate(fitted, split.test, split.test_outcomes, as_of=AS_OF, bootstrap=0)
    assert train.roc_auc == pytest.approx(0.637, abs=0.01)
    assert test.roc_auc == pytest.approx(0.530, abs=0.01)
    assert test.won == 3034


def test_a_field_mostly_at_one_value_has_a_single_bin() -> None:
    leads = [_lead(i, previous=0 if i % 10 else 1 + i % 3) for i in range(100)]
    outcomes = [i % 10 == 0 or i % 7 == 0 for i in range(100)]
    fitted = NaiveBayesScorer(fields=["attributes.previous"], min_support=5).fit(leads, outcomes)
    assert fitted.tables_ is not None
    assert fitted.tables_["attributes.previous"].cuts == ()
    assert set(fitted.tables_["attributes.previous"].weights) == {"all"}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"cuts": ["a"], "values": {}}, r'tables\["attributes.plan"\].cuts: expected null or a list of numbers'),
        ({"cuts": [3, 1], "values": {}}, "in increasing order"),
        ({"cuts": 3, "values": {}}, r"cuts: expected a list"),
        ({"values": {"pro": {"weight": "x", "won": 1, "lost": 1}}}, r"weight: expected a number"),
        ({"values": {"pro": {"weight": 1, "won": -1, "lost": 1}}}, r"won.pro: expected a whole number >= 0"),
        ({"values": {"pro": {"weight": 1, "won": 1}}}, "missing key"),
    ],
)
def test_a_written_table_is_checked_when_read(table: dict[str, Any], message: str) -> None:
    config = {"fields": ["attributes.plan"], "prior": 0.0, "tables": {"attributes.plan": table}}
    with pytest.raises(ConfigError, match=message):
        NaiveBayesScorer.from_config(config)


# --- exact tables, explanations and messages ------------------------------------------------------


def test_yes_no_fields_are_learnt_as_text() -> None:
    """True/False values are text values ``true``/``false``; a value as common among won as lost changes nothing."""
    leads = [_lead(i, trial=i % 3 == 0) for i in range(60)]
    fitted = NaiveBayesScorer(fields=["attributes.trial"], min_support=1).fit(leads, [i % 2 == 0 for i in range(60)])
    assert fitted.tables_ is not None
    table = fitted.tables_["attributes.trial"]
    assert table.cuts is None
    assert dict(table.won) == {"false": 20, "true": 10}
    assert dict(table.lost) == {"false": 20, "true": 10}
    assert dict(table.weights) == {"false": 0.0, "true": 0.0}
    assert table.key(True) == "true"
    assert table.key("yes") == "yes"
    assert table.key(None) is None
    reasons = {c.label: (c.points, c.reason) for c in fitted.score(leads[0], as_of=AS_OF).contributions}
    assert reasons["trial"] == (0.0, "trial = true made no difference to the odds")


def test_numeric_fields_are_cut_at_the_quantiles() -> None:
    """``bins`` quantile bins: 100 evenly spread values in 5 bins are cut at 20, 40, 60 and 80."""
    leads = [_lead(i, seats=i) for i in range(100)]
    outcomes = [i % 2 == 0 for i in range(100)]
    for bins, cuts in ((5, (20, 40, 60, 80)), (2, (50,)), (4, (25, 50, 75))):
        fitted = NaiveBayesScorer(fields=["attributes.seats"], min_support=1, bins=bins).fit(leads, outcomes)
        assert fitted.tables_ is not None
        assert fitted.tables_["attributes.seats"].cuts == cuts
    assert fitted.tables_ is not None
    assert sorted(fitted.tables_["attributes.seats"].weights) == ["25-50", "50-75", "<25", ">=75"]


def test_probabilities_reach_both_ends_of_the_clamp() -> None:
    """Overwhelming evidence either way gives exactly ``clamp`` or ``1 - clamp``, never beyond."""
    leads = [_lead(i, plan=PLANS[i % 2]) for i in range(40)]
    outcomes = [lead.attributes["plan"] == "pro" for lead in leads]
    fitted = NaiveBayesScorer(fields=["attributes.plan"], min_support=1, smoothing=1e-9, clamp=0.05).fit(
        leads, outcomes
    )
    assert fitted.probability(_lead(100, plan="pro"), as_of=AS_OF) == pytest.approx(0.95, abs=1e-12)
    assert fitted.probability(_lead(101, plan="free"), as_of=AS_OF) == pytest.approx(0.05, abs=1e-12)


@pytest.mark.parametrize(
    ("call", "error", "message", "path"),
    [
        (
            lambda: SCORER.fit([_lead(1), _lead(2)], [False, False]),
            ValidationError,
            "outcomes: nothing to learn; expected both won and lost leads (got 'only lost')",
            "outcomes",
        ),
        (
            lambda: SCORER.fit([_lead(1), _lead(2)], [True, True]),
            ValidationError,
            "outcomes: nothing to learn; expected both won and lost leads (got 'only won')",
            "outcomes",
        ),
        (
            lambda: SCORER.fit([_lead(1), _lead(2)], [True, False]),
            ValidationError,
            (
                "fields: no usable fields; expected a field with values seen on at least 1 leads (min_support) "
                "(got ['attributes.plan', 'attributes.seats'])"
            ),
            "fields",
        ),
        (
            lambda: NaiveBayesScorer.from_config({"fields": ["source"], "prior": 0.1}),
            ConfigError,
            "prior: half fitted; expected both prior and tables (a fitted scorer) or neither",
            "prior",
        ),
    ],
)
def test_refusal_messages_in_full(call: Any, error: type[Exception], message: str, path: str) -> None:
    """Refusals name the place, the reason, what was expected and what was found."""
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message
    assert info.value.path == path  # type: ignore[attr-defined]
