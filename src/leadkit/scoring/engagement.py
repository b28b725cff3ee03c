"""Engagement: what a lead did, worth less the longer ago it was.

Each interaction kind has a `Signal`: points, a half-life and a frequency
rule. An interaction of kind *k* at time *t* counts

    points_k * 2 ** (-(as_of - t) / half_life_k)

so a signal is worth half after one half-life, a quarter after two. Only
interactions at or before ``as_of`` count; kinds without a signal count
nothing. The total is kept at or above a floor (0 by default, so negative
signals such as an unsubscribe cannot push a lead below someone who never
engaged) and optionally under a cap, each adjustment recorded as a
contribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

import attrs

from leadkit import _checks as check
from leadkit._frozen import FrozenMap
from leadkit.errors import ValidationError
from leadkit.model import Interaction, InteractionKind, Lead
from leadkit.scoring.base import Contribution, Score, check_as_of

__all__ = ["DEFAULT_SIGNALS", "PERIOD_ANCHOR", "EngagementScorer", "EngagementState", "Frequency", "Signal"]

_DAY = 86_400.0


def _ago(seconds: float) -> str:
    text = _days(seconds)
    return text if text == "today" else f"{text} ago"


def _days(seconds: float) -> str:
    days = seconds / _DAY
    return f"{days:.0f} days" if days >= 1.5 else ("1 day" if days >= 0.5 else "today")


_PERIOD_UNITS = (("day", timedelta(days=1)), ("hour", timedelta(hours=1)), ("minute", timedelta(minutes=1)))


def _window_in_words(window: timedelta) -> str:
    """A window's exact length in words: ``day``, ``7 days``, ``36 hours``, ``90 seconds``, ``1.5 seconds``."""
    for unit, size in _PERIOD_UNITS:
        count, rest = divmod(window, size)
        if not rest:
            return unit if count == 1 else f"{count:,} {unit}s"
    whole = window.days * 86_400 + window.seconds
    fraction = f".{window.microseconds:06d}".rstrip("0") if window.microseconds else ""
    return "second" if whole == 1 and not fraction else f"{whole:,}{fraction} seconds"


def _positive_duration(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, timedelta) and value > timedelta(0)):
        raise ValidationError.at((attribute.name,), "a positive duration (timedelta)", value)


