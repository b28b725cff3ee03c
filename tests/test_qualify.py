"""ScoringModel and Qualification: totals, grades, bands, temperature, MQL and sales-ready."""

from __future__ import annotations

import math
import pickle
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from _examples import scaled
from leadkit import (
    BANT,
    BANTScorer,
    BestPersonaFitScorer,
    Company,
    Contribution,
    EngagementScorer,
    Interaction,
    Lead,
    Persona,
    PersonaFitScorer,
    Qualification,
    Rule,
    RuleScorer,
    Score,
    ScoringModel,
    Temperature,
    ValidationError,
    default_model,
    load_sample_leads,
)
from leadkit.datasets import SAMPLE_AS_OF
from leadkit.testing import check_scorer, leads, scoring_models

T = datetime(2026, 11, 1, tzinfo=timezone.utc)
DAY = timedelta(days=1)
AS_OF = datetime(2100, 1, 1, tzinfo=timezone.utc)


@attrs.frozen
class Fixed:
    """A scorer giving a fixed value, to drive the thresholds exactly."""

    value: float
    name: str

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        return Score(self.name, [Contribution("fixed", self.value, f"{self.name}.fixed", "fixed")])


def model(fit: float, engagement: float, **kwargs: Any) -> ScoringModel:
    return ScoringModel(
        scorers=[Fixed(fit, "fit"), Fixed(engagement, "engagement")], fit=["fit"], engagement=["engagement"], **kwargs
    )


LEAD = Lead(id="a", created_at=T)


class TestLevels:
    @pytest.mark.parametrize(
        ("fit", "grade"), [(100, "A"), (75, "A"), (74.9, "B"), (50, "B"), (25, "C"), (24.9, "D"), (-5, "D")]
    )
    def test_grades(self, fit: float, grade: str) -> None:
        """The fit side gives the grade at the default thresholds 75 / 50 / 25."""
        assert model(fit, 0).qualify(LEAD, as_of=T).grade == grade

    @pytest.mark.parametrize(("engagement", "band"), [(60, 1), (59, 2), (30, 2), (10, 3), (9.99, 4), (0, 4)])
    def test_bands(self, engagement: float, band: int) -> None:
        """The engagement side gives the band at 60 / 30 / 10."""
        assert model(0, engagement).qualify(LEAD, as_of=T).band == band

    @pytest.mark.parametrize(
        ("engagement", "temperature"),
        [(50, Temperature.HOT), (49, Temperature.WARM), (15, Temperature.WARM), (14, Temperature.COLD)],
    )
    def test_temperature(self, engagement: float, temperature: Temperature) -> None:
        """Hot from 50 engagement, warm from 15, else cold."""
        assert model(0, engagement).qualify(LEAD, as_of=T).temperature is temperature

    def test_rating(self) -> None:
        """The rating joins grade and band."""
        assert model(60, 40).qualify(LEAD, as_of=T).rating == "B2"

    @pytest.mark.parametrize(
        ("fit", "engagement", "mql"), [(75, 0, False), (75, 45, True), (49, 100, False), (50, 70, True)]
    )
    def test_mql(self, fit: float, engagement: float, mql: bool) -> None:
        """An MQL needs the total (here 120) and a grade of A or B (the default grades)."""
        assert model(fit, engagement, mql_total=120).qualify(LEAD, as_of=T).mql is mql

    def test_thresholds_are_configurable(self) -> None:
        """Every threshold can change."""
        custom = model(10, 5, grades=(30, 20, 10), bands=(6, 5, 4), temperature=(5, 1), mql_total=15, mql_grades=["C"])
        q = custom.qualify(LEAD, as_of=T)
        assert (q.rating, q.temperature, q.mql) == ("C2", Temperature.HOT, True)


class TestSalesReady:
    @pytest.mark.parametrize(
        ("kind", "age", "ready"),
        [
            ("demo_request", 0, True),
            ("free_trial", 29, True),
            ("free_trial", 30, True),  # exactly the 30-day window before as_of still counts
            ("demo_request", 31, False),  # outside the 30-day window
            ("pricing_view", 0, False),
            ("demo_request", -1, False),  # after as_of
        ],
    )
    def test_hand_raisers(self, kind: str, age: int, ready: bool) -> None:
        """A recent demo request or free trial makes a lead sales-ready whatever its score."""
        lead = Lead(id="a", created_at=T - 60 * DAY, interactions=[Interaction(kind=kind, at=T - age * DAY)])
        q = model(0, 0).qualify(lead, as_of=T)
        assert q.sales_ready is ready
        when = "today" if age == 0 else f"{age} days ago"
        assert (q.reasons[:1] == (f"raised a hand: {kind} {when}",)) is ready

    def test_no_window(self) -> None:
        """Without a window, any hand-raiser before as_of counts."""
        lead = Lead(id="a", created_at=T, interactions=[Interaction(kind="demo_request", at=T)])
        assert model(0, 0, hand_raiser_window=None).qualify(lead, as_of=T + 999 * DAY).sales_ready


