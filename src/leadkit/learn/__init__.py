"""Learning from history: fit and measure scorers against outcomes, and see the funnel."""

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
from leadkit.learn.funnels import (
    Attribution,
    Credit,
    Funnel,
    SlaRate,
    StageCount,
    StageTime,
    attribution,
    funnel,
)
from leadkit.learn.metrics import GainsRow, average_precision, bootstrap_interval, brier_score, gains, roc_auc
from leadkit.learn.naive_bayes import FieldTable, NaiveBayesScorer
from leadkit.learn.persona import Lift, PersonaSuggestion, suggest_persona

__all__ = [
    "Attribution",
    "Calibration",
    "Comparison",
    "ConversionRate",
    "Credit",
    "Evaluation",
    "FieldTable",
    "Funnel",
    "GainsRow",
    "LeadChange",
    "Lift",
    "NaiveBayesScorer",
    "PersonaSuggestion",
    "RulePoints",
    "SlaRate",
    "StageCount",
    "StageTime",
    "ThresholdAdvice",
    "TimeSplit",
    "attribution",
    "average_precision",
    "bootstrap_interval",
    "brier_score",
    "calibrate_rules",
    "compare",
    "evaluate",
    "funnel",
    "gains",
    "recommend_threshold",
    "roc_auc",
    "suggest_persona",
    "time_split",
]
