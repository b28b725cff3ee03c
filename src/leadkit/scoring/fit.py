"""Persona fit: how well a lead matches an ideal customer profile (a `Persona`).

A persona names what a good lead looks like along six dimensions (see
`FIT_DIMENSIONS`): industry, title, company size, country, channel and pain
points. Each dimension the persona *specifies* (a non-empty list, or a size
bound) and that has a weight above 0 counts; the others are ignored, since an
empty criterion means "any". With ``W`` the total weight of the counted
dimensions, a dimension *d* gives

    100 * weight_d / W   when the lead matches it, 0 otherwise

so the score runs from 0 (nothing matches) to 100 (everything does), and a
miss is still listed, with 0 points, so the explanation shows what did not
fit. Unknown data (no title, no head count) never matches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import attrs

from leadkit import _checks as check
from leadkit._frozen import FrozenMap
from leadkit.errors import ValidationError
from leadkit.model import Lead, Persona
from leadkit.scoring.base import Contribution, Score, check_as_of

__all__ = ["DEFAULT_FIT_WEIGHTS", "FIT_DIMENSIONS", "BestPersonaFitScorer", "PersonaFitScorer"]

FIT_DIMENSIONS = ("industry", "title", "company_size", "country", "channel", "pain_points")
"""The dimensions a lead is compared with a persona on, in the order they are reported."""

DEFAULT_FIT_WEIGHTS: Mapping[str, float] = FrozenMap(
    {
        "industry": 25.0,
        "title": 25.0,
        "company_size": 20.0,
        "country": 15.0,
        "channel": 5.0,
        "pain_points": 10.0,
    }
)
"""The default weights: who they are (industry, title) first, then company size and
country, then what they say they need (pain points) and where they showed up (channel).
Only the ratios matter; every figure can be changed."""

_ANY_REASON = "the persona has no criteria: every lead fits"
_UNWEIGHTED_REASON = "no criterion of the persona has a weight above 0: every lead fits"


def _weights(value: Any) -> Any:
    return FrozenMap(value) if isinstance(value, Mapping) and not isinstance(value, FrozenMap) else value


def _check_weights(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError.at((attribute.name,), "a mapping of fit dimension to weight", value)
    for key, weight in value.items():
        if key not in FIT_DIMENSIONS:
            where = key if isinstance(key, str) else repr(key)
            raise ValidationError.at(
                (attribute.name, where), f"one of {', '.join(FIT_DIMENSIONS)}", key, reason="unknown dimension"
            )
        if not check.is_finite_number(weight) or weight < 0:
            raise ValidationError.at((attribute.name, key), "a finite number >= 0", weight)


def _fold(text: str) -> str:
    return text.strip().casefold()


def _keywords(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex finding any of ``words`` as a whole word or phrase, case-insensitively.

    The lookarounds ask for no word character just outside the match (a string
    edge will do), so ``c++`` or ``.net`` work too. Longer phrases come first, so
    the longest keyword at a position is the one reported.
    """
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    if not ordered:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, ordered))})(?!\w)", re.IGNORECASE)


def _points(weights: list[float]) -> list[float]:
    """``100 * w / sum(weights)`` for each weight, their fsum 100 at most (and 100 but for rounding).

    The weights are scaled by the largest first, so huge weights cannot
    overflow. Since rounding is monotonic, when the fsum of all points is at
    most 100 the fsum of any subset is too: no lead can pass 100.
    """
    top = max(weights)
    ratios = [w / top for w in weights]
    total = math.fsum(ratios)
    points = [100.0 * r / total for r in ratios]
    largest = points.index(max(points))
    points[largest] += 100.0 - math.fsum(points)
    while math.fsum(points) > 100.0:  # an ulp or two at most
        points[largest] = math.nextafter(points[largest], 0.0)
    return points


def _listing(items: Iterable[str]) -> str:
    return ", ".join(items)


def _one_of(label: str, value: str | None, found: bool, wanted: Iterable[str]) -> tuple[bool, str]:
    """Match and reason for a value that should be one of ``wanted``."""
    if value is None:
        return False, f"no {label} known"
    verdict = "is one of" if found else "is not one of"
    return found, f"{label} {value} {verdict} {_listing(wanted)}"


def _size_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"within {low:,} to {high:,}"
    return f"at least {low:,}" if low is not None else f"at most {high:,}"


