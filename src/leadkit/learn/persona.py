"""Suggesting an ideal customer profile from history: what won leads have more often than the others.

For each dimension a `Persona` describes (industry, title words, company
size, country, channel) the lift of every value is its won rate divided by
the overall won rate. Values seen on at least ``min_support`` leads with a
lift of at least ``min_lift`` make the suggested persona; the whole table is
kept, so the choice can be reviewed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from leadkit import _checks as check
from leadkit.errors import ValidationError
from leadkit.learn.evaluation import aligned_outcomes, check_leads
from leadkit.model import Lead, Persona

__all__ = ["Lift", "PersonaSuggestion", "suggest_persona"]

_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset({"and", "for", "the", "with", "senior", "junior", "lead"})
_SIZES = ((0, 10), (11, 50), (51, 200), (201, 1000), (1001, 5000), (5001, None))


@attrs.frozen
class Lift:
    """How much more often won leads have one value than all leads."""

    dimension: str
    """``industry``, ``title``, ``company_size``, ``country`` or ``channel``."""
    value: str
    """The value (a title word, a size band such as ``51-200``)."""
    leads: int
    """Leads with the value (its support)."""
    won: int
    """Of which won."""
    lift: float
    """Their won rate divided by the overall won rate (1.0: no different)."""
    chosen: bool
    """True when it made the suggested persona."""


@attrs.frozen
class PersonaSuggestion:
    """A persona built from history and the lift table behind it (see `suggest_persona`)."""

    persona: Persona
    """The suggested persona."""
    lifts: tuple[Lift, ...]
    """Every value with enough support, by dimension, highest lift first."""
    base_rate: float
    """The overall won rate."""

    def __str__(self) -> str:
        lines = [f"persona {self.persona.name!r} (overall won rate {self.base_rate:.1%})"]
        for lift in self.lifts:
            mark = "*" if lift.chosen else " "
            counts = f"{lift.won:>5} of {lift.leads:>5}"
            lines.append(f"  {mark} {lift.dimension:<12} {lift.value:<24} lift {lift.lift:5.2f}  {counts}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><td>{'&#10003;' if x.chosen else ''}</td><td>{e(x.dimension)}</td><td>{e(x.value)}</td>"
            f"<td>{x.lift:.2f}</td><td>{x.won}</td><td>{x.leads}</td></tr>"
            for x in self.lifts
        )
        return (
            f"<p>persona <b>{e(self.persona.name)}</b>, overall won rate {self.base_rate:.1%}</p><table><thead><tr>"
            "<th>chosen</th><th>dimension</th><th>value</th><th>lift</th><th>won</th><th>leads</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


def _size_band(employees: int | None) -> str | None:
    if employees is None:
        return None
    for low, high in _SIZES:
        if high is None or employees <= high:
            return f"{low}-{high}" if high is not None else f"{low}+"
    return None  # pragma: no cover - the last band is open


def _title_words(lead: Lead) -> Iterable[str]:
    title = lead.contact.title
    if not title:
        return ()
    return {w.casefold() for w in _WORD.findall(title) if w.casefold() not in _STOP}


_DIMENSIONS: Mapping[str, Callable[[Lead], Iterable[str]]] = {
    "industry": lambda lead: (lead.company.industry.casefold(),) if lead.company.industry else (),
    "title": _title_words,
    "company_size": lambda lead: (band,) if (band := _size_band(lead.company.employees)) else (),
    "country": lambda lead: (lead.company.country,) if lead.company.country else (),
    "channel": lambda lead: {i.channel for i in lead.interactions if i.channel},
}


def suggest_persona(
    leads: Sequence[Lead],
    outcomes: Sequence[bool] | Mapping[str, bool],
    *,
    name: str = "suggested",
    min_support: int = 10,
    min_lift: float = 1.2,
) -> PersonaSuggestion:
    """A persona made of the values over-represented among won leads, with the lift table behind it.

    Industries, countries and channels (those of the lead's interactions, as
    `PersonaFitScorer` reads them) are taken as they are; titles as words;
    company size by band (``51-200``), the persona's size range spanning the
    chosen bands.

    Raises:
        ValidationError: for outcomes that do not match the leads, no won lead,
            or a bad setting.
    """
    population = check_leads(leads)
    won = aligned_outcomes(population, outcomes)
    if type(min_support) is not int or min_support < 1:
        raise ValidationError.at(("min_support",), "a whole number >= 1", min_support)
    if not check.is_finite_number(min_lift) or min_lift <= 0:
        raise ValidationError.at(("min_lift",), "a positive number (such as 1.2)", min_lift)
    total_won = sum(won)
    if not total_won:
        raise ValidationError.at(("outcomes",), "at least one won lead", "none won", reason="nothing to learn from")
    base = total_won / len(won)
    lifts: list[Lift] = []
    chosen: dict[str, list[str]] = {d: [] for d in _DIMENSIONS}
    for dimension, values_of in _DIMENSIONS.items():
        counts: dict[str, list[int]] = {}
        for lead, w in zip(population, won, strict=True):
            for value in values_of(lead):
                seen = counts.setdefault(value, [0, 0])
                seen[0] += 1
                seen[1] += w
        rows = [(value, n, hits, (hits / n) / base) for value, (n, hits) in counts.items() if n >= min_support]
        rows.sort(key=lambda r: (-r[3], r[0]))
        for value, n, hits, lift in rows:
            keep = lift >= min_lift
            if keep:
                chosen[dimension].append(value)
            lifts.append(Lift(dimension, value, n, hits, lift, keep))
    low, high = _size_range(chosen["company_size"])
    persona = Persona(
        name=name,
        description=f"Suggested from {len(population)} leads ({total_won} won): values with lift >= {min_lift:g}",
        industries=chosen["industry"],
        titles=chosen["title"],
        countries=chosen["country"],
        channels=chosen["channel"],
        min_employees=low,
        max_employees=high,
    )
    return PersonaSuggestion(persona, tuple(lifts), base)


def _size_range(bands: Sequence[str]) -> tuple[int | None, int | None]:
    """The head-count range spanning the chosen size bands (open-ended when the largest band is)."""
    if not bands:
        return None, None
    ranges = [b.rstrip("+").split("-") for b in bands]
    low = min(int(r[0]) for r in ranges)
    high = None if any(b.endswith("+") for b in bands) else max(int(r[1]) for r in ranges)
    return low, high
