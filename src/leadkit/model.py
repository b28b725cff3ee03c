"""The immutable domain model: leads, contacts, companies, interactions, BANT, personas.

Every class is a frozen attrs class validated at construction, so an invalid
object cannot exist. Changes return new objects (``lead.with_interaction(...)``
or `attrs.evolve`, which validates again). Each class converts to and
from plain dicts, JSON and YAML (see the serialisation guide).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from leadkit import _checks as check
from leadkit._frozen import FrozenMap, freeze_mapping, thaw
from leadkit._normalize import (
    ISO_COUNTRIES,
    is_valid_domain,
    is_valid_email,
    is_valid_phone,
    normalize_domain,
    normalize_email,
    normalize_phone,
)
from leadkit.errors import ValidationError

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "BANT",
    "Company",
    "Contact",
    "Criterion",
    "CriterionStatus",
    "Interaction",
    "InteractionKind",
    "Lead",
    "Persona",
    "StageChange",
]

_M = TypeVar("_M", bound="_Serializable")


class _Serializable:
    """dict / JSON / YAML conversion, delegated to one cattrs converter."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-compatible dict; fields at their default are left out."""
        from leadkit import _serde

        return _serde.to_dict(self)

    def to_json(self, *, indent: int | None = None) -> str:
        """The object as a JSON document."""
        from leadkit import _serde

        return _serde.to_json(self, indent=indent)

    def to_yaml(self) -> str:
        """The object as a YAML document."""
        from leadkit import _serde

        return _serde.to_yaml(self)

    @classmethod
    def from_dict(cls: type[_M], data: Any, *, strict: bool = True) -> _M:
        """Build and validate an object from a plain dict.

        Args:
            data: A mapping shaped like the output of `to_dict`.
            strict: Refuse unknown keys (the default). With ``strict=False``
                unknown keys of a lead (and of its contact, company and BANT)
                are kept in its ``attributes``, and those of an interaction in
                its ``properties``; other classes stay strict.

        Raises:
            ValidationError: listing the problems found, each with its field
                path: every invalid nested object, list item and unknown key;
                within one object, its first invalid field.
        """
        from leadkit import _serde

        return _serde.from_dict(cls, data, strict=strict)

    @classmethod
    def from_json(cls: type[_M], text: str | bytes, *, strict: bool = True) -> _M:
        """Parse a JSON document (see `from_dict`)."""
        from leadkit import _serde

        return _serde.from_json(cls, text, strict=strict)

    @classmethod
    def from_yaml(cls: type[_M], text: str | bytes, *, strict: bool = True) -> _M:
        """Parse a YAML document safely; errors carry the YAML line (see `from_dict`)."""
        from leadkit import _serde

        return _serde.from_yaml(cls, text, strict=strict)


# --------------------------------------------------------------------------- contact


def _email(value: str | None) -> Any:
    return check.normalized(value, normalize_email, is_valid_email)


def _phone(value: str | None) -> Any:
    return check.normalized(value, normalize_phone, is_valid_phone)


def _check_email(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, str) and is_valid_email(value)):
        check.fail(attribute, "a valid email address such as name@example.com", value)


def _check_phone(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, str) and is_valid_phone(value)):
        check.fail(attribute, "a phone number of 7 to 15 digits, optionally after +country code", value)


@attrs.frozen(kw_only=True)
class Contact(_Serializable):
    """The person behind a lead and how to reach them.

    Emails are trimmed and lower-cased; phones are reduced to digits with an
    optional leading ``+country code`` (see `normalize_email` and
    `normalize_phone`). Both are syntax-checked; blank text counts as not given.

    Examples:
        >>> Contact(email=" Ana@Example.COM ", phone="+49 (0)30 1234-5678")
        Contact(name=None, email='ana@example.com', phone='+493012345678', title=None)
    """

    name: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Full name as captured."""
    email: str | None = attrs.field(default=None, converter=_email, validator=_check_email)
    """Normalised email address."""
    phone: str | None = attrs.field(default=None, converter=_phone, validator=_check_phone)
    """Normalised phone number: digits, with ``+`` and country code when known."""
    title: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Job title or role, as written."""


# --------------------------------------------------------------------------- company


def _domain(value: str | None) -> Any:
    return check.normalized(value, normalize_domain, is_valid_domain)


def _check_domain(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, str) and is_valid_domain(value)):
        check.fail(attribute, "a domain name such as example.com", value)


