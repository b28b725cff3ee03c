"""suggest_persona: the values over-represented among won leads, with the lift table behind them."""

from __future__ import annotations

import math
from datetime import timezone
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from leadkit import Company, Contact, Interaction, Lead, PersonaFitScorer, ValidationError, suggest_persona

from .conftest import T0


def _lead(i: int, *, industry: str, title: str, employees: int, country: str, channel: str) -> Lead:
    return Lead(
        id=f"L-{i}",
        created_at=T0,
        contact=Contact(title=title),
        company=Company(industry=industry, employees=employees, country=country),
        interactions=[Interaction(kind="page_view", at=T0, channel=channel)],
    )


def _history() -> tuple[list[Lead], list[bool]]:
    leads, outcomes = [], []
    for i in range(200):
        good = i % 2 == 0
        leads.append(
            _lead(
                i,
                industry="banking" if good else ("retail" if i % 3 else "banking"),
                title="Head of Data" if good else "Intern",
                employees=2000 if good else 20,
                country="DE" if (i // 2) % 2 else "FR",
                channel="email" if good else "social",
            )
        )
        outcomes.append(good and i % 10 != 0)
    return leads, outcomes


def test_the_suggested_persona_holds_what_winners_share() -> None:
    leads, outcomes = _history()
    suggestion = suggest_persona(leads, outcomes, name="data leaders")
    persona = suggestion.persona
    assert persona.name == "data leaders"
    assert persona.industries == ("banking",)
    assert set(persona.titles) == {"head", "data"}
    assert (persona.min_employees, persona.max_employees) == (1001, 5000)
    assert persona.countries == ()  # country is independent of winning here
    assert persona.channels == ("email",)
    assert suggestion.base_rate == sum(outcomes) / len(outcomes)
    intern = next(x for x in suggestion.lifts if x.value == "intern")
    assert (intern.lift, intern.chosen) == (0.0, False)
    assert "* industry     banking" in str(suggestion)
    assert "<table>" in suggestion._repr_html_()
    # A lead like the winners fits the suggested persona well; one like the losers does not.
    scorer = PersonaFitScorer(persona=persona)
    assert scorer.score(leads[0], as_of=T0).value > 90 > scorer.score(leads[1], as_of=T0).value


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.booleans()), min_size=1, max_size=80))
def test_lift_is_the_won_rate_over_the_base_rate(rows: list[tuple[str, bool]]) -> None:
    assume(any(w for _, w in rows))
    leads = [Lead(id=str(i), created_at=T0, company=Company(industry=v)) for i, (v, _) in enumerate(rows)]
    outcomes = [w for _, w in rows]
    suggestion = suggest_persona(leads, outcomes, min_support=1)
    base = sum(outcomes) / len(outcomes)
    for lift in suggestion.lifts:
        matching = [w for v, w in rows if v == lift.value]
        assert lift.leads == len(matching)
        assert math.isclose(lift.lift, (sum(matching) / len(matching)) / base)
        assert lift.chosen == (lift.lift >= 1.2)
    assert math.isclose(sum(x.lift * x.leads for x in suggestion.lifts) * base, sum(outcomes))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcomes": [False, False]}, "nothing to learn from"),
        ({"outcomes": [True]}, "lengths differ"),
        ({"min_support": 0}, "min_support: expected"),
        ({"min_lift": 0}, "min_lift: expected a positive number"),
    ],
)
def test_refusals(kwargs: dict[str, Any], message: str) -> None:
    leads = [Lead(id="a", created_at=T0), Lead(id="b", created_at=T0.astimezone(timezone.utc))]
    args: dict[str, Any] = {"outcomes": [True, False]} | kwargs
    with pytest.raises(ValidationError, match=message):
        suggest_persona(leads, args.pop("outcomes"), **args)


def test_the_html_table_ticks_the_chosen_values() -> None:
    """Each lift is a row of the HTML table; the chosen ones carry a tick mark, the others an empty cell."""
    html = suggest_persona(*_history())._repr_html_()
    assert "<tr><td>&#10003;</td><td>industry</td><td>banking</td><td>1.50</td><td>80</td><td>133</td></tr>" in html
    assert "<tr><td></td><td>industry</td><td>retail</td><td>0.00</td><td>0</td><td>67</td></tr>" in html


@pytest.mark.parametrize(
    ("won_sizes", "expected"),
    [
        ((6000,), (5001, None)),
        ((2000, 6000), (1001, None)),
        ((60, 2000), (51, 5000)),
        ((5,), (0, 10)),
    ],
)
def test_the_size_range_spans_the_chosen_bands(won_sizes: tuple[int, ...], expected: tuple[int, int | None]) -> None:
    """The persona's head-count range runs from the smallest chosen band to the largest, open when it is ``5001+``."""
    leads, outcomes = [], []
    for i in range(60):
        won = i % 2 == 0
        employees = won_sizes[i // 2 % len(won_sizes)] if won else 300
        leads.append(_lead(i, industry="retail", title="Buyer", employees=employees, country="FR", channel="email"))
        outcomes.append(won)
    persona = suggest_persona(leads, outcomes, min_support=5).persona
    assert (persona.min_employees, persona.max_employees) == expected


@pytest.mark.parametrize(
    ("kwargs", "message", "path"),
    [
        (
            {"outcomes": [False, False]},
            "outcomes: nothing to learn from; expected at least one won lead (got 'none won')",
            "outcomes",
        ),
        ({"min_support": 0}, "min_support: expected a whole number >= 1 (got 0)", "min_support"),
    ],
)
def test_refusal_messages_in_full(kwargs: dict[str, Any], message: str, path: str) -> None:
    """Refusals name the place, the reason, what was expected and what was found."""
    leads = [Lead(id="a", created_at=T0), Lead(id="b", created_at=T0)]
    args: dict[str, Any] = {"outcomes": [True, False]} | kwargs
    with pytest.raises(ValidationError) as info:
        suggest_persona(leads, args.pop("outcomes"), **args)
    assert str(info.value) == message
    assert info.value.path == path
