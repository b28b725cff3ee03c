"""Write src/leadkit/datasets/sample_journeys.jsonl: the sample leads walked through the default pipeline.

Marketing's moves are the default pipeline's automatic policy, replayed at the
lead's creation and after each of its interactions, with the default model's
qualification at that moment. Sales' decisions after a lead is handed over
(accepting it, reaching the person, qualifying, winning or losing the deal,
recycling it to nurture) are simulated with a fixed seed per lead: the better
the lead scored when sales got it, the likelier it moves on. Every change is a
move of the default pipeline, with a reason where the move needs one; sales'
moves skip the guards (the simulation stands in for a rep's judgement).

Deterministic: running it again writes the same file.

Usage: python scripts/make_sample_journeys.py
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import attrs

from leadkit import Lead, StageChange, dedupe, default_model, default_pipeline, load_sample_leads
from leadkit.datasets import SAMPLE_AS_OF
from leadkit.scoring import Qualification, ScoringModel
from leadkit.stages import Pipeline

OUT = Path(__file__).resolve().parents[1] / "src" / "leadkit" / "datasets" / "sample_journeys.jsonl"
SEED = 2026
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _move(lead: Lead, to: str, at: datetime, *, reason: str | None = None, status: str | None = None) -> Lead:
    change = StageChange(from_stage=lead.stage, to_stage=to, at=at, reason=reason, by="sales", status=status)
    return attrs.evolve(lead, stage=to, status=status, history=(*lead.history, change))


def _qualify(model: ScoringModel, lead: Lead, at: datetime) -> Qualification:
    seen = attrs.evolve(lead, interactions=tuple(i for i in lead.interactions if i.at <= at))
    return model.qualify(seen, as_of=at)


def _marketing(pipeline: Pipeline, model: ScoringModel, lead: Lead) -> Lead:
    """The automatic policy, replayed at creation and after each interaction."""
    walked = pipeline.advance(lead, "inquiry", at=lead.created_at)
    moments = sorted({lead.created_at, *(i.at for i in lead.interactions)})
    for at in moments:
        if walked.stage in ("sal", "disqualified"):
            break
        walked = pipeline.auto_advance(walked, _qualify(model, lead, at))
    return walked


def _sales(lead: Lead, total: float, rng: random.Random) -> Lead:  # noqa: PLR0911, PLR0912 - a story, told in order
    """What sales did with a lead marketing handed over, up to the sample's export."""
    likely = min(0.9, max(0.1, 0.25 + total / 200))
    at = lead.history[-1].at

    def later(low: timedelta, high: timedelta) -> datetime | None:
        nonlocal at
        at += timedelta(minutes=round((low + (high - low) * rng.random()) / timedelta(minutes=1)))
        return at if at <= SAMPLE_AS_OF else None

    if lead.stage == "mql":
        if (when := later(2 * HOUR, 40 * HOUR)) is None:
            return lead
        if rng.random() > 0.85:
            return _move(lead, "nurture", when, reason="rejected")
        lead = _move(lead, "sal", when, status="new")
    if lead.stage != "sal":
        return lead
    if (when := later(2 * HOUR, 2 * DAY)) is None:
        return lead
    lead = _move(lead, "sal", when, status="attempted_to_contact")
    if (when := later(DAY, 9 * DAY)) is None:
        return lead
    if rng.random() > 0.8:
        return _move(lead, "nurture", when, reason="no_response")
    lead = _move(lead, "sal", when, status="connected")
    if (when := later(DAY, 6 * DAY)) is None:
        return lead
    if rng.random() > likely:
        return _move(lead, "nurture", when, reason=rng.choice(["bad_timing", "no_budget"]))
    lead = _move(lead, "sql", when)
    if (when := later(2 * DAY, 10 * DAY)) is None:
        return lead
    if rng.random() > 0.75:
        return _move(lead, "lost", when, reason=rng.choice(["no_budget", "competitor"]))
    lead = _move(lead, "opportunity", when)
    if (when := later(5 * DAY, 30 * DAY)) is None:
        return lead
    if rng.random() > likely:
        return _move(lead, "lost", when, reason=rng.choice(["price", "competitor", "no_decision"]))
    return _move(lead, "customer", when)


def main() -> None:
    from leadkit import write_leads

    pipeline, model = default_pipeline(), default_model()
    leads = dedupe(load_sample_leads().leads).leads
    journeys = []
    for lead in leads:
        walked = _marketing(pipeline, model, lead)
        if walked.stage in ("mql", "sal"):
            total = _qualify(model, lead, walked.history[-1].at).total
            walked = _sales(walked, total, random.Random(f"{SEED}-{lead.id}"))
        pipeline.replay(walked)  # every change is a move of the pipeline
        journeys.append(walked)
    write_leads(journeys, OUT)
    stages: dict[str, int] = {}
    for lead in journeys:
        stages[lead.stage or "-"] = stages.get(lead.stage or "-", 0) + 1
    print(f"wrote {len(journeys)} leads to {OUT.name}: {stages}")


if __name__ == "__main__":
    main()
