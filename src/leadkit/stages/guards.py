"""Guards: the conditions a stage change needs, each explaining itself when it fails.

A guard's ``check(lead, qualification, at)`` returns the reasons it fails,
in words, or an empty tuple when it passes: "a valid email or phone (none
given)", "MQL or a hand-raise (total 42, grade C)". The pipeline joins them
into the `TransitionError` message.

Pipelines name guards in YAML: a bare name (``contactable``) or a one-key
mapping with its setting (``min_score: 40``, ``quiet_for: 30d``,
``any: [mql, sales_ready]``). Custom guards are registered with
`register_guard`, or installed under the entry-point group
``leadkit.guards``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, runtime_checkable

import attrs

from leadkit import _checks as check
from leadkit import _documents
from leadkit.errors import ConfigError, ValidationError
from leadkit.model import CriterionStatus, Lead
from leadkit.scoring.checklist import BANT_CHECKLIST, CHAMP_CHECKLIST, MEDDIC_CHECKLIST, Checklist, ChecklistScorer
from leadkit.scoring.conditions import format_duration
from leadkit.scoring.qualify import GRADES, Temperature

if TYPE_CHECKING:
    from leadkit.scoring.qualify import Qualification

__all__ = [
    "BUILTIN_GUARDS",
    "ENTRY_POINT_GROUP",
    "MAX_DEPTH",
    "AllGuards",
    "AnyGuard",
    "BantQualified",
    "Contactable",
    "Guard",
    "IsMQL",
    "MaxTemperature",
    "MinGrade",
    "MinScore",
    "MinTemperature",
    "NotGuard",
    "QuietFor",
    "SalesReady",
    "ScoreBelow",
    "StatusIn",
    "guard_from_data",
    "guard_names",
    "guard_to_data",
    "register_guard",
]

ENTRY_POINT_GROUP = "leadkit.guards"
"""The entry-point group where installed packages register guards."""

Where = _documents.Where
T = TypeVar("T")
_NEEDS_QUALIFICATION = "a Qualification (pass qualification=model.qualify(lead, as_of=...))"


@runtime_checkable
class Guard(Protocol):
    """What a pipeline needs of a guard: a name and a check that explains its failures.

    ``check`` must be pure: the same lead, qualification and moment give the
    same answer, and nothing reads the clock.
    """

    @property
    def name(self) -> str:
        """The guard's name in YAML and in messages."""
        ...

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        ...


# --- built-in guards ----------------------------------------------------------------------------


@attrs.frozen
class Contactable:
    """The lead has a valid email or phone (see `leadkit.is_contactable`)."""

    name: ClassVar[str] = "contactable"

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        contact = lead.contact  # the body of leadkit.is_contactable, inlined: guards run on every move
        if contact.email is not None or contact.phone is not None:
            return ()
        return ("a valid email or phone (none given)",)


@attrs.frozen
class IsMQL:
    """The qualification's MQL flag is set."""

    name: ClassVar[str] = "mql"

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        if qualification is None:
            return (_NEEDS_QUALIFICATION,)
        if qualification.mql:
            return ()
        q = qualification
        return (f"MQL (the model's MQL policy is not met: total {q.total:.0f}, grade {q.grade})",)


@attrs.frozen
class SalesReady:
    """The qualification's sales-ready flag is set: the lead raised its hand recently."""

    name: ClassVar[str] = "sales_ready"

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        if qualification is None:
            return (_NEEDS_QUALIFICATION,)
        if qualification.sales_ready:
            return ()
        return ("a hand-raise (no recent demo request or free trial)",)


def _checklist(value: Any) -> Any:
    if isinstance(value, str) and value.upper() in _CHECKLISTS:
        return _CHECKLISTS[value.upper()]
    return value


@attrs.frozen
class BantQualified:
    """The lead meets a checklist's qualification policy, read from the lead itself.

    BANT by default; ``BantQualified("MEDDIC")`` (or any `Checklist`) checks
    another framework.
    """

    name: ClassVar[str] = "bant_qualified"
    checklist: Checklist = attrs.field(
        default=BANT_CHECKLIST, converter=_checklist, validator=check.instance(Checklist)
    )
    """The checklist and its policy."""
    _scorer: ChecklistScorer = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_scorer", ChecklistScorer(checklist=self.checklist))

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        assessment = self._scorer.assess(lead)
        if assessment.qualified:
            return ()
        statuses = {item.name: item.read(lead)[0].status for item in self.checklist.items}
        missing = ", ".join(f"{name} {_status_word(statuses[name])}" for name in assessment.missing)
        return (f"{self.checklist.name}: {missing}" + "".join(f"; {r}" for r in assessment.reasons),)


