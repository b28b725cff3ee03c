"""Engagement scoring speed: per lead, against hand-written Python, and the O(1) incremental state.

Run: ``python benchmarks/engagement.py``. Prints

* the median time of ``EngagementScorer.score`` per lead with 50
  interactions, and its ratio to a hand-written plain-Python function that
  computes the same total (same signals, decay and frequency limits) on the
  same leads in the same run;
* the time of one ``EngagementState.add`` with 10 and with 10,000
  interactions already absorbed, and their ratio (constant time means ~1.0).
"""

from __future__ import annotations

import math
import random
import statistics
import timeit
from datetime import datetime, timedelta, timezone

from leadkit import DEFAULT_SIGNALS, EngagementScorer, Interaction, InteractionKind, Lead

LEADS = 2_000
EVENTS = 50
REPEATS = 7
AS_OF = datetime(2026, 11, 1, tzinfo=timezone.utc)
KINDS = [k.value for k in InteractionKind]


def make_leads(rng: random.Random) -> list[Lead]:
    leads = []
    for n in range(LEADS):
        events = [
            Interaction(kind=rng.choice(KINDS), at=AS_OF - timedelta(minutes=rng.randrange(180 * 24 * 60)))
            for _ in range(EVENTS)
        ]
        leads.append(Lead(id=f"L-{n}", created_at=AS_OF - timedelta(days=200), interactions=events))
    return leads


# The hand-written comparison: the same formula with plain dicts and lists.
TABLE = {
    kind: (
        float(s.points),
        (s.half_life or timedelta(days=30)).total_seconds(),
        s.frequency.limit,
        s.frequency.window.total_seconds() if s.frequency.window else None,
    )
    for kind, s in DEFAULT_SIGNALS.items()
}


def plain_engagement(lead: Lead, now: float) -> float:
    totals: dict[str, float] = {}
    recents: dict[str, list[float]] = {}
    for interaction in lead.interactions:
        at = interaction.at.timestamp()
        if at > now:
            break
        rule = TABLE.get(interaction.kind)
        if rule is None:
            continue
        points, half_life, limit, window = rule
        recent = recents.setdefault(interaction.kind, [])
        if limit is not None:
            if window is not None:
                recent[:] = [t for t in recent if t > at - window]
            if len(recent) >= limit:
                continue
        recent.append(at)
        totals[interaction.kind] = totals.get(interaction.kind, 0.0) + points * 2.0 ** (-(now - at) / half_life)
    return max(0.0, math.fsum(totals.values()))


def per_lead_us(action: object, count: int) -> float:
    runs = timeit.repeat(action, number=1, repeat=REPEATS)  # type: ignore[arg-type]
    return statistics.median(runs) / count * 1e6


def state_add_us(history: int, kind: str, rng: random.Random) -> float:
    """Median time of one add of ``kind`` to a state that has absorbed ``history`` interactions.

    The history ends with interactions of every kind in the last hour, so both
    sizes already hold a tally for ``kind``: what differs is only how much
    came before.
    """
    scorer = EngagementScorer()
    start = AS_OF - timedelta(days=365)
    events = [
        Interaction(kind=rng.choice(KINDS), at=start + timedelta(seconds=rng.randrange(364 * 86_400)))
        for _ in range(history - len(KINDS))
    ]
    events += [Interaction(kind=k, at=AS_OF - timedelta(minutes=60 - n)) for n, k in enumerate(KINDS)]
    state = scorer.state().add_all(sorted(events, key=lambda i: i.at))
    nxt = Interaction(kind=kind, at=AS_OF)
    runs = timeit.repeat(lambda: state.add(nxt), number=5_000, repeat=REPEATS)
    return statistics.median(runs) / 5_000 * 1e6


def main() -> None:
    rng = random.Random(7)
    leads = make_leads(rng)
    scorer = EngagementScorer()
    now = AS_OF.timestamp()
    for lead in leads[:200]:  # same totals, or the comparison means nothing
        assert math.isclose(scorer.score(lead, as_of=AS_OF).value, plain_engagement(lead, now), abs_tol=1e-9)
    ours = per_lead_us(lambda: [scorer.score(lead, as_of=AS_OF) for lead in leads], LEADS)
    plain = per_lead_us(lambda: [plain_engagement(lead, now) for lead in leads], LEADS)
    print(f"EngagementScorer.score, {EVENTS} interactions per lead, {LEADS} leads, median of {REPEATS}:")
    print(f"  leadkit (with explained contributions) {ours:7.1f} µs per lead")
    print(f"  hand-written total only                {plain:7.1f} µs per lead")
    print(f"  ratio                                  {ours / plain:7.2f}")
    print("EngagementState.add, one interaction (history: interactions already absorbed):")
    for kind, note in (("webinar", "counts every time"), ("pricing_view", "at most 3 per 7 days")):
        small, large = state_add_us(len(KINDS), kind, rng), state_add_us(10_000, kind, rng)
        print(
            f"  {kind:13s} ({note:20s}) history {len(KINDS):>2}: {small:5.2f} µs, history 10,000: {large:5.2f} µs,"
            f" ratio {large / small:4.2f} (target <= 1.2)"
        )


if __name__ == "__main__":
    main()
