"""Pipelines: the stages a lead moves through, the moves allowed between them, and the automatic policy.

A `Pipeline` is data, checked when built. `Pipeline.advance` returns a new
lead one `StageChange` further on, or raises `TransitionError` and changes
nothing. The questions a caller asks (`Pipeline.allowed`, `Pipeline.suggest`,
`Pipeline.replay`, `Pipeline.overdue`, `time_in_stage`) read the lead and
never the clock: the moment is always a parameter.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import attrs

from leadkit import _checks as check
from leadkit.errors import ConfigError, Problem, TransitionError, ValidationError, suggest
from leadkit.model import Lead, StageChange
from leadkit.scoring.conditions import format_duration
from leadkit.stages.guards import Guard

if TYPE_CHECKING:
    from leadkit.scoring.qualify import Qualification

__all__ = [
    "AutoMove",
    "Breach",
    "Journey",
    "Move",
    "Pipeline",
    "Stage",
    "Suggestion",
    "Transition",
    "Visit",
    "time_in_stage",
]

ENTER = "enter"
"""The name of the move that places a lead without a stage at the pipeline's initial stage."""


def _names(value: Any) -> Any:
    if isinstance(value, str):
        return (value.strip(),)
    return check.clean_text_list(value)


def _check_sla(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, timedelta) or value <= timedelta(0)):
        check.fail(attribute, "a positive timedelta or null", value)


@attrs.frozen(kw_only=True)
class Stage:
    """One stage of a pipeline.

    Examples:
        >>> from datetime import timedelta
        >>> Stage(name="mql", owner="marketing", sla=timedelta(hours=24)).sla
        datetime.timedelta(days=1)
    """

    name: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The stage's name, as stored in `Lead.stage`."""
    owner: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Who works leads in this stage (``marketing``, ``sales`` …)."""
    description: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """What the stage means, in a sentence."""
    terminal: bool = attrs.field(default=False, validator=check.boolean)
    """An end of the pipeline: no way out unless a transition says ``reopens``."""
    statuses: tuple[str, ...] = attrs.field(default=(), converter=_names, validator=check.text_list)
    """Working statuses inside the stage; a lead entering it takes the first one."""
    sla: timedelta | None = attrs.field(default=None, validator=_check_sla)
    """The longest a lead may stay in the stage before `Pipeline.overdue` lists it."""


def _check_names(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check.text_list(_, attribute, value)
    if not value:
        check.fail(attribute, "at least one stage name", value)


_GUARDS = check.items(Guard, noun="guards", item="a guard (an object with a name and a check method)")


def _guard_list(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen(kw_only=True)
class Transition:
    """A named move from one or more stages to another, with the guards it needs.

    Examples:
        >>> from leadkit.stages.guards import Contactable
        >>> Transition(name="capture", sources="inquiry", target="lead", guards=[Contactable()]).sources
        ('inquiry',)
    """

    name: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The move's name (``accept``, ``recycle`` …), unique in the pipeline."""
    sources: tuple[str, ...] = attrs.field(converter=_names, validator=_check_names)
    """The stages it leaves from (``from`` in YAML)."""
    target: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The stage it enters (``to`` in YAML)."""
    guards: tuple[Guard, ...] = attrs.field(default=(), converter=_guard_list, validator=_GUARDS)
    """Conditions that must all pass."""
    requires_reason: bool = attrs.field(default=False, validator=check.boolean)
    """Refuse the move unless a reason is given (disqualify, recycle, lose)."""
    reopens: bool = attrs.field(default=False, validator=check.boolean)
    """The move leaves a terminal stage, on purpose (a lost deal recycled to nurture)."""
    description: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """What the move means, in a sentence."""


@attrs.frozen(kw_only=True)
class AutoMove:
    """One rule of a pipeline's automatic policy: from these stages, when these guards pass, go there.

    The first rule whose guards and whose move's guards pass wins. Rules that
    demote or recycle carry a reason code, written into the history.
    """

    sources: tuple[str, ...] = attrs.field(converter=_names, validator=_check_names)
    """The stages the rule applies in (``from`` in YAML)."""
    target: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The stage to move to (``to`` in YAML); the move must be a transition of the pipeline."""
    when: tuple[Guard, ...] = attrs.field(default=(), converter=_guard_list, validator=_GUARDS)
    """Conditions of the rule itself, on top of the transition's guards."""
    reason: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The reason code recorded in the history (``crossed_mql_threshold``, ``went_quiet``)."""
    description: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Why the policy makes this move, in words."""


