"""Error types and message formatting."""

from __future__ import annotations

import pickle

import pytest

from leadkit import ConfigError, LeadkitError, MissingExtraError, Problem, ValidationError
from leadkit.errors import format_path, require


class TestProblem:
    @pytest.mark.parametrize(
        ("path", "rendered"),
        [
            ((), "<document>"),
            (("leads", 3, "company", "employees"), "leads[3].company.employees"),
            (("attributes", "utm source"), 'attributes["utm source"]'),
            ((0, "id"), "[0].id"),
        ],
    )
    def test_paths(self, path: tuple[str | int, ...], rendered: str) -> None:
        """Paths render like Python access expressions."""
        assert format_path(path) == rendered

    def test_message_shape(self) -> None:
        """what/where/expected/got, with the line when known."""
        problem = Problem(("x",), "a number", "'a'", reason="wrong type", line=4)
        assert str(problem) == "x (line 4): wrong type; expected a number (got 'a')"

    def test_long_values_are_shortened(self) -> None:
        """A huge bad value does not flood the message."""
        error = ValidationError.at(("x",), "short text", "a" * 1000)
        assert len(str(error)) < 150


class TestErrors:
    def test_hierarchy(self) -> None:
        """Leaves derive from LeadkitError and the nearest builtin."""
        assert issubclass(ValidationError, LeadkitError)
        assert issubclass(ValidationError, ValueError)
        assert issubclass(ConfigError, ValueError)
        assert issubclass(MissingExtraError, ImportError)

    def test_several_problems(self) -> None:
        """Several problems are listed one per line."""
        error = ValidationError([Problem(("a",), "x"), Problem(("b",), "y")])
        assert str(error) == "2 problems:\n  - a: expected x\n  - b: expected y"
        assert error.path == "a"

    def test_needs_a_problem(self) -> None:
        """An error without problems is a programming mistake."""
        with pytest.raises(ValueError, match="at least one Problem"):
            ValidationError([])

    def test_within_and_pickle(self) -> None:
        """Errors can be re-rooted and cross process boundaries."""
        error = ValidationError.at(("employees",), "a non-negative integer", -5).within("leads", 2, "company")
        assert error.path == "leads[2].company.employees"
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), copy.problems) == (ValidationError, error.problems)

    def test_missing_extra(self) -> None:
        """A missing optional dependency names the extra to install."""
        with pytest.raises(MissingExtraError, match=r"pip install 'leadkit\[frames\]'") as excinfo:
            require("surely_not_installed_module", feature="leadkit.frames", extra="frames")
        copy = pickle.loads(pickle.dumps(excinfo.value))
        assert str(copy) == str(excinfo.value)
