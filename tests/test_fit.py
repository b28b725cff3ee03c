"""The persona fit scorer: matching rules, reasons, weights and its contract."""

from __future__ import annotations

import math
import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _examples import scaled
from leadkit import BANT, Company, Contact, Contribution, Criterion, Interaction, Lead, Persona, ValidationError
from leadkit.scoring.fit import DEFAULT_FIT_WEIGHTS, FIT_DIMENSIONS, BestPersonaFitScorer, PersonaFitScorer, _points
from leadkit.testing import aware_datetimes, check_scorer, interactions, leads, personas

AS_OF = datetime(2100, 1, 1, tzinfo=timezone.utc)
DAY = timedelta(days=1)
PAST = aware_datetimes(max_value=datetime(2099, 12, 1))
FUTURE = aware_datetimes(min_value=datetime(2100, 1, 2), max_value=datetime(2101, 1, 1))
FULL = Persona(
    name="Fintech data leaders",
    industries=["Banking", "Insurance"],
    titles=["head of data", "c++"],
    min_employees=200,
    max_employees=5000,
    countries=["DE", "AT"],
    channels=["web", "event"],
    pain_points=["pipeline visibility", "churn"],
)
WEIGHTS = st.dictionaries(
    st.sampled_from(FIT_DIMENSIONS),
    st.floats(min_value=0, max_value=1e308) | st.integers(min_value=0, max_value=10**6),
)


def lead(**parts: Any) -> Lead:
    return Lead(id="a", created_at=AS_OF - 400 * DAY, **parts)


def only(persona_fields: dict[str, Any], the_lead: Lead) -> tuple[float, str]:
    """Score a lead against a persona with one dimension; the points and reason of that dimension."""
    scorer = PersonaFitScorer(Persona(name="p", **persona_fields))
    (contribution,) = scorer.score(the_lead, as_of=AS_OF).contributions
    return contribution.points, contribution.reason


@st.composite
def fitting_leads(draw: st.DrawFn, persona: Persona) -> Lead:
    """A lead that matches every criterion of ``persona``, built from the persona itself.

    Each keyword is placed alone in its text, so the whole-word rule holds
    for any keyword: the lookarounds see the edges of the string, which are
    not word characters, even when the keyword itself starts or ends with
    punctuation. No narrowing of the persona strategy is needed.
    """
    low, high = persona.min_employees, persona.max_employees
    employees = low if low is not None else (high if high is not None else 0)
    kind = draw(st.sampled_from(["chat", "webinar", "form_submit"]))
    events = [Interaction(kind=kind, at=draw(PAST), channel=persona.channels[0])] if persona.channels else []
    return Lead(
        id=draw(st.text("abc123", min_size=1, max_size=5)),
        created_at=draw(PAST),
        contact=Contact(title=persona.titles[0] if persona.titles else None),
        company=Company(
            industry=persona.industries[0] if persona.industries else None,
            employees=employees,
            country=persona.countries[0] if persona.countries else None,
        ),
        attributes={"pain": persona.pain_points[0]} if persona.pain_points else {},
        interactions=events,
    )


