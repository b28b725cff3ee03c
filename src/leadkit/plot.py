"""Pictures of scorers and their results: funnels, gains, calibration, score distributions, engagement decay.

Needs matplotlib, the optional extra ``plot`` (``pip install 'leadkit[plot]'``);
without it each function raises `MissingExtraError`. matplotlib is imported
only when a function is called, so ``import leadkit.plot`` works without it.

Each function draws on the ``ax`` it is given, or on a new figure's axes when
none is, and returns the axes it drew on: add to the picture, or save it with
``ax.figure.savefig(...)``. Nothing is shown: call ``plt.show()`` yourself in a
script (a notebook shows the figure on its own). The inputs are checked as
the metrics check them, so bad input raises `ValidationError`, not an error
from deep inside matplotlib.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from leadkit.errors import ValidationError, require
from leadkit.learn.evaluation import Evaluation
from leadkit.learn.funnels import Funnel
from leadkit.learn.metrics import GainsRow, check_outcomes, check_scores
from leadkit.model import InteractionKind
from leadkit.scoring.engagement import EngagementScorer

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["calibration_chart", "decay_curve", "funnel_chart", "gains_chart", "score_distribution"]

_DAY = 86_400.0
_WON, _LOST = "tab:orange", "tab:blue"
_BASELINE = "0.45"
_DECAY_STEPS = 240
_MARKER_AREA = 48.0  # points squared, of the largest group of a calibration chart


def _require_matplotlib() -> None:
    """Import matplotlib and pyplot, or raise `MissingExtraError` naming the ``plot`` extra."""
    for module in ("matplotlib", "matplotlib.pyplot"):
        require(module, feature="leadkit.plot", extra="plot")


def _axes(ax: Axes | None, *, wide: bool = False) -> Axes:
    """``ax`` itself, or the axes of a new figure when it is ``None``."""
    if ax is not None:
        import matplotlib.axes

        if not isinstance(ax, matplotlib.axes.Axes):
            raise ValidationError.at(("ax",), "a matplotlib Axes or None", ax)
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=(8.0, 4.8) if wide else (6.4, 4.8), layout="constrained")
    return new


def _check_bins(bins: object) -> int:
    if type(bins) is not int or bins < 1:
        raise ValidationError.at(("bins",), "a whole number of bins >= 1", bins)
    return bins


def _check_pairs(
    values: object, outcomes: object, *, name: str = "scores"
) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    numbers = check_scores(values, name)
    won = check_outcomes(outcomes, len(numbers))
    if not numbers:
        raise ValidationError.at((name,), f"at least one of the {name}", "an empty list")
    return numbers, won


# --- funnel ---------------------------------------------------------------------------------------


def funnel_chart(funnel: Funnel, *, group: str | None = None, ax: Axes | None = None) -> Axes:
    """Draw a funnel: one centred bar per stage of the path, as wide as the leads that reached it.

    Each bar is labelled with its count, its share of the top of the funnel,
    and the conversion from the stage before it.

    Args:
        funnel: The result of `funnel`.
        group: Draw one group of the funnel's `Funnel.groups` instead of the
            whole (a source, a channel, a cohort …).
        ax: The axes to draw on; a new figure's when ``None``.

    Returns:
        The axes drawn on.

    Raises:
        MissingExtraError: if matplotlib is not installed.
        ValidationError: for anything other than a `Funnel`, or a group it does not have.
    """
    _require_matplotlib()
    if not isinstance(funnel, Funnel):
        raise ValidationError.at(("funnel",), "a Funnel (see leadkit.funnel)", funnel)
    counts = funnel.stages
    if group is not None:
        if group not in funnel.groups:
            expected = "one of " + ", ".join(repr(g) for g in funnel.groups) if funnel.groups else "no group"
            raise ValidationError.at(("group",), expected, group, reason="unknown group")
        counts = funnel.groups[group]
    axes = _axes(ax)
    widest = max((c.reached for c in counts), default=0) or 1
    top = counts[0].reached if counts else 0
    positions = list(range(len(counts)))[::-1]  # the first stage at the top
    widths = [c.reached for c in counts]
    axes.barh(
        positions,
        widths,
        left=[(widest - w) / 2 for w in widths],
        height=0.8,
        color="tab:blue",
        alpha=0.45,
    )
    for y, count in zip(positions, counts, strict=True):
        notes = [f"{count.reached / top:.0%} of top"] if top else []
        if count.conversion is not None:
            notes.append(f"{count.conversion:.0%} of previous")
        label = f"{count.reached} ({', '.join(notes)})" if notes else str(count.reached)
        axes.text(widest / 2, y, label, ha="center", va="center", fontsize="small", color="black")
    axes.set_yticks(positions, [c.stage for c in counts])
    axes.set_xticks([])
    axes.set_xlim(-0.02 * widest, 1.02 * widest)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    title = f"Funnel of {funnel.pipeline} as of {funnel.as_of.date().isoformat()}: {funnel.leads} leads"
    axes.set_title(title if group is None else f"{title}, {funnel.group_by} = {group}")
    return axes


# --- gains ----------------------------------------------------------------------------------------


def _gains_rows(value: object) -> tuple[tuple[GainsRow, ...], str | None]:
    if isinstance(value, Evaluation):
        return value.gains, value.scorer
    expected = "an Evaluation or a list of GainsRow"
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise ValidationError.at(("gains",), expected, value)
    if not value:
        raise ValidationError.at(("gains",), "at least one GainsRow", "an empty list")
    for i, row in enumerate(value):
        if not isinstance(row, GainsRow):
            raise ValidationError.at(("gains", i), "a GainsRow", row)
    if sum(row.leads for row in value) <= 0:
        raise ValidationError.at(("gains",), "rows holding at least one lead", "no leads")
    return tuple(value), None


def gains_chart(gains_or_evaluation: Evaluation | Sequence[GainsRow], *, ax: Axes | None = None) -> Axes:
    """Draw the cumulative gains curve of a ranking, with the lift of each score group.

    Leads are taken best score first: the curve shows, for each share of
    them contacted (x), the share of all won leads found among them (y), from
    (0 %, 0 %) to (100 %, 100 %). The dashed diagonal is a random order; the
    further above it the curve bows, the better the ranking. Each group's
    lift (its win rate over the overall rate) is a grey bar on the right
    axis, as wide as the group; the dotted line is lift 1, no better than
    random.

    Args:
        gains_or_evaluation: An `Evaluation` (its gains table is drawn, and its
            scorer named in the title) or the rows of a gains table (see
            `gains`), best group first.
        ax: The axes to draw on; a new figure's when ``None``. The lift bars
            go on a twin axes sharing its x axis.

    Returns:
        The axes the gains curve is on.

    Raises:
        MissingExtraError: if matplotlib is not installed.
        ValidationError: for anything other than an evaluation or a non-empty
            list of gains rows.
    """
    _require_matplotlib()
    from matplotlib.ticker import PercentFormatter

    rows, scorer = _gains_rows(gains_or_evaluation)
    axes = _axes(ax)
    total = sum(row.leads for row in rows)
    xs, ys = [0.0], [0.0]
    starts, widths = [], []
    seen = 0
    for row in rows:
        starts.append(100.0 * seen / total)
        widths.append(100.0 * row.leads / total)
        seen += row.leads
        xs.append(100.0 * seen / total)
        ys.append(100.0 * row.captured)

    lift = axes.twinx()
    lifts = [row.lift for row in rows]
    lift.bar(
        starts,
        lifts,
        width=widths,
        align="edge",
        color="0.8",
        edgecolor="white",
        linewidth=0.8,
        label="lift of the group (right axis)",
    )
    lift.axhline(1.0, color=_BASELINE, linestyle=":", linewidth=1.0, label="lift 1: no better than random")
    lift.set_ylim(0.0, 1.6 * max(1.0, *lifts))
    lift.set_ylabel("lift: the group's win rate / the overall rate")
    # The curve in front of the bars: the main axes above its twin, with a see-through background.
    axes.set_zorder(lift.get_zorder() + 1)
    axes.patch.set_visible(False)

    axes.plot([0, 100], [0, 100], color=_BASELINE, linestyle="--", linewidth=1.0, label="random order")
    axes.plot(xs, ys, color="tab:blue", marker="o", markersize=4, linewidth=2.0, label="ranked by score")
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 100)
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=100))
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=100))
    axes.set_xlabel("leads contacted, best scores first")
    axes.set_ylabel("won leads captured")
    axes.set_title("Cumulative gains" + (f" of {scorer}" if scorer else ""))
    axes.grid(alpha=0.3)
    handles, labels = axes.get_legend_handles_labels()
    more_handles, more_labels = lift.get_legend_handles_labels()
    axes.legend(handles + more_handles, labels + more_labels, loc="lower right", fontsize="small")
    return axes


# --- calibration ----------------------------------------------------------------------------------


def _equal_count_bins(values: Sequence[float], bins: int) -> list[list[int]]:
    """Indices of ``values`` cut into ``bins`` groups of (nearly) equal size, lowest values first.

    Ties are kept in input order, so the cut is deterministic; groups that
    would be empty (more bins than values) are left out.
    """
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    bounds = [round(b * len(order) / bins) for b in range(bins + 1)]
    return [order[bounds[b] : bounds[b + 1]] for b in range(bins) if bounds[b] < bounds[b + 1]]


def calibration_chart(
    probabilities: Sequence[float], outcomes: Sequence[bool], *, bins: int = 10, ax: Axes | None = None
) -> Axes:
    """Draw a reliability diagram: do predicted probabilities match how often leads were won?

    The leads are sorted by predicted probability and cut into ``bins``
    groups of equal size (ties in input order, so the same input always gives
    the same groups). Each group is a point: the mean predicted probability
    (x) against the share of its leads that was won (y); its area is in
    proportion to how many leads it holds, and the legend gives the counts.
    Points on the dashed diagonal are well calibrated; below it the
    probabilities are too high, above it too low.

    Args:
        probabilities: The predicted probability of winning of each lead,
            each within ``[0, 1]`` (such as `NaiveBayesScorer.probabilities`).
        outcomes: Won (``True``/``1``) or lost (``False``/``0``), one per
            probability.
        bins: How many groups (fewer when there are fewer leads).
        ax: The axes to draw on; a new figure's when ``None``.

    Returns:
        The axes drawn on.

    Raises:
        MissingExtraError: if matplotlib is not installed.
        ValidationError: for an empty list, a value that is not a probability,
            outcomes that do not match, or ``bins`` not a whole number >= 1.
    """
    _require_matplotlib()
    from matplotlib.ticker import PercentFormatter

    values, won = _check_pairs(probabilities, outcomes, name="probabilities")
    for i, p in enumerate(values):
        if not 0.0 <= p <= 1.0:
            raise ValidationError.at(("probabilities", i), "a probability between 0 and 1", probabilities[i])
    groups = _equal_count_bins(values, _check_bins(bins))
    axes = _axes(ax)
    predicted = [math.fsum(values[i] for i in group) / len(group) for group in groups]
    observed = [sum(won[i] for i in group) / len(group) for group in groups]

    axes.plot([0, 1], [0, 1], color=_BASELINE, linestyle="--", linewidth=1.0, label="perfect calibration")
    counts = [len(group) for group in groups]
    smallest, largest = min(counts), max(counts)
    size = f"{smallest}" if smallest == largest else f"{smallest} to {largest}"
    axes.plot(predicted, observed, color="tab:blue", linewidth=1.5)
    axes.scatter(
        predicted,
        observed,
        s=[_MARKER_AREA * count / largest for count in counts],
        color="tab:blue",
        edgecolors="white",
        linewidths=0.8,
        zorder=3,
        label=f"{len(values)} leads in {len(groups)} groups of {size}",
    )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_aspect("equal")
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.set_xlabel("mean predicted probability of the group")
    axes.set_ylabel("share of the group won")
    axes.set_title("Calibration: predicted against observed")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize="small")
    return axes


# --- score distribution ---------------------------------------------------------------------------


def _edges(values: Sequence[float], bins: int) -> list[float]:
    """``bins`` equal-width bins from the lowest value to the highest.

    Equal values, or values too close together to split into ``bins`` bins of a width whose
    density is a finite number (``1e6`` and the next float, say), get a range one unit wide
    centred on them.
    """
    low, high = min(values), max(values)
    if low < high:
        if math.isfinite(high - low):
            edges = [low + (high - low) * b / bins for b in range(bins)] + [high]
        else:  # scores near the float limits: interpolate, so no step overflows
            edges = [low * (1 - b / bins) + high * (b / bins) for b in range(bins)] + [high]
        if all(a < b and math.isfinite(1.0 / (b - a)) for a, b in itertools.pairwise(edges)):
            return edges
    middle = low if low == high else low + (high - low) / 2
    return [middle - 0.5 + b / bins for b in range(bins)] + [middle + 0.5]


def _densities(values: Sequence[float], edges: Sequence[float]) -> list[float]:
    """Histogram densities of ``values``: counts over (values x bin width); the last bin includes its right edge."""
    bins = len(edges) - 1
    counts = [0] * bins
    for v in values:
        counts[min(max(bisect.bisect_right(edges, v) - 1, 0), bins - 1)] += 1
    return [c / (len(values) * (edges[b + 1] - edges[b])) for b, c in enumerate(counts)]


def score_distribution(
    scores: Sequence[float], outcomes: Sequence[bool], *, bins: int = 20, ax: Axes | None = None
) -> Axes:
    """Draw the scores of won and of lost leads as two overlaid histograms.

    Both histograms share the same ``bins`` equal-width bins, from the lowest
    to the highest score, and are normalised to densities (each encloses an
    area of 1), so a class of 500 leads compares with one of 50 000. The
    further apart the two shapes, the better the scores separate won from
    lost leads. A class without leads is not drawn. Equal scores, or scores
    too close together to split into ``bins`` (``1e6`` and the next float),
    are binned over a range one unit wide centred on them.

    Args:
        scores: Each lead's score.
        outcomes: Won (``True``/``1``) or lost (``False``/``0``), one per score.
        bins: How many bins.
        ax: The axes to draw on; a new figure's when ``None``.

    Returns:
        The axes drawn on.

    Raises:
        MissingExtraError: if matplotlib is not installed.
        ValidationError: for an empty list, a score that is not a finite
            number, outcomes that do not match, or ``bins`` not a whole
            number >= 1.
    """
    _require_matplotlib()
    from matplotlib.colors import to_rgba

    values, won = _check_pairs(scores, outcomes)
    edges = _edges(values, _check_bins(bins))
    axes = _axes(ax)
    for label, flag, colour in (("lost", False, _LOST), ("won", True, _WON)):
        members = [v for v, w in zip(values, won, strict=True) if w is flag]
        if not members:
            continue
        axes.stairs(
            _densities(members, edges),
            edges,
            fill=True,
            facecolor=to_rgba(colour, 0.3),
            edgecolor=colour,
            linewidth=1.5,
            label=f"{label} (n={len(members)})",
        )
    axes.set_xlabel("score")
    axes.set_ylabel("density (share of the class per score unit)")
    axes.set_title("Scores of won and lost leads")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    # Won first in the legend, as in the title.
    handles, labels = axes.get_legend_handles_labels()
    axes.legend(handles[::-1], labels[::-1], loc="best", fontsize="small")
    return axes


# --- engagement decay -----------------------------------------------------------------------------


def _check_kinds(scorer: EngagementScorer, kinds: object) -> list[str]:
    known = list(scorer.signals)
    if kinds is None:
        if not known:
            raise ValidationError.at(("scorer", "signals"), "at least one signal to draw", "no signals")
        return known
    if isinstance(kinds, (str, bytes, Mapping)) or not isinstance(kinds, Sequence):
        raise ValidationError.at(("kinds",), "a list of interaction kinds, or None for all", kinds)
    if not kinds:
        raise ValidationError.at(("kinds",), "at least one interaction kind", "an empty list")
    chosen: list[str] = []
    for i, kind in enumerate(kinds):
        # Kinds are stored lower-case and stripped (see EngagementScorer.signals); InteractionKind members are text.
        name = (
            kind.value if isinstance(kind, InteractionKind) else kind.strip().lower() if isinstance(kind, str) else ""
        )
        if name not in scorer.signals:
            raise ValidationError.at(("kinds", i), "a kind the scorer has a signal for: " + ", ".join(known), kind)
        chosen.append(name)
    return list(dict.fromkeys(chosen))


def decay_curve(
    scorer: EngagementScorer,
    *,
    kinds: Sequence[str] | None = None,
    horizon: timedelta | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw what one interaction of each kind is worth as it ages, one line per kind.

    An interaction of a kind with ``points`` and ``half_life`` is worth
    ``points * 2 ** (-age / half_life)`` (see `EngagementScorer`). Each
    kind's half-life is marked by a dotted line up to the curve, where it is
    worth half its points. This is the value of a single interaction: the
    scorer's floor, cap and frequency limits apply to a lead's total and are
    not drawn.

    Args:
        scorer: The engagement scorer whose signals are drawn.
        kinds: The interaction kinds to draw, in this order; ``None`` draws
            every kind the scorer has a signal for.
        horizon: The oldest age drawn; ``None`` is four times the longest
            half-life of the kinds drawn.
        ax: The axes to draw on; a new figure's when ``None``.

    Returns:
        The axes drawn on.

    Raises:
        MissingExtraError: if matplotlib is not installed.
        ValidationError: for a scorer that is not an `EngagementScorer`, a
            kind it has no signal for, or a horizon that is not a positive
            duration.
    """
    _require_matplotlib()
    import matplotlib as mpl

    if not isinstance(scorer, EngagementScorer):
        raise ValidationError.at(("scorer",), "an EngagementScorer", scorer)
    chosen = _check_kinds(scorer, kinds)
    if horizon is not None and not (isinstance(horizon, timedelta) and horizon > timedelta(0)):
        raise ValidationError.at(("horizon",), "a positive duration (timedelta) or None", horizon)
    signals = [(kind, scorer.signals[kind]) for kind in chosen]
    half_lives = [(signal.half_life or scorer.half_life).total_seconds() / _DAY for _, signal in signals]
    days = horizon.total_seconds() / _DAY if horizon is not None else 4 * max(half_lives)
    # Evenly spaced ages, plus each half-life exactly, so the curves pass through their half-value points.
    ages = sorted(
        {days * step / _DECAY_STEPS for step in range(_DECAY_STEPS + 1)} | {h for h in half_lives if h <= days}
    )
    axes = _axes(ax, wide=True)
    # Ten distinct hues first, then (past ten kinds) their lighter shades.
    palette = mpl.colormaps["tab20"]
    colours = [palette(2 * (n % 10) + n // 10 % 2) for n in range(len(signals))]
    axes.axhline(0.0, color=_BASELINE, linewidth=0.8)
    for n, ((kind, signal), half_life) in enumerate(zip(signals, half_lives, strict=True)):
        colour = colours[n]
        points = float(signal.points)
        values = [points * 2.0 ** (-age / half_life) for age in ages]
        axes.plot(
            ages,
            values,
            color=colour,
            linewidth=1.8,
            label=f"{kind} ({points:g} point{'' if points == 1 else 's'}, half-life {half_life:g} d)",
        )
        if half_life <= days:
            axes.vlines(half_life, 0.0, points / 2, colors=[colour], linestyles=":", linewidth=1.2)
            axes.plot([half_life], [points / 2], color=colour, marker="o", markersize=3.5)
    axes.plot([], [], color=_BASELINE, linestyle=":", marker="o", markersize=3.5, label="half-life: worth half")
    axes.set_xlim(0.0, days)
    axes.set_xlabel("days since the interaction")
    axes.set_ylabel("points of one interaction")
    axes.set_title(f"Engagement decay: {scorer.name}")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize="small")
    return axes
