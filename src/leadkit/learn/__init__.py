"""Learning from outcomes: measure scorers and models against what happened to the leads."""

from __future__ import annotations

from leadkit.learn.calibration import Calibration, RulePoints, calibrate_rules
from leadkit.learn.evaluation import (
    Comparison,
    ConversionRate,
    Evaluation,
    LeadChange,
    ThresholdAdvice,
    TimeSplit,
    compare,
    evaluate,
    recommend_threshold,
    time_split,
)
from leadkit.learn.metrics import GainsRow, average_precision, bootstrap_interval, brier_score, gains, roc_auc
from leadkit.learn.naive_bayes import FieldTable, NaiveBayesScorer
from leadkit.learn.persona import Lift, PersonaSuggestion, suggest_persona

__all__ = [
    "Calibration",
    "Comparison",
    "ConversionRate",
    "Evaluation",
    "FieldTable",
    "GainsRow",
    "LeadChange",
    "Lift",
    "NaiveBayesScorer",
    "PersonaSuggestion",
    "RulePoints",
    "ThresholdAdvice",
    "TimeSplit",
    "average_precision",
    "bootstrap_interval",
    "brier_score",
    "calibrate_rules",
    "compare",
    "evaluate",
    "gains",
    "recommend_threshold",
    "roc_auc",
    "suggest_persona",
    "time_split",
]