class TestDimensions:
    def test_industry(self) -> None:
        """Industry matches one of the persona's, ignoring case; the reasons say which way."""
        industries = {"industries": ["Banking", "Insurance"]}
        assert only(industries, lead(company=Company(industry="banking"))) == (
            100.0,
            "industry banking is one of Banking, Insurance",
        )
        assert only(industries, lead(company=Company(industry="Retail"))) == (
            0.0,
            "industry Retail is not one of Banking, Insurance",
        )
        assert only(industries, lead()) == (0.0, "no industry known")

    def test_title_whole_words(self) -> None:
        """A title keyword must occur as a whole word or phrase, ignoring case."""
        titles = {"titles": ["engineer", "head of data"]}
        assert only(titles, lead(contact=Contact(title="Senior Engineer"))) == (
            100.0,
            "title Senior Engineer mentions Engineer",
        )
        assert only(titles, lead(contact=Contact(title="VP, HEAD OF DATA")))[0] == 100.0
        points, reason = only(titles, lead(contact=Contact(title="Engineering Manager")))
        assert (points, reason) == (0.0, "title Engineering Manager mentions none of engineer, head of data")
        assert only(titles, lead()) == (0.0, "no title known")

    def test_title_keywords_with_punctuation(self) -> None:
        """Keywords such as c++ or .net are escaped and still need a word edge outside them."""
        titles = {"titles": ["c++", ".net"]}
        assert only(titles, lead(contact=Contact(title="Senior C++ Developer")))[0] == 100.0
        assert only(titles, lead(contact=Contact(title="C++/CLI developer")))[0] == 100.0
        assert only(titles, lead(contact=Contact(title=".NET architect")))[0] == 100.0
        assert only(titles, lead(contact=Contact(title="C developer")))[0] == 0.0
        assert only(titles, lead(contact=Contact(title="xc++ developer")))[0] == 0.0

    def test_the_longest_keyword_is_reported(self) -> None:
        """Of overlapping keywords, the reason names the longest that matched."""
        titles = {"titles": ["data", "data engineer"]}
        assert (
            only(titles, lead(contact=Contact(title="Data Engineer")))[1]
            == "title Data Engineer mentions Data Engineer"
        )

    @pytest.mark.parametrize(
        ("low", "high", "employees", "expected"),
        [
            (200, 5000, 200, (100.0, "200 employees is within 200 to 5,000")),
            (200, 5000, 5000, (100.0, "5,000 employees is within 200 to 5,000")),
            (200, 5000, 5001, (0.0, "5,001 employees is not within 200 to 5,000")),
            (200, None, 10**6, (100.0, "1,000,000 employees is at least 200")),
            (200, None, 199, (0.0, "199 employees is not at least 200")),
            (None, 50, 0, (100.0, "0 employees is at most 50")),
            (None, 50, 51, (0.0, "51 employees is not at most 50")),
            (0, 50, None, (0.0, "no head count known")),
        ],
    )
    def test_company_size(self, low: int | None, high: int | None, employees: int | None, expected: Any) -> None:
        """The head count must be within the bounds (a missing bound is open); unknown does not match."""
        size = {"min_employees": low, "max_employees": high}
        assert only(size, lead(company=Company(employees=employees))) == expected

    def test_country(self) -> None:
        """The country must be one of the persona's."""
        countries = {"countries": ["de", "AT"]}
        assert only(countries, lead(company=Company(country="DE"))) == (100.0, "country DE is one of DE, AT")
        assert only(countries, lead(company=Company(country="US"))) == (0.0, "country US is not one of DE, AT")
        assert only(countries, lead()) == (0.0, "no country known")

    def test_channel(self) -> None:
        """An interaction through one of the channels at or before as_of matches; later ones do not."""
        channels = {"channels": ["web", "Event"]}
        before = Interaction(kind="webinar", at=AS_OF - 3 * DAY, channel="event")
        assert only(channels, lead(interactions=[before])) == (100.0, "webinar through event on 2099-12-29")
        at_as_of = Interaction(kind="chat", at=AS_OF, channel="web")
        assert only(channels, lead(interactions=[at_as_of]))[0] == 100.0
        later = Interaction(kind="chat", at=AS_OF + DAY, channel="web")
        other = Interaction(kind="call", at=AS_OF - DAY, channel="phone")
        assert only(channels, lead(interactions=[other, later])) == (0.0, "no interaction through web, event")

    def test_pain_points_in_each_kind_of_free_text(self) -> None:
        """Pain points are found in the need note, top-level text attributes and interaction properties."""
        pains = {"pain_points": ["churn", "pipeline visibility"]}
        need = lead(bant=BANT(need=Criterion("yes", "Churn is up 20%")))
        assert only(pains, need) == (100.0, "the need note mentions Churn")
        attribute = lead(attributes={"notes": "no pipeline visibility at all", "n": 3})
        assert only(pains, attribute) == (100.0, "attribute notes mentions pipeline visibility")
        event = Interaction(kind="form_submit", at=AS_OF - DAY, properties={"message": "churn!"})
        assert only(pains, lead(interactions=[event])) == (100.0, "form_submit message mentions churn")

    def test_pain_points_misses(self) -> None:
        """Nested attributes, later interactions and partial words do not count."""
        pains = {"pain_points": ["churn"]}
        nested = lead(attributes={"notes": {"text": "churn"}, "tags": ["churn"]})
        assert only(pains, nested) == (0.0, "no free text known")
        later = Interaction(kind="form_submit", at=AS_OF + DAY, properties={"message": "churn"})
        assert only(pains, lead(interactions=[later])) == (0.0, "no free text known")
        partial = lead(attributes={"notes": "churned customers"})
        assert only(pains, partial) == (0.0, "no mention of churn")

    def test_pain_points_in_an_interaction_at_as_of(self) -> None:
        """An interaction at exactly ``as_of`` is known then: its text is searched for pain points."""
        now = Interaction(kind="form_submit", at=AS_OF, properties={"message": "churn"})
        assert only({"pain_points": ["churn"]}, lead(interactions=[now])) == (
            100.0,
            "form_submit message mentions churn",
        )


