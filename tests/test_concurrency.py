"""Models, scorers and pipelines shared across threads and processes.

Each test starts 8 threads at the same moment (a barrier) on one shared,
freshly built object, so anything built lazily on first use is built under
contention, and checks every thread got what one thread alone gets.
"""

from __future__ import annotations

import pickle
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from hypothesis import given, settings

from _examples import scaled
from leadkit import (
    Lead,
    NaiveBayesScorer,
    Pipeline,
    ScoringModel,
    TransitionError,
    default_model_path,
    default_pipeline_path,
    load_model,
    load_pipeline,
    load_sample_leads,
    score_many,
)
from leadkit.datasets import SAMPLE_AS_OF
from leadkit.testing import scoring_models

T = TypeVar("T")
THREADS = 8
SAMPLE = load_sample_leads().leads


def _hammer(work: Callable[[int], T]) -> list[T]:
    """``work(i)`` on 8 threads released together."""
    barrier = threading.Barrier(THREADS)

    def run(i: int) -> T:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def _in_shuffled_order(score: Callable[[Lead], T], seed: int) -> tuple[T, ...]:
    """``score`` of every sample lead, computed in a shuffled order, returned in sample order."""
    order = list(range(len(SAMPLE)))
    random.Random(seed).shuffle(order)
    done = {i: score(SAMPLE[i]) for i in order}
    return tuple(done[i] for i in range(len(SAMPLE)))


def test_one_model_from_8_threads() -> None:
    """A model loaded once and shared gives every thread the results of a model used alone."""
    expected = load_model(default_model_path()).qualify_many(SAMPLE, as_of=SAMPLE_AS_OF)
    shared = load_model(default_model_path())
    runs = _hammer(lambda i: _in_shuffled_order(lambda lead: shared.qualify(lead, as_of=SAMPLE_AS_OF), i))
    assert all(run == expected for run in runs)


@settings(max_examples=scaled(15))
@given(model=scoring_models())
def test_any_model_from_8_threads(model: ScoringModel) -> None:
    """The same for generated models (rules, engagement, checklists, persona fit, every option)."""
    fresh = pickle.loads(pickle.dumps(model))  # nothing computed yet
    expected = model.qualify_many(SAMPLE[:40], as_of=SAMPLE_AS_OF)
    runs = _hammer(lambda _: fresh.qualify_many(SAMPLE[:40], as_of=SAMPLE_AS_OF))
    assert all(run == expected for run in runs)


def _fitted_naive_bayes() -> NaiveBayesScorer:
    outcomes = [lead.source == "referral" or i % 5 == 0 for i, lead in enumerate(SAMPLE)]
    return NaiveBayesScorer(fields=["source", "company.industry", "company.country"], min_support=3).fit(
        SAMPLE, outcomes
    )


def test_one_learnt_scorer_from_8_threads_and_across_processes() -> None:
    """A fitted scorer is shared by threads, pickles equal, and scores the same on worker processes."""
    scorer = _fitted_naive_bayes()
    expected = tuple(scorer.score(lead, as_of=SAMPLE_AS_OF) for lead in SAMPLE)
    runs = _hammer(lambda i: _in_shuffled_order(lambda lead: scorer.score(lead, as_of=SAMPLE_AS_OF), i))
    assert all(run == expected for run in runs)
    assert pickle.loads(pickle.dumps(scorer)) == scorer
    assert score_many(scorer, SAMPLE, as_of=SAMPLE_AS_OF, workers=2, chunk_size=50) == expected


def _auto(pipeline: Pipeline, model: ScoringModel, lead: Lead) -> Any:
    """The lead after the policy's moves, or the error that stopped it (as text)."""
    try:
        moved = pipeline.auto_advance(lead, model.qualify(lead, as_of=SAMPLE_AS_OF), at=SAMPLE_AS_OF)
    except TransitionError as exc:
        return str(exc)
    return moved.stage, moved.history


def test_one_pipeline_from_8_threads() -> None:
    """One pipeline moving leads on 8 threads moves each as it does alone."""
    model = load_model(default_model_path())
    expected = tuple(_auto(load_pipeline(default_pipeline_path()), model, lead) for lead in SAMPLE)
    shared = load_pipeline(default_pipeline_path())
    runs = _hammer(lambda i: _in_shuffled_order(lambda lead: _auto(shared, model, lead), i))
    assert all(run == expected for run in runs)
    assert any(isinstance(result, tuple) and result[1] for result in expected)  # some leads did move


def test_loading_models_and_pipelines_from_8_threads() -> None:
    """Reading YAML and resolving scorer types and guards on 8 threads at once gives equal objects."""
    models = _hammer(lambda _: load_model(default_model_path()))
    pipelines = _hammer(lambda _: load_pipeline(default_pipeline_path()))
    assert all(m == models[0] for m in models)
    assert all(p == pipelines[0] for p in pipelines)


def test_results_and_batches_pickle() -> None:
    """What crosses a process boundary comes back equal: qualifications, batches and their problems."""
    model = load_model(default_model_path())
    batch = score_many(model, [*SAMPLE[:5], "not a lead"], as_of=SAMPLE_AS_OF, errors="collect")
    assert pickle.loads(pickle.dumps(batch)) == batch
    assert pickle.loads(pickle.dumps(model)) == model
