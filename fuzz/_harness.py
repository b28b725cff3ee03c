"""The machinery every fuzz target shares: run cases, time them, record escapes.

A target is a hypothesis strategy of cases and a function that feeds one case
to leadkit. `Runner.run` draws the cases in chunks (each chunk a hypothesis
run with its own seed, generation only: no shrinking, no database), calls the
target on each, and records what escapes: any exception the target does not
allow, and any case that takes more CPU time than the limit (CPU time, so
that a busy machine does not count; timed twice to be sure, after a garbage
collection). Escapes are grouped by where they were raised, keeping the
smallest reproducer of each.
"""

from __future__ import annotations

import gc
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

Case = TypeVar("Case")

SLOW_SECONDS = 1.0
"""A case taking more CPU time than this is an escape."""

HARD_LIMIT_SECONDS = 20
"""A case still running after this long (wall-clock) is interrupted, and recorded as slow."""

CHUNK = 10_000
"""Cases per hypothesis run: smaller runs keep hypothesis' own bookkeeping cheap."""


class CaseTimeout(BaseException):
    """Raised inside a case that ran past `HARD_LIMIT_SECONDS`."""


@dataclass(frozen=True)
class Target(Generic[Case]):
    """One input boundary of leadkit, as the runner sees it.

    Attributes:
        name: The target's name on the command line.
        summary: One line saying what is fuzzed.
        cases: A strategy of cases, cheap to draw.
        call: Feeds one case to leadkit; what it raises is judged by ``allowed``.
        reproduce: Python source that reproduces a case, standalone.
        allowed: Decides whether an exception raised by ``call`` is allowed.
        setup: Run once before the cases (to build corpora, temp files); its
            result is passed to ``call`` and ``reproduce``.
    """

    name: str
    summary: str
    cases: Callable[[Any], st.SearchStrategy[Case]]
    call: Callable[[Any, Case], object]
    reproduce: Callable[[Any, Case], str]
    allowed: Callable[[BaseException, Case], bool]
    setup: Callable[[Path], Any] = lambda _: None


@dataclass
class Escape:
    """An exception that escaped, or a slow case: the smallest example seen, and how often it happened."""

    kind: str
    error: str
    message: str
    where: str
    traceback: str
    reproducer: str
    count: int = 1
    seconds: float = 0.0


@dataclass
class Report:
    """What one target's run found."""

    target: str
    cases: int = 0
    escapes: dict[str, Escape] = field(default_factory=dict)
    slowest: float = 0.0
    """The most CPU time one case took."""
    slowest_wall: float = 0.0
    """That case's wall-clock time."""
    slowest_case: str = ""
    total: float = 0.0

    def record(self, signature: str, escape: Escape) -> None:
        """Count an escape, keeping the shortest reproducer of each signature."""
        known = self.escapes.get(signature)
        if known is None:
            self.escapes[signature] = escape
            return
        known.count += 1
        if len(escape.reproducer) < len(known.reproducer):
            escape.count = known.count
            self.escapes[signature] = escape


def _on_alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


@contextmanager
def hard_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with `CaseTimeout` after ``seconds`` (main thread, POSIX only)."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException) -> str:
    """The innermost frame of the traceback inside leadkit (else the innermost frame), as ``file:line``."""
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if "/leadkit/" in f.filename] or frames
    if not inside:
        return "?"
    frame = inside[-1]
    return f"{frame.filename.rsplit('/leadkit/', 1)[-1]}:{frame.lineno} ({frame.name})"


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # noqa: BLE001 - repr fails on integers too long for str
        return f"<{type(value).__name__} object>"


def _short(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Runner(Generic[Case]):
    """Runs one target's cases, timing each and recording escapes into a `Report`."""

    def __init__(self, target: Target[Case], context: Any) -> None:
        self.target = target
        self.context = context
        self.report = Report(target.name)

    def _reproducer(self, case: Case) -> str:
        try:
            return self.target.reproduce(self.context, case)
        except Exception as exc:  # noqa: BLE001 - a reproducer that cannot be written must not stop the run
            return f"# cannot write a reproducer ({exc!r}); the case was:\n# {_short(_safe_repr(case), 5000)}"

    def _timed(self, case: Case) -> tuple[float, float, BaseException | None]:
        """The CPU time and the wall-clock time one call took, and what it raised."""
        wall, cpu = time.perf_counter(), time.process_time()
        error: BaseException | None = None
        try:
            with hard_limit(HARD_LIMIT_SECONDS):
                self.target.call(self.context, case)
        except (KeyboardInterrupt, MemoryError):
            raise
        except BaseException as exc:  # noqa: BLE001 - judged by the caller, nothing is lost
            error = exc
        return time.process_time() - cpu, time.perf_counter() - wall, error

    def run_case(self, case: Case) -> None:
        """Feed one case to leadkit; record it if it escapes or is slow."""
        report = self.report
        report.cases += 1
        seconds, wall, error = self._timed(case)
        if seconds > SLOW_SECONDS and not isinstance(error, CaseTimeout):
            # Confirm: a garbage collection of the run's own objects can stall one call.
            gc.collect()
            again, again_wall, _ = self._timed(case)
            seconds, wall = min(seconds, again), min(wall, again_wall)
        if seconds > report.slowest:
            report.slowest, report.slowest_wall = seconds, wall
            report.slowest_case = _short(self._reproducer(case), 2000)
        if error is not None and not isinstance(error, CaseTimeout) and not self.target.allowed(error, case):
            self._escaped(error, case, seconds)
        if seconds > SLOW_SECONDS or isinstance(error, CaseTimeout):
            where = _where(error) if isinstance(error, CaseTimeout) else "(finished)"
            message = f"took {seconds:.2f} s of CPU, {wall:.2f} s in all (limit {SLOW_SECONDS:g} s)"
            escape = Escape("slow", "Slow", message, where, "", self._reproducer(case), seconds=seconds)
            report.record(f"slow:{where}", escape)

    def _escaped(self, error: BaseException, case: Case, seconds: float) -> None:
        where = _where(error)
        escape = Escape(
            "exception",
            type(error).__qualname__,
            _short(str(error)),
            where,
            "".join(traceback.format_exception(error)),
            self._reproducer(case),
            seconds=seconds,
        )
        self.report.record(f"{type(error).__qualname__}:{where}", escape)

    def run(self, cases: int, base_seed: int) -> Report:
        """Run at least ``cases`` cases, in chunks of `CHUNK` with seeds derived from ``base_seed``."""
        strategy = self.target.cases(self.context)
        start = time.perf_counter()
        chunk = 0
        while self.report.cases < cases:
            wanted = min(CHUNK, cases - self.report.cases)
            before = self.report.cases
            _run_chunk(strategy, self.run_case, wanted, base_seed * 1_000_003 + chunk)
            chunk += 1
            if self.report.cases == before:  # the strategy drew nothing at all: do not loop forever
                break
        self.report.total = time.perf_counter() - start
        return self.report


def _run_chunk(strategy: st.SearchStrategy[Any], body: Callable[[Any], None], examples: int, chunk_seed: int) -> None:
    @seed(chunk_seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(strategy)
    def fuzz(case: Any) -> None:
        body(case)

    fuzz()


def corpus(strategy: st.SearchStrategy[Case], size: int, corpus_seed: int) -> list[Case]:
    """``size`` examples of a strategy, drawn once (for strategies too slow to draw per case)."""
    found: list[Case] = []
    _run_chunk(strategy, found.append, size, corpus_seed)
    return found
