"""Full-model scoring speed: ``ScoringModel.qualify`` against a hand-written function.

Run: ``python benchmarks/full_model.py``. The reference model has 20 rules,
engagement over 50 interactions per lead (the default signals, decay and
frequency limits), a BANT checklist and a persona fit. Prints the median
time per lead of ``ScoringModel.qualify`` and of ``ScoringModel.score``
(the total only), and their ratio to a hand-written plain-Python function
that computes the same total on the same leads in the same run (the script
first checks that the totals agree).
"""

from __future__ import annotations

import math
import random
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engagement import REPEATS, per_lead_us, plain_engagement

from leadkit import (
    BANT,
    BANTScorer,
    Company,
    Contact,
    EngagementScorer,
    Interaction,
    InteractionKind,
    Lead,
    Persona,
    PersonaFitScorer,
    Rule,
    RuleScorer,
    ScoringModel,
)

LEADS = 2_000
EVENTS = 50
AS_OF = datetime(2026, 11, 1, tzinfo=timezone.utc)
KINDS = [k.value for k in InteractionKind]
INDUSTRIES = ["Software", "Banking", "Retail", "Education", "Insurance", "Healthcare"]
TITLES = ["Software Engineer", "Head of Data", "Student", "Analyst", "CTO", "Product Manager"]
COUNTRIES = ["US", "DE", "GB", "IN", "FR", "BR"]
SOURCES = ["web_form", "chat", "bought_list", "event", "free_trial"]
STATUSES = ["yes", "no", "partial", "unknown"]

RULES = [
    ("software", {"field": "company.industry", "eq": "software"}, 15),
    ("finance", {"field": "company.industry", "in": ["banking", "insurance"]}, 10),
    ("not retail", {"field": "company.industry", "ne": "retail"}, 2),
    ("mid-size", {"field": "company.employees", "between": [50, 5000]}, 10),
    ("enterprise", {"field": "company.employees", "gt": 5000}, 5),
    ("tiny", {"field": "company.employees", "lt": 10}, -5),
    ("rich", {"field": "company.annual_revenue", "gte": 1e7}, 5),
    ("core country", {"field": "company.country", "in": ["us", "de", "gb"]}, 8),
    ("sanctioned", {"field": "company.country", "not_in": ["us", "de", "gb", "in", "fr", "br"]}, -20),
    ("leader", {"field": "contact.title", "matches": r"\b(head|cto|director|vp)\b"}, 12),
    ("student", {"field": "contact.title", "contains": "student"}, -10),
    ("personal email", {"field": "contact.email", "matches": "@(gmail|yahoo)[.]com$"}, -8),
    ("no phone", {"field": "contact.phone", "missing": True}, -2),
    ("bought", {"field": "source", "eq": "bought_list"}, -10),
    ("budget", {"field": "bant.budget", "eq": "yes"}, 5),
    ("segment", {"field": "attributes.segment", "exists": True}, 3),
    ("campaign", {"field": "attributes.campaign", "in": ["spring", "autumn"]}, 2),
    ("pricing twice", {"interaction": "pricing_view", "at_least": 2, "within": "30d"}, 10),
    ("webinar", {"interaction": "webinar"}, 5),
    ("both", {"all": [{"field": "company.industry", "eq": "software"}, {"field": "bant.need", "eq": "yes"}]}, 5),
]
PERSONA = Persona(
    name="Data leaders",
    industries=["Software", "Banking"],
    titles=["head of data", "cto", "engineer"],
    min_employees=50,
    max_employees=5000,
    countries=["US", "DE", "GB"],
    channels=["web", "event"],
    pain_points=["kubernetes", "reporting"],
)


def make_leads(rng: random.Random) -> list[Lead]:
    leads = []
    for n in range(LEADS):
        events = [
            Interaction(
                kind=rng.choice(KINDS),
                at=AS_OF - timedelta(minutes=rng.randrange(180 * 24 * 60)),
                channel=rng.choice(["web", "email", "event", "chat"]),
            )
            for _ in range(EVENTS)
        ]
        attributes: dict[str, object] = {"segment": "x"} if rng.random() < 0.5 else {}
        if rng.random() < 0.5:
            attributes["campaign"] = rng.choice(["spring", "autumn", "winter"])
            attributes["note"] = rng.choice(["needs kubernetes skills", "monthly reporting", "nothing"])
        leads.append(
            Lead(
                id=f"L-{n}",
                created_at=AS_OF - timedelta(days=200),
                contact=Contact(
                    email=rng.choice(["a@gmail.com", "b@corp.example", None]),
                    phone=rng.choice(["+4915112345678", None]),
                    title=rng.choice([*TITLES, None]),
                ),
                company=Company(
                    industry=rng.choice([*INDUSTRIES, None]),
                    employees=rng.choice([5, 80, 900, 12_000, None]),
                    annual_revenue=rng.choice([1e6, 5e7, None]),
                    country=rng.choice([*COUNTRIES, None]),
                ),
                source=rng.choice(SOURCES),
                attributes=attributes,
                interactions=events,
                bant=BANT(
                    budget=rng.choice(STATUSES),
                    authority=rng.choice(STATUSES),
                    need=rng.choice(STATUSES),
                    timeline=rng.choice(STATUSES),
                ),
            )
        )
    return leads


