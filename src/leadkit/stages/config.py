"""Pipelines as YAML: reading, writing, and the default pipeline.

The format (``version: 1``) is documented in the docs' "Pipeline YAML"
reference. Every problem is a `ConfigError` naming the path of the bad key
(and its line when read from YAML): unknown stages in moves, unreachable
stages, a missing initial stage, duplicate names, unknown guards.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from leadkit import _documents
from leadkit.errors import ConfigError, Problem, ValidationError
from leadkit.scoring.conditions import format_duration
from leadkit.stages.guards import guard_from_data, guard_to_data
from leadkit.stages.pipeline import AutoMove, Pipeline, Stage, Transition

__all__ = [
    "PIPELINE_VERSION",
    "default_pipeline",
    "default_pipeline_path",
    "load_pipeline",
    "pipeline_from_data",
    "pipeline_from_yaml",
    "pipeline_to_data",
    "pipeline_to_yaml",
]

PIPELINE_VERSION = 1
"""The version of the YAML pipeline format this leadkit reads and writes."""

Where = _documents.Where
_PIPELINE_KEYS = ("version", "name", "description", "initial", "stages", "transitions", "policy")
_STAGE_KEYS = ("name", "owner", "description", "terminal", "statuses", "sla")
_TRANSITION_KEYS = ("name", "from", "to", "guards", "requires_reason", "reopens", "description")
_RULE_KEYS = ("from", "to", "when", "reason", "description")


def _guards(value: object, where: Where) -> tuple[Any, ...]:
    return tuple(guard_from_data(g, (*where, i)) for i, g in enumerate(_documents.items(value, where)))


def _stage(value: object, where: Where) -> Stage:
    data = _documents.keys(value, where, required=("name",), optional=_STAGE_KEYS)
    if "sla" in data:
        data["sla"] = _documents.duration(data["sla"], (*where, "sla"), optional=True)
    with _documents.at(where):
        return Stage(**data)


def _sources(data: dict[str, Any]) -> dict[str, Any]:
    data["sources"] = data.pop("from")
    data["target"] = data.pop("to")
    return data


def _transition(value: object, where: Where) -> Transition:
    data = _documents.keys(value, where, required=("name", "from", "to"), optional=_TRANSITION_KEYS)
    if "guards" in data:
        data["guards"] = _guards(data["guards"], (*where, "guards"))
    with _documents.at(where):
        try:
            return Transition(**_sources(data))
        except (ValidationError, ConfigError) as exc:
            raise _renamed(exc) from None


def _rule(value: object, where: Where) -> AutoMove:
    data = _documents.keys(value, where, required=("from", "to", "reason"), optional=_RULE_KEYS)
    if "when" in data:
        data["when"] = _guards(data["when"], (*where, "when"))
    with _documents.at(where):
        try:
            return AutoMove(**_sources(data))
        except (ValidationError, ConfigError) as exc:
            raise _renamed(exc) from None


def _renamed(exc: ValidationError | ConfigError) -> ValidationError | ConfigError:
    """A constructor's error with the Python field names put back to the YAML keys (``sources`` -> ``from``)."""
    keys = {"sources": "from", "target": "to"}
    return type(exc)(
        Problem(tuple(keys.get(p, p) if isinstance(p, str) else p for p in problem.path), *_rest(problem))
        for problem in exc.problems
    )


def _rest(problem: Any) -> tuple[Any, ...]:
    return (problem.expected, problem.got, problem.reason, problem.line)


