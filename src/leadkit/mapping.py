"""Column mappings and a CSV reader: leads from your own spreadsheet exports.

A `ColumnMapping` says which of your CSV columns holds which leadkit field
(``column -> field path``, such as ``Email -> contact.email``), how each
value is read, and what to do with the columns it does not name. `read_csv`
reads a leads file with it, optionally with a long table of interactions and
one of stage changes, and returns a `LeadBatch` whose problems are located
like those of `read_leads`.

The YAML form (``version: 1``; every section but ``leads`` is optional)::

    version: 1
    timezone: Europe/Lisbon        # for timestamps written without an offset
    delimiter: ";"                 # the files' cell separator (default: a comma)
    leads:
      columns:                     # column name -> field path, or {field: ..., type: ...}
        Lead ID: id
        Created: created_at
        Email: contact.email
        Age: {field: attributes.age, type: number}
      ignore: [Notes]              # columns deliberately not read
      rest: error                  # other columns: error (default) | attributes | ignore
      defaults:                    # constant values for fields no column gives
        source: telemarketing
      row_ids: false               # true: id "row-<n>" for the n-th data row (no id column)
    outcome:                       # won or lost, for fitting and evaluation
      column: y
      won: ["yes"]
      lost: ["no"]
    interactions:                  # a long table, one row per interaction
      columns: {Lead ID: lead_id, Type: kind, When: at, Channel: channel, Value: value}
    history:                       # a long table, one row per stage change
      columns: {Lead ID: lead_id, To: to_stage, When: at, From: from_stage, Why: reason}

Field paths:

* leads: ``id``, ``created_at``, ``source``, ``stage``, ``status``,
  ``contact.name|email|phone|title``,
  ``company.name|domain|industry|employees|annual_revenue|country``,
  ``bant.budget|authority|need|timeline`` (the criterion's status, such as
  ``yes``) and ``attributes.<key>`` (the key may hold dots: it is stored as
  written, flat);
* interactions: ``lead_id``, ``kind`` and ``at`` (all three required),
  ``channel``, ``value`` and ``properties.<key>``;
* history: ``lead_id``, ``to_stage`` and ``at`` (required), ``from_stage``,
  ``reason``, ``by`` and ``status``.

Each field has a type: ``created_at`` and ``at`` are timestamps,
``company.employees`` an integer, ``company.annual_revenue`` and ``value``
numbers, everything else text. ``attributes.<key>`` and ``properties.<key>``
are text unless the column declares ``type:`` (``text``, ``number``,
``integer``, ``boolean`` or ``timestamp``; timestamps are stored there as ISO
8601 text with their offset). How cells are read:

* every cell is stripped of surrounding spaces, and an empty cell is a
  missing value (the field is left out);
* numbers are strict: ``1234``, ``-0.5``, ``1e6``; no thousands separators,
  no ``nan`` or ``inf``; integers have no decimals;
* booleans are ``true``/``false``, ``yes``/``no`` or ``1``/``0``, in any case;
* timestamps are ISO 8601 (`datetime.fromisoformat`, and a trailing ``Z``); a
  timestamp without an offset, or a bare date (midnight), is in the mapping's
  ``timezone`` (around a daylight-saving change, a time that is skipped or
  repeated takes the offset in force before it), and a row problem when the
  mapping has none.

Every problem with the mapping itself is a `ConfigError` naming the path of
the bad key (and its line when read from YAML).
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any, Literal

import attrs

from leadkit import _checks as check
from leadkit import _documents
from leadkit._frozen import FrozenMap
from leadkit._io import Errors, LeadBatch
from leadkit.errors import ConfigError, PathPart, Problem, ValidationError, describe, describe_path, suggest
from leadkit.model import LEAD_FIELD_PATHS, Interaction, Lead, StageChange

__all__ = [
    "COLUMN_TYPES",
    "MAPPING_VERSION",
    "Column",
    "ColumnMapping",
    "ColumnType",
    "Outcome",
    "Rest",
    "load_mapping",
    "natural_type",
    "read_csv",
]

MAPPING_VERSION = 1
"""The version of the YAML column-mapping format this leadkit reads and writes."""

ColumnType = Literal["text", "number", "integer", "boolean", "timestamp"]
"""How a column's cells are read."""

Rest = Literal["error", "attributes", "ignore"]
"""What happens to the columns of a leads file that the mapping names nowhere."""

COLUMN_TYPES: tuple[ColumnType, ...] = ("text", "number", "integer", "boolean", "timestamp")
"""Every column type, in the order the docs list them."""

_RESTS: tuple[Rest, ...] = ("error", "attributes", "ignore")
_DOCUMENT_KEYS = ("version", "timezone", "delimiter", "leads", "outcome", "interactions", "history")
_LEADS_KEYS = ("columns", "ignore", "rest", "defaults", "row_ids")
_NATURAL: dict[str, ColumnType] = {
    "created_at": "timestamp",
    "company.employees": "integer",
    "company.annual_revenue": "number",
    "at": "timestamp",
    "value": "number",
}

Where = _documents.Where


def natural_type(field: str) -> ColumnType:
    """The type a field is read as when its column declares none."""
    return _NATURAL.get(field, "text")


# --------------------------------------------------------------------------- sections


@attrs.frozen
class _Section:
    """The fields one kind of table may map onto."""

    name: str  # also the root of its problems' paths: leads, interactions, history
    noun: str  # with its article
    fields: tuple[str, ...]
    required: tuple[str, ...] = ()
    flexible: str | None = None  # attributes / properties: <flexible>.<any key>

    def is_flexible(self, field: str) -> bool:
        return (
            self.flexible is not None and field.startswith(self.flexible + ".") and len(field) > len(self.flexible) + 1
        )

    def knows(self, field: str) -> bool:
        return field in self.fields or self.is_flexible(field)

    def parts(self, field: str) -> tuple[str, ...]:
        """The field as a path: ``contact.email`` -> (contact, email); ``attributes.a.b`` -> (attributes, a.b)."""
        if self.is_flexible(field):
            assert self.flexible is not None  # for mypy: is_flexible checked it
            return (self.flexible, field[len(self.flexible) + 1 :])
        return tuple(field.split("."))

    def declared_type(self, field: str) -> ColumnType | None:
        """The only type a column onto ``field`` may have, or ``None`` when any type will do."""
        return None if self.is_flexible(field) else natural_type(field)

    def unknown(self, where: Where, field: str) -> Problem:
        expected = f"{self.noun} field: " + ", ".join(self.fields)
        candidates = list(self.fields)
        if self.flexible is not None:
            expected += f", or {self.flexible}.<key>"
            head, dot, tail = field.partition(".")
            if dot and tail:
                candidates.append(f"{self.flexible}.{tail}")
            if head == self.flexible:
                return Problem(where, expected, describe(field), f"{self.flexible}.<key> needs a key")
        return Problem(where, expected, describe(field), f"unknown field {field!r}" + suggest(field, candidates))