class TestTotals:
    def test_weights_and_sides(self) -> None:
        """Weights scale a scorer in the total and in its side; unlisted scorers weigh 1 and sit on no side."""
        m = ScoringModel(
            scorers=[Fixed(50, "fit"), Fixed(20, "engagement"), Fixed(10, "extra")],
            weights={"fit": 0.5, "engagement": 2},
            fit=["fit"],
            engagement=["engagement"],
        )
        q = m.qualify(LEAD, as_of=T)
        assert (q.fit, q.engagement, q.total) == (25, 40, 75)
        assert [(c.label, c.points, c.reason) for c in q.breakdown.contributions] == [
            ("fit", 25, "fit 50.0 x weight 0.5"),
            ("engagement", 40, "engagement 20.0 x weight 2"),
            ("extra", 10, "extra 10.0"),
        ]
        assert [(c.source, c.points) for c in q.top] == [
            ("engagement.fixed", 40),
            ("fit.fixed", 25),
            ("extra.fixed", 10),
        ]

    @settings(max_examples=scaled(50))
    @given(m=scoring_models(), lead=leads())
    def test_total_is_the_weighted_sum(self, m: ScoringModel, lead: Lead) -> None:
        """total == Σ weight x value == the breakdown's contributions; sides are partial sums."""
        q = m.qualify(lead, as_of=AS_OF)
        weights = {s.name: m.weights.get(s.name, 1.0) for s in m.scorers}
        assert q.total == math.fsum(c.points for c in q.breakdown.contributions)
        assert math.isclose(q.total, sum(weights[n] * s.value for n, s in q.scores.items()), abs_tol=1e-6)
        assert q.fit == math.fsum(weights[n] * q.scores[n].value for n in m.fit)
        assert q.engagement == math.fsum(weights[n] * q.scores[n].value for n in m.engagement)
        assert list(q.scores) == [s.name for s in m.scorers]
        assert m.score(lead, as_of=AS_OF) == q.breakdown

    @settings(max_examples=scaled(30))
    @given(m=scoring_models(), lead=leads())
    def test_deterministic_and_pure(self, m: ScoringModel, lead: Lead) -> None:
        """The same lead and as_of give the same qualification; the lead is unchanged."""
        before = lead.to_dict()
        assert m.qualify(lead, as_of=AS_OF) == m.qualify(lead, as_of=AS_OF)
        assert lead.to_dict() == before

    @settings(max_examples=scaled(20))
    @given(m=scoring_models())
    def test_pickle(self, m: ScoringModel) -> None:
        """Models pickle and unpickle equal."""
        assert pickle.loads(pickle.dumps(m)) == m

    def test_model_keeps_the_scorer_contract(self) -> None:
        """A model is a scorer: check_scorer passes on the default model."""
        check_scorer(default_model(), max_examples=scaled(20))

    def test_threads(self) -> None:
        """Qualifying the same leads from 8 threads gives identical results."""
        m = default_model()
        sample = load_sample_leads().leads[:60]
        expected = m.qualify_many(sample, as_of=SAMPLE_AS_OF)
        with ThreadPoolExecutor(max_workers=8) as pool:
            runs = list(pool.map(lambda _: m.qualify_many(sample, as_of=SAMPLE_AS_OF), range(8)))
        assert all(run == expected for run in runs)


class TestQualificationDetails:
    def test_persona_and_checklists(self) -> None:
        """The matched persona and each checklist's policy are reported."""
        m = ScoringModel(
            scorers=[
                BestPersonaFitScorer([Persona(name="Banks", industries=["Banking"]), Persona(name="Shops")]),
                BANTScorer(),
            ],
            fit=["fit"],
        )
        lead = Lead(id="a", created_at=T, company=Company(industry="banking"), bant=BANT(need="yes"))
        q = m.qualify(lead, as_of=T)
        assert q.persona == "Banks"
        assert q.checklists["bant"].blocking == ()
        assert not q.checklists["bant"].qualified
        assert q.checklists["bant"].missing == ("budget", "authority", "timeline")

    def test_str_and_html(self) -> None:
        """A qualification prints every score and renders as an HTML table."""
        m = ScoringModel(
            scorers=[
                PersonaFitScorer(Persona(name="Banks <&>", industries=["Banking"])),
                RuleScorer(rules=[Rule(name="big", when={"field": "company.employees", "gte": 10}, points=5)]),
                EngagementScorer(),
            ],
            fit=["fit", "rules"],
            engagement=["engagement"],
        )
        lead = Lead(id="a", created_at=T, company=Company(industry="banking", employees=50))
        q = m.qualify(lead, as_of=T)
        text = str(q)
        assert text.splitlines()[0] == "lead a as of 2026-11-01T00:00:00+00:00: A4 cold, total 105.0 (MQL)"
        assert "  persona: Banks <&>" in text
        assert "     +5.00  big: company.employees >= 10" in text
        page = q._repr_html_()
        assert "Banks &lt;&amp;&gt;" in page
        assert page.count("<tr>") == 1 + 2  # header, industry, big

    def test_reasons_are_sorted_by_weight(self) -> None:
        """Reasons list the heaviest weighted contributions first, at most five after any hand-raise."""
        rules = [Rule(name=f"r{i}", when={"field": "id", "eq": "a"}, points=i) for i in range(1, 8)]
        m = ScoringModel(scorers=[RuleScorer(rules=rules)])
        q = m.qualify(LEAD, as_of=T)
        assert q.reasons == tuple(f"id = 'a' ({p:+.1f})" for p in (7, 6, 5, 4, 3))


