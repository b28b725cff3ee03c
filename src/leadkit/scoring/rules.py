"""Rules: declarative points for what a lead is or did.

A `Rule` gives its points when its condition holds (see
`leadkit.scoring.conditions` for the condition forms and their semantics).
A `RuleScorer` adds up the rules that hold; each one that does becomes a
contribution naming the rule, so the total is always explained. Rules that do
not hold give nothing and are not listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from leadkit import _checks as check
from leadkit.errors import ConfigError, ValidationError, suggest
from leadkit.model import Lead
from leadkit.scoring.base import Contribution, Score, check_as_of
from leadkit.scoring.conditions import Condition, Test, parse_condition

__all__ = ["Rule", "RuleScorer"]


def _condition(value: Any) -> Any:
    # Anything but a condition object is read as the data form, so errors come from one place.
    return value if isinstance(value, Condition) else parse_condition(value, ("when",))


@attrs.frozen(kw_only=True)
class Rule:
    """Points for a lead that meets a condition.

    ``when`` takes a condition object or its plain-data form.

    Examples:
        >>> rule = Rule(name="personal email", when={"field": "contact.email", "matches": "@gmail[.]com$"}, points=-10)
        >>> rule.reason
        "contact.email matches '@gmail[.]com$'"
    """

    name: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The rule's name, unique within its scorer; contributions are labelled with it."""
    when: Condition = attrs.field(converter=_condition)
    """The condition that gives the points."""
    points: float = attrs.field(validator=check.finite_number(optional=False))
    """Points given when the condition holds; negative points take away."""
    reason: str = attrs.field(default="", converter=check.clean_text)
    """Why, in words, for the explanation (by default the condition described)."""
    _test: Test = attrs.field(init=False, repr=False, eq=False)

    @reason.validator
    def _check_reason(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, str):
            check.fail(attribute, "text", value)

    def __attrs_post_init__(self) -> None:
        if not self.reason:
            object.__setattr__(self, "reason", self.when.describe())
        object.__setattr__(self, "_test", self.when.compile())  # compiled once, here

    def matches(self, lead: Lead, *, as_of: datetime) -> bool:
        """Whether the condition holds for ``lead`` at ``as_of``."""
        return self._test(lead, check_as_of(as_of).timestamp())

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled test is a closure: rebuild it rather than pickle it.
        return (_rule, (self.name, self.when, self.points, self.reason))


def _rule(name: str, when: Condition, points: float, reason: str) -> Rule:
    return Rule(name=name, when=when, points=points, reason=reason)


_RULE_KEYS = ("name", "when", "points", "reason")


def _rule_from_data(data: Mapping[Any, Any], index: int) -> Rule:
    """A rule from its plain-data form ``{"name", "when", "points", "reason"?}``."""
    for key in data:
        if key not in _RULE_KEYS:
            raise ValidationError.at(
                ("rules", index, key if isinstance(key, str) else repr(key)),
                "only the keys " + ", ".join(_RULE_KEYS),
                key,
                reason="unknown key" + suggest(key, _RULE_KEYS),
            )
    for key in _RULE_KEYS[:3]:
        if key not in data:
            raise ValidationError.at(("rules", index, key), f"a {key} for every rule", reason="missing key")
    try:
        return Rule(**{str(k): v for k, v in data.items()})
    except (ValidationError, ConfigError) as exc:
        raise exc.within(*("rules", index)) from None


def _rules(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_rule_from_data(item, i) if isinstance(item, Mapping) else item for i, item in enumerate(value))
    return value


@attrs.frozen(kw_only=True)
class RuleScorer:
    """Adds up the points of the rules a lead meets.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Company, Lead
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> scorer = RuleScorer(
        ...     rules=[
        ...         Rule(name="software", when={"field": "company.industry", "eq": "software"}, points=20),
        ...         Rule(name="mid-size", when={"field": "company.employees", "between": [50, 5000]}, points=10),
        ...     ]
        ... )
        >>> print(scorer.score(Lead(id="a", created_at=t, company=Company(industry="Software")), as_of=t))
        rules 20 = software +20
    """

    rules: tuple[Rule, ...] = attrs.field(converter=_rules, validator=check.named_items(Rule))
    """The rules, in the order their contributions are listed."""
    name: str = attrs.field(default="rules", validator=check.text)
    """The scorer's name, prefixing its contributions' sources."""
    floor: float | None = attrs.field(default=None, validator=check.finite_number())
    """The lowest total (``None``: no floor)."""
    cap: float | None = attrs.field(default=None, validator=check.finite_number())
    """The highest total (``None``: no cap)."""

    def __attrs_post_init__(self) -> None:
        if self.floor is not None and self.cap is not None and self.cap <= self.floor:
            raise ValidationError.at(("cap",), f"more than the floor ({self.floor:g})", self.cap)

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """The points of every rule ``lead`` meets at ``as_of``, one contribution each."""
        now = check_as_of(as_of).timestamp()
        name = self.name
        contributions = [
            Contribution(rule.name, rule.points, f"{name}.{rule.name}", rule.reason)
            for rule in self.rules
            if rule._test(lead, now)
        ]
        return Score.bounded(name, contributions, floor=self.floor, cap=self.cap)