@attrs.frozen
class Move:
    """One move a lead could make now, and whether its guards let it (see `Pipeline.allowed`)."""

    transition: str
    """The transition's name."""
    target: str
    """The stage it leads to."""
    ok: bool
    """True when every guard passes."""
    reasons: tuple[str, ...]
    """What the failing guards need, in words (empty when ``ok``)."""
    requires_reason: bool
    """The move needs a reason to be given."""


@attrs.frozen
class Suggestion:
    """The move the automatic policy would make now (see `Pipeline.suggest`)."""

    transition: str
    """The transition's name."""
    source: str | None
    """The stage the lead is in."""
    target: str
    """The stage to move to."""
    reason: str
    """The reason code to record."""
    why: str
    """Why, in words."""

    def __str__(self) -> str:
        return f"{self.source or '(none)'} -> {self.target} ({self.transition}): {self.why}"


@attrs.frozen
class Visit:
    """One stay in a stage: when the lead entered and left it."""

    stage: str
    """The stage."""
    entered: datetime
    """When the lead entered it."""
    left: datetime | None
    """When it left, or ``None`` if it is still there."""

    def duration(self, *, as_of: datetime) -> timedelta:
        """How long the stay lasted, counting an open stay up to ``as_of`` (never negative)."""
        end = self.left if self.left is not None else max(as_of, self.entered)
        return end - self.entered


@attrs.frozen
class Journey:
    """A lead's path through a pipeline, rebuilt from its history (see `Pipeline.replay`)."""

    stage: str | None
    """The stage the history ends in."""
    status: str | None
    """The working status the history ends in."""
    visits: tuple[Visit, ...]
    """Every stay, oldest first; status changes do not start a new one."""

    def time_in_stage(self, *, as_of: datetime) -> dict[str, timedelta]:
        """Total time spent in each stage visited, the current stay counted up to ``as_of``."""
        return _durations(self.visits, as_of)


@attrs.frozen
class Breach:
    """A lead that has stayed in a stage longer than its SLA allows (see `Pipeline.overdue`)."""

    lead_id: str
    """The lead's id."""
    stage: str
    """The stage it is stuck in."""
    entered: datetime
    """When it entered the stage."""
    limit: timedelta
    """The stage's SLA."""
    overdue_by: timedelta
    """How far past the SLA it is."""

    def __str__(self) -> str:
        return (
            f"{self.lead_id}: in {self.stage} since {self.entered.isoformat()}, "
            f"{format_duration(self.overdue_by)} past its {format_duration(self.limit)} SLA"
        )


def _durations(visits: Iterable[Visit], as_of: datetime) -> dict[str, timedelta]:
    check.aware(as_of, "as_of")
    totals: dict[str, timedelta] = {}
    for visit in visits:
        totals[visit.stage] = totals.get(visit.stage, timedelta(0)) + visit.duration(as_of=as_of)
    return totals


def visits_of(history: Sequence[StageChange]) -> tuple[Visit, ...]:
    """The stays a history records, oldest first; status changes do not start a new one."""
    visits: list[Visit] = []
    for change in history:
        if change.from_stage == change.to_stage and visits:
            continue  # a status change: the stay goes on
        if visits:
            visits[-1] = attrs.evolve(visits[-1], left=change.at)
        visits.append(Visit(change.to_stage, change.at, None))
    return tuple(visits)


