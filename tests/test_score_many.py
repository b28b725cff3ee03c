"""score_many: many leads at once, in order, here or on worker processes, with a progress bar."""

from __future__ import annotations

import sys
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit import (
    EngagementScorer,
    MissingExtraError,
    ValidationError,
    default_model,
    load_sample_leads,
    score_many,
)
from leadkit.datasets import SAMPLE_AS_OF
from leadkit.testing import leads, scoring_models

SAMPLE = load_sample_leads().leads
MODEL = default_model()


@settings(max_examples=30)
@given(scoring_models(), st.lists(leads(), max_size=8), st.none() | st.integers(1, 4))
def test_equals_scoring_one_lead_at_a_time_in_order(model: object, items: list[object], chunk: int | None) -> None:
    results = score_many(model, items, as_of=SAMPLE_AS_OF, chunk_size=chunk)  # type: ignore[call-overload]
    assert results == tuple(model.qualify(lead, as_of=SAMPLE_AS_OF) for lead in items)  # type: ignore[attr-defined]


def test_any_scorer_gives_scores() -> None:
    scorer = EngagementScorer()
    assert score_many(scorer, SAMPLE[:20], as_of=SAMPLE_AS_OF) == tuple(
        scorer.score(lead, as_of=SAMPLE_AS_OF) for lead in SAMPLE[:20]
    )


def test_any_iterable_of_leads() -> None:
    assert len(score_many(MODEL, iter(SAMPLE[:5]), as_of=SAMPLE_AS_OF)) == 5
    assert score_many(MODEL, [], as_of=SAMPLE_AS_OF) == ()


def test_worker_processes_give_the_same_results_in_order() -> None:
    expected = MODEL.qualify_many(SAMPLE, as_of=SAMPLE_AS_OF)
    assert score_many(MODEL, SAMPLE, as_of=SAMPLE_AS_OF, workers=2, chunk_size=25) == expected


def test_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    score_many(MODEL, SAMPLE[:30], as_of=SAMPLE_AS_OF, progress=True, chunk_size=10)
    err = capsys.readouterr().err
    assert "scoring" in err
    assert "30/30" in err


def test_progress_names_the_extra_when_tqdm_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(MissingExtraError, match=r"leadkit\[progress\]"):
        score_many(MODEL, SAMPLE[:3], as_of=SAMPLE_AS_OF, progress=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 0}, "workers"),
        ({"workers": "2"}, "workers"),
        ({"workers": True}, "workers"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"as_of": datetime(2026, 12, 21)}, "as_of"),  # naive on purpose
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"as_of": SAMPLE_AS_OF, **kwargs}
    with pytest.raises(ValidationError, match=message):
        score_many(MODEL, SAMPLE[:2], **arguments)  # type: ignore[call-overload]


@pytest.mark.parametrize("bad", ["leads", 3, [SAMPLE[0], {"id": "x"}]])
def test_leads_must_be_leads(bad: object) -> None:
    with pytest.raises(ValidationError, match="leads"):
        score_many(MODEL, bad, as_of=SAMPLE_AS_OF)  # type: ignore[call-overload]
