"""Scoring models as YAML: reading, writing, and the registry of scorer types.

The format (``version: 1``) is documented in the docs' "Scoring model YAML"
reference. Every scorer entry names its ``type``; the built-in types are
listed in `BUILTIN_SCORER_TYPES`, and other classes become available by
registering them, in process with `register_scorer` or for a whole
installation under the entry-point group ``leadkit.scorers``. YAML never
imports a dotted path it is given.

Every problem is a `ConfigError` naming the path of the bad key (and its line
when read from YAML), with the closest valid key for a misspelt one.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from leadkit import _documents
from leadkit._frozen import thaw
from leadkit.errors import ConfigError, ValidationError, suggest
from leadkit.model import Persona
from leadkit.scoring.base import Scorer
from leadkit.scoring.checklist import (
    BANT_CHECKLIST,
    CHAMP_CHECKLIST,
    MEDDIC_CHECKLIST,
    BANTScorer,
    Checklist,
    ChecklistItem,
    ChecklistScorer,
)
from leadkit.scoring.conditions import format_duration
from leadkit.scoring.engagement import EngagementScorer, Frequency, Signal
from leadkit.scoring.fit import DEFAULT_FIT_WEIGHTS, BestPersonaFitScorer, PersonaFitScorer
from leadkit.scoring.qualify import ScoringModel
from leadkit.scoring.rules import RuleScorer

__all__ = [
    "BUILTIN_SCORER_TYPES",
    "ENTRY_POINT_GROUP",
    "MODEL_VERSION",
    "default_model",
    "load_model",
    "model_from_data",
    "model_to_data",
    "register_scorer",
    "scorer_types",
]

MODEL_VERSION = 1
"""The version of the YAML model format this leadkit reads and writes."""

ENTRY_POINT_GROUP = "leadkit.scorers"
"""The entry-point group where installed packages register scorer types."""

T = TypeVar("T")
Where = _documents.Where
_fail = _documents.fail
_at = _documents.at
_keys = _documents.keys
_number = _documents.number
_text = _documents.text
_list = _documents.items
_duration = _documents.duration
_without_none = _documents.without_none


# --- the scorer types ---------------------------------------------------------------------------


@attrs.frozen
class _Type:
    """How one scorer type is read from and written to plain data."""

    cls: type
    build: Callable[[dict[str, Any], Where], Scorer]
    dump: Callable[[Any], dict[str, Any]]


def _build_rules(data: dict[str, Any], where: Where) -> Scorer:
    data = _keys(data, where, required=("rules",), optional=("name", "floor", "cap"))
    rules = _list(data["rules"], (*where, "rules"))
    with _at(where):
        return RuleScorer(**data | {"rules": rules})


def _dump_rules(scorer: RuleScorer) -> dict[str, Any]:
    rules = []
    for rule in scorer.rules:
        item: dict[str, Any] = {"name": rule.name, "when": rule.when.to_data(), "points": rule.points}
        if rule.reason != rule.when.describe():
            item["reason"] = rule.reason
        rules.append(item)
    return _without_none({"name": scorer.name, "floor": scorer.floor, "cap": scorer.cap, "rules": rules})


def _frequency(value: object, where: Where) -> Frequency:
    if value == "every":
        return Frequency.every()
    if value == "once":
        return Frequency.once()
    if not isinstance(value, Mapping):
        raise _fail(where, "every, once, or {at_most: N, within: <duration>}", value)
    data = _keys(value, where, required=("at_most",), optional=("within",))
    with _at(where):
        return Frequency.at_most(
            data["at_most"], within=_duration(data.get("within"), (*where, "within"), optional=True)
        )


def _dump_frequency(frequency: Frequency) -> Any:
    if frequency.limit is None:
        return "every"
    if frequency.limit == 1 and frequency.window is None:
        return "once"
    data: dict[str, Any] = {"at_most": frequency.limit}
    if frequency.window is not None:
        data["within"] = format_duration(frequency.window)
    return data


def _signal(value: object, where: Where) -> Signal:
    data = _keys(value, where, required=("points",), optional=("half_life", "frequency"))
    half_life = _duration(data.get("half_life"), (*where, "half_life"), optional=True)
    frequency = _frequency(data.get("frequency", "every"), (*where, "frequency"))
    with _at(where):
        return Signal(data["points"], half_life, frequency)


def _build_engagement(data: dict[str, Any], where: Where) -> Scorer:
    data = _keys(data, where, optional=("name", "half_life", "floor", "cap", "signals"))
    if "half_life" in data:
        data["half_life"] = _duration(data["half_life"], (*where, "half_life"))
    if "signals" in data:
        signals = data["signals"]
        if not isinstance(signals, Mapping) or not all(isinstance(k, str) and k.strip() for k in signals):
            raise _fail((*where, "signals"), "a mapping of interaction kind to signal", signals)
        data["signals"] = {kind: _signal(s, (*where, "signals", kind)) for kind, s in signals.items()}
    with _at(where):
        return EngagementScorer(**data)


def _dump_engagement(scorer: EngagementScorer) -> dict[str, Any]:
    signals = {}
    for kind, signal in scorer.signals.items():
        item: dict[str, Any] = {"points": signal.points}
        if signal.half_life is not None:
            item["half_life"] = format_duration(signal.half_life)
        item["frequency"] = _dump_frequency(signal.frequency)
        signals[kind] = item
    data: dict[str, Any] = {"name": scorer.name, "half_life": format_duration(scorer.half_life)}
    data["floor"] = scorer.floor  # written even when null: no floor (the default is 0)
    if scorer.cap is not None:
        data["cap"] = scorer.cap
    data["signals"] = signals
    return data


_NAMED_CHECKLISTS = {c.name: c for c in (BANT_CHECKLIST, CHAMP_CHECKLIST, MEDDIC_CHECKLIST)}


def read_checklist(value: object, where: Where) -> Checklist:
    """A checklist from YAML: a built-in name (BANT, CHAMP, MEDDIC) or a mapping (shared with pipeline guards)."""
    if isinstance(value, str):
        if value.upper() in _NAMED_CHECKLISTS:
            return _NAMED_CHECKLISTS[value.upper()]
        raise _fail(where, "BANT, CHAMP, MEDDIC or a checklist mapping", value, reason="unknown checklist")
    data = _keys(value, where, required=("name", "items"), optional=("min_met", "partial_credit"))
    items = []
    for i, item in enumerate(_list(data["items"], (*where, "items"))):
        fields = _keys(item, (*where, "items", i), required=("name", "source"), optional=("weight", "required"))
        with _at((*where, "items", i)):
            items.append(ChecklistItem(**fields))
    with _at(where):
        return Checklist(**data | {"items": items})


def dump_checklist(checklist: Checklist) -> Any:
    """A checklist's YAML form: its name when built in, else a mapping."""
    if _NAMED_CHECKLISTS.get(checklist.name) == checklist:
        return checklist.name
    items = [{"name": i.name, "source": i.source, "weight": i.weight, "required": i.required} for i in checklist.items]
    return {
        "name": checklist.name,
        "items": items,
        "min_met": checklist.min_met,
        "partial_credit": checklist.partial_credit,
    }


