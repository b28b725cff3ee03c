"""Stage transitions: leadkit against python-statemachine and transitions, and history length.

Run: ``pip install -e '.[bench]' && python benchmarks/stages.py``. Prints, from one run:

* the median time per transition of the same five-stage cycle (a -> b -> c -> d -> e -> a,
  one guard per move that passes) with leadkit, transitions and python-statemachine, and the
  speed-ups against the targets (3x transitions, 20x python-statemachine). leadkit's figure
  includes what the others do not do: it returns a new immutable lead and appends a
  StageChange (from, to, at, reason, by) to its history;
* the same cycle with leadkit's built-in guards (contactable, MQL, a score threshold, BANT)
  and a reason on the move that needs one;
* the time of one move with 10 and with 1,000 changes already in the history.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from leadkit import (
    BANT,
    Contact,
    Contribution,
    Lead,
    Pipeline,
    Qualification,
    Score,
    Stage,
    StageChange,
    Temperature,
    Transition,
)
from leadkit.stages import BantQualified, Contactable, IsMQL, MinScore

REPEATS = 9
MOVES = 20_000
STAGES = ["a", "b", "c", "d", "e"]
T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)


def medians_us(runs: dict[str, tuple[Callable[[int], object], int]]) -> dict[str, float]:
    """Median time per move of each run, in microseconds.

    The runs take turns (one repeat of each, REPEATS times), so a slow patch of the machine
    slows them all alike instead of one of them.
    """
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run, moves in runs.values():
        run(moves // 5)  # warm up
    for _ in range(REPEATS):
        for name, (run, moves) in runs.items():
            start = time.perf_counter()
            run(moves)
            times[name].append((time.perf_counter() - start) / moves * 1e6)
    return {name: statistics.median(values) for name, values in times.items()}


class Passes:
    """A guard that always passes: the same cheap predicate every library gets."""

    name = "passes"

    def check(self, lead: Lead, qualification: object, at: datetime) -> tuple[str, ...]:
        return ()


def cycle_pipeline(guards: list[object], reason_on_last: bool = False) -> Pipeline:
    transitions = [
        Transition(
            name=f"go_{i}",
            sources=source,
            target=STAGES[(i + 1) % 5],
            guards=[guards[i]],
            requires_reason=reason_on_last and i == 4,
        )
        for i, source in enumerate(STAGES)
    ]
    return Pipeline(name="cycle", stages=[Stage(name=s) for s in STAGES], transitions=transitions, initial="a")


def lead_with_history(pipeline: Pipeline, changes: int, **fields: object) -> Lead:
    """A lead that has gone round the cycle ``changes`` times (built once, outside the timing)."""
    history = [StageChange(from_stage=None, to_stage="a", at=T0)]
    for i in range(1, changes):
        source, target = STAGES[(i - 1) % 5], STAGES[i % 5]
        history.append(StageChange(from_stage=source, to_stage=target, at=T0 + timedelta(seconds=i), reason="r"))
    return Lead(id="L-1", created_at=T0, stage=history[-1].to_stage, history=history, **fields)  # type: ignore[arg-type]


def leadkit_cycle(pipeline: Pipeline, start: Lead, qualification: Qualification | None) -> Callable[[int], object]:
    """Moves round the cycle from ``start``; the lead is reset every five moves so the history stays as built."""
    at = start.history[-1].at + timedelta(seconds=1)
    order = [STAGES[(STAGES.index(start.stage or "a") + k) % 5] for k in range(1, 6)]
    advance = pipeline.advance

    def run(moves: int) -> object:
        lead = start
        for _ in range(moves // 5):
            lead = start
            for target in order:
                lead = advance(lead, target, at=at, reason="r", qualification=qualification)
        return lead

    return run


def transitions_cycle() -> Callable[[int], object]:
    from transitions import Machine

    class Model:
        def passes(self) -> bool:
            return True

    model = Model()
    spec = [
        {"trigger": "go", "source": s, "dest": STAGES[(i + 1) % 5], "conditions": "passes"}
        for i, s in enumerate(STAGES)
    ]
    Machine(model=model, states=STAGES, transitions=spec, initial="a", auto_transitions=False)
    go = model.go  # type: ignore[attr-defined]

    def run(moves: int) -> object:
        for _ in range(moves):
            go()
        return model

    return run


def statemachine_cycle() -> Callable[[int], object]:
    from statemachine import State, StateMachine

    class Cycle(StateMachine):  # type: ignore[misc]
        a = State(initial=True)
        b = State()
        c = State()
        d = State()
        e = State()
        go = (
            a.to(b, cond="passes")
            | b.to(c, cond="passes")
            | c.to(d, cond="passes")
            | d.to(e, cond="passes")
            | e.to(a, cond="passes")
        )

        def passes(self) -> bool:
            return True

    machine = Cycle()

    def run(moves: int) -> object:
        for _ in range(moves):
            machine.go()
        return machine

    return run


def qualification() -> Qualification:
    breakdown = Score("model", [Contribution("total", 80.0, "model", "")])
    return Qualification(
        lead_id="L-1", as_of=T0, scores={"model": breakdown}, breakdown=breakdown, fit=80.0, engagement=0.0,
        grade="B", band=2, temperature=Temperature.WARM, mql=True, sales_ready=False, persona=None,
        checklists={}, top=(), reasons=(),
    )  # fmt: skip


def main() -> None:
    simple = cycle_pipeline([Passes()] * 5)
    real = cycle_pipeline([Contactable(), IsMQL(), MinScore(60), BantQualified(), Passes()], reason_on_last=True)
    fields = {
        "contact": Contact(email="ana@example.com"),
        "bant": BANT(budget="yes", authority="yes", need="yes", timeline="yes"),
    }
    q = qualification()

    figures = medians_us(
        {
            "leadkit": (leadkit_cycle(simple, lead_with_history(simple, 10, **fields), q), MOVES),
            "leadkit, built-in guards": (leadkit_cycle(real, lead_with_history(real, 10, **fields), q), MOVES),
            "leadkit, 1,000 prior changes": (
                leadkit_cycle(simple, lead_with_history(simple, 1_000, **fields), q),
                MOVES,
            ),
            "transitions": (transitions_cycle(), MOVES),
            "python-statemachine": (statemachine_cycle(), MOVES // 10),
        }
    )
    long = figures.pop("leadkit, 1,000 prior changes")
    print(f"Median time per transition, five-stage cycle, median of {REPEATS} runs:")
    for name, us in figures.items():
        print(f"  {name:<26} {us:8.2f} us")
    ours = figures["leadkit"]
    print(f"leadkit vs transitions:         {figures['transitions'] / ours:5.1f}x faster (target >= 3x)")
    print(f"leadkit vs python-statemachine: {figures['python-statemachine'] / ours:5.1f}x faster (target >= 20x)")
    print("History length (leadkit, same cycle):")
    print(f"  10 prior changes     {ours:8.2f} us per transition")
    print(f"  1,000 prior changes  {long:8.2f} us per transition ({long / ours:.1f}x: the history tuple is copied)")


if __name__ == "__main__":
    main()
