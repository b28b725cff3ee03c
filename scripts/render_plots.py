"""Render the pictures of `leadkit.plot` shown in the docs, as SVG files in ``docs/img/``.

Run ``python scripts/render_plots.py`` (it needs the ``plot`` extra and takes
about ten seconds) to rewrite:

* ``bank-gains.svg``, ``bank-calibration.svg`` and ``bank-scores.svg``: the
  naive Bayes scorer of the bank tutorial (docs/tutorial-bank.md), fitted
  without the economic indicators on the earliest 70 % of the calls and
  measured on the later 30 %;
* ``decay-curve.svg``: the engagement signals of the default model, over a year.

The files are byte-stable from run to run with the same matplotlib: no date
in the metadata, fixed SVG ids, and text kept as text (which also keeps them
small).
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt  # after choosing the backend
from matplotlib.figure import Figure

import leadkit
from leadkit.datasets import BANK_MARKETING_FIELDS
from leadkit.plot import calibration_chart, decay_curve, funnel_chart, gains_chart, score_distribution

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
AS_OF = datetime(2011, 1, 1, tzinfo=timezone.utc)
"""The moment the tutorial scores at: after every call."""
ECONOMY = {"emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed"}
"""The fields the tutorial leaves out because their meaning drifted with the crisis."""
SIZE = (6.4, 4.8)


def _save(figure: Figure, name: str, out: Path) -> None:
    path = out / name
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size:,} bytes)")


def render_bank(out: Path) -> None:
    """The gains, calibration and score pictures of the bank tutorial's scorer on the later calls."""
    leads, outcomes = leadkit.load_bank_marketing()
    split = leadkit.time_split(leads, outcomes, fraction=0.7)
    fields = [f"attributes.{name}" for name in BANK_MARKETING_FIELDS if name not in ECONOMY]
    scorer = leadkit.NaiveBayesScorer(name="calls", fields=fields).fit(split.train, split.train_outcomes)
    evaluation = leadkit.evaluate(scorer, split.test, split.test_outcomes, as_of=AS_OF, bootstrap=0)
    print(str(evaluation).splitlines()[0])

    figure, ax = plt.subplots(figsize=SIZE, layout="constrained")
    gains_chart(evaluation, ax=ax)
    _save(figure, "bank-gains.svg", out)

    figure, ax = plt.subplots(figsize=(5.6, 5.0), layout="constrained")
    calibration_chart(scorer.probabilities(split.test, as_of=AS_OF), split.test_outcomes, ax=ax)
    _save(figure, "bank-calibration.svg", out)

    figure, ax = plt.subplots(figsize=SIZE, layout="constrained")
    scores = [scorer.score(lead, as_of=AS_OF).value for lead in split.test]
    score_distribution(scores, split.test_outcomes, bins=30, ax=ax)
    _save(figure, "bank-scores.svg", out)


def render_decay(out: Path) -> None:
    """The decay of every engagement signal of the default model, over a year (every half-life is within it)."""
    model = leadkit.default_model()
    engagement = [
        scorer
        for scorer in model.scorers
        if scorer.name in model.engagement and isinstance(scorer, leadkit.EngagementScorer)
    ]
    figure, ax = plt.subplots(figsize=(9.0, 5.0), layout="constrained")
    decay_curve(engagement[0], horizon=timedelta(days=365), ax=ax)
    _save(figure, "decay-curve.svg", out)


def render_funnel(out: Path) -> None:
    """The funnel of the sample journeys."""
    from leadkit.datasets import SAMPLE_AS_OF

    result = leadkit.funnel(leadkit.load_sample_journeys(), as_of=SAMPLE_AS_OF)
    figure, ax = plt.subplots(figsize=(7.0, 4.2), layout="constrained")
    funnel_chart(result, ax=ax)
    _save(figure, "funnel.svg", out)


def main() -> None:
    """Render every picture."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the folder to write to (default: docs/img)")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    mpl.rcParams["svg.fonttype"] = "none"  # text as text: small files, and fonts from the page
    mpl.rcParams["svg.hashsalt"] = "leadkit"  # the same ids in every run
    render_bank(out)
    render_decay(out)
    render_funnel(out)


if __name__ == "__main__":
    main()
