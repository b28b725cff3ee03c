"""The one cattrs converter behind every ``to_dict``/``from_dict``.

Leaf values pass through the structure hooks untouched: the attrs
converters and validators of the model normalise and check them, so a value
is judged the same way whether it came from Python or from a document.
cattrs walks the classes, refuses unknown keys, and its exception groups are
turned into `leadkit.errors.Problem` records with field paths.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn

from leadkit import _yaml
from leadkit._frozen import FrozenMap, thaw
from leadkit.errors import PathPart, Problem, ValidationError, describe
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

T = TypeVar("T")

_DATETIME_EXPECTED = "an ISO 8601 datetime with offset, such as 2024-05-01T09:30:00+00:00"


def _structure_datetime(value: Any, _: type) -> Any:
    if not isinstance(value, str):
        return value  # the model's validator reports wrong types
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat has no "Z"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError.at((), _DATETIME_EXPECTED, value) from None
    if parsed.tzinfo is None:  # report the text as written, not the parsed object
        raise ValidationError.at((), _DATETIME_EXPECTED, value, reason="no UTC offset")
    return parsed


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _passthrough(value: Any, _: type) -> Any:
    return value


def _attrs_hook_factory(converter: cattrs.Converter) -> Callable[[type], Callable[[Any, type], Any]]:
    def factory(cls: type) -> Callable[[Any, type], Any]:
        inner: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, converter)

        def structure(value: Any, kind: type) -> Any:
            if isinstance(value, cls):
                return value
            if cls is Criterion and isinstance(value, str):
                return value  # shorthand ``budget: yes``: BANT's converter handles it
            if not isinstance(value, Mapping):
                raise ValidationError.at((), f"a mapping with the fields of {cls.__name__}", value)
            return inner(value, kind)

        return structure

    return factory


def _is_homogeneous_tuple(kind: Any) -> bool:
    args: tuple[Any, ...] = getattr(kind, "__args__", ())
    return getattr(kind, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook_factory(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        item_type = kind.__args__[0]
        item_hook = converter.get_structure_hook(item_type)

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                raise ValidationError.at((), "a list", value)
            problems: list[Problem] = []
            items = []
            for i, item in enumerate(value):
                try:
                    items.append(item_hook(item, item_type))
                except Exception as exc:  # noqa: BLE001 - translated into problems, nothing is lost
                    problems.extend(_problems(exc, (i,)))
            if problems:
                raise ValidationError(problems)
            return tuple(items)

        return structure

    return factory


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True, omit_if_default=True)
    for leaf in (str, int, float, bool):
        converter.register_structure_hook(leaf, _passthrough)
    converter.register_structure_hook_func(lambda kind: kind is Any, _passthrough)  # Any is no class on 3.10
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook_func(
        lambda kind: getattr(kind, "__origin__", None) is Mapping or kind is Mapping, _passthrough
    )
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory(converter))
    converter.register_structure_hook_factory(attrs.has, _attrs_hook_factory(converter))

    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_unstructure_hook(FrozenMap, thaw)
    for text_enum in (CriterionStatus, InteractionKind):  # str mixins: dispatch would pick str first
        converter.register_unstructure_hook(text_enum, _enum_value)
    converter.register_unstructure_hook_func(
        _is_homogeneous_tuple, lambda items: [converter.unstructure(i) for i in items]
    )
    converter.register_unstructure_hook_func(
        lambda kind: kind is tuple, lambda items: [converter.unstructure(i) for i in items]
    )
    return converter


for _cls in (BANT, Company, Contact, Criterion, Interaction, Lead, Persona, StageChange):
    attrs.resolve_types(_cls)  # the model uses postponed annotations

_converter = _make_converter()


def _problems(exc: BaseException, path: tuple[PathPart, ...]) -> list[Problem]:
    """Flatten a (possibly nested) structuring failure into located problems."""
    if isinstance(exc, ValidationError):
        return [p.within(*path) for p in exc.problems]
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        with_notes, without = exc.group_exceptions()
        found: list[Problem] = []
        for inner, note in with_notes:
            step: PathPart = note.name if isinstance(note, AttributeValidationNote) else note.index
            found += _problems(inner, (*path, step))
        for inner in without:
            found += _problems(inner, path)
        return found
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(_field_names(exc.cl))
        hint = _LENIENT_HINTS.get(exc.cl, "")
        return [
            Problem((*path, key), f"one of the fields of {exc.cl.__name__}: {allowed}{hint}", reason="unknown field")
            for key in sorted(exc.extra_fields, key=repr)  # keys of any type (YAML's 1, null, true) sort by repr
        ]
    if isinstance(exc, KeyError):
        return [Problem(path, "a value", reason="required field missing")]
    # Defensive: nothing else is expected from the hooks, but a user must still
    # get a located ValidationError rather than a library internal.
    return [Problem(path, "a valid value", describe(exc), reason=type(exc).__name__)]


# --------------------------------------------------------------------------- lenient mode

_LENIENT_HINTS = {
    Lead: " (or load with strict=False to keep it in attributes)",
    Interaction: " (or load with strict=False to keep it in properties)",
    Contact: " (or load the lead with strict=False to keep it in its attributes)",
    Company: " (or load the lead with strict=False to keep it in its attributes)",
    BANT: " (or load the lead with strict=False to keep it in its attributes)",
}

_NESTED_INTO_ATTRIBUTES = {"contact": Contact, "company": Company, "bant": BANT}


def _field_names(cls: type) -> tuple[str, ...]:
    """The fields a document may hold, in declaration order (computed ones excluded)."""
    return tuple(a.name for a in attrs.fields(cls) if a.init)


def _bag(document: Mapping[str, Any], name: str, path: tuple[PathPart, ...]) -> dict[str, Any]:
    """A copy of the mapping where lenient mode keeps unknown keys; it must be a mapping."""
    current = document.get(name)
    if current is None:
        return {}
    if not isinstance(current, Mapping):
        raise ValidationError.at((*path, name), "a mapping of text keys to JSON values", current)
    return dict(current)


def _keep(bag: dict[str, Any], key: str, value: Any, path: tuple[PathPart, ...]) -> None:
    if key in bag:
        raise ValidationError.at(path, f"no existing custom field {key!r} (lenient mode would overwrite it)", value)
    bag[key] = value


def _lenient_interaction(data: Any, path: tuple[PathPart, ...] = ()) -> Any:
    if not isinstance(data, Mapping):
        return data
    known = _field_names(Interaction)
    out = {k: v for k, v in data.items() if k in known}
    extra = {k: v for k, v in data.items() if k not in known}
    if extra:
        props = _bag(out, "properties", path)
        for key, value in extra.items():
            _keep(props, str(key), value, (*path, key))
        out["properties"] = props
    return out


def _lenient_lead(data: Any) -> Any:
    if not isinstance(data, Mapping):
        return data
    known = _field_names(Lead)
    out = {k: v for k, v in data.items() if k in known}
    bag = _bag(out, "attributes", ())
    for key, value in data.items():
        if key not in known:
            _keep(bag, str(key), value, (key,))
    for name, cls in _NESTED_INTO_ATTRIBUTES.items():
        nested = out.get(name)
        if isinstance(nested, Mapping):
            fields = _field_names(cls)
            out[name] = {k: v for k, v in nested.items() if k in fields}
            for key, value in nested.items():
                if key not in fields:
                    _keep(bag, f"{name}.{key}", value, (name, key))
    interactions = out.get("interactions")
    if isinstance(interactions, list):
        out["interactions"] = [_lenient_interaction(item, ("interactions", i)) for i, item in enumerate(interactions)]
    if bag:
        out["attributes"] = bag
    return out


_LENIENT: dict[type, Callable[[Any], Any]] = {Lead: _lenient_lead, Interaction: _lenient_interaction}


# --------------------------------------------------------------------------- public helpers


def to_data(obj: Any) -> Any:
    """Any model object, or a tuple or mapping of them, as plain JSON data."""
    return _converter.unstructure(obj)


def to_dict(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = to_data(obj)
    return data


def from_dict(cls: type[T], data: Any, *, strict: bool = True) -> T:
    try:
        if not strict and cls in _LENIENT:
            data = _LENIENT[cls](data)
        return _converter.structure(data, cls)
    except ValidationError as exc:
        raise ValidationError(exc.problems) from None
    except (ClassValidationError, IterableValidationError) as exc:
        raise ValidationError(_problems(exc, ())) from None


def to_json(obj: Any, *, indent: int | None = None) -> str:
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False, allow_nan=False)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValidationError.at((key,), "each key once per object", reason="duplicate key")
        out[key] = value
    return out


def parse_json(text: str | bytes) -> Any:
    """Parse JSON, refusing duplicate keys and reporting syntax errors with a line."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ValidationError.at(
            (), "a valid JSON document", reason=f"invalid JSON: {exc.msg}", line=exc.lineno
        ) from None
    except RecursionError:
        raise ValidationError.at((), "a JSON document nested less deeply", reason="nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ValidationError.at((), "UTF-8 text", reason=f"undecodable bytes: {exc.reason}") from None
    except ValidationError:
        raise  # from the duplicate-key hook: a ValueError too, but already located
    except ValueError:  # an integer with more digits than Python converts to a number
        limit = sys.get_int_max_str_digits()
        raise ValidationError.at(
            (), f"a JSON document whose integers have at most {limit} digits", reason="number too long"
        ) from None


def from_json(cls: type[T], text: str | bytes, *, strict: bool = True) -> T:
    return from_dict(cls, parse_json(text), strict=strict)


def to_yaml(obj: Any) -> str:
    return _yaml.dump(to_dict(obj))


def from_yaml(cls: type[T], text: str | bytes, *, strict: bool = True) -> T:
    document = _yaml.load(text)
    try:
        return from_dict(cls, document.data, strict=strict)
    except ValidationError as exc:
        raise document.locate(exc) from None
