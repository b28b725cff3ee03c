"""score_many: many leads at once, in order, here or on worker processes, with a progress bar."""

from __future__ import annotations

import concurrent.futures
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import scaled
from leadkit import (
    EngagementScorer,
    Lead,
    MissingExtraError,
    Score,
    ValidationError,
    default_model,
    load_sample_leads,
    score_many,
)
from leadkit.datasets import SAMPLE_AS_OF
from leadkit.scoring import many
from leadkit.testing import leads, scoring_models

SAMPLE = load_sample_leads().leads
MODEL = default_model()


@settings(max_examples=scaled(30))
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


# --- errors="collect": partial failures ------------------------------------------------------------


class PickyScorer:
    """A custom scorer that refuses leads without a company name (module level, so it pickles)."""

    name = "picky"

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        if lead.company is None or lead.company.name is None:
            raise ValidationError.at(("company", "name"), "a company name", reason="missing")
        return Score(scorer=self.name)


def _mixed(draw_leads: list[Lead], junk: list[object], positions: list[int]) -> list[object]:
    items: list[object] = list(draw_leads)
    for position, item in zip(positions, junk, strict=False):
        items.insert(min(position, len(items)), item)
    return items


@settings(max_examples=scaled(40))
@given(
    st.lists(leads(), max_size=8),
    st.lists(st.none() | st.integers() | st.text(max_size=3), max_size=4),
    st.lists(st.integers(0, 12), min_size=4, max_size=4),
    st.none() | st.integers(1, 3),
)
def test_collect_scores_every_good_lead_and_reports_every_bad_one(
    good: list[Lead], junk: list[object], positions: list[int], chunk: int | None
) -> None:
    """scored + failed == read; the scored ones are what raise mode gives them; each failure names its row."""
    items = _mixed(good, junk, positions)
    batch = score_many(PickyScorer(), items, as_of=SAMPLE_AS_OF, errors="collect", chunk_size=chunk)
    assert batch.read == len(items)
    assert len(batch.results) + len(batch.failed_rows) == batch.read
    assert set(batch.rows).isdisjoint(batch.failed_rows)
    for row, result in zip(batch.rows, batch.results, strict=True):
        assert result == PickyScorer().score(items[row], as_of=SAMPLE_AS_OF)  # type: ignore[arg-type]
    for row in batch.failed_rows:
        item = items[row]
        if isinstance(item, Lead):
            problems = [p for p in batch.problems if p.path[:2] == ("leads", row)]
            assert [p.path for p in problems] == [("leads", row, "company", "name")]
        else:
            assert any(p.path == ("leads", row) and p.expected == "a Lead" for p in batch.problems)
    assert list(batch.rows) == sorted(batch.rows)
    assert list(batch) == list(batch.results)
    assert len(batch) == len(batch.results)


def test_collect_with_a_clean_input_equals_raise() -> None:
    batch = score_many(MODEL, SAMPLE[:20], as_of=SAMPLE_AS_OF, errors="collect")
    assert batch.results == score_many(MODEL, SAMPLE[:20], as_of=SAMPLE_AS_OF)
    assert batch.problems == ()
    assert batch.rows == tuple(range(20))


def test_raise_stops_at_the_first_failure() -> None:
    with pytest.raises(ValidationError, match=r"company\.name"):
        score_many(PickyScorer(), SAMPLE[:20], as_of=SAMPLE_AS_OF)
    with pytest.raises(ValidationError, match=r"leads\[1\]: expected a Lead"):
        score_many(MODEL, [SAMPLE[0], "x"], as_of=SAMPLE_AS_OF)


def test_collect_on_worker_processes_gives_the_same_batch() -> None:
    items: list[object] = [*SAMPLE[:40], 7, *SAMPLE[40:60]]
    here = score_many(PickyScorer(), items, as_of=SAMPLE_AS_OF, errors="collect")
    there = score_many(PickyScorer(), items, as_of=SAMPLE_AS_OF, errors="collect", workers=2, chunk_size=10)
    assert there == here
    assert here.failed_rows  # the sample has leads without a company name, and the 7


def test_errors_must_be_raise_or_collect() -> None:
    with pytest.raises(ValidationError, match="errors: expected 'raise' or 'collect'"):
        score_many(MODEL, SAMPLE[:1], as_of=SAMPLE_AS_OF, errors="ignore")  # type: ignore[call-overload]