def time_in_stage(lead: Lead, *, as_of: datetime) -> dict[str, timedelta]:
    """Total time the lead spent in each stage of its history, the current stay counted up to ``as_of``.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import StageChange
        >>> t = lambda day: datetime(2026, 11, day, tzinfo=timezone.utc)
        >>> history = [
        ...     StageChange(from_stage=None, to_stage="lead", at=t(1)),
        ...     StageChange(from_stage="lead", to_stage="mql", at=t(4)),
        ... ]
        >>> lead = Lead(id="L-1", created_at=t(1), stage="mql", history=history)
        >>> {stage: d.days for stage, d in time_in_stage(lead, as_of=t(10)).items()}
        {'lead': 3, 'mql': 6}
    """
    return _durations(visits_of(lead.history), as_of)


def check_moment(value: object, name: str) -> datetime:
    """``value`` if it is a timezone-aware datetime; a `TransitionError` naming ``name`` otherwise."""
    if isinstance(value, datetime) and check.is_aware(value):
        return value
    reason = "naive datetime; " if isinstance(value, datetime) else ""
    msg = f"{name}: {reason}expected a timezone-aware datetime such as 2026-11-02T09:30:00+00:00 (got {value!r})"
    raise TransitionError(msg)


def _text_argument(value: object, name: str) -> str | None:
    if value is None:
        return None
    if type(value) is not str and not isinstance(value, str):
        msg = f"{name}: expected text or None (got {value!r})"
        raise TransitionError(msg)
    return value.strip() or None


# Leads and stage changes made by `advance` are built from parts already checked, without running
# every validator again: a move must stay cheap however long the history grows. Fields are read in
# one call and written through the slots' own descriptors, the cheapest way to fill a slotted object.
_new = object.__new__
_set = object.__setattr__


def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    def setter(name: str) -> Callable[[Any, Any], None]:
        for klass in cls.__mro__:
            descriptor = klass.__dict__.get(name)
            if descriptor is not None and hasattr(descriptor, "__set__"):
                return descriptor.__set__  # type: ignore[no-any-return]
        return lambda obj, value: _set(obj, name, value)  # pragma: no cover - attrs slotted classes have slots

    return tuple(setter(name) for name in names)


@attrs.frozen
class _Copier:
    """How to copy one slotted attrs class field by field, replacing stage, status and history."""

    cls: type
    read: Callable[[Any], tuple[Any, ...]]
    write: tuple[Callable[[Any, Any], None], ...]
    stage: Callable[[Any, Any], None]
    status: Callable[[Any, Any], None]
    history: Callable[[Any, Any], None]

    @classmethod
    def of(cls, lead_class: type) -> _Copier:
        replaced = ("stage", "status", "history")
        kept = tuple(a.name for a in attrs.fields(lead_class) if a.name not in replaced)
        stage, status, history = _slot_setters(lead_class, replaced)
        return cls(lead_class, operator.attrgetter(*kept), _slot_setters(lead_class, kept), stage, status, history)


_COPIERS: dict[type, _Copier] = {}
_CHANGE_SETTERS = _slot_setters(StageChange, ("from_stage", "to_stage", "at", "reason", "by", "status"))


def _moved(lead: Lead, stage: str, status: str | None, change: StageChange) -> Lead:
    copier = _COPIERS.get(type(lead))
    if copier is None:
        copier = _COPIERS[type(lead)] = _Copier.of(type(lead))
    new: Lead = _new(copier.cls)
    for write, value in zip(copier.write, copier.read(lead)):  # noqa: B905 - same length by construction
        write(new, value)
    copier.stage(new, stage)
    copier.status(new, status)
    copier.history(new, (*lead.history, change))
    return new


def _change(  # noqa: PLR0917 - on the hot path of every move, where keyword arguments cost time
    from_stage: str | None,
    to_stage: str,
    at: datetime,
    reason: str | None,
    by: str | None,
    status: str | None,
    _setters: tuple[Callable[[Any, Any], None], ...] = _CHANGE_SETTERS,
) -> StageChange:
    change = _new(StageChange)
    set_from, set_to, set_at, set_reason, set_by, set_status = _setters
    set_from(change, from_stage)
    set_to(change, to_stage)
    set_at(change, at)
    set_reason(change, reason)
    set_by(change, by)
    set_status(change, status)
    return change