def _country(value: str | None) -> Any:
    return check.normalized(value, lambda text: text.strip().upper(), ISO_COUNTRIES.__contains__)


def _check_country(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value not in ISO_COUNTRIES:
        check.fail(attribute, "an ISO 3166-1 alpha-2 country code such as DE or US", value)


@attrs.frozen(kw_only=True)
class Company(_Serializable):
    """The organisation a lead works for (firmographics for fit scoring).

    Examples:
        >>> Company(domain="https://www.Acme.io/about", country="de").domain
        'acme.io'
    """

    name: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Company name as captured."""
    domain: str | None = attrs.field(default=None, converter=_domain, validator=_check_domain)
    """Web domain, lower-case, without scheme, ``www.`` or path."""
    industry: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Industry label, as written."""
    employees: int | None = attrs.field(default=None, validator=check.non_negative_int)
    """Head count, a non-negative integer."""
    annual_revenue: float | None = attrs.field(default=None, validator=check.finite_number(minimum=0))
    """Annual revenue in the user's reporting currency, non-negative."""
    country: str | None = attrs.field(default=None, converter=_country, validator=_check_country)
    """ISO 3166-1 alpha-2 country code, upper-case."""


# --------------------------------------------------------------------------- interactions


class InteractionKind(str, enum.Enum):
    """Well-known kinds of interaction.

    The set is open: any lower-case label (letters, digits, ``_ . : -``) is a
    valid kind, so ``Interaction(kind="podcast_listen", ...)`` works too. The
    members compare equal to their text (``InteractionKind.CHAT == "chat"``).
    """

    FORM_SUBMIT = "form_submit"
    EMAIL_OPEN = "email_open"
    EMAIL_CLICK = "email_click"
    PAGE_VIEW = "page_view"
    CONTENT_DOWNLOAD = "content_download"
    WEBINAR = "webinar"
    CHAT = "chat"
    CALL = "call"
    SOCIAL = "social"
    FREE_TRIAL = "free_trial"
    DEMO_REQUEST = "demo_request"
    PRICING_VIEW = "pricing_view"
    EVENT_SCAN = "event_scan"
    PURCHASE = "purchase"
    UNSUBSCRIBE = "unsubscribe"
    BOUNCE = "bounce"


_LABEL = re.compile(r"[a-z0-9][a-z0-9_.:\-]{0,63}\Z")


def _kind(value: InteractionKind | str) -> Any:
    if isinstance(value, InteractionKind):
        return value.value
    label = check.clean_label(value)
    return label if isinstance(label, str) and _LABEL.match(label) else value


def _check_label(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _LABEL.match(value):
        check.fail(attribute, "a lower-case label of letters, digits, '_', '.', ':' or '-' (max 64)", value)


def _check_optional_label(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _check_label(inst, attribute, value)


def _try_freeze(value: Mapping[str, Any]) -> Any:
    """Freeze a JSON mapping; leave anything invalid for the validator to report."""
    try:
        return freeze_mapping(value)
    except ValidationError:
        return value


def _check_frozen(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, FrozenMap):
        # The converter froze every valid mapping, so this raises, located under the field.
        freeze_mapping(value, (attribute.name,))


@attrs.frozen(kw_only=True)
class Interaction(_Serializable):
    """One timestamped thing a lead did (or that happened to them).

    Examples:
        >>> from datetime import datetime, timezone
        >>> i = Interaction(kind=InteractionKind.DEMO_REQUEST, at=datetime(2024, 5, 1, tzinfo=timezone.utc))
        >>> i.kind
        'demo_request'
    """

    kind: str = attrs.field(converter=_kind, validator=_check_label)
    """What happened: an `InteractionKind` value or a custom label."""
    at: datetime = attrs.field(validator=check.aware_datetime)
    """When it happened; must be timezone-aware."""
    channel: str | None = attrs.field(default=None, converter=check.clean_label, validator=_check_optional_label)
    """Where it happened (``web``, ``email``, ``phone``, ``event`` …), lower-case."""
    value: float | None = attrs.field(default=None, validator=check.finite_number())
    """An optional number: an order amount, a minutes-watched count …"""
    properties: Mapping[str, Any] = attrs.field(factory=FrozenMap, converter=_try_freeze, validator=_check_frozen)
    """Anything else about the event (UTM tags, asset name …), JSON values only."""
    _epoch: float = attrs.field(init=False, repr=False, eq=False)  # `at` in POSIX seconds, computed once
    _texts: tuple[tuple[str, str], ...] = attrs.field(init=False, repr=False, eq=False)  # text properties, once

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_epoch", self.at.timestamp())
        texts = tuple((k, v) for k, v in self.properties.items() if isinstance(v, str)) if self.properties else ()
        object.__setattr__(self, "_texts", texts)


def _interaction_order(i: Interaction) -> tuple[Any, ...]:
    # Time first; the rest only breaks ties, so the order (and so equality of
    # leads) never depends on the order interactions were supplied in.
    props = json.dumps(thaw(i.properties), sort_keys=True) if i.properties else ""
    value = (i.value is not None, i.value or 0.0)
    return (i.at, i.kind, i.channel or "", value, props)


def _sorted_interactions(value: Sequence[Interaction]) -> Any:
    items = check.as_tuple(value)
    if isinstance(items, tuple) and all(isinstance(i, Interaction) for i in items):
        return tuple(sorted(items, key=_interaction_order))
    return items


# --------------------------------------------------------------------------- BANT


class CriterionStatus(str, enum.Enum):
    """How far a qualification criterion is met."""

    UNKNOWN = "unknown"
    """Not yet asked or not yet known."""
    NO = "no"
    """Asked, and not met."""
    PARTIAL = "partial"
    """Partly met (a budget exists but is too small, a champion but not the buyer)."""
    YES = "yes"
    """Met."""


_STATUSES = {s.value: s for s in CriterionStatus}


def _status(value: CriterionStatus | str) -> Any:
    if isinstance(value, str) and not isinstance(value, CriterionStatus):
        return _STATUSES.get(value.strip().lower(), value)
    return value


def _check_status(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, CriterionStatus):
        check.fail(attribute, "one of: unknown, no, partial, yes", value)


@attrs.frozen
class Criterion(_Serializable):
    """One qualification criterion: its status and the evidence for it.

    Examples:
        >>> Criterion("yes", "Budget approved for Q3").met
        True
    """

    status: CriterionStatus = attrs.field(default=CriterionStatus.UNKNOWN, converter=_status, validator=_check_status)
    """How far it is met; text such as ``"partial"`` is accepted."""
    note: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Evidence or context, for the salesperson who reads it next."""

    @property
    def met(self) -> bool:
        """True when the status is ``yes``."""
        return self.status is CriterionStatus.YES

    @property
    def known(self) -> bool:
        """True unless the status is ``unknown``."""
        return self.status is not CriterionStatus.UNKNOWN


def _to_criterion(value: Criterion | CriterionStatus | str) -> Any:
    """Accept a status (or its text) as shorthand for a criterion without a note."""
    if isinstance(value, Criterion):
        return value
    status = _status(value)
    return Criterion(status) if isinstance(status, CriterionStatus) else value


def _check_criterion(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Criterion):
        check.fail(attribute, "a Criterion or one of: unknown, no, partial, yes", value)


@attrs.frozen(kw_only=True)
class BANT(_Serializable):
    """The BANT checklist: Budget, Authority, Need, Timeline.

    Each criterion accepts a `Criterion` or just its status as text.

    Examples:
        >>> bant = BANT(budget="yes", need=Criterion("partial", "pilot only"))
        >>> [name for name, c in bant.items() if c.met]
        ['budget']
    """

    budget: Criterion = attrs.field(factory=Criterion, converter=_to_criterion, validator=_check_criterion)
    """Can they pay for it?"""
    authority: Criterion = attrs.field(factory=Criterion, converter=_to_criterion, validator=_check_criterion)
    """Is this person the one who decides (or do they reach them)?"""
    need: Criterion = attrs.field(factory=Criterion, converter=_to_criterion, validator=_check_criterion)
    """Do they have the problem the product solves?"""
    timeline: Criterion = attrs.field(factory=Criterion, converter=_to_criterion, validator=_check_criterion)
    """Do they plan to buy within a horizon that matters?"""

    def items(self) -> tuple[tuple[str, Criterion], ...]:
        """The four criteria as ``(name, criterion)`` pairs, in BANT order."""
        return (
            ("budget", self.budget),
            ("authority", self.authority),
            ("need", self.need),
            ("timeline", self.timeline),
        )


# --------------------------------------------------------------------------- persona


def _countries(value: Sequence[str]) -> Any:
    return check.clean_text_list(value, str.upper)


def _check_countries(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check.text_list(inst, attribute, value)
    for i, code in enumerate(value):
        if code not in ISO_COUNTRIES:
            raise ValidationError.at((attribute.name, i), "an ISO 3166-1 alpha-2 country code such as DE", code)


def _labels(value: Sequence[str]) -> Any:
    return check.clean_text_list(value, str.lower)


def _texts(value: Sequence[str]) -> Any:
    return check.clean_text_list(value)


def _check_size_range(inst: Persona, attribute: attrs.Attribute[Any], value: int | None) -> None:
    check.non_negative_int(inst, attribute, value)
    if value is not None and inst.min_employees is not None and value < inst.min_employees:
        check.fail(attribute, f"at least min_employees ({inst.min_employees})", value)


@attrs.frozen(kw_only=True)
class Persona(_Serializable):
    """An ideal customer profile: who a good lead is.

    A persona describes a segment; empty criteria mean "any". Text criteria
    are kept as written (stripped, repeats dropped).

    Examples:
        >>> Persona(name="Data analysts", titles=["analyst"], countries=["in", "us"]).countries
        ('IN', 'US')
    """

    name: str = attrs.field(converter=check.clean_text, validator=check.text)
    """A short name for the segment."""
    description: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """What this segment is and why it buys."""
    industries: tuple[str, ...] = attrs.field(default=(), converter=_texts, validator=check.text_list)
    """Industries that fit."""
    titles: tuple[str, ...] = attrs.field(default=(), converter=_texts, validator=check.text_list)
    """Title or role keywords (``"engineer"``, ``"head of data"``)."""
    min_employees: int | None = attrs.field(default=None, validator=check.non_negative_int)
    """Smallest fitting company head count, inclusive."""
    max_employees: int | None = attrs.field(default=None, validator=_check_size_range)
    """Largest fitting company head count, inclusive."""
    countries: tuple[str, ...] = attrs.field(default=(), converter=_countries, validator=_check_countries)
    """ISO 3166-1 alpha-2 codes of fitting countries."""
    channels: tuple[str, ...] = attrs.field(default=(), converter=_labels, validator=check.text_list)
    """Channels this segment is reached through (lower-case)."""
    pain_points: tuple[str, ...] = attrs.field(default=(), converter=_texts, validator=check.text_list)
    """Keywords of the problems this segment wants solved."""


# --------------------------------------------------------------------------- stages


@attrs.frozen(kw_only=True)
class StageChange(_Serializable):
    """One entry of a lead's stage history: who moved it where, when and why.

    A change of working status inside a stage (``attempted_to_contact`` to
    ``connected`` in SAL) is a change whose ``from_stage`` and ``to_stage``
    are the same stage.
    """

    from_stage: str | None = attrs.field(converter=check.clean_text, validator=check.optional_text)
    """The stage left, or ``None`` for a lead's first placement."""
    to_stage: str = attrs.field(converter=check.clean_text, validator=check.text)
    """The stage entered."""
    at: datetime = attrs.field(validator=check.aware_datetime)
    """When it happened; must be timezone-aware."""
    reason: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Why (a reason code or a sentence)."""
    by: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """Who or what made the change (a user, a rule, a job)."""
    status: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """The working status inside ``to_stage`` from this change on (``None`` when the stage has none)."""

    @property
    def is_status_change(self) -> bool:
        """True when the lead stayed in its stage and only its working status changed."""
        return self.from_stage == self.to_stage


# --------------------------------------------------------------------------- lead


def _check_history(inst: Lead, attribute: attrs.Attribute[Any], value: Any) -> None:
    check.items(StageChange)(inst, attribute, value)
    for i in range(1, len(value)):
        before, change = value[i - 1], value[i]
        if change.at < before.at:
            raise ValidationError.at(
                (attribute.name, i, "at"),
                f"a time at or after {before.at.isoformat()} (history is chronological)",
                change.at,
            )
        if change.from_stage != before.to_stage:
            raise ValidationError.at(
                (attribute.name, i, "from_stage"),
                f"{before.to_stage!r}, the stage entered before it",
                change.from_stage,
            )


def _last_change(inst: Lead) -> StageChange | None:
    history = inst.history
    last = history[-1] if isinstance(history, tuple) and history else None
    return last if isinstance(last, StageChange) else None  # a bad item is history's own problem


def _check_stage(inst: Lead, attribute: attrs.Attribute[Any], value: Any) -> None:
    check.optional_text(inst, attribute, value)
    last = _last_change(inst)
    if last is not None and value != last.to_stage:
        check.fail(attribute, f"{last.to_stage!r}, the last stage in the history", value)


def _check_lead_status(inst: Lead, attribute: attrs.Attribute[Any], value: Any) -> None:
    check.optional_text(inst, attribute, value)
    last = _last_change(inst)
    if last is not None and value != last.status:
        check.fail(attribute, f"{last.status!r}, the last status in the history", value)
    if value is not None and inst.stage is None:
        check.fail(attribute, "no status while the lead has no stage", value)


@attrs.frozen(kw_only=True)
class Lead(_Serializable):
    """A lead: a person we can reach, what we know about them, and what they did.

    Interactions are kept sorted by time whatever order they are given in.
    ``attributes`` holds custom fields (JSON values) as a read-only mapping.
    When a stage history is given, ``stage`` and ``status`` must be where it ends.

    Examples:
        >>> from datetime import datetime, timezone
        >>> t = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
        >>> lead = Lead(id="L-1", created_at=t, contact=Contact(email="ana@example.com"), source="web_form")
        >>> lead = lead.with_interaction(Interaction(kind="demo_request", at=t))
        >>> [i.kind for i in lead.interactions]
        ['demo_request']
    """

    id: str = attrs.field(converter=check.clean_text, validator=check.text)
    """Your identifier for the lead (a CRM id, a row key)."""
    created_at: datetime = attrs.field(validator=check.aware_datetime)
    """When the lead was captured; must be timezone-aware."""
    contact: Contact = attrs.field(factory=Contact, validator=check.instance(Contact))
    """The person and how to reach them."""
    company: Company = attrs.field(factory=Company, validator=check.instance(Company))
    """Their organisation (all fields optional)."""
    source: str | None = attrs.field(default=None, converter=check.clean_text, validator=check.optional_text)
    """How the lead was captured (``web_form``, ``chat``, ``bought_list`` …)."""
    attributes: Mapping[str, Any] = attrs.field(factory=FrozenMap, converter=_try_freeze, validator=_check_frozen)
    """Custom fields: a read-only mapping of text keys to JSON values."""
    interactions: tuple[Interaction, ...] = attrs.field(
        default=(), converter=_sorted_interactions, validator=check.items(Interaction)
    )
    """What the lead did, sorted by time."""
    bant: BANT = attrs.field(factory=BANT, validator=check.instance(BANT))
    """The qualification checklist."""
    stage: str | None = attrs.field(default=None, converter=check.clean_text, validator=_check_stage)
    """The lifecycle stage, or ``None`` before the lead enters a pipeline."""
    history: tuple[StageChange, ...] = attrs.field(default=(), converter=check.as_tuple, validator=_check_history)
    """Stage changes, oldest first; each starts where the previous one ended."""
    status: str | None = attrs.field(default=None, converter=check.clean_text, validator=_check_lead_status)
    """The working status inside the stage (``attempted_to_contact``), or ``None``.

    When a stage history is given, it must be the status of its last change."""

    def with_interaction(self, interaction: Interaction) -> Self:
        """A copy with one more interaction (kept in time order)."""
        return attrs.evolve(self, interactions=(*self.interactions, interaction))

    def with_interactions(self, interactions: Iterable[Interaction]) -> Self:
        """A copy with several more interactions (kept in time order)."""
        return attrs.evolve(self, interactions=(*self.interactions, *interactions))

    def with_attributes(self, values: Mapping[str, Any] | None = None, /, **more: Any) -> Self:
        """A copy with custom fields added or replaced (others are kept)."""
        return attrs.evolve(self, attributes={**self.attributes, **(values or {}), **more})

    def with_bant(self, **criteria: Criterion | CriterionStatus | str) -> Self:
        """A copy with some BANT criteria replaced: ``lead.with_bant(budget="yes")``."""
        return attrs.evolve(self, bant=attrs.evolve(self.bant, **criteria))


LEAD_FIELD_PATHS = (
    "id",
    "created_at",
    "source",
    "stage",
    "status",
    *(f"contact.{name}" for name in attrs.fields_dict(Contact)),
    *(f"company.{name}" for name in attrs.fields_dict(Company)),
    *(f"bant.{name}" for name in attrs.fields_dict(BANT)),
)
"""The dotted paths of the single values of a lead, in field order (custom fields and lists aside).

Rules read these paths (all but ``created_at`` and ``status``), and column mappings write them."""
