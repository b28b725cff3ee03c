"""The scoring contract: `Scorer`, `Score` and `Contribution`.

A scorer turns a lead into a `Score` at a given moment (``as_of``, always
explicit and timezone-aware). A score is nothing but its contributions: its
value is the exact sum of their points (``math.fsum``), so every point can be
traced to the rule or signal that gave it. A floor or cap is applied by adding
a contribution that says so, never by silently changing the total.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, runtime_checkable

import attrs

from leadkit import _checks as check
from leadkit.model import Lead

__all__ = ["Contribution", "Score", "Scorer", "check_as_of"]


@attrs.frozen
class Contribution:
    """Points given to a lead by one rule or signal, and why.

    Examples:
        >>> c = Contribution("demo_request x1", 38.5, "engagement.demo_request", "asked for a demo 12 days ago")
        >>> c.points
        38.5
    """

    label: str
    """A short label for tables (``demo_request x1``, ``enterprise size``)."""
    points: float
    """Points given; negative points take away."""
    source: str
    """The rule or signal that gave them, as ``<scorer>.<rule>``."""
    reason: str
    """A short sentence a salesperson can read."""


def _as_tuple(items: Iterable[Contribution]) -> tuple[Contribution, ...]:
    return tuple(items)


@attrs.frozen
class Score:
    """A scorer's verdict on one lead: a value explained by its contributions.

    ``value`` is computed, never given: it is ``math.fsum`` of the
    contributions' points, so it always equals their sum.

    Examples:
        >>> score = Score(
        ...     "demo", (Contribution("a", 2.0, "demo.a", "because"), Contribution("b", -0.5, "demo.b", "but"))
        ... )
        >>> score.value
        1.5
        >>> print(score)
        demo 1.5 = a +2, b -0.5
    """

    scorer: str
    """The name of the scorer that gave it."""
    contributions: tuple[Contribution, ...] = attrs.field(default=(), converter=_as_tuple)
    """What the value is made of, in the order the scorer produced them."""
    value: float = attrs.field(init=False)
    """The exact sum of the contributions' points."""
    matched: str | None = attrs.field(default=None, kw_only=True)
    """What the lead was measured against, when the scorer chose it (the best-fitting persona)."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "value", math.fsum(c.points for c in self.contributions))

    @classmethod
    def bounded(
        cls,
        scorer: str,
        contributions: Iterable[Contribution],
        *,
        floor: float | None = None,
        cap: float | None = None,
        matched: str | None = None,
    ) -> Score:
        """A score whose total is kept within ``[floor, cap]`` by a recorded contribution.

        When the raw sum is below ``floor`` (or above ``cap``) one more
        contribution, sourced ``<scorer>.floor`` (or ``<scorer>.cap``), brings
        it to the bound, so the adjustment is visible like any other. The
        value then never falls short of the bound; it can pass it by float
        rounding only (a few ulps of the contributions). Keep ``cap`` above
        ``floor``.
        """
        items = tuple(contributions)
        points = [c.points for c in items]
        raw = math.fsum(points)
        if floor is not None and raw < floor:
            adjustment = _adjustment(points, floor, up=True)
            items += (Contribution("floor", adjustment, f"{scorer}.floor", f"raised to the floor of {floor:g}"),)
        elif cap is not None and raw > cap:
            adjustment = _adjustment(points, cap, up=False)
            items += (Contribution("cap", adjustment, f"{scorer}.cap", f"limited to the cap of {cap:g}"),)
        return cls(scorer, items, matched=matched)

    def top(self, n: int = 3) -> tuple[Contribution, ...]:
        """The ``n`` contributions that weigh most (largest absolute points first)."""
        return tuple(sorted(self.contributions, key=lambda c: -abs(c.points))[:n])

    def __str__(self) -> str:
        parts = ", ".join(f"{c.label} {c.points:+.3g}" for c in self.contributions)
        head = f"{self.scorer} {self.value:.3g}" + (f" ({self.matched})" if self.matched else "")
        return head + (f" = {parts}" if parts else "")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.label)}</td><td style='text-align:right'>{c.points:+.2f}</td>"
            f"<td>{html.escape(c.reason)}</td></tr>"
            for c in self.contributions
        )
        return (
            f"<table><caption>{html.escape(self.scorer)}: {self.value:.2f}"
            + (f" ({html.escape(self.matched)})" if self.matched else "")
            + "</caption>"
            f"<thead><tr><th>contribution</th><th>points</th><th>why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


def _adjustment(points: list[float], bound: float, *, up: bool) -> float:
    """The points that bring ``fsum(points)`` to ``bound``, never short of it.

    ``bound - fsum(points)`` can round so that the new sum lands an ulp on
    the wrong side of the bound; nudging by ulps fixes that (one or two steps).
    """
    adjustment = bound - math.fsum(points)
    direction = math.inf if up else -math.inf
    while (math.fsum([*points, adjustment]) < bound) if up else (math.fsum([*points, adjustment]) > bound):
        adjustment = math.nextafter(adjustment, direction)
    return adjustment


@runtime_checkable
class Scorer(Protocol):
    """What every scorer provides, built-in or your own.

    A scorer must be immutable and pure: the same lead and ``as_of`` give the
    same `Score`, the lead is not changed, nothing after ``as_of`` counts, and
    it can be shared between threads and pickled. Prove your own class keeps
    the contract with `leadkit.testing.check_scorer`.
    """

    @property
    def name(self) -> str:
        """The scorer's name; it prefixes the ``source`` of its contributions."""
        ...  # pragma: no cover - protocol

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """Score ``lead`` as things stood at ``as_of`` (timezone-aware)."""
        ...  # pragma: no cover - protocol


def check_as_of(as_of: object) -> datetime:
    """Return ``as_of`` if it is a timezone-aware datetime, else raise `ValidationError`.

    Scorers call this first: leadkit never reads the clock, so the moment to
    score at is always given, and a naive one is ambiguous.
    """
    return check.aware(as_of, "as_of")
