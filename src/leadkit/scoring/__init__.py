"""Scoring: the `Scorer` contract, explained scores, and the built-in scorers."""

from __future__ import annotations

from leadkit.scoring.base import Contribution, Score, Scorer, check_as_of
from leadkit.scoring.checklist import (
    BANT_CHECKLIST,
    CHAMP_CHECKLIST,
    MEDDIC_CHECKLIST,
    BANTScorer,
    Checklist,
    ChecklistAssessment,
    ChecklistItem,
    ChecklistScorer,
)
from leadkit.scoring.engagement import DEFAULT_SIGNALS, EngagementScorer, EngagementState, Frequency, Signal
from leadkit.scoring.fit import DEFAULT_FIT_WEIGHTS, FIT_DIMENSIONS, PersonaFitScorer

__all__ = [
    "BANT_CHECKLIST",
    "CHAMP_CHECKLIST",
    "DEFAULT_FIT_WEIGHTS",
    "DEFAULT_SIGNALS",
    "FIT_DIMENSIONS",
    "MEDDIC_CHECKLIST",
    "BANTScorer",
    "Checklist",
    "ChecklistAssessment",
    "ChecklistItem",
    "ChecklistScorer",
    "Contribution",
    "EngagementScorer",
    "EngagementState",
    "Frequency",
    "PersonaFitScorer",
    "Score",
    "Scorer",
    "Signal",
    "check_as_of",
]
