"""Targets ``scoring_model`` and ``pipeline``: configuration documents.

Scoring models are read with `leadkit.load_model` (a YAML file),
``ScoringModel.from_yaml`` and ``ScoringModel.from_dict``; pipelines with
`leadkit.load_pipeline`, ``Pipeline.from_yaml`` and ``Pipeline.from_dict``;
both also from odd paths (missing, a directory, a NUL byte, a surrogate).
Documents start from the shipped defaults and `leadkit.testing` corpora, and
are mutated with hostile values and target-specific ones: conditions with
catastrophic regexes, durations at their limits, unknown scorer types and
guards, recursive YAML aliases.

A model that loads must score leads whose text fields are long and
regex-hostile; a pipeline that loads must draw itself, round-trip, and move
leads with its policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import _generators as gen
from _harness import Target, corpus
from _source import literal
from hypothesis import strategies as st

from leadkit import (
    Company,
    Contact,
    Interaction,
    Lead,
    LeadkitError,
    Pipeline,
    Qualification,
    ScoringModel,
    default_model,
    default_pipeline,
    load_model,
    load_pipeline,
)

AS_OF = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
DAWN = datetime(1, 1, 1, tzinfo=timezone.utc)
CORPUS_SIZE = 25

REGEXES: tuple[str, ...] = (
    "(a+)+$",
    "(a|a)*$",
    "(a|aa)*$",
    "(a|ab)*c",
    "(.*a){20}",
    "(.*a){1,20}$",
    "(.*){1,32000}[bc]",
    "a*a*a*a*a*a*a*b",
    ".*.*.*.*.*.*=",
    "(\\w+\\s?)*$",
    "^(a?){25}a{25}$",
    "(x+x+)+y",
    "([a-z]+)*@",
    "(.*,)*x",
    "\\s*\\s*\\s*\\s*\\s*$",
    "(?i)(A|a)*$",
    "(?s)(.|\\n)*x",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
    "(a*)*b",
    "(a+){2,}$",
    "[" * 1_000,
    "a" * 1_001,
    "(" * 200 + ")" * 200,
    "(" * 500 + ")" * 500,
    "x{0,2147483647}",
    "x{99999999999999999999}",
    "\\p{L}",
    "(?P<name>a)(?P=name)",
    "(?<=a)b",
    "\\b(head|lead)\\b",
    "",
)
"""Patterns for ``matches`` rules: catastrophic ones, refused ones, and edge cases of the pattern check."""

DURATIONS = (
    "30d",
    "0s",
    "0.0000001s",
    "1e9w",
    "999999999d",
    "9999999999999d",
    "1.5h",
    "-1d",
    " 2 w ",
    "1d2h",
    30,
    None,
)

_CONDITIONS: tuple[Any, ...] = (
    *({"field": "contact.title", "matches": r} for r in REGEXES),
    *({"field": "attributes.x", "matches": r} for r in REGEXES[:6]),
    {"field": "source", "matches": "(a+)+$"},
    {"field": "attributes.x", "between": [1, 0]},
    {"field": "attributes.x", "between": [float("-inf"), 1]},
    {"field": "company.employees", "gte": 10**400},
    {"field": "bant.need", "eq": "maybe"},
    {"field": "attributes.", "exists": True},
    {"field": "attributes..x", "exists": True},
    {"field": "attributes.x.y", "contains": "a"},
    {"field": "contact.email", "in": []},
    {"interaction": "demo_request", "within": "1e9w"},
    {"interaction": [], "at_least": 0},
    {"interaction": "x", "at_least": 10**400},
    {"all": []},
    {"any": [{"not": {"not": {"interaction": "chat"}}}]},
    {"field": "source", "eq": "a", "ne": "b"},
)

MODEL_VALUES: tuple[Any, ...] = (
    *_CONDITIONS,
    *DURATIONS,
    {"type": "rules", "rules": [{"name": "r", "when": {"field": "contact.title", "matches": "(a|a)*$"}, "points": 5}]},
    {"type": "engagement", "signals": {"chat": {"points": 1, "half_life": "1e9w", "frequency": {"at_most": 0}}}},
    {"type": "engagement", "half_life": "0.0000001s"},
    {"type": "checklist", "checklist": "MEDDIC"},
    {"type": "checklist", "checklist": {"name": "x", "items": [{"name": "a", "source": "bant.need"}], "min_met": 5}},
    {"type": "bant"},
    {"type": "naive_bayes", "fields": ["source"]},
    {"type": "naive_bayes"},
    {"type": "persona_fit", "persona": {"name": "p", "min_employees": 5, "max_employees": 1}},
    {"type": "best_persona_fit", "personas": []},
    {"type": "leadkit.cli:main"},
    {"type": "os.system"},
    {"A": 75, "B": 50, "C": 25},
    {"A": 25, "B": 50, "C": 75},
    {"hot": float("nan"), "warm": 1},
    {1: 60, 2: 30, 3: 10},
    {"total": -1, "grades": ["Z"]},
    {"kinds": [], "within": "0s"},
    "fit",
    "engagement",
    "side",
    "weight",
)
"""Target-specific values for scoring models: conditions, durations, scorer entries, thresholds."""

PIPELINE_VALUES: tuple[Any, ...] = (
    *DURATIONS,
    "contactable",
    "mql",
    "sales_ready",
    "bant_qualified",
    "unknown_guard",
    {"min_score": 10**400},
    {"min_score": {"points": 10, "scorer": "nope"}},
    {"score_below": float("nan")},
    {"min_grade": "Z"},
    {"min_temperature": "boiling"},
    {"max_temperature": "cold"},
    {"quiet_for": "1e9w"},
    {"quiet_for": "0s"},
    {"status_in": []},
    {"any": []},
    {"all": ["mql", {"not": "mql"}]},
    {"not": {"not": {"not": "contactable"}}},
    {"bant_qualified": "MEDDIC"},
    {"bant_qualified": {"name": "x", "items": [], "min_met": -1}},
    {"name": "s", "terminal": True},
    {"name": "inquiry"},
    {"name": "x", "from": "inquiry", "to": "inquiry"},
    {"name": "x", "from": ["lead", "lead"], "to": "mql", "reopens": True},
    {"from": "lead", "to": "nowhere", "reason": "r"},
    "inquiry",
    "lead",
    "nowhere",
)
"""Target-specific values for pipelines: guards, stages, moves, policy rules, durations."""

ODD_PATHS: tuple[Any, ...] = ("", ".", "/", "missing.yaml", "a\x00b.yaml", "\ud800.yaml", "x" * 300, "dir")
"""Paths that are not readable YAML files; ``dir`` is a directory in the temp folder."""


def _hostile_leads() -> tuple[Lead, ...]:
    """Leads whose text fields are long and shaped to make bad regexes backtrack."""
    leads = []
    for i, unit in enumerate(("a", "a,", " ")):
        long = unit * (10_000 // len(unit)) + "!"
        leads.append(
            Lead(
                id=f"L-{i}",
                created_at=AS_OF,
                contact=Contact(name=long, title=long),
                company=Company(name=long, industry=long, employees=10**6),
                source=long,
                attributes={"x": long, "course_interest": long, "utm_campaign": long, "graduation_year": 2026},
                interactions=[Interaction(kind="demo_request", at=AS_OF), Interaction(kind="chat", at=AS_OF)],
            )
        )
    leads.append(Lead(id="empty", created_at=AS_OF))
    return tuple(leads)


@dataclass(frozen=True)
class ConfigContext:
    """What the config targets share: a temp folder, corpora of documents, and leads to exercise loaded ones."""

    tmp: Path
    models: list[Any]
    pipelines: list[Any]
    leads: tuple[Lead, ...]
    qualifications: tuple[Qualification, ...]


@dataclass(frozen=True)
class ConfigCase:
    """One load: ``how`` is ``file`` (load_model/load_pipeline), ``yaml`` (from_yaml), ``dict`` or ``path``."""

    kind: str
    how: str
    payload: Any


def setup(tmp: Path) -> ConfigContext:
    """Build the corpora and the leads once."""
    from leadkit.testing import pipelines, scoring_models

    (tmp / "dir").mkdir()
    models = [default_model().to_dict(), *(m.to_dict() for m in corpus(scoring_models(), CORPUS_SIZE, 2))]
    flows = [default_pipeline().to_dict(), *(p.to_dict() for p in corpus(pipelines(), CORPUS_SIZE, 3))]
    leads = _hostile_leads()
    model = default_model()
    return ConfigContext(tmp, models, flows, leads, tuple(model.qualify(lead, as_of=AS_OF) for lead in leads))


@st.composite
def _case(
    draw: st.DrawFn, kind: str, data: st.SearchStrategy[Any], texts: st.SearchStrategy[str | bytes]
) -> ConfigCase:
    how = draw(st.sampled_from(["file", "file", "yaml", "dict", "dict", "path"]))
    if how == "dict":
        return ConfigCase(kind, how, draw(data))
    if how == "path":
        return ConfigCase(kind, how, draw(st.one_of(st.sampled_from(ODD_PATHS), gen.scalars())))
    return ConfigCase(kind, how, draw(texts))


def _combined(leaves: st.SearchStrategy[Any], forms: tuple[str, str, str]) -> st.SearchStrategy[Any]:
    """Leaves, or leaves nested in all / any / not (``forms`` names the three keys)."""
    every, some, negated = forms
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda items: {every: items}),
            st.lists(inner, min_size=1, max_size=3).map(lambda items: {some: items}),
            inner.map(lambda item: {negated: item}),
        ),
        max_leaves=4,
    )


def _rules_models() -> st.SearchStrategy[dict[str, Any]]:
    """Small models whose rules test hostile conditions: catastrophic regexes, reversed ranges, deep nesting."""
    leaves = st.one_of(st.sampled_from(_CONDITIONS), st.sampled_from(_CONDITIONS[: len(REGEXES)]))
    rule = st.fixed_dictionaries(
        {
            "name": st.sampled_from(["r", "s", "t"]),
            "when": _combined(leaves, ("all", "any", "not")),
            "points": st.sampled_from([5, -5, 0.5, 1e308, 10**400, float("nan"), "5"]),
        }
    )
    rules = st.lists(rule, min_size=1, max_size=3, unique_by=lambda r: r["name"])
    return rules.map(lambda items: {"version": 1, "scorers": [{"type": "rules", "rules": items}]})


_GUARDS = tuple(g for g in PIPELINE_VALUES if isinstance(g, str) or (isinstance(g, dict) and len(g) == 1))


def _guarded_pipelines() -> st.SearchStrategy[dict[str, Any]]:
    """The default pipeline with hostile guards and SLAs.

    Guards (nested in any / all / not too) on a move and a policy rule; SLAs at their limits on the
    stages leads enter first.
    """
    guards = st.lists(_combined(st.sampled_from(_GUARDS), ("all", "any", "not")), max_size=3)
    slas = st.sampled_from(DURATIONS)

    def build(move: list[Any], rule: list[Any], first: Any, second: Any) -> dict[str, Any]:
        data: dict[str, Any] = gen.copy(default_pipeline().to_dict())
        data["transitions"][0]["guards"] = move
        data["policy"][0]["when"] = rule
        data["stages"][0]["sla"] = first
        data["stages"][1]["sla"] = second
        return data

    return st.builds(build, guards, guards, slas, slas)


def _cases(kind: str) -> Any:
    def cases(context: ConfigContext) -> st.SearchStrategy[ConfigCase]:
        if kind == "model":
            base = st.one_of(st.sampled_from(context.models), _rules_models())
            data = gen.mutated(base, MODEL_VALUES)
        else:
            base = st.one_of(st.sampled_from(context.pipelines), _guarded_pipelines())
            data = gen.mutated(base, PIPELINE_VALUES)
        return _case(kind, data, gen.texts_of(data, "yaml"))

    return cases


# --------------------------------------------------------------------------- calls


def _use_model(context: ConfigContext, model: ScoringModel) -> None:
    """Score the hostile leads, and check the model reads back equal from its own data and writes as YAML."""
    for lead in context.leads:
        model.qualify(lead, as_of=AS_OF)
    if ScoringModel.from_dict(model.to_dict()) != model:
        msg = "ScoringModel.from_dict(model.to_dict()) differs from the model"
        raise AssertionError(msg)
    model.to_yaml()


def _use_pipeline(context: ConfigContext, pipeline: Pipeline) -> None:
    """Draw the pipeline, read it back from its YAML, and let its policy move the leads."""
    pipeline.to_mermaid()
    pipeline.to_dot()
    if Pipeline.from_dict(pipeline.to_dict()) != pipeline:
        msg = "Pipeline.from_dict(pipeline.to_dict()) differs from the pipeline"
        raise AssertionError(msg)
    pipeline.to_yaml()
    for lead, qualification in zip(context.leads[:2], context.qualifications, strict=False):
        moved = pipeline.auto_advance(lead, qualification)
        pipeline.allowed(moved, qualification)
        pipeline.overdue([moved], as_of=AS_OF)
        pipeline.overdue([moved], as_of=DAWN)  # long before the lead entered its stage


def _source(context: ConfigContext, case: ConfigCase) -> Any:
    """The argument of the load: the case's data, or the path of a file holding its text."""
    if case.how == "path":
        return context.tmp / case.payload if case.payload == "dir" else case.payload
    if case.how != "file":
        return case.payload
    path = context.tmp / f"{case.kind}.yaml"
    data = case.payload
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return path


