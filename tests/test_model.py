"""The domain model: validation at construction, normalisation, immutability."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit import (
    BANT,
    Company,
    Contact,
    Criterion,
    CriterionStatus,
    Interaction,
    InteractionKind,
    Lead,
    Persona,
    StageChange,
    ValidationError,
)
from leadkit.testing import interactions, leads

UTC = timezone.utc


def problem_paths(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [p.location for p in excinfo.value.problems]


class TestContact:
    def test_normalises_email_and_phone(self) -> None:
        """Emails are trimmed and lower-cased; phones reduced to digits with +country code."""
        contact = Contact(email="  Ana.Ruiz@Example.COM ", phone="+49 (0)30 1234-5678")
        assert contact.email == "ana.ruiz@example.com"
        assert contact.phone == "+493012345678"

    def test_blank_text_means_not_given(self) -> None:
        """Blank strings become None rather than empty values."""
        assert Contact(name="  ", email=" ", phone="", title="\t") == Contact()

    @pytest.mark.parametrize("email", ["ana@", "@example.com", "ana@@example.com", "ana@localhost", "a b@x.io"])
    def test_rejects_malformed_email(self, email: str) -> None:
        """A malformed email is a ValidationError naming the field."""
        with pytest.raises(ValidationError) as excinfo:
            Contact(email=email)
        assert problem_paths(excinfo) == ["email"]
        assert "valid email address" in str(excinfo.value)

    @pytest.mark.parametrize("phone", ["123", "call me", "+0123456789", "1" * 16])
    def test_rejects_malformed_phone(self, phone: str) -> None:
        """Too short, too long, lettered or +0… numbers are refused."""
        with pytest.raises(ValidationError) as excinfo:
            Contact(phone=phone)
        assert problem_paths(excinfo) == ["phone"]

    @pytest.mark.parametrize("value", [5, b"a@b.io", ["a@b.io"]])
    def test_rejects_wrong_types(self, value: object) -> None:
        """Non-text values are a ValidationError, never a TypeError."""
        with pytest.raises(ValidationError):
            Contact(email=value)  # type: ignore[arg-type]


class TestCompany:
    def test_normalises_domain_and_country(self) -> None:
        """Domains lose scheme, www and path; countries are upper-cased."""
        company = Company(domain="https://www.Acme.io/about", country=" de ")
        assert (company.domain, company.country) == ("acme.io", "DE")

    def test_negative_employees_message(self) -> None:
        """The message says where, what was expected and what was found."""
        with pytest.raises(ValidationError) as excinfo:
            Company(employees=-5)
        assert str(excinfo.value) == "employees: expected a non-negative integer (got -5)"
        assert excinfo.value.path == "employees"
        assert excinfo.value.expected == "a non-negative integer"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("employees", True),
            ("employees", 1.5),
            ("employees", "50"),
            ("annual_revenue", -1.0),
            ("annual_revenue", float("nan")),
            ("annual_revenue", float("inf")),
            ("country", "UK"),
            ("country", "DEU"),
            ("domain", "not a domain"),
        ],
    )
    def test_rejects_invalid_values(self, field: str, value: object) -> None:
        """Each invalid firmographic is reported on its own field."""
        with pytest.raises(ValidationError) as excinfo:
            Company(**{field: value})
        assert problem_paths(excinfo) == [field]

    def test_is_a_value_error_and_leadkit_error(self) -> None:
        """ValidationError can be caught as ValueError or LeadkitError."""
        import leadkit

        with pytest.raises(ValueError, match="employees"):
            Company(employees=-1)
        with pytest.raises(leadkit.LeadkitError):
            Company(employees=-1)


class TestInteraction:
    def test_kind_accepts_enum_and_custom_labels(self, t0: datetime) -> None:
        """Well-known kinds and custom labels are stored as lower-case text."""
        assert Interaction(kind=InteractionKind.PRICING_VIEW, at=t0).kind == "pricing_view"
        assert Interaction(kind=" Podcast_Listen ", at=t0).kind == "podcast_listen"
        assert InteractionKind.CHAT == "chat"

    def test_well_known_kinds(self) -> None:
        """The documented well-known kinds are all there."""
        expected = {
            "form_submit", "email_open", "email_click", "page_view", "content_download", "webinar", "chat",
            "call", "social", "free_trial", "demo_request", "pricing_view", "event_scan", "purchase",
            "unsubscribe", "bounce",
        }  # fmt: skip
        assert {k.value for k in InteractionKind} == expected

    @pytest.mark.parametrize("kind", ["", "two words", "émoji", "x" * 65, 3])
    def test_rejects_bad_kinds(self, kind: object, t0: datetime) -> None:
        """A kind must be a short lower-case label."""
        with pytest.raises(ValidationError) as excinfo:
            Interaction(kind=kind, at=t0)  # type: ignore[arg-type]
        assert problem_paths(excinfo) == ["kind"]

    def test_rejects_naive_datetime(self) -> None:
        """Naive datetimes are refused with a clear reason."""
        with pytest.raises(ValidationError) as excinfo:
            Interaction(kind="chat", at=datetime(2026, 1, 1))
        assert excinfo.value.problems[0].reason == "naive datetime"
        assert problem_paths(excinfo) == ["at"]

    def test_properties_are_frozen(self, t0: datetime) -> None:
        """Properties become a read-only mapping; lists become tuples."""
        interaction = Interaction(kind="webinar", at=t0, properties={"tags": ["a", "b"], "meta": {"x": 1}})
        assert interaction.properties["tags"] == ("a", "b")
        with pytest.raises(TypeError):
            interaction.properties["new"] = 1  # type: ignore[index]
        assert hash(interaction) == hash(
            Interaction(kind="webinar", at=t0, properties={"tags": ("a", "b"), "meta": {"x": 1}})
        )

    @pytest.mark.parametrize(
        ("properties", "where"),
        [
            ({"x": {1, 2}}, "properties.x"),
            ({"x": float("nan")}, "properties.x"),
            ({1: "a"}, "properties"),
            ({"x": [object()]}, "properties.x[0]"),
        ],
    )
    def test_properties_must_be_json(self, properties: dict[object, object], where: str, t0: datetime) -> None:
        """Values JSON cannot hold are refused with their path inside the mapping."""
        with pytest.raises(ValidationError) as excinfo:
            Interaction(kind="chat", at=t0, properties=properties)  # type: ignore[arg-type]
        assert problem_paths(excinfo) == [where]

    def test_deep_nesting_is_refused(self, t0: datetime) -> None:
        """Custom values nested deeper than 32 levels are refused, not a RecursionError."""
        deep: object = "leaf"
        for _ in range(1000):
            deep = [deep]
        with pytest.raises(ValidationError, match="nested too deeply"):
            Interaction(kind="chat", at=t0, properties={"deep": deep})


class TestCriterionAndBANT:
    def test_status_from_text(self) -> None:
        """Statuses accept their text, case-insensitively."""
        assert Criterion(" YES ").status is CriterionStatus.YES
        assert Criterion("partial").known
        assert not Criterion().known

    def test_unknown_status_lists_expected(self) -> None:
        """An unknown status names the allowed ones."""
        with pytest.raises(ValidationError, match="one of: unknown, no, partial, yes"):
            Criterion("maybe")

    def test_bant_shorthand_and_nested_path(self) -> None:
        """BANT criteria accept a status text; an invalid one is reported under its criterion."""
        assert BANT(budget="yes").budget == Criterion(CriterionStatus.YES)
        with pytest.raises(ValidationError) as excinfo:
            BANT(timeline="soon")
        assert problem_paths(excinfo) == ["timeline"]

    def test_items_order(self) -> None:
        """items() yields the criteria in BANT order."""
        assert [name for name, _ in BANT().items()] == ["budget", "authority", "need", "timeline"]


class TestPersona:
    def test_normalises_lists(self) -> None:
        """Countries are upper-cased, channels lower-cased, repeats dropped."""
        persona = Persona(name="Analysts", countries=["in", "IN", "us"], channels=["Web", "web"], titles=["analyst "])
        assert persona.countries == ("IN", "US")
        assert persona.channels == ("web",)
        assert persona.titles == ("analyst",)

    def test_size_range_must_be_ordered(self) -> None:
        """max_employees below min_employees is refused on max_employees."""
        with pytest.raises(ValidationError) as excinfo:
            Persona(name="x", min_employees=100, max_employees=10)
        assert problem_paths(excinfo) == ["max_employees"]

    def test_bare_string_is_not_a_list(self) -> None:
        """A single string where a list belongs is refused, not split into letters."""
        with pytest.raises(ValidationError) as excinfo:
            Persona(name="x", industries="Software")  # type: ignore[arg-type]
        assert problem_paths(excinfo) == ["industries"]

    def test_bad_country_has_index(self) -> None:
        """An invalid country is reported with its position."""
        with pytest.raises(ValidationError) as excinfo:
            Persona(name="x", countries=["DE", "XX"])
        assert problem_paths(excinfo) == ["countries[1]"]


class TestLead:
    def test_requires_id_and_aware_created_at(self) -> None:
        """An id and an aware creation time are required."""
        with pytest.raises(ValidationError) as excinfo:
            Lead(id=" ", created_at=datetime(2026, 1, 1, tzinfo=UTC))
        assert problem_paths(excinfo) == ["id"]
        with pytest.raises(ValidationError):
            Lead(id="a", created_at=datetime(2026, 1, 1))

    def test_with_interaction_keeps_time_order_and_original(self, t0: datetime) -> None:
        """with_interaction returns a new lead, interactions sorted; the original is unchanged."""
        lead = Lead(id="a", created_at=t0)
        later = Interaction(kind="chat", at=t0 + timedelta(days=2))
        earlier = Interaction(kind="page_view", at=t0 + timedelta(days=1))
        updated = lead.with_interaction(later).with_interaction(earlier)
        assert [i.kind for i in updated.interactions] == ["page_view", "chat"]
        assert lead.interactions == ()

    def test_is_immutable(self, t0: datetime) -> None:
        """Fields cannot be assigned."""
        lead = Lead(id="a", created_at=t0)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            lead.id = "b"  # type: ignore[misc]

    def test_evolve_revalidates(self, t0: datetime) -> None:
        """attrs.evolve runs the validators again."""
        lead = Lead(id="a", created_at=t0)
        with pytest.raises(ValidationError):
            attrs.evolve(lead, company=Company(employees=-1))

    def test_with_attributes_and_bant(self, t0: datetime) -> None:
        """with_attributes merges custom fields; with_bant replaces criteria."""
        lead = Lead(id="a", created_at=t0, attributes={"plan": "pro"})
        lead = lead.with_attributes({"seats": 5}, plan="team").with_bant(budget="yes")
        assert dict(lead.attributes) == {"plan": "team", "seats": 5}
        assert lead.bant.budget.met

    def test_wrong_nested_types(self, t0: datetime) -> None:
        """Passing a dict where a Contact belongs is a ValidationError, not an AttributeError."""
        with pytest.raises(ValidationError) as excinfo:
            Lead(id="a", created_at=t0, contact={"email": "a@b.io"})  # type: ignore[arg-type]
        assert problem_paths(excinfo) == ["contact"]
        with pytest.raises(ValidationError) as excinfo:
            Lead(id="a", created_at=t0, interactions=[{"kind": "chat"}])  # type: ignore[list-item]
        assert problem_paths(excinfo) == ["interactions[0]"]

    def test_history_must_be_consistent(self, t0: datetime) -> None:
        """History is chronological, chained, and ends in the current stage."""
        first = StageChange(from_stage=None, to_stage="inquiry", at=t0)
        second = StageChange(from_stage="inquiry", to_stage="mql", at=t0 + timedelta(hours=1))
        Lead(id="a", created_at=t0, stage="mql", history=(first, second))
        with pytest.raises(ValidationError) as excinfo:
            Lead(id="a", created_at=t0, stage="sal", history=(first, second))
        assert problem_paths(excinfo) == ["stage"]
        backwards = attrs.evolve(second, at=t0 - timedelta(hours=1))
        with pytest.raises(ValidationError) as excinfo:
            Lead(id="a", created_at=t0, stage="mql", history=(first, backwards))
        assert problem_paths(excinfo) == ["history[1].at"]
        unchained = attrs.evolve(second, from_stage="lead")
        with pytest.raises(ValidationError) as excinfo:
            Lead(id="a", created_at=t0, stage="mql", history=(first, unchained))
        assert problem_paths(excinfo) == ["history[1].from_stage"]

    @given(lead=leads(min_interactions=2), data=st.data())
    def test_interaction_order_never_matters(self, lead: Lead, data: st.DataObject) -> None:
        """Interactions are sorted by time, and a lead is equal whatever order they were given in."""
        shuffled = data.draw(st.permutations(lead.interactions))
        rebuilt = attrs.evolve(lead, interactions=shuffled)
        assert rebuilt == lead
        times = [i.at for i in rebuilt.interactions]
        assert times == sorted(times)

    @given(lead=leads())
    def test_pickle_and_hash(self, lead: Lead) -> None:
        """Leads pickle losslessly and hash consistently with equality."""
        copy = pickle.loads(pickle.dumps(lead))
        assert copy == lead
        assert hash(copy) == hash(lead)

    @given(lead=leads(), extra=interactions())
    def test_with_interaction_adds_exactly_one(self, lead: Lead, extra: Interaction) -> None:
        """Adding an interaction keeps every existing one and adds it once."""
        updated = lead.with_interaction(extra)
        assert len(updated.interactions) == len(lead.interactions) + 1
        assert sorted(map(repr, updated.interactions)) == sorted(map(repr, (*lead.interactions, extra)))


class TestReportedAsWritten:
    def test_invalid_text_is_reported_as_written(self) -> None:
        """Errors show what the user wrote, not a normalised rewrite."""
        with pytest.raises(ValidationError) as excinfo:
            Contact(email=" Jane@@Example.com")
        assert excinfo.value.got == "' Jane@@Example.com'"
        with pytest.raises(ValidationError) as excinfo:
            Company(country="Uk")
        assert excinfo.value.got == "'Uk'"

    def test_bad_history_item_is_a_validation_error(self, t0: datetime) -> None:
        """A non-StageChange in the history is reported on the history, not an AttributeError."""
        with pytest.raises(ValidationError) as excinfo:
            Lead(id="a", created_at=t0, stage="lead", history=("x",))  # type: ignore[arg-type]
        assert problem_paths(excinfo) == ["history[0]"]

    def test_history_accepts_a_list(self, t0: datetime) -> None:
        """Like interactions, a history may be given as a list."""
        change = StageChange(from_stage=None, to_stage="inquiry", at=t0)
        assert Lead(id="a", created_at=t0, stage="inquiry", history=[change]).history == (change,)  # type: ignore[arg-type]