class TestScore:
    def test_all_dimensions_by_weight(self) -> None:
        """Each counted dimension gives its share of 100; misses are listed with 0 points."""
        matching = lead(
            contact=Contact(title="Head of Data"),
            company=Company(industry="Banking", employees=1000, country="FR"),
            interactions=[Interaction(kind="chat", at=AS_OF - DAY, channel="web")],
        )
        score = PersonaFitScorer(FULL).score(matching, as_of=AS_OF)
        assert [c.source for c in score.contributions] == [f"fit.{d}" for d in FIT_DIMENSIONS]
        assert [c.label for c in score.contributions] == list(FIT_DIMENSIONS)
        assert [c.points for c in score.contributions] == [25.0, 25.0, 20.0, 0.0, 5.0, 0.0]
        assert score.value == 75.0

    def test_unspecified_and_zero_weight_dimensions_do_not_count(self) -> None:
        """Only specified dimensions with a weight above 0 count, and share 100 between them."""
        persona = Persona(name="p", industries=["Banking"], titles=["cto"], countries=["DE"])
        scorer = PersonaFitScorer(persona, weights={"industry": 3, "title": 1, "country": 0, "channel": 7})
        score = scorer.score(lead(company=Company(industry="Banking", country="DE")), as_of=AS_OF)
        assert [(c.source, c.points) for c in score.contributions] == [("fit.industry", 75.0), ("fit.title", 0.0)]

    def test_no_criteria_fits_every_lead(self) -> None:
        """A persona without criteria gives 100, with one contribution saying why."""
        (contribution,) = PersonaFitScorer(Persona(name="anyone")).score(lead(), as_of=AS_OF).contributions
        assert contribution == Contribution("any", 100.0, "fit.any", "the persona has no criteria: every lead fits")
        scorer = PersonaFitScorer(FULL, weights={}, name="icp")
        (contribution,) = scorer.score(lead(), as_of=AS_OF).contributions
        assert contribution.source == "icp.any"
        assert contribution.points == 100.0
        assert "no criterion of the persona has a weight above 0" in contribution.reason

    def test_default_weights(self) -> None:
        """The defaults are documented figures, read-only and picklable."""
        assert dict(DEFAULT_FIT_WEIGHTS) == {
            "industry": 25,
            "title": 25,
            "company_size": 20,
            "country": 15,
            "channel": 5,
            "pain_points": 10,
        }
        assert set(DEFAULT_FIT_WEIGHTS) == set(FIT_DIMENSIONS)
        with pytest.raises(TypeError):
            DEFAULT_FIT_WEIGHTS["title"] = 1  # type: ignore[index]
        assert pickle.loads(pickle.dumps(DEFAULT_FIT_WEIGHTS)) == DEFAULT_FIT_WEIGHTS

    def test_naive_as_of_is_refused(self) -> None:
        """as_of must be timezone-aware."""
        with pytest.raises(ValidationError, match="naive datetime"):
            PersonaFitScorer(FULL).score(lead(), as_of=datetime(2026, 1, 1))

    @pytest.mark.parametrize(
        ("build", "where"),
        [
            (lambda: PersonaFitScorer("persona"), "persona"),
            (lambda: PersonaFitScorer(FULL, weights={"title": -1}), "weights.title"),
            (lambda: PersonaFitScorer(FULL, weights={"title": float("nan")}), "weights.title"),
            (lambda: PersonaFitScorer(FULL, weights={"title": float("inf")}), "weights.title"),
            (lambda: PersonaFitScorer(FULL, weights={"title": 10**400}), "weights.title"),
            (lambda: PersonaFitScorer(FULL, weights={"title": True}), "weights.title"),
            (lambda: PersonaFitScorer(FULL, weights={"title": "5"}), "weights.title"),
            (lambda: PersonaFitScorer(FULL, weights={"seniority": 5}), "weights.seniority"),
            (lambda: PersonaFitScorer(FULL, weights=[("title", 5)]), "weights"),
            (lambda: PersonaFitScorer(FULL, name=""), "name"),
        ],
    )
    def test_invalid_configuration(self, build: Any, where: str) -> None:
        """Bad configuration is a ValidationError naming the field."""
        with pytest.raises(ValidationError) as excinfo:
            build()
        assert excinfo.value.path == where

    def test_unknown_dimension_is_explained(self) -> None:
        """An unknown weight key lists the dimensions."""
        with pytest.raises(ValidationError, match="unknown dimension; expected one of industry, title"):
            PersonaFitScorer(FULL, weights={"seniority": 5})

    def test_equality_and_pickle(self) -> None:
        """Scorers compare by configuration and survive a pickle round trip, compiled rules included."""
        scorer = PersonaFitScorer(FULL, weights=dict(DEFAULT_FIT_WEIGHTS))
        assert scorer == PersonaFitScorer(FULL)
        assert hash(scorer) == hash(PersonaFitScorer(FULL))
        copy = pickle.loads(pickle.dumps(scorer))
        sample = lead(contact=Contact(title="C++ lead"), company=Company(country="AT"))
        assert copy == scorer
        assert copy.score(sample, as_of=AS_OF) == scorer.score(sample, as_of=AS_OF)

    def test_keeps_the_scorer_contract(self) -> None:
        """check_scorer passes for a persona with every dimension."""
        check_scorer(PersonaFitScorer(FULL), max_examples=scaled(20))


