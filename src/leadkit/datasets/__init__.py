"""leadkit's bundled sample data (synthetic; see ``scripts/make_sample_data.py``)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from leadkit._io import LeadBatch, read_leads
from leadkit.model import Persona

__all__ = ["SAMPLE_AS_OF", "load_sample_leads", "load_sample_personas", "sample_leads_path"]

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


def load_sample_personas() -> tuple[Persona, ...]:
    """The four personas of the sample: fresh graduates, software professionals, business-school graduates, analysts."""
    from leadkit import _yaml

    document = _yaml.load((_HERE / "sample_personas.yaml").read_bytes())
    return tuple(Persona.from_dict(item) for item in document.data)
