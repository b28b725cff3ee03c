"""The bundled sample data."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import leadkit

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_decay_figure_is_current() -> None:
    """The docs' decay figure is what the script draws from the current scorer."""
    figure = (ROOT / "docs" / "img" / "decay.svg").read_text(encoding="utf-8")
    assert _script("make_decay_figure").render() == figure  # type: ignore[attr-defined]


class TestSample:
    def test_reproducible(self) -> None:
        """The shipped sample is exactly what the generator script produces."""
        module: Any = _script("make_sample_data")
        shipped = json.loads(leadkit.sample_leads_path().read_text(encoding="utf-8"))
        assert module.build() == shipped

    def test_covers_the_seed_scenarios(self) -> None:
        """About 200 records with every source, bad rows, duplicates and unreachable visitors."""
        batch = leadkit.load_sample_leads()
        assert 180 <= batch.read <= 220
        assert batch.problems
        assert batch.read == len(batch.leads) + len(batch.failed_rows)
        sources = {lead.source for lead in batch.leads}
        assert {"web_form", "chat", "call", "social", "bought_list", "event", "free_trial", "demo_request"} <= sources
        assert any(not leadkit.is_contactable(lead) for lead in batch.leads)
        assert leadkit.dedupe(batch.leads).duplicates_merged >= 10

    def test_personas(self) -> None:
        """Four personas ship with the sample."""
        names = [p.name for p in leadkit.load_sample_personas()]
        assert names == [
            "Fresh graduates",
            "Software professionals",
            "Business-school graduates",
            "Analysts wanting software skills",
        ]


def test_sample_journeys_replay_on_the_default_pipeline() -> None:
    from leadkit import default_pipeline, load_sample_journeys, load_sample_leads
    from leadkit.datasets import SAMPLE_AS_OF

    journeys = load_sample_journeys()
    pipeline = default_pipeline()
    assert len({lead.id for lead in journeys}) == len(journeys)
    sample_ids = {lead.id for lead in load_sample_leads().leads}
    assert {lead.id for lead in journeys} <= sample_ids
    for lead in journeys:
        assert pipeline.replay(lead).stage == lead.stage
        assert lead.history[0].at == lead.created_at
        assert lead.history[-1].at <= SAMPLE_AS_OF
    stages = {lead.stage for lead in journeys}
    assert {"inquiry", "lead", "nurture", "lost", "customer"} <= stages
