"""Scoring: the `Scorer` contract, explained scores, and the built-in scorers."""

from __future__ import annotations

from leadkit.scoring.base import Contribution, Score, Scorer, check_as_of
from leadkit.scoring.engagement import DEFAULT_SIGNALS, EngagementScorer, EngagementState, Frequency, Signal

__all__ = [
    "DEFAULT_SIGNALS",
    "Contribution",
    "EngagementScorer",
    "EngagementState",
    "Frequency",
    "Score",
    "Scorer",
    "Signal",
    "check_as_of",
]