def call(context: ConfigContext, case: ConfigCase) -> None:
    """Load the document the case describes, then use what loaded."""
    source = _source(context, case)
    if case.kind == "model":
        readers = {
            "file": load_model,
            "path": load_model,
            "yaml": ScoringModel.from_yaml,
            "dict": ScoringModel.from_dict,
        }
        _use_model(context, readers[case.how](source))
    else:
        loaders = {"file": load_pipeline, "path": load_pipeline, "yaml": Pipeline.from_yaml, "dict": Pipeline.from_dict}
        _use_pipeline(context, loaders[case.how](source))


_USE_MODEL = """
# What the fuzz target does with a model that loads: score leads with long, regex-hostile text.
as_of = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
for unit in ("a", "a,", " "):
    long = unit * (10_000 // len(unit)) + "!"
    lead = Lead(
        id="L", created_at=as_of, contact=Contact(name=long, title=long), company=Company(name=long, industry=long),
        source=long, attributes={"x": long, "course_interest": long, "utm_campaign": long},
    )
    loaded.qualify(lead, as_of=as_of)
assert ScoringModel.from_dict(loaded.to_dict()) == loaded
loaded.to_yaml()
"""

_USE_PIPELINE = """
# What the fuzz target does with a pipeline that loads: draw it, round-trip it, move a lead with its policy.
as_of = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
loaded.to_mermaid()
loaded.to_dot()
assert Pipeline.from_dict(loaded.to_dict()) == loaded
loaded.to_yaml()
lead = Lead(id="L", created_at=as_of, contact=Contact(email="a@example.com"), company=Company(), source="x")
qualification = default_model().qualify(lead, as_of=as_of)
moved = loaded.auto_advance(lead, qualification)
loaded.allowed(moved, qualification)
loaded.overdue([moved], as_of=as_of)
loaded.overdue([moved], as_of=datetime(1, 1, 1, tzinfo=timezone.utc))
"""


