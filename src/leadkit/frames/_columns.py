"""Which of a frame's columns hold which leadkit fields, checked against the frame's schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from leadkit.errors import ConfigError, Problem, ValidationError, describe, suggest
from leadkit.frames._plan import Category
from leadkit.mapping import ColumnMapping
from leadkit.model import LEAD_FIELD_PATHS

__all__ = ["Columns", "category_of", "resolve"]

NEED_NOTE = "bant.need.note"
"""The column of the BANT need's note (free text persona pain points search); named so, never mapped."""
_NUMBER_FIELDS = ("company.employees", "company.annual_revenue")
_SKIPPED = ("created_at", "status")  # not read by any scorer
_INTERACTION_FIELDS = ("lead_id", "kind", "at", "channel", "value")


@attrs.frozen
class Columns:
    """Field path -> column name, for the leads and the interactions tables."""

    id: str
    """The leads' id column."""
    fields: Mapping[str, str]
    """Lead field path -> column (``id`` and unread fields aside)."""
    defaults: Mapping[str, Any]
    """Lead field path -> a constant, for fields no column gives."""
    interactions: Mapping[str, str]
    """Interaction field (``lead_id``, ``kind``, ``at``, ``channel``, ``properties.<key>``) -> column."""
    timezone: str | None = None
    """The zone of timestamps written without one."""


def category_of(dtype: Any) -> Category | None:
    """How values of a narwhals dtype compare, or None for a dtype scoring cannot read."""
    import narwhals.stable.v2 as nw

    if isinstance(dtype, (nw.String, nw.Categorical, nw.Enum, nw.Object)):
        return "text"
    if isinstance(dtype, nw.Boolean):
        return "bool"
    if dtype.is_numeric():
        return "number"
    return None


def _unknown(column: str, table: str, available: list[str]) -> Problem:
    return Problem(
        (table, column),
        "a column of the " + table + " frame",
        describe(column),
        reason="no such column" + suggest(column, available),
    )


def resolve(  # noqa: PLR0912 - one branch per section of a mapping
    mapping: ColumnMapping | None, lead_columns: list[str], interaction_columns: list[str] | None
) -> Columns:
    """The columns to read; every problem at once, as a `ValidationError` naming the columns."""
    if mapping is None:
        return _by_name(lead_columns, interaction_columns)
    problems: list[Problem] = []
    fields: dict[str, str] = {}
    id_column: str | None = None
    for column, spec in mapping.leads.items():
        if column not in lead_columns:
            problems.append(_unknown(column, "leads", lead_columns))
        elif spec.field == "id":
            id_column = column
        elif spec.field not in _SKIPPED:
            fields[spec.field] = column
    named = set(mapping.leads) | set(mapping.ignore)
    rest = [c for c in lead_columns if c not in named]
    if mapping.rest == "attributes":
        fields.update({f"attributes.{c}": c for c in rest})
    elif mapping.rest == "error" and rest:
        problems.append(
            Problem(
                ("leads",),
                "only columns the mapping names (or rest: attributes | ignore)",
                ", ".join(map(repr, rest)),
                reason="columns the mapping does not name",
            )
        )
    if id_column is None:
        problems.append(Problem(("leads", "id"), "a column mapped to id (row_ids is for CSV files)", reason="no id"))
    interactions: dict[str, str] = {}
    if interaction_columns is not None:
        if mapping.interactions is None:
            problems.append(
                Problem(("interactions",), "an interactions section in the mapping", reason="no columns mapped")
            )
        else:
            for column, spec in mapping.interactions.items():
                if column not in interaction_columns:
                    problems.append(_unknown(column, "interactions", interaction_columns))
                elif spec.field != "value":
                    interactions[spec.field] = column
    if problems:
        raise ValidationError(problems)
    assert id_column is not None
    defaults = {k: v for k, v in mapping.defaults.items() if k not in _SKIPPED and k not in fields}
    return Columns(id_column, fields, defaults, interactions, mapping.timezone)


def _by_name(lead_columns: list[str], interaction_columns: list[str] | None) -> Columns:
    problems: list[Problem] = []
    if "id" not in lead_columns:
        problems.append(_unknown("id", "leads", lead_columns))
    fields = {
        c: c
        for c in lead_columns
        if c != "id" and c not in _SKIPPED and (c in LEAD_FIELD_PATHS or c == NEED_NOTE or c.startswith("attributes."))
    }
    interactions: dict[str, str] = {}
    if interaction_columns is not None:
        problems += [
            _unknown(required, "interactions", interaction_columns)
            for required in ("lead_id", "kind", "at")
            if required not in interaction_columns
        ]
        interactions = {
            c: c for c in interaction_columns if c in _INTERACTION_FIELDS[:4] or c.startswith("properties.")
        }
    if problems:
        raise ValidationError(problems)
    return Columns("id", fields, {}, interactions)


def as_mapping(value: object) -> ColumnMapping | None:
    """A `ColumnMapping` from one, from its plain-data form, or from a YAML file's path."""
    import os

    from leadkit.mapping import load_mapping

    if value is None or isinstance(value, ColumnMapping):
        return value
    if isinstance(value, Mapping):
        return ColumnMapping.from_dict(value)
    if isinstance(value, (str, os.PathLike)):
        return load_mapping(value)
    raise ConfigError.at(
        ("mapping",), "a ColumnMapping, a mapping of column -> field path, or a YAML file's path", value
    )


def expected_category(path: str) -> Category | None:
    """The category a built-in field's column must have (None: attributes take any)."""
    if path in _NUMBER_FIELDS:
        return "number"
    if path.startswith("attributes."):
        return None
    return "text"
