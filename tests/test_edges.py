"""Edge cases at the boundaries: odd shapes, aliases, encodings, extension points."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from leadkit import BANT, Company, Contact, CriterionStatus, Interaction, Lead, Persona, ValidationError
from leadkit.errors import describe
from leadkit.testing import interactions

from .conftest import T0


class TestModelEdges:
    def test_bant_accepts_status_members(self) -> None:
        """A CriterionStatus member is shorthand too."""
        assert BANT(budget=CriterionStatus.YES).budget.met

    @pytest.mark.parametrize("status", [5, None, CriterionStatus])
    def test_criterion_status_wrong_types(self, status: Any) -> None:
        """Non-text statuses are a ValidationError on the field."""
        with pytest.raises(ValidationError, match="budget"):
            BANT(budget=status)

    def test_text_lists_check_each_item(self) -> None:
        """A non-text item of a list field is located by index."""
        with pytest.raises(ValidationError) as excinfo:
            Persona(name="x", industries=["Software", 3])  # type: ignore[list-item]
        assert excinfo.value.path == "industries[1]"

    @pytest.mark.parametrize("value", ["12", [1], float("inf")])
    def test_numbers_must_be_finite_numbers(self, value: Any) -> None:
        """Interaction values are finite numbers."""
        with pytest.raises(ValidationError, match="a finite number"):
            Interaction(kind="purchase", at=T0, value=value)

    def test_integers_too_large_for_a_float(self) -> None:
        """A huge integer is a ValidationError, not an OverflowError (math.isfinite cannot take it)."""
        from leadkit import Signal

        for build in (
            lambda: Company(annual_revenue=10**400),
            lambda: Interaction(kind="purchase", at=T0, value=10**400),
            lambda: Signal(10**400),
            lambda: Lead.from_json(
                '{"id": "a", "created_at": "2026-01-01T00:00:00Z", "company": {"annual_revenue": 1' + "0" * 400 + "}}"
            ),
        ):
            with pytest.raises(ValidationError, match="a finite number"):
                build()

    def test_long_domains_are_invalid(self) -> None:
        """Domains longer than DNS allows are refused."""
        with pytest.raises(ValidationError):
            Company(domain=("a" * 60 + ".") * 5 + "com")

    def test_with_interactions(self) -> None:
        """with_interactions adds several at once, in time order."""
        events = [Interaction(kind="chat", at=T0), Interaction(kind="call", at=T0.replace(hour=8))]
        lead = Lead(id="a", created_at=T0).with_interactions(events)
        assert [i.kind for i in lead.interactions] == ["call", "chat"]

    def test_frozen_map_equals_plain_mapping(self) -> None:
        """Custom fields compare equal to a plain dict with the same frozen values."""
        lead = Lead(id="a", created_at=T0, attributes={"plan": "pro", "tags": ["x"]})
        assert lead.attributes == {"plan": "pro", "tags": ("x",)}
        assert lead.attributes != {"plan": "pro"}
        assert lead.attributes != ["plan"]

    def test_broken_repr_does_not_hide_the_error(self) -> None:
        """A value whose repr fails is still described."""

        class Hostile:
            def __repr__(self) -> str:
                raise RuntimeError

        assert describe(Hostile()) == "<Hostile object>"


class TestLoadingEdges:
    def test_from_dict_accepts_built_objects(self) -> None:
        """Already-built parts can be mixed into a document."""
        lead = Lead.from_dict({"id": "a", "created_at": "2026-01-01T00:00:00Z", "contact": Contact(email="a@b.io")})
        assert lead.contact.email == "a@b.io"

    @pytest.mark.parametrize(
        ("cls", "document", "where"),
        [
            (Lead, [], "<document>"),
            (Interaction, "chat", "<document>"),
            (Lead, {"id": "a", "created_at": "2026-01-01T00:00:00Z", "attributes": [1], "x": 1}, "attributes"),
            (Interaction, {"kind": "chat", "at": "2026-01-01T00:00:00Z", "properties": "p", "x": 1}, "properties"),
        ],
    )
    def test_lenient_mode_with_malformed_shapes(self, cls: type[Any], document: Any, where: str) -> None:
        """Lenient mode leaves malformed shapes to strict validation, which reports them."""
        with pytest.raises(ValidationError) as excinfo:
            cls.from_dict(document, strict=False)
        assert [p.location for p in excinfo.value.problems] == [where]

    def test_undecodable_json_bytes(self) -> None:
        """Bytes that are not UTF-8 are a ValidationError."""
        with pytest.raises(ValidationError, match="UTF-8"):
            Lead.from_json(b'{"id": "\xff"}')

    def test_yaml_aliases_and_complex_keys(self) -> None:
        """Aliases load (once per node); a non-text key is reported, not crashed on."""
        lead = Lead.from_yaml(
            "id: a\ncreated_at: 2026-01-01T00:00:00Z\n"
            "attributes:\n  first: &tag {x: 1}\n  second: *tag\n  third: *tag\n"
        )
        assert lead.attributes["second"] == {"x": 1}
        with pytest.raises(ValidationError, match="unhashable key") as excinfo:
            Lead.from_yaml("id: a\ncreated_at: 2026-01-01T00:00:00Z\nattributes:\n  ? [a, b]\n  : 1\n")
        assert excinfo.value.line == 4

    def test_yaml_line_of_a_missing_field(self) -> None:
        """A missing field is located at the nearest enclosing node."""
        with pytest.raises(ValidationError) as excinfo:
            Lead.from_yaml("created_at: 2026-01-01T00:00:00Z\nsource: web\n")
        assert (excinfo.value.path, excinfo.value.line) == ("id", 1)

    @pytest.mark.parametrize(
        "text", ["[" * 100_000 + "]" * 100_000, "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 200))]
    )
    def test_deep_yaml_is_a_validation_error(self, text: str) -> None:
        """Absurdly nested YAML is refused cleanly (libyaml would overflow the C stack)."""
        with pytest.raises(ValidationError, match="nested too deeply"):
            Lead.from_yaml(text)


@given(interactions(kinds=__import__("hypothesis").strategies.just("podcast_listen")))
def test_kinds_can_be_a_strategy(interaction: Interaction) -> None:
    """interactions(kinds=...) also takes a strategy."""
    assert interaction.kind == "podcast_listen"
