"""Qualification checklists: BANT, CHAMP, MEDDIC and custom ones."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _examples import scaled
from leadkit import (
    BANT,
    BANT_CHECKLIST,
    CHAMP_CHECKLIST,
    MEDDIC_CHECKLIST,
    BANTScorer,
    Checklist,
    ChecklistItem,
    ChecklistScorer,
    Criterion,
    CriterionStatus,
    Lead,
    ValidationError,
)
from leadkit.testing import bants, check_scorer, leads

AS_OF = datetime(2026, 11, 1, tzinfo=timezone.utc)
RANK = {CriterionStatus.UNKNOWN: 0, CriterionStatus.NO: 0, CriterionStatus.PARTIAL: 1, CriterionStatus.YES: 2}


def lead(**bant: str) -> Lead:
    return Lead(id="a", created_at=AS_OF, bant=BANT(**bant))


class TestBANT:
    def test_policy_need_and_two_others(self) -> None:
        """BANT qualifies with need and at least two of the others."""
        assert BANTScorer().assess(lead(need="yes", budget="yes", timeline="yes")).qualified
        assessment = BANTScorer().assess(lead(budget="yes", authority="yes", timeline="yes"))
        assert not assessment.qualified
        assert assessment.blocking == ("need",)
        assert assessment.reasons == ("need is required",)

    def test_missing_and_partial(self) -> None:
        """The assessment lists what is missing and what is partly there."""
        assessment = BANTScorer().assess(lead(need="yes", budget="partial"))
        assert assessment.met == ("need",)
        assert assessment.partial == ("budget",)
        assert assessment.missing == ("budget", "authority", "timeline")
        assert assessment.reasons == ("1 of 3 needed criteria met",)

    def test_score_with_partial_credit(self) -> None:
        """Met criteria earn their share, partial ones half of it, with reasons and notes."""
        score = BANTScorer().score(
            Lead(id="a", created_at=AS_OF, bant=BANT(need="yes", budget=Criterion("partial", "pilot only"))),
            as_of=AS_OF,
        )
        assert score.value == 37.5
        assert [c.reason for c in score.contributions][:3] == [
            "budget: partial (pilot only)",
            "authority: unknown",
            "need: yes",
        ]

    def test_name_defaults_to_the_checklist(self) -> None:
        """The scorer is named after its checklist unless named explicitly."""
        assert BANTScorer().name == "bant"
        assert ChecklistScorer(checklist=MEDDIC_CHECKLIST).name == "meddic"
        assert BANTScorer(name="qualification").name == "qualification"


class TestOtherFrameworks:
    def test_champ_reads_bant_fields(self) -> None:
        """CHAMP reads challenges from need, money from budget, prioritisation from timeline."""
        assessment = ChecklistScorer(checklist=CHAMP_CHECKLIST).assess(lead(need="yes", budget="yes", timeline="yes"))
        assert assessment.qualified
        assert assessment.met == ("challenges", "money", "prioritisation")

    def test_meddic_reads_custom_fields(self) -> None:
        """MEDDIC reads statuses from custom fields, as text or {status, note}."""
        fields = {
            "meddic.metrics": "yes",
            "meddic.economic_buyer": {"status": "yes", "note": "CFO on the call"},
            "meddic.decision_criteria": "yes",
            "meddic.identify_pain": "yes",
            "meddic.champion": "yes",
        }
        subject = Lead(id="a", created_at=AS_OF, attributes=fields)
        scorer = ChecklistScorer(checklist=MEDDIC_CHECKLIST)
        assert scorer.assess(subject).qualified
        assert scorer.assess(subject).missing == ("decision_process",)
        assert "economic_buyer: yes (CFO on the call)" in [
            c.reason for c in scorer.score(subject, as_of=AS_OF).contributions
        ]

    def test_invalid_custom_status_is_unknown_and_said(self) -> None:
        """A custom field without a valid status counts as unknown, and the reason says so."""
        subject = Lead(id="a", created_at=AS_OF, attributes={"meddic.champion": "maybe"})
        score = ChecklistScorer(checklist=MEDDIC_CHECKLIST).score(subject, as_of=AS_OF)
        (champion,) = [c for c in score.contributions if c.label == "champion"]
        assert champion.points == 0
        assert "attributes.meddic.champion holds 'maybe', not a status" in champion.reason

    def test_custom_weights(self) -> None:
        """Weights set each criterion's share."""
        checklist = Checklist(
            name="Fit",
            items=[
                ChecklistItem(name="budget", source="bant.budget", weight=3),
                ChecklistItem(name="need", source="bant.need", weight=1),
            ],
        )
        assert ChecklistScorer(checklist=checklist).score(lead(budget="yes"), as_of=AS_OF).value == 75