@attrs.frozen
class PersonaFitScorer:
    """Scores how well a lead fits a `Persona`, from 0 (nothing fits) to 100 (everything does).

    Only the dimensions the persona specifies count, each worth
    ``100 * weight / total weight`` of the counted dimensions when it matches:

    * **industry**: the company's industry is one of the persona's, ignoring case;
    * **title**: one of the persona's title keywords occurs in the contact's
      title as a whole word or phrase, ignoring case (``engineer`` fits
      "Senior Engineer", not "Engineering Manager");
    * **company_size**: the head count is within ``[min_employees, max_employees]``
      (a missing bound is open);
    * **country**: the company's country is one of the persona's;
    * **channel**: an interaction at or before ``as_of`` came through one of the
      persona's channels;
    * **pain_points**: one of the persona's pain-point keywords occurs, as for
      titles, in the lead's free text: the BANT need note, the text values of
      its custom fields (top level), and the text values of the properties of
      its interactions at or before ``as_of``.

    Unknown data never matches. Every counted dimension is listed, a miss with
    0 points. A persona without criteria fits every lead (100).

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Company, Contact, Lead, Persona
        >>> persona = Persona(
        ...     name="Fintech data leaders",
        ...     industries=["Banking", "Insurance"],
        ...     titles=["head of data"],
        ...     countries=["DE"],
        ... )
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> lead = Lead(
        ...     id="a",
        ...     created_at=t,
        ...     contact=Contact(title="VP, Head of Data"),
        ...     company=Company(industry="banking", country="FR"),
        ... )
        >>> score = PersonaFitScorer(persona).score(lead, as_of=t)
        >>> round(score.value, 2)
        76.92
        >>> for c in score.contributions:
        ...     print(f"{c.points:5.2f} {c.reason}")
        38.46 industry banking is one of Banking, Insurance
        38.46 title VP, Head of Data mentions Head of Data
         0.00 country FR is not one of DE
    """

    persona: Persona = attrs.field(validator=check.instance(Persona))
    """The ideal customer profile to compare leads with."""
    weights: Mapping[str, float] = attrs.field(
        default=DEFAULT_FIT_WEIGHTS, converter=_weights, validator=_check_weights
    )
    """Fit dimension to weight (finite, >= 0); a dimension not listed has weight 0 and does not count.

    To change one weight keep the others: ``{**DEFAULT_FIT_WEIGHTS, "title": 40}``."""
    name: str = attrs.field(default="fit", validator=check.text)
    """The scorer's name, prefixing its contributions' sources."""
    _counted: tuple[tuple[str, float], ...] = attrs.field(init=False, repr=False, eq=False)  # (dimension, points)
    _reason: str = attrs.field(init=False, repr=False, eq=False)  # when nothing counts
    _industries: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _titles: re.Pattern[str] | None = attrs.field(init=False, repr=False, eq=False)
    _countries: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _channels: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _pain_points: re.Pattern[str] | None = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        p = self.persona
        specified = {
            "industry": bool(p.industries),
            "title": bool(p.titles),
            "company_size": p.min_employees is not None or p.max_employees is not None,
            "country": bool(p.countries),
            "channel": bool(p.channels),
            "pain_points": bool(p.pain_points),
        }
        dims = [d for d in FIT_DIMENSIONS if specified[d] and float(self.weights.get(d, 0.0)) > 0]
        points = _points([float(self.weights[d]) for d in dims]) if dims else []
        object.__setattr__(self, "_counted", tuple(zip(dims, points, strict=True)))
        object.__setattr__(self, "_reason", _UNWEIGHTED_REASON if any(specified.values()) else _ANY_REASON)
        object.__setattr__(self, "_industries", frozenset(map(_fold, p.industries)))
        object.__setattr__(self, "_titles", _keywords(p.titles))
        object.__setattr__(self, "_countries", frozenset(p.countries))
        object.__setattr__(self, "_channels", frozenset(p.channels))
        object.__setattr__(self, "_pain_points", _keywords(p.pain_points))

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """The fit of ``lead`` with the persona at ``as_of`` (see the class docs)."""
        now = check_as_of(as_of).timestamp()
        if not self._counted:
            any_ = Contribution("any", 100.0, f"{self.name}.any", self._reason)
            return Score(self.name, [any_], matched=self.persona.name)
        contributions = []
        for dim, points in self._counted:
            matched, reason = _MATCHERS[dim](self, lead, now)
            contributions.append(Contribution(dim, points if matched else 0.0, f"{self.name}.{dim}", reason))
        return Score(self.name, contributions, matched=self.persona.name)  # within [0, 100]: see _points

    # One matcher per dimension: (matched, reason). Only called for dimensions the persona specifies.

    def _industry(self, lead: Lead, _: float) -> tuple[bool, str]:
        industry = lead.company.industry
        folded = None if industry is None else _fold(industry)
        return _one_of("industry", industry, folded in self._industries, self.persona.industries)

    def _title(self, lead: Lead, _: float) -> tuple[bool, str]:
        title = lead.contact.title
        if title is None:
            return False, "no title known"
        assert self._titles is not None  # the persona has titles
        found = self._titles.search(title)
        if found:
            return True, f"title {title} mentions {found.group(0)}"
        return False, f"title {title} mentions none of {_listing(self.persona.titles)}"

    def _company_size(self, lead: Lead, _: float) -> tuple[bool, str]:
        employees = lead.company.employees
        low, high = self.persona.min_employees, self.persona.max_employees
        wanted = _size_range(low, high)
        if employees is None:
            return False, "no head count known"
        if (low is None or employees >= low) and (high is None or employees <= high):
            return True, f"{employees:,} employees is {wanted}"
        return False, f"{employees:,} employees is not {wanted}"

    def _country(self, lead: Lead, _: float) -> tuple[bool, str]:
        country = lead.company.country
        return _one_of("country", country, country in self._countries, self.persona.countries)

    def _channel(self, lead: Lead, now: float) -> tuple[bool, str]:
        for interaction in lead.interactions:  # sorted by time
            if interaction._epoch > now:
                break
            if interaction.channel in self._channels:
                when = interaction.at.date().isoformat()
                return True, f"{interaction.kind} through {interaction.channel} on {when}"
        return False, f"no interaction through {_listing(self.persona.channels)}"

    def _pain_point(self, lead: Lead, now: float) -> tuple[bool, str]:
        assert self._pain_points is not None  # the persona has pain points
        seen = False
        for where, text in _free_text(lead, now):
            seen = True
            found = self._pain_points.search(text)
            if found:
                return True, f"{where} mentions {found.group(0)}"
        if not seen:
            return False, "no free text known"
        return False, f"no mention of {_listing(self.persona.pain_points)}"


