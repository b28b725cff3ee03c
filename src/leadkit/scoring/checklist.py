"""Qualification checklists: BANT, and CHAMP, MEDDIC or your own.

A `Checklist` is an ordered list of criteria, each read from the lead (a BANT
criterion, or a custom field holding a status), with a weight and an optional
gate (``required``). A `ChecklistScorer` turns it into a 0 to 100 score with
partial credit, and `ChecklistScorer.assess` applies the qualification
policy: every required criterion met and at least ``min_met`` met in all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from leadkit import _checks as check
from leadkit.errors import ValidationError
from leadkit.model import BANT, Criterion, CriterionStatus, Lead
from leadkit.scoring.base import Contribution, Score, check_as_of

__all__ = [
    "BANT_CHECKLIST",
    "CHAMP_CHECKLIST",
    "MEDDIC_CHECKLIST",
    "BANTScorer",
    "Checklist",
    "ChecklistAssessment",
    "ChecklistItem",
    "ChecklistScorer",
]

_BANT_FIELDS = tuple(name for name, _ in BANT().items())
_ATTRIBUTES = "attributes."


def _check_source(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    ok = isinstance(value, str) and (
        value in {f"bant.{f}" for f in _BANT_FIELDS}
        or (value.startswith(_ATTRIBUTES) and len(value) > len(_ATTRIBUTES))
    )
    if not ok:
        expected = "bant.budget, bant.authority, bant.need, bant.timeline or attributes.<custom field>"
        raise ValidationError.at((attribute.name,), expected, value)


@attrs.frozen(kw_only=True)
class ChecklistItem:
    """One criterion of a checklist and where its status is read.

    Examples:
        >>> ChecklistItem(name="champion", source="attributes.meddic.champion", required=True).required
        True
    """

    name: str = attrs.field(validator=check.text)
    """The criterion's name, as reports show it."""
    source: str = attrs.field(validator=_check_source)
    """Where the status is: ``bant.<criterion>``, or ``attributes.<key>`` holding a status
    text (``"yes"``) or a mapping ``{"status": ..., "note": ...}``."""
    weight: float = attrs.field(default=1.0, validator=check.finite_number(minimum=0, optional=False))
    """Its share of the score, relative to the other items."""
    required: bool = attrs.field(default=False, validator=check.boolean)
    """A gate: the lead cannot qualify unless this criterion is met."""

    _bant_field: str | None = attrs.field(init=False, repr=False, eq=False)
    _key: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Parsed once: `read` runs for every lead.
        bant = self.source.startswith("bant.")
        object.__setattr__(self, "_bant_field", self.source[5:] if bant else None)
        object.__setattr__(self, "_key", "" if bant else self.source[len(_ATTRIBUTES) :])

    def read(self, lead: Lead) -> tuple[Criterion, str | None]:
        """The criterion's status on ``lead``, and a note when a custom field held no valid status."""
        if self._bant_field is not None:
            criterion: Criterion = getattr(lead.bant, self._bant_field)
            return criterion, None
        key = self._key
        if key not in lead.attributes:
            return Criterion(), None
        value = lead.attributes[key]
        try:
            if isinstance(value, str):
                return Criterion(value), None
            if isinstance(value, Mapping):
                return Criterion.from_dict(dict(value)), None
        except ValidationError:
            pass
        # Not a status: counted as unknown, and said so rather than silently ignored.
        return Criterion(), f"{self.source} holds {value!r}, not a status"


_named_items = check.named_items(ChecklistItem, non_empty=True)


def _check_items(instance: Checklist, attribute: attrs.Attribute[Any], value: Any) -> None:
    _named_items(instance, attribute, value)
    if not math.fsum(item.weight for item in value) > 0:
        raise ValidationError.at((attribute.name,), "at least one item with a weight above 0", value)


