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
from leadkit.scoring.conditions import (
    FIELD_PATHS,
    OPERATORS,
    AllOf,
    AnyOf,
    Condition,
    FieldCondition,
    InteractionCondition,
    Not,
    parse_condition,
    parse_duration,
)
from leadkit.scoring.config import default_model, default_model_path, load_model, register_scorer, scorer_types
from leadkit.scoring.engagement import DEFAULT_SIGNALS, EngagementScorer, EngagementState, Frequency, Signal
from leadkit.scoring.fit import DEFAULT_FIT_WEIGHTS, FIT_DIMENSIONS, BestPersonaFitScorer, PersonaFitScorer
from leadkit.scoring.many import ScoredBatch, score_many
from leadkit.scoring.qualify import GRADES, Qualification, ScoringModel, Temperature
from leadkit.scoring.rules import Rule, RuleScorer

__all__ = [
    "BANT_CHECKLIST",
    "CHAMP_CHECKLIST",
    "DEFAULT_FIT_WEIGHTS",
    "DEFAULT_SIGNALS",
    "FIELD_PATHS",
    "FIT_DIMENSIONS",
    "GRADES",
    "MEDDIC_CHECKLIST",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "BANTScorer",
    "BestPersonaFitScorer",
    "Checklist",
    "ChecklistAssessment",
    "ChecklistItem",
    "ChecklistScorer",
    "Condition",
    "Contribution",
    "EngagementScorer",
    "EngagementState",
    "FieldCondition",
    "Frequency",
    "InteractionCondition",
    "Not",
    "PersonaFitScorer",
    "Qualification",
    "Rule",
    "RuleScorer",
    "Score",
    "ScoredBatch",
    "Scorer",
    "ScoringModel",
    "Signal",
    "Temperature",
    "check_as_of",
    "default_model",
    "default_model_path",
    "load_model",
    "parse_condition",
    "parse_duration",
    "register_scorer",
    "score_many",
    "scorer_types",
]