def _free_text(lead: Lead, now: float) -> Iterator[tuple[str, str]]:
    """The lead's free text known at ``now``, each with where it was found."""
    if lead.bant.need.note is not None:
        yield "the need note", lead.bant.need.note
    for key, value in lead.attributes.items():
        if isinstance(value, str):
            yield f"attribute {key}", value
    for interaction in lead.interactions:  # sorted by time
        if interaction._epoch > now:
            break
        for key, value in interaction._texts:
            yield f"{interaction.kind} {key}", value


_MATCHERS: Mapping[str, Callable[[PersonaFitScorer, Lead, float], tuple[bool, str]]] = {
    "industry": PersonaFitScorer._industry,
    "title": PersonaFitScorer._title,
    "company_size": PersonaFitScorer._company_size,
    "country": PersonaFitScorer._country,
    "channel": PersonaFitScorer._channel,
    "pain_points": PersonaFitScorer._pain_point,
}


def _personas(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(Persona.from_dict(item) if isinstance(item, Mapping) else item for item in value)
    return value


@attrs.frozen
class BestPersonaFitScorer:
    """Scores a lead against several personas and keeps the one it fits best.

    The score is the best persona's `PersonaFitScorer` score (the first listed
    wins a tie), and ``Score.matched`` names that persona.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Company, Lead, Persona
        >>> scorer = BestPersonaFitScorer(
        ...     [Persona(name="Banks", industries=["Banking"]), Persona(name="Shops", industries=["Retail"])]
        ... )
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> print(scorer.score(Lead(id="a", created_at=t, company=Company(industry="retail")), as_of=t))
        fit 100 (Shops) = industry +100
    """

    personas: tuple[Persona, ...] = attrs.field(
        converter=_personas, validator=check.named_items(Persona, non_empty=True)
    )
    """The personas to compare with, in order of preference for ties."""
    weights: Mapping[str, float] = attrs.field(
        default=DEFAULT_FIT_WEIGHTS, converter=_weights, validator=_check_weights
    )
    """Fit dimension to weight, as for `PersonaFitScorer`."""
    name: str = attrs.field(default="fit", validator=check.text)
    """The scorer's name, prefixing its contributions' sources."""
    _scorers: tuple[PersonaFitScorer, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        scorers = tuple(PersonaFitScorer(p, self.weights, self.name) for p in self.personas)
        object.__setattr__(self, "_scorers", scorers)

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """The fit of ``lead`` with the persona it fits best."""
        check_as_of(as_of)
        best: Score | None = None
        for scorer in self._scorers:
            score = scorer.score(lead, as_of=as_of)
            if best is None or score.value > best.value:
                best = score
        assert best is not None  # personas is never empty
        return best
