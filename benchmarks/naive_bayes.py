"""NaiveBayesScorer speed: fitting on 1,000,000 synthetic leads x 10 fields, and scoring throughput.

Run: ``python benchmarks/naive_bayes.py [LEADS]`` (default 1,000,000). Prints the time to build
the leads (not part of the targets), the fit time (target <= 10 s), and leads scored per second
by ``probabilities`` (the batch path, target >= 100,000 leads/s) and by ``score`` (one explained
`Score` per lead).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timezone

from leadkit import Lead, NaiveBayesScorer

AS_OF = datetime(2026, 11, 1, tzinfo=timezone.utc)
JOBS = ["admin", "technician", "services", "management", "retired", "student", "entrepreneur", "unemployed"]
COUNTRIES = ["DE", "FR", "ES", "PT", "IT", "NL", "BE", "PL", "SE", "IE"]
CHANNELS = ["web_form", "chat", "call", "event", "ebook"]
PLANS = ["free", "starter", "pro", "team", "enterprise"]
SIZES = ["1-10", "11-50", "51-200", "201-1000", "1000+"]


def make(n: int, seed: int = 0) -> tuple[list[Lead], list[bool]]:
    rng = random.Random(seed)
    leads, outcomes = [], []
    for i in range(n):
        attributes = {
            "job": rng.choice(JOBS),
            "country": rng.choice(COUNTRIES),
            "channel": rng.choice(CHANNELS),
            "plan": rng.choice(PLANS),
            "size": rng.choice(SIZES),
            "age": rng.randint(18, 80),
            "visits": rng.randint(0, 50),
            "emails_opened": rng.randint(0, 30),
            "days_since_signup": rng.randint(0, 365),
            "score_hint": round(rng.random() * 100, 2),
        }
        logit = -2.0 + 0.8 * (attributes["plan"] in ("pro", "team")) + 0.03 * attributes["visits"]
        logit += 0.5 * (attributes["channel"] == "event") - 0.01 * attributes["days_since_signup"] / 10
        leads.append(Lead(id=f"L-{i}", created_at=AS_OF, attributes=attributes))
        outcomes.append(rng.random() < 1 / (1 + 2.718281828**-logit))
    return leads, outcomes


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    start = time.perf_counter()
    leads, outcomes = make(n)
    print(f"built {n:,} leads x 10 fields in {time.perf_counter() - start:.1f} s (setup, not timed below)")
    fields = [f"attributes.{f}" for f in leads[0].attributes]
    start = time.perf_counter()
    fitted = NaiveBayesScorer(fields=fields).fit(leads, outcomes)
    fit = time.perf_counter() - start
    print(f"fit:                   {fit:6.2f} s   (target <= 10 s)")
    sample = leads[:200_000]
    start = time.perf_counter()
    fitted.probabilities(sample, as_of=AS_OF)
    batch = len(sample) / (time.perf_counter() - start)
    print(f"probabilities (batch): {batch:9,.0f} leads/s (target >= 100,000)")
    few = leads[:20_000]
    start = time.perf_counter()
    for lead in few:
        fitted.score(lead, as_of=AS_OF)
    explained = len(few) / (time.perf_counter() - start)
    print(f"score (explained):     {explained:9,.0f} leads/s")


if __name__ == "__main__":
    main()
