"""score_many: leads per second in this process and on 2 worker processes (the object path at scale).

Scores 20,000 leads (the sample leads repeated under new ids) with the default
model, one process and then two, prints the rates and checks the results agree.

Usage: python benchmarks/score_many.py
"""

from __future__ import annotations

import time

import attrs

import leadkit
from leadkit.datasets import SAMPLE_AS_OF

LEADS = 20_000


def main() -> None:
    base = leadkit.load_sample_leads().leads
    leads = [attrs.evolve(base[i % len(base)], id=f"L{i}") for i in range(LEADS)]
    model = leadkit.default_model()
    results = {}
    for workers in (None, 2):
        start = time.perf_counter()
        results[workers] = leadkit.score_many(model, leads, as_of=SAMPLE_AS_OF, workers=workers)
        seconds = time.perf_counter() - start
        print(f"workers={workers!s:<5} {seconds:6.2f} s  {LEADS / seconds:>8,.0f} leads/s (process start-up included)")
    print("same results in the same order:", results[None] == results[2])


if __name__ == "__main__":
    main()
