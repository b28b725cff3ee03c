"""Contact hygiene: normalisation, contactability and de-duplication.

A lead is only worth working when someone can reach the person: a valid
email or phone. Bought lists and merged sources also repeat people under
slightly different spellings; `dedupe` folds those together without
losing any interaction or custom field, and reports every value it had to
choose between.

The merge rule, in full:

1. Leads sharing a normalised email *or* phone belong together, transitively
   (A shares an email with B, B a phone with C: one person). Leads with
   neither are never merged.
2. In each group the earliest-created lead survives (ties broken by id, then
   by content), so the result does not depend on input order. It keeps its
   ``id`` and ``created_at``.
3. Every other field is taken from the survivor; where the survivor has no
   value (``None``, an unknown BANT criterion, a missing custom field, no
   stage), it is filled from the next lead in creation order that has one.
4. Interactions are the union of all of the group's interactions (an event
   recorded twice, identical in every field, is kept once).
5. A stage is taken together with its status and history, from the same lead.
6. Whenever two leads held *different* values for a field, the survivor's
   value is kept and a `Conflict` records the value set aside, so
   nothing is lost: it is in `DedupeResult.merges`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from leadkit._normalize import (
    is_valid_email,
    is_valid_phone,
    normalize_email,
    normalize_phone,
)
from leadkit.model import BANT, Company, Contact, Criterion, Lead

__all__ = [
    "Conflict",
    "DedupeResult",
    "Merge",
    "dedupe",
    "dedupe_keys",
    "is_contactable",
    "is_valid_email",
    "is_valid_phone",
    "normalize_email",
    "normalize_phone",
]


def is_contactable(lead: Lead) -> bool:
    """True when the lead has a valid email or phone.

    An anonymous site visitor or a tracking pixel is not a lead: nobody can
    follow it up. Contacts are validated when built, so any email or phone
    present is syntactically valid.

    Examples:
        >>> from datetime import datetime, timezone
        >>> t = datetime(2024, 1, 1, tzinfo=timezone.utc)
        >>> is_contactable(Lead(id="v-1", created_at=t))
        False
        >>> is_contactable(Lead(id="L-1", created_at=t, contact=Contact(phone="+1 415 555 0100")))
        True
    """
    return lead.contact.email is not None or lead.contact.phone is not None


def dedupe_keys(lead: Lead) -> frozenset[str]:
    """The keys that identify the person behind a lead: ``email:…`` and ``phone:…``.

    Two leads are duplicates when their key sets intersect. A lead that is not
    contactable has no keys.
    """
    keys = set()
    if lead.contact.email is not None:
        keys.add(f"email:{lead.contact.email}")
    if lead.contact.phone is not None:
        keys.add(f"phone:{lead.contact.phone}")
    return frozenset(keys)


@attrs.frozen
class Conflict:
    """A value set aside while merging, because the survivor already had another."""

    field: str
    """The field, as a path: ``company.industry``, ``attributes.plan``, ``bant.budget``, ``stage``, ``history`` …"""
    kept: Any
    """The value the merged lead has."""
    dropped: Any
    """The different value that was set aside."""
    dropped_from: str
    """The id of the lead that held the dropped value."""


@attrs.frozen
class Merge:
    """One group of duplicates folded into a single lead."""

    survivor: str
    """The id the merged lead keeps."""
    merged: tuple[str, ...]
    """The ids of the leads folded into it, in creation order."""
    conflicts: tuple[Conflict, ...] = ()
    """Every differing value that was set aside."""


@attrs.frozen
class DedupeResult:
    """The outcome of `dedupe`."""

    leads: tuple[Lead, ...]
    """One lead per person, in the order each person first appeared in the input."""
    merges: tuple[Merge, ...]
    """One entry per group of two or more duplicates."""

    @property
    def duplicates_merged(self) -> int:
        """How many input leads were folded into another one."""
        return sum(len(m.merged) for m in self.merges)


class _Groups:
    """Union-find over lead positions, joined by shared dedupe keys."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def dedupe(leads: Iterable[Lead]) -> DedupeResult:
    """Merge leads that share a normalised email or phone.

    The merge rule:

    1. Leads sharing a normalised email *or* phone belong together,
       transitively. Leads with neither are never merged.
    2. In each group the earliest-created lead survives (ties broken by id,
       then by content) and keeps its ``id`` and ``created_at``.
    3. Every other field comes from the survivor; where it has no value
       (``None``, an unknown BANT criterion, a missing custom field, no
       stage), the next lead in creation order that has one fills it.
    4. Interactions are the union of the group's (an event recorded twice,
       identical in every field, is kept once).
    5. A stage is taken together with its status and history, from the same lead.
    6. Every value set aside because the survivor had a different one is
       recorded as a `Conflict` in `DedupeResult.merges`.

    The same leads in any order give the same merged leads and merges (only
    the order of `DedupeResult.leads` follows the input); deduping a result
    again changes nothing; no interaction or custom field is lost.

    Examples:
        >>> from datetime import datetime, timezone
        >>> t = datetime(2024, 1, 1, tzinfo=timezone.utc)
        >>> a = Lead(id="a", created_at=t, contact=Contact(email="Ana@Example.com"), source="web_form")
        >>> b = Lead(id="b", created_at=t, contact=Contact(email="ana@example.com", phone="+15550100999"))
        >>> result = dedupe([a, b])
        >>> [(lead.id, lead.contact.phone) for lead in result.leads]
        [('a', '+15550100999')]
    """
    items = list(leads)
    groups = _Groups(len(items))
    first_with_key: dict[str, int] = {}
    for i, lead in enumerate(items):
        for key in dedupe_keys(lead):
            if key in first_with_key:
                groups.union(first_with_key[key], i)
            else:
                first_with_key[key] = i

    members: dict[int, list[Lead]] = {}
    for i, lead in enumerate(items):
        members.setdefault(groups.find(i), []).append(lead)

    out: list[Lead] = []
    merges: list[Merge] = []
    for group in members.values():  # dict order: first appearance in the input
        if len(group) == 1:
            out.append(group[0])
            continue
        merged, merge = _merge_group(group)
        out.append(merged)
        merges.append(merge)
    merges.sort(key=lambda m: m.survivor)
    return DedupeResult(tuple(out), tuple(merges))