_LEADS = _Section(
    "leads",
    "a lead",
    LEAD_FIELD_PATHS,
    flexible="attributes",
)
_INTERACTIONS = _Section(
    "interactions",
    "an interaction",
    ("lead_id", "kind", "at", "channel", "value"),
    required=("lead_id", "kind", "at"),
    flexible="properties",
)
_HISTORY = _Section(
    "history",
    "a stage change",
    ("lead_id", "from_stage", "to_stage", "at", "reason", "by", "status"),
    required=("lead_id", "to_stage", "at"),
)


# --------------------------------------------------------------------------- values

_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_EXPECTED: dict[ColumnType, str] = {
    "text": "text",
    "number": "a number like 1234.5 (no thousands separators, no nan or inf)",
    "integer": "a whole number like 1234 (no thousands separators or decimals)",
    "boolean": "true or false (or yes/no, 1/0)",
    "timestamp": "an ISO 8601 timestamp such as 2024-05-01T09:30:00+01:00, or a date such as 2024-05-01",
}
_NAIVE_EXPECTED = (
    "a timestamp with a UTC offset such as 2024-05-01T09:30:00+01:00, "
    "or a `timezone:` in the mapping for times written without one (e.g. timezone: UTC)"
)


def _bad(text: str, kind: ColumnType, reason: str | None = None) -> ValidationError:
    return ValidationError.at((), _EXPECTED[kind], text, reason=reason)


def _timestamp(text: str, zone: tzinfo | None) -> datetime:
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text  # Python 3.10 has no "Z"
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise _bad(text, "timestamp") from None
    if parsed.tzinfo is not None:
        return parsed
    if zone is None:
        raise ValidationError.at((), _NAIVE_EXPECTED, text, reason="no UTC offset, and the mapping has no timezone")
    return parsed.replace(tzinfo=zone)


def _number(text: str, kind: ColumnType) -> int | float:
    pattern = _INTEGER if kind == "integer" else _NUMBER
    if not pattern.match(text):
        reason = "thousands separators are not allowed" if "," in text else None
        raise _bad(text, kind, reason)
    try:
        value: int | float = int(text) if _INTEGER.match(text) else float(text)
    except ValueError:  # more digits than int() converts
        raise _bad(text, kind, "too many digits") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise _bad(text, kind, "too large")
    return value


def _value(text: str, kind: ColumnType, zone: tzinfo | None, *, flexible: bool) -> Any:
    """The value of a non-empty, stripped cell; a `ValidationError` at ``()`` when it cannot be read.

    Timestamps are `datetime` objects, except in ``attributes``/``properties``
    (``flexible``), which hold JSON values: there they are ISO 8601 text.
    """
    if kind == "text":
        return text
    if kind in ("number", "integer"):
        return _number(text, kind)
    if kind == "boolean":
        folded = text.lower()
        if folded in _TRUE or folded in _FALSE:
            return folded in _TRUE
        raise _bad(text, kind)
    moment = _timestamp(text, zone)
    return moment.isoformat() if flexible else moment


def _zone(name: str) -> tzinfo:
    """The time zone called ``name``; a `ConfigError` at ``timezone`` for an unknown one."""
    if name == "UTC":
        return timezone.utc  # needs no time zone database
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        hint = suggest(name, sorted(available_timezones()))
        raise _documents.fail(
            ("timezone",),
            "a time zone name such as Europe/Lisbon, America/New_York or UTC",
            name,
            reason=f"unknown time zone {name!r}" + hint,
        ) from None


def _zone_of(name: object) -> tzinfo | None:
    """The time zone of a mapping's ``timezone`` setting; a `ConfigError` at ``timezone`` for a bad one."""
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise _documents.fail(("timezone",), "a time zone name such as Europe/Lisbon", name)
    return _zone(name)


# --------------------------------------------------------------------------- the mapping


