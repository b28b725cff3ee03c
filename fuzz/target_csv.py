"""Targets ``mapping`` and ``csv``: column mappings, and CSV files read with them.

``mapping`` reads column mappings with `leadkit.load_mapping` (a YAML file),
``ColumnMapping.from_yaml`` and ``ColumnMapping.from_dict`` (document and
flat forms), starting from a corpus of valid mappings and mutating them; a
mapping that loads must read back equal from its own document form.

``csv`` reads generated CSV files with `leadkit.read_csv`: a leads file and
optional interactions and history files, whose headers follow the mapping
(shuffled, with a column missing, repeated, blank or extra) and whose cells
are drawn for each column's type (timestamps around daylight-saving changes
and the ends of the calendar, numbers at their limits, odd text), in ragged
rows, with odd line endings and encodings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import _generators as gen
from _harness import Target
from _source import literal
from hypothesis import strategies as st

from leadkit import ColumnMapping, LeadkitError, load_mapping, read_csv

_FULL: dict[str, Any] = {
    "version": 1,
    "timezone": "UTC",
    "leads": {
        "columns": {
            "Lead ID": "id",
            "Created": "created_at",
            "Email": "contact.email",
            "Phone": "contact.phone",
            "Name": "contact.name",
            "Company": "company.name",
            "Employees": "company.employees",
            "Revenue": "company.annual_revenue",
            "Country": "company.country",
            "Source": "source",
            "Stage": "stage",
            "Budget": "bant.budget",
            "Age": {"field": "attributes.age", "type": "number"},
            "Opt-in": {"field": "attributes.opt_in", "type": "boolean"},
            "Seen": {"field": "attributes.seen", "type": "timestamp"},
            "Count": {"field": "attributes.count", "type": "integer"},
        },
        "ignore": ["Notes"],
        "rest": "attributes",
        "defaults": {"status": "new", "attributes.origin": "csv"},
    },
    "outcome": {"column": "Won", "won": ["yes", "1"], "lost": ["no", "0"]},
    "interactions": {
        "columns": {
            "Lead": "lead_id",
            "Type": "kind",
            "When": "at",
            "Channel": "channel",
            "Value": "value",
            "UTM": "properties.utm",
        }
    },
    "history": {
        "columns": {"Lead": "lead_id", "To": "to_stage", "When": "at", "From": "from_stage", "Status": "status"}
    },
}

MAPPINGS: tuple[Any, ...] = (
    _FULL,
    {"ID": "id", "Created": "created_at", "Email": "contact.email"},
    {
        "delimiter": ";",
        "timezone": "Europe/Lisbon",
        "leads": {
            "columns": {"Mail": "contact.email", "When": "created_at", "Employees": "company.employees"},
            "row_ids": True,
            "rest": "ignore",
        },
        "outcome": {"column": "y", "won": "yes", "lost": ["no"]},
    },
    {
        "delimiter": "\t",
        "timezone": "Asia/Tokyo",
        "leads": {
            "columns": {"id": "id", "phone": "contact.phone", "need": "bant.need", "score": "attributes.score"},
            "defaults": {"created_at": "2024-05-01", "source": "fair", "company.employees": 5},
        },
        "interactions": {"columns": {"id": "lead_id", "kind": "kind", "at": "at"}},
    },
    {"version": 1, "timezone": "America/New_York", "leads": {"columns": {"k": "id", "t": "created_at"}}},
    {
        "timezone": "Europe/Lisbon",
        "leads": {"columns": {"id": "id", "created": "created_at"}},
        "interactions": {"columns": {"id": "lead_id", "what": "kind", "when": "at", "props": "properties.p"}},
        "history": {"columns": {"id": "lead_id", "to": "to_stage", "when": "at", "why": "reason", "st": "status"}},
    },
)
"""Valid mappings in every form: the full document, the flat form, row ids, defaults, time zones, delimiters."""

MAPPING_VALUES: tuple[Any, ...] = (
    "id",
    "created_at",
    "lead_id",
    "kind",
    "at",
    "contact.email",
    "company.employees",
    "attributes.",
    "attributes",
    "attributes.a.b",
    "properties.",
    "bant.need",
    "status",
    *("text", "number", "integer", "boolean", "timestamp", "date"),
    *("error", "attributes", "ignore"),
    *("UTC", "Europe/Lisbon", "Mars/Olympus", "../../etc/localtime", "", "utc", "Etc/GMT+14", "posixrules"),
    *(",", ";", "\t", '"', "\n", "ab", "a", "1", " ", "\x00", "\ud800"),
    {"field": "attributes.x", "type": "timestamp"},
    {"field": "company.employees", "type": "text"},
    {"field": "id"},
    {"column": "Won", "won": [], "lost": ["no"]},
    {"column": "Won", "won": ["x"], "lost": ["x"]},
    {"column": "Won", "won": [1, True, None], "lost": [2.5]},
    {"created_at": "2024-05-01T09:30:00"},
    {"created_at": "9999-12-31T23:59:59"},
    {"company.employees": "1_000"},
    {"id": "x"},
    {"columns": {}},
    {"columns": {"Lead": "lead_id"}},
)
"""Target-specific values for mappings: field paths, types, rests, time zones, delimiters, sections."""

CELLS: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "2024-05-01",
        "2024-05-01T09:30:00",
        "2024-05-01T09:30:00Z",
        "2024-05-01T09:30:00z",
        "2024-05-01T09:30:00+01:00",
        "2024-03-31T01:30:00",  # skipped in Lisbon (DST starts)
        "2024-10-27T01:30:00",  # repeated in Lisbon (DST ends)
        "2024-03-10T02:30:00",  # skipped in New York
        "0001-01-01",
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31",
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59-14:00",
        "2024-02-30",
        "20240501",
        "2024-W18-3",
        "2024-05-01T25:00:00",
        "Z",
        "1e999",
    ),
    "number": (
        "0",
        "-0",
        "1e6",
        "1E-400",
        "1e999",
        ".5",
        "5.",
        "-.5",
        "1_000",
        "1,000",
        "nan",
        "inf",
        "0x10",
        "1" * 5000,
    ),
    "integer": ("0", "-1", "007", "+5", "1.0", "1e3", "9" * 400, "1" * 4301, "1_000", "\u0661\u0662"),
    "boolean": ("true", "FALSE", "Yes", "no", "1", "0", "2", "t", "y"),
    "text": (
        "L1",
        "L2",
        "L3",
        "a@b.co",
        "not an email",
        "+49 (0)30 1234-5678",
        "DE",
        "zz",
        "yes",
        "partial",
        "inquiry",
        "lead",
        "mql",
        "demo_request",
        "Page View",
        "web",
        "x",
    ),
}
"""Cells by column type; every column also gets odd text, blanks, quotes and line breaks."""

GOOD: dict[str, tuple[str, ...]] = {
    "id": ("L1", "L2", "L3", "L4", "L5", "L6"),
    "lead_id": ("L1", "L2", "L3", "L1"),
    **{f"bant.{name}": ("yes", "No", "partial", "") for name in ("budget", "authority", "need", "timeline")},
    "created_at": ("2024-05-01T09:30:00+00:00", "2024-05-01", "2024-05-01T09:30:00Z", "2024-03-31T01:30:00"),
    "at": ("2024-05-02T09:30:00+00:00", "2024-05-03", "2024-10-27T01:30:00", "2024-05-02T09:30:00-03:00"),
    "contact.email": ("a@b.co", " Ana@Example.COM "),
    "contact.phone": ("+49 30 1234567", "030 1234567"),
    "company.country": ("DE", "us"),
    "company.employees": ("10", "0", "250"),
    "company.annual_revenue": ("1.5e6", "0"),
    "value": ("1.5e6", "0", "-3"),
    "stage": ("inquiry", "lead", "mql"),
    "to_stage": ("inquiry", "lead", "mql", "sal"),
    "from_stage": ("inquiry", "lead", ""),
    "status": ("new", "", "connected"),
    "kind": ("demo_request", "page_view", "Chat"),
    "channel": ("web", "email", ""),
    "text": ("x", "hello", "L1"),
    "number": ("1", "2.5"),
    "integer": ("3", "-7"),
    "boolean": ("true", "no"),
    "timestamp": ("2024-05-01T09:30:00+00:00", "2024-05-01"),
}
"""Plausible cells by field (or by type for other fields): most rows should get far enough to be read."""

ODD_CELLS = ("", " ", '"', '""', "a\nb", "a\rb", "\x00", "\ufeff", "a" * 200_000, ",;\t")
_ODD_TEXTS = tuple(t for t in gen.ODD_TEXTS if not any("\ud800" <= c <= "\udfff" for c in t))  # encodings: `_render`


@dataclass(frozen=True)
class CsvContext:
    """The temp folder, and the corpus of mappings (as objects and as document data)."""

    tmp: Path
    mappings: tuple[ColumnMapping, ...]


@dataclass(frozen=True)
class MappingCase:
    """One mapping load: ``how`` is ``file`` (load_mapping), ``yaml`` (from_yaml) or ``dict`` (from_dict)."""

    how: str
    payload: Any


@dataclass(frozen=True)
class CsvCase:
    """One read_csv call: the mapping (``index`` into the corpus, else ``junk``, any value), and the files' contents."""

    index: int | None
    junk: Any
    leads: str | bytes | None
    interactions: str | bytes | None
    history: str | bytes | None
    errors: str