def test_a_refusal_without_problems_is_reported_by_its_class_and_message() -> None:
    """A LeadkitError with no problems of its own (an unfitted scorer) is one problem at the lead's row."""
    from leadkit.learn import NaiveBayesScorer

    batch = score_many(NaiveBayesScorer(fields=["source"]), SAMPLE[:3], as_of=SAMPLE_AS_OF, errors="collect")
    assert batch.results == ()
    assert batch.failed_rows == (0, 1, 2)
    assert [p.path for p in batch.problems] == [("leads", 0), ("leads", 1), ("leads", 2)]
    first = batch.problems[0]
    assert first.expected == "a lead the scorer can score"
    assert first.reason is not None
    assert first.reason.startswith("NotFittedError: naive_bayes: this NaiveBayesScorer is not fitted")


def test_progress_bar_on_worker_processes(capsys: pytest.CaptureFixture[str]) -> None:
    """With workers, the bar advances chunk by chunk as results come back, to the number of leads."""
    pytest.importorskip("tqdm")
    results = score_many(MODEL, SAMPLE[:30], as_of=SAMPLE_AS_OF, progress=True, workers=2, chunk_size=10)
    assert results == MODEL.qualify_many(SAMPLE[:30], as_of=SAMPLE_AS_OF)
    err = capsys.readouterr().err
    assert "scoring" in err
    assert "30/30" in err


@pytest.mark.parametrize(
    ("leads_", "kwargs", "message"),
    [
        (3, {}, "leads: expected a list (or any iterable) of Lead (got 3)"),
        ([SAMPLE[0], "x"], {}, "leads[1]: expected a Lead (got 'x')"),
        (SAMPLE[:1], {"workers": 0}, "workers: expected a whole number of processes >= 1, or None (got 0)"),
        (SAMPLE[:1], {"chunk_size": 2.0}, "chunk_size: expected a whole number of leads >= 1, or None (got 2.0)"),
    ],
)
def test_bad_arguments_say_what_was_expected_and_found(leads_: object, kwargs: dict[str, object], message: str) -> None:
    """Each refusal names the argument (or the row), what was expected and what was given."""
    with pytest.raises(ValidationError) as info:
        score_many(MODEL, leads_, as_of=SAMPLE_AS_OF, **kwargs)  # type: ignore[call-overload]
    assert str(info.value) == message


def test_collect_reports_what_an_item_that_is_not_a_lead_was() -> None:
    """With errors="collect", the problem of a non-lead item shows the item."""
    batch = score_many(MODEL, [SAMPLE[0], "x"], as_of=SAMPLE_AS_OF, errors="collect")
    assert [str(p) for p in batch.problems] == ["leads[1]: expected a Lead (got 'x')"]


class _InlinePool:
    """Stands in for ProcessPoolExecutor: records how the pool was asked for, and runs its tasks here."""

    made: ClassVar[list[dict[str, Any]]] = []

    def __init__(
        self, *, max_workers: int, mp_context: Any, initializer: Callable[..., None], initargs: tuple[Any, ...]
    ) -> None:
        method = None if mp_context is None else mp_context.get_start_method()
        self.made.append({"max_workers": max_workers, "start_method": method})
        initializer(*initargs)

    def __enter__(self) -> _InlinePool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return map(fn, items)


@pytest.mark.parametrize(
    ("workers", "count", "pools"),
    [
        (None, 3, []),  # no workers: scored here, whatever the number of chunks
        (1, 3, []),
        (2, 1, []),  # a single chunk is not worth starting processes for
        (2, 3, [{"max_workers": 2, "start_method": "spawn"}]),
        (3, 3, [{"max_workers": 3, "start_method": "spawn"}]),
    ],
)
def test_a_pool_of_workers_spawned_processes_only_when_there_is_more_than_one_chunk(
    monkeypatch: pytest.MonkeyPatch, workers: int | None, count: int, pools: list[dict[str, Any]]
) -> None:
    """Worker processes are started (with spawn, as many as ``workers``) only for workers > 1 and several chunks."""
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _InlinePool)
    monkeypatch.setattr(_InlinePool, "made", [])
    monkeypatch.setattr(many, "_worker", {})
    results = score_many(MODEL, SAMPLE[:count], as_of=SAMPLE_AS_OF, workers=workers, chunk_size=1)
    assert results == MODEL.qualify_many(SAMPLE[:count], as_of=SAMPLE_AS_OF)
    assert _InlinePool.made == pools