def _check_field(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError.at((attribute.name,), "a field path such as contact.email", value)


def _check_type(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or value not in COLUMN_TYPES:
        raise ConfigError.at((attribute.name,), "one of " + ", ".join(COLUMN_TYPES), value)


def _default_type(column: Column) -> ColumnType:
    return natural_type(column.field) if isinstance(column.field, str) else "text"


@attrs.frozen
class Column:
    """One mapped column: the field it fills and how its cells are read.

    The type defaults to the field's own (`natural_type`): ``timestamp`` for
    ``created_at`` and ``at``, ``integer`` for ``company.employees``,
    ``number`` for ``company.annual_revenue`` and ``value``, otherwise ``text``.

    Examples:
        >>> Column("created_at")
        Column(field='created_at', type='timestamp')
        >>> Column("attributes.age", "number").type
        'number'
    """

    field: str = attrs.field(validator=_check_field)
    """The field path the column fills, such as ``contact.email`` or ``attributes.segment``."""
    type: ColumnType = attrs.field(default=attrs.Factory(_default_type, takes_self=True), validator=_check_type)
    """How cells are read: one of `COLUMN_TYPES`."""


def _cell_values(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)):
        return tuple(v.strip() if isinstance(v, str) else v for v in value)
    return value


def _check_cell_values(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise ConfigError.at((attribute.name,), "a non-empty list of cell values (text)", value)
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ConfigError.at((attribute.name, i), "a cell value (non-empty text)", item)


def _check_lost(inst: Outcome, attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_cell_values(inst, attribute, value)
    both = [v for v in value if v in inst.won]
    if both:
        raise ConfigError.at(
            (attribute.name,), "values that are not also won values", both, reason="a value cannot mean won and lost"
        )


@attrs.frozen
class Outcome:
    """Which column of a leads file tells whether the lead was won, and how.

    A cell is compared with the values as written (case matters), after
    stripping surrounding spaces; any other value, or an empty cell, is a
    problem of the row.

    Examples:
        >>> Outcome("y", won=["yes"], lost=["no"])
        Outcome(column='y', won=('yes',), lost=('no',))
    """

    column: str = attrs.field(validator=_check_field)
    """The name of the column."""
    won: tuple[str, ...] = attrs.field(converter=_cell_values, validator=_check_cell_values)
    """The cell values that mean won."""
    lost: tuple[str, ...] = attrs.field(converter=_cell_values, validator=_check_lost)
    """The cell values that mean lost (none of them a won value)."""


def _columns(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenMap({k: Column(v) if isinstance(v, str) and v.strip() else v for k, v in value.items()})
    return value


def _defaults(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenMap({k: v.isoformat() if isinstance(v, datetime) else v for k, v in value.items()})
    return value


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen(kw_only=True)
class ColumnMapping:
    """How the columns of your CSV files map onto leadkit fields (column -> field path).

    Build it in Python, with `from_dict` from plain data (such as
    ``{"Email": "contact.email", ...}``), or from YAML with `from_yaml` and
    `load_mapping`; see the module documentation for the format. Checked when
    built: every field path exists, no field is given twice, types agree with
    the fields, leads get an id (a column or ``row_ids``) and a ``created_at``
    (a column or a default), the time zone exists. Every problem is a
    `ConfigError` located at its key in the document form (`to_dict`), such as
    ``leads.columns.Email``.

    Examples:
        >>> mapping = ColumnMapping.from_dict({"Lead ID": "id", "Created": "created_at", "E-mail": "contact.email"})
        >>> mapping.leads["E-mail"]
        Column(field='contact.email', type='text')
        >>> ColumnMapping.from_yaml(mapping.to_yaml()) == mapping
        True
    """

    leads: Mapping[str, Column] = attrs.field(converter=_columns)
    """Column name -> `Column` for the leads file (a field path text is short for its `Column`)."""
    ignore: tuple[str, ...] = attrs.field(default=(), converter=_as_tuple)
    """Columns of the leads file deliberately not read."""
    rest: Rest = "error"
    """The other columns of the leads file: ``error`` (refuse the file), ``attributes`` (keep each,
    as text, under ``attributes.<column name>``) or ``ignore``."""
    defaults: Mapping[str, Any] = attrs.field(factory=FrozenMap, converter=_defaults)
    """Field path -> a constant value for a field no column gives (``source``, ``created_at`` …).

    A value is written as a cell would be (text), or as a value of the field's type;
    ``attributes.<key>`` take any text, number or boolean as it is."""
    row_ids: bool = False
    """Without an id column: give each lead the id ``row-<n>``, n the 1-based data row."""
    timezone: str | None = None
    """A time zone name (``Europe/Lisbon``, ``UTC``) for timestamps written without an offset."""
    delimiter: str = ","
    """The character between cells in every file (``,`` by default; ``;`` and a tab are common)."""
    outcome: Outcome | None = None
    """The column that tells won from lost, if any."""
    interactions: Mapping[str, Column] | None = attrs.field(default=None, converter=_columns)
    """Column name -> `Column` for a file of interactions (one per row), if any."""
    history: Mapping[str, Column] | None = attrs.field(default=None, converter=_columns)
    """Column name -> `Column` for a file of stage changes (one per row), if any."""

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        zone = None
        try:
            zone = _zone_of(self.timezone)
        except ConfigError as exc:
            problems += exc.problems
        delimiter: Any = self.delimiter
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n' or delimiter.isalnum():
            expected = "one character that is not a letter, a digit, a quote or a line break, such as ';'"
            problems.append(Problem(("delimiter",), expected, describe(delimiter)))
        section_problems, given = _section_problems(self.leads, _LEADS)
        problems += section_problems
        problems += self._lead_problems(given)
        problems += _read_defaults(self.defaults, given, zone)[1]
        problems += self._outcome_problems()
        for section, columns in ((_INTERACTIONS, self.interactions), (_HISTORY, self.history)):
            if columns is not None:
                section_problems, given = _section_problems(columns, section)
                problems += section_problems + _required(section, given)
        if problems:
            raise ConfigError(problems)

    # --- validation -------------------------------------------------------------------------------

    def _lead_problems(self, given: Mapping[str, str]) -> list[Problem]:
        # Read as Any: the fields hold whatever they were given, and this is where it is checked.
        leads: Any = self.leads
        row_ids: Any = self.row_ids
        defaults: Any = self.defaults
        ignore: Any = self.ignore
        problems: list[Problem] = []
        if not isinstance(row_ids, bool):
            problems.append(Problem(("leads", "row_ids"), "true or false", describe(row_ids)))
        elif row_ids and "id" in given:
            reason = f"column {given['id']!r} gives the id"
            problems.append(Problem(("leads", "row_ids"), "false when a column gives the id", "True", reason))
        elif not row_ids and "id" not in given and isinstance(leads, Mapping):
            reason = "no column gives the lead id"
            problems.append(Problem(("leads", "columns"), "a column mapped to id, or row_ids: true", None, reason))
        has_default = isinstance(defaults, Mapping) and "created_at" in defaults
        if "created_at" not in given and isinstance(leads, Mapping) and not has_default:
            expected = "a column mapped to created_at, or created_at in leads.defaults"
            problems.append(Problem(("leads", "columns"), expected, None, "no column gives created_at"))
        if self.rest not in _RESTS:
            problems.append(Problem(("leads", "rest"), "one of " + ", ".join(_RESTS), describe(self.rest)))
        if not isinstance(ignore, tuple):
            problems.append(Problem(("leads", "ignore"), "a list of column names", describe(ignore)))
            return problems
        seen: set[str] = set()
        for i, name in enumerate(ignore):
            where = ("leads", "ignore", i)
            if not isinstance(name, str) or not name.strip():
                problems.append(Problem(where, "a column name (non-empty text)", describe(name)))
            elif isinstance(leads, Mapping) and name in leads:
                reason = f"column {name!r} is both mapped and ignored"
                problems.append(Problem(where, "a column leads.columns does not map", describe(name), reason))
            elif name in seen:
                problems.append(Problem(where, "each column once", describe(name), "listed twice"))
            else:
                seen.add(name)
        return problems

    def _outcome_problems(self) -> list[Problem]:
        outcome: Any = self.outcome
        if outcome is None:
            return []
        if not isinstance(outcome, Outcome):
            return [Problem(("outcome",), "an Outcome (column, won and lost values)", describe(outcome))]
        where = ("outcome", "column")
        if isinstance(self.leads, Mapping) and outcome.column in self.leads:
            reason = f"column {outcome.column!r} is mapped to a field too"
            return [Problem(where, "a column leads.columns does not map", describe(outcome.column), reason)]
        if isinstance(self.ignore, tuple) and outcome.column in self.ignore:
            reason = f"column {outcome.column!r} is also ignored"
            return [Problem(where, "a column leads.ignore does not list", describe(outcome.column), reason)]
        return []

    # --- plain data and YAML ------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any) -> ColumnMapping:
        """Build a mapping from its plain-data form (a parsed YAML or JSON document).

        Two forms are read:

        * the document form of the module documentation, recognised by its
          ``leads`` (or ``version``) key; ``version`` may be left out, and
          ``ColumnMapping.from_dict({"leads": {"columns": {...}}})`` is enough;
        * the flat form ``{column: field path}`` (handy in notebooks), short
          for ``{"leads": {"columns": {column: field path}}}``. Columns named
          ``leads`` or ``version`` need the document form.

        A column's value is a field path, or a mapping ``{field: ..., type: ...}``.

        Raises:
            ConfigError: naming the path of every problem found.
        """
        _documents.encodable(data)
        if isinstance(data, Mapping) and "leads" not in data and "version" not in data:
            try:
                return cls.from_dict({"leads": {"columns": data}})
            except ConfigError as exc:  # located in the flat document as written
                raise ConfigError(_flat(p) for p in exc.problems) from None
        doc = _documents.keys(data, (), required=("leads",), optional=_DOCUMENT_KEYS)
        version = doc.get("version", MAPPING_VERSION)
        if version != MAPPING_VERSION or isinstance(version, bool):
            raise _documents.fail(
                ("version",), f"version {MAPPING_VERSION} (the column-mapping format this leadkit reads)", version
            )
        leads = _documents.keys(doc["leads"], ("leads",), optional=_LEADS_KEYS)
        kwargs: dict[str, Any] = {k: leads[k] for k in ("ignore", "rest", "defaults", "row_ids") if k in leads}
        if "ignore" in kwargs:
            kwargs["ignore"] = _documents.items(kwargs["ignore"], ("leads", "ignore"))
        kwargs["leads"] = _columns_from_data(leads.get("columns", {}), ("leads", "columns"))
        for name in ("timezone", "delimiter"):
            if name in doc:
                kwargs[name] = doc[name]
        if "outcome" in doc:
            kwargs["outcome"] = _outcome_from_data(doc["outcome"])
        for name in ("interactions", "history"):
            if name in doc:
                section = _documents.keys(doc[name], (name,), required=("columns",))
                kwargs[name] = _columns_from_data(section["columns"], (name, "columns"))
        with _documents.at(()):
            return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The document form; `from_dict` reads it back equal. Settings at their default are left out."""
        leads: dict[str, Any] = {"columns": _columns_to_data(self.leads)}
        if self.ignore:
            leads["ignore"] = list(self.ignore)
        if self.rest != "error":
            leads["rest"] = self.rest
        if self.defaults:
            leads["defaults"] = dict(self.defaults)
        if self.row_ids:
            leads["row_ids"] = True
        data: dict[str, Any] = {"version": MAPPING_VERSION}
        if self.timezone is not None:
            data["timezone"] = self.timezone
        if self.delimiter != ",":
            data["delimiter"] = self.delimiter
        data["leads"] = leads
        if self.outcome is not None:
            data["outcome"] = {
                "column": self.outcome.column,
                "won": list(self.outcome.won),
                "lost": list(self.outcome.lost),
            }
        if self.interactions is not None:
            data["interactions"] = {"columns": _columns_to_data(self.interactions)}
        if self.history is not None:
            data["history"] = {"columns": _columns_to_data(self.history)}
        return data

    @classmethod
    def from_yaml(cls, text: str | bytes) -> ColumnMapping:
        """Read a mapping from YAML text (see `from_dict`); every problem carries its line."""
        return _documents.from_yaml(text, cls.from_dict)

    def to_yaml(self) -> str:
        """The mapping as YAML text, headed by its version; `from_yaml` reads it back equal."""
        from leadkit import _yaml

        return _yaml.dump(self.to_dict())


def _flat(problem: Problem) -> Problem:
    """A problem of the flat form located as written: ``leads.columns.X`` -> ``X``."""
    if problem.path[:2] == ("leads", "columns"):
        return attrs.evolve(problem, path=problem.path[2:])
    return problem


def _section_problems(columns: Any, section: _Section) -> tuple[list[Problem], dict[str, str]]:
    """The problems of a section's columns, and which column gives each field."""
    where: Where = (section.name, "columns")
    if not isinstance(columns, Mapping):
        return [Problem(where, "a mapping of column name to field path", describe(columns))], {}
    problems: list[Problem] = []
    given: dict[str, str] = {}
    for name, column in columns.items():
        here = (*where, name if isinstance(name, str) else describe(name))
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(here, "a column name (non-empty text)", describe(name)))
            continue
        if not isinstance(column, Column):
            problems.append(Problem(here, "a field path or a Column", describe(column)))
            continue
        field = column.field
        if not section.knows(field):
            problems.append(section.unknown(here, field))
            continue
        natural = section.declared_type(field)
        if natural is not None and column.type != natural:
            reason = f"{field} is read as {natural}"
            problems.append(Problem((*here, "type"), f"{natural} (or no type)", describe(column.type), reason))
        if field in given:
            reason = f"two columns onto one field: column {given[field]!r} gives {field} already"
            problems.append(Problem(here, "a field no other column gives", describe(field), reason))
        else:
            given[field] = name
    return problems, given


def _required(section: _Section, given: Mapping[str, str]) -> list[Problem]:
    return [
        Problem((section.name, "columns"), f"a column mapped to {field}", None, f"no column gives {field}")
        for field in section.required
        if field not in given
    ]


def _read_defaults(
    defaults: Any, given: Mapping[str, str], zone: tzinfo | None
) -> tuple[dict[str, Any], list[Problem]]:
    """The defaults as the leads get them, and the problems of those that do not fit their field."""
    if not isinstance(defaults, Mapping):
        return {}, [Problem(("leads", "defaults"), "a mapping of field path to value", describe(defaults))]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for field, value in defaults.items():
        where = ("leads", "defaults", field if isinstance(field, str) else describe(field))
        if not isinstance(field, str) or not _LEADS.knows(field):
            problems.append(_LEADS.unknown(where, field if isinstance(field, str) else describe(field)))
        elif field == "id":
            reason = "every lead would have the same id"
            problems.append(Problem(where, "a column mapped to id, or row_ids: true", None, reason))
        elif field in given:
            reason = f"column {given[field]!r} gives {field}"
            problems.append(Problem(where, "a field no column gives", describe(value), reason))
        else:
            try:
                values[field] = _default_value(field, value, zone)
            except ValidationError as exc:
                problems += [p.within(*where) for p in exc.problems]
    return values, problems


def _default_value(field: str, value: Any, zone: tzinfo | None) -> Any:
    """A default as the lead gets it; a `ValidationError` at ``()`` when it does not fit the field."""
    if _LEADS.is_flexible(field):
        ok = isinstance(value, (str, bool)) or check.is_finite_number(value)  # not an int too large for a float
        if not ok or (isinstance(value, str) and not value.strip()):
            raise ValidationError.at((), "text, a number or a boolean", value)
        return value
    kind = natural_type(field)
    if isinstance(value, str):
        if not value.strip():
            raise ValidationError.at((), "a non-empty value", value)
        return _value(value.strip(), kind, zone, flexible=False)
    if kind == "integer" and isinstance(value, int) and check.is_finite_number(value):
        return value
    if kind == "number" and check.is_finite_number(value):  # math.isfinite raised OverflowError for a huge int
        return value
    raise ValidationError.at((), _EXPECTED[kind], value)


def _columns_from_data(value: Any, where: Where) -> dict[str, Column]:
    if not isinstance(value, Mapping):
        raise _documents.fail(where, "a mapping of column name to field path", value)
    columns: dict[str, Column] = {}
    for name, spec in value.items():
        if not isinstance(name, str):
            reason = "quote column names that YAML would read as numbers, booleans or null, such as '2024'"
            raise _documents.fail((*where, describe(name)), "a column name (text)", name, reason=reason)
        here = (*where, name)
        if isinstance(spec, str):
            with _documents.at(here):
                columns[name] = Column(spec)
        elif isinstance(spec, Mapping):
            data = _documents.keys(spec, here, required=("field",), optional=("type",))
            with _documents.at(here):
                columns[name] = Column(**data)
        else:
            raise _documents.fail(here, "a field path, or a mapping with field and type", spec)
    return columns


def _columns_to_data(columns: Mapping[str, Column]) -> dict[str, Any]:
    return {
        name: c.field if c.type == natural_type(c.field) else {"field": c.field, "type": c.type}
        for name, c in columns.items()
    }


def _cell_text(value: Any) -> Any:
    """A whole number as its text; anything else (an int too long for ``str`` too) as it is, for the check."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # more digits than str() converts
            return value
    return value


def _cell_values_from_data(value: Any) -> list[Any]:
    """Won or lost values: a list (or one value); whole numbers are taken as their text (``[1]`` -> ``["1"]``)."""
    items = value if isinstance(value, list) else [value]
    return [_cell_text(v) for v in items]


def _outcome_from_data(value: Any) -> Outcome:
    data = _documents.keys(value, ("outcome",), required=("column", "won", "lost"))
    for key in ("won", "lost"):
        data[key] = _cell_values_from_data(data[key])
    with _documents.at(("outcome",)):
        return Outcome(**data)


def load_mapping(path: str | os.PathLike[str]) -> ColumnMapping:
    """Read a column mapping from a YAML file.

    Raises:
        ConfigError: if the file cannot be read or does not describe a valid
            mapping; each problem names its path and line.
    """
    return ColumnMapping.from_yaml(_documents.read_bytes(path))


# --------------------------------------------------------------------------- reading CSV files


@attrs.frozen
class _Table:
    """A CSV file read whole: its header and its data rows."""

    section: _Section
    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (the line the row starts on, its cells)
    index: Mapping[str, int]  # column name -> position

    @property
    def name(self) -> str:
        """The file's name, printable (see `describe_path`), for messages."""
        return describe_path(self.path.name)


def _read_table(path: Path, section: _Section, delimiter: str) -> _Table:
    """Read a CSV file: the header on line 1, then data rows; rows without any value are skipped."""
    rows: list[tuple[int, tuple[str, ...]]] = []
    header: tuple[str, ...] | None = None
    line = 0
    shown = describe_path(path)  # for messages: whole, and printable
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            for cells in reader:
                start, line = line + 1, reader.line_num
                if header is None:
                    header = tuple(cells)
                elif any(cell.strip() for cell in cells):
                    rows.append((start, tuple(cells)))
    except OSError as exc:
        reason = f"cannot read {shown}: {exc.strerror or type(exc).__name__}"
        raise ValidationError.at((), f"a readable {section.name} CSV file", reason=reason) from None
    except UnicodeDecodeError as exc:
        reason = f"cannot decode {shown}: {exc.reason}"
        raise ValidationError.at((), "UTF-8 text", reason=reason) from None
    except ValueError as exc:  # a NUL byte in the path, or a character the file system cannot encode
        reason = f"cannot read {shown}: {exc}"
        raise ValidationError.at((), f"a readable {section.name} CSV file", reason=reason) from None
    except csv.Error as exc:
        raise ValidationError.at(
            (), "a valid CSV file", reason=f"invalid CSV in {shown}: {exc}", line=line + 1
        ) from None
    if header is None:
        raise ValidationError.at((), "a header row naming the columns", reason=f"{shown} is empty", line=1)
    if not any(name.strip() for name in header):
        reason = f"line 1 of {shown} names no column"
        raise ValidationError.at((), "a header row naming the columns", reason=reason, line=1)
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        reason = f"the header of {describe_path(path.name)} repeats " + ", ".join(repr(name) for name in duplicates)
        raise ValidationError.at((), "each column name once", reason=reason, line=1)
    return _Table(section, path, header, tuple(rows), {name: i for i, name in enumerate(header)})


def _check_header(table: _Table, wanted: Mapping[str, str]) -> list[Problem]:
    """A problem for each column of ``wanted`` (name -> what it is read for) missing from the header."""
    return [
        Problem(
            (),
            f"a column {name!r} in {table.name} ({purpose})",
            None,
            f"column {name!r} is not in the header" + suggest(name, table.header),
            1,
        )
        for name, purpose in wanted.items()
        if name not in table.index
    ]


def _wanted(columns: Mapping[str, Column]) -> dict[str, str]:
    return {name: f"the mapping reads {column.field} from it" for name, column in columns.items()}


def _rest_columns(table: _Table, mapping: ColumnMapping) -> tuple[str, ...]:
    """The columns of the leads file to keep in attributes; a `ValidationError` for columns named nowhere."""
    named = {*mapping.leads, *mapping.ignore}
    if mapping.outcome is not None:
        named.add(mapping.outcome.column)
    rest = tuple(name for name in table.header if name not in named)
    if not rest or mapping.rest == "ignore":
        return ()
    listed = ", ".join(repr(name) for name in rest)
    if mapping.rest == "error":
        expected = (
            "every column mapped in leads.columns or listed in leads.ignore, "
            "or `rest: attributes` (to keep them as text) or `rest: ignore` in the mapping"
        )
        raise ValidationError.at(
            (), expected, reason=f"columns of {table.name} the mapping does not name: {listed}", line=1
        )
    fields = (*(column.field for column in mapping.leads.values()), *mapping.defaults)
    taken = {_LEADS.parts(field)[1] for field in fields if _LEADS.is_flexible(field)}
    problems = []
    for name in rest:
        if not name.strip():
            reason = f"column {table.index[name] + 1} of {table.name} has no name"
            problems.append(Problem((), "a name for every column kept in attributes", None, reason, 1))
        elif name in taken:
            reason = f"column {name!r} would be kept as attributes.{name}, which the mapping fills already"
            problems.append(Problem((), "the column mapped, or listed in leads.ignore", None, reason, 1))
    if problems:
        raise ValidationError(problems)
    return rest


def _column_reason(column: str, reason: str | None) -> str:
    return f"column {column!r}" + (f": {reason}" if reason else "")


@attrs.define
class _Row:
    """One data row of a file, read: the values of its cells and what is wrong with them."""

    row: int
    line: int
    values: dict[str, Any] = attrs.field(factory=dict)  # field path -> value
    problems: list[Problem] = attrs.field(factory=list)
    key: str | None = None  # the lead id it has (a lead) or names (an interaction, a stage change)
    complete: bool = True  # False when it has not one cell per header column


def _read_row(table: _Table, row: int, columns: Mapping[str, Column], zone: tzinfo | None) -> _Row:
    """The values of one row's mapped cells, and the problems of those that cannot be read."""
    section = table.section
    line, cells = table.rows[row]
    result = _Row(row, line)
    if len(cells) != len(table.header):
        expected = f"{len(table.header)} cells, one per header column"
        result.problems.append(Problem((section.name, row), expected, f"{len(cells)} cells", None, line))
        result.complete = False
        return result
    for name, column in columns.items():
        cell = cells[table.index[name]].strip()
        if not cell:
            continue
        flexible = section.is_flexible(column.field)
        try:
            result.values[column.field] = _value(cell, column.type, zone, flexible=flexible)
        except ValidationError as exc:
            p = exc.problems[0]
            path: tuple[PathPart, ...] = (section.name, row, *section.parts(column.field))
            result.problems.append(Problem(path, p.expected, p.got, _column_reason(name, p.reason), line))
    return result


def _key(table: _Table, row: int, columns: Mapping[str, Column], field: str) -> str | None:
    """The lead id in a row (``field`` is ``id`` or ``lead_id``), read even when the rest of the row is bad."""
    cells = table.rows[row][1]
    position = next(table.index[name] for name, column in columns.items() if column.field == field)
    return (cells[position].strip() or None) if position < len(cells) else None


def _nest(values: Mapping[str, Any], section: _Section) -> dict[str, Any]:
    """Field path -> value, as the nested record ``from_dict`` reads."""
    record: dict[str, Any] = {}
    for field, value in values.items():
        *parents, last = section.parts(field)
        target = record
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return record


_Sources = Mapping[tuple[str, ...], str]


def _sources(section: _Section, columns: Mapping[str, Column] | None) -> dict[tuple[str, ...], str]:
    """Field path parts -> where its value comes from, for messages."""
    return {section.parts(c.field): _column_reason(name, None) for name, c in (columns or {}).items()}


def _relocate(problem: Problem, root: tuple[PathPart, ...], line: int, sources: _Sources) -> Problem:
    """A model problem located in a file: under ``root`` (section, row), at ``line``, naming its column."""
    source = next((s for parts, s in sources.items() if problem.path[: len(parts)] == parts), None)
    reason = problem.reason
    if source is not None:
        reason = f"{source}: {reason}" if reason else source
    return Problem((*root, *problem.path), problem.expected, problem.got, reason, line)


@attrs.define
class _Draft:
    """A lead row read, with the interaction and stage-change rows that name it."""

    row: _Row
    cells: frozenset[str] = frozenset()  # the fields its own cells give (not defaults)
    outcome: bool | None = None
    interactions: list[tuple[_Row, Interaction | None]] = attrs.field(factory=list)
    history: list[_Row] = attrs.field(factory=list)


def _read_leads(table: _Table, mapping: ColumnMapping, rest: tuple[str, ...]) -> list[_Draft]:
    zone = _zone_of(mapping.timezone)
    defaults, _ = _read_defaults(mapping.defaults, {}, zone)
    drafts: list[_Draft] = []
    first: dict[str, _Row] = {}
    for number, (_, cells) in enumerate(table.rows):
        row = _read_row(table, number, mapping.leads, zone)
        draft = _Draft(row, frozenset(row.values))
        drafts.append(draft)
        row.key = f"row-{number + 1}" if mapping.row_ids else _key(table, number, mapping.leads, "id")
        if row.complete:
            for name in rest:
                cell = cells[table.index[name]].strip()
                if cell:
                    row.values[f"attributes.{name}"] = cell
            if mapping.row_ids:
                row.values["id"] = row.key
            row.values = {**defaults, **row.values}
            if mapping.outcome is not None:
                draft.outcome = _outcome(mapping.outcome, cells[table.index[mapping.outcome.column]].strip(), row)
        if row.key is None:
            continue
        if row.key in first:
            earlier = first[row.key]
            reason = f"duplicate id {row.key!r}: row {earlier.row} (line {earlier.line}) has it too"
            row.problems.append(Problem(("leads", number, "id"), "an id no other row has", None, reason, row.line))
        else:
            first[row.key] = row
    return drafts


def _outcome(outcome: Outcome, cell: str, row: _Row) -> bool | None:
    if cell in outcome.won:
        return True
    if cell in outcome.lost:
        return False
    expected = (
        f"a won value ({', '.join(map(repr, outcome.won))}) or a lost value ({', '.join(map(repr, outcome.lost))})"
    )
    reason = _column_reason(outcome.column, None if cell else "empty")
    row.problems.append(Problem(("leads", row.row, "outcome"), expected, describe(cell), reason, row.line))
    return None


def _orphan(row: _Row, section: _Section, leads: Path) -> Problem:
    """The problem of a row that names no lead (it is in no lead, so it must be reported by itself)."""
    where = (section.name, row.row, "lead_id")
    if row.key is None:
        return Problem(where, "the id of a lead", None, "required field missing", row.line)
    reason = f"unknown lead id: no row of {describe_path(leads.name)} has it"
    return Problem(where, "the id of a lead in the leads file", describe(row.key), reason, row.line)


def _attach_interactions(
    table: _Table, columns: Mapping[str, Column], zone: tzinfo | None, leads: Mapping[str, _Draft], leads_path: Path
) -> list[Problem]:
    """Attach each interaction row to its lead; the problems of rows that name no lead."""
    sources = _sources(_INTERACTIONS, columns)
    orphans: list[Problem] = []
    for number in range(len(table.rows)):
        row = _read_row(table, number, columns, zone)
        row.key = _key(table, number, columns, "lead_id")
        interaction = None
        if row.complete:  # the model checks the cells that could be read, as for leads
            unread = [p.path[2:] for p in row.problems]
            record = _nest({f: v for f, v in row.values.items() if f != "lead_id"}, _INTERACTIONS)
            try:
                interaction = Interaction.from_dict(record)
            except ValidationError as exc:
                row.problems += [
                    _relocate(p, ("interactions", number), row.line, sources)
                    for p in exc.problems
                    if not any(p.path[: len(u)] == u for u in unread)
                ]
            if row.problems:
                interaction = None
        draft = leads.get(row.key) if row.key is not None else None
        if draft is None:
            orphans += [*row.problems, _orphan(row, _INTERACTIONS, leads_path)]
        else:
            draft.interactions.append((row, interaction))
    return orphans


def _attach_history(
    table: _Table, columns: Mapping[str, Column], zone: tzinfo | None, leads: Mapping[str, _Draft], leads_path: Path
) -> list[Problem]:
    """Attach each stage-change row to its lead; the problems of rows that name no lead."""
    orphans: list[Problem] = []
    for number in range(len(table.rows)):
        row = _read_row(table, number, columns, zone)
        row.key = _key(table, number, columns, "lead_id")
        if not row.problems and "at" not in row.values:  # needed to put the changes in order
            row.problems.append(Problem(("history", number, "at"), "a value", None, "required field missing", row.line))
        draft = leads.get(row.key) if row.key is not None else None
        if draft is None:
            orphans += [*row.problems, _orphan(row, _HISTORY, leads_path)]
        else:
            draft.history.append(row)
    return orphans


def _changes(draft: _Draft, sources: _Sources) -> tuple[list[StageChange], list[_Row]]:
    """The lead's stage changes in time order (``from_stage`` filled in when not given), and their rows."""
    rows = sorted(draft.history, key=lambda r: r.values["at"])  # stable: changes at the same time keep file order
    changes: list[StageChange] = []
    previous: str | None = None
    for row in rows:
        values = {f: v for f, v in row.values.items() if f != "lead_id"}
        values.setdefault("from_stage", previous)
        try:
            change = StageChange.from_dict(values)
        except ValidationError as exc:
            row.problems += [_relocate(p, ("history", row.row), row.line, sources) for p in exc.problems]
            return [], rows
        changes.append(change)
        previous = change.to_stage
    return changes, rows


def _lead(draft: _Draft, changes: Sequence[StageChange]) -> Lead | ValidationError:
    """The lead a draft describes, or the model's error (located in the lead)."""
    values = dict(draft.row.values)
    if changes:  # where the history ends, unless the row says
        if "stage" not in draft.cells:
            values["stage"] = changes[-1].to_stage
        if "status" not in draft.cells:
            values["status"] = changes[-1].status
    record = _nest({k: v for k, v in values.items() if v is not None}, _LEADS)
    record["interactions"] = [i for _, i in draft.interactions if i is not None]
    record["history"] = list(changes)
    try:
        return Lead.from_dict(record)
    except ValidationError as exc:
        return exc


def _build(draft: _Draft, mapping: ColumnMapping) -> tuple[Lead | None, list[Problem]]:
    """The lead of a draft, or every problem that keeps it from being one.

    The model checks the fields that could be read even when others could
    not, so one pass reports every problem of the row. A lead that fails for
    rows of its other files gets a problem listing them, followed by theirs.
    """
    row = draft.row
    history_sources = _sources(_HISTORY, mapping.history)
    changes: list[StageChange] = []
    change_rows: list[_Row] = []
    if draft.history and not any(r.problems for r in draft.history):
        changes, change_rows = _changes(draft, history_sources)
    problems = list(row.problems)
    lead = _lead(draft, changes) if row.complete else None
    if isinstance(lead, ValidationError):
        sources = _sources(_LEADS, mapping.leads)
        sources.update({_LEADS.parts(f): "a default of the mapping" for f in mapping.defaults})
        unread = [p.path[2:] for p in row.problems]  # a field that could not be read is reported as such
        for p in lead.problems:
            step = p.path[1] if p.path[:1] == ("history",) and len(p.path) > 1 else None
            if isinstance(step, int) and 0 <= step < len(change_rows):
                bad = change_rows[step]
                relocated = attrs.evolve(p, path=p.path[2:])
                bad.problems.append(_relocate(relocated, ("history", bad.row), bad.line, history_sources))
            elif not any(p.path[: len(u)] == u for u in unread):
                problems.append(_relocate(p, ("leads", row.row), row.line, sources))
    for name, rows in (("interactions", [r for r, _ in draft.interactions]), ("history", draft.history)):
        bad_rows = [r for r in rows if r.problems]
        if bad_rows:
            listed = ", ".join(f"{name}[{r.row}] (line {r.line})" for r in bad_rows)
            reason = f"rows of the {name} file for this lead are invalid: {listed}"
            problems.append(Problem(("leads", row.row, name), f"valid {name} rows", None, reason, row.line))
            problems += [p for r in bad_rows for p in r.problems]
    if problems or not isinstance(lead, Lead):
        return None, problems
    return lead, []


def _as_mapping(mapping: object) -> ColumnMapping:
    if isinstance(mapping, ColumnMapping):
        return mapping
    if isinstance(mapping, Mapping):
        return ColumnMapping.from_dict(mapping)
    if isinstance(mapping, (str, os.PathLike)):
        return load_mapping(mapping)
    raise ConfigError.at((), "a ColumnMapping, a dict, or the path of a YAML mapping file", mapping)


def _as_path(value: object, what: str) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise ValidationError.at((), f"the path of the {what} CSV file", value)
    return Path(value)


def _open(
    columns: ColumnMapping, path: object, interactions: object, history: object
) -> tuple[_Table, _Table | None, _Table | None]:
    """Read the files and check their headers against the mapping, before any row is read."""
    leads_table = _read_table(_as_path(path, "leads"), _LEADS, columns.delimiter)
    wanted = _wanted(columns.leads)
    if columns.outcome is not None:
        wanted[columns.outcome.column] = "the mapping reads the outcome from it"
    missing = _check_header(leads_table, wanted)
    tables: list[_Table | None] = []
    for section, given, mapped in (
        (_INTERACTIONS, interactions, columns.interactions),
        (_HISTORY, history, columns.history),
    ):
        if given is not None and mapped is None:
            reason = f"a {section.name} file is given, but the mapping has no {section.name} section"
            raise _documents.fail((section.name,), f"a {section.name} section with its columns", reason=reason)
        table = (
            None
            if given is None or mapped is None
            else _read_table(_as_path(given, section.name), section, columns.delimiter)
        )
        if table is not None and mapped is not None:
            missing += _check_header(table, _wanted(mapped))
        tables.append(table)
    if missing:
        raise ValidationError(missing)
    return leads_table, tables[0], tables[1]


def read_csv(
    path: str | os.PathLike[str],
    mapping: ColumnMapping | Mapping[str, Any] | str | os.PathLike[str],
    *,
    interactions: str | os.PathLike[str] | None = None,
    history: str | os.PathLike[str] | None = None,
    errors: Errors = "raise",
) -> LeadBatch:
    """Read leads from a CSV file with a column mapping, and their interactions and stage history.

    Each data row of the leads file becomes one lead, built with
    `Lead.from_dict` (so every check of the model applies) from its mapped
    cells, the mapping's defaults and, with ``rest: attributes``, its other
    cells. Rows without any value are skipped; the header is line 1.

    The optional files are long tables naming their lead by id (``lead_id``):
    each interaction row is attached to its lead (a lead keeps its
    interactions in time order); stage-change rows are put in time order
    (rows at the same time keep file order), each without a ``from_stage``
    starts where the previous one ended, and the lead's ``stage`` and
    ``status`` are where the history ends unless its own row gives them.
    Columns of these files that the mapping does not name are not read.

    Problems are located like those of `read_leads`: ``leads[<row>].<field
    path>`` (0-based data row), with the line the row starts on and, in the
    message, the column. The model checks the cells that could be read even
    when others could not, so one pass reports every problem of a row. A
    lead row fails for a problem of its own, an id an earlier row has (rows
    of the other files naming that id belong to the earlier row), a bad
    outcome cell, or a bad row among its interactions or stage changes:
    then ``leads[<row>].interactions`` (or ``.history``) lists those rows,
    each located as ``interactions[<row>].<field>`` (or ``history[...]``) in
    its own file. A row of those files that names no lead (an unknown or
    missing id) is a problem of its own, in its file, and fails no lead. So
    ``read == len(leads) + len(failed_rows)`` always holds, counting lead
    rows, and nothing is dropped without a problem saying so.

    Args:
        path: The leads CSV file (UTF-8, with or without a byte-order mark).
        mapping: A `ColumnMapping`, its plain-data form (see
            `ColumnMapping.from_dict`), or the path of a YAML mapping file.
        interactions: A CSV file of interactions, read with the mapping's
            ``interactions`` section.
        history: A CSV file of stage changes, read with the mapping's
            ``history`` section.
        errors: ``"raise"`` raises one `ValidationError` listing the
            problems of every bad row; ``"collect"`` returns the good leads
            and every problem in the batch.

    Returns:
        The valid leads in file order, their outcomes when the mapping has an
        ``outcome``, and, with ``errors="collect"``, every problem.

    Raises:
        ConfigError: when the mapping is invalid, or a file is given for a
            section the mapping does not have.
        ValidationError: with ``errors="raise"`` when any row is invalid, and
            always when a file cannot be read, is empty, repeats a column
            name, lacks a column the mapping names, or (with ``rest: error``)
            has columns the mapping does not name.
    """
    if errors not in ("raise", "collect"):
        raise ValidationError.at(("errors",), "'raise' or 'collect'", errors)
    columns = _as_mapping(mapping)
    leads_table, interaction_table, history_table = _open(columns, path, interactions, history)
    rest = _rest_columns(leads_table, columns)
    zone = _zone_of(columns.timezone)
    drafts = _read_leads(leads_table, columns, rest)
    by_id: dict[str, _Draft] = {}
    for draft in drafts:
        if draft.row.key is not None:
            by_id.setdefault(draft.row.key, draft)
    orphans: list[Problem] = []
    if interaction_table is not None and columns.interactions is not None:
        orphans += _attach_interactions(interaction_table, columns.interactions, zone, by_id, leads_table.path)
    if history_table is not None and columns.history is not None:
        orphans += _attach_history(history_table, columns.history, zone, by_id, leads_table.path)

    leads: list[Lead] = []
    outcomes: list[bool] = []
    problems: list[Problem] = []
    for draft in drafts:
        lead, found = _build(draft, columns)
        if lead is None:
            problems += found
        else:
            leads.append(lead)
            outcomes.append(bool(draft.outcome))
    problems += orphans
    if problems and errors == "raise":
        raise ValidationError(problems)
    return LeadBatch(
        tuple(leads), tuple(problems), len(drafts), outcomes=tuple(outcomes) if columns.outcome is not None else None
    )
