"""Scoring models in YAML: round trips, errors with lines, the default model, and plugins."""

from __future__ import annotations

import contextlib
import pickle
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import scaled
from leadkit import (
    ConfigError,
    Contribution,
    Lead,
    Score,
    ScoringModel,
    ValidationError,
    default_model,
    default_model_path,
    load_model,
    register_scorer,
    scorer_types,
)
from leadkit.scoring import config
from leadkit.testing import json_values, scoring_models

T = datetime(2026, 11, 1, tzinfo=timezone.utc)

MINIMAL = """\
version: 1
scorers:
  - type: rules
    rules:
      - name: big
        when: {field: company.employees, gte: 200}
        points: 10
"""


def error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        ScoringModel.from_yaml(text)
    return info.value


class TestRoundTrip:
    @settings(max_examples=scaled(60))
    @given(model=scoring_models())
    def test_yaml(self, model: ScoringModel) -> None:
        """Any model dumps to YAML and reloads equal."""
        assert ScoringModel.from_yaml(model.to_yaml()) == model

    @settings(max_examples=scaled(30))
    @given(model=scoring_models())
    def test_dict(self, model: ScoringModel) -> None:
        """The plain-data form round-trips too, and is plain data."""
        data = model.to_dict()
        assert ScoringModel.from_dict(yaml.safe_load(yaml.safe_dump(data))) == model

    def test_minimal_model_uses_defaults(self) -> None:
        """Only version and scorers are required."""
        model = ScoringModel.from_yaml(MINIMAL)
        assert (model.name, model.grades, model.mql_total) == ("model", (75, 50, 25), 60)
        assert model.hand_raiser_window == timedelta(days=30)

    def test_all_sections(self) -> None:
        """Every section reads into the model's settings."""
        model = ScoringModel.from_yaml(
            MINIMAL
            + textwrap.dedent("""\
            name: mine
            description: for tests
            grades: {A: 9, B: 8, C: 7}
            bands: {1: 6, '2': 5, 3: 4}
            temperature: {hot: 3, warm: 2}
            mql: {total: 1, grades: [A]}
            sales_ready: {kinds: [call], within: null}
            """)
        )
        assert (model.name, model.description, model.grades, model.bands) == ("mine", "for tests", (9, 8, 7), (6, 5, 4))
        assert (model.temperature, model.mql_total, model.mql_grades) == ((3, 2), 1, ("A",))
        assert (model.hand_raisers, model.hand_raiser_window) == (("call",), None)


class TestDefaultModel:
    def test_loads_and_round_trips(self) -> None:
        """The shipped model loads, and dumps back to an equal model."""
        model = default_model()
        assert model.name == "default"
        assert [s.name for s in model.scorers] == ["fit", "rules", "engagement", "bant"]
        assert ScoringModel.from_yaml(model.to_yaml()) == model
        assert pickle.loads(pickle.dumps(model)) == model

    def test_path(self) -> None:
        """The path points at the shipped file, for copying."""
        assert load_model(default_model_path()) == default_model()


