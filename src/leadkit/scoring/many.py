"""Scoring many Python objects at once: in order, on several processes if asked, with a progress bar.

`score_many` is the object path at scale: the same model and the same
numbers as scoring one lead at a time, for lists too long to wait for. With
``workers`` > 1 the leads are cut into chunks scored by a pool of processes
(started with ``spawn`` on every platform, so it behaves the same on Linux,
macOS and Windows); the results come back in input order. With
``errors="collect"`` a lead that cannot be scored does not stop the others:
it comes back as problems in a `ScoredBatch`, located by its row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import attrs

from leadkit.errors import LeadkitError, Problem, ValidationError, require
from leadkit.model import Lead
from leadkit.scoring.base import Score, Scorer, check_as_of

if TYPE_CHECKING:
    from leadkit.scoring.qualify import Qualification, ScoringModel

__all__ = ["ScoredBatch", "score_many"]

_CHUNK = 1_000

R = TypeVar("R")
Errors = Literal["raise", "collect"]


@attrs.frozen
class ScoredBatch(Generic[R]):
    """What ``score_many(..., errors="collect")`` returns: the results, and every lead that failed.

    ``read == len(results) + len(failed_rows)`` always holds: no lead is
    silently dropped. Iterating a batch yields its results.

    Examples:
        >>> from leadkit import default_model, load_sample_leads, score_many
        >>> from leadkit.datasets import SAMPLE_AS_OF
        >>> leads = [*load_sample_leads().leads[:2], "not a lead"]
        >>> batch = score_many(default_model(), leads, as_of=SAMPLE_AS_OF, errors="collect")
        >>> batch.read, len(batch.results), batch.failed_rows
        (3, 2, (2,))
        >>> print(batch.problems[0])
        leads[2]: expected a Lead (got 'not a lead')
    """

    results: tuple[R, ...]
    """The results of the leads that were scored, in input order."""
    rows: tuple[int, ...]
    """The 0-based input position of each result."""
    problems: tuple[Problem, ...] = ()
    """Every problem, each located as ``leads[<row>]`` and, when known, the field path under it."""
    read: int = 0
    """How many leads were given."""

    @property
    def failed_rows(self) -> tuple[int, ...]:
        """The 0-based input positions of the leads that were not scored."""
        return tuple(sorted({p.path[1] for p in self.problems if len(p.path) > 1 and isinstance(p.path[1], int)}))

    def __iter__(self) -> Iterator[R]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def _problems(error: LeadkitError, row: int) -> tuple[Problem, ...]:
    """The problems of a lead that failed, located under ``leads[row]``."""
    found = getattr(error, "problems", None)
    if found:
        return tuple(p.within("leads", row) for p in found)
    return (Problem(("leads", row), "a lead the scorer can score", reason=f"{type(error).__name__}: {error}"),)


# What each worker process scores with: set once per process by `_start_worker`, so the model is
# sent to every worker once rather than with every chunk.
_worker: dict[str, Any] = {}


def _start_worker(scorer: Scorer, as_of: datetime, collect: bool) -> None:  # pragma: no cover - worker processes only
    _worker["scorer"] = scorer
    _worker["as_of"] = as_of
    _worker["collect"] = collect


# A chunk is a run of (row, lead); scoring it gives (row, result, problems) for each, where a lead
# that failed (only with errors="collect") has no result and its problems.
Chunk = Sequence[tuple[int, Lead]]
Outcome = tuple[int, Any, tuple[Problem, ...]]


def _score_chunk(scorer: Scorer, chunk: Chunk, as_of: datetime, collect: bool) -> list[Outcome]:
    from leadkit.scoring.qualify import ScoringModel

    score: Any = scorer.qualify if isinstance(scorer, ScoringModel) else scorer.score
    if not collect:
        return [(row, score(lead, as_of=as_of), ()) for row, lead in chunk]
    outcomes: list[Outcome] = []
    for row, lead in chunk:
        try:
            outcomes.append((row, score(lead, as_of=as_of), ()))
        except LeadkitError as exc:  # one lead's bad data must not stop the others
            outcomes.append((row, None, _problems(exc, row)))
    return outcomes


def _score_in_worker(chunk: Chunk) -> list[Outcome]:  # pragma: no cover - worker processes only
    return _score_chunk(_worker["scorer"], chunk, _worker["as_of"], _worker["collect"])


def _chunks(leads: Sequence[tuple[int, Lead]], size: int) -> Iterator[Chunk]:
    for start in range(0, len(leads), size):
        yield leads[start : start + size]


def _check_leads(leads: object, *, collect: bool) -> tuple[list[tuple[int, Lead]], list[Problem], int]:
    """The leads with their rows, the problems of items that are not leads, and how many were given."""
    if isinstance(leads, (str, bytes)) or not isinstance(leads, Iterable):
        raise ValidationError.at(("leads",), "a list (or any iterable) of Lead", leads)
    checked: list[tuple[int, Lead]] = []
    problems: list[Problem] = []
    read = 0
    for i, lead in enumerate(leads):
        read += 1
        if isinstance(lead, Lead):
            checked.append((i, lead))
            continue
        problem = ValidationError.at(("leads", i), "a Lead", lead)
        if not collect:
            raise problem
        problems.extend(problem.problems)
    return checked, problems, read


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
    errors: Literal["raise"] = "raise",
) -> tuple[Qualification, ...]: ...


@overload
def score_many(  # type: ignore[overload-overlap]  # a model is a scorer too: the first match wins
    model: ScoringModel,
    leads: Iterable[Any],
    *,
    as_of: datetime,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    errors: Literal["collect"],
) -> ScoredBatch[Qualification]: ...


@overload
def score_many(
    model: Scorer,
    leads: Iterable[Lead],
    *,
    as_of: datetime,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    errors: Literal["raise"] = "raise",
) -> tuple[Score, ...]: ...


@overload
def score_many(
    model: Scorer,
    leads: Iterable[Any],
    *,
    as_of: datetime,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    errors: Literal["collect"],
) -> ScoredBatch[Score]: ...


def score_many(
    model: ScoringModel | Scorer,
    leads: Iterable[Lead],
    *,
    as_of: datetime,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    errors: Errors = "raise",
) -> tuple[Qualification, ...] | tuple[Score, ...] | ScoredBatch[Qualification] | ScoredBatch[Score]:
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
        errors: ``"raise"`` stops at the first item that is not a lead or
            lead the scorer refuses (a `LeadkitError`); ``"collect"`` scores
            every other lead and returns a `ScoredBatch` with each failed
            lead's problems, located as ``leads[<row>]...``. Other exceptions
            (bugs in a custom scorer) always propagate.

    Returns:
        One result per lead, in the order of ``leads``; with ``"collect"``, a
        `ScoredBatch` of the results and the problems.

    Raises:
        ValidationError: for something that is not a lead (with ``"raise"``),
            a naive ``as_of``, or a bad ``workers``, ``chunk_size`` or ``errors``.
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
    if errors not in ("raise", "collect"):
        raise ValidationError.at(("errors",), "'raise' or 'collect'", errors)
    collect = errors == "collect"
    items, problems, read = _check_leads(leads, collect=collect)
    pool_size = _check_count(workers, "workers", "a whole number of processes >= 1, or None") or 1
    size = _check_count(chunk_size, "chunk_size", "a whole number of leads >= 1, or None") or _CHUNK
    bar: Any = None
    if progress:
        tqdm: Any = require("tqdm", feature="score_many(progress=True)", extra="progress")
        bar = tqdm.tqdm(total=len(items), unit="lead", desc="scoring")
    outcomes: list[Outcome] = []
    try:
        if pool_size == 1 or len(items) <= size:
            for chunk in _chunks(items, size):
                outcomes += _score_chunk(model, chunk, moment, collect)
                if bar is not None:
                    bar.update(len(chunk))
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=pool_size,
                mp_context=context,
                initializer=_start_worker,
                initargs=(model, moment, collect),
            ) as pool:
                for scored in pool.map(_score_in_worker, _chunks(items, size)):
                    outcomes += scored
                    if bar is not None:
                        bar.update(len(scored))
    finally:
        if bar is not None:
            bar.close()
    if not collect:
        return tuple(result for _, result, _ in outcomes)
    for _, _, failed in outcomes:
        problems += failed
    problems.sort(key=lambda p: p.path[1])  # rows in input order; each row's problems keep theirs
    done = [(row, result) for row, result, failed in outcomes if not failed]
    return ScoredBatch(
        results=tuple(result for _, result in done),
        rows=tuple(row for row, _ in done),
        problems=tuple(problems),
        read=read,
    )