def setup(tmp: Path) -> CsvContext:
    """Build the mappings of the corpus once."""
    return CsvContext(tmp, tuple(ColumnMapping.from_dict(m) for m in MAPPINGS))


# --------------------------------------------------------------------------- mapping target


def _mapping_cases(_: CsvContext) -> st.SearchStrategy[MappingCase]:
    data = gen.mutated(st.sampled_from(MAPPINGS), MAPPING_VALUES)
    texts = gen.texts_of(data, "yaml")

    @st.composite
    def case(draw: st.DrawFn) -> MappingCase:
        how = draw(st.sampled_from(["file", "yaml", "dict", "dict"]))
        return MappingCase(how, draw(data) if how == "dict" else draw(texts))

    return case()


def _write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return path


def call_mapping(context: CsvContext, case: MappingCase) -> None:
    """Load the mapping; one that loads must read back equal from its document form and its YAML."""
    if case.how == "dict":
        mapping = ColumnMapping.from_dict(case.payload)
    elif case.how == "yaml":
        mapping = ColumnMapping.from_yaml(case.payload)
    else:
        mapping = load_mapping(_write(context.tmp / "mapping.yaml", case.payload))
    if ColumnMapping.from_dict(mapping.to_dict()) != mapping or ColumnMapping.from_yaml(mapping.to_yaml()) != mapping:
        msg = "ColumnMapping.from_dict(mapping.to_dict()) or from_yaml(to_yaml()) differs from the mapping"
        raise AssertionError(msg)