@attrs.frozen
class Frequency:
    """How often interactions of one kind count.

    With a ``window``, time is cut into consecutive periods of that length,
    counted from Monday 5 January 1970 00:00 UTC (so periods of a day start at
    midnight UTC and periods of a week on Monday), and at most ``limit``
    interactions count in each period: the earliest ones. Fixed periods,
    rather than a window sliding with each interaction, make the rule a
    plain count per period, which every dataframe and SQL engine computes
    the same way (see `leadkit.frames`).

    Examples:
        >>> str(Frequency.every()), str(Frequency.once()), str(Frequency.at_most(3, within=timedelta(days=7)))
        ('every time', 'once', 'at most 3 per 7 days')
    """

    limit: int | None = attrs.field(default=None)
    """At most this many count (``None``: every one counts)."""
    window: timedelta | None = attrs.field(default=None, validator=_positive_duration)
    """…in each period of this length (``None``: over the lead's whole history)."""

    @limit.validator
    def _check_limit(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValidationError.at((attribute.name,), "a positive whole number or null", value)
        if value is not None and not check.is_finite_number(value):  # past 4300 digits it cannot even be written
            raise ValidationError.at((attribute.name,), "a positive whole number or null", value, reason="too large")

    def __attrs_post_init__(self) -> None:
        if self.window is not None and self.limit is None:
            raise ValidationError.at(("window",), "no window without a limit (a window bounds a count)", self.window)

    @classmethod
    def every(cls) -> Frequency:
        """Every interaction counts."""
        return cls()

    @classmethod
    def once(cls) -> Frequency:
        """Only the first interaction of the kind counts."""
        return cls(limit=1)

    @classmethod
    def at_most(cls, limit: int, *, within: timedelta | None = None) -> Frequency:
        """At most ``limit`` count in each period of length ``within`` (or ever)."""
        return cls(limit=limit, window=within)

    def __str__(self) -> str:
        if self.limit is None:
            return "every time"
        if self.window is None:
            return "once" if self.limit == 1 else f"at most {self.limit} times"
        return f"at most {self.limit} per {_window_in_words(self.window)}"


@attrs.frozen
class Signal:
    """What one kind of interaction is worth, and for how long.

    Examples:
        >>> pricing = Signal(25, half_life=timedelta(days=14), frequency=Frequency.at_most(3, within=timedelta(days=7)))
        >>> print(pricing.frequency)
        at most 3 per 7 days
    """

    points: float = attrs.field(validator=check.finite_number(optional=False))
    """Points for one interaction when fresh; negative for bad signs."""
    half_life: timedelta | None = attrs.field(default=None, validator=_positive_duration)
    """Time after which it is worth half (``None``: the scorer's default)."""
    frequency: Frequency = attrs.field(factory=Frequency)
    """How often it counts."""


_K = InteractionKind
_WEEK = timedelta(days=7)
DEFAULT_SIGNALS: Mapping[str, Signal] = FrozenMap(
    {
        _K.DEMO_REQUEST.value: Signal(60, timedelta(days=90), Frequency.at_most(1, within=timedelta(days=30))),
        _K.FREE_TRIAL.value: Signal(50, timedelta(days=60), Frequency.once()),
        _K.PURCHASE.value: Signal(40, timedelta(days=180)),
        _K.FORM_SUBMIT.value: Signal(30, timedelta(days=30), Frequency.at_most(3, within=_WEEK)),
        _K.PRICING_VIEW.value: Signal(25, timedelta(days=14), Frequency.at_most(3, within=_WEEK)),
        _K.WEBINAR.value: Signal(20, timedelta(days=45)),
        _K.CONTENT_DOWNLOAD.value: Signal(15, timedelta(days=60), Frequency.at_most(5, within=_WEEK)),
        _K.CALL.value: Signal(15, timedelta(days=30)),
        _K.EVENT_SCAN.value: Signal(15, timedelta(days=45), Frequency.at_most(1, within=timedelta(days=1))),
        _K.CHAT.value: Signal(10, timedelta(days=30), Frequency.at_most(3, within=_WEEK)),
        _K.EMAIL_CLICK.value: Signal(5, timedelta(days=30), Frequency.at_most(3, within=_WEEK)),
        _K.SOCIAL.value: Signal(5, timedelta(days=30), Frequency.at_most(3, within=_WEEK)),
        _K.PAGE_VIEW.value: Signal(1, timedelta(days=14), Frequency.at_most(10, within=timedelta(days=1))),
        _K.EMAIL_OPEN.value: Signal(1, timedelta(days=14), Frequency.at_most(3, within=_WEEK)),
        _K.UNSUBSCRIBE.value: Signal(-30, timedelta(days=90), Frequency.once()),
        _K.BOUNCE.value: Signal(-20, timedelta(days=90), Frequency.once()),
    }
)
"""The default signals: hand-raisers (demo request, free trial) highest and longest-lived,
a pricing view high but stale in two weeks, opens and page views low and rate-limited,
unsubscribes and bounces negative. Every figure can be changed."""


PERIOD_ANCHOR = datetime(1970, 1, 5, tzinfo=timezone.utc)
"""Where frequency periods are counted from: a Monday, at midnight UTC."""


def _period(at: datetime, window: timedelta | None) -> int:
    """The index of the frequency period holding ``at`` (exact: datetime arithmetic)."""
    return 0 if window is None else (at - PERIOD_ANCHOR) // window


class _Rule(NamedTuple):
    """A signal compiled for scoring: everything in seconds and floats."""

    points: float
    half_life: float  # seconds: value = points * 2 ** (-age / half_life)
    limit: int | None
    window: timedelta | None  # the length of a frequency period
    slot: int  # position in EngagementState.slots
    text: str  # the fixed part of the explanation


def _signals(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    return FrozenMap({(k.value if isinstance(k, InteractionKind) else k.strip().lower()): s for k, s in value.items()})


def _check_signals(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError.at((attribute.name,), "a mapping of interaction kind to Signal", value)
    for kind, signal in value.items():
        if not isinstance(signal, Signal):
            raise ValidationError.at((attribute.name, kind), "a Signal", signal)


@attrs.frozen
class EngagementScorer:
    """Scores what a lead did, each interaction decayed by its kind's half-life.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Interaction, Lead
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> lead = Lead(id="a", created_at=t, interactions=[Interaction(kind="demo_request", at=t)])
        >>> scorer = EngagementScorer()
        >>> scorer.score(lead, as_of=t).value, scorer.score(lead, as_of=t + timedelta(days=90)).value
        (60.0, 30.0)
    """

    signals: Mapping[str, Signal] = attrs.field(default=DEFAULT_SIGNALS, converter=_signals, validator=_check_signals)
    """Interaction kind to `Signal`; kinds not listed count nothing."""
    half_life: timedelta = attrs.field(default=timedelta(days=30), validator=_positive_duration)
    """Half-life of signals that do not set their own."""
    floor: float | None = attrs.field(default=0.0, validator=check.finite_number())
    """The lowest total (``None``: no floor)."""
    cap: float | None = attrs.field(default=None, validator=check.finite_number())
    """The highest total (``None``: no cap)."""
    name: str = attrs.field(default="engagement", validator=check.text)
    """The scorer's name, prefixing its contributions' sources."""
    _rules: Mapping[str, _Rule] = attrs.field(init=False, repr=False, eq=False)
    _kinds: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)  # slot order for EngagementState

    def __attrs_post_init__(self) -> None:
        if self.floor is not None and self.cap is not None and self.cap <= self.floor:
            raise ValidationError.at(("cap",), f"more than the floor ({self.floor:g})", self.cap)
        rules: dict[str, _Rule] = {}
        for kind, signal in self.signals.items():
            half_life = (signal.half_life or self.half_life).total_seconds()
            window = signal.frequency.window
            text = f"{kind} at {signal.points:g} points each, half-life {half_life / _DAY:g} days"
            rules[kind] = _Rule(float(signal.points), half_life, signal.frequency.limit, window, len(rules), text)
        object.__setattr__(self, "_rules", rules)
        object.__setattr__(self, "_kinds", tuple(rules))

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        """The decayed engagement of ``lead`` at ``as_of`` (see the module docs)."""
        now = check_as_of(as_of).timestamp()
        rules = self._rules
        slots: dict[str, list[Any]] = {}
        for interaction in lead.interactions:  # sorted by time
            at = interaction._epoch
            if at > now:
                break
            rule = rules.get(interaction.kind)
            if rule is not None:
                slots[interaction.kind] = _absorb(rule, slots.get(interaction.kind), interaction)
        return _score(self, slots, now)

    def state(self) -> EngagementState:
        """An empty incremental state for this scorer (see `EngagementState`)."""
        return EngagementState(self)


# A kind's running tally, the one representation both the batch scorer and the
# incremental state use: [decayed total as of ref, ref, counted, skipped, the
# current frequency period, interactions counted in it].
_SLOT_SIZE = 6
_TOTAL, _REF, _COUNTED, _SKIPPED, _PERIOD, _IN_PERIOD = range(_SLOT_SIZE)


def _absorb(rule: _Rule, slot: list[Any] | None, interaction: Interaction) -> list[Any]:
    """One more interaction of the rule's kind (not before the previous one); updates ``slot`` in place."""
    at = interaction._epoch
    period = _period(interaction.at, rule.window)
    if slot is None:
        return [rule.points, at, 1, 0, period, 1]
    if rule.limit is not None:
        if period != slot[_PERIOD]:
            slot[_PERIOD], slot[_IN_PERIOD] = period, 0
        if slot[_IN_PERIOD] >= rule.limit:  # the earliest interactions of a period have priority
            slot[_SKIPPED] += 1
            return slot
        slot[_IN_PERIOD] += 1
    slot[_TOTAL] = slot[_TOTAL] * 2.0 ** ((slot[_REF] - at) / rule.half_life) + rule.points
    slot[_REF] = at
    slot[_COUNTED] += 1
    return slot


def _score(scorer: EngagementScorer, slots: Mapping[str, Sequence[Any]], now: float) -> Score:
    contributions = []
    rules = scorer._rules
    for kind, slot in slots.items():
        rule = rules[kind]
        points = slot[_TOTAL] * 2.0 ** ((slot[_REF] - now) / rule.half_life)
        skipped = f"; {slot[_SKIPPED]} more not counted (frequency limit)" if slot[_SKIPPED] else ""
        reason = f"{slot[_COUNTED]} x {rule.text}, last {_ago(now - slot[_REF])}{skipped}"
        contributions.append(Contribution(f"{kind} x{slot[_COUNTED]}", points, f"{scorer.name}.{kind}", reason))
    contributions.sort(key=lambda c: (-abs(c.points), c.label))
    return Score.bounded(scorer.name, contributions, floor=scorer.floor, cap=scorer.cap)


@attrs.frozen
class EngagementState:
    """Engagement kept up to date one interaction at a time, in constant time per event.

    Where `EngagementScorer.score` re-reads a lead's whole history, a state
    absorbs each new interaction as it arrives (from a stream, a webhook) and
    gives the same score. Interactions must arrive in time order. The state is
    immutable: `add` returns a new one.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Interaction
        >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
        >>> state = EngagementScorer().state().add(Interaction(kind="pricing_view", at=t))
        >>> state.score(as_of=t + timedelta(days=14)).value
        12.5
    """

    scorer: EngagementScorer = attrs.field()
    """The scorer whose signals and half-lives apply."""
    slots: tuple[tuple[Any, ...] | None, ...] = attrs.field(
        default=attrs.Factory(lambda self: (None,) * len(getattr(self.scorer, "_kinds", ())), takes_self=True),
        repr=False,
    )
    """The running tally per signal, in the scorer's signal order (internal form).

    A fixed-size tuple, so each `add` copies the same amount whatever the history."""
    last: datetime | None = attrs.field(default=None)
    """The time of the latest interaction absorbed."""

    @scorer.validator
    def _check_scorer(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, EngagementScorer):
            check.fail(attribute, "an EngagementScorer", value)

    @slots.validator
    def _check_slots(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        """The shape `add` and `score` rely on; a state is best made with `EngagementScorer.state`."""
        size = len(self.scorer._kinds)
        expected = f"a tuple of {size} tallies (one per signal, or None), as EngagementScorer.state() makes"
        if not isinstance(value, tuple) or len(value) != size:
            check.fail(attribute, expected, value)
        for i, slot in enumerate(value):
            ok = slot is None or (
                isinstance(slot, tuple) and len(slot) == _SLOT_SIZE and all(map(check.is_finite_number, slot))
            )
            if not ok:
                raise ValidationError.at((attribute.name, i), "None or a tally of 6 numbers (internal form)", slot)

    @last.validator
    def _check_last(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check.aware_datetime(self, attribute, value)

    def add(self, interaction: Interaction) -> EngagementState:
        """A new state with one more interaction, which must not be older than `last`."""
        if not isinstance(interaction, Interaction):
            raise ValidationError.at(("interaction",), "an Interaction", interaction)
        if self.last is not None and interaction.at < self.last:
            raise ValidationError.at(
                ("interaction", "at"),
                f"a time at or after {self.last.isoformat()}, the latest interaction absorbed",
                interaction.at,
                reason="out of order",
            )
        rule = self.scorer._rules.get(interaction.kind)
        if rule is None:
            return self._next(self.slots, interaction.at)
        old = self.slots[rule.slot]
        new = _absorb(rule, None if old is None else list(old), interaction)  # a copy: states never change
        slots = list(self.slots)
        slots[rule.slot] = tuple(new)
        return self._next(tuple(slots), interaction.at)

    def _next(self, slots: tuple[tuple[Any, ...] | None, ...], last: datetime) -> EngagementState:
        """The state after `add`, without re-validating what `add` built (validation is 6x the cost of an add)."""
        state: EngagementState = object.__new__(EngagementState)
        for name, value in (("scorer", self.scorer), ("slots", slots), ("last", last)):
            object.__setattr__(state, name, value)
        return state

    def add_all(self, interactions: Iterable[Interaction]) -> EngagementState:
        """A new state with several interactions absorbed in order."""
        state = self
        for interaction in interactions:
            state = state.add(interaction)
        return state

    def score(self, *, as_of: datetime) -> Score:
        """The engagement at ``as_of``, which must not be before `last`."""
        moment = check_as_of(as_of)
        if self.last is not None and moment < self.last:
            raise ValidationError.at(
                ("as_of",),
                f"a time at or after {self.last.isoformat()}; to score an earlier moment use EngagementScorer.score",
                moment,
            )
        tallies = {kind: slot for kind, slot in zip(self.scorer._kinds, self.slots, strict=True) if slot is not None}
        return _score(self.scorer, tallies, moment.timestamp())
