"""dict / JSON / YAML round trips, strict and lenient loading, and error paths."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit import (
    BANT,
    Company,
    Contact,
    Criterion,
    Interaction,
    Lead,
    Persona,
    Problem,
    StageChange,
    ValidationError,
)
from leadkit._frozen import thaw  # private on purpose: compares stored values with JSON
from leadkit.testing import bants, companies, contacts, criteria, histories, interactions, json_values, leads, personas

MODELS: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (Lead, leads()),
    (Contact, contacts()),
    (Company, companies()),
    (Interaction, interactions()),
    (Criterion, criteria()),
    (BANT, bants()),
    (Persona, personas()),
    (StageChange, histories(max_size=1).filter(bool).map(lambda h: h[0])),
]
MODEL_IDS = [cls.__name__ for cls, _ in MODELS]

LEAD = {
    "id": "L-1",
    "created_at": "2026-11-02T09:30:00+05:30",
    "contact": {"email": "ana@example.com", "phone": "+15550100999"},
    "company": {"name": "Acme", "employees": 50, "country": "US"},
    "attributes": {"plan": "pro"},
    "interactions": [{"kind": "chat", "at": "2026-11-02T10:00:00Z", "channel": "chat"}],
    "bant": {"budget": "yes", "need": {"status": "partial", "note": "pilot"}},
}


def locations(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [p.location for p in excinfo.value.problems]


class TestRoundTrips:
    @pytest.mark.parametrize(("cls", "strategy"), MODELS, ids=MODEL_IDS)
    @given(data=st.data())
    def test_dict_json_yaml(self, cls: type[Any], strategy: st.SearchStrategy[Any], data: st.DataObject) -> None:
        """Every model class survives dict, JSON and YAML unchanged."""
        obj = data.draw(strategy)
        canonical = obj.to_json()
        for again in (cls.from_dict(obj.to_dict()), cls.from_json(canonical), cls.from_yaml(obj.to_yaml())):
            assert again == obj
            assert again.to_json() == canonical  # same data to the type: 1, 1.0 and True stay apart

    @given(lead=leads())
    def test_round_trip_keeps_offsets(self, lead: Lead) -> None:
        """Datetimes come back with the same UTC offset, not just the same instant."""
        again = Lead.from_json(lead.to_json())
        assert again.created_at.utcoffset() == lead.created_at.utcoffset()
        assert [i.at.utcoffset() for i in again.interactions] == [i.at.utcoffset() for i in lead.interactions]

    @given(lead=leads())
    def test_to_dict_is_plain_json(self, lead: Lead) -> None:
        """to_dict produces only JSON types (so json.dumps needs no help)."""
        data = lead.to_dict()
        assert json.loads(json.dumps(data)) == data

    def test_defaults_are_omitted(self, t0: Any) -> None:
        """Fields at their default are left out of the dict."""
        assert Lead(id="a", created_at=t0).to_dict() == {"id": "a", "created_at": "2026-11-02T09:30:00+00:00"}

    def test_example_document(self) -> None:
        """A hand-written document loads with shorthand BANT and 'Z' times."""
        lead = Lead.from_dict(LEAD)
        assert lead.bant.budget.met
        assert lead.interactions[0].at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        assert lead.attributes["plan"] == "pro"


class TestFuzz:
    @pytest.mark.parametrize(("cls", "strategy"), MODELS, ids=MODEL_IDS)
    @given(data=st.data())
    def test_arbitrary_json_only_raises_validation_error(
        self, cls: type[Any], strategy: st.SearchStrategy[Any], data: st.DataObject
    ) -> None:
        """Any JSON-like input either loads or raises ValidationError, nothing else."""
        del strategy
        value = data.draw(json_values(max_leaves=20))
        problems: tuple[object, ...] = ("loaded",)
        try:
            cls.from_dict(value)
        except ValidationError as exc:
            problems = exc.problems
        assert problems

    @given(lead=leads(), data=st.data())
    def test_mutated_documents_only_raise_validation_error(self, lead: Lead, data: st.DataObject) -> None:
        """A valid document with one value replaced loads or fails with a located ValidationError."""
        document = lead.to_dict()
        paths = list(_paths(document))
        path = data.draw(st.sampled_from(paths))
        replacement = data.draw(json_values() | st.sampled_from(["", "x", -1, 1.5, None, [], {}]))
        _set(document, path, replacement)
        strict = data.draw(st.booleans())
        problems: tuple[Problem, ...] = ()
        try:
            Lead.from_dict(document, strict=strict)
        except ValidationError as exc:
            problems = exc.problems
        assert all(p.expected and p.path is not None for p in problems)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Any:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    if not path:
        document.clear()
        document["replaced"] = value
        return
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


class TestErrors:
    def test_paths_and_all_problems(self) -> None:
        """Every problem is reported at once, each with its path."""
        document = {
            **LEAD,
            "contact": {"email": "nope"},
            "company": {"employees": -5},
            "interactions": [{"kind": "chat", "at": "2026-11-02T10:00:00"}, "oops"],
            "bogus": 1,
        }
        with pytest.raises(ValidationError) as excinfo:
            Lead.from_dict(document)
        assert sorted(locations(excinfo)) == [
            "bogus",
            "company.employees",
            "contact.email",
            "interactions[0].at",
            "interactions[1]",
        ]

    @pytest.mark.parametrize(
        ("document", "where", "text"),
        [
            ("not a mapping", "<document>", "a mapping with the fields of Lead"),
            ({"created_at": "2026-01-01T00:00:00Z"}, "id", "required field missing"),
            ({"id": "a", "created_at": "yesterday"}, "created_at", "ISO 8601"),
            ({"id": "a", "created_at": "2026-01-01T00:00:00"}, "created_at", "no UTC offset"),
            ({"id": "a", "created_at": 1700000000}, "created_at", "timezone-aware datetime"),
            ({"id": "a", "created_at": "2026-01-01T00:00:00Z", "interactions": "chat"}, "interactions", "a list"),
            ({"id": "a", "created_at": "2026-01-01T00:00:00Z", "contact": None}, "contact", "a mapping"),
            ({"id": "a", "created_at": "2026-01-01T00:00:00Z", "attributes": []}, "attributes", "a mapping"),
            ({"id": 7, "created_at": "2026-01-01T00:00:00Z"}, "id", "non-empty text"),
        ],
    )
    def test_common_mistakes(self, document: Any, where: str, text: str) -> None:
        """Each common mistake names the field and what was expected."""
        with pytest.raises(ValidationError) as excinfo:
            Lead.from_dict(document)
        assert locations(excinfo) == [where]
        assert text in str(excinfo.value)

    def test_computed_fields_are_not_document_fields(self) -> None:
        """Private computed fields are neither accepted nor listed as fields."""
        with pytest.raises(ValidationError) as excinfo:
            Interaction.from_dict({"kind": "chat", "at": "2026-01-01T00:00:00Z", "_epoch": 5})
        assert excinfo.value.path == "_epoch"
        assert "_epoch" not in excinfo.value.expected
        assert "_epoch" not in Interaction.from_dict({"kind": "chat", "at": "2026-01-01T00:00:00Z"}).to_dict()

    def test_unknown_field_lists_the_known_ones(self) -> None:
        """An unknown key names the fields that exist and how to keep it."""
        with pytest.raises(ValidationError, match=r"lead_score: unknown field; expected one of the fields of Lead: id"):
            Lead.from_dict({**LEAD, "lead_score": 87})

    def test_json_syntax_error_has_line(self) -> None:
        """Broken JSON is a ValidationError with the line of the error."""
        with pytest.raises(ValidationError, match="invalid JSON") as excinfo:
            Lead.from_json('{\n"id": "a",\n"created_at": }')
        assert excinfo.value.line == 3

    def test_json_duplicate_keys_refused(self) -> None:
        """A repeated key is an error, not a silent overwrite."""
        with pytest.raises(ValidationError, match="duplicate key"):
            Lead.from_json('{"id": "a", "id": "b", "created_at": "2026-01-01T00:00:00Z"}')

    def test_deep_json_is_a_validation_error(self) -> None:
        """Absurdly nested JSON is refused cleanly."""
        with pytest.raises(ValidationError):
            Lead.from_json("[" * 100_000 + "]" * 100_000)


class TestYaml:
    def test_error_has_yaml_line(self) -> None:
        """Errors in YAML documents carry the line of the bad value."""
        text = "id: a\ncreated_at: 2026-01-01T00:00:00Z\ncompany:\n  name: Acme\n  employees: -3\n"
        with pytest.raises(ValidationError) as excinfo:
            Lead.from_yaml(text)
        assert locations(excinfo) == ["company.employees (line 5)"]

    def test_python_tags_refused(self) -> None:
        """Python object tags are refused by the safe loader."""
        with pytest.raises(ValidationError, match="invalid YAML"):
            Lead.from_yaml("!!python/object/apply:os.system ['echo hi']\n")

    def test_duplicate_keys_refused(self) -> None:
        """PyYAML would keep the last of two equal keys; leadkit refuses them."""
        with pytest.raises(ValidationError) as excinfo:
            Lead.from_yaml("id: a\ncreated_at: 2026-01-01T00:00:00Z\nid: b\n")
        assert locations(excinfo) == ["id (line 3)"]

    def test_unquoted_times_need_an_offset(self) -> None:
        """YAML's own timestamps are not used: a time without offset is still refused."""
        with pytest.raises(ValidationError, match="no UTC offset"):
            Lead.from_yaml("id: a\ncreated_at: 2026-01-01 10:00:00\n")
        lead = Lead.from_yaml("id: a\ncreated_at: 2026-01-01T10:00:00+01:00\n")
        assert lead.created_at.utcoffset() is not None

    def test_yaml_1_2_booleans(self) -> None:
        """yes/no/on/off stay text (YAML 1.2), so the BANT shorthand works unquoted."""
        lead = Lead.from_yaml(
            "id: a\ncreated_at: 2026-01-01T00:00:00Z\nbant: {budget: yes, need: no}\n"
            "attributes: {newsletter: on, vip: true, churned: False}\n"
        )
        assert (lead.bant.budget.status.value, lead.bant.need.status.value) == ("yes", "no")
        assert dict(lead.attributes) == {"newsletter": "on", "vip": True, "churned": False}

    def test_empty_and_multiple_documents(self) -> None:
        """An empty document or several documents are errors."""
        with pytest.raises(ValidationError, match="a mapping"):
            Lead.from_yaml("")
        with pytest.raises(ValidationError, match="invalid YAML"):
            Lead.from_yaml("id: a\n---\nid: b\n")


