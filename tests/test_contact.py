"""Contact hygiene: normalisation, contactability and de-duplication."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit import (
    Company,
    Contact,
    Interaction,
    Lead,
    dedupe,
    dedupe_keys,
    is_contactable,
    is_valid_email,
    is_valid_phone,
    normalize_email,
    normalize_phone,
)
from leadkit.testing import aware_datetimes, contacts, emails, histories, interactions, leads, phones

from .conftest import T0


class TestNormalisation:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("+49 (0)30 1234-5678", "+493012345678"),
            ("0049 30 12345678", "+493012345678"),
            ("(415) 555-0100", "4155550100"),
            ("+1.415.555.0100", "+14155550100"),
            (" 030/1234567 ", "0301234567"),
            ("call me", "call me"),
        ],
    )
    def test_phone_examples(self, raw: str, expected: str) -> None:
        """Documented phone normalisations."""
        assert normalize_phone(raw) == expected

    @given(st.text())
    def test_phone_normalisation_is_idempotent(self, raw: str) -> None:
        """Normalising twice equals normalising once, for any text."""
        once = normalize_phone(raw)
        assert normalize_phone(once) == once

    @given(st.text())
    def test_email_normalisation_is_idempotent(self, raw: str) -> None:
        """Normalising twice equals normalising once, for any text."""
        once = normalize_email(raw)
        assert normalize_email(once) == once

    @given(emails(), st.sampled_from([str.upper, str.title, lambda s: f"  {s}\t"]))
    def test_spelling_variants_normalise_alike(self, email: str, variant: object) -> None:
        """Case and surrounding whitespace never make two addresses differ."""
        assert normalize_email(variant(email)) == email  # type: ignore[operator]

    @given(emails())
    def test_generated_emails_are_valid_and_normal(self, email: str) -> None:
        """Valid normalised emails are fixed points of normalisation."""
        assert is_valid_email(email)
        assert normalize_email(email) == email

    @given(phones())
    def test_generated_phones_are_valid_and_normal(self, phone: str) -> None:
        """Valid normalised phones are fixed points of normalisation."""
        assert is_valid_phone(phone)
        assert normalize_phone(phone) == phone

    @given(st.text())
    def test_normalised_valid_phones_stay_valid(self, raw: str) -> None:
        """Whatever normalisation produces, re-normalising cannot turn it invalid."""
        once = normalize_phone(raw)
        assert is_valid_phone(normalize_phone(once)) == is_valid_phone(once)


def lead(lead_id: str, *, email: str | None = None, phone: str | None = None, days: int = 0, **more: object) -> Lead:
    return Lead(
        id=lead_id,
        created_at=T0 + timedelta(days=days),
        contact=Contact(email=email, phone=phone),
        **more,  # type: ignore[arg-type]
    )


class TestContactability:
    def test_needs_email_or_phone(self) -> None:
        """A lead is contactable with an email or a phone, and not without."""
        assert not is_contactable(lead("v"))
        assert is_contactable(lead("a", email="a@example.com"))
        assert is_contactable(lead("b", phone="+15550100999"))

    @given(leads())
    def test_contactable_iff_has_keys(self, item: Lead) -> None:
        """Contactable leads are exactly those with dedupe keys."""
        assert is_contactable(item) == bool(dedupe_keys(item))


POOL_EMAILS = st.sampled_from([None, "a@example.com", "b@example.com", "c@example.com"])
POOL_PHONES = st.sampled_from([None, "+15550100001", "+15550100002"])
COLLIDING = st.lists(
    leads(
        contact=contacts(email=POOL_EMAILS, phone=POOL_PHONES),
        interactions=interactions(at=aware_datetimes()),
        max_interactions=2,
        history=histories(max_size=2),
    ),
    max_size=6,
    unique_by=lambda x: x.id,  # ids tell the test which input became which output
)


def by_id(items: tuple[Lead, ...]) -> list[Lead]:
    return sorted(items, key=lambda x: (x.id, x.to_json()))


class TestDedupe:
    def test_merges_and_fills_gaps(self) -> None:
        """The earliest lead survives; its gaps are filled from later ones."""
        a = lead("a", email="ana@example.com", source="web_form")
        b = lead("b", email="ANA@example.com ", phone="+15550100999", days=1, company=Company(name="Acme"))
        result = dedupe([b, a])
        assert [x.id for x in result.leads] == ["a"]
        merged = result.leads[0]
        assert (merged.contact.phone, merged.company.name, merged.source) == ("+15550100999", "Acme", "web_form")
        assert result.duplicates_merged == 1
        assert result.merges[0].merged == ("b",)

    def test_transitive_groups(self) -> None:
        """Email links a to b and phone links b to c: one person."""
        a = lead("a", email="x@example.com")
        b = lead("b", email="x@example.com", phone="+15550100999", days=1)
        c = lead("c", phone="+15550100999", days=2)
        assert [x.id for x in dedupe([a, b, c]).leads] == ["a"]

    def test_uncontactable_leads_are_never_merged(self) -> None:
        """Leads without email or phone have nothing to match on."""
        assert len(dedupe([lead("v1"), lead("v2")]).leads) == 2

    def test_conflicts_are_recorded(self) -> None:
        """A differing value is set aside and recorded, not lost."""
        a = lead("a", email="x@example.com", attributes={"plan": "pro"}, company=Company(industry="Banking"))
        b = lead("b", email="x@example.com", days=1, attributes={"plan": "team"}, company=Company(industry="Retail"))
        result = dedupe([a, b])
        conflicts = {(c.field, c.kept, c.dropped, c.dropped_from) for c in result.merges[0].conflicts}
        assert conflicts == {
            ("attributes.plan", "pro", "team", "b"),
            ("company.industry", "Banking", "Retail", "b"),
        }

    def test_stage_and_history_conflicts(self) -> None:
        """Same stage reached by different histories is a history conflict, not a stage one."""
        from leadkit import StageChange

        first = StageChange(from_stage=None, to_stage="mql", at=T0)
        other = StageChange(from_stage=None, to_stage="mql", at=T0 + timedelta(hours=1), reason="import")
        a = lead("a", email="x@example.com", stage="mql", history=(first,))
        b = lead("b", email="x@example.com", days=1, stage="mql", history=(other,))
        (conflict,) = dedupe([a, b]).merges[0].conflicts
        assert (conflict.field, conflict.kept, conflict.dropped) == ("history", (first,), (other,))

    def test_values_differing_only_in_json_type_are_conflicts(self) -> None:
        """1, 1.0 and True are different data: merging records the difference and keeps both events."""
        a = lead(
            "a",
            email="x@example.com",
            attributes={"vip": 1},
            interactions=[Interaction(kind="chat", at=T0, properties={"p": 1})],
        )
        b = lead(
            "b",
            email="x@example.com",
            days=1,
            attributes={"vip": True},
            interactions=[Interaction(kind="chat", at=T0, properties={"p": True})],
        )
        result = dedupe([a, b])
        assert [(c.field, c.kept, c.dropped) for c in result.merges[0].conflicts] == [("attributes.vip", 1, True)]
        assert len(result.leads[0].interactions) == 2

    def test_keeps_input_order_of_people(self) -> None:
        """Output follows the first appearance of each person."""
        items = [lead("z", email="z@example.com"), lead("y", email="y@example.com"), lead("z2", email="z@example.com")]
        assert [x.id for x in dedupe(items).leads] == ["z", "y"]

    def test_identical_interactions_are_kept_once(self) -> None:
        """The same event imported twice is one event."""
        event = Interaction(kind="chat", at=T0)
        a = lead("a", email="x@example.com", interactions=[event])
        b = lead("b", email="x@example.com", interactions=[event])
        assert dedupe([a, b]).leads[0].interactions == (event,)

    @given(COLLIDING)
    def test_idempotent(self, items: list[Lead]) -> None:
        """Deduping the result again changes nothing."""
        once = dedupe(items)
        twice = dedupe(once.leads)
        assert twice.leads == once.leads
        assert twice.merges == ()

    @given(COLLIDING, st.data())
    def test_order_independent(self, items: list[Lead], data: st.DataObject) -> None:
        """Shuffling the input gives the same leads and merges."""
        shuffled = data.draw(st.permutations(items))
        first, second = dedupe(items), dedupe(shuffled)
        assert by_id(first.leads) == by_id(second.leads)
        assert first.merges == second.merges

    @given(COLLIDING)
    def test_never_loses_an_interaction_or_attribute(self, items: list[Lead]) -> None:
        """Every interaction and custom-field key of the input is in the output."""
        result = dedupe(items)
        kept_interactions = {i.to_json() for x in result.leads for i in x.interactions}
        assert all(i.to_json() in kept_interactions for x in items for i in x.interactions)
        kept_keys = {k for x in result.leads for k in x.attributes}
        assert all(k in kept_keys for x in items for k in x.attributes)

    @given(COLLIDING)
    def test_accounts_for_every_lead(self, items: list[Lead]) -> None:
        """Each input lead is a survivor or merged, and no two outputs share a key."""
        result = dedupe(items)
        assert len(result.leads) + result.duplicates_merged == len(items)
        seen: set[str] = set()
        for x in result.leads:
            assert not (dedupe_keys(x) & seen)
            seen |= dedupe_keys(x)

    @given(COLLIDING)
    def test_conflicts_explain_every_dropped_value(self, items: list[Lead]) -> None:
        """A contact or company value missing from the merged lead is listed as a conflict."""
        result = dedupe(items)
        for merged in result.leads:
            merge = next((m for m in result.merges if m.survivor == merged.id), None)
            dropped = {(c.field, repr(c.dropped)) for c in merge.conflicts} if merge else set()
            members = [x for x in items if x.id == merged.id or (merge and x.id in merge.merged)]
            for member in members:
                for part in ("contact", "company"):
                    for field in attrs.fields(type(getattr(member, part))):
                        value = getattr(getattr(member, part), field.name)
                        kept = getattr(getattr(merged, part), field.name)
                        if value is not None and value != kept:
                            assert (f"{part}.{field.name}", repr(value)) in dropped