def pipeline_from_data(data: object) -> Pipeline:
    """Build a `Pipeline` from its plain-data form (a parsed YAML or JSON document).

    Raises:
        ConfigError: naming the path of every problem found.
    """
    _documents.encodable(data)
    doc = _documents.keys(data, (), required=("version", "initial", "stages", "transitions"), optional=_PIPELINE_KEYS)
    version = doc["version"]
    if version != PIPELINE_VERSION or isinstance(version, bool):
        raise _documents.fail(
            ("version",), f"version {PIPELINE_VERSION} (the pipeline format this leadkit reads)", version
        )
    stages = [_stage(s, ("stages", i)) for i, s in enumerate(_documents.items(doc["stages"], ("stages",)))]
    transitions = [
        _transition(t, ("transitions", i)) for i, t in enumerate(_documents.items(doc["transitions"], ("transitions",)))
    ]
    policy = [_rule(r, ("policy", i)) for i, r in enumerate(_documents.items(doc.get("policy", []), ("policy",)))]
    kwargs = {k: doc[k] for k in ("name", "description") if k in doc}
    with _documents.at(()):
        return Pipeline(stages=stages, transitions=transitions, initial=doc["initial"], policy=policy, **kwargs)


def _names(names: tuple[str, ...]) -> str | list[str]:
    return names[0] if len(names) == 1 else list(names)


def pipeline_to_data(pipeline: Pipeline) -> dict[str, Any]:
    """The plain-data form of ``pipeline``; `pipeline_from_data` reads it back equal.

    Defaults are left out (``terminal: false``, no guards …) to keep the document short.

    Raises:
        ConfigError: if a custom guard cannot be written (see `register_guard`).
    """
    stages = []
    for stage in pipeline.stages:
        item: dict[str, Any] = {"name": stage.name, "owner": stage.owner, "description": stage.description}
        if stage.terminal:
            item["terminal"] = True
        if stage.statuses:
            item["statuses"] = list(stage.statuses)
        if stage.sla is not None:
            item["sla"] = format_duration(stage.sla)
        stages.append(_documents.without_none(item))
    transitions = []
    for transition in pipeline.transitions:
        item = {"name": transition.name, "from": _names(transition.sources), "to": transition.target}
        if transition.guards:
            item["guards"] = [guard_to_data(g) for g in transition.guards]
        if transition.requires_reason:
            item["requires_reason"] = True
        if transition.reopens:
            item["reopens"] = True
        item["description"] = transition.description
        transitions.append(_documents.without_none(item))
    policy = []
    for rule in pipeline.policy:
        item = {"from": _names(rule.sources), "to": rule.target}
        if rule.when:
            item["when"] = [guard_to_data(g) for g in rule.when]
        item |= {"reason": rule.reason, "description": rule.description}
        policy.append(_documents.without_none(item))
    data: dict[str, Any] = {"version": PIPELINE_VERSION, "name": pipeline.name}
    if pipeline.description is not None:
        data["description"] = pipeline.description
    data |= {"initial": pipeline.initial, "stages": stages, "transitions": transitions}
    if policy:
        data["policy"] = policy
    return data


def pipeline_from_yaml(text: str | bytes) -> Pipeline:
    """Read a pipeline from YAML text; every problem carries its line."""
    return _documents.from_yaml(text, pipeline_from_data)


def pipeline_to_yaml(pipeline: Pipeline) -> str:
    """The pipeline as YAML text, headed by its version."""
    from leadkit import _yaml

    return _yaml.dump(pipeline_to_data(pipeline))


def load_pipeline(path: str | os.PathLike[str]) -> Pipeline:
    """Read a pipeline from a YAML file.

    Examples:
        >>> load_pipeline(default_pipeline_path()).initial
        'inquiry'

    Raises:
        ConfigError: if the file cannot be read or does not describe a valid
            pipeline; each problem names its path and line.
    """
    return pipeline_from_yaml(_documents.read_bytes(path))


def default_pipeline_path() -> Path:
    """The path of the default pipeline shipped with leadkit, to read or copy."""
    return Path(__file__).resolve().parent / "default_pipeline.yaml"


_DEFAULT: list[Pipeline] = []


def default_pipeline() -> Pipeline:
    """The default lead lifecycle: inquiry -> lead -> MQL -> SAL -> SQL -> opportunity -> customer.

    With nurture (recycle), lost and disqualified paths; see the docs'
    "Lead lifecycle" page for each stage and who owns it. Read once, then
    shared (pipelines are immutable).
    """
    if not _DEFAULT:
        _DEFAULT.append(load_pipeline(default_pipeline_path()))
    return _DEFAULT[0]