MODEL = ScoringModel(
    scorers=[
        RuleScorer(rules=[Rule(name=n, when=w, points=p) for n, w, p in RULES]),
        EngagementScorer(),
        BANTScorer(),
        PersonaFitScorer(PERSONA),
    ],
    fit=["fit", "rules"],
    engagement=["engagement"],
)

# --- the hand-written comparison: the same total with plain Python --------------------------------

LEADER = re.compile(r"\b(head|cto|director|vp)\b", re.IGNORECASE)
PERSONAL = re.compile(r"@(gmail|yahoo)[.]com$", re.IGNORECASE)
TITLE_WORDS = re.compile(r"(?<!\w)(head of data|cto|engineer)(?!\w)", re.IGNORECASE)
PAIN_WORDS = re.compile(r"(?<!\w)(kubernetes|reporting)(?!\w)", re.IGNORECASE)
CREDIT = {"yes": 25.0, "partial": 12.5, "no": 0.0, "unknown": 0.0}


def plain_rules(lead: Lead, now: float) -> float:
    c, k, a = lead.company, lead.contact, lead.attributes
    industry = c.industry.casefold() if c.industry else None
    country = c.country.casefold() if c.country else None
    points = 0.0
    points += 15 if industry == "software" else 0
    points += 10 if industry in ("banking", "insurance") else 0
    points += 2 if industry is not None and industry != "retail" else 0
    e = c.employees
    points += 10 if e is not None and 50 <= e <= 5000 else 0
    points += 5 if e is not None and e > 5000 else 0
    points += -5 if e is not None and e < 10 else 0
    points += 5 if c.annual_revenue is not None and c.annual_revenue >= 1e7 else 0
    points += 8 if country in ("us", "de", "gb") else 0
    points += -20 if country is not None and country not in ("us", "de", "gb", "in", "fr", "br") else 0
    points += 12 if k.title and LEADER.search(k.title) else 0
    points += -10 if k.title and "student" in k.title.casefold() else 0
    points += -8 if k.email and PERSONAL.search(k.email) else 0
    points += -2 if k.phone is None else 0
    points += -10 if lead.source == "bought_list" else 0
    points += 5 if lead.bant.budget.status.value == "yes" else 0
    points += 3 if a.get("segment") is not None else 0
    points += 2 if a.get("campaign") in ("spring", "autumn") else 0
    pricing = sum(1 for i in lead.interactions if i.kind == "pricing_view" and now - 30 * 86_400 <= i._epoch <= now)
    points += 10 if pricing >= 2 else 0
    points += 5 if any(i.kind == "webinar" and i._epoch <= now for i in lead.interactions) else 0
    points += 5 if industry == "software" and lead.bant.need.status.value == "yes" else 0
    return points


def plain_bant(lead: Lead) -> float:
    b = lead.bant
    return sum(CREDIT[x.status.value] for x in (b.budget, b.authority, b.need, b.timeline))


def plain_fit(lead: Lead, now: float) -> float:
    c, k = lead.company, lead.contact
    points = 0.0
    points += 25 if c.industry and c.industry.casefold() in ("software", "banking") else 0
    points += 25 if k.title and TITLE_WORDS.search(k.title) else 0
    points += 20 if c.employees is not None and 50 <= c.employees <= 5000 else 0
    points += 15 if c.country in ("US", "DE", "GB") else 0
    points += 5 if any(i.channel in ("web", "event") and i._epoch <= now for i in lead.interactions) else 0
    texts = [v for v in lead.attributes.values() if isinstance(v, str)]
    points += 10 if any(PAIN_WORDS.search(t) for t in texts) else 0
    return points


def plain_total(lead: Lead, now: float) -> float:
    return plain_rules(lead, now) + plain_engagement(lead, now) + plain_bant(lead) + plain_fit(lead, now)


def main() -> None:
    rng = random.Random(11)
    leads = make_leads(rng)
    now = AS_OF.timestamp()
    for lead in leads:  # the same totals, or the comparison means nothing
        ours = MODEL.qualify(lead, as_of=AS_OF).total
        assert math.isclose(ours, plain_total(lead, now), abs_tol=1e-6), (lead.id, ours, plain_total(lead, now))
    qualify = per_lead_us(lambda: [MODEL.qualify(lead, as_of=AS_OF) for lead in leads], LEADS)
    score = per_lead_us(lambda: [MODEL.score(lead, as_of=AS_OF) for lead in leads], LEADS)
    plain = per_lead_us(lambda: [plain_total(lead, now) for lead in leads], LEADS)
    print(f"Reference model: {len(RULES)} rules + engagement ({EVENTS} interactions) + BANT + persona fit")
    print(f"{LEADS} leads, median of {REPEATS} runs:")
    print(f"  ScoringModel.qualify (scores, grade, band, flags, reasons) {qualify:7.1f} µs per lead")
    print(f"  hand-written total only                                  {plain:7.1f} µs per lead")
    print(f"  ratio                                                    {qualify / plain:7.2f} (target <= 2.0)")
    print(f"  target 25 µs per lead: {'met' if qualify <= 25 else 'not met'}")
    print(f"  (ScoringModel.score, which qualifies then keeps the total: {score:.1f} µs per lead)")


if __name__ == "__main__":
    main()
