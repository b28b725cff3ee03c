"""leadkit.plot: each picture draws what the data says, on the axes given, and fails in leadkit's words."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
import numpy as np  # noqa: E402 - matplotlib's own dependency
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle, StepPatch  # noqa: E402

import leadkit  # noqa: E402
from leadkit import (  # noqa: E402
    EngagementScorer,
    GainsRow,
    Interaction,
    InteractionKind,
    Lead,
    MissingExtraError,
    Signal,
    ValidationError,
    default_model,
)
from leadkit.learn import evaluate, gains  # noqa: E402
from leadkit.plot import (  # noqa: E402
    calibration_chart,
    decay_curve,
    funnel_chart,
    gains_chart,
    score_distribution,
)

from .conftest import T0  # noqa: E402

SCORES = [9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
WON = [True, True, False, True, False, False, True, False, False, False]
PROBABILITIES = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0]
SCORER = EngagementScorer(
    signals={
        "demo_request": Signal(60, timedelta(days=90)),
        "chat": Signal(10),  # the scorer's half-life: 30 days
        "unsubscribe": Signal(-30, timedelta(days=45)),
    },
    half_life=timedelta(days=30),
)


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def new_axes() -> Axes:
    """Axes of a figure pyplot does not know about."""
    return Figure().add_subplot()


def line(ax: Axes, label: str) -> Line2D:
    """The one line whose label starts with ``label``."""
    found = [item for item in ax.get_lines() if str(item.get_label()).startswith(label)]
    assert len(found) == 1, [item.get_label() for item in ax.get_lines()]
    return found[0]


def xy(artist: Line2D) -> tuple[list[float], list[float]]:
    xs, ys = np.asarray(artist.get_xdata(), dtype=float), np.asarray(artist.get_ydata(), dtype=float)
    return [float(x) for x in xs], [float(y) for y in ys]


def stairs(ax: Axes) -> dict[str, StepPatch]:
    return {str(p.get_label()): p for p in ax.patches if isinstance(p, StepPatch)}


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]


def calibration_points(ax: Axes) -> tuple[list[float], list[float], list[float]]:
    """The (x, y) of each group and its marker area."""
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    offsets = np.asarray(points.get_offsets())
    return [float(x) for x in offsets[:, 0]], [float(y) for y in offsets[:, 1]], [float(s) for s in points.get_sizes()]


def engagement_lead(kind: str) -> Lead:
    return Lead(id="one", created_at=T0, interactions=[Interaction(kind=kind, at=T0)])


# --- every picture --------------------------------------------------------------------------------

DRAWINGS: dict[str, Callable[..., Axes]] = {
    "gains_chart": lambda **kw: gains_chart(gains(SCORES, WON, groups=5), **kw),
    "calibration_chart": lambda **kw: calibration_chart(PROBABILITIES, WON, bins=5, **kw),
    "score_distribution": lambda **kw: score_distribution(SCORES, WON, bins=4, **kw),
    "decay_curve": lambda **kw: decay_curve(SCORER, **kw),
}


@pytest.mark.parametrize("name", DRAWINGS)
def test_draws_on_the_axes_given(name: str) -> None:
    fig, ax = plt.subplots()
    assert DRAWINGS[name](ax=ax) is ax
    assert ax.get_lines() or ax.patches
    assert plt.get_fignums() == [fig.number]  # no other figure was made


@pytest.mark.parametrize("name", DRAWINGS)
def test_makes_a_figure_without_axes(name: str) -> None:
    ax = DRAWINGS[name]()
    assert isinstance(ax, Axes)
    assert ax.figure is not None
    assert len(plt.get_fignums()) == 1


@pytest.mark.parametrize("name", DRAWINGS)
def test_pictures_explain_themselves(name: str) -> None:
    ax = DRAWINGS[name](ax=new_axes())
    assert ax.get_title()
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    assert legend_texts(ax)


@pytest.mark.parametrize("name", DRAWINGS)
def test_never_shows(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def show(*args: Any, **kwargs: Any) -> None:
        pytest.fail("plt.show() was called")

    monkeypatch.setattr(plt, "show", show)
    DRAWINGS[name]()


@pytest.mark.parametrize("name", DRAWINGS)
def test_refuses_what_is_not_axes(name: str) -> None:
    with pytest.raises(ValidationError, match=r"^ax: expected a matplotlib Axes"):
        DRAWINGS[name](ax="the figure")


@pytest.mark.parametrize("name", DRAWINGS)
def test_without_matplotlib_names_the_extra(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'leadkit\[plot\]'") as caught:
        DRAWINGS[name]()
    assert caught.value.extra == "plot"
    assert isinstance(caught.value, ImportError)


def test_import_does_not_load_matplotlib() -> None:
    code = (
        "import sys, leadkit.plot\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {'matplotlib', 'numpy'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"


# --- gains ----------------------------------------------------------------------------------------


def test_gains_curve_runs_from_nothing_to_everything() -> None:
    rows = gains(SCORES, WON, groups=5)
    ax = gains_chart(rows, ax=new_axes())
    xs, ys = xy(line(ax, "ranked by score"))
    assert (xs[0], ys[0]) == (0.0, 0.0)
    assert (xs[-1], ys[-1]) == (100.0, 100.0)
    assert xs == pytest.approx([0, 20, 40, 60, 80, 100])
    # 4 won: the first pair holds 2, the second 1, the fourth 1.
    assert ys == pytest.approx([0, 50, 75, 75, 100, 100])
    assert xy(line(ax, "random order")) == ([0.0, 100.0], [0.0, 100.0])


def test_gains_lift_bars_span_their_groups() -> None:
    rows = gains(SCORES, WON, groups=3)  # uneven groups: 3, 4, 3 leads
    ax = gains_chart(rows, ax=new_axes())
    (twin,) = [other for other in ax.figure.axes if other is not ax]
    bars = [p for p in twin.patches if isinstance(p, Rectangle)]
    assert [bar.get_height() for bar in bars] == pytest.approx([row.lift for row in rows])
    assert [bar.get_x() for bar in bars] == pytest.approx([0, 30, 70])
    assert [bar.get_width() for bar in bars] == pytest.approx([30, 40, 30])
    assert twin.get_ylim()[0] == 0
    assert "lift 1: no better than random" in legend_texts(ax)


def test_gains_chart_of_an_evaluation_names_the_scorer() -> None:
    start = T0 - timedelta(days=30)
    leads = [
        Lead(id=f"L-{i}", created_at=start, interactions=[Interaction(kind="chat", at=T0 - timedelta(days=i))])
        for i in range(20)
    ]
    outcomes = [i % 2 == 0 for i in range(20)]
    evaluation = evaluate(SCORER, leads, outcomes, as_of=T0, bootstrap=0, groups=4)
    ax = gains_chart(evaluation, ax=new_axes())
    assert ax.get_title() == "Cumulative gains of engagement"
    _, ys = xy(line(ax, "ranked by score"))
    assert ys[1:] == pytest.approx([100 * row.captured for row in evaluation.gains])


EMPTY_ROW = GainsRow(group=1, leads=0, won=0, min_score=0.0, rate=0.0, captured=0.0, lift=0.0)


@pytest.mark.parametrize("bad", ["gains", [], [1, 2], {"group": 1}, None, 3, [EMPTY_ROW]])
def test_gains_chart_refuses_what_is_not_a_gains_table(bad: Any) -> None:
    with pytest.raises(ValidationError, match=r"^gains"):
        gains_chart(bad)


@given(
    st.lists(st.tuples(st.integers(-50, 50), st.booleans()), min_size=1, max_size=80).filter(
        lambda pairs: any(won for _, won in pairs)
    ),
    st.integers(1, 12),
)
def test_gains_curve_always_ends_at_the_corner(pairs: list[tuple[int, bool]], groups: int) -> None:
    rows = gains([float(s) for s, _ in pairs], [w for _, w in pairs], groups=groups)
    xs, ys = xy(line(gains_chart(rows, ax=new_axes()), "ranked by score"))
    assert (xs[0], ys[0], xs[-1]) == (0.0, 0.0, 100.0)
    assert ys[-1] == pytest.approx(100.0)
    assert xs == sorted(xs)
    assert ys == sorted(ys)


# --- calibration ----------------------------------------------------------------------------------


def test_calibration_points_are_the_groups_means() -> None:
    ax = calibration_chart(PROBABILITIES, WON, bins=5, ax=new_axes())
    xs, ys, sizes = calibration_points(ax)
    # Sorted: 0.0 0.1 | 0.2 0.3 | 0.4 0.5 | 0.6 0.7 | 0.8 0.9, won at 0.1, 0.3, 0.8 and 0.9.
    assert xs == pytest.approx([0.05, 0.25, 0.45, 0.65, 0.85])
    assert ys == pytest.approx([0.5, 0.5, 0.0, 0.0, 1.0])
    assert len(set(sizes)) == 1
    assert xy(line(ax, "perfect calibration")) == ([0.0, 1.0], [0.0, 1.0])
    assert "10 leads in 5 groups of 2" in legend_texts(ax)


def test_calibration_groups_split_ties_in_input_order() -> None:
    ax = calibration_chart([0.5, 0.5, 0.5, 0.5], [True, True, False, False], bins=2, ax=new_axes())
    xs, ys, _ = calibration_points(ax)
    assert (xs, ys) == ([0.5, 0.5], [1.0, 0.0])


def test_calibration_with_more_bins_than_leads_has_one_lead_per_group() -> None:
    ax = calibration_chart([0.2, 0.9, 0.4], [1, 1, 0], bins=10, ax=new_axes())  # type: ignore[list-item]  # 1/0 too
    xs, ys, _ = calibration_points(ax)
    assert (xs, ys) == ([0.2, 0.4, 0.9], [1.0, 0.0, 1.0])
    assert "3 leads in 3 groups of 1" in legend_texts(ax)


def test_calibration_marker_area_follows_group_size() -> None:
    ax = calibration_chart([i / 10 for i in range(10)], [i % 2 == 0 for i in range(10)], bins=4, ax=new_axes())
    _, _, sizes = calibration_points(ax)
    counts = [2, 3, 3, 2]  # bounds at round(0, 2.5, 5, 7.5, 10) = 0, 2, 5, 8, 10 (halves to even)
    assert [s / max(sizes) for s in sizes] == pytest.approx([c / 3 for c in counts])
    assert "10 leads in 4 groups of 2 to 3" in legend_texts(ax)


@pytest.mark.parametrize(
    ("probabilities", "outcomes", "bins", "where"),
    [
        ([0.5, 1.2], [True, False], 10, r"^probabilities\[1\]: expected a probability between 0 and 1 \(got 1.2\)"),
        ([-0.1], [True], 10, r"^probabilities\[0\]"),
        ([math.nan], [True], 10, r"^probabilities\[0\]: expected a finite number"),
        (["0.5"], [True], 10, r"^probabilities\[0\]"),
        ("0.5", [True], 10, r"^probabilities: expected a list of numbers"),
        ([], [], 10, r"^probabilities: expected at least one"),
        ([0.5, 0.5], [True], 10, r"^outcomes: lengths differ"),
        ([0.5], [2], 10, r"^outcomes\[0\]"),
        ([0.5], [True], 0, r"^bins: expected a whole number of bins >= 1"),
        ([0.5], [True], 2.0, r"^bins"),
        ([0.5], [True], True, r"^bins"),
    ],
)
def test_calibration_chart_refusals(probabilities: Any, outcomes: Any, bins: Any, where: str) -> None:
    with pytest.raises(ValidationError, match=where):
        calibration_chart(probabilities, outcomes, bins=bins)


@given(
    st.lists(
        st.tuples(st.floats(0, 1) | st.sampled_from([0.0, 0.25, 1.0]), st.booleans()),
        min_size=1,
        max_size=60,
    ),
    st.integers(1, 15),
)
def test_calibration_groups_hold_every_lead_once(pairs: list[tuple[float, bool]], bins: int) -> None:
    probabilities, outcomes = [p for p, _ in pairs], [w for _, w in pairs]
    n = len(pairs)
    xs, ys, sizes = calibration_points(calibration_chart(probabilities, outcomes, bins=bins, ax=new_axes()))
    assert len(xs) == min(bins, n)
    # Group sizes differ by at most one, so the largest holds ceil(n / bins) leads.
    counts = [round(s / max(sizes) * math.ceil(n / bins)) for s in sizes]
    assert sum(counts) == n
    assert max(counts) - min(counts) <= 1
    assert xs == sorted(xs)
    assert all(0 <= y <= 1 for y in ys)
    # Weighted by their sizes, the groups' means are the overall means.
    assert math.fsum(x * c for x, c in zip(xs, counts, strict=True)) == pytest.approx(math.fsum(probabilities))
    assert math.fsum(y * c for y, c in zip(ys, counts, strict=True)) == pytest.approx(sum(outcomes))


# --- score distribution ---------------------------------------------------------------------------


def test_score_histograms_are_densities_of_each_class() -> None:
    ax = score_distribution(SCORES, WON, bins=3, ax=new_axes())
    drawn = stairs(ax)
    assert set(drawn) == {"won (n=4)", "lost (n=6)"}
    assert legend_texts(ax) == ["won (n=4)", "lost (n=6)"]
    for label, flag in (("won (n=4)", True), ("lost (n=6)", False)):
        values, edges, _ = drawn[label].get_data()
        assert list(edges) == pytest.approx([0, 3, 6, 9])
        members = [s for s, w in zip(SCORES, WON, strict=True) if w is flag]
        expected, _ = np.histogram(members, bins=edges, density=True)
        assert list(values) == pytest.approx(list(expected))
        assert float(np.sum(values * np.diff(edges))) == pytest.approx(1.0)
    # won: 9 8 6 3 -> [0, 3): 0, [3, 6): 1, [6, 9]: 3
    values, edges, _ = drawn["won (n=4)"].get_data()
    assert list(values * np.diff(edges) * 4) == pytest.approx([0, 1, 3])


def test_score_distribution_of_one_class_or_one_value() -> None:
    ax = score_distribution([5.0, 5.0, 5.0], [False, False, False], ax=new_axes())
    assert list(stairs(ax)) == ["lost (n=3)"]
    values, edges, _ = stairs(ax)["lost (n=3)"].get_data()
    assert (edges[0], edges[-1]) == (4.5, 5.5)
    assert float(np.sum(values * np.diff(edges))) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("scores", "outcomes", "bins", "where"),
    [
        ([1.0, math.inf], [True, False], 20, r"^scores\[1\]: expected a finite number"),
        ([], [], 20, r"^scores: expected at least one"),
        ([1.0], [True, False], 20, r"^outcomes: lengths differ"),
        ([1.0], ["yes"], 20, r"^outcomes\[0\]"),
        ({"a": 1.0}, [True], 20, r"^scores: expected a list of numbers"),
        ([1.0], [True], 0, r"^bins"),
        ([1.0], [True], None, r"^bins"),
    ],
)
def test_score_distribution_refusals(scores: Any, outcomes: Any, bins: Any, where: str) -> None:
    with pytest.raises(ValidationError, match=where):
        score_distribution(scores, outcomes, bins=bins)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # matplotlib's own, laying out the axes
def test_score_histogram_of_scores_near_the_float_limits() -> None:
    """Scores whose spread overflows a float are still binned from the lowest to the highest."""
    scores = [-1.7e308, 0.0, 1.7e308]
    drawn = stairs(score_distribution(scores, [True, False, True], bins=4, ax=new_axes()))
    for patch in drawn.values():
        values, edges, _ = patch.get_data()
        assert (edges[0], edges[-1]) == (-1.7e308, 1.7e308)
        assert all(np.isfinite(edges))
        assert all(np.diff(edges) > 0)
        assert all(np.isfinite(values))


@given(
    st.lists(st.tuples(st.floats(-1e6, 1e6), st.booleans()), min_size=1, max_size=60),
    st.integers(1, 30),
)
@example(pairs=[(0.0, False), (2.225073858507203e-309, False)], bins=1)  # density 1/width overflowed to inf
@example(pairs=[(1e6, True), (math.nextafter(1e6, 2e6), False)], bins=30)  # equal edges: ZeroDivisionError
def test_score_histogram_counts_add_up(pairs: list[tuple[float, bool]], bins: int) -> None:
    scores, outcomes = [s for s, _ in pairs], [w for _, w in pairs]
    drawn = stairs(score_distribution(scores, outcomes, bins=bins, ax=new_axes()))
    total = 0.0
    for label, patch in drawn.items():
        n = int(label.split("n=")[1].rstrip(")"))
        values, edges, _ = patch.get_data()
        assert len(values) == bins
        assert all(np.isfinite(values))
        assert all(np.diff(edges) > 0)
        if (edges[0], edges[-1]) != (min(scores), max(scores)):  # equal, or too close together for the bins
            assert edges[-1] - edges[0] == pytest.approx(1.0)
            assert edges[0] < min(scores) <= max(scores) < edges[-1]
            assert max(scores) - min(scores) < 1e-300 or max(scores) - min(scores) < 1e-9 * abs(max(scores))
        counts = values * np.diff(edges) * n
        assert list(counts) == pytest.approx(list(np.round(counts)), abs=1e-6)
        assert float(np.sum(counts)) == pytest.approx(n)
        total += float(np.sum(counts))
    assert total == pytest.approx(len(pairs))


# --- decay ----------------------------------------------------------------------------------------


def test_decay_curves_halve_at_their_half_life() -> None:
    ax = decay_curve(SCORER, ax=new_axes())
    for kind, points, half_life in (("demo_request", 60, 90), ("chat", 10, 30), ("unsubscribe", -30, 45)):
        xs, ys = xy(line(ax, f"{kind} ("))
        assert (xs[0], ys[0]) == (0.0, points)
        assert ys[xs.index(half_life)] == points / 2
        assert float(np.interp(2 * half_life, xs, ys)) == pytest.approx(points / 4, rel=1e-3)
    assert ax.get_xlim() == (0.0, 360.0)  # four times the longest half-life
    assert xy(line(ax, "demo_request ("))[0][-1] == 360.0


def test_decay_curve_is_what_the_scorer_computes() -> None:
    ax = decay_curve(SCORER, ax=new_axes())
    for kind in ("demo_request", "chat"):
        xs, ys = xy(line(ax, f"{kind} ("))
        lead = engagement_lead(kind)
        for age, value in list(zip(xs, ys, strict=True))[::37]:
            assert SCORER.score(lead, as_of=T0 + timedelta(days=age)).value == pytest.approx(value)


def test_decay_half_life_marks() -> None:
    ax = decay_curve(SCORER, kinds=["chat"], ax=new_axes())
    (marks,) = ax.collections
    (segment,) = marks.get_segments()  # type: ignore[attr-defined]
    assert [list(point) for point in segment] == [[30.0, 0.0], [30.0, 5.0]]
    assert "half-life: worth half" in legend_texts(ax)


def test_decay_curve_kinds_and_horizon() -> None:
    ax = decay_curve(
        SCORER, kinds=[" CHAT ", InteractionKind.DEMO_REQUEST, "chat"], horizon=timedelta(days=40), ax=new_axes()
    )
    labels = [label for label in legend_texts(ax) if not label.startswith("half-life")]
    assert labels == ["chat (10 points, half-life 30 d)", "demo_request (60 points, half-life 90 d)"]
    assert ax.get_xlim() == (0.0, 40.0)
    assert len(ax.collections) == 1  # demo_request's half-life is past the horizon
    assert xy(line(ax, "chat ("))[0][-1] == 40.0


def test_decay_curve_of_the_default_model() -> None:
    model = default_model()
    (engagement,) = [s for s in model.scorers if isinstance(s, EngagementScorer)]
    ax = decay_curve(engagement, ax=new_axes())
    labels = [label for label in legend_texts(ax) if not label.startswith("half-life")]
    assert len(labels) == len(engagement.signals)
    assert "page_view (1 point, half-life 14 d)" in labels
    colours = {line(ax, f"{kind} (").get_color() for kind in engagement.signals}
    assert len(colours) == len(engagement.signals)


@pytest.mark.parametrize(
    ("scorer", "kwargs", "where"),
    [
        (default_model(), {}, r"^scorer: expected an EngagementScorer"),
        (SCORER, {"kinds": ["podcast"]}, r"^kinds\[0\]: expected a kind the scorer has a signal for: demo_request, "),
        (SCORER, {"kinds": [3]}, r"^kinds\[0\]"),
        (SCORER, {"kinds": "chat"}, r"^kinds: expected a list"),
        (SCORER, {"kinds": []}, r"^kinds: expected at least one"),
        (SCORER, {"horizon": timedelta(0)}, r"^horizon: expected a positive duration"),
        (SCORER, {"horizon": 30}, r"^horizon"),
        (EngagementScorer(signals={}), {}, r"^scorer.signals: expected at least one signal"),
    ],
)
def test_decay_curve_refusals(scorer: Any, kwargs: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationError, match=where):
        decay_curve(scorer, **kwargs)


# --- funnel ---------------------------------------------------------------------------------------


def _journeys_funnel(**kwargs: object) -> leadkit.Funnel:
    from leadkit.datasets import SAMPLE_AS_OF

    return leadkit.funnel(leadkit.load_sample_journeys(), as_of=SAMPLE_AS_OF, **kwargs)  # type: ignore[arg-type]


def test_funnel_chart_draws_one_centred_bar_per_stage() -> None:
    result = _journeys_funnel()
    ax = funnel_chart(result)
    bars = ax.patches
    assert [round(b.get_width()) for b in bars] == [c.reached for c in result.stages]
    widest = max(c.reached for c in result.stages)
    for bar in bars:
        assert bar.get_x() + bar.get_width() / 2 == pytest.approx(widest / 2)  # centred
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(c.stage for c in result.stages)
    labels = [t.get_text() for t in ax.texts]
    sql = result.stage("sql")
    assert f"{sql.reached} (" in labels[4]
    assert f"{sql.conversion:.0%} of previous" in labels[4]
    assert "of previous" not in labels[0]
    assert "Funnel of default" in ax.get_title()


def test_funnel_chart_of_one_group_and_bad_input() -> None:
    result = _journeys_funnel(by="channel")
    ax = funnel_chart(result, group="web")
    assert [round(b.get_width()) for b in ax.patches] == [c.reached for c in result.groups["web"]]
    assert "channel = web" in ax.get_title()
    with pytest.raises(leadkit.ValidationError, match="unknown group"):
        funnel_chart(result, group="fax")
    with pytest.raises(leadkit.ValidationError, match="a Funnel"):
        funnel_chart(result.stages)  # type: ignore[arg-type]


def test_funnel_chart_of_an_empty_funnel() -> None:
    ax = funnel_chart(_journeys_funnel(path=["customer"], cohort="week"), group=None)
    assert len(ax.patches) == 1
    empty = leadkit.funnel([], as_of=datetime(2026, 1, 1, tzinfo=timezone.utc))
    ax = funnel_chart(empty)
    assert all(b.get_width() == 0 for b in ax.patches)
    assert all("of top" not in t.get_text() for t in ax.texts)