class TestErrors:
    def test_misspelt_operator_has_line_path_and_hint(self) -> None:
        """A misspelt operator names its line, its path and the closest operator."""
        text = MINIMAL.replace("gte: 200", "match: 200")
        exc = error(text)
        assert (exc.path, exc.line) == ("scorers[0].rules[0].when.match", 6)
        assert "unknown operator 'match' (did you mean 'matches'?)" in str(exc)

    @pytest.mark.parametrize(
        ("text", "path", "line", "fragment"),
        [
            (MINIMAL.replace("version: 1", "version: 2"), "version", 1, "version 1"),
            (MINIMAL.replace("version: 1", "verison: 1"), "verison", 1, "did you mean 'version'?"),
            (MINIMAL.replace("type: rules", "type: rulez"), "scorers[0].type", 3, "did you mean 'rules'?"),
            (MINIMAL.replace("type: rules", "type: nothing_like_it"), "scorers[0].type", 3, "best_persona_fit"),
            (MINIMAL.replace("  - type: rules\n", "  - weight: 1\n"), "scorers[0].type", 3, "missing key"),
            (MINIMAL.replace("points: 10", "points: ten"), "scorers[0].rules[0].points", 7, "finite number"),
            (MINIMAL.replace("name: big", "nam: big"), "scorers[0].rules[0].nam", 5, "did you mean 'name'?"),
            (MINIMAL + "grades: {A: 1, B: 2, C: 3}\n", "grades", 8, "lower than the one before"),
            (MINIMAL + "grades: {A: 1, B: 2}\n", "grades.C", 8, "missing key"),
            (MINIMAL + "mql: {total: high}\n", "mql.total", 8, "a number"),
            (MINIMAL + "sales_ready: {within: soon}\n", "sales_ready.within", 8, "a duration"),
            (MINIMAL + "scorers: []\n", "scorers", 8, "duplicate key"),
            ("version: 1\nscorers: []\n", "scorers", 2, "at least one scorer"),
            ("- 1\n", "<document>", 1, "a mapping"),
            ("version: [\n", "<document>", 2, "invalid YAML"),
            ("!!python/object:os.system {}\n", "<document>", 1, "invalid YAML"),
        ],
    )
    def test_errors(self, text: str, path: str, line: int | None, fragment: str) -> None:
        """Each problem is a ConfigError with its path and line."""
        exc = error(text)
        assert (exc.path, exc.line) == (path, line)
        assert fragment in str(exc)

    @pytest.mark.parametrize(
        ("entry", "path", "fragment"),
        [
            ({"type": "engagement", "half_life": 30}, "scorers[0].half_life", "a duration"),
            (
                {"type": "engagement", "signals": {"call": {"points": 1, "frequency": "often"}}},
                "scorers[0].signals.call.frequency",
                "every, once",
            ),
            (
                {"type": "engagement", "signals": {"call": {"pts": 1}}},
                "scorers[0].signals.call.pts",
                "did you mean 'points'?",
            ),
            ({"type": "engagement", "signals": [1]}, "scorers[0].signals", "a mapping"),
            (
                {"type": "engagement", "signals": {"call": {"points": 1, "frequency": {"at_most": 0}}}},
                "scorers[0].signals.call.frequency.limit",
                "positive",
            ),
            ({"type": "bant", "checklist": "SPICED"}, "scorers[0].checklist", "unknown checklist"),
            ({"type": "checklist"}, "scorers[0].checklist", "missing key"),
            (
                {"type": "checklist", "checklist": {"name": "X", "items": [{"name": "a", "source": "bant.money"}]}},
                "scorers[0].checklist.items[0].source",
                "bant.budget",
            ),
            (
                {"type": "persona_fit", "persona": {"name": "P", "industrys": ["x"]}},
                "scorers[0].persona.industrys",
                "unknown field",
            ),
            (
                {"type": "persona_fit", "persona": {"name": "P"}, "weights": {"titel": 1}},
                "scorers[0].weights.titel",
                "did you mean 'title'?",
            ),
            ({"type": "best_persona_fit", "personas": "P"}, "scorers[0].personas", "a list"),
            ({"type": "rules", "rules": [], "side": "both"}, "scorers[0].side", "fit or engagement"),
            ({"type": "rules", "rules": [], "weight": "1"}, "scorers[0].weight", "a number"),
        ],
    )
    def test_scorer_errors(self, entry: dict[str, Any], path: str, fragment: str) -> None:
        """Each built-in type checks its keys, with paths down to the bad value."""
        with pytest.raises(ConfigError) as info:
            ScoringModel.from_dict({"version": 1, "scorers": [entry]})
        assert info.value.path == path
        assert fragment in str(info.value)

    def test_unreadable_file(self, tmp_path: Path) -> None:
        """A missing file is a ConfigError too."""
        with pytest.raises(ConfigError, match="a readable YAML file"):
            load_model(tmp_path / "nope.yaml")

    @settings(max_examples=scaled(300))
    @given(
        data=st.recursive(
            json_values(),
            lambda inner: (
                st.dictionaries(
                    st.sampled_from([*config._MODEL_KEYS, "type", "rules", "signals", "when", "field", "eq", "x"]),
                    inner,
                    max_size=4,
                )
                | st.lists(inner, max_size=3)
            ),
            max_leaves=20,
        )
    )
    def test_fuzzed_models_raise_only_config_errors(self, data: Any) -> None:
        """Whatever the data, reading a model returns one or raises ConfigError."""
        for document in (data, {"version": 1, "scorers": [data]}, {"version": 1, "scorers": data}):
            with contextlib.suppress(ConfigError):
                ScoringModel.from_dict(document)

    @settings(max_examples=scaled(200))
    @given(text=st.text(max_size=200) | st.binary(max_size=200))
    def test_fuzzed_yaml_raises_only_config_errors(self, text: str | bytes) -> None:
        """Whatever the text, reading a model returns one or raises ConfigError."""
        with contextlib.suppress(ConfigError):
            ScoringModel.from_yaml(text)

    @settings(max_examples=scaled(100))
    @given(model=scoring_models(), data=st.data())
    def test_mutated_yaml_raises_only_config_errors(self, model: ScoringModel, data: st.DataObject) -> None:
        """Valid model text with one line deleted or one character changed fails only with ConfigError."""
        lines = model.to_yaml().splitlines()
        index = data.draw(st.integers(0, len(lines) - 1))
        if data.draw(st.booleans()):
            del lines[index]
        else:
            line = lines[index]
            at = data.draw(st.integers(0, len(line)))
            lines[index] = line[:at] + data.draw(st.sampled_from(list(":-[]{}'\"# x9"))) + line[at + 1 :]
        with contextlib.suppress(ConfigError):
            ScoringModel.from_yaml("\n".join(lines))


