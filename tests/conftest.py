"""Shared test configuration: hypothesis profiles and small fixtures.

Profiles, chosen with ``LEADKIT_HYPOTHESIS_PROFILE``:

* ``ci`` (default): derandomised, 100 examples per property, so every run
  of the suite checks the same cases and a failure reproduces exactly;
* ``dev``: random, 100 examples, to explore new cases while developing;
* ``thorough``: random, 10,000 examples per property, for deep runs;
* ``floor``: derandomised, 20 examples, for re-running the suite on another
  Python version, where the point is the interpreter, not more cases.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "thorough",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("floor", derandomize=True, max_examples=20, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("LEADKIT_HYPOTHESIS_PROFILE", "ci"))

# Worker processes (score_many(workers=...)) import the test module a scorer was defined in, and so
# its imports: give them tests/ on their path, as pytest's `pythonpath` setting gives this process.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def t0() -> datetime:
    """A fixed, timezone-aware moment for example tests."""
    return T0
