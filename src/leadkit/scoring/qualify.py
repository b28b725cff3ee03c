"""Qualification: several scorers combined into one verdict per lead.

A `ScoringModel` runs its scorers and weighs their values into a total. Each
scorer sits on one *side*:

* **fit** (who the lead is: persona fit, firmographic rules) gives the fit
  grade, A to D;
* **engagement** (what the lead did) gives the engagement band, 1 to 4, and
  the temperature, cold, warm or hot;
* scorers on neither side (a BANT checklist, say) count in the total only.

A side's value is the weighted sum of its scorers' values, and the total is
the weighted sum of all of them. The lead is an MQL when the total reaches a
threshold and its grade is good enough, and sales-ready when it raised its
hand (a demo request, a free-trial sign-up) recently, whatever its score.
"""

from __future__ import annotations

import enum
import heapq
import html
import itertools
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from leadkit import _checks as check
from leadkit._frozen import FrozenMap
from leadkit.errors import ValidationError
from leadkit.model import InteractionKind, Lead
from leadkit.scoring.base import Contribution, Score, Scorer, check_as_of
from leadkit.scoring.checklist import ChecklistAssessment, ChecklistScorer

__all__ = ["GRADES", "Qualification", "ScoringModel", "Temperature"]

GRADES = ("A", "B", "C", "D")
"""Fit grades, best first."""

_BANDS = (1, 2, 3, 4)
_SIDES = ("fit", "engagement")