class TestLenient:
    def test_unknown_keys_are_kept(self) -> None:
        """strict=False keeps unknown keys in attributes and interaction properties."""
        document = {
            **LEAD,
            "lead_score": 87,
            "contact": {**LEAD["contact"], "linkedin": "ana-r"},
            "company": {**LEAD["company"], "revenue_band": "1-10M"},
            "bant": {"budget": "yes", "champion": "yes"},
            "interactions": [{"kind": "chat", "at": "2026-11-02T10:00:00Z", "utm_source": "ads"}],
        }
        lead = Lead.from_dict(document, strict=False)
        assert dict(lead.attributes) == {
            "plan": "pro",
            "lead_score": 87,
            "contact.linkedin": "ana-r",
            "company.revenue_band": "1-10M",
            "bant.champion": "yes",
        }
        assert dict(lead.interactions[0].properties) == {"utm_source": "ads"}

    def test_collision_is_an_error(self) -> None:
        """Lenient mode never overwrites an existing custom field."""
        with pytest.raises(ValidationError, match="would overwrite"):
            Lead.from_dict({**LEAD, "attributes": {"plan": "pro"}, "plan": "team"}, strict=False)

    def test_collision_inside_an_interaction_is_located(self) -> None:
        """A lenient collision in an interaction names the interaction."""
        document = {
            **LEAD,
            "interactions": [{"kind": "chat", "at": "2026-01-01T00:00:00Z", "properties": {"x": 1}, "x": 2}],
        }
        with pytest.raises(ValidationError) as excinfo:
            Lead.from_dict(document, strict=False)
        assert locations(excinfo) == ["interactions[0].x"]

    def test_nested_unknown_keys_mention_lenient_mode(self) -> None:
        """Unknown keys of a lead's contact say lenient mode would keep them."""
        with pytest.raises(ValidationError, match="load the lead with strict=False"):
            Lead.from_dict({**LEAD, "contact": {"linkedin": "x"}})

    def test_other_classes_stay_strict(self) -> None:
        """Classes without a place for extra data refuse unknown keys even when lenient."""
        with pytest.raises(ValidationError, match="unknown field"):
            Persona.from_dict({"name": "x", "colour": "blue"}, strict=False)

    @given(
        lead=leads(),
        extra=st.dictionaries(
            st.text(min_size=1, max_size=8).filter(lambda k: k not in set(Lead.__annotations__)),
            json_values(),
            max_size=3,
        ),
    )
    def test_lenient_loses_nothing(self, lead: Lead, extra: dict[str, Any]) -> None:
        """Every unknown key ends up in attributes with its value, or the load fails loudly."""
        document = lead.to_dict()
        document.update(extra)
        try:
            loaded = Lead.from_dict(document, strict=False)
        except ValidationError as exc:
            refusal = exc
        else:
            refusal = None
        if refusal is not None:
            assert any("would overwrite" in p.expected for p in refusal.problems)
            return
        for key, value in extra.items():
            assert thaw(loaded.attributes[key]) == value
