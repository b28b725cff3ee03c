"""Column mappings and read_csv: every documented rule and error, round trips, row-level error collection."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _examples import scaled
from leadkit import (
    BANT,
    ConfigError,
    CriterionStatus,
    Lead,
    LeadBatch,
    LeadkitError,
    ValidationError,
)
from leadkit.mapping import (
    COLUMN_TYPES,
    Column,
    ColumnMapping,
    Outcome,
    load_mapping,
    read_csv,
)
from leadkit.testing import aware_datetimes, json_values, leads, texts

from .conftest import T0

FILES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=scaled(60))

BASIC: dict[str, Any] = {
    "leads": {
        "columns": {
            "Lead ID": "id",
            "Created": "created_at",
            "Email": "contact.email",
            "Employees": "company.employees",
            "Age": {"field": "attributes.age", "type": "number"},
            "Segment": "attributes.segment",
        },
        "ignore": ["Notes"],
    },
}
HEADER = ["Lead ID", "Created", "Email", "Employees", "Age", "Segment", "Notes"]

FULL_YAML = """\
version: 1
timezone: Europe/Lisbon
leads:
  columns:
    Lead ID: id
    Created: created_at
    Email: contact.email
    Employees: company.employees
    Age: {field: attributes.age, type: number}
    Segment: attributes.segment
  ignore: [Notes]
  rest: error
  defaults:
    source: telemarketing
  row_ids: false
outcome:
  column: y
  won: ["yes"]
  lost: ["no"]
interactions:
  columns: {Lead ID: lead_id, Type: kind, When: at, Channel: channel, Value: value}
history:
  columns: {Lead ID: lead_id, From: from_stage, To: to_stage, When: at, Why: reason, Who: by, Status: status}
"""


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = False) -> Path:
    """Write a CSV file as a spreadsheet would export it (``None`` is an empty cell)."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return path


def row(**cells: Any) -> list[Any]:
    """A row of the basic leads file; cells not given are empty."""
    names = {"Lead_ID": "Lead ID"}
    given = {names.get(k, k): v for k, v in cells.items()}
    return [given.get(name) for name in HEADER]


def basic_file(tmp_path: Path, *rows: list[Any]) -> Path:
    return write_csv(tmp_path / "leads.csv", HEADER, rows)


def collect(path: Path, mapping: Any = None, **kwargs: Any) -> LeadBatch:
    return read_csv(path, BASIC if mapping is None else mapping, errors="collect", **kwargs)


# --------------------------------------------------------------------------- Column and Outcome