def _quote(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


@attrs.frozen(kw_only=True)
class Pipeline:
    """Stages, the moves between them, their guards, and the automatic policy.

    Checked when built: the initial stage exists; stage and move names are
    unique; moves name known stages; every stage can be reached from the
    initial one; every stage that is not terminal has a way out; a move out
    of a terminal stage says ``reopens``; policy rules follow declared moves.
    Every failure is a `ConfigError` naming the offending stages.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Contact, Lead
        >>> pipeline = Pipeline(
        ...     name="simple",
        ...     stages=[Stage(name="new"), Stage(name="won", terminal=True), Stage(name="lost", terminal=True)],
        ...     transitions=[
        ...         Transition(name="win", sources="new", target="won"),
        ...         Transition(name="lose", sources="new", target="lost", requires_reason=True),
        ...     ],
        ...     initial="new",
        ... )
        >>> t = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
        >>> lead = pipeline.advance(Lead(id="L-1", created_at=t), "new", at=t)
        >>> won = pipeline.advance(lead, "won", at=t, by="ana")
        >>> won.stage, [c.to_stage for c in won.history], lead.stage
        ('won', ['new', 'won'], 'new')
    """

    name: str = attrs.field(default="pipeline", converter=check.clean_text, validator=check.text)
    """The pipeline's name, used in messages."""
    description: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """What the pipeline is for."""
    stages: tuple[Stage, ...] = attrs.field(converter=check.as_tuple, validator=check.items(Stage, non_empty=True))
    """Every stage, in the order to show them."""
    transitions: tuple[Transition, ...] = attrs.field(converter=check.as_tuple, validator=check.items(Transition))
    """Every allowed move."""
    initial: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The stage a lead enters the pipeline at."""
    policy: tuple[AutoMove, ...] = attrs.field(default=(), converter=check.as_tuple, validator=check.items(AutoMove))
    """The automatic policy, in priority order (see `suggest`)."""

    _stage: Mapping[str, Stage] = attrs.field(init=False, eq=False, repr=False)
    _moves: Mapping[tuple[str | None, str], Transition] = attrs.field(init=False, eq=False, repr=False)
    _out: Mapping[str | None, tuple[Transition, ...]] = attrs.field(init=False, eq=False, repr=False)
    _rules: Mapping[str, tuple[AutoMove, ...]] = attrs.field(init=False, eq=False, repr=False)
    _first_status: Mapping[str, str | None] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        stage = {s.name: s for s in self.stages}
        enter = Transition(name=ENTER, sources=self.initial, target=self.initial)
        moves: dict[tuple[str | None, str], Transition] = {(None, self.initial): enter}
        out: dict[str | None, list[Transition]] = {None: [enter]}
        for transition in self.transitions:
            for source in transition.sources:
                moves.setdefault((source, transition.target), transition)
                out.setdefault(source, []).append(transition)
        rules: dict[str, list[AutoMove]] = {}
        for rule in self.policy:
            for source in rule.sources:
                rules.setdefault(source, []).append(rule)
        _set(self, "_stage", stage)
        _set(self, "_moves", moves)
        _set(self, "_out", {k: tuple(v) for k, v in out.items()})
        _set(self, "_rules", {k: tuple(v) for k, v in rules.items()})
        _set(self, "_first_status", {s.name: s.statuses[0] if s.statuses else None for s in self.stages})
        problems = self._problems()
        if problems:
            raise ConfigError(problems)

    # --- validation -------------------------------------------------------------------------------

    def _problems(self) -> list[Problem]:
        problems = self._naming_problems()
        if problems:
            return problems  # the graph checks below would only repeat these
        problems += self._graph_problems()
        problems += self._policy_problems()
        return problems

    def _naming_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        known = self._stage
        seen: set[str] = set()
        for i, stage in enumerate(self.stages):
            if stage.name in seen:
                problems.append(Problem(("stages", i, "name"), "a name no other stage uses", repr(stage.name)))
            seen.add(stage.name)
        if self.initial not in known:
            problems += self._unknown_stages((), self.initial, (), known, target_key="initial")
        seen = set()
        pairs: dict[tuple[str, str], str] = {}
        for i, transition in enumerate(self.transitions):
            where = ("transitions", i)
            if transition.name in seen or transition.name == ENTER:
                problems.append(
                    Problem((*where, "name"), "a name no other move uses (nor 'enter')", repr(transition.name))
                )
            seen.add(transition.name)
            problems += self._unknown_stages(transition.sources, transition.target, where, known)
            for source in transition.sources:
                if source == transition.target:
                    problems.append(
                        Problem((*where, "to"), "a stage other than the one left", repr(source), "a move to itself")
                    )
                other = pairs.setdefault((source, transition.target), transition.name)
                if other != transition.name:
                    problems.append(
                        Problem(
                            (*where, "from"),
                            "one move per pair of stages",
                            repr(source),
                            f"{source} -> {transition.target} is already the move {other!r}",
                        )
                    )
        return problems

    @staticmethod
    def _unknown_stages(
        sources: tuple[str, ...],
        target: str,
        where: tuple[str | int, ...],
        known: Mapping[str, Stage],
        *,
        target_key: str = "to",
    ) -> list[Problem]:
        problems = []
        for key, names in (("from", sources), (target_key, (target,))):
            for name in names:
                if name not in known:
                    reason = f"unknown stage {name!r}" + suggest(name, tuple(known))
                    problems.append(Problem((*where, key), f"one of the stages {_quote(known)}", repr(name), reason))
        return problems

    def _graph_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        reached = {self.initial}
        queue = deque([self.initial])
        while queue:
            for transition in self._out.get(queue.popleft(), ()):
                if transition.target not in reached:
                    reached.add(transition.target)
                    queue.append(transition.target)
        unreachable = [s.name for s in self.stages if s.name not in reached]
        if unreachable:
            problems.append(
                Problem(
                    ("stages",),
                    f"every stage reachable from the initial stage {self.initial!r}",
                    reason="unreachable stages: " + _quote(unreachable),
                )
            )
        stuck = [s.name for s in self.stages if not s.terminal and not self._out.get(s.name)]
        if stuck:
            problems.append(
                Problem(
                    ("stages",),
                    "a way out of every stage that is not terminal (add a move, or mark it terminal: true)",
                    reason="stages with no way out: " + _quote(stuck),
                )
            )
        for i, transition in enumerate(self.transitions):
            ends = [s for s in transition.sources if self._stage[s].terminal]
            if ends and not transition.reopens:
                problems.append(
                    Problem(
                        ("transitions", i, "from"),
                        "reopens: true on a move out of a terminal stage",
                        _quote(ends),
                        "leaves a terminal stage",
                    )
                )
            if transition.reopens and len(ends) != len(transition.sources):
                problems.append(
                    Problem(
                        ("transitions", i, "reopens"),
                        "reopens only on moves out of terminal stages",
                        _quote(s for s in transition.sources if s not in ends),
                        "not terminal",
                    )
                )
        return problems

    def _policy_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for i, rule in enumerate(self.policy):
            where = ("policy", i)
            unknown = self._unknown_stages(rule.sources, rule.target, where, self._stage)
            problems += unknown
            if unknown:
                continue
            for source in rule.sources:
                if (source, rule.target) not in self._moves:
                    problems.append(
                        Problem(
                            (*where, "from"),
                            "a rule that follows a declared move",
                            repr(source),
                            f"{source} -> {rule.target} is not a move of the pipeline",
                        )
                    )
        return problems

    # --- looking things up ------------------------------------------------------------------------

    def stage(self, name: str) -> Stage:
        """The stage called ``name``.

        Raises:
            TransitionError: if there is no such stage.
        """
        found = self._stage.get(name) if isinstance(name, str) else None
        if found is None:
            msg = f"{name!r} is not a stage of pipeline {self.name!r} (stages: {', '.join(self._stage)})"
            raise TransitionError(msg, target=name)
        return found

    def moves_from(self, stage: str | None) -> tuple[Transition, ...]:
        """The transitions out of ``stage`` (``None``: the move that enters the pipeline)."""
        return self._out.get(stage, ())

    def _current(self, lead: Lead) -> str | None:
        current = lead.stage
        if current is not None and current not in self._stage:
            msg = (
                f"lead {lead.id!r} is in stage {current!r}, which is not a stage of pipeline {self.name!r} "
                f"(stages: {', '.join(self._stage)})"
            )
            raise TransitionError(msg, lead_id=lead.id, current=current)
        return current

    def _refuse_move(self, lead: Lead, current: str | None, to: object) -> TransitionError:
        options = self.moves_from(current)
        allowed = tuple(t.target for t in options)
        listed = ", ".join(f"{t.target} ({t.name})" for t in options) or "none"
        if current is None:
            what = f"a lead enters pipeline {self.name!r} at {self.initial}, not {to}"
        elif current == to:
            what = f"the lead is in {to} already (to change its working status, use set_status)"
        else:
            what = f"{current} -> {to} is not a move of pipeline {self.name!r}"
        msg = f"lead {lead.id!r}: {what}; allowed from {current or 'no stage'}: {listed}"
        return TransitionError(msg, lead_id=lead.id, current=current, target=str(to), allowed=allowed)

    # --- moving -----------------------------------------------------------------------------------

    def advance(
        self,
        lead: Lead,
        to: str,
        *,
        at: datetime,
        reason: str | None = None,
        by: str | None = None,
        qualification: Qualification | None = None,
        status: str | None = None,
    ) -> Lead:
        """A copy of ``lead`` moved to stage ``to`` at ``at``, one `StageChange` longer.

        A lead without a stage enters the pipeline at its initial stage. The
        new stage's working status is ``status``, or the stage's first status.
        Guards read ``qualification`` (``model.qualify(lead, as_of=at)``)
        when they need one.

        Raises:
            TransitionError: if the move is not allowed from the lead's stage,
                a guard refuses it (with the guard's reasons), it needs a
                reason and none is given, ``at`` is naive or earlier than
                the last change, or ``status`` is not one of the stage's.
                The lead is left as it was.
        """
        current = lead.stage
        try:
            transition = self._moves.get((current, to))
        except TypeError:  # an unhashable target: not a stage name
            transition = None
        if transition is None:
            self._current(lead)
            raise self._refuse_move(lead, current, to)
        tz = at.tzinfo if type(at) is datetime else None
        if tz is None or (tz is not timezone.utc and at.utcoffset() is None):
            check_moment(at, "at")
        history = lead.history
        if history and at < history[-1].at:
            self._refuse_time(lead, to, at)
        for guard in transition.guards:
            if guard.check(lead, qualification, at):
                self._refuse_guards(lead, transition, to, qualification, at)
        if reason is not None:
            reason = _text_argument(reason, "reason")
        if reason is None and transition.requires_reason:
            msg = f"lead {lead.id!r}: {current} -> {to} ({transition.name}) needs a reason (pass reason=...)"
            raise TransitionError(msg, lead_id=lead.id, current=current, target=to, reasons=("a reason",))
        if status is None:
            status = self._first_status[to]
        elif status not in self._stage[to].statuses:
            self._refuse_status(lead, to, status)
        if by is not None:
            by = _text_argument(by, "by")
        return _moved(lead, to, status, _change(current, to, at, reason, by, status))

    def _refuse_guards(
        self, lead: Lead, transition: Transition, to: str, qualification: Qualification | None, at: datetime
    ) -> None:
        failures = tuple(r for guard in transition.guards for r in guard.check(lead, qualification, at))
        msg = f"lead {lead.id!r}: {lead.stage} -> {to} needs " + "; ".join(failures)
        raise TransitionError(msg, lead_id=lead.id, current=lead.stage, target=to, reasons=failures)

    def set_status(
        self, lead: Lead, status: str, *, at: datetime, reason: str | None = None, by: str | None = None
    ) -> Lead:
        """A copy of ``lead`` with a new working status inside its stage, recorded in the history.

        Raises:
            TransitionError: if the lead has no stage, the status is not one
                of its stage's, it is the current status already, or ``at``
                is naive or earlier than the last change.
        """
        current = self._current(lead)
        if current is None:
            msg = f"lead {lead.id!r} has no stage, so no working status (advance it into the pipeline first)"
            raise TransitionError(msg, lead_id=lead.id, target=current)
        if status not in self._stage[current].statuses:
            self._refuse_status(lead, current, status)
        if status == lead.status:
            msg = f"lead {lead.id!r} already has the status {status!r} in {current}"
            raise TransitionError(msg, lead_id=lead.id, current=current, target=current)
        check_moment(at, "at")
        if lead.history and at < lead.history[-1].at:
            self._refuse_time(lead, current, at)
        change = _change(current, current, at, _text_argument(reason, "reason"), _text_argument(by, "by"), status)
        return _moved(lead, current, status, change)

    def _refuse_time(self, lead: Lead, to: str, at: datetime) -> None:
        last = lead.history[-1].at
        msg = (
            f"lead {lead.id!r}: a change to {to} at {at.isoformat()} is earlier than the last change in its "
            f"history ({last.isoformat()}); changes are recorded in time order"
        )
        raise TransitionError(msg, lead_id=lead.id, current=lead.stage, target=to, reasons=("a later time",))

    def _refuse_status(self, lead: Lead, stage: str, status: object) -> None:
        statuses = self._stage[stage].statuses
        known = f"its statuses: {', '.join(statuses)}" if statuses else "it has no statuses"
        msg = f"lead {lead.id!r}: {status!r} is not a status of stage {stage} ({known})"
        raise TransitionError(msg, lead_id=lead.id, current=lead.stage, target=stage, allowed=statuses)

    # --- questions --------------------------------------------------------------------------------

    @staticmethod
    def _moment(at: datetime | None, qualification: Qualification | None) -> datetime:
        if at is None and qualification is not None:
            return qualification.as_of
        if at is None:
            raise ValidationError.at(
                ("at",), "the moment to judge the lead at (pass at=..., or a qualification to use its as_of)"
            )
        return check.aware(at, "at")

    def allowed(
        self, lead: Lead, qualification: Qualification | None = None, *, at: datetime | None = None
    ) -> tuple[Move, ...]:
        """Every move out of the lead's stage, each with whether its guards pass now and why not.

        ``at`` defaults to the qualification's ``as_of``.
        """
        moment = self._moment(at, qualification)
        current = self._current(lead)
        moves = []
        for transition in self.moves_from(current):
            reasons = tuple(r for g in transition.guards for r in g.check(lead, qualification, moment))
            moves.append(Move(transition.name, transition.target, not reasons, reasons, transition.requires_reason))
        return tuple(moves)

    def suggest(
        self, lead: Lead, qualification: Qualification | None = None, *, at: datetime | None = None
    ) -> Suggestion | None:
        """The move the automatic policy would make now, or ``None`` when the lead should stay.

        A lead without a stage is suggested to enter at the initial stage.
        Otherwise the first policy rule for the lead's stage whose own
        guards and whose move's guards all pass wins. ``at`` defaults to the
        qualification's ``as_of``.
        """
        moment = self._moment(at, qualification)
        current = self._current(lead)
        if current is None:
            return Suggestion(ENTER, None, self.initial, "entered", f"enters pipeline {self.name!r}")
        for rule in self._rules.get(current, ()):
            transition = self._moves[(current, rule.target)]
            if any(g.check(lead, qualification, moment) for g in (*rule.when, *transition.guards)):
                continue
            return Suggestion(transition.name, current, rule.target, rule.reason, rule.description or rule.reason)
        return None

    def auto_advance(
        self,
        lead: Lead,
        qualification: Qualification | None = None,
        *,
        at: datetime | None = None,
        by: str | None = "policy",
        max_moves: int = 10,
    ) -> Lead:
        """Apply `suggest` until the lead should stay (at most ``max_moves`` moves), all at the moment ``at``.

        Each move is recorded with its rule's reason code. The same
        qualification is used throughout: re-qualify between calls if your
        model reads the lead's stage.
        """
        moment = self._moment(at, qualification)
        for _ in range(max_moves):
            suggestion = self.suggest(lead, qualification, at=moment)
            if suggestion is None:
                break
            lead = self.advance(
                lead, suggestion.target, at=moment, reason=suggestion.reason, by=by, qualification=qualification
            )
        return lead

    def replay(self, lead: Lead) -> Journey:
        """Check the lead's whole history against this pipeline and rebuild where it ends.

        Each change must be a move of the pipeline (or a status change to a
        status of its stage) and carry a reason where the move needs one.
        Guards are not re-run: they judged the lead as it was then.

        Raises:
            TransitionError: naming the first bad change by its index.
        """
        for i, change in enumerate(lead.history):
            problem = self._change_problem(change)
            if problem:
                msg = f"lead {lead.id!r}: history[{i}] ({change.from_stage} -> {change.to_stage}): {problem}"
                raise TransitionError(
                    msg, lead_id=lead.id, current=change.from_stage, target=change.to_stage, index=i, reasons=(problem,)
                )
        self._current(lead)
        return Journey(lead.stage, lead.status, visits_of(lead.history))

    def _change_problem(self, change: StageChange) -> str | None:
        source, target = change.from_stage, change.to_stage
        for name in (source, target):
            if name is not None and name not in self._stage:
                return f"{name!r} is not a stage of pipeline {self.name!r}"
        statuses = self._stage[target].statuses
        if change.status is not None and change.status not in statuses:
            return f"{change.status!r} is not a status of stage {target}"
        if source == target:
            return None if change.status is not None else "a change to the same stage must set a status"
        transition = self._moves.get((source, target))
        if transition is None:
            return "not a move of the pipeline"
        if transition.requires_reason and change.reason is None:
            return f"the move {transition.name!r} needs a reason and none is recorded"
        return None

    def overdue(self, leads: Iterable[Lead], *, as_of: datetime) -> tuple[Breach, ...]:
        """The leads that have stayed in a stage longer than its SLA, most overdue first.

        The time in the stage is counted from the change that entered it
        (status changes do not restart the clock); leads without a history
        are skipped, since nothing says when they entered.
        """
        check.aware(as_of, "as_of")
        breaches = []
        for lead in leads:
            stage = self._stage.get(lead.stage) if lead.stage is not None else None
            if stage is None or stage.sla is None or not lead.history:
                continue
            entered = visits_of(lead.history)[-1].entered
            stayed = as_of - entered
            if stayed > stage.sla:  # compared first: stayed - sla could overflow timedelta when as_of is before entered
                breaches.append(Breach(lead.id, stage.name, entered, stage.sla, stayed - stage.sla))
        breaches.sort(key=lambda b: b.overdue_by, reverse=True)
        return tuple(breaches)

    # --- documents and pictures -------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: object) -> Pipeline:
        """Build a pipeline from its plain-data form (see the "Pipeline YAML" reference)."""
        from leadkit.stages.config import pipeline_from_data

        return pipeline_from_data(data)

    def to_dict(self) -> dict[str, Any]:
        """The plain-data form; `from_dict` reads it back equal."""
        from leadkit.stages.config import pipeline_to_data

        return pipeline_to_data(self)

    @classmethod
    def from_yaml(cls, text: str | bytes) -> Pipeline:
        """Read a pipeline from YAML text; every problem carries its line."""
        from leadkit.stages.config import pipeline_from_yaml

        return pipeline_from_yaml(text)

    def to_yaml(self) -> str:
        """The pipeline as YAML text."""
        from leadkit.stages.config import pipeline_to_yaml

        return pipeline_to_yaml(self)

    def to_mermaid(self) -> str:
        """The pipeline as a Mermaid state diagram (``stateDiagram-v2``)."""
        from leadkit.stages.render import to_mermaid

        return to_mermaid(self)

    def to_dot(self) -> str:
        """The pipeline as a Graphviz DOT digraph."""
        from leadkit.stages.render import to_dot

        return to_dot(self)