class TestProperties:
    @given(personas(), leads(), WEIGHTS, aware_datetimes())
    def test_bounded_and_exact_sum(
        self, persona: Persona, the_lead: Lead, weights: dict[str, float], as_of: datetime
    ) -> None:
        """For any persona, weights and lead: 0 <= value <= 100 and value is the fsum of the points."""
        for scorer in (PersonaFitScorer(persona), PersonaFitScorer(persona, weights=weights)):
            score = scorer.score(the_lead, as_of=as_of)
            assert 0.0 <= score.value <= 100.0
            assert score.value == math.fsum(c.points for c in score.contributions)
            assert all(c.points >= 0 for c in score.contributions)

    @given(st.data(), personas(), WEIGHTS)
    def test_a_lead_built_from_the_persona_fits_fully(
        self, data: st.DataObject, persona: Persona, weights: dict[str, float]
    ) -> None:
        """A lead made of the persona's own criteria scores 100 (up to rounding), every dimension matched."""
        the_lead = data.draw(fitting_leads(persona))
        for scorer in (PersonaFitScorer(persona), PersonaFitScorer(persona, weights=weights)):
            score = scorer.score(the_lead, as_of=AS_OF)
            assert math.isclose(score.value, 100.0, abs_tol=1e-9)
            assert score.value <= 100.0
        default = PersonaFitScorer(persona).score(the_lead, as_of=AS_OF)
        assert all(c.points > 0 for c in default.contributions)  # every dimension matched

    @given(personas(), leads(interactions=interactions(at=PAST)), interactions(at=FUTURE))
    def test_deterministic_and_blind_to_the_future(self, persona: Persona, the_lead: Lead, later: Interaction) -> None:
        """The same input gives the same score; interactions after as_of change nothing."""
        scorer = PersonaFitScorer(persona)
        score = scorer.score(the_lead, as_of=AS_OF)
        assert scorer.score(the_lead, as_of=AS_OF) == score
        assert PersonaFitScorer(persona).score(the_lead, as_of=AS_OF) == score
        channel = persona.channels[0] if persona.channels else later.channel
        pain = persona.pain_points[0] if persona.pain_points else "x"
        tempting = Interaction(kind=later.kind, at=later.at, channel=channel, properties={"text": pain})
        assert scorer.score(the_lead.with_interactions([later, tempting]), as_of=AS_OF) == score


@pytest.mark.parametrize(
    "weights",
    [
        {"industry": 1, "title": 3, "country": 3},  # the shares fall short of 100: the largest is raised
        # the shares, once corrected, would pass 100 by an ulp: the largest is lowered back
        {
            "industry": 1.0,
            "title": 0.9999999999999999,
            "company_size": 0.9999999999999958,
            "country": 0.12500000000000466,
        },
    ],
)
def test_a_full_fit_with_uneven_weights_scores_exactly_100(weights: dict[str, float]) -> None:
    """Weights whose shares of 100 do not add up in floating point still give a full fit exactly 100."""
    persona = Persona(name="p", industries=["Banking"], titles=["cto"], min_employees=10, countries=["DE"])
    scorer = PersonaFitScorer(persona, weights=weights)
    matching = lead(contact=Contact(title="CTO"), company=Company(industry="Banking", employees=50, country="DE"))
    score = scorer.score(matching, as_of=AS_OF)
    assert len(score.contributions) == len(weights)
    assert all(c.points > 0 for c in score.contributions)
    assert score.value == 100.0


@given(st.lists(st.floats(min_value=0, max_value=1e308, exclude_min=True), min_size=1, max_size=len(FIT_DIMENSIONS)))
def test_the_points_of_the_dimensions_sum_to_100(weights: list[float]) -> None:
    """Whatever the weights, each dimension's points are >= 0 and their fsum is 100 at most, short by rounding only."""
    points = _points(weights)
    assert all(p >= 0 for p in points)
    assert 100.0 - math.ulp(100.0) <= math.fsum(points) <= 100.0


def test_best_persona_fit_takes_personas_as_mappings() -> None:
    """BestPersonaFitScorer reads each persona given as a mapping, as Persona.from_dict does."""
    scorer = BestPersonaFitScorer([{"name": "Banks", "industries": ["Banking"]}, Persona(name="Shops")])
    assert scorer.personas == (Persona(name="Banks", industries=["Banking"]), Persona(name="Shops"))
    assert scorer.score(lead(company=Company(industry="banking")), as_of=AS_OF).matched == "Banks"