class TestValidation:
    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"scorers": []}, "scorers"),
            ({"scorers": ["x"]}, "scorers[0]"),
            ({"scorers": [Fixed(1, "a"), Fixed(1, "a")]}, "scorers[1].name"),
            ({"scorers": [Fixed(1, "a")], "weights": {"b": 1}}, "weights.b"),
            ({"scorers": [Fixed(1, "a")], "weights": {"a": float("nan")}}, "weights.a"),
            ({"scorers": [Fixed(1, "a")], "weights": [1]}, "weights"),
            ({"scorers": [Fixed(1, "a")], "fit": ["b"]}, "fit[0]"),
            ({"scorers": [Fixed(1, "a")], "fit": ["a"], "engagement": ["a"]}, "engagement[0]"),
            ({"scorers": [Fixed(1, "a")], "grades": (50, 75, 25)}, "grades"),
            ({"scorers": [Fixed(1, "a")], "bands": (60, 30)}, "bands"),
            ({"scorers": [Fixed(1, "a")], "temperature": (15, 50)}, "temperature"),
            ({"scorers": [Fixed(1, "a")], "mql_grades": ["E"]}, "mql_grades"),
            ({"scorers": [Fixed(1, "a")], "hand_raisers": [""]}, "hand_raisers"),
            ({"scorers": [Fixed(1, "a")], "hand_raiser_window": timedelta(0)}, "hand_raiser_window"),
            ({"scorers": [Fixed(1, "a")], "mql_total": "high"}, "mql_total"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, Any], path: str) -> None:
        """Every setting is checked, with its path."""
        with pytest.raises(ValidationError) as info:
            ScoringModel(**kwargs)
        assert info.value.path == path

    def test_naive_as_of(self) -> None:
        """A naive as_of is refused."""
        with pytest.raises(ValidationError, match="naive"):
            model(0, 0).qualify(LEAD, as_of=datetime(2026, 1, 1))


def test_qualification_is_public() -> None:
    """Qualification is exported for type hints."""
    assert isinstance(model(0, 0).qualify(LEAD, as_of=T), Qualification)


def test_str_without_a_persona_has_no_persona_line() -> None:
    """A model without a persona scorer prints no persona line, only the sides and each score."""
    q = model(80, 40).qualify(LEAD, as_of=T)
    assert q.persona is None
    lines = str(q).splitlines()
    assert lines[0] == "lead a as of 2026-11-01T00:00:00+00:00: A2 warm, total 120.0 (MQL)"
    assert lines[1] == "  fit 80.0 (grade A), engagement 40.0 (band 2)"
    assert not any(line.startswith("  persona:") for line in lines)


@pytest.mark.parametrize(
    ("kwargs", "path", "expected"),
    [
        ({"scorers": [Fixed(1, "")]}, "scorers[0].name", "non-empty text"),
        ({"scorers": [Fixed(1, " ")]}, "scorers[0].name", "non-empty text"),
        ({"scorers": [Fixed(1, "a")], "fit": "a"}, "fit", "a list of scorer names"),
        ({"scorers": [Fixed(1, "a")], "engagement": "a"}, "engagement", "a list of scorer names"),
        ({"scorers": [Fixed(1, "a")], "hand_raisers": "demo_request"}, "hand_raisers", "a list of interaction kinds"),
    ],
)
def test_settings_that_are_not_lists_are_refused(kwargs: dict[str, Any], path: str, expected: str) -> None:
    """A blank scorer name, or a single name given where a list is needed, is a ValidationError at its path."""
    with pytest.raises(ValidationError) as info:
        ScoringModel(**kwargs)
    assert info.value.path == path
    assert info.value.expected == expected


@pytest.mark.parametrize(
    ("kwargs", "path", "expected"),
    [
        ({"weights": {"a": float("inf")}}, "weights.a", "a finite number"),
        ({"grades": (75, 50)}, "grades", "3 numbers, each lower than the one before"),
        ({"temperature": (50, 15, 5)}, "temperature", "2 numbers, each lower than the one before"),
        ({"mql_grades": ["a"]}, "mql_grades", "a list of grades among A, B, C, D"),
    ],
)
def test_bad_settings_say_what_was_expected(kwargs: dict[str, Any], path: str, expected: str) -> None:
    """A weight that is not finite, thresholds of the wrong length, or an unknown grade say what would do."""
    with pytest.raises(ValidationError) as info:
        ScoringModel(scorers=[Fixed(1, "a")], **kwargs)
    assert info.value.path == path
    assert info.value.expected == expected
