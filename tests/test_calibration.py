"""Rule calibration: learnt points recover known effects, ignore order, and explain themselves."""

from __future__ import annotations

import functools
import math
import random
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit import Lead, RuleScorer, ScoringModel, ValidationError, calibrate_rules
from leadkit.learn.calibration import MIN_PENALTY

from .conftest import T0

AS_OF = datetime(2027, 1, 1, tzinfo=timezone.utc)


def _scorer() -> RuleScorer:
    model = ScoringModel.from_dict(
        {
            "version": 1,
            "scorers": [
                {
                    "type": "rules",
                    "rules": [
                        {"name": "pro plan", "when": {"field": "attributes.plan", "eq": "pro"}, "points": 5},
                        {"name": "big team", "when": {"field": "attributes.seats", "gte": 50}, "points": 5},
                        {
                            "name": "never matches",
                            "when": {"field": "attributes.plan", "eq": "enterprise"},
                            "points": 40,
                        },
                    ],
                }
            ],
        }
    )
    scorer = model.scorers[0]
    assert isinstance(scorer, RuleScorer)
    return scorer


SCORER = _scorer()


@functools.lru_cache(maxsize=4)
def _population(effects: tuple[float, float], base: float = -1.0) -> tuple[list[Lead], list[bool]]:
    """Leads in the four cells of (pro, big), with won counts exactly at the model's expectation."""
    leads, outcomes = [], []
    for pro in (False, True):
        for big in (False, True):
            z = base + effects[0] * pro + effects[1] * big
            size = 4000
            won = round(size / (1 + math.exp(-z)))
            for i in range(size):
                attributes = {"plan": "pro" if pro else "free", "seats": 80 if big else 5}
                leads.append(Lead(id=f"{pro}-{big}-{i}", created_at=T0, attributes=attributes))
                outcomes.append(i < won)
    return leads, outcomes


def test_calibration_recovers_known_effects() -> None:
    leads, outcomes = _population((1.0, -0.5))
    result = calibrate_rules(SCORER, leads, outcomes, as_of=AS_OF, penalty=1e-6)
    points = {r.rule: r.new_points for r in result.rules}
    assert points["pro plan"] == pytest.approx(10 * 1.0 / math.log(2), abs=0.05)
    assert points["big team"] == pytest.approx(10 * -0.5 / math.log(2), abs=0.05)
    assert points["never matches"] == 0
    assert result.intercept == pytest.approx(-1.0, abs=0.01)
    assert {r.rule: r.old_points for r in result.rules} == {"pro plan": 5, "big team": 5, "never matches": 40}
    assert result.rules[0].odds_ratio == pytest.approx(math.e, rel=0.01)
    assert [r.points for r in result.scorer.rules] == [r.new_points for r in result.rules]
    assert [r.when for r in result.scorer.rules] == [r.when for r in SCORER.rules]
    assert "pro plan" in str(result)
    assert "<table>" in result._repr_html_()


def test_a_larger_penalty_shrinks_points() -> None:
    leads, outcomes = _population((1.0, -0.5))
    loose = calibrate_rules(SCORER, leads, outcomes, as_of=AS_OF, penalty=1e-3)
    tight = calibrate_rules(SCORER, leads, outcomes, as_of=AS_OF, penalty=1e4)
    for a, b in zip(loose.rules, tight.rules, strict=True):
        assert abs(b.new_points) <= abs(a.new_points)


@given(st.randoms(use_true_random=False))
def test_calibration_ignores_the_order_of_leads(rng: random.Random) -> None:
    leads, outcomes = _population((0.7, 0.3))
    pairs = list(zip(leads, outcomes, strict=True))[::40]
    shuffled = pairs[:]
    rng.shuffle(shuffled)
    a = calibrate_rules(SCORER, [p[0] for p in pairs], [p[1] for p in pairs], as_of=AS_OF)
    b = calibrate_rules(SCORER, [p[0] for p in shuffled], [p[1] for p in shuffled], as_of=AS_OF)
    assert [r.new_points for r in a.rules] == pytest.approx([r.new_points for r in b.rules], abs=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scorer": "rules"}, "scorer: expected a RuleScorer"),
        ({"penalty": 0}, "penalty: expected a number of at least 1e-06"),
        ({"points_to_double": -1}, "points_to_double: expected a positive number"),
        ({"outcomes": [True] * 10}, "nothing to learn"),
        ({"outcomes": [True]}, "lengths differ"),
        ({"as_of": datetime(2027, 1, 1)}, "naive datetime"),
    ],
)
def test_refusals(kwargs: dict[str, Any], message: str) -> None:
    leads = [Lead(id=str(i), created_at=T0, attributes={"plan": "pro"}) for i in range(10)]
    args: dict[str, Any] = {"scorer": SCORER, "outcomes": [i % 2 == 0 for i in range(10)], "as_of": AS_OF} | kwargs
    with pytest.raises(ValidationError, match=message):
        calibrate_rules(args.pop("scorer"), leads, args.pop("outcomes"), **args)