def _as_json(value: Any) -> str:
    """A value as canonical JSON text, so 1, 1.0 and True stay different values."""
    from leadkit import _serde

    return json.dumps(_serde.to_data(value), sort_keys=True, ensure_ascii=False)


def _same(a: Any, b: Any) -> bool:
    """Equal as data: like ``==``, except that 1, 1.0 and True are different values."""
    if type(a) is type(b) and isinstance(a, (str, int, float, bool)):
        return bool(a == b)
    return _as_json(a) == _as_json(b)


def _creation_order(group: Sequence[Lead]) -> list[Lead]:
    return sorted(group, key=lambda lead: (lead.created_at, lead.id, _as_json(lead)))


def _merge_group(group: Sequence[Lead]) -> tuple[Lead, Merge]:
    ordered = _creation_order(group)
    survivor, others = ordered[0], ordered[1:]
    conflicts: list[Conflict] = []

    def pick(field: str, values: Sequence[tuple[Any, str]], missing: Any = None) -> Any:
        """The first value that is not ``missing``; record every different one set aside."""
        chosen = missing
        for value, origin in values:
            if value is missing or value == missing:
                continue
            if chosen is missing:
                chosen = value
            elif not _same(value, chosen):
                conflicts.append(Conflict(field, chosen, value, origin))
        return chosen

    def record(kind: type, prefix: str, get: Any) -> dict[str, Any]:
        return {
            f.name: pick(f"{prefix}.{f.name}", [(getattr(get(lead), f.name), lead.id) for lead in ordered])
            for f in attrs.fields(kind)
        }

    source = pick("source", [(lead.source, lead.id) for lead in ordered])
    contact = Contact(**record(Contact, "contact", lambda lead: lead.contact))
    company = Company(**record(Company, "company", lambda lead: lead.company))
    unknown = Criterion()
    bant = BANT(
        **{
            name: pick(f"bant.{name}", [(getattr(lead.bant, name), lead.id) for lead in ordered], unknown)
            for name, _ in BANT().items()
        }
    )
    keys = dict.fromkeys(key for lead in ordered for key in lead.attributes)
    attributes = {
        key: pick(
            f"attributes.{key}",
            [(lead.attributes[key], lead.id) for lead in ordered if key in lead.attributes],
            _MISSING,
        )
        for key in keys
    }
    staged = [lead for lead in ordered if lead.stage is not None]
    stage_from = staged[0] if staged else survivor
    for lead in staged[1:]:
        if lead.stage != stage_from.stage:
            conflicts.append(Conflict("stage", stage_from.stage, lead.stage, lead.id))
        if lead.status != stage_from.status:
            conflicts.append(Conflict("status", stage_from.status, lead.status, lead.id))
        if not _same(lead.history, stage_from.history):
            conflicts.append(Conflict("history", stage_from.history, lead.history, lead.id))
    # An event is a duplicate only when identical as data, not merely == (1 == True).
    interactions = tuple({_as_json(i): i for lead in ordered for i in lead.interactions}.values())

    merged = attrs.evolve(
        survivor,
        source=source,
        contact=contact,
        company=company,
        bant=bant,
        attributes=attributes,
        interactions=interactions,
        stage=stage_from.stage,
        history=stage_from.history,
        status=stage_from.status,
    )
    return merged, Merge(survivor.id, tuple(lead.id for lead in others), tuple(conflicts))


_MISSING = object()  # marks an absent custom field: None is a legitimate JSON value
