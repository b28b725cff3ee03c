"""Reading and writing many leads at once: JSON, JSON Lines, YAML, or records in memory."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from leadkit.errors import Problem, ValidationError, describe_path
from leadkit.model import Lead

__all__ = ["LeadBatch", "read_leads", "write_leads"]

Errors = Literal["raise", "collect"]

_SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".yaml": "yaml", ".yml": "yaml"}


@attrs.frozen
class LeadBatch:
    """Leads read from a file or records, with every problem found on the way.

    Iterating a batch yields its valid leads. ``read == len(leads) + len(failed_rows)``
    always holds: no row is silently dropped.
    """

    leads: tuple[Lead, ...]
    """The valid leads, in input order."""
    problems: tuple[Problem, ...] = ()
    """Every problem found, each located as ``leads[<row>].<field path>``; `read_csv` also
    locates problems of its other files, as ``interactions[<row>]...`` and ``history[<row>]...``."""
    read: int = 0
    """How many records (lead rows) were read."""
    outcomes: tuple[bool, ...] | None = None
    """Whether each valid lead was won, aligned with `leads`; ``None`` when the input has no outcome."""

    @property
    def failed_rows(self) -> tuple[int, ...]:
        """The 0-based positions of the lead records that were rejected (those with a problem under ``leads``)."""
        rows = {p.path[1] for p in self.problems if len(p.path) > 1 and p.path[0] == "leads"}
        return tuple(sorted(row for row in rows if isinstance(row, int)))

    def __iter__(self) -> Iterator[Lead]:
        return iter(self.leads)

    def __len__(self) -> int:
        return len(self.leads)


def _format_of(path: Path) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        expected = "a file ending in " + ", ".join(sorted(_SUFFIXES))
        raise ValidationError.at((), expected, path.name, reason="unknown file type")
    return fmt


def _records_from_document(data: Any) -> tuple[list[Any], tuple[str, ...]]:
    """The list of lead records in a document: a list, or a mapping with ``leads``."""
    if isinstance(data, list):
        return data, ()
    if isinstance(data, Mapping) and set(data) == {"leads"} and isinstance(data["leads"], list):
        return data["leads"], ("leads",)
    raise ValidationError.at((), "a list of leads, or a mapping with a single key 'leads' holding that list", data)


def _read_path(path: Path) -> tuple[list[Any], Any]:
    """The records of a file and a function giving the line of a path in it."""
    from leadkit import _serde, _yaml

    fmt = _format_of(path)
    try:
        raw = path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte, or a character the file system cannot encode
        detail = exc.strerror if isinstance(exc, OSError) else str(exc)
        reason = f"cannot read {describe_path(path)}: {detail or type(exc).__name__}"
        raise ValidationError.at((), "a readable leads file", reason=reason) from None
    if fmt == "jsonl":
        records, lines = [], []  # lines: the file line of each record
        for number, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                try:
                    records.append(_serde.parse_json(line))
                except ValidationError as exc:
                    raise ValidationError(attrs.evolve(p, line=number) for p in exc.problems) from None
                lines.append(number)
        return records, lambda row, _rest: lines[row]
    if fmt == "json":
        records, _ = _records_from_document(_serde.parse_json(raw))
        return records, None
    document = _yaml.load(raw)
    records, prefix = _records_from_document(document.data)
    return records, lambda row, rest: document.line_of((*prefix, row, *rest))


def read_leads(
    source: str | os.PathLike[str] | Iterable[Mapping[str, Any]],
    *,
    strict: bool = True,
    errors: Errors = "raise",
) -> LeadBatch:
    """Read and validate many leads.

    Args:
        source: A path to a ``.json`` file (a list of lead objects, or
            ``{"leads": [...]}``), a ``.jsonl`` file (one lead per line), a
            ``.yaml``/``.yml`` file (like JSON), or an iterable of mappings.
        strict: Refuse unknown fields (default); see `Lead.from_dict`.
        errors: ``"raise"`` raises one `ValidationError` listing the
            problems of every bad record; ``"collect"`` returns the good
            leads and the problems in the batch.

    Returns:
        The leads and, with ``errors="collect"``, the problems found.

    Raises:
        ValidationError: with ``errors="raise"`` when any record is invalid,
            and always when the file itself cannot be read or parsed.
    """
    if errors not in ("raise", "collect"):
        raise ValidationError.at(("errors",), "'raise' or 'collect'", errors)
    line_of = None
    if isinstance(source, (str, os.PathLike)):
        records, line_of = _read_path(Path(source))
    elif isinstance(source, Iterable):
        records = list(source)
    else:
        raise ValidationError.at(("source",), "the path of a leads file, or an iterable of lead records", source)
    leads: list[Lead] = []
    problems: list[Problem] = []
    for row, record in enumerate(records):
        try:
            leads.append(Lead.from_dict(record, strict=strict))
        except ValidationError as exc:
            for p in exc.problems:
                line = line_of(row, p.path) if line_of is not None and p.line is None else p.line
                problems.append(attrs.evolve(p.within("leads", row), line=line))
    if problems and errors == "raise":
        raise ValidationError(problems)
    return LeadBatch(tuple(leads), tuple(problems), len(records))


def write_leads(leads: Iterable[Lead], path: str | os.PathLike[str]) -> None:
    """Write leads to ``.json``, ``.jsonl`` or ``.yaml`` (by suffix); `read_leads` reads them back."""
    from leadkit import _serde, _yaml

    target = Path(path)
    fmt = _format_of(target)
    items = list(leads)
    if fmt == "jsonl":
        text = "".join(_serde.to_json(lead) + "\n" for lead in items)
    elif fmt == "json":
        text = json.dumps([_serde.to_dict(lead) for lead in items], indent=2, ensure_ascii=False) + "\n"
    else:
        text = _yaml.dump([_serde.to_dict(lead) for lead in items])
    target.write_text(text, encoding="utf-8")