def test_the_table_counts_the_leads_and_won_leads_matching_each_rule() -> None:
    """``matched`` and ``won`` are the training leads matching each rule, and the won ones among them."""
    leads, outcomes = _population((1.0, -0.5))
    pairs = list(zip(leads, outcomes, strict=True))[::50]
    result = calibrate_rules(SCORER, [p[0] for p in pairs], [p[1] for p in pairs], as_of=AS_OF)
    pro = [won for lead, won in pairs if lead.attributes["plan"] == "pro"]
    big = [won for lead, won in pairs if lead.attributes["seats"] >= 50]
    counts = {r.rule: (r.matched, r.won) for r in result.rules}
    assert counts == {"pro plan": (len(pro), sum(pro)), "big team": (len(big), sum(big)), "never matches": (0, 0)}


def test_calibration_stays_solvable_when_every_lead_matches_the_same_rules() -> None:
    """Leads all matching the same rules still fit at the smallest penalty: their log odds are the observed ones."""
    leads = [Lead(id=str(i), created_at=T0, attributes={"plan": "pro", "seats": 80}) for i in range(40)]
    outcomes = [i % 4 == 0 for i in range(40)]
    for penalty in (1.0, MIN_PENALTY):
        result = calibrate_rules(SCORER, leads, outcomes, as_of=AS_OF, penalty=penalty)
        matched = [r for r in result.rules if r.matched]
        assert [(r.matched, r.won) for r in matched] == [(40, 10)] * len(matched)
        log_odds = result.intercept + sum(r.new_points for r in matched) * math.log(2) / 10
        assert log_odds == pytest.approx(math.log(10 / 30), abs=1e-6)


@pytest.mark.parametrize("penalty", [0, 1e-20, MIN_PENALTY / 2, -1.0, math.inf, math.nan, "1"])
def test_a_penalty_too_small_to_tell_rules_apart_is_refused(penalty: Any) -> None:
    """Below MIN_PENALTY, rules matching the same leads made the fit singular (a bare ZeroDivisionError)."""
    leads = [Lead(id=str(i), created_at=T0, attributes={"plan": "pro", "seats": 80}) for i in range(40)]
    with pytest.raises(ValidationError) as info:
        calibrate_rules(SCORER, leads, [i % 4 == 0 for i in range(40)], as_of=AS_OF, penalty=penalty)
    assert info.value.path == "penalty"
    assert "expected a number of at least 1e-06" in str(info.value)


def test_calibration_stays_solvable_when_every_lead_matches_the_same_rule() -> None:
    """Leads all matching one rule still fit, however small the penalty: their log odds are the observed ones."""
    leads = [Lead(id=str(i), created_at=T0, attributes={"plan": "free", "seats": 80}) for i in range(40)]
    outcomes = [i % 4 == 0 for i in range(40)]
    for penalty in (1.0, MIN_PENALTY):
        result = calibrate_rules(SCORER, leads, outcomes, as_of=AS_OF, penalty=penalty)
        big = next(r for r in result.rules if r.rule == "big team")
        assert (big.matched, big.won) == (40, 10)
        log_odds = result.intercept + big.new_points * math.log(2) / 10
        assert log_odds == pytest.approx(math.log(10 / 30), abs=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message", "path"),
    [
        ({"scorer": "rules"}, "scorer: expected a RuleScorer (got 'rules')", "scorer"),
        (
            {"outcomes": [True] * 10},
            "outcomes: nothing to learn; expected both won and lost leads (got 'only won')",
            "outcomes",
        ),
        (
            {"outcomes": [False] * 10},
            "outcomes: nothing to learn; expected both won and lost leads (got 'only lost')",
            "outcomes",
        ),
    ],
)
def test_refusal_messages_in_full(kwargs: dict[str, Any], message: str, path: str) -> None:
    """Refusals name the place, the reason, what was expected and what was found."""
    leads = [Lead(id=str(i), created_at=T0, attributes={"plan": "pro"}) for i in range(10)]
    args: dict[str, Any] = {"scorer": SCORER, "outcomes": [i % 2 == 0 for i in range(10)], "as_of": AS_OF} | kwargs
    with pytest.raises(ValidationError) as info:
        calibrate_rules(args.pop("scorer"), leads, args.pop("outcomes"), **args)
    assert str(info.value) == message
    assert info.value.path == path
