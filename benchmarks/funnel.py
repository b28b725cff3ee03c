"""Funnel analytics and CSV reading at scale.

Times `funnel` (with groups) and `attribution` on 100,000 leads (the sample
journeys repeated under new ids), and `read_csv` on the 41,188 bank calls
written as a CSV export, and prints the rates.

Usage: python benchmarks/funnel.py
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs

import leadkit
from leadkit.datasets import BANK_MARKETING_FIELDS, SAMPLE_AS_OF

LEADS = 100_000


def _journeys() -> list[leadkit.Lead]:
    base = leadkit.load_sample_journeys()
    return [attrs.evolve(base[i % len(base)], id=f"J{i}") for i in range(LEADS)]


def _timed(label: str, count: int, run: Callable[[], object]) -> None:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{label:<40} {seconds:7.2f} s  {count / seconds:>10,.0f} leads/s")


def main() -> None:
    leads = _journeys()
    print(f"{len(leads):,} leads with stage histories")
    _timed("funnel", len(leads), lambda: leadkit.funnel(leads, as_of=SAMPLE_AS_OF))
    _timed("funnel by source", len(leads), lambda: leadkit.funnel(leads, as_of=SAMPLE_AS_OF, by="source"))
    _timed("funnel by month", len(leads), lambda: leadkit.funnel(leads, as_of=SAMPLE_AS_OF, cohort="month"))
    _timed("attribution", len(leads), lambda: leadkit.attribution(leads, as_of=SAMPLE_AS_OF))

    calls, outcomes = leadkit.load_bank_marketing()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calls.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["id", "created", *BANK_MARKETING_FIELDS, "y"])
            for lead, won in zip(calls, outcomes, strict=True):
                cells = [lead.attributes[name] for name in BANK_MARKETING_FIELDS]
                writer.writerow([lead.id, lead.created_at.isoformat(), *cells, "yes" if won else "no"])
        mapping = {
            "leads": {"columns": {"id": "id", "created": "created_at"}, "rest": "attributes"},
            "outcome": {"column": "y", "won": ["yes"], "lost": ["no"]},
        }
        _timed("read_csv (bank calls, 21 columns)", len(calls), lambda: leadkit.read_csv(path, mapping))


if __name__ == "__main__":
    main()