def _status_word(status: CriterionStatus) -> str:
    return {CriterionStatus.NO: "not met", CriterionStatus.PARTIAL: "partly met"}.get(status, "unknown")


def _score_of(qualification: Qualification, scorer: str | None) -> float | None:
    if scorer is None:
        return qualification.total
    score = qualification.scores.get(scorer)
    return None if score is None else score.value


def _check_scorer_name(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        check.fail(attribute, "a scorer name or null (the total)", value)


@attrs.frozen
class _ScoreThreshold:
    """A guard comparing the total (or one scorer's value) with a threshold."""

    name: ClassVar[str]
    _passes: ClassVar[Callable[[float, float], bool]]
    _wanted: ClassVar[str]
    value: float = attrs.field(validator=check.finite_number(optional=False))
    """The threshold."""
    scorer: str | None = attrs.field(default=None, validator=_check_scorer_name)
    """Read this scorer's value instead of the total."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        if qualification is None:
            return (_NEEDS_QUALIFICATION,)
        score = _score_of(qualification, self.scorer)
        what = self.scorer or "total"
        if score is None:
            return (f"a {what} score (the model has no scorer {what!r})",)
        passes = type(self)._passes  # a plain function kept on the class, not a method
        return () if passes(score, self.value) else (f"a {what} {self._wanted} {self.value:g} (is {score:.0f})",)


@attrs.frozen
class MinScore(_ScoreThreshold):
    """The total (or one scorer's value) is at least ``value``."""

    name: ClassVar[str] = "min_score"
    _passes = operator.ge
    _wanted = "of at least"


@attrs.frozen
class ScoreBelow(_ScoreThreshold):
    """The total (or one scorer's value) is below ``value``: the lower threshold of a hysteresis band."""

    name: ClassVar[str] = "score_below"
    _passes = operator.lt
    _wanted = "below"


def _grade(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in GRADES:
        check.fail(attribute, "one of the grades " + ", ".join(GRADES), value)


@attrs.frozen
class MinGrade:
    """The fit grade is ``grade`` or better (A is best)."""

    name: ClassVar[str] = "min_grade"
    grade: str = attrs.field(validator=_grade)
    """The worst grade that passes."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        if qualification is None:
            return (_NEEDS_QUALIFICATION,)
        if GRADES.index(qualification.grade) <= GRADES.index(self.grade):
            return ()
        return (f"grade {self.grade} or better (is {qualification.grade})",)


_TEMPERATURES = (Temperature.COLD, Temperature.WARM, Temperature.HOT)


def _temperature(value: Any) -> Any:
    try:
        return Temperature(value) if isinstance(value, str) else value
    except ValueError:
        return value


def _check_temperature(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Temperature):
        check.fail(attribute, "cold, warm or hot", value)


@attrs.frozen
class _TemperatureLimit:
    """A guard comparing the lead's temperature with a limit."""

    name: ClassVar[str]
    _passes: ClassVar[Callable[[int, int], bool]]
    _wanted: ClassVar[str]
    temperature: Temperature = attrs.field(converter=_temperature, validator=_check_temperature)
    """The limit."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        if qualification is None:
            return (_NEEDS_QUALIFICATION,)
        passes = type(self)._passes  # a plain function kept on the class, not a method
        if passes(_TEMPERATURES.index(qualification.temperature), _TEMPERATURES.index(self.temperature)):
            return ()
        return (f"a {self.temperature} lead {self._wanted} (is {qualification.temperature})",)


@attrs.frozen
class MinTemperature(_TemperatureLimit):
    """The lead is at least this warm (``warm`` passes warm and hot leads)."""

    name: ClassVar[str] = "min_temperature"
    _passes = operator.ge
    _wanted = "or hotter"


@attrs.frozen
class MaxTemperature(_TemperatureLimit):
    """The lead is at most this warm (``cold`` passes only cold leads)."""

    name: ClassVar[str] = "max_temperature"
    _passes = operator.le
    _wanted = "or colder"


def _check_period(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        check.fail(attribute, "a positive timedelta", value)


@attrs.frozen
class QuietFor:
    """No interaction in the ``period`` before the move (for a lead with none: created that long ago)."""

    name: ClassVar[str] = "quiet_for"
    period: timedelta = attrs.field(validator=_check_period)
    """How long the lead must have been silent."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        last = next((i.at for i in reversed(lead.interactions) if i.at <= at), None)
        since, what = (last, "last one") if last is not None else (lead.created_at, "none since the lead was created")
        if at - since >= self.period:
            return ()
        ago = f"{format_duration(at - since)} before" if at != since else "at the same moment"  # not "0w before"
        return (f"{format_duration(self.period)} without interaction ({what} {ago})",)


def _texts(value: Any) -> Any:
    return check.clean_text_list(value)


@attrs.frozen
class StatusIn:
    """The lead's working status is one of ``statuses``."""

    name: ClassVar[str] = "status_in"
    statuses: tuple[str, ...] = attrs.field(converter=_texts, validator=check.text_list)
    """The statuses that pass."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        if lead.status in self.statuses:
            return ()
        return (f"status {' or '.join(self.statuses)} (is {lead.status or 'none'})",)


def _guards(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


_check_guards = check.items(
    Guard, non_empty=True, noun="guards", item="a guard (an object with a name and a check method)"
)


@attrs.frozen
class AnyGuard:
    """Passes when at least one of its guards passes."""

    name: ClassVar[str] = "any"
    guards: tuple[Guard, ...] = attrs.field(converter=_guards, validator=_check_guards)
    """The alternatives."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        reasons: list[str] = []
        for guard in self.guards:
            failed = guard.check(lead, qualification, at)
            if not failed:
                return ()
            reasons.append(", ".join(failed))
        return (" or ".join(dict.fromkeys(reasons)),)


@attrs.frozen
class AllGuards:
    """Passes when every one of its guards passes (a list of guards means the same)."""

    name: ClassVar[str] = "all"
    guards: tuple[Guard, ...] = attrs.field(converter=_guards, validator=_check_guards)
    """The guards that must all pass."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        return tuple(reason for guard in self.guards for reason in guard.check(lead, qualification, at))


@attrs.frozen
class NotGuard:
    """Passes when its guard fails."""

    name: ClassVar[str] = "not"
    guard: Guard = attrs.field(validator=check.instance(Guard, "a guard"))
    """The guard to negate."""

    def check(self, lead: Lead, qualification: Qualification | None, at: datetime) -> tuple[str, ...]:
        """The reasons the guard fails, in words; empty when it passes."""
        failed = self.guard.check(lead, qualification, at)
        if any(_NEEDS_QUALIFICATION in reason for reason in failed):
            return (_NEEDS_QUALIFICATION,)  # unknown is not the opposite of failing
        if failed:
            return ()
        return (f"not {guard_description(self.guard)}",)


def guard_description(guard: Guard) -> str:
    """A guard as a short phrase: its YAML form in flow style (``min_score: 40``)."""
    data = guard_to_data(guard)
    return data if isinstance(data, str) else _flow(data)


def _flow(data: Any) -> str:
    if isinstance(data, Mapping):
        return ", ".join(f"{k}: {_flow(v)}" for k, v in data.items())
    if isinstance(data, list):
        return "[" + ", ".join(_flow(v) for v in data) + "]"
    return str(data)


# --- reading and writing guards -----------------------------------------------------------------

_CHECKLISTS = {c.name: c for c in (BANT_CHECKLIST, CHAMP_CHECKLIST, MEDDIC_CHECKLIST)}


def _checklist_from(value: object, where: Where) -> Checklist:
    from leadkit.scoring.config import read_checklist

    return read_checklist(value, where)


def _read_checklist_guard(value: object, where: Where) -> Guard:
    if value is None:
        return BantQualified()
    data = _documents.keys(value, where, optional=("checklist",))
    if "checklist" not in data:
        return BantQualified()
    return BantQualified(_checklist_from(data["checklist"], (*where, "checklist")))


def _read_score(cls: type[MinScore | ScoreBelow]) -> Callable[[object, Where], Guard]:
    def read(value: object, where: Where) -> Guard:
        if isinstance(value, Mapping):
            data = _documents.keys(value, where, required=("value",), optional=("scorer",))
            with _documents.at(where):
                return cls(_documents.number(data["value"], (*where, "value")), data.get("scorer"))
        return cls(_documents.number(value, where))

    return read


def _read_one(cls: Callable[[Any], Guard]) -> Callable[[object, Where], Guard]:
    """A reader for a guard with one setting: its error is the setting's, at the guard's own path."""

    def read(value: object, where: Where) -> Guard:
        try:
            return cls(value)
        except ValidationError as exc:
            problem = exc.problems[0]
            raise ConfigError.at(where, problem.expected, value, reason=problem.reason) from None

    return read


def _read_quiet(value: object, where: Where) -> Guard:
    period = _documents.duration(value, where)
    with _documents.at(where):
        return QuietFor(period)  # type: ignore[arg-type]  # a duration is never None here


def _read_list(cls: type[AnyGuard | AllGuards]) -> Callable[[object, Where], Guard]:
    def read(value: object, where: Where) -> Guard:
        items = _documents.items(value, where)
        if not items:
            raise _documents.fail(where, "a non-empty list of guards", value)
        return cls(tuple(guard_from_data(g, (*where, i)) for i, g in enumerate(items)))

    return read


def _read_not(value: object, where: Where) -> Guard:
    return NotGuard(guard_from_data(value, where))


_NO_SETTING = object()

_READERS: Mapping[str, Callable[[object, Where], Guard]] = {
    "contactable": lambda v, w: Contactable(),
    "mql": lambda v, w: IsMQL(),
    "sales_ready": lambda v, w: SalesReady(),
    "bant_qualified": _read_checklist_guard,
    "min_score": _read_score(MinScore),
    "score_below": _read_score(ScoreBelow),
    "min_grade": _read_one(MinGrade),
    "min_temperature": _read_one(MinTemperature),
    "max_temperature": _read_one(MaxTemperature),
    "quiet_for": _read_quiet,
    "status_in": lambda v, w: _read_one(StatusIn)(v if isinstance(v, list) else [v], w),
    "any": _read_list(AnyGuard),
    "all": _read_list(AllGuards),
    "not": _read_not,
}
_BARE = frozenset({"contactable", "mql", "sales_ready", "bant_qualified"})

BUILTIN_GUARDS: tuple[str, ...] = tuple(_READERS)
"""The guard names every pipeline can use."""

MAX_DEPTH = 100
"""Deepest a guard may sit in its document: each ``any``, ``all`` and ``not`` adds a level or two."""

_REGISTRY: _documents.Registry[Callable[..., Guard]] = _documents.Registry(
    "guard", ENTRY_POINT_GROUP, lambda: BUILTIN_GUARDS
)


def register_guard(name: str) -> Callable[[T], T]:
    """A decorator making a guard class (or factory) available to YAML pipelines under ``name``.

    The YAML setting is passed on: ``name`` alone calls it with no argument,
    ``name: {a: 1}`` with keyword arguments, ``name: value`` with one
    argument. A pipeline is written back with the guard's ``to_config()``
    when it has one, else from its attrs fields.

    Examples:
        >>> import attrs
        >>> @register_guard("has_company")
        ... @attrs.frozen
        ... class HasCompany:
        ...     name = "has_company"
        ...
        ...     def check(self, lead, qualification, at):
        ...         return () if lead.company.name else ("a company name",)
        >>> "has_company" in guard_names()
        True

    Raises:
        ConfigError: if the name is a built-in guard or taken by another one.
    """
    if not isinstance(name, str) or not name.strip():
        raise _documents.fail(("guard",), "a non-empty guard name", name)

    def register(factory: T) -> T:
        _REGISTRY.register(name, factory, lambda _: False)  # type: ignore[arg-type]  # any callable making guards
        return factory

    return register


def guard_names() -> tuple[str, ...]:
    """Every guard a pipeline can name: built-in, registered and installed, sorted."""
    return _REGISTRY.names()


def guard_from_data(data: object, where: Where = ()) -> Guard:
    """Read one guard from its YAML form: ``name`` or ``{name: setting}``.

    Raises:
        ConfigError: for an unknown guard or a bad setting, at ``where``.
    """
    if len(where) > MAX_DEPTH:  # each any/all/not adds to the path; a YAML alias can make a guard contain itself
        raise _documents.fail(where, f"guards nested at most {MAX_DEPTH} levels deep", reason="nested too deeply")
    if isinstance(data, str):
        name, setting = data, _NO_SETTING
    elif isinstance(data, Mapping) and len(data) == 1:
        name, setting = next(iter(data.items()))
        if not isinstance(name, str):
            raise _documents.fail(where, "a guard name", name)
        where = (*where, name)
    else:
        raise _documents.fail(where, "a guard: a name, or a mapping of one name to its setting", data)
    reader = _READERS.get(name)
    if reader is not None:
        if setting is _NO_SETTING and name not in _BARE:
            raise _documents.fail(where, f"a setting for {name} ({name}: ...)", reason="missing setting")
        return reader(None if setting is _NO_SETTING else setting, where)
    factory = _REGISTRY.load(name, where)
    return _build_custom(name, factory, setting, where)


def _build_custom(name: str, factory: Callable[..., Any], setting: object, where: Where) -> Guard:
    with _documents.at(where):
        try:
            if setting is _NO_SETTING:
                guard = factory()
            elif isinstance(setting, Mapping):
                guard = factory(**setting)
            else:
                guard = factory(setting)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, (ValidationError, ConfigError)):
                raise
            raise _documents.fail(
                (), f"a valid setting for the guard {name!r}", reason=f"{type(exc).__name__}: {exc}"
            ) from exc
    if not isinstance(guard, Guard):
        raise _documents.fail(where, "a guard (an object with a name and a check method)", guard)
    return guard


def _dump_checklist_guard(guard: BantQualified) -> Any:
    if guard.checklist == BANT_CHECKLIST:
        return guard.name
    from leadkit.scoring.config import dump_checklist

    return {guard.name: {"checklist": dump_checklist(guard.checklist)}}


def _dump_score(guard: MinScore | ScoreBelow) -> Any:
    return {guard.name: guard.value if guard.scorer is None else {"value": guard.value, "scorer": guard.scorer}}


_DUMPERS: Mapping[type, Callable[[Any], Any]] = {
    Contactable: lambda g: g.name,
    IsMQL: lambda g: g.name,
    SalesReady: lambda g: g.name,
    BantQualified: _dump_checklist_guard,
    MinScore: _dump_score,
    ScoreBelow: _dump_score,
    MinGrade: lambda g: {g.name: g.grade},
    MinTemperature: lambda g: {g.name: g.temperature.value},
    MaxTemperature: lambda g: {g.name: g.temperature.value},
    QuietFor: lambda g: {g.name: format_duration(g.period)},
    StatusIn: lambda g: {g.name: list(g.statuses)},
    AnyGuard: lambda g: {g.name: [guard_to_data(x) for x in g.guards]},
    AllGuards: lambda g: {g.name: [guard_to_data(x) for x in g.guards]},
    NotGuard: lambda g: {g.name: guard_to_data(g.guard)},
}


def guard_to_data(guard: Guard) -> Any:
    """A guard's YAML form; `guard_from_data` reads it back equal.

    Raises:
        ConfigError: for a custom guard that is not registered, or cannot say its setting.
    """
    dump = _DUMPERS.get(type(guard))
    return dump(guard) if dump is not None else _custom_to_data(guard)


def _custom_to_data(guard: Guard) -> Any:
    name = _REGISTRY.name_of(lambda factory: factory is type(guard))
    if name is None:
        raise _documents.fail(
            ("guards",),
            f"a guard registered with register_guard or under the {ENTRY_POINT_GROUP} entry points",
            guard,
            reason=f"cannot write {type(guard).__name__} to YAML",
        )
    to_config = getattr(guard, "to_config", None)
    if callable(to_config):
        setting = to_config()
    elif attrs.has(type(guard)):
        fields = attrs.fields(type(guard))  # type: ignore[arg-type]  # checked by attrs.has just above
        setting = {f.alias or f.name: getattr(guard, f.name) for f in fields if f.init}
    else:
        setting = None
    return {name: setting} if setting not in (None, {}) else name


def check_guards(guards: Sequence[Guard], lead: Lead, qualification: Qualification | None, at: datetime) -> list[str]:
    """Every reason the guards give against a move (empty when all pass)."""
    return [reason for guard in guards for reason in guard.check(lead, qualification, at)]