@attrs.frozen(kw_only=True)
class Checklist:
    """A qualification framework: criteria, weights, gates and the policy to qualify.

    Examples:
        >>> [item.name for item in BANT_CHECKLIST.items]
        ['budget', 'authority', 'need', 'timeline']
        >>> BANT_CHECKLIST.min_met
        3
    """

    name: str = attrs.field(validator=check.text)
    """The framework's name (``BANT``, ``MEDDIC`` …)."""
    items: tuple[ChecklistItem, ...] = attrs.field(converter=check.as_tuple, validator=_check_items)
    """The criteria, in the order they are asked."""
    min_met: int = attrs.field(default=0)
    """To qualify, at least this many criteria met (required ones included)."""
    partial_credit: float = attrs.field(default=0.5)
    """The share of an item's weight a ``partial`` status earns (0 to 1)."""

    @min_met.validator
    def _check_min_met(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        items = self.items if isinstance(self.items, tuple) else ()
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= len(items):
            raise ValidationError.at((attribute.name,), f"a whole number from 0 to {len(items)}", value)

    @partial_credit.validator
    def _check_partial(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValidationError.at((attribute.name,), "a number from 0 to 1", value)


def _item(name: str, source: str, *, required: bool = False) -> ChecklistItem:
    return ChecklistItem(name=name, source=source, required=required)


BANT_CHECKLIST = Checklist(
    name="BANT",
    items=(
        _item("budget", "bant.budget"),
        _item("authority", "bant.authority"),
        _item("need", "bant.need", required=True),
        _item("timeline", "bant.timeline"),
    ),
    min_met=3,
)
"""BANT: need is required, and at least two of budget, authority and timeline."""

CHAMP_CHECKLIST = Checklist(
    name="CHAMP",
    items=(
        _item("challenges", "bant.need", required=True),
        _item("authority", "bant.authority"),
        _item("money", "bant.budget"),
        _item("prioritisation", "bant.timeline"),
    ),
    min_met=3,
)
"""CHAMP (challenges first), read from the lead's BANT fields: challenges from need,
money from budget, prioritisation from timeline."""

MEDDIC_CHECKLIST = Checklist(
    name="MEDDIC",
    items=(
        _item("metrics", "attributes.meddic.metrics"),
        _item("economic_buyer", "attributes.meddic.economic_buyer", required=True),
        _item("decision_criteria", "attributes.meddic.decision_criteria"),
        _item("decision_process", "attributes.meddic.decision_process"),
        _item("identify_pain", "attributes.meddic.identify_pain", required=True),
        _item("champion", "attributes.meddic.champion", required=True),
    ),
    min_met=5,
)
"""MEDDIC, read from custom fields ``meddic.metrics``, ``meddic.economic_buyer`` …
holding a status: economic buyer, pain and champion required, five of six met."""


@attrs.frozen
class ChecklistAssessment:
    """Where a lead stands against a checklist's qualification policy."""

    qualified: bool
    """True when every required criterion is met and at least ``min_met`` are."""
    met: tuple[str, ...]
    """Criteria with status ``yes``."""
    partial: tuple[str, ...]
    """Criteria with status ``partial``."""
    missing: tuple[str, ...]
    """Criteria not met (``no``, ``unknown`` or ``partial``), in checklist order."""
    blocking: tuple[str, ...]
    """Required criteria not met: each alone stops qualification."""
    reasons: tuple[str, ...]
    """Why it is not qualified, in words (empty when qualified)."""


_CREDIT = {CriterionStatus.YES: 1.0, CriterionStatus.NO: 0.0, CriterionStatus.UNKNOWN: 0.0}


@attrs.frozen(kw_only=True)
class ChecklistScorer:
    """Scores a qualification checklist from 0 to 100, with partial credit.

    Each item earns ``100 * weight / total weight`` when met, the checklist's
    ``partial_credit`` share of that when partial, nothing otherwise; one
    contribution per item says its status.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import BANT, Lead
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> lead = Lead(id="a", created_at=t, bant=BANT(budget="yes", need="yes", timeline="partial"))
        >>> scorer = ChecklistScorer(checklist=BANT_CHECKLIST)
        >>> scorer.score(lead, as_of=t).value
        62.5
        >>> scorer.assess(lead).missing
        ('authority', 'timeline')
    """

    checklist: Checklist = attrs.field(validator=check.instance(Checklist))
    """The criteria and the policy."""
    name: str = attrs.field(default="", validator=check.instance(str, "text"))
    """The scorer's name (by default the checklist's, lower-case)."""

    _total: float = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            object.__setattr__(self, "name", self.checklist.name.lower())
        object.__setattr__(self, "_total", math.fsum(item.weight for item in self.checklist.items))

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """The checklist score of ``lead``: 0 to 100, one contribution per criterion."""
        check_as_of(as_of)
        total = self._total
        contributions = []
        for item in self.checklist.items:
            criterion, problem = item.read(lead)
            credit = _CREDIT.get(criterion.status, self.checklist.partial_credit)
            reason = f"{item.name}: {criterion.status.value}"
            if criterion.note:
                reason += f" ({criterion.note})"
            if problem:
                reason += f"; {problem}"
            points = 100.0 * item.weight * credit / total
            contributions.append(Contribution(item.name, points, f"{self.name}.{item.name}", reason))
        return Score.bounded(self.name, contributions, floor=0.0, cap=100.0)

    def assess(self, lead: Lead) -> ChecklistAssessment:
        """Apply the qualification policy: which criteria are met, missing, and blocking."""
        met, partial, missing, blocking = [], [], [], []
        for item in self.checklist.items:
            status = item.read(lead)[0].status
            if status is CriterionStatus.YES:
                met.append(item.name)
                continue
            missing.append(item.name)
            if status is CriterionStatus.PARTIAL:
                partial.append(item.name)
            if item.required:
                blocking.append(item.name)
        reasons = [f"{name} is required" for name in blocking]
        if len(met) < self.checklist.min_met:
            reasons.append(f"{len(met)} of {self.checklist.min_met} needed criteria met")
        return ChecklistAssessment(
            qualified=not reasons,
            met=tuple(met),
            partial=tuple(partial),
            missing=tuple(missing),
            blocking=tuple(blocking),
            reasons=tuple(reasons),
        )


@attrs.frozen(kw_only=True)
class BANTScorer(ChecklistScorer):
    """A `ChecklistScorer` that uses `BANT_CHECKLIST` unless told otherwise.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import BANT, Lead
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> lead = Lead(id="a", created_at=t, bant=BANT(budget="yes", authority="yes", need="yes"))
        >>> BANTScorer().assess(lead).qualified
        True
    """

    checklist: Checklist = attrs.field(default=BANT_CHECKLIST, validator=check.instance(Checklist))
    """The criteria and the policy (BANT by default)."""