def _build_checklist(data: dict[str, Any], where: Where, *, bant: bool = False) -> Scorer:
    data = _keys(
        data, where, required=() if bant else ("checklist",), optional=("name", *(("checklist",) if bant else ()))
    )
    if "checklist" in data:
        data["checklist"] = read_checklist(data["checklist"], (*where, "checklist"))
    with _at(where):
        return BANTScorer(**data) if bant else ChecklistScorer(**data)


def _dump_checklist_scorer(scorer: ChecklistScorer) -> dict[str, Any]:
    return {"name": scorer.name, "checklist": dump_checklist(scorer.checklist)}


def _persona(value: object, where: Where) -> Persona:
    with _at(where):
        return Persona.from_dict(value)


def _weights(data: dict[str, Any], where: Where) -> None:
    if "weights" in data:
        _keys(data["weights"], (*where, "weights"), optional=tuple(DEFAULT_FIT_WEIGHTS))


def _build_persona_fit(data: dict[str, Any], where: Where) -> Scorer:
    data = _keys(data, where, required=("persona",), optional=("name", "weights"))
    _weights(data, where)
    data["persona"] = _persona(data["persona"], (*where, "persona"))
    with _at(where):
        return PersonaFitScorer(**data)


def _build_best_persona_fit(data: dict[str, Any], where: Where) -> Scorer:
    data = _keys(data, where, required=("personas",), optional=("name", "weights"))
    _weights(data, where)
    personas = _list(data["personas"], (*where, "personas"))
    data["personas"] = tuple(_persona(p, (*where, "personas", i)) for i, p in enumerate(personas))
    with _at(where):
        return BestPersonaFitScorer(**data)