class TestColumn:
    def test_type_defaults_to_the_fields_own(self) -> None:
        """A column is read as its field's natural type unless it says otherwise."""
        assert Column("created_at").type == "timestamp"
        assert Column("company.employees").type == "integer"
        assert Column("company.annual_revenue").type == "number"
        assert Column("value").type == "number"
        assert Column("at").type == "timestamp"
        assert Column("contact.email").type == "text"
        assert Column("attributes.age").type == "text"
        assert Column("attributes.age", "boolean").type == "boolean"

    @pytest.mark.parametrize(
        ("args", "fragment"),
        [
            (("",), "field: expected a field path"),
            ((3,), "field: expected a field path"),
            (("attributes.age", "float"), "type: expected one of text, number, integer, boolean, timestamp"),
        ],
    )
    def test_errors(self, args: tuple[Any, ...], fragment: str) -> None:
        """A column without a field path or with an unknown type is a ConfigError."""
        with pytest.raises(ConfigError, match=fragment):
            Column(*args)

    def test_frozen(self) -> None:
        """Columns cannot be changed in place."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            Column("id").field = "source"  # type: ignore[misc]


class TestOutcome:
    def test_values_are_stripped_tuples(self) -> None:
        """Won and lost values become tuples; one value is short for a list of it."""
        outcome = Outcome("y", won=[" yes "], lost="no")  # type: ignore[arg-type]
        assert (outcome.won, outcome.lost) == (("yes",), ("no",))

    @pytest.mark.parametrize(
        ("won", "lost", "fragment"),
        [
            ([], ["no"], "won: expected a non-empty list"),
            (["yes"], [], "lost: expected a non-empty list"),
            (["yes", ""], ["no"], r"won\[1\]: expected a cell value"),
            (["yes", 1], ["no"], r"won\[1\]: expected a cell value"),
            (["yes", "1"], ["no", "1"], "a value cannot mean won and lost"),
        ],
    )
    def test_errors(self, won: Any, lost: Any, fragment: str) -> None:
        """Won and lost values must be non-empty, text, and disjoint."""
        with pytest.raises(ConfigError, match=fragment):
            Outcome("y", won=won, lost=lost)


# --------------------------------------------------------------------------- the mapping


class TestMappingFromData:
    def test_full_document(self) -> None:
        """Every section of the documented format is read."""
        mapping = ColumnMapping.from_yaml(FULL_YAML)
        assert mapping.leads["Age"] == Column("attributes.age", "number")
        assert mapping.leads["Email"] == Column("contact.email")
        assert mapping.ignore == ("Notes",)
        assert mapping.rest == "error"
        assert mapping.defaults == {"source": "telemarketing"}
        assert mapping.row_ids is False
        assert mapping.timezone == "Europe/Lisbon"
        assert mapping.outcome == Outcome("y", won=("yes",), lost=("no",))
        assert mapping.interactions is not None
        assert mapping.interactions["When"] == Column("at", "timestamp")
        assert mapping.history is not None
        assert mapping.history["Who"] == Column("by")

    def test_shorthand_without_version(self) -> None:
        """``{"leads": {"columns": ...}}`` is enough; the rest takes its defaults."""
        mapping = ColumnMapping.from_dict({"leads": {"columns": {"ID": "id", "At": "created_at"}}})
        assert mapping == ColumnMapping(leads={"ID": "id", "At": "created_at"})
        assert (mapping.ignore, mapping.rest, mapping.defaults, mapping.row_ids) == ((), "error", {}, False)
        assert (mapping.timezone, mapping.outcome, mapping.interactions, mapping.history) == (None, None, None, None)

    def test_flat_form(self) -> None:
        """A flat {column: field} mapping means just the lead columns."""
        flat = {"ID": "id", "At": "created_at", "Age": {"field": "attributes.age", "type": "integer"}}
        mapping = ColumnMapping.from_dict(flat)
        assert mapping.leads == {
            "ID": Column("id"),
            "At": Column("created_at"),
            "Age": Column("attributes.age", "integer"),
        }

    def test_flat_form_problems_are_located_as_written(self) -> None:
        """A problem of the flat form names the column itself, not leads.columns."""
        with pytest.raises(ConfigError) as excinfo:
            ColumnMapping.from_yaml("ID: id\nAt: created_at\nMail: contact.emial\n")
        assert excinfo.value.path == "Mail"
        assert excinfo.value.line == 3
        assert "did you mean 'contact.email'?" in str(excinfo.value)

    def test_constructor_takes_field_paths_for_columns(self) -> None:
        """In Python, a field path stands for its Column."""
        mapping = ColumnMapping(leads={"ID": "id", "At": Column("created_at")})  # type: ignore[dict-item]
        assert mapping.leads["ID"] == Column("id", "text")

    def test_mapping_is_immutable_and_hashable(self) -> None:
        """The parsed mapping is a plain, read-only value."""
        mapping = ColumnMapping.from_dict(BASIC)
        with pytest.raises(TypeError):
            mapping.leads["X"] = Column("source")  # type: ignore[index]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            mapping.rest = "ignore"  # type: ignore[misc]
        assert hash(mapping) == hash(ColumnMapping.from_dict(BASIC))

    def test_to_dict_leaves_defaults_out(self) -> None:
        """The document form is short: natural types and default settings are left out."""
        assert ColumnMapping.from_dict(BASIC).to_dict() == {"version": 1, **BASIC}

    def test_won_lost_whole_numbers(self) -> None:
        """``won: [1]`` means the cell text ``1``; one value needs no list."""
        mapping = ColumnMapping.from_dict({**BASIC, "outcome": {"column": "y", "won": [1], "lost": 0}})
        assert mapping.outcome == Outcome("y", won=("1",), lost=("0",))

    def test_utc_and_zone_names(self) -> None:
        """UTC and zoneinfo names are accepted."""
        for name in ("UTC", "Europe/Lisbon", "America/New_York"):
            assert ColumnMapping.from_dict({**BASIC, "timezone": name}).timezone == name

    def test_load_mapping(self, tmp_path: Path) -> None:
        """load_mapping reads a YAML file."""
        path = tmp_path / "mapping.yaml"
        path.write_text(FULL_YAML, encoding="utf-8")
        assert load_mapping(path) == ColumnMapping.from_yaml(FULL_YAML)

    def test_load_mapping_missing_file(self, tmp_path: Path) -> None:
        """A missing mapping file is a ConfigError naming it."""
        with pytest.raises(ConfigError, match=r"missing\.yaml"):
            load_mapping(tmp_path / "missing.yaml")


def with_leads(**changes: Any) -> dict[str, Any]:
    """The basic mapping with some keys of its leads section replaced (``None`` removes one)."""
    leads = {**BASIC["leads"], **changes}
    return {"leads": {k: v for k, v in leads.items() if v is not None}}


def with_columns(**columns: Any) -> dict[str, Any]:
    """The basic mapping with more (or, with ``None``, fewer) lead columns."""
    merged = {**BASIC["leads"]["columns"], **{k.replace("_", " "): v for k, v in columns.items()}}
    return with_leads(columns={k: v for k, v in merged.items() if v is not None})


class TestMappingErrors:
    @pytest.mark.parametrize(
        ("data", "path", "fragments"),
        [
            (
                with_columns(Mail="contact.emial"),
                "leads.columns.Mail",
                ["unknown field 'contact.emial'", "'contact.email'"],
            ),
            (with_columns(Made="created"), "leads.columns.Made", ["did you mean 'created_at'?"]),
            (with_columns(Tier="attribute.tier"), "leads.columns.Tier", ["did you mean 'attributes.tier'?"]),
            (with_columns(Tier="attributes."), "leads.columns.Tier", ["attributes.<key> needs a key"]),
            (with_columns(B="bant.budgets"), "leads.columns.B", ["did you mean 'bant.budget'?"]),
            (with_columns(C="contact"), "leads.columns.C", ["unknown field 'contact'"]),
            (with_columns(I="interactions"), "leads.columns.I", ["unknown field 'interactions'"]),
            (
                with_columns(Mail2="contact.email"),
                "leads.columns.Mail2",
                ["two columns onto one field", "'Email' gives contact.email"],
            ),
            (
                with_columns(Employees={"field": "company.employees", "type": "number"}),
                "leads.columns.Employees.type",
                ["integer", "company.employees is read as integer"],
            ),
            (
                with_columns(Created={"field": "created_at", "type": "text"}),
                "leads.columns.Created.type",
                ["created_at is read as timestamp"],
            ),
            (with_columns(Age={"field": "attributes.age", "type": "float"}), "leads.columns.Age.type", ["one of text"]),
            (
                with_columns(Age={"field": "attributes.age", "kind": "number"}),
                "leads.columns.Age.kind",
                ["unknown key"],
            ),
            (with_columns(Age=3), "leads.columns.Age", ["a field path, or a mapping with field and type"]),
            (with_columns(Lead_ID=None), "leads.columns", ["no column gives the lead id", "row_ids: true"]),
            (with_leads(row_ids=True), "leads.row_ids", ["column 'Lead ID' gives the id"]),
            (with_leads(row_ids="yes"), "leads.row_ids", ["true or false"]),
            (with_columns(Created=None), "leads.columns", ["no column gives created_at", "leads.defaults"]),
            (with_leads(rest="keep"), "leads.rest", ["one of error, attributes, ignore"]),
            (with_leads(ignore=["Email"]), "leads.ignore[0]", ["both mapped and ignored"]),
            (with_leads(ignore=["Notes", "Notes"]), "leads.ignore[1]", ["listed twice"]),
            (with_leads(ignore="Notes"), "leads.ignore", ["a list"]),
            (with_leads(defaults={"source": "x", "sorce": "y"}), "leads.defaults.sorce", ["did you mean 'source'?"]),
            (with_leads(defaults={"id": "x"}), "leads.defaults.id", ["every lead would have the same id"]),
            (with_leads(defaults={"contact.email": "a@b.co"}), 'leads.defaults["contact.email"]', ["'Email' gives"]),
            (with_leads(defaults={"company.name": 3}), 'leads.defaults["company.name"]', ["expected text"]),
            (with_leads(defaults={"source": " "}), "leads.defaults.source", ["a non-empty value"]),
            (with_leads(defaults={"attributes.tier": [1]}), 'leads.defaults["attributes.tier"]', ["a number or"]),
            (
                with_leads(defaults={"company.annual_revenue": "1,000"}),
                'leads.defaults["company.annual_revenue"]',
                ["a number like 1234.5", "thousands separators"],
            ),
            (
                {
                    **with_columns(Created=None),
                    "leads": {**with_columns(Created=None)["leads"], "defaults": {"created_at": "2024-05-01"}},
                },
                "leads.defaults.created_at",
                ["no UTC offset", "timezone"],
            ),
            ({**BASIC, "timezone": "Europe/Lisbn"}, "timezone", ["unknown time zone", "did you mean 'Europe/Lisbon'?"]),
            ({**BASIC, "timezone": "../etc/passwd"}, "timezone", ["unknown time zone"]),
            ({**BASIC, "timezone": 1}, "timezone", ["a time zone name"]),
            ({**BASIC, "version": 2}, "version", ["version 1"]),
            ({**BASIC, "timezon": "UTC"}, "timezon", ["did you mean 'timezone'?"]),
            (
                {**BASIC, "outcome": {"column": "Email", "won": ["y"], "lost": ["n"]}},
                "outcome.column",
                ["mapped to a field"],
            ),
            (
                {**BASIC, "outcome": {"column": "Notes", "won": ["y"], "lost": ["n"]}},
                "outcome.column",
                ["also ignored"],
            ),
            ({**BASIC, "outcome": {"column": "y", "won": ["y"], "lost": ["y"]}}, "outcome.lost", ["won and lost"]),
            ({**BASIC, "outcome": {"column": "y", "won": ["y"]}}, "outcome.lost", ["missing key"]),
            (
                {**BASIC, "interactions": {"columns": {"ID": "lead_id", "T": "kind"}}},
                "interactions.columns",
                ["no column gives at"],
            ),
            (
                {**BASIC, "interactions": {"columns": {"ID": "lead_id", "T": "kind", "W": "att"}}},
                "interactions.columns.W",
                ["did you mean 'at'?"],
            ),
            (
                {
                    **BASIC,
                    "interactions": {
                        "columns": {"ID": "lead_id", "T": "kind", "W": "at", "V": {"field": "value", "type": "text"}}
                    },
                },
                "interactions.columns.V.type",
                ["value is read as number"],
            ),
            ({**BASIC, "interactions": {"ID": "lead_id"}}, "interactions.ID", ["unknown key"]),
            (
                {**BASIC, "history": {"columns": {"ID": "lead_id", "W": "at"}}},
                "history.columns",
                ["no column gives to_stage"],
            ),
            (
                {**BASIC, "history": {"columns": {"ID": "lead_id", "W": "at", "T": "to_stage", "P": "properties.x"}}},
                "history.columns.P",
                ["unknown field"],
            ),
            ({"leads": []}, "leads", ["a mapping with the keys"]),
            ({"leads": {"columns": ["id"]}}, "leads.columns", ["a mapping of column name to field path"]),
            ([], "<document>", ["a mapping"]),
        ],
    )
    def test_errors(self, data: Any, path: str, fragments: list[str]) -> None:
        """Every problem with a mapping is a ConfigError at the path of the bad key, saying what is wrong."""
        with pytest.raises(ConfigError) as excinfo:
            ColumnMapping.from_dict(data)
        assert path in [p.location for p in excinfo.value.problems], str(excinfo.value)
        for fragment in fragments:
            assert fragment in str(excinfo.value)

    def test_all_problems_are_reported_at_once(self) -> None:
        """The checks of a mapping report every problem, not just the first."""
        data = with_leads(rest="keep", ignore=["Email"], defaults={"id": "x"})
        with pytest.raises(ConfigError) as excinfo:
            ColumnMapping.from_dict(data)
        assert {p.location for p in excinfo.value.problems} == {"leads.rest", "leads.ignore[0]", "leads.defaults.id"}

    def test_yaml_errors_carry_lines(self) -> None:
        """Problems found in YAML carry the line of the bad key."""
        text = FULL_YAML.replace("Email: contact.email", "Email: contact.emial")
        with pytest.raises(ConfigError) as excinfo:
            ColumnMapping.from_yaml(text)
        assert (excinfo.value.path, excinfo.value.line) == ("leads.columns.Email", 7)
        text = FULL_YAML.replace("timezone: Europe/Lisbon", "timezone: Europe/Lisbn")
        with pytest.raises(ConfigError) as excinfo:
            ColumnMapping.from_yaml(text)
        assert excinfo.value.line == 2

    def test_yaml_column_names_must_be_text(self) -> None:
        """A column name YAML reads as a number says to quote it."""
        with pytest.raises(ConfigError, match="quote column names") as excinfo:
            ColumnMapping.from_yaml("leads:\n  columns:\n    ID: id\n    2024: created_at\n")
        assert excinfo.value.line == 4

    def test_yaml_syntax_and_unsafe_tags(self) -> None:
        """Broken YAML and Python tags are ConfigErrors, never executed."""
        with pytest.raises(ConfigError, match="invalid YAML"):
            ColumnMapping.from_yaml("leads: [")
        with pytest.raises(ConfigError, match="invalid YAML"):
            ColumnMapping.from_yaml("leads: !!python/object/apply:os.system ['echo hi']\n")

    @settings(max_examples=scaled(300))
    @given(
        data=st.recursive(
            json_values(),
            lambda inner: (
                st.dictionaries(
                    st.sampled_from(
                        [
                            "version",
                            "leads",
                            "columns",
                            "ignore",
                            "rest",
                            "defaults",
                            "row_ids",
                            "timezone",
                            "outcome",
                            "column",
                            "won",
                            "lost",
                            "interactions",
                            "history",
                            "field",
                            "type",
                            "id",
                            "x",
                        ]
                    ),
                    inner,
                    max_size=4,
                )
                | st.lists(inner, max_size=3)
            ),
            max_leaves=20,
        )
    )
    def test_fuzzed_documents_raise_only_config_errors(self, data: Any) -> None:
        """Whatever the data, reading a mapping returns one or raises ConfigError."""
        for document in (data, {"leads": data}, {"leads": {"columns": data}}, {**BASIC, "outcome": data}):
            with contextlib.suppress(ConfigError):
                ColumnMapping.from_dict(document)

    @settings(max_examples=scaled(200))
    @given(text=st.text(max_size=200) | st.binary(max_size=200))
    def test_fuzzed_yaml_raises_only_config_errors(self, text: str | bytes) -> None:
        """Whatever the text, reading a mapping returns one or raises ConfigError."""
        with contextlib.suppress(ConfigError):
            ColumnMapping.from_yaml(text)


# --------------------------------------------------------------------------- generated mappings

_LEAD_FIELDS = [
    "source",
    "stage",
    "status",
    "contact.name",
    "contact.email",
    "contact.phone",
    "contact.title",
    "company.name",
    "company.domain",
    "company.industry",
    "company.employees",
    "company.annual_revenue",
    "company.country",
    "bant.budget",
    "bant.authority",
    "bant.need",
    "bant.timeline",
]
_KEYS = st.text("abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=10)


_INTERACTION_EXTRAS = ["channel", "value", "properties.utm", "properties.a.b"]
_HISTORY_EXTRAS = ["from_stage", "reason", "by", "status"]


def _long_columns(pool: Iterator[str], required: Sequence[str], extras: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """The columns of an interactions or history section, named from ``pool``."""
    return st.lists(st.sampled_from(extras), unique=True).map(
        lambda chosen: {next(pool): field for field in (*required, *chosen)}
    )


@st.composite
def column_mappings(draw: st.DrawFn) -> ColumnMapping:
    """Valid mappings of every shape, with any text as column names."""
    pool = iter(draw(st.lists(texts(max_size=15), min_size=40, max_size=40, unique=True)))
    leads: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    row_ids = draw(st.booleans())
    if not row_ids:
        leads[next(pool)] = "id"
    timezone_name = draw(st.none() | st.sampled_from(["UTC", "Europe/Lisbon", "Asia/Kolkata"]))
    if draw(st.booleans()):
        leads[next(pool)] = "created_at"
    else:
        moment = draw(aware_datetimes()).isoformat()
        defaults["created_at"] = moment[:10] if timezone_name is not None and draw(st.booleans()) else moment
    fields = draw(st.lists(st.sampled_from(_LEAD_FIELDS), unique=True, max_size=6))
    for field in fields:
        leads[next(pool)] = field
    for key in draw(st.lists(_KEYS, unique=True, max_size=3)):
        leads[next(pool)] = Column(f"attributes.{key}", draw(st.sampled_from(COLUMN_TYPES)))
    if "source" not in fields and draw(st.booleans()):
        defaults["source"] = draw(texts(max_size=10))
    for key in draw(st.lists(_KEYS, unique=True, max_size=2)):
        if not any(getattr(c, "field", c) == f"attributes.{key}" for c in leads.values()):
            defaults[f"attributes.{key}"] = draw(
                texts(max_size=10) | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
            )
    ignore = [next(pool) for _ in range(draw(st.integers(0, 2)))]
    outcome = None
    if draw(st.booleans()):
        won, lost = draw(st.lists(texts(max_size=5), min_size=2, max_size=4, unique=True).map(lambda v: (v[:1], v[1:])))
        outcome = Outcome(next(pool), won=won, lost=lost)
    interactions = draw(st.none() | _long_columns(pool, ("lead_id", "kind", "at"), _INTERACTION_EXTRAS))
    history = draw(st.none() | _long_columns(pool, ("lead_id", "to_stage", "at"), _HISTORY_EXTRAS))
    return ColumnMapping(
        leads=leads,
        ignore=ignore,
        rest=draw(st.sampled_from(["error", "attributes", "ignore"])),
        defaults=defaults,
        row_ids=row_ids,
        timezone=timezone_name,
        outcome=outcome,
        interactions=interactions,
        history=history,
    )


class TestRoundTrips:
    @given(mapping=column_mappings())
    def test_dict(self, mapping: ColumnMapping) -> None:
        """from_dict(to_dict(m)) == m."""
        assert ColumnMapping.from_dict(mapping.to_dict()) == mapping

    @given(mapping=column_mappings())
    def test_yaml(self, mapping: ColumnMapping) -> None:
        """from_yaml(to_yaml(m)) == m, whatever the column names."""
        text = mapping.to_yaml()
        assert text.startswith("version: 1\n")
        assert ColumnMapping.from_yaml(text) == mapping

    def test_datetime_default_is_kept_as_text(self) -> None:
        """A datetime given as a default in Python is kept as its ISO text, so the mapping stays plain data."""
        mapping = ColumnMapping(leads={"ID": "id"}, defaults={"created_at": T0})  # type: ignore[dict-item]
        assert mapping.defaults == {"created_at": T0.isoformat()}
        assert ColumnMapping.from_yaml(mapping.to_yaml()) == mapping


# --------------------------------------------------------------------------- read_csv: examples


class TestReadCsv:
    def test_basic(self, tmp_path: Path) -> None:
        """Mapped cells land in their fields, typed; ignored columns are not read."""
        path = basic_file(
            tmp_path,
            row(
                Lead_ID="L-1",
                Created="2024-05-01T09:30:00Z",
                Email=" Ana@Example.com ",
                Employees="12",
                Age="33.5",
                Segment="smb",
                Notes="ignored",
            ),
        )
        batch = read_csv(path, BASIC)
        (lead,) = batch
        assert lead.id == "L-1"
        assert lead.created_at == datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
        assert lead.contact.email == "ana@example.com"
        assert lead.company.employees == 12
        assert lead.attributes == {"age": 33.5, "segment": "smb"}
        assert (batch.read, batch.problems, batch.outcomes) == (1, (), None)

    def test_mapping_as_path_dict_or_object(self, tmp_path: Path) -> None:
        """The mapping may be a ColumnMapping, a dict, or the path of a YAML file."""
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00:00+02:00"))
        yaml_path = tmp_path / "mapping.yaml"
        yaml_path.write_text(ColumnMapping.from_dict(BASIC).to_yaml(), encoding="utf-8")
        batches = [read_csv(path, m) for m in (BASIC, ColumnMapping.from_dict(BASIC), yaml_path, str(yaml_path))]
        assert all(b == batches[0] for b in batches)

    def test_bad_mapping_argument(self, tmp_path: Path) -> None:
        """A mapping of the wrong kind is a ConfigError; so is an invalid one."""
        path = basic_file(tmp_path)
        with pytest.raises(ConfigError, match="a ColumnMapping, a dict, or the path"):
            read_csv(path, 42)  # type: ignore[arg-type]
        with pytest.raises(ConfigError, match="no column gives the lead id"):
            read_csv(path, {"Created": "created_at"})

    def test_bad_errors_argument(self, tmp_path: Path) -> None:
        """An unknown errors mode is refused."""
        with pytest.raises(ValidationError, match="'raise' or 'collect'"):
            read_csv(basic_file(tmp_path), BASIC, errors="ignore")  # type: ignore[arg-type]

    def test_bom_and_empty_cells(self, tmp_path: Path) -> None:
        """A byte-order mark is fine, and empty (or blank) cells are missing values."""
        path = write_csv(
            tmp_path / "leads.csv", HEADER, [row(Lead_ID="a", Created="2024-05-01T00:00Z", Email="  ")], bom=True
        )
        (lead,) = read_csv(path, BASIC)
        assert lead.contact.email is None
        assert lead.company.employees is None
        assert lead.attributes == {}

    def test_blank_rows_are_skipped_and_lines_count_quoted_newlines(self, tmp_path: Path) -> None:
        """Lines are those of the file: a quoted cell over several lines counts each; blank rows are skipped."""
        path = tmp_path / "leads.csv"
        path.write_text(
            "Lead ID,Created,Email,Employees,Age,Segment,Notes\n"
            'a,2024-05-01T00:00Z,,,,,"two\nlines"\n'
            "\n"
            ",,,,,,\n"
            "b,2024-05-01T00:00Z,,-3,,,\n",
            encoding="utf-8",
        )
        batch = collect(path)
        assert batch.read == 2
        assert [p.location for p in batch.problems] == ["leads[1].company.employees (line 6)"]
        assert "column 'Employees'" in str(batch.problems[0])

    def test_all_problems_of_a_row(self, tmp_path: Path) -> None:
        """Cells that cannot be read and values the model refuses are all reported, each naming its column."""
        path = basic_file(
            tmp_path, row(Lead_ID="a", Created="yesterday", Email="not-an-email", Employees="-1", Age="x")
        )
        with pytest.raises(ValidationError) as excinfo:
            read_csv(path, BASIC)
        found = {p.location: str(p) for p in excinfo.value.problems}
        assert set(found) == {
            "leads[0].created_at (line 2)",
            "leads[0].attributes.age (line 2)",
            "leads[0].contact.email (line 2)",
            "leads[0].company.employees (line 2)",
        }
        assert "column 'Created'" in found["leads[0].created_at (line 2)"]
        assert "an ISO 8601 timestamp" in found["leads[0].created_at (line 2)"]
        assert "column 'Age'" in found["leads[0].attributes.age (line 2)"]
        assert "column 'Email'" in found["leads[0].contact.email (line 2)"]
        assert "a non-negative integer" in found["leads[0].company.employees (line 2)"]

    @pytest.mark.parametrize(
        ("cell", "fragment"),
        [
            ("1,234", "a number like 1234.5"),
            ("1,234", "thousands separators"),
            ("nan", "a number like 1234.5"),
            ("inf", "a number like 1234.5"),
            ("-Infinity", "a number like 1234.5"),
            ("1_000", "a number like 1234.5"),
            ("١٢", "a number like 1234.5"),
            ("0x10", "a number like 1234.5"),
            ("1e400", "too large"),
            ("1" * 5000, "too many digits"),
        ],
    )
    def test_strict_numbers(self, tmp_path: Path, cell: str, fragment: str) -> None:
        """Numbers are plain decimal text; anything else is a row problem naming the column."""
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z", Age=cell))
        batch = collect(path)
        assert [p.location for p in batch.problems] == ["leads[0].attributes.age (line 2)"]
        assert fragment in str(batch.problems[0])
        assert "column 'Age'" in str(batch.problems[0])

    @pytest.mark.parametrize(("cell", "value"), [("12", 12), ("-0.5", -0.5), ("+3", 3), ("1e3", 1000.0), (".5", 0.5)])
    def test_numbers(self, tmp_path: Path, cell: str, value: float) -> None:
        """Decimal numbers, signs and exponents are read; whole numbers stay integers."""
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z", Age=cell))
        (lead,) = read_csv(path, BASIC)
        assert lead.attributes["age"] == value
        assert type(lead.attributes["age"]) is type(value)

    @pytest.mark.parametrize("cell", ["12.0", "1e3", "1,200"])
    def test_integers_have_no_decimals(self, tmp_path: Path, cell: str) -> None:
        """An integer column refuses decimals and exponents."""
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z", Employees=cell))
        batch = collect(path)
        assert "a whole number like 1234" in str(batch.problems[0])

    @pytest.mark.parametrize(
        ("cell", "value"),
        [("true", True), ("FALSE", False), ("Yes", True), ("no", False), ("1", True), ("0", False)],
    )
    def test_booleans(self, tmp_path: Path, cell: str, value: bool) -> None:
        """Booleans are true/false, yes/no or 1/0, in any case."""
        mapping = with_columns(Segment={"field": "attributes.vip", "type": "boolean"})
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z", Segment=cell))
        (lead,) = read_csv(path, mapping)
        assert lead.attributes["vip"] is value

    def test_bad_boolean(self, tmp_path: Path) -> None:
        """Any other boolean text is a row problem."""
        mapping = with_columns(Segment={"field": "attributes.vip", "type": "boolean"})
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z", Segment="maybe"))
        batch = collect(path, mapping)
        assert "true or false" in str(batch.problems[0])
        assert batch.problems[0].path == ("leads", 0, "attributes", "vip")

    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("2024-05-01T09:30:00Z", datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)),
            ("2024-05-01T09:30:00z", datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)),
            ("2024-05-01T09:30:00+02:00", datetime(2024, 5, 1, 7, 30, tzinfo=timezone.utc)),
            ("2024-05-01T09:30:00", datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)),  # Lisbon is UTC+1 in May
            ("2024-05-01", datetime(2024, 4, 30, 23, 0, tzinfo=timezone.utc)),  # midnight in Lisbon
            ("2024-01-15 10:00", datetime(2024, 1, 15, 10, 0, tzinfo=timezone.utc)),  # UTC+0 in winter
        ],
    )
    def test_timestamps(self, tmp_path: Path, cell: str, expected: datetime) -> None:
        """ISO 8601 timestamps, with a Z, an offset, or none (then in the mapping's time zone)."""
        path = basic_file(tmp_path, row(Lead_ID="a", Created=cell))
        (lead,) = read_csv(path, {**BASIC, "timezone": "Europe/Lisbon"})
        assert lead.created_at == expected

    def test_naive_timestamp_without_timezone(self, tmp_path: Path) -> None:
        """Without a mapping time zone, a timestamp without an offset is a row problem saying what to add."""
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01"))
        batch = collect(path)
        (problem,) = batch.problems
        assert problem.location == "leads[0].created_at (line 2)"
        assert "no UTC offset" in str(problem)
        assert "`timezone:` in the mapping" in str(problem)
        assert "column 'Created'" in str(problem)

    def test_timestamp_attributes_are_iso_text(self, tmp_path: Path) -> None:
        """A timestamp in attributes is stored as ISO 8601 text with its offset (attributes hold JSON values)."""
        mapping = {**with_columns(Segment={"field": "attributes.since", "type": "timestamp"}), "timezone": "UTC"}
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z", Segment="2023-02-03"))
        (lead,) = read_csv(path, mapping)
        assert lead.attributes["since"] == "2023-02-03T00:00:00+00:00"

    def test_dotted_attribute_keys_stay_flat(self, tmp_path: Path) -> None:
        """attributes.utm.source is the attribute named 'utm.source'."""
        path = basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z", Segment="ads"))
        (lead,) = read_csv(path, with_columns(Segment="attributes.utm.source"))
        assert lead.attributes == {"utm.source": "ads"}

    def test_bant(self, tmp_path: Path) -> None:
        """bant.<criterion> columns hold the criterion's status."""
        path = basic_file(
            tmp_path,
            row(Lead_ID="a", Created="2024-05-01T00:00Z", Segment="Yes"),
            row(Lead_ID="b", Created="2024-05-01T00:00Z", Segment="maybe"),
        )
        batch = collect(path, with_columns(Segment="bant.budget"))
        assert [lead.bant.budget.status for lead in batch] == [CriterionStatus.YES]
        assert [p.location for p in batch.problems] == ["leads[1].bant.budget (line 3)"]
        assert "column 'Segment'" in str(batch.problems[0])

    def test_defaults(self, tmp_path: Path) -> None:
        """Defaults give fields no column gives, read like cells."""
        mapping = with_leads(
            columns={"Lead ID": "id", "Email": "contact.email"},
            rest="ignore",
            defaults={
                "created_at": "2024-05-01",
                "source": "telemarketing",
                "company.employees": "50",
                "attributes.vip": True,
            },
        )
        path = basic_file(tmp_path, row(Lead_ID="a"))
        (lead,) = read_csv(path, {**mapping, "timezone": "UTC"})
        assert lead.created_at == datetime(2024, 5, 1, tzinfo=timezone.utc)
        assert (lead.source, lead.company.employees, lead.attributes) == ("telemarketing", 50, {"vip": True})

    def test_a_default_the_model_refuses_is_a_row_problem(self, tmp_path: Path) -> None:
        """A default that reads but is invalid for the model fails the rows, saying it is the mapping's default."""
        mapping = with_leads(defaults={"company.country": "XX"})
        batch = collect(basic_file(tmp_path, row(Lead_ID="a", Created="2024-05-01T00:00Z")), mapping)
        assert [p.location for p in batch.problems] == ["leads[0].company.country (line 2)"]
        assert "a default of the mapping" in str(batch.problems[0])

    def test_row_ids(self, tmp_path: Path) -> None:
        """With row_ids, leads get the id row-<n>, n the 1-based data row."""
        mapping = with_columns(Lead_ID=None)
        mapping["leads"]["row_ids"] = True
        mapping["leads"]["ignore"] = ["Notes", "Lead ID"]
        path = basic_file(tmp_path, row(Created="2024-05-01T00:00Z"), row(Created="2024-05-02T00:00Z"))
        assert [lead.id for lead in read_csv(path, mapping)] == ["row-1", "row-2"]

    def test_duplicate_ids(self, tmp_path: Path) -> None:
        """A lead id an earlier row has fails the later row, naming the earlier one."""
        created = "2024-05-01T00:00Z"
        path = basic_file(tmp_path, row(Lead_ID="a", Created=created), row(Lead_ID=" a ", Created=created))
        batch = collect(path)
        assert [lead.id for lead in batch] == ["a"]
        (problem,) = batch.problems
        assert problem.location == "leads[1].id (line 3)"
        assert "duplicate id 'a': row 0 (line 2) has it too" in str(problem)

    def test_wrong_number_of_cells(self, tmp_path: Path) -> None:
        """A row with more or fewer cells than the header is a row problem."""
        path = tmp_path / "leads.csv"
        path.write_text(",".join(HEADER) + "\na,2024-05-01T00:00Z\nb,2024-05-01T00:00Z,,,,,,extra\n", encoding="utf-8")
        batch = collect(path)
        assert [p.location for p in batch.problems] == ["leads[0] (line 2)", "leads[1] (line 3)"]
        assert "expected 7 cells, one per header column (got 2 cells)" in str(batch.problems[0])
        assert batch.failed_rows == (0, 1)

    # --- outcome

    def test_outcomes(self, tmp_path: Path) -> None:
        """Outcomes are aligned with the valid leads; a cell that is neither won nor lost fails its row."""
        mapping = {"ID": "id", "Created": "created_at"}
        mapping = {"leads": {"columns": mapping}, "outcome": {"column": "y", "won": ["yes", "Y"], "lost": ["no"]}}
        rows = [["a", "yes"], ["b", " no "], ["c", "maybe"], ["d", ""], ["e", "Y"]]
        path = write_csv(tmp_path / "leads.csv", ["ID", "Created", "y"], [[i, "2024-05-01T00:00Z", y] for i, y in rows])
        batch = collect(path, mapping)
        assert [lead.id for lead in batch] == ["a", "b", "e"]
        assert batch.outcomes == (True, False, True)
        assert [p.location for p in batch.problems] == ["leads[2].outcome (line 4)", "leads[3].outcome (line 5)"]
        assert "column 'y'; expected a won value ('yes', 'Y') or a lost value ('no') (got 'maybe')" in str(
            batch.problems[0]
        )
        assert "column 'y': empty" in str(batch.problems[1])

    # --- rest

    def test_unmapped_columns_are_an_error_listing_all(self, tmp_path: Path) -> None:
        """With rest: error, every column named nowhere is listed, with how to fix it."""
        path = write_csv(tmp_path / "leads.csv", [*HEADER, "Extra", "More"], [])
        with pytest.raises(ValidationError) as excinfo:
            read_csv(path, BASIC)
        message = str(excinfo.value)
        assert "not name: 'Extra', 'More'" in message
        for hint in ("leads.columns", "leads.ignore", "rest: attributes", "rest: ignore"):
            assert hint in message
        assert excinfo.value.line == 1

    def test_rest_attributes(self, tmp_path: Path) -> None:
        """With rest: attributes, other columns are kept as text under their name."""
        path = write_csv(
            tmp_path / "leads.csv", [*HEADER, "Extra"], [[*row(Lead_ID="a", Created="2024-05-01T00:00Z"), "7"]]
        )
        (lead,) = read_csv(path, with_leads(rest="attributes"))
        assert lead.attributes == {"Extra": "7"}

    def test_rest_attributes_collision(self, tmp_path: Path) -> None:
        """A column kept in attributes may not land on an attribute the mapping fills."""
        path = write_csv(tmp_path / "leads.csv", [*HEADER, "segment", ""], [])
        with pytest.raises(ValidationError) as excinfo:
            read_csv(path, with_leads(rest="attributes"))
        message = str(excinfo.value)
        assert "column 'segment' would be kept as attributes.segment" in message
        assert "column 9 of leads.csv has no name" in message

    def test_rest_ignore(self, tmp_path: Path) -> None:
        """With rest: ignore, other columns are not read."""
        path = write_csv(
            tmp_path / "leads.csv", [*HEADER, "Extra"], [[*row(Lead_ID="a", Created="2024-05-01T00:00Z"), "7"]]
        )
        (lead,) = read_csv(path, with_leads(rest="ignore"))
        assert lead.attributes == {}

    # --- file-level errors

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file names it."""
        with pytest.raises(ValidationError, match=r"cannot read .*nowhere\.csv"):
            read_csv(tmp_path / "nowhere.csv", BASIC)

    def test_missing_column(self, tmp_path: Path) -> None:
        """A mapped column absent from the header is named, with the closest header column."""
        path = write_csv(tmp_path / "leads.csv", ["Lead ID", "Created", "E-mail", "Employees", "Age", "Segment"], [])
        with pytest.raises(ValidationError) as excinfo:
            read_csv(path, BASIC)
        assert "column 'Email' is not in the header (did you mean 'E-mail'?)" in str(excinfo.value)
        assert "contact.email" in str(excinfo.value)
        assert excinfo.value.line == 1

    def test_missing_outcome_column(self, tmp_path: Path) -> None:
        """The outcome column must be in the header too."""
        path = basic_file(tmp_path)
        with pytest.raises(ValidationError, match="column 'y' is not in the header"):
            read_csv(path, {**BASIC, "outcome": {"column": "y", "won": "1", "lost": "0"}})

    def test_duplicate_header(self, tmp_path: Path) -> None:
        """A header naming a column twice is refused."""
        path = write_csv(tmp_path / "leads.csv", [*HEADER, "Email", "Notes"], [])
        with pytest.raises(ValidationError, match="repeats 'Email', 'Notes'"):
            read_csv(path, BASIC)

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [("", r"leads\.csv is empty"), ("\n\n", "names no column"), (",,\n", "names no column")],
    )
    def test_empty_file(self, tmp_path: Path, text: str, fragment: str) -> None:
        """A file without a header is refused."""
        path = tmp_path / "leads.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValidationError, match=fragment) as excinfo:
            read_csv(path, BASIC)
        assert "expected a header row naming the columns" in str(excinfo.value)

    def test_header_only(self, tmp_path: Path) -> None:
        """A header without rows is zero leads."""
        assert read_csv(basic_file(tmp_path), BASIC) == LeadBatch((), (), 0)

    def test_undecodable_file(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are a ValidationError, not a UnicodeDecodeError."""
        path = tmp_path / "leads.csv"
        path.write_bytes(",".join(HEADER).encode() + b"\n\xff\xfe,x\n")
        with pytest.raises(ValidationError, match="cannot decode"):
            read_csv(path, BASIC)

    def test_invalid_csv(self, tmp_path: Path) -> None:
        """A CSV error (here a cell over the csv module's size limit) is a ValidationError with a line."""
        path = tmp_path / "leads.csv"
        path.write_text(",".join(HEADER) + '\na,b,"' + "x" * (csv.field_size_limit() + 1) + '"\n', encoding="utf-8")
        with pytest.raises(ValidationError, match="invalid CSV") as excinfo:
            read_csv(path, BASIC)
        assert excinfo.value.line == 2

    def test_path_argument_of_the_wrong_kind(self) -> None:
        """A path that is not one is a ValidationError."""
        with pytest.raises(ValidationError, match="the path of the leads CSV file"):
            read_csv(3, BASIC)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- interactions and history

LONG = {
    **BASIC,
    "interactions": {
        "columns": {"Lead ID": "lead_id", "Type": "kind", "When": "at", "Value": "value", "UTM": "properties.utm"}
    },
    "history": {
        "columns": {"Lead ID": "lead_id", "From": "from_stage", "To": "to_stage", "When": "at", "Status": "status"}
    },
}
I_HEADER = ["Lead ID", "Type", "When", "Value", "UTM", "Ignored"]
H_HEADER = ["Lead ID", "From", "To", "When", "Status"]


def long_files(tmp_path: Path, interactions: list[list[Any]], history: list[list[Any]]) -> dict[str, Path]:
    created = "2024-05-01T00:00Z"
    leads_path = basic_file(tmp_path, row(Lead_ID="a", Created=created), row(Lead_ID="b", Created=created))
    return {
        "path": leads_path,
        "interactions": write_csv(tmp_path / "interactions.csv", I_HEADER, interactions),
        "history": write_csv(tmp_path / "history.csv", H_HEADER, history),
    }


class TestLongTables:
    def test_interactions_and_history_are_attached(self, tmp_path: Path) -> None:
        """Interactions join their lead (in time order); changes are sorted, chained, and set stage and status."""
        files = long_files(
            tmp_path,
            [
                ["a", "demo_request", "2024-05-03T00:00Z", "", "ads", "x"],
                ["a", "page_view", "2024-05-02T00:00Z", "2.5", "", ""],
                ["b", "page_view", "2024-05-02T00:00Z", "", "", ""],
            ],
            [
                ["a", "", "mql", "2024-05-04T00:00Z", ""],
                ["a", "", "lead", "2024-05-03T00:00Z", "new"],
                ["b", "", "lead", "2024-05-03T00:00Z", "new"],
                ["b", "lead", "lead", "2024-05-03T00:00Z", "working"],
            ],
        )
        a, b = read_csv(mapping=LONG, **files)
        assert [(i.kind, i.value, dict(i.properties)) for i in a.interactions] == [
            ("page_view", 2.5, {}),
            ("demo_request", None, {"utm": "ads"}),
        ]
        assert [(c.from_stage, c.to_stage, c.status) for c in a.history] == [
            (None, "lead", "new"),
            ("lead", "mql", None),
        ]
        assert (a.stage, a.status) == ("mql", None)
        assert [(c.from_stage, c.to_stage, c.status) for c in b.history] == [
            (None, "lead", "new"),
            ("lead", "lead", "working"),
        ]
        assert (b.stage, b.status) == ("lead", "working")

    def test_typed_properties_and_the_time_zone(self, tmp_path: Path) -> None:
        """Interaction properties may declare a type, and times without an offset take the mapping's zone."""
        columns = {**LONG["interactions"]["columns"], "UTM": {"field": "properties.utm", "type": "integer"}}
        mapping = {**LONG, "timezone": "UTC", "interactions": {"columns": columns}}
        files = long_files(tmp_path, [["a", "chat", "2024-05-02 10:00", "", "7", ""]], [])
        a, _ = read_csv(mapping=mapping, **files)
        assert a.interactions[0].at == datetime(2024, 5, 2, 10, tzinfo=timezone.utc)
        assert a.interactions[0].properties == {"utm": 7}

    def test_unknown_lead_is_reported_in_its_file(self, tmp_path: Path) -> None:
        """A row naming no lead is a problem of its file; it fails no lead, and the counts still add up."""
        files = long_files(
            tmp_path,
            [["zz", "page_view", "2024-05-02T00:00Z", "", "", ""], ["", "page_view", "2024-05-02T00:00Z", "", "", ""]],
            [["zz", "", "lead", "2024-05-03T00:00Z", ""]],
        )
        batch = read_csv(mapping=LONG, errors="collect", **files)
        assert [lead.id for lead in batch] == ["a", "b"]
        assert [p.location for p in batch.problems] == [
            "interactions[0].lead_id (line 2)",
            "interactions[1].lead_id (line 3)",
            "history[0].lead_id (line 2)",
        ]
        assert "unknown lead id: no row of leads.csv has it" in str(batch.problems[0])
        assert "(got 'zz')" in str(batch.problems[0])
        assert "required field missing" in str(batch.problems[1])
        assert batch.failed_rows == ()
        assert batch.read == len(batch) + len(batch.failed_rows)
        with pytest.raises(ValidationError, match="unknown lead id"):
            read_csv(mapping=LONG, **files)

    def test_a_bad_interaction_fails_its_lead(self, tmp_path: Path) -> None:
        """A bad interaction row fails its lead: the lead's problem lists the row, located in its own file."""
        files = long_files(
            tmp_path,
            [
                ["a", "Page View", "2024-05-02T00:00Z", "", "", ""],
                ["a", "Page View", "2024-05-02T00:00Z", "x", "", ""],
                ["a", "page_view", "soon", "", "", ""],
            ],
            [],
        )
        batch = read_csv(mapping=LONG, errors="collect", **files)
        assert [lead.id for lead in batch] == ["b"]
        assert [p.location for p in batch.problems] == [
            "leads[0].interactions (line 2)",
            "interactions[0].kind (line 2)",
            "interactions[1].value (line 3)",
            "interactions[1].kind (line 3)",
            "interactions[2].at (line 4)",
        ]
        assert "interactions[0] (line 2), interactions[1] (line 3), interactions[2] (line 4)" in str(batch.problems[0])
        assert "column 'Type'" in str(batch.problems[1])
        assert "column 'Value'" in str(batch.problems[2])
        assert "column 'When'" in str(batch.problems[4])
        assert batch.failed_rows == (0,)

    def test_a_bad_change_fails_its_lead(self, tmp_path: Path) -> None:
        """A change that does not start where the previous one ended is located in the history file."""
        files = long_files(
            tmp_path,
            [],
            [["a", "", "lead", "2024-05-03T00:00Z", ""], ["a", "sql", "mql", "2024-05-04T00:00Z", ""]],
        )
        batch = read_csv(mapping=LONG, errors="collect", **files)
        assert [lead.id for lead in batch] == ["b"]
        assert [p.location for p in batch.problems] == ["leads[0].history (line 2)", "history[1].from_stage (line 3)"]
        assert "column 'From'" in str(batch.problems[1])
        assert "'lead', the stage entered before it" in str(batch.problems[1])

    def test_a_change_without_time_or_stage(self, tmp_path: Path) -> None:
        """A change needs a time and a stage; the model's own checks apply to the rest."""
        files = long_files(tmp_path, [], [["a", "", "lead", "", ""], ["b", "", "", "2024-05-03T00:00Z", ""]])
        batch = read_csv(mapping=LONG, errors="collect", **files)
        assert [p.location for p in batch.problems] == [
            "leads[0].history (line 2)",
            "history[0].at (line 2)",
            "leads[1].history (line 3)",
            "history[1].to_stage (line 3)",
        ]

    def test_stage_column_wins_and_is_checked(self, tmp_path: Path) -> None:
        """A lead's own stage cell is kept, and must agree with where its history ends."""
        mapping = {**LONG, "leads": {**LONG["leads"], "columns": {**BASIC["leads"]["columns"], "Segment": "stage"}}}
        created = "2024-05-01T00:00Z"
        path = basic_file(
            tmp_path, row(Lead_ID="a", Created=created, Segment="mql"), row(Lead_ID="b", Created=created, Segment="sql")
        )
        history = write_csv(
            tmp_path / "history.csv", H_HEADER, [["a", "", "mql", created, ""], ["b", "", "mql", created, ""]]
        )
        batch = read_csv(path, mapping, history=history, errors="collect")
        assert [(lead.id, lead.stage) for lead in batch] == [("a", "mql")]
        assert [p.location for p in batch.problems] == ["leads[1].stage (line 3)"]
        assert "column 'Segment'" in str(batch.problems[0])

    def test_misshapen_rows(self, tmp_path: Path) -> None:
        """A lead row with the wrong number of cells keeps its interactions (they are not orphans); a misshapen
        interaction row that names a lead fails it."""
        created = "2024-05-01T00:00Z"
        path = tmp_path / "leads.csv"
        path.write_text(",".join(HEADER) + f"\na,{created}\nb,{created},,,,,\n", encoding="utf-8")
        interactions = tmp_path / "interactions.csv"
        interactions.write_text(",".join(I_HEADER) + f"\na,chat,{created},,,\nb,chat\n", encoding="utf-8")
        batch = read_csv(path, LONG, interactions=interactions, errors="collect")
        assert [p.location for p in batch.problems] == [
            "leads[0] (line 2)",
            "leads[1].interactions (line 3)",
            "interactions[1] (line 3)",
        ]
        assert (batch.read, len(batch), batch.failed_rows) == (2, 0, (0, 1))

    def test_file_without_its_section(self, tmp_path: Path) -> None:
        """A file given for a section the mapping lacks is a ConfigError."""
        files = long_files(tmp_path, [], [])
        with pytest.raises(ConfigError, match="the mapping has no interactions section"):
            read_csv(files["path"], BASIC, interactions=files["interactions"])
        with pytest.raises(ConfigError, match="the mapping has no history section"):
            read_csv(files["path"], BASIC, history=files["history"])

    def test_missing_columns_of_long_files(self, tmp_path: Path) -> None:
        """Missing columns of every file are reported together."""
        files = long_files(tmp_path, [], [])
        write_csv(files["history"], ["Lead", "From", "To", "When", "Status"], [])
        write_csv(files["interactions"], ["Lead ID", "Type", "When"], [])
        with pytest.raises(ValidationError) as excinfo:
            read_csv(mapping=LONG, **files)
        assert [p.reason for p in excinfo.value.problems] == [
            "column 'Value' is not in the header",
            "column 'UTM' is not in the header",
            "column 'Lead ID' is not in the header (did you mean 'Lead'?)",
        ]
        assert "history.csv" in str(excinfo.value.problems[2])

    def test_missing_long_file(self, tmp_path: Path) -> None:
        """A missing interactions file is named."""
        files = long_files(tmp_path, [], [])
        files["interactions"].unlink()
        with pytest.raises(ValidationError, match=r"cannot read .*interactions\.csv"):
            read_csv(mapping=LONG, **files)


# --------------------------------------------------------------------------- read_csv: properties

ALL_COLUMNS: dict[str, Any] = {
    "ID": "id",
    "Created": "created_at",
    "Source": "source",
    "Stage": "stage",
    "Status": "status",
    "Name": "contact.name",
    "Email": "contact.email",
    "Phone": "contact.phone",
    "Title": "contact.title",
    "Company": "company.name",
    "Domain": "company.domain",
    "Industry": "company.industry",
    "Employees": "company.employees",
    "Revenue": "company.annual_revenue",
    "Country": "company.country",
    "Budget": "bant.budget",
    "Authority": "bant.authority",
    "Need": "bant.need",
    "Timeline": "bant.timeline",
    "Segment": "attributes.segment",
    "Score": {"field": "attributes.score", "type": "number"},
    "VIP": {"field": "attributes.vip", "type": "boolean"},
    "Since": {"field": "attributes.since", "type": "timestamp"},
}
ROUND_TRIP = ColumnMapping.from_dict(
    {
        "leads": {"columns": ALL_COLUMNS},
        "interactions": {
            "columns": {
                "Lead": "lead_id",
                "Kind": "kind",
                "At": "at",
                "Channel": "channel",
                "Value": "value",
                "UTM": "properties.utm",
            }
        },
        "history": {
            "columns": {
                "Lead": "lead_id",
                "From": "from_stage",
                "To": "to_stage",
                "At": "at",
                "Why": "reason",
                "Who": "by",
                "Status": "status",
            }
        },
    }
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, CriterionStatus):
        return value.value
    return str(value)


def _lead_cells(lead: Lead) -> list[str]:
    """The cells of a lead's row under ALL_COLUMNS."""
    data = {
        "ID": lead.id,
        "Created": lead.created_at,
        "Source": lead.source,
        "Stage": lead.stage,
        "Status": lead.status,
        "Name": lead.contact.name,
        "Email": lead.contact.email,
        "Phone": lead.contact.phone,
        "Title": lead.contact.title,
        "Company": lead.company.name,
        "Domain": lead.company.domain,
        "Industry": lead.company.industry,
        "Employees": lead.company.employees,
        "Revenue": lead.company.annual_revenue,
        "Country": lead.company.country,
        "Budget": lead.bant.budget.status,
        "Authority": lead.bant.authority.status,
        "Need": lead.bant.need.status,
        "Timeline": lead.bant.timeline.status,
        **{name: lead.attributes.get(name.lower()) for name in ("Segment", "Score", "VIP", "Since")},
    }
    return [_cell(data[name]) for name in ALL_COLUMNS]


def write_leads_csv(directory: Path, items: Sequence[Lead]) -> dict[str, Path]:
    """Write leads as three CSV files under ROUND_TRIP: leads, interactions (newest first), history."""
    paths = {"path": directory / "leads.csv", "interactions": directory / "i.csv", "history": directory / "h.csv"}
    write_csv(paths["path"], list(ALL_COLUMNS), [_lead_cells(lead) for lead in items])
    interactions = [
        [lead.id, i.kind, _cell(i.at), _cell(i.channel), _cell(i.value), _cell(i.properties.get("utm"))]
        for lead in items
        for i in reversed(lead.interactions)
    ]
    write_csv(paths["interactions"], ["Lead", "Kind", "At", "Channel", "Value", "UTM"], interactions)
    history = [
        [lead.id, _cell(c.from_stage), c.to_stage, _cell(c.at), _cell(c.reason), _cell(c.by), _cell(c.status)]
        for lead in items
        for c in lead.history
    ]
    write_csv(paths["history"], ["Lead", "From", "To", "At", "Why", "Who", "Status"], history)
    return paths


def _line_count(cells: Sequence[str]) -> int:
    """How many lines a row takes in a CSV file, as universal newlines split them."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(cells)
    return len(io.StringIO(buffer.getvalue(), newline="").readlines())


def _text() -> st.SearchStrategy[str]:
    return texts(max_size=20).filter(lambda t: "\x00" not in t)  # the csv module refuses NUL before Python 3.11


def _csv_lead(lead: Lead, attributes: dict[str, Any], statuses: list[CriterionStatus], utm: list[str | None]) -> Lead:
    """A lead made representable by ROUND_TRIP: attributes it maps, BANT statuses, one text property."""
    interactions = [
        attrs.evolve(i, properties={} if u is None else {"utm": u})
        for i, u in zip(lead.interactions, utm + [None] * len(lead.interactions), strict=False)
    ]
    bant = BANT(budget=statuses[0], authority=statuses[1], need=statuses[2], timeline=statuses[3])
    return attrs.evolve(lead, attributes=attributes, bant=bant, interactions=interactions)


def csv_leads() -> st.SearchStrategy[Lead]:
    return st.builds(
        _csv_lead,
        leads(max_interactions=3),
        st.fixed_dictionaries(
            {},
            optional={
                "segment": _text(),
                "score": st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False),
                "vip": st.booleans(),
                "since": aware_datetimes().map(datetime.isoformat),
            },
        ),
        st.lists(st.sampled_from(list(CriterionStatus)), min_size=4, max_size=4),
        st.lists(st.none() | _text(), max_size=3),
    ).filter(lambda lead: not _has_nul(lead.to_dict()))


def _has_nul(value: Any) -> bool:
    """Whether any text in a lead's plain data (cells of all three files) holds NUL, which csv refuses on 3.10."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class TestReadCsvProperties:
    @FILES
    @given(items=st.lists(csv_leads(), max_size=4, unique_by=lambda lead: lead.id))
    def test_written_leads_read_back_equal(self, tmp_path: Path, items: list[Lead]) -> None:
        """Valid leads written to CSV files come back equal, in order, with their interactions and history."""
        batch = read_csv(mapping=ROUND_TRIP, **write_leads_csv(tmp_path, items))
        assert list(batch) == items
        assert (batch.read, batch.problems) == (len(items), ())

    @FILES
    @given(
        items=st.lists(
            st.tuples(
                csv_leads(),
                st.none()
                | st.sampled_from(
                    [
                        ("Employees", "1,234"),
                        ("Created", "tomorrow"),
                        ("Email", "nobody"),
                        ("Score", "nan"),
                        ("Country", "XX"),
                        ("VIP", "perhaps"),
                        ("Budget", "sort of"),
                    ]
                ),
            ),
            max_size=6,
            unique_by=lambda pair: pair[0].id,
        )
    )
    def test_corrupted_cells_fail_only_their_rows(
        self, tmp_path: Path, items: list[tuple[Lead, tuple[str, str] | None]]
    ) -> None:
        """With cells corrupted, exactly those rows fail, the good ones are kept in order, and the counts add up."""
        files = write_leads_csv(tmp_path, [lead for lead, _ in items])
        names = list(ALL_COLUMNS)
        rows = [_lead_cells(lead) for lead, _ in items]
        for cells, (_, corruption) in zip(rows, items, strict=True):
            if corruption is not None:
                cells[names.index(corruption[0])] = corruption[1]
        write_csv(files["path"], names, rows)
        batch = read_csv(mapping=ROUND_TRIP, errors="collect", **files)
        assert batch.read == len(batch.leads) + len(batch.failed_rows) == len(items)
        assert batch.failed_rows == tuple(i for i, (_, c) in enumerate(items) if c is not None)
        assert list(batch) == [lead for lead, c in items if c is None]
        starts = [2]  # the line each row starts on, counting the lines quoted cells span
        for cells in rows:
            starts.append(starts[-1] + _line_count(cells))
        for problem in batch.problems:
            assert problem.path[0] == "leads"
            assert problem.line == starts[int(problem.path[1])]

    @settings(max_examples=scaled(200))
    @given(text=st.text(st.characters(codec="utf-8"), max_size=300))
    def test_any_text_raises_only_leadkit_errors(self, text: str) -> None:
        """Whatever the file holds, read_csv returns a batch or raises a LeadkitError."""
        import tempfile

        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "leads.csv"
            path.write_text(",".join(HEADER) + "\n" + text, encoding="utf-8", newline="")
            with contextlib.suppress(LeadkitError):
                batch = read_csv(path, {**BASIC, "timezone": "UTC"}, errors="collect")
                assert batch.read == len(batch) + len(batch.failed_rows)


class TestDelimiter:
    def test_semicolon_separated_files(self, tmp_path: Path) -> None:
        path = tmp_path / "calls.csv"
        path.write_text('"id";"created";"job"\n"c1";"2026-11-02T09:30:00+00:00";"admin."\n', encoding="utf-8")
        mapping = ColumnMapping.from_dict(
            {"delimiter": ";", "leads": {"columns": {"id": "id", "created": "created_at", "job": "attributes.job"}}}
        )
        (lead,) = read_csv(path, mapping).leads
        assert lead.attributes["job"] == "admin."
        assert mapping.to_dict()["delimiter"] == ";"
        assert ColumnMapping.from_yaml(mapping.to_yaml()) == mapping
        assert "delimiter" not in attrs.evolve(mapping, delimiter=",").to_dict()

    @pytest.mark.parametrize("bad", ["", ";;", "a", "1", '"', "\n", 3])
    def test_bad_delimiters_are_refused(self, bad: object) -> None:
        with pytest.raises(ConfigError, match="delimiter"):
            ColumnMapping.from_dict({"delimiter": bad, "leads": {"columns": {"id": "id", "c": "created_at"}}})
