"""Throughput of the model layer: validation, serialisation, de-duplication.

Run: ``python benchmarks/model_throughput.py``. Prints per-lead costs on
synthetic leads shaped like the bundled sample (5 interactions, a company,
BANT, custom fields), so later layers (scoring, stages) have a baseline to
compare with. Figures are medians of several repeats in one process.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import leadkit
from leadkit import Lead

N = 5_000
REPEATS = 5
T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def record(i: int) -> dict[str, Any]:
    return {
        "id": f"L-{i}",
        "created_at": (T0 + timedelta(minutes=i)).isoformat(),
        "contact": {"name": f"Person {i}", "email": f"person{i % (N // 2)}@example.com", "title": "Data Analyst"},
        "company": {"name": "Acme", "domain": "acme.example", "industry": "Banking", "employees": 500, "country": "US"},
        "source": "web_form",
        "attributes": {"segment": "analyst", "utm_campaign": "autumn"},
        "interactions": [
            {"kind": k, "at": (T0 + timedelta(minutes=i, hours=h)).isoformat(), "channel": "web"}
            for h, k in enumerate(["form_submit", "page_view", "email_open", "pricing_view", "demo_request"])
        ],
        "bant": {"budget": "yes", "need": "partial"},
    }


def per_lead_us(action: Callable[[], object], count: int) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / count * 1e6


def main() -> None:
    records = [record(i) for i in range(N)]
    leads = [Lead.from_dict(r) for r in records]
    print(f"{N} leads with 5 interactions each (every email twice, so dedupe merges half); median of {REPEATS}")
    rows = [
        ("Lead.from_dict (validate + normalise)", per_lead_us(lambda: [Lead.from_dict(r) for r in records], N)),
        ("Lead.to_dict", per_lead_us(lambda: [lead.to_dict() for lead in leads], N)),
        ("Lead.from_json(lead.to_json())", per_lead_us(lambda: [Lead.from_json(lead.to_json()) for lead in leads], N)),
        (
            "read_leads(records, errors='collect')",
            per_lead_us(lambda: leadkit.read_leads(records, errors="collect"), N),
        ),
        ("dedupe", per_lead_us(lambda: leadkit.dedupe(leads), N)),
        ("is_contactable", per_lead_us(lambda: [leadkit.is_contactable(lead) for lead in leads], N)),
    ]
    for label, us in rows:
        print(f"  {label:42s} {us:8.1f} µs per lead")


if __name__ == "__main__":
    main()
