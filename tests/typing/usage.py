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