def _dump_persona_fit(scorer: PersonaFitScorer | BestPersonaFitScorer) -> dict[str, Any]:
    data: dict[str, Any] = {"name": scorer.name}
    if scorer.weights != DEFAULT_FIT_WEIGHTS:
        data["weights"] = dict(scorer.weights)
    if isinstance(scorer, PersonaFitScorer):
        data["persona"] = scorer.persona.to_dict()
    else:
        data["personas"] = [p.to_dict() for p in scorer.personas]
    return data


_BUILTINS: Mapping[str, _Type] = {
    "rules": _Type(RuleScorer, _build_rules, _dump_rules),
    "engagement": _Type(EngagementScorer, _build_engagement, _dump_engagement),
    "checklist": _Type(ChecklistScorer, _build_checklist, _dump_checklist_scorer),
    "bant": _Type(BANTScorer, lambda d, w: _build_checklist(d, w, bant=True), _dump_checklist_scorer),
    "persona_fit": _Type(PersonaFitScorer, _build_persona_fit, _dump_persona_fit),
    "best_persona_fit": _Type(BestPersonaFitScorer, _build_best_persona_fit, _dump_persona_fit),
}

BUILTIN_SCORER_TYPES: Mapping[str, type] = {name: spec.cls for name, spec in _BUILTINS.items()}
"""The scorer types every model can name, and their classes."""

_REGISTRY: _documents.Registry[type] = _documents.Registry("scorer type", ENTRY_POINT_GROUP, lambda: tuple(_BUILTINS))
_registered = _REGISTRY.registered


def register_scorer(type_name: str) -> Callable[[type[T]], type[T]]:
    """A class decorator making a scorer class available to YAML models as ``type: <type_name>``.

    The class is built from the entry's other keys (all but ``type``,
    ``weight`` and ``side``): by its ``from_config(config)`` classmethod when
    it has one, else by calling it with them as keyword arguments. A model is
    written back with its ``to_config()`` method when it has one, else from
    its attrs fields.

    Examples:
        >>> import attrs
        >>> from leadkit import Contribution, Score
        >>> @register_scorer("has_phone")
        ... @attrs.frozen
        ... class HasPhone:
        ...     points: float = 10.0
        ...     name: str = "phone"
        ...
        ...     def score(self, lead, *, as_of):
        ...         given = lead.contact.phone is not None
        ...         return Score(self.name, [Contribution("phone", self.points if given else 0.0, "phone.given", "")])
        >>> "has_phone" in scorer_types()
        True

    Raises:
        ConfigError: if the name is taken by a built-in or another class.
    """
    if not isinstance(type_name, str) or not type_name.strip():
        raise _fail(("type",), "a non-empty type name", type_name)

    def register(cls: type[T]) -> type[T]:
        _REGISTRY.register(type_name, cls, lambda c: c is _BUILTINS[type_name].cls)
        return cls

    return register


def scorer_types() -> tuple[str, ...]:
    """Every scorer type a model can name: built-in, registered, and installed (entry points), sorted."""
    return _REGISTRY.names()


def _class_of(type_name: str, where: Where) -> type:
    cls = _REGISTRY.load(type_name, where)
    if not isinstance(cls, type):
        raise _fail(where, f"a class registered under {ENTRY_POINT_GROUP}", cls, reason="not a class")
    return cls