class TestValidation:
    @pytest.mark.parametrize(
        ("build", "where"),
        [
            (lambda: ChecklistItem(name="x", source="company.industry"), "source"),
            (lambda: ChecklistItem(name="x", source="attributes."), "source"),
            (lambda: ChecklistItem(name=" ", source="bant.need"), "name"),
            (lambda: ChecklistItem(name="x", source="bant.need", weight=-1), "weight"),
            (lambda: ChecklistItem(name="x", source="bant.need", required="yes"), "required"),
            (lambda: Checklist(name="X", items=[]), "items"),
            (lambda: Checklist(name="X", items=[BANT_CHECKLIST.items[0]] * 2), "items[1].name"),
            (lambda: Checklist(name="X", items=[ChecklistItem(name="x", source="bant.need", weight=0)]), "items"),
            (lambda: Checklist(name="X", items=BANT_CHECKLIST.items, min_met=5), "min_met"),
            (lambda: Checklist(name="X", items=BANT_CHECKLIST.items, partial_credit=2), "partial_credit"),
            (lambda: ChecklistScorer(checklist="BANT"), "checklist"),
            (lambda: ChecklistScorer(checklist=BANT_CHECKLIST, name=3), "name"),
        ],
    )
    def test_bad_definitions(self, build: Any, where: str) -> None:
        """Every bad definition is a ValidationError naming the field."""
        with pytest.raises(ValidationError) as excinfo:
            build()
        assert excinfo.value.path == where


class TestProperties:
    def test_keeps_the_scorer_contract(self) -> None:
        """BANT and MEDDIC scorers pass check_scorer."""
        check_scorer(BANTScorer(), max_examples=scaled(20))
        check_scorer(ChecklistScorer(checklist=MEDDIC_CHECKLIST), max_examples=scaled(20))

    @given(leads())
    def test_bounded_and_explained(self, subject: Lead) -> None:
        """0 <= value <= 100, and value is the sum of one contribution per criterion."""
        score = BANTScorer().score(subject, as_of=AS_OF)
        assert 0 <= score.value <= 100
        assert score.value == math.fsum(c.points for c in score.contributions)
        assert len(score.contributions) == 4

    @given(
        bants(), st.sampled_from(["budget", "authority", "need", "timeline"]), st.sampled_from(list(CriterionStatus))
    )
    def test_monotone_in_criteria_met(self, bant: BANT, name: str, status: CriterionStatus) -> None:
        """Improving a criterion's status never lowers the score (nor un-qualifies the lead)."""
        before = Lead(id="a", created_at=AS_OF, bant=bant)
        current = getattr(bant, name).status
        if RANK[status] < RANK[current]:
            return
        after = before.with_bant(**{name: attrs.evolve(getattr(bant, name), status=status)})
        scorer = BANTScorer()
        assert scorer.score(after, as_of=AS_OF).value >= scorer.score(before, as_of=AS_OF).value
        assert scorer.assess(after).qualified >= scorer.assess(before).qualified

    @given(bants())
    def test_assessment_is_consistent(self, bant: BANT) -> None:
        """Qualified exactly when nothing blocks and enough criteria are met."""
        assessment = BANTScorer().assess(Lead(id="a", created_at=AS_OF, bant=bant))
        assert assessment.qualified == (not assessment.blocking and len(assessment.met) >= BANT_CHECKLIST.min_met)
        assert set(assessment.met).isdisjoint(assessment.missing)
        assert len(assessment.met) + len(assessment.missing) == 4


def test_a_checklist_built_at_run_time_reads_custom_fields() -> None:
    """Items read custom fields as text or {status, note}; anything else counts as unknown, and says so."""
    checklist = Checklist(
        name="Deal",
        items=[
            ChecklistItem(name="pain", source="attributes.deal.pain", weight=0.5),
            ChecklistItem(name="budget", source="bant.budget", weight=0.25),
            ChecklistItem(name="champion", source="attributes.champion", weight=0.25),
        ],
    )
    subject = Lead(
        id="a",
        created_at=AS_OF,
        bant=BANT(budget="partial"),
        attributes={"deal.pain": {"status": "yes", "note": "churn"}, "champion": 3},
    )
    score = ChecklistScorer(checklist=checklist).score(subject, as_of=AS_OF)
    assert (score.scorer, score.value) == ("deal", 62.5)
    assert [(c.label, c.points, c.source, c.reason) for c in score.contributions] == [
        ("pain", 50.0, "deal.pain", "pain: yes (churn)"),
        ("budget", 12.5, "deal.budget", "budget: partial"),
        ("champion", 0.0, "deal.champion", "champion: unknown; attributes.champion holds 3, not a status"),
    ]


def test_definition_errors_say_what_was_expected_and_what_was_found() -> None:
    """A source that is not a criterion, and items that weigh nothing in all, are refused with the value found."""
    with pytest.raises(ValidationError) as info:
        ChecklistItem(name="x", source="company.industry")
    assert str(info.value) == (
        "source: expected bant.budget, bant.authority, bant.need, bant.timeline or attributes.<custom field> "
        "(got 'company.industry')"
    )
    with pytest.raises(ValidationError) as info:
        Checklist(name="X", items=[ChecklistItem(name="x", source="bant.need", weight=0)])
    assert info.value.path == "items"
    assert info.value.expected == "at least one item with a weight above 0"
    assert (info.value.got or "").startswith("(ChecklistItem(name='x', source='bant.need', weight=0")


def test_every_criterion_met_scores_exactly_100() -> None:
    """The cap absorbs rounding: shares of 1, 2, 4 and 4 add up to a hair over 100 in floating point."""
    weights = {"budget": 1, "authority": 2, "need": 4, "timeline": 4}
    items = [ChecklistItem(name=name, source=f"bant.{name}", weight=w) for name, w in weights.items()]
    scorer = ChecklistScorer(checklist=Checklist(name="Weighted", items=items))
    score = scorer.score(lead(**dict.fromkeys(weights, "yes")), as_of=AS_OF)
    assert math.fsum(c.points for c in score.contributions[:4]) > 100
    assert score.value == 100
    assert score.contributions[-1].source == "weighted.cap"
