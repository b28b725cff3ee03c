"""Scoring many Python objects at once: in order, on several processes if asked, with a progress bar.

`score_many` is the object path at scale: the same model and the same
numbers as scoring one lead at a time, for lists too long to wait for. With
``workers`` > 1 the leads are cut into chunks scored by a pool of processes
(started with ``spawn`` on every platform, so it behaves the same on Linux,
macOS and Windows); the results come back in input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, overload

from leadkit.errors import ValidationError, require
from leadkit.model import Lead
from leadkit.scoring.base import Score, Scorer, check_as_of

if TYPE_CHECKING:
    from leadkit.scoring.qualify import Qualification, ScoringModel

__all__ = ["score_many"]

_CHUNK = 1_000

# What each worker process scores with: set once per process by `_start_worker`, so the model is
# sent to every worker once rather than with every chunk.
_worker: dict[str, Any] = {}


def _start_worker(scorer: Scorer, as_of: datetime) -> None:
    _worker["scorer"] = scorer
    _worker["as_of"] = as_of


def _score_chunk(scorer: Scorer, leads: Sequence[Lead], as_of: datetime) -> tuple[Any, ...]:
    from leadkit.scoring.qualify import ScoringModel

    if isinstance(scorer, ScoringModel):
        return scorer.qualify_many(leads, as_of=as_of)
    return tuple(scorer.score(lead, as_of=as_of) for lead in leads)


def _score_in_worker(leads: Sequence[Lead]) -> tuple[Any, ...]:
    return _score_chunk(_worker["scorer"], leads, _worker["as_of"])


def _chunks(leads: Sequence[Lead], size: int) -> Iterator[Sequence[Lead]]:
    for start in range(0, len(leads), size):
        yield leads[start : start + size]


def _check_leads(leads: object) -> tuple[Lead, ...]:
    if isinstance(leads, (str, bytes)) or not isinstance(leads, Iterable):
        raise ValidationError.at(("leads",), "a list (or any iterable) of Lead", leads)
    checked = tuple(leads)
    for i, lead in enumerate(checked):
        if not isinstance(lead, Lead):
            raise ValidationError.at(("leads", i), "a Lead", lead)
    return checked


def _check_count(value: object, name: str, expected: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise ValidationError.at((name,), expected, value)
    return value


@overload
def score_many(  # type: ignore[overload-overlap]  # a model is a scorer too: the first match wins
    model: ScoringModel,
    leads: Iterable[Lead],
    *,
    as_of: datetime,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
) -> tuple[Qualification, ...]: ...


@overload
def score_many(
    model: Scorer,
    leads: Iterable[Lead],
    *,
    as_of: datetime,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
) -> tuple[Score, ...]: ...


def score_many(
    model: ScoringModel | Scorer,
    leads: Iterable[Lead],
    *,
    as_of: datetime,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
) -> tuple[Qualification, ...] | tuple[Score, ...]:
    """Score many leads with a model (a `Qualification` each) or any scorer (a `Score` each), in input order.

    The results equal ``model.qualify(lead, as_of=as_of)`` (or
    ``scorer.score(...)``) lead by lead, whatever ``workers`` is.

    Args:
        model: A `ScoringModel`, or any object following the `Scorer` protocol.
            With ``workers`` > 1 it must pickle (models, the built-in scorers
            and fitted learnt scorers do; a custom scorer must be defined at
            module level, not inside a function).
        leads: The leads, any iterable.
        as_of: The moment to score at (timezone-aware).
        workers: Processes to score on; ``None`` or 1 scores here, in this
            process. Workers cost time in this process too: starting them
            (about a second), and sending each lead out and its result back
            (about 70 µs a lead, against about 120 µs to qualify a sample lead
            with the default model). They pay off for heavy models on
            machines with cores to spare; on 2 cores they are slower
            (``benchmarks/score_many.py``). Whole tables are better scored as
            tables.
        progress: Show a progress bar (needs tqdm, the ``progress`` extra).
        chunk_size: Leads per task sent to a worker and per progress step
            (default 1,000).

    Returns:
        One result per lead, in the order of ``leads``.

    Raises:
        ValidationError: for something that is not a lead, a naive
            ``as_of``, or a bad ``workers`` or ``chunk_size``.
        MissingExtraError: for ``progress=True`` without tqdm.

    Examples:
        >>> from leadkit import default_model, load_sample_leads
        >>> from leadkit.datasets import SAMPLE_AS_OF
        >>> leads = load_sample_leads().leads[:3]
        >>> results = score_many(default_model(), leads, as_of=SAMPLE_AS_OF)
        >>> [q.lead_id for q in results] == [lead.id for lead in leads]
        True
    """
    moment = check_as_of(as_of)
    items = _check_leads(leads)
    pool_size = _check_count(workers, "workers", "a whole number of processes >= 1, or None") or 1
    size = _check_count(chunk_size, "chunk_size", "a whole number of leads >= 1, or None") or _CHUNK
    bar: Any = None
    if progress:
        tqdm: Any = require("tqdm", feature="score_many(progress=True)", extra="progress")
        bar = tqdm.tqdm(total=len(items), unit="lead", desc="scoring")
    results: list[Any] = []
    try:
        if pool_size == 1 or len(items) <= size:
            for chunk in _chunks(items, size):
                results += _score_chunk(model, chunk, moment)
                if bar is not None:
                    bar.update(len(chunk))
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=pool_size, mp_context=context, initializer=_start_worker, initargs=(model, moment)
            ) as pool:
                for scored in pool.map(_score_in_worker, _chunks(items, size)):
                    results += scored
                    if bar is not None:
                        bar.update(len(scored))
    finally:
        if bar is not None:
            bar.close()
    return tuple(results)