def _build_custom(cls: type, config: dict[str, Any], where: Where) -> Scorer:
    from_config = getattr(cls, "from_config", None)
    if not callable(from_config):
        try:
            inspect.signature(cls).bind(**config)
        except TypeError:
            params = [p for p in inspect.signature(cls).parameters if not p.startswith("_")]
            unknown = next((k for k in config if k not in params), None)
            reason = f"unknown key {unknown!r}" + suggest(unknown, params) if unknown else "missing or extra keys"
            at = (*where, unknown) if unknown else where
            raise _fail(at, "the keys " + ", ".join(params), reason=reason) from None
    with _at(where):
        try:
            scorer = from_config(config) if callable(from_config) else cls(**config)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, (ValidationError, ConfigError)):
                raise
            # The plugin's own complaint about its configuration, reported where it happened.
            raise _fail((), f"a valid configuration for {cls.__name__}", reason=f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(scorer, Scorer):
        raise _fail(where, "a scorer (an object with a name and a score method)", scorer)
    return scorer


def _custom_config(scorer: Any) -> dict[str, Any]:
    to_config = getattr(scorer, "to_config", None)
    if callable(to_config):
        data = to_config()
        return dict(data)
    if attrs.has(type(scorer)):
        return {f.alias or f.name: thaw(getattr(scorer, f.name)) for f in attrs.fields(type(scorer)) if f.init}
    raise _fail(
        ("scorers",),
        "a scorer with a to_config() method or an attrs class",
        scorer,
        reason=f"cannot write {type(scorer).__name__} to YAML",
    )


# --- the model ----------------------------------------------------------------------------------

_MODEL_KEYS = ("version", "name", "description", "scorers", "grades", "bands", "temperature", "mql", "sales_ready")
_ENTRY_KEYS = ("type", "weight", "side")


def _scorer(entry: object, where: Where) -> tuple[Scorer, float | None, str | None]:
    if not isinstance(entry, Mapping):
        raise _fail(where, "a scorer: a mapping with a 'type' key", entry)
    if "type" not in entry:
        raise _fail(
            (*where, "type"), "a 'type' key naming the scorer type: " + ", ".join(scorer_types()), reason="missing key"
        )
    type_name = _text(entry["type"], (*where, "type"))
    config = {k: v for k, v in entry.items() if k not in _ENTRY_KEYS}
    weight = _number(entry["weight"], (*where, "weight")) if "weight" in entry else None
    side = entry.get("side")
    if side is not None and side not in ("fit", "engagement"):
        raise _fail((*where, "side"), "fit or engagement (or no side)", side)
    builtin = _BUILTINS.get(type_name)
    if builtin is not None:
        scorer = builtin.build(config, where)
    else:
        scorer = _build_custom(_class_of(type_name, (*where, "type")), config, where)
    return scorer, weight, side


def _thresholds(value: object, where: Where, names: Sequence[Any]) -> tuple[float, ...]:
    allowed = [str(n) for n in names]
    if isinstance(value, Mapping):
        value = {str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v for k, v in value.items()}
    data = _keys(value, where, required=allowed)
    return tuple(_number(data[n], (*where, n)) for n in allowed)


def model_from_data(data: object) -> ScoringModel:
    """Build a `ScoringModel` from its plain-data form (a parsed YAML or JSON document).

    Raises:
        ConfigError: naming the path of every problem found.
    """
    _documents.encodable(data)
    doc = _keys(data, (), required=("version", "scorers"), optional=_MODEL_KEYS)
    version = doc["version"]
    if version != MODEL_VERSION or isinstance(version, bool):
        raise _fail(("version",), f"version {MODEL_VERSION} (the model format this leadkit reads)", version)
    entries = _list(doc["scorers"], ("scorers",))
    if not entries:
        raise _fail(("scorers",), "at least one scorer", entries)
    scorers, weights, fit, engagement = [], {}, [], []
    for i, entry in enumerate(entries):
        scorer, weight, side = _scorer(entry, ("scorers", i))
        scorers.append(scorer)
        if weight is not None:
            weights[scorer.name] = weight
        if side == "fit":
            fit.append(scorer.name)
        elif side == "engagement":
            engagement.append(scorer.name)
    kwargs: dict[str, Any] = {"scorers": scorers, "weights": weights, "fit": fit, "engagement": engagement}
    kwargs |= _policy(doc)
    with _at(()):
        return ScoringModel(**kwargs)


def _policy(doc: dict[str, Any]) -> dict[str, Any]:
    """The model's keyword arguments from its optional sections (name, grades, MQL …)."""
    kwargs: dict[str, Any] = {}
    for key in ("name", "description"):
        if key in doc:
            kwargs[key] = doc[key]
    if "grades" in doc:
        kwargs["grades"] = _thresholds(doc["grades"], ("grades",), ("A", "B", "C"))
    if "bands" in doc:
        kwargs["bands"] = _thresholds(doc["bands"], ("bands",), (1, 2, 3))
    if "temperature" in doc:
        kwargs["temperature"] = _thresholds(doc["temperature"], ("temperature",), ("hot", "warm"))
    if "mql" in doc:
        mql = _keys(doc["mql"], ("mql",), optional=("total", "grades"))
        if "total" in mql:
            kwargs["mql_total"] = _number(mql["total"], ("mql", "total"))
        if "grades" in mql:
            kwargs["mql_grades"] = _list(mql["grades"], ("mql", "grades"))
    if "sales_ready" in doc:
        ready = _keys(doc["sales_ready"], ("sales_ready",), optional=("kinds", "within"))
        if "kinds" in ready:
            kwargs["hand_raisers"] = _list(ready["kinds"], ("sales_ready", "kinds"))
        if "within" in ready:
            kwargs["hand_raiser_window"] = _duration(ready["within"], ("sales_ready", "within"), optional=True)
    return kwargs


def model_to_data(model: ScoringModel) -> dict[str, Any]:
    """The plain-data form of ``model``; `model_from_data` reads it back equal.

    Raises:
        ConfigError: if a scorer's class is not registered (see `register_scorer`).
    """
    entries = []
    for i, scorer in enumerate(model.scorers):
        entry: dict[str, Any] = {"type": _type_name(scorer, i)}
        builtin = _BUILTINS.get(entry["type"])
        entry |= builtin.dump(scorer) if builtin is not None else _custom_config(scorer)
        if scorer.name in model.weights:
            entry["weight"] = model.weights[scorer.name]
        if scorer.name in model.fit:
            entry["side"] = "fit"
        elif scorer.name in model.engagement:
            entry["side"] = "engagement"
        entries.append(entry)
    data: dict[str, Any] = {"version": MODEL_VERSION, "name": model.name}
    if model.description is not None:
        data["description"] = model.description
    data["scorers"] = entries
    data["grades"] = dict(zip("ABC", model.grades, strict=True))
    data["bands"] = dict(zip((1, 2, 3), model.bands, strict=True))
    data["temperature"] = dict(zip(("hot", "warm"), model.temperature, strict=True))
    data["mql"] = {"total": model.mql_total, "grades": list(model.mql_grades)}
    window = model.hand_raiser_window
    data["sales_ready"] = {
        "kinds": list(model.hand_raisers),
        "within": format_duration(window) if window is not None else None,
    }
    return data


def _type_name(scorer: Scorer, index: int) -> str:
    for name, spec in _BUILTINS.items():
        if type(scorer) is spec.cls:
            return name
    found = _REGISTRY.name_of(lambda cls: cls is type(scorer))
    if found is not None:
        return found
    raise _fail(
        ("scorers", index),
        f"a scorer class registered with register_scorer or under the {ENTRY_POINT_GROUP} entry points",
        scorer,
        reason=f"cannot write {type(scorer).__name__} to YAML",
    )


def model_from_yaml(text: str | bytes) -> ScoringModel:
    """Read a model from YAML text; every problem carries its line."""
    return _documents.from_yaml(text, model_from_data)


def model_to_yaml(model: ScoringModel) -> str:
    """The model as YAML text, headed by its version."""
    from leadkit import _yaml

    return _yaml.dump(model_to_data(model))


def load_model(path: str | os.PathLike[str]) -> ScoringModel:
    """Read a scoring model from a YAML file.

    Examples:
        >>> from leadkit.scoring.config import default_model_path
        >>> load_model(default_model_path()).name
        'default'

    Raises:
        ConfigError: if the file cannot be read or does not describe a valid
            model; each problem names its path and line.
    """
    text = _documents.read_bytes(path)
    return model_from_yaml(text)


def default_model_path() -> Path:
    """The path of the default model shipped with leadkit, to read or copy."""
    return Path(__file__).resolve().parent / "default_model.yaml"


def default_model() -> ScoringModel:
    """The default scoring model shipped with leadkit (made for the bundled sample leads)."""
    return load_model(default_model_path())