class Temperature(str, enum.Enum):
    """How close to buying a lead looks, from its engagement."""

    COLD = "cold"
    """Little or no recent engagement."""
    WARM = "warm"
    """Some engagement: downloads, webinars, email clicks."""
    HOT = "hot"
    """Strong recent engagement: pricing views, a demo request, a trial."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen(kw_only=True)
class Qualification:
    """A `ScoringModel`'s verdict on one lead at one moment.

    ``total`` is the value of ``breakdown``: one contribution per scorer, its
    value times its weight, so the total is always explained.
    """

    lead_id: str
    """The lead's id."""
    as_of: datetime
    """The moment the lead was scored at."""
    scores: Mapping[str, Score]
    """Each scorer's `Score`, by scorer name, in the model's order."""
    breakdown: Score
    """The total as a score: one contribution per scorer (value x weight)."""
    fit: float
    """The fit side: the weighted sum of the fit scorers' values."""
    engagement: float
    """The engagement side: the weighted sum of the engagement scorers' values."""
    grade: str
    """Fit grade, ``A`` (best) to ``D``."""
    band: int
    """Engagement band, ``1`` (most engaged) to ``4``."""
    temperature: Temperature
    """Cold, warm or hot, from the engagement side."""
    mql: bool
    """Marketing-qualified: total and grade reach the model's MQL policy."""
    sales_ready: bool
    """The lead raised its hand (see `ScoringModel.hand_raisers`) within the window."""
    persona: str | None
    """The persona matched by a persona-fit scorer, if any."""
    checklists: Mapping[str, ChecklistAssessment]
    """The qualification policy of each checklist scorer (BANT …), by scorer name."""
    top: tuple[Contribution, ...]
    """The heaviest contributions of all scorers (at most five), their points weighted as they
    count in the total, heaviest first."""
    reasons: tuple[str, ...]
    """The main reasons in plain words: a hand-raise first, then the reasons of `top`."""

    @property
    def total(self) -> float:
        """The weighted total of every scorer's value."""
        return self.breakdown.value

    @property
    def rating(self) -> str:
        """Grade and band together, as in profile x engagement grids (``B2``)."""
        return f"{self.grade}{self.band}"

    def _flags(self) -> str:
        flags = [name for name, on in (("MQL", self.mql), ("sales-ready", self.sales_ready)) if on]
        return ", ".join(flags) or "-"

    def __str__(self) -> str:
        head = f"lead {self.lead_id} as of {self.as_of.isoformat()}: {self.rating} {self.temperature}"
        lines = [f"{head}, total {self.total:.1f} ({self._flags()})"]
        if self.persona:
            lines.append(f"  persona: {self.persona}")
        lines.append(f"  fit {self.fit:.1f} (grade {self.grade}), engagement {self.engagement:.1f} (band {self.band})")
        for name, score in self.scores.items():
            lines.append(f"  {name}: {score.value:.1f}")
            lines.extend(f"    {c.points:+7.2f}  {c.label}: {c.reason}" for c in score.contributions)
        for name, assessment in self.checklists.items():
            verdict = "qualified" if assessment.qualified else "not qualified: " + "; ".join(assessment.reasons)
            lines.append(f"  {name} policy: {verdict}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        head = (
            f"<p><b>lead {e(self.lead_id)}</b> as of {e(self.as_of.isoformat())}: <b>{e(self.rating)}</b>"
            f" {e(str(self.temperature))}, total {self.total:.1f} ({e(self._flags())})"
            + (f", persona {e(self.persona)}" if self.persona else "")
            + "</p>"
        )
        rows = "".join(
            f"<tr><td>{e(name)}</td><td>{e(c.label)}</td><td style='text-align:right'>{c.points:+.2f}</td>"
            f"<td>{e(c.reason)}</td></tr>"
            for name, score in self.scores.items()
            for c in score.contributions
        )
        return (
            f"{head}<table><thead><tr><th>scorer</th><th>contribution</th><th>points</th><th>why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


def _scorers(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _check_scorers(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError.at((attribute.name,), "a non-empty list of scorers", value)
    names: set[str] = set()
    for i, scorer in enumerate(value):
        if not isinstance(scorer, Scorer):
            raise ValidationError.at((attribute.name, i), "a scorer (an object with a name and a score method)", scorer)
        name = scorer.name
        if not isinstance(name, str) or not name.strip():
            raise ValidationError.at((attribute.name, i, "name"), "non-empty text", name)
        if name in names:
            raise ValidationError.at((attribute.name, i, "name"), "a name no other scorer in the model uses", name)
        names.add(name)


def _mapping(value: Any) -> Any:
    return FrozenMap(value) if isinstance(value, Mapping) and not isinstance(value, FrozenMap) else value


def _check_descending(count: int) -> check.Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        ok = (
            isinstance(value, tuple)
            and len(value) == count
            and all(check.is_finite_number(v) for v in value)
            and all(a > b for a, b in itertools.pairwise(value))
        )
        if not ok:
            check.fail(attribute, f"{count} numbers, each lower than the one before", value)

    return validate


def _numbers(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _check_grades(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(g in GRADES for g in value):
        check.fail(attribute, "a list of grades among A, B, C, D", value)


def _check_kinds(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(k, str) and k for k in value):
        check.fail(attribute, "a list of interaction kinds", value)


def _check_window(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, timedelta) and value > timedelta(0)):
        check.fail(attribute, "a positive duration (timedelta) or None", value)


def _hand_raisers(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(v.value if isinstance(v, InteractionKind) else v for v in value)
    return value


@attrs.frozen(kw_only=True)
class ScoringModel:
    """Scorers combined into a `Qualification`: total, grade, band, temperature, MQL, sales-ready.

    The model is itself a scorer (its `score` is the weighted total), so it
    can be nested or used wherever a scorer is expected.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import EngagementScorer, Interaction, Lead, Persona, PersonaFitScorer
        >>> model = ScoringModel(
        ...     scorers=[PersonaFitScorer(Persona(name="Banks", industries=["Banking"])), EngagementScorer()],
        ...     fit=["fit"],
        ...     engagement=["engagement"],
        ... )
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> lead = Lead(id="a", created_at=t, interactions=[Interaction(kind="demo_request", at=t)])
        >>> q = model.qualify(lead, as_of=t)
        >>> q.rating, str(q.temperature), q.mql, q.sales_ready
        ('D1', 'hot', False, True)
    """

    scorers: tuple[Scorer, ...] = attrs.field(converter=_scorers, validator=_check_scorers)
    """The scorers, each with a name unique in the model."""
    weights: Mapping[str, float] = attrs.field(factory=FrozenMap, converter=_mapping)
    """Scorer name to weight in the total and its side (a scorer not listed weighs 1)."""
    fit: tuple[str, ...] = attrs.field(default=(), converter=check.as_tuple)
    """Names of the scorers on the fit side."""
    engagement: tuple[str, ...] = attrs.field(default=(), converter=check.as_tuple)
    """Names of the scorers on the engagement side."""
    grades: tuple[float, float, float] = attrs.field(
        default=(75.0, 50.0, 25.0), converter=_numbers, validator=_check_descending(3)
    )
    """The fit needed for grades A, B and C (below the last: D)."""
    bands: tuple[float, float, float] = attrs.field(
        default=(60.0, 30.0, 10.0), converter=_numbers, validator=_check_descending(3)
    )
    """The engagement needed for bands 1, 2 and 3 (below the last: 4)."""
    temperature: tuple[float, float] = attrs.field(
        default=(50.0, 15.0), converter=_numbers, validator=_check_descending(2)
    )
    """The engagement needed to be hot, and to be warm (below: cold)."""
    mql_total: float = attrs.field(default=60.0, validator=check.finite_number(optional=False))
    """The total an MQL needs."""
    mql_grades: tuple[str, ...] = attrs.field(default=("A", "B"), converter=check.as_tuple, validator=_check_grades)
    """The grades an MQL may have."""
    hand_raisers: tuple[str, ...] = attrs.field(
        default=(InteractionKind.DEMO_REQUEST.value, InteractionKind.FREE_TRIAL.value),
        converter=_hand_raisers,
        validator=_check_kinds,
    )
    """Interaction kinds that make a lead sales-ready whatever its score."""
    hand_raiser_window: timedelta | None = attrs.field(default=timedelta(days=30), validator=_check_window)
    """How recent a hand-raiser must be (``None``: any time before ``as_of``)."""
    name: str = attrs.field(default="model", validator=check.text)
    """The model's name, used when the model itself is used as a scorer."""
    description: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """What the model is for, in words."""

    _plan: tuple[tuple[Scorer, float, str | None], ...] = attrs.field(init=False, repr=False, eq=False)
    _checklists: tuple[ChecklistScorer, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        names = [s.name for s in self.scorers]
        self._validate(names)
        sides: dict[str, str] = dict.fromkeys(self.fit, "fit") | dict.fromkeys(self.engagement, "engagement")
        plan = tuple((s, float(self.weights.get(s.name, 1.0)), sides.get(s.name)) for s in self.scorers)
        object.__setattr__(self, "_plan", plan)
        object.__setattr__(self, "_checklists", tuple(s for s in self.scorers if isinstance(s, ChecklistScorer)))

    def _validate(self, names: list[str]) -> None:
        if not isinstance(self.weights, Mapping):
            raise ValidationError.at(("weights",), "a mapping of scorer name to weight", self.weights)
        for key, weight in self.weights.items():
            if key not in names:
                raise ValidationError.at(("weights", str(key)), "the name of a scorer in the model", key)
            if not check.is_finite_number(weight):
                raise ValidationError.at(("weights", key), "a finite number", weight)
        self._validate_sides(names)

    def _validate_sides(self, names: list[str]) -> None:
        seen: set[str] = set()
        for side in _SIDES:
            listed = getattr(self, side)
            if not isinstance(listed, tuple):
                raise ValidationError.at((side,), "a list of scorer names", listed)
            for i, name in enumerate(listed):
                if name not in names:
                    raise ValidationError.at((side, i), "the name of a scorer in the model", name)
                if name in seen:
                    raise ValidationError.at((side, i), "a scorer on one side only", name)
                seen.add(name)

    @classmethod
    def from_dict(cls, data: object) -> ScoringModel:
        """Build a model from its plain-data form (see the YAML reference); raises `ConfigError`."""
        from leadkit.scoring.config import model_from_data

        return model_from_data(data)

    def to_dict(self) -> dict[str, Any]:
        """The plain-data form; `from_dict` reads it back equal."""
        from leadkit.scoring.config import model_to_data

        return model_to_data(self)

    @classmethod
    def from_yaml(cls, text: str | bytes) -> ScoringModel:
        """Read a model from YAML text; each problem in a `ConfigError` carries its line."""
        from leadkit.scoring.config import model_from_yaml

        return model_from_yaml(text)

    def to_yaml(self) -> str:
        """The model as YAML; `from_yaml` reads it back equal."""
        from leadkit.scoring.config import model_to_yaml

        return model_to_yaml(self)

    def qualify(self, lead: Lead, *, as_of: datetime) -> Qualification:
        """Score ``lead`` with every scorer at ``as_of`` and combine the results."""
        moment = check_as_of(as_of)
        scores: dict[str, Score] = {}
        parts: list[Contribution] = []
        fit: list[float] = []
        engagement: list[float] = []
        weighted: list[tuple[float, Contribution]] = []
        persona = None
        for scorer, weight, side in self._plan:
            score = scorer.score(lead, as_of=moment)
            scores[scorer.name] = score
            value = weight * score.value
            why = f"{scorer.name} {score.value:.1f}" + (f" x weight {weight:g}" if weight != 1.0 else "")
            parts.append(Contribution(scorer.name, value, scorer.name, why))
            if side == "fit":
                fit.append(value)
                if persona is None:
                    persona = score.matched
            elif side == "engagement":
                engagement.append(value)
            weighted.extend((weight * c.points, c) for c in score.contributions)
        breakdown = Score(self.name, parts)
        fit_value, engagement_value = math.fsum(fit), math.fsum(engagement)
        grade = _level(fit_value, self.grades, GRADES)
        band = _level(engagement_value, self.bands, _BANDS)
        hot, warm = self.temperature
        temperature = (
            Temperature.HOT
            if engagement_value >= hot
            else Temperature.WARM
            if engagement_value >= warm
            else Temperature.COLD
        )
        raised = self._hand_raised(lead, moment)
        reasons = [f"raised a hand: {raised}"] if raised else []
        heaviest = heapq.nsmallest(5, weighted, key=lambda pair: -abs(pair[0]))  # stable: ties keep model order
        top = tuple(Contribution(c.label, points, c.source, c.reason) for points, c in heaviest if points)
        reasons.extend(f"{c.reason} ({c.points:+.1f})" for c in top)
        return Qualification(
            lead_id=lead.id,
            as_of=moment,
            scores=FrozenMap(scores),
            breakdown=breakdown,
            fit=fit_value,
            engagement=engagement_value,
            grade=grade,
            band=band,
            temperature=temperature,
            mql=breakdown.value >= self.mql_total and grade in self.mql_grades,
            sales_ready=raised is not None,
            persona=persona,
            checklists=FrozenMap({s.name: s.assess(lead) for s in self._checklists}),
            top=top,
            reasons=tuple(reasons),
        )

    def qualify_many(self, leads: Iterable[Lead], *, as_of: datetime) -> tuple[Qualification, ...]:
        """`qualify` for each lead, in order."""
        return tuple(self.qualify(lead, as_of=as_of) for lead in leads)

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """The weighted total as a `Score` (one contribution per scorer), so a model is a scorer too."""
        return self.qualify(lead, as_of=as_of).breakdown

    def _hand_raised(self, lead: Lead, moment: datetime) -> str | None:
        """The latest hand-raiser within the window, described, or ``None``."""
        kinds = self.hand_raisers
        window = self.hand_raiser_window
        for interaction in reversed(lead.interactions):
            if interaction.at > moment:
                continue
            if window is not None and moment - interaction.at > window:  # not moment - window: year 1 has no before
                return None
            if interaction.kind in kinds:
                days = (moment - interaction.at).days
                when = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
                return f"{interaction.kind} {when}"
        return None


def _level(value: float, thresholds: tuple[float, ...], levels: tuple[Any, ...]) -> Any:
    for threshold, level in zip(thresholds, levels, strict=False):
        if value >= threshold:
            return level
    return levels[-1]
