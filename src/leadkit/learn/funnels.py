"""Funnel analytics from stage histories: reach, conversion, time in stage, SLA breaches and attribution.

Everything is computed "as of" a moment you give: leads created after it are
left out and stage changes after it are ignored, so the funnel of last
quarter can be rebuilt from today's data, and nothing reads the clock.

The funnel's *path* is the pipeline's main line: by default its stages in
the order they are declared, up to and including the first terminal stage
(``inquiry`` … ``customer`` in the default pipeline). A lead *reaches* a
stage of the path when it entered that stage or any later one, which is how
funnels are usually counted (a lead fast-tracked past MQL still passed the
MQL bar), so reach never grows down the path. Stages off the path
(``nurture``, ``lost``, ``disqualified``) are counted as entered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal

import attrs

from leadkit import _checks as check
from leadkit import _tables
from leadkit.errors import ConfigError, ValidationError, suggest
from leadkit.learn.evaluation import check_leads
from leadkit.model import Interaction, Lead, StageChange
from leadkit.stages.pipeline import Pipeline, visits_of

if TYPE_CHECKING:
    import pandas

__all__ = [
    "Attribution",
    "Credit",
    "Funnel",
    "SlaRate",
    "StageCount",
    "StageTime",
    "attribution",
    "funnel",
]

NONE = "(none)"
"""The group or channel of leads that have no value for it."""

Cohort = Literal["week", "month"]


# --- results ------------------------------------------------------------------------------------


@attrs.frozen
class StageCount:
    """How many leads got to one stage."""

    stage: str
    """The stage."""
    reached: int
    """Leads that entered this stage or a later stage of the path (for stages off the path: entered it)."""
    entered: int
    """Leads whose history entered this very stage."""
    current: int
    """Leads in this stage as of the funnel's moment."""
    conversion: float | None
    """Share of the leads that reached the previous stage of the path that reached this one.

    ``None`` for the first stage, for stages off the path, and when no lead
    reached the previous stage (never a division by zero).
    """


@attrs.frozen
class StageTime:
    """How long stays in one stage lasted; only stays that ended count (open stays are counted apart)."""

    stage: str
    """The stage."""
    stays: int
    """Stays that ended before the funnel's moment."""
    open: int
    """Stays still going on at the funnel's moment (their length is not known yet)."""
    median: timedelta | None
    """Median length of the ended stays (``None`` when there are none)."""
    p25: timedelta | None
    """25th percentile."""
    p75: timedelta | None
    """75th percentile."""
    p90: timedelta | None
    """90th percentile."""


@attrs.frozen
class SlaRate:
    """How often stays in a stage with an SLA went past it."""

    stage: str
    """The stage."""
    sla: timedelta
    """Its SLA."""
    stays: int
    """Stays judged: the ended ones, and open ones already past the SLA (an open stay within it may still end in
    time, so it is not judged yet)."""
    breached: int
    """Of which longer than the SLA."""

    @property
    def rate(self) -> float:
        """Share of the judged stays that breached (0 when none were judged)."""
        return self.breached / self.stays if self.stays else 0.0


