"""leadkit: lead-qualification primitives.

An immutable, validated lead model; contact hygiene and de-duplication;
safe dict/JSON/YAML round trips; explainable scorers; sample data to try it
all on.

Everything public is importable from here; `leadkit.testing` (needs the
``testing`` extra) holds hypothesis strategies for your own tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from leadkit._io import LeadBatch, read_leads, write_leads
from leadkit.contact import (
    Conflict,
    DedupeResult,
    Merge,
    dedupe,
    dedupe_keys,
    is_contactable,
    is_valid_email,
    is_valid_phone,
    normalize_email,
    normalize_phone,
)
from leadkit.datasets import load_bank_marketing, load_sample_leads, load_sample_personas, sample_leads_path
from leadkit.errors import (
    ConfigError,
    LeadkitError,
    MissingExtraError,
    NotFittedError,
    Problem,
    TransitionError,
    ValidationError,
)
from leadkit.model import (
    BANT,
    Company,
    Contact,
    Criterion,
    CriterionStatus,
    Interaction,
    InteractionKind,
    Lead,
    Persona,
    StageChange,
)

if TYPE_CHECKING:
    from leadkit.learn import (
        Calibration,
        Comparison,
        ConversionRate,
        Evaluation,
        FieldTable,
        GainsRow,
        LeadChange,
        Lift,
        NaiveBayesScorer,
        PersonaSuggestion,
        RulePoints,
        ThresholdAdvice,
        TimeSplit,
        average_precision,
        bootstrap_interval,
        brier_score,
        calibrate_rules,
        compare,
        evaluate,
        gains,
        recommend_threshold,
        roc_auc,
        suggest_persona,
        time_split,
    )
    from leadkit.scoring import (
        BANT_CHECKLIST,
        CHAMP_CHECKLIST,
        DEFAULT_FIT_WEIGHTS,
        DEFAULT_SIGNALS,
        FIELD_PATHS,
        FIT_DIMENSIONS,
        GRADES,
        MEDDIC_CHECKLIST,
        OPERATORS,
        AllOf,
        AnyOf,
        BANTScorer,
        BestPersonaFitScorer,
        Checklist,
        ChecklistAssessment,
        ChecklistItem,
        ChecklistScorer,
        Condition,
        Contribution,
        EngagementScorer,
        EngagementState,
        FieldCondition,
        Frequency,
        InteractionCondition,
        Not,
        PersonaFitScorer,
        Qualification,
        Rule,
        RuleScorer,
        Score,
        Scorer,
        ScoringModel,
        Signal,
        Temperature,
        check_as_of,
        default_model,
        default_model_path,
        load_model,
        parse_condition,
        parse_duration,
        register_scorer,
        scorer_types,
    )
    from leadkit.stages import (
        BUILTIN_GUARDS,
        AllGuards,
        AnyGuard,
        AutoMove,
        BantQualified,
        Breach,
        Contactable,
        Guard,
        IsMQL,
        Journey,
        MaxTemperature,
        MinGrade,
        MinScore,
        MinTemperature,
        Move,
        NotGuard,
        Pipeline,
        QuietFor,
        SalesReady,
        ScoreBelow,
        Stage,
        StatusIn,
        Suggestion,
        Transition,
        Visit,
        default_pipeline,
        default_pipeline_path,
        guard_names,
        load_pipeline,
        register_guard,
        time_in_stage,
    )

    __version__: str


__all__ = [
    "BANT",
    "BANT_CHECKLIST",
    "BUILTIN_GUARDS",
    "CHAMP_CHECKLIST",
    "DEFAULT_FIT_WEIGHTS",
    "DEFAULT_SIGNALS",
    "FIELD_PATHS",
    "FIT_DIMENSIONS",
    "GRADES",
    "MEDDIC_CHECKLIST",
    "OPERATORS",
    "AllGuards",
    "AllOf",
    "AnyGuard",
    "AnyOf",
    "AutoMove",
    "BANTScorer",
    "BantQualified",
    "BestPersonaFitScorer",
    "Breach",
    "Calibration",
    "Checklist",
    "ChecklistAssessment",
    "ChecklistItem",
    "ChecklistScorer",
    "Company",
    "Comparison",
    "Condition",
    "ConfigError",
    "Conflict",
    "Contact",
    "Contactable",
    "Contribution",
    "ConversionRate",
    "Criterion",
    "CriterionStatus",
    "DedupeResult",
    "EngagementScorer",
    "EngagementState",
    "Evaluation",
    "FieldCondition",
    "FieldTable",
    "Frequency",
    "GainsRow",
    "Guard",
    "Interaction",
    "InteractionCondition",
    "InteractionKind",
    "IsMQL",
    "Journey",
    "Lead",
    "LeadBatch",
    "LeadChange",
    "LeadkitError",
    "Lift",
    "MaxTemperature",
    "Merge",
    "MinGrade",
    "MinScore",
    "MinTemperature",
    "MissingExtraError",
    "Move",
    "NaiveBayesScorer",
    "Not",
    "NotFittedError",
    "NotGuard",
    "Persona",
    "PersonaFitScorer",
    "PersonaSuggestion",
    "Pipeline",
    "Problem",
    "Qualification",
    "QuietFor",
    "Rule",
    "RulePoints",
    "RuleScorer",
    "SalesReady",
    "Score",
    "ScoreBelow",
    "Scorer",
    "ScoringModel",
    "Signal",
    "Stage",
    "StageChange",
    "StatusIn",
    "Suggestion",
    "Temperature",
    "ThresholdAdvice",
    "TimeSplit",
    "Transition",
    "TransitionError",
    "ValidationError",
    "Visit",
    "__version__",
    "average_precision",
    "bootstrap_interval",
    "brier_score",
    "calibrate_rules",
    "check_as_of",
    "compare",
    "dedupe",
    "dedupe_keys",
    "default_model",
    "default_model_path",
    "default_pipeline",
    "default_pipeline_path",
    "evaluate",
    "gains",
    "guard_names",
    "is_contactable",
    "is_valid_email",
    "is_valid_phone",
    "load_bank_marketing",
    "load_model",
    "load_pipeline",
    "load_sample_leads",
    "load_sample_personas",
    "normalize_email",
    "normalize_phone",
    "parse_condition",
    "parse_duration",
    "read_leads",
    "recommend_threshold",
    "register_guard",
    "register_scorer",
    "roc_auc",
    "sample_leads_path",
    "scorer_types",
    "suggest_persona",
    "time_in_stage",
    "time_split",
    "write_leads",
]


_LAZY_PACKAGES = ("leadkit.scoring", "leadkit.stages", "leadkit.learn")
"""Where public names not bound at import live, looked up in this order by their ``__all__``."""


def __getattr__(name: str) -> Any:
    # The version is read from the installed metadata only when asked for,
    # keeping importlib.metadata off the import path.
    if name == "__version__":
        from importlib.metadata import version

        return version("leadkit")
    if name in __all__:
        # A public name not bound yet is a scorer, pipeline or learning name: those
        # packages load on first use, so `import leadkit` stays light for code
        # that only needs the model.
        import importlib

        for package_name in _LAZY_PACKAGES:
            package = importlib.import_module(package_name)
            if name in package.__all__:
                value = getattr(package, name)
                globals()[name] = value  # later lookups skip this function
                return value
    msg = f"module 'leadkit' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