def reproduce_mapping(_: CsvContext, case: MappingCase) -> str:
    """Python source reproducing a mapping case."""
    check = (
        "assert ColumnMapping.from_dict(mapping.to_dict()) == mapping\n"
        "assert ColumnMapping.from_yaml(mapping.to_yaml()) == mapping\n"
    )
    if case.how == "dict":
        return (
            f"from leadkit import ColumnMapping\n\nmapping = ColumnMapping.from_dict({literal(case.payload)})\n{check}"
        )
    if case.how == "yaml":
        return (
            f"from leadkit import ColumnMapping\n\nmapping = ColumnMapping.from_yaml({literal(case.payload)})\n{check}"
        )
    data = case.payload if isinstance(case.payload, bytes) else case.payload.encode("utf-8", "surrogatepass")
    return (
        "import pathlib\nimport tempfile\n\nfrom leadkit import ColumnMapping, load_mapping\n\n"
        "path = pathlib.Path(tempfile.mkdtemp()) / 'mapping.yaml'\n"
        f"path.write_bytes({literal(data)})\n"
        f"mapping = load_mapping(path)\n{check}"
    )


# --------------------------------------------------------------------------- csv target


Column = tuple[str, str, tuple[str, ...]]  # name, type, plausible cells


def _columns(mapping: ColumnMapping, section: str) -> list[Column]:
    """(column name, type, plausible cells) of a section's columns; the outcome and ignored columns too for leads."""
    columns = {"leads": mapping.leads, "interactions": mapping.interactions, "history": mapping.history}[section]
    found: list[Column] = [
        (name, column.type, GOOD.get(column.field) or GOOD[column.type]) for name, column in (columns or {}).items()
    ]
    if section == "leads":
        found += [(name, "text", GOOD["text"]) for name in mapping.ignore]
        if mapping.outcome is not None:
            found.append((mapping.outcome.column, "text", (*mapping.outcome.won, *mapping.outcome.lost)))
    return found


def _cell(draw: st.DrawFn, column: Column, clean: bool) -> str:
    """A plausible cell (always in a clean row, else three times in four); else a hostile one."""
    _, kind, good = column
    hostile = 11 if clean else draw(st.integers(0, 11))
    if hostile > 2:
        return draw(st.sampled_from(good))
    if hostile == 0:
        return draw(st.sampled_from(ODD_CELLS))
    if hostile == 1:
        return draw(st.sampled_from(_ODD_TEXTS))
    return draw(st.sampled_from(CELLS[kind]))


def _header(draw: st.DrawFn, columns: list[Column]) -> list[Column]:
    """The columns in a random order, perhaps with one missing, one repeated, a blank or an unknown one."""
    header = list(columns)
    for i in range(len(header) - 1, 0, -1):  # Fisher-Yates, one draw per step
        j = draw(st.integers(0, i))
        header[i], header[j] = header[j], header[i]
    change = draw(st.integers(0, 19))
    if change == 0 and header:
        header.pop(draw(st.integers(0, len(header) - 1)))
    elif change == 1 and header:
        header.append(header[draw(st.integers(0, len(header) - 1))])
    elif change == 2:
        header.append(("", "text", GOOD["text"]))
    elif change == 3:
        name = draw(st.sampled_from(["Notes", "Extra", "Won", "\ufeffLead ID", "Lead ID "]))
        header.append((name, "text", GOOD["text"]))
    return header


