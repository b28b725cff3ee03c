"""leadkit.testing: strategies users build their own property tests on."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest
from hypothesis import given

from leadkit import Contribution, InteractionKind, Lead, Score, check_as_of, is_contactable
from leadkit.testing import check_scorer, contacts, interactions, leads, personas


@given(leads(interactions=interactions(kinds=[InteractionKind.DEMO_REQUEST]), min_interactions=1))
def test_narrowed_interactions(lead: Lead) -> None:
    """Strategies can be narrowed with other strategies."""
    assert lead.interactions
    assert {i.kind for i in lead.interactions} == {"demo_request"}


@given(
    leads(
        contact=contacts(
            email=__import__("hypothesis").strategies.none(), phone=__import__("hypothesis").strategies.none()
        )
    )
)
def test_uncontactable_leads(lead: Lead) -> None:
    """A contact strategy without email or phone gives leads nobody can reach."""
    assert not is_contactable(lead)


@given(personas())
def test_personas_have_ordered_size_ranges(persona: object) -> None:
    """Generated personas respect their own invariants."""
    low, high = persona.min_employees, persona.max_employees  # type: ignore[attr-defined]
    assert low is None or high is None or low <= high


def test_missing_hypothesis_is_a_clear_error() -> None:
    """Without hypothesis, importing leadkit.testing names the extra to install."""
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import leadkit.testing\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.startswith("MissingExtraError")
    assert "pip install 'leadkit[testing]'" in done.stdout


class _Unpicklable:
    """A scorer that keeps the contract but for pickling: it holds a lambda."""

    name = "unpicklable"

    def __init__(self) -> None:
        self.points = lambda: 1.0

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        check_as_of(as_of)
        return Score(self.name, [Contribution("p", self.points(), "unpicklable.p", "points")])


def test_check_scorer_names_a_scorer_that_does_not_pickle() -> None:
    """check_scorer fails with the broken rule and the pickling error (workers need to pickle scorers)."""
    scorer = _Unpicklable()
    with pytest.raises(AssertionError) as info:
        check_scorer(scorer, max_examples=1)
    message = str(info.value)
    assert message.startswith(f"{scorer!r} breaks the Scorer contract: it must pickle (got ")
    assert "lambda" in message