def reproduce(_: ConfigContext, case: ConfigCase) -> str:
    """Python source reproducing the case, then using what loaded as `call` does."""
    cls, loader = ("ScoringModel", "load_model") if case.kind == "model" else ("Pipeline", "load_pipeline")
    head = (
        "import pathlib\nimport tempfile\nfrom datetime import datetime, timezone\n\n"
        f"from leadkit import Company, Contact, Lead, {cls}, default_model, {loader}\n\n"
    )
    if case.how == "dict":
        load = f"loaded = {cls}.from_dict({literal(case.payload)})\n"
    elif case.how == "yaml":
        load = f"loaded = {cls}.from_yaml({literal(case.payload)})\n"
    elif case.how == "path":
        load = f"loaded = {loader}({literal(case.payload)})\n"
    else:
        data = case.payload if isinstance(case.payload, bytes) else case.payload.encode("utf-8", "surrogatepass")
        load = (
            f"path = pathlib.Path(tempfile.mkdtemp()) / '{case.kind}.yaml'\n"
            f"path.write_bytes({literal(data)})\n"
            f"loaded = {loader}(path)\n"
        )
    return head + load + (_USE_MODEL if case.kind == "model" else _USE_PIPELINE)


def allowed(error: BaseException, _: ConfigCase) -> bool:
    """Only leadkit's own errors may escape (a pipeline's policy may refuse a move: a TransitionError)."""
    return isinstance(error, LeadkitError)


TARGETS: list[Target[Any]] = [
    Target(
        "scoring_model",
        "load_model / ScoringModel.from_yaml / from_dict, then scoring hostile leads",
        _cases("model"),
        call,
        reproduce,
        allowed,
        setup,
    ),
    Target(
        "pipeline",
        "load_pipeline / Pipeline.from_yaml / from_dict, then drawing and moving leads",
        _cases("pipeline"),
        call,
        reproduce,
        allowed,
        setup,
    ),
]