def _human(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = value.total_seconds()
    for size, unit in ((86_400, "d"), (3_600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@attrs.frozen(kw_only=True)
class Funnel:
    """Leads through a pipeline as of a moment (see `funnel`)."""

    pipeline: str
    """The pipeline's name."""
    as_of: datetime
    """The moment the funnel describes."""
    leads: int
    """Leads created by then."""
    stages: tuple[StageCount, ...]
    """The path's stages, in order."""
    other: tuple[StageCount, ...]
    """The pipeline's stages off the path (nurture, lost …), in pipeline order."""
    times: tuple[StageTime, ...]
    """Time in stage, for every stage of the pipeline, in pipeline order."""
    sla: tuple[SlaRate, ...]
    """SLA breach rates, for every stage with an SLA."""
    group_by: str | None = None
    """What `groups` are split by (``"source"``, ``"cohort:month"`` …), or ``None``."""
    groups: Mapping[str, tuple[StageCount, ...]] = attrs.field(factory=dict)
    """The path's counts per group; the groups' counts add up to `stages`."""

    def stage(self, name: str) -> StageCount:
        """The counts of one stage, on the path or off it.

        Raises:
            ValidationError: for a stage this funnel does not count.
        """
        for count in (*self.stages, *self.other):
            if count.stage == name:
                return count
        names = [c.stage for c in (*self.stages, *self.other)]
        raise ValidationError.at(
            ("stage",), f"a stage of pipeline {self.pipeline!r}", name, reason="unknown stage" + suggest(name, names)
        )

    def _summary(self) -> str:
        return f"funnel of {self.pipeline} as of {self.as_of.isoformat()}: {self.leads} leads"

    def _stage_rows(self) -> list[list[object]]:
        top = self.stages[0].reached if self.stages else 0
        return [
            [c.stage, c.reached, _rate(c.reached / top if top else None), _rate(c.conversion), c.current]
            for c in self.stages
        ]

    def _time_rows(self) -> list[list[object]]:
        return [
            [t.stage, t.stays, t.open, _human(t.median), _human(t.p25), _human(t.p75), _human(t.p90)]
            for t in self.times
            if t.stays or t.open
        ]

    def _group_rows(self) -> list[list[object]]:
        return [[group, *(c.reached for c in counts)] for group, counts in self.groups.items()]

    def __str__(self) -> str:
        parts = [
            self._summary(),
            _tables.text_table(["stage", "reached", "of top", "from previous", "now in"], self._stage_rows()),
        ]
        if self.other:
            parts.append("  off the path: " + ", ".join(f"{c.stage} {c.entered}" for c in self.other))
        if rows := self._time_rows():
            parts.append(_tables.text_table(["time in stage", "ended", "open", "median", "p25", "p75", "p90"], rows))
        if self.sla:
            cells = ", ".join(f"{s.stage} {s.breached} of {s.stays} ({s.rate:.1%})" for s in self.sla)
            parts.append(f"  SLA breaches: {cells}")
        if self.groups:
            headers = [self.group_by or "group", *(c.stage for c in self.stages)]
            parts.append(_tables.text_table(headers, self._group_rows()))
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        html = _tables.html_table(
            ["stage", "reached", "of top", "from previous", "now in"], self._stage_rows(), caption=self._summary()
        )
        if rows := self._time_rows():
            html += _tables.html_table(["time in stage", "ended", "open", "median", "p25", "p75", "p90"], rows)
        if self.groups:
            html += _tables.html_table([self.group_by or "group", *(c.stage for c in self.stages)], self._group_rows())
        return html

    def to_pandas(self, part: Literal["stages", "times", "sla", "groups"] = "stages") -> pandas.DataFrame:
        """One part of the funnel as a pandas ``DataFrame`` (needs the ``pandas`` extra).

        Args:
            part: ``"stages"`` (path and other stages, with an ``on_path``
                column), ``"times"`` (time in stage; durations as
                ``timedelta``), ``"sla"``, or ``"groups"`` (one row per group
                and stage of the path).

        Raises:
            ValidationError: for an unknown part.
            MissingExtraError: when pandas is not installed.
        """
        feature = "Funnel.to_pandas"
        if part == "stages":
            records = [
                {**attrs.asdict(c), "on_path": on_path}
                for on_path, counts in ((True, self.stages), (False, self.other))
                for c in counts
            ]
            return _tables.data_frame(
                records, ["stage", "on_path", "reached", "entered", "current", "conversion"], feature=feature
            )
        if part == "times":
            return _tables.data_frame(
                [attrs.asdict(t) for t in self.times],
                ["stage", "stays", "open", "median", "p25", "p75", "p90"],
                feature=feature,
            )
        if part == "sla":
            records = [{**attrs.asdict(s), "rate": s.rate} for s in self.sla]
            return _tables.data_frame(records, ["stage", "sla", "stays", "breached", "rate"], feature=feature)
        if part == "groups":
            records = [{"group": g, **attrs.asdict(c)} for g, counts in self.groups.items() for c in counts]
            return _tables.data_frame(
                records, ["group", "stage", "reached", "entered", "current", "conversion"], feature=feature
            )
        raise ValidationError.at(("part",), "one of 'stages', 'times', 'sla', 'groups'", part)


@attrs.frozen
class Credit:
    """What one channel brought (see `attribute`)."""

    channel: str
    """The channel (or kind, or property value) of the touches."""
    leads: int
    """Leads whose first touch was on this channel."""
    first_touch: int
    """Conversions whose first touch was on this channel."""
    last_touch: int
    """Conversions whose last touch before converting was on this channel."""

    @property
    def rate(self) -> float:
        """Share of the leads first touched on this channel that converted (0 when none were)."""
        return self.first_touch / self.leads if self.leads else 0.0


@attrs.frozen(kw_only=True)
class Attribution:
    """Conversions credited to the channels that touched the leads first and last (see `attribute`)."""

    stage: str
    """The stage that counts as converting."""
    as_of: datetime
    """The moment the attribution describes."""
    key: str
    """What a touch is credited to: ``channel``, ``kind`` or ``properties.<name>``."""
    leads: int
    """Leads created by then."""
    converted: int
    """Of which converted."""
    credits: tuple[Credit, ...]
    """One row per channel, most first-touch conversions first; ``(none)`` collects leads without touches."""

    def credit(self, channel: str) -> Credit:
        """The row of one channel (zeros for a channel that touched nobody)."""
        return next((c for c in self.credits if c.channel == channel), Credit(channel, 0, 0, 0))

    def _summary(self) -> str:
        return (
            f"{self.converted} of {self.leads} leads reached {self.stage} as of {self.as_of.isoformat()}, "
            f"credited by {self.key}"
        )

    def _rows(self) -> list[list[object]]:
        return [[c.channel, c.leads, c.first_touch, _rate(c.rate), c.last_touch] for c in self.credits]

    def __str__(self) -> str:
        headers = [self.key, "leads", "first touch", "rate", "last touch"]
        return self._summary() + "\n" + _tables.text_table(headers, self._rows())

    def _repr_html_(self) -> str:
        headers = [self.key, "leads", "first touch", "rate", "last touch"]
        return _tables.html_table(headers, self._rows(), caption=self._summary())

    def to_pandas(self) -> pandas.DataFrame:
        """The credits as a pandas ``DataFrame`` (needs the ``pandas`` extra)."""
        records = [{**attrs.asdict(c), "rate": c.rate} for c in self.credits]
        return _tables.data_frame(
            records, ["channel", "leads", "first_touch", "rate", "last_touch"], feature="Attribution.to_pandas"
        )


# --- the leads' trails --------------------------------------------------------------------------


@attrs.frozen
class _Trail:
    """One lead's history up to the moment, checked against the pipeline."""

    lead: Lead
    changes: tuple[StageChange, ...]
    entered: frozenset[str]
    current: str | None


def _pipeline(pipeline: object) -> Pipeline:
    from leadkit.stages.config import default_pipeline

    if pipeline is None:
        return default_pipeline()
    if not isinstance(pipeline, Pipeline):
        raise ValidationError.at(("pipeline",), "a Pipeline", pipeline)
    return pipeline


def _path(pipeline: Pipeline, path: object) -> tuple[str, ...]:
    names = [s.name for s in pipeline.stages]
    if path is None:
        chosen: list[str] = []
        for stage in pipeline.stages:
            chosen.append(stage.name)
            if stage.terminal:
                break
        return tuple(chosen)
    if isinstance(path, (str, bytes)) or not isinstance(path, Sequence) or not path:
        raise ValidationError.at(("path",), "a non-empty list of stage names", path)
    for i, name in enumerate(path):
        if name not in names:
            reason = "unknown stage" + suggest(name, names)
            raise ValidationError.at(("path", i), f"a stage of pipeline {pipeline.name!r}", name, reason=reason)
    if len(set(path)) != len(path):
        raise ValidationError.at(("path",), "each stage once", list(path), reason="repeated stage")
    return tuple(path)


def _trails(leads: Sequence[Lead], pipeline: Pipeline, as_of: datetime) -> list[_Trail]:
    known = {s.name for s in pipeline.stages}
    trails = []
    for i, lead in enumerate(leads):
        if lead.created_at > as_of:
            continue
        changes = tuple(c for c in lead.history if c.at <= as_of)
        for j, change in enumerate(changes):
            if change.to_stage not in known:
                raise ValidationError.at(
                    ("leads", i, "history", j, "to_stage"),
                    f"a stage of pipeline {pipeline.name!r}",
                    change.to_stage,
                    reason="unknown stage" + suggest(change.to_stage, sorted(known)),
                )
        if changes:
            current: str | None = changes[-1].to_stage
        elif not lead.history and lead.stage is not None:
            current = lead.stage  # a stage without a history: in it, since an unknown moment
            if current not in known:
                reason = "unknown stage" + suggest(current, sorted(known))
                raise ValidationError.at(
                    ("leads", i, "stage"), f"a stage of pipeline {pipeline.name!r}", current, reason=reason
                )
        else:
            current = None
        entered = frozenset(c.to_stage for c in changes) | ({current} if current is not None else set())
        trails.append(_Trail(lead, changes, entered, current))
    return trails


def _reach(trail: _Trail, index: Mapping[str, int]) -> int:
    """The furthest position on the path the lead entered (-1 when none)."""
    return max((index[s] for s in trail.entered if s in index), default=-1)


def _counts(trails: Sequence[_Trail], path: Sequence[str]) -> tuple[StageCount, ...]:
    index = {name: i for i, name in enumerate(path)}
    reached = [0] * len(path)
    for trail in trails:
        for i in range(_reach(trail, index) + 1):
            reached[i] += 1
    counts = []
    for i, name in enumerate(path):
        previous = reached[i - 1] if i else 0
        counts.append(
            StageCount(
                stage=name,
                reached=reached[i],
                entered=sum(name in t.entered for t in trails),
                current=sum(t.current == name for t in trails),
                conversion=reached[i] / previous if previous else None,
            )
        )
    return tuple(counts)


def _percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) of sorted values, linearly interpolated between ranks."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _times(
    trails: Sequence[_Trail], pipeline: Pipeline, as_of: datetime
) -> tuple[tuple[StageTime, ...], tuple[SlaRate, ...]]:
    ended: dict[str, list[float]] = {s.name: [] for s in pipeline.stages}
    still: dict[str, int] = dict.fromkeys(ended, 0)
    judged: dict[str, list[int]] = {s.name: [0, 0] for s in pipeline.stages if s.sla is not None}
    limits = {s.name: s.sla for s in pipeline.stages if s.sla is not None}
    for trail in trails:
        for visit in visits_of(trail.changes):
            length = (visit.left or as_of) - visit.entered
            if visit.left is None:
                still[visit.stage] += 1
            else:
                ended[visit.stage].append(length.total_seconds())
            limit = limits.get(visit.stage)
            if limit is not None and (visit.left is not None or length > limit):
                judged[visit.stage][0] += 1
                judged[visit.stage][1] += length > limit

    def quantile(values: Sequence[float], q: float) -> timedelta | None:
        return timedelta(seconds=_percentile(values, q)) if values else None

    times = []
    for name, values in ended.items():
        values.sort()
        times.append(
            StageTime(
                stage=name,
                stays=len(values),
                open=still[name],
                median=quantile(values, 0.5),
                p25=quantile(values, 0.25),
                p75=quantile(values, 0.75),
                p90=quantile(values, 0.9),
            )
        )
    sla = tuple(SlaRate(name, limits[name], n, late) for name, (n, late) in judged.items())
    return tuple(times), sla


# --- grouping -----------------------------------------------------------------------------------


def _first_touch(lead: Lead, as_of: datetime) -> str | None:
    """The channel of the lead's first interaction that has one, by ``as_of`` (interactions are kept in time order)."""
    return next((i.channel for i in lead.interactions if i.channel and i.at <= as_of), None)


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; as written when UTC falls outside the calendar (year 1 east of Greenwich, 9999 west)."""
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        return moment


def _week(lead: Lead) -> str:
    year, week, _ = _utc(lead.created_at).isocalendar()
    return f"{year}-W{week:02d}"


def _label(value: object) -> str:
    return NONE if value is None else str(value)


def _grouper(by: object, cohort: object, as_of: datetime) -> tuple[str | None, Callable[[Lead], str] | None]:
    if by is not None and cohort is not None:
        raise ValidationError.at(("cohort",), "either by or cohort, not both", cohort)
    if cohort is not None:
        if cohort == "week":
            return "cohort:week", _week
        if cohort == "month":
            return "cohort:month", lambda lead: _utc(lead.created_at).strftime("%Y-%m")
        raise ValidationError.at(("cohort",), "'week' or 'month'", cohort)
    if by is None:
        return None, None
    if by == "channel":
        return "channel", lambda lead: _first_touch(lead, as_of) or NONE
    if isinstance(by, str):
        from leadkit.scoring.conditions import field_reader

        try:
            read = field_reader(by, ("by",))
        except ConfigError as exc:  # an argument, not a document: the same problem, as a ValidationError
            raise ValidationError(exc.problems) from None

        return by, lambda lead: _label(read(lead))
    if callable(by):
        name = getattr(by, "__name__", "group")

        return name, lambda lead: _label(by(lead))
    raise ValidationError.at(("by",), "a field path such as 'source', 'channel', or a function of a lead", by)


def funnel(
    leads: Sequence[Lead],
    pipeline: Pipeline | None = None,
    *,
    as_of: datetime,
    path: Sequence[str] | None = None,
    by: str | Callable[[Lead], Any] | None = None,
    cohort: Cohort | None = None,
) -> Funnel:
    """Count leads through a pipeline as of a moment: reach, conversion, time in stage, SLA breaches.

    Args:
        leads: The leads, with their stage histories.
        pipeline: The pipeline their histories follow (default: `default_pipeline`).
        as_of: The moment to describe; later leads and changes are ignored.
        path: The stages of the funnel, in order (default: the pipeline's
            stages up to and including its first terminal stage).
        by: Split the counts into groups: a field path as rules name them
            (``"source"``, ``"company.country"``, ``"attributes.campaign"``),
            ``"channel"`` (the channel of the lead's first interaction that
            has one), or a function of a lead (for example its persona:
            ``lambda lead: model.qualify(lead, as_of=t).persona``). Missing
            values form the group ``(none)``.
        cohort: Split by creation ``"week"`` (ISO weeks, ``2026-W45``) or
            ``"month"`` (``2026-11``), in UTC. Not together with ``by``.

    Returns:
        A `Funnel`; ``print`` it, show it in a notebook, or call ``to_pandas``.

    Raises:
        ValidationError: for leads that are not leads, a naive ``as_of``, a
            history naming a stage the pipeline lacks, or a bad ``path``,
            ``by`` or ``cohort``.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Lead, default_pipeline
        >>> t = lambda day: datetime(2026, 11, day, tzinfo=timezone.utc)
        >>> pipeline = default_pipeline()
        >>> lead = Lead(id="L-1", created_at=t(1))
        >>> lead = pipeline.advance(lead, "inquiry", at=t(1))
        >>> result = funnel([lead], as_of=t(9))
        >>> [(c.stage, c.reached) for c in result.stages[:3]]
        [('inquiry', 1), ('lead', 0), ('mql', 0)]
    """
    chosen = check_leads(leads)
    as_of = check.aware(as_of, "as_of")
    pipeline = _pipeline(pipeline)
    stages = _path(pipeline, path)
    group_by, group_of = _grouper(by, cohort, as_of)
    trails = _trails(chosen, pipeline, as_of)
    off_path = [s.name for s in pipeline.stages if s.name not in stages]
    other = tuple(
        StageCount(
            stage=name,
            reached=(n := sum(name in t.entered for t in trails)),
            entered=n,
            current=sum(t.current == name for t in trails),
            conversion=None,
        )
        for name in off_path
    )
    times, sla = _times(trails, pipeline, as_of)
    groups: dict[str, tuple[StageCount, ...]] = {}
    if group_of is not None:
        members: dict[str, list[_Trail]] = {}
        for trail in trails:
            members.setdefault(group_of(trail.lead), []).append(trail)
        ordered = sorted(members) if cohort is not None else sorted(members, key=lambda g: (-len(members[g]), g))
        groups = {g: _counts(members[g], stages) for g in ordered}
    return Funnel(
        pipeline=pipeline.name,
        as_of=as_of,
        leads=len(trails),
        stages=_counts(trails, stages),
        other=other,
        times=times,
        sla=sla,
        group_by=group_by,
        groups=groups,
    )


def _touch_key(key: object) -> Callable[[Interaction], str | None]:
    if key == "channel":
        return lambda i: i.channel
    if key == "kind":
        return lambda i: i.kind
    if isinstance(key, str) and key.startswith("properties.") and len(key) > len("properties."):
        name = key[len("properties.") :]
        return lambda i: None if i.properties.get(name) is None else str(i.properties[name])
    raise ValidationError.at(("key",), "'channel', 'kind' or 'properties.<name>'", key)


def attribution(
    leads: Sequence[Lead],
    pipeline: Pipeline | None = None,
    *,
    as_of: datetime,
    stage: str | None = None,
    key: str = "channel",
    path: Sequence[str] | None = None,
) -> Attribution:
    """Credit conversions to the channels that touched each lead first and last before it converted.

    A lead converts when it first reaches ``stage`` (entering it or a later
    stage of the path, as `funnel` counts). Its touches are its
    interactions that have a value for ``key``, up to that moment (up to
    ``as_of`` for leads that did not convert). A lead without touches is
    credited to ``(none)``, so the counts always add up: the ``leads``
    column sums to the leads, and each touch column to the conversions.

    Args:
        leads: The leads, with their interactions and stage histories.
        pipeline: The pipeline (default: `default_pipeline`).
        as_of: The moment to describe; later leads, changes and touches are ignored.
        stage: The stage that counts as converting (default: the last stage
            of the path, ``customer`` in the default pipeline).
        key: What to credit: ``"channel"`` (default), ``"kind"``, or an
            interaction property such as ``"properties.campaign"``.
        path: The funnel's path, as in `funnel`.

    Raises:
        ValidationError: as `funnel` does, and for an unknown ``stage`` or ``key``.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Interaction, Lead, StageChange
        >>> t = lambda day: datetime(2026, 11, day, tzinfo=timezone.utc)
        >>> won = Lead(
        ...     id="L-1",
        ...     created_at=t(1),
        ...     interactions=[
        ...         Interaction(kind="page_view", at=t(1), channel="organic"),
        ...         Interaction(kind="demo_request", at=t(3), channel="email"),
        ...     ],
        ...     stage="customer",
        ...     history=[StageChange(from_stage=None, to_stage="customer", at=t(5))],
        ... )
        >>> credit = attribution([won], as_of=t(9)).credit("organic")
        >>> credit.first_touch, credit.last_touch
        (1, 0)
    """
    chosen = check_leads(leads)
    as_of = check.aware(as_of, "as_of")
    pipeline = _pipeline(pipeline)
    stages = _path(pipeline, path)
    target = stages[-1] if stage is None else stage
    if target not in stages:
        reason = "not on the path" + suggest(target, stages)
        raise ValidationError.at(("stage",), "a stage of the path: " + ", ".join(stages), target, reason=reason)
    key_of = _touch_key(key)
    later = set(stages[stages.index(target) :])
    rows: dict[str, list[int]] = {}
    converted = 0
    trails = _trails(chosen, pipeline, as_of)
    for trail in trails:
        moment = next((c.at for c in trail.changes if c.to_stage in later), None)
        if moment is None and trail.current in later:
            moment = as_of  # in the stage without a history: converted at an unknown moment
        until = as_of if moment is None else moment
        touches = sorted(
            ((i.at, value) for i in trail.lead.interactions if i.at <= until and (value := key_of(i)) is not None),
            key=lambda touch: touch[0],
        )
        first = touches[0][1] if touches else NONE
        last = touches[-1][1] if touches else NONE
        rows.setdefault(first, [0, 0, 0])[0] += 1
        if moment is not None:
            converted += 1
            rows[first][1] += 1
            rows.setdefault(last, [0, 0, 0])[2] += 1
    table = tuple(
        Credit(channel, *counts)
        for channel, counts in sorted(rows.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    )
    return Attribution(stage=target, as_of=as_of, key=key, leads=len(trails), converted=converted, credits=table)
