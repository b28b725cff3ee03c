"""leadkit's bundled data: a synthetic sample (``scripts/make_sample_data.py``), its journeys, and real bank calls."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from pathlib import Path

from leadkit._io import LeadBatch, read_leads
from leadkit.model import Lead, Persona

__all__ = [
    "BANK_MARKETING_FIELDS",
    "SAMPLE_AS_OF",
    "load_bank_marketing",
    "load_sample_journeys",
    "load_sample_leads",
    "load_sample_personas",
    "sample_leads_path",
]

SAMPLE_AS_OF = datetime(2026, 12, 21, tzinfo=timezone.utc)
"""The moment the sample was exported: after its last interaction. Score the sample as of then."""

_HERE = Path(__file__).resolve().parent


def sample_leads_path() -> Path:
    """The path of the bundled sample leads file (JSON), to read or copy."""
    return _HERE / "sample_leads.json"


def load_sample_leads() -> LeadBatch:
    """The bundled sample: about 200 synthetic leads of an IT-upskilling institute.

    The file deliberately contains what real exports contain: duplicates,
    leads nobody can contact, and a few invalid rows. So the problems are
    collected, not raised: ``batch.leads`` holds the valid leads and
    ``batch.problems`` says what is wrong with the others, and where.

    Examples:
        >>> batch = load_sample_leads()
        >>> batch.read == len(batch.leads) + len(batch.failed_rows)
        True
    """
    return read_leads(sample_leads_path(), errors="collect")


def load_sample_journeys() -> tuple[Lead, ...]:
    """The sample's leads with their stage histories, for funnel analytics (``scripts/make_sample_journeys.py``).

    The valid, de-duplicated sample leads walked through `default_pipeline`
    up to `SAMPLE_AS_OF`: marketing's moves are the pipeline's automatic
    policy replayed after each interaction; sales' decisions (accept, reach,
    qualify, win, lose, recycle) are simulated with a fixed seed, likelier
    for better-scored leads. Every history replays on the default pipeline.

    Examples:
        >>> from leadkit import funnel
        >>> result = funnel(load_sample_journeys(), as_of=SAMPLE_AS_OF)
        >>> result.stage("customer").reached <= result.stage("sql").reached <= result.leads
        True
    """
    return read_leads(_HERE / "sample_journeys.jsonl").leads


def load_sample_personas() -> tuple[Persona, ...]:
    """The four personas of the sample: fresh graduates, software professionals, business-school graduates, analysts."""
    from leadkit import _yaml

    document = _yaml.load((_HERE / "sample_personas.yaml").read_bytes())
    return tuple(Persona.from_dict(item) for item in document.data)


BANK_MARKETING_FIELDS = (
    "age",
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "day_of_week",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "emp.var.rate",
    "cons.price.idx",
    "cons.conf.idx",
    "euribor3m",
    "nr.employed",
)
"""The bank data's columns kept in each lead's ``attributes`` (``duration`` is left out: see `load_bank_marketing`)."""

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


@functools.lru_cache(maxsize=2)
def load_bank_marketing(*, include_duration: bool = False) -> tuple[tuple[Lead, ...], tuple[bool, ...]]:
    """Real telemarketing leads with their outcomes: the UCI Bank Marketing data, 41,188 calls of a Portuguese bank.

    Each row becomes a `Lead` (id ``bank-00001`` …, source ``telemarketing``)
    whose ``attributes`` hold the columns of `BANK_MARKETING_FIELDS`; the
    outcome is ``True`` when the client subscribed a term deposit (11.3 %).
    The file gives each call's month and weekday, not its date, and is in
    date order from May 2008 to November 2010; leadkit dates each row within
    its month, in file order, so time-aware splits keep the original order.

    ``duration`` (the length of the call) is only known once the call is
    over, when the outcome is known too: a model using it leaks the future.
    It is left out unless ``include_duration=True`` (for comparisons only).

    Data: S. Moro, P. Cortez and P. Rita, "A Data-Driven Approach to Predict
    the Success of Bank Telemarketing", Decision Support Systems 62 (2014)
    22-31; licensed CC BY 4.0. Bundled unchanged (gzip-compressed); see
    ``BANK_MARKETING.md`` next to it.

    Examples:
        >>> leads, outcomes = load_bank_marketing()
        >>> len(leads), sum(outcomes), leads[0].attributes["job"]
        (41188, 4640, 'housemaid')
    """
    import csv
    import gzip
    import io

    with gzip.open(_HERE / "bank_marketing.csv.gz", "rb") as raw:
        rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"), delimiter=";"))
    year, last = 2008, _MONTHS.index("may")
    months: list[tuple[int, int]] = []
    for row in rows:
        month = _MONTHS.index(row["month"])
        if month < last:
            year += 1
        last = month
        months.append((year, month + 1))
    counts: dict[tuple[int, int], int] = {}
    for key in months:
        counts[key] = counts.get(key, 0) + 1
    seen: dict[tuple[int, int], int] = {}
    fields = (*BANK_MARKETING_FIELDS, "duration") if include_duration else BANK_MARKETING_FIELDS
    leads, outcomes = [], []
    for n, (row, key) in enumerate(zip(rows, months, strict=True), 1):
        start = datetime(key[0], key[1], 1, tzinfo=timezone.utc)
        end = datetime(key[0] + key[1] // 12, key[1] % 12 + 1, 1, tzinfo=timezone.utc)
        k = seen.get(key, 0)
        seen[key] = k + 1
        created = start + (end - start) * k / counts[key]
        created -= timedelta(microseconds=created.microsecond)
        attributes = {f: _number(row[f]) if row[f][:1].isdigit() or row[f][:1] == "-" else row[f] for f in fields}
        leads.append(Lead(id=f"bank-{n:05d}", created_at=created, source="telemarketing", attributes=attributes))
        outcomes.append(row["y"] == "yes")
    return tuple(leads), tuple(outcomes)