@attrs.frozen
class HasPhone:
    """A custom scorer used by the plugin tests."""

    points: float = 10.0
    name: str = "phone"

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        given_ = lead.contact.phone is not None
        return Score(self.name, [Contribution("phone", self.points if given_ else 0.0, "phone.given", "has a phone")])


class FromConfig:
    """A non-attrs scorer with its own from_config / to_config."""

    def __init__(self, bonus: float) -> None:
        self.bonus = bonus
        self.name = "bonus"

    @classmethod
    def from_config(cls, data: dict[str, Any]) -> FromConfig:
        return cls(data["bonus"])

    def to_config(self) -> dict[str, Any]:
        return {"bonus": self.bonus}

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        return Score(self.name, [Contribution("bonus", self.bonus, "bonus.bonus", "a bonus")])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FromConfig) and other.bonus == self.bonus

    __hash__ = None  # type: ignore[assignment]


@pytest.fixture
def registered() -> Iterator[None]:
    register_scorer("test_has_phone")(HasPhone)
    register_scorer("test_bonus")(FromConfig)
    yield
    config._registered.pop("test_has_phone", None)
    config._registered.pop("test_bonus", None)


class TestPlugins:
    def test_decorator(self, registered: None) -> None:
        """A registered class can be named by type and round-trips."""
        model = ScoringModel.from_yaml(
            "version: 1\nscorers:\n  - type: test_has_phone\n    points: 5\n  - type: test_bonus\n    bonus: 2\n"
        )
        assert model.scorers[0] == HasPhone(points=5)
        assert model.qualify(Lead(id="a", created_at=T), as_of=T).total == 2
        assert ScoringModel.from_yaml(model.to_yaml()) == model
        assert {"test_has_phone", "test_bonus"} <= set(scorer_types())

    def test_unknown_keys_of_a_custom_class(self, registered: None) -> None:
        """Keys the class does not take are a ConfigError with a hint."""
        with pytest.raises(ConfigError) as info:
            ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_has_phone", "pints": 5}]})
        assert info.value.path == "scorers[0].pints"
        assert "did you mean 'points'?" in str(info.value)

    def test_name_taken(self, registered: None) -> None:
        """A type name cannot be taken twice, nor a built-in one."""
        with pytest.raises(ConfigError, match="name taken"):
            register_scorer("rules")(HasPhone)
        with pytest.raises(ConfigError, match="name taken"):
            register_scorer("test_has_phone")(FromConfig)
        assert register_scorer("test_has_phone")(HasPhone) is HasPhone  # the same class again is fine

    def test_unregistered_class_cannot_be_written(self) -> None:
        """Writing a model with an unregistered scorer class says how to fix it."""
        model = ScoringModel(scorers=[HasPhone()])
        with pytest.raises(ConfigError, match="cannot write HasPhone"):
            model.to_yaml()

    def test_entry_point(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """An installed package's entry point in leadkit.scorers makes its type available."""
        (tmp_path / "my_scorers.py").write_text(
            textwrap.dedent("""\
            import attrs
            from leadkit import Contribution, Score

            @attrs.frozen
            class Constant:
                value: float = 1.0
                name: str = "constant"

                def score(self, lead, *, as_of):
                    return Score(self.name, [Contribution("c", self.value, "constant.c", "always")])
            """)
        )
        dist = tmp_path / "my_scorers-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: my-scorers\nVersion: 1.0\n")
        (dist / "entry_points.txt").write_text("[leadkit.scorers]\nconstant = my_scorers:Constant\nbroken = nope:X\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        assert {"constant", "broken"} <= set(scorer_types())
        model = ScoringModel.from_yaml("version: 1\nscorers:\n  - type: constant\n    value: 3\n")
        assert model.qualify(Lead(id="a", created_at=T), as_of=T).total == 3
        assert ScoringModel.from_yaml(model.to_yaml()) == model
        with pytest.raises(ConfigError) as info:
            ScoringModel.from_yaml("version: 1\nscorers:\n  - type: broken\n")
        assert info.value.path == "scorers[0].type"
        assert "ModuleNotFoundError" in str(info.value)
        sys.modules.pop("my_scorers", None)


def test_plugin_errors_are_config_errors(registered: None) -> None:
    """A plugin's KeyError or ValueError about its configuration becomes a ConfigError at the entry."""
    with pytest.raises(ConfigError) as info:
        ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_bonus"}]})
    assert info.value.path == "scorers[0]"
    assert "KeyError: 'bonus'" in str(info.value)


def test_engagement_settings_are_written_only_when_set() -> None:
    """A signal without its own half-life has no half_life key, a limit without a window no within, a cap is kept."""
    text = MINIMAL.replace(
        "  - type: rules",
        "  - type: engagement\n    cap: 50\n    signals:\n"
        "      call: {points: 5, frequency: {at_most: 3}}\n  - type: rules",
    )
    model = ScoringModel.from_yaml(text)
    entry = model.to_dict()["scorers"][0]
    assert entry["cap"] == 50
    assert entry["signals"] == {"call": {"points": 5, "frequency": {"at_most": 3}}}
    assert model.scorers[0].signals["call"].half_life is None
    assert ScoringModel.from_dict(model.to_dict()) == model


def test_a_custom_checklist_reads_and_writes_as_a_mapping() -> None:
    """A checklist that is not a built-in one is a mapping in YAML, written back with every setting."""
    checklist = {
        "name": "MINI",
        "items": [
            {"name": "money", "source": "bant.budget", "weight": 2.0, "required": True},
            {"name": "champion", "source": "attributes.champion", "weight": 1.0, "required": False},
        ],
        "min_met": 1,
        "partial_credit": 0.25,
    }
    model = ScoringModel.from_dict({"version": 1, "scorers": [{"type": "checklist", "checklist": checklist}]})
    read = model.scorers[0].checklist  # type: ignore[attr-defined]
    assert (read.name, [i.name for i in read.items], read.min_met, read.partial_credit) == (
        "MINI",
        ["money", "champion"],
        1,
        0.25,
    )
    assert read.items[0].required
    assert model.to_dict()["scorers"][0]["checklist"] == checklist
    assert ScoringModel.from_dict(model.to_dict()) == model


def test_bant_without_a_checklist_uses_the_built_in_one() -> None:
    """`type: bant` alone scores with the BANT checklist, written back by its name."""
    model = ScoringModel.from_dict({"version": 1, "scorers": [{"type": "bant"}]})
    assert model.scorers[0].checklist.name == "BANT"  # type: ignore[attr-defined]
    assert model.to_dict()["scorers"][0]["checklist"] == "BANT"


def test_persona_fit_weights_are_written_only_when_not_the_default() -> None:
    """Custom fit weights round-trip; the default ones are left out."""
    entry = {"type": "persona_fit", "persona": {"name": "P"}, "weights": {"industry": 2.0}}
    model = ScoringModel.from_dict({"version": 1, "scorers": [entry]})
    written = model.to_dict()["scorers"][0]
    assert written["weights"] == dict(model.scorers[0].weights)  # type: ignore[attr-defined]
    assert written["weights"]["industry"] == 2.0
    assert ScoringModel.from_dict(model.to_dict()) == model
    plain = ScoringModel.from_dict({"version": 1, "scorers": [{"type": "persona_fit", "persona": {"name": "P"}}]})
    assert "weights" not in plain.to_dict()["scorers"][0]


def test_optional_policy_keys_may_be_given_alone() -> None:
    """mql may give only grades or only a total, sales_ready only kinds; the rest keeps its default."""
    only_grades = ScoringModel.from_yaml(MINIMAL + "mql: {grades: [A]}\nsales_ready: {kinds: [call]}\n")
    assert (only_grades.mql_grades, only_grades.mql_total) == (("A",), 60)
    assert (only_grades.hand_raisers, only_grades.hand_raiser_window) == (("call",), timedelta(days=30))
    only_total = ScoringModel.from_yaml(MINIMAL + "mql: {total: 10}\n")
    assert (only_total.mql_grades, only_total.mql_total) == (("A", "B"), 10)


def test_thresholds_must_be_a_mapping() -> None:
    """grades given as a list is a ConfigError at grades, with its line."""
    err = error(MINIMAL + "grades: [9, 8, 7]\n")
    assert err.path == "grades"
    assert err.line == 8
    assert "expected a mapping with the keys A, B, C" in str(err)


@pytest.mark.parametrize("name", ["", "  ", None])
def test_a_type_name_must_be_text(name: Any) -> None:
    """register_scorer refuses an empty or missing type name before any class is given."""
    with pytest.raises(ConfigError) as info:
        register_scorer(name)
    assert info.value.path == "type"
    assert "a non-empty type name" in str(info.value)


def _not_a_class(**config: Any) -> HasPhone:
    return HasPhone(**config)


class NotAScorer:
    """A registered class whose from_config gives something that cannot score."""

    @classmethod
    def from_config(cls, data: dict[str, Any]) -> Any:
        return {"points": 1}


class StrictScorer:
    """A registered class that checks its configuration with leadkit's own errors, and has no to_config."""

    name = "strict"

    def __init__(self, points: float = 1.0) -> None:
        if points < 0:
            raise ValidationError.at(("points",), "a number >= 0", points)
        self.points = points

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        return Score(self.name, [Contribution("p", self.points, "strict.p", "points")])


@pytest.fixture
def odd_plugins() -> Iterator[None]:
    names = ("test_function", "test_not_a_scorer", "test_strict")
    register_scorer(names[0])(_not_a_class)  # type: ignore[arg-type]
    register_scorer(names[1])(NotAScorer)
    register_scorer(names[2])(StrictScorer)
    yield
    for name in names:
        config._registered.pop(name, None)


class TestOddPlugins:
    def test_a_registered_function_is_not_a_class(self, odd_plugins: None) -> None:
        with pytest.raises(ConfigError) as info:
            ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_function"}]})
        assert info.value.path == "scorers[0].type"
        assert "not a class" in str(info.value)

    def test_from_config_must_give_a_scorer(self, odd_plugins: None) -> None:
        with pytest.raises(ConfigError) as info:
            ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_not_a_scorer"}]})
        assert info.value.path == "scorers[0]"
        assert "expected a scorer (an object with a name and a score method)" in str(info.value)

    def test_a_plugins_own_validation_error_keeps_its_path(self, odd_plugins: None) -> None:
        """A ValidationError from the plugin keeps its own path and words, located under the entry."""
        with pytest.raises(ConfigError) as info:
            ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_strict", "points": -1}]})
        assert info.value.path == "scorers[0].points"
        assert info.value.expected == "a number >= 0"
        assert "a valid configuration for" not in str(info.value)

    def test_a_plain_class_without_to_config_cannot_be_written(self, odd_plugins: None) -> None:
        model = ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_strict", "points": 2}]})
        assert model.qualify(Lead(id="a", created_at=T), as_of=T).total == 2
        with pytest.raises(ConfigError) as info:
            model.to_dict()
        assert info.value.path == "scorers"
        assert "cannot write StrictScorer to YAML" in str(info.value)


@pytest.mark.parametrize(
    ("extra", "path", "expected"),
    [
        ("bands: {1: 6, 2: 5}\n", 'bands["3"]', "the key '3'"),
        ("sales_ready: {kinds: call}\n", "sales_ready.kinds", "a list"),
    ],
)
def test_policy_errors_name_their_section(extra: str, path: str, expected: str) -> None:
    """A bad bands or sales_ready.kinds value is reported at its own path, with its line."""
    err = error(MINIMAL + extra)
    assert (err.path, err.line) == (path, 8)
    assert err.expected == expected


def test_a_checklist_items_unknown_key_names_the_item() -> None:
    """A misspelt key of a custom checklist's item is reported at that item, with a hint."""
    checklist = {"name": "X", "items": [{"name": "a", "source": "bant.budget", "wieght": 2}]}
    with pytest.raises(ConfigError) as info:
        ScoringModel.from_dict({"version": 1, "scorers": [{"type": "checklist", "checklist": checklist}]})
    assert info.value.path == "scorers[0].checklist.items[0].wieght"
    assert "did you mean 'weight'?" in str(info.value)


def test_a_built_in_class_may_be_registered_under_its_own_name() -> None:
    """Registering a built-in scorer class under its built-in type name is allowed (it changes nothing)."""
    try:
        assert register_scorer("rules")(config.RuleScorer) is config.RuleScorer
    finally:
        config._registered.pop("rules", None)
    with pytest.raises(ConfigError, match="name taken"):
        register_scorer("rules")(config.EngagementScorer)


def test_a_custom_class_with_bad_keys_lists_the_keys_it_takes(registered: None) -> None:
    """An unknown key of a registered class says which keys the class takes."""
    with pytest.raises(ConfigError) as info:
        ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_has_phone", "pints": 5}]})
    assert info.value.expected == "the keys points, name"
    assert str(info.value).startswith(
        "scorers[0].pints: unknown key 'pints' (did you mean 'points'?); expected the keys"
    )


def test_unwritable_scorers_say_what_is_expected(odd_plugins: None) -> None:
    """Writing an unregistered class, or a registered one without to_config or attrs, says what would do."""
    with pytest.raises(ConfigError) as info:
        ScoringModel(scorers=[HasPhone()]).to_dict()
    assert info.value.path == "scorers[0]"
    assert info.value.expected == (
        "a scorer class registered with register_scorer or under the leadkit.scorers entry points"
    )
    model = ScoringModel.from_dict({"version": 1, "scorers": [{"type": "test_strict", "points": 2}]})
    with pytest.raises(ConfigError) as info:
        model.to_dict()
    assert info.value.expected == "a scorer with a to_config() method or an attrs class"