_QUOTING: tuple[Literal[0, 1, 2], ...] = (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC)


def _render(draw: st.DrawFn, rows: list[list[str]], delimiter: str) -> str | bytes:
    buffer = io.StringIO()
    quoting = _QUOTING[draw(st.integers(0, len(_QUOTING) - 1))]
    terminator = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    try:
        csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerows(rows)
    except (csv.Error, TypeError, ValueError):
        return ""
    text = buffer.getvalue()
    if not draw(st.integers(0, 9)):
        text = gen.damaged(draw, text)
    return gen.encoded(draw, text) if not draw(st.integers(0, 4)) else text


def _table(draw: st.DrawFn, columns: list[Column], delimiter: str) -> str | bytes:
    header = _header(draw, columns)
    rows = [[name for name, _, _ in header]]
    for number in range(draw(st.integers(0, 4))):
        clean = draw(st.booleans())
        row = [
            f"L{number + 1}" if clean and column[2] is GOOD["id"] else _cell(draw, column, clean) for column in header
        ]
        ragged = draw(st.integers(0, 19))
        if ragged == 0 and row:
            row.pop()
        elif ragged == 1:
            row.append("extra")
        rows.append(row)
    return _render(draw, rows, delimiter)


def _csv_cases(context: CsvContext) -> st.SearchStrategy[CsvCase]:
    junk_mappings = st.one_of(gen.mutated(st.sampled_from(MAPPINGS), MAPPING_VALUES), gen.values())

    @st.composite
    def case(draw: st.DrawFn) -> CsvCase:
        index = draw(st.integers(0, len(context.mappings) - 1))
        mapping = context.mappings[index]
        files: dict[str, str | bytes | None] = {}
        for section in ("leads", "interactions", "history"):
            given = section == "leads" or (_columns(mapping, section) and draw(st.booleans()))
            files[section] = _table(draw, _columns(mapping, section), mapping.delimiter) if given else None
        if not draw(st.integers(0, 19)):  # a file given for a section the mapping does not have
            files["history"] = "x\n"
        if not draw(st.integers(0, 19)):
            files["leads"] = draw(gen.raw_texts())
        junk = None if draw(st.integers(0, 9)) else draw(junk_mappings)
        errors = draw(st.sampled_from(["raise", "collect", "collect", "ignore"]))
        return CsvCase(
            None if junk is not None else index, junk, files["leads"], files["interactions"], files["history"], errors
        )

    return case()


def _mapping_of(context: CsvContext, case: CsvCase) -> Any:
    return context.mappings[case.index] if case.index is not None else case.junk


def call_csv(context: CsvContext, case: CsvCase) -> None:
    """Write the case's files and read them with its mapping."""
    paths = {
        name: None if data is None else _write(context.tmp / f"{name}.csv", data)
        for name, data in (("leads", case.leads), ("interactions", case.interactions), ("history", case.history))
    }
    read_csv(
        paths["leads"] or context.tmp / "missing.csv",
        _mapping_of(context, case),
        interactions=paths["interactions"],
        history=paths["history"],
        errors=case.errors,  # type: ignore[arg-type]
    )


def reproduce_csv(context: CsvContext, case: CsvCase) -> str:
    """Python source reproducing a read_csv case."""
    mapping = _mapping_of(context, case)
    given = mapping.to_dict() if isinstance(mapping, ColumnMapping) else mapping
    lines = [
        "import pathlib",
        "import tempfile",
        "",
        "from leadkit import read_csv",
        "",
        "folder = pathlib.Path(tempfile.mkdtemp())",
        f"mapping = {literal(given)}",
    ]
    arguments = []
    for name, data in (("leads", case.leads), ("interactions", case.interactions), ("history", case.history)):
        if data is None:
            continue
        raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
        lines.append(f"(folder / '{name}.csv').write_bytes({literal(raw)})")
        if name != "leads":
            arguments.append(f"{name}=folder / '{name}.csv'")
    arguments.append(f"errors={case.errors!r}")
    lines.append(f"read_csv(folder / 'leads.csv', mapping, {', '.join(arguments)})")
    return "\n".join(lines) + "\n"


def allowed(error: BaseException, _: object) -> bool:
    """Only leadkit's own errors may escape."""
    return isinstance(error, LeadkitError)


TARGETS: list[Target[Any]] = [
    Target(
        "mapping",
        "load_mapping / ColumnMapping.from_yaml / from_dict (document and flat forms)",
        _mapping_cases,
        call_mapping,
        reproduce_mapping,
        allowed,
        setup,
    ),
    Target(
        "csv",
        "read_csv on generated leads, interactions and history CSV files",
        _csv_cases,
        call_csv,
        reproduce_csv,
        allowed,
        setup,
    ),
]
