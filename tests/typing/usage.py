"""User-style code that must type-check under mypy --strict (not executed by pytest)."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs

import leadkit
from leadkit import BANT, Company, Contact, Criterion, CriterionStatus, Interaction, InteractionKind, Lead


def build() -> Lead:
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    lead = Lead(
        id="L-1",
        created_at=at,
        contact=Contact(email="a@example.com"),
        company=Company(employees=10, annual_revenue=1_000_000),
        bant=BANT(budget=Criterion(CriterionStatus.YES), need="partial", timeline=CriterionStatus.NO),
        attributes={"plan": "pro", "seats": [1, 2]},
        interactions=[Interaction(kind="webinar", at=at, properties={"title": "Cloud careers"})],
    )
    lead = lead.with_interaction(Interaction(kind=InteractionKind.CHAT, at=at)).with_bant(need="partial")
    lead = attrs.evolve(lead, source="web_form")
    copy: Lead = Lead.from_json(lead.to_json())
    return copy


def count_contactable(path: str) -> int:
    batch: leadkit.LeadBatch = leadkit.read_leads(path, errors="collect")
    result: leadkit.DedupeResult = leadkit.dedupe(batch)
    problems: tuple[leadkit.Problem, ...] = batch.problems
    del problems
    return sum(leadkit.is_contactable(lead) for lead in result.leads)


def persona() -> leadkit.Persona:
    return leadkit.Persona(
        name="Analysts", industries=["Banking"], titles=["analyst"], countries=["US"], channels=["web"]
    )


def version() -> str:
    return leadkit.__version__


def qualify(lead: Lead, at: datetime) -> tuple[str, bool, float]:
    rules = leadkit.RuleScorer(
        rules=[
            leadkit.Rule(name="big", when={"field": "company.employees", "gte": 200}, points=10),
            leadkit.Rule(name="demo", when=leadkit.InteractionCondition(kinds="demo_request"), points=20),
        ]
    )
    model = leadkit.ScoringModel(
        scorers=[rules, leadkit.EngagementScorer(), leadkit.BestPersonaFitScorer([persona()])],
        fit=["rules", "fit"],
        engagement=["engagement"],
    )
    q: leadkit.Qualification = model.qualify(lead, as_of=at)
    temperature: leadkit.Temperature = q.temperature
    scorer: leadkit.Scorer = model
    del temperature, scorer
    again: leadkit.ScoringModel = leadkit.ScoringModel.from_yaml(model.to_yaml())
    return q.rating, q.mql and again == model, q.total


def move_through_stages() -> tuple[str | None, list[str]]:
    at = datetime(2026, 11, 2, tzinfo=timezone.utc)
    pipeline: leadkit.Pipeline = leadkit.default_pipeline()
    model = leadkit.default_model()
    lead = Lead(id="L-1", created_at=at, contact=Contact(email="a@example.com"))
    lead = pipeline.advance(lead, "inquiry", at=at, by="import")
    qualification = model.qualify(lead, as_of=at)
    moves: tuple[leadkit.Move, ...] = pipeline.allowed(lead, qualification)
    suggestion: leadkit.Suggestion | None = pipeline.suggest(lead, qualification)
    if suggestion is not None:
        lead = pipeline.advance(lead, suggestion.target, at=at, reason=suggestion.reason, qualification=qualification)
    journey: leadkit.Journey = pipeline.replay(lead)
    breaches: tuple[leadkit.Breach, ...] = pipeline.overdue([lead], as_of=at)
    spent = leadkit.time_in_stage(lead, as_of=at)
    try:
        pipeline.advance(lead, "customer", at=at)
    except leadkit.TransitionError as exc:
        allowed: tuple[str, ...] = exc.allowed
        del allowed
    del breaches, spent
    return journey.stage, [m.target for m in moves if m.ok]


@attrs.frozen
class HasCompany:
    name = "typing_has_company"

    def check(self, lead: Lead, qualification: leadkit.Qualification | None, at: datetime) -> tuple[str, ...]:
        return () if lead.company.name else ("a company name",)


def custom_pipeline() -> leadkit.Pipeline:
    # Registered here, not at import: pytest imports this file to look for doctests.
    registered: type[HasCompany] = leadkit.register_guard("typing_has_company")(HasCompany)
    guard: leadkit.Guard = registered()
    return leadkit.Pipeline(
        name="custom",
        stages=[leadkit.Stage(name="new"), leadkit.Stage(name="won", terminal=True)],
        transitions=[leadkit.Transition(name="win", sources="new", target="won", guards=[guard])],
        initial="new",
    )
